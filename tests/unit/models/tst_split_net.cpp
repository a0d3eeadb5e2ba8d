// SplitNet: for every architecture and bottleneck placement, the head then the tail equals the
// whole network at every split point; the declared feature shapes and costs match what runs.
#include "models/SplitNet.h"

#include <QTest>

#include <torch/torch.h>

#include <set>

using namespace edgegpt;

namespace {

SplitNet makeNet(const QString &specText)
{
    const Result<ModelSpec> spec = ModelSpec::parse(specText);
    if (!spec)
        qFatal("%s", qPrintable(spec.error()));
    torch::manual_seed(7);
    SplitNet net(*spec);
    net->eval();
    return net;
}

} // namespace

class TestSplitNet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void headThenTailIsTheWholeModel_data();
    void headThenTailIsTheWholeModel();
    void specParsing();
    void headAndTailOwnDisjointWeights();
    void costsGrowWithTheHead();
};

void TestSplitNet::headThenTailIsTheWholeModel_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("cnn (bottleneck at fc1)") << QStringLiteral("cnn");
    QTest::newRow("cnn without bottleneck") << QStringLiteral("cnn:none");
    QTest::newRow("cnn, bottleneck at conv2") << QStringLiteral("cnn:conv2:8");
    QTest::newRow("resnet (bottleneck at pool)") << QStringLiteral("resnet");
    QTest::newRow("resnet, bottleneck at stage2") << QStringLiteral("resnet:stage2:8");
}

void TestSplitNet::headThenTailIsTheWholeModel()
{
    QFETCH(QString, spec);
    SplitNet net = makeNet(spec);
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({3, 1, 28, 28});
    const torch::Tensor whole = net->forward(x);
    QCOMPARE(whole.sizes().vec(), (std::vector<int64_t>{3, 10}));
    const std::vector<std::vector<int64_t>> shapes = net->featureShapes();
    QCOMPARE(int(shapes.size()), net->blockCount() + 1);
    QCOMPARE(net->splitNames().size(), net->blockCount() + 1);
    for (int s = 0; s <= net->blockCount(); ++s) {
        const torch::Tensor feature = net->head(x, s);
        std::vector<int64_t> expected{3};
        expected.insert(expected.end(), shapes[size_t(s)].begin(), shapes[size_t(s)].end());
        QCOMPARE(feature.sizes().vec(), expected);
        const torch::Tensor out = net->tail(feature, s);
        const double diff = (out - whole).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("%1 split %2 (%3): max diff %4")
                                             .arg(spec)
                                             .arg(s)
                                             .arg(net->splitNames()[s])
                                             .arg(diff)));
    }
    // The bottleneck squeezes the feature where it sits.
    if (net->bottleneckSplit() > 0) {
        const int b = net->bottleneckSplit();
        qint64 elements = 1;
        for (int64_t d : shapes[size_t(b)])
            elements *= d;
        QVERIFY(elements <= 16 * 7 * 7);
        QCOMPARE(net->splitIndex(net->spec().bottleneckAt), b);
    }
}

void TestSplitNet::specParsing()
{
    const Result<ModelSpec> cnn = ModelSpec::parse(QStringLiteral("cnn"));
    QVERIFY(cnn.ok());
    QCOMPARE(cnn->bottleneckAt, QStringLiteral("fc1"));
    QCOMPARE(cnn->name(), QStringLiteral("cnn"));
    const Result<ModelSpec> none = ModelSpec::parse(QStringLiteral("cnn:none"));
    QVERIFY(none.ok());
    QVERIFY(none->bottleneckAt.isEmpty());
    const Result<ModelSpec> moved = ModelSpec::parse(QStringLiteral("resnet:stage2:8"));
    QVERIFY(moved.ok());
    QCOMPARE(moved->bottleneckWidth, 8);
    QCOMPARE(ModelSpec::fromJson(moved->toJson())->name(), moved->name());
    for (const char *bad : {"vgg", "cnn:nosuch:8", "cnn:fc1:0", "cnn:fc1", "cnn:logits:4", ""}) {
        const Result<ModelSpec> r = ModelSpec::parse(QString::fromLatin1(bad));
        QVERIFY2(!r.ok(), bad);
        QVERIFY(!r.error().isEmpty());
    }
}

void TestSplitNet::headAndTailOwnDisjointWeights()
{
    SplitNet net = makeNet(QStringLiteral("cnn"));
    std::set<QString> all;
    for (const auto &p : net->named_parameters())
        all.insert(QString::fromStdString(p.key()));
    for (const auto &b : net->named_buffers())
        all.insert(QString::fromStdString(b.key()));
    for (int s = 0; s <= net->blockCount(); ++s) {
        const QStringList head = net->stateNames(s, true);
        const QStringList tail = net->stateNames(s, false);
        std::set<QString> seen;
        for (const QString &n : head + tail) {
            QVERIFY2(all.count(n), qPrintable(n));
            QVERIFY2(seen.insert(n).second, qPrintable(QStringLiteral("%1 in both parts").arg(n)));
        }
        QCOMPARE(seen.size(), all.size());
    }
    QVERIFY(net->stateNames(0, true).isEmpty());
    QVERIFY(net->stateNames(net->blockCount(), false).isEmpty());
}

void TestSplitNet::costsGrowWithTheHead()
{
    qint64 cnnTotal = 0;
    for (const QString &spec : {QStringLiteral("cnn"), QStringLiteral("resnet")}) {
        SplitNet net = makeNet(spec);
        const std::vector<BlockCost> costs = net->costs();
        QCOMPARE(int(costs.size()), net->blockCount());
        qint64 total = 0;
        for (const BlockCost &c : costs) {
            QVERIFY2(c.macs >= 0, qPrintable(c.name));
            total += c.macs;
        }
        // The convolutions dominate: millions of MACs, the deeper resnet more than the cnn.
        QVERIFY(total > 1000000);
        if (spec == QLatin1String("cnn"))
            cnnTotal = total;
        else
            QVERIFY(total > cnnTotal);
    }
}

QTEST_GUILESS_MAIN(TestSplitNet)
#include "tst_split_net.moc"
