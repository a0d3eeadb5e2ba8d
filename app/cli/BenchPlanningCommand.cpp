// edgegpt bench planning --data FILE.jsonl [--planner local|llm] [--json]
// Scores a planner on labelled requests with TaskBench's definitions (micro-averaged F1).
#include "CliCommand.h"
#include "PlannerChoice.h"

#include "core/planner/LocalPlanner.h"
#include "core/planner/PlanningBenchmark.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

namespace edgegpt::cli {

namespace {

QSet<QString> taskBenchVocabulary(const QString &toolsPath, QString *error)
{
    QFile f(toolsPath);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open: %2").arg(toolsPath, f.errorString());
        return {};
    }
    QSet<QString> names;
    for (const QJsonValue &n :
         QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("nodes")).toArray())
        names.insert(n.toObject().value(QStringLiteral("id")).toString());
    if (names.isEmpty())
        *error = QStringLiteral("%1: no task list (\"nodes\")").arg(toolsPath);
    return names;
}

int runBenchPlanning(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Scores a planner on labelled requests (TaskBench format): node F1, link F1, exact match, "
        "latency."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("data"),
                      QStringLiteral("labelled requests, one JSON object a line"),
                      QStringLiteral("FILE.jsonl")});
    parser.addOption(
        {QStringLiteral("tools"),
         QStringLiteral(
             "the benchmark's task list (default: taskbench-hf-tools.json beside --data)"),
         QStringLiteral("FILE.json")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("print one JSON object instead of a table")});
    parser.addOption(
        {QStringLiteral("repeat"),
         QStringLiteral("plan each request N times for steadier latency figures (local planner)"),
         QStringLiteral("N"), QStringLiteral("20")});
    PlannerChoice::addOptions(parser);
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.isSet(QStringLiteral("data")))
        return fail(ExitUsage, QStringLiteral("--data FILE.jsonl is required"));
    const QString data = parser.value(QStringLiteral("data"));
    QString toolsPath = parser.value(QStringLiteral("tools"));
    if (toolsPath.isEmpty())
        toolsPath =
            QFileInfo(data).absoluteDir().filePath(QStringLiteral("taskbench-hf-tools.json"));
    bool repeatOk = false;
    const int repeat = parser.value(QStringLiteral("repeat")).toInt(&repeatOk);
    if (!repeatOk || repeat < 1 || repeat > 10000)
        return fail(ExitUsage, QStringLiteral("--repeat takes a whole number from 1 to 10000"));

    QString error;
    const QSet<QString> vocabulary = taskBenchVocabulary(toolsPath, &error);
    if (vocabulary.isEmpty())
        return fail(ExitFailure, error);
    const Result<QList<LabelledRequest>> requests = readLabelledRequests(data);
    if (!requests)
        return fail(ExitFailure, requests.error());
    Result<PlannerChoice> choice = PlannerChoice::fromParser(parser);
    if (!choice)
        return fail(ExitUsage, choice.error());

    PlanningScore score;
    auto *local = dynamic_cast<LocalPlanner *>(choice->planner.get());
    for (const LabelledRequest &r : *requests) {
        if (local) {
            // Synchronous and repeated: the figure is the planner's own time, not the event loop's.
            Result<Plan> plan = Result<Plan>::failure(QString());
            QList<double> times;
            for (int i = 0; i < repeat; ++i) {
                QElapsedTimer t;
                t.start();
                plan = local->planNow(r.instruction);
                times << t.nsecsElapsed() / 1e6;
            }
            scorePlan(score, r, plan ? &*plan : nullptr, vocabulary, percentile(times, 50));
        } else {
            QElapsedTimer t;
            t.start();
            const Result<Plan> plan =
                planAndWait(*choice->planner, r.instruction, choice->timeoutMs);
            scorePlan(score, r, plan ? &*plan : nullptr, vocabulary, t.nsecsElapsed() / 1e6);
        }
    }

    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("node_f1"), score.nodeF1()},
                            {QStringLiteral("link_f1"), score.linkF1()},
                            {QStringLiteral("exact_match"), score.exactMatch()},
                            {QStringLiteral("median_ms"), score.medianMs()},
                            {QStringLiteral("p95_ms"), score.p95Ms()},
                            {QStringLiteral("samples"), score.samples},
                            {QStringLiteral("node_precision"), score.nodePrecision()},
                            {QStringLiteral("node_recall"), score.nodeRecall()},
                            {QStringLiteral("failures"), score.failures},
                            {QStringLiteral("planner"), choice->planner->name()}};
        printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
        return ExitOk;
    }
    QString table;
    table += QStringLiteral("planner        %1\n").arg(choice->planner->name());
    table += QStringLiteral("data           %1 (%2 samples, %3 not planned)\n")
                 .arg(data)
                 .arg(score.samples)
                 .arg(score.failures);
    table += QStringLiteral("node F1        %1  (precision %2, recall %3)\n")
                 .arg(score.nodeF1(), 0, 'f', 3)
                 .arg(score.nodePrecision(), 0, 'f', 3)
                 .arg(score.nodeRecall(), 0, 'f', 3);
    table += QStringLiteral("link F1        %1\n").arg(score.linkF1(), 0, 'f', 3);
    table += QStringLiteral("exact match    %1\n").arg(score.exactMatch(), 0, 'f', 3);
    table +=
        QStringLiteral("latency        median %1 ms, p95 %2 ms%3\n")
            .arg(score.medianMs(), 0, 'f', 3)
            .arg(score.p95Ms(), 0, 'f', 3)
            .arg(local ? QStringLiteral(" (median of %1 runs per request, 1 thread)").arg(repeat)
                       : QString());
    printOut(table);
    return ExitOk;
}

const CliCommandRegistration registration({QStringLiteral("bench planning"),
                                           QStringLiteral("score a planner on labelled requests"),
                                           runBenchPlanning});

} // namespace
} // namespace edgegpt::cli
