// edgegpt bench deploy [--hosts 8] [--repeat 3] [--json] [--agent FILE] [--no-strip]
// The deployment target of docs/benchmarks.md ("Deploying"): the wall time of a first deployment
// to one host against one to N hosts at once, on this machine.
//
// Every host is a real OpenSSH server of its own (LoopbackSshd: Debian's /usr/sbin/sshd on a free
// 127.0.0.1 port, host key and client key made by ssh-keygen in a temporary directory). The
// deployment is the product's: FleetOperation/HostDeployer, exactly what `edgegpt deploy` runs —
// connect and verify the host key, survey, SFTP uploads under temporary names (the agent and its
// model runtime plugin), start the real edgegpt-agent detached (role edge, so that it needs no
// trained model; it listens without loading the runtime) and wait until it
// completes the authenticated handshake. Each run goes to fresh directories, so everything is
// uploaded. Besides wall times it reports where the CPU went: this process (our side: libssh,
// ciphers, hashing, the probes), the sshd processes (their side of the ciphers, SFTP, the
// shells) and the agents (their start-up), so that a machine whose cores are the bottleneck
// shows it.
#include "CliCommand.h"
#include "SshCliOptions.h"

#include "core/fleet/LoopbackSshd.h"
#include "core/fleet/RemoteAgent.h"
#include "core/util/Stats.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <pwd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace edgegpt::cli {

namespace {

void note(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

double selfCpuSeconds()
{
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec) + double(u.ru_stime.tv_sec) +
           (double(u.ru_utime.tv_usec) + double(u.ru_stime.tv_usec)) / 1e6;
}

bool writeFile(const QString &path, const QByteArray &bytes, QFileDevice::Permissions mode = {})
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    if (mode)
        f.setPermissions(mode);
    return f.write(bytes) == bytes.size();
}

struct RunResult
{
    int hosts = 0;
    double seconds = 0;
    double cpuSelf = 0;
    double cpuSshd = 0;
    double cpuAgents = 0;
    QHash<QString, double> phaseSum; // over hosts
    QStringList phaseOrder;
    int running = 0;
    QStringList errors;
};

struct Series
{
    int hosts = 0;
    QList<RunResult> runs;
    double medianSeconds() const
    {
        QList<double> s;
        for (const RunResult &r : runs)
            s << r.seconds;
        return median(s);
    }
    // Medians over runs of per-run figures.
    double medianOf(double RunResult::*field) const
    {
        QList<double> s;
        for (const RunResult &r : runs)
            s << r.*field;
        return median(s);
    }
    QStringList phases() const { return runs.isEmpty() ? QStringList() : runs.first().phaseOrder; }
    double medianPhase(const QString &name) const
    {
        QList<double> s;
        for (const RunResult &r : runs)
            s << r.phaseSum.value(name) / qMax(1, r.hosts);
        return median(s);
    }
};

class Bench
{
public:
    QTemporaryDir tmp;
    std::vector<std::unique_ptr<LoopbackSshd>> sshds;
    QString sshConfig, knownHosts, agent, runtime, tokenFile, agentVersion;
    QByteArray token;
    SshOptions ssh;

    ~Bench()
    {
        for (auto &s : sshds)
            s->stop();
    }

