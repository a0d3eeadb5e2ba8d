// The policies: the paper's (LC, LFU, FIFO, Random, Cloud), what systems use (LRU, GDSF), the
// offline Oracle and the proposed CVA. docs/caching.md explains each.
#include "CachePolicy.h"

#include "CacheOptimum.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgegpt::cache {

bool CacheView::isResident(int model) const
{
    return std::find(resident.begin(), resident.end(), model) != resident.end();
}

MissDecision CachePolicy::onMiss(const CacheView &view, int model)
{
    MissDecision d;
    std::vector<int> candidates = view.resident;
    double need = view.spec(model).sizeGb - view.freeGb();
    while (need > 1e-9 && !candidates.empty()) {
        const int v = victim(view, model, candidates);
        candidates.erase(std::find(candidates.begin(), candidates.end(), v));
        d.victims.push_back(v);
        need -= view.spec(v).sizeGb;
    }
    return d;
}

int CachePolicy::victim(const CacheView &, int, const std::vector<int> &candidates)
{
    return candidates.front();
}

namespace {

// Per-model last use (request index), kept by the policies that break ties by recency.
class RecencyBase : public CachePolicy
{
public:
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &) override
    {
        m_lastUse.assign(s.models.size(), -1);
    }
    void onRequest(const CacheView &v, int model, CacheOutcome) override
    {
        m_lastUse[size_t(model)] = v.index;
    }

protected:
    std::vector<std::int64_t> m_lastUse;
};

// The paper's ranked policies (LC, LFU) keep the models that rank highest: on a miss the
// requested model competes with the resident ones; the lowest-ranked residents are evicted
// until it fits, but only if each ranks below it; otherwise the request goes to the cloud.
// `less(a, b)`: a ranks below b.
template <typename Less> MissDecision rankedMiss(const CacheView &v, int model, Less less)
{
    MissDecision d;
    std::vector<int> c = v.resident;
    std::sort(c.begin(), c.end(), less);
    double need = v.spec(model).sizeGb - v.freeGb();
    for (size_t i = 0; i < c.size() && need > 1e-9; ++i) {
        if (!less(c[i], model))
            return {false, {}};
        d.victims.push_back(c[i]);
        need -= v.spec(c[i]).sizeGb;
    }
    d.load = need <= 1e-9;
    return d;
}

// FIFO: evict in load order (the view lists the resident models in that order).
class FifoPolicy : public CachePolicy
{
public:
    QString name() const override { return QStringLiteral("FIFO"); }
};

class LruPolicy : public RecencyBase
{
public:
    QString name() const override { return QStringLiteral("LRU"); }

protected:
    int victim(const CacheView &, int, const std::vector<int> &c) override
    {
        return *std::min_element(c.begin(), c.end(), [&](int a, int b) {
            return m_lastUse[size_t(a)] < m_lastUse[size_t(b)];
        });
    }
};

// LFU over the whole history (every request counts, cached or not), with the paper's ranked
// admission (rankedMiss); ties: least recent.
class LfuPolicy : public RecencyBase
{
public:
    QString name() const override { return QStringLiteral("LFU"); }
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &t) override
    {
        RecencyBase::prepare(s, t);
        m_count.assign(s.models.size(), 0);
    }
    void onRequest(const CacheView &v, int model, CacheOutcome o) override
    {
        RecencyBase::onRequest(v, model, o);
        ++m_count[size_t(model)];
    }

    MissDecision onMiss(const CacheView &v, int model) override
    {
        // The requested model counts its current request.
        const auto count = [&](int m) { return m_count[size_t(m)] + (m == model ? 1 : 0); };
        // The requested model is used now: it wins ties with a resident model.
        const auto last = [&](int m) { return m == model ? v.index : m_lastUse[size_t(m)]; };
        return rankedMiss(v, model, [&](int a, int b) {
            if (count(a) != count(b))
                return count(a) < count(b);
            return last(a) < last(b);
        });
    }

private:
    std::vector<std::int64_t> m_count;
};

class RandomPolicy : public CachePolicy
{
public:
    explicit RandomPolicy(std::uint64_t seed)
        : m_rng(seed)
    {}
    QString name() const override { return QStringLiteral("Random"); }

protected:
    int victim(const CacheView &, int, const std::vector<int> &c) override
    {
        return c[size_t(m_rng.below(int(c.size())))];
    }

private:
    CacheRng m_rng;
};

class CloudPolicy : public CachePolicy
{
public:
    QString name() const override { return QStringLiteral("Cloud"); }
    MissDecision onMiss(const CacheView &, int) override { return {false, {}}; }
};

