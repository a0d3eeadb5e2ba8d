// LoopbackFleetFixture: the setup that the tests of deploying to, running and training on a fleet
// share: real OpenSSH servers on 127.0.0.1 (LoopbackSshd) that accept a client key made for the
// test, their known_hosts lines and an ssh_config that names them, the fleet file that points at
// them, a small trained model for deploy to ship, and the agents a deployment started.
// Everything lives in the folder the test owns (its QTemporaryDir).
//
// The steps return a Result for the test to check (QVERIFY2(r.ok(), qPrintable(r.error()))): a
// QVERIFY in a helper would only end the helper, and the test would go on.
#pragma once

#include "CliProcess.h"

#include "core/fleet/LoopbackSshd.h"
#include "core/plan/PlanFormat.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <vector>

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// A pid that no longer runs (gone, or a zombie nobody reaped).
inline bool processGone(qint64 pid)
{
    if (pid <= 0)
        return true;
    const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.isEmpty())
        return true;
    const int close = stat.lastIndexOf(')');
    return close > 0 && stat.mid(close + 2, 1) == "Z";
}

// The one-task plan the tests deploy with: the device classifies a picture of clothing, which the
// trained CNN answers.
inline edgegpt::Plan clothingPlan()
{
    edgegpt::Plan plan;
    plan.request = QStringLiteral("Classify the clothing in this picture");
    edgegpt::PlanTask task;
    task.id = QStringLiteral("t1");
    task.task = QStringLiteral("Image Classification");
    task.model = QStringLiteral("google/vit-base-patch16-224");
    task.device = QStringLiteral("Jetson Nano");
    task.args = {{QStringLiteral("image"), QStringLiteral("example.jpg"), {}}};
    plan.tasks.append(task);
    return plan;
}

class LoopbackFleetFixture
{
public:
    explicit LoopbackFleetFixture(const QString &root)
        : m_root(root)
    {}

    // Why a fleet of real agents cannot be deployed here; empty when it can.
    static QString missing()
    {
        if (!edgegpt::LoopbackSshd::available())
            return QStringLiteral("/usr/sbin/sshd is not installed (Debian: openssh-server)");
        if (QStringLiteral(EDGEGPT_CLI_PATH).isEmpty() ||
            QStringLiteral(EDGEGPT_AGENT_PATH).isEmpty())
            return QStringLiteral("edgegpt and edgegpt-agent are not built (no LibTorch)");
        return {};
    }

    QString path(const QString &name) const { return m_root + QLatin1Char('/') + name; }
    QString clientKey() const { return path(QStringLiteral("client_key")); }
    QString user() const { return m_user; }

    // The CLI and the agents it runs keep their models and caches in the test's folder rather
    // than the home of the person running the tests, whose ssh-agent must not offer its keys.
    void isolateEnvironment() const
    {
        qputenv("EDGEGPT_MODEL_DIR", path(QStringLiteral("models")).toUtf8());
        qputenv("XDG_CACHE_HOME", path(QStringLiteral("cache")).toUtf8());
        qunsetenv("SSH_AUTH_SOCK");
    }

    // The model deploy ships by default (trained:cnn in EDGEGPT_MODEL_DIR, as isolateEnvironment
    // sets it): the CNN trained one epoch on `trainImages` images, and its profile measured on
    // `profileImages`. Returns its folder.
    edgegpt::Result<QString> trainModel(int trainImages, int profileImages, int timeoutMs) const
    {
        const QString model = path(QStringLiteral("models/cnn"));
        CliOutcome r =
            runCli({QStringLiteral("train"), QStringLiteral("--model"), QStringLiteral("cnn"),
                    QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--limit"),
                    QString::number(trainImages), QStringLiteral("--threads"), QStringLiteral("1"),
                    QStringLiteral("--out"), model},
                   timeoutMs);
        if (r.code != 0)
            return edgegpt::Result<QString>::failure(QString::fromLocal8Bit(r.err));
        r = runCli({QStringLiteral("bench"), QStringLiteral("coinference"),
                    QStringLiteral("--model-dir"), model, QStringLiteral("--images"),
                    QString::number(profileImages), QStringLiteral("--threads"),
                    QStringLiteral("1"), QStringLiteral("--out"), path(QStringLiteral("bench"))},
                   timeoutMs);
        if (r.code != 0)
            return edgegpt::Result<QString>::failure(QString::fromLocal8Bit(r.err));
        return model;
    }

    // An sshd per name (in sshd-NAME) where the account running the tests logs in with
    // clientKey(), made here, or a key of `morePublicKeys`: no password, no ssh-agent.
    edgegpt::Result<void> startSshds(const QStringList &names,
                                     const QStringList &morePublicKeys = {})
    {
        using edgegpt::Result;
        const passwd *pw = ::getpwuid(::getuid());
        if (!pw)
            return Result<void>::failure(QStringLiteral("no password entry for this user"));
        m_user = QString::fromLocal8Bit(pw->pw_name);
        const Result<void> made = edgegpt::LoopbackSshd::keygen(clientKey());
        if (!made)
            return made;
        QByteArray authorized;
        for (const QString &key :
             QStringList{clientKey() + QStringLiteral(".pub")} + morePublicKeys) {
            const QByteArray line = readFile(key);
            if (line.isEmpty())
                return Result<void>::failure(QStringLiteral("cannot read ") + key);
            authorized += line;
        }
        const QString authorizedFile = path(QStringLiteral("authorized_keys"));
        if (!writeFile(authorizedFile, authorized))
            return Result<void>::failure(QStringLiteral("cannot write ") + authorizedFile);
        for (const QString &name : names) {
            sshds.push_back(std::make_unique<edgegpt::LoopbackSshd>(
                name, path(QStringLiteral("sshd-") + name), authorizedFile));
            const Result<void> started = sshds.back()->start();
            if (!started)
                return Result<void>::failure(name + QStringLiteral(": ") + started.error());
        }
        return {};
    }

