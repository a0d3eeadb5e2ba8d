#include "app/console/FleetDeployController.h"

#include "core/catalog/Catalog.h"
#include "core/fleet/DeployManifest.h"
#include "core/fleet/FleetKeys.h"
#include "core/fleet/LocalFleet.h"
#include "core/metrics/MetricsStore.h"
#include "core/plan/PlanFormat.h"
#include "core/protocol/Handshake.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSet>
#include <QThread>

#include <pwd.h>
#include <unistd.h>

namespace edgegpt {

namespace {

constexpr const char *deploymentName = "default";

// "SHA256:…" of the key in a known_hosts line ("[host]:port TYPE BASE64 [comment]", maybe with
// a @marker first), as OpenSSH and libssh print fingerprints; "" when the line holds no key.
QString lineFingerprint(const QString &line)
{
    QStringList fields = line.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (!fields.isEmpty() && fields.first().startsWith(QLatin1Char('@')))
        fields.removeFirst();
    if (fields.size() < 3 || line.startsWith(QLatin1Char('#')))
        return {};
    const QByteArray blob = QByteArray::fromBase64(fields.at(2).toLatin1());
    if (blob.isEmpty())
        return {};
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(QCryptographicHash::hash(blob, QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::OmitTrailingEquals));
}

QStringList readLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList lines;
    for (const QByteArray &l : f.readAll().split('\n'))
        if (!l.trimmed().isEmpty())
            lines << QString::fromUtf8(l.trimmed());
    return lines;
}

// Where the exported parts of a trained model are kept: as `edgegpt deploy` keeps them
// ($XDG_CACHE_HOME/edgegpt/parts, else ~/.cache/edgegpt/parts), so that parts exported there
// once serve the console too.
QString partsCacheDirectory()
{
    QString root = QProcessEnvironment::systemEnvironment().value(QStringLiteral("XDG_CACHE_HOME"));
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.cache");
    return root + QStringLiteral("/edgegpt/parts");
}

} // namespace

FleetDeployController::FleetDeployController(MetricsStore *store, QWidget *dialogParent,
                                             QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_interaction(new ConsoleSshInteraction(dialogParent, this))
{
    connect(m_interaction, &ConsoleSshInteraction::note, this, &FleetDeployController::logLine);
    m_statusTimer.setInterval(10000);
    connect(&m_statusTimer, &QTimer::timeout, this, [this] {
        if (!isDeploying())
            pollStatus();
    });
    m_agentTimer.setInterval(2000);
    connect(&m_agentTimer, &QTimer::timeout, this, &FleetDeployController::askAgentsStatus);
}

FleetDeployController::~FleetDeployController()
{
    m_interaction->cancel();
    for (AgentMetricsFeed *feed : std::as_const(m_feeds))
        feed->stop();
    // Operations still running hold the interaction: their workers finish first. Cancelled, the
    // interaction answers "no" to every question without the GUI thread, so none waits on it.
    for (FleetOperation *op : findChildren<FleetOperation *>())
        delete op; // its destructor waits for its workers
}

void FleetDeployController::setStatusIntervalMs(int ms)
{
    m_statusTimer.setInterval(ms);
}

Result<void> FleetDeployController::loadFleet(const QString &path)
{
    Result<Fleet> fleet = Fleet::load(path);
    if (!fleet)
        return Result<void>::failure(fleet.error());
    closeFleet();
    m_fleet = *fleet;
    for (const FleetHost &h : std::as_const(m_fleet.hosts)) {
        FleetHostView v;
        v.name = h.name;
        v.role = h.role;
        v.hostClass = h.hostClass;
        m_hosts.insert(h.name, v);
    }
    Q_EMIT hostsChanged();
    pollStatus();
    m_statusTimer.start();
    return {};
}

void FleetDeployController::closeFleet()
{
    m_statusTimer.stop();
    m_agentTimer.stop();
    for (const QString &name : m_feeds.keys())
        dropAgent(name);
    m_fleet = Fleet();
    m_hosts.clear();
    m_token.clear();
    Q_EMIT hostsChanged();
}

void FleetDeployController::setSshOptions(const SshOptions &options)
{
    m_ssh = options;
}

QString FleetDeployController::agentPath()
{
    const QString here = QCoreApplication::applicationDirPath();
    const QStringList candidates{here + QStringLiteral("/edgegpt-agent"),
                                 here + QStringLiteral("/../../agents/edgegpt-agent")};
    for (const QString &candidate : candidates) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    const Result<QString> found = LocalFleet::findAgent();
    return found ? *found : QString();
}

Result<QByteArray> FleetDeployController::token(bool create)
{
    if (!m_token.isEmpty())
        return m_token;
    const QString path = m_fleet.tokenFile;
    if (path.isEmpty())
        return Result<QByteArray>::failure(tr("the fleet names no token file"));
    if (!QFileInfo::exists(path) && create) {
        const Result<void> created = FleetToken::create(path);
        if (!created)
            return Result<QByteArray>::failure(created.error());
        Q_EMIT logLine(tr("Created a fleet token in %1 (keep it secret).").arg(path));
    }
    const Result<FleetToken> loaded = FleetToken::load(path);
    if (!loaded)
        return Result<QByteArray>::failure(loaded.error());
    for (const QString &warning : loaded->warnings)
        Q_EMIT logLine(warning);
    m_token = loaded->secret;
    return m_token;
}

QString FleetDeployController::realKnownHosts() const
{
    if (!m_ssh.knownHostsFile.isEmpty())
        return m_ssh.knownHostsFile;
    // As libssh finds ~: from the password database, not $HOME.
    const passwd *pw = ::getpwuid(::getuid());
    const QString home = pw ? QString::fromLocal8Bit(pw->pw_dir) : QDir::homePath();
    return home + QStringLiteral("/.ssh/known_hosts");
}

QString FleetDeployController::sessionKnownHosts() const
{
    return m_sessionDir.filePath(QStringLiteral("known_hosts"));
}

void FleetDeployController::prepareKnownHosts()
{
    if (m_operations > 0)
        return; // shared with the operation running now
    QStringList lines = readLines(realKnownHosts());
    for (const QString &l : std::as_const(m_onceLines))
        if (!lines.contains(l))
            lines << l;
    QFile f(sessionKnownHosts());
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        f.write(lines.join(QLatin1Char('\n')).toUtf8() + '\n');
    }
}

