#include "core/fleet/FleetKeys.h"

#include <QFile>
#include <QFileInfo>

namespace edgegpt {

QString hostCredential(const FleetHost &host)
{
    return host.role + QLatin1Char(':') + host.name;
}

QString consoleCredential()
{
    return QStringLiteral("console:") + Keyring::consoleName();
}

Keyring hostKeyring(const Fleet &fleet, const FleetHost &host, const QByteArray &fleetSecret)
{
    Keyring k;
    const QString self = hostCredential(host);
    k.setSelf(self);
    const auto add = [&](const QString &client, const QString &server) {
        k.add(client, server, Keyring::derive(fleetSecret, client, server));
    };
    add(consoleCredential(), self);
    if (host.role == QLatin1String("device")) {
        if (const FleetHost *edge = fleet.edgeFor(host))
            add(self, hostCredential(*edge));
    } else {
        for (const FleetHost &h : fleet.hosts) {
            if (h.role != QLatin1String("device"))
                continue;
            const FleetHost *edge = fleet.edgeFor(h);
            if (edge && edge->name == host.name)
                add(hostCredential(h), self);
        }
    }
    return k;
}

Keyring consoleKeyring(const Fleet &fleet, const QByteArray &fleetSecret)
{
    Keyring k;
    k.setSelf(consoleCredential());
    for (const FleetHost &h : fleet.hosts)
        k.add(consoleCredential(), hostCredential(h),
              Keyring::derive(fleetSecret, consoleCredential(), hostCredential(h)));
    return k;
}

QString consoleKeyFilePath(const QString &tokenFile)
{
    QString base = tokenFile;
    if (base.endsWith(QLatin1String(".token")))
        base.chop(6);
    return base + QStringLiteral(".console.keys");
}

Result<void> writeConsoleKeyFile(const QString &path, const Fleet &fleet,
                                 const QByteArray &fleetSecret)
{
    // Created 0600 before a byte is written, then renamed over the old one.
    const QString tmp = path + QStringLiteral(".tmp");
    QFile::remove(tmp);
    QFile file(tmp);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                   QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Result<void>::failure(QStringLiteral("cannot write the console key file %1: %2")
                                         .arg(tmp, file.errorString()));
    const QByteArray bytes = consoleKeyring(fleet, fleetSecret).toKeyFile();
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    file.close();
    QFile::remove(path);
    if (!written || !QFile::rename(tmp, path)) {
        QFile::remove(tmp);
        return Result<void>::failure(
            QStringLiteral("cannot write the console key file %1").arg(path));
    }
    return Result<void>::success();
}

Result<Keyring> loadConsoleKeys(const QString &tokenFile)
{
    const QString consoleKeys = consoleKeyFilePath(tokenFile);
    if (QFileInfo::exists(consoleKeys)) {
        Result<Keyring> k = Keyring::load(consoleKeys);
        if (k && !k->holdsFleetSecret() && k->self() != consoleCredential())
            return Result<Keyring>::failure(QStringLiteral("%1 is for %2, not %3")
                                                .arg(consoleKeys, k->self(), consoleCredential()));
        return k;
    }
    if (tokenFile.isEmpty())
        return Result<Keyring>::failure(QStringLiteral("no fleet token file"));
    return Keyring::load(tokenFile);
}

} // namespace edgegpt
