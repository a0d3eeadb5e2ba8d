// edgegpt bench planning --data FILE.jsonl [--planner local|llm] [--json] [--folds K]
//                        [--details OUT.jsonl]
// Scores a planner on labelled requests with TaskBench's definitions (micro-averaged F1).
// --folds K also reports k-fold figures: sample i belongs to fold i mod K; any part of the
// planner fitted to labelled requests would be fitted on the other K-1 folds and scored on its
// own. The local planner fits nothing (its lexicon and the catalog's task descriptions are
// written by hand), so the pooled k-fold figure equals the plain one and the folds show spread.
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

#include <algorithm>
#include <cmath>

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

// One line of --details: what the label says and what the planner made of the request, so
// that misses can be read by kind (a task not found, a wrong link) rather than by figure alone.
QJsonObject sampleDetails(const LabelledRequest &label, const Plan *plan, const QString &failure)
{
    QJsonArray goldNodes, goldLinks, nodes, links;
    for (const QString &n : label.nodes)
        goldNodes.append(n);
    for (const auto &l : label.links)
        goldLinks.append(QJsonArray{l.first, l.second});
    if (plan) {
        for (const PlanTask &t : plan->tasks)
            nodes.append(t.task);
        for (const PlanLink &l : plan->links()) {
            const PlanTask *from = plan->find(l.from);
            const PlanTask *to = plan->find(l.to);
            if (from && to)
                links.append(QJsonArray{from->task, to->task});
        }
    }
    QJsonObject o{{QStringLiteral("id"), label.id},
                  {QStringLiteral("type"), label.type},
                  {QStringLiteral("instruction"), label.instruction},
                  {QStringLiteral("nodes"), goldNodes},
                  {QStringLiteral("links"), goldLinks},
                  {QStringLiteral("planned_nodes"), nodes},
                  {QStringLiteral("planned_links"), links}};
    if (!plan)
        o.insert(QStringLiteral("error"), failure);
    return o;
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
    parser.addOption(
        {QStringLiteral("folds"),
         QStringLiteral("also report K-fold cross-validated figures (2 to 20; 0: none)"),
         QStringLiteral("K"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("details"),
                      QStringLiteral("also write each sample's label and plan to this file, one "
                                     "JSON object a line"),
                      QStringLiteral("OUT.jsonl")});
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

    bool foldsOk = false;
    const int folds = parser.value(QStringLiteral("folds")).toInt(&foldsOk);
    if (!foldsOk || folds < 0 || folds == 1 || folds > 20)
        return fail(ExitUsage, QStringLiteral("--folds takes a whole number from 2 to 20 (or 0)"));

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

    if (folds > requests->size())
        return fail(ExitUsage, QStringLiteral("--folds %1 needs at least %1 samples").arg(folds));

    QFile details(parser.value(QStringLiteral("details")));
    if (parser.isSet(QStringLiteral("details")) &&
        !details.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(
            ExitFailure,
            QStringLiteral("%1: cannot write: %2").arg(details.fileName(), details.errorString()));
    bool detailsWritten = true; // a full disk must not leave a short file that looks whole
    auto writeDetails = [&](const LabelledRequest &r, const Result<Plan> &plan) {
        if (details.isOpen())
            detailsWritten =
                detailsWritten &&
                details.write(QJsonDocument(sampleDetails(r, plan ? &*plan : nullptr,
                                                          plan ? QString() : plan.error()))
                                  .toJson(QJsonDocument::Compact) +
                              '\n') >= 0;
    };

    PlanningScore score;
    QList<PlanningScore> foldScores(folds); // fold f: the samples i with i mod folds == f
    auto *local = dynamic_cast<LocalPlanner *>(choice->planner.get());
    for (qsizetype i = 0; i < requests->size(); ++i) {
        const LabelledRequest &r = requests->at(i);
        PlanningScore *fold = folds ? &foldScores[i % folds] : nullptr;
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
            scorePlan(score, r, plan ? &*plan : nullptr, vocabulary, median(times));
            writeDetails(r, plan);
            if (fold)
                scorePlan(*fold, r, plan ? &*plan : nullptr, vocabulary, median(times));
        } else {
            QElapsedTimer t;
            t.start();
            const Result<Plan> plan =
                planAndWait(*choice->planner, r.instruction, choice->timeoutMs);
            scorePlan(score, r, plan ? &*plan : nullptr, vocabulary, t.nsecsElapsed() / 1e6);
            writeDetails(r, plan);
            if (fold)
                scorePlan(*fold, r, plan ? &*plan : nullptr, vocabulary, t.nsecsElapsed() / 1e6);
        }
    }

    if (details.isOpen() && !(detailsWritten && details.flush()))
        return fail(
            ExitFailure,
            QStringLiteral("%1: cannot write: %2").arg(details.fileName(), details.errorString()));

    // Cross-validation: nothing is fitted, so each fold is scored by the same planner; the pooled
    // (micro-averaged) figure over the folds' held-out samples is the plain one.
    const QString fitted = QStringLiteral("nothing (hand-written lexicon and task descriptions)");
    QList<double> foldNode, foldLink, foldExact;
    for (const PlanningScore &f : foldScores) {
        foldNode << f.nodeF1();
        foldLink << f.linkF1();
        foldExact << f.exactMatch();
    }
    auto spread = [](const QList<double> &v) {
        double mean = 0, var = 0;
        for (double x : v)
            mean += x / v.size();
        for (double x : v)
            var += (x - mean) * (x - mean) / std::max<qsizetype>(1, v.size() - 1);
        return qMakePair(mean, std::sqrt(var));
    };

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o{{QStringLiteral("node_f1"), score.nodeF1()},
                      {QStringLiteral("link_f1"), score.linkF1()},
                      {QStringLiteral("exact_match"), score.exactMatch()},
                      {QStringLiteral("median_ms"), score.medianMs()},
                      {QStringLiteral("p95_ms"), score.p95Ms()},
                      {QStringLiteral("samples"), score.samples},
                      {QStringLiteral("node_precision"), score.nodePrecision()},
                      {QStringLiteral("node_recall"), score.nodeRecall()},
                      {QStringLiteral("failures"), score.failures},
                      {QStringLiteral("planner"), choice->planner->name()}};
        if (folds) {
            QJsonArray perFold;
            for (int f = 0; f < folds; ++f) {
                const PlanningScore &fs = foldScores.at(f);
                perFold.append(QJsonObject{{QStringLiteral("fold"), f},
                                           {QStringLiteral("samples"), fs.samples},
                                           {QStringLiteral("node_f1"), fs.nodeF1()},
                                           {QStringLiteral("link_f1"), fs.linkF1()},
                                           {QStringLiteral("exact_match"), fs.exactMatch()},
                                           {QStringLiteral("failures"), fs.failures}});
            }
            o.insert(QStringLiteral("cv"),
                     QJsonObject{{QStringLiteral("folds"), folds},
                                 {QStringLiteral("fitted"), fitted},
                                 {QStringLiteral("node_f1"), score.nodeF1()},
                                 {QStringLiteral("link_f1"), score.linkF1()},
                                 {QStringLiteral("exact_match"), score.exactMatch()},
                                 {QStringLiteral("node_f1_fold_mean"), spread(foldNode).first},
                                 {QStringLiteral("node_f1_fold_sd"), spread(foldNode).second},
                                 {QStringLiteral("link_f1_fold_mean"), spread(foldLink).first},
                                 {QStringLiteral("link_f1_fold_sd"), spread(foldLink).second},
                                 {QStringLiteral("per_fold"), perFold}});
        }
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
    if (folds) {
        table += QStringLiteral("%1-fold CV      node F1 %2, link F1 %3, exact %4 (pooled over the "
                                "held-out folds); fitted: %5\n")
                     .arg(folds)
                     .arg(score.nodeF1(), 0, 'f', 3)
                     .arg(score.linkF1(), 0, 'f', 3)
                     .arg(score.exactMatch(), 0, 'f', 3)
                     .arg(fitted);
        table += QStringLiteral("  per fold     node F1 %1 ± %2, link F1 %3 ± %4 (mean ± sd)\n")
                     .arg(spread(foldNode).first, 0, 'f', 3)
                     .arg(spread(foldNode).second, 0, 'f', 3)
                     .arg(spread(foldLink).first, 0, 'f', 3)
                     .arg(spread(foldLink).second, 0, 'f', 3);
        for (int f = 0; f < folds; ++f)
            table +=
                QStringLiteral("  fold %1       %2 samples: node F1 %3, link F1 %4, exact %5\n")
                    .arg(f + 1)
                    .arg(foldScores.at(f).samples)
                    .arg(foldNode.at(f), 0, 'f', 3)
                    .arg(foldLink.at(f), 0, 'f', 3)
                    .arg(foldExact.at(f), 0, 'f', 3);
    }
    printOut(table);
    return ExitOk;
}

const CliCommandRegistration registration({QStringLiteral("bench planning"),
                                           QStringLiteral("score a planner on labelled requests"),
                                           runBenchPlanning});

} // namespace
} // namespace edgegpt::cli
