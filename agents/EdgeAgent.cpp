// EdgeAgent: see EdgeAgent.h.
#include "agents/EdgeAgent.h"

#include "agents/CodecCalibration.h"

#include "agents/InputPayload.h"

#include "core/util/Stats.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/cache/CacheModel.h"

#include <algorithm>
#include <optional>

namespace edgegpt {

namespace {

struct EdgeOutcome
{
    bool ok = false;
    QString error;
    InferResultMessage result;
    bool offloaded = false;                              // the model cache's policy sent it away
    QList<InferenceThread::CacheEvent> events;           // the model cache's, for this request
    std::optional<InferenceThread::CacheSnapshot> cache; // after it (a live cache only)
};

const QElapsedTimer &monotonic()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock;
}

} // namespace

EdgeAgent::EdgeAgent(const AgentConfig &config, const Keyring &keys, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    PeerConnection::Options options;
    options.keys = keys;
    options.identity.name = config.name;
    options.identity.role = config.role;
    // Devices send inferences, consoles watch: another edge's credential is refused.
    options.peerRoles = {QStringLiteral("device"), QStringLiteral("console")};
    options.tls = config.tls;
    m_server = new PeerServer(options, this);
    const Result<QList<QPair<QString, QString>>> models = config.models();
    if (!models)
        m_modelsError = models.error();
    m_inference = new InferenceThread(models ? *models : QList<QPair<QString, QString>>{},
                                      config.threads, config.effectiveSlowdown(),
                                      config.effectiveCodecSlowdown(), config.runtimeFile, this);
    if (models) {
        // A held model may also be asked for by its profile's name, when no other claims it.
        QHash<QString, int> claims;
        QHash<QString, QString> alias;
        for (const auto &m : *models) {
            // The warm-up image takes each model's own input shape (model.json).
            const Result<ModelInfo> info = ModelInfo::load(m.second);
            m_modelInputs.insert(m.first, info ? info->input : ModelInputSpec());
            QFile f(m.second + QStringLiteral("/profile.json"));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QString name = QJsonDocument::fromJson(f.read(4 * 1024 * 1024))
                                     .object()
                                     .value(QLatin1String("model"))
                                     .toString();
            if (name.isEmpty() || name == m.first)
                continue;
            claims[name] += 1;
            alias.insert(name, m.first);
        }
        for (auto it = alias.cbegin(); it != alias.cend(); ++it)
            if (claims.value(it.key()) == 1 && !m_inference->holds(it.key()))
                m_aliases.insert(it.key(), it.value());
    }
    if (models && config.cacheMb > 0) {
        // The live model cache: the budget and policy from the flags, every cost figure from
        // MODELS_DIR/caching.json when there is one (a models file, docs/caching.md), else the
        // defaults; sizes from the part files.
        cache::CacheSystem system;
        const QString costs = config.modelsDir + QStringLiteral("/caching.json");
        if (!config.modelsDir.isEmpty() && QFile::exists(costs)) {
            const Result<cache::CacheSystem> read = cache::readCacheSystem(costs);
            if (read)
                system = *read;
            else
                m_modelsError = read.error();
        }
        system.memoryGb = config.cacheMb / 1000.0;
        if (m_modelsError.isEmpty()) {
            const Result<void> enabled = m_inference->enableModelCache(system, config.cachePolicy);
            if (!enabled)
                m_modelsError = enabled.error();
        }
        m_cacheClock.start();
    }
    m_metrics = new MetricsPublisher(
        [this]() {
            MetricsPublisher::State s;
            s.queueDepth = m_inference->pending();
            const RuntimeCacheCounters c = m_inference->counters();
            s.cacheTotals = CacheEvents{c.hits, c.misses, c.loads, c.evictions};
            if (m_inference->hasModelCache()) {
                const InferenceThread::CacheSnapshot &k = m_cacheSnapshot;
                s.cacheTotals = CacheEvents{k.hits, k.requests - k.hits, k.loads, k.evictions};
                s.cachePolicy = m_config.cachePolicy;
                s.cacheBudgetMb = m_config.cacheMb;
                s.cacheUsedMb = k.usedMb;
                s.cacheHitRatio = k.requests ? double(k.hits) / double(k.requests) : 0;
                for (const InferenceThread::ResidentModel &r : k.resident)
                    s.cacheResident << ResidentModelRecord{r.name, r.sizeMb, r.context};
            }
            return s;
        },
        this);
    connect(m_server, &PeerServer::peerReady, this, &EdgeAgent::onPeerReady);
    connect(m_server, &PeerServer::peerFailed, this,
            [](const QString &address, const QString &message) {
                qWarning("peer %s: %s", qPrintable(address), qPrintable(message));
            });
}