void FleetDeployController::mergeKnownHosts()
{
    const QStringList real = readLines(realKnownHosts());
    QStringList remember;
    for (const QString &line : readLines(sessionKnownHosts())) {
        if (real.contains(line) || m_onceLines.contains(line))
            continue;
        const QString fingerprint = lineFingerprint(line);
        if (m_interaction->isRemembered(fingerprint))
            remember << line;
        else if (m_interaction->isAcceptedOnce(fingerprint))
            m_onceLines << line;
    }
    if (remember.isEmpty())
        return;
    const QString path = realKnownHosts();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::Append)) {
        Q_EMIT logLine(
            tr("Cannot record the accepted host keys in %1: %2").arg(path, f.errorString()));
        return;
    }
    f.write(remember.join(QLatin1Char('\n')).toUtf8() + '\n');
    Q_EMIT logLine(tr("Recorded %n host key(s) in %1.", nullptr, int(remember.size())).arg(path));
}

FleetOperation *FleetDeployController::startOperation(FleetOperation::Kind kind,
                                                      const QStringList &onlyHosts,
                                                      const DeploymentSpec &spec)
{
    prepareKnownHosts();
    FleetOperation::Request request;
    request.kind = kind;
    request.fleet = m_fleet;
    request.ssh = m_ssh;
    request.ssh.knownHostsFile = sessionKnownHosts();
    request.spec = spec;
    request.spec.name = QString::fromLatin1(deploymentName);
    if (request.spec.token.isEmpty())
        request.spec.token = m_token;
    request.onlyHosts = onlyHosts;
    request.logLines = 40;
    auto *op = new FleetOperation(request, m_interaction, this);
    ++m_operations;
    connect(op, &FleetOperation::hostFinished, this,
            [this, kind](const HostReport &report) { onReport(report, kind); });
    connect(op, &FleetOperation::finished, this, [this, op] {
        --m_operations;
        mergeKnownHosts();
        op->deleteLater();
    });
    op->start();
    return op;
}

