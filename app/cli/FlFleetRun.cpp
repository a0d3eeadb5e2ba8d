#include "FlFleetRun.h"

#include "CliCommand.h"
#include "SshCliOptions.h"

#include "core/fleet/RemoteAgent.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

#include <csignal>
#include <memory>

namespace edgegpt::cli {

namespace {

QString humanBytes(qint64 b)
{
    if (b >= 1000000)
        return QStringLiteral("%1 MB").arg(double(b) / 1e6, 0, 'f', 2);
    return QStringLiteral("%1 KB").arg(double(b) / 1e3, 0, 'f', 1);
}

// SIGINT/SIGTERM only set this; the run notices it between two SSH round trips (each bounded by
// a timeout) and stops what it started on the hosts before it exits.
volatile std::sig_atomic_t g_stopSignal = 0;

void onStopSignal(int signal)
{
    g_stopSignal = signal;
}

// Longest line the aggregator may print, and the most of its output read in one round trip:
// its lines are a few hundred bytes; anything larger is not the aggregator talking.
constexpr qint64 maxLineBytes = 1024 * 1024;
constexpr qint64 readChunkBytes = 64 * 1024;
// Files fetched from the aggregator's model folder, at most (model.pt, model.json and a few).
constexpr int maxModelFiles = 64;

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.simplified();
}

// The shell function `alive` for the pid in $p: it exists, is not a zombie (an orphan that no init
// reaps) and, where /proc says, runs edgegpt-agent (a recycled pid is not ours).
const char *aliveFunction =
    "alive() { kill -0 \"$p\" 2>/dev/null || return 1; [ -r /proc/$p/stat ] || return 0; "
    "read -r st </proc/$p/stat; case \"${st##*) }\" in Z*) return 1;; esac; "
    "tr '\\000' ' ' </proc/$p/cmdline | grep -q edgegpt-agent; }\n";

// In the deployment directory: stops the FL agent of fl/pid (TERM, then KILL after 3 s) and
// removes the pid file. Prints "stopped PID", "gone" or "alive PID".
QString stopScript(const QString &dir)
{
    return QStringLiteral("cd -- %1 2>/dev/null || { echo gone; exit 0; }\n"
                          "p=$(cat fl/pid 2>/dev/null)\n"
                          "case \"$p\" in ''|*[!0-9]*) rm -f fl/pid; echo gone; exit 0;; esac\n")
               .arg(SshSession::shellQuote(dir)) +
           QLatin1String(aliveFunction) +
           QStringLiteral("if ! alive; then rm -f fl/pid; echo gone; exit 0; fi\n"
                          "kill -TERM \"$p\" 2>/dev/null; i=0\n"
                          "while alive && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done\n"
                          "if alive; then kill -KILL \"$p\" 2>/dev/null; sleep 0.2; fi\n"
                          "if alive; then echo \"alive $p\"; exit 0; fi\n"
                          "rm -f fl/pid; echo \"stopped $p\"\n");
}

// The host part of "HOST:PORT" / "[ADDRESS]:PORT" (an edge_endpoint).
QString endpointHost(const QString &endpoint)
{
    if (endpoint.startsWith(QLatin1Char('['))) {
        const int close = int(endpoint.indexOf(QLatin1Char(']')));
        return close > 0 ? endpoint.mid(1, close - 1) : endpoint;
    }
    const int colon = int(endpoint.lastIndexOf(QLatin1Char(':')));
    return colon > 0 ? endpoint.left(colon) : endpoint;
}

struct FlHost
{
    const FleetHost *host = nullptr;
    QString role;  // "fl-edge" or "fl-device"
    int index = 0; // a device's shard
    QString dir;   // its deployment directory
    std::unique_ptr<SshSession> ssh;
    qint64 pid = 0; // the FL agent started there, 0 when none
};

class FleetFlRun
{
public:
    FleetFlRun(const FlFleetSettings &settings, const FlRunConfig &config)
        : m_settings(settings)
        , m_config(config)
        , m_interaction(settings.acceptNewHostKeys)
    {}

