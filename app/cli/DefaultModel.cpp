// DefaultModel: see DefaultModel.h.
#include "DefaultModel.h"

#include "core/fleet/LocalFleet.h"
#include "models/CoinferenceBenchmark.h"
#include "models/Training.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cstdio>

namespace edgegpt::cli {

namespace {

void note(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

} // namespace

Result<QString> prepareModelDirectory(const DefaultModelOptions &options)
{
    const QString dir = options.dir.isEmpty() ? LocalFleet::defaultModelDirectory() : options.dir;
    const QString dataDir =
        options.dataDir.isEmpty() ? FashionMnist::defaultDirectory() : options.dataDir;
    if (!ModelStore::exists(dir)) {
        if (!options.dir.isEmpty())
            return Result<QString>::failure(
                QStringLiteral(
                    "%1 holds no trained model (model.pt and model.json); train one with "
                    "edgegpt train --out %1")
                    .arg(dir));
        TrainingJob job;
        const Result<ModelSpec> spec = ModelSpec::parse(QStringLiteral("cnn"));
        if (!spec)
            return Result<QString>::failure(spec.error());
        job.spec = *spec;
        job.outDir = dir;
        job.dataDir = dataDir;
        job.options.threads = options.threads;
        job.commandLine = {QStringLiteral("edgegpt"), QStringLiteral("train"),
                           QStringLiteral("--model"), QStringLiteral("cnn"),
                           QStringLiteral("--out"),   dir};
        note(QStringLiteral(
                 "no trained cnn model in %1: training it first (%2 epochs; a few minutes)")
                 .arg(dir)
                 .arg(job.options.epochs));
        const Result<TrainReport> trained = runTrainingJob(job, [](const TrainProgress &p) {
            if (p.batch % std::max(1, p.batches / 4) == 0 || p.batch == p.batches)
                note(describeProgress(p));
        });
        if (!trained)
            return Result<QString>::failure(trained.error());
        note(QStringLiteral("trained: test accuracy %1%")
                 .arg(trained->testAccuracy * 100, 0, 'f', 2));
    }
    const QString profilePath = dir + QStringLiteral("/profile.json");
    if (QFileInfo(profilePath).isFile())
        return dir;
    note(QStringLiteral(
             "%1 has no profile.json: profiling every split on %2 test images first (as edgegpt "
             "bench coinference does)")
             .arg(dir)
             .arg(options.profileImages));
    Result<StoredModel> model = ModelStore::load(dir);
    if (!model)
        return Result<QString>::failure(model.error());
    const Result<ImageSet> test = FashionMnist::load(FashionMnist::Split::Test, dataDir);
    if (!test)
        return Result<QString>::failure(test.error());
    // The profile's sweep is measured on the validation split (the last training images, never
    // trained on), as bench coinference's is.
    const Result<ImageSet> validation = FashionMnist::loadValidation(dataDir);
    if (!validation)
        return Result<QString>::failure(validation.error());
    CoinferenceOptions bench;
    bench.images = options.profileImages;
    bench.validationImages = std::min(options.profileImages, FashionMnist::validationImages);
    bench.threads = options.threads;
    const Result<CoinferenceResult> result =
        runCoinferenceBenchmark(*model, *test, &*validation, bench, note);
    if (!result)
        return Result<QString>::failure(result.error());
    QSaveFile profile(profilePath);
    if (!profile.open(QIODevice::WriteOnly) ||
        profile.write(QJsonDocument(result->profileJson()).toJson()) < 0 || !profile.commit())
        return Result<QString>::failure(QStringLiteral("cannot write %1").arg(profilePath));
    return dir;
}

} // namespace edgegpt::cli
