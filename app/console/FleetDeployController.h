// FleetDeployController: the console's side of a real fleet (docs/console.md, "A real fleet").
//
// SSH side, in this process on FleetOperation (core/fleet/Deployment.h), never a child
// `edgegpt` process:
//   - deploy(plan): places the plan on the fleet (DeployManifest::forPlan with the console's
//     model bindings), then deploys every host in parallel; each host's last progress line, the
//     bytes it uploaded and its seconds, and at the end its state and its steps with their times;
//     cancel() declines every SSH question from then on and stops the agents the deploy started
//     once its workers return (a worker in the middle of an upload finishes that file first);
//   - pollStatus(): FleetOperation Status for every host (running / stopped / unreachable /
//     error), every statusIntervalMs while a fleet is open; fetchLog(host): the agent.log tail.
// SSH questions go to ConsoleSshInteraction (dialogs). known_hosts: the operations use a file
// of this session, a copy of the real one (--known-hosts, else ~/.ssh/known_hosts) plus the
// keys accepted once; after each operation the keys accepted "and remember" are appended to the
// real file, the keys accepted once stay in the session's copy only.
//
// Agent side: for every host the status poll finds running, an AgentMetricsFeed with the fleet
// token at the agent's address (agent_address, else the host the SSH config resolves to) and
// agent_port: metrics into the charts' store under the host's name, a status-request every
// 2 s (requests, median, the models the agent reports resident), run-inputs / stop-inputs to the
// devices (run(), stopRun()).
#pragma once

#include "app/console/AgentMetricsFeed.h"
#include "app/console/ConsoleSshInteraction.h"
#include "core/catalog/ModelBindings.h"
#include "core/fleet/Deployment.h"
#include "core/fleet/Fleet.h"
#include "core/plan/Plan.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace edgegpt {

class MetricsStore;

struct FleetHostView
{
    QString name, role, hostClass;
    QString agentAddress; // host:port the console connects to ("" until known)
    // "not deployed", "deploying", "running", "stopped", "unreachable", "error", "cancelled"
    QString state = QStringLiteral("unknown");
    QString step;       // the deploy's last progress line for this host
    QString message;    // the last report's message
    qint64 bytes = 0;   // uploaded by the last deploy
    double seconds = 0; // of the last operation on this host
    QList<QPair<QString, double>> phases;
    // From the agent itself (status-reply); requests < 0 until one arrives.
    QStringList models;
    qint64 requests = -1;
    double medianMs = -1;
    bool emulated = false;
    bool metrics = false; // subscribed to its metrics
    // A run in progress on a device: answered so far.
    qint64 runAnswered = 0;
    qint64 runFailed = 0;
    bool running = false;
};

class FleetDeployController : public QObject
{
    Q_OBJECT
public:
    FleetDeployController(MetricsStore *store, QWidget *dialogParent, QObject *parent = nullptr);
    ~FleetDeployController() override;

    Result<void> loadFleet(const QString &path);
    void closeFleet();
    bool hasFleet() const { return !m_fleet.hosts.isEmpty(); }
    const Fleet &fleet() const { return m_fleet; }
    void setSshOptions(const SshOptions &options);
    SshOptions sshOptions() const { return m_ssh; }
    ConsoleSshInteraction *interaction() const { return m_interaction; }
    void setStatusIntervalMs(int ms);

    // Starts a deployment of `plan` (asynchronous; deployFinished follows). Fails at once with
    // the reason when nothing can start (no fleet, a plan that does not place, no agent, no
    // token).
    Result<void> deploy(const Plan &plan, const Catalog &catalog, const ModelBindings &bindings);
    bool isDeploying() const { return !m_deploy.isNull(); }
    void cancel();
    void pollStatus();
    void fetchLog(const QString &host);

    // run-inputs to every device agent connected (count 0: until stopped); fails when none is.
    Result<void> run(qint64 count = 0, double ratePerSecond = 0);
    void stopRun();
    bool isRunning() const;

    QList<FleetHostView> hosts() const;
    const FleetHostView *host(const QString &name) const;
    AgentMetricsFeed *feed(const QString &host) const { return m_feeds.value(host); }
    // Every running host's agent has sent metrics, and some of them carried requests.
    bool chartsHaveData() const;
    // The session's known_hosts copy (what the operations use).
    QString sessionKnownHosts() const;

    // The edgegpt-agent the console deploys (next to it, else in the build tree).
    static QString agentPath();

Q_SIGNALS:
    void hostsChanged();
    void logLine(const QString &text);
    void status(const QString &text, bool busy);
    void deployFinished(bool ok);
    void statusPolled();
    // A changed host key was refused (the message names the risk); shown with no accept.
    void hostKeyChanged(const QString &host, const QString &message);
    void logTail(const QString &host, const QString &text);
    void runFinished();

private:
    FleetOperation *startOperation(FleetOperation::Kind kind, const QStringList &onlyHosts = {},
                                   const DeploymentSpec &spec = {});
    void prepareKnownHosts();
    void mergeKnownHosts();
    QString realKnownHosts() const;
    void onReport(const HostReport &report, FleetOperation::Kind kind);
    void connectAgent(const QString &host);
    void dropAgent(const QString &host);
    QString agentHost(const FleetHost &host) const;
    void askAgentsStatus();
    Result<QByteArray> token(bool create);

    MetricsStore *m_store;
    ConsoleSshInteraction *m_interaction;
    Fleet m_fleet;
    SshOptions m_ssh;
    QByteArray m_token;
    QHash<QString, FleetHostView> m_hosts;
    QHash<QString, AgentMetricsFeed *> m_feeds;
    QPointer<FleetOperation> m_deploy;
    QPointer<FleetOperation> m_statusOp;
    bool m_cancelled = false;
    QElapsedTimer m_deployClock;
    QTimer m_statusTimer;
    QTimer m_agentTimer;
    QTemporaryDir m_sessionDir;
    QStringList m_onceLines; // known_hosts lines accepted for this session only
    int m_operations = 0;    // running operations sharing the session's known_hosts
};

} // namespace edgegpt