// Least Context: rank the models by their usable context K for the requests they get now
// (Age of Context, capped by the window); of two with full windows, the one with more weighted
// examples ranks higher; then the more recent. The lowest-ranked resident models are evicted
// for a requested model that ranks above them (rankedMiss); one that ranks below is served
// from the cloud.
class LcPolicy : public RecencyBase
{
public:
    explicit LcPolicy(bool capped = false)
        : m_capped(capped)
    {}
    QString name() const override
    {
        return m_capped ? QStringLiteral("LC-capped") : QStringLiteral("LC");
    }
    MissDecision onMiss(const CacheView &v, int model) override
    {
        std::vector<double> k(v.system->models.size()), w(v.system->models.size());
        const auto rank = [&](int m) {
            k[size_t(m)] = v.context->usableBest(m, v.time);
            w[size_t(m)] = v.context->weightedBest(m, v.time);
        };
        rank(model);
        for (int r : v.resident)
            rank(r);
        const std::int64_t now = v.index;
        return rankedMiss(v, model, [&](int a, int b) {
            if (m_capped && k[size_t(a)] != k[size_t(b)])
                return k[size_t(a)] < k[size_t(b)];
            if (w[size_t(a)] != w[size_t(b)])
                return w[size_t(a)] < w[size_t(b)];
            const std::int64_t la = a == model ? now : m_lastUse[size_t(a)];
            const std::int64_t lb = b == model ? now : m_lastUse[size_t(b)];
            return la < lb;
        });
    }

private:
    bool m_capped;
};

// Greedy-Dual-Size-Frequency (Cherkasova 1998): priority L + frequency * miss cost / size, the
// frequency counted since the model was loaded, L the priority of the last evicted model.
class GdsfPolicy : public CachePolicy
{
public:
    QString name() const override { return QStringLiteral("GDSF"); }
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &) override
    {
        m_freq.assign(s.models.size(), 0);
        m_priority.assign(s.models.size(), 0);
        m_inflation = 0;
    }
    void onRequest(const CacheView &v, int model, CacheOutcome o) override
    {
        if (o == CacheOutcome::Offloaded)
            return;
        const size_t m = size_t(model);
        m_freq[m] = o == CacheOutcome::Loaded ? 1 : m_freq[m] + 1;
        const CachedModelSpec &spec = v.spec(model);
        m_priority[m] = m_inflation + m_freq[m] * loadCost(*v.system, spec).system() / spec.sizeGb;
    }
    void onEvict(const CacheView &, int model) override
    {
        m_inflation = std::max(m_inflation, m_priority[size_t(model)]);
    }

protected:
    int victim(const CacheView &, int, const std::vector<int> &c) override
    {
        return *std::min_element(c.begin(), c.end(), [&](int a, int b) {
            return m_priority[size_t(a)] < m_priority[size_t(b)];
        });
    }

private:
    std::vector<double> m_freq, m_priority;
    double m_inflation = 0;
};

// What serving `model` at the edge instead of the cloud saves per request, with K examples.
double edgeSaving(const CacheSystem &s, int model, double k)
{
    const CachedModelSpec &m = s.models[size_t(model)];
    return cloudCost(s, m).system() - edgeCost(s, m, k).system();
}

// The context a model settles at when it gets `perSecond` requests a second at the edge:
// the integral of the example weight, decay^(a/step) over a >= 0, is step / -ln(decay).
double steadyContext(const CacheSystem &s, const AgeOfContext &ctx, int model, double perSecond,
                     double time)
{
    const double window = s.models[size_t(model)].contextWindow;
    const double d = s.aoc.decayPerStep;
    double k = window;
    if (d < 1)
        k = d <= 0 ? std::min(window, 1.0) : perSecond * s.aoc.stepS / -std::log(d);
    return std::min(window, std::max(k, ctx.usableNow(model, time)));
}

// The decision both value policies share: load `model` if what it gains over the horizon
// (requests * saving - load cost) exceeds what the evicted models lose (their savings over the
// horizon: an evicted model is counted as served from the cloud, not reloaded, which keeps the
// decision from trading models back and forth). Victims: least loss per GB first, then the farthest
// next use (`distance`, larger first).
template <typename Loss, typename Distance>
MissDecision valueDecision(const CacheView &v, int model, double gain, Loss loss, Distance distance)
{
    if (gain <= 0)
        return {false, {}};
    struct Candidate
    {
        int model;
        double loss, density, distance;
    };
    std::vector<Candidate> c;
    for (int r : v.resident) {
        const double l = loss(r);
        c.push_back({r, l, l / v.spec(r).sizeGb, distance(r)});
    }
    std::sort(c.begin(), c.end(), [](const Candidate &a, const Candidate &b) {
        if (a.density != b.density)
            return a.density < b.density;
        if (a.distance != b.distance)
            return a.distance > b.distance;
        return a.model < b.model;
    });
    MissDecision d;
    double need = v.spec(model).sizeGb - v.freeGb();
    double lost = 0;
    for (const Candidate &x : c) {
        if (need <= 1e-9)
            break;
        d.victims.push_back(x.model);
        need -= v.spec(x.model).sizeGb;
        lost += x.loss;
    }
    d.load = need <= 1e-9 && gain > lost;
    if (!d.load)
        d.victims.clear();
    return d;
}

