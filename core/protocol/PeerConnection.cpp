#include "core/protocol/PeerConnection.h"

#include "core/protocol/Messages.h"

#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslPreSharedKeyAuthenticator>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

namespace edgegpt {

namespace {

// Read in pieces, so that the frames decoded from one read stay few (bounded memory).
constexpr qint64 readChunkBytes = 64 * 1024;

FrameLimits handshakeLimits(const PeerConnection::Options &options)
{
    FrameLimits l = options.limits;
    l.maxFrameBytes = std::min(l.maxFrameBytes, options.handshakeMaxFrameBytes);
    l.maxControlBytes = std::min(l.maxControlBytes, l.maxFrameBytes);
    return l;
}

// TLS 1.2 only: its PSK exchange carries the server's identity hint (TLS 1.3 drops hints), which
// tells a client whose key to use and lets it check the server's role. ECDHE-PSK: each
// connection's traffic keys also come from a fresh ECDH exchange (forward secrecy: a key file
// stolen later does not decrypt recorded traffic). ChaCha20-Poly1305: an AEAD, fast without AES
// instructions (Jetson-class CPUs).
const char *const tlsCipher = "ECDHE-PSK-CHACHA20-POLY1305";

QString roleList(const QStringList &roles)
{
    return roles.join(QStringLiteral(", "));
}

// A TLS server socket for every accepted connection.
class TlsServer : public QTcpServer
{
public:
    TlsServer(bool tls, QObject *parent)
        : QTcpServer(parent)
        , m_tls(tls)
    {}

protected:
    void incomingConnection(qintptr handle) override
    {
        QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        addPendingConnection(socket);
    }

private:
    bool m_tls;
};

} // namespace

PeerConnection::PeerConnection(QTcpSocket *socket, const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_socket(socket)
    , m_shaper(new LinkShaper(static_cast<QIODevice *>(socket), this))
    , m_handshakeTimer(new QTimer(this))
    , m_reader(handshakeLimits(options))
    , m_handshake(options.role, {}, options.identity)
{
    m_socket->setParent(this);
    // A key file names its host: that is who this side is, whatever the caller said.
    if (!m_options.keys.self().isEmpty()) {
        const Result<PeerCredential> self = PeerCredential::parse(m_options.keys.self());
        if (self)
            m_options.identity = {self->name, self->role};
    }
    m_credential = m_options.identity.role + QLatin1Char(':') + m_options.identity.name;
    m_handshake = Handshake(m_options.role, {}, m_options.identity);
    if (m_options.tls) {
        m_ssl = qobject_cast<QSslSocket *>(socket);
        if (m_ssl) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setProtocol(QSsl::TlsV1_2);
            tls.setCiphers({QSslCipher(QString::fromLatin1(tlsCipher))});
            // No certificates: the pre-shared key authenticates both sides.
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
            tls.setSslOption(QSsl::SslOptionDisableSessionTickets, true);
            if (m_options.role == Handshake::Role::Server)
                tls.setPreSharedKeyIdentityHint(m_credential.toUtf8());
            m_ssl->setSslConfiguration(tls);
            connect(m_ssl, &QSslSocket::preSharedKeyAuthenticationRequired, this,
                    &PeerConnection::onPreSharedKey, Qt::DirectConnection);
            connect(m_ssl, &QSslSocket::encrypted, this, &PeerConnection::onEncrypted);
            connect(m_ssl, &QSslSocket::alertReceived, this,
                    [this](QSsl::AlertLevel, QSsl::AlertType type, const QString &) {
                        if (type == QSsl::AlertType::CloseNotify)
                            m_closeNotified = true;
                    });
            connect(m_ssl, &QSslSocket::encryptedBytesWritten, this,
                    [this](qint64 n) { m_wireBytesWritten += n; });
        }
    } else {
        connect(m_socket, &QTcpSocket::bytesWritten, this,
                [this](qint64 n) { m_wireBytesWritten += n; });
    }
    // Frames are small messages that wait for answers: no Nagle delay.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_shaper->setQueueLimitBytes(options.sendQueueLimitBytes);
    if (!options.link.isTransparent()) {
        const Result<void> set = m_shaper->setSettings(options.link);
        if (!set.ok())
            qWarning("PeerConnection: %s", qPrintable(set.error()));
    }
    connect(m_shaper, &LinkShaper::readyForMore, this, &PeerConnection::readyToSend);

    m_handshakeTimer->setSingleShot(true);
    connect(m_handshakeTimer, &QTimer::timeout, this, &PeerConnection::onHandshakeTimeout);
    m_handshakeTimer->start(options.handshakeTimeoutMs);

    connect(m_socket, &QTcpSocket::connected, this, &PeerConnection::onConnected);
    connect(m_socket, &QTcpSocket::readyRead, this, &PeerConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &PeerConnection::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &PeerConnection::onSocketError);
    QMetaObject::invokeMethod(this, &PeerConnection::begin, Qt::QueuedConnection);
}

PeerConnection *PeerConnection::connectToHost(const QString &host, quint16 port, Options options,
                                              QObject *parent)
{
    options.role = Handshake::Role::Client;
    if (options.tls) {
        auto *socket = new QSslSocket();
        auto *connection = new PeerConnection(socket, options, parent);
        socket->connectToHostEncrypted(host, port);
        return connection;
    }
    auto *socket = new QTcpSocket();
    auto *connection = new PeerConnection(socket, options, parent);
    socket->connectToHost(host, port);
    return connection;
}

PeerConnection::~PeerConnection()
{
    // The socket is our child; keep its signals from reaching a half-destroyed object.
    if (m_socket)
        m_socket->disconnect(this);
}

bool PeerConnection::isEncrypted() const
{
    return m_ssl && m_ssl->isEncrypted();
}

QString PeerConnection::peerAddress() const
{
    return QStringLiteral("%1:%2")
        .arg(m_socket->peerAddress().toString())
        .arg(m_socket->peerPort());
}

void PeerConnection::begin()
{
    if (m_state != State::Handshaking)
        return;
    if (m_options.tls && !m_ssl) {
        abort(error_code::internal(), QStringLiteral("TLS needs a QSslSocket"));
        return;
    }
    if (!m_options.tls && !m_options.keys.holdsFleetSecret()) {
        abort(error_code::internal(),
              QStringLiteral("a plaintext connection needs the fleet secret (a key file's keys "
                             "are for TLS only)"));
        return;
    }
    if (m_ssl) {
        if (m_options.role == Handshake::Role::Server)
            m_ssl->startServerEncryption();
        else if (m_ssl->isEncrypted())
            onEncrypted();
        return;
    }
    m_handshake = Handshake(m_options.role, m_options.keys.fleetSecret(), m_options.identity);
    if (m_options.role == Handshake::Role::Server) {
        m_started = true;
        m_handshake.start();
        onReadyRead(); // bytes may have arrived before the event loop got here
    } else if (m_socket->state() == QAbstractSocket::ConnectedState) {
        onConnected();
    }
}

void PeerConnection::onConnected()
{
    if (m_started || m_state != State::Handshaking)
        return;
    // A socket that was still connecting when constructed had no descriptor to take the option
    // then (Qt drops it): without this, Nagle holds a paced chunk until the peer's delayed ACK,
    // up to 40 ms late.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_ssl)
        return; // the frame handshake starts once TLS is up (onEncrypted)
    m_started = true;
    m_handshake = Handshake(m_options.role, m_options.keys.fleetSecret(), m_options.identity);
    sendHandshakeFrames(m_handshake.start());
}

void PeerConnection::onPreSharedKey(QSslPreSharedKeyAuthenticator *authenticator)
{
    m_pskExchanged = true;
    const bool server = m_options.role == Handshake::Role::Server;
    // The server learns the client's credential from its PSK identity, the client the server's
    // from the identity hint; either is checked before a key is looked up. Refusing means
    // giving no key: the TLS handshake then fails on both sides.
    const QString claimed =
        QString::fromUtf8(server ? authenticator->identity() : authenticator->identityHint());
    const Result<PeerCredential> peer = PeerCredential::parse(claimed);
    if (!peer) {
        m_tlsRefusal =
            QStringLiteral("refused the %1's credential: %2")
                .arg(server ? QStringLiteral("client") : QStringLiteral("server"), peer.error());
        return;
    }
    if (!m_options.peerRoles.isEmpty() && !m_options.peerRoles.contains(peer->role)) {
        m_tlsRefusal =
            server
                ? QStringLiteral("refused credential %1: role %2 may not connect here (%3 "
                                 "accepts %4)")
                      .arg(claimed, peer->role, m_credential, roleList(m_options.peerRoles))
                : QStringLiteral("refused server credential %1: its role is %2, expected %3")
                      .arg(claimed, peer->role, m_options.peerRoles.join(QStringLiteral(" or ")));
        return;
    }
    const QString client = server ? claimed : m_credential;
    const QString serverCredential = server ? m_credential : claimed;
    const std::optional<QByteArray> key = m_options.keys.key(client, serverCredential);
    if (!key) {
        m_tlsRefusal = QStringLiteral("refused credential %1: this host holds no key for %2 -> "
                                      "%3 (not one of its peers)")
                           .arg(claimed, client, serverCredential);
        return;
    }
    if (key->size() > authenticator->maximumPreSharedKeyLength() ||
        (!server && m_credential.toUtf8().size() > authenticator->maximumIdentityLength())) {
        m_tlsRefusal = QStringLiteral("the key or credential is too long for TLS");
        return;
    }
    if (!server)
        authenticator->setIdentity(m_credential.toUtf8());
    authenticator->setPreSharedKey(*key);
    m_pairKey = *key;
    m_peerCredential = claimed;
}

void PeerConnection::onEncrypted()
{
    if (m_started || m_state != State::Handshaking)
        return;
    if (m_pairKey.isEmpty()) {
        // A TLS handshake without our PSK exchange (cannot happen with the one cipher allowed).
        abort(error_code::authFailed(), QStringLiteral("TLS came up without a pre-shared key"));
        return;
    }
    m_started = true;
    // The frame handshake inside TLS, keyed with the pair's key: it checks the protocol version
    // and exchanges names, which must match the credentials (checked in handleFrame).
    m_handshake = Handshake(m_options.role, m_pairKey, m_options.identity);
    if (m_options.role == Handshake::Role::Server) {
        m_handshake.start();
        onReadyRead();
    } else {
        sendHandshakeFrames(m_handshake.start());
    }
}

QString PeerConnection::describeSocketFailure() const
{
    const QString error = m_socket->errorString();
    if (!m_ssl)
        return error;
    if (!m_tlsRefusal.isEmpty())
        return QStringLiteral("TLS: %1").arg(m_tlsRefusal);
    if (m_state == State::Handshaking && !m_ssl->isEncrypted()) {
        if (!m_pskExchanged)
            return QStringLiteral("TLS handshake failed before any key was exchanged (a plaintext "
                                  "peer, an older agent, or not an edgegpt peer): %1")
                .arg(error);
        return QStringLiteral("TLS handshake failed for credential %1 with %2 (wrong key, or "
                              "the peer refused this credential): %3")
            .arg(m_options.role == Handshake::Role::Server ? m_peerCredential : m_credential,
                 m_options.role == Handshake::Role::Server ? m_credential : m_peerCredential,
                 error);
    }
    return QStringLiteral("TLS connection with %1 closed (a record failed its check: altered, "
                          "replayed, reordered or cut): %2")
        .arg(m_peerCredential.isEmpty() ? peerAddress() : m_peerCredential, error);
}

void PeerConnection::sendHandshakeFrames(const QList<Frame> &frames)
{
    for (const Frame &f : frames) {
        if (f.type == FrameType::Error) {
            // A refusal ends the connection; it goes out ahead of anything queued.
            const Result<ErrorMessage> e = ErrorMessage::fromCbor(f.control);
            abort(e.ok() ? e->code : error_code::internal(), e.ok() ? e->message : e.error());
            return;
        }
        writeFrame(f, true);
    }
}

Result<void> PeerConnection::writeFrame(const Frame &frame, bool bypassQueueLimit)
{
    const Result<QByteArray> bytes = encodeFrame(frame, m_options.limits);
    if (!bytes.ok())
        return Result<void>::failure(bytes.error());
    if (!m_shaper->write(*bytes, bypassQueueLimit))
        return Result<void>::failure(
            QStringLiteral("send queue full (%1 bytes waiting); wait for readyToSend")
                .arg(m_shaper->queuedBytes()));
    ++m_framesSent;
    return Result<void>::success();
}

Result<quint32> PeerConnection::sendRequest(FrameType type, const QCborMap &control,
                                            const QByteArray &payload)
{
    Frame f;
    f.type = type;
    f.requestId = m_nextRequestId;
    f.control = control;
    f.payload = payload;
    const Result<void> sent = sendFrame(f);
    if (!sent.ok())
        return Result<quint32>::failure(sent.error());
    // 0 means "no request"; skip it when the counter wraps.
    m_nextRequestId = m_nextRequestId == 0xFFFFFFFFu ? 1 : m_nextRequestId + 1;
    return f.requestId;
}

Result<void> PeerConnection::sendFrame(const Frame &frame)
{
    if (m_state != State::Ready)
        return Result<void>::failure(
            m_state == State::Handshaking
                ? QStringLiteral("cannot send %1: the handshake has not finished")
                      .arg(frameTypeName(quint8(frame.type)))
                : QStringLiteral("cannot send %1: the connection is closed")
                      .arg(frameTypeName(quint8(frame.type))));
    if (isHandshakeFrameType(frame.type) && frame.type != FrameType::Error)
        return Result<void>::failure(QStringLiteral("handshake frames are sent by the handshake"));
    return writeFrame(frame, false);
}

Result<void> PeerConnection::sendError(quint32 requestId, const QString &code,
                                       const QString &message)
{
    ErrorMessage e;
    e.code = code;
    e.message = message;
    return sendFrame(makeFrame(FrameType::Error, e, requestId));
}

void PeerConnection::failWith(const QString &message)
{
    if (m_reportedFailure)
        return;
    m_reportedFailure = true;
    Q_EMIT failed(message);
}

void PeerConnection::abort(const QString &code, const QString &message)
{
    if (m_state == State::Closing || m_state == State::Closed)
        return;
    m_state = State::Closing;
    m_handshakeTimer->stop();
    // Frames not yet begun are moot now. The rest of a frame part-way through the shaper goes out
    // at once (the peer's reader would see garbage otherwise), then the error frame, so that the
    // peer learns why before the connection ends.
    const QByteArray started = m_shaper->takeStartedWrites();
    ErrorMessage e;
    e.code = code;
    e.message = message;
    const Result<QByteArray> bytes = encodeFrame(makeFrame(FrameType::Error, e), m_options.limits);
    const bool canWrite = !m_ssl || m_ssl->isEncrypted();
    if (bytes.ok() && canWrite && m_socket->state() == QAbstractSocket::ConnectedState) {
        m_socket->write(started);
        m_socket->write(*bytes);
    }
    failWith(message);
    m_socket->disconnectFromHost(); // after the write buffer is flushed
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void PeerConnection::close()
{
    if (m_state == State::Closing || m_state == State::Closed)
        return;
    m_state = State::Closing;
    m_handshakeTimer->stop();
    const auto finish = [this] {
        m_socket->disconnectFromHost();
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    };
    if (m_shaper->isIdle()) {
        finish();
    } else {
        connect(m_shaper, &LinkShaper::idle, this, finish);
    }
}

void PeerConnection::onReadyRead()
{
    while (m_state == State::Handshaking || m_state == State::Ready) {
        if (!m_started)
            return; // begin() reads what is there once the handshake has started
        const QByteArray chunk = m_socket->read(readChunkBytes);
        if (chunk.isEmpty())
            return;
        if (!m_reader.feed(chunk)) {
            abort(error_code::badFrame(), m_reader.error());
            return;
        }
        while (m_reader.hasFrame() && (m_state == State::Handshaking || m_state == State::Ready))
            handleFrame(m_reader.takeFrame());
    }
}

void PeerConnection::handleFrame(const Frame &frame)
{
    ++m_framesReceived;
    if (m_state == State::Handshaking) {
        const QList<Frame> replies = m_handshake.handle(frame);
        if (m_handshake.failed()) {
            if (replies.isEmpty()) {
                // The peer refused us and will close; report why and close our side.
                failWith(m_handshake.error());
                m_state = State::Closing;
                m_handshakeTimer->stop();
                m_shaper->clear();
                m_socket->disconnectFromHost();
                if (m_socket->state() == QAbstractSocket::UnconnectedState)
                    onDisconnected();
            } else {
                sendHandshakeFrames(replies);
            }
            return;
        }
        sendHandshakeFrames(replies);
        if (m_handshake.done() && m_ssl) {
            // The names inside must be the ones the keys were chosen by.
            const Handshake::Identity &p = m_handshake.peer();
            const QString named = p.role + QLatin1Char(':') + p.name;
            if (named != m_peerCredential) {
                abort(error_code::authFailed(),
                      QStringLiteral("peer named itself %1 but its credential is %2")
                          .arg(named, m_peerCredential));
                return;
            }
        }
        if (m_handshake.done()) {
            m_reader.setLimits(m_options.limits);
            m_state = State::Ready;
            m_handshakeTimer->stop();
            Q_EMIT ready();
        }
        return;
    }

    switch (frame.type) {
    case FrameType::Hello:
    case FrameType::Challenge:
    case FrameType::Response:
    case FrameType::Ok:
        abort(
            error_code::badRequest(),
            QStringLiteral("%1 frame after the handshake").arg(frameTypeName(quint8(frame.type))));
        return;
    case FrameType::Ping: {
        Frame pong = frame;
        pong.type = FrameType::Pong;
        pong.payload.clear();
        writeFrame(pong, true);
        return;
    }
    case FrameType::Error: {
        const Result<ErrorMessage> e = ErrorMessage::fromCbor(frame.control);
        const QString code = e.ok() ? e->code : error_code::badRequest();
        const QString message = e.ok() ? e->message : e.error();
        Q_EMIT peerError(frame.requestId, code, message);
        // An error about no request is about the connection: the peer closes it next.
        if (frame.requestId == 0)
            failWith(QStringLiteral("peer ended the connection (%1): %2").arg(code, message));
        break;
    }
    default:
        break;
    }
    Q_EMIT frameReceived(frame);
}

void PeerConnection::onHandshakeTimeout()
{
    if (m_state != State::Handshaking)
        return;
    abort(
        error_code::timeout(),
        QStringLiteral("handshake did not finish within %1 ms").arg(m_options.handshakeTimeoutMs));
}

void PeerConnection::onSocketError()
{
    if (m_state == State::Closing || m_state == State::Closed)
        return;
    // A peer that simply hangs up is reported by closed(), not as a failure, once ready — over
    // TLS only when it said so (close_notify): a connection cut without it was cut by the path
    // or by a peer that refused one of our records (its alert may not reach us).
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError && m_state == State::Ready &&
        (!m_ssl || m_closeNotified))
        return;
    if (m_socket->error() == QAbstractSocket::RemoteHostClosedError && m_state == State::Ready) {
        failWith(QStringLiteral("TLS connection with %1 ended without close_notify (cut on the "
                                "way, or the peer refused one of our records)")
                     .arg(m_peerCredential));
        onDisconnected();
        return;
    }
    failWith(describeSocketFailure());
    // A TLS failure leaves the socket connected but useless: end it, once the alert OpenSSL
    // queued for the peer has had time to go out (so that the peer learns why).
    // (disconnectFromHost() on a QSslSocket after a fatal error crashes in Qt 6.4's OpenSSL
    // backend; abort() a moment later is safe.)
    if (m_ssl && m_socket->state() != QAbstractSocket::UnconnectedState) {
        QTimer::singleShot(200, m_socket, [this] {
            m_socket->abort();
            onDisconnected();
        });
        return;
    }
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
}

void PeerConnection::onDisconnected()
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Handshaking)
        failWith(QStringLiteral("connection closed during the handshake"));
    m_state = State::Closed;
    m_handshakeTimer->stop();
    m_shaper->clear();
    Q_EMIT closed();
}

