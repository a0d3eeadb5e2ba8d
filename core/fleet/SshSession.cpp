#include "core/fleet/SshSession.h"

#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QScopeGuard>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace edgegpt {

namespace {

// known_hosts is one file shared by every worker: record keys one at a time.
QMutex &knownHostsMutex()
{
    static QMutex mutex;
    return mutex;
}

QString lastError(ssh_session session)
{
    const char *e = ssh_get_error(session);
    return e && *e ? QString::fromUtf8(e) : QStringLiteral("unknown libssh error");
}

QString sftpErrorText(sftp_session sftp)
{
    switch (sftp_get_error(sftp)) {
    case SSH_FX_NO_SUCH_FILE:
        return QStringLiteral("no such file or directory");
    case SSH_FX_PERMISSION_DENIED:
        return QStringLiteral("permission denied");
    case SSH_FX_FAILURE:
        return QStringLiteral("failure (disk full or file exists?)");
    default:
        return QStringLiteral("SFTP error %1").arg(sftp_get_error(sftp));
    }
}

QString localUserName()
{
    if (const passwd *pw = ::getpwuid(::getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return QString::fromLocal8Bit(qgetenv("USER"));
}

// Creates a session with the SSH config applied for `alias` and the explicit options after it.
Result<ssh_session> configuredSession(const QString &alias, const QString &user, int port,
                                      const SshOptions &options)
{
    ssh_session s = ssh_new();
    if (!s)
        return Result<ssh_session>::failure(QStringLiteral("cannot create an SSH session"));
    auto fail = [s](const QString &message) {
        ssh_free(s);
        return Result<ssh_session>::failure(message);
    };
    const QByteArray host = alias.toUtf8();
    if (ssh_options_set(s, SSH_OPTIONS_HOST, host.constData()) < 0)
        return fail(QStringLiteral("bad host \"%1\": %2").arg(alias, lastError(s)));
    // The config first: it decides HostName, User, Port, IdentityFile, ProxyJump for the alias;
    // what the fleet file or the command line says explicitly is applied afterwards and wins,
    // as with OpenSSH. (ssh_connect would parse it itself, after our options, and override them.)
    if (!options.configFile.isEmpty()) {
        if (!QFileInfo(options.configFile).isFile())
            return fail(QStringLiteral("SSH config %1 does not exist").arg(options.configFile));
        if (ssh_options_parse_config(s, QFile::encodeName(options.configFile).constData()) < 0)
            return fail(QStringLiteral("cannot parse SSH config %1: %2")
                            .arg(options.configFile, lastError(s)));
    } else if (ssh_options_parse_config(s, nullptr) < 0) {
        return fail(QStringLiteral("cannot parse the SSH config: %1").arg(lastError(s)));
    }
    if (!user.isEmpty()) {
        const QByteArray u = user.toUtf8();
        ssh_options_set(s, SSH_OPTIONS_USER, u.constData());
    }
    if (port > 0) {
        const unsigned int p = unsigned(port);
        ssh_options_set(s, SSH_OPTIONS_PORT, &p);
    }
    if (!options.identityFile.isEmpty()) {
        if (!QFileInfo(options.identityFile).isFile())
            return fail(
                QStringLiteral("identity file %1 does not exist").arg(options.identityFile));
        // Prepended to the identities of the config, so it is tried first (like ssh -i).
        const QByteArray id = QFile::encodeName(options.identityFile);
        ssh_options_set(s, SSH_OPTIONS_IDENTITY, id.constData());
    }
    if (!options.knownHostsFile.isEmpty()) {
        const QByteArray kh = QFile::encodeName(options.knownHostsFile);
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, kh.constData());
    }
    // Every SFTP write waits for its status reply: with Nagle's algorithm and delayed ACKs each
    // of those round trips costs tens of milliseconds (10 s for 20 MiB on loopback, measured).
    const int noDelay = 1;
    ssh_options_set(s, SSH_OPTIONS_NODELAY, &noDelay);
    const long timeoutSeconds = qMax(1, (options.connectTimeoutMs + 999) / 1000);
    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeoutSeconds);
    return s;
}

SshEndpoint endpointOf(ssh_session s)
{
    SshEndpoint e;
    char *value = nullptr;
    if (ssh_options_get(s, SSH_OPTIONS_HOST, &value) == SSH_OK && value) {
        e.host = QString::fromUtf8(value);
        ssh_string_free_char(value);
        value = nullptr;
    }
    if (ssh_options_get(s, SSH_OPTIONS_USER, &value) == SSH_OK && value) {
        e.user = QString::fromUtf8(value);
        ssh_string_free_char(value);
    }
    if (e.user.isEmpty())
        e.user = localUserName();
    unsigned int port = 22;
    if (ssh_options_get_port(s, &port) == SSH_OK)
        e.port = int(port);
    return e;
}

} // namespace