    int exec()
    {
        struct sigaction sa = {};
        sa.sa_handler = onStopSignal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        struct sigaction oldInt = {}, oldTerm = {};
        g_stopSignal = 0;
        sigaction(SIGINT, &sa, &oldInt);
        sigaction(SIGTERM, &sa, &oldTerm);
        int code = run();
        // A signal during a blocking SSH call may surface as that call's failure: say what
        // happened rather than what it broke.
        if (g_stopSignal)
            code = stopped() ? ExitFailure : code;
        stopAll();
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
        if (!m_error.isEmpty())
            code = fail(code == ExitOk ? ExitFailure : code, m_error);
        return code;
    }

private:
    int error(int code, const QString &message)
    {
        m_error = oneLine(message);
        return code;
    }
    int hostError(const FlHost &h, const QString &message)
    {
        return error(ExitFailure, QStringLiteral("%1: %2").arg(h.host->name, message));
    }
    bool stopped()
    {
        if (!g_stopSignal)
            return false;
        error(ExitFailure, QStringLiteral("stopped by %1")
                               .arg(g_stopSignal == SIGINT ? QStringLiteral("SIGINT")
                                                           : QStringLiteral("SIGTERM")));
        return true;
    }
    void progress(const QString &text) const
    {
        if (!m_settings.json)
            printOut(text);
    }

    // The edge host and the devices that train, from the fleet.
    int select()
    {
        const Fleet &fleet = m_settings.fleet;
        const FleetHost *edge = nullptr;
        for (const char *role : {"edge", "cloud"})
            for (const FleetHost &h : fleet.hosts)
                if (!edge && h.role == QLatin1String(role))
                    edge = &h;
        if (!edge)
            return error(ExitUsage, QStringLiteral("the fleet %1 has no edge (or cloud) host to "
                                                   "aggregate on")
                                        .arg(fleet.path));
        // Only the devices whose edge this is hold a key for it.
        QList<const FleetHost *> devices;
        for (const FleetHost &h : fleet.hosts)
            if (h.role == QLatin1String("device") && fleet.edgeFor(h) == edge)
                devices << &h;
        if (devices.isEmpty())
            return error(ExitUsage, QStringLiteral("the fleet %1 has no device host of edge %2")
                                        .arg(fleet.path, edge->name));
        if (!m_settings.devicesGiven)
            m_config.devices = int(devices.size());
        if (m_config.devices > devices.size())
            return error(ExitUsage, QStringLiteral("--devices %1: the fleet has %2 device hosts "
                                                   "of edge %3")
                                        .arg(m_config.devices)
                                        .arg(devices.size())
                                        .arg(edge->name));
        const Result<void> valid = m_config.validate();
        if (!valid)
            return error(ExitUsage, valid.error());
        m_flPort = m_settings.flPort ? m_settings.flPort
                   : edge->flPort    ? edge->flPort
                                     : edge->agentPort + 1;
        if (m_flPort < 1 || m_flPort > 65535)
            return error(ExitUsage,
                         QStringLiteral("the FL port %1 (agent_port + 1 of %2) is not a port; set "
                                        "fl_port in the fleet file or --fl-port")
                             .arg(m_flPort)
                             .arg(edge->name));
        auto add = [&](const FleetHost *h, const QString &role, int index) {
            FlHost f;
            f.host = h;
            f.role = role;
            f.index = index;
            f.dir = RemoteAgent::deploymentDir(h->dir, m_settings.deployment);
            m_hosts.push_back(std::move(f));
        };
        add(edge, QStringLiteral("fl-edge"), 0);
        for (int i = 0; i < m_config.devices; ++i)
            add(devices.at(i), QStringLiteral("fl-device"), i);
        return ExitOk;
    }

    QString dataDir() const
    {
        return m_settings.dataDir.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist")
                                            : m_settings.dataDir;
    }

    int connect(FlHost &h)
    {
        h.ssh = std::make_unique<SshSession>(m_settings.ssh, &m_interaction);
        const SshTarget &t = h.host->target;
        const Result<void> connected = h.ssh->connect(t.host, t.user, t.port);
        if (!connected)
            return hostError(h, connected.error());
        return ExitOk;
    }