Result<void> EdgeAgent::start()
{
    if (!m_modelsError.isEmpty())
        return Result<void>::failure(m_modelsError);
    QHostAddress address;
    if (!address.setAddress(m_config.listenHost))
        return Result<void>::failure(
            QStringLiteral("--listen: \"%1\" is not an IP address").arg(m_config.listenHost));
    if (m_inference->modelNames().isEmpty())
        qWarning("holding no model: %s is empty; every request will be refused",
                 qPrintable(m_config.modelsDir));
    qInfo("holding %lld model(s): %s", qlonglong(m_inference->modelNames().size()),
          qPrintable(m_inference->modelNames().join(QStringLiteral(", "))));
    // No model yet: the runtime (LibTorch) is loaded when the first device says hello
    // (onPeerReady), so that an agent that is only started and probed, as a deployment does,
    // listens and answers at once without that cost — unless --preload asks for it now (on the
    // inference thread: the handshake is still answered at once).
    Result<void> listening = m_server->listen(address, m_config.listenPort);
    if (listening && m_config.preload && !m_warmedUp) {
        m_warmedUp = true;
        warmUp(m_inference->modelNames()); // all of them: preloading asks for that
    }
    return listening;
}

void EdgeAgent::warmUp(const QStringList &models)
{
    // Load the runtime and the whole model once before the device's first request (when the
    // deployment has the whole model: a deployment of parts loads each part at its first
    // request), so that the first answer does not carry the load. Posted before that request,
    // so it runs first on the inference thread.
    InferenceThread *inference = m_inference;
    if (m_inference->hasModelCache()) {
        // With a live cache the models are loaded by the cache at their requests; only the
        // runtime (LibTorch) is loaded now, so that the first load does not carry it.
        m_inference->post<bool>([inference]() { return bool(inference->loadRuntimeLibrary()); },
                                this, [this](bool ok) { Q_EMIT warmedUp(ok); });
        return;
    }
    m_inference->post<bool>(
        [inference, models, inputs = m_modelInputs]() {
            bool ok = true;
            for (const QString &model : models) {
                const Result<SplitRuntime *> runtime = inference->runtime(model);
                if (!runtime) {
                    ok = false;
                    continue;
                }
                const ModelInputSpec input = inputs.value(model);
                const std::vector<uint8_t> pixels = calibrationImage(input);
                const Result<QByteArray> image =
                    encodeInput(pixels.data(), input.width, input.height, input.channels,
                                QStringLiteral("png"));
                ok = ok && image &&
                     bool((*runtime)->tail(QStringLiteral("input"), QStringLiteral("png"), *image));
            }
            return ok;
        },
        this, [this](bool ok) { Q_EMIT warmedUp(ok); });
}

quint16 EdgeAgent::port() const
{
    return m_server->port();
}

void EdgeAgent::onPeerReady(PeerConnection *peer)
{
    qInfo("peer %s (%s, %s) authenticated", qPrintable(peer->peerAddress()),
          qPrintable(peer->peer().name), qPrintable(peer->peer().role));
    if (!m_warmedUp && peer->peer().role == QLatin1String("device")) {
        m_warmedUp = true; // a device: inference is coming
        // With one model, that one; with several, each loads at its first request.
        if (m_inference->modelNames().size() == 1)
            warmUp(m_inference->modelNames());
    }
    connect(peer, &PeerConnection::frameReceived, this,
            [this, peer](const Frame &f) { onFrame(peer, f); });
    connect(peer, &PeerConnection::failed, this, [peer](const QString &message) {
        qWarning("peer %s: %s", qPrintable(peer->peerAddress()), qPrintable(message));
    });
}

void EdgeAgent::onFrame(PeerConnection *peer, const Frame &frame)
{
    switch (frame.type) {
    case FrameType::InferRequest:
        infer(peer, frame);
        break;
    case FrameType::MetricsSubscribe:
        m_metrics->subscribe(peer, frame);
        break;
    case FrameType::StatusRequest:
        replyStatus(peer, frame);
        break;
    case FrameType::Pong:
    case FrameType::Error:
        break;
    default:
        peer->sendError(frame.requestId, error_code::badRequest(),
                        QStringLiteral("an edge agent does not take %1 frames")
                            .arg(frameTypeName(quint8(frame.type))));
        break;
    }
}

