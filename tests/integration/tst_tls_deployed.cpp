// Issue 14's "done when", end to end: real agents deployed over SSH (two real OpenSSH servers on
// 127.0.0.1, `edgegpt deploy` uploading the real edgegpt-agent, its runtime and a small trained
// model), with a relay on the device–edge path. The device host's `edge_endpoint` makes it dial
// its edge through the relay (as a device behind a port forward would); the relay records every
// byte and can tamper with one TLS record of a connection.
//
// - A `fleet run` through the relay answers every image, and the relay saw none of the frames'
//   plaintext (the frame magic, the class names the edge answered).
// - A record flipped, replayed, reordered, or a forged one injected, after the handshake: the
//   device–edge connection closes, each deployed agent's log says why, the device dials again,
//   and the next run answers everything (nothing is lost for good; nothing forged was accepted).
//
// Every agent this test deploys is stopped at the end (by the pid its deployment recorded).
#include "CliProcess.h"
#include "LoopbackFleetFixture.h"
#include "TlsRelay.h"

#include "core/plan/PlanFormat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace edgegpt;

namespace {

const QStringList kClassNames{QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                              QStringLiteral("Pullover"),    QStringLiteral("Dress"),
                              QStringLiteral("Coat"),        QStringLiteral("Sandal"),
                              QStringLiteral("Shirt"),       QStringLiteral("Sneaker"),
                              QStringLiteral("Bag"),         QStringLiteral("Ankle boot")};

} // namespace

