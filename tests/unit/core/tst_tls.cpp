// TLS-PSK on PeerConnection (docs/protocol.md, "Transport security"), over loopback through a
// relay that records and tampers: frames are encrypted (the relay sees no frame magic, payload
// or result), a wrong key and a plaintext peer are refused on both sides with a reason, roles
// are bound to the credentials of per-host key files (FleetKeys), and a flipped, replayed or
// reordered TLS record closes the connection with a line on both sides.
#include "core/fleet/FleetKeys.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "integration/TlsRelay.h"

#include <QSignalSpy>
#include <QTest>

using namespace edgegpt;

namespace {

const QByteArray secret = QByteArrayLiteral("tls-test-fleet-secret-0123456789");
const QByteArray otherSecret = QByteArrayLiteral("another-fleet-secret-9876543210");
const QByteArray marker = QByteArrayLiteral("FEATURE-BYTES-0123456789");

PeerConnection::Options options(const Keyring &keys, const QString &name, const QString &role,
                                const QStringList &peerRoles = {})
{
    PeerConnection::Options o;
    o.keys = keys;
    o.identity = {name, role};
    o.peerRoles = peerRoles;
    o.handshakeTimeoutMs = 4000;
    return o;
}

Keyring fleetKeys(const QByteArray &s = secret)
{
    return *Keyring::fromFleetSecret(s);
}

// Answers every infer-request with a result whose label is recognisable on the wire.
void serveInference(PeerServer &server)
{
    QObject::connect(&server, &PeerServer::peerReady, &server, [](PeerConnection *peer) {
        QObject::connect(peer, &PeerConnection::frameReceived, peer, [peer](const Frame &f) {
            if (f.type != FrameType::InferRequest)
                return;
            InferResultMessage res;
            res.classIndex = f.payload.size();
            res.label = QStringLiteral("SECRET-RESULT-LABEL");
            peer->sendFrame(makeFrame(FrameType::InferResult, res, f.requestId));
        });
    });
}

Fleet twoEdgeFleet()
{
    Fleet fleet;
    const auto host = [](const QString &name, const QString &role, const QString &edge = {}) {
        FleetHost h;
        h.name = name;
        h.role = role;
        h.edge = edge;
        return h;
    };
    fleet.hosts = {host(QStringLiteral("e1"), QStringLiteral("edge")),
                   host(QStringLiteral("e2"), QStringLiteral("edge")),
                   host(QStringLiteral("d1"), QStringLiteral("device"), QStringLiteral("e1")),
                   host(QStringLiteral("d2"), QStringLiteral("device"), QStringLiteral("e2"))};
    return fleet;
}

Keyring keyFileOf(const Fleet &fleet, const QString &name)
{
    // Through the file format, as a host reads it.
    return *Keyring::parseKeyFile(hostKeyring(fleet, *fleet.host(name), secret).toKeyFile());
}

InferRequestMessage request()
{
    InferRequestMessage m;
    m.model = QStringLiteral("splitnet");
    m.split = QStringLiteral("block1");
    m.codec = QStringLiteral("q8-tensor-z3");
    return m;
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

    struct Outcome
    {
        bool clientReady = false;
        QString clientFailure;
        QString serverFailure;
    };

    // Connects client options to server options (directly or through port) and waits until
    // both sides are ready or one has failed and the other followed.
    Outcome attempt(const PeerConnection::Options &serverOptions,
                    const PeerConnection::Options &clientOptions)
    {
        PeerServer server(serverOptions);
        if (!server.listen().ok())
            return {};
        QSignalSpy serverReady(&server, &PeerServer::peerReady);
        QSignalSpy serverFailed(&server, &PeerServer::peerFailed);
        std::unique_ptr<PeerConnection> c(PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), server.port(), clientOptions));
        QSignalSpy ready(c.get(), &PeerConnection::ready);
        QSignalSpy failed(c.get(), &PeerConnection::failed);
        (void)QTest::qWaitFor(
            [&] {
                return (ready.size() > 0 && serverReady.size() > 0) ||
                       (failed.size() > 0 && serverFailed.size() > 0);
            },
            5000);
        Outcome o;
        o.clientReady = ready.size() > 0;
        if (failed.size())
            o.clientFailure = failed.at(0).at(0).toString();
        if (serverFailed.size())
            o.serverFailure = serverFailed.at(0).at(1).toString();
        return o;
    }

