// Cache policies (docs/caching.md): one interface; on a miss the policy either loads the model,
// naming the resident models to evict, or offloads the request to the cloud.
#pragma once

#include "AgeOfContext.h"
#include "CacheModel.h"
#include "CacheTrace.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace edgegpt::cache {

// What a policy may look at when it decides. `trace` and `index` are there for the offline
// Oracle; online policies use only the current request (trace[index]) and the past.
struct CacheView
{
    const CacheSystem *system = nullptr;
    const AgeOfContext *context = nullptr;
    const std::vector<CacheRequest> *trace = nullptr;
    std::int64_t index = 0;
    double time = 0;
    std::vector<int> resident; // the cached models, in load order
    double usedGb = 0;

    double freeGb() const { return system->memoryGb - usedGb; }
    bool isResident(int model) const;
    const CachedModelSpec &spec(int model) const { return system->models[size_t(model)]; }
};

enum class CacheOutcome { Hit, Loaded, Offloaded };

struct MissDecision
{
    bool load = true;
    std::vector<int> victims; // resident models to evict first (their memory must make room)
};

struct PolicyParams
{
    std::uint64_t seed = 1;             // Random's choices
    double horizonRequests = 2000;      // the proposed policy: how far ahead it weighs
    double oracleHorizonRequests = 500; // the Oracle: how far ahead it counts
    double rateHalfLifeRequests = 400;  // the proposed policy's popularity estimate
};

class CachePolicy
{
public:
    virtual ~CachePolicy() = default;
    virtual QString name() const = 0;
    virtual bool proposed() const { return false; }
    // Called once before the run with the whole trace (only the Oracle reads ahead in it).
    virtual void prepare(const CacheSystem &, const std::vector<CacheRequest> &) {}
    // A request for `model`, not resident and fitting in memory: load (evicting) or offload.
    virtual MissDecision onMiss(const CacheView &view, int model);
    // After every request, with what happened to it.
    virtual void onRequest(const CacheView &, int, CacheOutcome) {}
    virtual void onEvict(const CacheView &, int) {}

protected:
    // For policies that always load: the next model to evict among `candidates` (resident, not
    // yet chosen). The default onMiss calls it until the model fits.
    virtual int victim(const CacheView &view, int model, const std::vector<int> &candidates);
};

// "LC", "LFU", "FIFO", "Random", "Cloud", "LRU", "GDSF", "Oracle", "CVA" (the proposed policy):
// the order of the bench's table.
QStringList cachePolicyNames();
// Case-insensitive; nullptr for an unknown name. Besides those: "Optimal" (the exact offline
// optimum, CacheOptimum.h), "LC-capped" and "LC-always" (LC variants kept for comparison).
std::unique_ptr<CachePolicy> makeCachePolicy(const QString &name, const PolicyParams &params = {});

} // namespace edgegpt::cache
