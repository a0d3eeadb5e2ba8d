// edgegpt bench caching [--trace FILE.csv] [--requests N] [--seed S] [--models FILE.json]
//                       [--memory-gb G] [--policy NAME…] [--out DIR] [--json]
//                       [--live [--live-dir DIR] [--agent FILE]]
// The edge model-caching simulator (docs/caching.md): every policy over one trace, the paper's
// table, CSV and a PNG of cumulative system cost.
#include "CachingLive.h"
#include "CliCommand.h"

#include "core/cache/CacheOptimum.h"
#include "core/cache/CacheSimulator.h"
#include "core/report/PlotImage.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>
#include <thread>

namespace edgegpt::cli {

namespace {

using namespace edgegpt::cache;

struct Options
{
    QString tracePath;
    TraceParams trace;
    bool requestsSet = false;
    QString modelsPath;
    double memoryGb = -1;
    QStringList policies;
    QString outDir;
    bool json = false;
    int threads = 0;
    PolicyParams policy;
};

bool parseNumber(const QCommandLineParser &p, const QString &name, double min, double max,
                 double *value, QString *error)
{
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < min || v > max) {
        *error = QStringLiteral("--%1 takes a number from %2 to %3").arg(name).arg(min).arg(max);
        return false;
    }
    *value = v;
    return true;
}

QString fixed(double v, int decimals)
{
    return QString::number(v, 'f', decimals);
}

Result<void> writeText(const QString &path, const QByteArray &text)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit())
        return Result<void>::failure(
            QStringLiteral("%1: cannot write: %2").arg(path, f.errorString()));
    return Result<void>::success();
}

QByteArray tableCsv(const std::vector<CacheRunResult> &results)
{
    QByteArray csv = "policy,proposed,system_cost,switching_cost,accuracy_cost,inference_latency,"
                     "transmission_latency,cloud_cost,edge_execution_ratio,hit_ratio,loads,"
                     "evictions,requests\n";
    for (const CacheRunResult &r : results) {
        const CostParts m = r.mean();
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13\n")
                   .arg(r.policy, r.proposed ? QStringLiteral("true") : QStringLiteral("false"),
                        fixed(m.system(), 6), fixed(m.switching, 6), fixed(m.accuracy, 6),
                        fixed(m.inferenceLatency, 6), fixed(m.transmissionLatency, 6),
                        fixed(m.cloud, 6), fixed(r.edgeExecutionRatio(), 6))
                   .arg(fixed(r.hitRatio(), 6))
                   .arg(r.loads)
                   .arg(r.evictions)
                   .arg(r.requests)
                   .toUtf8();
    }
    return csv;
}

QByteArray cumulativeCsv(const std::vector<CacheRunResult> &results)
{
    QByteArray csv = "policy,time_s,cumulative_system_cost\n";
    for (const CacheRunResult &r : results)
        for (const QPointF &p : r.cumulative)
            csv += QStringLiteral("%1,%2,%3\n")
                       .arg(r.policy, fixed(p.x(), 3), fixed(p.y(), 3))
                       .toUtf8();
    return csv;
}

