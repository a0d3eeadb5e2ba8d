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
#include "LoopbackFleetFixture.h"

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

#include <signal.h>

using namespace edgegpt;

namespace {

using Outcome = CliOutcome; // CliProcess.h

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
    LoopbackFleetFixture m_loopback{m_dir.path()}; // edge, dev1, dev2
    QString m_fleet;
    QStringList m_sshArgs;
    const QStringList m_roots{QStringLiteral("edge-root"), QStringLiteral("dev1-root"),
                              QStringLiteral("dev2-root")};

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString deploymentDir(const QString &root) const { return m_loopback.deploymentDir(root); }
    qint64 deployedPid(const QString &root) const { return m_loopback.deployedPid(root); }
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
        if (const QString missing = LoopbackFleetFixture::missing(); !missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(m_dir.isValid());
        m_loopback.isolateEnvironment();

        // What deploy ships to the hosts (the default plan's model): a small trained CNN and
        // its profile. fl run itself does not use it.
        const Result<QString> model = m_loopback.trainModel(200, 20, 120000);
        QVERIFY2(model.ok(), qPrintable(model.error()));

        // Three SSH hosts on loopback, a client key they accept and their host keys known.
        const Result<void> started = m_loopback.startSshds(
            {QStringLiteral("edge"), QStringLiteral("dev1"), QStringLiteral("dev2")});
        QVERIFY2(started.ok(), qPrintable(started.error()));
        const Result<QStringList> sshArgs = m_loopback.writeSshFiles();
        QVERIFY2(sshArgs.ok(), qPrintable(sshArgs.error()));
        m_sshArgs = *sshArgs;

        // Three agents and the aggregator (fl_port).
        const QList<int> ports = LoopbackFleetFixture::freePorts(4);
        QJsonObject edge = m_loopback.fleetHost(QStringLiteral("rtx-1"), QStringLiteral("edge"),
                                                QStringLiteral("edge"), m_roots[0], ports[0]);
        edge.insert(QStringLiteral("fl_port"), ports[3]);
        m_fleet = m_loopback.writeFleet(
            {edge,
             m_loopback.fleetHost(QStringLiteral("jetson-1"), QStringLiteral("dev1"),
                                  QStringLiteral("device"), m_roots[1], ports[1]),
             m_loopback.fleetHost(QStringLiteral("jetson-2"), QStringLiteral("dev2"),
                                  QStringLiteral("device"), m_roots[2], ports[2])},
            QStringLiteral("fleet.json"));
        QVERIFY(!m_fleet.isEmpty());
        const Outcome r = runCli(
            QStringList{QStringLiteral("deploy"), QStringLiteral("--fleet"), m_fleet} + m_sshArgs,
            180000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        for (const QString &root : m_roots)
            QVERIFY2(deployedPid(root) > 1 && !processGone(deployedPid(root)), qPrintable(root));
    }

    void cleanupTestCase()
    {
        for (qint64 pid : flProcessesUnder(m_dir.path()))
            ::kill(pid_t(pid), SIGKILL);
        m_loopback.stopDeployedAgents(m_roots);
        for (auto &s : m_loopback.sshds)
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
        const QList<QJsonObject> lines = cliJsonLines(r.out);
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
        QCOMPARE(cliJsonLines(readFile(modelDir + QStringLiteral("/fl-rounds.jsonl"))).size(), 2);
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
