// LocalFleet: a device agent and an edge agent as real edgegpt-agent processes on 127.0.0.1, for
// `edgegpt run` without a fleet file, `edgegpt bench latency` and the console's demo mode.
//
// start() is asynchronous: it writes a fresh fleet token (32 random bytes, hex, mode 0600) into a
// private temporary folder, starts the edge agent on a free port (--listen 127.0.0.1:0, the port
// read from its "listening HOST:PORT" line), then the device agent against it (listening too,
// for metric subscriptions, when asked), and emits started() — or failed(message) when a program
// is missing, does not start, exits early or does not say where it listens within the bound.
// Every stdout line of an agent (the device's JSON lines) comes out as agentLine(role, line),
// every stderr line as agentLog(role, line); an agent that ends emits agentExited(role, code).
//
// startDevice() runs another device (other link, split, inputs) against the same edge once the
// previous one has ended (it stops it first if not). stop() sends SIGTERM to both and kills
// what is still running after the bound, then emits stopped(); nothing blocks. The destructor
// kills what is left (and waits a bounded time) so no agent outlives its owner; on Linux the agents
// also get SIGTERM from the kernel when the owner dies without that chance (PR_SET_PDEATHSIG: it
// follows the thread that started them, so start the fleet from a thread that lives as long).
//
// With options.remoteEdgeHost set, only the device is started, against that (running) edge.
//
// No LibTorch here: the model directory is given (a trained model with its profile.json; see
// `edgegpt train` and `edgegpt bench coinference`); modelDirectoryProblem() says what is missing.
#pragma once

