// `edgegpt bench caching --live`: replays a trace against a real edgegpt-agent whose model cache
// (--cache-mb, --cache-policy) holds real model files of different sizes — untrained models (the
// initial weights of a seed: their files' sizes are what the cache weighs, not their accuracy),
// one per model of the trace — and compares its hit ratio, loads and evictions, as the agent
// reports them in its metrics stream, with the simulator's on the same trace and sizes
// (docs/caching.md, "Live").
#pragma once

#include "core/cache/CacheModel.h"
#include "core/cache/CacheTrace.h"
#include "core/util/Result.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace edgegpt::cli {

struct LiveCachingOptions
{
    QString policy;
    QString agentPath; // empty: LocalFleet::findAgent()
    QString keepDir;   // non-empty: write the models and the agent's log here and keep them
    std::uint64_t seed = 1;
};

// The "live" object of the bench's JSON: {"policy", "hit_ratio", "simulated_hit_ratio",
// "loads", "evictions", "simulated_loads", "simulated_evictions", "requests", "answered",
// "offloaded", "failed", "budget_mb", "untrained": true, "models": [{"name", "spec",
// "size_mb"}], "elapsed_ms"}. `system`: the trace's models with every cost figure; the live models
// take their places in the order of size, and the budget is the same share of their total size.
Result<QJsonObject> runLiveCaching(const cache::CacheSystem &system,
                                   const std::vector<cache::CacheRequest> &trace,
                                   const LiveCachingOptions &options);

} // namespace edgegpt::cli
