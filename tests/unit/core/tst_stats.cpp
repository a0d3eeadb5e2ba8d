// Stats: the one median/percentile definition (linear interpolation between closest ranks).
#include "core/util/Stats.h"

#include <QTest>

using namespace edgegpt;

class TestStats : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyIsZero()
    {
        QCOMPARE(median({}), 0.0);
        QCOMPARE(percentile({}, 95), 0.0);
    }
    void singleValue()
    {
        QCOMPARE(median({7}), 7.0);
        QCOMPARE(percentile({7}, 0), 7.0);
        QCOMPARE(percentile({7}, 95), 7.0);
    }
    void medianOddAndEven()
    {
        QCOMPARE(median({5, 1, 3, 2, 4}), 3.0);
        QCOMPARE(median({4, 1, 3, 2}), 2.5); // mean of the two middle values
    }
    void interpolatesBetweenClosestRanks()
    {
        const QList<double> v{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}; // unsorted on purpose
        QCOMPARE(percentile(v, 0), 1.0);
        QCOMPARE(percentile(v, 100), 10.0);
        // h = 0.95 * 9 = 8.55: 9 + 0.55 * (10 - 9)
        QVERIFY(qAbs(percentile(v, 95) - 9.55) < 1e-12);
        // h = 0.25 * 9 = 2.25: 3 + 0.25 * (4 - 3)
        QVERIFY(qAbs(percentile(v, 25) - 3.25) < 1e-12);
        QCOMPARE(percentile({0, 100}, 30), 30.0);
    }
    void clampsP()
    {
        QCOMPARE(percentile({1, 2, 3}, -5), 1.0);
        QCOMPARE(percentile({1, 2, 3}, 250), 3.0);
    }
};

QTEST_APPLESS_MAIN(TestStats)
#include "tst_stats.moc"
