#include "core/protocol/Handshake.h"

#include "core/protocol/Messages.h"

#include <QFile>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace edgegpt {

Result<FleetToken> FleetToken::fromSecret(const QByteArray &secret)
{
    const QByteArray s = secret.trimmed();
    if (s.isEmpty())
        return Result<FleetToken>::failure(QStringLiteral("the fleet token is empty"));
    if (s.size() < minBytes)
        return Result<FleetToken>::failure(
            QStringLiteral("the fleet token has %1 bytes; at least %2 are needed (e.g. `head -c 32 "
                           "/dev/urandom | base64`)")
                .arg(s.size())
                .arg(minBytes));
    FleetToken t;
    t.secret = s;
    return t;
}

Result<QByteArray> FleetToken::readSecretFile(const QString &path, qint64 maxBytes,
                                              QStringList *warnings)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<QByteArray>::failure(QStringLiteral("%1 does not exist").arg(path));
    if (!info.isFile())
        return Result<QByteArray>::failure(QStringLiteral("%1 is not a regular file").arg(path));
#ifdef Q_OS_UNIX
    // The owner bits are all that should be set; a readable-by-all secret is a leaked secret.
    const QFileDevice::Permissions p = info.permissions();
    if (p & QFileDevice::ReadOther)
        return Result<QByteArray>::failure(
            QStringLiteral("%1 is readable by other users; run `chmod 600 %1` (and replace the "
                           "secret if others may have read it)")
                .arg(path));
    if (p & (QFileDevice::WriteGroup | QFileDevice::WriteOther))
        return Result<QByteArray>::failure(
            QStringLiteral("%1 is writable by group or others; run `chmod 600 %1`").arg(path));
    if (p & QFileDevice::ReadGroup && warnings)
        *warnings << QStringLiteral("%1 is readable by its group; `chmod 600 %1` unless the "
                                    "group is meant to share it")
                         .arg(path);
#endif
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(
            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    // Read one byte more than allowed to tell "too large" from "exactly the limit".
    const QByteArray content = file.read(maxBytes + 1);
    if (content.size() > maxBytes)
        return Result<QByteArray>::failure(
            QStringLiteral("%1 is larger than %2 bytes; is it the right file?")
                .arg(path)
                .arg(maxBytes));
    return content;
}

Result<void> FleetToken::create(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return Result<void>::failure(
            QStringLiteral("cannot create the fleet token %1: %2").arg(path, file.errorString()));
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), 8);
    if (file.write(raw.toHex() + '\n') != 65 || !file.flush())
        return Result<void>::failure(
            QStringLiteral("cannot write the fleet token %1: %2").arg(path, file.errorString()));
    return Result<void>::success();
}

Result<FleetToken> FleetToken::load(const QString &path)
{
    QStringList warnings;
    const Result<QByteArray> content = readSecretFile(path, maxFileBytes, &warnings);
    if (!content)
        return Result<FleetToken>::failure(QStringLiteral("token file ") + content.error());
    Result<FleetToken> t = fromSecret(*content);
    if (!t.ok())
        return Result<FleetToken>::failure(
            QStringLiteral("token file %1: %2").arg(path, t.error()));
    for (QString &w : warnings)
        w.prepend(QStringLiteral("token file "));
    t->warnings = warnings;
    return t;
}

Handshake::Handshake(Role role, const QByteArray &secret, const Identity &local)
    : m_role(role)
    , m_secret(secret)
    , m_local(local)
{}

QByteArray Handshake::makeNonce()
{
    QByteArray nonce(handshakeNonceBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(nonce.data()),
                                          handshakeNonceBytes / int(sizeof(quint32)));
    return nonce;
}

QByteArray Handshake::proof(const QByteArray &secret, Role prover, const QByteArray &clientNonce,
                            const QByteArray &serverNonce)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, secret);
    // The terminating zero keeps the label from running into the nonces.
    mac.addData(prover == Role::Client ? QByteArray("edgegpt-v1 client", 18)
                                       : QByteArray("edgegpt-v1 server", 18));
    mac.addData(clientNonce);
    mac.addData(serverNonce);
    return mac.result();
}

bool Handshake::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false; // the length of a proof is public
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QList<Frame> Handshake::fail(const QString &code, const QString &message, bool tellPeer)
{
    m_state = State::Failed;
    m_errorCode = code;
    m_error = message;
    if (!tellPeer)
        return {};
    ErrorMessage e;
    e.code = code;
    e.message = message;
    return {makeFrame(FrameType::Error, e)};
}

QList<Frame> Handshake::start()
{
    if (m_state != State::Start)
        return {};
    if (m_role == Role::Server) {
        m_state = State::AwaitHello;
        return {};
    }
    m_clientNonce = makeNonce();
    HelloMessage hello;
    hello.name = m_local.name;
    hello.role = m_local.role;
    hello.nonce = m_clientNonce;
    m_state = State::AwaitChallenge;
    return {makeFrame(FrameType::Hello, hello)};
}

