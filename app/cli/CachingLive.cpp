// CachingLive: see CachingLive.h.
#include "CachingLive.h"

#include "agents/InferenceThread.h"
#include "agents/InputPayload.h"
#include "core/cache/CacheSimulator.h"
#include "core/fleet/LocalFleet.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/Keyring.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "models/UntrainedModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <numeric>

namespace edgegpt::cli {

namespace {

using namespace edgegpt::cache;

// Runs the event loop until done() or timeoutMs; false on the timeout.
bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QTimer tick; // wakes the loop so that the time limit is seen
    tick.start(20);
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

QJsonObject systemJson(const CacheSystem &s)
{
    QJsonArray models;
    for (const CachedModelSpec &m : s.models)
        models.append(QJsonObject{{QStringLiteral("name"), m.name},
                                  {QStringLiteral("kind"), m.kind},
                                  {QStringLiteral("size_gb"), m.sizeGb},
                                  {QStringLiteral("load_time_s"), m.loadTimeS},
                                  {QStringLiteral("load_energy_kj"), m.loadEnergyKj},
                                  {QStringLiteral("edge_latency_s"), m.edgeLatencyS},
                                  {QStringLiteral("cloud_latency_s"), m.cloudLatencyS},
                                  {QStringLiteral("cloud_price_usd"), m.cloudPriceUsd},
                                  {QStringLiteral("request_kb"), m.requestKb},
                                  {QStringLiteral("response_kb"), m.responseKb},
                                  {QStringLiteral("accuracy_zero_shot"), m.accuracyZeroShot},
                                  {QStringLiteral("accuracy_max"), m.accuracyMax},
                                  {QStringLiteral("few_shot_beta"), m.fewShotBeta},
                                  {QStringLiteral("context_window"), m.contextWindow}});
    return QJsonObject{
        {QStringLiteral("description"),
         QStringLiteral("written by `edgegpt bench caching --live`: the trace's models with the "
                        "sizes of the untrained model files standing for them")},
        {QStringLiteral("memory_gb"), s.memoryGb},
        {QStringLiteral("weights"),
         QJsonObject{{QStringLiteral("per_second"), s.weights.perSecond},
                     {QStringLiteral("per_kj"), s.weights.perKj},
                     {QStringLiteral("per_usd"), s.weights.perUsd},
                     {QStringLiteral("per_accuracy"), s.weights.perAccuracy}}},
        {QStringLiteral("network"),
         QJsonObject{{QStringLiteral("edge_rtt_s"), s.network.edgeRttS},
                     {QStringLiteral("edge_mb_per_s"), s.network.edgeMBps},
                     {QStringLiteral("cloud_rtt_s"), s.network.cloudRttS},
                     {QStringLiteral("cloud_mb_per_s"), s.network.cloudMBps}}},
        {QStringLiteral("age_of_context"),
         QJsonObject{{QStringLiteral("step_s"), s.aoc.stepS},
                     {QStringLiteral("decay_per_step"), s.aoc.decayPerStep},
                     {QStringLiteral("other_topic_relevance"), s.aoc.otherTopicRelevance}}},
        {QStringLiteral("models"), models}};
}

} // namespace

Result<QJsonObject> runLiveCaching(const CacheSystem &system,
                                   const std::vector<CacheRequest> &trace,
                                   const LiveCachingOptions &options)
{
    using R = Result<QJsonObject>;
    QElapsedTimer elapsed;
    elapsed.start();
    const int n = int(system.models.size());
    if (n == 0 || trace.empty())
        return R::failure(QStringLiteral("--live: no models or no requests"));
    PolicyParams params; // the agent's (EdgeModelCache's) seed for Random: 1
    params.seed = 1;
    std::unique_ptr<CachePolicy> policy = makeCachePolicy(options.policy, params);
    if (!policy)
        return R::failure(QStringLiteral("--live: unknown policy \"%1\"").arg(options.policy));
    if (policy->name() == QLatin1String("Oracle") || policy->name() == QLatin1String("Optimal"))
        return R::failure(QStringLiteral("--live: the %1 policy needs the future requests; it "
                                         "runs only in the simulator")
                              .arg(policy->name()));
    QTemporaryDir temp;
    if (options.keepDir.isEmpty() && !temp.isValid())
        return R::failure(QStringLiteral("--live: cannot create a temporary folder"));
    const QString work = options.keepDir.isEmpty() ? temp.path() : options.keepDir;
    const QString modelsDir = work + QStringLiteral("/models");
    if (!QDir().mkpath(modelsDir))
        return R::failure(QStringLiteral("--live: cannot create %1").arg(modelsDir));

    // Untrained models of different sizes, the smallest for the trace's smallest model: the CNN
    // with a learned code at fc1 from 16 to 4096 wide (its two linear layers grow with it).
    std::vector<int> bySize(static_cast<size_t>(n));
    std::iota(bySize.begin(), bySize.end(), 0);
    std::stable_sort(bySize.begin(), bySize.end(), [&](int a, int b) {
        return system.models[size_t(a)].sizeGb < system.models[size_t(b)].sizeGb;
    });
    CacheSystem live = system;
    QJsonArray modelsJson;
    double totalGb = 0, liveTotalGb = 0;
    for (int rank = 0; rank < n; ++rank) {
        const int m = bySize[size_t(rank)];
        const int width = n == 1 ? 256 : 16 + int(double(rank) * (4096 - 16) / double(n - 1));
        const QString specText = QStringLiteral("cnn:fc1:%1").arg(width);
        const Result<ModelSpec> spec = ModelSpec::parse(specText);
        if (!spec)
            return R::failure(spec.error());
        const QString name = system.models[size_t(m)].name;
        if (name.contains(QLatin1Char('/')) || name.startsWith(QLatin1Char('.')))
            return R::failure(
                QStringLiteral("--live: model name \"%1\" cannot be a folder name").arg(name));
        const QString dir = modelsDir + QLatin1Char('/') + name;
        const Result<qint64> saved = saveUntrainedModel(*spec, options.seed + quint64(rank), dir);
        if (!saved)
            return R::failure(saved.error());
        const double mb = InferenceThread::modelFilesMb(dir);
        live.models[size_t(m)].sizeGb = mb / 1000.0;
        totalGb += system.models[size_t(m)].sizeGb;
        liveTotalGb += mb / 1000.0;
        modelsJson.append(
            QJsonObject{{QStringLiteral("name"), name},
                        {QStringLiteral("spec"), specText},
                        {QStringLiteral("size_mb"), mb},
                        {QStringLiteral("stands_for_gb"), system.models[size_t(m)].sizeGb}});
    }
    live.memoryGb = totalGb > 0 ? system.memoryGb / totalGb * liveTotalGb : 0;
    const double budgetMb = live.memoryGb * 1000.0;
    {
        QSaveFile f(modelsDir + QStringLiteral("/caching.json"));
        const QByteArray text = QJsonDocument(systemJson(live)).toJson();
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit())
            return R::failure(QStringLiteral("--live: cannot write %1").arg(f.fileName()));
    }

