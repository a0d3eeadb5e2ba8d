// The console's view of an edge's live model cache (issue 15), offscreen: metrics-update frames as
// an edge with --cache-mb sends them (encoded to CBOR and decoded, as the metrics stream carries
// them) feed the store; the charts then show the hit ratio over time from the edge's counts, a
// mark on the latency chart for each load and eviction, and the resident models with their size
// and usable context — and an edge without a live cache shows none of it.
#include "core/metrics/MetricsStore.h"
#include "core/protocol/Messages.h"
#include "widgets/MetricsCharts.h"

#include <QCborArray>
#include <QtTest>

using namespace edgegpt;

namespace {

// One update of the stream, through its wire form.
MetricsUpdateMessage wire(const MetricsUpdateMessage &u)
{
    const Result<MetricsUpdateMessage> back = MetricsUpdateMessage::fromCbor(u.toCbor());
    return back ? *back : MetricsUpdateMessage{};
}

MetricsUpdateMessage update(qint64 t, qint64 hits, qint64 misses,
                            const QList<QPair<QString, QString>> &events,
                            const QVector<ResidentModelRecord> &resident, double usedMb)
{
    MetricsUpdateMessage u;
    u.timeMs = t;
    RequestMetrics r;
    r.requestId = quint32(t % 100000);
    r.edgeComputeMs = 2.5;
    u.requests << r;
    u.cache.hits = hits;
    u.cache.misses = misses;
    u.cache.loads = 0;
    u.cachePolicy = QStringLiteral("LRU");
    u.cacheBudgetMb = 4.5;
    u.cacheUsedMb = usedMb;
    u.cacheHitRatio = 0.5;
    for (const auto &e : events) {
        CacheEventRecord x;
        x.timeMs = t - 10;
        x.kind = e.first;
        x.model = e.second;
        x.ms = e.first == QLatin1String("load") ? 12.5 : -1;
        u.cacheEvents << x;
        u.cache.loads += e.first == QLatin1String("load");
        u.cache.evictions += e.first == QLatin1String("evict");
    }
    u.cacheResident = resident;
    return u;
}

} // namespace

class TestCacheView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theCacheViewFollowsTheStream()
    {
        MetricsStore store;
        MetricsCharts charts(&store);
        charts.resize(1200, 700);
        charts.show();
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 3000;
        const QString edge = QStringLiteral("edge-1");
        // small and medium are loaded, then small hits, then large evicts medium.
        store.pushUpdate(edge, wire(update(t0, 0, 2,
                                           {{QStringLiteral("miss"), QStringLiteral("small")},
                                            {QStringLiteral("load"), QStringLiteral("small")},
                                            {QStringLiteral("miss"), QStringLiteral("medium")},
                                            {QStringLiteral("load"), QStringLiteral("medium")}},
                                           {{QStringLiteral("small"), 0.5, 1.0},
                                            {QStringLiteral("medium"), 1.5, 1.0}},
                                           2.0)));
        store.pushUpdate(edge, wire(update(t0 + 1000, 1, 0,
                                           {{QStringLiteral("hit"), QStringLiteral("small")}},
                                           {{QStringLiteral("small"), 0.5, 2.0},
                                            {QStringLiteral("medium"), 1.5, 1.0}},
                                           2.0)));
        store.pushUpdate(edge, wire(update(t0 + 2000, 0, 1,
                                           {{QStringLiteral("miss"), QStringLiteral("large")},
                                            {QStringLiteral("evict"), QStringLiteral("medium")},
                                            {QStringLiteral("load"), QStringLiteral("large")}},
                                           {{QStringLiteral("small"), 0.5, 1.98},
                                            {QStringLiteral("large"), 3.5, 1.0}},
                                           4.0)));
        charts.redraw();

        // The hit ratio over time, per update, from the edge's own counts: 0, 1, 0.
        const QVector<QPointF> ratio = store.points(edge, MetricSeries::CacheHitRatio);
        QCOMPARE(ratio.size(), 3);
        QCOMPARE(ratio[0].y(), 0.0);
        QCOMPARE(ratio[1].y(), 1.0);
        QCOMPARE(ratio[2].y(), 0.0);
        // A mark per load (3) and per eviction (1); hits and misses are not marks.
        QCOMPARE(store.cacheMarks(edge).size(), 4);
        QCOMPARE(charts.cacheLoadMarks(), 3);
        QCOMPARE(charts.cacheEvictMarks(), 1);
        // The resident models now, with size and context.
        QCOMPARE(charts.residentModelRows(),
                 QStringList({QStringLiteral("edge-1 small 0.500 1.98"),
                              QStringLiteral("edge-1 large 3.500 1.00")}));
        QVERIFY2(charts.cacheSummary().contains(QStringLiteral("LRU")) &&
                     charts.cacheSummary().contains(QStringLiteral("4.00 of 4.50 MB")),
                 qPrintable(charts.cacheSummary()));

        // An agent without a live cache adds no rows, marks or summary line of its own.
        MetricsUpdateMessage plain;
        plain.timeMs = t0 + 2500;
        plain.cache.hits = 5;
        store.pushUpdate(QStringLiteral("edge-2"), wire(plain));
        charts.redraw();
        QCOMPARE(charts.residentModelRows().size(), 2);
        QCOMPARE(charts.cacheLoadMarks(), 3);
        QVERIFY(!charts.cacheSummary().contains(QStringLiteral("edge-2")));
        QCOMPARE(store.cacheState(QStringLiteral("edge-2")).policy, QString());

        // Clear empties the view.
        charts.clear();
        charts.redraw();
        QCOMPARE(charts.cacheLoadMarks(), 0);
        QVERIFY(charts.residentModelRows().isEmpty());
    }

    void badCacheEntriesAreRefused()
    {
        MetricsUpdateMessage u = update(1000, 1, 0, {{QStringLiteral("load"), QStringLiteral("m")}},
                                        {{QStringLiteral("m"), 1.0, 0.5}}, 1.0);
        QCborMap map = u.toCbor();
        QCborMap cache = map.value(QStringLiteral("cache")).toMap();
        cache.insert(QStringLiteral("events"), QCborArray{QCborValue(42)});
        map.insert(QStringLiteral("cache"), cache);
        const Result<MetricsUpdateMessage> bad = MetricsUpdateMessage::fromCbor(map);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("cache event")), qPrintable(bad.error()));
    }
};

QTEST_MAIN(TestCacheView)
#include "tst_cache_view.moc"
