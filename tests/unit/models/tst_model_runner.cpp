// ModelRunner, what an agent runs its part with: from a trained model directory (model.pt, any
// split), from a deployment's head/tail parts only, and from a user's TorchScript files (a 3×32×32
// RGB model as model.ts and as head/tail parts, its metadata, images of the wrong shape); the LRU
// cache counts hits, misses, loads and evictions; a missing part, an unknown split, a broken
// TorchScript file and a feature of the wrong shape are errors that say so, never a crash.
#include "models/ModelInput.h"
#include "models/ModelRunner.h"
#include "models/ModelStore.h"
#include "unit/models/TinyScriptModel.h"

#include <QDir>
#include <QFile>
#include <QImage>
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

    void usersRgbModelWholeAndParts()
    {
        const QString dir = m_dir.filePath(QStringLiteral("rgb"));
        QVERIFY(tiny::write(dir, true, true));
        ModelRunner runner(dir);
        const Result<const ModelInfo *> info = runner.info();
        QVERIFY2(info.ok(), qPrintable(info.error()));
        QVERIFY((*info)->isTorchScript());
        QCOMPARE((*info)->input.channels, 3);
        QCOMPARE((*info)->input.height, 32);
        QCOMPARE((*info)->classes, (QStringList{QStringLiteral("red"), QStringLiteral("green"),
                                                QStringLiteral("blue")}));
        QCOMPARE(runner.runnableSplits(),
                 (QStringList{QStringLiteral("input"), QStringLiteral("block1"),
                              QStringLiteral("logits")}));
        torch::NoGradGuard noGrad;
        torch::manual_seed(1);
        const torch::Tensor x = torch::randn({2, 3, 32, 32});
        const Result<torch::Tensor> whole = runner.forward(x);
        QVERIFY2(whole.ok(), qPrintable(whole.error()));
        QCOMPARE(whole->sizes().vec(), (std::vector<int64_t>{2, 3}));
        const Result<torch::Tensor> feature = runner.head(x, QStringLiteral("block1"));
        QVERIFY2(feature.ok(), qPrintable(feature.error()));
        QCOMPARE(feature->sizes().vec(), (std::vector<int64_t>{2, 3, 16, 16}));
        const Result<torch::Tensor> logits = runner.tail(*feature, QStringLiteral("block1"));
        QVERIFY2(logits.ok(), qPrintable(logits.error()));
        QVERIFY(maxDiff(*logits, *whole) < 1e-5);
        // The ends: the image itself at "input", the whole model at the last split.
        QVERIFY(maxDiff(*runner.head(x, QStringLiteral("input")), x) == 0);
        QVERIFY(maxDiff(*runner.tail(x, QStringLiteral("input")), *whole) < 1e-5);
        QVERIFY(maxDiff(*runner.head(x, QStringLiteral("logits")), *whole) < 1e-5);
        QVERIFY(maxDiff(*runner.tail(*whole, QStringLiteral("logits")), *whole) == 0);
        // Images of another shape than the metadata's: a clear error, never a silent resize.
        for (const torch::Tensor &wrong :
             {torch::randn({1, 1, 28, 28}), torch::randn({1, 3, 28, 28}),
              torch::randn({1, 1, 32, 32})}) {
            const Result<torch::Tensor> refused = runner.head(wrong, QStringLiteral("block1"));
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().contains(QStringLiteral("3×32×32 RGB")),
                     qPrintable(refused.error()));
            QVERIFY(!runner.tail(wrong, QStringLiteral("input")).ok());
        }
        // Only the parts: the whole model is the head and the tail of block1.
        const QString partsDir = m_dir.filePath(QStringLiteral("rgb-parts"));
        QVERIFY(tiny::write(partsDir, false, true));
        ModelRunner parts(partsDir);
        QCOMPARE(parts.runnableSplits().size(), 3);
        QVERIFY(maxDiff(*parts.head(x, QStringLiteral("logits")), *whole) < 1e-5);
        // Only model.ts, no splits named: edge-only or device-only.
        const QString wholeDir = m_dir.filePath(QStringLiteral("rgb-whole"));
        QVERIFY(tiny::write(wholeDir, true, false));
        ModelRunner wholeOnly(wholeDir);
        QCOMPARE(wholeOnly.runnableSplits(),
                 (QStringList{QStringLiteral("input"), QStringLiteral("output")}));
        QVERIFY(maxDiff(*wholeOnly.tail(x, QStringLiteral("input")), *whole) < 1e-5);
        // A split name is never a path.
        const Result<torch::Tensor> path = parts.head(x, QStringLiteral("../rgb/head-block1"));
        QVERIFY(!path.ok());
        QVERIFY2(path.error().contains(QLatin1String("not a split name")),
                 qPrintable(path.error()));
        const Result<torch::Tensor> noSplit = wholeOnly.head(x, QStringLiteral("block1"));
        QVERIFY(!noSplit.ok());
        QVERIFY2(noSplit.error().contains(QLatin1String("head-block1")),
                 qPrintable(noSplit.error()));
    }

    void metadataIsChecked()
    {
        QJsonObject good = tiny::metadata();
        QVERIFY(ModelInfo::fromJson(good, QStringLiteral("m.json")).ok());
        const auto broken = [&](const std::function<void(QJsonObject &)> &change,
                                const char *expected) {
            QJsonObject o = good;
            change(o);
            const Result<ModelInfo> r = ModelInfo::fromJson(o, QStringLiteral("m.json"));
            QVERIFY2(!r.ok(), expected);
            QVERIFY2(r.error().contains(QLatin1String(expected)) &&
                         r.error().contains(QLatin1String("m.json")),
                     qPrintable(r.error()));
        };
        broken(
            [](QJsonObject &o) {
                QJsonObject in = o.value(QStringLiteral("input")).toObject();
                in.insert(QStringLiteral("channels"), 2);
                o.insert(QStringLiteral("input"), in);
            },
            "channels");
        broken(
            [](QJsonObject &o) {
                QJsonObject in = o.value(QStringLiteral("input")).toObject();
                in.insert(QStringLiteral("mean"), QJsonArray{0.1, 0.2});
                o.insert(QStringLiteral("input"), in);
            },
            "mean");
        broken(
            [](QJsonObject &o) {
                QJsonObject in = o.value(QStringLiteral("input")).toObject();
                in.insert(QStringLiteral("std"), 0);
                o.insert(QStringLiteral("input"), in);
            },
            "std");
        broken([](QJsonObject &o) { o.insert(QStringLiteral("classes"), QJsonArray{}); },
               "classes");
        broken(
            [](QJsonObject &o) {
                o.insert(QStringLiteral("splits"),
                         QJsonArray{QStringLiteral("input"), QStringLiteral("../etc"),
                                    QStringLiteral("logits")});
            },
            "../etc");
        broken([](QJsonObject &o) { o.remove(QStringLiteral("input")); }, "input");
        // One mean for every channel; the last split is the classes.
        QJsonObject one = good;
        QJsonObject in = one.value(QStringLiteral("input")).toObject();
        in.insert(QStringLiteral("mean"), 0.5);
        one.insert(QStringLiteral("input"), in);
        const Result<ModelInfo> r = ModelInfo::fromJson(one, QStringLiteral("m.json"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->input.mean, (QList<double>{0.5, 0.5, 0.5}));
        QCOMPARE(r->splits.last().featureShape, (QList<qint64>{3}));
        QCOMPARE(r->splits.first().featureShape, (QList<qint64>{3, 32, 32}));
        // A model trained here: 28×28 grey, Fashion-MNIST's classes.
        const ModelInfo trained = *ModelInfo::fromJson(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("cnn")}}, QStringLiteral("x"));
        QVERIFY(trained.input.isFashionMnistShape());
        QCOMPARE(trained.classes.size(), 10);
    }

    void imagesAreBroughtToTheModelsInput()
    {
        ModelInputSpec rgb;
        rgb.channels = 3;
        rgb.height = 32;
        rgb.width = 32;
        const QImage picture = tiny::picture(2, 7);
        const Result<std::vector<uint8_t>> pixels =
            imageForModel(picture, rgb, QStringLiteral("blue.png"));
        QVERIFY2(pixels.ok(), qPrintable(pixels.error()));
        QCOMPARE(pixels->size(), size_t(32 * 32 * 3));
        QCOMPARE(int((*pixels)[3 * (5 * 32 + 4) + 2]), qBlue(picture.pixel(4, 5)));
        // Another size is an error naming both, unless the metadata allows scaling.
        const Result<std::vector<uint8_t>> small =
            imageForModel(tiny::picture(0, 1, 28), rgb, QStringLiteral("small.png"));
        QVERIFY(!small.ok());
        QVERIFY2(small.error().contains(QLatin1String("small.png")) &&
                     small.error().contains(QStringLiteral("28×28")) &&
                     small.error().contains(QStringLiteral("3×32×32 RGB")),
                 qPrintable(small.error()));
        rgb.resize = true;
        QCOMPARE(imageForModel(tiny::picture(0, 1, 28), rgb, QStringLiteral("s"))->size(),
                 size_t(32 * 32 * 3));
        // Grey for a grey model.
        const ModelInputSpec grey = ModelInfo::fashionMnist().input;
        QCOMPARE(imageForModel(picture, grey, QStringLiteral("p"))->size(), size_t(28 * 28));

        // RGB payloads at the split "input": lossless codecs give back the same bytes.
        for (InputCodecKind kind : {InputCodecKind::Png, InputCodecKind::ZstdRaw}) {
            const QByteArray payload = encodeImagePayload(pixels->data(), 32, 32, 3, kind, 19);
            QVERIFY(!payload.isEmpty());
            const Result<GrayImage> back = decodeImagePayload(payload, kind, 3);
            QVERIFY2(back.ok(), qPrintable(back.error()));
            QCOMPARE(back->width, 32);
            QCOMPARE(back->height, 32);
            QVERIFY(back->pixels == *pixels);
        }
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
