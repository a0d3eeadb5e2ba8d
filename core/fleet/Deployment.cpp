#include "core/fleet/Deployment.h"

#include "core/fleet/AgentProbe.h"
#include "core/fleet/FleetKeys.h"
#include "core/fleet/RemoteAgent.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSet>
#include <QThread>

namespace edgegpt {

namespace {

// SHA-256 of local files, computed once per file and shared by every host's worker (a model part
// goes to many hosts; hashing it once is enough). Keyed by path, size and modification time.
Result<QByteArray> localSha256(const QString &path)
{
    static QMutex mutex;
    static QHash<QString, QPair<QString, QByteArray>> cache; // path -> (size|mtime, hex)
    const QFileInfo info(path);
    if (!info.isFile())
        return Result<QByteArray>::failure(QStringLiteral("%1 does not exist").arg(path));
    const QString stamp = QString::number(info.size()) + QLatin1Char('|') +
                          QString::number(info.lastModified().toMSecsSinceEpoch());
    QMutexLocker lock(&mutex);
    const auto hit = cache.constFind(path);
    if (hit != cache.constEnd() && hit->first == stamp)
        return hit->second;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(
            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return Result<QByteArray>::failure(QStringLiteral("cannot read %1").arg(path));
    const QByteArray hex = hash.result().toHex();
    cache.insert(path, {stamp, hex});
    return hex;
}

QByteArray sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

struct Upload
{
    QString remoteName;
    QString localPath; // empty: `bytes`
    QByteArray bytes;
    int mode = 0644;
    QByteArray sha256;
    qint64 size = 0;
};

QString humanBytes(qint64 bytes)
{
    if (bytes < 10 * 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}

QString lastLines(const QString &text, int n)
{
    QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    if (lines.size() > n)
        lines = lines.mid(lines.size() - n);
    return lines.join(QStringLiteral(" | "));
}

} // namespace

QString hostStateName(HostState state)
{
    switch (state) {
    case HostState::Running:
        return QStringLiteral("running");
    case HostState::Stopped:
        return QStringLiteral("stopped");
    case HostState::Unreachable:
        return QStringLiteral("unreachable");
    case HostState::Error:
        break;
    }
    return QStringLiteral("error");
}

Result<QByteArray> localFileSha256(const QString &path)
{
    return localSha256(path);
}

bool isValidDeploymentName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

QByteArray agentConfigJson(const FleetHost &host, const DeploymentSpec &spec, const QString &edge)
{
    const QString listen = (host.agentListen.contains(QLatin1Char(':'))
                                ? QLatin1Char('[') + host.agentListen + QLatin1Char(']')
                                : host.agentListen) +
                           QLatin1Char(':') + QString::number(host.agentPort);
    // Only keys the agent knows (it refuses others); paths are relative to the deployment
    // directory, where the agent is started.
    QJsonObject o{{QStringLiteral("name"), host.name},
                  {QStringLiteral("role"), host.role},
                  {QStringLiteral("listen"), listen},
                  {QStringLiteral("token_file"), QStringLiteral("agent.keys")},
                  {QStringLiteral("models_dir"), QStringLiteral("models")}};
    if (!edge.isEmpty())
        o.insert(QStringLiteral("edge"), edge);
    if (host.role == QLatin1String("device")) {
        // A deployed device waits until a console or `edgegpt fleet run` asks for inputs.
        o.insert(QStringLiteral("start"), QStringLiteral("on-request"));
        const DeploymentSpec::HostRun run = spec.hostRuns.value(host.name);
        if (!run.model.isEmpty())
            o.insert(QStringLiteral("model"), run.model);
        if (!run.split.isEmpty() && run.split != QLatin1String("auto"))
            o.insert(QStringLiteral("split"), run.split);
        if (!host.input.isEmpty())
            o.insert(QStringLiteral("input"), host.input);
    }
    if (!host.emulate.isEmpty())
        o.insert(QStringLiteral("emulate"), host.emulate);
    if (host.preload && host.role != QLatin1String("device"))
        o.insert(QStringLiteral("preload"), true);
    if (host.cacheMb > 0 && host.role != QLatin1String("device"))
        o.insert(QStringLiteral("cache_mb"), host.cacheMb);
    if (!host.cachePolicy.isEmpty() && host.role != QLatin1String("device"))
        o.insert(QStringLiteral("cache_policy"), host.cachePolicy);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

QByteArray deploymentManifestJson(const FleetHost &host, const DeploymentSpec &spec)
{
    QJsonArray files;
    for (const DeployFile &f : spec.files)
        files.append(f.remoteName);
    for (const DeployFile &f : spec.hostFiles.value(host.name))
        files.append(f.remoteName);
    QJsonObject o{{QStringLiteral("format"), QStringLiteral("edgegpt-deployment")},
                  {QStringLiteral("version"), 1},
                  {QStringLiteral("deployment"), spec.name},
                  {QStringLiteral("host"), host.name},
                  {QStringLiteral("role"), host.role},
                  {QStringLiteral("class"), host.hostClass},
                  {QStringLiteral("agent_version"), spec.agentVersion},
                  {QStringLiteral("files"), files}};
    if (!spec.planFile.isEmpty())
        o.insert(QStringLiteral("plan"), QStringLiteral("plan.json"));
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

HostDeployer::HostDeployer(const FleetHost &host, const SshOptions &ssh,
                           SshInteraction *interaction, Progress progress)
    : m_host(host)
    , m_sshOptions(ssh)
    , m_progress(std::move(progress))
    , m_ssh(ssh, interaction)
{}

bool HostDeployer::connect(HostReport &report)
{
    report.host = m_host.name;
    if (m_progress)
        m_progress(QStringLiteral("connecting to %1").arg(m_host.ssh));
    const Result<void> connected =
        m_ssh.connect(m_host.target.host, m_host.target.user, m_host.target.port);
    if (connected)
        return true;
    report.state = m_ssh.failureKind() == SshSession::FailureKind::Unreachable
                       ? HostState::Unreachable
                       : HostState::Error;
    report.message = connected.error();
    return false;
}

QString HostDeployer::agentAddress() const
{
    return m_host.agentAddress.isEmpty() ? m_ssh.endpoint().host : m_host.agentAddress;
}

qint64 HostDeployer::startAgent(HostReport &report, const QString &dir, int readyTimeoutMs)
{
    // Stops the old agent, starts the new one and waits on the host until it says it listens,
    // in one round trip.
    const Result<RemoteAgent::Started> started =
        RemoteAgent::start(m_ssh, dir, true, 5000, readyTimeoutMs);
    if (!started) {
        report.state = HostState::Error;
        report.message = started.error();
        return 0;
    }
    report.pid = started->pid;
    report.agentRestarted = true;
    if (started->outcome == RemoteAgent::Started::Outcome::Exited) {
        report.state = HostState::Error;
        report.message = QStringLiteral("the agent exited after it was started; its log ends: %1")
                             .arg(lastLines(started->logTail, 5));
        return 0;
    }
    return started->pid;
}

bool HostDeployer::waitUntilRunning(HostReport &report, const QString &dir, const QByteArray &token,
                                    int timeoutMs)
{
    const AgentContext agent{m_host.name, dir, agentAddress(), m_host.agentPort};
    HandshakeProbe handshake(token);
    LogLineProbe logLine;
    AgentReadinessProbe &probe =
        token.isEmpty() ? static_cast<AgentReadinessProbe &>(logLine) : handshake;
    QElapsedTimer clock;
    clock.start();
    QElapsedTimer sinceLivenessCheck;
    sinceLivenessCheck.start();
    QString lastError;
    for (int attempt = 0;; ++attempt) {
        const int left = int(timeoutMs - clock.elapsed());
        const Result<void> ok = probe.check(m_ssh, agent, qBound(200, left, 3000));
        if (ok) {
            report.state = HostState::Running;
            return true;
        }
        lastError = ok.error();
        const bool late = clock.elapsed() >= timeoutMs;
        // Retry the probe quickly (an agent takes a moment to listen); ask the host whether it
        // is still alive every second (a remote command costs a shell there; the start already
        // waited on the host for the agent to listen or die), since a dead one will not come up.
        if (late || sinceLivenessCheck.elapsed() >= 1000) {
            sinceLivenessCheck.restart();
            const Result<RemoteAgentState> state = RemoteAgent::state(m_ssh, dir);
            if (!state) {
                report.state = HostState::Error;
                report.message = state.error();
                return false;
            }
            if (!state->alive) {
                const Result<QString> log = RemoteAgent::logTail(m_ssh, dir, 5);
                report.state = HostState::Error;
                report.message = QStringLiteral("the agent exited after it was started; its log "
                                                "ends: %1")
                                     .arg(log ? lastLines(*log, 5) : log.error());
                return false;
            }
            if (late) {
                report.state = HostState::Error;
                report.message = QStringLiteral("the agent (pid %1) is alive but not ready after "
                                                "%2 s: %3")
                                     .arg(state->pid)
                                     .arg(timeoutMs / 1000.0)
                                     .arg(lastError);
                return false;
            }
        }
        if (m_progress && attempt == 0)
            m_progress(QStringLiteral("waiting for the agent's handshake"));
        QThread::msleep(50);
    }
}

HostReport HostDeployer::deploy(const DeploymentSpec &spec, const QString &edge)
{
    HostReport report;
    report.host = m_host.name;
    if (!isValidDeploymentName(spec.name)) {
        report.message = QStringLiteral("bad deployment name \"%1\"").arg(spec.name);
        return report;
    }

    // What goes there, with local hashes (shared between hosts) before connecting.
    QList<Upload> uploads;
    {
        Upload agent;
        agent.remoteName = RemoteAgent::binaryName();
        agent.localPath = spec.agentPath;
        agent.mode = 0755;
        uploads.append(agent);
        // Its model runtime goes next to it (the agent looks there), under the same rules.
        Upload runtime;
        runtime.remoteName = RemoteAgent::runtimeName();
        runtime.localPath = !spec.runtimePath.isEmpty()
                                ? spec.runtimePath
                                : QFileInfo(spec.agentPath).absolutePath() + QLatin1Char('/') +
                                      RemoteAgent::runtimeName();
        runtime.mode = 0644;
        if (!QFileInfo(runtime.localPath).isFile()) {
            report.message = QStringLiteral("no model runtime %1 next to the agent: it is built "
                                            "with edgegpt-agent (target edgegpt-runtime) and the "
                                            "agent loads it to run models")
                                 .arg(runtime.localPath);
            return report;
        }
        uploads.append(runtime);
        QList<DeployFile> files = spec.files + spec.hostFiles.value(m_host.name);
        if (!spec.planFile.isEmpty())
            files.append({spec.planFile, QStringLiteral("plan.json"), 0644});
        for (const DeployFile &f : files) {
            // Remote names are relative and stay inside the deployment directory.
            if (f.remoteName.isEmpty() || f.remoteName.startsWith(QLatin1Char('/')) ||
                f.remoteName.split(QLatin1Char('/')).contains(QStringLiteral(".."))) {
                report.message = QStringLiteral("bad remote file name \"%1\"").arg(f.remoteName);
                return report;
            }
            uploads.append({f.remoteName, f.localPath, {}, f.mode, {}, 0});
        }
        Upload config;
        config.remoteName = QStringLiteral("agent.json");
        config.bytes = agentConfigJson(m_host, spec, edge);
        uploads.append(config);
        Upload manifest;
        manifest.remoteName = QStringLiteral("deployment.json");
        manifest.bytes = deploymentManifestJson(m_host, spec);
        uploads.append(manifest);
        // This host's keys, not the fleet secret (FleetKeys.h).
        Upload keys;
        keys.remoteName = QStringLiteral("agent.keys");
        keys.bytes = spec.keyFiles.value(m_host.name);
        keys.mode = 0600;
        if (keys.bytes.isEmpty()) {
            report.message = QStringLiteral("no key file for %1 (deploy needs the fleet secret)")
                                 .arg(m_host.name);
            return report;
        }
        uploads.append(keys);
    }
    for (Upload &u : uploads) {
        if (u.localPath.isEmpty()) {
            u.sha256 = sha256Hex(u.bytes);
            u.size = u.bytes.size();
            continue;
        }
        const Result<QByteArray> hash = localSha256(u.localPath);
        if (!hash) {
            report.message = hash.error();
            return report;
        }
        u.sha256 = *hash;
        u.size = QFileInfo(u.localPath).size();
    }

    QElapsedTimer phase;
    phase.start();
    auto endPhase = [&](const char *name) {
        report.phases.append({QString::fromLatin1(name), phase.nsecsElapsed() / 1e9});
        phase.restart();
    };
    if (!connect(report))
        return report;
    endPhase("connect");
    const QString dir = RemoteAgent::deploymentDir(m_host.dir, spec.name);

    // One round trip: make the directories, hash what is there, and ask the host's agent its
    // version and its runtime's when either file differs from ours (a host may run its own build).
    QSet<QString> subdirs{dir, dir + QStringLiteral("/models")};
    QStringList quotedNames;
    QStringList keptModelFiles{QStringLiteral("''")};
    for (const Upload &u : uploads) {
        const int slash = u.remoteName.lastIndexOf(QLatin1Char('/'));
        if (slash > 0)
            subdirs.insert(dir + QLatin1Char('/') + u.remoteName.left(slash));
        quotedNames << SshSession::shellQuote(u.remoteName);
        if (u.remoteName.startsWith(QLatin1String("models/")))
            keptModelFiles << SshSession::shellQuote(u.remoteName);
    }
    QStringList quotedDirs;
    for (const QString &d : subdirs)
        quotedDirs << SshSession::shellQuote(d);
    // Model files of an earlier deployment that this one does not ship are removed (a device
    // keeps no tail, an edge no model it no longer serves), as is the single model/ folder of
    // deployments before models/, and the fleet.token of deployments before per-host keys.
    const QString survey =
        QStringLiteral(
            "mkdir -p -- %1 || exit 3\n"
            "cd -- %2 || exit 3\n"
            "if [ -d model ]; then echo '@@rm model'; rm -rf -- model; fi\n"
            // The fleet secret that deployments before per-host keys left (agent.keys now).
            "if [ -f fleet.token ]; then echo '@@rm fleet.token'; rm -f -- fleet.token; fi\n"
            "find models -type f 2>/dev/null | while IFS= read -r f; do\n"
            "  case \"$f\" in %8) ;; *) rm -f -- \"$f\" && echo \"@@rm $f\" ;; esac\n"
            "done\n"
            "echo '@@hashes'\n"
            "command -v sha256sum >/dev/null 2>&1 && sha256sum -- %3 2>/dev/null\n"
            "echo '@@version'\n"
            "if [ -x ./%4 ] && { [ \"$(sha256sum <./%4 2>/dev/null | cut -c1-64)\" != '%5' ] ||\n"
            "    [ \"$(sha256sum <./%6 2>/dev/null | cut -c1-64)\" != '%7' ]; }; then\n"
            "  if command -v timeout >/dev/null 2>&1; then t='timeout 10'; else t=; fi\n"
            "  $t ./%4 --version 2>/dev/null | head -n 1\n"
            "  echo '@@runtime'\n"
            "  $t ./%4 --runtime-version 2>/dev/null | head -n 1\n"
            "fi\n"
            "true\n")
            .arg(quotedDirs.join(QLatin1Char(' ')), SshSession::shellQuote(dir),
                 quotedNames.join(QLatin1Char(' ')), RemoteAgent::binaryName(),
                 QString::fromLatin1(uploads.at(0).sha256), RemoteAgent::runtimeName(),
                 QString::fromLatin1(uploads.at(1).sha256), keptModelFiles.join(QLatin1Char('|')));
    const Result<ExecResult> surveyed = m_ssh.exec(survey);
    if (!surveyed) {
        report.message = surveyed.error();
        return report;
    }
    if (surveyed->exitCode != 0) {
        report.message = QStringLiteral("cannot create %1 on the host: %2")
                             .arg(dir, QString::fromUtf8(surveyed->err.left(400)).trimmed());
        return report;
    }
    QHash<QString, QByteArray> remoteHashes;
    QString remoteVersion, remoteRuntimeVersion;
    int filesRemoved = 0;
    {
        enum { None, Hashes, Version, Runtime } section = None;
        for (const QByteArray &line : surveyed->out.split('\n')) {
            if (section == None && line.startsWith("@@rm ")) {
                ++filesRemoved;
                continue;
            }
            if (line == "@@hashes") {
                section = Hashes;
                continue;
            }
            if (line == "@@version") {
                section = Version;
                continue;
            }
            if (line == "@@runtime") {
                section = Runtime;
                continue;
            }
            if (section == Hashes && line.size() > 66) {
                QByteArray name = line.mid(66);
                if (name.startsWith('*'))
                    name = name.mid(1);
                remoteHashes.insert(QString::fromUtf8(name), line.left(64));
            } else if (section == Version && !line.trimmed().isEmpty() && remoteVersion.isEmpty()) {
                remoteVersion = QString::fromUtf8(line.trimmed());
            } else if (section == Runtime && !line.trimmed().isEmpty() &&
                       remoteRuntimeVersion.isEmpty()) {
                remoteRuntimeVersion = QString::fromUtf8(line.trimmed());
            }
        }
    }
    // The host's own build (another CPU architecture, say) is kept only as a pair: its agent says
    // our version, and its runtime loads with that agent (`--runtime-version` checks the
    // interface) and says the same version. Otherwise both are ours.
    const QString ourVersion = spec.agentVersion.section(QLatin1Char(' '), 1, 1);
    const bool keepHostBuild = !spec.replaceAgent && !spec.agentVersion.isEmpty() &&
                               remoteVersion == spec.agentVersion &&
                               remoteRuntimeVersion.startsWith(QLatin1String("edgegpt-runtime ")) &&
                               remoteRuntimeVersion.section(QLatin1Char(' '), 1, 1) == ourVersion;

    endPhase("survey");

    // What must go up.
    QList<const Upload *> todo;
    qint64 totalBytes = 0;
    for (const Upload &u : uploads) {
        if (remoteHashes.value(u.remoteName) == u.sha256) {
            ++report.filesSkipped;
            continue;
        }
        if ((&u == &uploads.at(0) || &u == &uploads.at(1)) && keepHostBuild) {
            ++report.filesSkipped;
            if (m_progress)
                m_progress(QStringLiteral("keeping the host's %1")
                               .arg(&u == &uploads.at(0) ? remoteVersion : remoteRuntimeVersion));
            continue;
        }
        todo.append(&u);
        totalBytes += u.size;
    }

    // Upload.
    qint64 doneBytes = 0;
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    for (int i = 0; i < todo.size(); ++i) {
        const Upload &u = *todo.at(i);
        if (m_progress)
            m_progress(QStringLiteral("uploading %1 (%2 of %3, %4)")
                           .arg(u.remoteName)
                           .arg(i + 1)
                           .arg(todo.size())
                           .arg(humanBytes(u.size)));
        const QString remotePath = dir + QLatin1Char('/') + u.remoteName;
        Result<void> put;
        if (u.localPath.isEmpty()) {
            put = m_ssh.uploadBytes(u.bytes, remotePath, u.mode);
        } else {
            const qint64 before = doneBytes;
            put = m_ssh.upload(u.localPath, remotePath, u.mode, [&](qint64 sent) {
                if (m_progress && sinceProgress.elapsed() > 500 && totalBytes > 0) {
                    sinceProgress.restart();
                    m_progress(QStringLiteral("uploading %1: %2%")
                                   .arg(u.remoteName)
                                   .arg(int(100 * (before + sent) / totalBytes)));
                }
            });
        }
        if (!put) {
            report.state = HostState::Error;
            report.message = put.error();
            return report;
        }
        doneBytes += u.size;
        ++report.filesUploaded;
        report.bytesUploaded += u.size;
    }

    endPhase("upload");

    // Keep the agent when nothing changed and it answers with our token; otherwise (re)start it,
    // stopping the old one in the same round trip.
    if (report.filesUploaded == 0 && filesRemoved == 0 && !spec.token.isEmpty()) {
        const Result<RemoteAgentState> state = RemoteAgent::state(m_ssh, dir);
        if (!state) {
            report.message = state.error();
            return report;
        }
        if (state->alive &&
            HandshakeProbe::handshake(agentAddress(), m_host.agentPort, spec.token, 3000)) {
            report.state = HostState::Running;
            report.pid = state->pid;
            report.message = QStringLiteral("running (pid %1, unchanged)").arg(state->pid);
            return report;
        }
    }
    if (m_progress)
        m_progress(QStringLiteral("starting the agent"));
    QElapsedTimer sinceStart;
    sinceStart.start();
    const qint64 pid = startAgent(report, dir, spec.readyTimeoutMs);
    endPhase("start");
    if (pid <= 0)
        return report;
    // The agent said it listens (or the wait ran out): the handshake decides.
    const bool ready = waitUntilRunning(
        report, dir, spec.token, qMax(2000, int(spec.readyTimeoutMs - sinceStart.elapsed())));
    endPhase("ready");
    if (!ready)
        return report;
    report.message = QStringLiteral("running (pid %1; %2 uploaded, %3 unchanged)")
                         .arg(pid)
                         .arg(report.filesUploaded)
                         .arg(report.filesSkipped);
    return report;
}

HostReport HostDeployer::status(const QString &deployment, const QByteArray &token)
{
    HostReport report;
    if (!connect(report))
        return report;
    const QString dir = RemoteAgent::deploymentDir(m_host.dir, deployment);
    const Result<RemoteAgentState> state = RemoteAgent::state(m_ssh, dir);
    if (!state) {
        report.message = state.error();
        return report;
    }
    report.pid = state->pid;
    if (!state->directoryExists) {
        report.state = HostState::Stopped;
        report.message = QStringLiteral("not deployed (no %1)").arg(dir);
        return report;
    }
    if (!state->alive) {
        report.state = HostState::Stopped;
        const Result<QString> log = RemoteAgent::logTail(m_ssh, dir, 1);
        report.message = state->pid
                             ? QStringLiteral("the agent (pid %1) is not running; its log ends: %2")
                                   .arg(state->pid)
                                   .arg(log ? lastLines(*log, 1) : log.error())
                             : QStringLiteral("the agent is not running");
        return report;
    }
    const AgentContext agent{m_host.name, dir, agentAddress(), m_host.agentPort};
    if (token.isEmpty()) {
        const Result<void> up = LogLineProbe().check(m_ssh, agent, 5000);
        report.state = up ? HostState::Running : HostState::Error;
        report.message = up ? QStringLiteral("running (pid %1; handshake not checked: no fleet "
                                             "token)")
                                  .arg(state->pid)
                            : up.error();
        return report;
    }
    const Result<void> up = HandshakeProbe::handshake(agent.address, agent.port, token, 5000);
    report.state = up ? HostState::Running : HostState::Error;
    report.message =
        up ? QStringLiteral("running (pid %1, handshake ok)").arg(state->pid)
           : QStringLiteral("the agent (pid %1) is alive but %2").arg(state->pid).arg(up.error());
    return report;
}

HostReport HostDeployer::stop(const QString &deployment)
{
    HostReport report;
    if (!connect(report))
        return report;
    const QString dir = RemoteAgent::deploymentDir(m_host.dir, deployment);
    if (m_progress)
        m_progress(QStringLiteral("stopping the agent"));
    const Result<bool> stopped = RemoteAgent::stop(m_ssh, dir);
    if (!stopped) {
        report.message = stopped.error();
        return report;
    }
    report.state = HostState::Stopped;
    report.message = *stopped ? QStringLiteral("stopped") : QStringLiteral("was not running");
    return report;
}

HostReport HostDeployer::restart(const QString &deployment, const QByteArray &token,
                                 int readyTimeoutMs)
{
    HostReport report;
    if (!connect(report))
        return report;
    const QString dir = RemoteAgent::deploymentDir(m_host.dir, deployment);
    const Result<RemoteAgentState> state = RemoteAgent::state(m_ssh, dir);
    if (!state) {
        report.message = state.error();
        return report;
    }
    if (!state->directoryExists) {
        report.message = QStringLiteral("not deployed (no %1): deploy first").arg(dir);
        return report;
    }
    QElapsedTimer sinceStart;
    sinceStart.start();
    const qint64 pid = startAgent(report, dir, readyTimeoutMs);
    if (pid <= 0)
        return report;
    if (waitUntilRunning(report, dir, token,
                         qMax(2000, int(readyTimeoutMs - sinceStart.elapsed()))))
        report.message = QStringLiteral("restarted (pid %1)").arg(pid);
    return report;
}

HostReport HostDeployer::logs(const QString &deployment, int lines)
{
    HostReport report;
    if (!connect(report))
        return report;
    const QString dir = RemoteAgent::deploymentDir(m_host.dir, deployment);
    const Result<RemoteAgentState> state = RemoteAgent::state(m_ssh, dir);
    if (!state) {
        report.message = state.error();
        return report;
    }
    const Result<QString> log = RemoteAgent::logTail(m_ssh, dir, lines);
    if (!log) {
        report.message = log.error();
        return report;
    }
    report.log = *log;
    report.pid = state->pid;
    report.state = state->alive ? HostState::Running : HostState::Stopped;
    report.message = state->alive ? QStringLiteral("agent pid %1").arg(state->pid)
                                  : QStringLiteral("the agent is not running");
    return report;
}

FleetOperation::FleetOperation(Request request, SshInteraction *interaction, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_interaction(interaction)
{}

FleetOperation::~FleetOperation()
{
    // Workers post their results to this object: they must be done before it goes.
    m_pool.waitForDone();
}

void FleetOperation::start()
{
    QList<FleetHost> hosts;
    for (const FleetHost &h : m_request.fleet.hosts)
        if (m_request.onlyHosts.isEmpty() || m_request.onlyHosts.contains(h.name))
            hosts.append(h);
    m_started = true;
    m_pending = int(hosts.size());
    for (const FleetHost &h : hosts)
        m_order << h.name;
    if (hosts.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT finished(); }, Qt::QueuedConnection);
        return;
    }
    // One thread per host: each holds one libssh session and spends most of its time waiting
    // on the network, so more threads than cores is right here.
    m_pool.setMaxThreadCount(qMax(1, int(hosts.size())));
    for (const FleetHost &host : hosts) {
        m_pool.start([this, host] {
            QElapsedTimer clock;
            clock.start();
            const QString name = host.name;
            HostDeployer deployer(
                host, m_request.ssh, m_interaction, [this, name](const QString &message) {
                    QMetaObject::invokeMethod(
                        this, [this, name, message] { Q_EMIT hostProgress(name, message); },
                        Qt::QueuedConnection);
                });
            const QString deployment = m_request.spec.name;
            HostReport report;
            switch (m_request.kind) {
            case Kind::Deploy: {
                // A device's edge, as the device will dial it: the edge's agent address, else the
                // host name its SSH target resolves to (the same rule the probe uses).
                QString edge = host.edgeEndpoint; // as written, when the fleet file says
                if (const FleetHost *e = m_request.fleet.edgeFor(host); e && edge.isEmpty()) {
                    QString address = e->agentAddress;
                    if (address.isEmpty()) {
                        const Result<SshEndpoint> r = SshSession::resolve(
                            e->target.host, e->target.user, e->target.port, m_request.ssh);
                        address = r ? r->host : e->target.host;
                    }
                    edge = (address.contains(QLatin1Char(':'))
                                ? QLatin1Char('[') + address + QLatin1Char(']')
                                : address) +
                           QLatin1Char(':') + QString::number(e->agentPort);
                }
                DeploymentSpec spec = m_request.spec;
                if (!spec.keyFiles.contains(host.name) && !spec.token.isEmpty())
                    spec.keyFiles.insert(
                        host.name, hostKeyring(m_request.fleet, host, spec.token).toKeyFile());
                report = deployer.deploy(spec, edge);
                break;
            }
            case Kind::Status:
                report = deployer.status(deployment, m_request.spec.token);
                break;
            case Kind::Stop:
                report = deployer.stop(deployment);
                break;
            case Kind::Restart:
                report = deployer.restart(deployment, m_request.spec.token,
                                          m_request.spec.readyTimeoutMs);
                break;
            case Kind::Logs:
                report = deployer.logs(deployment, m_request.logLines);
                break;
            }
            report.host = name;
            report.seconds = clock.elapsed() / 1000.0;
            QMetaObject::invokeMethod(
                this, [this, report] { onHostFinished(report); }, Qt::QueuedConnection);
        });
    }
}

void FleetOperation::onHostFinished(const HostReport &report)
{
    m_reports.insert(report.host, report);
    --m_pending;
    Q_EMIT hostFinished(report);
    if (m_pending == 0)
        Q_EMIT finished();
}

QList<HostReport> FleetOperation::reports() const
{
    QList<HostReport> list;
    for (const QString &name : m_order)
        if (m_reports.contains(name))
            list.append(m_reports.value(name));
    return list;
}

} // namespace edgegpt