Result<void> FleetDeployController::deploy(const Plan &plan, const Catalog &catalog,
                                           const ModelBindings &bindings)
{
    using R = Result<void>;
    if (!hasFleet())
        return R::failure(tr("no fleet file is open"));
    if (isDeploying())
        return R::failure(tr("a deployment is already running"));
    ManifestOptions placement;
    placement.catalog = &catalog;
    placement.bindings = &bindings;
    placement.partsCacheDir = partsCacheDirectory();
    // The console has no LibTorch: a model with only model.pt is deployable once its parts are
    // exported (by `edgegpt deploy`, or its --dry-run, into the same cache).
    placement.exportParts = [](const QString &modelDir, const QString &) {
        return Result<void>::failure(
            QStringLiteral("the console cannot export model parts (it has no LibTorch); export "
                           "them once with `edgegpt deploy --dry-run --fleet FLEET --plan PLAN` "
                           "(model %1)")
                .arg(modelDir));
    };
    const Result<DeployManifest> manifest = DeployManifest::forPlan(plan, m_fleet, placement);
    if (!manifest)
        return R::failure(manifest.error());
    for (const NotRunnableTask &t : manifest->notRunnable)
        Q_EMIT logLine(
            tr("Leaving out %1 (%2): not runnable here: %3").arg(t.task, t.model, t.reason));

    DeploymentSpec spec;
    spec.agentPath = agentPath();
    if (spec.agentPath.isEmpty())
        return R::failure(tr("no edgegpt-agent next to the console (%1)")
                              .arg(QCoreApplication::applicationDirPath()));
    const Result<QByteArray> secret = token(true);
    if (!secret)
        return R::failure(secret.error());
    spec.token = *secret;
    // The console's own keys (console -> every agent), 0600 beside the fleet file.
    const QString consoleKeys = consoleKeyFilePath(m_fleet.tokenFile);
    const Result<void> wroteKeys = writeConsoleKeyFile(consoleKeys, m_fleet, *secret);
    if (!wroteKeys)
        return R::failure(wroteKeys.error());
    // plan.json goes with the deployment.
    const QString planFile = m_sessionDir.filePath(QStringLiteral("plan.json"));
    QFile f(planFile);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(planToJson(plan)) < 0)
        return R::failure(tr("cannot write %1: %2").arg(planFile, f.errorString()));
    f.close();
    spec.planFile = planFile;

    QStringList hosts;
    for (const ManifestHost &h : manifest->hosts) {
        FleetHostView &v = m_hosts[h.name];
        for (const ManifestFile &file : h.files)
            spec.hostFiles[h.name].append({file.localPath, file.remoteName, 0644});
        if (h.role == QLatin1String("device")) {
            if (h.runModel.isEmpty()) {
                v.state = QStringLiteral("error");
                v.message = tr("not deployed: the plan gives this device nothing it can run");
                continue;
            }
            spec.hostRuns.insert(h.name, {h.runModel, h.runSplit});
        }
        hosts << h.name;
    }
    if (hosts.isEmpty())
        return R::failure(tr("the plan gives no host of the fleet anything to run"));
    for (const QString &name : std::as_const(hosts)) {
        dropAgent(name); // its agent is replaced
        FleetHostView &v = m_hosts[name];
        v.state = QStringLiteral("deploying");
        v.step = tr("waiting to connect");
        v.message.clear();
        v.bytes = 0;
        v.seconds = 0;
        v.phases.clear();
    }
    m_cancelled = false;
    m_interaction->reset();
    m_deployClock.start();
    m_deploy = startOperation(FleetOperation::Kind::Deploy, hosts, spec);
    connect(m_deploy, &FleetOperation::hostProgress, this,
            [this](const QString &host, const QString &message) {
                FleetHostView &v = m_hosts[host];
                v.step = message; // the deployer's line, shown as it is
                v.seconds = m_deployClock.elapsed() / 1000.0;
                Q_EMIT logLine(QStringLiteral("%1: %2").arg(host, message));
                Q_EMIT hostsChanged();
            });
    connect(m_deploy, &FleetOperation::finished, this, [this, hosts] {
        int running = 0;
        for (const QString &h : hosts)
            if (m_hosts.value(h).state == QLatin1String("running"))
                ++running;
        const bool ok = running == hosts.size() && !m_cancelled;
        if (m_cancelled) {
            // Stop what the cancelled deployment started.
            QStringList started;
            for (const QString &h : hosts)
                if (m_hosts.value(h).state == QLatin1String("running"))
                    started << h;
            for (const QString &h : hosts) {
                m_hosts[h].state = QStringLiteral("cancelled");
                dropAgent(h);
            }
            if (!started.isEmpty())
                startOperation(FleetOperation::Kind::Stop, started);
            Q_EMIT status(tr("Deployment cancelled."), false);
        } else {
            Q_EMIT status(ok ? tr("Deployed: every host of %1 is running its agent.")
                                   .arg(QFileInfo(m_fleet.path).fileName())
                             : tr("Deployment: %1 of %n host(s) running; the fleet dock and the "
                                  "log say why.",
                                  nullptr, int(hosts.size()))
                                   .arg(running),
                          false);
        }
        Q_EMIT hostsChanged();
        Q_EMIT deployFinished(ok);
    });
    Q_EMIT status(tr("Deploying the plan to %n host(s)…", nullptr, int(hosts.size())), true);
    Q_EMIT hostsChanged();
    return {};
}

