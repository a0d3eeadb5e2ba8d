#include "CacheOptimum.h"
#include "VectorState.h"

#include "AgeOfContext.h"

#include <algorithm>
#include <limits>

namespace edgegpt::cache {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::int64_t kCheckpointEvery = 1024;

struct Dp
{
    int models = 0;
    std::uint32_t states = 0;
    std::vector<char> fits;
    std::vector<double> load, cloud, edge; // per model, per model, per request
    std::vector<double> scratch;

    // cost: the least cost ending with each resident set, before request `q`; after it on return.
    void step(std::vector<double> &cost, const CacheRequest &q, double e)
    {
        const std::uint32_t bit = 1u << q.model;
        // scratch[U]: the least cost of a set T without the model that contains U (the sets a
        // load of the model can start from and keep U of).
        std::vector<double> &h = scratch;
        for (std::uint32_t t = 0; t < states; ++t)
            h[t] = (t & bit) ? kInf : cost[t];
        for (int b = 0; b < models; ++b) {
            const std::uint32_t bb = 1u << b;
            for (std::uint32_t u = 0; u < states; ++u)
                if (!(u & bb) && h[u | bb] < h[u])
                    h[u] = h[u | bb];
        }
        const double c = cloud[size_t(q.model)], l = load[size_t(q.model)];
        for (std::uint32_t s = 0; s < states; ++s) {
            if (!(s & bit)) {
                cost[s] += c; // offloaded
            } else if (fits[s]) {
                const double hit = cost[s] + e, loaded = h[s ^ bit] + l + e;
                cost[s] = hit < loaded ? hit : loaded;
            }
        }
    }
};

} // namespace

Result<OptimalSchedule> optimalCacheSchedule(const CacheSystem &system,
                                             const std::vector<CacheRequest> &trace)
{
    clearUpperVectorState(); // VectorState.h

    using R = Result<OptimalSchedule>;
    const int n = int(system.models.size());
    if (n > maxOptimalModels)
        return R::failure(QStringLiteral("the optimal schedule searches every set of resident "
                                         "models: at most %1 models, not %2")
                              .arg(maxOptimalModels)
                              .arg(n));
    Dp dp;
    dp.models = n;
    dp.states = 1u << n;
    dp.fits.assign(dp.states, 0);
    for (std::uint32_t s = 0; s < dp.states; ++s) {
        double gb = 0;
        for (int b = 0; b < n; ++b)
            if (s & (1u << b))
                gb += system.models[size_t(b)].sizeGb;
        dp.fits[s] = gb <= system.memoryGb + 1e-9; // the simulator's tolerance
    }
    for (const CachedModelSpec &m : system.models) {
        dp.load.push_back(loadCost(system, m).system());
        dp.cloud.push_back(cloudCost(system, m).system());
    }
    // Each request's edge cost: its usable context does not depend on the policy.
    {
        AgeOfContext context(system.aoc, system.models);
        dp.edge.reserve(trace.size());
        for (const CacheRequest &q : trace) {
            dp.edge.push_back(edgeCost(system, system.models[size_t(q.model)],
                                       context.usable(q.model, q.topic, q.time))
                                  .system());
            context.addExample(q.model, q.topic, q.time);
        }
    }
    dp.scratch.assign(dp.states, kInf);

    const std::int64_t count = std::int64_t(trace.size());
    std::vector<double> cost(dp.states, kInf);
    cost[0] = 0;
    std::vector<std::vector<double>> checkpoints; // before requests 0, 1024, 2048, ...
    for (std::int64_t i = 0; i < count; ++i) {
        if (i % kCheckpointEvery == 0)
            checkpoints.push_back(cost);
        dp.step(cost, trace[size_t(i)], dp.edge[size_t(i)]);
    }
    OptimalSchedule out;
    std::uint32_t state = 0;
    double best = cost[0];
    for (std::uint32_t s = 1; s < dp.states; ++s)
        if (cost[s] < best) {
            best = cost[s];
            state = s;
        }
    out.totalCost = count ? best : 0;
    out.residentAfter.assign(size_t(count), 0);

    // Backwards, one checkpoint segment at a time: the set before each request that the
    // forward step chose for the set after it (the same comparisons, so the same choice).
    std::vector<std::vector<double>> segment;
    for (std::int64_t k = std::int64_t(checkpoints.size()) - 1; k >= 0; --k) {
        const std::int64_t from = k * kCheckpointEvery;
        const std::int64_t to = std::min(count, from + kCheckpointEvery);
        segment.assign(1, checkpoints[size_t(k)]);
        for (std::int64_t i = from; i < to; ++i) {
            segment.push_back(segment.back());
            dp.step(segment.back(), trace[size_t(i)], dp.edge[size_t(i)]);
        }
        for (std::int64_t i = to - 1; i >= from; --i) {
            out.residentAfter[size_t(i)] = state;
            const CacheRequest &q = trace[size_t(i)];
            const std::uint32_t bit = 1u << q.model;
            if (!(state & bit))
                continue; // offloaded: the same set before
            const std::vector<double> &before = segment[size_t(i - from)];
            const double e = dp.edge[size_t(i)];
            const std::uint32_t keep = state ^ bit;
            const std::uint32_t free = (dp.states - 1) & ~state;
            // The least-cost set without the model that contains `keep` (the DP's min).
            double loadFrom = kInf;
            std::uint32_t source = keep;
            for (std::uint32_t sub = free;; sub = (sub - 1) & free) {
                const std::uint32_t t = keep | sub;
                if (before[t] < loadFrom || (before[t] == loadFrom && t < source)) {
                    loadFrom = before[t];
                    source = t;
                }
                if (sub == 0)
                    break;
            }
            const double hit = before[state] + e, loaded = loadFrom + dp.load[size_t(q.model)] + e;
            if (!(hit < loaded))
                state = source; // loaded, evicting source minus keep
        }
    }
    return out;
}

} // namespace edgegpt::cache
