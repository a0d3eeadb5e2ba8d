// edgegpt train --model NAME [--epochs N] [--seed S] --out DIR [--threads N] [--limit N] [--json]
// [--progress-json] Trains an image classifier on Fashion-MNIST on the CPU, with a progress line,
// and saves DIR/model.pt and DIR/model.json (test accuracy, feature shape at every split, the
// command). The last 5,000 training images are the validation split and never trained on
// (FashionMnist::validationImages): 55,000 training images.
#include "CliCommand.h"

#include "models/Training.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <unistd.h>

namespace edgegpt::cli {

namespace {

int runTrain(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Trains an image classifier on Fashion-MNIST (CPU)."));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("model"),
         QStringLiteral("cnn (default) or resnet; NAME:none drops the learned bottleneck, "
                        "NAME:SPLIT:WIDTH moves or resizes it"),
         QStringLiteral("NAME"), QStringLiteral("cnn")});
    parser.addOption({QStringLiteral("epochs"),
                      QStringLiteral("passes over the training set (default 4)"),
                      QStringLiteral("N"), QStringLiteral("4")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("random seed (default 1)"),
                      QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("directory for model.pt and model.json"),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("CPU threads (default: every core)"), QStringLiteral("N"),
                      QStringLiteral("0")});
    parser.addOption(
        {QStringLiteral("limit"),
         QStringLiteral("train on the first N images only (quick checks); without it the "
                        "first 55,000 (the last 5,000 are the validation split, "
                        "never trained on)"),
         QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("data"),
                      QStringLiteral("folder with the Fashion-MNIST IDX files"),
                      QStringLiteral("DIR"), FashionMnist::defaultDirectory()});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("print the result as one JSON object")});
    parser.addOption(
        {QStringLiteral("progress-json"),
         QStringLiteral("also print progress on stdout as JSON lines "
                        "{\"event\":\"progress\",\"epoch\",\"epochs\",\"batch\","
                        "\"batches\",\"loss\",\"accuracy\",\"eta_s\"} (for programs)")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    const Result<ModelSpec> spec = ModelSpec::parse(parser.value(QStringLiteral("model")));
    if (!spec)
        return fail(ExitUsage, spec.error());
    TrainingJob job;
    job.spec = *spec;
    bool ok = true;
    auto number = [&](const char *name, int min, int max) {
        bool good = false;
        const int v = parser.value(QLatin1String(name)).toInt(&good);
        if (!good || v < min || v > max)
            ok = false;
        return v;
    };
    job.options.epochs = number("epochs", 1, 1000);
    job.options.threads = number("threads", 0, 1024);
    job.trainLimit = number("limit", 0, 60000);
    bool seedOk = false;
    job.options.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!ok || !seedOk)
        return fail(
            ExitUsage,
            QStringLiteral("--epochs, --threads, --limit and --seed take whole numbers in range"));
    job.outDir = parser.value(QStringLiteral("out"));
    if (job.outDir.isEmpty())
        return fail(ExitUsage, QStringLiteral("--out DIR is required"));
    job.dataDir = parser.value(QStringLiteral("data"));
    job.commandLine =
        QStringList{QStringLiteral("edgegpt"), QStringLiteral("train")} + arguments.mid(1);

    // A live line on a terminal; otherwise one line every 10% of an epoch, so logs stay short.
    const bool tty = isatty(fileno(stderr));
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool progressJson = parser.isSet(QStringLiteral("progress-json"));
    auto progress = [&](const TrainProgress &p) {
        const int every = std::max(1, p.batches / 10);
        // For programs (the console): structured, every 2% of an epoch and at its end.
        if (progressJson && (p.batch % std::max(1, p.batches / 50) == 0 || p.batch == p.batches)) {
            const QJsonObject event{{QStringLiteral("event"), QStringLiteral("progress")},
                                    {QStringLiteral("epoch"), p.epoch},
                                    {QStringLiteral("epochs"), p.epochs},
                                    {QStringLiteral("batch"), p.batch},
                                    {QStringLiteral("batches"), p.batches},
                                    {QStringLiteral("loss"), p.loss},
                                    {QStringLiteral("accuracy"), p.accuracy},
                                    {QStringLiteral("eta_s"), p.etaSeconds}};
            std::fprintf(stdout, "%s\n",
                         QJsonDocument(event).toJson(QJsonDocument::Compact).constData());
            std::fflush(stdout);
        }
        if (tty) {
            std::fprintf(stderr, "\r%s   ", qPrintable(describeProgress(p)));
            if (p.batch == p.batches)
                std::fputc('\n', stderr);
        } else if (p.batch % every == 0 || p.batch == p.batches) {
            std::fprintf(stderr, "%s\n", qPrintable(describeProgress(p)));
        }
        std::fflush(stderr);
    };
    const Result<TrainReport> report = runTrainingJob(job, progress);
    if (!report)
        return fail(ExitFailure, report.error());
    if (json) {
        printOut(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("model"), job.spec.name()},
                                      {QStringLiteral("test_accuracy"), report->testAccuracy},
                                      {QStringLiteral("seconds"), report->seconds},
                                      {QStringLiteral("threads"), report->threads},
                                      {QStringLiteral("out"), job.outDir}})
                .toJson(QJsonDocument::Compact)));
    } else {
        printOut(QStringLiteral(
                     "%1: test accuracy %2% after %3 epochs in %4 s on %5 threads; saved in %6")
                     .arg(job.spec.name())
                     .arg(report->testAccuracy * 100, 0, 'f', 2)
                     .arg(job.options.epochs)
                     .arg(report->seconds, 0, 'f', 0)
                     .arg(report->threads)
                     .arg(job.outDir));
    }
    return ExitOk;
}

const CliCommandRegistration
    registration({QStringLiteral("train"),
                  QStringLiteral("train an image classifier on Fashion-MNIST"), runTrain});

} // namespace
} // namespace edgegpt::cli
