// AgentConfig: see AgentConfig.h.
#include "agents/AgentConfig.h"

#include "core/util/JsonReader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace edgegpt {

Result<QPair<QString, quint16>> parseHostPort(const QString &text)
{
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon >= 0 ? text.mid(colon + 1).toUInt(&ok) : 0;
    if (colon < 0 || !ok || port > 65535)
        return Result<QPair<QString, quint16>>::failure(
            QStringLiteral("\"%1\" is not HOST:PORT").arg(text));
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    return qMakePair(host.isEmpty() ? QStringLiteral("127.0.0.1") : host, quint16(port));
}

Result<QList<QPair<int, double>>> parseLinkSchedule(const QString &text)
{
    QList<QPair<int, double>> schedule;
    for (const QString &step : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool okMs = false, okRate = false;
        const int ms = step.section(QLatin1Char(':'), 0, 0).trimmed().toInt(&okMs);
        const double rate = step.section(QLatin1Char(':'), 1, 1).trimmed().toDouble(&okRate);
        if (!okMs || !okRate || ms < 0 || rate < 0 || step.count(QLatin1Char(':')) != 1)
            return Result<QList<QPair<int, double>>>::failure(
                QStringLiteral("\"%1\" is not MS:KBPS (e.g. 0:100,5000:500)").arg(step));
        schedule << qMakePair(ms, rate);
    }
    return schedule;
}

double AgentConfig::effectiveSlowdown() const
{
    return slowdown > 0 ? slowdown : 1.0;
}

double AgentConfig::effectiveCodecSlowdown() const
{
    return codecSlowdown > 0 ? codecSlowdown : 1.0;
}

bool AgentConfig::emulated() const
{
    const bool shaped = link.rateKBps > 0 || link.delayMs > 0 || link.jitterMs > 0 ||
                        link.lossProbability > 0 || !linkSchedule.isEmpty();
    return effectiveSlowdown() != 1.0 || effectiveCodecSlowdown() != 1.0 ||
           (role == QLatin1String("device") && shaped);
}

