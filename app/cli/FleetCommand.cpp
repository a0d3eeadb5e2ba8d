// edgegpt fleet status|stop|restart|logs --fleet FILE [--json] [SSH options]
// Acts on a deployment on every host of a fleet in parallel (docs/deploy.md).
//   status --json: {"hosts":[{"name":…,"state":"running"|"stopped"|"unreachable"|"error",
//                             "message":…[,"metrics":{"requests":…,"median_ms":…,"device_ms":…,
//                             "models":[…],"failed":…,"emulated":…}]
//                             [,"cache":{"policy":…,"budget_mb":…,"used_mb":…,"hit_ratio":…,
//                             "hits":…,"misses":…,"loads":…,"evictions":…,
//                             "resident":[{"model":…,"size_mb":…,"context":…},…]}]},…]}
//   (metrics: what a running agent answers to a status-request, when the token is at hand;
//   cache: an edge with a live model cache, from its metrics stream, docs/caching.md)
// Exit code 0 when every host ends in the state asked for (running for status and restart,
// stopped for stop, reachable for logs), else 1.
//
// edgegpt fleet run --fleet FILE [--host NAME] [--count N] [--json]
// Connects straight to each device host's agent (agent_address, else the HostName its ssh alias
// resolves to in the SSH config, as deploy's probe does; agent_port)
// with the fleet token, asks it for N inputs (run-inputs, docs/protocol.md) and prints one line per
// answer ({"host","input","model","label","split","device_ms","encode_ms","transfer_ms","edge_ms",
// "total_ms","emulated"} with --json) and a summary line. Exit code 0 only when every device host
// answered all N.
#include "CliCommand.h"
#include "SshCliOptions.h"

#include "core/fleet/FleetKeys.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "core/util/Stats.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <optional>

