// Issue 16 end to end: `edgegpt fl run --fleet F` on a fleet deployed with `edgegpt deploy` to
// real OpenSSH servers on 127.0.0.1 (LoopbackSshd): one edge host and two device hosts, each with
// the real edgegpt-agent, its runtime and its own key file. The aggregator runs on the edge host,
// a device on each device host, each with that host's agent.keys; the round lines come back over
// SSH, the trained model is fetched into --out and loads, and afterwards no FL process is left on
// any host while the deployed agents still run. Refused cases (more devices than the fleet has,
// hosts without a deployment, a missing dataset) and SIGTERM in the middle end with one line and
// leave nothing running.
//
// Small on purpose: 100 images per device, 200 test images, 2 rounds.
#include "CliProcess.h"

#include "core/fleet/LoopbackSshd.h"
#include "models/ModelStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <memory>

using namespace edgegpt;

namespace {

using Outcome = CliOutcome; // CliProcess.h

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : text.split('\n'))
        if (!line.trimmed().isEmpty())
            out << QJsonDocument::fromJson(line).object();
    return out;
}

// A pid that no longer runs (gone, or a zombie nobody reaped).
bool processGone(qint64 pid)
{
    if (pid <= 0)
        return true;
    const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.isEmpty())
        return true;
    const int close = stat.lastIndexOf(')');
    return close > 0 && stat.mid(close + 2, 1) == "Z";
}

// The running `edgegpt-agent --fl …` processes whose working directory is under `root`: what
// `fl run --fleet` started on the test's hosts, found by what the kernel says, not by pid files.
QList<qint64> flProcessesUnder(const QString &root)
{
    QList<qint64> found;
    const QString prefix = QFileInfo(root).canonicalFilePath() + QLatin1Char('/');
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok || processGone(pid))
            continue;
        const QList<QByteArray> argv =
            readFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).split('\0');
        if (argv.isEmpty() || !argv.first().endsWith("edgegpt-agent") || !argv.contains("--fl"))
            continue;
        const QString cwd = QFileInfo(QStringLiteral("/proc/%1/cwd").arg(pid)).symLinkTarget();
        if (QString(cwd + QLatin1Char('/')).startsWith(prefix))
            found << pid;
    }
    return found;
}

} // namespace

