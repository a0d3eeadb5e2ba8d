// Keyring: the pre-shared keys a host holds for TLS-PSK (docs/protocol.md, "Transport security").
//
// Every connection has a client and a server, each named by a credential "role:name"
// (`device:jetson-1`, `edge:rtx-1`, `console:console`). The key of a connection is one per
// (client, server) pair, derived from the fleet secret:
//
//   key = HMAC-SHA256(fleet secret, "edgegpt-psk-v1" 0x00 client 0x00 server)
//
// A keyring is either
//   - a fleet secret (a token file, 16+ bytes): it derives the key of any pair. Held by whoever
//     deploys (beside the fleet file), the local demo fleet, `edgegpt run` and tests; or
//   - a key file (what deploy gives each host): the listed pairs' keys and nothing else, so a
//     device host, holding only the keys of its own connections, cannot pose as its edge, as
//     another device or as the console anywhere. Its text format:
//
//       edgegpt-keys 1
//       self device:jetson-1
//       key device:jetson-1 edge:rtx-1 <64 hex digits>
//       key console:console device:jetson-1 <64 hex digits>
//
//     (`#` starts a comment line). `self` is the credential this host uses as a client and
//     names itself with as a server.
// Files are read with the token-file rules: 0600 (group-readable with a warning), bounded size.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace edgegpt {

// A credential: who a peer is, "role:name".
struct PeerCredential
{
    QString role;
    QString name;

    QString toString() const { return role + QLatin1Char(':') + name; }
    bool isEmpty() const { return role.isEmpty() || name.isEmpty(); }
    // "role:name" with a role of lower-case letters, digits and '-' (device, edge, cloud,
    // console, fl-edge…) and a name of letters, digits, '.', '_', '@', '-' (1..64; "edge@host" is
    // an agent's default name): a credential from the wire is checked before it is used.
    static Result<PeerCredential> parse(const QString &text);
    static bool isKnownRole(const QString &role);
};

class Keyring
{
public:
    static constexpr int keyBytes = 32;
    static constexpr qint64 maxFileBytes = 1024 * 1024;
    // The console's credential name in every fleet (its keys are per agent).
    static QString consoleName() { return QStringLiteral("console"); }

    Keyring() = default;
    // A keyring that derives every pair's key from the fleet secret (checked as FleetToken).
    static Result<Keyring> fromFleetSecret(const QByteArray &secret);
    // A token file (fleet secret) or a key file, told apart by the first line.
    static Result<Keyring> load(const QString &path);
    // The content of a key file (see above); a fleet secret is refused here.
    static Result<Keyring> parseKeyFile(const QByteArray &content);

    static QByteArray derive(const QByteArray &fleetSecret, const QString &client,
                             const QString &server);

    bool isEmpty() const { return m_secret.isEmpty() && m_keys.isEmpty(); }
    bool holdsFleetSecret() const { return !m_secret.isEmpty(); }
    const QByteArray &fleetSecret() const { return m_secret; }
    // The credential of a key file ("" for a fleet secret: the user of the keyring names itself).
    const QString &self() const { return m_self; }
    void setSelf(const QString &credential) { m_self = credential; }
    // Warnings from loading (a group-readable file).
    const QStringList &warnings() const { return m_warnings; }

    // The key of the connection from client to server, if this keyring holds it.
    std::optional<QByteArray> key(const QString &client, const QString &server) const;
    // Adds one pair's key (a key file being made). key must be keyBytes long.
    void add(const QString &client, const QString &server, const QByteArray &key);
    // The pairs held, "client server" each (key files only), sorted.
    QStringList pairs() const;
    // A key file with these keys (for deploy); mode 0600 is the writer's job.
    QByteArray toKeyFile() const;

private:
    QByteArray m_secret;
    QString m_self;
    QHash<QString, QByteArray> m_keys; // "client server" -> key
    QStringList m_warnings;
};

} // namespace edgegpt
