// edgegpt fl run [--devices N] [--rounds R] [--model NAME] [--samples-per-device K] [--alpha A]
//   [--local-epochs E] [--lr X] [--optimizer sgd|adam] [--batch B] [--config FILE.json]
//   [--out DIR] [--json] [--fleet F [--deployment NAME] [--fl-port PORT] [SSH options]]
// edgegpt fl tune "REQUEST" [--attempts K] [--budget-s S] [--planner llm|local] [--devices N]
//   [--baseline FILE.json] [--seed S] [--json]
// Federated learning over real edgegpt-agent processes on 127.0.0.1 (docs/federated.md): one
// aggregator and N devices (agents/FlAgent.h), FedAvg, the global model evaluated each round and
// saved like `edgegpt train`'s; with --fleet on a deployed fleet's hosts instead, over SSH
// (FlFleetRun.h). `fl tune` runs `fl run` once per attempt, as a child process, and
// feeds each attempt's curve, time and size back to its planner.
#include "CliCommand.h"
#include "FlFleetRun.h"
#include "SshCliOptions.h"

#include "core/fl/FlConfig.h"
#include "core/fl/FlTuning.h"
#include "core/fleet/LocalFleet.h"
#include "core/planner/LlmConfig.h"
#include "models/ModelStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <csignal>
#include <functional>
#include <memory>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace edgegpt::cli {

namespace {

QJsonObject parseJsonLine(const QByteArray &line)
{
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed());
    return doc.isObject() ? doc.object() : QJsonObject();
}

Result<QJsonObject> readJsonFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QJsonObject>::failure(QStringLiteral("cannot read %1").arg(path));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1024 * 1024), &error);
    if (!doc.isObject())
        return Result<QJsonObject>::failure(
            QStringLiteral("%1: not a JSON object (%2)").arg(path, error.errorString()));
    return doc.object();
}

bool writeJsonFile(const QString &path, const QJsonObject &o)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           f.write(QJsonDocument(o).toJson()) > 0;
}

// ---------------------------------------------------------------------------------------------
// fl run

struct FaultPlan
{
    int killDevice = -1; // device index killed when round killRound starts
    int killRound = 0;
    bool rejoin = false;  // started again once that round is over
    int faultDevice = -1; // tests: a device that sends bad updates
    QString faultKind;
};

class FlRun : public QObject
{
public:
    FlRun(const FlRunConfig &config, const QString &agent, const QString &outDir, bool json,
          const FaultPlan &faults, int threads, const QString &dataDir, const QString &command)
        : m_config(config)
        , m_agent(agent)
        , m_outDir(outDir)
        , m_json(json)
        , m_faults(faults)
        , m_threads(threads)
        , m_dataDir(dataDir)
        , m_command(command)
    {}

    int exec()
    {
        if (!m_work.isValid())
            return fail(ExitFailure, QStringLiteral("cannot create a temporary folder"));
        m_tokenFile = m_work.filePath(QStringLiteral("fleet.token"));
        const Result<QByteArray> token = LocalFleet::writeToken(m_tokenFile);
        if (!token)
            return fail(ExitFailure, token.error());
        if (!QDir().mkpath(m_outDir))
            return fail(ExitFailure, QStringLiteral("cannot create %1").arg(m_outDir));
        QFile::remove(m_outDir + QStringLiteral("/fl-rounds.jsonl"));

        QJsonObject edge = common(QStringLiteral("fl-edge"), QStringLiteral("fl-edge"));
        edge.insert(QStringLiteral("out_dir"), QFileInfo(m_outDir).absoluteFilePath());
        edge.insert(QStringLiteral("command"), m_command);
        const QString edgeFile = m_work.filePath(QStringLiteral("fl-edge.json"));
        if (!writeJsonFile(edgeFile, edge))
            return fail(ExitFailure, QStringLiteral("cannot write %1").arg(edgeFile));
        m_edge = startAgent(edgeFile, QStringLiteral("fl-edge"));
        connect(m_edge, &QProcess::readyReadStandardOutput, this, [this]() { onEdgeOutput(); });
        connect(m_edge, &QProcess::finished, this, [this](int code, QProcess::ExitStatus st) {
            onEdgeOutput(); // the last lines may come with the end
            if (!m_done)
                finish(ExitFailure,
                       QStringLiteral("the aggregator stopped (%1) before the end; its log: %2")
                           .arg(st == QProcess::NormalExit ? QStringLiteral("exit %1").arg(code)
                                                           : QStringLiteral("crashed"),
                                lastLog(QStringLiteral("fl-edge"))));
            else
                finish(ExitOk, QString());
        });
        QTimer::singleShot(0, this, [this]() {
            if (!m_edge->waitForStarted(10000))
                finish(ExitFailure, QStringLiteral("cannot start %1").arg(m_agent));
        });
        const int code = m_loop.exec();
        for (QProcess *p : std::as_const(m_devices))
            stop(p);
        stop(m_edge);
        return code;
    }

private:
    QJsonObject common(const QString &role, const QString &name) const
    {
        QJsonObject o{{QStringLiteral("role"), role},
                      {QStringLiteral("name"), name},
                      {QStringLiteral("token_file"), m_tokenFile},
                      {QStringLiteral("threads"), m_threads},
                      {QStringLiteral("run"), m_config.toJson()}};
        if (!m_dataDir.isEmpty())
            o.insert(QStringLiteral("data_dir"), m_dataDir);
        return o;
    }

