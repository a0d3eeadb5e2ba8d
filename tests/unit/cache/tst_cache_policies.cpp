// The cache policies on short traces worked out by hand, the simulator's accounting, and
// determinism (docs/caching.md).
#include "core/cache/CacheOptimum.h"
#include "core/cache/CacheSimulator.h"

#include <QTest>

#include <cmath>

using namespace edgegpt::cache;
using edgegpt::Result;

namespace {

// Models whose costs are easy to add up: a request costs 1 at the edge and 5 in the cloud, a
// load 10; no accuracy or transmission part (a0 = amax, no payload, no round trips).
CacheSystem simpleSystem(std::vector<double> sizes, double memoryGb)
{
    CacheSystem s;
    s.memoryGb = memoryGb;
    s.weights = {1, 1, 1, 1};
    s.network = {0, 1e9, 0, 1e9};
    s.aoc.stepS = 1;
    s.aoc.decayPerStep = 0.5;
    s.aoc.otherTopicRelevance = 0.25;
    for (size_t i = 0; i < sizes.size(); ++i) {
        CachedModelSpec m;
        m.name = QString(QChar(QLatin1Char('A' + char(i))));
        m.sizeGb = sizes[i];
        m.loadTimeS = 10;
        m.edgeLatencyS = 1;
        m.cloudLatencyS = 2;
        m.cloudPriceUsd = 3;
        m.accuracyZeroShot = m.accuracyMax = 0.5;
        m.fewShotBeta = 1;
        m.contextWindow = 8;
        s.models.push_back(m);
    }
    return s;
}

// "ABAC…" at times 0, 1, 2, …
std::vector<CacheRequest> trace(const char *models)
{
    std::vector<CacheRequest> t;
    for (int i = 0; models[i]; ++i)
        t.push_back({double(i), models[i] - 'A', 0});
    return t;
}

CacheRunResult run(const QString &policy, const CacheSystem &s, const std::vector<CacheRequest> &t,
                   PolicyParams params = {})
{
    std::unique_ptr<CachePolicy> p = makeCachePolicy(policy, params);
    if (!p)
        qFatal("unknown policy");
    return simulateCache(s, t, *p);
}

struct Expected
{
    double system;
    std::int64_t loads, evictions, hits, edgeRuns;
};

// The least total cost over every decision sequence the simulator allows (each miss: offload,
// or load after evicting any resident models so that the rest and it fit), by brute force.
double bruteForceOptimum(const CacheSystem &s, const std::vector<CacheRequest> &t,
                         const std::vector<double> &edge, size_t i, std::uint32_t resident)
{
    if (i == t.size())
        return 0;
    const int m = t[i].model;
    const std::uint32_t bit = 1u << m;
    const CachedModelSpec &spec = s.models[size_t(m)];
    if (resident & bit)
        return edge[i] + bruteForceOptimum(s, t, edge, i + 1, resident);
    double best = cloudCost(s, spec).system() + bruteForceOptimum(s, t, edge, i + 1, resident);
    for (std::uint32_t keep = resident;; keep = (keep - 1) & resident) {
        double gb = spec.sizeGb;
        for (size_t b = 0; b < s.models.size(); ++b)
            if (keep & (1u << b))
                gb += s.models[b].sizeGb;
        if (gb <= s.memoryGb + 1e-9)
            best = std::min(best, loadCost(s, spec).system() + edge[i] +
                                      bruteForceOptimum(s, t, edge, i + 1, keep | bit));
        if (keep == 0)
            break;
    }
    return best;
}

void check(const CacheRunResult &r, const Expected &e)
{
    QCOMPARE(r.total.system(), e.system);
    QCOMPARE(r.loads, e.loads);
    QCOMPARE(r.evictions, e.evictions);
    QCOMPARE(r.hits, e.hits);
    QCOMPARE(r.edgeRuns, e.edgeRuns);
}

} // namespace

