#include "core/fleet/Fleet.h"

#include "core/util/JsonReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <initializer_list>

namespace edgegpt {

namespace {

bool isValidName(const QString &name)
{
    // Names become part of messages, JSON and remote file names: keep them plain.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

bool isValidHostText(const QString &host)
{
    // Host names, aliases, IPv4 and IPv6 literals; no spaces, quotes or shell characters, since
    // the value ends up in libssh options and in messages.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._:%-]{1,253}$"));
    return re.match(host).hasMatch();
}

// "HOST:PORT" or "[IPv6]:PORT", as an agent's `edge` setting takes it (agents/AgentConfig's
// parseHostPort); the port 1..65535.
bool isValidEndpoint(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^(?:\\[[0-9A-Fa-f:.%]{2,64}\\]|[A-Za-z0-9._-]{1,253}):([0-9]{1,5})$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return false;
    const int port = m.captured(1).toInt();
    return port >= 1 && port <= 65535;
}

// The per-host "emulate" object: only known keys, each a finite number in range (the agent's own
// bounds: docs/agents.md). Returns it as written.
QJsonObject readEmulate(JsonReader &reader, const QJsonObject &host, const QString &hostPath,
                        const QString &role)
{
    const QString path = JsonReader::child(hostPath, QStringLiteral("emulate"));
    const QJsonValue value = host.value(QStringLiteral("emulate"));
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isObject()) {
        reader.error(path, QStringLiteral("expected an object (slowdown, codec_slowdown, link)"));
        return {};
    }
    const QJsonObject o = value.toObject();
    struct Range
    {
        const char *key;
        double min, max;
        const char *text;
    };
    const auto check = [&reader](const QJsonObject &obj, const QString &objPath,
                                 std::initializer_list<Range> ranges) {
        for (auto it = obj.constBegin(); it != obj.constEnd(); ++it) {
            const QString keyPath = JsonReader::child(objPath, it.key());
            const Range *range = nullptr;
            for (const Range &r : ranges)
                if (it.key() == QLatin1String(r.key))
                    range = &r;
            if (!range) {
                if (it.key() != QLatin1String("link"))
                    reader.error(keyPath, QStringLiteral("unknown key"));
                continue;
            }
            const double v = it.value().toDouble(std::nan(""));
            if (!it.value().isDouble() || !std::isfinite(v))
                reader.error(keyPath, QStringLiteral("expected a number"));
            else if (v < range->min || v > range->max)
                reader.error(keyPath, QStringLiteral("%1 is out of range (%2)")
                                          .arg(v)
                                          .arg(QLatin1String(range->text)));
        }
    };
    check(o, path,
          {{"slowdown", 1, 10000, "1..10000, 1 = the host's own speed"},
           {"codec_slowdown", 1, 10000, "1..10000, 1 = the host's own speed"}});
    const QJsonValue link = o.value(QStringLiteral("link"));
    const QString linkPath = JsonReader::child(path, QStringLiteral("link"));
    if (!link.isUndefined()) {
        if (!link.isObject())
            reader.error(
                linkPath,
                QStringLiteral("expected an object (rate_kbps, delay_ms, jitter_ms, loss)"));
        else if (role != QLatin1String("device") && !role.isEmpty())
            reader.error(linkPath, QStringLiteral("only a device shapes its link (its uplink)"));
        else
            check(link.toObject(), linkPath,
                  {{"rate_kbps", 0, 1e7, "0 = unlimited, up to 10000000"},
                   {"delay_ms", 0, 60000, "0..60000"},
                   {"jitter_ms", 0, 60000, "0..60000"},
                   {"loss", 0, 1, "0..1"}});
    }
    return o;
}

} // namespace

Result<SshTarget> SshTarget::parse(const QString &text)
{
    SshTarget t;
    QString rest = text.trimmed();
    if (rest.isEmpty())
        return Result<SshTarget>::failure(QStringLiteral("empty SSH target"));
    const int at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        t.user = rest.left(at);
        rest = rest.mid(at + 1);
        static const QRegularExpression userRe(QStringLiteral("^[A-Za-z0-9._][A-Za-z0-9._-]*$"));
        if (!userRe.match(t.user).hasMatch())
            return Result<SshTarget>::failure(
                QStringLiteral("\"%1\": bad user name before '@'").arg(text));
    }
    QString portText;
    if (rest.startsWith(QLatin1Char('['))) {
        // [IPv6]:port
        const int close = rest.indexOf(QLatin1Char(']'));
        if (close < 0)
            return Result<SshTarget>::failure(QStringLiteral("\"%1\": missing ']'").arg(text));
        t.host = rest.mid(1, close - 1);
        const QString after = rest.mid(close + 1);
        if (after.startsWith(QLatin1Char(':')))
            portText = after.mid(1);
        else if (!after.isEmpty())
            return Result<SshTarget>::failure(
                QStringLiteral("\"%1\": unexpected text after ']'").arg(text));
    } else if (rest.count(QLatin1Char(':')) == 1) {
        const int colon = rest.indexOf(QLatin1Char(':'));
        t.host = rest.left(colon);
        portText = rest.mid(colon + 1);
    } else {
        t.host = rest; // a host name, an alias, or a bare IPv6 address without a port
    }
    if (!isValidHostText(t.host))
        return Result<SshTarget>::failure(QStringLiteral("\"%1\": bad host name").arg(text));
    if (!portText.isNull()) {
        bool ok = false;
        const int port = portText.toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return Result<SshTarget>::failure(
                QStringLiteral("\"%1\": port must be a number from 1 to 65535").arg(text));
        t.port = port;
    }
    return t;
}