    QProcess *startAgent(const QString &configFile, const QString &logName)
    {
        auto *p = new QProcess(this);
        p->setStandardErrorFile(m_work.filePath(logName + QStringLiteral(".log")),
                                QIODevice::Append);
        p->setProgram(m_agent);
        p->setArguments({QStringLiteral("--fl"), configFile});
        p->start();
        return p;
    }

    QString lastLog(const QString &name) const
    {
        QFile f(m_work.filePath(name + QStringLiteral(".log")));
        if (!f.open(QIODevice::ReadOnly))
            return QStringLiteral("(none)");
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        return QString::fromUtf8(lines.isEmpty() ? QByteArray() : lines.last());
    }

    void startDevice(int i)
    {
        QJsonObject o = common(QStringLiteral("fl-device"), QStringLiteral("device-%1").arg(i));
        o.insert(QStringLiteral("edge_port"), int(m_port));
        o.insert(QStringLiteral("device_index"), i);
        if (i == m_faults.faultDevice) {
            o.insert(QStringLiteral("fault"), m_faults.faultKind);
            o.insert(QStringLiteral("fault_round"), 1);
        }
        const QString file = m_work.filePath(QStringLiteral("device-%1.json").arg(i));
        writeJsonFile(file, o);
        QProcess *p = startAgent(file, QStringLiteral("device-%1").arg(i));
        if (m_devices.size() <= i)
            m_devices.resize(i + 1);
        m_devices[i] = p;
    }

    static void stop(QProcess *p)
    {
        if (!p || p->state() == QProcess::NotRunning)
            return;
        p->terminate();
        if (!p->waitForFinished(3000)) {
            p->kill();
            p->waitForFinished(3000);
        }
    }

    void onEdgeOutput()
    {
        while (m_edge->canReadLine()) {
            const QByteArray line = m_edge->readLine().trimmed();
            if (line.startsWith("listening ")) {
                m_port = quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
                for (int i = 0; i < m_config.devices; ++i)
                    startDevice(i);
                continue;
            }
            const QJsonObject o = parseJsonLine(line);
            const QString event = o.value(QStringLiteral("event")).toString();
            if (event == QLatin1String("round_start")) {
                const int r = o.value(QStringLiteral("round")).toInt();
                if (r == m_faults.killRound && m_faults.killDevice >= 0 &&
                    m_faults.killDevice < m_devices.size() && m_devices[m_faults.killDevice]) {
                    // Emulated fault (benchmarks, tests): the device's process dies mid-round.
                    ::kill(pid_t(m_devices[m_faults.killDevice]->processId()), SIGKILL);
                    if (!m_json)
                        printOut(QStringLiteral("killed device-%1 at the start of round %2")
                                     .arg(m_faults.killDevice)
                                     .arg(r));
                }
            } else if (event == QLatin1String("round")) {
                onRound(o);
            } else if (event == QLatin1String("done")) {
                m_done = true;
                m_final = o;
            }
        }
    }

    void onRound(const QJsonObject &o)
    {
        printFlRound(o, m_config, m_json, m_outDir);
        const int r = o.value(QStringLiteral("round")).toInt();
        if (m_faults.rejoin && r == m_faults.killRound && m_faults.killDevice >= 0 &&
            m_faults.killDevice < m_devices.size()) {
            if (!m_json)
                printOut(QStringLiteral("restarting device-%1").arg(m_faults.killDevice));
            startDevice(m_faults.killDevice);
        }
    }

    void finish(int code, const QString &error)
    {
        if (m_finished)
            return;
        m_finished = true;
        if (code != ExitOk) {
            m_loop.exit(fail(code, error));
            return;
        }
        printFlFinal(m_final, m_config, m_json,
                     m_final.value(QStringLiteral("model_dir")).toString());
        m_loop.exit(ExitOk);
    }

    FlRunConfig m_config;
    QString m_agent;
    QString m_outDir;
    bool m_json;
    FaultPlan m_faults;
    int m_threads;
    QString m_dataDir;
    QString m_command;
    QTemporaryDir m_work;
    QString m_tokenFile;
    QProcess *m_edge = nullptr;
    QVector<QProcess *> m_devices;
    quint16 m_port = 0;
    bool m_done = false;
    bool m_finished = false;
    QJsonObject m_final;
    QEventLoop m_loop;
};

