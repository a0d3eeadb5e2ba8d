// PeerConnection: one framed, authenticated connection over a QSslSocket, in the client or the
// server role. By default (Options::tls) the socket speaks TLS 1.2 with a pre-shared key
// (ECDHE-PSK-CHACHA20-POLY1305): the client's PSK identity is its credential "role:name", the
// server's identity hint is its own, and each side takes the pair's key from its Keyring
// (Keyring.h) after checking the other's role against Options::peerRoles. Every byte after that
// is encrypted and authenticated by TLS (its record MAC and sequence numbers refuse altered,
// replayed and reordered records: the connection closes and failed() says why). Inside the TLS
// channel it runs the frame handshake (Handshake.h) keyed with the pair's key, under a timeout,
// and checks that the names there match the credentials. It reads frames with a
// FrameReader, numbers requests, answers pings, and sends every outgoing byte through its
// LinkShaper (transparent unless link settings are given). Errors are values and signals:
//   - before the handshake is done, any frame other than a handshake frame is answered with an
//     error frame ("unauthenticated") and the connection is closed;
//   - a bad frame (bad magic, version, size, CRC, control...) is answered with an error frame
//     ("bad-frame") naming the problem, and the connection is closed;
//   - either way only THIS connection ends; a PeerServer keeps serving the others.
// Everything runs on the thread the connection lives on, through its event loop; nothing blocks.
//
// PeerServer: a QTcpServer that wraps each accepted socket in a server-role PeerConnection,
// reports the authenticated ones and forgets (deletes) each one when it closes.
#pragma once

#include "core/link/LinkShaper.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/Keyring.h"
#include "core/util/Result.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>

class QSslPreSharedKeyAuthenticator;
class QSslSocket;
class QTcpServer;
class QTcpSocket;
class QTimer;

namespace edgegpt {

class PeerConnection : public QObject
{
    Q_OBJECT
public:
    enum class State { Handshaking, Ready, Closing, Closed };

    struct Options
    {
        Handshake::Role role = Handshake::Role::Client;
        // The keys of this side's connections (a fleet secret derives them all).
        Keyring keys;
        // This side's name and role; its credential is "role:name". A key file's `self`
        // overrides both (a host is who its keys say it is).
        Handshake::Identity identity;
        // The roles the peer's credential may have (a server: who may connect, e.g. "device"
        // and "console" for an edge; a client: what it means to reach, e.g. "edge"). Empty: any.
        QStringList peerRoles;
        // TLS-PSK (the default). Off: plaintext frames with the HMAC handshake on the fleet
        // secret — only for measuring what TLS costs (`edgegpt bench latency --tls off`) and for
        // frame-level tests; both sides must say so, a TLS side refuses a plaintext one.
        bool tls = true;
        // From construction (client: including the TCP connect) to the end of the handshake.
        int handshakeTimeoutMs = 10000;
        FrameLimits limits;
        // Until the peer is authenticated its frames may be no larger than this: handshake
        // frames are tiny, and a stranger should not make us buffer megabytes.
        qint64 handshakeMaxFrameBytes = 64 * 1024;
        // Shaping of this side's outgoing bytes.
        LinkSettings link;
        qint64 sendQueueLimitBytes = LinkShaper::defaultQueueLimitBytes;
    };

    // Takes the socket over (re-parents it). It may still be connecting (client role: the hello
    // goes out once it is connected) or already connected. The handshake starts from the event
    // loop, so connect to the signals right after construction.
    // With options.tls the socket must be a QSslSocket (PeerServer and connectToHost make one).
    PeerConnection(QTcpSocket *socket, const Options &options, QObject *parent = nullptr);
    // A client-role connection to host:port (options.role is ignored).
    static PeerConnection *connectToHost(const QString &host, quint16 port, Options options,
                                         QObject *parent = nullptr);
    ~PeerConnection() override;

    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    Handshake::Role role() const { return m_options.role; }
    // The peer's name and role as it announced them (valid once ready).
    const Handshake::Identity &peer() const { return m_handshake.peer(); }
    // This side's credential ("role:name") and, once TLS is up, the peer's (from its PSK
    // identity as a server, from the identity hint as a client).
    const QString &credential() const { return m_credential; }
    const QString &peerCredential() const { return m_peerCredential; }
    bool isEncrypted() const;
    // Bytes this side put on the wire (TLS records included) since the connection began.
    qint64 wireBytesWritten() const { return m_wireBytesWritten; }
    // "address:port" of the other end, for logs.
    QString peerAddress() const;
    LinkShaper *shaper() const { return m_shaper; }
    QTcpSocket *socket() const { return m_socket; }

