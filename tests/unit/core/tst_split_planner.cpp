// SplitPlanner and LinkRateEstimator: the expected latency adds device, link and edge time; the
// choice moves from the device to the edge as the link gets faster and the device slower; codecs
// outside the accuracy budget are never chosen; the estimator averages and says when it moved.
#include "core/placement/SplitPlanner.h"

#include <QTest>

using namespace edgegpt;

namespace {

// A profile shaped like the real one (docs/benchmarks.md): three splits, the bottleneck at fc1.
SplitProfile profile()
{
    const QByteArray json =
        R"({"format":"edgegpt-profile","version":1,"model":"cnn","baseline_accuracy":0.925,
      "splits":[
        {"name":"input","index":0,"head_ms":0,"tail_ms":1.3,"codecs":[
          {"codec":"zstd","bytes":458,"accuracy":0.925,"encode_us":100,"decode_us":2},
          {"codec":"jpeg-q50","bytes":373,"accuracy":0.911,"encode_us":20,"decode_us":5}]},
        {"name":"fc1","index":1,"head_ms":1.3,"tail_ms":0.01,"codecs":[
          {"codec":"q4-unit-z0","bytes":17,"accuracy":0.9245,"encode_us":0.1,"decode_us":0.1},
          {"codec":"q2-unit-z0","bytes":13,"accuracy":0.914,"encode_us":0.1,"decode_us":0.1}]},
        {"name":"logits","index":2,"head_ms":1.31,"tail_ms":0}]})";
    Result<SplitProfile> p = SplitProfile::fromJson(json, QStringLiteral("test"));
    if (!p)
        qFatal("%s", qPrintable(p.error()));
    return *p;
}

} // namespace

class TestSplitPlanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void expectedLatencyAddsUp()
    {
        LinkEstimate link;
        link.rateKBps = 100;
        link.roundTripMs = 2;
        link.overheadBytes = 100;
        PlacementOptions o;
        o.deviceFactor = 2;
        o.deviceCodecFactor = 3; // codecs run on the device's CPU, the model on its GPU
        o.edgeCodecFactor = 5;
        o.onlySplit = QStringLiteral("input");
        const Result<PlacementChoice> c = SplitPlanner::choose(profile(), link, o);
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->codec, QStringLiteral("zstd")); // jpeg loses 1.4 points: outside the budget
        QCOMPARE(c->deviceMs, 0.1 * 3);             // no head; 0.1 ms encoding × the codec factor
        QCOMPARE(c->transferMs, (458.0 + 100) / 100 + 2);
        QCOMPARE(c->edgeMs, 0.002 * 5 + 1.3);
        QCOMPARE(c->expectedMs, c->deviceMs + c->transferMs + c->edgeMs);
        QVERIFY(c->reason.contains(QLatin1String("100 KB/s")));
        QVERIFY(c->reason.contains(QStringLiteral("codecs ×3")));
        // At fc1 the head is model compute (× 2) and the encode codec work (× 3).
        o.onlySplit = QStringLiteral("fc1");
        const Result<PlacementChoice> f = SplitPlanner::choose(profile(), link, o);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        QCOMPARE(f->deviceMs, 1.3 * 2 + 0.0001 * 3);
    }
    void choiceFollowsTheLinkAndTheDevice()
    {
        PlacementOptions slowDevice;
        slowDevice.deviceFactor = 8;
        LinkEstimate slow{50, 1, 110}, fast{1000, 1, 110};
        QCOMPARE(SplitPlanner::choose(profile(), slow, slowDevice)->split,
                 QStringLiteral("logits"));
        QCOMPARE(SplitPlanner::choose(profile(), fast, slowDevice)->split, QStringLiteral("input"));
        PlacementOptions fastDevice;
        fastDevice.deviceFactor = 1;
        // A fast device keeps everything at home; the 2-bit code is never chosen (budget).
        const Result<PlacementChoice> home = SplitPlanner::choose(profile(), slow, fastDevice);
        QCOMPARE(home->split, QStringLiteral("logits"));
        for (const PlacementChoice &c : SplitPlanner::rank(profile(), slow, fastDevice))
            QVERIFY(c.codec != QLatin1String("q2-unit-z0") && c.codec != QLatin1String("jpeg-q50"));
        // With a looser budget the cheaper code is admissible.
        PlacementOptions loose = slowDevice;
        loose.accuracyBudget = 0.02;
        loose.onlySplit = QStringLiteral("fc1");
        QCOMPARE(SplitPlanner::choose(profile(), slow, loose)->codec, QStringLiteral("q2-unit-z0"));
    }
    void errors()
    {
        PlacementOptions o;
        o.onlySplit = QStringLiteral("conv9");
        const Result<PlacementChoice> none = SplitPlanner::choose(profile(), LinkEstimate{}, o);
        QVERIFY(!none.ok());
        QVERIFY2(none.error().contains(QLatin1String("conv9")), qPrintable(none.error()));
        QVERIFY(!SplitProfile::fromJson("{}", QStringLiteral("p.json")).ok());
        const Result<SplitProfile> bad = SplitProfile::fromJson(
            R"({"format":"edgegpt-profile","model":"m","baseline_accuracy":0.9,"splits":[{"name":"input","index":0,"head_ms":-1,"tail_ms":1}]})",
            QStringLiteral("p.json"));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QLatin1String("p.json")), qPrintable(bad.error()));
    }
    void estimatorAveragesAndDetectsMoves()
    {
        LinkRateEstimator e(0.5);
        QVERIFY(!e.movedFrom(100));
        QVERIFY(!e.addSample(100, 0.2)); // too short to time
        QVERIFY(e.addSample(1000, 10));  // 100 KB/s
        QCOMPARE(e.rateKBps(), 100.0);
        QVERIFY(!e.movedFrom(100));
        QVERIFY(e.addSample(3000, 10)); // 300 KB/s → average 200
        QCOMPARE(e.rateKBps(), 200.0);
        QVERIFY(e.movedFrom(100));
        QVERIFY(!e.movedFrom(180));
        QVERIFY(e.movedFrom(0));
    }
};

QTEST_GUILESS_MAIN(TestSplitPlanner)
#include "tst_split_planner.moc"
