// EdgeModelCache, the live cache's seam: real callbacks for loads and releases under a budget,
// errors, a failing load, context per model.
#include "core/cache/EdgeModelCache.h"

#include <QTest>

using namespace edgegpt::cache;
using edgegpt::Result;

namespace {

std::vector<EdgeCacheModel> threeModels()
{
    std::vector<EdgeCacheModel> m(3);
    m[0].name = QStringLiteral("cnn");
    m[1].name = QStringLiteral("resnet");
    m[2].name = QStringLiteral("bottleneck");
    for (EdgeCacheModel &x : m) {
        x.sizeMb = 100;
        x.loadTimeS = 0.5;
        x.edgeLatencyS = 0.01;
        x.cloudLatencyS = 0.05;
    }
    return m;
}

struct Log
{
    QStringList events;
    QStringList failing;
};

std::unique_ptr<EdgeModelCache> make(const QString &policy, Log *log, double budgetMb = 250)
{
    auto c = EdgeModelCache::create(
        budgetMb, policy, threeModels(),
        [log](const QString &m) -> Result<void> {
            if (log->failing.contains(m))
                return Result<void>::failure(QStringLiteral("%1: no such file").arg(m));
            log->events << QStringLiteral("load ") + m;
            return Result<void>::success();
        },
        [log](const QString &m) { log->events << QStringLiteral("release ") + m; });
    return c ? std::move(*c) : nullptr;
}

} // namespace

class TestEdgeModelCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roomForTwoRequestsForThree()
    {
        Log log;
        auto c = make(QStringLiteral("LRU"), &log);
        QVERIFY(c);
        QCOMPARE(c->policyName(), QStringLiteral("LRU"));
        QCOMPARE(c->budgetMb(), 250.0);
        QCOMPARE(c->request(QStringLiteral("cnn"), 0, 0).action, EdgeCacheAction::Loaded);
        QCOMPARE(c->request(QStringLiteral("resnet"), 0, 1).action, EdgeCacheAction::Loaded);
        QCOMPARE(c->request(QStringLiteral("cnn"), 0, 2).action, EdgeCacheAction::Hit);
        QCOMPARE(c->usedMb(), 200.0);
        // The third model: LRU releases resnet (cnn was used later) before loading it.
        const EdgeCacheDecision d = c->request(QStringLiteral("bottleneck"), 0, 3);
        QCOMPARE(d.action, EdgeCacheAction::Loaded);
        QCOMPARE(d.evicted, QStringList{QStringLiteral("resnet")});
        QCOMPARE(log.events,
                 (QStringList{"load cnn", "load resnet", "release resnet", "load bottleneck"}));
        QCOMPARE(c->resident(), (QStringList{"cnn", "bottleneck"}));
        QCOMPARE(c->requests(), std::int64_t(4));
        QCOMPARE(c->hits(), std::int64_t(1));
        QCOMPARE(c->loads(), std::int64_t(3));
        QCOMPARE(c->evictions(), std::int64_t(1));
        QCOMPARE(c->hitRatio(), 0.25);
        QVERIFY(c->usedMb() <= c->budgetMb());
    }

    void leastContextKeepsTheBusyModels()
    {
        Log log;
        auto c = make(QStringLiteral("lc"), &log);
        QVERIFY(c);
        double t = 0;
        for (int i = 0; i < 5; ++i) {
            c->request(QStringLiteral("cnn"), 0, t++);
            c->request(QStringLiteral("resnet"), 0, t++);
        }
        // One request for a model with no context: LC serves it from the cloud.
        const EdgeCacheDecision d = c->request(QStringLiteral("bottleneck"), 0, t++);
        QCOMPARE(d.action, EdgeCacheAction::Offload);
        QVERIFY(d.evicted.isEmpty());
        QCOMPARE(c->evictions(), std::int64_t(0));
        QVERIFY(c->usableContext(QStringLiteral("cnn"), t) > 1);
        QVERIFY(c->usableContext(QStringLiteral("bottleneck"), t) <= 1);
        QVERIFY(c->usableContext(QStringLiteral("unknown"), t) == 0);
    }

    void failingLoadIsOffloaded()
    {
        Log log;
        log.failing << QStringLiteral("resnet");
        auto c = make(QStringLiteral("FIFO"), &log);
        const EdgeCacheDecision d = c->request(QStringLiteral("resnet"), 0, 0);
        QCOMPARE(d.action, EdgeCacheAction::Offload);
        QCOMPARE(d.error, QStringLiteral("resnet: no such file"));
        QVERIFY(!c->isResident(QStringLiteral("resnet")));
        QCOMPARE(c->usedMb(), 0.0);
        QCOMPARE(c->loads(), std::int64_t(0));
    }

    void tooBigOrUnknownIsOffloaded()
    {
        Log log;
        auto c = make(QStringLiteral("CVA"), &log, 50);
        QCOMPARE(c->request(QStringLiteral("cnn"), 0, 0).action, EdgeCacheAction::Offload);
        QCOMPARE(c->request(QStringLiteral("gpt"), 0, 1).action, EdgeCacheAction::Offload);
        QVERIFY(log.events.isEmpty());
    }

    void errors()
    {
        Log log;
        auto r = EdgeModelCache::create(100, QStringLiteral("belady"), threeModels(), {}, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QLatin1String("unknown cache policy \"belady\"")));
        r = EdgeModelCache::create(100, QStringLiteral("Oracle"), threeModels(), {}, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QLatin1String("simulator")));
        r = EdgeModelCache::create(100, QStringLiteral("optimal"), threeModels(), {}, {});
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QLatin1String("Optimal policy needs the future")));
        std::vector<EdgeCacheModel> twice = threeModels();
        twice[1].name = twice[0].name;
        r = EdgeModelCache::create(100, QStringLiteral("LRU"), twice, {}, {});
        QVERIFY(!r.ok());
        r = EdgeModelCache::create(-1, QStringLiteral("LRU"), threeModels(), {}, {});
        QVERIFY(!r.ok());
    }

    void everyOnlinePolicyStaysWithinBudget()
    {
        for (const QString &p : cachePolicyNames()) {
            if (p == QLatin1String("Oracle"))
                continue;
            Log log;
            auto c = make(p, &log);
            QVERIFY2(c, qPrintable(p));
            const char *names[] = {"cnn", "resnet", "bottleneck"};
            std::uint64_t x = 12345;
            for (int i = 0; i < 500; ++i) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                c->request(QString::fromLatin1(names[(x >> 33) % 3]), 0, i);
                QVERIFY(c->usedMb() <= c->budgetMb() + 1e-6);
                QVERIFY(c->resident().size() <= 2);
            }
            // What the callbacks saw matches the counters.
            QCOMPARE(std::int64_t(log.events.filter(QStringLiteral("load ")).size()), c->loads());
            QCOMPARE(std::int64_t(log.events.filter(QStringLiteral("release ")).size()),
                     c->evictions());
        }
    }
};

QTEST_APPLESS_MAIN(TestEdgeModelCache)
#include "tst_edge_model_cache.moc"
