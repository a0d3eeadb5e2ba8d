// LocalFleet: see LocalFleet.h.
#include "core/fleet/LocalFleet.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QStandardPaths>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace edgegpt {

namespace {

constexpr qsizetype kMaxLineBytes = 1 << 20; // an agent line longer than this is cut

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

} // namespace

LocalFleet::LocalFleet(QObject *parent)
    : QObject(parent)
{
    m_startTimer.setSingleShot(true);
    connect(&m_startTimer, &QTimer::timeout, this, [this]() {
        const QString who =
            m_edge && m_edge->waitingForPort ? QStringLiteral("edge") : QStringLiteral("device");
        fail(QStringLiteral("the %1 agent did not say where it listens within %2 ms")
                 .arg(who)
                 .arg(m_options.startTimeoutMs));
    });
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this]() {
        // Stopping: both; a device being replaced: only the device.
        if (m_state == State::Stopping)
            killNow(m_edge.get());
        killNow(m_device.get());
    });
}

LocalFleet::~LocalFleet()
{
    // No agent outlives its owner: SIGKILL and a bounded wait.
    for (Agent *a : {m_edge.get(), m_device.get()}) {
        if (!a || !a->process)
            continue;
        a->process->disconnect(this);
        if (a->process->state() != QProcess::NotRunning) {
            a->process->kill();
            a->process->waitForFinished(2000);
        }
    }
    for (auto &a : m_retired)
        if (a->process)
            a->process->disconnect(this);
}

QString LocalFleet::workDir() const
{
    return m_dir ? m_dir->path() : QString();
}

bool LocalFleet::deviceRunning() const
{
    return m_device && m_device->process && m_device->process->state() != QProcess::NotRunning;
}

Result<QString> LocalFleet::findAgent(const QString &explicitPath)
{
    auto usable = [](const QString &p) {
        const QFileInfo fi(p);
        return fi.isFile() && fi.isExecutable();
    };
    if (!explicitPath.isEmpty()) {
        if (usable(explicitPath))
            return QFileInfo(explicitPath).absoluteFilePath();
        return Result<QString>::failure(
            QStringLiteral("%1 is not an executable edgegpt-agent").arg(explicitPath));
    }
    const QString fromEnv =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_AGENT"));
    if (!fromEnv.isEmpty()) {
        if (usable(fromEnv))
            return QFileInfo(fromEnv).absoluteFilePath();
        return Result<QString>::failure(
            QStringLiteral("$EDGEGPT_AGENT (%1) is not an executable edgegpt-agent").arg(fromEnv));
    }
    QStringList tried;
    const QString appDir =
        QCoreApplication::instance() ? QCoreApplication::applicationDirPath() : QString();
    if (!appDir.isEmpty()) {
        for (const char *rel :
             {"/edgegpt-agent", "/../agents/edgegpt-agent", "/../../agents/edgegpt-agent"}) {
            const QString p = QDir::cleanPath(appDir + QLatin1String(rel));
            if (usable(p))
                return p;
            tried << p;
        }
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("edgegpt-agent"));
    if (!onPath.isEmpty())
        return onPath;
    tried << QStringLiteral("PATH");
    return Result<QString>::failure(
        QStringLiteral("edgegpt-agent not found (looked in %1; set $EDGEGPT_AGENT "
                       "or build the edgegpt-agent target)")
            .arg(tried.join(QStringLiteral(", "))));
}

QString LocalFleet::defaultModelDirectory(const QString &modelName)
{
    QString root =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_MODEL_DIR"));
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.local/share/edgegpt/models");
    return root + QLatin1Char('/') + QString(modelName).replace(QLatin1Char(':'), QLatin1Char('-'));
}

QString LocalFleet::modelDirectoryProblem(const QString &dir)
{
    if (dir.isEmpty())
        return QStringLiteral("no model directory given");
    const bool model = QFileInfo(dir + QStringLiteral("/model.pt")).isFile() &&
                       QFileInfo(dir + QStringLiteral("/model.json")).isFile();
    if (!model)
        return QStringLiteral("%1 holds no trained model (run: edgegpt train --out %1)").arg(dir);
    if (!QFileInfo(dir + QStringLiteral("/profile.json")).isFile())
        return QStringLiteral(
                   "%1 has no profile.json for the adaptive split (run: edgegpt bench coinference "
                   "--model-dir %1)")
            .arg(dir);
    return {};
}

Result<QByteArray> LocalFleet::writeToken(const QString &path)
{
    QByteArray raw(32, '\0');
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(raw.data()),
                                         reinterpret_cast<quint32 *>(raw.data() + raw.size()));
    const QByteArray secret = raw.toHex();
    QFile f(path);
    // Owner-only from the start: the file never exists readable by others.
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::NewOnly) ||
        !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        f.write(secret + '\n') < 0) {
        return Result<QByteArray>::failure(
            QStringLiteral("cannot write the fleet token %1: %2").arg(path, f.errorString()));
    }
    f.close();
    return secret;
}

