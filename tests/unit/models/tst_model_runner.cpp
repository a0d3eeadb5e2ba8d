// ModelRunner, what an agent runs its part with: from a trained model directory (model.pt, any
// split), from a deployment's head/tail parts only, and from a user's TorchScript files; the LRU
// cache counts hits, misses, loads and evictions; a missing part, an unknown split, a broken
// TorchScript file and a feature of the wrong shape are errors that say so, never a crash.
#include "models/ModelRunner.h"
#include "models/ModelStore.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <torch/script.h>
#include <torch/torch.h>

using namespace edgegpt;

namespace {

SplitNet makeNet()
{
    torch::manual_seed(5);
    SplitNet net(*ModelSpec::parse(QStringLiteral("cnn")));
    net->eval();
    return net;
}

double maxDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestModelRunner : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void wholeModelRunsEverySplit()
    {
        SplitNet net = makeNet();
        const QString dir = m_dir.filePath(QStringLiteral("whole"));
        QVERIFY(
            ModelStore::save(net, QJsonObject{{QStringLiteral("name"), QStringLiteral("cnn")}}, dir)
                .ok());
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({2, 1, 28, 28});
        const torch::Tensor expected = net->forward(x);
        ModelRunner runner(dir);
        for (const QString &split : net->splitNames()) {
            const Result<torch::Tensor> feature = runner.head(x, split);
            QVERIFY2(feature.ok(), qPrintable(feature.error()));
            const Result<torch::Tensor> logits = runner.tail(*feature, split);
            QVERIFY2(logits.ok(), qPrintable(logits.error()));
            QVERIFY2(maxDiff(*logits, expected) < 1e-5, qPrintable(split));
        }
        // One load of model.pt, then hits.
        QCOMPARE(runner.counters().loads, 1);
        QCOMPARE(runner.counters().misses, 1);
        QCOMPARE(runner.counters().hits, 2 * net->splitNames().size() - 1);
        const Result<torch::Tensor> unknown = runner.head(x, QStringLiteral("nowhere"));
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().contains(QLatin1String("nowhere")), qPrintable(unknown.error()));
    }

    void deployedPartsOnly()
    {
        SplitNet net = makeNet();
        const QString dir = m_dir.filePath(QStringLiteral("parts"));
        QVERIFY(ModelStore::exportSplit(net, QStringLiteral("conv2"), dir).ok());
        QVERIFY(!QFile::exists(dir + QStringLiteral("/model.pt")));
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({3, 1, 28, 28});
        ModelRunner device(dir), edge(dir);
        const Result<torch::Tensor> feature = device.head(x, QStringLiteral("conv2"));
        QVERIFY2(feature.ok(), qPrintable(feature.error()));
        const Result<torch::Tensor> logits = edge.tail(*feature, QStringLiteral("conv2"));
        QVERIFY2(logits.ok(), qPrintable(logits.error()));
        QVERIFY(maxDiff(*logits, net->forward(x)) < 1e-5);
        // A split that was not deployed: the error names the split and the files looked for.
        const Result<torch::Tensor> missing = device.head(x, QStringLiteral("fc1"));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QLatin1String("fc1")) &&
                     missing.error().contains(QLatin1String("head-fc1")),
                 qPrintable(missing.error()));
        // A feature of the wrong shape for the tail.
        const Result<torch::Tensor> wrong =
            edge.tail(torch::randn({1, 5}), QStringLiteral("conv2"));
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().contains(QLatin1String("tail")), qPrintable(wrong.error()));
        // The head file under the tail's name is refused.
        QVERIFY(QFile::copy(dir + QStringLiteral("/head-conv2.pt"),
                            dir + QStringLiteral("/tail-conv1.pt")));
        const Result<torch::Tensor> swapped =
            edge.tail(torch::randn({1, 32, 14, 14}), QStringLiteral("conv1"));
        QVERIFY(!swapped.ok());
        QVERIFY2(swapped.error().contains(QLatin1String("other part")),
                 qPrintable(swapped.error()));
    }

    void usersTorchScriptParts()
    {
        // A user's own model, split by hand and saved as TorchScript (head-SPLIT.ts,
        // tail-SPLIT.ts).
        const QString dir = m_dir.filePath(QStringLiteral("script"));
        QVERIFY(QDir().mkpath(dir));
        torch::jit::Module head("Head");
        head.define(R"(
def forward(self, x):
    return x.flatten(1).mean(1, keepdim=True) * 2.0
)");
        head.save(QString(dir + QStringLiteral("/head-mine.ts")).toStdString());
        torch::jit::Module tail("Tail");
        tail.register_parameter("w", torch::arange(10, torch::kFloat).reshape({1, 10}), false);
        tail.define(R"(
def forward(self, f):
    return f * self.w
)");
        tail.save(QString(dir + QStringLiteral("/tail-mine.ts")).toStdString());

        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::full({2, 1, 28, 28}, 0.25);
        ModelRunner runner(dir);
        const Result<torch::Tensor> feature = runner.head(x, QStringLiteral("mine"));
        QVERIFY2(feature.ok(), qPrintable(feature.error()));
        QCOMPARE(feature->sizes().vec(), (std::vector<int64_t>{2, 1}));
        QVERIFY(std::abs(feature->index({0, 0}).item<double>() - 0.5) < 1e-6);
        const Result<torch::Tensor> logits = runner.tail(*feature, QStringLiteral("mine"));
        QVERIFY2(logits.ok(), qPrintable(logits.error()));
        QCOMPARE(logits->reshape({-1}).argmax().item<int64_t>() % 10, 9);

        // Not TorchScript at all: a one-line error naming the file.
        QFile junk(dir + QStringLiteral("/head-broken.ts"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("this is not a zip archive");
        junk.close();
        const Result<torch::Tensor> broken = runner.head(x, QStringLiteral("broken"));
        QVERIFY(!broken.ok());
        QVERIFY2(broken.error().contains(QLatin1String("head-broken.ts")) &&
                     !broken.error().contains(QLatin1Char('\n')),
                 qPrintable(broken.error()));
    }

    void cacheEvictsLeastRecentlyUsed()
    {
        SplitNet net = makeNet();
        const QString dir = m_dir.filePath(QStringLiteral("lru"));
        for (const QString &split : {QStringLiteral("conv1"), QStringLiteral("fc1")})
            QVERIFY(ModelStore::exportSplit(net, split, dir).ok());
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::randn({1, 1, 28, 28});
        ModelRunner runner(dir, 2);
        QVERIFY(runner.head(x, QStringLiteral("conv1")).ok()); // miss, load
        QVERIFY(runner.head(x, QStringLiteral("fc1")).ok());   // miss, load
        QVERIFY(runner.head(x, QStringLiteral("conv1")).ok()); // hit
        QCOMPARE(runner.counters().evictions, 0);
        QVERIFY(runner.tail(*runner.head(x, QStringLiteral("fc1")), QStringLiteral("fc1"))
                    .ok()); // hit, then miss: evicts conv1
        QCOMPARE(runner.counters().hits, 2);
        QCOMPARE(runner.counters().misses, 3);
        QCOMPARE(runner.counters().loads, 3);
        QCOMPARE(runner.counters().evictions, 1);
        QVERIFY(runner.head(x, QStringLiteral("conv1")).ok()); // gone: loaded again
        QCOMPARE(runner.counters().misses, 4);
        QCOMPARE(runner.counters().evictions, 2);
    }
};

QTEST_GUILESS_MAIN(TestModelRunner)
#include "tst_model_runner.moc"
