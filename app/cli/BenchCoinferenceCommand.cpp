// edgegpt bench coinference [--model NAME] [--model-dir DIR] [--data DIR] [--json] [--images N]
//                           [--validation-images N] [--threads N] [--out DIR]
// The paper's co-inference cost table on the Fashion-MNIST test set
// (models/CoinferenceBenchmark.h), its settings chosen on the validation split (the last 5,000
// training images, which `edgegpt train` never trains on). Trains the model first when there is
// none, saying so. A user's TorchScript model (model.json "format": "torchscript", docs/models.md)
// is profiled as it is, on --data FOLDER/<class>/*.png images of its input shape (Fashion-MNIST for
// 28×28 grey).
#include "CliCommand.h"

#include "models/CoinferenceBenchmark.h"
#include "models/Training.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>
#include <optional>

namespace edgegpt::cli {

namespace {

void note(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

int report(const CoinferenceResult &result, const QCommandLineParser &parser,
           const QString &modelDir);

int runBenchCoinference(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Bytes and accuracy per inference: edge-only lossless and lossy input, "
                       "client–edge co-inference, "
                       "device-only."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("model name (default cnn; see edgegpt train --help)"),
                      QStringLiteral("NAME"), QStringLiteral("cnn")});
    parser.addOption(
        {QStringLiteral("model-dir"),
         QStringLiteral(
             "the trained model's directory (default: ~/.local/share/edgegpt/models/NAME "
             "or $EDGEGPT_MODEL_DIR/NAME)"),
         QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("images"),
                      QStringLiteral("test images to use (default: all 10000)"),
                      QStringLiteral("N"), QStringLiteral("10000")});
    parser.addOption(
        {QStringLiteral("validation-images"),
         QStringLiteral("validation images to choose the split, codec setting and JPEG quality "
                        "on: the first N of the last 5000 training images (default: as many as "
                        "--images, at most 5000; 0: choose on the test images, as the JSON's "
                        "selected_on then says)"),
         QStringLiteral("N")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("threads for the sweep (default: every core)"),
                      QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("out"),
         QStringLiteral("where to write coinference-sweep.csv and coinference.png (default: the "
                        "model's directory)"),
         QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("data"),
         QStringLiteral("folder with the Fashion-MNIST IDX files; for a TorchScript model, a "
                        "folder of labelled images FOLDER/<class>/*.png of its input shape"),
         QStringLiteral("DIR"), FashionMnist::defaultDirectory()});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("print one JSON object instead of a table")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    const Result<ModelSpec> spec = ModelSpec::parse(parser.value(QStringLiteral("model")));
    if (!spec)
        return fail(ExitUsage, spec.error());
    CoinferenceOptions options;
    bool ok1 = false, ok2 = false;
    options.images = parser.value(QStringLiteral("images")).toInt(&ok1);
    options.threads = parser.value(QStringLiteral("threads")).toInt(&ok2);
    if (!ok1 || !ok2 || options.images < 1 || options.threads < 0 || options.threads > 1024)
        return fail(ExitUsage,
                    QStringLiteral("--images and --threads take positive whole numbers"));
    if (parser.isSet(QStringLiteral("validation-images"))) {
        bool ok3 = false;
        options.validationImages = parser.value(QStringLiteral("validation-images")).toInt(&ok3);
        if (!ok3 || options.validationImages < 0 ||
            options.validationImages > FashionMnist::validationImages)
            return fail(ExitUsage, QStringLiteral("--validation-images takes a whole number "
                                                  "0..%1")
                                       .arg(FashionMnist::validationImages));
    }
    const bool wantValidation = options.validationImages != 0;
    const QString modelDir = parser.isSet(QStringLiteral("model-dir"))
                                 ? parser.value(QStringLiteral("model-dir"))
                                 : ModelStore::defaultDirectory(spec->name());
    const QString dataDir = parser.value(QStringLiteral("data"));

    // A user's TorchScript model: profiled as it is, never trained here.
    const Result<ModelInfo> info = ModelInfo::load(modelDir);
    if (QFileInfo::exists(modelDir + QStringLiteral("/model.json")) && !info)
        return fail(ExitFailure, info.error());
    if (info && info->isTorchScript()) {
        LabelledImages images;
        std::optional<LabelledImages> validation;
        if (parser.isSet(QStringLiteral("data")) &&
            LabelledImages::isClassFolder(dataDir, info->classes)) {
            Result<LabelledImages> folder =
                LabelledImages::fromFolder(dataDir, *info, options.images);
            if (!folder)
                return fail(ExitFailure, folder.error());
            images = std::move(*folder);
        } else if (info->input.isFashionMnistShape() && info->classes.size() == 10) {
            const Result<ImageSet> test = FashionMnist::load(FashionMnist::Split::Test, dataDir);
            if (!test)
                return fail(ExitFailure, test.error());
            images = LabelledImages::fromFashionMnist(*test);
            images.input = info->input; // the model's own normalisation
            if (wantValidation) {
                const Result<ImageSet> v = FashionMnist::loadValidation(dataDir);
                if (!v)
                    return fail(ExitFailure, v.error());
                validation = LabelledImages::fromFashionMnist(
                    *v, QStringLiteral("Fashion-MNIST validation images (the last %1 training "
                                       "images; a model trained elsewhere may have seen them)")
                            .arg(FashionMnist::validationImages));
                validation->input = info->input;
            }
        } else {
            return fail(ExitUsage,
                        QStringLiteral("the model in %1 takes %2 images of %3 classes: give "
                                       "labelled images of that shape with --data FOLDER "
                                       "(FOLDER/<class>/*.png, class names as in model.json)")
                            .arg(modelDir, info->input.describe())
                            .arg(info->classes.size()));
        }
        ModelRunner runner(modelDir);
        const Result<BenchModel> bench = benchModelOf(runner, images);
        if (!bench)
            return fail(ExitFailure, bench.error());
        note(QStringLiteral("%1: TorchScript, %2 input, splits %3; %4")
                 .arg(bench->name, info->input.describe(), bench->splits.join(QStringLiteral(", ")),
                      images.name));
        if (!validation && wantValidation)
            note(QStringLiteral("no validation images for a folder of images: the settings are "
                                "chosen on the images reported (selected_on: test)"));
        const Result<CoinferenceResult> result = runCoinferenceBenchmark(
            *bench, images, validation ? &*validation : nullptr, options, note);
        if (!result)
            return fail(ExitFailure, result.error());
        return report(*result, parser, modelDir);
    }

