// The cache model: few-shot accuracy, Age of Context arithmetic, cost parts, the models file,
// the trace generator and the CSV trace reader (docs/caching.md).
#include "core/cache/AgeOfContext.h"
#include "core/cache/CacheModel.h"
#include "core/cache/CacheTrace.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace edgegpt::cache;
using edgegpt::Result;

namespace {

CachedModelSpec model(const QString &name)
{
    CachedModelSpec m;
    m.name = name;
    m.sizeGb = 1;
    m.loadTimeS = 10;
    m.loadEnergyKj = 2;
    m.edgeLatencyS = 1;
    m.cloudLatencyS = 0.5;
    m.cloudPriceUsd = 0.003;
    m.requestKb = 100;
    m.responseKb = 400;
    m.accuracyZeroShot = 0.4;
    m.accuracyMax = 0.8;
    m.fewShotBeta = std::log(2.0);
    m.contextWindow = 4;
    return m;
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
        return {};
    return path;
}

} // namespace

class TestCacheModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fewShotCurve()
    {
        const CachedModelSpec m = model(QStringLiteral("a"));
        QCOMPARE(fewShotAccuracy(m, 0), 0.4);
        // beta = ln 2: each example halves what is left to gain.
        QVERIFY(std::abs(fewShotAccuracy(m, 1) - 0.6) < 1e-12);
        QVERIFY(std::abs(fewShotAccuracy(m, 2) - 0.7) < 1e-12);
        QVERIFY(fewShotAccuracy(m, 1000) <= 0.8);
        QCOMPARE(fewShotAccuracy(m, -3), 0.4);
    }

    void ageOfContextArithmetic()
    {
        AgeOfContextParams p;
        p.stepS = 10;
        p.decayPerStep = 0.5;
        p.otherTopicRelevance = 0.25;
        std::vector<CachedModelSpec> models{model(QStringLiteral("a")), model(QStringLiteral("b"))};
        models[0].contextWindow = 0.5;
        AgeOfContext aoc(p, models);
        QCOMPARE(aoc.weightedExamples(0, 1, 0), 0.0);
        QCOMPARE(aoc.usableNow(0, 0), 0.0);
        aoc.addExample(0, 1, 0);
        aoc.addExample(0, 2, 10);
        // At t = 20: topic 1's example is two steps old (0.25), topic 2's one step (0.5).
        QVERIFY(std::abs(aoc.weightedExamples(0, 1, 20) - (0.25 + 0.25 * 0.5)) < 1e-12);
        QVERIFY(std::abs(aoc.weightedExamples(0, 2, 20) - (0.5 + 0.25 * 0.25)) < 1e-12);
        QVERIFY(std::abs(aoc.weightedExamples(0, 3, 20) - 0.25 * 0.75) < 1e-12);
        // The window caps the usable context.
        QCOMPARE(aoc.usable(0, 2, 20), 0.5);
        QVERIFY(std::abs(aoc.usable(0, 3, 20) - 0.1875) < 1e-12);
        // Latest topic is 2; the best topic is 2 as well.
        QCOMPARE(aoc.latestTopic(0), 2);
        QVERIFY(std::abs(aoc.weightedNow(0, 20) - 0.5625) < 1e-12);
        QVERIFY(std::abs(aoc.weightedBest(0, 20) - 0.5625) < 1e-12);
        // A second example on the same topic adds to the decayed one.
        aoc.addExample(0, 2, 20);
        QVERIFY(std::abs(aoc.weightedExamples(0, 2, 20) - (1.5 + 0.25 * 0.25)) < 1e-12);
        // The other model is untouched.
        QCOMPARE(aoc.weightedExamples(1, 2, 20), 0.0);
        QCOMPARE(aoc.weight(30), 0.125);
    }

    void costParts()
    {
        CacheSystem s;
        s.weights = {2.0, 3.0, 1000.0, 10.0};
        s.network = {0.01, 10.0, 0.05, 5.0};
        s.models = {model(QStringLiteral("a"))};
        const CachedModelSpec &m = s.models[0];
        const CostParts load = loadCost(s, m);
        QCOMPARE(load.switching, 2.0 * 10 + 3.0 * 2);
        QCOMPARE(load.system(), load.switching);

        const CostParts edge = edgeCost(s, m, 1);
        QVERIFY(std::abs(edge.accuracy - 10 * (0.8 - 0.6)) < 1e-12);
        QCOMPARE(edge.inferenceLatency, 2.0);
        // 0.5 MB over 10 MB/s plus the 10 ms round trip, at 2 per second.
        QVERIFY(std::abs(edge.transmissionLatency - 2 * (0.01 + 0.05)) < 1e-12);
        QCOMPARE(edge.cloud, 0.0);
        QCOMPARE(edge.switching, 0.0);
        QVERIFY(std::abs(edge.system() - (edge.accuracy + edge.inferenceLatency +
                                          edge.transmissionLatency)) < 1e-12);
        // More context than the window counts as the window.
        QCOMPARE(edgeCost(s, m, 100).accuracy, edgeCost(s, m, 4).accuracy);

        const CostParts cloud = cloudCost(s, m);
        QVERIFY(std::abs(cloud.accuracy - 10 * 0.4) < 1e-12); // zero-shot
        QCOMPARE(cloud.inferenceLatency, 1.0);
        QVERIFY(std::abs(cloud.transmissionLatency - 2 * (0.01 + 0.05 + 0.05 + 0.1)) < 1e-12);
        QVERIFY(std::abs(cloud.cloud - 3.0) < 1e-12);
        QVERIFY(std::abs(cloud.system() - (cloud.accuracy + cloud.inferenceLatency +
                                           cloud.transmissionLatency + cloud.cloud)) < 1e-12);
        CostParts sum = edge;
        sum += cloud;
        sum += load;
        QVERIFY(std::abs(sum.system() - (edge.system() + cloud.system() + load.system())) < 1e-9);
    }

    void defaultModels()
    {
        const Result<CacheSystem> s = defaultCacheSystem();
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QVERIFY(s->models.size() >= 6);
        QVERIFY(s->memoryGb > 0);
        bool image = false, llm = false;
        double total = 0;
        for (const CachedModelSpec &m : s->models) {
            QVERIFY(m.sizeGb > 0);
            QVERIFY(m.accuracyMax >= m.accuracyZeroShot);
            image |= m.kind == QLatin1String("image");
            llm |= m.kind == QLatin1String("llm");
            total += m.sizeGb;
        }
        QVERIFY(image && llm);
        // The point of caching: not everything fits.
        QVERIFY(total > s->memoryGb);
    }

    void modelsFileErrors()
    {
        Result<CacheSystem> r = parseCacheSystem("{\"models\":[{\"name\":\"a\"}]}", "m.json");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(QLatin1String("m.json: $.models[0].size_gb: missing")),
                 qPrintable(r.error()));
        r = parseCacheSystem("{\"models\":[]}", "m.json");
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QLatin1String("$.models")));
        r = parseCacheSystem("{\"models\":", "m.json");
        QVERIFY(!r.ok());
        QVERIFY(r.error().startsWith(QLatin1String("m.json: offset")));
        r = parseCacheSystem("{\"age_of_context\":{\"decay_per_step\":2},\"models\":[]}", "m.json");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QLatin1String("$.age_of_context.decay_per_step")),
                 qPrintable(r.error()));
    }

    void generatorIsDeterministic()
    {
        TraceParams p;
        p.requests = 5000;
        p.seed = 7;
        const std::vector<CacheRequest> a = generateTrace(p, 9);
        const std::vector<CacheRequest> b = generateTrace(p, 9);
        QCOMPARE(a.size(), size_t(5000));
        bool same = true;
        for (size_t i = 0; i < a.size(); ++i)
            same &= a[i].time == b[i].time && a[i].model == b[i].model && a[i].topic == b[i].topic;
        QVERIFY(same);
        p.seed = 8;
        const std::vector<CacheRequest> c = generateTrace(p, 9);
        int differ = 0;
        for (size_t i = 0; i < a.size(); ++i)
            differ += a[i].model != c[i].model;
        QVERIFY(differ > 1000);
        // Times increase; every model and topic is in range; about 1 request a second.
        for (size_t i = 1; i < a.size(); ++i)
            QVERIFY(a[i].time >= a[i - 1].time);
        for (const CacheRequest &q : a) {
            QVERIFY(q.model >= 0 && q.model < 9);
            QVERIFY(q.topic >= 0 && q.topic < p.topics);
        }
        QVERIFY(a.back().time > 4500 && a.back().time < 5500);
    }

    void generatorSkewAndDrift()
    {
        TraceParams p;
        p.requests = 20000;
        p.zipfS = 1.5;
        p.driftEveryS = 0;
        const std::vector<CacheRequest> t = generateTrace(p, 5);
        std::vector<int> counts(5);
        for (const CacheRequest &q : t)
            ++counts[size_t(q.model)];
        std::sort(counts.begin(), counts.end(), std::greater<int>());
        // Zipf 1.5 over 5 ranks: the top one has 1 / H(5, 1.5) = 1 / 1.7605 = 0.568.
        QVERIFY(std::abs(counts[0] / 20000.0 - 0.568) < 0.02);
        QVERIFY(counts[0] > counts[1] && counts[1] > counts[2]);
        // With drift, the most requested model of the first and last quarter differ for
        // this seed (popularity moves).
        p.driftEveryS = 300;
        const std::vector<CacheRequest> d = generateTrace(p, 5);
        const auto top = [&](size_t from, size_t to) {
            std::vector<int> c(5);
            for (size_t i = from; i < to; ++i)
                ++c[size_t(d[i].model)];
            return int(std::max_element(c.begin(), c.end()) - c.begin());
        };
        QVERIFY(top(0, 2000) != top(18000, 20000) || top(0, 2000) != top(9000, 11000));
    }

    void csvTrace()
    {
        QTemporaryDir dir;
        CacheSystem s;
        s.models = {model(QStringLiteral("a")), model(QStringLiteral("b"))};
        const QString ok =
            writeFile(dir, QStringLiteral("ok.csv"),
                      "time,model,prompt\n0,a,Translate this\n1.5,b,\"draw, a cat\"\n"
                      "\n2,a,translate that\n2,a,summarise\n3,b\n");
        const auto t = readTraceCsv(ok, s);
        QVERIFY2(t.ok(), qPrintable(t.error()));
        QCOMPARE(t->size(), size_t(5));
        QCOMPARE((*t)[1].model, 1);
        QCOMPARE((*t)[1].time, 1.5);
        // Same first word (case-folded): same topic; no prompt: topic 0.
        QCOMPARE((*t)[0].topic, (*t)[2].topic);
        QVERIFY((*t)[0].topic != (*t)[3].topic);
        QVERIFY((*t)[1].topic != (*t)[0].topic);
        QCOMPARE((*t)[4].topic, 0);

        const struct
        {
            const char *name;
            QByteArray text;
            const char *expected;
        } bad[] = {
            {"unknown.csv", "time,model\n0,a\n1,zeta\n", ":3: unknown model \"zeta\""},
            {"number.csv", "time,model\n0,a\nsoon,b\n", ":3: time \"soon\" is not a number"},
            {"back.csv", "time,model\n5,a\n4,b\n", ":3: time 4 goes backwards"},
            {"header.csv", "when,which\n0,a\n", ":1: the header must name the columns"},
            {"short.csv", "prompt,time,model\nhello,0\n", ":2: expected at least 3 columns"},
            {"empty.csv", "time,model\n", ":1: no requests"},
            {"quote.csv", "time,model,prompt\n0,a,\"open\n", ":2: unterminated quote"},
        };
        for (const auto &b : bad) {
            const QString path = writeFile(dir, QString::fromLatin1(b.name), b.text);
            const auto r = readTraceCsv(path, s);
            QVERIFY2(!r.ok(), b.name);
            QVERIFY2(r.error().startsWith(path + QLatin1String(b.expected)), qPrintable(r.error()));
            QVERIFY(!r.error().contains(QLatin1Char('\n')));
        }
        QVERIFY(!readTraceCsv(dir.filePath(QStringLiteral("missing.csv")), s).ok());
    }
};

QTEST_APPLESS_MAIN(TestCacheModel)
#include "tst_cache_model.moc"
