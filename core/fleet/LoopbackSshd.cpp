#include "core/fleet/LoopbackSshd.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <unistd.h>

namespace edgegpt {

namespace {

const QString sshdPath = QStringLiteral("/usr/sbin/sshd");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool waitForPort(int port, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, quint16(port));
        if (s.waitForConnected(200)) {
            // Say who we are before leaving, so that sshd does not log a failed key exchange.
            s.write("SSH-2.0-edgegpt-probe\r\n");
            s.waitForBytesWritten(200);
            s.waitForReadyRead(500);
            s.abort();
            return true;
        }
        QThread::msleep(20);
    }
    return false;
}

// Fields after the command name in /proc/PID/stat (which may hold spaces and parentheses).
QList<QByteArray> statFields(qint64 pid)
{
    const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
    const int close = stat.lastIndexOf(')');
    if (close < 0)
        return {};
    return stat.mid(close + 2).split(' ');
}

} // namespace

double processCpuSeconds(qint64 pid)
{
    // After "(comm)": state is field 3 of stat(5), so utime (14) and stime (15) are 11 and 12.
    const QList<QByteArray> f = statFields(pid);
    if (f.size() < 13)
        return -1;
    const double tick = double(::sysconf(_SC_CLK_TCK));
    return (f.at(11).toDouble() + f.at(12).toDouble()) / tick;
}

LoopbackSshd::LoopbackSshd(QString name, QString dir, QString authorizedKeysFile)
    : m_name(std::move(name))
    , m_dir(std::move(dir))
    , m_authorizedKeys(std::move(authorizedKeysFile))
{}

LoopbackSshd::~LoopbackSshd()
{
    stop();
}

bool LoopbackSshd::available()
{
    return QFileInfo(sshdPath).isExecutable() &&
           !QStandardPaths::findExecutable(QStringLiteral("ssh-keygen")).isEmpty();
}

Result<void> LoopbackSshd::keygen(const QString &file, const QString &type,
                                  const QString &passphrase)
{
    QFile::remove(file);
    QFile::remove(file + QStringLiteral(".pub"));
    QProcess p;
    p.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), passphrase,
             QStringLiteral("-C"), QStringLiteral("edgegpt-loopback"), QStringLiteral("-f"), file});
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Result<void>::failure(
            QStringLiteral("ssh-keygen -t %1 -f %2 failed: %3")
                .arg(type, file, QString::fromLocal8Bit(p.readAllStandardError()).trimmed()));
    return Result<void>::success();
}

Result<QString> LoopbackSshd::fingerprint(const QString &publicKeyFile)
{
    QProcess p;
    p.start(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
             QStringLiteral("-f"), publicKeyFile});
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return Result<QString>::failure(
            QStringLiteral("ssh-keygen -l -f %1 failed").arg(publicKeyFile));
    const QString fp = QString::fromUtf8(p.readAllStandardOutput()).section(QLatin1Char(' '), 1, 1);
    if (!fp.startsWith(QLatin1String("SHA256:")))
        return Result<QString>::failure(QStringLiteral("no fingerprint for %1").arg(publicKeyFile));
    return fp;
}

int LoopbackSshd::freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    return s.serverPort();
}

QString LoopbackSshd::hostKeyFile() const
{
    return m_dir + QStringLiteral("/host_key");
}

QString LoopbackSshd::hostPublicKeyFile() const
{
    return hostKeyFile() + QStringLiteral(".pub");
}

QString LoopbackSshd::sshConfigEntry(const QString &alias, const QString &user,
                                     const QString &identityFile) const
{
    return QStringLiteral("Host %1\n    HostName 127.0.0.1\n    Port %2\n    User %3\n"
                          "    IdentityFile %4\n    IdentitiesOnly yes\n")
        .arg(alias)
        .arg(m_port)
        .arg(user, identityFile);
}

