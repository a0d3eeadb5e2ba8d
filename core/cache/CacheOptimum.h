// The exact offline optimum of the cache simulator (docs/caching.md, "Optimal"): the least
// total system cost any policy — online or offline — can reach on a trace, under the simulator's
// rules, found by dynamic programming over the sets of resident models.
//
// Why it is exact: in this model a request's costs depend only on its model, on where it runs
// (edge or cloud) and on its usable context K, and K does not depend on the policy (every request
// leaves an example, docs/caching.md "Age of Context"). So the only state a policy changes is
// the set of resident models, and the cost of a schedule is a sum of per-request terms and load
// costs. The simulator's rules are kept exactly: a resident model's request runs at the edge (a
// hit); a missing model's request is offloaded, or the model is loaded (evicting any resident
// models, as long as the rest and it fit) and the request runs at the edge; models are evicted
// only for a load. For each request and each set S that fits, the DP keeps the least cost of
// the requests so far that ends with S resident.
//
// Cost: O(requests x 2^models x models) time; the schedule is kept in O(requests) memory (the
// resident set after each request, found again backwards from checkpoints every 1024 requests).
#pragma once

#include "CacheModel.h"
#include "CacheTrace.h"
#include "core/util/Result.h"

#include <cstdint>
#include <vector>

namespace edgegpt::cache {

struct OptimalSchedule
{
    double totalCost = 0;                     // the least total system cost (sum over the requests)
    std::vector<std::uint32_t> residentAfter; // bit m: model m resident after request i
};

// The most models the search takes (2^models states per request).
constexpr int maxOptimalModels = 12;

// Errors: more than maxOptimalModels models.
Result<OptimalSchedule> optimalCacheSchedule(const CacheSystem &system,
                                             const std::vector<CacheRequest> &trace);

} // namespace edgegpt::cache
