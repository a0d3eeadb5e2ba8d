#include "app/console/AgentMetricsFeed.h"

#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"

namespace edgegpt {

namespace {
constexpr int kRetryMs = 1000;
} // namespace

AgentMetricsFeed::AgentMetricsFeed(MetricsStore *store, const QString &agentName, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_agent(agentName)
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryMs);
    connect(&m_retry, &QTimer::timeout, this, &AgentMetricsFeed::connectNow);
}

AgentMetricsFeed::~AgentMetricsFeed()
{
    stop();
}

void AgentMetricsFeed::start(const QString &host, quint16 port, const Keyring &keys, int intervalMs)
{
    stop();
    m_host = host;
    m_port = port;
    m_keys = keys;
    m_intervalMs = qMax(int(MetricsSubscribeMessage::minIntervalMs), intervalMs);
    m_active = true;
    m_reportedLoss = false;
    connectNow();
}

void AgentMetricsFeed::stop()
{
    m_active = false;
    m_retry.stop();
    if (m_connection) {
        PeerConnection *c = m_connection;
        m_connection = nullptr;
        c->disconnect(this);
        c->close();
        c->deleteLater();
    }
    m_state = State::Idle;
}

QString AgentMetricsFeed::address() const
{
    return m_port ? QStringLiteral("%1:%2").arg(m_host).arg(m_port) : QString();
}

void AgentMetricsFeed::connectNow()
{
    if (!m_active)
        return;
    PeerConnection::Options options;
    options.keys = m_keys;
    options.identity = {Keyring::consoleName(), QStringLiteral("console")};
    options.handshakeTimeoutMs = 5000;
    m_state = State::Connecting;
    PeerConnection *c = PeerConnection::connectToHost(m_host, m_port, options, this);
    m_connection = c;
    connect(c, &PeerConnection::ready, this, [this, c] {
        MetricsSubscribeMessage subscribe;
        subscribe.intervalMs = m_intervalMs;
        const Result<quint32> sent =
            c->sendRequest(FrameType::MetricsSubscribe, subscribe.toCbor());
        if (!sent) {
            scheduleRetry(sent.error());
            return;
        }
        m_state = State::Subscribed;
        m_reportedLoss = false;
        Q_EMIT subscribed();
    });
    connect(c, &PeerConnection::frameReceived, this, &AgentMetricsFeed::onFrame);
    connect(c, &PeerConnection::peerError, this,
            [this](quint32 id, const QString &code, const QString &message) {
                if (id != 0 && id == m_runRequest) {
                    m_runRequest = 0;
                    Q_EMIT requestFailed(tr("%1 refused to run inputs: %2").arg(m_agent, message));
                    Q_EMIT runDone(0, 0);
                } else if (id != 0 && id == m_linkRequest) {
                    m_linkRequest = 0;
                    Q_EMIT requestFailed(
                        tr("%1 refused the link settings: %2").arg(m_agent, message));
                } else if (id != 0) {
                    Q_EMIT requestFailed(tr("%1: %2 (%3)").arg(m_agent, message, code));
                }
            });
    connect(c, &PeerConnection::failed, this,
            [this](const QString &message) { scheduleRetry(message); });
    connect(c, &PeerConnection::closed, this,
            [this] { scheduleRetry(tr("%1 closed the connection").arg(m_agent)); });
}

void AgentMetricsFeed::scheduleRetry(const QString &message)
{
    if (m_runRequest != 0) {
        m_runRequest = 0;
        Q_EMIT runDone(0, 0); // the run ends with the connection
    }
    if (m_connection) {
        PeerConnection *c = m_connection;
        m_connection = nullptr;
        c->disconnect(this);
        c->deleteLater();
    }
    m_state = State::Idle;
    if (!m_active)
        return;
    if (!m_reportedLoss) {
        m_reportedLoss = true; // one line per outage, not one a second
        Q_EMIT connectionLost(message);
    }
    m_retry.start();
}