void SecretBytes::assign(const char *data, qsizetype size)
{
    wipe();
    m_bytes = QByteArray(data, size);
}

void SecretBytes::wipe()
{
    if (m_bytes.isEmpty())
        return;
    // A volatile pointer so that the compiler cannot drop the writes as dead stores.
    volatile char *p = m_bytes.data();
    for (qsizetype i = 0; i < m_bytes.size(); ++i)
        p[i] = 0;
    m_bytes.clear();
}

QString SshEndpoint::display() const
{
    const QString h =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return user + QLatin1Char('@') + h + QLatin1Char(':') + QString::number(port);
}

struct SshSession::Impl
{
    ssh_session session = nullptr;
    sftp_session sftp = nullptr;
    ssh_channel shell = nullptr; // the persistent /bin/sh that runs exec()'s commands
    ssh_callbacks_struct callbacks;
    SshInteraction *interaction = nullptr;

    // libssh asks for a key's passphrase through this (ssh_userauth_publickey_auto).
    static int authCallback(const char *prompt, char *buf, size_t len, int echo, int verify,
                            void *userdata)
    {
        Q_UNUSED(echo);
        Q_UNUSED(verify);
        auto *self = static_cast<Impl *>(userdata);
        if (!self->interaction || !buf || len < 2)
            return -1;
        SecretBytes secret;
        const QString description = QString::fromUtf8(prompt ? prompt : "key passphrase").trimmed();
        if (!self->interaction->askPassphrase(description, secret))
            return -1;
        if (size_t(secret.size()) >= len)
            return -1;
        std::memcpy(buf, secret.constData(), size_t(secret.size()));
        buf[secret.size()] = '\0';
        return 0;
    }

    // graceful: the shell is idle; tell it its input ended and give it a moment to exit, so that
    // sshd reaps it rather than leaving it to init (and so that the host counts its CPU time
    // where it belongs). Otherwise (a command ran too long, the connection broke) just close.
    void closeShell(bool graceful = false)
    {
        if (!shell)
            return;
        if (graceful && ssh_channel_is_open(shell) && ssh_channel_send_eof(shell) == SSH_OK) {
            char buffer[4096];
            const auto deadline =
                std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
            while (!ssh_channel_is_eof(shell) && ssh_channel_is_open(shell) &&
                   std::chrono::steady_clock::now() < deadline)
                if (ssh_channel_read_timeout(shell, buffer, sizeof buffer, 0, 50) == SSH_ERROR)
                    break;
        }
        if (ssh_channel_is_open(shell))
            ssh_channel_close(shell);
        ssh_channel_free(shell);
        shell = nullptr;
    }

    void close()
    {
        closeShell(session && ssh_is_connected(session));
        if (sftp) {
            sftp_free(sftp);
            sftp = nullptr;
        }
        if (session) {
            if (ssh_is_connected(session))
                ssh_disconnect(session);
            ssh_free(session);
            session = nullptr;
        }
    }
};

SshSession::SshSession(const SshOptions &options, SshInteraction *interaction)
    : d(new Impl)
    , m_options(options)
    , m_interaction(interaction)
{
    d->interaction = interaction;
}

SshSession::~SshSession()
{
    d->close();
}