QString table(const std::vector<CacheRunResult> &results)
{
    struct Row
    {
        const char *label;
        std::function<QString(const CacheRunResult &)> value;
    };
    const QList<Row> rows = {
        {"system cost",
         [](const CacheRunResult &r) -> QString { return fixed(r.mean().system(), 3); }},
        {"switching cost",
         [](const CacheRunResult &r) -> QString { return fixed(r.mean().switching, 3); }},
        {"accuracy cost",
         [](const CacheRunResult &r) -> QString { return fixed(r.mean().accuracy, 3); }},
        {"inference latency",
         [](const CacheRunResult &r) -> QString { return fixed(r.mean().inferenceLatency, 3); }},
        {"transmission latency",
         [](const CacheRunResult &r) -> QString { return fixed(r.mean().transmissionLatency, 3); }},
        {"cloud cost", [](const CacheRunResult &r) -> QString { return fixed(r.mean().cloud, 3); }},
        {"edge execution ratio",
         [](const CacheRunResult &r) -> QString {
             return fixed(100 * r.edgeExecutionRatio(), 1) + QStringLiteral("%");
         }},
        {"hit ratio",
         [](const CacheRunResult &r) -> QString {
             return fixed(100 * r.hitRatio(), 1) + QStringLiteral("%");
         }},
        {"loads", [](const CacheRunResult &r) -> QString { return QString::number(r.loads); }},
        {"evictions",
         [](const CacheRunResult &r) -> QString { return QString::number(r.evictions); }},
    };
    QString out = QStringLiteral("%1").arg(QStringLiteral("per request"), -22);
    for (const CacheRunResult &r : results)
        out +=
            QStringLiteral("%1").arg(r.policy + (r.proposed ? QStringLiteral("*") : QString()), 10);
    out += QLatin1Char('\n');
    for (const Row &row : rows) {
        out += QStringLiteral("%1").arg(QString::fromLatin1(row.label), -22);
        for (const CacheRunResult &r : results)
            out += QStringLiteral("%1").arg(row.value(r), 10);
        out += QLatin1Char('\n');
    }
    return out;
}