// Oracle: offline, sees the whole trace. Counts each model's requests in the next `horizon`
// requests and decides as valueDecision with those true counts; ties by Belady's farthest next
// use. A strong reference, not a proven optimum (the problem with sizes and load costs is
// NP-hard; docs/caching.md).
class OraclePolicy : public CachePolicy
{
public:
    explicit OraclePolicy(double horizon)
        : m_horizon(std::max<std::int64_t>(1, std::int64_t(horizon)))
    {}
    QString name() const override { return QStringLiteral("Oracle"); }
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &trace) override
    {
        m_uses.assign(s.models.size(), {});
        for (size_t i = 0; i < trace.size(); ++i)
            m_uses[size_t(trace[i].model)].push_back(std::int64_t(i));
    }
    MissDecision onMiss(const CacheView &v, int model) override
    {
        const std::int64_t i = v.index;
        const std::int64_t end = std::min<std::int64_t>(i + m_horizon, v.trace->size());
        const double span = std::max(1e-9, (*v.trace)[size_t(end - 1)].time - v.time);
        const auto saving = [&](int m, std::int64_t n) {
            return edgeSaving(*v.system, m,
                              steadyContext(*v.system, *v.context, m, n / span, v.time));
        };
        const std::int64_t nm = count(model, i, end);
        const double gain = nm * saving(model, nm) - loadCost(*v.system, v.spec(model)).system();
        return valueDecision(
            v, model, gain,
            [&](int r) {
                const std::int64_t n = count(r, i + 1, end);
                return n * std::max(0.0, saving(r, n));
            },
            [&](int r) { return double(nextUse(r, i + 1)); });
    }

private:
    std::int64_t count(int m, std::int64_t from, std::int64_t to) const
    {
        const auto &u = m_uses[size_t(m)];
        return std::lower_bound(u.begin(), u.end(), to) -
               std::lower_bound(u.begin(), u.end(), from);
    }
    std::int64_t nextUse(int m, std::int64_t from) const
    {
        const auto &u = m_uses[size_t(m)];
        const auto it = std::lower_bound(u.begin(), u.end(), from);
        return it == u.end() ? std::numeric_limits<std::int64_t>::max() : *it;
    }

    std::int64_t m_horizon;
    std::vector<std::vector<std::int64_t>> m_uses;
};

// Optimal: replays the exact offline optimum (CacheOptimum.h): on a miss it loads the model,
// evicting what the optimal schedule no longer holds, or offloads the request, as the schedule
// does. A reference for the least cost any policy can reach on the trace, not a policy an edge
// can run (it reads the whole trace, and its search grows as 2^models).
class OptimalPolicy : public CachePolicy
{
public:
    QString name() const override { return QStringLiteral("Optimal"); }
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &trace) override
    {
        const Result<OptimalSchedule> schedule = optimalCacheSchedule(s, trace);
        m_after = schedule ? schedule->residentAfter : std::vector<std::uint32_t>{};
    }
    MissDecision onMiss(const CacheView &v, int model) override
    {
        if (v.index < 0 || size_t(v.index) >= m_after.size()) // too many models: nothing known
            return {false, {}};
        const std::uint32_t after = m_after[size_t(v.index)];
        if (!(after & (1u << model)))
            return {false, {}};
        MissDecision d;
        for (int r : v.resident)
            if (!(after & (1u << r)))
                d.victims.push_back(r);
        return d;
    }

private:
    std::vector<std::uint32_t> m_after;
};

// LC with the admission of FIFO and Random (`LC-always`, for comparison only; docs/caching.md):
// every miss for a model that fits is loaded, evicting the resident models with the least
// context (the ranking of LC) until it fits.
class LcAlwaysPolicy : public RecencyBase
{
public:
    QString name() const override { return QStringLiteral("LC-always"); }

protected:
    int victim(const CacheView &v, int, const std::vector<int> &c) override
    {
        return *std::min_element(c.begin(), c.end(), [&](int a, int b) {
            const double wa = v.context->weightedBest(a, v.time);
            const double wb = v.context->weightedBest(b, v.time);
            if (wa != wb)
                return wa < wb;
            return m_lastUse[size_t(a)] < m_lastUse[size_t(b)];
        });
    }
};