void addRunOptions(QCommandLineParser &p)
{
    const FlRunConfig d;
    p.addOption({QStringLiteral("devices"), QStringLiteral("device agents (default 3)"),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("rounds"), QStringLiteral("FedAvg rounds (default 3)"),
                 QStringLiteral("R")});
    p.addOption({QStringLiteral("model"), QStringLiteral("cnn (default), mobilenetv2 or resnet18"),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("width"),
                 QStringLiteral("width multiplier of mobilenetv2 and resnet18 (default 1)"),
                 QStringLiteral("W")});
    p.addOption({QStringLiteral("samples-per-device"),
                 QStringLiteral("training images on each device (default 200)"),
                 QStringLiteral("K")});
    p.addOption({QStringLiteral("alpha"),
                 QStringLiteral("Dirichlet concentration of the shards' class mix (default 0.5)"),
                 QStringLiteral("A")});
    p.addOption({QStringLiteral("local-epochs"),
                 QStringLiteral("epochs over its shard a device trains per round (default 1)"),
                 QStringLiteral("E")});
    p.addOption({QStringLiteral("lr"), QStringLiteral("learning rate (default 0.05)"),
                 QStringLiteral("X")});
    p.addOption({QStringLiteral("optimizer"), QStringLiteral("sgd (momentum 0.9, default) or adam"),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("local batch size (default 32)"),
                 QStringLiteral("B")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("shards, initial weights (default 1)"),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("test-samples"),
                 QStringLiteral("the first N test images evaluate the model (default 1000)"),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("round-timeout-s"),
                 QStringLiteral("a device not heard from by then is left out of the round "
                                "(default 300)"),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("update-codec"),
                 QStringLiteral("codec of the devices' updates: q8-tensor-z3 (default) or another "
                                "FeatureCodec name; f32-z3 for float32"),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("class-balanced"),
                 QStringLiteral("class-balanced local loss on each device")});
    p.addOption({QStringLiteral("config"),
                 QStringLiteral("the settings as JSON (keys as in fl run's final line's config); "
                                "flags win"),
                 QStringLiteral("FILE.json")});
    p.addOption({QStringLiteral("fleet"),
                 QStringLiteral("train on a deployed fleet (over SSH): the aggregator on its "
                                "edge host, a device on each device host (docs/federated.md)"),
                 QStringLiteral("F")});
    p.addOption({QStringLiteral("deployment"),
                 QStringLiteral("with --fleet: the deployment whose agent and keys run it "
                                "(default: default)"),
                 QStringLiteral("NAME"), QStringLiteral("default")});
    p.addOption({QStringLiteral("fl-port"),
                 QStringLiteral("with --fleet: the port the aggregator listens on at the edge "
                                "host (default: its fl_port, else its agent_port + 1)"),
                 QStringLiteral("PORT")});
    p.addOption({QStringLiteral("out"),
                 QStringLiteral("the trained model's folder (default: the models folder's "
                                "fl-NAME)"),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("threads per agent (default 1)"),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("data"),
                 QStringLiteral("Fashion-MNIST folder (with --fleet: on the hosts, default "
                                "/usr/share/datasets/fashion-mnist)"),
                 QStringLiteral("DIR")});
    p.addOption(
        {QStringLiteral("agent"),
         QStringLiteral("the edgegpt-agent to run (not with --fleet: the deployed one runs)"),
         QStringLiteral("PATH")});
    p.addOption({QStringLiteral("kill-device"),
                 QStringLiteral("fault injection (benchmarks, tests): kill device I's process when "
                                "round R starts (not with --fleet)"),
                 QStringLiteral("I@R")});
    p.addOption({QStringLiteral("rejoin"),
                 QStringLiteral("with --kill-device: start that device again after the round")});
    p.addOption({QStringLiteral("bad-update"),
                 QStringLiteral("fault injection (tests): device I sends non-finite (nan) or "
                                "wrongly shaped (shape) updates (not with --fleet)"),
                 QStringLiteral("I:nan|shape")});
    p.addOption({QStringLiteral("json"), QStringLiteral("JSON lines: one per round and a final "
                                                        "one")});
    addSshOptions(p);
}