void EdgeAgent::infer(PeerConnection *peer, const Frame &frame)
{
    const Result<InferRequestMessage> request = InferRequestMessage::fromCbor(frame.control);
    if (!request) {
        peer->sendError(frame.requestId, error_code::badRequest(), request.error());
        return;
    }
    const QString model = resolveModel(request->model);
    if (model.isEmpty()) {
        ++m_failed;
        peer->sendError(frame.requestId, error_code::badRequest(),
                        QStringLiteral("this edge does not hold model %1 (it holds: %2)")
                            .arg(request->model.isEmpty() ? QStringLiteral("\"\"") : request->model,
                                 m_inference->modelNames().isEmpty()
                                     ? QStringLiteral("none")
                                     : m_inference->modelNames().join(QStringLiteral(", "))));
        return;
    }
    if (m_inference->pending() >= maxQueuedRequests) {
        peer->sendError(
            frame.requestId, error_code::busy(),
            QStringLiteral("%1 requests are waiting; try again later").arg(maxQueuedRequests));
        return;
    }
    const qint64 receivedNs = monotonic().nsecsElapsed();
    const QString split = request->split, codec = request->codec;
    const QByteArray payload = frame.payload;
    InferenceThread *inference = m_inference;
    const quint32 id = frame.requestId;
    QPointer<PeerConnection> to(peer);
    const InferRequestMessage req = *request;
    // The cache's clock: the request's own trace time when it gives one (a replay), else the
    // edge's; posted in order, so it never goes back on the inference thread.
    if (m_inference->hasModelCache())
        m_cacheTimeS =
            std::max(m_cacheTimeS, req.cacheTimeS >= 0 ? req.cacheTimeS
                                                       : double(m_cacheClock.nsecsElapsed()) / 1e9);
    const double cacheTimeS = m_cacheTimeS;
    const int cacheTopic = int(std::max<qint64>(0, req.cacheTopic));
    m_inference->post<EdgeOutcome>(
        [=]() {
            EdgeOutcome o;
            const qint64 startNs = monotonic().nsecsElapsed();
            const double queueMs = double(startNs - receivedNs) / 1e6;
            InferenceThread::CachedRuntime cached =
                inference->cachedRuntime(model, cacheTopic, cacheTimeS);
            o.events = cached.events;
            if (inference->hasModelCache())
                o.cache = inference->cacheSnapshot(cacheTimeS);
            if (!cached.runtime) {
                o.error = cached.error;
                o.offloaded = cached.offloaded;
                return o;
            }
            SplitRuntime *const runtime = cached.runtime;
            const Result<TailOutput> tail = runtime->tail(split, codec, payload);
            inference->publishCounters();
            if (!tail) {
                o.error = tail.error();
                return o;
            }
            o.result = tail->result;
            o.result.decodeMs =
                inference->stretch(tail->decodeMs, InferenceThread::Work::Codec,
                                   QStringLiteral("decode %1 %2").arg(split, codec));
            o.result.edgeComputeMs = inference->stretch(tail->modelMs, InferenceThread::Work::Model,
                                                        QStringLiteral("tail ") + split);
            o.result.queueMs = queueMs;
            o.ok = true;
            return o;
        },
        this,
        [this, to, id, req, bytes = payload.size()](EdgeOutcome o) {
            if (o.cache)
                m_cacheSnapshot = *o.cache;
            for (const InferenceThread::CacheEvent &e : o.events)
                m_metrics->recordCacheEvent(
                    CacheEventRecord{QDateTime::currentMSecsSinceEpoch(), e.kind, e.model, e.ms});
            if (!to)
                return; // the device went away; nothing to answer
            if (!o.ok) {
                ++m_failed;
                to->sendError(id, o.offloaded ? error_code::offloaded() : error_code::badRequest(),
                              o.error);
                return;
            }
            ++m_served;
            to->sendFrame(makeFrame(FrameType::InferResult, o.result, id));
            RequestMetrics m;
            m.requestId = id;
            m.edgeComputeMs = o.result.edgeComputeMs;
            m.deviceComputeMs = req.deviceComputeMs;
            m.encodeMs = req.encodeMs;
            m.bytes = bytes;
            m.split = req.split;
            m.codec = req.codec;
            m_metrics->record(m);
            constexpr int kWindow = 1000;
            m_edgeTimes << std::max(0.0, o.result.queueMs) + std::max(0.0, o.result.decodeMs) +
                               std::max(0.0, o.result.edgeComputeMs);
            if (req.deviceComputeMs >= 0)
                m_deviceTimes << req.deviceComputeMs;
            while (m_edgeTimes.size() > kWindow)
                m_edgeTimes.removeFirst();
            while (m_deviceTimes.size() > kWindow)
                m_deviceTimes.removeFirst();
        });
}

QString EdgeAgent::resolveModel(const QString &requested) const
{
    const QStringList held = m_inference->modelNames();
    if (requested.isEmpty())
        return held.size() == 1 ? held.first() : QString();
    if (held.contains(requested))
        return requested;
    return m_aliases.value(requested);
}

void EdgeAgent::replyStatus(PeerConnection *peer, const Frame &frame)
{
    StatusReplyMessage s;
    s.role = m_config.role;
    s.requests = m_served;
    s.failed = m_failed;
    s.medianMs = m_edgeTimes.isEmpty() ? -1 : median(m_edgeTimes);
    s.deviceMs = m_deviceTimes.isEmpty() ? -1 : median(m_deviceTimes);
    s.models = m_inference->residentModels();
    s.emulated = m_config.emulated();
    s.slowdown = m_config.effectiveSlowdown();
    s.codecSlowdown = m_config.effectiveCodecSlowdown();
    peer->sendFrame(makeFrame(FrameType::StatusReply, s, frame.requestId));
}

} // namespace edgegpt
