// Federated learning's torch-free parts (core/fl): FedAvg on hand-made weights, the Dirichlet
// shards, the weights' wire form and its refusals, the messages, the proposal parser, the tuning
// prompt and the local proposer.
#include "core/fl/FlConfig.h"
#include "core/fl/FlShards.h"
#include "core/fl/FlTuning.h"
#include "core/fl/FlWeights.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace edgegpt;

namespace {

ModelWeights weights(const std::vector<float> &a, const std::vector<float> &b)
{
    ModelWeights w;
    w.layout = {{QStringLiteral("conv.weight"), {2, 1}}, {QStringLiteral("fc.bias"), {1}}};
    w.values = a;
    w.values.insert(w.values.end(), b.begin(), b.end());
    return w;
}

std::vector<uint8_t> balancedLabels(int perClass)
{
    std::vector<uint8_t> labels;
    for (int i = 0; i < perClass; ++i)
        for (int c = 0; c < 10; ++c)
            labels.push_back(uint8_t(c));
    return labels;
}

FeatureCodecSettings codec(const char *name)
{
    return *FeatureCodecSettings::parse(QString::fromLatin1(name));
}

} // namespace

class TestFlCore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fedAvgWeightsBySamples()
    {
        const ModelWeights a = weights({1, 2}, {10});
        const ModelWeights b = weights({4, -1}, {40});
        const ModelWeights c = weights({0, 0}, {0});
        // (1·100 + 4·300 + 0·100) / 500 = 2.6; (2·100 − 300) / 500 = −0.2; (1000 + 12000) / 500.
        const Result<ModelWeights> avg = federatedAverage({&a, &b, &c}, {100, 300, 100});
        QVERIFY2(avg.ok(), qPrintable(avg.error()));
        QCOMPARE(avg->values.size(), std::size_t(3));
        QVERIFY(std::fabs(avg->values[0] - 2.6f) < 1e-6);
        QVERIFY(std::fabs(avg->values[1] + 0.2f) < 1e-6);
        QVERIFY(std::fabs(avg->values[2] - 26.0f) < 1e-5);
        QCOMPARE(avg->layout, a.layout);
        // Equal samples: the plain mean.
        const Result<ModelWeights> mean = federatedAverage({&a, &b}, {7, 7});
        QVERIFY(std::fabs(mean->values[0] - 2.5f) < 1e-6);
    }

    void fedAvgRefusesMismatches()
    {
        const ModelWeights a = weights({1, 2}, {3});
        ModelWeights other = a;
        other.layout[0].shape = {1, 2};
        QVERIFY(!federatedAverage({}, {}).ok());
        QVERIFY(!federatedAverage({&a, &other}, {1, 1}).ok());
        QVERIFY(!federatedAverage({&a, &a}, {1, 0}).ok());
    }

    void shardsFollowAlpha()
    {
        const std::vector<uint8_t> labels = balancedLabels(600);
        auto meanTopShare = [&](double alpha) {
            ShardPlan plan;
            plan.devices = 10;
            plan.perDevice = 200;
            plan.alpha = alpha;
            plan.seed = 7;
            const Result<QVector<QVector<int>>> shards = dirichletShards(labels, plan);
            if (!shards)
                return -1.0;
            double sum = 0;
            QSet<int> seen;
            for (const QVector<int> &s : *shards) {
                if (s.size() != 200)
                    return -1.0;
                for (int i : s) {
                    if (seen.contains(i))
                        return -2.0; // an image on two devices
                    seen.insert(i);
                }
                const QVector<qint64> counts = classCounts(labels, s);
                sum += double(*std::max_element(counts.begin(), counts.end())) / 200;
            }
            return sum / shards->size();
        };
        const double skewed = meanTopShare(0.1);
        const double mixed = meanTopShare(100);
        QVERIFY2(skewed > 0.5, qPrintable(QString::number(skewed))); // few classes a device
        QVERIFY2(mixed > 0 && mixed < 0.2, qPrintable(QString::number(mixed))); // close to 1/10
    }

    void shardsAreDeterministic()
    {
        const std::vector<uint8_t> labels = balancedLabels(300);
        ShardPlan plan;
        plan.devices = 4;
        plan.perDevice = 100;
        plan.alpha = 0.5;
        plan.seed = 3;
        const auto a = dirichletShards(labels, plan);
        const auto b = dirichletShards(labels, plan);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(*a, *b);
        plan.seed = 4;
        QVERIFY(*dirichletShards(labels, plan) != *a);
        plan.perDevice = 1000; // 4 000 > 3 000 images
        QVERIFY(!dirichletShards(labels, plan).ok());
    }

    void weightsRoundTrip()
    {
        const ModelWeights w = weights({0.5f, -0.25f}, {3.0f});
        const QByteArray f32 = encodeWeightValues(w.layout, w.values.data(), codec("f32-z3"));
        const Result<std::vector<float>> back = decodeWeightValues(f32, w.layout);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(*back, w.values);
        const QByteArray q8 = encodeWeightValues(w.layout, w.values.data(), codec("q8-tensor-z3"));
        const Result<std::vector<float>> q = decodeWeightValues(q8, w.layout);
        QVERIFY(q.ok());
        QVERIFY(std::fabs((*q)[0] - 0.5f) < 0.01 && std::fabs((*q)[1] + 0.25f) < 0.01);
    }

    void weightsRefused()
    {
        const ModelWeights w = weights({1, 2}, {3});
        // Non-finite: f32 keeps NaN and infinity bit for bit; the receiver refuses them.
        ModelWeights bad = w;
        bad.values[1] = std::numeric_limits<float>::quiet_NaN();
        Result<std::vector<float>> r = decodeWeightValues(
            encodeWeightValues(bad.layout, bad.values.data(), codec("f32-z1")), w.layout);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("not finite")), qPrintable(r.error()));
        bad.values[1] = std::numeric_limits<float>::infinity();
        QVERIFY(!decodeWeightValues(
                     encodeWeightValues(bad.layout, bad.values.data(), codec("f32-z0")), w.layout)
                     .ok());
        // Another shape for the first tensor.
        WeightLayout flat = w.layout;
        flat[0].shape = {2};
        r = decodeWeightValues(encodeWeightValues(flat, w.values.data(), codec("f32-z1")),
                               w.layout);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("shape")), qPrintable(r.error()));
        // Another tensor count, truncation, garbage, trailing bytes.
        const QByteArray good =
            encodeWeightValues(w.layout, w.values.data(), codec("q8-tensor-z3"));
        QVERIFY(!decodeWeightValues(good, WeightLayout{w.layout[0]}).ok());
        QVERIFY(!decodeWeightValues(good.left(good.size() - 3), w.layout).ok());
        QVERIFY(!decodeWeightValues(QByteArray("\0\0\0\2garbage", 11), w.layout).ok());
        QVERIFY(!decodeWeightValues(good + "x", w.layout).ok());
        QVERIFY(!decodeWeightValues(QByteArray(), w.layout).ok());
        // A huge announced length.
        QByteArray huge = good;
        qToBigEndian<quint32>(0xFFFFFFF0u, huge.data() + 4);
        QVERIFY(!decodeWeightValues(huge, w.layout).ok());
    }

    void messagesRoundTrip()
    {
        FlRoundMessage m;
        m.round = 3;
        m.modelSpec = QStringLiteral("mobilenetv2@0.5");
        m.lr = 0.01;
        m.optimizer = QStringLiteral("adam");
        m.updateCodec = QStringLiteral("q8-tensor-z3");
        m.classBalanced = true;
        m.layout = weights({1, 2}, {3}).layout;
        const Result<FlRoundMessage> back = FlRoundMessage::fromCbor(m.toCbor());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->round, 3);
        QCOMPARE(back->layout, m.layout);
        QVERIFY(back->classBalanced);
        QCborMap broken = m.toCbor();
        broken.insert(QStringLiteral("optimizer"), QStringLiteral("lbfgs"));
        QVERIFY(!FlRoundMessage::fromCbor(broken).ok());
        FlUpdateMessage u;
        u.round = 2;
        u.samples = 0; // refused: an update must count its images
        u.codec = QStringLiteral("f32-z1");
        QVERIFY(!FlUpdateMessage::fromCbor(u.toCbor()).ok());
        u.samples = 150;
        QCOMPARE(FlUpdateMessage::fromCbor(u.toCbor())->samples, qint64(150));
    }

    void runConfigJson()
    {
        FlRunConfig c;
        QVERIFY(c.applyJson(QJsonObject{{QStringLiteral("model"), QStringLiteral("resnet18")},
                                        {QStringLiteral("width"), 0.25},
                                        {QStringLiteral("rounds"), 5}})
                    .ok());
        QCOMPARE(c.modelSpecText(), QStringLiteral("resnet18@0.25"));
        QVERIFY(c.validate().ok());
        QVERIFY(!c.applyJson(QJsonObject{{QStringLiteral("roundz"), 5}}).ok());
        QVERIFY(!c.applyJson(QJsonObject{{QStringLiteral("rounds"), 1.5}}).ok());
        c.optimizer = QStringLiteral("rmsprop");
        QVERIFY(!c.validate().ok());
    }

    void proposalParser()
    {
        const QString plain = QStringLiteral(
            R"({"model":"mobilenetv2","width":0.5,"optimizer":"adam","lr":0.002,)"
            R"("local_epochs":2,"batch":32,"rounds":4,"alpha_aware":true,"reason":"small"})");
        Result<FlProposal> p = parseFlProposal(plain);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->model, QStringLiteral("mobilenetv2"));
        QCOMPARE(p->localEpochs, 2);
        QVERIFY(p->alphaAware);
        QCOMPARE(p->reason, QStringLiteral("small"));
        p = parseFlProposal(QStringLiteral("Here it is:\n```json\n") + plain +
                            QStringLiteral("\n```\nGood luck."));
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->rounds, 4);
        p = parseFlProposal(QStringLiteral("I would use a CNN with a learning rate of 0.1."));
        QVERIFY(!p.ok());
        QVERIFY(!p.error().contains(QLatin1Char('\n')));
        QVERIFY2(p.error().contains(QStringLiteral("not a JSON object")), qPrintable(p.error()));
        QVERIFY(!parseFlProposal(QString()).ok());
        QVERIFY(!parseFlProposal(QStringLiteral("[1,2]")).ok());
        QString bad = plain;
        bad.replace(QStringLiteral("mobilenetv2"), QStringLiteral("vgg16"));
        QVERIFY(parseFlProposal(bad).error().contains(QStringLiteral("model")));
        bad = plain;
        bad.replace(QStringLiteral("\"lr\":0.002"), QStringLiteral("\"lr\":\"fast\""));
        QVERIFY(parseFlProposal(bad).error().contains(QStringLiteral("lr")));
        p = parseFlProposal(QStringLiteral(R"({"done":true,"reason":"good enough"})"));
        QVERIFY(p.ok() && p->done);
    }

    void promptCarriesAttempts()
    {
        FlTuneContext c;
        c.request = QStringLiteral("a clothing classifier for a Jetson Nano, under 1 MB");
        QCOMPARE(sizeLimitOf(c.request), qint64(1000000));
        QCOMPARE(sizeLimitOf(QStringLiteral("below 500 KB please")), qint64(500000));
        QCOMPARE(sizeLimitOf(QStringLiteral("a classifier")), qint64(0));
        FlAttempt a;
        a.index = 1;
        a.accuracyCurve = {0.61, 0.752, 0.841};
        a.lossCurve = {1.1, 0.71, 0.45};
        a.finalAccuracy = 0.841;
        a.seconds = 41;
        a.modelBytes = 1710000;
        const QJsonArray messages = flTuningMessages(c, {a});
        const QString user = messages.last().toObject().value(QStringLiteral("content")).toString();
        QVERIFY2(user.contains(QStringLiteral("attempt 1: cnn")), qPrintable(user));
        QVERIFY2(user.contains(QStringLiteral("reached 84.1% in 3 rounds, 41 s, 1.71 MB")),
                 qPrintable(user));
        QVERIFY(user.contains(QStringLiteral("61.0, 75.2, 84.1")));
        QVERIFY(user.contains(QStringLiteral("1000000 bytes")));
    }

    void localProposerReadsAttempts()
    {
        FlTuneContext c;
        c.request = QStringLiteral("a clothing classifier");
        FlProposal base;
        const FlProposal first = proposeLocally(c, base, {});
        QVERIFY(first.sameTraining(base));
        // A stalled loss: a higher learning rate.
        FlAttempt a;
        a.index = 1;
        a.proposal = first;
        a.accuracyCurve = {0.5, 0.505, 0.507};
        a.lossCurve = {1.0, 0.99, 0.985};
        a.finalAccuracy = 0.507;
        FlProposal next = proposeLocally(c, base, {a});
        QVERIFY2(next.lr > base.lr, qPrintable(next.reason));
        QVERIFY(next.reason.contains(QStringLiteral("stalled")));
        // Accuracy falling between rounds: fewer local epochs and the class-balanced loss.
        FlAttempt b = a;
        b.index = 2;
        b.proposal = next;
        b.proposal.localEpochs = 4;
        b.accuracyCurve = {0.6, 0.45, 0.62};
        b.lossCurve = {1.0, 1.3, 0.9};
        b.finalAccuracy = 0.62; // the best so far
        const FlProposal third = proposeLocally(c, base, {a, b});
        QVERIFY2(third.alphaAware && third.localEpochs == 2, qPrintable(third.reason));
        // Over the size limit: a smaller model.
        c.request = QStringLiteral("under 100 KB");
        FlAttempt big = a;
        big.modelBytes = 1700000;
        const FlProposal smaller = proposeLocally(c, base, {big});
        QCOMPARE(smaller.model, QStringLiteral("mobilenetv2"));
        QCOMPARE(smaller.width, 0.25); // 0.78 MB; at 0.5 it would outgrow the cnn
        // A width model over the limit: the width that fits about (size ~ width²), at least a
        // step down, never below 0.125.
        c.request = QStringLiteral("under 1 MB");
        FlAttempt wide = a;
        wide.proposal = base;
        wide.proposal.model = QStringLiteral("mobilenetv2");
        wide.proposal.width = 0.5;
        wide.modelBytes = 2520000;
        const FlProposal narrower = proposeLocally(c, base, {wide});
        QCOMPARE(narrower.model, QStringLiteral("mobilenetv2"));
        QVERIFY2(narrower.width > 0.25 && narrower.width < 0.31,
                 qPrintable(QString::number(narrower.width)));
        wide.modelBytes = 1050000; // just over: still a step down
        QCOMPARE(proposeLocally(c, base, {wide}).width, 0.45);
        // Never a configuration already tried.
        QList<FlAttempt> all{a};
        for (int k = 2; k < 30; ++k) {
            FlAttempt t = a;
            t.index = k;
            t.proposal = proposeLocally(c, base, all);
            if (t.proposal.done)
                break;
            for (const FlAttempt &prev : all)
                QVERIFY(!prev.proposal.sameTraining(t.proposal));
            all << t;
        }
    }
};

QTEST_GUILESS_MAIN(TestFlCore)
#include "tst_fl_core.moc"
