// PeerConnection and PeerServer over loopback: requests and replies with ids, pings, and the error
// behaviour: an unauthenticated request or a bad frame is answered with an error frame and closes
// that connection only, while an authenticated connection on the same server keeps working.
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

#include <zlib.h>

using namespace edgegpt;

namespace {

const QByteArray token = QByteArrayLiteral("peer-connection-test-token-42");

PeerConnection::Options options(const QString &name)
{
    PeerConnection::Options o;
    // Frame-level behaviour (raw sockets write frames): plaintext with the HMAC handshake on
    // the fleet secret; TLS has its own tests (tst_tls).
    o.keys = *Keyring::fromFleetSecret(token);
    o.tls = false;
    o.identity = {name, QStringLiteral("edge")};
    o.handshakeTimeoutMs = 3000;
    return o;
}

// A toy edge: answers every infer-request with a result that echoes the payload size.
void serveInference(PeerServer &server)
{
    QObject::connect(&server, &PeerServer::peerReady, &server, [](PeerConnection *peer) {
        QObject::connect(peer, &PeerConnection::frameReceived, peer, [peer](const Frame &f) {
            if (f.type != FrameType::InferRequest)
                return;
            const Result<InferRequestMessage> req = InferRequestMessage::fromCbor(f.control);
            if (!req.ok()) {
                peer->sendError(f.requestId, error_code::badRequest(), req.error());
                return;
            }
            InferResultMessage res;
            res.classIndex = f.payload.size();
            res.label = req->model;
            peer->sendFrame(makeFrame(FrameType::InferResult, res, f.requestId));
        });
    });
}

// A raw socket that records what it receives until the server closes it.
struct RawClient
{
    QTcpSocket socket;
    QByteArray received;
    explicit RawClient(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [this] { received += socket.readAll(); });
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    QList<Frame> frames() const
    {
        FrameReader reader;
        reader.feed(received);
        QList<Frame> out;
        while (reader.hasFrame())
            out.append(reader.takeFrame());
        return out;
    }
};

InferRequestMessage request()
{
    InferRequestMessage m;
    m.model = QStringLiteral("splitnet");
    m.split = QStringLiteral("block1");
    m.codec = QStringLiteral("q8-tensor-z3");
    return m;
}

} // namespace

class TestPeerConnection : public QObject
{
    Q_OBJECT

    PeerConnection *connectReady(PeerServer &server, const QString &name)
    {
        PeerConnection *c = PeerConnection::connectToHost(QStringLiteral("127.0.0.1"),
                                                          server.port(), options(name), this);
        QSignalSpy ready(c, &PeerConnection::ready);
        if (!ready.wait(3000) && !c->isReady())
            qWarning("connection %s did not become ready", qPrintable(name));
        return c;
    }

