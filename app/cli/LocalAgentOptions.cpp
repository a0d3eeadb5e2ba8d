#include "LocalAgentOptions.h"

#include <cmath>

namespace edgegpt::cli {

QList<QCommandLineOption> LocalAgentOptions::declarations()
{
    return {
        {QStringLiteral("model-dir"),
         QStringLiteral("the model directory (default: the cnn model's, trained and profiled first "
                        "when missing)"),
         QStringLiteral("DIR")},
        {QStringLiteral("data"), QStringLiteral("Fashion-MNIST folder"), QStringLiteral("DIR")},
        {QStringLiteral("slowdown"),
         QStringLiteral("emulated device's model slow-down factor (default 150.8: a Jetson Nano "
                        "against an RTX 3090; 1: native)"),
         QStringLiteral("N")},
        {QStringLiteral("codec-slowdown"),
         QStringLiteral("emulated device's codec slow-down factor (default 4; 1: native)"),
         QStringLiteral("N")},
        {QStringLiteral("link-delay"),
         QStringLiteral("added one-way delay of the uplink (default 0)"), QStringLiteral("MS"),
         QStringLiteral("0")},
        {QStringLiteral("threads"), QStringLiteral("LibTorch threads of each agent (default 1)"),
         QStringLiteral("N"), QStringLiteral("1")},
        {QStringLiteral("agent"),
         QStringLiteral("the edgegpt-agent program (default: next to edgegpt)"),
         QStringLiteral("PATH")},
    };
}

Result<LocalAgentOptions> LocalAgentOptions::read(const QCommandLineParser &parser)
{
    LocalAgentOptions o;
    o.modelDir = parser.value(QStringLiteral("model-dir"));
    o.dataDir = parser.value(QStringLiteral("data"));
    o.agentPath = parser.value(QStringLiteral("agent"));
    // A flag that is set must be a number within [lo, hi].
    const auto number = [&parser](const QString &name, double lo, double hi,
                                  double *into) -> Result<void> {
        if (!parser.isSet(name))
            return {};
        bool ok = false;
        const double v = parser.value(name).toDouble(&ok);
        if (!ok || v < lo || v > hi)
            return Result<void>::failure(
                QStringLiteral("--%1 must be a number from %2 to %3").arg(name).arg(lo).arg(hi));
        *into = v;
        return {};
    };
    double threads = o.threads;
    for (const Result<void> &r :
         {number(QStringLiteral("slowdown"), 1, maxSlowdown, &o.slowdown),
          number(QStringLiteral("codec-slowdown"), 1, maxSlowdown, &o.codecSlowdown),
          number(QStringLiteral("link-delay"), 0, maxLinkDelayMs, &o.linkDelayMs),
          number(QStringLiteral("threads"), 1, 64, &threads)})
        if (!r)
            return Result<LocalAgentOptions>::failure(r.error());
    if (threads != std::floor(threads))
        return Result<LocalAgentOptions>::failure(
            QStringLiteral("--threads must be a whole number from 1 to 64"));
    o.threads = int(threads);
    return o;
}

void LocalAgentOptions::applyTo(LocalFleetOptions *fleet) const
{
    fleet->agentPath = agentPath;
    fleet->edgeThreads = threads;
}

void LocalAgentOptions::applyTo(LocalDeviceOptions *device) const
{
    device->dataDir = dataDir;
    // Unset: the fleet's emulated device (LocalDeviceOptions' defaults, 150.76× and 4×).
    if (slowdown > 0)
        device->slowdown = slowdown;
    if (codecSlowdown > 0)
        device->codecSlowdown = codecSlowdown;
    device->threads = threads;
    device->link.delayMs = linkDelayMs;
}

} // namespace edgegpt::cli