// CVA (Context-Value with Admission), the proposed policy: the Oracle's decision with the
// future replaced by an estimate. Each model's request rate is a count decayed with a half-life
// of `rateHalfLifeRequests`; its saving per request uses the context it holds or will settle at
// (Age of Context); load cost and size enter through valueDecision. A model whose expected
// gain does not beat what it would evict is served from the cloud (admission).
class CvaPolicy : public CachePolicy
{
public:
    explicit CvaPolicy(const PolicyParams &p)
        : m_horizon(std::max(1.0, p.horizonRequests))
        , m_gamma(std::pow(0.5, 1.0 / std::max(1.0, p.rateHalfLifeRequests)))
    {}
    QString name() const override { return QStringLiteral("CVA"); }
    bool proposed() const override { return true; }
    void prepare(const CacheSystem &s, const std::vector<CacheRequest> &) override
    {
        m_count.assign(s.models.size(), 0);
        m_at.assign(s.models.size(), 0);
        m_started = false; // the clock starts at the first request it sees (a live cache has
                           // no trace: EdgeModelCache)
    }
    MissDecision onMiss(const CacheView &v, int model) override
    {
        start(v.time);
        const double elapsed = v.time - m_start;
        const double perS = elapsed > 0 ? double(v.index + 1) / elapsed : 1.0;
        const auto rate = [&](int m) { // requests per request, this one included for `model`
            return (decayedCount(m, v.index) + (m == model ? 1 : 0)) * (1 - m_gamma);
        };
        const auto saving = [&](int m) {
            return edgeSaving(*v.system, m,
                              steadyContext(*v.system, *v.context, m, rate(m) * perS, v.time));
        };
        const double gain =
            rate(model) * m_horizon * saving(model) - loadCost(*v.system, v.spec(model)).system();
        return valueDecision(
            v, model, gain, [&](int r) { return rate(r) * m_horizon * std::max(0.0, saving(r)); },
            [&](int r) { return -rate(r); });
    }
    void onRequest(const CacheView &v, int model, CacheOutcome) override
    {
        start(v.time);
        m_count[size_t(model)] = decayedCount(model, v.index) + 1;
        m_at[size_t(model)] = v.index;
    }

private:
    double decayedCount(int m, std::int64_t index) const
    {
        const double c = m_count[size_t(m)];
        return c == 0 ? 0 : c * std::pow(m_gamma, double(index - m_at[size_t(m)]));
    }

    void start(double time)
    {
        if (!m_started)
            m_start = time;
        m_started = true;
    }

    double m_horizon;
    double m_gamma;
    double m_start = 0;
    bool m_started = false;
    std::vector<double> m_count;
    std::vector<std::int64_t> m_at;
};

} // namespace

QStringList cachePolicyNames()
{
    return {QStringLiteral("LC"),     QStringLiteral("LFU"),    QStringLiteral("FIFO"),
            QStringLiteral("Random"), QStringLiteral("Cloud"),  QStringLiteral("LRU"),
            QStringLiteral("GDSF"),   QStringLiteral("Oracle"), QStringLiteral("CVA")};
}

std::unique_ptr<CachePolicy> makeCachePolicy(const QString &name, const PolicyParams &p)
{
    const QString n = name.toLower();
    if (n == QLatin1String("lc"))
        return std::make_unique<LcPolicy>();
    if (n == QLatin1String("lc-capped"))
        return std::make_unique<LcPolicy>(true);
    if (n == QLatin1String("lc-always"))
        return std::make_unique<LcAlwaysPolicy>();
    if (n == QLatin1String("optimal"))
        return std::make_unique<OptimalPolicy>();
    if (n == QLatin1String("lfu"))
        return std::make_unique<LfuPolicy>();
    if (n == QLatin1String("fifo"))
        return std::make_unique<FifoPolicy>();
    if (n == QLatin1String("random"))
        return std::make_unique<RandomPolicy>(p.seed);
    if (n == QLatin1String("cloud"))
        return std::make_unique<CloudPolicy>();
    if (n == QLatin1String("lru"))
        return std::make_unique<LruPolicy>();
    if (n == QLatin1String("gdsf"))
        return std::make_unique<GdsfPolicy>();
    if (n == QLatin1String("oracle"))
        return std::make_unique<OraclePolicy>(p.oracleHorizonRequests);
    if (n == QLatin1String("cva"))
        return std::make_unique<CvaPolicy>(p);
    return nullptr;
}

} // namespace edgegpt::cache
