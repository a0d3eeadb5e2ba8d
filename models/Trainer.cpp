#include "models/Trainer.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace edgegpt {

double evaluateAccuracy(SplitNet &net, const ImageSet &set, int batchSize)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = net->is_training();
    net->eval();
    qint64 correct = 0;
    for (int first = 0; first < set.count; first += batchSize) {
        const int n = std::min(batchSize, set.count - first);
        const torch::Tensor predicted = net->forward(set.images(first, n)).argmax(1);
        correct += predicted.eq(set.targets(first, n)).sum().item<int64_t>();
    }
    net->train(wasTraining);
    return set.count ? double(correct) / set.count : 0.0;
}

Result<TrainReport> trainModel(SplitNet &net, const ImageSet &train, const ImageSet &test,
                               const TrainOptions &options,
                               const std::function<void(const TrainProgress &)> &progress,
                               const std::atomic<bool> *cancel)
{
    if (options.epochs < 1 || options.batchSize < 2 || train.count < options.batchSize)
        return Result<TrainReport>::failure(
            QStringLiteral("training needs at least one epoch and one full batch"));
    const int threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    torch::set_num_threads(threads);
    torch::manual_seed(options.seed);
    std::mt19937_64 rng(options.seed);

    const torch::Tensor allImages = train.images();
    const torch::Tensor allTargets = train.targets();
    const int batches = train.count / options.batchSize; // the last partial batch is dropped
    const qint64 totalSteps = qint64(batches) * options.epochs;

    torch::optim::AdamW optimiser(
        net->parameters(),
        torch::optim::AdamWOptions(options.learningRate).weight_decay(options.weightDecay));
    std::vector<int64_t> order(std::size_t(train.count));
    QElapsedTimer clock;
    clock.start();
    qint64 step = 0;
    net->train();
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), rng);
        const torch::Tensor permutation =
            torch::from_blob(order.data(), {train.count}, torch::kInt64).clone();
        double lossSum = 0;
        qint64 correct = 0, seen = 0;
        for (int b = 0; b < batches; ++b, ++step) {
            if (cancel && cancel->load())
                return Result<TrainReport>::failure(QStringLiteral("training cancelled"));
            // Cosine decay of the learning rate over the whole run.
            const double lr = options.learningRate * 0.5 *
                              (1 + std::cos(M_PI * double(step) / double(totalSteps)));
            for (auto &group : optimiser.param_groups())
                static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);

            const torch::Tensor index =
                permutation.narrow(0, int64_t(b) * options.batchSize, options.batchSize);
            torch::Tensor x = allImages.index_select(0, index);
            const torch::Tensor y = allTargets.index_select(0, index);
            // Clothes look the same mirrored: flip half the batch (which half is the seed's
            // choice).
            const torch::Tensor flip = torch::rand({options.batchSize}) < 0.5;
            x = torch::where(flip.view({-1, 1, 1, 1}), x.flip({3}), x);

            optimiser.zero_grad();
            const torch::Tensor logits = net->forward(x);
            const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
            loss.backward();
            optimiser.step();

            lossSum += loss.item<double>();
            correct += logits.argmax(1).eq(y).sum().item<int64_t>();
            seen += options.batchSize;
            if (progress) {
                TrainProgress p;
                p.epoch = epoch;
                p.epochs = options.epochs;
                p.batch = b + 1;
                p.batches = batches;
                p.loss = lossSum / (b + 1);
                p.accuracy = double(correct) / double(seen);
                const double elapsed = clock.elapsed() / 1000.0;
                p.etaSeconds = elapsed / double(step + 1) * double(totalSteps - step - 1);
                progress(p);
            }
        }
    }
    TrainReport report;
    report.testAccuracy = evaluateAccuracy(net, test);
    report.seconds = clock.elapsed() / 1000.0;
    report.threads = threads;
    net->eval();
    return report;
}

} // namespace edgegpt
