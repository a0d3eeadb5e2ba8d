#include "app/console/FleetFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace edgegpt {

Result<FleetFile> FleetFile::parse(const QByteArray &json, const QString &fileName)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return Result<FleetFile>::failure(QStringLiteral("%1: not JSON at offset %2: %3")
                                              .arg(fileName)
                                              .arg(error.offset)
                                              .arg(error.errorString()));
    if (!doc.isObject() || !doc.object().value(QLatin1String("hosts")).isArray())
        return Result<FleetFile>::failure(
            QStringLiteral("%1: $.hosts: expected an array of hosts").arg(fileName));
    FleetFile fleet;
    QStringList problems;
    QSet<QString> names;
    const QJsonArray hosts = doc.object().value(QLatin1String("hosts")).toArray();
    for (int i = 0; i < hosts.size(); ++i) {
        const QString at = QStringLiteral("%1: $.hosts[%2]").arg(fileName).arg(i);
        if (!hosts[i].isObject()) {
            problems.append(at + QStringLiteral(": expected an object"));
            continue;
        }
        const QJsonObject o = hosts[i].toObject();
        FleetFileHost h;
        auto field = [&](const char *key, QString &into) {
            const QJsonValue v = o.value(QLatin1String(key));
            if (!v.isString() || v.toString().trimmed().isEmpty())
                problems.append(
                    at +
                    QStringLiteral(".%1: expected a non-empty string").arg(QLatin1String(key)));
            else
                into = v.toString().trimmed();
        };
        field("name", h.name);
        field("ssh", h.ssh);
        field("role", h.role);
        field("class", h.hostClass);
        field("dir", h.dir);
        if (!h.role.isEmpty() && h.role != QLatin1String("device") &&
            h.role != QLatin1String("edge") && h.role != QLatin1String("cloud"))
            problems.append(at + QStringLiteral(".role: expected device, edge or cloud"));
        const QJsonValue port = o.value(QLatin1String("agent_port"));
        if (!port.isUndefined()) {
            const int p = port.toInt(-1);
            if (!port.isDouble() || p < 1 || p > 65535)
                problems.append(at + QStringLiteral(".agent_port: expected a port number"));
            else
                h.agentPort = p;
        }
        if (!h.name.isEmpty() && names.contains(h.name))
            problems.append(at + QStringLiteral(".name: \"%1\" is used twice").arg(h.name));
        names.insert(h.name);
        fleet.hosts.append(h);
    }
    if (!problems.isEmpty())
        return Result<FleetFile>::failure(problems.join(QLatin1Char('\n')));
    return fleet;
}

Result<FleetFile> FleetFile::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<FleetFile>::failure(
            QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    constexpr qint64 maxBytes = 1024 * 1024;
    if (file.size() > maxBytes)
        return Result<FleetFile>::failure(QStringLiteral("%1: larger than 1 MiB").arg(path));
    Result<FleetFile> fleet = parse(file.read(maxBytes), path);
    if (fleet)
        fleet->path = path;
    return fleet;
}

} // namespace edgegpt
