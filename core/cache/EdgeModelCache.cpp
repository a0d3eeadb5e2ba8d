#include "EdgeModelCache.h"
#include "VectorState.h"

#include <algorithm>

namespace edgegpt::cache {

Result<std::unique_ptr<EdgeModelCache>>
EdgeModelCache::create(double budgetMb, const QString &policy,
                       const std::vector<EdgeCacheModel> &models, LoadFunction load,
                       ReleaseFunction release, const AgeOfContextParams &aoc,
                       const CostWeights &weights, std::uint64_t seed)
{
    using R = Result<std::unique_ptr<EdgeModelCache>>;
    if (!(budgetMb >= 0))
        return R::failure(QStringLiteral("cache budget %1 MB: expected >= 0").arg(budgetMb));
    CacheSystem system;
    system.memoryGb = budgetMb / 1000.0;
    system.weights = weights;
    system.aoc = aoc;
    for (const EdgeCacheModel &m : models) {
        CachedModelSpec s;
        s.name = m.name;
        s.sizeGb = m.sizeMb / 1000.0;
        s.loadTimeS = m.loadTimeS;
        s.edgeLatencyS = m.edgeLatencyS;
        s.cloudLatencyS = m.cloudLatencyS;
        s.cloudPriceUsd = m.cloudPriceUsd;
        s.accuracyZeroShot = m.accuracyZeroShot;
        s.accuracyMax = std::max(m.accuracyMax, m.accuracyZeroShot);
        s.fewShotBeta = m.fewShotBeta;
        s.contextWindow = m.contextWindow;
        system.models.push_back(s);
    }
    return createForSystem(system, policy, std::move(load), std::move(release), seed);
}

Result<std::unique_ptr<EdgeModelCache>>
EdgeModelCache::createForSystem(const CacheSystem &system, const QString &policy, LoadFunction load,
                                ReleaseFunction release, std::uint64_t seed)
{
    using R = Result<std::unique_ptr<EdgeModelCache>>;
    if (!(system.memoryGb >= 0))
        return R::failure(
            QStringLiteral("cache budget %1 MB: expected >= 0").arg(system.memoryGb * 1000.0));
    PolicyParams params;
    params.seed = seed;
    std::unique_ptr<CachePolicy> p = makeCachePolicy(policy, params);
    if (!p)
        return R::failure(QStringLiteral("unknown cache policy \"%1\" (known: %2)")
                              .arg(policy, cachePolicyNames().join(QStringLiteral(", "))));
    if (p->name() == QLatin1String("Oracle") || p->name() == QLatin1String("Optimal"))
        return R::failure(QStringLiteral("the %1 policy needs the future requests: it runs "
                                         "only in the simulator")
                              .arg(p->name()));
    std::unique_ptr<EdgeModelCache> c(new EdgeModelCache);
    c->m_system = system;
    c->m_system.models.clear();
    for (const CachedModelSpec &m : system.models) {
        if (m.name.isEmpty() || !(m.sizeGb > 0))
            return R::failure(
                QStringLiteral("cache model \"%1\": expected a name and a size > 0").arg(m.name));
        if (c->m_system.indexOf(m.name) >= 0)
            return R::failure(QStringLiteral("cache model \"%1\" named twice").arg(m.name));
        c->m_system.models.push_back(m);
    }
    c->m_policy = std::move(p);
    c->m_context = std::make_unique<AgeOfContext>(c->m_system.aoc, c->m_system.models);
    c->m_policy->prepare(c->m_system, c->m_noTrace);
    c->m_view.system = &c->m_system;
    c->m_view.context = c->m_context.get();
    c->m_view.trace = &c->m_noTrace;
    c->m_resident.assign(c->m_system.models.size(), 0);
    c->m_load = std::move(load);
    c->m_release = std::move(release);
    return c;
}

EdgeCacheDecision EdgeModelCache::request(const QString &model, int topic, double timeS)
{
    clearUpperVectorState(); // VectorState.h: the agent runs AVX model code between requests

    EdgeCacheDecision d;
    const int m = m_system.indexOf(model);
    if (m < 0)
        return d;
    m_view.index = m_requests++;
    m_view.time = timeS;
    const CachedModelSpec &spec = m_system.models[size_t(m)];
    d.usableContext = m_context->usable(m, topic, timeS);
    CacheOutcome outcome = CacheOutcome::Offloaded;
    if (m_resident[size_t(m)]) {
        outcome = CacheOutcome::Hit;
        d.action = EdgeCacheAction::Hit;
        ++m_hits;
    } else if (spec.sizeGb <= m_system.memoryGb) {
        const MissDecision miss = m_policy->onMiss(m_view, m);
        double freed = 0;
        bool valid = miss.load;
        for (int v : miss.victims) {
            valid = valid && v >= 0 && size_t(v) < m_resident.size() && m_resident[size_t(v)] &&
                    std::count(miss.victims.begin(), miss.victims.end(), v) == 1;
            if (valid)
                freed += m_system.models[size_t(v)].sizeGb;
        }
        if (valid && m_view.usedGb - freed + spec.sizeGb <= m_system.memoryGb + 1e-9) {
            for (int v : miss.victims) {
                m_resident[size_t(v)] = 0;
                m_view.resident.erase(std::find(m_view.resident.begin(), m_view.resident.end(), v));
                m_view.usedGb -= m_system.models[size_t(v)].sizeGb;
                ++m_evictions;
                d.evicted << m_system.models[size_t(v)].name;
                m_policy->onEvict(m_view, v);
                if (m_release)
                    m_release(m_system.models[size_t(v)].name);
            }
            const Result<void> loaded = m_load ? m_load(model) : Result<void>::success();
            if (loaded) {
                m_resident[size_t(m)] = 1;
                m_view.resident.push_back(m);
                m_view.usedGb += spec.sizeGb;
                ++m_loads;
                outcome = CacheOutcome::Loaded;
                d.action = EdgeCacheAction::Loaded;
            } else {
                d.error = loaded.error();
            }
        }
    }
    m_context->addExample(m, topic, timeS);
    m_policy->onRequest(m_view, m, outcome);
    return d;
}

QStringList EdgeModelCache::resident() const
{
    QStringList names;
    for (int m : m_view.resident)
        names << m_system.models[size_t(m)].name;
    return names;
}

bool EdgeModelCache::isResident(const QString &model) const
{
    const int m = m_system.indexOf(model);
    return m >= 0 && m_resident[size_t(m)];
}

double EdgeModelCache::usableContext(const QString &model, double timeS) const
{
    const int m = m_system.indexOf(model);
    return m < 0 ? 0 : m_context->usableBest(m, timeS);
}

double EdgeModelCache::sizeMb(const QString &model) const
{
    const int m = m_system.indexOf(model);
    return m < 0 ? 0 : m_system.models[size_t(m)].sizeGb * 1000.0;
}

void EdgeModelCache::setMeasuredLoadTime(const QString &model, double seconds)
{
    const int m = m_system.indexOf(model);
    if (m >= 0 && seconds >= 0)
        m_system.models[size_t(m)].loadTimeS = seconds;
}

void EdgeModelCache::setMeasuredEdgeLatency(const QString &model, double seconds)
{
    const int m = m_system.indexOf(model);
    if (m >= 0 && seconds >= 0)
        m_system.models[size_t(m)].edgeLatencyS = seconds;
}

} // namespace edgegpt::cache
