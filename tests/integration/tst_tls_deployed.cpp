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
#include "TlsRelay.h"

#include "core/fleet/LoopbackSshd.h"
#include "core/plan/PlanFormat.h"

#include <QDir>
#include <QFile>
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
    std::unique_ptr<LoopbackSshd> m_deviceSshd, m_edgeSshd;
    std::unique_ptr<TlsRelay> m_relay;
    QString m_fleet;
    QStringList m_sshArgs;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString logOf(const QString &root) const
    {
        return path(root + QStringLiteral("/deployments/default/agent.log"));
    }
    void stopDeployedAgents()
    {
        for (const QString &root : {QStringLiteral("dev-root"), QStringLiteral("edge-root")}) {
            const qint64 pid =
                readFile(path(root + QStringLiteral("/deployments/default/agent.pid")))
                    .trimmed()
                    .toLongLong();
            if (pid > 1)
                ::kill(pid_t(pid), SIGTERM);
        }
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

        // A real model: the CNN, one epoch on 500 images, and its profile.
        const QString model = path(QStringLiteral("models/cnn"));
        CliOutcome r = runCliServing({QStringLiteral("train"), QStringLiteral("--model"),
                                      QStringLiteral("cnn"), QStringLiteral("--epochs"),
                                      QStringLiteral("1"), QStringLiteral("--limit"),
                                      QStringLiteral("500"), QStringLiteral("--threads"),
                                      QStringLiteral("1"), QStringLiteral("--out"), model},
                                     240000);
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCliServing({QStringLiteral("bench"), QStringLiteral("coinference"),
                           QStringLiteral("--model-dir"), model, QStringLiteral("--images"),
                           QStringLiteral("100"), QStringLiteral("--threads"), QStringLiteral("1"),
                           QStringLiteral("--out"), path(QStringLiteral("bench"))},
                          240000);
        QVERIFY2(r.code == 0, r.err.constData());

        // Two SSH hosts on loopback, a client key they accept and their host keys known.
        const QString key = path(QStringLiteral("client_key"));
        QVERIFY(LoopbackSshd::keygen(key).ok());
        const QString authorized = path(QStringLiteral("authorized_keys"));
        QVERIFY(writeFile(authorized, readFile(key + QStringLiteral(".pub"))));
        m_deviceSshd = std::make_unique<LoopbackSshd>(QStringLiteral("dev"),
                                                      path(QStringLiteral("sshd-dev")), authorized);
        m_edgeSshd = std::make_unique<LoopbackSshd>(QStringLiteral("edge"),
                                                    path(QStringLiteral("sshd-edge")), authorized);
        for (LoopbackSshd *s : {m_deviceSshd.get(), m_edgeSshd.get()}) {
            const Result<void> started = s->start();
            QVERIFY2(started.ok(), qPrintable(started.error()));
        }
        QByteArray known, config;
        for (LoopbackSshd *s : {m_deviceSshd.get(), m_edgeSshd.get()}) {
            const Result<QString> line = s->knownHostsLine();
            QVERIFY2(line.ok(), qPrintable(line.error()));
            known += line->toUtf8() + '\n';
            config += s->sshConfigEntry(s->name(), user, key).toUtf8();
        }
        QVERIFY(writeFile(path(QStringLiteral("known_hosts")), known));
        QVERIFY(writeFile(path(QStringLiteral("ssh_config")), config));
        m_sshArgs = {QStringLiteral("--ssh-config"),  path(QStringLiteral("ssh_config")),
                     QStringLiteral("--known-hosts"), path(QStringLiteral("known_hosts")),
                     QStringLiteral("--identity"),    key};

        // The fleet: a Jetson-class device that reaches its edge through the relay. The device
        // emulates a slow Jetson (compute only, no link shaping) so that it sends its inputs to
        // the edge rather than answering alone: the traffic this test is about.
        const int devicePort = LoopbackSshd::freePort();
        int edgePort = LoopbackSshd::freePort();
        while (edgePort == devicePort)
            edgePort = LoopbackSshd::freePort();
        m_relay = std::make_unique<TlsRelay>(quint16(edgePort));
        QVERIFY(m_relay->port() > 0);
        const QJsonArray hosts{
            QJsonObject{
                {QStringLiteral("name"), QStringLiteral("jetson-1")},
                {QStringLiteral("ssh"), QStringLiteral("dev")},
                {QStringLiteral("role"), QStringLiteral("device")},
                {QStringLiteral("class"), QStringLiteral("jetson-nano")},
                {QStringLiteral("dir"), path(QStringLiteral("dev-root"))},
                {QStringLiteral("agent_port"), devicePort},
                {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                {QStringLiteral("agent_listen"), QStringLiteral("127.0.0.1")},
                {QStringLiteral("edge_endpoint"),
                 QStringLiteral("127.0.0.1:%1").arg(m_relay->port())},
                {QStringLiteral("emulate"), QJsonObject{{QStringLiteral("slowdown"), 150.76}}},
                {QStringLiteral("input"), QStringLiteral("fashion-mnist")}},
            QJsonObject{{QStringLiteral("name"), QStringLiteral("rtx-1")},
                        {QStringLiteral("ssh"), QStringLiteral("edge")},
                        {QStringLiteral("role"), QStringLiteral("edge")},
                        {QStringLiteral("class"), QStringLiteral("rtx-3090")},
                        {QStringLiteral("dir"), path(QStringLiteral("edge-root"))},
                        {QStringLiteral("agent_port"), edgePort},
                        {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                        {QStringLiteral("agent_listen"), QStringLiteral("127.0.0.1")},
                        {QStringLiteral("preload"), true}}};
        m_fleet = path(QStringLiteral("fleet.json"));
        QVERIFY(writeFile(m_fleet,
                          QJsonDocument(QJsonObject{{QStringLiteral("hosts"), hosts}}).toJson()));
        Plan plan;
        plan.request = QStringLiteral("Classify the clothing in this picture");
        PlanTask task;
        task.id = QStringLiteral("t1");
        task.task = QStringLiteral("Image Classification");
        task.model = QStringLiteral("google/vit-base-patch16-224");
        task.device = QStringLiteral("Jetson Nano");
        task.args = {{QStringLiteral("image"), QStringLiteral("example.jpg"), {}}};
        plan.tasks.append(task);
        const QString planFile = path(QStringLiteral("plan.json"));
        QVERIFY(writeFile(planFile, planToJson(plan)));

        r = runCliServing(QStringList{QStringLiteral("deploy"), QStringLiteral("--fleet"), m_fleet,
                                      QStringLiteral("--plan"), planFile} +
                              m_sshArgs,
                          300000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        // The deployed device dialled its edge through the relay.
        QVERIFY2(QTest::qWaitFor([&] { return m_relay->connections() >= 1; }, 20000),
                 readFile(logOf(QStringLiteral("dev-root"))).constData());
    }

    void cleanupTestCase() { stopDeployedAgents(); }

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