    edgegpt::Result<QByteArray> knownHosts() const
    {
        QByteArray known;
        for (const auto &s : sshds) {
            const edgegpt::Result<QString> line = s->knownHostsLine();
            if (!line)
                return edgegpt::Result<QByteArray>::failure(line.error());
            known += line->toUtf8() + '\n';
        }
        return known;
    }

    // Each sshd under its own name, so that a fleet file's "ssh" is the name it was started with.
    QByteArray sshConfig(const QString &identity) const
    {
        QByteArray config;
        for (const auto &s : sshds)
            config += s->sshConfigEntry(s->name(), m_user, identity).toUtf8();
        return config;
    }

    // Writes knownHosts() and sshConfig(clientKey()) to knownFile and configFile (by default
    // path("known_hosts") and path("ssh_config")); returns the CLI's options that use them and the
    // client key.
    edgegpt::Result<QStringList> writeSshFiles(QString knownFile = {},
                                               QString configFile = {}) const
    {
        using edgegpt::Result;
        if (knownFile.isEmpty())
            knownFile = path(QStringLiteral("known_hosts"));
        if (configFile.isEmpty())
            configFile = path(QStringLiteral("ssh_config"));
        const Result<QByteArray> known = knownHosts();
        if (!known)
            return Result<QStringList>::failure(known.error());
        if (!writeFile(knownFile, *known) || !writeFile(configFile, sshConfig(clientKey())))
            return Result<QStringList>::failure(QStringLiteral("cannot write the SSH files"));
        return QStringList{QStringLiteral("--ssh-config"),  configFile,
                           QStringLiteral("--known-hosts"), knownFile,
                           QStringLiteral("--identity"),    clientKey()};
    }

    // `count` distinct ports: the ports of agents on one machine must not collide.
    static QList<int> freePorts(int count)
    {
        QList<int> ports;
        while (ports.size() < count) {
            const int p = edgegpt::LoopbackSshd::freePort();
            if (!ports.contains(p))
                ports << p;
        }
        return ports;
    }

    // A host of a fleet file, deployed under path(dir), whose agent listens on loopback only
    // (the test opens no port beyond this machine). Devices are of class jetson-nano, edges
    // rtx-3090: the catalog's Jetson Nano and Edge server (RTX 3090).
    QJsonObject fleetHost(const QString &name, const QString &ssh, const QString &role,
                          const QString &dir, int agentPort) const
    {
        return QJsonObject{{QStringLiteral("name"), name},
                           {QStringLiteral("ssh"), ssh},
                           {QStringLiteral("role"), role},
                           {QStringLiteral("class"), role == QLatin1String("edge")
                                                         ? QStringLiteral("rtx-3090")
                                                         : QStringLiteral("jetson-nano")},
                           {QStringLiteral("dir"), path(dir)},
                           {QStringLiteral("agent_port"), agentPort},
                           {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                           {QStringLiteral("agent_listen"), QStringLiteral("127.0.0.1")}};
    }

    // Writes {"hosts": hosts} (and the fleet's token_file when one is given) to path(fileName);
    // returns that path, or nothing when it could not.
    QString writeFleet(const QJsonArray &hosts, const QString &fileName,
                       const QString &tokenFile = {}) const
    {
        QJsonObject doc{{QStringLiteral("hosts"), hosts}};
        if (!tokenFile.isEmpty())
            doc.insert(QStringLiteral("token_file"), tokenFile);
        const QString file = path(fileName);
        return writeFile(file, QJsonDocument(doc).toJson()) ? file : QString();
    }

    QString deploymentDir(const QString &dir) const
    {
        return path(dir + QStringLiteral("/deployments/default"));
    }
    qint64 deployedPid(const QString &dir) const
    {
        return readFile(deploymentDir(dir) + QStringLiteral("/agent.pid")).trimmed().toLongLong();
    }
    // Makes path(dir) a deploy root whose deployment names `pid` as its agent, as deploy leaves
    // it: `fleet status` then reports on an agent the test started itself.
    bool recordDeployment(const QString &dir, qint64 pid) const
    {
        return QDir().mkpath(deploymentDir(dir)) &&
               writeFile(deploymentDir(dir) + QStringLiteral("/agent.pid"),
                         QByteArray::number(pid) + '\n');
    }
    // The agents a deployment started run detached from SSH and outlive the sshds: stopped by the
    // pid their deployment recorded, never by name (other tests' agents may run beside them).
    void stopDeployedAgents(const QStringList &dirs) const
    {
        for (const QString &dir : dirs) {
            const qint64 pid = deployedPid(dir);
            if (pid > 1 && !processGone(pid))
                ::kill(pid_t(pid), SIGTERM);
        }
    }

    std::vector<std::unique_ptr<edgegpt::LoopbackSshd>> sshds; // in the order started

private:
    QString m_root;
    QString m_user;
};