Result<SshEndpoint> SshSession::resolve(const QString &alias, const QString &user, int port,
                                        const SshOptions &options)
{
    Result<ssh_session> s = configuredSession(alias, user, port, options);
    if (!s)
        return Result<SshEndpoint>::failure(s.error());
    const SshEndpoint e = endpointOf(*s);
    ssh_free(*s);
    return e;
}

bool SshSession::isConnected() const
{
    return d->session && ssh_is_connected(d->session);
}

void SshSession::disconnect()
{
    d->close();
}

Result<void> SshSession::connect(const QString &alias, const QString &user, int port)
{
    d->close();
    m_failure = FailureKind::Other;
    Result<ssh_session> configured = configuredSession(alias, user, port, m_options);
    if (!configured)
        return Result<void>::failure(configured.error());
    d->session = *configured;
    ssh_session s = d->session;
    m_endpoint = endpointOf(s);

    std::memset(&d->callbacks, 0, sizeof d->callbacks);
    d->callbacks.userdata = d.get();
    d->callbacks.auth_function = &Impl::authCallback;
    ssh_callbacks_init(&d->callbacks);
    ssh_set_callbacks(s, &d->callbacks);

    if (ssh_connect(s) != SSH_OK) {
        m_failure = FailureKind::Unreachable;
        const QString message =
            QStringLiteral("cannot connect to %1: %2").arg(m_endpoint.display(), lastError(s));
        d->close();
        return Result<void>::failure(message);
    }

    // The host key, before anything is sent that the host could use.
    ssh_key serverKey = nullptr;
    if (ssh_get_server_publickey(s, &serverKey) != SSH_OK) {
        m_failure = FailureKind::HostKey;
        d->close();
        return Result<void>::failure(QStringLiteral("%1 sent no host key").arg(alias));
    }
    unsigned char *hash = nullptr;
    size_t hashLength = 0;
    QString fingerprint;
    if (ssh_get_publickey_hash(serverKey, SSH_PUBLICKEY_HASH_SHA256, &hash, &hashLength) == 0) {
        char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hashLength);
        if (text) {
            fingerprint = QString::fromLatin1(text);
            ssh_string_free_char(text);
        }
        ssh_clean_pubkey_hash(&hash);
    }
    const QString keyType = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(serverKey)));
    ssh_key_free(serverKey);
    const QString knownHosts = m_options.knownHostsFile.isEmpty()
                                   ? QStringLiteral("~/.ssh/known_hosts")
                                   : m_options.knownHostsFile;
    const QString where = m_endpoint.port == 22
                              ? m_endpoint.host
                              : QStringLiteral("[%1]:%2").arg(m_endpoint.host).arg(m_endpoint.port);
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
        m_failure = FailureKind::HostKey;
        d->close();
        return Result<void>::failure(
            QStringLiteral("HOST KEY CHANGED for %1 (%2): it now presents %3 key %4, which does "
                           "not match the key recorded in %5. Someone may be intercepting the "
                           "connection, or the host was reinstalled. Refused; if the change is "
                           "expected, remove the old entry (ssh-keygen -R '%2' -f %5) and "
                           "connect again.")
                .arg(alias, where, keyType, fingerprint, knownHosts));
    }
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND: {
        SshInteraction::HostKey key{m_endpoint.host, m_endpoint.port, keyType, fingerprint,
                                    knownHosts};
        if (!m_interaction || !m_interaction->acceptNewHostKey(key)) {
            m_failure = FailureKind::HostKey;
            d->close();
            return Result<void>::failure(
                QStringLiteral("the host key of %1 (%2) is not known: %3 %4. Check the "
                               "fingerprint with the host's administrator and accept it "
                               "(--accept-new-host-key on the command line).")
                    .arg(alias, where, keyType, fingerprint));
        }
        QMutexLocker lock(&knownHostsMutex());
        if (ssh_session_update_known_hosts(s) != SSH_OK) {
            m_failure = FailureKind::HostKey;
            const QString message = QStringLiteral("cannot record the host key of %1 in %2: %3")
                                        .arg(alias, knownHosts, lastError(s));
            d->close();
            return Result<void>::failure(message);
        }
        break;
    }
    case SSH_KNOWN_HOSTS_ERROR:
    default: {
        m_failure = FailureKind::HostKey;
        const QString message = QStringLiteral("cannot check the host key of %1 against %2: %3")
                                    .arg(alias, knownHosts, lastError(s));
        d->close();
        return Result<void>::failure(message);
    }
    }

    // Authentication, as OpenSSH orders it.
    int rc = ssh_userauth_none(s, nullptr);
    if (rc == SSH_AUTH_SUCCESS) {
        m_failure = FailureKind::None;
        return Result<void>::success();
    }
    if (rc == SSH_AUTH_ERROR) {
        m_failure = FailureKind::Unreachable;
        const QString message = QStringLiteral("connection to %1 broke during authentication: %2")
                                    .arg(m_endpoint.display(), lastError(s));
        d->close();
        return Result<void>::failure(message);
    }
    const int methods = ssh_userauth_list(s, nullptr);
    QStringList tried;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY) {
        // ssh-agent first, then every identity file (passphrases through authCallback).
        rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
        if (rc == SSH_AUTH_SUCCESS) {
            m_failure = FailureKind::None;
            return Result<void>::success();
        }
        tried << QStringLiteral("public keys (ssh-agent and identity files)");
    }
    if ((methods & SSH_AUTH_METHOD_PASSWORD) && m_interaction) {
        SecretBytes password;
        if (m_interaction->askPassword(m_endpoint.display(), password)) {
            // NUL-terminated copy for libssh, wiped right after.
            SecretBytes terminated;
            QByteArray scratch(password.size() + 1, '\0');
            std::memcpy(scratch.data(), password.constData(), size_t(password.size()));
            terminated.assign(scratch.constData(), scratch.size());
            volatile char *p = scratch.data();
            for (qsizetype i = 0; i < scratch.size(); ++i)
                p[i] = 0;
            rc = ssh_userauth_password(s, nullptr, terminated.constData());
            if (rc == SSH_AUTH_SUCCESS) {
                m_failure = FailureKind::None;
                return Result<void>::success();
            }
        }
        tried << QStringLiteral("password");
    }
    QStringList offered;
    if (methods & SSH_AUTH_METHOD_PUBLICKEY)
        offered << QStringLiteral("publickey");
    if (methods & SSH_AUTH_METHOD_PASSWORD)
        offered << QStringLiteral("password");
    if (methods & SSH_AUTH_METHOD_INTERACTIVE)
        offered << QStringLiteral("keyboard-interactive");
    if (methods & SSH_AUTH_METHOD_GSSAPI_MIC)
        offered << QStringLiteral("gssapi");
    m_failure = FailureKind::Auth;
    d->close();
    return Result<void>::failure(
        QStringLiteral("authentication refused by %1 (tried %2; the server accepts %3)")
            .arg(m_endpoint.display(),
                 tried.isEmpty() ? QStringLiteral("nothing usable")
                                 : tried.join(QStringLiteral(", ")),
                 offered.isEmpty() ? QStringLiteral("nothing we offer")
                                   : offered.join(QStringLiteral(", "))));
}

