// ModelStore: a saved model loads back with the same outputs; head and tail parts exported for a
// split load on their own and together give the whole model's answer; corrupt, truncated and
// foreign files give errors that name the file, never a crash.
#include "models/ModelStore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

using namespace edgegpt;

namespace {

SplitNet makeNet(const QString &specText)
{
    torch::manual_seed(11);
    SplitNet net(*ModelSpec::parse(specText));
    // Non-trivial batch-norm statistics, so that buffers must travel with the weights.
    net->train();
    {
        torch::NoGradGuard noGrad;
        for (int i = 0; i < 3; ++i)
            net->forward(torch::randn({8, 1, 28, 28}) * 2 + 0.5);
    }
    net->eval();
    return net;
}

double maxDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestModelStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }
    void saveAndLoadKeepTheOutputs();
    void partsRunOnTheirOwn_data();
    void partsRunOnTheirOwn();
    void corruptFilesGiveErrors();
};

void TestModelStore::saveAndLoadKeepTheOutputs()
{
    QTemporaryDir dir;
    SplitNet net = makeNet(QStringLiteral("cnn"));
    const QJsonObject meta{{QStringLiteral("test_accuracy"), 0.5}};
    const Result<void> saved = ModelStore::save(net, meta, dir.path());
    QVERIFY2(saved.ok(), qPrintable(saved.error()));
    QVERIFY(ModelStore::exists(dir.path()));
    Result<StoredModel> loaded = ModelStore::load(dir.path());
    QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
    QCOMPARE(loaded->meta.value(QStringLiteral("test_accuracy")).toDouble(), 0.5);
    QCOMPARE(loaded->net->spec().name(), QStringLiteral("cnn"));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({4, 1, 28, 28});
    QCOMPARE(maxDiff(loaded->net->forward(x), net->forward(x)), 0.0);
}

void TestModelStore::partsRunOnTheirOwn_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("split");
    QTest::newRow("cnn at its bottleneck") << QStringLiteral("cnn") << QStringLiteral("fc1");
    QTest::newRow("cnn before the bottleneck") << QStringLiteral("cnn") << QStringLiteral("conv2");
    QTest::newRow("cnn edge-only") << QStringLiteral("cnn") << QStringLiteral("input");
    QTest::newRow("resnet at stage1") << QStringLiteral("resnet") << QStringLiteral("stage1");
}

void TestModelStore::partsRunOnTheirOwn()
{
    QFETCH(QString, spec);
    QFETCH(QString, split);
    QTemporaryDir dir;
    SplitNet net = makeNet(spec);
    const Result<void> exported = ModelStore::exportSplit(net, split, dir.path());
    QVERIFY2(exported.ok(), qPrintable(exported.error()));
    Result<ModelPart> head =
        ModelStore::loadPart(dir.filePath(QStringLiteral("head-%1.pt").arg(split)));
    QVERIFY2(head.ok(), qPrintable(head.error()));
    Result<ModelPart> tail =
        ModelStore::loadPart(dir.filePath(QStringLiteral("tail-%1.pt").arg(split)));
    QVERIFY2(tail.ok(), qPrintable(tail.error()));
    QVERIFY(head->isHead);
    QVERIFY(!tail->isHead);
    QCOMPARE(head->split, net->splitIndex(split));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({5, 1, 28, 28});
    const torch::Tensor out = tail->run(head->run(x));
    QVERIFY2(maxDiff(out, net->forward(x)) < 1e-5,
             qPrintable(QString::number(maxDiff(out, net->forward(x)))));
    // Each file holds only its part: the head of an early split is much smaller than the tail.
    if (split == QLatin1String("input"))
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("head-input.pt"))).size() <
                QFileInfo(dir.filePath(QStringLiteral("tail-input.pt"))).size() / 10);
    QCOMPARE(ModelStore::exportSplit(net, QStringLiteral("nosuch"), dir.path()).ok(), false);
}

void TestModelStore::corruptFilesGiveErrors()
{
    QTemporaryDir dir;
    SplitNet net = makeNet(QStringLiteral("cnn"));
    QVERIFY(ModelStore::save(net, {}, dir.path()).ok());
    QVERIFY(ModelStore::exportSplit(net, QStringLiteral("fc1"), dir.path()).ok());
    const QString model = dir.filePath(QStringLiteral("model.pt"));
    const QString head = dir.filePath(QStringLiteral("head-fc1.pt"));
    const QByteArray goodModel = readAll(model);
    const QByteArray goodHead = readAll(head);
    QVERIFY(goodModel.size() > 1000);

    auto expectModelError = [&](const QByteArray &bytes, const char *what) {
        writeAll(model, bytes);
        const Result<StoredModel> r = ModelStore::load(dir.path());
        QVERIFY2(!r.ok(), what);
        QVERIFY2(r.error().contains(model), qPrintable(r.error()));
        QVERIFY2(!r.error().contains(QLatin1Char('\n')), qPrintable(r.error()));
    };
    expectModelError(goodModel.left(goodModel.size() / 2), "truncated");
    expectModelError(QByteArray(), "empty");
    expectModelError(QByteArray(4096, 'x'), "garbage");
    QByteArray flipped = goodModel;
    for (int i = 0; i < flipped.size(); i += 97)
        flipped[i] = char(~flipped[i]);
    expectModelError(flipped, "flipped");
    // A part where a model is expected, and a whole model where a part is expected.
    expectModelError(goodHead, "a part");
    writeAll(model, goodModel);
    const Result<ModelPart> notAPart = ModelStore::loadPart(model);
    QVERIFY(!notAPart.ok());
    QVERIFY2(notAPart.error().contains(model), qPrintable(notAPart.error()));

    writeAll(head, goodHead.left(goodHead.size() - 100));
    const Result<ModelPart> cut = ModelStore::loadPart(head);
    QVERIFY(!cut.ok());
    QVERIFY2(cut.error().contains(head), qPrintable(cut.error()));
    QVERIFY(!ModelStore::loadPart(dir.filePath(QStringLiteral("missing.pt"))).ok());

    // model.json that is not an object, or names an unknown architecture.
    writeAll(dir.filePath(QStringLiteral("model.json")), "[1,2]");
    QVERIFY(!ModelStore::load(dir.path()).ok());
    writeAll(dir.filePath(QStringLiteral("model.json")), R"({"spec":{"arch":"vgg"}})");
    const Result<StoredModel> vgg = ModelStore::load(dir.path());
    QVERIFY(!vgg.ok());
    QVERIFY2(vgg.error().contains(QLatin1String("vgg")), qPrintable(vgg.error()));
    QTemporaryDir empty;
    const Result<StoredModel> none = ModelStore::load(empty.path());
    QVERIFY(!none.ok());
    QVERIFY(none.error().contains(QLatin1String("edgegpt train")));
}

QTEST_GUILESS_MAIN(TestModelStore)
#include "tst_model_store.moc"
