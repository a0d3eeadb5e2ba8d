// AgentMetricsFeed: the console's side of one agent's metric stream. It connects to the agent
// (an authenticated PeerConnection in the console role), sends metrics-subscribe, and pushes
// every metrics-update into a MetricsStore under the agent's name; the charts read the store on
// their own timer. A lost or refused connection is retried every second while the feed is
// active (an agent that restarts is picked up again). For a device agent the same connection
// carries link-settings requests (the demo's rate slider); the agent answers with the settings
// now in effect. Everything runs on the caller's thread through its event loop.
#pragma once

#include "core/link/LinkShaper.h"
#include "core/metrics/MetricsStore.h"
#include "core/protocol/Keyring.h"
#include "core/protocol/Messages.h"
#include "core/util/Result.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace edgegpt {

class PeerConnection;
struct Frame;

class AgentMetricsFeed : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Subscribed };

    // The store must outlive the feed.
    AgentMetricsFeed(MetricsStore *store, const QString &agentName, QObject *parent = nullptr);
    ~AgentMetricsFeed() override;

    // Connects (and keeps reconnecting) to host:port as the console, with keys (the console key
    // file, or a fleet secret); intervalMs is the update interval asked for (the agent allows at
    // most 10 a second).
    void start(const QString &host, quint16 port, const Keyring &keys, int intervalMs = 100);
    void stop();

    QString agentName() const { return m_agent; }
    State state() const { return m_state; }
    bool isSubscribed() const { return m_state == State::Subscribed; }
    qint64 updatesReceived() const { return m_updates; }
    qint64 requestsReceived() const { return m_requests; }
    // The split the agent reported last ("" until one arrives) and its link estimate (-1).
    QString lastSplit() const { return m_lastSplit; }
    double lastLinkRateKBps() const { return m_lastRate; }
    QString address() const;

    // The model's split points in order ("input" first, the logits last): the store then gets
    // each split as its index, so the chart shows how much of the model runs on the device.
    void setSplitOrder(const QStringList &names) { m_splitOrder = names; }
    // Whether the per-request metrics go to the store (default) or only the link, split and
    // cache figures: the demo's edge sees the same requests as its device, which has them all.
    void setRecordRequests(bool record) { m_recordRequests = record; }

    // Asks a device agent to shape its uplink at rateKBps from now on (linkSettingsApplied or
    // requestFailed follows). Fails at once when not connected.
    Result<void> setLinkRate(double rateKBps);
    // A deployed agent: asks what it reports about itself (statusReceived follows).
    Result<void> requestStatus();
    // A device agent: run `count` inputs from its input source (0: until stopInputs), at
    // ratePerSecond (0: closed loop); runAccepted, then runResult for each, runDone at the end.
    Result<void> runInputs(qint64 count, double ratePerSecond);
    Result<void> stopInputs();
    bool isRunningInputs() const { return m_runRequest != 0; }

Q_SIGNALS:
    void subscribed();
    // The connection failed or closed (one line); the feed retries while active.
    void connectionLost(const QString &message);
    void updateReceived();
    void linkSettingsApplied(const edgegpt::LinkSettings &settings);
    void requestFailed(const QString &message);
    void statusReceived(const edgegpt::StatusReplyMessage &status);
    void runAccepted(qint64 count);
    void runResult(const edgegpt::RunResultMessage &result);
    void runDone(qint64 answered, qint64 failed);

private:
    void connectNow();
    void onFrame(const Frame &frame);
    void scheduleRetry(const QString &message);

    MetricsStore *m_store;
    QString m_agent;
    QString m_host;
    quint16 m_port = 0;
    Keyring m_keys;
    int m_intervalMs = 100;
    bool m_active = false;
    bool m_reportedLoss = false;
    State m_state = State::Idle;
    QPointer<PeerConnection> m_connection;
    QTimer m_retry;
    qint64 m_updates = 0;
    qint64 m_requests = 0;
    QString m_lastSplit;
    double m_lastRate = -1;
    quint32 m_linkRequest = 0;
    quint32 m_runRequest = 0;
    QStringList m_splitOrder;
    bool m_recordRequests = true;
};

} // namespace edgegpt
