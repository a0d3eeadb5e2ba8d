#include "SshCliOptions.h"

#include "CliCommand.h"

#include "core/protocol/Handshake.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QProcess>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>

namespace edgegpt::cli {

namespace {

QMutex &terminalMutex()
{
    static QMutex mutex; // one question at a time, whatever the number of hosts
    return mutex;
}

// Reads one line from /dev/tty with echo off into `secret`; false without a terminal.
bool readSecretFromTerminal(const QString &prompt, SecretBytes &secret)
{
    QMutexLocker lock(&terminalMutex());
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const QByteArray p = prompt.toUtf8();
    if (::write(fd, p.constData(), size_t(p.size())) < 0) {
        ::close(fd);
        return false;
    }
    termios saved;
    const bool isTerminal = ::tcgetattr(fd, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= tcflag_t(~ECHO);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char buffer[1024];
    qsizetype n = 0;
    bool ok = false;
    while (n < qsizetype(sizeof buffer)) {
        char c;
        const ssize_t r = ::read(fd, &c, 1);
        if (r <= 0)
            break;
        if (c == '\n' || c == '\r') {
            ok = true;
            break;
        }
        buffer[n++] = c;
    }
    if (isTerminal)
        ::tcsetattr(fd, TCSAFLUSH, &saved);
    const char newline = '\n';
    if (::write(fd, &newline, 1) < 0) {
        // Nothing to do: the answer is read already.
    }
    ::close(fd);
    if (ok)
        secret.assign(buffer, n);
    volatile char *wipe = buffer;
    for (qsizetype i = 0; i < qsizetype(sizeof buffer); ++i)
        wipe[i] = 0;
    return ok;
}

} // namespace

void addSshOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("ssh-config"),
                      QStringLiteral("SSH config file instead of ~/.ssh/config (like ssh -F)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("identity"),
                      QStringLiteral("private key file, tried first (like ssh -i)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("known-hosts"),
                      QStringLiteral("known_hosts file instead of ~/.ssh/known_hosts (like "
                                     "UserKnownHostsFile)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("accept-new-host-key"),
                      QStringLiteral("accept and record the key of a host not in known_hosts "
                                     "(its SHA-256 fingerprint is printed); a changed key is "
                                     "always refused")});
    parser.addOption({QStringLiteral("connect-timeout"),
                      QStringLiteral("seconds to wait for each SSH connection (default 10)"),
                      QStringLiteral("SECONDS"), QStringLiteral("10")});
}

SshOptions sshOptionsFromParser(const QCommandLineParser &parser)
{
    SshOptions o;
    auto absolute = [](const QString &path) {
        return path.isEmpty() ? path : QFileInfo(path).absoluteFilePath();
    };
    o.configFile = absolute(parser.value(QStringLiteral("ssh-config")));
    o.identityFile = absolute(parser.value(QStringLiteral("identity")));
    o.knownHostsFile = absolute(parser.value(QStringLiteral("known-hosts")));
    const int seconds = parser.value(QStringLiteral("connect-timeout")).toInt();
    if (seconds > 0)
        o.connectTimeoutMs = seconds * 1000;
    return o;
}

void addFleetOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("fleet"),
                      QStringLiteral("the fleet file (docs/fleet-format.md)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("deployment"),
                      QStringLiteral("name of the deployment (its directory on each host)"),
                      QStringLiteral("NAME"), QStringLiteral("default")});
    parser.addOption({QStringLiteral("token-file"),
                      QStringLiteral("the fleet token (default: the fleet file's token_file, else "
                                     "FLEET.token beside it)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("host"), QStringLiteral("act on this host only (repeatable)"),
                      QStringLiteral("NAME")});
}

Result<FleetSelection> fleetFromParser(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("fleet")))
        return Result<FleetSelection>::failure(QStringLiteral("--fleet FILE is required"));
    Result<Fleet> fleet = Fleet::load(parser.value(QStringLiteral("fleet")));
    if (!fleet)
        return Result<FleetSelection>::failure(fleet.error());
    FleetSelection s;
    s.fleet = std::move(*fleet);
    s.deployment = parser.value(QStringLiteral("deployment"));
    if (!isValidDeploymentName(s.deployment))
        return Result<FleetSelection>::failure(
            QStringLiteral("--deployment: \"%1\" is not a usable name (letters, digits, '.', '_', "
                           "'-')")
                .arg(s.deployment));
    s.hosts = parser.values(QStringLiteral("host"));
    for (const QString &h : s.hosts)
        if (!s.fleet.host(h))
            return Result<FleetSelection>::failure(
                QStringLiteral("--host %1: no such host in the fleet").arg(h));
    s.tokenFile = parser.isSet(QStringLiteral("token-file"))
                      ? QFileInfo(parser.value(QStringLiteral("token-file"))).absoluteFilePath()
                      : s.fleet.tokenFile;
    return s;
}

Result<QByteArray> loadFleetToken(const QString &path, bool create)
{
    if (path.isEmpty())
        return Result<QByteArray>::failure(QStringLiteral("no fleet token file"));
    if (!QFileInfo::exists(path) && create) {
        const Result<void> created = FleetToken::create(path);
        if (!created)
            return Result<QByteArray>::failure(created.error());
        fail(0, QStringLiteral("created a fleet token in %1 (keep it secret)").arg(path));
    }
    const Result<FleetToken> token = FleetToken::load(path);
    if (!token)
        return Result<QByteArray>::failure(token.error());
    for (const QString &warning : token->warnings)
        fail(0, warning);
    return token->secret;
}

bool TerminalSshInteraction::acceptNewHostKey(const HostKey &key)
{
    const QString where =
        key.port == 22 ? key.host : QStringLiteral("[%1]:%2").arg(key.host).arg(key.port);
    if (!m_accept)
        return false;
    fail(0, QStringLiteral("accepting the new host key of %1: %2 %3 (recorded in %4)")
                .arg(where, key.keyType, key.fingerprint, key.knownHostsFile));
    return true;
}

bool TerminalSshInteraction::askPassphrase(const QString &keyDescription, SecretBytes &secret)
{
    QString prompt = keyDescription;
    if (!prompt.endsWith(QLatin1Char(':')))
        prompt += QLatin1Char(':');
    return readSecretFromTerminal(prompt + QLatin1Char(' '), secret);
}

bool TerminalSshInteraction::askPassword(const QString &userAtHost, SecretBytes &secret)
{
    return readSecretFromTerminal(QStringLiteral("Password for %1: ").arg(userAtHost), secret);
}

QString defaultAgentPath()
{
    const QString here = QCoreApplication::applicationDirPath();
    const QStringList candidates{here + QStringLiteral("/edgegpt-agent"),
                                 here + QStringLiteral("/../../agents/edgegpt-agent")};
    for (const QString &candidate : candidates) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return {};
}

QString localAgentVersion(const QString &agent)
{
    QProcess p;
    p.start(agent, {QStringLiteral("--version")});
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0).trimmed();
}

QList<HostReport> runFleetOperation(FleetOperation::Request request, SshInteraction *interaction,
                                    bool quiet)
{
    FleetOperation operation(std::move(request), interaction);
    QEventLoop loop;
    QObject::connect(&operation, &FleetOperation::hostProgress, &loop,
                     [quiet](const QString &host, const QString &message) {
                         if (!quiet)
                             printOut(host + QStringLiteral(": ") + message);
                     });
    QObject::connect(&operation, &FleetOperation::finished, &loop, &QEventLoop::quit);
    operation.start();
    if (!operation.isFinished())
        loop.exec();
    return operation.reports();
}

} // namespace edgegpt::cli