QString SshTarget::toString() const
{
    QString s;
    if (!user.isEmpty())
        s += user + QLatin1Char('@');
    const bool ipv6 = host.contains(QLatin1Char(':'));
    s += ipv6 && port ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    if (port)
        s += QLatin1Char(':') + QString::number(port);
    return s;
}

const FleetHost *Fleet::host(const QString &name) const
{
    for (const FleetHost &h : hosts)
        if (h.name == name)
            return &h;
    return nullptr;
}

const FleetHost *Fleet::edgeFor(const FleetHost &device) const
{
    if (device.role != QLatin1String("device"))
        return nullptr;
    if (!device.edge.isEmpty())
        return host(device.edge);
    for (const FleetHost &h : hosts)
        if (h.role == QLatin1String("edge"))
            return &h;
    for (const FleetHost &h : hosts)
        if (h.role == QLatin1String("cloud"))
            return &h;
    return nullptr;
}

Result<Fleet> Fleet::parse(const QByteArray &json, const QString &fileName, const QString &baseDir)
{
    JsonReader reader(fileName);
    QJsonValue root;
    if (!reader.parse(json, &root))
        return Result<Fleet>::failure(reader.joinedErrors());
    const QJsonObject top = reader.object(root, QStringLiteral("$"));
    if (reader.hasErrors())
        return Result<Fleet>::failure(reader.joinedErrors());

    Fleet fleet;
    const QString tokenFile =
        reader.string(top, QStringLiteral("$"), QStringLiteral("token_file"), false);
    if (!tokenFile.isEmpty())
        fleet.tokenFile = QDir::cleanPath(QDir(baseDir).absoluteFilePath(tokenFile));

    const QJsonArray hosts = reader.array(top, QStringLiteral("$"), QStringLiteral("hosts"));
    if (hosts.isEmpty() && !reader.hasErrors())
        reader.error(QStringLiteral("$.hosts"), QStringLiteral("a fleet needs at least one host"));
    QSet<QString> names;
    QSet<QString> endpoints; // two hosts on the same agent address and port would collide
    for (qsizetype i = 0; i < hosts.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.hosts"), i);
        const QJsonObject o = reader.object(hosts.at(i), path);
        if (o.isEmpty())
            continue;
        FleetHost h;
        h.name = reader.string(o, path, QStringLiteral("name"));
        h.ssh = reader.string(o, path, QStringLiteral("ssh"));
        h.role = reader.string(o, path, QStringLiteral("role"));
        h.hostClass = reader.string(o, path, QStringLiteral("class"));
        h.dir = reader.string(o, path, QStringLiteral("dir"));
        h.agentPort =
            int(reader.number(o, path, QStringLiteral("agent_port"), false, defaultAgentPort));
        h.agentAddress = reader.string(o, path, QStringLiteral("agent_address"), false);
        h.edge = reader.string(o, path, QStringLiteral("edge"), false);
        h.edgeEndpoint = reader.string(o, path, QStringLiteral("edge_endpoint"), false);
        if (o.contains(QLatin1String("edge_endpoint"))) {
            const QString endpointPath = JsonReader::child(path, QStringLiteral("edge_endpoint"));
            if (o.value(QStringLiteral("role")).toString() != QLatin1String("device"))
                reader.error(endpointPath, QStringLiteral("only a device dials an edge"));
            else if (!isValidEndpoint(h.edgeEndpoint))
                reader.error(endpointPath,
                             QStringLiteral("\"%1\": expected HOST:PORT ([ADDRESS]:PORT for IPv6)")
                                 .arg(h.edgeEndpoint));
        }
        h.flPort = int(reader.number(o, path, QStringLiteral("fl_port"), false, 0));
        if (o.contains(QLatin1String("fl_port"))) {
            const QString flPath = JsonReader::child(path, QStringLiteral("fl_port"));
            if (o.value(QStringLiteral("role")).toString() == QLatin1String("device"))
                reader.error(flPath, QStringLiteral("only an edge or cloud host aggregates"));
            else if (h.flPort < 1 || h.flPort > 65535)
                reader.error(flPath, QStringLiteral("expected a port from 1 to 65535"));
        }
        h.preload = reader.boolean(o, path, QStringLiteral("preload"), false);
        h.cacheMb = reader.number(o, path, QStringLiteral("cache_mb"), false, 0);
        if (!(h.cacheMb >= 0 && h.cacheMb <= 1e9))
            reader.error(JsonReader::child(path, QStringLiteral("cache_mb")),
                         QStringLiteral("expected 0..1e9 (MB; 0: no budget)"));
        h.cachePolicy = reader.string(o, path, QStringLiteral("cache_policy"), false);
        if ((o.contains(QLatin1String("cache_mb")) || o.contains(QLatin1String("cache_policy"))) &&
            o.value(QStringLiteral("role")).toString() == QLatin1String("device"))
            reader.error(JsonReader::child(path, QStringLiteral("cache_mb")),
                         QStringLiteral("a device keeps no model cache (edge and cloud hosts do)"));
        h.emulate = readEmulate(reader, o, path, o.value(QStringLiteral("role")).toString());
        h.input = reader.string(o, path, QStringLiteral("input"), false);
        if (o.contains(QLatin1String("input"))) {
            const QString inputPath = JsonReader::child(path, QStringLiteral("input"));
            bool bad = h.input.isEmpty() || h.input.size() > 1024;
            for (QChar c : h.input)
                bad = bad || c.unicode() < 0x20 || c.unicode() == 0x7f;
            const bool named =
                h.input == QLatin1String("fashion-mnist") || h.input == QLatin1String("heart-rate");
            if (bad || (!named && (!h.input.startsWith(QLatin1Char('/')) ||
                                   h.input.split(QLatin1Char('/')).contains(QStringLiteral("..")))))
                reader.error(inputPath,
                             QStringLiteral("\"%1\": expected fashion-mnist, heart-rate or an "
                                            "absolute folder on the host, without \"..\"")
                                 .arg(h.input));
            else if (o.value(QStringLiteral("role")).toString() != QLatin1String("device"))
                reader.error(inputPath, QStringLiteral("only a device takes inputs"));
        }
        h.agentListen = reader.string(o, path, QStringLiteral("agent_listen"), false);
        if (h.agentListen.isEmpty())
            h.agentListen = QStringLiteral("0.0.0.0");
        else if (QHostAddress address; !address.setAddress(h.agentListen))
            reader.error(JsonReader::child(path, QStringLiteral("agent_listen")),
                         QStringLiteral("\"%1\": expected an IP address (0.0.0.0: every "
                                        "interface)")
                             .arg(h.agentListen));
        if (!h.name.isEmpty() && !isValidName(h.name))
            reader.error(JsonReader::child(path, QStringLiteral("name")),
                         QStringLiteral("\"%1\": use letters, digits, '.', '_' or '-' (at most 64)")
                             .arg(h.name));
        if (!h.name.isEmpty() && names.contains(h.name))
            reader.error(JsonReader::child(path, QStringLiteral("name")),
                         QStringLiteral("\"%1\" is used by an earlier host").arg(h.name));
        names.insert(h.name);
        if (!h.ssh.isEmpty()) {
            Result<SshTarget> target = SshTarget::parse(h.ssh);
            if (target)
                h.target = *target;
            else
                reader.error(JsonReader::child(path, QStringLiteral("ssh")), target.error());
        }
        static const QStringList roles{QStringLiteral("device"), QStringLiteral("edge"),
                                       QStringLiteral("cloud")};
        if (!h.role.isEmpty() && !roles.contains(h.role))
            reader.error(JsonReader::child(path, QStringLiteral("role")),
                         QStringLiteral("\"%1\": expected device, edge or cloud").arg(h.role));
        if (!h.hostClass.isEmpty() && !isValidName(h.hostClass))
            reader.error(
                JsonReader::child(path, QStringLiteral("class")),
                QStringLiteral("\"%1\": use letters, digits, '.', '_' or '-'").arg(h.hostClass));
        // The deploy root goes into remote shell commands (quoted) and SFTP paths: absolute, no
        // "..", no control characters, so that it cannot escape where the operator meant.
        if (!h.dir.isEmpty()) {
            bool bad = !h.dir.startsWith(QLatin1Char('/')) || h.dir.size() > 1024 ||
                       h.dir.split(QLatin1Char('/')).contains(QStringLiteral(".."));
            for (QChar c : h.dir)
                bad = bad || c.unicode() < 0x20 || c.unicode() == 0x7f;
            if (bad)
                reader.error(
                    JsonReader::child(path, QStringLiteral("dir")),
                    QStringLiteral("\"%1\": expected an absolute path without \"..\"").arg(h.dir));
            while (h.dir.size() > 1 && h.dir.endsWith(QLatin1Char('/')))
                h.dir.chop(1);
        }
        if (h.agentPort < 1 || h.agentPort > 65535)
            reader.error(JsonReader::child(path, QStringLiteral("agent_port")),
                         QStringLiteral("expected a port from 1 to 65535"));
        if (!h.agentAddress.isEmpty() && !isValidHostText(h.agentAddress))
            reader.error(JsonReader::child(path, QStringLiteral("agent_address")),
                         QStringLiteral("\"%1\": bad host name").arg(h.agentAddress));
        const QString endpoint = h.ssh + QLatin1Char('|') + h.dir;
        if (!h.ssh.isEmpty() && !h.dir.isEmpty() && endpoints.contains(endpoint))
            reader.error(path, QStringLiteral("another host has the same ssh and dir"));
        endpoints.insert(endpoint);
        fleet.hosts.append(h);
    }
    for (qsizetype i = 0; i < fleet.hosts.size(); ++i) {
        const FleetHost &h = fleet.hosts.at(i);
        if (h.edge.isEmpty())
            continue;
        const QString path = JsonReader::child(JsonReader::index(QStringLiteral("$.hosts"), i),
                                               QStringLiteral("edge"));
        const FleetHost *edge = fleet.host(h.edge);
        if (h.role != QLatin1String("device"))
            reader.error(path, QStringLiteral("only a device has an edge"));
        else if (!edge)
            reader.error(path, QStringLiteral("\"%1\" is not a host of this fleet").arg(h.edge));
        else if (edge->role == QLatin1String("device"))
            reader.error(
                path, QStringLiteral("\"%1\" is a device, not an edge or cloud host").arg(h.edge));
    }
    if (reader.hasErrors())
        return Result<Fleet>::failure(reader.joinedErrors());
    return fleet;
}

Result<Fleet> Fleet::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<Fleet>::failure(
            QStringLiteral("cannot read fleet file %1: %2").arg(path, file.errorString()));
    if (file.size() > maxFileBytes)
        return Result<Fleet>::failure(
            QStringLiteral("fleet file %1 is larger than %2 bytes").arg(path).arg(maxFileBytes));
    const QFileInfo info(path);
    Result<Fleet> fleet =
        parse(file.read(maxFileBytes), info.fileName(), info.absoluteDir().absolutePath());
    if (!fleet)
        return fleet;
    fleet->path = info.absoluteFilePath();
    if (fleet->tokenFile.isEmpty())
        fleet->tokenFile =
            info.absoluteDir().absoluteFilePath(info.completeBaseName() + QStringLiteral(".token"));
    return fleet;
}

} // namespace edgegpt
