// TLS against a real edge agent (edgegpt-agent), with the per-host key files deploy makes
// (core/fleet/FleetKeys.h): a device's credential through a relay that sees no plaintext; a
// relay that flips, replays or reorders a record after the handshake closes the connection, with
// a line in the agent's log and on the device's side; a plaintext peer and a credential of the
// wrong role are refused with a line naming why; an agent refuses to start with another host's
// key file. The edge needs no model for any of this (it listens without loading one).
#include "AgentLines.h"
#include "TlsRelay.h"

#include "core/fleet/FleetKeys.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

const QByteArray secret = QByteArrayLiteral("tls-agents-fleet-secret-0123456789");
const QByteArray marker = QByteArrayLiteral("FEATURE-BYTES-0123456789");

Fleet testFleet()
{
    const auto host = [](const QString &name, const QString &role, const QString &edge = {}) {
        FleetHost h;
        h.name = name;
        h.role = role;
        h.edge = edge;
        return h;
    };
    Fleet fleet;
    fleet.hosts = {host(QStringLiteral("e1"), QStringLiteral("edge")),
                   host(QStringLiteral("d1"), QStringLiteral("device"), QStringLiteral("e1"))};
    return fleet;
}

} // namespace

class TestTlsAgents : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcess m_edge;
    quint16 m_port = 0;
    QByteArray m_edgeLog;

    QString writeKeys(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return {};
        f.write(content);
        return path;
    }
    Keyring deviceKeys() const
    {
        const Fleet fleet = testFleet();
        return *Keyring::parseKeyFile(
            hostKeyring(fleet, *fleet.host(QStringLiteral("d1")), secret).toKeyFile());
    }
    // The edge's log so far (stderr and stdout).
    QByteArray edgeLog()
    {
        m_edgeLog += m_edge.readAllStandardError();
        return m_edgeLog;
    }
    bool edgeLogged(const QByteArray &text, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return edgeLog().contains(text); }, timeoutMs);
    }
    PeerConnection::Options deviceOptions() const
    {
        PeerConnection::Options o;
        o.keys = deviceKeys();
        o.peerRoles = {QStringLiteral("edge")};
        o.handshakeTimeoutMs = 5000;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(agentPath()));
        const Fleet fleet = testFleet();
        const QString keys =
            writeKeys(QStringLiteral("e1.keys"),
                      hostKeyring(fleet, *fleet.host(QStringLiteral("e1")), secret).toKeyFile());
        QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("models")));
        m_edge.start(agentPath(),
                     {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--name"),
                      QStringLiteral("e1"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), keys,
                      QStringLiteral("--model-dir"), m_dir.filePath(QStringLiteral("models"))});
        QVERIFY(m_edge.waitForStarted(5000));
        m_port = waitForListening(m_edge);
        QVERIFY2(m_port > 0, m_edge.readAllStandardError().constData());
    }
    void cleanupTestCase()
    {
        m_edge.terminate();
        if (!m_edge.waitForFinished(3000))
            m_edge.kill();
        m_edge.waitForFinished(3000);
    }

    void deviceTalksThroughRelaySeeingNoPlaintext()
    {
        TlsRelay relay(m_port);
        std::unique_ptr<PeerConnection> c(PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), relay.port(), deviceOptions()));
        QSignalSpy ready(c.get(), &PeerConnection::ready);
        QVERIFY(ready.wait(10000));
        QCOMPARE(c->peerCredential(), QStringLiteral("edge:e1"));
        QSignalSpy frames(c.get(), &PeerConnection::frameReceived);
        InferRequestMessage m;
        m.model = QStringLiteral("secret-model-name");
        m.split = QStringLiteral("input");
        m.codec = QStringLiteral("zstd");
        QByteArray payload;
        for (int i = 0; i < 20; ++i)
            payload += marker;
        QVERIFY(c->sendRequest(FrameType::InferRequest, m.toCbor(), payload).ok());
        // The edge answers (an error: it holds no such model) — over TLS.
        QVERIFY(frames.wait(10000));
        QVERIFY(edgeLogged("device:d1") || edgeLogged("d1"));
        for (const QByteArray &plain :
             {marker, QByteArray("EGPF"), QByteArray("secret-model-name")})
            QVERIFY2(!relay.recorded.contains(plain), plain.constData());
    }

    void tamperedRecordsCloseWithALineOnBothSides_data()
    {
        QTest::addColumn<int>("attack");
        QTest::newRow("flip") << int(TlsRelay::Attack::Flip);
        QTest::newRow("replay") << int(TlsRelay::Attack::Replay);
        QTest::newRow("reorder") << int(TlsRelay::Attack::Reorder);
    }
    void tamperedRecordsCloseWithALineOnBothSides()
    {
        QFETCH(int, attack);
        const qsizetype before = edgeLog().size();
        TlsRelay relay(m_port, TlsRelay::Attack(attack), 3);
        std::unique_ptr<PeerConnection> c(PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), relay.port(), deviceOptions()));
        QSignalSpy ready(c.get(), &PeerConnection::ready);
        QSignalSpy failed(c.get(), &PeerConnection::failed);
        QSignalSpy closed(c.get(), &PeerConnection::closed);
        QVERIFY(ready.wait(10000));
        // Two pings, apart: the first is the record tampered with, the second follows it.
        QVERIFY(c->sendRequest(FrameType::Ping, PingMessage{1}.toCbor()).ok());
        QTest::qWait(50);
        if (c->isReady())
            c->sendRequest(FrameType::Ping, PingMessage{2}.toCbor());
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 5000);
        QVERIFY(relay.attacked());
        QCOMPARE(failed.size(), 1);
        QVERIFY2(
            failed.at(0).at(0).toString().contains(QLatin1String("TLS connection with edge:e1")),
            qPrintable(failed.at(0).at(0).toString()));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return edgeLog().mid(before).contains(
                             "TLS connection with device:d1 closed (a record failed its check");
                     },
                     5000),
                 edgeLog().mid(before).constData());
    }

    void plaintextPeerRefused()
    {
        const qsizetype before = edgeLog().size();
        QTcpSocket plain;
        plain.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(plain.waitForConnected(3000));
        HelloMessage hello;
        hello.name = QStringLiteral("old-device");
        hello.role = QStringLiteral("device");
        hello.nonce = QByteArray(handshakeNonceBytes, 'n');
        plain.write(*encodeFrame(makeFrame(FrameType::Hello, hello)));
        QTRY_COMPARE_WITH_TIMEOUT(plain.state(), QAbstractSocket::UnconnectedState, 5000);
        QVERIFY2(
            QTest::qWaitFor([&] { return edgeLog().mid(before).contains("plaintext peer"); }, 5000),
            edgeLog().mid(before).constData());
    }

    void wrongRoleRefused()
    {
        // A credential of the wrong role (another edge's, derived from the fleet secret as if it
        // had leaked): the edge refuses it before looking for a key, and says so.
        const qsizetype before = edgeLog().size();
        PeerConnection::Options o;
        o.keys = *Keyring::fromFleetSecret(secret);
        o.identity = {QStringLiteral("e2"), QStringLiteral("edge")};
        std::unique_ptr<PeerConnection> c(
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), m_port, o));
        QSignalSpy failed(c.get(), &PeerConnection::failed);
        QVERIFY(failed.wait(10000));
        QVERIFY(!c->isReady());
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return edgeLog().mid(before).contains(
                             "refused credential edge:e2: role edge may not connect here");
                     },
                     5000),
                 edgeLog().mid(before).constData());
    }

    void agentRefusesAnotherHostsKeyFile()
    {
        const Fleet fleet = testFleet();
        const QString keys =
            writeKeys(QStringLiteral("d1.keys"),
                      hostKeyring(fleet, *fleet.host(QStringLiteral("d1")), secret).toKeyFile());
        QProcess p;
        p.start(agentPath(),
                {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--name"),
                 QStringLiteral("e1"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                 QStringLiteral("--token-file"), keys, QStringLiteral("--model-dir"),
                 m_dir.filePath(QStringLiteral("models"))});
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("is for device:d1, but this agent is edge:e1"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTlsAgents)
#include "tst_tls_agents.moc"