void LocalFleet::start(const LocalFleetOptions &options)
{
    if (m_state != State::Idle) {
        QTimer::singleShot(0, this, [this]() {
            Q_EMIT failed(QStringLiteral("the local fleet is already running"));
        });
        return;
    }
    m_options = options;
    m_edgePort = m_devicePort = 0;
    m_retired.clear();
    m_state = State::Starting;
    auto failLater = [this](const QString &m) {
        m_state = State::Idle;
        QTimer::singleShot(0, this, [this, m]() { Q_EMIT failed(m); });
    };
    const Result<QString> agent = findAgent(options.agentPath);
    if (!agent)
        return failLater(agent.error());
    m_agentPath = *agent;
    if (options.modelDir.isEmpty() || !QFileInfo(options.modelDir).isDir())
        return failLater(
            QStringLiteral("model directory \"%1\" does not exist").arg(options.modelDir));
    m_dir =
        std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/edgegpt-fleet-XXXXXX"));
    if (!m_dir->isValid())
        return failLater(
            QStringLiteral("cannot create a temporary folder: %1").arg(m_dir->errorString()));
    QFile::setPermissions(m_dir->path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (!options.remoteEdgeHost.isEmpty()) {
        if (options.remoteEdgePort == 0 || options.remoteTokenFile.isEmpty())
            return failLater(
                QStringLiteral("a remote edge needs a port and the fleet's token file"));
        QFile token(options.remoteTokenFile);
        if (!token.open(QIODevice::ReadOnly))
            return failLater(
                QStringLiteral("cannot read the fleet token %1").arg(options.remoteTokenFile));
        m_tokenFile = QFileInfo(options.remoteTokenFile).absoluteFilePath();
        m_secret = token.read(4096).trimmed();
        m_edgePort = options.remoteEdgePort;
        if (!options.startDevice) {
            m_state = State::Running;
            QTimer::singleShot(0, this, &LocalFleet::started);
            return;
        }
        m_pendingDevice = options.device;
        launchDevice();
        return;
    }
    m_tokenFile = m_dir->filePath(QStringLiteral("fleet.token"));
    const Result<QByteArray> secret = writeToken(m_tokenFile);
    if (!secret)
        return failLater(secret.error());
    m_secret = *secret;
    launchEdge();
}

void LocalFleet::launchEdge()
{
    QStringList args{
        QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--name"),
        QStringLiteral("local-edge"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--token-file"), m_tokenFile, QStringLiteral("--model-dir"),
        QFileInfo(m_options.modelDir).absoluteFilePath(), QStringLiteral("--threads"),
        QString::number(std::max(1, m_options.edgeThreads)), QStringLiteral("--log-file"),
        m_dir->filePath(QStringLiteral("edge.log")),
        // A local fleet serves a device at once: its first answer should not wait for LibTorch.
        QStringLiteral("--preload")};
    if (m_options.edgeSlowdown > 0)
        args << QStringLiteral("--slowdown") << number(m_options.edgeSlowdown);
    if (!m_options.tls)
        args << QStringLiteral("--tls") << QStringLiteral("off");
    m_edge.reset(spawn(QStringLiteral("edge"), args, true));
}

QStringList LocalFleet::deviceArguments(const LocalDeviceOptions &d) const
{
    QStringList args{
        QStringLiteral("--role"),       QStringLiteral("device"),
        QStringLiteral("--name"),       QStringLiteral("local-device"),
        QStringLiteral("--edge"),       QStringLiteral("%1:%2").arg(edgeHost()).arg(m_edgePort),
        QStringLiteral("--token-file"), m_tokenFile,
        QStringLiteral("--model-dir"),  QFileInfo(m_options.modelDir).absoluteFilePath(),
        QStringLiteral("--threads"),    QString::number(std::max(1, d.threads)),
        QStringLiteral("--input"),      d.input,
        QStringLiteral("--split"),      d.split.isEmpty() ? QStringLiteral("auto") : d.split,
        QStringLiteral("--log-file"),   m_dir->filePath(QStringLiteral("device.log"))};
    if (d.listen)
        args << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:0");
    if (!d.dataDir.isEmpty())
        args << QStringLiteral("--data") << d.dataDir;
    if (d.count > 0)
        args << QStringLiteral("--count") << QString::number(d.count);
    if (d.first > 0)
        args << QStringLiteral("--first") << QString::number(d.first);
    if (d.ratePerSecond > 0)
        args << QStringLiteral("--rate") << number(d.ratePerSecond);
    if (!d.codec.isEmpty())
        args << QStringLiteral("--codec") << d.codec;
    if (d.link.rateKBps > 0)
        args << QStringLiteral("--link-rate") << number(d.link.rateKBps);
    if (d.link.delayMs > 0)
        args << QStringLiteral("--link-delay") << number(d.link.delayMs);
    if (d.link.jitterMs > 0)
        args << QStringLiteral("--link-jitter") << number(d.link.jitterMs);
    if (d.link.lossProbability > 0)
        args << QStringLiteral("--link-loss") << number(d.link.lossProbability);
    if (d.assumeLinkRate)
        args << QStringLiteral("--assume-link-rate");
    // Always explicit: an agent runs natively unless told, and a local fleet stands for a board.
    args << QStringLiteral("--slowdown")
         << number(d.slowdown > 0 ? d.slowdown : kDefaultDeviceSlowdown);
    args << QStringLiteral("--codec-slowdown")
         << number(d.codecSlowdown > 0 ? d.codecSlowdown : kDefaultDeviceCodecSlowdown);
    if (d.requestTimeoutMs > 0)
        args << QStringLiteral("--request-timeout-ms") << QString::number(d.requestTimeoutMs);
    if (!m_options.tls)
        args << QStringLiteral("--tls") << QStringLiteral("off");
    return args + d.extraArguments;
}

void LocalFleet::launchDevice()
{
    m_devicePort = 0;
    if (m_device && m_device->process)
        m_device->process->disconnect(this);
    if (m_device)
        m_retired.push_back(std::move(m_device));
    m_device.reset(
        spawn(QStringLiteral("device"), deviceArguments(m_pendingDevice), m_pendingDevice.listen));
}

LocalFleet::Agent *LocalFleet::spawn(const QString &role, const QStringList &arguments,
                                     bool waitForPort)
{
    auto *agent = new Agent;
    agent->role = role;
    agent->process = std::make_unique<QProcess>();
    agent->waitingForPort = waitForPort;
    QProcess *p = agent->process.get();
    connect(p, &QProcess::readyReadStandardOutput, this,
            [this, agent]() { onOutput(agent, false); });
    connect(p, &QProcess::readyReadStandardError, this, [this, agent]() { onOutput(agent, true); });
    connect(p, &QProcess::finished, this, [this, agent](int code, QProcess::ExitStatus status) {
        onFinished(agent, code, status);
    });
    connect(p, &QProcess::errorOccurred, this, [this, agent, role](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            fail(QStringLiteral("cannot start the %1 agent %2: %3")
                     .arg(role, m_agentPath, agent->process->errorString()));
    });
    if (!waitForPort)
        connect(p, &QProcess::started, this, [this, agent]() { onPortKnown(agent); });
#ifdef Q_OS_LINUX
    // An owner killed without a chance to stop its agents (SIGKILL, Ctrl-C on the CLI) takes them
    // along: the kernel sends them SIGTERM when it goes.
    p->setChildProcessModifier([]() { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    m_startTimer.start(std::max(1000, m_options.startTimeoutMs));
    p->start(m_agentPath, arguments);
    return agent;
}

void LocalFleet::onOutput(Agent *agent, bool isStdErr)
{
    QProcess *p = agent->process.get();
    QByteArray &buffer = isStdErr ? agent->errBuffer : agent->outBuffer;
    buffer += isStdErr ? p->readAllStandardError() : p->readAllStandardOutput();
    int nl;
    while ((nl = buffer.indexOf('\n')) >= 0 || buffer.size() > kMaxLineBytes) {
        const int cut = nl >= 0 ? nl : int(kMaxLineBytes);
        const QString line = QString::fromUtf8(buffer.left(cut));
        buffer.remove(0, nl >= 0 ? nl + 1 : cut);
        if (isStdErr) {
            if (!line.trimmed().isEmpty())
                agent->lastLog = line;
            Q_EMIT agentLog(agent->role, line);
            continue;
        }
        if (agent->waitingForPort && line.startsWith(QLatin1String("listening "))) {
            const int colon = line.lastIndexOf(QLatin1Char(':'));
            bool ok = false;
            const uint port = colon > 0 ? line.mid(colon + 1).trimmed().toUInt(&ok) : 0;
            if (ok && port > 0 && port < 65536) {
                agent->port = quint16(port);
                agent->waitingForPort = false;
                Q_EMIT agentLine(agent->role, line);
                onPortKnown(agent);
                continue;
            }
        }
        Q_EMIT agentLine(agent->role, line);
    }
}

void LocalFleet::onPortKnown(Agent *agent)
{
    if (m_state == State::Stopping || m_state == State::Idle)
        return;
    m_startTimer.stop();
    if (agent == m_edge.get()) {
        m_edgePort = agent->port;
        if (m_options.startDevice) {
            m_pendingDevice = m_options.device;
            launchDevice();
            return;
        }
        m_state = State::Running;
        Q_EMIT started();
        return;
    }
    if (agent == m_device.get()) {
        m_devicePort = agent->port;
        if (m_state == State::Starting) {
            m_state = State::Running;
            Q_EMIT started();
        } else {
            Q_EMIT deviceStarted();
        }
    }
}

void LocalFleet::onFinished(Agent *agent, int code, QProcess::ExitStatus status)
{
    // What is left in the buffers is the end of the last line.
    onOutput(agent, false);
    onOutput(agent, true);
    for (QByteArray *b : {&agent->outBuffer, &agent->errBuffer}) {
        if (b->isEmpty())
            continue;
        const QString line = QString::fromUtf8(*b);
        b->clear();
        if (b == &agent->outBuffer) {
            Q_EMIT agentLine(agent->role, line);
        } else {
            agent->lastLog = line;
            Q_EMIT agentLog(agent->role, line);
        }
    }
    const int exitCode = status == QProcess::NormalExit ? code : -1;
    const bool wasWaiting = agent->waitingForPort;
    const QString role = agent->role;
    Q_EMIT agentExited(role, exitCode);
    if (m_state == State::Stopping) {
        finishStopIfDone();
        return;
    }
    if (agent == m_device.get() && m_deviceRestartPending) {
        // The device we asked to make way for a new one (startDevice()), whether or not it had
        // said where it listens yet: not a failure. Its SIGKILL bound is over; the next device
        // must not inherit it.
        m_deviceRestartPending = false;
        m_killTimer.stop();
        launchDevice();
        return;
    }
    if (wasWaiting || (m_state == State::Starting && agent == m_edge.get())) {
        fail(QStringLiteral("the %1 agent exited (%2) before it served: %3 (log: %4)")
                 .arg(role,
                      exitCode < 0 ? QStringLiteral("crashed")
                                   : QStringLiteral("code %1").arg(exitCode),
                      agent->lastLog.isEmpty() ? QStringLiteral("no message")
                                               : agent->lastLog.trimmed(),
                      m_dir ? m_dir->filePath(role + QStringLiteral(".log")) : QString()));
        return;
    }
    if (agent == m_edge.get() && m_state == State::Running) {
        // The device reports edge_lost itself; the fleet can no longer serve.
        Q_EMIT failed(QStringLiteral("the edge agent exited (%1)")
                          .arg(exitCode < 0 ? QStringLiteral("crashed")
                                            : QStringLiteral("code %1").arg(exitCode)));
        stop();
        return;
    }
}

void LocalFleet::startDevice(const LocalDeviceOptions &device)
{
    if (m_state != State::Running) {
        QTimer::singleShot(
            0, this, [this]() { Q_EMIT failed(QStringLiteral("the local fleet is not running")); });
        return;
    }
    m_pendingDevice = device;
    if (deviceRunning()) {
        m_deviceRestartPending = true;
        m_device->process->terminate();
        m_killTimer.start(std::max(100, m_options.stopTimeoutMs));
        return;
    }
    launchDevice();
}

void LocalFleet::fail(const QString &message)
{
    if (m_state == State::Stopping || m_state == State::Idle)
        return;
    m_startTimer.stop();
    Q_EMIT failed(message);
    stop();
}

void LocalFleet::stop()
{
    m_startTimer.stop();
    m_deviceRestartPending = false;
    if (m_state == State::Idle) {
        QTimer::singleShot(0, this, &LocalFleet::stopped);
        return;
    }
    const bool already = m_state == State::Stopping;
    m_state = State::Stopping;
    if (!already) {
        for (Agent *a : {m_device.get(), m_edge.get()})
            if (a && a->process && a->process->state() != QProcess::NotRunning)
                a->process->terminate();
        m_killTimer.start(std::max(100, m_options.stopTimeoutMs));
    }
    finishStopIfDone();
}

void LocalFleet::stopAndWait()
{
    if (m_state == State::Idle)
        return;
    QEventLoop loop;
    connect(this, &LocalFleet::stopped, &loop, &QEventLoop::quit);
    QTimer::singleShot(std::max(100, m_options.stopTimeoutMs) + 1000, &loop, &QEventLoop::quit);
    stop();
    if (m_state != State::Idle)
        loop.exec();
}

void LocalFleet::finishStopIfDone()
{
    if (m_state != State::Stopping)
        return;
    for (Agent *a : {m_device.get(), m_edge.get()})
        if (a && a->process && a->process->state() != QProcess::NotRunning)
            return;
    m_killTimer.stop();
    m_state = State::Idle;
    QTimer::singleShot(0, this, &LocalFleet::stopped);
}

void LocalFleet::killNow(Agent *agent)
{
    if (agent && agent->process && agent->process->state() != QProcess::NotRunning)
        agent->process->kill();
}

} // namespace edgegpt