#include "core/fleet/DeviceEmulation.h"
#include "core/link/LinkShaper.h"
#include "core/util/Result.h"

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace edgegpt {

struct LocalDeviceOptions
{
    QString input = QStringLiteral("fashion-mnist"); // fashion-mnist | heart-rate | an image folder
    QString dataDir;                        // Fashion-MNIST folder; empty: the agent's default
    int count = 0;                          // inputs, then the device exits; 0 = until stopped
    int first = 0;                          // first Fashion-MNIST test image
    double ratePerSecond = 0;               // inputs a second; 0 = closed loop
    QString split = QStringLiteral("auto"); // auto (adaptive) or a split name
    QString codec;                          // with a fixed split; empty: best for the link
    LinkSettings link;                      // the device's uplink (shaped)
    bool assumeLinkRate = false;            // plan with link.rateKBps, not a measurement
    // The emulated device (agents run natively unless told): model compute and encoding on the
    // device's CPU are stretched this many times. Default (and -1): the demo's Jetson Nano,
    // core/fleet/DeviceEmulation.h; 1 and 1: native.
    double slowdown = kDefaultDeviceSlowdown;
    double codecSlowdown = kDefaultDeviceCodecSlowdown;
    int threads = 1;
    int requestTimeoutMs = 0;   // 0: the agent's default
    bool listen = true;         // serve metric subscriptions (devicePort())
    QStringList extraArguments; // passed to the agent as they are
};

struct LocalFleetOptions
{
    QString agentPath; // empty: findAgent()
    QString modelDir;  // required: model.pt/model.json (and profile.json for an adaptive split)
    // An edge agent that already runs (a fleet's): no local edge is started, the device uses it
    // with this token file. Empty host: start a local edge (with a fresh token).
    QString remoteEdgeHost;
    quint16 remoteEdgePort = 0;
    QString remoteTokenFile;
    int edgeThreads = 1;
    double edgeSlowdown = -1; // -1: none (1)
    bool startDevice = true;  // false: only the edge; startDevice() later
    LocalDeviceOptions device;
    // TLS-PSK between the local agents (keys derived from the fresh fleet secret). false:
    // --tls off on both, plaintext frames; only `edgegpt bench latency --tls off` uses it.
    bool tls = true;
    int startTimeoutMs = 20000; // per agent: until it says where it listens
    int stopTimeoutMs = 3000;   // SIGTERM, then SIGKILL after this
};

class LocalFleet : public QObject
{
    Q_OBJECT
public:
    explicit LocalFleet(QObject *parent = nullptr);
    ~LocalFleet() override;

    // Starts the edge and (unless options.startDevice is false) the device. Returns at once;
    // started() or failed() follows. A second call while running fails.
    void start(const LocalFleetOptions &options);
    // Another device run against the running edge (deviceStarted() or failed() follows).
    void startDevice(const LocalDeviceOptions &device);
    // SIGTERM to both agents, SIGKILL after options.stopTimeoutMs; stopped() when both ended.
    void stop();
    // The same, waiting (at most stopTimeoutMs + 1 s) in a local event loop: for a CLI, not the
    // GUI.
    void stopAndWait();

    bool isRunning() const { return m_state == State::Running; }
    quint16 edgePort() const { return m_edgePort; }
    quint16 devicePort() const { return m_devicePort; }          // 0 unless the device listens
    QString host() const { return QStringLiteral("127.0.0.1"); } // the local agents' address
    QString edgeHost() const
    {
        return m_options.remoteEdgeHost.isEmpty() ? host() : m_options.remoteEdgeHost;
    }
    QString tokenFile() const { return m_tokenFile; }
    QByteArray tokenSecret() const { return m_secret; }
    QString workDir() const; // the private temporary folder (token, agent logs)
    QString agentPath() const { return m_agentPath; }
    const LocalFleetOptions &options() const { return m_options; }
    bool deviceRunning() const;

    // edgegpt-agent: `explicitPath` if given, else $EDGEGPT_AGENT, else next to the running program
    // (and ../agents/, ../../agents/ as in the build tree), else on PATH. Fails naming where it
    // looked.
    static Result<QString> findAgent(const QString &explicitPath = {});
    // Where `edgegpt train` keeps a model when not told: $EDGEGPT_MODEL_DIR/NAME, else
    // ~/.local/share/edgegpt/models/NAME (the same rule as models/ModelStore).
    static QString defaultModelDirectory(const QString &modelName = QStringLiteral("cnn"));
    // Empty when `dir` holds a trained model and its profile.json; else what is missing and how to
    // make it (the commands to run).
    static QString modelDirectoryProblem(const QString &dir);
    // Writes a fresh token (32 random bytes as hex, mode 0600) to `path`.
    static Result<QByteArray> writeToken(const QString &path);

Q_SIGNALS:
    void started();
    void deviceStarted();
    void failed(const QString &message);
    void agentLine(const QString &role, const QString &line); // stdout: "listening …", JSON lines
    void agentLog(const QString &role, const QString &line);  // stderr
    void agentExited(const QString &role, int exitCode);      // -1: crashed or killed
    void stopped();

private:
    enum class State { Idle, Starting, Running, Stopping };
    struct Agent
    {
        QString role;
        std::unique_ptr<QProcess> process;
        QByteArray outBuffer, errBuffer;
        QString lastLog; // the last stderr line: why an agent that exited early did
        quint16 port = 0;
        bool waitingForPort = false;
    };

    void launchEdge();
    void launchDevice();
    QStringList deviceArguments(const LocalDeviceOptions &d) const;
    Agent *spawn(const QString &role, const QStringList &arguments, bool waitForPort);
    void onOutput(Agent *agent, bool isStdErr);
    void onFinished(Agent *agent, int code, QProcess::ExitStatus status);
    void onPortKnown(Agent *agent);
    void fail(const QString &message);
    void finishStopIfDone();
    static void killNow(Agent *agent);

    State m_state = State::Idle;
    LocalFleetOptions m_options;
    LocalDeviceOptions m_pendingDevice;
    bool m_deviceRestartPending = false;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_agentPath, m_tokenFile;
    QByteArray m_secret;
    std::unique_ptr<Agent> m_edge, m_device;
    std::vector<std::unique_ptr<Agent>> m_retired; // devices that ended, kept until the fleet stops
    quint16 m_edgePort = 0, m_devicePort = 0;
    QTimer m_startTimer, m_killTimer;
};

} // namespace edgegpt