namespace edgegpt::cli {

namespace {

// Where the agent of a fleet host listens, as seen from here: agent_address, else the host name
// the SSH config gives the host's ssh target (as deploy connects its probe), else that target.
QString agentAddressOf(const FleetHost &h, const SshOptions &ssh)
{
    if (!h.agentAddress.isEmpty())
        return h.agentAddress;
    const Result<SshEndpoint> endpoint =
        SshSession::resolve(h.target.host, h.target.user, h.target.port, ssh);
    return endpoint && !endpoint->host.isEmpty() ? endpoint->host : h.target.host;
}

quint16 agentPortOf(const FleetHost &h)
{
    return quint16(h.agentPort > 0 ? h.agentPort : Fleet::defaultAgentPort);
}

// As the console (console:console): its key file beside the fleet file, or the fleet secret.
PeerConnection::Options consoleOptions(const Keyring &keys, int handshakeTimeoutMs)
{
    PeerConnection::Options options;
    options.keys = keys;
    options.identity = {Keyring::consoleName(), QStringLiteral("console")};
    options.handshakeTimeoutMs = handshakeTimeoutMs;
    return options;
}

// Asks a running agent for its status-reply (bounded by timeoutMs).
Result<StatusReplyMessage> queryStatus(const QString &address, quint16 port, const Keyring &keys,
                                       int timeoutMs)
{
    QEventLoop loop;
    std::unique_ptr<PeerConnection> peer(
        PeerConnection::connectToHost(address, port, consoleOptions(keys, timeoutMs)));
    QString error;
    std::optional<StatusReplyMessage> reply;
    quint32 id = 0;
    QObject::connect(peer.get(), &PeerConnection::ready, &loop, [&]() {
        const Result<quint32> sent =
            peer->sendRequest(FrameType::StatusRequest, EmptyMessage{}.toCbor());
        if (!sent) {
            error = sent.error();
            loop.quit();
            return;
        }
        id = *sent;
    });
    QObject::connect(peer.get(), &PeerConnection::frameReceived, &loop, [&](const Frame &f) {
        if (f.requestId != id)
            return;
        if (f.type == FrameType::StatusReply) {
            const Result<StatusReplyMessage> m = StatusReplyMessage::fromCbor(f.control);
            if (m)
                reply = *m;
            else
                error = m.error();
        } else if (f.type == FrameType::Error) {
            const Result<ErrorMessage> e = ErrorMessage::fromCbor(f.control);
            error = e ? e->code + QStringLiteral(": ") + e->message : e.error();
        } else {
            return;
        }
        loop.quit();
    });
    QObject::connect(peer.get(), &PeerConnection::failed, &loop, [&](const QString &m) {
        error = m;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&]() {
        error = QStringLiteral("no status reply within %1 ms").arg(timeoutMs);
        loop.quit();
    });
    loop.exec();
    peer->disconnect(&loop);
    if (reply)
        return *reply;
    return Result<StatusReplyMessage>::failure(error.isEmpty() ? QStringLiteral("connection closed")
                                                               : error);
}

// An edge's live model cache (docs/caching.md, "Live"), as its metrics stream carries it: the
// first metrics-update after subscribing. Empty when the agent has no live cache (no policy in
// the update). Bounded by timeoutMs.
Result<QJsonObject> queryCache(const QString &address, quint16 port, const Keyring &keys,
                               int timeoutMs)
{
    QEventLoop loop;
    std::unique_ptr<PeerConnection> peer(
        PeerConnection::connectToHost(address, port, consoleOptions(keys, timeoutMs)));
    QString error;
    std::optional<MetricsUpdateMessage> update;
    quint32 id = 0;
    QObject::connect(peer.get(), &PeerConnection::ready, &loop, [&]() {
        MetricsSubscribeMessage subscribe;
        subscribe.intervalMs = MetricsSubscribeMessage::minIntervalMs;
        const Result<quint32> sent =
            peer->sendRequest(FrameType::MetricsSubscribe, subscribe.toCbor());
        if (!sent) {
            error = sent.error();
            loop.quit();
            return;
        }
        id = *sent;
    });
    QObject::connect(peer.get(), &PeerConnection::frameReceived, &loop, [&](const Frame &f) {
        if (f.type == FrameType::MetricsUpdate) {
            const Result<MetricsUpdateMessage> m = MetricsUpdateMessage::fromCbor(f.control);
            if (m)
                update = *m;
            else
                error = m.error();
        } else if (f.type == FrameType::Error && f.requestId == id) {
            const Result<ErrorMessage> e = ErrorMessage::fromCbor(f.control);
            error = e ? e->code + QStringLiteral(": ") + e->message : e.error();
        } else {
            return;
        }
        loop.quit();
    });
    QObject::connect(peer.get(), &PeerConnection::failed, &loop, [&](const QString &m) {
        error = m;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, [&]() {
        error = QStringLiteral("no metrics update within %1 ms").arg(timeoutMs);
        loop.quit();
    });
    loop.exec();
    peer->disconnect(&loop);
    if (!update)
        return Result<QJsonObject>::failure(error.isEmpty() ? QStringLiteral("connection closed")
                                                            : error);
    if (update->cachePolicy.isEmpty())
        return QJsonObject{};
    const auto numberOrNull = [](double v) { return v >= 0 ? QJsonValue(v) : QJsonValue(); };
    QJsonArray resident;
    for (const ResidentModelRecord &r : update->cacheResident)
        resident.append(QJsonObject{{QStringLiteral("model"), r.model},
                                    {QStringLiteral("size_mb"), r.sizeMb},
                                    {QStringLiteral("context"), r.context}});
    return QJsonObject{{QStringLiteral("policy"), update->cachePolicy},
                       {QStringLiteral("budget_mb"), numberOrNull(update->cacheBudgetMb)},
                       {QStringLiteral("used_mb"), numberOrNull(update->cacheUsedMb)},
                       {QStringLiteral("hit_ratio"), numberOrNull(update->cacheHitRatio)},
                       {QStringLiteral("hits"), update->cacheTotals.hits},
                       {QStringLiteral("misses"), update->cacheTotals.misses},
                       {QStringLiteral("loads"), update->cacheTotals.loads},
                       {QStringLiteral("evictions"), update->cacheTotals.evictions},
                       {QStringLiteral("resident"), resident}};
}

QJsonValue msOrNull(double ms)
{
    return ms >= 0 ? QJsonValue(ms) : QJsonValue();
}

int runFleet(FleetOperation::Kind kind, const QString &name, const QString &description,
             const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    addFleetOptions(parser);
    addSshOptions(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("print JSON")});
    if (kind == FleetOperation::Kind::Logs)
        parser.addOption({QStringLiteral("lines"), QStringLiteral("lines of each log (default 50)"),
                          QStringLiteral("N"), QStringLiteral("50")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("fleet %1 takes no positional arguments").arg(name));
    Result<FleetSelection> selection = fleetFromParser(parser);
    if (!selection)
        return fail(ExitUsage, selection.error());

    FleetOperation::Request request;
    request.kind = kind;
    request.fleet = selection->fleet;
    request.ssh = sshOptionsFromParser(parser);
    request.spec.name = selection->deployment;
    request.onlyHosts = selection->hosts;
    if (kind == FleetOperation::Kind::Logs)
        request.logLines = qBound(1, parser.value(QStringLiteral("lines")).toInt(), 100000);
    if (kind == FleetOperation::Kind::Status || kind == FleetOperation::Kind::Restart) {
        // Without the token, status can only look at the process; say so rather than fail.
        const Result<QByteArray> token = loadFleetToken(selection->tokenFile, false);
        if (token)
            request.spec.token = *token;
        else
            fail(0, QStringLiteral("%1; the handshake is not checked").arg(token.error()));
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    TerminalSshInteraction interaction(parser.isSet(QStringLiteral("accept-new-host-key")));
    const QList<HostReport> reports = runFleetOperation(request, &interaction, true);
    // Status: a running agent says what it did (status-request), when the token is at hand.
    QHash<QString, QJsonObject> metrics, caches;
    const Result<Keyring> consoleKeys = loadConsoleKeys(selection->tokenFile);
    if (kind == FleetOperation::Kind::Status && !request.spec.token.isEmpty() && consoleKeys) {
        for (const HostReport &r : reports) {
            const FleetHost *h = selection->fleet.host(r.host);
            if (r.state != HostState::Running || !h)
                continue;
            const Result<StatusReplyMessage> s =
                queryStatus(agentAddressOf(*h, request.ssh), agentPortOf(*h), *consoleKeys, 3000);
            if (!s) {
                fail(0, QStringLiteral("%1: no metrics: %2").arg(r.host, s.error()));
                continue;
            }
            metrics.insert(r.host, QJsonObject{{QStringLiteral("requests"), s->requests},
                                               {QStringLiteral("median_ms"), msOrNull(s->medianMs)},
                                               {QStringLiteral("device_ms"), msOrNull(s->deviceMs)},
                                               {QStringLiteral("models"),
                                                QJsonArray::fromStringList(s->models)},
                                               {QStringLiteral("failed"), s->failed},
                                               {QStringLiteral("emulated"), s->emulated}});
            // An edge's live model cache, from its metrics stream.
            if (s->role != QLatin1String("edge"))
                continue;
            const Result<QJsonObject> c =
                queryCache(agentAddressOf(*h, request.ssh), agentPortOf(*h), *consoleKeys, 3000);
            if (!c)
                fail(0, QStringLiteral("%1: no cache metrics: %2").arg(r.host, c.error()));
            else if (!c->isEmpty())
                caches.insert(r.host, *c);
        }
    }

    int good = 0;
    QJsonArray hosts;
    for (const HostReport &r : reports) {
        bool ok = false;
        switch (kind) {
        case FleetOperation::Kind::Stop:
            ok = r.state == HostState::Stopped;
            break;
        case FleetOperation::Kind::Logs:
            ok = r.state == HostState::Running || r.state == HostState::Stopped;
            break;
        default:
            ok = r.state == HostState::Running;
        }
        good += ok ? 1 : 0;
        QJsonObject o{{QStringLiteral("name"), r.host},
                      {QStringLiteral("state"), hostStateName(r.state)},
                      {QStringLiteral("message"), r.message}};
        if (kind == FleetOperation::Kind::Logs)
            o.insert(QStringLiteral("log"), r.log);
        const QJsonObject m = metrics.value(r.host);
        if (!m.isEmpty())
            o.insert(QStringLiteral("metrics"), m);
        const QJsonObject cache = caches.value(r.host);
        if (!cache.isEmpty())
            o.insert(QStringLiteral("cache"), cache);
        hosts.append(o);
        if (json)
            continue;
        if (kind == FleetOperation::Kind::Logs) {
            printOut(
                QStringLiteral("== %1: %2 (%3) ==").arg(r.host, hostStateName(r.state), r.message));
            if (!r.log.isEmpty())
                printOut(r.log);
        } else if (!m.isEmpty()) {
            const auto ms = [](const QJsonValue &v) {
                return v.isDouble() ? QStringLiteral("%1 ms").arg(v.toDouble(), 0, 'f', 2)
                                    : QStringLiteral("-");
            };
            QStringList models;
            for (const QJsonValue &v : m.value(QStringLiteral("models")).toArray())
                models << v.toString();
            printOut(QStringLiteral("%1: %2: %3 (%4 requests, median %5, device %6, models: %7%8)")
                         .arg(r.host, hostStateName(r.state), r.message)
                         .arg(m.value(QStringLiteral("requests")).toInteger())
                         .arg(ms(m.value(QStringLiteral("median_ms"))),
                              ms(m.value(QStringLiteral("device_ms"))),
                              models.isEmpty() ? QStringLiteral("none loaded")
                                               : models.join(QStringLiteral(", ")),
                              m.value(QStringLiteral("emulated")).toBool()
                                  ? QStringLiteral(", emulated")
                                  : QString()));
        } else {
            printOut(QStringLiteral("%1: %2: %3").arg(r.host, hostStateName(r.state), r.message));
        }
        if (!cache.isEmpty()) {
            QStringList resident;
            for (const QJsonValue &v : cache.value(QStringLiteral("resident")).toArray()) {
                const QJsonObject x = v.toObject();
                resident << QStringLiteral("%1 (%2 MB, context %3)")
                                .arg(x.value(QStringLiteral("model")).toString())
                                .arg(x.value(QStringLiteral("size_mb")).toDouble(), 0, 'f', 1)
                                .arg(x.value(QStringLiteral("context")).toDouble(), 0, 'f', 2);
            }
            printOut(QStringLiteral("  cache %1: hit ratio %2% (%3 hits, %4 misses), %5 loads, "
                                    "%6 evictions, %7 of %8 MB in use, resident: %9")
                         .arg(cache.value(QStringLiteral("policy")).toString())
                         .arg(100 * cache.value(QStringLiteral("hit_ratio")).toDouble(), 0, 'f', 1)
                         .arg(cache.value(QStringLiteral("hits")).toInteger())
                         .arg(cache.value(QStringLiteral("misses")).toInteger())
                         .arg(cache.value(QStringLiteral("loads")).toInteger())
                         .arg(cache.value(QStringLiteral("evictions")).toInteger())
                         .arg(cache.value(QStringLiteral("used_mb")).toDouble(), 0, 'f', 1)
                         .arg(cache.value(QStringLiteral("budget_mb")).toDouble(), 0, 'f', 1)
                         .arg(resident.isEmpty() ? QStringLiteral("none")
                                                 : resident.join(QStringLiteral(", "))));
        }
    }
    if (json)
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("hosts"), hosts}})
                                       .toJson(QJsonDocument::Compact)));
    return good == reports.size() ? ExitOk : ExitFailure;
}

