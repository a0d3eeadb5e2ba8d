// AgentConfig: how one edgegpt-agent runs — its role, where it listens, the fleet token, the model
// directory, and for a device the edge to use, its inputs, the emulated link and how it chooses
// the split. Read from a JSON file (--config FILE, keys as below in snake_case) and/or flags;
// flags win. docs/agents.md lists every key and flag.
#pragma once

#include "core/link/LinkShaper.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace edgegpt {

// Public throughput figures (FP32): an RTX 3090 does 35.58 TFLOPS (NVIDIA's GA102 whitepaper),
// a Jetson Nano's 128-core Maxwell GPU 0.236 TFLOPS (NVIDIA's module data sheet: 472 GFLOPS at
// FP16, half at FP32). A device agent on the same host as the edge agent therefore runs its part
// this many times slower by default (docs/agents.md, "Devices on one machine").
constexpr double kDefaultDeviceSlowdown = 35.58 / 0.236;
// Codecs (JPEG, zstd, quantisation) run on the device's CPU, not its GPU, so the GPU ratio above
// does not apply to them. A Jetson Nano's CPU is a 1.43 GHz Cortex-A57; against a desktop core of
// 3.5–4.5 GHz doing about 1.5× the work per clock that is roughly 3.7–4.7× slower single-threaded,
// so 4 by default (an estimate, not a measurement: docs/agents.md says how to measure a board).
constexpr double kDefaultDeviceCodecSlowdown = 4.0;

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
    QString logFile;
    // The model runtime plugin (libedgegpt-runtime.so, agents/SplitRuntime.h); empty: the one
    // next to the agent's executable.
    QString runtimeFile;
    int threads = 1;
    // Compute is stretched to this many times its real duration (a device standing for a slower
    // board). Default: 1 for edge and cloud, kDefaultDeviceSlowdown for a device.
    double slowdown = -1;
    // Codec work (encode on a device, decode on an edge) is stretched by this instead. Default:
    // 1 for edge and cloud, kDefaultDeviceCodecSlowdown for a device.
    double codecSlowdown = -1;

    // Edge and cloud: load the model runtime and warm the model right after listening, instead
    // of when the first device connects (the handshake is answered either way; local fleets and
    // hosts whose first answer must not wait for LibTorch use it).
    bool preload = false;

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