Result<QString> LoopbackSshd::knownHostsLine() const
{
    const QList<QByteArray> f = readAll(hostPublicKeyFile()).trimmed().split(' ');
    if (f.size() < 2 || m_port <= 0)
        return Result<QString>::failure(
            QStringLiteral("no host key or port for sshd %1").arg(m_name));
    return QStringLiteral("[127.0.0.1]:%1 %2 %3")
        .arg(m_port)
        .arg(QString::fromLatin1(f.at(0)), QString::fromLatin1(f.at(1)));
}

Result<void> LoopbackSshd::start(int port)
{
    if (isRunning())
        return Result<void>::success();
    if (!available())
        return Result<void>::failure(
            QStringLiteral("%1 or ssh-keygen is missing (Debian: openssh-server)").arg(sshdPath));
    if (!QDir().mkpath(m_dir))
        return Result<void>::failure(QStringLiteral("cannot create %1").arg(m_dir));
    if (::getuid() == 0 && !QFileInfo::exists(QStringLiteral("/run/sshd")))
        // sshd started by root wants its privilege-separation directory, which Debian's service
        // unit normally creates; an empty directory is all it needs.
        QDir().mkpath(QStringLiteral("/run/sshd"));
    if (!QFileInfo::exists(hostKeyFile()))
        if (Result<void> made = keygen(hostKeyFile()); !made)
            return made;
    if (port > 0)
        m_port = port;
    else if (m_port <= 0)
        m_port = freePort();
    if (m_port <= 0)
        return Result<void>::failure(QStringLiteral("no free port on 127.0.0.1"));
    const QString config = QStringLiteral("Port %1\n"
                                          "ListenAddress 127.0.0.1\n"
                                          "HostKey %2\n"
                                          "PidFile %3/sshd.pid\n"
                                          "AuthorizedKeysFile %4\n"
                                          "StrictModes no\n"
                                          "UsePAM no\n"
                                          "PasswordAuthentication no\n"
                                          "KbdInteractiveAuthentication no\n"
                                          "PubkeyAuthentication yes\n"
                                          "PermitRootLogin prohibit-password\n"
                                          "MaxStartups 64\n"
                                          "MaxSessions 64\n"
                                          "LogLevel ERROR\n"
                                          "Subsystem sftp internal-sftp\n")
                               .arg(m_port)
                               .arg(hostKeyFile(), m_dir, m_authorizedKeys);
    QFile file(m_dir + QStringLiteral("/sshd_config"));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(config.toUtf8()) != config.toUtf8().size())
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(file.fileName()));
    file.close();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(sshdPath, {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
                                file.fileName()});
    if (!m_process->waitForStarted(10000)) {
        const QString why = m_process->errorString();
        m_process.reset();
        return Result<void>::failure(QStringLiteral("cannot start sshd: %1").arg(why));
    }
    if (!waitForPort(m_port, 10000)) {
        stop();
        return Result<void>::failure(
            QStringLiteral("sshd %1 does not listen on 127.0.0.1:%2").arg(m_name).arg(m_port));
    }
    return Result<void>::success();
}

void LoopbackSshd::stop()
{
    if (!m_process)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(5000)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
    m_process.reset();
}

bool LoopbackSshd::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

Result<void> LoopbackSshd::renewHostKey()
{
    stop();
    if (Result<void> made = keygen(hostKeyFile()); !made)
        return made;
    return start(m_port);
}

qint64 LoopbackSshd::pid() const
{
    return isRunning() ? qint64(m_process->processId()) : 0;
}

double LoopbackSshd::childCpuSeconds() const
{
    // cutime and cstime are fields 16 and 17 of stat(5): 13 and 14 after "(comm)".
    const QList<QByteArray> f = statFields(pid());
    if (f.size() < 15)
        return 0;
    const double tick = double(::sysconf(_SC_CLK_TCK));
    return (f.at(13).toDouble() + f.at(14).toDouble()) / tick;
}

int LoopbackSshd::openConnections() const
{
    const qint64 p = pid();
    if (p <= 0)
        return 0;
    QFile f(QStringLiteral("/proc/%1/task/%1/children").arg(p));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray pids = f.readAll().simplified();
    return pids.isEmpty() ? 0 : int(pids.count(' ') + 1);
}

} // namespace edgegpt