// One device host of `fleet run`: its connection and what it answered.
struct RunHost
{
    QString name, address;
    quint16 port = 0;
    std::unique_ptr<PeerConnection> peer;
    quint32 runId = 0;
    qint64 answered = 0, failed = 0;
    bool done = false;
    QString error; // why it did not answer all
    QList<double> totals;
};

int runFleetRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Asks every device host of the fleet (or --host) to run N inputs from its input source "
        "through its split, and prints each answer. The agents are reached directly (agent_address "
        "or the ssh host, agent_port) with the fleet token. Exit code 0 when every device host "
        "answered all N."));
    parser.addHelpOption();
    addFleetOptions(parser);
    // Only to find a host's address from its ssh alias (no SSH connection is made).
    addSshOptions(parser);
    parser.addOption({QStringLiteral("count"),
                      QStringLiteral("inputs each device runs (default 1)"), QStringLiteral("N"),
                      QStringLiteral("1")});
    parser.addOption({QStringLiteral("rate"),
                      QStringLiteral("inputs a second (default 0: the next when the previous is "
                                     "answered)"),
                      QStringLiteral("R"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("timeout"),
                      QStringLiteral("seconds to wait for all answers (default 120)"),
                      QStringLiteral("S"), QStringLiteral("120")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("print JSON lines")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("fleet run takes no positional arguments"));
    bool ok = false;
    const int count = parser.value(QStringLiteral("count")).toInt(&ok);
    if (!ok || count < 1 || count > 1000000)
        return fail(ExitUsage, QStringLiteral("--count must be a whole number from 1 to 1000000"));
    const double rate = parser.value(QStringLiteral("rate")).toDouble(&ok);
    if (!ok || rate < 0 || rate > 10000)
        return fail(ExitUsage, QStringLiteral("--rate must be a number from 0 to 10000"));
    const double timeoutS = parser.value(QStringLiteral("timeout")).toDouble(&ok);
    if (!ok || timeoutS <= 0 || timeoutS > 86400)
        return fail(ExitUsage, QStringLiteral("--timeout must be seconds from 1 to 86400"));
    Result<FleetSelection> selection = fleetFromParser(parser);
    if (!selection)
        return fail(ExitUsage, selection.error());
    const Result<Keyring> keys = loadConsoleKeys(selection->tokenFile);
    if (!keys)
        return fail(ExitFailure, keys.error());
    for (const QString &warning : keys->warnings())
        fail(0, warning);
    const bool json = parser.isSet(QStringLiteral("json"));

    std::vector<std::unique_ptr<RunHost>> hosts;
    for (const FleetHost &h : selection->fleet.hosts) {
        if (!selection->hosts.isEmpty() && !selection->hosts.contains(h.name))
            continue;
        if (h.role != QLatin1String("device")) {
            if (selection->hosts.contains(h.name))
                return fail(ExitUsage,
                            QStringLiteral("--host %1 is %2 host; fleet run asks devices")
                                .arg(h.name, h.role == QLatin1String("edge")
                                                 ? QStringLiteral("an edge")
                                                 : QStringLiteral("a ") + h.role));
            continue;
        }
        auto r = std::make_unique<RunHost>();
        r->name = h.name;
        r->address = agentAddressOf(h, sshOptionsFromParser(parser));
        r->port = agentPortOf(h);
        hosts.push_back(std::move(r));
    }
    if (hosts.empty())
        return fail(ExitFailure, QStringLiteral("the fleet has no device host to run"));

    QEventLoop loop;
    int open = int(hosts.size());
    const auto finishHost = [&](RunHost *h, const QString &error) {
        if (h->done)
            return;
        h->done = true;
        if (!error.isEmpty() && h->error.isEmpty())
            h->error = error;
        if (h->peer)
            h->peer->disconnect(&loop);
        if (--open == 0)
            loop.quit();
    };
    QList<double> allTotals;
    qint64 labelled = 0, correct = 0; // answers whose true class is known, and the right ones
    for (auto &hp : hosts) {
        RunHost *h = hp.get();
        h->peer.reset(
            PeerConnection::connectToHost(h->address, h->port, consoleOptions(*keys, 10000)));
        PeerConnection *peer = h->peer.get();
        QObject::connect(peer, &PeerConnection::ready, &loop, [&, h, peer]() {
            RunInputsMessage m;
            m.count = count;
            m.ratePerSecond = rate;
            const Result<quint32> id = peer->sendRequest(FrameType::RunInputs, m.toCbor());
            if (!id)
                return finishHost(h, QStringLiteral("cannot ask for inputs: %1").arg(id.error()));
            h->runId = *id;
        });
        QObject::connect(peer, &PeerConnection::frameReceived, &loop, [&, h](const Frame &f) {
            if (f.requestId != h->runId || h->runId == 0)
                return;
            switch (f.type) {
            case FrameType::RunInputsAck:
                break;
            case FrameType::Error: {
                const Result<ErrorMessage> e = ErrorMessage::fromCbor(f.control);
                finishHost(h, e ? e->code + QStringLiteral(": ") + e->message : e.error());
                break;
            }
            case FrameType::RunResult: {
                const Result<RunResultMessage> r = RunResultMessage::fromCbor(f.control);
                if (!r) {
                    ++h->failed;
                    fail(0, QStringLiteral("%1: %2").arg(h->name, r.error()));
                    break;
                }
                QJsonObject line{
                    {QStringLiteral("host"), h->name},
                    {QStringLiteral("input"), r->input},
                    {QStringLiteral("model"), r->model},
                    {QStringLiteral("label"), r->ok ? QJsonValue(r->label) : QJsonValue()},
                    {QStringLiteral("split"), r->split},
                    {QStringLiteral("device_ms"), msOrNull(r->deviceMs)},
                    {QStringLiteral("encode_ms"), msOrNull(r->encodeMs)},
                    {QStringLiteral("transfer_ms"), msOrNull(r->transferMs)},
                    {QStringLiteral("edge_ms"), msOrNull(r->edgeMs)},
                    {QStringLiteral("total_ms"), msOrNull(r->totalMs)},
                    {QStringLiteral("emulated"), r->emulated}};
                // Beyond the contract's keys: the class index and, when the source knows it (a
                // Fashion-MNIST test image), the true class, so a run can be scored.
                if (r->ok)
                    line.insert(QStringLiteral("predicted"), r->predicted);
                if (r->truth >= 0) {
                    line.insert(QStringLiteral("truth"), r->truth);
                    if (r->ok) {
                        line.insert(QStringLiteral("correct"), r->predicted == r->truth);
                        ++labelled;
                        correct += r->predicted == r->truth ? 1 : 0;
                    }
                }
                if (r->ok) {
                    ++h->answered;
                    if (r->totalMs >= 0) {
                        h->totals << r->totalMs;
                        allTotals << r->totalMs;
                    }
                } else {
                    ++h->failed;
                    line.insert(QStringLiteral("error"), r->error);
                }
                if (json)
                    printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
                else if (r->ok)
                    printOut(QStringLiteral("%1  %2  %3  %4  split %5  device %6 ms  total %7 ms%8")
                                 .arg(h->name, r->input, r->model, r->label, r->split)
                                 .arg(std::max(0.0, r->deviceMs), 0, 'f', 2)
                                 .arg(std::max(0.0, r->totalMs), 0, 'f', 2)
                                 .arg(r->emulated ? QStringLiteral("  (emulated)") : QString()));
                else
                    printOut(QStringLiteral("%1  %2  failed: %3").arg(h->name, r->input, r->error));
                break;
            }
            case FrameType::RunDone: {
                const Result<RunDoneMessage> d = RunDoneMessage::fromCbor(f.control);
                if (!d)
                    finishHost(h, d.error());
                else if (h->answered < count)
                    finishHost(h, QStringLiteral("answered %1 of %2 (%3 failed)")
                                      .arg(h->answered)
                                      .arg(count)
                                      .arg(h->failed));
                else
                    finishHost(h, QString());
                break;
            }
            default:
                break;
            }
        });
        QObject::connect(peer, &PeerConnection::failed, &loop,
                         [&, h](const QString &m) { finishHost(h, m); });
        QObject::connect(peer, &PeerConnection::closed, &loop, [&, h]() {
            finishHost(h, QStringLiteral("the agent closed the connection"));
        });
    }
    QTimer::singleShot(int(timeoutS * 1000), &loop, [&]() {
        for (auto &h : hosts)
            finishHost(h.get(), QStringLiteral("no answer to all %1 within %2 s (%3 answered)")
                                    .arg(count)
                                    .arg(timeoutS)
                                    .arg(h->answered));
    });
    if (open > 0)
        loop.exec();
    // Stop what still runs (a timeout) and close.
    for (auto &h : hosts) {
        if (h->peer && h->peer->isReady() && h->answered + h->failed < count)
            h->peer->sendRequest(FrameType::StopInputs, EmptyMessage{}.toCbor());
        if (h->peer)
            h->peer->close();
    }

    int good = 0;
    qint64 answered = 0, failedCount = 0;
    QJsonArray failedHosts;
    for (const auto &h : hosts) {
        answered += h->answered;
        failedCount += h->failed;
        if (h->error.isEmpty() && h->answered == count)
            ++good;
        else
            failedHosts.append(QJsonObject{{QStringLiteral("host"), h->name},
                                           {QStringLiteral("error"), h->error}});
    }
    const bool allOk = good == int(hosts.size());
    if (json) {
        printOut(QString::fromUtf8(
            QJsonDocument(
                QJsonObject{
                    {QStringLiteral("summary"),
                     QJsonObject{
                         {QStringLiteral("hosts"), int(hosts.size())},
                         {QStringLiteral("hosts_ok"), good},
                         {QStringLiteral("count"), count},
                         {QStringLiteral("answered"), answered},
                         {QStringLiteral("failed"), failedCount},
                         {QStringLiteral("median_total_ms"),
                          allTotals.isEmpty() ? QJsonValue() : QJsonValue(median(allTotals))},
                         {QStringLiteral("failed_hosts"), failedHosts},
                         {QStringLiteral("accuracy"),
                          labelled > 0 ? QJsonValue(double(correct) / labelled) : QJsonValue()},
                         {QStringLiteral("ok"), allOk}}}})
                .toJson(QJsonDocument::Compact)));
    } else {
        printOut(QStringLiteral("%1 of %2 device hosts answered all %3 (%4 answered, %5 failed%6)")
                     .arg(good)
                     .arg(hosts.size())
                     .arg(count)
                     .arg(answered)
                     .arg(failedCount)
                     .arg(allTotals.isEmpty() ? QString()
                                              : QStringLiteral(", median total %1 ms")
                                                    .arg(median(allTotals), 0, 'f', 2)));
        for (const auto &h : hosts)
            if (!h->error.isEmpty())
                printOut(QStringLiteral("%1: %2").arg(h->name, h->error));
    }
    return allOk ? ExitOk : ExitFailure;
}

const CliCommandRegistration runRegistration(
    {QStringLiteral("fleet run"),
     QStringLiteral("ask the deployed devices to run N inputs and print each answer"),
     [](const QStringList &a) { return runFleetRun(a); }});
const CliCommandRegistration statusRegistration(
    {QStringLiteral("fleet status"),
     QStringLiteral("state of each host's agent: running, stopped, unreachable or error"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Status, QStringLiteral("status"),
                         QStringLiteral("Asks every host of the fleet whether its agent runs and "
                                        "answers the handshake. Exit code 0 when all run."),
                         a);
     }});
const CliCommandRegistration stopRegistration(
    {QStringLiteral("fleet stop"), QStringLiteral("stop the agents of a fleet (TERM, then KILL)"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Stop, QStringLiteral("stop"),
                         QStringLiteral("Stops the agent of the deployment on every host (TERM, "
                                        "KILL after 5 s). Exit code 0 when all are stopped."),
                         a);
     }});
const CliCommandRegistration restartRegistration(
    {QStringLiteral("fleet restart"), QStringLiteral("restart the deployed agents of a fleet"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Restart, QStringLiteral("restart"),
                         QStringLiteral("Stops and starts the deployed agent on every host and "
                                        "waits for its handshake. Exit code 0 when all run."),
                         a);
     }});
const CliCommandRegistration logsRegistration(
    {QStringLiteral("fleet logs"), QStringLiteral("print the tail of each agent's log"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Logs, QStringLiteral("logs"),
                         QStringLiteral("Prints the last lines of the agent's log on every host."),
                         a);
     }});

} // namespace
} // namespace edgegpt::cli
