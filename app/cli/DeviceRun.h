// One device run on a LocalFleet, waited for in a local event loop (CLI only): the fleet is
// started with the device (or, when already running, a new device is started against its edge),
// and the device agent's JSON lines are collected until it exits, the fleet fails, or the bound.
#pragma once

#include "core/fleet/LocalFleet.h"

#include <QJsonObject>
#include <QList>

namespace edgegpt::cli {

struct DeviceRunOutcome
{
    QList<QJsonObject> results; // one per input: {"index", "ok", "class", "total_ms", …}
    QList<QJsonObject>
        events;          // {"event": "split" | "edge_lost" | "edge_back" | "link" | "error", …}
    QJsonObject summary; // the device's last line ({} if it never got there)
    int exitCode = -1;   // the device agent's
    QStringList log;     // the agents' stderr lines (last 200)
};

// `start`: the fleet's options when it is not running yet (else null: the device is replaced).
// Fails when the fleet fails, the device does not finish within timeoutMs, or (with
// failFastOnEdgeLoss) the edge is lost before any answer.
Result<DeviceRunOutcome> runDevice(LocalFleet &fleet, const LocalFleetOptions *start,
                                   const LocalDeviceOptions &device, int timeoutMs,
                                   bool failFastOnEdgeLoss = false);

// The median (0.5) or another quantile (q in [0, 1]) of the values; 0 for none: percentile()
// of core/util/Stats.h, interpolated between closest ranks.
double quantile(QList<double> values, double q);

} // namespace edgegpt::cli
