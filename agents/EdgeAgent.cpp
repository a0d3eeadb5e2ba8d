// EdgeAgent: see EdgeAgent.h.
#include "agents/EdgeAgent.h"

#include "agents/SplitCodec.h"

#include <QHostAddress>

namespace edgegpt {

namespace {

double msSince(qint64 startNs, const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed() - startNs) / 1e6;
}

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
    m_inference = new InferenceThread(config.modelDir, config.threads, config.effectiveSlowdown(),
                                      config.effectiveCodecSlowdown(), this);
    m_metrics = new MetricsPublisher(
        [this]() {
            MetricsPublisher::State s;
            s.queueDepth = m_inference->pending();
            const ModelCacheCounters c = m_inference->counters();
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
    QHostAddress address;
    if (!address.setAddress(m_config.listenHost))
        return Result<void>::failure(
            QStringLiteral("--listen: \"%1\" is not an IP address").arg(m_config.listenHost));
    Result<void> listening = m_server->listen(address, m_config.listenPort);
    if (listening) {
        // Load the whole model once before the first device asks (when the deployment has it: a
        // deployment of parts only loads each part at its first request), so that the first
        // answer does not carry the load.
        m_inference->post<bool>(
            [](ModelRunner &runner) {
                const torch::Tensor blank = torch::zeros({1, 1, 28, 28});
                return bool(runner.tail(blank, QStringLiteral("input")));
            },
            this, [](bool) {});
    }
    return listening;
}

quint16 EdgeAgent::port() const
{
    return m_server->port();
}

void EdgeAgent::onPeerReady(PeerConnection *peer)
{
    qInfo("peer %s (%s, %s) authenticated", qPrintable(peer->peerAddress()),
          qPrintable(peer->peer().name), qPrintable(peer->peer().role));
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
        [=](ModelRunner &runner) {
            EdgeOutcome o;
            const qint64 startNs = monotonic().nsecsElapsed();
            const double queueMs = double(startNs - receivedNs) / 1e6;
            const Result<torch::Tensor> x = decodePayload(split, codec, payload);
            const double decodeMs =
                inference->stretch(msSince(startNs, monotonic()), InferenceThread::Work::Codec,
                                   QStringLiteral("decode %1 %2").arg(split, codec));
            if (!x) {
                o.error = x.error();
                return o;
            }
            const qint64 tailNs = monotonic().nsecsElapsed();
            const Result<torch::Tensor> logits = runner.tail(*x, split);
            inference->publishCounters();
            if (!logits) {
                o.error = logits.error();
                return o;
            }
            o.result = resultFromLogits(*logits);
            o.result.edgeComputeMs =
                inference->stretch(msSince(tailNs, monotonic()), InferenceThread::Work::Model,
                                   QStringLiteral("tail ") + split);
            o.result.decodeMs = decodeMs;
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
        });
}

} // namespace edgegpt