namespace {

// A model directory's own name: profile.json's "model", else the folder's name.
QString modelDirName(const QString &dir)
{
    QFile f(dir + QStringLiteral("/profile.json"));
    if (f.open(QIODevice::ReadOnly)) {
        const QJsonValue name =
            QJsonDocument::fromJson(f.read(4 * 1024 * 1024)).object().value(QLatin1String("model"));
        if (name.isString() && !name.toString().isEmpty())
            return name.toString();
    }
    return QFileInfo(dir).fileName();
}

// The subfolders of models_dir, by name (hidden ones skipped).
Result<QStringList> subfolders(const QString &modelsDir)
{
    const QDir dir(modelsDir);
    if (!dir.exists())
        return Result<QStringList>::failure(
            QStringLiteral("--models-dir: %1 is not a folder").arg(modelsDir));
    return dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace

Result<QList<QPair<QString, QString>>> AgentConfig::models() const
{
    using R = Result<QList<QPair<QString, QString>>>;
    QList<QPair<QString, QString>> out;
    QStringList names;
    if (!modelsDir.isEmpty()) {
        const Result<QStringList> sub = subfolders(modelsDir);
        if (!sub)
            return R::failure(sub.error());
        names = *sub;
    }
    const QString base = QDir(modelsDir).absolutePath();
    if (role == QLatin1String("device")) {
        if (!model.isEmpty()) {
            if (modelsDir.isEmpty())
                return R::failure(QStringLiteral("--model needs --models-dir"));
            if (!names.contains(model))
                return R::failure(QStringLiteral("--model: %1 holds no model \"%2\" (it has: %3)")
                                      .arg(modelsDir, model,
                                           names.isEmpty() ? QStringLiteral("none")
                                                           : names.join(QStringLiteral(", "))));
            out << qMakePair(model, base + QLatin1Char('/') + model);
        } else if (names.size() == 1) {
            out << qMakePair(names.first(), base + QLatin1Char('/') + names.first());
        } else if (!modelDir.isEmpty()) {
            out << qMakePair(modelDirName(modelDir), modelDir);
        } else {
            return R::failure(
                QStringLiteral("--models-dir %1 holds %2 models: choose one with --model")
                    .arg(modelsDir)
                    .arg(names.size()));
        }
        return out;
    }
    for (const QString &name : names)
        out << qMakePair(name, base + QLatin1Char('/') + name);
    if (!modelDir.isEmpty()) {
        const QString name = modelDirName(modelDir);
        if (names.contains(name))
            return R::failure(QStringLiteral("the model \"%1\" of --model-dir %2 is also a folder "
                                             "of --models-dir %3: one name, two models")
                                  .arg(name, modelDir, modelsDir));
        out << qMakePair(name, modelDir);
    }
    // An edge whose models_dir is empty still starts (a deployment may give an edge nothing yet):
    // it answers handshakes and status, and every request with "does not hold model".
    return out;
}

Result<void> AgentConfig::validate() const
{
    auto fail = [](const QString &m) { return Result<void>::failure(m); };
    if (role != QLatin1String("device") && role != QLatin1String("edge") &&
        role != QLatin1String("cloud"))
        return fail(QStringLiteral("--role must be device, edge or cloud (got \"%1\")").arg(role));
    if (tokenFile.isEmpty())
        return fail(QStringLiteral(
            "--token-file is required: agents only talk to peers that hold the fleet token"));
    if (modelDir.isEmpty() && modelsDir.isEmpty())
        return fail(QStringLiteral("--model-dir or --models-dir is required"));
    if (model.contains(QLatin1Char('/')) || model == QLatin1String("..") ||
        model == QLatin1String("."))
        return fail(QStringLiteral("--model takes a model's name, not a path"));
    if (start != QLatin1String("auto") && start != QLatin1String("on-request"))
        return fail(QStringLiteral("--start must be auto or on-request (got \"%1\")").arg(start));
    if (startsOnRequest() && role == QLatin1String("device")) {
        if (!listen)
            return fail(QStringLiteral(
                "--start on-request needs --listen: the device waits to be asked over it"));
        if (input == QLatin1String("heart-rate"))
            return fail(QStringLiteral("--start on-request runs images; heart-rate always sends"));
    }
    if (threads < 1 || threads > 256)
        return fail(QStringLiteral("--threads must be 1..256"));
    if (!(cacheMb >= 0 && cacheMb <= 1e9))
        return fail(QStringLiteral("--cache-mb must be 0..1e9 (0: no budget)"));
    if (cachePolicy.trimmed().isEmpty())
        return fail(QStringLiteral("--cache-policy needs a policy name"));
    if (slowdown != -1 && !(slowdown >= 1 && slowdown <= 10000))
        return fail(QStringLiteral("--slowdown must be 1..10000"));
    if (codecSlowdown != -1 && !(codecSlowdown >= 1 && codecSlowdown <= 10000))
        return fail(QStringLiteral("--codec-slowdown must be 1..10000"));
    if (role == QLatin1String("device")) {
        if (edgeHost.isEmpty() || edgePort == 0)
            return fail(QStringLiteral("a device needs --edge HOST:PORT"));
        if (count < 0 || first < 0 || ratePerSecond < 0 || ratePerSecond > 10000)
            return fail(
                QStringLiteral("--count, --first and --rate must be >= 0 (rate at most 10000/s)"));
        if (requestTimeoutMs < 50 || requestTimeoutMs > 600000)
            return fail(QStringLiteral("--request-timeout-ms must be 50..600000"));
        if (!(accuracyBudget >= 0 && accuracyBudget <= 1))
            return fail(QStringLiteral("--accuracy-budget must be a fraction in [0, 1]"));
        if (split == QLatin1String("auto") && !codec.isEmpty())
            return fail(QStringLiteral("--codec needs a fixed --split"));
        const Result<void> link_ = link.validate();
        if (!link_)
            return link_;
    }
    return {};
}

Result<void> AgentConfig::loadJsonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<void>::failure(QStringLiteral("cannot read %1").arg(path));
    JsonReader r(path);
    QJsonValue root;
    if (!r.parse(f.read(1024 * 1024), &root))
        return Result<void>::failure(r.joinedErrors());
    const QJsonObject o = r.object(root, QStringLiteral("$"));
    const QString p = QStringLiteral("$");
    // A misspelt key would otherwise be silently ignored.
    static const QStringList known{QStringLiteral("role"),
                                   QStringLiteral("name"),
                                   QStringLiteral("listen"),
                                   QStringLiteral("token_file"),
                                   QStringLiteral("model_dir"),
                                   QStringLiteral("models_dir"),
                                   QStringLiteral("model"),
                                   QStringLiteral("emulate"),
                                   QStringLiteral("start"),
                                   QStringLiteral("log_file"),
                                   QStringLiteral("runtime"),
                                   QStringLiteral("threads"),
                                   QStringLiteral("slowdown"),
                                   QStringLiteral("codec_slowdown"),
                                   QStringLiteral("edge"),
                                   QStringLiteral("input"),
                                   QStringLiteral("data_dir"),
                                   QStringLiteral("count"),
                                   QStringLiteral("first"),
                                   QStringLiteral("rate"),
                                   QStringLiteral("split"),
                                   QStringLiteral("codec"),
                                   QStringLiteral("accuracy_budget"),
                                   QStringLiteral("request_timeout_ms"),
                                   QStringLiteral("link_rate_kbps"),
                                   QStringLiteral("link_delay_ms"),
                                   QStringLiteral("link_jitter_ms"),
                                   QStringLiteral("link_loss"),
                                   QStringLiteral("link_schedule"),
                                   QStringLiteral("assume_link_rate"),
                                   QStringLiteral("preload"),
                                   QStringLiteral("tls"),
                                   QStringLiteral("cache_mb"),
                                   QStringLiteral("cache_policy")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            r.error(JsonReader::child(p, it.key()),
                    QStringLiteral("unknown key (docs/agents.md lists them)"));
    auto str = [&](const char *key, QString &into) {
        if (o.contains(QLatin1String(key)))
            into = r.string(o, p, QLatin1String(key));
    };
    auto num = [&](const char *key, double &into) {
        if (o.contains(QLatin1String(key)))
            into = r.number(o, p, QLatin1String(key));
    };
    auto integer = [&](const char *key, int &into) {
        if (o.contains(QLatin1String(key)))
            into = int(r.number(o, p, QLatin1String(key)));
    };
    str("role", role);
    str("name", name);
    str("token_file", tokenFile);
    str("model_dir", modelDir);
    str("models_dir", modelsDir);
    str("model", model);
    str("start", start);
    str("log_file", logFile);
    str("runtime", runtimeFile);
    str("input", input);
    str("data_dir", dataDir);
    str("split", split);
    str("codec", codec);
    integer("threads", threads);
    integer("count", count);
    integer("first", first);
    integer("request_timeout_ms", requestTimeoutMs);
    num("slowdown", slowdown);
    num("codec_slowdown", codecSlowdown);
    num("cache_mb", cacheMb);
    str("cache_policy", cachePolicy);
    num("rate", ratePerSecond);
    num("accuracy_budget", accuracyBudget);
    num("link_rate_kbps", link.rateKBps);
    num("link_delay_ms", link.delayMs);
    num("link_jitter_ms", link.jitterMs);
    num("link_loss", link.lossProbability);
    if (o.contains(QLatin1String("emulate"))) {
        // {"slowdown", "codec_slowdown", "link": {"rate_kbps", "delay_ms", "jitter_ms", "loss"}}
        const QString ep = JsonReader::child(p, QStringLiteral("emulate"));
        const QJsonObject e = r.object(o.value(QLatin1String("emulate")), ep);
        static const QStringList emulateKeys{
            QStringLiteral("slowdown"), QStringLiteral("codec_slowdown"), QStringLiteral("link")};
        for (auto it = e.begin(); it != e.end(); ++it)
            if (!emulateKeys.contains(it.key()))
                r.error(JsonReader::child(ep, it.key()),
                        QStringLiteral("unknown key (slowdown, codec_slowdown, link)"));
        if (e.contains(QLatin1String("slowdown")))
            slowdown = r.number(e, ep, QStringLiteral("slowdown"));
        if (e.contains(QLatin1String("codec_slowdown")))
            codecSlowdown = r.number(e, ep, QStringLiteral("codec_slowdown"));
        if (e.contains(QLatin1String("link"))) {
            const QString lp = JsonReader::child(ep, QStringLiteral("link"));
            const QJsonObject l = r.object(e.value(QLatin1String("link")), lp);
            static const QStringList linkKeys{QStringLiteral("rate_kbps"),
                                              QStringLiteral("delay_ms"),
                                              QStringLiteral("jitter_ms"), QStringLiteral("loss")};
            for (auto it = l.begin(); it != l.end(); ++it)
                if (!linkKeys.contains(it.key()))
                    r.error(JsonReader::child(lp, it.key()),
                            QStringLiteral("unknown key (rate_kbps, delay_ms, jitter_ms, loss)"));
            const auto linkNumber = [&](const char *key, double &into) {
                if (l.contains(QLatin1String(key)))
                    into = r.number(l, lp, QLatin1String(key));
            };
            linkNumber("rate_kbps", link.rateKBps);
            linkNumber("delay_ms", link.delayMs);
            linkNumber("jitter_ms", link.jitterMs);
            linkNumber("loss", link.lossProbability);
        }
    }
    if (o.contains(QLatin1String("assume_link_rate")))
        assumeLinkRate = r.boolean(o, p, QStringLiteral("assume_link_rate"), false);
    if (o.contains(QLatin1String("preload")))
        preload = r.boolean(o, p, QStringLiteral("preload"), false);
    if (o.contains(QLatin1String("tls")))
        tls = r.boolean(o, p, QStringLiteral("tls"), true);
    if (o.contains(QLatin1String("link_schedule"))) {
        const Result<QList<QPair<int, double>>> schedule =
            parseLinkSchedule(r.string(o, p, QStringLiteral("link_schedule")));
        if (schedule)
            linkSchedule = *schedule;
        else
            r.error(JsonReader::child(p, QStringLiteral("link_schedule")), schedule.error());
    }
    for (const char *key : {"listen", "edge"}) {
        if (!o.contains(QLatin1String(key)))
            continue;
        const Result<QPair<QString, quint16>> hp =
            parseHostPort(r.string(o, p, QLatin1String(key)));
        if (!hp) {
            r.error(QStringLiteral("$.%1").arg(QLatin1String(key)), hp.error());
            continue;
        }
        if (qstrcmp(key, "listen") == 0) {
            listenHost = hp->first;
            listenPort = hp->second;
            listen = true;
            listenConfigured = true;
        } else {
            edgeHost = hp->first;
            edgePort = hp->second;
        }
    }
    if (r.hasErrors())
        return Result<void>::failure(r.errors().join(QStringLiteral("; ")));
    return {};
}

void AgentConfig::addOptions(QCommandLineParser &parser)
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("config"), QStringLiteral("JSON configuration file (flags override it)"),
         QStringLiteral("FILE")},
        {QStringLiteral("role"), QStringLiteral("device, edge or cloud"), QStringLiteral("ROLE")},
        {QStringLiteral("name"), QStringLiteral("name in logs and handshakes"),
         QStringLiteral("NAME")},
        {QStringLiteral("listen"), QStringLiteral("address to serve on (port 0: any free port)"),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("token-file"), QStringLiteral("the fleet token (shared secret)"),
         QStringLiteral("FILE")},
        {QStringLiteral("model-dir"),
         QStringLiteral("model directory: model.pt or head-/tail-SPLIT.pt parts, profile.json"),
         QStringLiteral("DIR")},
        {QStringLiteral("models-dir"),
         QStringLiteral("a folder of model directories, each served (edge) or run (device) under "
                        "its folder's name"),
         QStringLiteral("DIR")},
        {QStringLiteral("model"),
         QStringLiteral("device: the model of --models-dir to run (default: the only one)"),
         QStringLiteral("NAME")},
        {QStringLiteral("start"),
         QStringLiteral("device: auto (send inputs at once, default) or on-request (wait for a "
                        "console or `edgegpt fleet run`)"),
         QStringLiteral("MODE")},
        {QStringLiteral("log-file"), QStringLiteral("also log to this file"),
         QStringLiteral("FILE")},
        {QStringLiteral("runtime"),
         QStringLiteral("the model runtime plugin (default: libedgegpt-runtime.so next to the "
                        "agent)"),
         QStringLiteral("FILE")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads (default 1)"),
         QStringLiteral("N")},
        {QStringLiteral("slowdown"),
         QStringLiteral("emulate a slower board: stretch model compute N times (default 1)"),
         QStringLiteral("N")},
        {QStringLiteral("codec-slowdown"),
         QStringLiteral("emulate a slower CPU: stretch codec work N times (default 1)"),
         QStringLiteral("N")},
        {QStringLiteral("edge"), QStringLiteral("device: the edge agent"),
         QStringLiteral("HOST:PORT")},
        {QStringLiteral("input"),
         QStringLiteral("device: fashion-mnist (default), heart-rate, or a folder of images"),
         QStringLiteral("SOURCE")},
        {QStringLiteral("data"), QStringLiteral("device: Fashion-MNIST folder"),
         QStringLiteral("DIR")},
        {QStringLiteral("count"),
         QStringLiteral("device: process N inputs, then exit (0: until stopped)"),
         QStringLiteral("N")},
        {QStringLiteral("first"), QStringLiteral("device: first Fashion-MNIST test image"),
         QStringLiteral("N")},
        {QStringLiteral("rate"), QStringLiteral("device: inputs a second (0: next when answered)"),
         QStringLiteral("R")},
        {QStringLiteral("split"),
         QStringLiteral("device: auto (adaptive, default) or a split name"),
         QStringLiteral("SPLIT")},
        {QStringLiteral("codec"),
         QStringLiteral("device: codec for a fixed split (default: best for the link)"),
         QStringLiteral("CODEC")},
        {QStringLiteral("accuracy-budget"),
         QStringLiteral("device: accuracy the split may lose (default 0.003)"),
         QStringLiteral("F")},
        {QStringLiteral("request-timeout-ms"),
         QStringLiteral("device: report a request failed after this long (default 2000)"),
         QStringLiteral("MS")},
        {QStringLiteral("link-rate"),
         QStringLiteral("device: shape the uplink to this many KB/s (1 KB = 1000 B)"),
         QStringLiteral("KBPS")},
        {QStringLiteral("link-delay"), QStringLiteral("device: added one-way delay"),
         QStringLiteral("MS")},
        {QStringLiteral("link-jitter"), QStringLiteral("device: jitter around the delay"),
         QStringLiteral("MS")},
        {QStringLiteral("link-loss"), QStringLiteral("device: chunk loss probability"),
         QStringLiteral("P")},
        {QStringLiteral("link-schedule"),
         QStringLiteral("device: uplink rate changes, MS:KBPS,... after start"),
         QStringLiteral("LIST")},
        {QStringLiteral("assume-link-rate"),
         QStringLiteral("device: plan with --link-rate instead of measuring the link")},
        {QStringLiteral("preload"),
         QStringLiteral("edge: load the model runtime right after listening, not when the first "
                        "device connects")},
        {QStringLiteral("tls"),
         QStringLiteral("on (default) or off: TLS-PSK on every connection; off only for "
                        "measurements, with the fleet secret, against peers that are off too"),
         QStringLiteral("on|off")},
        {QStringLiteral("cache-mb"),
         QStringLiteral("edge: keep the models under this memory budget, loading and releasing "
                        "them (0: no budget, default)"),
         QStringLiteral("MB")},
        {QStringLiteral("cache-policy"),
         QStringLiteral("edge: the model cache's policy (LC, LFU, FIFO, Random, Cloud, LRU, GDSF, "
                        "CVA; default LRU)"),
         QStringLiteral("NAME")},
    };
    for (const QCommandLineOption &o : options)
        parser.addOption(o);
}