    // The deployment is there, the data the agent needs too, and no FL agent of an earlier run
    // that was cut off is left running; fl/ is emptied for this run.
    int survey(FlHost &h)
    {
        const bool edge = h.role == QLatin1String("fl-edge");
        // The aggregator evaluates on the test set and recomputes BatchNorm statistics on the
        // training set's validation end (agents/FlAgent.h, normImages); a device trains.
        const QString splits = edge ? QStringLiteral("t10k train") : QStringLiteral("train");
        // The stop script runs in a command substitution, so that its early exits ("no pid")
        // go on to the checks.
        const QString script =
            QStringLiteral("s=$(\n") + stopScript(h.dir) +
            QStringLiteral(")\n"
                           "case \"$s\" in alive*) echo \"stale $s\"; exit 0;; esac\n"
                           "cd -- %1 2>/dev/null || { echo nodeploy; exit 0; }\n"
                           "[ -x ./%2 ] && [ -f ./%3 ] && [ -f agent.keys ] || { echo nodeploy; "
                           "exit 0; }\n"
                           "for p in %4; do for s in $p-images-idx3-ubyte $p-labels-idx1-ubyte; "
                           "do\n"
                           "  [ -r %5/$s ] || [ -r %5/$s.gz ] || { echo \"nodata $s\"; exit 0; }\n"
                           "done; done\n"
                           "rm -rf fl/model fl/config.json fl/out.log fl/agent.log && mkdir -p "
                           "fl && echo ready\n")
                .arg(SshSession::shellQuote(h.dir), RemoteAgent::binaryName(),
                     RemoteAgent::runtimeName(), splits, SshSession::shellQuote(dataDir()));
        const Result<ExecResult> r = h.ssh->exec(script);
        if (!r)
            return hostError(h, r.error());
        const QString out = QString::fromUtf8(r->out).trimmed();
        if (out.endsWith(QLatin1String("ready")))
            return ExitOk;
        if (out.contains(QLatin1String("nodeploy")))
            return hostError(h,
                             QStringLiteral("no deployment \"%1\" in %2 (no %3, %4 or agent.keys "
                                            "there); deploy the fleet first with edgegpt deploy")
                                 .arg(m_settings.deployment, h.dir, RemoteAgent::binaryName(),
                                      RemoteAgent::runtimeName()));
        if (const int at = int(out.indexOf(QLatin1String("nodata "))); at >= 0)
            return hostError(h,
                             QStringLiteral("no Fashion-MNIST in %1 (%2[.gz] is missing); "
                                            "install it there (Debian: apt install "
                                            "dataset-fashion-mnist) or name its folder with "
                                            "--data")
                                 .arg(dataDir(), out.mid(at + 7).section(QLatin1Char('\n'), 0, 0)));
        if (out.contains(QLatin1String("stale ")))
            return hostError(h, QStringLiteral("an FL agent of an earlier run survived TERM and "
                                               "KILL in %1")
                                    .arg(h.dir));
        return hostError(h, QStringLiteral("unexpected answer from the host's shell: %1")
                                .arg(QString::fromUtf8(r->err.left(300)) + out.left(300)));
    }

    QJsonObject agentConfig(const FlHost &h) const
    {
        QJsonObject o{
            {QStringLiteral("role"), h.role},
            {QStringLiteral("name"), h.host->name},
            {QStringLiteral("token_file"), QString(h.dir + QStringLiteral("/agent.keys"))},
            {QStringLiteral("threads"), m_settings.threads},
            {QStringLiteral("data_dir"), dataDir()},
            {QStringLiteral("run"), m_config.toJson()}};
        if (h.role == QLatin1String("fl-edge")) {
            o.insert(QStringLiteral("listen_host"), h.host->agentListen);
            o.insert(QStringLiteral("listen_port"), m_flPort);
            o.insert(QStringLiteral("out_dir"), QString(h.dir + QStringLiteral("/fl/model")));
            o.insert(QStringLiteral("command"), m_settings.command);
        } else {
            o.insert(QStringLiteral("edge_host"), m_edgeAddress.value(h.host->name));
            o.insert(QStringLiteral("edge_port"), m_flPort);
            o.insert(QStringLiteral("device_index"), h.index);
        }
        return o;
    }

    // Where a device dials the aggregator: the host of its edge_endpoint when the fleet file
    // gives one (a forward or NAT in front of the edge), else the edge's agent address, else the
    // host name the edge's SSH target resolves to — the rule deploy uses for the agents — on the
    // FL port.
    QString edgeAddressFor(const FleetHost &device, const FleetHost &edge) const
    {
        if (!device.edgeEndpoint.isEmpty())
            return endpointHost(device.edgeEndpoint);
        if (!edge.agentAddress.isEmpty())
            return edge.agentAddress;
        const Result<SshEndpoint> r = SshSession::resolve(edge.target.host, edge.target.user,
                                                          edge.target.port, m_settings.ssh);
        return r ? r->host : edge.target.host;
    }