private Q_SLOTS:
    void pskKeysAreDerivedPerPair()
    {
        const QByteArray a =
            Keyring::derive(secret, QStringLiteral("device:d1"), QStringLiteral("edge:e1"));
        QCOMPARE(a.size(), Keyring::keyBytes);
        QVERIFY(a !=
                Keyring::derive(secret, QStringLiteral("device:d2"), QStringLiteral("edge:e1")));
        QVERIFY(a !=
                Keyring::derive(secret, QStringLiteral("edge:e1"), QStringLiteral("device:d1")));
        QVERIFY(a != Keyring::derive(otherSecret, QStringLiteral("device:d1"),
                                     QStringLiteral("edge:e1")));
        // A device's key file: its two connections and nothing else, never the secret.
        const Fleet fleet = twoEdgeFleet();
        const QByteArray file =
            hostKeyring(fleet, *fleet.host(QStringLiteral("d1")), secret).toKeyFile();
        QVERIFY(!file.contains(secret) && !file.contains(secret.toHex()));
        const Keyring d1 = *Keyring::parseKeyFile(file);
        QCOMPARE(d1.self(), QStringLiteral("device:d1"));
        QCOMPARE(d1.pairs(), QStringList({QStringLiteral("console:console device:d1"),
                                          QStringLiteral("device:d1 edge:e1")}));
        QVERIFY(!d1.key(QStringLiteral("device:d2"), QStringLiteral("edge:e2")));
        const Keyring e1 = keyFileOf(fleet, QStringLiteral("e1"));
        QCOMPARE(e1.pairs(), QStringList({QStringLiteral("console:console edge:e1"),
                                          QStringLiteral("device:d1 edge:e1")}));
        QCOMPARE(*e1.key(QStringLiteral("device:d1"), QStringLiteral("edge:e1")), a);
        // Bad files are refused with the line.
        QVERIFY(!Keyring::parseKeyFile("edgegpt-keys 1\nself device:d1\nkey a b c\n").ok());
        QVERIFY(!Keyring::parseKeyFile("edgegpt-keys 1\nself Robot x\n").ok());
        QVERIFY(!Keyring::parseKeyFile("edgegpt-keys 1\nself device:d1\n").ok()); // no key
    }

    void encryptedRoundTripRelaySeesNoPlaintext()
    {
        PeerServer server(options(fleetKeys(), QStringLiteral("e1"), QStringLiteral("edge"),
                                  {QStringLiteral("device"), QStringLiteral("console")}));
        QVERIFY(server.listen().ok());
        serveInference(server);
        QSignalSpy serverReady(&server, &PeerServer::peerReady);
        TlsRelay relay(server.port());
        std::unique_ptr<PeerConnection> c(PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), relay.port(),
            options(fleetKeys(), QStringLiteral("d1"), QStringLiteral("device"),
                    {QStringLiteral("edge")})));
        QSignalSpy ready(c.get(), &PeerConnection::ready);
        QVERIFY(ready.wait(5000));
        QVERIFY(c->isEncrypted());
        QCOMPARE(c->peerCredential(), QStringLiteral("edge:e1"));
        QCOMPARE(c->peer().name, QStringLiteral("e1"));
        QTRY_COMPARE_WITH_TIMEOUT(serverReady.size(), 1, 3000);
        auto *serverSide = serverReady.at(0).at(0).value<PeerConnection *>();
        QCOMPARE(serverSide->peerCredential(), QStringLiteral("device:d1"));
        QCOMPARE(serverSide->peer().role, QStringLiteral("device"));

        QSignalSpy frames(c.get(), &PeerConnection::frameReceived);
        QByteArray payload;
        for (int i = 0; i < 40; ++i)
            payload += marker;
        const qint64 wireBefore = c->wireBytesWritten();
        QVERIFY(c->sendRequest(FrameType::InferRequest, request().toCbor(), payload).ok());
        QVERIFY(frames.wait(3000));
        // What TLS adds to a frame: one record, 5 bytes of header and a 16-byte Poly1305 tag
        // (docs/benchmarks.md, "TLS").
        Frame sent = makeFrame(FrameType::InferRequest, request(), 1, payload);
        QCOMPARE(c->wireBytesWritten() - wireBefore, encodeFrame(sent)->size() + 21);
        const Frame f = frames.at(0).at(0).value<Frame>();
        QCOMPARE(InferResultMessage::fromCbor(f.control)->label,
                 QStringLiteral("SECRET-RESULT-LABEL"));
        QVERIFY(c->wireBytesWritten() > payload.size());
        // What crossed the relay: TLS records only.
        QVERIFY(relay.recorded.size() > payload.size());
        for (const QByteArray &plain :
             {marker, QByteArray("SECRET-RESULT-LABEL"), QByteArray("EGPF"), QByteArray("splitnet"),
              QByteArray("q8-tensor-z3")})
            QVERIFY2(!relay.recorded.contains(plain), plain.constData());
        // The PSK identity is sent in the clear (it names who connects, not a secret).
        QVERIFY(relay.recorded.contains("device:d1"));
    }

    void wrongKeyRefusedOnBothSides()
    {
        const Outcome o = attempt(
            options(fleetKeys(), QStringLiteral("e1"), QStringLiteral("edge")),
            options(fleetKeys(otherSecret), QStringLiteral("d1"), QStringLiteral("device")));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.clientFailure.contains(QLatin1String("TLS handshake failed")),
                 qPrintable(o.clientFailure));
        QVERIFY2(o.serverFailure.contains(QLatin1String("TLS handshake failed for credential "
                                                        "device:d1")),
                 qPrintable(o.serverFailure));
    }

    void plaintextPeerRefused()
    {
        PeerConnection::Options plain =
            options(fleetKeys(), QStringLiteral("d1"), QStringLiteral("device"));
        plain.tls = false;
        Outcome o =
            attempt(options(fleetKeys(), QStringLiteral("e1"), QStringLiteral("edge")), plain);
        QVERIFY(!o.clientReady);
        QVERIFY2(o.serverFailure.contains(QLatin1String("plaintext")), qPrintable(o.serverFailure));
        QVERIFY(!o.clientFailure.isEmpty());

        // And a TLS client refuses a plaintext server.
        PeerConnection::Options plainServer =
            options(fleetKeys(), QStringLiteral("e1"), QStringLiteral("edge"));
        plainServer.tls = false;
        o = attempt(plainServer,
                    options(fleetKeys(), QStringLiteral("d1"), QStringLiteral("device")));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.clientFailure.contains(QLatin1String("plaintext")), qPrintable(o.clientFailure));
        QVERIFY(!o.serverFailure.isEmpty());
    }

    void rolesAreBoundToCredentials()
    {
        const Fleet fleet = twoEdgeFleet();
        const QStringList edgeAccepts{QStringLiteral("device"), QStringLiteral("console")};
        const QStringList consoleOnly{QStringLiteral("console")};
        const Keyring console = *Keyring::parseKeyFile(consoleKeyring(fleet, secret).toKeyFile());

        // The genuine pairs work: d1 -> e1, console -> e1, console -> d1.
        QVERIFY(attempt(options(keyFileOf(fleet, QStringLiteral("e1")), {}, {}, edgeAccepts),
                        options(keyFileOf(fleet, QStringLiteral("d1")), {}, {},
                                {QStringLiteral("edge")}))
                    .clientReady);
        QVERIFY(attempt(options(keyFileOf(fleet, QStringLiteral("e1")), {}, {}, edgeAccepts),
                        options(console, {}, {}))
                    .clientReady);
        QVERIFY(attempt(options(keyFileOf(fleet, QStringLiteral("d1")), {}, {}, consoleOnly),
                        options(console, {}, {}))
                    .clientReady);

        // A device's credential where a console's is required (d1 at d2's control port), even
        // if it claims to be the console: its key file says who it is, and holds no such key.
        Outcome o = attempt(options(keyFileOf(fleet, QStringLiteral("d2")), {}, {}, consoleOnly),
                            options(keyFileOf(fleet, QStringLiteral("d1")),
                                    QStringLiteral("console"), QStringLiteral("console")));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.clientFailure.contains(QLatin1String("holds no key for device:d1 -> "
                                                        "device:d2")),
                 qPrintable(o.clientFailure));
        // And were it to hold one (here: derived from the fleet secret), the server refuses the
        // role before it looks for a key.
        o = attempt(options(keyFileOf(fleet, QStringLiteral("d2")), {}, {}, consoleOnly),
                    options(fleetKeys(), QStringLiteral("d1"), QStringLiteral("device")));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.serverFailure.contains(QLatin1String("refused credential device:d1: role device "
                                                        "may not connect here")),
                 qPrintable(o.serverFailure));

        // A device posing as an edge: d2 expects an edge; d1's keys make it device:d1.
        o = attempt(
            options(keyFileOf(fleet, QStringLiteral("d1")), QStringLiteral("e2"),
                    QStringLiteral("edge"), edgeAccepts),
            options(keyFileOf(fleet, QStringLiteral("d2")), {}, {}, {QStringLiteral("edge")}));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.clientFailure.contains(QLatin1String("refused server credential device:d1")),
                 qPrintable(o.clientFailure));

        // A device at another device's edge: d2 holds no key for e1, e1 none for d2.
        o = attempt(options(keyFileOf(fleet, QStringLiteral("e1")), {}, {}, edgeAccepts),
                    options(keyFileOf(fleet, QStringLiteral("d2")), {}, {}));
        QVERIFY(!o.clientReady);
        QVERIFY2(o.clientFailure.contains(QLatin1String("holds no key")),
                 qPrintable(o.clientFailure));
        QVERIFY(!o.serverFailure.isEmpty());
    }

    void tamperedRecordsCloseBothSides_data()
    {
        QTest::addColumn<int>("attack");
        QTest::newRow("flip") << int(TlsRelay::Attack::Flip);
        QTest::newRow("replay") << int(TlsRelay::Attack::Replay);
        QTest::newRow("reorder") << int(TlsRelay::Attack::Reorder);
    }

    void tamperedRecordsCloseBothSides()
    {
        QFETCH(int, attack);
        PeerServer server(options(fleetKeys(), QStringLiteral("e1"), QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        QSignalSpy serverFailed(&server, &PeerServer::peerFailed);
        // Client records: hello, response, then requests; the first request is tampered with.
        TlsRelay relay(server.port(), TlsRelay::Attack(attack), 3);
        std::unique_ptr<PeerConnection> c(PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), relay.port(),
            options(fleetKeys(), QStringLiteral("d1"), QStringLiteral("device"))));
        QSignalSpy ready(c.get(), &PeerConnection::ready);
        QSignalSpy failed(c.get(), &PeerConnection::failed);
        QSignalSpy closed(c.get(), &PeerConnection::closed);
        QSignalSpy frames(c.get(), &PeerConnection::frameReceived);
        QVERIFY(ready.wait(5000));
        QVERIFY(c->sendRequest(FrameType::InferRequest, request().toCbor(), marker).ok());
        QTest::qWait(50);
        if (c->isReady())
            c->sendRequest(FrameType::InferRequest, request().toCbor(), marker);
        (void)QTest::qWaitFor([&] { return closed.size() > 0; }, 5000);
        QCOMPARE(closed.size(), 1);
        QVERIFY(relay.attacked());
        QTRY_COMPARE_WITH_TIMEOUT(serverFailed.size(), 1, 3000);
        QVERIFY2(serverFailed.at(0).at(1).toString().contains(
                     QLatin1String("a record failed its check")),
                 qPrintable(serverFailed.at(0).at(1).toString()));
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("TLS connection with "
                                                                      "edge:e1")),
                 qPrintable(failed.at(0).at(0).toString()));
        // No tampered request was answered.
        for (const QList<QVariant> &f : frames)
            QVERIFY(f.at(0).value<Frame>().type != FrameType::InferResult);
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
