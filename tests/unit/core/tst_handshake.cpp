// The handshake: the pure state machine (same token, wrong token on either side, version
// mismatch, frames before authentication), the token file loader, and the handshake over
// loopback sockets through a recording relay that proves the token never crosses the wire.
#include "core/protocol/Handshake.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"

#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

const QByteArray token = QByteArrayLiteral("fleet-token-0123456789-abcdef");
const QByteArray otherToken = QByteArrayLiteral("another-token-9876543210-zyxwv");

struct Pair
{
    Handshake client;
    Handshake server;
    Pair(const QByteArray &clientToken, const QByteArray &serverToken)
        : client(Handshake::Role::Client, clientToken,
                 {QStringLiteral("dev"), QStringLiteral("device")})
        , server(Handshake::Role::Server, serverToken,
                 {QStringLiteral("edge"), QStringLiteral("edge")})
    {}
    // Passes frames back and forth until neither side has anything to say.
    void run()
    {
        QList<Frame> toServer = client.start();
        server.start();
        for (int round = 0; round < 10 && !toServer.isEmpty(); ++round) {
            QList<Frame> toClient;
            for (const Frame &f : toServer)
                toClient += server.handle(f);
            toServer.clear();
            for (const Frame &f : toClient)
                toServer += client.handle(f);
        }
    }
};

// A TCP relay that records every byte it passes, in both directions.
class RecordingRelay : public QObject
{
public:
    explicit RecordingRelay(quint16 targetPort)
        : m_target(targetPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                auto *out = new QTcpSocket(in);
                out->connectToHost(QHostAddress::LocalHost, m_target);
                connect(in, &QTcpSocket::readyRead, out, [this, in, out] {
                    const QByteArray b = in->readAll();
                    recorded += b;
                    out->write(b);
                });
                connect(out, &QTcpSocket::readyRead, in, [this, in, out] {
                    const QByteArray b = out->readAll();
                    recorded += b;
                    in->write(b);
                });
                connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
                connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray recorded;

private:
    QTcpServer m_server;
    quint16 m_target;
};

PeerConnection::Options options(const QByteArray &secret, const QString &name)
{
    PeerConnection::Options o;
    o.keys = *Keyring::fromFleetSecret(secret);
    o.tls = false;
    o.identity = {name, QStringLiteral("edge")};
    o.handshakeTimeoutMs = 3000;
    return o;
}

QString writeTokenFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content,
                       QFileDevice::Permissions permissions)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    f.close();
    f.setPermissions(permissions);
    return path;
}

} // namespace

class TestHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A new token: owner-only, loadable, of the documented length; an existing file is kept.
    void createdTokenIsOwnerOnlyAndLoads()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fleet.token"));
        QVERIFY(FleetToken::create(path).ok());
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const Result<FleetToken> token = FleetToken::load(path);
        QVERIFY2(token.ok(), qPrintable(token.error()));
        QCOMPARE(token->secret.size(), 64); // 32 random bytes as hex
        QVERIFY(token->warnings.isEmpty());
        QVERIFY(!FleetToken::create(path).ok()); // never overwritten
        QCOMPARE(FleetToken::load(path)->secret, token->secret);
    }

    void sameTokenSucceeds()
    {
        Pair p(token, token);
        p.run();
        QVERIFY2(p.client.done(), qPrintable(p.client.error()));
        QVERIFY2(p.server.done(), qPrintable(p.server.error()));
        QCOMPARE(p.server.peer().name, QStringLiteral("dev"));
        QCOMPARE(p.server.peer().role, QStringLiteral("device"));
        QCOMPARE(p.client.peer().name, QStringLiteral("edge"));
    }

    void wrongTokenFailsOnServer()
    {
        Pair p(otherToken, token);
        p.run();
        QVERIFY(p.server.failed());
        QCOMPARE(p.server.errorCode(), error_code::authFailed());
        QVERIFY(p.client.failed()); // told by the server's error frame
        QCOMPARE(p.client.errorCode(), error_code::authFailed());
        QVERIFY(!p.client.done() && !p.server.done());
    }

    void serverWithWrongTokenFailsOnClient()
    {
        // A server that does not hold the token (it skips checking the client's proof, as an
        // impostor would) cannot produce the server proof: the client refuses it.
        Handshake client(Handshake::Role::Client, token, {});
        const QList<Frame> hello = client.start();
        QCOMPARE(hello.size(), 1);
        const QByteArray clientNonce = HelloMessage::fromCbor(hello[0].control)->nonce;
        ChallengeMessage challenge;
        challenge.nonce = Handshake::makeNonce();
        const QList<Frame> response = client.handle(makeFrame(FrameType::Challenge, challenge));
        QCOMPARE(response.size(), 1);
        QCOMPARE(response[0].type, FrameType::Response);
        OkMessage ok;
        ok.proof =
            Handshake::proof(otherToken, Handshake::Role::Server, clientNonce, challenge.nonce);
        const QList<Frame> reply = client.handle(makeFrame(FrameType::Ok, ok));
        QVERIFY(client.failed());
        QCOMPARE(client.errorCode(), error_code::authFailed());
        QCOMPARE(reply.size(), 1);
        QCOMPARE(reply[0].type, FrameType::Error);

        // Replaying the client's own proof as the server's does not work either (labels differ).
        Handshake client2(Handshake::Role::Client, token, {});
        const QByteArray nonce2 = HelloMessage::fromCbor(client2.start()[0].control)->nonce;
        const QList<Frame> resp2 = client2.handle(makeFrame(FrameType::Challenge, challenge));
        ok.proof = ResponseMessage::fromCbor(resp2[0].control)->proof;
        client2.handle(makeFrame(FrameType::Ok, ok));
        QVERIFY(client2.failed());
        QVERIFY(nonce2 != clientNonce);
    }

    void proofsAreHmacSha256OverBothNonces()
    {
        const QByteArray a = Handshake::makeNonce();
        const QByteArray b = Handshake::makeNonce();
        QCOMPARE(a.size(), handshakeNonceBytes);
        QVERIFY(a != b);
        const QByteArray p = Handshake::proof(token, Handshake::Role::Client, a, b);
        QCOMPARE(p.size(), 32);
        QVERIFY(p != Handshake::proof(token, Handshake::Role::Server, a, b));
        QVERIFY(p != Handshake::proof(token, Handshake::Role::Client, b, a));
        QVERIFY(p != Handshake::proof(otherToken, Handshake::Role::Client, a, b));
        QVERIFY(Handshake::constantTimeEquals(p, p));
        QByteArray q = p;
        q[31] = char(q[31] ^ 1);
        QVERIFY(!Handshake::constantTimeEquals(p, q));
        QVERIFY(!Handshake::constantTimeEquals(p, p.left(31)));
    }

    void versionMismatchRefused()
    {
        Handshake server(Handshake::Role::Server, token, {});
        server.start();
        // A peer of protocol 1 (text keys in the per-inference maps) is refused.
        HelloMessage hello;
        hello.protocol = 1;
        hello.nonce = Handshake::makeNonce();
        const QList<Frame> out = server.handle(makeFrame(FrameType::Hello, hello));
        QVERIFY(server.failed());
        QCOMPARE(server.errorCode(), error_code::unsupportedVersion());
        QCOMPARE(out.size(), 1);
        QCOMPARE(out[0].type, FrameType::Error);
        QVERIFY(server.error().contains(QLatin1String("version 1")));
    }

    void framesBeforeAuthenticationRefused()
    {
        for (FrameType t : {FrameType::InferRequest, FrameType::Ping, FrameType::MetricsSubscribe,
                            FrameType::Response, FrameType::Ok}) {
            Handshake server(Handshake::Role::Server, token, {});
            server.start();
            Frame f;
            f.type = t;
            const QList<Frame> out = server.handle(f);
            QVERIFY(server.failed());
            QCOMPARE(out.size(), 1);
            QCOMPARE(out[0].type, FrameType::Error);
            const QString code = ErrorMessage::fromCbor(out[0].control)->code;
            QCOMPARE(code, isHandshakeFrameType(t) ? error_code::badRequest()
                                                   : error_code::unauthenticated());
        }
        // A client that gets a request instead of a challenge refuses too.
        Handshake client(Handshake::Role::Client, token, {});
        client.start();
        Frame f;
        f.type = FrameType::InferResult;
        client.handle(f);
        QVERIFY(client.failed());
    }

    void tokenFileLoader()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

        const Result<FleetToken> good =
            FleetToken::load(writeTokenFile(dir, QStringLiteral("good"), token + "\n", owner));
        QVERIFY2(good.ok(), qPrintable(good.error()));
        QCOMPARE(good->secret, token);
        QVERIFY(good->warnings.isEmpty());

        QVERIFY(!FleetToken::load(dir.filePath(QStringLiteral("missing"))).ok());
        const Result<FleetToken> empty =
            FleetToken::load(writeTokenFile(dir, QStringLiteral("empty"), "", owner));
        QVERIFY(!empty.ok());
        QVERIFY2(empty.error().contains(QLatin1String("empty")), qPrintable(empty.error()));
        QVERIFY(
            !FleetToken::load(writeTokenFile(dir, QStringLiteral("blank"), " \n\t\n", owner)).ok());
        QVERIFY(!FleetToken::load(writeTokenFile(dir, QStringLiteral("short"), "abc123\n", owner))
                     .ok());
        QVERIFY(
            !FleetToken::load(writeTokenFile(dir, QStringLiteral("big"),
                                             QByteArray(FleetToken::maxFileBytes + 1, 'x'), owner))
                 .ok());
        QVERIFY(!FleetToken::load(dir.path()).ok()); // a directory