    // Sends one infer-request on c and waits for its result; returns the class (payload size).
    qint64 roundTrip(PeerConnection *c, int payloadBytes)
    {
        QSignalSpy frames(c, &PeerConnection::frameReceived);
        const Result<quint32> id = c->sendRequest(FrameType::InferRequest, request().toCbor(),
                                                  QByteArray(payloadBytes, 'f'));
        if (!id.ok() || !frames.wait(3000))
            return -2;
        const Frame f = frames.at(0).at(0).value<Frame>();
        if (f.type != FrameType::InferResult || f.requestId != *id)
            return -3;
        return InferResultMessage::fromCbor(f.control)->classIndex;
    }

private Q_SLOTS:
    void requestsAndReplies()
    {
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        PeerConnection *c = connectReady(server, QStringLiteral("dev"));
        QVERIFY(c->isReady());
        QCOMPARE(roundTrip(c, 1234), 1234);
        QCOMPARE(roundTrip(c, 0), 0);
        QCOMPARE(roundTrip(c, 3 * 1024 * 1024), 3 * 1024 * 1024);

        // Request ids count up; the pong echoes the ping's id and map.
        QSignalSpy frames(c, &PeerConnection::frameReceived);
        const Result<quint32> a = c->sendRequest(FrameType::Ping, PingMessage{77}.toCbor());
        const Result<quint32> b = c->sendRequest(FrameType::Ping, PingMessage{78}.toCbor());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(*b, *a + 1);
        QTRY_COMPARE_WITH_TIMEOUT(frames.size(), 2, 3000);
        const Frame pong = frames.at(1).at(0).value<Frame>();
        QCOMPARE(pong.type, FrameType::Pong);
        QCOMPARE(pong.requestId, *b);
        QCOMPARE(PingMessage::fromCbor(pong.control)->sentMs, 78);

        // A request the edge refuses comes back as an error for that id; the connection stays.
        QSignalSpy errors(c, &PeerConnection::peerError);
        const Result<quint32> bad = c->sendRequest(FrameType::InferRequest, QCborMap());
        QVERIFY(bad.ok());
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 3000);
        QCOMPARE(errors.at(0).at(0).toUInt(), *bad);
        QCOMPARE(errors.at(0).at(1).toString(), error_code::badRequest());
        QVERIFY(c->isReady());
        QCOMPARE(roundTrip(c, 10), 10);
        delete c;
    }

    void sendingBeforeReadyIsRefused()
    {
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        PeerConnection *c = PeerConnection::connectToHost(
            QStringLiteral("127.0.0.1"), server.port(), options(QStringLiteral("d")));
        const Result<quint32> r = c->sendRequest(FrameType::Ping, {});
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QLatin1String("handshake")), qPrintable(r.error()));
        delete c;
    }

    void unauthenticatedRequestRefusedOthersKeepWorking()
    {
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        QSignalSpy failures(&server, &PeerServer::peerFailed);
        PeerConnection *good = connectReady(server, QStringLiteral("good"));
        QVERIFY(good->isReady());

        RawClient intruder(server.port());
        QVERIFY(intruder.socket.waitForConnected(3000));
        const Frame f = makeFrame(FrameType::InferRequest, request(), 1, QByteArray(100, 'x'));
        intruder.socket.write(*encodeFrame(f));
        QTRY_COMPARE_WITH_TIMEOUT(intruder.socket.state(), QAbstractSocket::UnconnectedState, 3000);
        const QList<Frame> answers = intruder.frames();
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers[0].type, FrameType::Error);
        QCOMPARE(ErrorMessage::fromCbor(answers[0].control)->code, error_code::unauthenticated());
        QCOMPARE(failures.size(), 1);

        // The authenticated connection did not notice.
        QVERIFY(good->isReady());
        QCOMPARE(roundTrip(good, 500), 500);
        QTRY_COMPARE_WITH_TIMEOUT(server.connections().size(), 1, 3000);
        QCOMPARE(server.readyCount(), 1);
        delete good;
    }

    void badFrameClosesThatConnectionOnly()
    {
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        PeerConnection *good = connectReady(server, QStringLiteral("good"));
        PeerConnection *bad = connectReady(server, QStringLiteral("bad"));
        QVERIFY(good->isReady() && bad->isReady());
        QCOMPARE(server.readyCount(), 2);
        QSignalSpy badFailed(bad, &PeerConnection::failed);
        QSignalSpy badClosed(bad, &PeerConnection::closed);

        // An authenticated peer that sends a corrupted frame (CRC broken) is cut off.
        QByteArray corrupt = *encodeFrame(makeFrame(FrameType::InferRequest, request(), 5));
        corrupt[corrupt.size() - 1] = char(corrupt[corrupt.size() - 1] ^ 0x40);
        bad->socket()->write(corrupt);
        QTRY_COMPARE_WITH_TIMEOUT(badClosed.size(), 1, 3000);
        // It was told why before the close: the server's error frame.
        QVERIFY(badFailed.size() >= 1);
        QVERIFY2(badFailed.at(0).at(0).toString().contains(QLatin1String("CRC")),
                 qPrintable(badFailed.at(0).at(0).toString()));

        QVERIFY(good->isReady());
        QCOMPARE(roundTrip(good, 64), 64);
        QTRY_COMPARE_WITH_TIMEOUT(server.readyCount(), 1, 3000);

        // Garbage from a stranger, and a 4 GiB announcement, likewise.
        QByteArray huge = QByteArray::fromHex("45475046010100000000000100000000ffffffff00000000");
        qToBigEndian<quint32>(
            quint32(crc32_z(0L, reinterpret_cast<const Bytef *>(huge.constData()), 20)),
            huge.data() + 20);
        for (const QByteArray &junk : {QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), huge}) {
            RawClient stranger(server.port());
            QVERIFY(stranger.socket.waitForConnected(3000));
            stranger.socket.write(junk);
            QTRY_COMPARE_WITH_TIMEOUT(stranger.socket.state(), QAbstractSocket::UnconnectedState,
                                      3000);
            const QList<Frame> answers = stranger.frames();
            QCOMPARE(answers.size(), 1);
            QCOMPARE(ErrorMessage::fromCbor(answers[0].control)->code, error_code::badFrame());
            QCOMPARE(roundTrip(good, 7), 7);
        }
        delete bad;
        delete good;
    }

    void strangersCannotSendLargeFrames()
    {
        // 1 MiB is fine after the handshake but refused from the header before it.
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        RawClient stranger(server.port());
        QVERIFY(stranger.socket.waitForConnected(3000));
        HelloMessage hello;
        hello.nonce = QByteArray(handshakeNonceBytes, 'n');
        const QByteArray big =
            *encodeFrame(makeFrame(FrameType::Hello, hello, 0, QByteArray(1024 * 1024, 'x')));
        stranger.socket.write(big.left(frame_format::headerBytes));
        QTRY_COMPARE_WITH_TIMEOUT(stranger.socket.state(), QAbstractSocket::UnconnectedState, 3000);
        const QList<Frame> answers = stranger.frames();
        QCOMPARE(answers.size(), 1);
        QCOMPARE(ErrorMessage::fromCbor(answers[0].control)->code, error_code::badFrame());
        QVERIFY(ErrorMessage::fromCbor(answers[0].control)
                    ->message.contains(QLatin1String("limit of 65536")));

        PeerConnection *c = connectReady(server, QStringLiteral("dev"));
        QVERIFY(c->isReady());
        QCOMPARE(roundTrip(c, 1024 * 1024), 1024 * 1024);
        delete c;
    }

    void abortOnShapedLinkKeepsFramesWhole()
    {
        // The server's link is slow; while a 100 KB result is part-way through its shaper the
        // client misbehaves. The client must still get the whole result, then the error.
        PeerConnection::Options o = options(QStringLiteral("edge"));
        o.link.rateKBps = 200;
        PeerServer server(o);
        QVERIFY(server.listen().ok());
        QSignalSpy serverReady(&server, &PeerServer::peerReady);
        PeerConnection *c = connectReady(server, QStringLiteral("dev"));
        QVERIFY(c->isReady());
        QTRY_COMPARE_WITH_TIMEOUT(serverReady.size(), 1, 3000);
        auto *serverSide = serverReady.at(0).at(0).value<PeerConnection *>();

        QSignalSpy frames(c, &PeerConnection::frameReceived);
        QSignalSpy failed(c, &PeerConnection::failed);
        QSignalSpy closed(c, &PeerConnection::closed);
        InferResultMessage res;
        res.classIndex = 1;
        QVERIFY(serverSide
                    ->sendFrame(makeFrame(FrameType::InferResult, res, 3, QByteArray(100000, 'r')))
                    .ok());
        QTest::qWait(150); // about 30 KB have left
        QVERIFY(serverSide->shaper()->queuedBytes() > 20000);
        c->socket()->write("garbage");
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 3000);
        QCOMPARE(frames.size(), 2); // the result, whole, then the error
        const Frame result = frames.at(0).at(0).value<Frame>();
        QCOMPARE(result.type, FrameType::InferResult);
        QCOMPARE(result.payload, QByteArray(100000, 'r'));
        QCOMPARE(frames.at(1).at(0).value<Frame>().type, FrameType::Error);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("bad magic")),
                 qPrintable(failed.at(0).at(0).toString()));
        delete c;
    }

    void handshakeFrameAfterReadyCloses()
    {
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        PeerConnection *c = connectReady(server, QStringLiteral("dev"));
        QVERIFY(c->isReady());
        QSignalSpy closed(c, &PeerConnection::closed);
        HelloMessage hello;
        hello.nonce = QByteArray(handshakeNonceBytes, 'x');
        QVERIFY(!c->sendFrame(makeFrame(FrameType::Hello, hello)).ok()); // refused locally
        c->socket()->write(*encodeFrame(makeFrame(FrameType::Hello, hello)));
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 3000);
        delete c;
    }

    void busyServerRefusesExtraConnections()
    {
        PeerServer server(options(QStringLiteral("edge")));
        server.setMaxConnections(1);
        QVERIFY(server.listen().ok());
        PeerConnection *first = connectReady(server, QStringLiteral("first"));
        QVERIFY(first->isReady());
        RawClient extra(server.port());
        QTRY_COMPARE_WITH_TIMEOUT(extra.socket.state(), QAbstractSocket::UnconnectedState, 3000);
        const QList<Frame> answers = extra.frames();
        QCOMPARE(answers.size(), 1);
        QCOMPARE(ErrorMessage::fromCbor(answers[0].control)->code, error_code::busy());
        QVERIFY(first->isReady());
        delete first;
    }

    void shapedConnectionStillWorks()
    {
        // The client's bytes go through a shaper with delay; the round trip takes at least it.
        PeerServer server(options(QStringLiteral("edge")));
        QVERIFY(server.listen().ok());
        serveInference(server);
        PeerConnection::Options o = options(QStringLiteral("dev"));
        o.link.delayMs = 60;
        PeerConnection *c =
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), server.port(), o, this);
        QSignalSpy ready(c, &PeerConnection::ready);
        QVERIFY(ready.wait(3000));
        QElapsedTimer t;
        t.start();
        QCOMPARE(roundTrip(c, 100), 100);
        QVERIFY2(t.elapsed() >= 55, qPrintable(QString::number(t.elapsed())));
        delete c;
    }
};

QTEST_GUILESS_MAIN(TestPeerConnection)
#include "tst_peer_connection.moc"