PeerServer::PeerServer(const PeerConnection::Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_server(new TlsServer(options.tls, this))
{
    m_options.role = Handshake::Role::Server;
    connect(m_server, &QTcpServer::newConnection, this, &PeerServer::onNewConnection);
}

PeerServer::~PeerServer() = default;

Result<void> PeerServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port))
        return Result<void>::failure(QStringLiteral("cannot listen on %1:%2: %3")
                                         .arg(address.toString())
                                         .arg(port)
                                         .arg(m_server->errorString()));
    return Result<void>::success();
}

quint16 PeerServer::port() const
{
    return m_server->serverPort();
}

void PeerServer::close()
{
    m_server->close();
    for (const QPointer<PeerConnection> &c : m_connections)
        if (c)
            c->close();
}

QList<PeerConnection *> PeerServer::connections() const
{
    QList<PeerConnection *> out;
    for (const QPointer<PeerConnection> &c : m_connections)
        if (c && c->state() != PeerConnection::State::Closed)
            out.append(c);
    return out;
}

int PeerServer::readyCount() const
{
    int n = 0;
    for (const QPointer<PeerConnection> &c : m_connections)
        if (c && c->isReady())
            ++n;
    return n;
}

void PeerServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        m_connections.removeAll(QPointer<PeerConnection>());
        auto *c = new PeerConnection(socket, m_options, this);
        const QString address = c->peerAddress();
        connect(c, &PeerConnection::ready, this, [this, c] { Q_EMIT peerReady(c); });
        connect(c, &PeerConnection::failed, this,
                [this, address](const QString &message) { Q_EMIT peerFailed(address, message); });
        connect(c, &PeerConnection::closed, c, &QObject::deleteLater);
        const bool full = connections().size() >= m_maxConnections;
        m_connections.append(c);
        if (full)
            c->abort(error_code::busy(),
                     QStringLiteral("server has %1 connections already").arg(m_maxConnections));
    }
}

} // namespace edgegpt