#ifdef Q_OS_UNIX
        const Result<FleetToken> world = FleetToken::load(
            writeTokenFile(dir, QStringLiteral("world"), token, owner | QFileDevice::ReadOther));
        QVERIFY(!world.ok());
        QVERIFY2(world.error().contains(QLatin1String("chmod 600")), qPrintable(world.error()));
        QVERIFY(!FleetToken::load(writeTokenFile(dir, QStringLiteral("gw"), token,
                                                 owner | QFileDevice::WriteGroup))
                     .ok());
        const Result<FleetToken> group = FleetToken::load(
            writeTokenFile(dir, QStringLiteral("group"), token, owner | QFileDevice::ReadGroup));
        QVERIFY2(group.ok(), qPrintable(group.error()));
        QCOMPARE(group->warnings.size(), 1);
#endif
    }

    void socketHandshakeNeverSendsToken()
    {
        PeerServer server(options(token, QStringLiteral("edge-1")));
        QVERIFY(server.listen().ok());
        QSignalSpy serverReady(&server, &PeerServer::peerReady);
        RecordingRelay relay(server.port());
        QVERIFY(relay.port() != 0);

        PeerConnection *client =
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), relay.port(),
                                          options(token, QStringLiteral("dev-1")), this);
        QSignalSpy clientReady(client, &PeerConnection::ready);
        QSignalSpy clientFailed(client, &PeerConnection::failed);
        QTRY_COMPARE_WITH_TIMEOUT(clientReady.size(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(serverReady.size(), 1, 3000);
        QCOMPARE(clientFailed.size(), 0);
        QCOMPARE(client->peer().name, QStringLiteral("edge-1"));
        auto *serverSide = serverReady.at(0).at(0).value<PeerConnection *>();
        QCOMPARE(serverSide->peer().name, QStringLiteral("dev-1"));

        // Some traffic after the handshake, then scan everything that crossed the wire.
        QSignalSpy frames(client, &PeerConnection::frameReceived);
        QVERIFY(client->sendRequest(FrameType::Ping, PingMessage{5}.toCbor()).ok());
        QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 1, 3000);
        QVERIFY(relay.recorded.size() > 4 * frame_format::overheadBytes);
        QVERIFY(relay.recorded.contains("EGPF"));
        for (const QByteArray &form : {token, token.toHex(), token.toBase64(), token.left(12)})
            QVERIFY2(!relay.recorded.contains(form), form.constData());
        delete client;
    }

    void socketHandshakeWrongTokenFailsOnBothSides()
    {
        PeerServer server(options(token, QStringLiteral("edge-1")));
        QVERIFY(server.listen().ok());
        QSignalSpy serverReady(&server, &PeerServer::peerReady);
        QSignalSpy serverFailed(&server, &PeerServer::peerFailed);
        PeerConnection *client =
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), server.port(),
                                          options(otherToken, QStringLiteral("dev")), this);
        QSignalSpy clientFailed(client, &PeerConnection::failed);
        QSignalSpy clientClosed(client, &PeerConnection::closed);
        QTRY_COMPARE_WITH_TIMEOUT(clientFailed.size(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(serverFailed.size(), 1, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(clientClosed.size(), 1, 3000);
        QVERIFY2(clientFailed.at(0).at(0).toString().contains(QLatin1String("token")),
                 qPrintable(clientFailed.at(0).at(0).toString()));
        QCOMPARE(serverReady.size(), 0);
        QVERIFY(!client->isReady());
        QTRY_COMPARE_WITH_TIMEOUT(server.connections().size(), 0, 3000);
        delete client;
    }

    void handshakeTimesOut()
    {
        PeerConnection::Options o = options(token, QStringLiteral("edge"));
        o.handshakeTimeoutMs = 300;
        PeerServer server(o);
        QVERIFY(server.listen().ok());
        QSignalSpy serverFailed(&server, &PeerServer::peerFailed);
        QTcpSocket silent;
        QByteArray received;
        connect(&silent, &QTcpSocket::readyRead, this, [&] { received += silent.readAll(); });
        QElapsedTimer clock;
        clock.start();
        silent.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(silent.waitForConnected(3000));
        QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 3000);
        QVERIFY(clock.elapsed() >= 250);
        QCOMPARE(serverFailed.size(), 1);
        QVERIFY(serverFailed.at(0).at(1).toString().contains(QLatin1String("300 ms")));
        FrameReader reader;
        QVERIFY(reader.feed(received));
        QVERIFY(reader.hasFrame());
        const Frame f = reader.takeFrame();
        QCOMPARE(f.type, FrameType::Error);
        QCOMPARE(ErrorMessage::fromCbor(f.control)->code, error_code::timeout());
    }
};

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