    if (!ModelStore::exists(modelDir)) {
        TrainingJob job;
        job.spec = *spec;
        job.outDir = modelDir;
        job.dataDir = dataDir;
        job.options.threads = options.threads;
        job.commandLine = {QStringLiteral("edgegpt"), QStringLiteral("train"),
                           QStringLiteral("--model"), spec->name(),
                           QStringLiteral("--out"),   modelDir};
        note(QStringLiteral(
                 "no trained %1 model in %2: training it first (%3 epochs; a few minutes)")
                 .arg(spec->name(), modelDir)
                 .arg(job.options.epochs));
        const Result<TrainReport> trained = runTrainingJob(job, [](const TrainProgress &p) {
            if (p.batch % std::max(1, p.batches / 4) == 0 || p.batch == p.batches)
                note(describeProgress(p));
        });
        if (!trained)
            return fail(ExitFailure, trained.error());
        note(QStringLiteral("trained: test accuracy %1%")
                 .arg(trained->testAccuracy * 100, 0, 'f', 2));
    }
    Result<StoredModel> model = ModelStore::load(modelDir);
    if (!model)
        return fail(ExitFailure, model.error());
    const Result<ImageSet> test = FashionMnist::load(FashionMnist::Split::Test, dataDir);
    if (!test)
        return fail(ExitFailure, test.error());
    std::optional<ImageSet> validation;
    if (wantValidation) {
        Result<ImageSet> v = FashionMnist::loadValidation(dataDir);
        if (!v)
            return fail(ExitFailure, v.error());
        validation = std::move(*v);
        const QJsonObject meta = model->meta;
        if (!meta.contains(QStringLiteral("validation_held_out")))
            note(QStringLiteral("warning: %1 was trained before the validation split was held "
                                "out (model.json has no validation_held_out): it has seen the "
                                "validation images; retrain it with edgegpt train")
                     .arg(modelDir));
    }
    const Result<CoinferenceResult> result =
        runCoinferenceBenchmark(*model, *test, validation ? &*validation : nullptr, options, note);
    if (!result)
        return fail(ExitFailure, result.error());
    return report(*result, parser, modelDir);
}

// Writes the sweep, the plot and the model's profile.json, and prints the table or the JSON.
int report(const CoinferenceResult &result, const QCommandLineParser &parser,
           const QString &modelDir)
{
    const QString outDir =
        parser.isSet(QStringLiteral("out")) ? parser.value(QStringLiteral("out")) : modelDir;
    if (!QDir().mkpath(outDir))
        return fail(ExitFailure, QStringLiteral("cannot create %1").arg(outDir));
    const QString csv = outDir + QStringLiteral("/coinference-sweep.csv");
    const QString png = outDir + QStringLiteral("/coinference.png");
    for (const Result<void> &written : {result.writeSweepCsv(csv), result.writePlot(png)})
        if (!written)
            return fail(ExitFailure, written.error());
    // The profile belongs to the model: placement and the agents read it from there.
    QSaveFile profile(modelDir + QStringLiteral("/profile.json"));
    if (!profile.open(QIODevice::WriteOnly) ||
        profile.write(QJsonDocument(result.profileJson()).toJson()) < 0 || !profile.commit())
        return fail(ExitFailure, QStringLiteral("cannot write %1").arg(profile.fileName()));

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o = result.toJson();
        o.insert(QStringLiteral("sweep_csv"), csv);
        o.insert(QStringLiteral("plot_png"), png);
        printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    } else {
        printOut(
            result.table() +
            QStringLiteral("sweep: %1\nplot: %2\nprofile: %3").arg(csv, png, profile.fileName()));
    }
    return ExitOk;
}

const CliCommandRegistration
    registration({QStringLiteral("bench coinference"),
                  QStringLiteral("bytes and accuracy of edge-only, co-inference and "
                                 "device-only inference"),
                  runBenchCoinference});

} // namespace
} // namespace edgegpt::cli