    // The simulator on the same trace, sizes and budget.
    const CacheRunResult simulated = simulateCache(live, trace, *policy);

    // The agent.
    const Result<QString> agentPath = LocalFleet::findAgent(options.agentPath);
    if (!agentPath)
        return R::failure(agentPath.error());
    const QString tokenPath = work + QStringLiteral("/fleet.token");
    const Result<QByteArray> secret = LocalFleet::writeToken(tokenPath);
    if (!secret)
        return R::failure(secret.error());
    QProcess agent;
    agent.setProcessChannelMode(QProcess::SeparateChannels);
    agent.setStandardErrorFile(work + QStringLiteral("/agent.log"));
    agent.start(*agentPath,
                {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), tokenPath,
                 QStringLiteral("--models-dir"), modelsDir, QStringLiteral("--cache-mb"),
                 QString::number(budgetMb, 'g', 17), QStringLiteral("--cache-policy"),
                 policy->name(), QStringLiteral("--preload")});
    const auto stopAgent = [&agent]() {
        if (agent.state() == QProcess::NotRunning)
            return;
        agent.terminate();
        if (!agent.waitForFinished(5000)) {
            agent.kill();
            agent.waitForFinished(3000);
        }
    };
    if (!agent.waitForStarted(10000))
        return R::failure(QStringLiteral("--live: cannot start %1").arg(*agentPath));
    quint16 port = 0;
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (port == 0 && t.elapsed() < 60000 && agent.state() == QProcess::Running) {
        agent.waitForReadyRead(200);
        out += agent.readAllStandardOutput();
        const QList<QByteArray> lines = out.split('\n');
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) // complete lines only
            if (lines[i].startsWith("listening "))
                port = quint16(lines[i].mid(lines[i].lastIndexOf(':') + 1).toUInt());
    }
    if (port == 0) {
        stopAgent();
        return R::failure(QStringLiteral("--live: the edge agent did not start (see %1)")
                              .arg(work + QStringLiteral("/agent.log")));
    }
    PeerConnection::Options peerOptions;
    const Result<Keyring> keys = Keyring::load(tokenPath);
    if (!keys) {
        stopAgent();
        return R::failure(keys.error());
    }
    peerOptions.keys = *keys;
    peerOptions.identity = {QStringLiteral("bench-caching"), QStringLiteral("console")};
    std::unique_ptr<PeerConnection> peer(
        PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), port, peerOptions, nullptr));
    bool ready = false;
    QString peerError;
    QObject::connect(peer.get(), &PeerConnection::ready, [&ready]() { ready = true; });
    QObject::connect(peer.get(), &PeerConnection::failed,
                     [&peerError](const QString &e) { peerError = e; });
    if (!waitUntil([&]() { return ready || !peerError.isEmpty(); }, 10000) || !ready) {
        stopAgent();
        return R::failure(QStringLiteral("--live: cannot reach the edge agent: %1")
                              .arg(peerError.isEmpty() ? QStringLiteral("timeout") : peerError));
    }
    // The cache's counters as the agent reports them (metrics-update, per update).
    CacheEvents totals;
    qint64 eventHits = 0, eventLoads = 0, eventEvictions = 0;
    quint32 waiting = 0;
    bool answered = false;
    QString answerCode;
    QObject::connect(peer.get(), &PeerConnection::frameReceived, [&](const Frame &f) {
        if (f.type == FrameType::MetricsUpdate) {
            const Result<MetricsUpdateMessage> u = MetricsUpdateMessage::fromCbor(f.control);
            if (!u)
                return;
            totals.hits += u->cache.hits;
            totals.misses += u->cache.misses;
            totals.loads += u->cache.loads;
            totals.evictions += u->cache.evictions;
            for (const CacheEventRecord &e : u->cacheEvents) {
                eventHits += e.kind == QLatin1String("hit");
                eventLoads += e.kind == QLatin1String("load");
                eventEvictions += e.kind == QLatin1String("evict");
            }
        } else if (f.requestId == waiting &&
                   (f.type == FrameType::InferResult || f.type == FrameType::Error)) {
            answered = true;
            answerCode.clear();
            if (f.type == FrameType::Error) {
                const Result<ErrorMessage> e = ErrorMessage::fromCbor(f.control);
                answerCode = e ? e->code : QStringLiteral("?");
            }
        }
    });
    MetricsSubscribeMessage subscribe;
    subscribe.intervalMs = MetricsSubscribeMessage::minIntervalMs;
    peer->sendRequest(FrameType::MetricsSubscribe, subscribe.toCbor());

    const std::vector<uint8_t> blank(28 * 28, 0);
    const Result<QByteArray> png = encodeInput(blank.data(), 28, 28, QStringLiteral("png"));
    if (!png) {
        stopAgent();
        return R::failure(png.error());
    }
    qint64 results = 0, offloaded = 0, failed = 0;
    for (const CacheRequest &q : trace) {
        InferRequestMessage request;
        request.model = system.models[size_t(q.model)].name;
        request.split = QStringLiteral("input");
        request.codec = QStringLiteral("png");
        request.cacheTopic = q.topic;
        request.cacheTimeS = q.time;
        answered = false;
        const Result<quint32> id =
            peer->sendRequest(FrameType::InferRequest, request.toCbor(), *png);
        if (!id) {
            stopAgent();
            return R::failure(QStringLiteral("--live: ") + id.error());
        }
        waiting = *id;
        if (!waitUntil([&]() { return answered || !peerError.isEmpty(); }, 30000) || !answered) {
            stopAgent();
            return R::failure(
                QStringLiteral("--live: the edge agent stopped answering: %1")
                    .arg(peerError.isEmpty() ? QStringLiteral("timeout") : peerError));
        }
        if (answerCode.isEmpty())
            ++results;
        else if (answerCode == error_code::offloaded())
            ++offloaded;
        else
            ++failed;
    }
    // Every request's events reach the metrics within an update or two.
    const qint64 n64 = qint64(trace.size());
    waitUntil([&]() { return totals.hits + totals.misses >= n64; }, 3000);
    waitUntil([]() { return false; }, 3 * MetricsSubscribeMessage::minIntervalMs);
    peer.reset();
    stopAgent();

    const double hitRatio = n64 ? double(totals.hits) / double(n64) : 0;
    return QJsonObject{{QStringLiteral("policy"), policy->name()},
                       {QStringLiteral("hit_ratio"), hitRatio},
                       {QStringLiteral("simulated_hit_ratio"), simulated.hitRatio()},
                       {QStringLiteral("loads"), totals.loads},
                       {QStringLiteral("evictions"), totals.evictions},
                       {QStringLiteral("simulated_loads"), qint64(simulated.loads)},
                       {QStringLiteral("simulated_evictions"), qint64(simulated.evictions)},
                       {QStringLiteral("requests"), n64},
                       {QStringLiteral("reported_requests"), totals.hits + totals.misses},
                       {QStringLiteral("event_hits"), eventHits},
                       {QStringLiteral("event_loads"), eventLoads},
                       {QStringLiteral("event_evictions"), eventEvictions},
                       {QStringLiteral("answered"), results},
                       {QStringLiteral("offloaded"), offloaded},
                       {QStringLiteral("failed"), failed},
                       {QStringLiteral("budget_mb"), budgetMb},
                       {QStringLiteral("untrained"), true},
                       {QStringLiteral("models"), modelsJson},
                       {QStringLiteral("elapsed_ms"), double(elapsed.nsecsElapsed()) / 1e6}};
}

} // namespace edgegpt::cli