class TestCachePolicies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names()
    {
        const QStringList names = cachePolicyNames();
        QCOMPARE(names.size(), 9);
        int proposed = 0;
        for (const QString &n : names) {
            std::unique_ptr<CachePolicy> p = makeCachePolicy(n.toUpper());
            QVERIFY2(p, qPrintable(n));
            QCOMPARE(p->name(), n);
            proposed += p->proposed();
        }
        QCOMPARE(proposed, 1);
        QVERIFY(makeCachePolicy(QStringLiteral("CVA"))->proposed());
        QVERIFY(!makeCachePolicy(QStringLiteral("belady")));
    }

    // Two slots of 1 GB, trace A B A C A B.
    void fifo()
    {
        // A, B loaded; A hit; C evicts A (first in); A evicts B; B evicts C.
        check(run(QStringLiteral("FIFO"), simpleSystem({1, 1, 1}, 2), trace("ABACAB")),
              {5 * 11 + 1, 5, 3, 1, 6});
    }

    void lru()
    {
        // C evicts B (A used at 2); A hits; B evicts C (used at 3, A at 4).
        check(run(QStringLiteral("LRU"), simpleSystem({1, 1, 1}, 2), trace("ABACAB")),
              {4 * 11 + 2, 4, 2, 2, 6});
    }

    void cloud()
    {
        check(run(QStringLiteral("Cloud"), simpleSystem({1, 1, 1}, 2), trace("ABACAB")),
              {6 * 5, 0, 0, 0, 0});
    }

    void randomWithOneSlot()
    {
        // With room for one model there is one candidate: every miss evicts it.
        check(run(QStringLiteral("Random"), simpleSystem({1, 1}, 1), trace("ABAB")),
              {4 * 11, 4, 3, 0, 4});
    }

    void randomIsSeeded()
    {
        const CacheSystem s = simpleSystem({1, 1, 1, 1, 1}, 3);
        TraceParams tp;
        tp.requests = 3000;
        const std::vector<CacheRequest> t = generateTrace(tp, 5);
        PolicyParams p;
        p.seed = 3;
        const CacheRunResult a = run(QStringLiteral("Random"), s, t, p);
        const CacheRunResult b = run(QStringLiteral("Random"), s, t, p);
        QCOMPARE(a.total.system(), b.total.system());
        QCOMPARE(a.evictions, b.evictions);
        p.seed = 4;
        const CacheRunResult c = run(QStringLiteral("Random"), s, t, p);
        QVERIFY(a.total.system() != c.total.system());
    }

    void lfu()
    {
        // Counts include the current request; ties go to the more recent (the requested one).
        // A B loaded; A hit (A2 B1); C (1, now) beats B (1, used at 1): evicts B; C hits
        // twice (C3); B (2, now) beats A (2, used at 2): evicts A.
        check(run(QStringLiteral("LFU"), simpleSystem({1, 1, 1}, 2), trace("ABACCCB")),
              {4 * 11 + 3, 4, 2, 3, 7});
    }

    void leastContext()
    {
        // Decay 0.5 per second, one topic; every request leaves an example.
        // t3 C: A 1.25*0.5 = 0.625, B 0.25, C 0 -> C ranks below: cloud (5); C now 1@3.
        // t4 C: A 0.3125, B 0.125, C 0.5 -> evicts B, loads C. t5 C hits.
        // t6 B: A 1.25/16 = 0.078, C 0.875, B 1/32 = 0.031 -> cloud (5).
        check(run(QStringLiteral("LC"), simpleSystem({1, 1, 1}, 2), trace("ABACCCB")),
              {11 + 11 + 1 + 5 + 11 + 1 + 5, 3, 1, 2, 5});
    }

    void gdsf()
    {
        // Sizes A 1, B 2, C 1 GB in 3 GB; priority = L + frequency * 10 / size.
        // A 10, B 5; C evicts B (L = 5), C = 15; B needs 2 GB: evicts A (10), B = 15.
        check(run(QStringLiteral("GDSF"), simpleSystem({1, 2, 1}, 3), trace("ABCB")),
              {4 * 11, 4, 2, 0, 4});
        // LRU on the same trace evicts A for C and then hits B.
        check(run(QStringLiteral("LRU"), simpleSystem({1, 2, 1}, 3), trace("ABCB")),
              {3 * 11 + 1, 3, 1, 1, 4});
    }

    void oracle()
    {
        // It knows the future: A is used 4 times (4 * (5 - 1) - 10 > 0): loaded; B and C once
        // each (4 - 10 < 0): the cloud serves them even with memory free.
        check(run(QStringLiteral("Oracle"), simpleSystem({1, 1, 1}, 2), trace("ABCAAA")),
              {11 + 5 + 5 + 3, 1, 0, 3, 4});
        // One slot. B four times: gain 16 - 10 = 6 beats A's one later request (4): B evicts A,
        // and A's last request goes to the cloud.
        check(run(QStringLiteral("Oracle"), simpleSystem({1, 1}, 1), trace("AAABBBBA")),
              {11 + 2 + 11 + 3 + 5, 2, 1, 5, 7});
        // B three times: gain 12 - 10 = 2 loses to A's two later requests (8): B goes to the cloud.
        check(run(QStringLiteral("Oracle"), simpleSystem({1, 1}, 1), trace("AAAABBBAA")),
              {11 + 3 + 15 + 2, 1, 0, 5, 6});
    }

    void proposedAdmission()
    {
        // A and B alternate twenty times, then C comes once: CVA serves it from the cloud
        // instead of evicting a warm model; LRU evicts.
        std::string s;
        for (int i = 0; i < 20; ++i)
            s += "AB";
        std::string once = s + "C" + "AB";
        const CacheSystem sys = simpleSystem({1, 1, 1}, 2);
        const CacheRunResult cva = run(QStringLiteral("CVA"), sys, trace(once.c_str()));
        QCOMPARE(cva.loads, std::int64_t(2));
        QCOMPARE(cva.evictions, std::int64_t(0));
        QCOMPARE(cva.edgeRuns, std::int64_t(once.size() - 1));
        const CacheRunResult lru = run(QStringLiteral("LRU"), sys, trace(once.c_str()));
        QVERIFY(lru.evictions >= 2);
        QVERIFY(cva.total.system() < lru.total.system());
        // When C becomes the busy model it is loaded (once) and stays.
        std::string shift = s + std::string(60, 'C');
        const CacheRunResult later = run(QStringLiteral("CVA"), sys, trace(shift.c_str()));
        QCOMPARE(later.loads, std::int64_t(3));
        QCOMPARE(later.evictions, std::int64_t(1));
        QVERIFY(later.edgeRuns > std::int64_t(shift.size()) - 20);
    }

    void optimal()
    {
        // By hand, one slot, A A A B B B B A: load A (11) + 2 hits, load B evicting A (11) + 3
        // hits, A from the cloud (5) = 32; keeping A and sending B to the cloud costs 34.
        check(run(QStringLiteral("Optimal"), simpleSystem({1, 1}, 1), trace("AAABBBBA")),
              {11 + 2 + 11 + 3 + 5, 2, 1, 5, 7});
        // B and C once each: the cloud (5 < 11) even with memory free.
        check(run(QStringLiteral("Optimal"), simpleSystem({1, 1, 1}, 2), trace("ABCAAA")),
              {11 + 5 + 5 + 3, 1, 0, 3, 4});

        // Against brute force on short traces with context, accuracy and unequal sizes: the
        // schedule's cost is the least there is, and replaying it costs exactly that.
        CacheSystem sys = simpleSystem({1, 2, 1, 1}, 3);
        for (size_t i = 0; i < sys.models.size(); ++i) {
            sys.models[i].accuracyZeroShot = 0.2;
            sys.models[i].accuracyMax = 0.9;
            sys.models[i].fewShotBeta = 0.5 + 0.3 * double(i);
            sys.models[i].loadTimeS = 2 + 3 * double(i);
        }
        sys.weights.perAccuracy = 10;
        for (std::uint64_t seed = 1; seed <= 6; ++seed) {
            TraceParams tp;
            tp.requests = 9;
            tp.seed = seed;
            tp.ratePerS = 0.5;
            tp.zipfS = 0.5;
            const std::vector<CacheRequest> t = generateTrace(tp, 4);
            std::vector<double> edge;
            AgeOfContext ctx(sys.aoc, sys.models);
            for (const CacheRequest &q : t) {
                edge.push_back(
                    edgeCost(sys, sys.models[size_t(q.model)], ctx.usable(q.model, q.topic, q.time))
                        .system());
                ctx.addExample(q.model, q.topic, q.time);
            }
            const double brute = bruteForceOptimum(sys, t, edge, 0, 0);
            const Result<OptimalSchedule> schedule = optimalCacheSchedule(sys, t);
            QVERIFY(schedule.ok());
            QVERIFY2(std::abs(schedule->totalCost - brute) < 1e-9,
                     qPrintable(QStringLiteral("seed %1: %2 vs %3")
                                    .arg(seed)
                                    .arg(schedule->totalCost)
                                    .arg(brute)));
            const CacheRunResult replay = run(QStringLiteral("Optimal"), sys, t);
            QVERIFY(std::abs(replay.total.system() - brute) < 1e-9);
            for (const QString &p : cachePolicyNames())
                QVERIFY(run(p, sys, t).total.system() >= brute - 1e-9);
        }

        // Longer than one checkpoint segment (1024 requests), on the default models: the replay
        // costs what the search found, and no policy costs less.
        const Result<CacheSystem> d = defaultCacheSystem();
        TraceParams tp;
        tp.requests = 3000;
        tp.seed = 5;
        const std::vector<CacheRequest> t = generateTrace(tp, int(d->models.size()));
        const Result<OptimalSchedule> schedule = optimalCacheSchedule(*d, t);
        QVERIFY(schedule.ok());
        const CacheRunResult replay = run(QStringLiteral("Optimal"), *d, t);
        QVERIFY(std::abs(replay.total.system() - schedule->totalCost) < 1e-9 * schedule->totalCost);
        for (const QString &p : cachePolicyNames())
            QVERIFY2(run(p, *d, t).total.system() >= schedule->totalCost * (1 - 1e-12),
                     qPrintable(p));

        // The search grows as 2^models: more than maxOptimalModels is refused.
        const Result<OptimalSchedule> big = optimalCacheSchedule(
            simpleSystem(std::vector<double>(size_t(maxOptimalModels + 1), 1.0), 2), trace("AB"));
        QVERIFY(!big.ok());
        QVERIFY(big.error().contains(QStringLiteral("at most")));
    }

    void leastContextAlwaysLoading()
    {
        // LC's ranking with FIFO's admission: t3 C evicts B (A 0.625, B 0.25) although C has
        // no context yet; t6 B evicts A (A 0.078 < C 0.875).
        check(run(QStringLiteral("LC-always"), simpleSystem({1, 1, 1}, 2), trace("ABACCCB")),
              {11 + 11 + 1 + 11 + 1 + 1 + 11, 4, 2, 3, 7});
    }

    void modelLargerThanMemoryGoesToCloud()
    {
        for (const QString &p : cachePolicyNames()) {
            const CacheRunResult r = run(p, simpleSystem({1, 5}, 2), trace("BBB"));
            QCOMPARE(r.loads, std::int64_t(0));
            QCOMPARE(r.total.system(), 15.0);
        }
    }

    void accountingAndPartsSum()
    {
        const Result<CacheSystem> s = defaultCacheSystem();
        QVERIFY(s.ok());
        TraceParams tp;
        tp.requests = 20000;
        const std::vector<CacheRequest> t = generateTrace(tp, int(s->models.size()));
        for (const QString &p : cachePolicyNames()) {
            const CacheRunResult r = run(p, *s, t);
            QCOMPARE(r.requests, std::int64_t(t.size()));
            const CostParts m = r.mean();
            const double parts =
                m.switching + m.accuracy + m.inferenceLatency + m.transmissionLatency + m.cloud;
            QVERIFY(std::abs(parts - m.system()) < 1e-9);
            QVERIFY(std::abs(m.system() * double(r.requests) - r.total.system()) <
                    1e-6 * r.total.system());
            QVERIFY(r.hits <= r.edgeRuns && r.edgeRuns <= r.requests);
            QCOMPARE(r.edgeRuns - r.hits, r.loads);
            QVERIFY(r.evictions <= r.loads);
            QVERIFY(std::abs(r.cumulative.back().y() - r.total.system()) < 1e-6);
            for (size_t i = 1; i < r.cumulative.size(); ++i)
                QVERIFY(r.cumulative[i].y() >= r.cumulative[i - 1].y());
            if (p == QLatin1String("Cloud"))
                QCOMPARE(r.edgeRuns, std::int64_t(0));
        }
    }

    void deterministicAndIndependentOfThreads()
    {
        const Result<CacheSystem> s = defaultCacheSystem();
        TraceParams tp;
        tp.requests = 30000;
        tp.seed = 11;
        const std::vector<CacheRequest> t = generateTrace(tp, int(s->models.size()));
        PolicyParams pp;
        pp.seed = 11;
        const std::vector<CacheRunResult> one =
            simulateCachePolicies(*s, t, cachePolicyNames(), pp, 1);
        const std::vector<CacheRunResult> two =
            simulateCachePolicies(*s, t, cachePolicyNames(), pp, 2);
        QCOMPARE(one.size(), size_t(9));
        QCOMPARE(two.size(), size_t(9));
        for (size_t i = 0; i < one.size(); ++i) {
            QCOMPARE(one[i].policy, cachePolicyNames()[qsizetype(i)]);
            QCOMPARE(two[i].policy, one[i].policy);
            QCOMPARE(two[i].total.system(), one[i].total.system());
            QCOMPARE(two[i].loads, one[i].loads);
            QCOMPARE(two[i].hits, one[i].hits);
        }
        // Running one policy alone gives what it gave among the others.
        const std::vector<CacheRunResult> alone =
            simulateCachePolicies(*s, t, {QStringLiteral("LC")}, pp, 1);
        QCOMPARE(alone.front().total.system(), one.front().total.system());
    }

    void papersOrderingOnTheDefaultTrace()
    {
        // The bench's default: 100 000 requests, seed 1 (docs/benchmarks.md).
        const Result<CacheSystem> s = defaultCacheSystem();
        const std::vector<CacheRequest> t = generateTrace(TraceParams{}, int(s->models.size()));
        const std::vector<CacheRunResult> r =
            simulateCachePolicies(*s, t, cachePolicyNames(), PolicyParams{}, 2);
        const auto cost = [&](const char *name) {
            for (const CacheRunResult &x : r)
                if (x.policy == QLatin1String(name))
                    return x.mean().system();
            return -1.0;
        };
        QVERIFY(cost("LC") < cost("LFU"));
        QVERIFY(cost("LFU") < cost("Cloud"));
        QVERIFY(cost("Cloud") < cost("Random"));
        QVERIFY(cost("Cloud") < cost("FIFO"));
        QVERIFY(cost("LC") < cost("LRU"));
        QVERIFY(cost("CVA") <= 1.15 * cost("Oracle"));
        // The exact optimum is below every policy, and only a little below LC (docs/caching.md).
        const std::vector<CacheRunResult> optimal =
            simulateCachePolicies(*s, t, {QStringLiteral("Optimal")}, PolicyParams{}, 1);
        QCOMPARE(optimal.size(), size_t(1));
        for (const CacheRunResult &x : r)
            QVERIFY2(optimal.front().mean().system() <= x.mean().system(), qPrintable(x.policy));
        QVERIFY(optimal.front().mean().system() > 0.9 * cost("LC"));
    }
};

QTEST_APPLESS_MAIN(TestCachePolicies)
#include "tst_cache_policies.moc"
