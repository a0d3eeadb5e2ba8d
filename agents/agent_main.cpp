// edgegpt-agent: the headless program on every device, edge server and cloud host (docs/agents.md).
// It logs to stderr (and --log-file), prints "listening HOST:PORT" on stdout once it serves (an
// edge with --preload once its model is loaded too), and stops cleanly on SIGTERM or SIGINT.
#include "agents/AgentConfig.h"
#include "agents/DeviceAgent.h"
#include "agents/EdgeAgent.h"
#include "agents/FlAgent.h"
#include "agents/SplitRuntime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QHostInfo>
#include <QMutex>
#include <QRegularExpression>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace edgegpt;

namespace {

int g_signalPipe[2] = {-1, -1};
QFile *g_logFile = nullptr;
QMutex g_logMutex;
QString g_name;

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

void logMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    static const char *levels[] = {"debug", "warning", "critical", "fatal", "info"};
    const QByteArray line =
        QStringLiteral("%1 %2 %3: %4\n")
            .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs), g_name,
                 QLatin1String(levels[qBound(0, int(type), 4)]), message)
            .toUtf8();
    QMutexLocker lock(&g_logMutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    if (g_logFile) {
        g_logFile->write(line);
        g_logFile->flush();
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("edgegpt-agent"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EDGEGPT_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("EdgeGPT agent: runs model parts for split inference."));
    parser.addHelpOption();
    parser.addVersionOption();
    AgentConfig::addOptions(parser);
    parser.addOption({QStringLiteral("runtime-version"),
                      QStringLiteral("load the model runtime (--runtime, or the one next to the "
                                     "agent), print its version and exit")});
    parser.addOption(
        {QStringLiteral("fl"),
         QStringLiteral("run as a federated-learning device or aggregator described "
                        "by FILE.json (docs/federated.md; `edgegpt fl run` writes it)"),
         QStringLiteral("FILE")});
    parser.process(app);
    if (parser.isSet(QStringLiteral("fl")))
        return runFlAgent(parser.value(QStringLiteral("fl")));

    if (parser.isSet(QStringLiteral("runtime-version"))) {
        // What a deployment asks a host whose files differ from its own (docs/deploy.md).
        const QString file = parser.isSet(QStringLiteral("runtime"))
                                 ? parser.value(QStringLiteral("runtime"))
                                 : defaultRuntimeFile();
        const Result<std::unique_ptr<SplitRuntime>> runtime = loadSplitRuntime(file, QString());
        if (!runtime) {
            std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(runtime.error()));
            return 1;
        }
        std::printf("%s interface %d\n", qPrintable((*runtime)->version()), kSplitRuntimeInterface);
        std::fflush(stdout);
        return 0;
    }

    AgentConfig config;
    const Result<void> configured = config.applyOptions(parser);
    if (!configured) {
        std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(configured.error()));
        return 2;
    }
    if (config.name.isEmpty()) {
        // "edge@HOST": also the TLS credential's name, so only what a credential may hold
        // (core/protocol/Keyring.h: letters, digits, '.', '_', '@', '-'; at most 64).
        QString host = QHostInfo::localHostName();
        host.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("-"));
        config.name = QString(config.role + QLatin1Char('@') + host).left(64);
    }
    g_name = config.name;
    if (!config.logFile.isEmpty()) {
        g_logFile = new QFile(config.logFile);
        if (!g_logFile->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            std::fprintf(stderr, "edgegpt-agent: cannot write the log file %s\n",
                         qPrintable(config.logFile));
            return 1;
        }
    }
    qInstallMessageHandler(logMessage);

    // A fleet secret (local demo, tests) or this host's key file (deploy).
    const Result<Keyring> keys = Keyring::load(config.tokenFile);
    if (!keys) {
        qCritical("%s", qPrintable(keys.error()));
        return 1;
    }
    for (const QString &warning : keys->warnings())
        qWarning("%s", qPrintable(warning));
    const QString credential = config.role + QLatin1Char(':') + config.name;
    if (!keys->self().isEmpty() && keys->self() != credential) {
        qCritical("key file %s is for %s, but this agent is %s", qPrintable(config.tokenFile),
                  qPrintable(keys->self()), qPrintable(credential));
        return 1;
    }
    if (!config.tls && !keys->holdsFleetSecret()) {
        qCritical("--tls off needs the fleet secret in --token-file (a key file is for TLS)");
        return 1;
    }
    if (!config.tls)
        qWarning("TLS is off (--tls off): frames travel in plaintext; for measurements only");

    // SIGTERM/SIGINT: the handler only writes a byte; the event loop quits on it.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
        qCritical("socketpair failed");
        return 1;
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    DeviceAgent *device = nullptr;
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&]() {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &c, 1);
        qInfo("stopping on signal");
        if (device)
            device->stop(QStringLiteral("the agent was stopped"));
        QCoreApplication::exit(0);
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    int exitCode = 0;
    if (config.role == QLatin1String("device")) {
        device = new DeviceAgent(config, *keys, &app);
        QObject::connect(device, &DeviceAgent::finished, &app, [&](int code) {
            exitCode = code;
            QCoreApplication::exit(code);
        });
        const Result<void> started = device->start();
        if (!started) {
            qCritical("%s", qPrintable(started.error()));
            return 1;
        }
        if (device->port())
            std::printf("listening %s:%u\n", qPrintable(config.listenHost),
                        unsigned(device->port()));
    } else {
        auto *edge = new EdgeAgent(config, *keys, &app);
        const Result<void> started = edge->start();
        if (!started) {
            qCritical("%s", qPrintable(started.error()));
            return 1;
        }
        qInfo("%s agent serving %s on %s:%u%s", qPrintable(config.role),
              qPrintable(config.modelsDir.isEmpty() ? config.modelDir
                         : config.modelDir.isEmpty()
                             ? config.modelsDir
                             : config.modelsDir + QStringLiteral(" and ") + config.modelDir),
              qPrintable(config.listenHost), unsigned(edge->port()),
              config.emulated() ? " (emulated: slow-down set)" : "");
        const QString listening =
            QStringLiteral("listening %1:%2\n").arg(config.listenHost).arg(edge->port());
        if (config.preload) {
            // Whoever waits for this line (a local fleet) then finds the model loaded.
            QObject::connect(edge, &EdgeAgent::warmedUp, &app, [listening](bool) {
                std::fputs(qPrintable(listening), stdout);
                std::fflush(stdout);
            });
        } else {
            std::fputs(qPrintable(listening), stdout);
        }
    }
    std::fflush(stdout);
    const int code = app.exec();
    qInfo("stopped");
    qInstallMessageHandler(nullptr);
    return code != 0 ? code : exitCode;
}