QList<Frame> Handshake::handle(const Frame &frame)
{
    if (m_state == State::Done || m_state == State::Failed)
        return {};
    if (m_state == State::Start)
        start();
    if (frame.type == FrameType::Error) {
        const Result<ErrorMessage> e = ErrorMessage::fromCbor(frame.control);
        return fail(
            e.ok() ? e->code : error_code::badRequest(),
            QStringLiteral("peer refused the handshake: %1").arg(e.ok() ? e->message : e.error()),
            false);
    }
    const auto unexpected = [&](const char *expected) {
        const bool handshakeType = isHandshakeFrameType(frame.type);
        return fail(handshakeType ? error_code::badRequest() : error_code::unauthenticated(),
                    QStringLiteral("%1 frame before the handshake finished (expected %2)")
                        .arg(frameTypeName(quint8(frame.type)), QLatin1String(expected)),
                    true);
    };

    switch (m_state) {
    case State::AwaitHello: {
        if (frame.type != FrameType::Hello)
            return unexpected("hello");
        const Result<HelloMessage> hello = HelloMessage::fromCbor(frame.control);
        if (hello.ok() && hello->protocol != protocolVersion)
            return fail(error_code::unsupportedVersion(),
                        QStringLiteral("peer speaks protocol version %1, this side speaks %2")
                            .arg(hello->protocol)
                            .arg(protocolVersion),
                        true);
        if (!hello.ok())
            return fail(error_code::badRequest(), hello.error(), true);
        m_peer = {hello->name, hello->role};
        m_clientNonce = hello->nonce;
        m_serverNonce = makeNonce();
        ChallengeMessage challenge;
        challenge.nonce = m_serverNonce;
        m_state = State::AwaitResponse;
        return {makeFrame(FrameType::Challenge, challenge)};
    }
    case State::AwaitChallenge: {
        if (frame.type != FrameType::Challenge)
            return unexpected("challenge");
        const Result<ChallengeMessage> challenge = ChallengeMessage::fromCbor(frame.control);
        if (!challenge.ok())
            return fail(error_code::badRequest(), challenge.error(), true);
        if (challenge->protocol != protocolVersion)
            return fail(error_code::unsupportedVersion(),
                        QStringLiteral("peer speaks protocol version %1, this side speaks %2")
                            .arg(challenge->protocol)
                            .arg(protocolVersion),
                        true);
        // A server echoing our nonce back would have us prove over a pair it controls.
        if (constantTimeEquals(challenge->nonce, m_clientNonce))
            return fail(error_code::badRequest(), QStringLiteral("peer echoed the client nonce"),
                        true);
        m_serverNonce = challenge->nonce;
        ResponseMessage response;
        response.proof = proof(m_secret, Role::Client, m_clientNonce, m_serverNonce);
        m_state = State::AwaitOk;
        return {makeFrame(FrameType::Response, response)};
    }
    case State::AwaitResponse: {
        if (frame.type != FrameType::Response)
            return unexpected("response");
        const Result<ResponseMessage> response = ResponseMessage::fromCbor(frame.control);
        if (!response.ok())
            return fail(error_code::badRequest(), response.error(), true);
        const QByteArray expected = proof(m_secret, Role::Client, m_clientNonce, m_serverNonce);
        if (!constantTimeEquals(response->proof, expected))
            return fail(error_code::authFailed(),
                        QStringLiteral("peer failed to prove the fleet token (wrong token?)"),
                        true);
        OkMessage ok;
        ok.proof = proof(m_secret, Role::Server, m_clientNonce, m_serverNonce);
        ok.name = m_local.name;
        ok.role = m_local.role;
        m_state = State::Done;
        return {makeFrame(FrameType::Ok, ok)};
    }
    case State::AwaitOk: {
        if (frame.type != FrameType::Ok)
            return unexpected("ok");
        const Result<OkMessage> ok = OkMessage::fromCbor(frame.control);
        if (!ok.ok())
            return fail(error_code::badRequest(), ok.error(), true);
        const QByteArray expected = proof(m_secret, Role::Server, m_clientNonce, m_serverNonce);
        if (!constantTimeEquals(ok->proof, expected))
            return fail(error_code::authFailed(),
                        QStringLiteral("server failed to prove the fleet token (wrong token, or "
                                       "not our fleet's server)"),
                        true);
        m_peer = {ok->name, ok->role};
        m_state = State::Done;
        return {};
    }
    case State::Start:
    case State::Done:
    case State::Failed:
        break;
    }
    return {};
}

} // namespace edgegpt
