// Runs a policy over a trace: per request, a hit runs at the edge with the model's usable
// context, a miss is loaded (after the policy's evictions) or offloaded; costs in the paper's
// parts (docs/caching.md).
#pragma once

#include "CacheModel.h"
#include "CachePolicy.h"
#include "CacheTrace.h"

#include <QPointF>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace edgegpt::cache {

struct CacheRunResult
{
    QString policy;
    bool proposed = false;
    CostParts total; // summed over the requests
    std::int64_t requests = 0;
    std::int64_t hits = 0;     // the model was resident
    std::int64_t edgeRuns = 0; // hits and loads: served at the edge
    std::int64_t loads = 0;
    std::int64_t evictions = 0;
    std::vector<QPointF> cumulative; // (time s, system cost so far), about curvePoints points
    double elapsedMs = 0;

    CostParts mean() const; // per request
    double hitRatio() const { return requests ? double(hits) / double(requests) : 0; }
    double edgeExecutionRatio() const { return requests ? double(edgeRuns) / double(requests) : 0; }
};

CacheRunResult simulateCache(const CacheSystem &system, const std::vector<CacheRequest> &trace,
                             CachePolicy &policy, int curvePoints = 400);

// Every named policy, each on its own fresh instance, over `threads` threads (0: one per core,
// at most one per policy). The results are in the order of `policies` and do not depend on
// the thread count. Unknown names are skipped (check them with makeCachePolicy first).
std::vector<CacheRunResult> simulateCachePolicies(const CacheSystem &system,
                                                  const std::vector<CacheRequest> &trace,
                                                  const QStringList &policies,
                                                  const PolicyParams &params, int threads = 0,
                                                  int curvePoints = 400);

} // namespace edgegpt::cache
