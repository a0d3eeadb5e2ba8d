// The federated-learning architectures of models/SplitNet: MobileNetV2 and ResNet-18 adapted to
// 28×28 grey with a width multiplier — the spec text and JSON keep the width, the width changes
// the size, the splits are named, and a saved model loads back with the same outputs.
#include "models/ModelStore.h"
#include "models/SplitNet.h"

#include <QTemporaryDir>
#include <QTest>

#include <torch/torch.h>

using namespace edgegpt;

namespace {

qint64 parameterCount(SplitNet &net)
{
    qint64 n = 0;
    for (const auto &p : net->parameters())
        n += p.numel();
    return n;
}

} // namespace

class TestFlModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void specKeepsTheWidth()
    {
        const Result<ModelSpec> spec = ModelSpec::parse(QStringLiteral("mobilenetv2@0.5"));
        QVERIFY2(spec.ok(), qPrintable(spec.error()));
        QCOMPARE(spec->arch, QStringLiteral("mobilenetv2"));
        QCOMPARE(spec->width, 0.5);
        QVERIFY(spec->bottleneckAt.isEmpty());
        QCOMPARE(spec->name(), QStringLiteral("mobilenetv2@0.5"));
        const Result<ModelSpec> back = ModelSpec::fromJson(spec->toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->width, 0.5);
        QCOMPARE(ModelSpec::parse(QStringLiteral("resnet18"))->name(), QStringLiteral("resnet18"));
        QVERIFY(!ModelSpec::parse(QStringLiteral("cnn@0.5")).ok());
        QVERIFY(!ModelSpec::parse(QStringLiteral("resnet18@9")).ok());
        QVERIFY(!ModelSpec::parse(QStringLiteral("resnet18@x")).ok());
    }

    void widthScalesTheModel()
    {
        for (const char *arch : {"mobilenetv2", "resnet18"}) {
            SplitNet narrow(*ModelSpec::parse(QStringLiteral("%1@0.25").arg(QLatin1String(arch))));
            SplitNet wide(*ModelSpec::parse(QStringLiteral("%1@0.5").arg(QLatin1String(arch))));
            QVERIFY2(parameterCount(wide) > 2 * parameterCount(narrow), arch);
            QVERIFY(narrow->splitNames().contains(QStringLiteral("pool")));
            qint64 macs = 0;
            for (const BlockCost &c : narrow->costs())
                macs += c.macs;
            QVERIFY2(macs > 100000, arch);
        }
        SplitNet r(*ModelSpec::parse(QStringLiteral("resnet18@0.25")));
        QCOMPARE(r->splitNames(), (QStringList{QStringLiteral("input"), QStringLiteral("stem"),
                                               QStringLiteral("layer1"), QStringLiteral("layer2"),
                                               QStringLiteral("layer3"), QStringLiteral("layer4"),
                                               QStringLiteral("pool"), QStringLiteral("logits")}));
    }

    void savedModelLoadsBack()
    {
        QTemporaryDir dir;
        torch::manual_seed(3);
        SplitNet net(*ModelSpec::parse(QStringLiteral("mobilenetv2@0.25")));
        net->eval();
        QVERIFY(ModelStore::save(net, QJsonObject{{QStringLiteral("splits"), splitTable(net)}},
                                 dir.path())
                    .ok());
        const Result<StoredModel> loaded = ModelStore::load(dir.path());
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->net->spec().width, 0.25);
        torch::NoGradGuard noGrad;
        StoredModel m = *loaded;
        m.net->eval();
        const torch::Tensor x = torch::randn({2, 1, 28, 28});
        QVERIFY((net->forward(x) - m.net->forward(x)).abs().max().item<double>() < 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestFlModels)
#include "tst_fl_models.moc"