Result<void> SshSession::ensureShell()
{
    if (d->shell && ssh_channel_is_open(d->shell) && !ssh_channel_is_eof(d->shell))
        return Result<void>::success();
    d->closeShell();
    ssh_channel channel = ssh_channel_new(d->session);
    if (!channel)
        return Result<void>::failure(lastError(d->session));
    if (ssh_channel_open_session(channel) != SSH_OK) {
        const QString message = QStringLiteral("cannot open a channel to %1: %2")
                                    .arg(m_endpoint.display(), lastError(d->session));
        ssh_channel_free(channel);
        return Result<void>::failure(message);
    }
    // The user's shell runs this once (with its rc files), then /bin/sh reads our commands.
    if (ssh_channel_request_exec(channel, "exec /bin/sh") != SSH_OK) {
        const QString message = QStringLiteral("cannot run a shell on %1: %2")
                                    .arg(m_endpoint.display(), lastError(d->session));
        ssh_channel_close(channel);
        ssh_channel_free(channel);
        return Result<void>::failure(message);
    }
    d->shell = channel;
    return Result<void>::success();
}

Result<ExecResult> SshSession::exec(const QString &command, int timeoutMs, qint64 maxOutputBytes)
{
    if (!isConnected())
        return Result<ExecResult>::failure(QStringLiteral("not connected"));
    if (timeoutMs < 0)
        timeoutMs = m_options.commandTimeoutMs;
    // Every command of a session goes to one remote /bin/sh: a new channel would start the
    // user's login shell again, and its rc files can cost more than the command (0.3 s on the
    // development machine, where ~/.bashrc runs `pyenv init`). Each command runs in a subshell
    // with stdin from /dev/null, so `exit`, `cd` and variables stay inside it, and is followed by
    // a marker carrying its exit status on stdout and a marker on stderr.
    if (Result<void> ready = ensureShell(); !ready)
        return Result<ExecResult>::failure(ready.error());
    const QByteArray marker =
        "@@edgegpt-done-" +
        QByteArray::number(QRandomGenerator::system()->generate64() & 0xffffffffffffULL, 16);
    const QByteArray script = "(\n" + command.toUtf8() + "\n) </dev/null\nprintf '\\n" + marker +
                              " %d\\n' $?\nprintf '\\n" + marker + "\\n' >&2\n";
    auto broken = [&](const QString &what) {
        const QString message = what + QStringLiteral(": ") + lastError(d->session);
        d->closeShell();
        return Result<ExecResult>::failure(message);
    };
    for (qsizetype sent = 0; sent < script.size();) {
        const int n =
            ssh_channel_write(d->shell, script.constData() + sent, uint32_t(script.size() - sent));
        if (n == SSH_ERROR)
            return broken(QStringLiteral("cannot run a command on %1").arg(m_endpoint.display()));
        sent += n;
    }

    // Per stream: what is kept (at most maxOutputBytes), how much came, and the last bytes, in
    // which the marker is looked for (it ends the stream's output of this command).
    struct Stream
    {
        QByteArray end; // "\nMARKER " (stdout, the status follows) or "\nMARKER\n" (stderr)
        QByteArray kept;
        QByteArray window;
        qint64 total = 0;
        bool done = false;
    };
    Stream streams[2];
    streams[0].end = "\n" + marker + ' ';
    streams[1].end = "\n" + marker + '\n';
    int exitCode = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    char buffer[16384];
    while (!streams[0].done || !streams[1].done) {
        bool got = false;
        for (int index = 0; index < 2; ++index) {
            Stream &st = streams[index];
            if (st.done)
                continue;
            const int n = ssh_channel_read_nonblocking(d->shell, buffer, sizeof buffer, index);
            if (n == SSH_ERROR)
                return broken(QStringLiteral("connection to %1 broke").arg(m_endpoint.display()));
            if (n <= 0)
                continue;
            got = true;
            st.total += n;
            if (st.kept.size() < maxOutputBytes)
                st.kept.append(buffer, int(qMin<qint64>(n, maxOutputBytes - st.kept.size())));
            st.window.append(buffer, n);
            const qsizetype at = st.window.indexOf(st.end);
            if (at < 0) {
                if (st.window.size() > 512)
                    st.window = st.window.right(256);
                continue;
            }
            if (index == 0) {
                const qsizetype eol = st.window.indexOf('\n', at + st.end.size());
                if (eol < 0)
                    continue; // the status is still on its way
                exitCode = st.window.mid(at + st.end.size(), eol - at - st.end.size()).toInt();
            }
            st.done = true;
            // The command's own output ends where the marker begins.
            const qint64 length = st.total - (st.window.size() - at);
            if (st.kept.size() > length)
                st.kept.truncate(length);
        }
        if (got)
            continue;
        if (ssh_channel_is_eof(d->shell) || !ssh_channel_is_open(d->shell)) {
            d->closeShell();
            return Result<ExecResult>::failure(
                QStringLiteral("the shell on %1 ended during a command").arg(m_endpoint.display()));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            d->closeShell();
            return Result<ExecResult>::failure(
                QStringLiteral("a command on %1 did not finish within %2 s")
                    .arg(m_endpoint.display())
                    .arg(timeoutMs / 1000.0));
        }
        // Wakes on data for the stream still awaited (stdout first).
        if (ssh_channel_poll_timeout(d->shell, 10, streams[0].done ? 1 : 0) == SSH_ERROR)
            return broken(QStringLiteral("connection to %1 broke").arg(m_endpoint.display()));
    }
    ExecResult result;
    result.exitCode = exitCode;
    result.out = streams[0].kept;
    result.err = streams[1].kept;
    return result;
}