void FleetDeployController::cancel()
{
    if (!isDeploying())
        return;
    m_cancelled = true;
    m_interaction->cancel();
    Q_EMIT logLine(tr("Deployment cancelled by the operator; the hosts finish their current "
                      "step, then the agents it started are stopped."));
    Q_EMIT status(tr("Cancelling the deployment…"), true);
}

void FleetDeployController::pollStatus()
{
    if (!hasFleet() || m_statusOp)
        return;
    const Result<QByteArray> secret = token(false);
    if (!secret)
        m_token.clear();
    m_statusOp = startOperation(FleetOperation::Kind::Status);
    connect(m_statusOp, &FleetOperation::finished, this, [this] { Q_EMIT statusPolled(); });
}

void FleetDeployController::fetchLog(const QString &host)
{
    if (!m_hosts.contains(host))
        return;
    startOperation(FleetOperation::Kind::Logs, {host});
}

void FleetDeployController::onReport(const HostReport &report, FleetOperation::Kind kind)
{
    if (!m_hosts.contains(report.host))
        return;
    FleetHostView &v = m_hosts[report.host];
    if (kind == FleetOperation::Kind::Logs) {
        Q_EMIT logTail(report.host, report.log.isEmpty() ? report.message : report.log);
        return;
    }
    if (kind == FleetOperation::Kind::Status && v.state == QLatin1String("deploying"))
        return; // the deployment's report decides
    if (kind == FleetOperation::Kind::Deploy && m_cancelled && report.state != HostState::Running)
        v.state = QStringLiteral("cancelled");
    else
        v.state = hostStateName(report.state);
    v.message = report.message;
    if (kind == FleetOperation::Kind::Deploy) {
        v.bytes = report.bytesUploaded;
        v.seconds = report.seconds;
        v.phases = report.phases;
        v.step = report.state == HostState::Running ? tr("done") : tr("failed");
        Q_EMIT logLine(QStringLiteral("%1: %2: %3 (%4 s)")
                           .arg(report.host, hostStateName(report.state), report.message)
                           .arg(report.seconds, 0, 'f', 2));
    }
    if (ConsoleSshInteraction::isChangedHostKey(report.message))
        Q_EMIT hostKeyChanged(report.host, report.message);
    if (report.state == HostState::Running &&
        !(kind == FleetOperation::Kind::Deploy && m_cancelled))
        connectAgent(report.host);
    else if (report.state != HostState::Running)
        dropAgent(report.host);
    Q_EMIT hostsChanged();
}

QString FleetDeployController::agentHost(const FleetHost &host) const
{
    if (!host.agentAddress.isEmpty())
        return host.agentAddress;
    const Result<SshEndpoint> endpoint =
        SshSession::resolve(host.target.host, host.target.user, host.target.port, m_ssh);
    return endpoint ? endpoint->host : host.target.host;
}