void AgentMetricsFeed::onFrame(const Frame &frame)
{
    if (frame.type == FrameType::MetricsUpdate) {
        const Result<MetricsUpdateMessage> update = MetricsUpdateMessage::fromCbor(frame.control);
        if (!update) {
            Q_EMIT requestFailed(
                tr("%1 sent a bad metrics update: %2").arg(m_agent, update.error()));
            return;
        }
        ++m_updates;
        m_requests += update->requests.size();
        if (!update->split.isEmpty())
            m_lastSplit = update->split;
        if (update->linkRateKBps >= 0)
            m_lastRate = update->linkRateKBps;
        MetricsUpdateMessage stored = *update;
        if (!m_recordRequests)
            stored.requests.clear();
        if (!stored.split.isEmpty() && m_splitOrder.contains(stored.split))
            stored.split = QString::number(m_splitOrder.indexOf(stored.split));
        m_store->pushUpdate(m_agent, stored);
        Q_EMIT updateReceived();
    } else if (frame.type == FrameType::StatusReply) {
        const Result<StatusReplyMessage> status = StatusReplyMessage::fromCbor(frame.control);
        if (!status) {
            Q_EMIT requestFailed(tr("%1 sent a bad status: %2").arg(m_agent, status.error()));
            return;
        }
        Q_EMIT statusReceived(*status);
    } else if (frame.type == FrameType::RunInputsAck) {
        const Result<RunInputsAckMessage> ack = RunInputsAckMessage::fromCbor(frame.control);
        if (ack)
            Q_EMIT runAccepted(ack->accepted);
    } else if (frame.type == FrameType::RunResult) {
        const Result<RunResultMessage> result = RunResultMessage::fromCbor(frame.control);
        if (!result) {
            Q_EMIT requestFailed(tr("%1 sent a bad result: %2").arg(m_agent, result.error()));
            return;
        }
        Q_EMIT runResult(*result);
    } else if (frame.type == FrameType::RunDone || frame.type == FrameType::StopInputsAck) {
        const Result<RunDoneMessage> done = RunDoneMessage::fromCbor(frame.control);
        if (frame.type == FrameType::RunDone && frame.requestId != m_runRequest)
            return; // an earlier run's end
        m_runRequest = 0;
        Q_EMIT runDone(done ? done->answered : 0, done ? done->failed : 0);
    } else if (frame.type == FrameType::LinkSettingsAck) {
        const Result<LinkSettingsMessage> ack = LinkSettingsMessage::fromCbor(frame.control);
        if (frame.requestId == m_linkRequest)
            m_linkRequest = 0;
        if (!ack) {
            Q_EMIT requestFailed(
                tr("%1 sent a bad link-settings answer: %2").arg(m_agent, ack.error()));
            return;
        }
        const Result<LinkSettings> now = ack->applyTo(LinkSettings());
        if (now)
            Q_EMIT linkSettingsApplied(*now);
        else
            Q_EMIT requestFailed(now.error());
    }
}

Result<void> AgentMetricsFeed::setLinkRate(double rateKBps)
{
    if (!m_connection || !m_connection->isReady())
        return Result<void>::failure(tr("%1 is not connected").arg(m_agent));
    LinkSettingsMessage message;
    message.rateKBps = rateKBps;
    const Result<quint32> sent =
        m_connection->sendRequest(FrameType::LinkSettings, message.toCbor());
    if (!sent)
        return Result<void>::failure(sent.error());
    m_linkRequest = *sent;
    return {};
}

Result<void> AgentMetricsFeed::requestStatus()
{
    if (!m_connection || !m_connection->isReady())
        return Result<void>::failure(tr("%1 is not connected").arg(m_agent));
    const Result<quint32> sent =
        m_connection->sendRequest(FrameType::StatusRequest, EmptyMessage{}.toCbor());
    if (!sent)
        return Result<void>::failure(sent.error());
    return {};
}

Result<void> AgentMetricsFeed::runInputs(qint64 count, double ratePerSecond)
{
    if (!m_connection || !m_connection->isReady())
        return Result<void>::failure(tr("%1 is not connected").arg(m_agent));
    RunInputsMessage message;
    message.count = count;
    message.ratePerSecond = ratePerSecond;
    const Result<quint32> sent = m_connection->sendRequest(FrameType::RunInputs, message.toCbor());
    if (!sent)
        return Result<void>::failure(sent.error());
    m_runRequest = *sent;
    return {};
}

Result<void> AgentMetricsFeed::stopInputs()
{
    if (!m_connection || !m_connection->isReady())
        return Result<void>::failure(tr("%1 is not connected").arg(m_agent));
    const Result<quint32> sent =
        m_connection->sendRequest(FrameType::StopInputs, EmptyMessage{}.toCbor());
    if (!sent)
        return Result<void>::failure(sent.error());
    return {};
}

} // namespace edgegpt
