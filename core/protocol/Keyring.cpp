#include "core/protocol/Keyring.h"

#include "core/protocol/Handshake.h"

#include <QMessageAuthenticationCode>
#include <QRegularExpression>

#include <algorithm>

namespace edgegpt {

namespace {

const QByteArray keyFileMagic = QByteArrayLiteral("edgegpt-keys 1");

// A credential from the wire in a message: at most 80 characters, control characters as '?'.
QString shown(const QString &text)
{
    QString out = text.left(80);
    for (QChar &c : out)
        if (!c.isPrint())
            c = QLatin1Char('?');
    return out;
}

QString pairKey(const QString &client, const QString &server)
{
    return client + QLatin1Char(' ') + server;
}

} // namespace

bool PeerCredential::isKnownRole(const QString &role)
{
    // device, edge, cloud, console, and the roles of other agents (fl-edge, fl-device): what a
    // server accepts is its own list (PeerConnection::Options::peerRoles).
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9-]{0,31}$"));
    return re.match(role).hasMatch();
}

Result<PeerCredential> PeerCredential::parse(const QString &text)
{
    // '@': an agent started without --name is "ROLE@HOSTNAME" (agents/agent_main.cpp).
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return Result<PeerCredential>::failure(
            QStringLiteral("credential \"%1\" is not role:name").arg(shown(text)));
    PeerCredential c{text.left(colon), text.mid(colon + 1)};
    if (!isKnownRole(c.role))
        return Result<PeerCredential>::failure(
            QStringLiteral("credential \"%1\" has a bad role (lower-case letters, digits, '-')")
                .arg(shown(text)));
    if (!name.match(c.name).hasMatch())
        return Result<PeerCredential>::failure(
            QStringLiteral("credential \"%1\" has a bad name").arg(shown(text)));
    return c;
}

Result<Keyring> Keyring::fromFleetSecret(const QByteArray &secret)
{
    const Result<FleetToken> token = FleetToken::fromSecret(secret);
    if (!token)
        return Result<Keyring>::failure(token.error());
    Keyring k;
    k.m_secret = token->secret;
    return k;
}

QByteArray Keyring::derive(const QByteArray &fleetSecret, const QString &client,
                           const QString &server)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, fleetSecret);
    // The zeros keep one field from running into the next ("a:b" "c" vs "a:bc").
    mac.addData(QByteArray("edgegpt-psk-v1", 15));
    mac.addData(client.toUtf8());
    mac.addData(QByteArray(1, '\0'));
    mac.addData(server.toUtf8());
    return mac.result();
}

Result<Keyring> Keyring::load(const QString &path)
{
    QStringList warnings;
    const Result<QByteArray> content = FleetToken::readSecretFile(path, maxFileBytes, &warnings);
    if (!content)
        return Result<Keyring>::failure(QStringLiteral("key file ") + content.error());
    Result<Keyring> k = content->startsWith(keyFileMagic) ? parseKeyFile(*content)
                        : content->size() > FleetToken::maxFileBytes
                            ? Result<Keyring>::failure(QStringLiteral(
                                  "neither a key file (\"edgegpt-keys 1\") nor a fleet token"))
                            : fromFleetSecret(*content);
    if (!k)
        return Result<Keyring>::failure(QStringLiteral("key file %1: %2").arg(path, k.error()));
    for (QString &w : warnings)
        w.prepend(QStringLiteral("key file "));
    k->m_warnings = warnings;
    return k;
}

Result<Keyring> Keyring::parseKeyFile(const QByteArray &content)
{
    Keyring k;
    const QList<QByteArray> lines = content.split('\n');
    if (lines.isEmpty() || lines.first().trimmed() != keyFileMagic)
        return Result<Keyring>::failure(
            QStringLiteral("the first line is not \"%1\"").arg(QString::fromLatin1(keyFileMagic)));
    for (int i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> f = line.simplified().split(' ');
        const auto bad = [&](const QString &why) {
            return Result<Keyring>::failure(QStringLiteral("line %1: %2").arg(i + 1).arg(why));
        };
        if (f[0] == "self" && f.size() == 2) {
            const Result<PeerCredential> c = PeerCredential::parse(QString::fromUtf8(f[1]));
            if (!c)
                return bad(c.error());
            k.m_self = c->toString();
        } else if (f[0] == "key" && f.size() == 4) {
            for (int j = 1; j <= 2; ++j) {
                const Result<PeerCredential> c = PeerCredential::parse(QString::fromUtf8(f[j]));
                if (!c)
                    return bad(c.error());
            }
            const QByteArray key = QByteArray::fromHex(f[3]);
            if (key.size() != keyBytes || f[3].size() != 2 * keyBytes)
                return bad(QStringLiteral("a key is %1 hex digits").arg(2 * keyBytes));
            k.m_keys.insert(pairKey(QString::fromUtf8(f[1]), QString::fromUtf8(f[2])), key);
        } else {
            return bad(QStringLiteral("expected \"self ROLE:NAME\" or \"key CLIENT SERVER HEX\""));
        }
    }
    if (k.m_keys.isEmpty())
        return Result<Keyring>::failure(QStringLiteral("it holds no key"));
    if (k.m_self.isEmpty())
        return Result<Keyring>::failure(QStringLiteral("it names no \"self\" credential"));
    return k;
}

std::optional<QByteArray> Keyring::key(const QString &client, const QString &server) const
{
    if (!m_secret.isEmpty())
        return derive(m_secret, client, server);
    const auto it = m_keys.constFind(pairKey(client, server));
    if (it == m_keys.constEnd())
        return std::nullopt;
    return *it;
}

void Keyring::add(const QString &client, const QString &server, const QByteArray &key)
{
    Q_ASSERT(key.size() == keyBytes);
    m_keys.insert(pairKey(client, server), key);
}

QStringList Keyring::pairs() const
{
    QStringList out = m_keys.keys();
    std::sort(out.begin(), out.end());
    return out;
}

QByteArray Keyring::toKeyFile() const
{
    QByteArray out = keyFileMagic + '\n';
    out += "# edgegpt TLS-PSK keys of one host (docs/deploy.md); keep it 0600\n";
    if (!m_self.isEmpty())
        out += "self " + m_self.toUtf8() + '\n';
    for (const QString &pair : pairs())
        out += "key " + pair.toUtf8() + ' ' + m_keys.value(pair).toHex() + '\n';
    return out;
}

} // namespace edgegpt
