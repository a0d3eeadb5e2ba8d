#include "models/Training.h"

#include <QDateTime>

#include <algorithm>

namespace edgegpt {

QString describeProgress(const TrainProgress &p)
{
    const int eta = int(std::lround(p.etaSeconds));
    return QStringLiteral("epoch %1/%2  batch %3/%4  loss %5  acc %6%  ETA %7m%8s")
        .arg(p.epoch)
        .arg(p.epochs)
        .arg(p.batch)
        .arg(p.batches)
        .arg(p.loss, 0, 'f', 3)
        .arg(p.accuracy * 100, 0, 'f', 1)
        .arg(eta / 60)
        .arg(eta % 60, 2, 10, QLatin1Char('0'));
}

Result<TrainReport> runTrainingJob(const TrainingJob &job,
                                   const std::function<void(const TrainProgress &)> &progress)
{
    using R = Result<TrainReport>;
    // The last FashionMnist::validationImages training images are the validation split: never
    // trained on (bench coinference chooses its settings on them).
    Result<ImageSet> train = FashionMnist::load(FashionMnist::Split::Train, job.dataDir);
    if (!train)
        return R::failure(train.error());
    const int heldOut = train->count - FashionMnist::trainingImages(train->count);
    const int used = job.trainLimit > 0
                         ? std::min(job.trainLimit, FashionMnist::trainingImages(train->count))
                         : FashionMnist::trainingImages(train->count);
    train->count = used;
    train->pixels.resize(std::size_t(used) * train->rows * train->cols);
    train->labels.resize(std::size_t(used));
    Result<ImageSet> test = FashionMnist::load(FashionMnist::Split::Test, job.dataDir);
    if (!test)
        return R::failure(test.error());
    torch::manual_seed(job.options.seed); // the initial weights depend on the seed too
    SplitNet net(job.spec);
    Result<TrainReport> report = trainModel(net, *train, *test, job.options, progress);
    if (!report)
        return report;
    const QJsonObject meta{
        {QStringLiteral("name"), job.spec.name()},
        {QStringLiteral("test_accuracy"), report->testAccuracy},
        {QStringLiteral("test_images"), test->count},
        {QStringLiteral("train_images"), train->count},
        {QStringLiteral("validation_held_out"), heldOut},
        {QStringLiteral("epochs"), job.options.epochs},
        {QStringLiteral("seed"), qint64(job.options.seed)},
        {QStringLiteral("batch_size"), job.options.batchSize},
        {QStringLiteral("threads"), report->threads},
        {QStringLiteral("train_seconds"), report->seconds},
        {QStringLiteral("libtorch"), QStringLiteral("%1.%2.%3")
                                         .arg(TORCH_VERSION_MAJOR)
                                         .arg(TORCH_VERSION_MINOR)
                                         .arg(TORCH_VERSION_PATCH)},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("command"), job.commandLine.join(QLatin1Char(' '))},
        {QStringLiteral("splits"), splitTable(net)},
    };
    const Result<void> saved = ModelStore::save(net, meta, job.outDir);
    if (!saved)
        return R::failure(saved.error());
    return report;
}

} // namespace edgegpt