    Result<void> setUp(int hosts, const QString &agentSource, bool strip)
    {
        if (!tmp.isValid())
            return Result<void>::failure(QStringLiteral("cannot create a temporary directory"));
        const QString clientKey = tmp.filePath(QStringLiteral("client_key"));
        if (Result<void> k = LoopbackSshd::keygen(clientKey); !k)
            return k;
        const QString authorized = tmp.filePath(QStringLiteral("authorized_keys"));
        if (!QFile::copy(clientKey + QStringLiteral(".pub"), authorized))
            return Result<void>::failure(QStringLiteral("cannot write %1").arg(authorized));
        const passwd *pw = ::getpwuid(::getuid());
        const QString user = pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
        QString config, known;
        for (int i = 0; i < hosts; ++i) {
            auto s = std::make_unique<LoopbackSshd>(QStringLiteral("bench-%1").arg(i),
                                                    tmp.filePath(QStringLiteral("sshd-%1").arg(i)),
                                                    authorized);
            if (Result<void> started = s->start(); !started)
                return started;
            const Result<QString> line = s->knownHostsLine();
            if (!line)
                return Result<void>::failure(line.error());
            known += *line + QLatin1Char('\n');
            config += s->sshConfigEntry(QStringLiteral("bench-%1").arg(i), user, clientKey);
            sshds.push_back(std::move(s));
        }
        sshConfig = tmp.filePath(QStringLiteral("ssh_config"));
        knownHosts = tmp.filePath(QStringLiteral("known_hosts"));
        if (!writeFile(sshConfig, config.toUtf8()) || !writeFile(knownHosts, known.toUtf8()))
            return Result<void>::failure(QStringLiteral("cannot write the SSH config"));
        ssh.configFile = sshConfig;
        ssh.knownHostsFile = knownHosts;
        ssh.connectTimeoutMs = 10000;

        // The agent and its model runtime as they ship: without debug information (a plain copy
        // where strip is missing), side by side (the deployment takes the runtime from there).
        QDir().mkpath(tmp.filePath(QStringLiteral("bin")));
        agent = tmp.filePath(QStringLiteral("bin/edgegpt-agent"));
        runtime = tmp.filePath(QStringLiteral("bin/") + RemoteAgent::runtimeName());
        const QString runtimeSource =
            QFileInfo(agentSource).absolutePath() + QLatin1Char('/') + RemoteAgent::runtimeName();
        if (!QFileInfo(runtimeSource).isFile())
            return Result<void>::failure(
                QStringLiteral("no model runtime %1 next to the agent").arg(runtimeSource));
        const bool canStrip =
            strip && !QStandardPaths::findExecutable(QStringLiteral("strip")).isEmpty();
        const QList<QPair<QString, QString>> copies{{agentSource, agent}, {runtimeSource, runtime}};
        for (const auto &[from, to] : copies) {
            bool stripped = false;
            if (canStrip) {
                QProcess p;
                p.start(QStringLiteral("strip"), {QStringLiteral("-o"), to, from});
                stripped = p.waitForFinished(60000) && p.exitCode() == 0 && QFileInfo::exists(to);
            }
            if (!stripped && !QFile::copy(from, to))
                return Result<void>::failure(QStringLiteral("cannot copy %1").arg(from));
        }
        QFile::setPermissions(agent, QFile::permissions(agent) | QFileDevice::ExeOwner);
        agentVersion = localAgentVersion(agent);

        QByteArray raw(32, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), 8);
        token = raw.toHex();
        tokenFile = tmp.filePath(QStringLiteral("fleet.token"));
        if (!writeFile(tokenFile, token + '\n', QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return Result<void>::failure(QStringLiteral("cannot write the fleet token"));
        return Result<void>::success();
    }

    Result<Fleet> fleet(int hosts, const QString &runName)
    {
        QJsonArray array;
        for (int i = 0; i < hosts; ++i)
            array.append(
                QJsonObject{{QStringLiteral("name"), QStringLiteral("host-%1").arg(i)},
                            {QStringLiteral("ssh"), QStringLiteral("bench-%1").arg(i)},
                            {QStringLiteral("role"), QStringLiteral("edge")},
                            {QStringLiteral("class"), QStringLiteral("bench")},
                            {QStringLiteral("dir"),
                             tmp.filePath(QStringLiteral("remote/%1/host-%2").arg(runName).arg(i))},
                            {QStringLiteral("agent_port"), LoopbackSshd::freePort()},
                            {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                            {QStringLiteral("agent_listen"), QStringLiteral("127.0.0.1")}});
        const QByteArray json =
            QJsonDocument(QJsonObject{{QStringLiteral("hosts"), array}}).toJson();
        return Fleet::parse(json, runName + QStringLiteral(".json"), tmp.path());
    }

    double sshdCpu() const
    {
        double sum = 0;
        for (const auto &s : sshds)
            sum += s->childCpuSeconds();
        return sum;
    }

    // Sessions close as the workers end; the listeners reap their processes (and so count
    // their CPU time) a moment later.
    void waitForIdleServers() const
    {
        QElapsedTimer wait;
        wait.start();
        while (wait.elapsed() < 10000) {
            int open = 0;
            for (const auto &sshd : sshds)
                open += qMax(0, sshd->openConnections());
            if (open == 0)
                return;
            QThread::msleep(20);
        }
    }

    RunResult run(int hosts, const QString &runName)
    {
        RunResult result;
        result.hosts = hosts;
        const Result<Fleet> f = fleet(hosts, runName);
        if (!f) {
            result.errors << f.error();
            return result;
        }
        FleetOperation::Request request;
        request.kind = FleetOperation::Kind::Deploy;
        request.fleet = *f;
        request.ssh = ssh;
        request.spec.name = QStringLiteral("bench");
        request.spec.agentPath = agent;
        request.spec.agentVersion = agentVersion;
        request.spec.runtimePath = runtime;
        request.spec.token = token;
        NonInteractiveSsh nobody(false); // every host key is in known_hosts already

        waitForIdleServers(); // the previous run's sessions are not this run's
        const double sshdBefore = sshdCpu();
        const double selfBefore = selfCpuSeconds();
        QElapsedTimer clock;
        clock.start();
        const QList<HostReport> reports = runFleetOperation(request, &nobody, true);
        result.seconds = clock.nsecsElapsed() / 1e9;
        result.cpuSelf = selfCpuSeconds() - selfBefore;
        for (const HostReport &r : reports) {
            if (r.state == HostState::Running)
                ++result.running;
            else
                result.errors << r.host + QStringLiteral(": ") + r.message;
            if (r.pid > 0)
                result.cpuAgents += qMax(0.0, processCpuSeconds(r.pid));
            for (const auto &p : r.phases) {
                if (!result.phaseOrder.contains(p.first))
                    result.phaseOrder << p.first;
                result.phaseSum[p.first] += p.second;
            }
        }
        waitForIdleServers();
        result.cpuSshd = sshdCpu() - sshdBefore;

        request.kind = FleetOperation::Kind::Stop;
        for (const HostReport &r : runFleetOperation(request, &nobody, true))
            if (r.state != HostState::Stopped)
                result.errors << r.host + QStringLiteral(": not stopped: ") + r.message;
        return result;
    }
};

QJsonObject seriesJson(const Series &s)
{
    QJsonArray seconds;
    for (const RunResult &r : s.runs)
        seconds.append(r.seconds);
    QJsonObject phases;
    for (const QString &p : s.phases())
        phases.insert(p, s.medianPhase(p));
    return QJsonObject{{QStringLiteral("hosts"), s.hosts},
                       {QStringLiteral("seconds"), seconds},
                       {QStringLiteral("median_s"), s.medianSeconds()},
                       {QStringLiteral("cpu_edgegpt_s"), s.medianOf(&RunResult::cpuSelf)},
                       {QStringLiteral("cpu_sshd_s"), s.medianOf(&RunResult::cpuSshd)},
                       {QStringLiteral("cpu_agents_s"), s.medianOf(&RunResult::cpuAgents)},
                       {QStringLiteral("phases_per_host_s"), phases}};
}

int runBenchDeploy(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Deploys the agent to 1 and to N hosts at once (each a real sshd of its own on "
        "127.0.0.1) and compares the wall times; the target is at most 1.5x."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("hosts"), QStringLiteral("hosts at once (default 8)"),
                      QStringLiteral("N"), QStringLiteral("8")});
    parser.addOption({QStringLiteral("repeat"),
                      QStringLiteral("runs of each size; medians are reported (default 3)"),
                      QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("agent"),
                      QStringLiteral("the edgegpt-agent to deploy, its libedgegpt-runtime.so "
                                     "next to it (default: the one next to edgegpt)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("no-strip"),
                      QStringLiteral("upload the agent and its runtime as they are (default: "
                                     "copies without debug information, as they ship)")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("print one JSON object instead of a table")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    bool ok1 = false, ok2 = false;
    const int hosts = parser.value(QStringLiteral("hosts")).toInt(&ok1);
    const int repeat = parser.value(QStringLiteral("repeat")).toInt(&ok2);
    if (!ok1 || !ok2 || hosts < 1 || hosts > 64 || repeat < 1 || repeat > 50)
        return fail(ExitUsage, QStringLiteral("--hosts takes 1 to 64, --repeat 1 to 50"));
    if (!LoopbackSshd::available())
        return fail(ExitFailure, QStringLiteral("the deploy benchmark needs OpenSSH's "
                                                "/usr/sbin/sshd and ssh-keygen (Debian: "
                                                "openssh-server)"));
    const QString agentSource =
        parser.isSet(QStringLiteral("agent"))
            ? QFileInfo(parser.value(QStringLiteral("agent"))).absoluteFilePath()
            : defaultAgentPath();
    if (agentSource.isEmpty() || !QFileInfo(agentSource).isFile())
        return fail(ExitFailure, QStringLiteral("no edgegpt-agent to deploy; name one with "
                                                "--agent FILE"));

    Bench bench;
    note(QStringLiteral("starting %1 sshd servers on 127.0.0.1 …").arg(hosts));
    if (Result<void> ready =
            bench.setUp(hosts, agentSource, !parser.isSet(QStringLiteral("no-strip")));
        !ready)
        return fail(ExitFailure, ready.error());
    const qint64 agentBytes = QFileInfo(bench.agent).size();
    const qint64 runtimeBytes = QFileInfo(bench.runtime).size();

    Series one{1, {}}, many{hosts, {}};
    for (int r = 0; r < repeat; ++r) {
        for (Series *s : {&one, &many}) {
            if (s == &many && hosts == 1)
                continue;
            const RunResult result =
                bench.run(s->hosts, QStringLiteral("run%1-%2").arg(r).arg(s->hosts));
            note(QStringLiteral("run %1: %2 host(s) in %3 s, %4 running")
                     .arg(r + 1)
                     .arg(s->hosts)
                     .arg(result.seconds, 0, 'f', 2)
                     .arg(result.running));
            if (!result.errors.isEmpty())
                return fail(ExitFailure, QStringLiteral("the deployment failed: %1")
                                             .arg(result.errors.join(QStringLiteral("; "))));
            s->runs.append(result);
        }
    }
    if (hosts == 1)
        many = one;
    const double ratio = one.medianSeconds() > 0 ? many.medianSeconds() / one.medianSeconds() : 0;
    const int cores = QThread::idealThreadCount();

    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("hosts"), hosts},
                            {QStringLiteral("repeat"), repeat},
                            {QStringLiteral("cores"), cores},
                            {QStringLiteral("agent_bytes"), double(agentBytes)},
                            {QStringLiteral("runtime_bytes"), double(runtimeBytes)},
                            {QStringLiteral("one"), seriesJson(one)},
                            {QStringLiteral("many"), seriesJson(many)},
                            {QStringLiteral("ratio"), ratio},
                            {QStringLiteral("target_ratio"), 1.5},
                            {QStringLiteral("target_met"), ratio <= 1.5}};
        printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    printOut(QStringLiteral("Deploying the agent (%1 bytes) and its model runtime (%2 bytes) to "
                            "fresh directories, %3 cores, median of %4 runs:")
                 .arg(agentBytes)
                 .arg(runtimeBytes)
                 .arg(cores)
                 .arg(repeat));
    const QStringList phases = many.phases();
    QString header = QStringLiteral("| hosts | wall s | vs one host | CPU edgegpt s | CPU sshd s | "
                                    "CPU agents s | CPU total / cores s |");
    QString rule = QStringLiteral("|---|---|---|---|---|---|---|");
    for (const QString &p : phases) {
        header += QStringLiteral(" %1 s/host |").arg(p);
        rule += QStringLiteral("---|");
    }
    printOut(header);
    printOut(rule);
    for (const Series *s : {&one, &many}) {
        if (s == &many && hosts == 1)
            break;
        const double self = s->medianOf(&RunResult::cpuSelf);
        const double sshd = s->medianOf(&RunResult::cpuSshd);
        const double agents = s->medianOf(&RunResult::cpuAgents);
        QString line = QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 |")
                           .arg(s->hosts)
                           .arg(s->medianSeconds(), 0, 'f', 2)
                           .arg(s->medianSeconds() / one.medianSeconds(), 0, 'f', 2)
                           .arg(self, 0, 'f', 2)
                           .arg(sshd, 0, 'f', 2)
                           .arg(agents, 0, 'f', 2)
                           .arg((self + sshd + agents) / qMax(1, cores), 0, 'f', 2);
        for (const QString &p : phases)
            line += QStringLiteral(" %1 |").arg(s->medianPhase(p), 0, 'f', 3);
        printOut(line);
    }
    printOut(QStringLiteral("target: %1 hosts at most 1.5x one host: %2 (%3x)")
                 .arg(hosts)
                 .arg(ratio <= 1.5 ? QStringLiteral("met") : QStringLiteral("not met"))
                 .arg(ratio, 0, 'f', 2));
    return ExitOk;
}

const CliCommandRegistration registration(
    {QStringLiteral("bench deploy"),
     QStringLiteral("time a deployment to 1 and to N hosts at once (real sshd on 127.0.0.1)"),
     runBenchDeploy});

} // namespace
} // namespace edgegpt::cli
