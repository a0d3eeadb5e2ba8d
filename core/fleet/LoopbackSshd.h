// LoopbackSshd: a real OpenSSH server (Debian's /usr/sbin/sshd) of our own on 127.0.0.1, for the
// deploy tests (tests/integration/tst_deploy.cpp) and `edgegpt bench deploy`. Nothing here is a
// stand-in for SSH: it runs `sshd -D -e -f CONFIG` with a configuration written into its own
// directory (a host key made by ssh-keygen, public-key authentication only, internal-sftp), on a
// free loopback port, and stops it (TERM, then KILL) when asked or destroyed.
//
// Use it from one thread (it owns a QProcess). Agents started through it are detached from the
// sessions and outlive the server: whoever starts them stops them.
#pragma once

#include "core/util/Result.h"

#include <QString>

#include <memory>

class QProcess;

namespace edgegpt {

class LoopbackSshd
{
public:
    // `dir` holds sshd_config, host_key(.pub) and sshd.pid (created when missing);
    // `authorizedKeysFile` lists the client keys it accepts.
    LoopbackSshd(QString name, QString dir, QString authorizedKeysFile);
    ~LoopbackSshd();
    LoopbackSshd(const LoopbackSshd &) = delete;
    LoopbackSshd &operator=(const LoopbackSshd &) = delete;

    // Whether /usr/sbin/sshd and ssh-keygen are there (Debian: openssh-server, openssh-client).
    static bool available();
    // A fresh key pair without passphrase (FILE, FILE.pub); type as ssh-keygen -t takes it.
    // With a passphrase, the private key is encrypted with it.
    static Result<void> keygen(const QString &file, const QString &type = QStringLiteral("ed25519"),
                               const QString &passphrase = {});
    // "SHA256:…" of a public key file, as `ssh-keygen -l -E sha256` prints it.
    static Result<QString> fingerprint(const QString &publicKeyFile);
    // A TCP port on 127.0.0.1 that was free a moment ago.
    static int freePort();

    // Makes a host key when there is none, writes the configuration and starts sshd on `port`
    // (0: the last port, else a free one); returns once it accepts connections.
    Result<void> start(int port = 0);
    void stop();
    bool isRunning() const;
    // Stops, replaces the host key (a reinstalled host, or someone in the middle) and starts
    // again on the same port.
    Result<void> renewHostKey();

    QString name() const { return m_name; }
    QString dir() const { return m_dir; }
    int port() const { return m_port; }
    qint64 pid() const;
    QString hostKeyFile() const;       // the private key
    QString hostPublicKeyFile() const; // .pub
    // "[127.0.0.1]:PORT TYPE BASE64" — this server's line for a known_hosts file.
    Result<QString> knownHostsLine() const;
    // An ssh_config entry that names this server `alias` (127.0.0.1 and its port), logging in as
    // `user` with `identityFile` and no other key: what the tests and `bench deploy` give the
    // CLI's --ssh-config.
    QString sshConfigEntry(const QString &alias, const QString &user,
                           const QString &identityFile) const;
    // CPU seconds (user + system) spent by the server's finished connections: what its
    // per-connection processes (key exchange, ciphers, SFTP, the commands run) used, as the
    // kernel adds it to the listener once it has reaped them (/proc/PID/stat cutime + cstime).
    double childCpuSeconds() const;
    // Connections still being served (the listener's child processes); -1 where /proc does not
    // say. Wait for 0 before reading childCpuSeconds() after closing sessions.
    int openConnections() const;

private:
    QString m_name;
    QString m_dir;
    QString m_authorizedKeys;
    int m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

// CPU seconds (user + system) of a running process, from /proc/PID/stat; -1 when it is gone.
double processCpuSeconds(qint64 pid);

} // namespace edgegpt