class TestFlFleet : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<LoopbackSshd>> m_sshds; // edge, dev1, dev2
    QString m_fleet;
    QStringList m_sshArgs;
    const QStringList m_roots{QStringLiteral("edge-root"), QStringLiteral("dev1-root"),
                              QStringLiteral("dev2-root")};

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString deploymentDir(const QString &root) const
    {
        return path(root + QStringLiteral("/deployments/default"));
    }
    qint64 deployedPid(const QString &root) const
    {
        return readFile(deploymentDir(root) + QStringLiteral("/agent.pid")).trimmed().toLongLong();
    }
    QStringList flRun(const QStringList &more) const
    {
        return QStringList{QStringLiteral("fl"),
                           QStringLiteral("run"),
                           QStringLiteral("--rounds"),
                           QStringLiteral("2"),
                           QStringLiteral("--samples-per-device"),
                           QStringLiteral("100"),
                           QStringLiteral("--test-samples"),
                           QStringLiteral("200"),
                           QStringLiteral("--batch"),
                           QStringLiteral("20"),
                           QStringLiteral("--json")} +
               more + m_sshArgs;
    }
    void verifyNothingLeft(const QByteArray &context)
    {
        // The stop waits for the processes before fl run exits; a zombie counts as gone.
        QVERIFY2(QTest::qWaitFor([&] { return flProcessesUnder(m_dir.path()).isEmpty(); }, 5000),
                 context.constData());
        for (const QString &root : m_roots) {
            QVERIFY2(!QFile::exists(deploymentDir(root) + QStringLiteral("/fl/pid")),
                     qPrintable(root));
            // The deployed agents were left running.
            const qint64 pid = deployedPid(root);
            QVERIFY2(pid > 1 && !processGone(pid), qPrintable(root));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!LoopbackSshd::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server)");
        if (QStringLiteral(EDGEGPT_CLI_PATH).isEmpty() ||
            QStringLiteral(EDGEGPT_AGENT_PATH).isEmpty())
            QSKIP("edgegpt and edgegpt-agent are not built (no LibTorch)");
        QVERIFY(m_dir.isValid());
        const passwd *pw = ::getpwuid(::getuid());
        QVERIFY(pw);
        const QString user = QString::fromLocal8Bit(pw->pw_name);
        qputenv("EDGEGPT_MODEL_DIR", path(QStringLiteral("models")).toUtf8());
        qputenv("XDG_CACHE_HOME", path(QStringLiteral("cache")).toUtf8());
        qunsetenv("SSH_AUTH_SOCK");

        // What deploy ships to the hosts (the default plan's model): a small trained CNN and
        // its profile. fl run itself does not use it.
        const QString model = path(QStringLiteral("models/cnn"));
        Outcome r =
            runCli({QStringLiteral("train"), QStringLiteral("--model"), QStringLiteral("cnn"),
                    QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--limit"),
                    QStringLiteral("200"), QStringLiteral("--threads"), QStringLiteral("1"),
                    QStringLiteral("--out"), model},
                   120000);
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({QStringLiteral("bench"), QStringLiteral("coinference"),
                    QStringLiteral("--model-dir"), model, QStringLiteral("--images"),
                    QStringLiteral("20"), QStringLiteral("--threads"), QStringLiteral("1"),
                    QStringLiteral("--out"), path(QStringLiteral("bench"))},
                   120000);
        QVERIFY2(r.code == 0, r.err.constData());

        // Three SSH hosts on loopback, a client key they accept and their host keys known.
        const QString key = path(QStringLiteral("client_key"));
        QVERIFY(LoopbackSshd::keygen(key).ok());
        const QString authorized = path(QStringLiteral("authorized_keys"));
        QVERIFY(writeFile(authorized, readFile(key + QStringLiteral(".pub"))));
        QByteArray known, config;
        for (const QString &name :
             {QStringLiteral("edge"), QStringLiteral("dev1"), QStringLiteral("dev2")}) {
            m_sshds.push_back(std::make_unique<LoopbackSshd>(
                name, path(QStringLiteral("sshd-") + name), authorized));
            LoopbackSshd &s = *m_sshds.back();
            const Result<void> started = s.start();
            QVERIFY2(started.ok(), qPrintable(started.error()));
            const Result<QString> line = s.knownHostsLine();
            QVERIFY2(line.ok(), qPrintable(line.error()));
            known += line->toUtf8() + '\n';
            config += s.sshConfigEntry(s.name(), user, key).toUtf8();
        }
        QVERIFY(writeFile(path(QStringLiteral("known_hosts")), known));
        QVERIFY(writeFile(path(QStringLiteral("ssh_config")), config));
        m_sshArgs = {QStringLiteral("--ssh-config"),  path(QStringLiteral("ssh_config")),
                     QStringLiteral("--known-hosts"), path(QStringLiteral("known_hosts")),
                     QStringLiteral("--identity"),    key};

        // Four distinct free ports: three agents and the aggregator (fl_port).
        QList<int> ports;
        while (ports.size() < 4) {
            const int p = LoopbackSshd::freePort();
            if (!ports.contains(p))
                ports << p;
        }
        auto host = [&](const QString &name, const QString &ssh, const QString &role,
                        const QString &root, int port) {
            return QJsonObject{{QStringLiteral("name"), name},
                               {QStringLiteral("ssh"), ssh},
                               {QStringLiteral("role"), role},
                               {QStringLiteral("class"), role == QLatin1String("edge")
                                                             ? QStringLiteral("rtx-3090")
                                                             : QStringLiteral("jetson-nano")},
                               {QStringLiteral("dir"), path(root)},
                               {QStringLiteral("agent_port"), port},
                               {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                               {QStringLiteral("agent_listen"), QStringLiteral("127.0.0.1")}};
        };
        QJsonObject edge = host(QStringLiteral("rtx-1"), QStringLiteral("edge"),
                                QStringLiteral("edge"), m_roots[0], ports[0]);
        edge.insert(QStringLiteral("fl_port"), ports[3]);
        const QJsonArray hosts{edge,
                               host(QStringLiteral("jetson-1"), QStringLiteral("dev1"),
                                    QStringLiteral("device"), m_roots[1], ports[1]),
                               host(QStringLiteral("jetson-2"), QStringLiteral("dev2"),
                                    QStringLiteral("device"), m_roots[2], ports[2])};
        m_fleet = path(QStringLiteral("fleet.json"));
        QVERIFY(writeFile(m_fleet,
                          QJsonDocument(QJsonObject{{QStringLiteral("hosts"), hosts}}).toJson()));
        r = runCli(QStringList{QStringLiteral("deploy"), QStringLiteral("--fleet"), m_fleet} +
                       m_sshArgs,
                   180000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        for (const QString &root : m_roots)
            QVERIFY2(deployedPid(root) > 1 && !processGone(deployedPid(root)), qPrintable(root));
    }

    void cleanupTestCase()
    {
        for (qint64 pid : flProcessesUnder(m_dir.path()))
            ::kill(pid_t(pid), SIGKILL);
        for (const QString &root : m_roots) {
            const qint64 pid = deployedPid(root);
            if (pid > 1 && !processGone(pid))
                ::kill(pid_t(pid), SIGTERM);
        }
        for (auto &s : m_sshds)
            s->stop();
    }

    void trainsOnTheFleetAndFetchesTheModel()
    {
        const QString out = path(QStringLiteral("fl-model"));
        const Outcome r = runCli(
            flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--out"), out}), 120000);
        QVERIFY2(
            r.code == 0,
            QByteArray("exit " + QByteArray::number(r.code) + ": " + r.out + r.err).constData());
        const QList<QJsonObject> lines = jsonLines(r.out);
        QCOMPARE(lines.size(), 3);
        // The contract's round keys, exactly, and both device hosts in both rounds.
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(lines[i].keys(),
                     (QStringList{QStringLiteral("accuracy"), QStringLiteral("bytes_down"),
                                  QStringLiteral("bytes_up"), QStringLiteral("devices"),
                                  QStringLiteral("loss"), QStringLiteral("round"),
                                  QStringLiteral("round_ms")}));
            QCOMPARE(lines[i].value(QStringLiteral("round")).toInt(), i + 1);
            QCOMPARE(lines[i].value(QStringLiteral("devices")).toInt(), 2);
            QVERIFY(lines[i].value(QStringLiteral("bytes_up")).toInteger() > 1000);
            const double accuracy = lines[i].value(QStringLiteral("accuracy")).toDouble();
            QVERIFY(accuracy > 0 && accuracy <= 1);
        }
        const QJsonObject final = lines[2];
        QCOMPARE(final.value(QStringLiteral("rounds")).toInt(), 2);
        QCOMPARE(final.value(QStringLiteral("fleet")).toBool(), true);
        QCOMPARE(final.value(QStringLiteral("edge")).toString(), QStringLiteral("rtx-1"));
        QCOMPARE(final.value(QStringLiteral("device_hosts")).toArray().size(), 2);
        QCOMPARE(final.value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("devices"))
                     .toInt(),
                 2); // the fleet's device count, not fl run's default of 3
        // model_dir is a folder here, with the model the edge host trained, and it loads.
        const QString modelDir = final.value(QStringLiteral("model_dir")).toString();
        QCOMPARE(modelDir, QFileInfo(out).absoluteFilePath());
        QVERIFY(QFileInfo(modelDir + QStringLiteral("/model.pt")).size() > 1000);
        QVERIFY(QFileInfo::exists(modelDir + QStringLiteral("/model.json")));
        QCOMPARE(readFile(modelDir + QStringLiteral("/model.pt")),
                 readFile(deploymentDir(m_roots[0]) + QStringLiteral("/fl/model/model.pt")));
        const Result<StoredModel> model = ModelStore::load(modelDir);
        QVERIFY2(model.ok(), qPrintable(model.error()));
        QCOMPARE(jsonLines(readFile(modelDir + QStringLiteral("/fl-rounds.jsonl"))).size(), 2);
        // The devices joined under their fleet names: the credentials of their key files.
        const QByteArray edgeLog =
            readFile(deploymentDir(m_roots[0]) + QStringLiteral("/fl/agent.log"));
        QVERIFY2(edgeLog.contains("device jetson-1 joined") &&
                     edgeLog.contains("device jetson-2 joined"),
                 edgeLog.constData());
        // Each FL agent used its host's key file, which holds no fleet secret.
        for (const QString &root : m_roots) {
            const QJsonObject config =
                QJsonDocument::fromJson(
                    readFile(deploymentDir(root) + QStringLiteral("/fl/config.json")))
                    .object();
            QCOMPARE(config.value(QStringLiteral("token_file")).toString(),
                     deploymentDir(root) + QStringLiteral("/agent.keys"));
            QVERIFY(readFile(deploymentDir(root) + QStringLiteral("/agent.keys"))
                        .startsWith("edgegpt-keys 1"));
        }
        verifyNothingLeft(r.out + r.err);
    }

    void moreDevicesThanTheFleetHasIsRefused()
    {
        const Outcome r = runCli(
            flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--devices"),
                   QStringLiteral("3"), QStringLiteral("--out"), path(QStringLiteral("refused"))}),
            60000);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("--devices 3") && r.err.contains("2 device hosts"),
                 r.err.constData());
        verifyNothingLeft(r.err);
    }

    void faultFlagsAreRefusedWithFleet()
    {
        const Outcome r = runCli(flRun({QStringLiteral("--fleet"), m_fleet,
                                        QStringLiteral("--kill-device"), QStringLiteral("0@1")}),
                                 30000);
        QCOMPARE(r.code, 2);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("--kill-device") && r.err.contains("--fleet"), r.err.constData());
    }

    void aFleetWithoutADeploymentIsRefused()
    {
        // The same hosts, other deploy roots: nothing was deployed there.
        QJsonObject doc = QJsonDocument::fromJson(readFile(m_fleet)).object();
        QJsonArray hosts = doc.value(QStringLiteral("hosts")).toArray();
        for (int i = 0; i < hosts.size(); ++i) {
            QJsonObject h = hosts[i].toObject();
            h.insert(QStringLiteral("dir"), path(QStringLiteral("empty-%1").arg(i)));
            hosts[i] = h;
        }
        doc.insert(QStringLiteral("hosts"), hosts);
        const QString fleet = path(QStringLiteral("undeployed.json"));
        QVERIFY(writeFile(fleet, QJsonDocument(doc).toJson()));
        const Outcome r = runCli(flRun({QStringLiteral("--fleet"), fleet, QStringLiteral("--out"),
                                        path(QStringLiteral("undeployed"))}),
                                 60000);
        QVERIFY(r.code != 0 && r.code != -1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("rtx-1: no deployment \"default\""), r.err.constData());
        verifyNothingLeft(r.err);
    }

    void aHostWithoutTheDatasetIsNamed()
    {
        const Outcome r =
            runCli(flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--data"),
                          path(QStringLiteral("no-such-dataset")), QStringLiteral("--out"),
                          path(QStringLiteral("nodata"))}),
                   60000);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("rtx-1: no Fashion-MNIST in"), r.err.constData());
        verifyNothingLeft(r.err);
    }

    void anUnknownHostKeyIsRefused()
    {
        // A known_hosts file without the edge's key: refused, named, and nothing was started.
        const QString known = path(QStringLiteral("known_hosts.devices-only"));
        const QList<QByteArray> lines = readFile(path(QStringLiteral("known_hosts"))).split('\n');
        QVERIFY(writeFile(known, lines.mid(1).join('\n')));
        QStringList args = flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--out"),
                                  path(QStringLiteral("unknown-key"))});
        args[args.indexOf(path(QStringLiteral("known_hosts")))] = known;
        const Outcome r = runCli(args, 60000);
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.startsWith("edgegpt: rtx-1: ") && r.err.contains("is not known"),
                 r.err.constData());
        verifyNothingLeft(r.err);
    }

    void aDeviceWithAnotherHostsKeysIsRefused()
    {
        // jetson-1's host given jetson-2's key file: its FL device refuses to be jetson-1 with
        // it, and fl run names the host and why. The deployed agent keeps the keys it loaded.
        const QString keys = deploymentDir(m_roots[1]) + QStringLiteral("/agent.keys");
        const QByteArray own = readFile(keys);
        const QByteArray other =
            readFile(deploymentDir(m_roots[2]) + QStringLiteral("/agent.keys"));
        QVERIFY(other.contains("self device:jetson-2"));
        QVERIFY(writeFile(keys, other));
        const Outcome r = runCli(flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--out"),
                                        path(QStringLiteral("wrong-keys"))}),
                                 60000);
        QVERIFY(writeFile(keys, own));
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.startsWith("edgegpt: jetson-1: the FL device stopped before the first "
                                  "round") &&
                     r.err.contains("is for device:jetson-2"),
                 r.err.constData());
        verifyNothingLeft(r.err);
    }

    void sigtermStopsTheFlAgentsOnTheHosts()
    {
        QProcess p;
        p.start(QStringLiteral(EDGEGPT_CLI_PATH),
                flRun({QStringLiteral("--fleet"), m_fleet, QStringLiteral("--rounds"),
                       QStringLiteral("20"), QStringLiteral("--out"),
                       path(QStringLiteral("stopped"))}));
        QVERIFY(p.waitForStarted(10000));
        QByteArray out;
        // Once the first round is over, every FL agent runs: then SIGTERM.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         out += p.readAllStandardOutput();
                         return out.contains("\"round\":1") || p.state() == QProcess::NotRunning;
                     },
                     90000),
                 out.constData());
        QVERIFY2(p.state() == QProcess::Running,
                 QByteArray(out + p.readAllStandardError()).constData());
        QCOMPARE(flProcessesUnder(m_dir.path()).size(), 3);
        p.terminate();
        QVERIFY(p.waitForFinished(60000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY(p.exitCode() != 0);
        QVERIFY2(err.contains("stopped by SIGTERM"), err.constData());
        verifyNothingLeft(err);
    }
};

QTEST_GUILESS_MAIN(TestFlFleet)
#include "tst_fl_fleet.moc"