    // A request with a fresh request id (returned). Fails when not ready, when the send queue is
    // full (wait for readyToSend()) or when the frame exceeds the limits.
    Result<quint32> sendRequest(FrameType type, const QCborMap &control,
                                const QByteArray &payload = {});
    // Any frame as it is (a reply echoes the request's id). Same failures as sendRequest().
    Result<void> sendFrame(const Frame &frame);
    Result<void> sendError(quint32 requestId, const QString &code, const QString &message);
    // Sends an error frame to the peer, ahead of anything still queued, and closes.
    void abort(const QString &code, const QString &message);
    // Delivers what is queued, then closes.
    void close();

    qint64 framesReceived() const { return m_framesReceived; }
    qint64 framesSent() const { return m_framesSent; }

Q_SIGNALS:
    // The handshake succeeded; frames may be sent.
    void ready();
    // A frame from the authenticated peer (pings are answered here and not reported).
    void frameReceived(const edgegpt::Frame &frame);
    // The peer sent an error frame (also reported by frameReceived when ready).
    void peerError(quint32 requestId, const QString &code, const QString &message);
    // This connection failed: handshake refused or timed out, bad frame (ours or, reported by an
    // error frame with request id 0, the peer's verdict on ours), socket error. One line.
    void failed(const QString &message);
    // The send queue has room again after a refused send.
    void readyToSend();
    // The socket is closed; the connection can be deleted (PeerServer does).
    void closed();

private:
    void begin();
    void onConnected();
    void onEncrypted();
    void onPreSharedKey(QSslPreSharedKeyAuthenticator *authenticator);
    void startFrameHandshake();
    QString describeSocketFailure() const;
    void onReadyRead();
    void onDisconnected();
    void onSocketError();
    void onHandshakeTimeout();
    void handleFrame(const Frame &frame);
    void sendHandshakeFrames(const QList<Frame> &frames);
    Result<void> writeFrame(const Frame &frame, bool bypassQueueLimit);
    void failWith(const QString &message);

    Options m_options;
    QTcpSocket *m_socket;
    QSslSocket *m_ssl = nullptr; // m_socket when TLS is on
    QString m_credential;
    QString m_peerCredential;
    QByteArray m_pairKey; // the connection's key, once the PSK exchange has chosen it
    QString m_tlsRefusal; // why this side refused the peer's credential, if it did
    bool m_pskExchanged = false;
    bool m_closeNotified = false; // the peer's TLS close_notify arrived
    qint64 m_wireBytesWritten = 0;
    LinkShaper *m_shaper;
    QTimer *m_handshakeTimer;
    FrameReader m_reader;
    Handshake m_handshake;
    State m_state = State::Handshaking;
    bool m_started = false;
    bool m_reportedFailure = false;
    quint32 m_nextRequestId = 1;
    qint64 m_framesReceived = 0;
    qint64 m_framesSent = 0;
};

class PeerServer : public QObject
{
    Q_OBJECT
public:
    // options.role is set to Server.
    explicit PeerServer(const PeerConnection::Options &options, QObject *parent = nullptr);
    ~PeerServer() override;

    Result<void> listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    quint16 port() const;
    void close();

    // Connections beyond this are answered "busy" and closed at once.
    void setMaxConnections(int n) { m_maxConnections = n; }
    int maxConnections() const { return m_maxConnections; }
    // Open connections, authenticated or not.
    QList<PeerConnection *> connections() const;
    int readyCount() const;

Q_SIGNALS:
    // An accepted connection passed the handshake; connect to its frameReceived().
    void peerReady(edgegpt::PeerConnection *peer);
    // An accepted connection failed (and is being closed); address is "host:port".
    void peerFailed(const QString &address, const QString &message);

private:
    void onNewConnection();

    PeerConnection::Options m_options;
    // Makes a QSslSocket for each connection when options.tls.
    QTcpServer *m_server;
    QList<QPointer<PeerConnection>> m_connections;
    int m_maxConnections = 256;
};

} // namespace edgegpt
