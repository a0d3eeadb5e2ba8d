// The options `edgegpt run` and `edgegpt bench latency` share for the agents they start on
// 127.0.0.1: the model (--model-dir, --data), the emulated device (--slowdown, --codec-slowdown,
// --link-delay) and the agents themselves (--threads, --agent). One declaration and one reading,
// so the two commands take the same flags with the same help and the same bounds.
#pragma once

#include "core/fleet/LocalFleet.h"
#include "core/util/Result.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

namespace edgegpt::cli {

struct LocalAgentOptions
{
    QString modelDir;          // "" : the cnn model's default directory
    QString dataDir;           // "" : the agents' Fashion-MNIST default
    double slowdown = -1;      // -1: the local fleet's emulated device (150.76)
    double codecSlowdown = -1; // -1: the local fleet's emulated device (4)
    double linkDelayMs = 0;
    int threads = 1;
    QString agentPath; // "": next to edgegpt

    static constexpr double maxSlowdown = 10000;
    static constexpr double maxLinkDelayMs = 60000;

    static QList<QCommandLineOption> declarations();
    // Fails naming the flag and its range.
    static Result<LocalAgentOptions> read(const QCommandLineParser &parser);
    // Onto the fleet (its agent program, edge threads) and a device it starts.
    void applyTo(LocalFleetOptions *fleet) const;
    void applyTo(LocalDeviceOptions *device) const;
};

} // namespace edgegpt::cli
