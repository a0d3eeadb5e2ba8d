// AgentConfig: how one edgegpt-agent runs — its role, where it listens, the fleet token, the model
// directories, whether it emulates a slower board or link (off unless asked), and for a device the
// edge to use, its inputs, when it starts sending them and how it chooses the split. Read from a
// JSON file (--config FILE, keys as below in snake_case) and/or flags; flags win. docs/agents.md
// lists every key and flag.
#pragma once

#include "core/fleet/DeviceEmulation.h"
#include "core/link/LinkShaper.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace edgegpt {

struct AgentConfig
{
    QString role = QStringLiteral("edge"); // device | edge | cloud
    QString name;                          // for logs and the handshake (default: role@host)
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 0; // 0: any free port (printed on stdout as "listening HOST:PORT")
    bool listen =
        true; // a device listens only when --listen (or "listen") is given (for the console)
    bool listenConfigured = false; // --listen or the JSON file's "listen" was given
    QString tokenFile;
    QString modelDir;
    // A folder whose subfolders are models, each served (edge) or run (device) under its
    // subfolder's name. An edge serves all of them and model_dir's.
    QString modelsDir;
    // Device: which model of models_dir it runs (default: the only one there, else model_dir's).
    QString model;
    QString logFile;
    // The model runtime plugin (libedgegpt-runtime.so, agents/SplitRuntime.h); empty: the one
    // next to the agent's executable.
    QString runtimeFile;
    int threads = 1;
    // Emulation (the JSON "emulate" object, or --slowdown, --codec-slowdown, --link-*): off by
    // default for every role — an agent runs at its host's own speed. Compute is stretched to
    // this many times its real duration (an agent standing for a slower board); -1: not set (1).
    double slowdown = -1;
    // Codec work (encode on a device, decode on an edge) is stretched by this instead; -1: 1.
    double codecSlowdown = -1;
    // Device: "auto" sends inputs from the start (today's local runs); "on-request" sends nothing
    // until a console or `edgegpt fleet run` asks (run-inputs frame, docs/protocol.md).
    QString start = QStringLiteral("auto");

    // Edge and cloud: load the model runtime and warm the model right after listening, instead
    // of when the first device connects (the handshake is answered either way; local fleets and
    // hosts whose first answer must not wait for LibTorch use it).
    bool preload = false;

    // TLS-PSK on every connection (docs/protocol.md). Off (--tls off, JSON "tls": false) only for
    // measuring what TLS costs; it needs the fleet secret and a peer that is off too.
    bool tls = true;

    // Edge and cloud: the live model cache (docs/caching.md, "Live"). cacheMb > 0 keeps the models
    // in core/cache's EdgeModelCache under that memory budget (sizes: each model's part files),
    // loading and releasing them as cachePolicy decides; 0: no budget (every model stays loaded
    // once used). cachePolicy: LC, LFU, FIFO, Random, Cloud, LRU, GDSF or CVA (default LRU).
    double cacheMb = 0;
    QString cachePolicy = QStringLiteral("LRU");

    // Device only.
    QString edgeHost;
    quint16 edgePort = 0;
    QString input =
        QStringLiteral("fashion-mnist"); // fashion-mnist | heart-rate | a folder of images
    QString dataDir;                     // Fashion-MNIST folder (default: Debian's)
    int count = 0;                       // inputs to process, then exit; 0 = run until stopped
    int first = 0;                       // index of the first Fashion-MNIST test image
    double ratePerSecond =
        0; // inputs a second; 0 = closed loop (next when the previous is answered)
    QString split = QStringLiteral("auto"); // auto (adaptive) or a split name
    QString codec; // with a fixed split: a codec name; empty = the best for the link
    double accuracyBudget = 0.003;
    int requestTimeoutMs = 2000;
    LinkSettings link;           // the device's uplink to the edge (shaped on loopback)
    bool assumeLinkRate = false; // trust link.rateKBps as the estimate instead of measuring
    // Scripted rate changes of the uplink: (ms after start, KB/s), e.g. from
    // --link-schedule 0:100,5000:500 (demos, benchmarks and tests of the adaptive split).
    QList<QPair<int, double>> linkSchedule;

    double effectiveSlowdown() const;
    double effectiveCodecSlowdown() const;
    // Whether any emulation is on: a slow-down other than 1, link shaping or a link schedule.
    bool emulated() const;
    bool startsOnRequest() const { return start == QLatin1String("on-request"); }
    // The models this agent holds: name → directory. An edge: every subfolder of models_dir
    // (by its name) and model_dir (by its profile.json "model", else its folder name). A device:
    // the one it runs (model, else the only one of models_dir, else model_dir). Fails when a name
    // is claimed twice, a folder cannot be read, or a device's model is not there.
    Result<QList<QPair<QString, QString>>> models() const;
    Result<void> validate() const;
    Result<void> loadJsonFile(const QString &path);
    // Registers the flags on the parser, and reads the ones that were set.
    static void addOptions(QCommandLineParser &parser);
    Result<void> applyOptions(const QCommandLineParser &parser);
};

// "MS:KBPS,MS:KBPS,..." → the steps of --link-schedule.
Result<QList<QPair<int, double>>> parseLinkSchedule(const QString &text);

// "host:port" → (host, port); the port is required, the host may be empty (then 127.0.0.1).
Result<QPair<QString, quint16>> parseHostPort(const QString &text);

} // namespace edgegpt