int runBenchCaching(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Simulates model caching at an edge server (docs/caching.md): each policy over one "
        "trace, the paper's cost table per request, CSV and a PNG of cumulative system cost."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("trace"),
         QStringLiteral("requests as CSV with a header: time,model[,prompt] (default: a seeded "
                        "drifting-Zipf trace)"),
         QStringLiteral("FILE.csv")},
        {QStringLiteral("requests"),
         QStringLiteral("length of the generated trace (with --trace: its first N requests)"),
         QStringLiteral("N"), QStringLiteral("100000")},
        {QStringLiteral("seed"), QStringLiteral("seed of the generated trace and of Random"),
         QStringLiteral("S"), QStringLiteral("1")},
        {QStringLiteral("models"),
         QStringLiteral("models, memory, weights and Age-of-Context constants (default: the "
                        "built-in resources/caching/models.json)"),
         QStringLiteral("FILE.json")},
        {QStringLiteral("memory-gb"),
         QStringLiteral("the edge server's GPU memory for models (default: the models file's)"),
         QStringLiteral("G")},
        {QStringLiteral("policy"),
         QStringLiteral("a policy to run, repeatable or comma-separated (default: all): %1; "
                        "also Optimal (the exact offline optimum, slow), LC-capped, LC-always")
             .arg(cachePolicyNames().join(QStringLiteral(", "))),
         QStringLiteral("NAME")},
        {QStringLiteral("out"),
         QStringLiteral("write caching.csv, caching-cumulative.csv and caching-cost.png here"),
         QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("print one JSON object instead of the table")},
        {QStringLiteral("zipf"), QStringLiteral("generated trace: Zipf exponent of popularity"),
         QStringLiteral("S"), QStringLiteral("0.9")},
        {QStringLiteral("drift-s"),
         QStringLiteral("generated trace: seconds between popularity moves (0: none)"),
         QStringLiteral("SECONDS"), QStringLiteral("600")},
        {QStringLiteral("rate"), QStringLiteral("generated trace: requests per second"),
         QStringLiteral("R"), QStringLiteral("1")},
        {QStringLiteral("threads"),
         QStringLiteral("policies run in parallel on this many threads (default: one per core)"),
         QStringLiteral("N")},
        {QStringLiteral("live"),
         QStringLiteral("also replay the trace against a real edge agent whose model cache "
                        "holds untrained model files of different sizes (one --policy)")},
        {QStringLiteral("live-dir"),
         QStringLiteral("--live: write the models and the agent's log here and keep them"),
         QStringLiteral("DIR")},
        {QStringLiteral("agent"), QStringLiteral("--live: the edgegpt-agent program"),
         QStringLiteral("FILE")},
    });
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("unexpected argument \"%1\"")
                                   .arg(parser.positionalArguments().constFirst()));

    Options o;
    QString error;
    double requests = double(o.trace.requests), seed = 1, threads = 0;
    if (!parseNumber(parser, QStringLiteral("requests"), 1, 1e8, &requests, &error) ||
        !parseNumber(parser, QStringLiteral("seed"), 0, 9007199254740991.0, &seed, &error) ||
        !parseNumber(parser, QStringLiteral("memory-gb"), 0, 1e6, &o.memoryGb, &error) ||
        !parseNumber(parser, QStringLiteral("zipf"), 0, 10, &o.trace.zipfS, &error) ||
        !parseNumber(parser, QStringLiteral("drift-s"), 0, 1e9, &o.trace.driftEveryS, &error) ||
        !parseNumber(parser, QStringLiteral("rate"), 1e-6, 1e6, &o.trace.ratePerS, &error) ||
        !parseNumber(parser, QStringLiteral("threads"), 1, 256, &threads, &error))
        return fail(ExitUsage, error);
    if (requests != std::floor(requests) || seed != std::floor(seed))
        return fail(ExitUsage, QStringLiteral("--requests and --seed take whole numbers"));
    o.trace.requests = std::int64_t(requests);
    o.requestsSet = parser.isSet(QStringLiteral("requests"));
    o.trace.seed = std::uint64_t(seed);
    o.policy.seed = o.trace.seed;
    o.threads = int(threads);
    o.tracePath = parser.value(QStringLiteral("trace"));
    o.modelsPath = parser.value(QStringLiteral("models"));
    o.outDir = parser.value(QStringLiteral("out"));
    o.json = parser.isSet(QStringLiteral("json"));
    for (const QString &v : parser.values(QStringLiteral("policy")))
        for (const QString &name : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            std::unique_ptr<CachePolicy> p = makeCachePolicy(name.trimmed(), o.policy);
            if (!p)
                return fail(ExitUsage, QStringLiteral("unknown policy \"%1\" (known: %2)")
                                           .arg(name.trimmed(),
                                                cachePolicyNames().join(QStringLiteral(", "))));
            if (!o.policies.contains(p->name()))
                o.policies << p->name();
        }
    const bool live = parser.isSet(QStringLiteral("live"));
    if (live && o.policies.size() != 1)
        return fail(ExitUsage, QStringLiteral("--live replays one policy: give one --policy"));
    if (!live &&
        (parser.isSet(QStringLiteral("live-dir")) || parser.isSet(QStringLiteral("agent"))))
        return fail(ExitUsage, QStringLiteral("--live-dir and --agent go with --live"));
    if (o.policies.isEmpty())
        o.policies = cachePolicyNames();

    Result<CacheSystem> system =
        o.modelsPath.isEmpty() ? defaultCacheSystem() : readCacheSystem(o.modelsPath);
    if (!system)
        return fail(ExitFailure, system.error());
    if (o.memoryGb >= 0)
        system->memoryGb = o.memoryGb;
    if (o.policies.contains(QStringLiteral("Optimal")) &&
        int(system->models.size()) > maxOptimalModels)
        return fail(ExitUsage, QStringLiteral("--policy Optimal searches every set of resident "
                                              "models: at most %1 models, the models file has %2")
                                   .arg(maxOptimalModels)
                                   .arg(system->models.size()));

    QElapsedTimer timer;
    timer.start();
    std::vector<CacheRequest> trace;
    if (!o.tracePath.isEmpty()) {
        Result<std::vector<CacheRequest>> read = readTraceCsv(o.tracePath, *system);
        if (!read)
            return fail(ExitFailure, read.error());
        trace = std::move(*read);
        if (o.requestsSet && std::int64_t(trace.size()) > o.trace.requests)
            trace.resize(size_t(o.trace.requests));
    } else {
        trace = generateTrace(o.trace, int(system->models.size()));
    }
    const int threadCount =
        o.threads > 0 ? o.threads
                      : std::min<int>(int(o.policies.size()),
                                      int(std::max(1u, std::thread::hardware_concurrency())));
    const std::vector<CacheRunResult> results =
        simulateCachePolicies(*system, trace, o.policies, o.policy, threadCount);
    const double elapsedMs = timer.nsecsElapsed() / 1e6;

    QJsonObject liveJson;
    if (live) {
        LiveCachingOptions lo;
        lo.policy = o.policies.constFirst();
        lo.seed = o.trace.seed;
        lo.keepDir = parser.value(QStringLiteral("live-dir"));
        lo.agentPath = parser.value(QStringLiteral("agent"));
        const Result<QJsonObject> replayed = runLiveCaching(*system, trace, lo);
        if (!replayed)
            return fail(ExitFailure, replayed.error());
        liveJson = *replayed;
    }

    if (!o.outDir.isEmpty()) {
        if (!QDir().mkpath(o.outDir))
            return fail(ExitFailure, QStringLiteral("%1: cannot create the folder").arg(o.outDir));
        const QDir dir(o.outDir);
        Result<void> w = writeText(dir.filePath(QStringLiteral("caching.csv")), tableCsv(results));
        if (w)
            w = writeText(dir.filePath(QStringLiteral("caching-cumulative.csv")),
                          cumulativeCsv(results));
        if (!w)
            return fail(ExitFailure, w.error());
        PlotSpec plot;
        plot.title = QStringLiteral("Cumulative system cost, %1 requests, %2 GB edge memory")
                         .arg(trace.size())
                         .arg(system->memoryGb);
        plot.xLabel = QStringLiteral("time (h)");
        plot.yLabel = QStringLiteral("cumulative system cost");
        // Ten distinct colours (the plot's palette has eight): one per policy.
        static const char *const colours[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                              "#56b4e9", "#d55e00", "#c9b800", "#000000",
                                              "#e5002b", "#7f7f7f"};
        int colour = 0;
        for (const CacheRunResult &r : results) {
            PlotSeries s;
            s.color = QColor(QLatin1String(colours[colour++ % 10]));
            if (r.proposed)
                s.color = QColor(QLatin1String("#e5002b"));
            s.name = r.policy + (r.proposed ? QStringLiteral(" (proposed)") : QString());
            s.lines = true;
            s.radius = 0;
            for (const QPointF &p : r.cumulative)
                s.points << QPointF(p.x() / 3600.0, p.y());
            plot.series << s;
        }
        const Result<void> drawn =
            writePlotPng(plot, dir.filePath(QStringLiteral("caching-cost.png")));
        if (!drawn)
            return fail(ExitFailure, drawn.error());
    }

    if (o.json) {
        QJsonArray models;
        for (const CachedModelSpec &m : system->models)
            models.append(QJsonObject{{QStringLiteral("name"), m.name},
                                      {QStringLiteral("size_gb"), m.sizeGb}});
        QJsonArray policies;
        for (const CacheRunResult &r : results) {
            const CostParts m = r.mean();
            policies.append(
                QJsonObject{{QStringLiteral("name"), r.policy},
                            {QStringLiteral("proposed"), r.proposed},
                            {QStringLiteral("system_cost"), m.system()},
                            {QStringLiteral("switching_cost"), m.switching},
                            {QStringLiteral("accuracy_cost"), m.accuracy},
                            {QStringLiteral("inference_latency"), m.inferenceLatency},
                            {QStringLiteral("transmission_latency"), m.transmissionLatency},
                            {QStringLiteral("cloud_cost"), m.cloud},
                            {QStringLiteral("edge_execution_ratio"), r.edgeExecutionRatio()},
                            {QStringLiteral("hit_ratio"), r.hitRatio()},
                            {QStringLiteral("loads"), qint64(r.loads)},
                            {QStringLiteral("evictions"), qint64(r.evictions)}});
        }
        const QJsonObject root{{QStringLiteral("requests"), qint64(trace.size())},
                               {QStringLiteral("memory_gb"), system->memoryGb},
                               {QStringLiteral("models"), models},
                               {QStringLiteral("elapsed_ms"), elapsedMs},
                               {QStringLiteral("policies"), policies}};
        if (live) {
            QJsonObject withLive = root;
            withLive.insert(QStringLiteral("live"), liveJson);
            printOut(QString::fromUtf8(QJsonDocument(withLive).toJson(QJsonDocument::Compact)));
            return ExitOk;
        }
        printOut(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Compact)));
        return ExitOk;
    }

    const double hours = trace.empty() ? 0 : (trace.back().time - trace.front().time) / 3600.0;
    QString text;
    if (o.tracePath.isEmpty())
        text += QStringLiteral("trace     generated: seed %1, Zipf %2, drift every %3 s, %4 "
                               "requests/s; %5 requests over %6 h\n")
                    .arg(o.trace.seed)
                    .arg(o.trace.zipfS)
                    .arg(o.trace.driftEveryS)
                    .arg(o.trace.ratePerS)
                    .arg(trace.size())
                    .arg(hours, 0, 'f', 1);
    else
        text += QStringLiteral("trace     %1: %2 requests over %3 h\n")
                    .arg(o.tracePath)
                    .arg(trace.size())
                    .arg(hours, 0, 'f', 1);
    text += QStringLiteral("edge      %1 GB of GPU memory for %2 models (%3 GB in all)\n")
                .arg(system->memoryGb)
                .arg(system->models.size())
                .arg([&] {
                    double sum = 0;
                    for (const CachedModelSpec &m : system->models)
                        sum += m.sizeGb;
                    return sum;
                }());
    text += QStringLiteral("simulated %1 policies on %2 threads in %3 ms (* proposed; costs are "
                           "means per request)\n\n")
                .arg(results.size())
                .arg(threadCount)
                .arg(elapsedMs, 0, 'f', 0);
    text += table(results);
    if (live)
        text += QStringLiteral(
                    "\nlive      %1 on a real edge agent (%2 untrained model files, %3 MB "
                    "budget): hit ratio %4% (simulated on the same trace and sizes: %5%), "
                    "%6 loads (simulated %7), %8 evictions (simulated %9); %10 answered, %11 "
                    "offloaded, %12 failed\n")
                    .arg(liveJson.value(QStringLiteral("policy")).toString())
                    .arg(liveJson.value(QStringLiteral("models")).toArray().size())
                    .arg(liveJson.value(QStringLiteral("budget_mb")).toDouble(), 0, 'f', 2)
                    .arg(100 * liveJson.value(QStringLiteral("hit_ratio")).toDouble(), 0, 'f', 2)
                    .arg(100 * liveJson.value(QStringLiteral("simulated_hit_ratio")).toDouble(), 0,
                         'f', 2)
                    .arg(liveJson.value(QStringLiteral("loads")).toInteger())
                    .arg(liveJson.value(QStringLiteral("simulated_loads")).toInteger())
                    .arg(liveJson.value(QStringLiteral("evictions")).toInteger())
                    .arg(liveJson.value(QStringLiteral("simulated_evictions")).toInteger())
                    .arg(liveJson.value(QStringLiteral("answered")).toInteger())
                    .arg(liveJson.value(QStringLiteral("offloaded")).toInteger())
                    .arg(liveJson.value(QStringLiteral("failed")).toInteger());
    if (!o.outDir.isEmpty())
        text += QStringLiteral("\nwrote %1/caching.csv, caching-cumulative.csv, caching-cost.png\n")
                    .arg(o.outDir);
    printOut(text);
    return ExitOk;
}

const CliCommandRegistration registration(
    {QStringLiteral("bench caching"),
     QStringLiteral("simulate edge model caching policies (Age of Context, LC, CVA, ...)"),
     runBenchCaching});

} // namespace
} // namespace edgegpt::cli
