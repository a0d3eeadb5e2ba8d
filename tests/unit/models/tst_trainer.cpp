// Training: a short run on 1,000 real Fashion-MNIST images clearly beats chance; the same seed
// and thread count give the same weights, another seed other weights; progress is reported.
#include "models/Trainer.h"
#include "models/Training.h"

#include <QTest>

#include <torch/torch.h>

using namespace edgegpt;

namespace {

ImageSet loadOrFail(FashionMnist::Split split, int limit)
{
    Result<ImageSet> set = FashionMnist::load(split, FashionMnist::defaultDirectory(), limit);
    if (!set)
        qFatal("%s", qPrintable(set.error()));
    return std::move(*set);
}

torch::Tensor flatWeights(SplitNet &net)
{
    std::vector<torch::Tensor> all;
    for (const auto &p : net->parameters())
        all.push_back(p.detach().flatten());
    return torch::cat(all);
}

} // namespace

class TestTrainer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void shortRunBeatsChance();
    void sameSeedSameWeights();
    void progressLine();
};

void TestTrainer::shortRunBeatsChance()
{
    const ImageSet train = loadOrFail(FashionMnist::Split::Train, 1000);
    const ImageSet test = loadOrFail(FashionMnist::Split::Test, 1000);
    torch::manual_seed(1);
    SplitNet net(*ModelSpec::parse(QStringLiteral("cnn")));
    TrainOptions o;
    o.epochs = 4;
    o.threads = 1;
    int calls = 0;
    TrainProgress last;
    const Result<TrainReport> r = trainModel(net, train, test, o, [&](const TrainProgress &p) {
        ++calls;
        last = p;
    });
    QVERIFY2(r.ok(), qPrintable(r.error()));
    qInfo("1,000 images, 4 epochs: %.1f%% test accuracy in %.1f s", r->testAccuracy * 100,
          r->seconds);
    // Chance is 10%; a working pipeline is far above it even after so little data.
    QVERIFY2(r->testAccuracy > 0.6, qPrintable(QString::number(r->testAccuracy)));
    QCOMPARE(r->testAccuracy, evaluateAccuracy(net, test));
    QCOMPARE(last.epoch, 4);
    QCOMPARE(last.batch, last.batches);
    QCOMPARE(calls, 4 * last.batches);
}

void TestTrainer::sameSeedSameWeights()
{
    const ImageSet train = loadOrFail(FashionMnist::Split::Train, 300);
    const ImageSet test = loadOrFail(FashionMnist::Split::Test, 100);
    auto run = [&](quint64 seed) {
        torch::manual_seed(seed); // the initial weights come from the seed too, as in train
        SplitNet net(*ModelSpec::parse(QStringLiteral("cnn")));
        TrainOptions o;
        o.epochs = 1;
        o.threads = 1;
        o.seed = seed;
        const Result<TrainReport> r = trainModel(net, train, test, o);
        if (!r)
            qFatal("%s", qPrintable(r.error()));
        return flatWeights(net);
    };
    const torch::Tensor a = run(5), b = run(5), c = run(6);
    QVERIFY(torch::equal(a, b));
    QVERIFY(!torch::equal(a, c));
}

void TestTrainer::progressLine()
{
    TrainProgress p;
    p.epoch = 2;
    p.epochs = 4;
    p.batch = 120;
    p.batches = 468;
    p.loss = 0.3124;
    p.accuracy = 0.8843;
    p.etaSeconds = 192;
    const QString line = describeProgress(p);
    QVERIFY2(line.contains(QLatin1String("epoch 2/4")), qPrintable(line));
    QVERIFY(line.contains(QLatin1String("batch 120/468")));
    QVERIFY(line.contains(QLatin1String("loss 0.312")));
    QVERIFY(line.contains(QLatin1String("88.4%")));
    QVERIFY(line.contains(QLatin1String("ETA 3m12s")));
}

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