QString SshSession::shellQuote(const QString &text)
{
    QString q = text;
    q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

namespace {

// Writes everything `read` produces to a temporary file beside `remotePath`, then renames it.
Result<void> sftpPut(sftp_session sftp, const QString &remotePath, int mode,
                     const std::function<qint64(char *, qint64)> &read,
                     const std::function<void(qint64)> &progress)
{
    const int slash = remotePath.lastIndexOf(QLatin1Char('/'));
    const QString dir = slash >= 0 ? remotePath.left(slash + 1) : QString();
    const QString base = remotePath.mid(slash + 1);
    const QString temporary =
        dir + QLatin1Char('.') + base + QStringLiteral(".part-") +
        QString::number(QRandomGenerator::system()->generate64() & 0xffffffffffffULL, 16);
    const QByteArray tmp = temporary.toUtf8();
    const QByteArray finalPath = remotePath.toUtf8();

    sftp_file file = sftp_open(sftp, tmp.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!file)
        return Result<void>::failure(
            QStringLiteral("cannot create %1: %2").arg(temporary, sftpErrorText(sftp)));
    // OpenSSH's sftp-server takes writes up to 256 KiB; 64 KiB keeps every packet well inside.
    constexpr qint64 chunk = 64 * 1024;
    QByteArray buffer(chunk, Qt::Uninitialized);
    qint64 sent = 0;
    for (;;) {
        const qint64 n = read(buffer.data(), chunk);
        if (n < 0) {
            sftp_close(file);
            sftp_unlink(sftp, tmp.constData());
            return Result<void>::failure(QStringLiteral("cannot read the local file"));
        }
        if (n == 0)
            break;
        qint64 offset = 0;
        while (offset < n) {
            const ssize_t w = sftp_write(file, buffer.constData() + offset, size_t(n - offset));
            if (w <= 0) {
                const QString why = sftpErrorText(sftp);
                sftp_close(file);
                sftp_unlink(sftp, tmp.constData());
                return Result<void>::failure(
                    QStringLiteral("writing %1 failed: %2").arg(temporary, why));
            }
            offset += w;
        }
        sent += n;
        if (progress)
            progress(sent);
    }
    if (sftp_close(file) != SSH_NO_ERROR) {
        sftp_unlink(sftp, tmp.constData());
        return Result<void>::failure(
            QStringLiteral("closing %1 failed: %2").arg(temporary, sftpErrorText(sftp)));
    }
    if (sftp_chmod(sftp, tmp.constData(), mode_t(mode)) < 0) {
        const QString why = sftpErrorText(sftp);
        sftp_unlink(sftp, tmp.constData());
        return Result<void>::failure(QStringLiteral("chmod %1 failed: %2").arg(temporary, why));
    }
    // SFTP v3 rename refuses an existing target (unless the server offers posix-rename, which
    // libssh uses when it can): remove the old file and try once more. A running agent keeps
    // its open (deleted) binary, as with a local replace.
    if (sftp_rename(sftp, tmp.constData(), finalPath.constData()) < 0) {
        sftp_unlink(sftp, finalPath.constData());
        if (sftp_rename(sftp, tmp.constData(), finalPath.constData()) < 0) {
            const QString why = sftpErrorText(sftp);
            sftp_unlink(sftp, tmp.constData());
            return Result<void>::failure(
                QStringLiteral("cannot rename %1 to %2: %3").arg(temporary, remotePath, why));
        }
    }
    return Result<void>::success();
}

} // namespace

Result<void> SshSession::ensureSftp()
{
    if (d->sftp)
        return Result<void>::success();
    d->sftp = sftp_new(d->session);
    if (!d->sftp || sftp_init(d->sftp) != SSH_OK) {
        const QString message = QStringLiteral("cannot start SFTP on %1: %2")
                                    .arg(m_endpoint.display(), lastError(d->session));
        if (d->sftp) {
            sftp_free(d->sftp);
            d->sftp = nullptr;
        }
        return Result<void>::failure(message);
    }
    return Result<void>::success();
}

Result<void> SshSession::upload(const QString &localPath, const QString &remotePath, int mode,
                                const std::function<void(qint64)> &progress)
{
    if (!isConnected())
        return Result<void>::failure(QStringLiteral("not connected"));
    QFile local(localPath);
    if (!local.open(QIODevice::ReadOnly))
        return Result<void>::failure(
            QStringLiteral("cannot read %1: %2").arg(localPath, local.errorString()));
    if (Result<void> ready = ensureSftp(); !ready)
        return ready;
    return sftpPut(
        d->sftp, remotePath, mode, [&](char *into, qint64 max) { return local.read(into, max); },
        progress);
}

Result<qint64> SshSession::download(const QString &remotePath, const QString &localPath,
                                    qint64 maxBytes)
{
    using R = Result<qint64>;
    if (!isConnected())
        return R::failure(QStringLiteral("not connected"));
    if (Result<void> ready = ensureSftp(); !ready)
        return R::failure(ready.error());
    const QByteArray path = remotePath.toUtf8();
    sftp_file file = sftp_open(d->sftp, path.constData(), O_RDONLY, 0);
    if (!file)
        return R::failure(
            QStringLiteral("cannot open %1: %2").arg(remotePath, sftpErrorText(d->sftp)));
    const auto closing = qScopeGuard([file]() { sftp_close(file); });
    if (sftp_attributes a = sftp_fstat(file)) {
        const bool regular = a->type == SSH_FILEXFER_TYPE_REGULAR;
        const qint64 size = qint64(a->size);
        sftp_attributes_free(a);
        if (!regular)
            return R::failure(QStringLiteral("%1 is not a regular file").arg(remotePath));
        if (size > maxBytes)
            return R::failure(
                QStringLiteral("%1 is larger than %2 bytes").arg(remotePath).arg(maxBytes));
    }
    QSaveFile local(localPath);
    if (!local.open(QIODevice::WriteOnly))
        return R::failure(
            QStringLiteral("cannot write %1: %2").arg(localPath, local.errorString()));
    // Reads of 64 KiB, like the writes: within what every SFTP server answers in one packet.
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const ssize_t n = sftp_read(file, buffer.data(), size_t(buffer.size()));
        if (n < 0)
            return R::failure(
                QStringLiteral("reading %1 failed: %2").arg(remotePath, sftpErrorText(d->sftp)));
        if (n == 0)
            break;
        total += n;
        // The size is checked again as it comes: the file may grow after the stat.
        if (total > maxBytes)
            return R::failure(
                QStringLiteral("%1 is larger than %2 bytes").arg(remotePath).arg(maxBytes));
        if (local.write(buffer.constData(), n) != n)
            return R::failure(
                QStringLiteral("cannot write %1: %2").arg(localPath, local.errorString()));
    }
    if (!local.commit())
        return R::failure(
            QStringLiteral("cannot write %1: %2").arg(localPath, local.errorString()));
    return total;
}

Result<void> SshSession::uploadBytes(const QByteArray &bytes, const QString &remotePath, int mode)
{
    if (!isConnected())
        return Result<void>::failure(QStringLiteral("not connected"));
    if (Result<void> ready = ensureSftp(); !ready)
        return ready;
    qint64 offset = 0;
    return sftpPut(d->sftp, remotePath, mode,
                   [&](char *into, qint64 max) {
                       const qint64 n = qMin(max, bytes.size() - offset);
                       std::memcpy(into, bytes.constData() + offset, size_t(n));
                       offset += n;
                       return n;
                   },
                   {});
}

} // namespace edgegpt
