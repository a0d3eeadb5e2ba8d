// The training half of the model runtime plugin (libedgegpt-runtime.so): TrainingRuntime
// (agents/TrainingRuntime.h) on LibTorch and models/SplitNet, for federated learning's devices
// (local training) and aggregator (evaluation, saving). Its own entry points and interface
// version; the split runtime beside it (TorchRuntime.cpp) is untouched.
#include "agents/TrainingRuntime.h"
#include "models/FashionMnist.h"
#include "models/ModelStore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>

#include <torch/torch.h>

#include <exception>

namespace edgegpt {

namespace {

QString firstLine(const std::exception &e)
{
    return QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
}

class TorchTrainingRuntime final : public TrainingRuntime
{
public:
    QString version() const override
    {
        return QStringLiteral("edgegpt-runtime %1 training (LibTorch %2)")
            .arg(QStringLiteral(EDGEGPT_VERSION), QString::fromLatin1(TORCH_VERSION));
    }

    void setThreads(int threads) override { torch::set_num_threads(std::max(1, threads)); }

    Result<ModelWeights> createModel(const QString &specText, quint64 seed) override
    {
        using R = Result<ModelWeights>;
        const Result<ModelSpec> spec = ModelSpec::parse(specText);
        if (!spec)
            return R::failure(spec.error());
        try {
            torch::manual_seed(seed);
            m_net = SplitNet(*spec);
            m_tensors.clear();
            m_layout.clear();
            for (const auto &p : m_net->named_parameters()) {
                m_tensors.push_back(p.value());
                m_layout.append(info(p.key(), p.value()));
            }
            for (const auto &b : m_net->named_buffers()) {
                if (!b.value().is_floating_point())
                    continue; // BatchNorm's batch counter is not averaged
                m_tensors.push_back(b.value());
                m_layout.append(info(b.key(), b.value()));
            }
            return extract();
        } catch (const std::exception &e) {
            m_net = SplitNet(nullptr);
            return R::failure(QStringLiteral("cannot build %1: %2").arg(specText, firstLine(e)));
        }
    }

    Result<LocalTrainResult> train(const ModelWeights &start, const ImageBatchView &data,
                                   const LocalTrainSettings &settings) override
    {
        using R = Result<LocalTrainResult>;
        const Result<void> loaded = load(start);
        if (!loaded)
            return R::failure(loaded.error());
        if (!data.pixels || !data.labels || data.count < 1)
            return R::failure(QStringLiteral("train: no images"));
        QElapsedTimer timer;
        timer.start();
        try {
            torch::manual_seed(settings.seed);
            const torch::Tensor x = images(data);
            const torch::Tensor y = labels(data);
            std::unique_ptr<torch::optim::Optimizer> optimizer;
            if (settings.optimizer == QLatin1String("adam"))
                optimizer = std::make_unique<torch::optim::Adam>(
                    m_net->parameters(), torch::optim::AdamOptions(settings.lr));
            else
                optimizer = std::make_unique<torch::optim::SGD>(
                    m_net->parameters(), torch::optim::SGDOptions(settings.lr).momentum(0.9));
            m_net->train();
            torch::nn::functional::CrossEntropyFuncOptions lossOptions;
            if (settings.classBalanced) {
                // n / (present classes × count) for each class present, 0 for the others.
                const torch::Tensor counts = torch::bincount(y, {}, 10).to(torch::kFloat);
                const double present = counts.gt(0).sum().item<double>();
                lossOptions.weight(torch::where(counts.gt(0),
                                                double(data.count) / (present * counts),
                                                torch::zeros_like(counts)));
            }
            const int batch = std::max(1, settings.batch);
            double lastLoss = 0;
            for (int epoch = 0; epoch < settings.epochs; ++epoch) {
                const torch::Tensor order = torch::randperm(data.count, torch::kLong);
                double sum = 0;
                int seen = 0;
                for (int at = 0; at < data.count; at += batch) {
                    const int n = std::min(batch, data.count - at);
                    if (n < 2 && seen > 0)
                        break; // BatchNorm cannot train on a batch of one
                    const torch::Tensor idx = order.slice(0, at, at + n);
                    optimizer->zero_grad();
                    const torch::Tensor loss =
                        torch::nn::functional::cross_entropy(m_net->forward(x.index_select(0, idx)),
                                                             y.index_select(0, idx), lossOptions);
                    loss.backward();
                    optimizer->step();
                    sum += loss.item<double>() * n;
                    seen += n;
                }
                lastLoss = seen ? sum / seen : 0;
            }
            LocalTrainResult out;
            out.loss = lastLoss;
            const Result<ModelWeights> w = extract();
            if (!w)
                return R::failure(w.error());
            out.weights = *w;
            out.ms = double(timer.nsecsElapsed()) / 1e6;
            return out;
        } catch (const std::exception &e) {
            return R::failure(QStringLiteral("local training failed: %1").arg(firstLine(e)));
        }
    }

