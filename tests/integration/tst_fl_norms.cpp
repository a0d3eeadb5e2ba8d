// Why the aggregator recomputes BatchNorm statistics (docs/federated.md, "BatchNorm"): two devices
// with disjoint classes train MobileNetV2 from the same start; the FedAvg of their weights, with
// their averaged running statistics, evaluates near chance, and the same weights with statistics
// recomputed on unlabelled images no device held do much better. Recomputing only touches the
// running statistics, depends on nothing but the weights and the images (the plain average, not
// a momentum update), and a wrong layout is an error. Uses the real training runtime plugin next
// to the agent, on small data (2 × 300 training images, 500 test images).
#include "agents/TrainingRuntime.h"
#include "core/fl/FlWeights.h"
#include "models/FashionMnistFiles.h"

#include <QFileInfo>
#include <QTest>

using namespace edgegpt;

namespace {

QString runtimePath()
{
    return QFileInfo(QStringLiteral(EDGEGPT_AGENT_PATH)).absolutePath() +
           QStringLiteral("/libedgegpt-runtime.so");
}

// The first `n` training images whose label satisfies `keep`, skipping the last 5,000 (where the
// recalibration images come from).
struct Images
{
    std::vector<uint8_t> pixels;
    std::vector<uint8_t> labels;
    int count = 0;
    ImageBatchView view() const { return {pixels.data(), labels.data(), count}; }
    // As the aggregator passes its BatchNorm images: without labels.
    ImageBatchView unlabelled() const { return {pixels.data(), nullptr, count}; }
};

template <typename Keep> Images pick(const ImagePixels &set, int first, int end, int n, Keep keep)
{
    Images out;
    const int side = set.rows * set.cols;
    for (int i = first; i < end && out.count < n; ++i) {
        if (!keep(set.labels[std::size_t(i)]))
            continue;
        out.pixels.insert(out.pixels.end(), set.image(i), set.image(i) + side);
        out.labels.push_back(set.labels[std::size_t(i)]);
        ++out.count;
    }
    return out;
}

bool isRunningStatistic(const WeightTensorInfo &t)
{
    return t.name.contains(QLatin1String("running_mean")) ||
           t.name.contains(QLatin1String("running_var"));
}

} // namespace

class TestFlNorms : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(runtimePath()).isFile(), qPrintable(runtimePath()));
        auto runtime = loadTrainingRuntime(runtimePath());
        QVERIFY2(runtime.ok(), qPrintable(runtime.error()));
        m_runtime = std::move(*runtime);
        m_runtime->setThreads(1);
        const Result<ImagePixels> train = FashionMnistFiles::load(
            FashionMnistSplit::Train, FashionMnistFiles::defaultDirectory());
        QVERIFY2(train.ok(), qPrintable(train.error()));
        m_train = *train;
        const Result<ImagePixels> test = FashionMnistFiles::load(
            FashionMnistSplit::Test, FashionMnistFiles::defaultDirectory(), 500);
        QVERIFY2(test.ok(), qPrintable(test.error()));
        m_test = pick(*test, 0, test->count, 500, [](uint8_t) { return true; });
        m_norm =
            pick(m_train, m_train.count - 5000, m_train.count, 500, [](uint8_t) { return true; });
    }

    void recomputedStatisticsRescueTheAverage()
    {
        const Result<ModelWeights> start =
            m_runtime->createModel(QStringLiteral("mobilenetv2@0.25"), 7);
        QVERIFY2(start.ok(), qPrintable(start.error()));
        // Two devices, disjoint classes: the most skewed split there is.
        const Images low = pick(m_train, 0, 20000, 300, [](uint8_t l) { return l < 5; });
        const Images high = pick(m_train, 0, 20000, 300, [](uint8_t l) { return l >= 5; });
        LocalTrainSettings s;
        s.epochs = 2;
        s.optimizer = QStringLiteral("adam");
        s.lr = 0.003;
        s.batch = 32;
        const Result<LocalTrainResult> a = m_runtime->train(*start, low.view(), s);
        const Result<LocalTrainResult> b = m_runtime->train(*start, high.view(), s);
        QVERIFY2(a.ok() && b.ok(), qPrintable(a.ok() ? b.error() : a.error()));
        const Result<ModelWeights> avg =
            federatedAverage({&a->weights, &b->weights}, {low.count, high.count});
        QVERIFY2(avg.ok(), qPrintable(avg.error()));

        const Result<EvalResult> before = m_runtime->evaluate(*avg, m_test.view());
        const Result<ModelWeights> recal = m_runtime->recalibrateNorms(*avg, m_norm.unlabelled());
        QVERIFY2(recal.ok(), qPrintable(recal.error()));
        const Result<EvalResult> after = m_runtime->evaluate(*recal, m_test.view());
        QVERIFY(before.ok() && after.ok());
        qInfo("averaged statistics %.1f%%, recomputed %.1f%%", before->accuracy * 100,
              after->accuracy * 100);
        QVERIFY2(after->accuracy > before->accuracy + 0.05,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before->accuracy).arg(after->accuracy)));
        QVERIFY(after->accuracy > 0.2); // chance is 0.1

        // Only the running statistics changed.
        QCOMPARE(recal->layout, avg->layout);
        qint64 at = 0;
        int statsChanged = 0;
        for (const WeightTensorInfo &t : avg->layout) {
            const qint64 n = t.count();
            const bool same = std::equal(avg->values.begin() + at, avg->values.begin() + at + n,
                                         recal->values.begin() + at);
            if (isRunningStatistic(t))
                statsChanged += same ? 0 : 1;
            else
                QVERIFY2(same, qPrintable(t.name));
            at += n;
        }
        QVERIFY(statsChanged > 10);

        // The plain average over the images: the statistics it started from do not matter.
        const Result<ModelWeights> again = m_runtime->recalibrateNorms(*recal, m_norm.unlabelled());
        QVERIFY(again.ok());
        QVERIFY(again->values == recal->values);
    }

    void badInputIsAnError()
    {
        const Result<ModelWeights> w = m_runtime->createModel(QStringLiteral("cnn"), 1);
        QVERIFY2(w.ok(), qPrintable(w.error()));
        ModelWeights wrong = *w;
        wrong.values.pop_back();
        QVERIFY(!m_runtime->recalibrateNorms(wrong, m_norm.unlabelled()).ok());
        const Images one = pick(m_train, 0, 10, 1, [](uint8_t) { return true; });
        const Result<ModelWeights> r = m_runtime->recalibrateNorms(*w, one.view());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QLatin1String("two images")), qPrintable(r.error()));
    }

private:
    std::unique_ptr<TrainingRuntime> m_runtime;
    ImagePixels m_train;
    Images m_test;
    Images m_norm;
};

QTEST_GUILESS_MAIN(TestFlNorms)
#include "tst_fl_norms.moc"
