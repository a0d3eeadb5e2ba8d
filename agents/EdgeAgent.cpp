// EdgeAgent: see EdgeAgent.h.
#include "agents/EdgeAgent.h"

#include "agents/InputPayload.h"

#include "core/util/Stats.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace edgegpt {

namespace {

struct EdgeOutcome
{
    bool ok = false;
    QString error;
    InferResultMessage result;
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

EdgeAgent::EdgeAgent(const AgentConfig &config, const FleetToken &token, QObject *parent)
    : QObject(parent)
    , m_config(config)
{
    PeerConnection::Options options;
    options.token = token.secret;
    options.identity.name = config.name;
    options.identity.role = config.role;
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
    m_metrics = new MetricsPublisher(
        [this]() {
            MetricsPublisher::State s;
            s.queueDepth = m_inference->pending();
            const RuntimeCacheCounters c = m_inference->counters();
            s.cacheTotals = CacheEvents{c.hits, c.misses, c.loads, c.evictions};
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
    m_inference->post<bool>(
        [inference, models]() {
            bool ok = true;
            for (const QString &model : models) {
                const Result<SplitRuntime *> runtime = inference->runtime(model);
                if (!runtime) {
                    ok = false;
                    continue;
                }
                const std::vector<uint8_t> blank(28 * 28, 0);
                const Result<QByteArray> image =
                    encodeInput(blank.data(), 28, 28, QStringLiteral("png"));
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
    m_inference->post<EdgeOutcome>(
        [=]() {
            EdgeOutcome o;
            const qint64 startNs = monotonic().nsecsElapsed();
            const double queueMs = double(startNs - receivedNs) / 1e6;
            const Result<SplitRuntime *> runtime = inference->runtime(model);
            if (!runtime) {
                o.error = runtime.error();
                return o;
            }
            const Result<TailOutput> tail = (*runtime)->tail(split, codec, payload);
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
            if (!to)
                return; // the device went away; nothing to answer
            if (!o.ok) {
                ++m_failed;
                to->sendError(id, error_code::badRequest(), o.error);
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