    Result<EvalResult> evaluate(const ModelWeights &weights, const ImageBatchView &data) override
    {
        using R = Result<EvalResult>;
        const Result<void> loaded = load(weights);
        if (!loaded)
            return R::failure(loaded.error());
        if (!data.pixels || !data.labels || data.count < 1)
            return R::failure(QStringLiteral("evaluate: no images"));
        try {
            torch::NoGradGuard noGrad;
            m_net->eval();
            const torch::Tensor x = images(data);
            const torch::Tensor y = labels(data);
            double lossSum = 0;
            qint64 correct = 0;
            for (int at = 0; at < data.count; at += 500) {
                const int n = std::min(500, data.count - at);
                const torch::Tensor logits = m_net->forward(x.slice(0, at, at + n));
                const torch::Tensor t = y.slice(0, at, at + n);
                lossSum +=
                    torch::nn::functional::cross_entropy(
                        logits, t,
                        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
                correct += logits.argmax(1).eq(t).sum().item<int64_t>();
            }
            EvalResult out;
            out.samples = data.count;
            out.accuracy = double(correct) / data.count;
            out.loss = lossSum / data.count;
            return out;
        } catch (const std::exception &e) {
            return R::failure(QStringLiteral("evaluation failed: %1").arg(firstLine(e)));
        }
    }

    Result<ModelWeights> recalibrateNorms(const ModelWeights &weights,
                                          const ImageBatchView &data) override
    {
        using R = Result<ModelWeights>;
        const Result<void> loaded = load(weights);
        if (!loaded)
            return R::failure(loaded.error());
        if (!data.pixels || data.count < 2)
            return R::failure(QStringLiteral("recalibrate: fewer than two images"));
        std::vector<c10::optional<double>> momenta; // to restore afterwards, in module order
        forEachNorm([&](auto &bn) { momenta.push_back(bn.options.momentum()); });
        if (momenta.empty())
            return extract();
        const bool wasTraining = m_net->is_training();
        auto restore = [&]() {
            std::size_t k = 0;
            forEachNorm([&](auto &bn) { bn.options.momentum(momenta[k++]); });
            m_net->train(wasTraining);
        };
        try {
            torch::NoGradGuard noGrad;
            // No momentum: batch k weighs 1/k, so the statistics end as the plain average.
            forEachNorm([](auto &bn) {
                bn.reset_running_stats();
                bn.options.momentum(c10::nullopt);
            });
            m_net->train(); // BatchNorm takes each batch's statistics; Dropout's output is unused
            const torch::Tensor x = images(data);
            constexpr int kBatch = 100;
            for (int at = 0; at + 1 < data.count; at += kBatch) // a batch of one has no variance
                m_net->forward(x.slice(0, at, std::min(at + kBatch, data.count)));
        } catch (const std::exception &e) {
            restore();
            return R::failure(
                QStringLiteral("recalibrating BatchNorm failed: %1").arg(firstLine(e)));
        }
        restore();
        return extract();
    }

    Result<qint64> save(const ModelWeights &weights, const QJsonObject &meta,
                        const QString &dir) override
    {
        using R = Result<qint64>;
        const Result<void> loaded = load(weights);
        if (!loaded)
            return R::failure(loaded.error());
        try {
            m_net->eval();
            QJsonObject record = meta;
            record.insert(QStringLiteral("name"), m_net->spec().name());
            record.insert(QStringLiteral("libtorch"), QStringLiteral("%1.%2.%3")
                                                          .arg(TORCH_VERSION_MAJOR)
                                                          .arg(TORCH_VERSION_MINOR)
                                                          .arg(TORCH_VERSION_PATCH));
            record.insert(QStringLiteral("created"),
                          QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
            record.insert(QStringLiteral("splits"), splitTable(m_net));
            const Result<void> saved = ModelStore::save(m_net, record, dir);
            if (!saved)
                return R::failure(saved.error());
            return QFileInfo(dir + QStringLiteral("/model.pt")).size();
        } catch (const std::exception &e) {
            return R::failure(QStringLiteral("cannot save the model: %1").arg(firstLine(e)));
        }
    }

private:
    static WeightTensorInfo info(const std::string &name, const torch::Tensor &t)
    {
        WeightTensorInfo i;
        i.name = QString::fromStdString(name);
        for (int64_t d : t.sizes())
            i.shape.append(d);
        return i;
    }

    static torch::Tensor images(const ImageBatchView &data)
    {
        return normalisePixels(torch::from_blob(const_cast<uint8_t *>(data.pixels),
                                                {data.count, 1, 28, 28}, torch::kUInt8));
    }

    static torch::Tensor labels(const ImageBatchView &data)
    {
        return torch::from_blob(const_cast<uint8_t *>(data.labels), {data.count}, torch::kUInt8)
            .to(torch::kLong);
    }

    Result<void> load(const ModelWeights &w)
    {
        if (!m_net)
            return Result<void>::failure(QStringLiteral("no model: createModel() first"));
        if (w.layout != m_layout || !w.isValid())
            return Result<void>::failure(
                QStringLiteral("the weights do not fit the model's layout"));
        torch::NoGradGuard noGrad;
        const float *p = w.values.data();
        for (std::size_t i = 0; i < m_tensors.size(); ++i) {
            const int64_t n = m_tensors[i].numel();
            m_tensors[i].copy_(
                torch::from_blob(const_cast<float *>(p), m_tensors[i].sizes(), torch::kFloat));
            p += n;
        }
        return {};
    }

    Result<ModelWeights> extract() const
    {
        ModelWeights w;
        w.layout = m_layout;
        w.values.reserve(std::size_t(layoutCount(m_layout)));
        for (const torch::Tensor &t : m_tensors) {
            const torch::Tensor c = t.detach().to(torch::kFloat).contiguous();
            const float *p = c.data_ptr<float>();
            w.values.insert(w.values.end(), p, p + c.numel());
        }
        return w;
    }

    // Calls fn on every BatchNorm1d and BatchNorm2d layer of the model, in module order.
    template <typename Fn> void forEachNorm(Fn fn)
    {
        for (const auto &m : m_net->modules(/*include_self=*/false)) {
            if (auto *bn1 = m->as<torch::nn::BatchNorm1dImpl>())
                fn(*bn1);
            else if (auto *bn2 = m->as<torch::nn::BatchNorm2dImpl>())
                fn(*bn2);
        }
    }

    SplitNet m_net{nullptr};
    std::vector<torch::Tensor> m_tensors; // the parameters, then the floating buffers
    WeightLayout m_layout;
};

} // namespace

} // namespace edgegpt

extern "C" {

__attribute__((visibility("default"))) int edgegpt_training_runtime_interface()
{
    return edgegpt::kTrainingRuntimeInterface;
}

__attribute__((visibility("default"))) edgegpt::TrainingRuntime *
edgegpt_create_training_runtime(int interfaceVersion)
{
    if (interfaceVersion != edgegpt::kTrainingRuntimeInterface)
        return nullptr;
    try {
        return new edgegpt::TorchTrainingRuntime();
    } catch (const std::exception &) {
        return nullptr;
    }
}

} // extern "C"
