// Deploying to a fleet and acting on a deployment, host by host, many hosts at once.
//
// A deployment of DeploymentSpec to one host (HostDeployer, on a worker thread with its own
// SshSession):
//   1. connect (SSH config, known_hosts, keys: SshSession);
//   2. create <dir>/deployments/<name>/ and ask the host for the SHA-256 of what is already
//      there (sha256sum) and for the version of the agent binary it has;
//   3. upload by SFTP what differs: the agent binary and its model runtime plugin (both kept
//      when the host's pair has our version, unless replaceAgent), the files of the plan (model
//      parts, profiles, plan.json),
//      agent.json and agent.keys (this host's TLS keys, FleetKeys.h); each under a temporary
//      name, renamed when complete;
//   4. when something changed or the agent is not up: stop the old agent, start the new one
//      detached, and wait until the readiness probe (the authenticated handshake) passes.
// status, stop, restart and logs act on the same directory.
//
// FleetOperation runs one of these for every host of a fleet in parallel (a failure on one host
// is that host's report and does not stop the others) and reports through signals on the thread
// it lives on; nothing blocks that thread.
#pragma once

#include "core/fleet/Fleet.h"
#include "core/fleet/SshSession.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>

namespace edgegpt {

struct DeployFile
{
    QString localPath;
    QString remoteName; // relative to the deployment directory, e.g. "models/cnn/head-b2.pt"
    int mode = 0644;
};

struct DeploymentSpec
{
    QString name = QStringLiteral("default"); // the directory under <dir>/deployments/
    QString agentPath;                        // the local edgegpt-agent to upload
    QString agentVersion;                     // its `--version` line; "" = unknown
    QString runtimePath;       // its model runtime plugin; empty: the one next to agentPath
    bool replaceAgent = false; // upload both even when the host has the same version
    QList<DeployFile> files;   // for every host
    QHash<QString, QList<DeployFile>> hostFiles; // more, per host name (model parts by role)
    QString planFile;                            // uploaded as plan.json when set
    // A device host's model (agent.json "model", a folder of models/) and split ("auto" or
    // "input"), by host name, from the deploy manifest (core/fleet/DeployManifest.h).
    struct HostRun
    {
        QString model;
        QString split;
    };
    QHash<QString, HostRun> hostRuns;
    QByteArray token; // the fleet secret: derives the hosts' keys and the probe's
    // Per host name: its key file, agent.keys (FleetKeys.h). FleetOperation fills it from token
    // and the fleet; the fleet secret itself never leaves this machine.
    QHash<QString, QByteArray> keyFiles;
    int readyTimeoutMs = 20000; // from start to a passing handshake
};

enum class HostState { Running, Stopped, Unreachable, Error };
QString hostStateName(HostState state); // "running", "stopped", "unreachable", "error"

struct HostReport
{
    QString host;
    HostState state = HostState::Error;
    QString message;
    qint64 pid = 0;
    int filesUploaded = 0;
    int filesSkipped = 0;
    qint64 bytesUploaded = 0;
    bool agentRestarted = false;
    QString log; // logs: the tail of agent.log
    double seconds = 0;
    // deploy: wall seconds of each step, in order ("connect", "survey", "upload", "start",
    // "ready"), for progress views and `edgegpt bench deploy`.
    QList<QPair<QString, double>> phases;
};

// The agent's configuration for one host (agent.json, docs/deploy.md), in the keys of the
// agent's --config file (agents/AgentConfig.h) and no others (the agent refuses unknown keys).
// `edge` is "host:port" of a device's edge agent. Every agent gets models_dir "models"; a device
// also "start": "on-request", its model and split (spec.hostRuns) and the fleet file's "input";
// the fleet file's "emulate" goes in as written (none: the host's own speed).
QByteArray agentConfigJson(const FleetHost &host, const DeploymentSpec &spec,
                           const QString &edge = {});
// What was deployed there (deployment.json, for people and tools; the agent does not read it):
// the deployment, host, role, class, agent version, the files of the plan and plan.json.
QByteArray deploymentManifestJson(const FleetHost &host, const DeploymentSpec &spec);

// The SHA-256 (hex) of a local file, computed once per path, size and modification time and
// shared by every host's worker and the deploy manifest.
Result<QByteArray> localFileSha256(const QString &path);

// Whether a deployment name is usable as a directory name.
bool isValidDeploymentName(const QString &name);

// One host, one thread, one session. `progress` is called on that thread.
class HostDeployer
{
public:
    using Progress = std::function<void(const QString &message)>;

    HostDeployer(const FleetHost &host, const SshOptions &ssh, SshInteraction *interaction,
                 Progress progress = {});

    // `edge`: "host:port" of this device's edge agent (empty for other roles).
    HostReport deploy(const DeploymentSpec &spec, const QString &edge = {});
    // token empty: liveness from the process and its log only.
    HostReport status(const QString &deployment, const QByteArray &token);
    HostReport stop(const QString &deployment);
    HostReport restart(const QString &deployment, const QByteArray &token, int readyTimeoutMs);
    HostReport logs(const QString &deployment, int lines);

private:
    bool connect(HostReport &report);
    // Starts the agent (stopping the old one) and waits on the host until it listens; the pid,
    // or 0 with the report filled in.
    qint64 startAgent(HostReport &report, const QString &dir, int readyTimeoutMs);
    bool waitUntilRunning(HostReport &report, const QString &dir, const QByteArray &token,
                          int timeoutMs);
    QString agentAddress() const;

    FleetHost m_host;
    SshOptions m_sshOptions;
    Progress m_progress;
    SshSession m_ssh; // holds the SshInteraction that answers its host-key questions
};

class FleetOperation : public QObject
{
    Q_OBJECT
public:
    enum class Kind { Deploy, Status, Stop, Restart, Logs };

    struct Request
    {
        Kind kind = Kind::Status;
        Fleet fleet;
        SshOptions ssh;
        DeploymentSpec spec; // deploy; its name and token are used by the other kinds too
        int logLines = 50;
        QStringList onlyHosts; // empty: every host of the fleet
    };

    // `interaction` must outlive the operation and be thread-safe.
    FleetOperation(Request request, SshInteraction *interaction, QObject *parent = nullptr);
    ~FleetOperation() override;

    // Starts one worker per host; returns at once.
    void start();
    bool isFinished() const { return m_pending == 0 && m_started; }
    // Reports in fleet order, once finished.
    QList<HostReport> reports() const;

Q_SIGNALS:
    void hostProgress(const QString &host, const QString &message);
    void hostFinished(const edgegpt::HostReport &report);
    void finished();

private:
    void onHostFinished(const HostReport &report);

    Request m_request;
    SshInteraction *m_interaction;
    QThreadPool m_pool;
    QHash<QString, HostReport> m_reports;
    QStringList m_order;
    int m_pending = 0;
    bool m_started = false;
};

} // namespace edgegpt
