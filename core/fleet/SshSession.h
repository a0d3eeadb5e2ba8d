// SshSession: one libssh connection to one host, used from ONE thread (libssh sessions are not
// shared between threads; FleetOperations gives every host its own worker and its own session).
// It behaves like the OpenSSH client:
//   - the SSH config (~/.ssh/config or --ssh-config FILE) is parsed first, for the alias the
//     fleet names (Host, HostName, User, Port, IdentityFile, ProxyJump where libssh supports it);
//     user and port written explicitly (user@host:port) and --identity are applied after it;
//   - the server's key is checked against known_hosts (~/.ssh/known_hosts or --known-hosts FILE):
//     a changed key is always refused; an unknown one only goes on when a person accepts its
//     SHA-256 fingerprint (SshInteraction), and is then recorded;
//   - authentication: none, then public keys (ssh-agent, then the identity files, asking for a
//     passphrase through SshInteraction), then a password asked for at the time. Secrets live
//     only in SecretBytes buffers that are wiped after use; nothing here logs or stores them.
// Every blocking call has a timeout; failures are values with a plain message.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace edgegpt {

// A secret typed by a person (passphrase, password). Not copyable; wiped when destroyed.
class SecretBytes
{
public:
    SecretBytes() = default;
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;
    ~SecretBytes() { wipe(); }

    // Appends without reallocating twice; call reserve() first for long input.
    void assign(const char *data, qsizetype size);
    const char *constData() const { return m_bytes.constData(); }
    qsizetype size() const { return m_bytes.size(); }
    bool isEmpty() const { return m_bytes.isEmpty(); }
    void wipe();

private:
    QByteArray m_bytes;
};

// What a person is asked. Called on the session's worker thread; an implementation that needs the
// GUI thread (the console's dialog) hops there itself and waits for the answer, so the GUI thread
// never blocks on the network. Implementations must be thread-safe: many hosts connect at once.
class SshInteraction
{
public:
    struct HostKey
    {
        QString host; // as connected to (after the SSH config)
        int port = 22;
        QString keyType;        // "ssh-ed25519", …
        QString fingerprint;    // "SHA256:…" (base64, as OpenSSH prints it)
        QString knownHostsFile; // where it will be recorded
    };
    virtual ~SshInteraction() = default;
    // An unknown host: true records the key and goes on.
    virtual bool acceptNewHostKey(const HostKey &key) = 0;
    // Fill `secret` and return true, or return false to skip this key / give up the password.
    virtual bool askPassphrase(const QString &keyDescription, SecretBytes &secret) = 0;
    virtual bool askPassword(const QString &userAtHost, SecretBytes &secret) = 0;
};

// Asks nobody: unknown host keys are refused (or accepted when acceptNewHostKeys, the CLI's
// --accept-new-host-key, which prints the fingerprint it accepted), no passphrase, no password.
class NonInteractiveSsh : public SshInteraction
{
public:
    explicit NonInteractiveSsh(bool acceptNewHostKeys = false)
        : m_accept(acceptNewHostKeys)
    {}
    bool acceptNewHostKey(const HostKey &) override { return m_accept; }
    bool askPassphrase(const QString &, SecretBytes &) override { return false; }
    bool askPassword(const QString &, SecretBytes &) override { return false; }

private:
    bool m_accept;
};

// Like OpenSSH's -F, -i and UserKnownHostsFile. Empty: the defaults under ~/.ssh (libssh finds ~
// from the password database, not $HOME).
struct SshOptions
{
    QString configFile;
    QString identityFile;
    QString knownHostsFile;
    int connectTimeoutMs = 10000;
    int commandTimeoutMs = 60000;
};

// Where a target ends up after the SSH config: what the session will connect to.
struct SshEndpoint
{
    QString host; // HostName after the config
    int port = 22;
    QString user;
    QString display() const; // user@host:port
};

struct ExecResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

class SshSession
{
public:
    enum class FailureKind { None, Unreachable, HostKey, Auth, Other };

    SshSession(const SshOptions &options, SshInteraction *interaction);
    ~SshSession();
    SshSession(const SshSession &) = delete;
    SshSession &operator=(const SshSession &) = delete;

    // Applies the SSH config for `target` ("alias", "user@host:port") without connecting.
    static Result<SshEndpoint> resolve(const QString &alias, const QString &user, int port,
                                       const SshOptions &options);

    // Connects, verifies the host key and authenticates. On failure, failureKind() says which
    // step failed (Unreachable: name lookup, refused, timed out).
    Result<void> connect(const QString &alias, const QString &user, int port);
    bool isConnected() const;
    FailureKind failureKind() const { return m_failure; }
    const SshEndpoint &endpoint() const { return m_endpoint; }
    void disconnect();

    // Runs a POSIX shell command on the host. The commands of one session share one remote
    // /bin/sh (started through the user's login shell once, so its rc files run once), each in
    // a subshell of its own with stdin from /dev/null. Output is kept up to maxOutputBytes per
    // stream (the rest is read and dropped). Fails on timeout or a broken connection (the shell
    // is then closed; the next command starts another), not on a non-zero exit code.
    Result<ExecResult> exec(const QString &command, int timeoutMs = -1,
                            qint64 maxOutputBytes = 4 * 1024 * 1024);

    // SFTP (opened on first use). Uploads `localPath` to a temporary name next to `remotePath`,
    // sets `mode`, then renames it into place, so a reader never sees a partial file.
    // `progress(bytesSent)` is called after each chunk.
    Result<void> upload(const QString &localPath, const QString &remotePath, int mode,
                        const std::function<void(qint64)> &progress = {});
    // Writes bytes the same way (configuration files).
    Result<void> uploadBytes(const QByteArray &bytes, const QString &remotePath, int mode);

    // SFTP: copies the regular file `remotePath` into `localPath` (a temporary file beside it,
    // renamed when complete, so a reader never sees a partial file); refuses one larger than
    // maxBytes. The bytes copied.
    Result<qint64> download(const QString &remotePath, const QString &localPath,
                            qint64 maxBytes = 1024 * 1024 * 1024);

    // Quotes for a POSIX shell: 'it'\''s'.
    static QString shellQuote(const QString &text);

private:
    Result<void> ensureSftp();
    Result<void> ensureShell();

    struct Impl;
    std::unique_ptr<Impl> d;
    SshOptions m_options;
    SshInteraction *m_interaction;
    SshEndpoint m_endpoint;
    FailureKind m_failure = FailureKind::None;
};

} // namespace edgegpt