    int start(FlHost &h)
    {
        const QByteArray config = QJsonDocument(agentConfig(h)).toJson(QJsonDocument::Indented);
        const Result<void> uploaded =
            h.ssh->uploadBytes(config, h.dir + QStringLiteral("/fl/config.json"), 0600);
        if (!uploaded)
            return hostError(h, uploaded.error());
        // Detached from the SSH session like the deployed agent (RemoteAgent::start): `$r ./agent
        // … &` is one simple command in the background, so $! is the agent's own pid.
        const QString script =
            QStringLiteral("cd -- %1 || exit 1\n"
                           "if command -v setsid >/dev/null 2>&1; then r=setsid; else r=nohup; fi\n"
                           "$r ./%2 --fl fl/config.json >fl/out.log 2>fl/agent.log </dev/null &\n"
                           "p=$!\n"
                           "echo $p >fl/pid\n"
                           // Until the child has exec'd, its command line is this shell's, and
                           // `alive` (which wants edgegpt-agent there) would call it gone.
                           "i=0\n"
                           "while [ -r /proc/$p/cmdline ] && [ $i -lt 100 ]; do\n"
                           "  tr '\\000' ' ' </proc/$p/cmdline | grep -q edgegpt-agent && break\n"
                           "  sleep 0.02 2>/dev/null || { sleep 1; i=$((i+24)); }; i=$((i+1))\n"
                           "done\n"
                           "echo \"started $p\"\n")
                .arg(SshSession::shellQuote(h.dir), RemoteAgent::binaryName());
        const Result<ExecResult> r = h.ssh->exec(script);
        if (!r)
            return hostError(h, r.error());
        const QString out = QString::fromUtf8(r->out);
        const int at = int(out.indexOf(QLatin1String("started ")));
        if (r->exitCode != 0 || at < 0)
            return hostError(h, QStringLiteral("cannot start the FL agent in %1: %2")
                                    .arg(h.dir, QString::fromUtf8(r->err.left(300))));
        h.pid = out.mid(at + 8).section(QLatin1Char('\n'), 0, 0).trimmed().toLongLong();
        return ExitOk;
    }

    // The last line of the FL agent's log on its host (why it stopped).
    QString lastLogLine(FlHost &h)
    {
        const Result<ExecResult> r =
            h.ssh->exec(QStringLiteral("tail -n 5 -- %1/fl/agent.log 2>/dev/null; true")
                            .arg(SshSession::shellQuote(h.dir)),
                        -1, 64 * 1024);
        if (!r)
            return QStringLiteral("(its log could not be read: %1)").arg(r.error());
        const QList<QByteArray> lines = r->out.trimmed().split('\n');
        const QString last = QString::fromUtf8(lines.last()).trimmed();
        return last.isEmpty() ? QStringLiteral("(its log is empty)") : last.left(500);
    }

    // Whether the FL agent of `h` still runs; with `output`, also reads what the agent printed
    // since m_read (at most readChunkBytes) in the same round trip.
    Result<bool> poll(FlHost &h, QByteArray *output)
    {
        QString script = QStringLiteral("cd -- %1/fl 2>/dev/null || exit 3\n"
                                        "p=$(cat pid 2>/dev/null)\n")
                             .arg(SshSession::shellQuote(h.dir)) +
                         QLatin1String(aliveFunction) +
                         QStringLiteral("a=1; if alive; then a=0; fi\n");
        if (output)
            script += QStringLiteral("tail -c +%1 out.log 2>/dev/null | head -c %2\n")
                          .arg(m_read + 1)
                          .arg(readChunkBytes);
        script += QStringLiteral("exit $a\n");
        const Result<ExecResult> r = h.ssh->exec(script, -1, 2 * readChunkBytes);
        if (!r)
            return Result<bool>::failure(r.error());
        if (r->exitCode == 3)
            return Result<bool>::failure(QStringLiteral("%1/fl is gone").arg(h.dir));
        if (output) {
            *output = r->out;
            m_read += r->out.size();
        }
        return r->exitCode == 0;
    }