void FleetDeployController::connectAgent(const QString &name)
{
    const FleetHost *host = m_fleet.host(name);
    if (!host || m_feeds.contains(name))
        return;
    // The console key file beside the fleet file (made by deploy), else the fleet secret.
    const Result<Keyring> secret = loadConsoleKeys(m_fleet.tokenFile);
    if (!secret) {
        Q_EMIT logLine(tr("Cannot connect to %1's agent: %2").arg(name, secret.error()));
        return;
    }
    auto *feed = new AgentMetricsFeed(m_store, name, this);
    m_feeds.insert(name, feed);
    FleetHostView &v = m_hosts[name];
    const QString address = agentHost(*host);
    v.agentAddress = QStringLiteral("%1:%2").arg(address).arg(host->agentPort);
    connect(feed, &AgentMetricsFeed::subscribed, this, [this, name, feed] {
        m_hosts[name].metrics = true;
        feed->requestStatus();
        Q_EMIT logLine(tr("%1: connected to its agent; metrics follow.").arg(name));
        Q_EMIT hostsChanged();
    });
    connect(feed, &AgentMetricsFeed::connectionLost, this, [this, name](const QString &why) {
        m_hosts[name].metrics = false;
        Q_EMIT logLine(tr("%1: agent connection lost: %2").arg(name, why));
        Q_EMIT hostsChanged();
    });
    connect(feed, &AgentMetricsFeed::requestFailed, this,
            [this](const QString &why) { Q_EMIT logLine(why); });
    connect(feed, &AgentMetricsFeed::statusReceived, this,
            [this, name](const StatusReplyMessage &s) {
                FleetHostView &h = m_hosts[name];
                h.models = s.models;
                h.requests = s.requests;
                h.medianMs = s.medianMs;
                h.emulated = s.emulated;
                Q_EMIT hostsChanged();
            });
    connect(feed, &AgentMetricsFeed::runAccepted, this, [this, name](qint64 count) {
        m_hosts[name].running = true;
        Q_EMIT logLine(count == 0 ? tr("%1: running inputs until stopped.").arg(name)
                                  : tr("%1: running %2 input(s).").arg(name).arg(count));
        Q_EMIT hostsChanged();
    });
    connect(feed, &AgentMetricsFeed::runResult, this, [this, name](const RunResultMessage &r) {
        FleetHostView &h = m_hosts[name];
        if (r.ok)
            ++h.runAnswered;
        else
            ++h.runFailed;
    });
    connect(feed, &AgentMetricsFeed::runDone, this, [this, name](qint64 answered, qint64 failed) {
        FleetHostView &h = m_hosts[name];
        h.running = false;
        Q_EMIT logLine(
            tr("%1: run ended: %2 answered, %3 failed.").arg(name).arg(answered).arg(failed));
        Q_EMIT hostsChanged();
        if (!isRunning())
            Q_EMIT runFinished();
    });
    feed->start(address, quint16(host->agentPort), *secret, 250);
    m_agentTimer.start();
}

void FleetDeployController::dropAgent(const QString &name)
{
    AgentMetricsFeed *feed = m_feeds.take(name);
    if (feed) {
        feed->stop();
        feed->deleteLater();
    }
    if (m_hosts.contains(name)) {
        FleetHostView &v = m_hosts[name];
        v.metrics = false;
        v.running = false;
    }
}

void FleetDeployController::askAgentsStatus()
{
    for (AgentMetricsFeed *feed : std::as_const(m_feeds))
        if (feed->isSubscribed())
            feed->requestStatus();
}

Result<void> FleetDeployController::run(qint64 count, double ratePerSecond)
{
    int asked = 0;
    QStringList problems;
    for (const FleetHost &h : std::as_const(m_fleet.hosts)) {
        if (h.role != QLatin1String("device"))
            continue;
        AgentMetricsFeed *feed = m_feeds.value(h.name);
        if (!feed || !feed->isSubscribed()) {
            problems << tr("%1 is not connected").arg(h.name);
            continue;
        }
        FleetHostView &v = m_hosts[h.name];
        v.runAnswered = v.runFailed = 0;
        const Result<void> sent = feed->runInputs(count, ratePerSecond);
        if (!sent) {
            problems << sent.error();
            continue;
        }
        ++asked;
    }
    for (const QString &p : std::as_const(problems))
        Q_EMIT logLine(p);
    if (asked == 0)
        return Result<void>::failure(problems.isEmpty() ? tr("the fleet has no device host")
                                                        : problems.join(QStringLiteral("; ")));
    return {};
}

void FleetDeployController::stopRun()
{
    for (AgentMetricsFeed *feed : std::as_const(m_feeds))
        if (feed->isRunningInputs())
            feed->stopInputs();
}

bool FleetDeployController::isRunning() const
{
    for (const FleetHostView &v : m_hosts)
        if (v.running)
            return true;
    return false;
}

QList<FleetHostView> FleetDeployController::hosts() const
{
    QList<FleetHostView> list;
    for (const FleetHost &h : m_fleet.hosts)
        list << m_hosts.value(h.name);
    return list;
}

const FleetHostView *FleetDeployController::host(const QString &name) const
{
    const auto it = m_hosts.constFind(name);
    return it == m_hosts.constEnd() ? nullptr : &*it;
}

bool FleetDeployController::chartsHaveData() const
{
    int running = 0;
    qint64 requests = 0;
    for (const FleetHost &h : m_fleet.hosts) {
        if (m_hosts.value(h.name).state != QLatin1String("running"))
            continue;
        ++running;
        const AgentMetricsFeed *feed = m_feeds.value(h.name);
        if (!feed || feed->updatesReceived() == 0)
            return false;
        requests += feed->requestsReceived();
    }
    return running > 0 && requests > 0;
}

} // namespace edgegpt
