// EdgeModelCache: the seam for the live cache in the edge agent (docs/caching.md, "Live"). The
// agent names the models it can serve (size, and what it knows of their costs), a memory budget
// in MB and a policy by name, and gives two callbacks: load a model (its parts from the deploy
// directory) and release one. For each request it asks request(): the model is resident (hit),
// was just loaded (after the policy's evictions, each reported through the release callback), or
// should be offloaded. The same policies as the simulator, with the same Age of Context; the
// offline Oracle is not available (it needs the future). Not thread-safe: call it from the one
// thread that runs the models.
#pragma once

#include "AgeOfContext.h"
#include "CacheModel.h"
#include "CachePolicy.h"
#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace edgegpt::cache {

struct EdgeCacheModel
{
    QString name;
    double sizeMb = 0;
    // What the policies weigh; measured figures replace these as they come (setMeasured…).
    double loadTimeS = 1.0;
    double edgeLatencyS = 0.01;
    double cloudLatencyS = 0.05;
    double cloudPriceUsd = 0;
    double accuracyZeroShot = 0.5;
    double accuracyMax = 0.5;
    double fewShotBeta = 0.35;
    double contextWindow = 8;
};

enum class EdgeCacheAction { Hit, Loaded, Offload };

struct EdgeCacheDecision
{
    EdgeCacheAction action = EdgeCacheAction::Offload;
    QStringList evicted;      // released before the load, in order
    QString error;            // the load callback's error (the request is then offloaded)
    double usableContext = 0; // K for this request (before its own example)
};

class EdgeModelCache
{
public:
    using LoadFunction = std::function<Result<void>(const QString &model)>;
    using ReleaseFunction = std::function<void(const QString &model)>;

    // Errors: an unknown policy, the Oracle, a model without a name or size, a name twice.
    static Result<std::unique_ptr<EdgeModelCache>>
    create(double budgetMb, const QString &policy, const std::vector<EdgeCacheModel> &models,
           LoadFunction load, ReleaseFunction release, const AgeOfContextParams &aoc = {},
           const CostWeights &weights = {}, std::uint64_t seed = 1);
    // The same from a whole cache system (every cost figure, the network, the weights and the
    // Age of Context constants, as a models file gives them; docs/caching.md), its memoryGb the
    // budget and each model's sizeGb its size. The live edge and `bench caching --live` build the
    // same system, so the live cache decides as the simulator does on the same trace.
    static Result<std::unique_ptr<EdgeModelCache>>
    createForSystem(const CacheSystem &system, const QString &policy, LoadFunction load,
                    ReleaseFunction release, std::uint64_t seed = 1);

    // A request for `model` (topic: see CacheTrace; 0 if unknown) at `timeS` seconds on a
    // clock that does not go back. An unknown model, or one larger than the budget, is
    // offloaded. Every request leaves an example for its model's context.
    EdgeCacheDecision request(const QString &model, int topic, double timeS);

    QString policyName() const { return m_policy->name(); }
    double budgetMb() const { return m_system.memoryGb * 1000.0; }
    double usedMb() const { return m_view.usedGb * 1000.0; }
    QStringList resident() const; // in load order
    bool isResident(const QString &model) const;
    double usableContext(const QString &model, double timeS) const;

    double sizeMb(const QString &model) const;
    const CacheSystem &system() const { return m_system; }
    std::int64_t requests() const { return m_requests; }
    std::int64_t hits() const { return m_hits; }
    std::int64_t loads() const { return m_loads; }
    std::int64_t evictions() const { return m_evictions; }
    double hitRatio() const { return m_requests ? double(m_hits) / double(m_requests) : 0; }

    // Measured figures for the policies' costs (e.g. the time the last load took).
    void setMeasuredLoadTime(const QString &model, double seconds);
    void setMeasuredEdgeLatency(const QString &model, double seconds);

private:
    EdgeModelCache() = default;

    CacheSystem m_system;
    std::unique_ptr<CachePolicy> m_policy;
    std::unique_ptr<AgeOfContext> m_context;
    std::vector<CacheRequest> m_noTrace;
    CacheView m_view;
    std::vector<char> m_resident;
    LoadFunction m_load;
    ReleaseFunction m_release;
    std::int64_t m_requests = 0, m_hits = 0, m_loads = 0, m_evictions = 0;
};

} // namespace edgegpt::cache