    // One line of the aggregator's stdout.
    void onLine(const QByteArray &line)
    {
        if (line.startsWith("listening ")) {
            m_listening = true;
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QString event = o.value(QStringLiteral("event")).toString();
        if (event == QLatin1String("round_start")) {
            m_roundsStarted = true;
        } else if (event == QLatin1String("round")) {
            printFlRound(o, m_config, m_settings.json, m_settings.outDir);
        } else if (event == QLatin1String("done")) {
            m_done = o;
        }
    }

    // Reads the aggregator's new output and acts on each complete line up to its "done" line.
    // False: the aggregator cannot be read (m_error says why).
    bool pump(FlHost &edge, bool *alive)
    {
        QByteArray chunk;
        const Result<bool> up = poll(edge, &chunk);
        if (!up) {
            hostError(edge, QStringLiteral("lost the FL aggregator: %1").arg(up.error()));
            return false;
        }
        *alive = *up;
        m_pending += chunk;
        int nl;
        while (m_done.isEmpty() && (nl = int(m_pending.indexOf('\n'))) >= 0) {
            const QByteArray line = m_pending.left(nl).trimmed();
            m_pending.remove(0, nl + 1);
            if (!line.isEmpty())
                onLine(line);
        }
        if (m_pending.size() > maxLineBytes) {
            hostError(edge, QStringLiteral("the FL aggregator printed a line of over %1 bytes")
                                .arg(maxLineBytes));
            return false;
        }
        // More may be waiting than one read takes: read again before judging liveness.
        if (chunk.size() >= readChunkBytes)
            *alive = true;
        return true;
    }

    int fetchModel(FlHost &edge)
    {
        const QString remote = edge.dir + QStringLiteral("/fl/model");
        const Result<ExecResult> list = edge.ssh->exec(
            QStringLiteral("cd -- %1 || exit 1\nfor f in *; do [ -f \"$f\" ] && printf '%s\\n' "
                           "\"$f\"; done; true\n")
                .arg(SshSession::shellQuote(remote)),
            -1, 256 * 1024);
        if (!list)
            return hostError(edge, list.error());
        if (list->exitCode != 0)
            return hostError(edge, QStringLiteral("the trained model is not in %1").arg(remote));
        QStringList names;
        for (const QByteArray &line : list->out.split('\n')) {
            const QString name = QString::fromUtf8(line);
            // Only plain names: they become paths here.
            if (name.isEmpty() || name.startsWith(QLatin1Char('.')) ||
                name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
                continue;
            names << name;
        }
        if (!names.contains(QStringLiteral("model.pt")) ||
            !names.contains(QStringLiteral("model.json")))
            return hostError(edge,
                             QStringLiteral("%1 holds no model.pt and model.json").arg(remote));
        if (names.size() > maxModelFiles)
            return hostError(
                edge, QStringLiteral("%1 holds more than %2 files").arg(remote).arg(maxModelFiles));
        for (const QString &name : std::as_const(names)) {
            const Result<qint64> got = edge.ssh->download(
                remote + QLatin1Char('/') + name, m_settings.outDir + QLatin1Char('/') + name);
            if (!got)
                return hostError(edge, QStringLiteral("fetching the model: %1").arg(got.error()));
            m_fetchedBytes += *got;
        }
        return ExitOk;
    }

    int run()
    {
        if (const int code = select(); code != ExitOk)
            return code;
        if (!QDir().mkpath(m_settings.outDir))
            return error(ExitFailure, QStringLiteral("cannot create %1").arg(m_settings.outDir));
        QFile::remove(m_settings.outDir + QStringLiteral("/fl-rounds.jsonl"));
        FlHost &edge = m_hosts.front();
        for (FlHost &h : m_hosts) {
            if (stopped())
                return ExitFailure;
            if (const int code = connect(h); code != ExitOk)
                return code;
            if (const int code = survey(h); code != ExitOk)
                return code;
            if (h.role == QLatin1String("fl-device"))
                m_edgeAddress.insert(h.host->name, edgeAddressFor(*h.host, *edge.host));
        }

        // The aggregator first; the devices once it listens.
        if (const int code = start(edge); code != ExitOk)
            return code;
        QElapsedTimer clock;
        clock.start();
        bool alive = true;
        while (!m_listening) {
            if (stopped())
                return ExitFailure;
            if (!pump(edge, &alive))
                return ExitFailure;
            if (m_listening)
                break;
            if (!alive)
                return hostError(edge, QStringLiteral("the FL aggregator stopped before it "
                                                      "listened: %1")
                                           .arg(lastLogLine(edge)));
            if (clock.elapsed() > 120000)
                return hostError(edge, QStringLiteral("the FL aggregator did not listen within "
                                                      "120 s: %1")
                                           .arg(lastLogLine(edge)));
            QThread::msleep(100);
        }
        progress(QStringLiteral("%1: FL aggregator listening on port %2")
                     .arg(edge.host->name)
                     .arg(m_flPort));
        for (FlHost &h : m_hosts) {
            if (h.role != QLatin1String("fl-device"))
                continue;
            if (const int code = start(h); code != ExitOk)
                return code;
            progress(QStringLiteral("%1: FL device %2 dialling %3:%4")
                         .arg(h.host->name)
                         .arg(h.index)
                         .arg(m_edgeAddress.value(h.host->name))
                         .arg(m_flPort));
        }

        QElapsedTimer sinceDeviceCheck;
        sinceDeviceCheck.start();
        while (m_done.isEmpty()) {
            if (stopped())
                return ExitFailure;
            if (!pump(edge, &alive))
                return ExitFailure;
            if (!m_done.isEmpty())
                break;
            if (!alive) {
                // Its last lines may have come with its end.
                if (!pump(edge, &alive))
                    return ExitFailure;
                if (!m_done.isEmpty())
                    break;
                return hostError(edge, QStringLiteral("the FL aggregator stopped before the end: "
                                                      "%1")
                                           .arg(lastLogLine(edge)));
            }
            // A device that stops before the first round (no data, refused key, no route to
            // the edge) would only be waited for; once the rounds run, the aggregator leaves
            // out whoever stops and says so in its round lines.
            if (!m_roundsStarted && sinceDeviceCheck.elapsed() > 1000) {
                sinceDeviceCheck.restart();
                for (FlHost &h : m_hosts) {
                    if (h.role != QLatin1String("fl-device"))
                        continue;
                    const Result<bool> up = poll(h, nullptr);
                    if (!up)
                        return hostError(h, up.error());
                    if (!*up)
                        return hostError(h, QStringLiteral("the FL device stopped before the "
                                                           "first round: %1")
                                                .arg(lastLogLine(h)));
                }
            }
            QThread::msleep(200);
        }
        if (const int code = fetchModel(edge); code != ExitOk)
            return code;
        progress(QStringLiteral("%1: fetched the model (%2) into %3")
                     .arg(edge.host->name, humanBytes(m_fetchedBytes), m_settings.outDir));
        QJsonArray devices;
        for (const FlHost &h : m_hosts)
            if (h.role == QLatin1String("fl-device"))
                devices.append(h.host->name);
        printFlFinal(m_done, m_config, m_settings.json,
                     QFileInfo(m_settings.outDir).absoluteFilePath(),
                     {{QStringLiteral("fleet"), true},
                      {QStringLiteral("edge"), edge.host->name},
                      {QStringLiteral("device_hosts"), devices}});
        return ExitOk;
    }

    // Stops every FL agent this run started (or found left over), host by host; a host whose
    // session broke is dialled again for it.
    void stopAll()
    {
        for (FlHost &h : m_hosts) {
            if (!h.ssh || h.pid == 0)
                continue;
            Result<ExecResult> r = h.ssh->exec(stopScript(h.dir), 15000);
            if (!r && !h.ssh->isConnected()) {
                const SshTarget &t = h.host->target;
                if (h.ssh->connect(t.host, t.user, t.port))
                    r = h.ssh->exec(stopScript(h.dir), 15000);
            }
            if (!r)
                fail(0, QStringLiteral("%1: cannot stop the FL agent (pid %2): %3")
                            .arg(h.host->name)
                            .arg(h.pid)
                            .arg(oneLine(r.error())));
            else if (r->out.startsWith("alive"))
                fail(0, QStringLiteral("%1: the FL agent (pid %2) survived TERM and KILL")
                            .arg(h.host->name)
                            .arg(h.pid));
        }
        for (FlHost &h : m_hosts)
            if (h.ssh)
                h.ssh->disconnect();
    }

    FlFleetSettings m_settings;
    FlRunConfig m_config;
    TerminalSshInteraction m_interaction;
    std::vector<FlHost> m_hosts;           // the edge first, then the devices by index
    QHash<QString, QString> m_edgeAddress; // device name -> where it dials the aggregator
    int m_flPort = 0;
    qint64 m_read = 0; // bytes of the aggregator's output read so far
    QByteArray m_pending;
    bool m_listening = false;
    bool m_roundsStarted = false;
    QJsonObject m_done;
    qint64 m_fetchedBytes = 0;
    QString m_error;
};

} // namespace

int runFlOnFleet(const FlFleetSettings &settings, FlRunConfig config)
{
    FleetFlRun run(settings, config);
    return run.exec();
}

void printFlRound(const QJsonObject &o, const FlRunConfig &config, bool json, const QString &outDir)
{
    QFile log(outDir + QStringLiteral("/fl-rounds.jsonl"));
    if (log.open(QIODevice::WriteOnly | QIODevice::Append))
        log.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    const int r = o.value(QStringLiteral("round")).toInt();
    if (json) {
        const QJsonObject line{
            {QStringLiteral("round"), r},
            {QStringLiteral("accuracy"), o.value(QStringLiteral("accuracy"))},
            {QStringLiteral("loss"), o.value(QStringLiteral("loss"))},
            {QStringLiteral("devices"), o.value(QStringLiteral("devices"))},
            {QStringLiteral("round_ms"), o.value(QStringLiteral("round_ms"))},
            {QStringLiteral("bytes_up"), o.value(QStringLiteral("bytes_up"))},
            {QStringLiteral("bytes_down"), o.value(QStringLiteral("bytes_down"))}};
        printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
        return;
    }
    QString text = QStringLiteral("round %1/%2  accuracy %3%  loss %4  devices %5/%6  %7 s"
                                  "  up %8  down %9")
                       .arg(r)
                       .arg(config.rounds)
                       .arg(o.value(QStringLiteral("accuracy")).toDouble() * 100, 0, 'f', 1)
                       .arg(o.value(QStringLiteral("loss")).toDouble(), 0, 'f', 3)
                       .arg(o.value(QStringLiteral("devices")).toInt())
                       .arg(o.value(QStringLiteral("sent_to")).toInt())
                       .arg(o.value(QStringLiteral("round_ms")).toDouble() / 1000, 0, 'f', 1)
                       .arg(humanBytes(o.value(QStringLiteral("bytes_up")).toInteger()))
                       .arg(humanBytes(o.value(QStringLiteral("bytes_down")).toInteger()));
    const QJsonArray left = o.value(QStringLiteral("left_out")).toArray();
    for (const QJsonValue &d : left)
        text += QStringLiteral("\n  left out: %1").arg(d.toString());
    for (const QJsonValue &v : o.value(QStringLiteral("refused")).toArray())
        text += QStringLiteral("\n  refused %1's update: %2")
                    .arg(v.toObject().value(QStringLiteral("device")).toString(),
                         v.toObject().value(QStringLiteral("reason")).toString());
    printOut(text);
}

void printFlFinal(const QJsonObject &done, const FlRunConfig &config, bool json,
                  const QString &modelDir, const QJsonObject &extra)
{
    if (json) {
        QJsonObject line{
            {QStringLiteral("final_accuracy"), done.value(QStringLiteral("final_accuracy"))},
            {QStringLiteral("rounds"), done.value(QStringLiteral("rounds"))},
            {QStringLiteral("model"), config.model},
            {QStringLiteral("config"), config.toJson()},
            {QStringLiteral("model_dir"), modelDir}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            line.insert(it.key(), it.value());
        printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
        return;
    }
    printOut(QStringLiteral("final accuracy %1% after %2 rounds; model (%3) saved in %4")
                 .arg(done.value(QStringLiteral("final_accuracy")).toDouble() * 100, 0, 'f', 1)
                 .arg(done.value(QStringLiteral("rounds")).toInt())
                 .arg(humanBytes(done.value(QStringLiteral("model_bytes")).toInteger()))
                 .arg(modelDir));
}

} // namespace edgegpt::cli