class TestTlsDeployed : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    LoopbackFleetFixture m_loopback{m_dir.path()}; // dev, edge
    std::unique_ptr<TlsRelay> m_relay;
    QString m_fleet;
    QStringList m_sshArgs;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString logOf(const QString &root) const
    {
        return m_loopback.deploymentDir(root) + QStringLiteral("/agent.log");
    }
    // `fleet run --count N --json`: its answer lines and its summary. The relay lives on this
    // thread, and the device's traffic to its edge passes through it while the CLI runs.
    CliOutcome fleetRun(int count, QList<QJsonObject> *answers, QJsonObject *summary)
    {
        const CliOutcome r =
            runCliServing(QStringList{QStringLiteral("fleet"), QStringLiteral("run"),
                                      QStringLiteral("--fleet"), m_fleet, QStringLiteral("--count"),
                                      QString::number(count), QStringLiteral("--json")} +
                              m_sshArgs,
                          120000);
        for (const QByteArray &line : r.out.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.contains(QStringLiteral("summary")))
                *summary = o.value(QStringLiteral("summary")).toObject();
            else if (!o.isEmpty())
                answers->append(o);
        }
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (const QString missing = LoopbackFleetFixture::missing(); !missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(m_dir.isValid());
        m_loopback.isolateEnvironment();

        // A real model: the CNN, one epoch on 500 images, and its profile.
        const Result<QString> model = m_loopback.trainModel(500, 100, 240000);
        QVERIFY2(model.ok(), qPrintable(model.error()));

        // Two SSH hosts on loopback, a client key they accept and their host keys known.
        const Result<void> started =
            m_loopback.startSshds({QStringLiteral("dev"), QStringLiteral("edge")});
        QVERIFY2(started.ok(), qPrintable(started.error()));
        const Result<QStringList> sshArgs = m_loopback.writeSshFiles();
        QVERIFY2(sshArgs.ok(), qPrintable(sshArgs.error()));
        m_sshArgs = *sshArgs;

        // The fleet: a Jetson-class device that reaches its edge through the relay. The device
        // emulates a slow Jetson (compute only, no link shaping) so that it sends its inputs to
        // the edge rather than answering alone: the traffic this test is about.
        const QList<int> ports = LoopbackFleetFixture::freePorts(2);
        const int devicePort = ports[0];
        const int edgePort = ports[1];
        m_relay = std::make_unique<TlsRelay>(quint16(edgePort));
        QVERIFY(m_relay->port() > 0);
        QJsonObject device =
            m_loopback.fleetHost(QStringLiteral("jetson-1"), QStringLiteral("dev"),
                                 QStringLiteral("device"), QStringLiteral("dev-root"), devicePort);
        device.insert(QStringLiteral("edge_endpoint"),
                      QStringLiteral("127.0.0.1:%1").arg(m_relay->port()));
        device.insert(QStringLiteral("emulate"), QJsonObject{{QStringLiteral("slowdown"), 150.76}});
        device.insert(QStringLiteral("input"), QStringLiteral("fashion-mnist"));
        QJsonObject edge =
            m_loopback.fleetHost(QStringLiteral("rtx-1"), QStringLiteral("edge"),
                                 QStringLiteral("edge"), QStringLiteral("edge-root"), edgePort);
        edge.insert(QStringLiteral("preload"), true);
        m_fleet = m_loopback.writeFleet({device, edge}, QStringLiteral("fleet.json"));
        QVERIFY(!m_fleet.isEmpty());
        const QString planFile = path(QStringLiteral("plan.json"));
        QVERIFY(writeFile(planFile, planToJson(clothingPlan())));

        const CliOutcome r =
            runCliServing(QStringList{QStringLiteral("deploy"), QStringLiteral("--fleet"), m_fleet,
                                      QStringLiteral("--plan"), planFile} +
                              m_sshArgs,
                          300000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        // The deployed device dialled its edge through the relay.
        QVERIFY2(QTest::qWaitFor([&] { return m_relay->connections() >= 1; }, 20000),
                 readFile(logOf(QStringLiteral("dev-root"))).constData());
    }

    void cleanupTestCase()
    {
        m_loopback.stopDeployedAgents({QStringLiteral("dev-root"), QStringLiteral("edge-root")});
    }

    void aRunThroughTheRelayShowsItNoPlaintext()
    {
        QList<QJsonObject> answers;
        QJsonObject summary;
        const CliOutcome r = fleetRun(8, &answers, &summary);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(summary.value(QStringLiteral("answered")).toInt(), 8);
        QSet<QString> labels;
        bool viaEdge = false;
        for (const QJsonObject &a : answers) {
            QVERIFY2(!a.contains(QStringLiteral("error")),
                     QJsonDocument(a).toJson(QJsonDocument::Compact).constData());
            labels.insert(a.value(QStringLiteral("label")).toString());
            viaEdge =
                viaEdge || a.value(QStringLiteral("split")).toString() != QLatin1String("logits");
        }
        QVERIFY2(viaEdge, r.out.constData()); // the inputs crossed the relay
        QVERIFY(m_relay->recorded.size() > 8 * 100);
        // What the frames carry in the clear, none of it on the wire: the frame magic and the
        // class names the edge answered with.
        QVERIFY(!m_relay->recorded.contains(QByteArrayLiteral("EGPF")));
        for (const QString &name : kClassNames)
            QVERIFY2(!m_relay->recorded.contains(name.toUtf8()), qPrintable(name));
        QVERIFY(!labels.isEmpty());
    }

    void tamperedRecordsCloseAndTheDeviceComesBack_data()
    {
        QTest::addColumn<int>("attack");
        QTest::newRow("flip") << int(TlsRelay::Attack::Flip);
        QTest::newRow("replay") << int(TlsRelay::Attack::Replay);
        QTest::newRow("reorder") << int(TlsRelay::Attack::Reorder);
        QTest::newRow("inject") << int(TlsRelay::Attack::Inject);
    }
    void tamperedRecordsCloseAndTheDeviceComesBack()
    {
        QFETCH(int, attack);
        const QString deviceLog = logOf(QStringLiteral("dev-root"));
        const QString edgeLog = logOf(QStringLiteral("edge-root"));
        const qsizetype deviceBefore = readFile(deviceLog).size();
        const qsizetype edgeBefore = readFile(edgeLog).size();
        // The next connection is attacked at its 3rd application-data record from the device:
        // after the frame handshake inside TLS (hello, proof), the first frame of real traffic.
        const int connections = m_relay->connections();
        m_relay->arm(TlsRelay::Attack(attack), 3);
        m_relay->dropConnections();
        QVERIFY(QTest::qWaitFor([&] { return m_relay->connections() > connections; }, 15000));
        QList<QJsonObject> answers;
        QJsonObject summary;
        // The run's traffic meets the attack; whether it answers is not the point here.
        fleetRun(3, &answers, &summary);
        QVERIFY2(QTest::qWaitFor([&] { return m_relay->attacked(); }, 15000),
                 readFile(deviceLog).mid(deviceBefore).constData());
        const QByteArray edgeClosed =
            QByteArrayLiteral("TLS connection with device:jetson-1 closed (a record failed its "
                              "check");
        QVERIFY2(QTest::qWaitFor(
                     [&] { return readFile(edgeLog).mid(edgeBefore).contains(edgeClosed); }, 10000),
                 readFile(edgeLog).mid(edgeBefore).constData());
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return readFile(deviceLog)
                             .mid(deviceBefore)
                             .contains("TLS connection with edge:rtx-1");
                     },
                     10000),
                 readFile(deviceLog).mid(deviceBefore).constData());
        // The device dials again (untouched this time) and the next run answers everything.
        answers.clear();
        summary = {};
        const CliOutcome r = fleetRun(3, &answers, &summary);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(summary.value(QStringLiteral("answered")).toInt(), 3);
    }
};

QTEST_GUILESS_MAIN(TestTlsDeployed)
#include "tst_tls_deployed.moc"
