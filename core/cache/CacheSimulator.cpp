#include "CacheSimulator.h"
#include "VectorState.h"

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <thread>

namespace edgegpt::cache {

CostParts CacheRunResult::mean() const
{
    CostParts m;
    if (requests == 0)
        return m;
    const double n = double(requests);
    m.switching = total.switching / n;
    m.accuracy = total.accuracy / n;
    m.inferenceLatency = total.inferenceLatency / n;
    m.transmissionLatency = total.transmissionLatency / n;
    m.cloud = total.cloud / n;
    return m;
}

CacheRunResult simulateCache(const CacheSystem &system, const std::vector<CacheRequest> &trace,
                             CachePolicy &policy, int curvePoints)
{
    clearUpperVectorState(); // VectorState.h: libm's pow runs 9 times slower without it

    QElapsedTimer timer;
    timer.start();
    CacheRunResult r;
    r.policy = policy.name();
    r.proposed = policy.proposed();
    AgeOfContext context(system.aoc, system.models);
    policy.prepare(system, trace);

    // Costs that do not change during the run.
    std::vector<CostParts> cloud, load;
    for (const CachedModelSpec &m : system.models) {
        cloud.push_back(cloudCost(system, m));
        load.push_back(loadCost(system, m));
    }
    std::vector<char> resident(system.models.size(), 0);

    CacheView view;
    view.system = &system;
    view.context = &context;
    view.trace = &trace;
    const std::int64_t n = std::int64_t(trace.size());
    const std::int64_t every = std::max<std::int64_t>(1, n / std::max(1, curvePoints));
    if (n > 0)
        r.cumulative.push_back({trace.front().time, 0});
    for (std::int64_t i = 0; i < n; ++i) {
        const CacheRequest &q = trace[size_t(i)];
        const CachedModelSpec &spec = system.models[size_t(q.model)];
        view.index = i;
        view.time = q.time;
        CacheOutcome outcome = CacheOutcome::Offloaded;
        if (resident[size_t(q.model)]) {
            outcome = CacheOutcome::Hit;
        } else if (spec.sizeGb <= system.memoryGb) {
            MissDecision d = policy.onMiss(view, q.model);
            if (d.load) {
                double freed = 0;
                bool valid = true;
                for (size_t k = 0; k < d.victims.size() && valid; ++k) {
                    const int v = d.victims[k];
                    valid = v >= 0 && size_t(v) < resident.size() && resident[size_t(v)] &&
                            std::count(d.victims.begin(), d.victims.end(), v) == 1;
                    if (valid)
                        freed += system.models[size_t(v)].sizeGb;
                }
                // A decision that names a model not resident or does not make room is a bug in
                // the policy: the request is offloaded rather than overfilling memory.
                if (valid && view.usedGb - freed + spec.sizeGb <= system.memoryGb + 1e-9) {
                    for (int v : d.victims) {
                        resident[size_t(v)] = 0;
                        view.resident.erase(
                            std::find(view.resident.begin(), view.resident.end(), v));
                        view.usedGb -= system.models[size_t(v)].sizeGb;
                        ++r.evictions;
                        policy.onEvict(view, v);
                    }
                    resident[size_t(q.model)] = 1;
                    view.resident.push_back(q.model);
                    view.usedGb += spec.sizeGb;
                    ++r.loads;
                    r.total += load[size_t(q.model)];
                    outcome = CacheOutcome::Loaded;
                }
            }
        }
        if (outcome == CacheOutcome::Offloaded) {
            r.total += cloud[size_t(q.model)];
        } else {
            r.total += edgeCost(system, spec, context.usable(q.model, q.topic, q.time));
            ++r.edgeRuns;
            if (outcome == CacheOutcome::Hit)
                ++r.hits;
        }
        // The edge relays offloaded requests too, so every request leaves an example.
        context.addExample(q.model, q.topic, q.time);
        policy.onRequest(view, q.model, outcome);
        if ((i + 1) % every == 0 || i + 1 == n)
            r.cumulative.push_back({q.time, r.total.system()});
    }
    r.requests = n;
    r.elapsedMs = timer.nsecsElapsed() / 1e6;
    return r;
}

std::vector<CacheRunResult> simulateCachePolicies(const CacheSystem &system,
                                                  const std::vector<CacheRequest> &trace,
                                                  const QStringList &policies,
                                                  const PolicyParams &params, int threads,
                                                  int curvePoints)
{
    std::vector<CacheRunResult> results(size_t(policies.size()));
    std::vector<char> known(size_t(policies.size()), 0);
    std::atomic<int> next{0};
    const auto work = [&] {
        for (int k = next++; k < int(policies.size()); k = next++) {
            std::unique_ptr<CachePolicy> p = makeCachePolicy(policies[k], params);
            if (!p)
                continue;
            results[size_t(k)] = simulateCache(system, trace, *p, curvePoints);
            known[size_t(k)] = 1;
        }
    };
    if (threads <= 0)
        threads = int(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::min<int>(threads, int(policies.size()));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
        t.join();
    std::vector<CacheRunResult> out;
    for (size_t k = 0; k < results.size(); ++k)
        if (known[k])
            out.push_back(std::move(results[k]));
    return out;
}

} // namespace edgegpt::cache
