// The handshake that opens every connection (docs/protocol.md, "Handshake"): both sides check the
// protocol version and prove to each other that they hold the fleet token, by challenge-response
// with HMAC-SHA256 over both sides' fresh nonces. The token itself never goes over the wire.
//
//   client                                server
//   hello {protocol, name, role, nonce_c} ->
//                                         <- challenge {protocol, nonce_s}
//   response {proof_c}                    ->   proof_c = HMAC(token, "edgegpt-v1 client" | nonce_c
//   | nonce_s)
//                                         <- ok {proof_s, name, role}
//                                              proof_s = HMAC(token, "edgegpt-v1 server" | nonce_c
//                                              | nonce_s)
//
// The client proves first, so that a stranger who connects to a listening agent learns nothing
// computed from the token; the labels keep one side's proof from being replayed as the other's.
// Handshake is the pure state machine (frames in, frames out); PeerConnection drives it over a
// socket and adds the timeout.
#pragma once

#include "core/protocol/Frame.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgegpt {

// The shared secret of a fleet, read from a token file (--token-file FILE).
struct FleetToken
{
    // Shorter tokens are refused: the proofs are offline-guessable for a weak secret.
    static constexpr int minBytes = 16;
    static constexpr qint64 maxFileBytes = 4096;

    QByteArray secret;
    // Things worth telling the operator that do not stop the program (e.g. group-readable file).
    QStringList warnings;

    // Reads the file's content without surrounding whitespace (a trailing newline is normal).
    // Refuses: a missing or unreadable file, one larger than maxFileBytes, an empty or short
    // token, and (on Unix) a file that others can read or that group or others can write;
    // a group-readable file is accepted with a warning (a fleet's service group may share it).
    static Result<FleetToken> load(const QString &path);
    // The permission and size checks of load(), for any secret file (key files too): the
    // content, at most maxBytes, or a one-line refusal; warnings collects the soft ones.
    static Result<QByteArray> readSecretFile(const QString &path, qint64 maxBytes,
                                             QStringList *warnings);
    // A token from bytes already in memory (tests, the console's local demo fleet).
    static Result<FleetToken> fromSecret(const QByteArray &secret);
    // Writes a new random 32-byte token (hex, CSPRNG) to `path`, owner-only before the secret is
    // written; refuses to overwrite an existing file. `edgegpt deploy` and the console use it.
    static Result<void> create(const QString &path);
};

class Handshake
{
public:
    enum class Role { Client, Server };
    enum class State { Start, AwaitChallenge, AwaitResponse, AwaitOk, AwaitHello, Done, Failed };

    struct Identity
    {
        QString name;
        QString role;
    };

    Handshake(Role role, const QByteArray &secret, const Identity &local);

    // Begins: the client returns its hello; the server returns nothing and waits for one.
    QList<Frame> start();
    // A frame from the peer; returns the frames to send. On failure the returned list holds the
    // error frame for the peer (if one is owed) and state() is Failed.
    QList<Frame> handle(const Frame &frame);

    Role role() const { return m_role; }
    State state() const { return m_state; }
    bool done() const { return m_state == State::Done; }
    bool failed() const { return m_state == State::Failed; }
    // One line, e.g. "peer failed to prove the fleet token (wrong token?)".
    const QString &error() const { return m_error; }
    // The error code sent to (or received from) the peer, see error_code in Messages.h.
    const QString &errorCode() const { return m_errorCode; }
    const Identity &peer() const { return m_peer; }

    // HMAC-SHA256(secret, label | clientNonce | serverNonce).
    static QByteArray proof(const QByteArray &secret, Role prover, const QByteArray &clientNonce,
                            const QByteArray &serverNonce);
    // Compares without an early exit, so the time taken does not tell how many bytes matched.
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);
    // handshakeNonceBytes bytes from the system's cryptographic generator.
    static QByteArray makeNonce();

private:
    QList<Frame> fail(const QString &code, const QString &message, bool tellPeer);

    Role m_role;
    QByteArray m_secret;
    Identity m_local;
    Identity m_peer;
    State m_state = State::Start;
    QByteArray m_clientNonce;
    QByteArray m_serverNonce;
    QString m_error;
    QString m_errorCode;
};

} // namespace edgegpt