Result<void> AgentConfig::applyOptions(const QCommandLineParser &parser)
{
    auto value = [&](const char *name) { return parser.value(QLatin1String(name)); };
    auto isSet = [&](const char *name) { return parser.isSet(QLatin1String(name)); };
    if (isSet("config")) {
        const Result<void> loaded = loadJsonFile(value("config"));
        if (!loaded)
            return loaded;
    }
    QStringList bad;
    auto number = [&](const char *name, double &into) {
        if (!isSet(name))
            return;
        bool ok = false;
        const double v = value(name).toDouble(&ok);
        if (ok)
            into = v;
        else
            bad << QStringLiteral("--%1").arg(QLatin1String(name));
    };
    auto integer = [&](const char *name, int &into) {
        double v = into;
        number(name, v);
        into = int(v);
    };
    if (isSet("role"))
        role = value("role");
    if (isSet("name"))
        name = value("name");
    if (isSet("token-file"))
        tokenFile = value("token-file");
    if (isSet("model-dir"))
        modelDir = value("model-dir");
    if (isSet("models-dir"))
        modelsDir = value("models-dir");
    if (isSet("model"))
        model = value("model");
    if (isSet("start"))
        start = value("start");
    if (isSet("log-file"))
        logFile = value("log-file");
    if (isSet("runtime"))
        runtimeFile = value("runtime");
    if (isSet("input"))
        input = value("input");
    if (isSet("data"))
        dataDir = value("data");
    if (isSet("split"))
        split = value("split");
    if (isSet("codec"))
        codec = value("codec");
    integer("threads", threads);
    integer("count", count);
    integer("first", first);
    integer("request-timeout-ms", requestTimeoutMs);
    number("slowdown", slowdown);
    number("codec-slowdown", codecSlowdown);
    number("cache-mb", cacheMb);
    if (isSet("cache-policy"))
        cachePolicy = value("cache-policy");
    number("rate", ratePerSecond);
    number("accuracy-budget", accuracyBudget);
    number("link-rate", link.rateKBps);
    number("link-delay", link.delayMs);
    number("link-jitter", link.jitterMs);
    number("link-loss", link.lossProbability);
    if (isSet("assume-link-rate"))
        assumeLinkRate = true;
    if (isSet("preload"))
        preload = true;
    if (isSet("tls")) {
        if (value("tls") != QLatin1String("on") && value("tls") != QLatin1String("off"))
            return Result<void>::failure(
                QStringLiteral("--tls must be on or off (got \"%1\")").arg(value("tls")));
        tls = value("tls") == QLatin1String("on");
    }
    if (isSet("link-schedule")) {
        const Result<QList<QPair<int, double>>> schedule =
            parseLinkSchedule(value("link-schedule"));
        if (!schedule)
            return Result<void>::failure(QStringLiteral("--link-schedule: ") + schedule.error());
        linkSchedule = *schedule;
    }
    if (!bad.isEmpty())
        return Result<void>::failure(
            QStringLiteral("%1: not a number").arg(bad.join(QStringLiteral(", "))));
    if (isSet("listen")) {
        const Result<QPair<QString, quint16>> hp = parseHostPort(value("listen"));
        if (!hp)
            return Result<void>::failure(QStringLiteral("--listen: ") + hp.error());
        listenHost = hp->first;
        listenPort = hp->second;
        listen = true;
        listenConfigured = true;
    }
    if (role == QLatin1String("device") && !listenConfigured)
        listen = false; // edges and clouds always serve; a device only for a console
    if (isSet("edge")) {
        const Result<QPair<QString, quint16>> hp = parseHostPort(value("edge"));
        if (!hp)
            return Result<void>::failure(QStringLiteral("--edge: ") + hp.error());
        edgeHost = hp->first;
        edgePort = hp->second;
    }
    return validate();
}

} // namespace edgegpt