// Reads the run's settings: --config first, then the flags.
Result<FlRunConfig> runConfigFrom(const QCommandLineParser &p)
{
    using R = Result<FlRunConfig>;
    FlRunConfig c;
    if (p.isSet(QStringLiteral("config"))) {
        const Result<QJsonObject> o = readJsonFile(p.value(QStringLiteral("config")));
        if (!o)
            return R::failure(o.error());
        const Result<void> applied = c.applyJson(*o, p.value(QStringLiteral("config")));
        if (!applied)
            return R::failure(applied.error());
    }
    bool ok = true;
    auto integer = [&](const char *name, int *out) {
        if (!p.isSet(QLatin1String(name)))
            return;
        bool good = false;
        const int v = p.value(QLatin1String(name)).toInt(&good);
        if (!good)
            ok = false;
        else
            *out = v;
    };
    auto real = [&](const char *name, double *out) {
        if (!p.isSet(QLatin1String(name)))
            return;
        bool good = false;
        const double v = p.value(QLatin1String(name)).toDouble(&good);
        if (!good)
            ok = false;
        else
            *out = v;
    };
    integer("devices", &c.devices);
    integer("rounds", &c.rounds);
    integer("samples-per-device", &c.samplesPerDevice);
    integer("local-epochs", &c.localEpochs);
    integer("batch", &c.batch);
    integer("test-samples", &c.testSamples);
    integer("round-timeout-s", &c.roundTimeoutS);
    real("alpha", &c.alpha);
    real("lr", &c.lr);
    real("width", &c.width);
    if (p.isSet(QStringLiteral("seed")))
        c.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return R::failure(QStringLiteral("a numeric option is not a number"));
    if (p.isSet(QStringLiteral("model")))
        c.model = p.value(QStringLiteral("model"));
    if (p.isSet(QStringLiteral("optimizer")))
        c.optimizer = p.value(QStringLiteral("optimizer"));
    if (p.isSet(QStringLiteral("update-codec")))
        c.updateCodec = p.value(QStringLiteral("update-codec"));
    if (p.isSet(QStringLiteral("class-balanced")))
        c.classBalanced = true;
    const Result<void> valid = c.validate();
    if (!valid)
        return R::failure(valid.error());
    return c;
}

// --threads (LibTorch threads per agent), 1..64; 0 when it is not a number in range.
int threadsOption(const QCommandLineParser &parser)
{
    bool ok = false;
    const int threads = parser.value(QStringLiteral("threads")).toInt(&ok);
    return ok && threads >= 1 && threads <= 64 ? threads : 0;
}

// Whether the number of devices was asked for (--devices, or "devices" in --config): on a fleet,
// otherwise every device host of the edge trains.
bool devicesGiven(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("devices")))
        return true;
    if (!parser.isSet(QStringLiteral("config")))
        return false;
    const Result<QJsonObject> o = readJsonFile(parser.value(QStringLiteral("config")));
    return o && o->contains(QStringLiteral("devices"));
}

int runOnFleet(const QCommandLineParser &parser, const QStringList &arguments,
               const FlRunConfig &config)
{
    FlFleetSettings s;
    Result<Fleet> fleet = Fleet::load(parser.value(QStringLiteral("fleet")));
    if (!fleet)
        return fail(ExitUsage,
                    QString(fleet.error()).replace(QLatin1Char('\n'), QStringLiteral("; ")));
    s.fleet = std::move(*fleet);
    s.deployment = parser.value(QStringLiteral("deployment"));
    if (!isValidDeploymentName(s.deployment))
        return fail(ExitUsage,
                    QStringLiteral("--deployment: \"%1\" is not a usable name").arg(s.deployment));
    s.ssh = sshOptionsFromParser(parser);
    s.acceptNewHostKeys = parser.isSet(QStringLiteral("accept-new-host-key"));
    s.devicesGiven = devicesGiven(parser);
    if (parser.isSet(QStringLiteral("fl-port"))) {
        bool ok = false;
        s.flPort = parser.value(QStringLiteral("fl-port")).toInt(&ok);
        if (!ok || s.flPort < 1 || s.flPort > 65535)
            return fail(ExitUsage, QStringLiteral("--fl-port must be a port from 1 to 65535"));
    }
    // A folder on the hosts, passed as written: not resolved against this machine's folders.
    s.dataDir = parser.value(QStringLiteral("data"));
    if (!s.dataDir.isEmpty() && !s.dataDir.startsWith(QLatin1Char('/')))
        return fail(ExitUsage, QStringLiteral("--data with --fleet is a folder on the hosts: give "
                                              "an absolute path"));
    s.threads = threadsOption(parser);
    if (s.threads == 0)
        return fail(ExitUsage, QStringLiteral("--threads must be 1..64"));
    s.outDir = parser.isSet(QStringLiteral("out"))
                   ? parser.value(QStringLiteral("out"))
                   : ModelStore::defaultDirectory(QStringLiteral("fl-") + config.model);
    s.json = parser.isSet(QStringLiteral("json"));
    s.command = QStringLiteral("edgegpt fl run ") + arguments.mid(1).join(QLatin1Char(' '));
    return runFlOnFleet(s, config);
}

int runFlRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Federated learning (FedAvg) over local edgegpt-agent processes, or with --fleet over "
        "a deployed fleet's edge and device hosts: one aggregator, N devices with non-IID "
        "Fashion-MNIST shards."));
    parser.addHelpOption();
    addRunOptions(parser);
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("fl run takes no arguments besides its options"));
    const bool onFleet = parser.isSet(QStringLiteral("fleet"));
    if (onFleet) {
        // Fault injection acts on local processes; the agent is the deployed one.
        for (const char *name : {"kill-device", "rejoin", "bad-update", "agent"})
            if (parser.isSet(QLatin1String(name)))
                return fail(ExitUsage, QStringLiteral("--%1 is for fl run on 127.0.0.1, not with "
                                                      "--fleet")
                                           .arg(QLatin1String(name)));
    } else {
        for (const char *name : {"deployment", "fl-port", "ssh-config", "identity", "known-hosts",
                                 "accept-new-host-key", "connect-timeout"})
            if (parser.isSet(QLatin1String(name)))
                return fail(ExitUsage,
                            QStringLiteral("--%1 goes with --fleet").arg(QLatin1String(name)));
    }
    const Result<FlRunConfig> config = runConfigFrom(parser);
    if (!config)
        return fail(ExitUsage, config.error());
    if (onFleet)
        return runOnFleet(parser, arguments, *config);
    FaultPlan faults;
    if (parser.isSet(QStringLiteral("kill-device"))) {
        static const QRegularExpression re(QStringLiteral("^(\\d+)@(\\d+)$"));
        const QRegularExpressionMatch m = re.match(parser.value(QStringLiteral("kill-device")));
        if (!m.hasMatch() || m.captured(1).toInt() >= config->devices || m.captured(2).toInt() < 1)
            return fail(ExitUsage, QStringLiteral("--kill-device takes I@R: a device index below "
                                                  "--devices and a round from 1"));
        faults.killDevice = m.captured(1).toInt();
        faults.killRound = m.captured(2).toInt();
        faults.rejoin = parser.isSet(QStringLiteral("rejoin"));
    }
    if (parser.isSet(QStringLiteral("bad-update"))) {
        static const QRegularExpression re(QStringLiteral("^(\\d+):(nan|shape)$"));
        const QRegularExpressionMatch m = re.match(parser.value(QStringLiteral("bad-update")));
        if (!m.hasMatch() || m.captured(1).toInt() >= config->devices)
            return fail(ExitUsage, QStringLiteral("--bad-update takes I:nan or I:shape"));
        faults.faultDevice = m.captured(1).toInt();
        faults.faultKind = m.captured(2);
    }
    const int threads = threadsOption(parser);
    if (threads == 0)
        return fail(ExitUsage, QStringLiteral("--threads must be 1..64"));
    const Result<QString> agent = LocalFleet::findAgent(parser.value(QStringLiteral("agent")));
    if (!agent)
        return fail(ExitFailure, agent.error());
    const QString out = parser.isSet(QStringLiteral("out"))
                            ? parser.value(QStringLiteral("out"))
                            : ModelStore::defaultDirectory(QStringLiteral("fl-") + config->model);
    const QString command =
        QStringLiteral("edgegpt fl run ") + arguments.mid(1).join(QLatin1Char(' '));
    FlRun run(*config, *agent, out, parser.isSet(QStringLiteral("json")), faults, threads,
              parser.value(QStringLiteral("data")), command);
    return run.exec();
}

// ---------------------------------------------------------------------------------------------
// fl tune

// One chat completion on an OpenAI-compatible endpoint; the answer's content.
Result<QString> chatCompletion(const LlmConfig &config, const QJsonArray &messages)
{
    QNetworkAccessManager network;
    QNetworkRequest req(config.chatCompletionsUrl());
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!config.apiKey.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + config.apiKey.toUtf8());
    req.setTransferTimeout(config.timeoutMs);
    const QJsonObject body{{QStringLiteral("model"), config.model},
                           {QStringLiteral("messages"), messages},
                           {QStringLiteral("temperature"), 0}};
    QNetworkReply *reply = network.post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const QByteArray data = reply->read(4 * 1024 * 1024);
    if (reply->error() != QNetworkReply::NoError)
        return Result<QString>::failure(
            QStringLiteral("the LLM endpoint %1 failed: %2")
                .arg(config.chatCompletionsUrl().toString(), reply->errorString()));
    const QJsonObject answer = QJsonDocument::fromJson(data).object();
    const QJsonValue content = answer.value(QStringLiteral("choices"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("message"))
                                   .toObject()
                                   .value(QStringLiteral("content"));
    if (!content.isString())
        return Result<QString>::failure(
            QStringLiteral("the LLM endpoint's answer has no choices[0].message.content"));
    return content.toString();
}

// The aggregator's full line for round `round` from the attempt's fl-rounds.jsonl (fl run writes
// it there before it prints the round on stdout): who was sent the round and who was left out.
QJsonObject aggregatorRound(const QString &modelDir, int round)
{
    QFile f(modelDir + QStringLiteral("/fl-rounds.jsonl"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QJsonObject found;
    const QList<QByteArray> lines = f.read(16 * 1024 * 1024).split('\n');
    for (const QByteArray &l : lines) {
        const QJsonObject o = parseJsonLine(l);
        if (o.value(QStringLiteral("round")).toInt() == round)
            found = o;
    }
    return found;
}

// Runs `edgegpt fl run --config FILE --json` as a child process; fills the attempt. `onRound`
// gets each round as it ends (fl run's round line with the aggregator's sent_to and left_out).
void runAttempt(const FlRunConfig &config, const QString &workDir, int threads,
                const QString &dataDir, double timeLimitS, FlAttempt *attempt,
                const std::function<void(const QJsonObject &)> &onRound)
{
    const QString dir = QStringLiteral("%1/attempt-%2").arg(workDir).arg(attempt->index);
    QDir().mkpath(dir);
    const QString configFile = dir + QStringLiteral("/config.json");
    const QString outDir = dir + QStringLiteral("/model");
    writeJsonFile(configFile, config.toJson());
    QStringList args{QStringLiteral("fl"),        QStringLiteral("run"),
                     QStringLiteral("--config"),  configFile,
                     QStringLiteral("--out"),     outDir,
                     QStringLiteral("--threads"), QString::number(threads),
                     QStringLiteral("--json")};
    if (!dataDir.isEmpty())
        args << QStringLiteral("--data") << dataDir;
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.setStandardErrorFile(dir + QStringLiteral("/stderr.log"));
#ifdef Q_OS_LINUX
    // fl tune killed (the console's Stop, Ctrl-C) takes its running attempt along.
    p.setChildProcessModifier([]() { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    QElapsedTimer timer;
    timer.start();
    p.start(QCoreApplication::applicationFilePath(), args);
    QByteArray pending;
    QString modelDir;
    bool finished = false;
    while (!finished) {
        finished = p.waitForFinished(200);
        pending += p.readAllStandardOutput();
        int nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QJsonObject o = parseJsonLine(pending.left(nl));
            pending.remove(0, nl + 1);
            if (o.contains(QStringLiteral("round"))) {
                if (o.contains(QStringLiteral("final_accuracy"))) {
                    attempt->finalAccuracy = o.value(QStringLiteral("final_accuracy")).toDouble();
                    modelDir = o.value(QStringLiteral("model_dir")).toString();
                } else {
                    attempt->accuracyCurve << o.value(QStringLiteral("accuracy")).toDouble();
                    attempt->lossCurve << o.value(QStringLiteral("loss")).toDouble();
                    attempt->devicesPerRound << o.value(QStringLiteral("devices")).toInt();
                    if (onRound) {
                        QJsonObject round = o;
                        const QJsonObject full =
                            aggregatorRound(outDir, o.value(QStringLiteral("round")).toInt());
                        for (const char *key : {"sent_to", "left_out"})
                            if (full.contains(QLatin1String(key)))
                                round.insert(QLatin1String(key), full.value(QLatin1String(key)));
                        onRound(round);
                    }
                }
            } else if (o.contains(QStringLiteral("final_accuracy"))) {
                attempt->finalAccuracy = o.value(QStringLiteral("final_accuracy")).toDouble();
                modelDir = o.value(QStringLiteral("model_dir")).toString();
            }
        }
        if (!finished && timeLimitS > 0 && timer.elapsed() > qint64(timeLimitS * 1000)) {
            p.terminate();
            if (!p.waitForFinished(5000))
                p.kill();
            p.waitForFinished(5000);
            attempt->error = QStringLiteral("stopped at the time budget (%1 s)").arg(timeLimitS);
            break;
        }
    }
    attempt->seconds = double(timer.elapsed()) / 1000;
    if (attempt->error.isEmpty() &&
        (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0 || modelDir.isEmpty())) {
        QFile err(dir + QStringLiteral("/stderr.log"));
        err.open(QIODevice::ReadOnly);
        const QList<QByteArray> lines = err.readAll().trimmed().split('\n');
        attempt->error = QString::fromUtf8(lines.last()).left(200);
        if (attempt->error.isEmpty())
            attempt->error = QStringLiteral("fl run failed");
    }
    if (!modelDir.isEmpty())
        attempt->modelBytes = QFileInfo(modelDir + QStringLiteral("/model.pt")).size();
}

// --json, while an attempt runs: {"attempt":k,"start":true,"config":{…}} when it starts and
// {"attempt":k,"round":r,"accuracy","loss","devices","sent_to","left_out","round_ms","bytes_up",
// "bytes_down"} after each of its rounds (the console's FL panel draws them live).
void printAttemptStart(int k, const FlProposal &proposal)
{
    const QJsonObject line{{QStringLiteral("attempt"), k},
                           {QStringLiteral("start"), true},
                           {QStringLiteral("config"), proposal.toJson()}};
    printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
}

std::function<void(const QJsonObject &)> roundPrinter(bool json, int k)
{
    if (!json)
        return {};
    return [k](const QJsonObject &o) {
        QJsonObject line{{QStringLiteral("attempt"), k}};
        for (const char *key : {"round", "accuracy", "loss", "devices", "sent_to", "left_out",
                                "round_ms", "bytes_up", "bytes_down"})
            if (o.contains(QLatin1String(key)))
                line.insert(QLatin1String(key), o.value(QLatin1String(key)));
        if (!line.contains(QStringLiteral("left_out")))
            line.insert(QStringLiteral("left_out"), QJsonArray());
        printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
    };
}

int runFlTune(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Asks a planner for a federated training configuration, runs it with `fl run`, and asks "
        "again with each attempt's curve, time and size, keeping the best."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("request"),
                                 QStringLiteral("what is wanted, e.g. \"a clothing classifier "
                                                "for a Jetson Nano, under 1 MB\""));
    parser.addOption({QStringLiteral("attempts"), QStringLiteral("at most K attempts (default 4)"),
                      QStringLiteral("K"), QStringLiteral("4")});
    parser.addOption({QStringLiteral("budget-s"),
                      QStringLiteral("stop starting attempts after S seconds in all (default: no "
                                     "limit); each attempt gets an equal share"),
                      QStringLiteral("S"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("planner"), QStringLiteral("llm or local (default local)"),
                      QStringLiteral("NAME"), QStringLiteral("local")});
    parser.addOption({QStringLiteral("devices"), QStringLiteral("device agents (default 10)"),
                      QStringLiteral("N"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("baseline"),
                      QStringLiteral("the baseline configuration (fl run's --config format); "
                                     "default: the first attempt's"),
                      QStringLiteral("FILE.json")});
    parser.addOption({QStringLiteral("samples-per-device"),
                      QStringLiteral("training images per device (default 200)"),
                      QStringLiteral("K"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("alpha"), QStringLiteral("Dirichlet alpha (default 0.5)"),
                      QStringLiteral("A"), QStringLiteral("0.5")});
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("the baseline's rounds (default 3)"),
                      QStringLiteral("R"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("test-samples"),
                      QStringLiteral("test images evaluating each model (default 1000)"),
                      QStringLiteral("N"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("every attempt's seed: shards, initial weights, batch order "
                                     "(default 1)"),
                      QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("work-dir"),
                      QStringLiteral("where the attempts' models go (default: the models "
                                     "folder's fl-tune)"),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("threads per agent (default 1)"),
                      QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption(
        {QStringLiteral("data"), QStringLiteral("Fashion-MNIST folder"), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON lines: one per attempt and "
                                                             "a final one")});
    LlmConfig::addCommandLineOptions(parser);
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return fail(ExitUsage, QStringLiteral("fl tune takes one request (quoted)"));
    const bool json = parser.isSet(QStringLiteral("json"));
    const QString planner = parser.value(QStringLiteral("planner"));
    if (planner != QLatin1String("llm") && planner != QLatin1String("local"))
        return fail(ExitUsage, QStringLiteral("--planner must be llm or local"));
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = false, ok5 = false, ok6 = false, ok7 = false;
    const int attempts = parser.value(QStringLiteral("attempts")).toInt(&ok1);
    const double budget = parser.value(QStringLiteral("budget-s")).toDouble(&ok2);
    FlRunConfig base;
    base.devices = parser.value(QStringLiteral("devices")).toInt(&ok3);
    base.samplesPerDevice = parser.value(QStringLiteral("samples-per-device")).toInt(&ok4);
    base.alpha = parser.value(QStringLiteral("alpha")).toDouble(&ok5);
    base.rounds = parser.value(QStringLiteral("rounds")).toInt(&ok6);
    base.testSamples = parser.value(QStringLiteral("test-samples")).toInt(&ok7);
    bool seedOk = false;
    base.seed = parser.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && seedOk) || attempts < 1 ||
        attempts > 50 || budget < 0)
        return fail(ExitUsage, QStringLiteral("--attempts must be 1..50 and the numbers numbers"));
    const int threads = threadsOption(parser);
    if (threads == 0)
        return fail(ExitUsage, QStringLiteral("--threads must be 1..64"));
    bool hasBaseline = false;
    FlRunConfig baselineConfig = base;
    if (parser.isSet(QStringLiteral("baseline"))) {
        const Result<QJsonObject> o = readJsonFile(parser.value(QStringLiteral("baseline")));
        if (!o)
            return fail(ExitUsage, o.error());
        const Result<void> applied =
            baselineConfig.applyJson(*o, parser.value(QStringLiteral("baseline")));
        if (!applied)
            return fail(ExitUsage, applied.error());
        baselineConfig.devices = base.devices;
        hasBaseline = true;
    }
    const Result<void> valid = baselineConfig.validate();
    if (!valid)
        return fail(ExitUsage, valid.error());
    LlmConfig llm;
    if (planner == QLatin1String("llm")) {
        const Result<LlmConfig> resolved = LlmConfig::resolve(parser);
        if (!resolved)
            return fail(ExitUsage, resolved.error());
        llm = *resolved;
    }
    const QString workDir = parser.isSet(QStringLiteral("work-dir"))
                                ? parser.value(QStringLiteral("work-dir"))
                                : ModelStore::defaultDirectory(QStringLiteral("fl-tune"));
    if (!QDir().mkpath(workDir))
        return fail(ExitFailure, QStringLiteral("cannot create %1").arg(workDir));

    FlTuneContext context;
    context.request = parser.positionalArguments().first();
    context.devices = base.devices;
    context.alpha = base.alpha;
    context.samplesPerDevice = base.samplesPerDevice;
    context.budgetSeconds = budget;
    context.attemptSeconds = budget > 0 ? budget / attempts : 0;
    const QString dataDir = parser.value(QStringLiteral("data"));

    QList<FlAttempt> done;
    QElapsedTimer total;
    total.start();
    double baselineAccuracy = -1;
    if (hasBaseline) {
        // The given baseline is measured like an attempt (not counted, not a candidate).
        FlAttempt b;
        b.index = 0;
        b.proposal = FlProposal::fromConfig(baselineConfig, QStringLiteral("baseline"));
        if (json)
            printAttemptStart(0, b.proposal);
        runAttempt(baselineConfig, workDir, threads, dataDir, context.attemptSeconds, &b,
                   roundPrinter(json, 0));
        baselineAccuracy = b.error.isEmpty() ? b.finalAccuracy : 0;
        if (!json)
            printOut(QStringLiteral("baseline: %1").arg(b.summary()));
    }
    const FlProposal baselineProposal =
        FlProposal::fromConfig(baselineConfig, QStringLiteral("the baseline configuration"));
    for (int k = 1; k <= attempts; ++k) {
        if (budget > 0 && total.elapsed() > qint64(budget * 1000))
            break;
        FlProposal proposal;
        if (planner == QLatin1String("local")) {
            proposal = proposeLocally(context, baselineProposal, done);
        } else {
            const Result<QString> answer = chatCompletion(llm, flTuningMessages(context, done));
            if (!answer)
                return fail(ExitFailure, answer.error());
            const Result<FlProposal> parsed = parseFlProposal(*answer);
            if (!parsed)
                return fail(ExitFailure, parsed.error());
            proposal = *parsed;
        }
        if (proposal.done) {
            if (!json)
                printOut(QStringLiteral("the planner is done: %1").arg(proposal.reason));
            break;
        }
        FlAttempt attempt;
        attempt.index = k;
        attempt.proposal = proposal;
        const FlRunConfig config = proposal.applyTo(base);
        const Result<void> ok = config.validate();
        if (!ok) {
            attempt.error = ok.error();
        } else {
            if (!json)
                printOut(QStringLiteral("attempt %1: %2").arg(k).arg(proposal.reason));
            else
                printAttemptStart(k, proposal);
            runAttempt(config, workDir, threads, dataDir, context.attemptSeconds, &attempt,
                       roundPrinter(json, k));
        }
        if (k == 1 && !hasBaseline)
            baselineAccuracy = attempt.error.isEmpty() ? attempt.finalAccuracy : 0;
        if (json) {
            QJsonObject c = proposal.toJson();
            QJsonArray curve; // accuracy per round, as the round lines gave it
            for (double a : std::as_const(attempt.accuracyCurve))
                curve.append(a);
            QJsonObject line{{QStringLiteral("attempt"), k},
                             {QStringLiteral("config"), c},
                             {QStringLiteral("final_accuracy"), attempt.finalAccuracy},
                             {QStringLiteral("seconds"), attempt.seconds},
                             {QStringLiteral("model_bytes"), attempt.modelBytes},
                             {QStringLiteral("curve"), curve}};
            if (!attempt.error.isEmpty())
                line.insert(QStringLiteral("error"), attempt.error);
            printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
        } else {
            printOut(QStringLiteral("  ") + attempt.summary());
        }
        done << attempt;
    }
    int best = 0;
    double bestAccuracy = -1;
    for (const FlAttempt &a : done)
        if (a.error.isEmpty() && a.finalAccuracy > bestAccuracy) {
            bestAccuracy = a.finalAccuracy;
            best = a.index;
        }
    if (best == 0)
        return fail(ExitFailure,
                    done.isEmpty()
                        ? QStringLiteral("no attempt was run")
                        : QStringLiteral("every attempt failed: %1").arg(done.last().error));
    if (json) {
        const QJsonObject line{{QStringLiteral("best_attempt"), best},
                               {QStringLiteral("best_accuracy"), bestAccuracy},
                               {QStringLiteral("baseline_accuracy"), baselineAccuracy}};
        printOut(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)));
    } else {
        printOut(QStringLiteral("best: attempt %1 with %2% (baseline %3%); its model is in "
                                "%4/attempt-%1/model")
                     .arg(best)
                     .arg(bestAccuracy * 100, 0, 'f', 1)
                     .arg(baselineAccuracy * 100, 0, 'f', 1)
                     .arg(workDir));
    }
    return ExitOk;
}

const CliCommandRegistration flRun{
    {QStringLiteral("fl run"),
     QStringLiteral("federated training (FedAvg) over local agents or a deployed fleet"),
     runFlRun}};
const CliCommandRegistration flTune{
    {QStringLiteral("fl tune"),
     QStringLiteral("a planner proposes federated trainings, each informed by the last"),
     runFlTune}};

} // namespace

} // namespace edgegpt::cli
