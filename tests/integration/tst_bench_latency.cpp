// `edgegpt bench latency` run small with real agent processes on 127.0.0.1: one JSON object with
// a row per rate and every scheme's median, the best split no slower than any split tried, the
// CSV with one line per run and the PNG plot written; bad options get a usage error.
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "integration/CliProcess.h"

class TestBenchLatency : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model;

private Q_SLOTS:
    void initTestCase()
    {
        m_model = m_dir.filePath(QStringLiteral("cnn"));
        CliOutcome r =
            runCli({QStringLiteral("train"), QStringLiteral("--epochs"), QStringLiteral("1"),
                    QStringLiteral("--limit"), QStringLiteral("1000"), QStringLiteral("--threads"),
                    QStringLiteral("2"), QStringLiteral("--out"), m_model},
                   240000);
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({QStringLiteral("bench"), QStringLiteral("coinference"),
                    QStringLiteral("--model-dir"), m_model, QStringLiteral("--images"),
                    QStringLiteral("200"), QStringLiteral("--threads"), QStringLiteral("2"),
                    QStringLiteral("--out"), m_dir.filePath(QStringLiteral("cost"))},
                   240000);
        QVERIFY2(r.code == 0, r.err.constData());
    }

    void smallRunGivesEveryScheme()
    {
        const QString out = m_dir.filePath(QStringLiteral("latency"));
        const CliOutcome r = runCli(
            {QStringLiteral("bench"), QStringLiteral("latency"), QStringLiteral("--model-dir"),
             m_model, QStringLiteral("--rates"), QStringLiteral("150,450"),
             QStringLiteral("--images"), QStringLiteral("4"), QStringLiteral("--round-images"),
             QStringLiteral("2"), QStringLiteral("--slowdown"), QStringLiteral("2"),
             QStringLiteral("--splits"), QStringLiteral("input,fc1,logits"),
             QStringLiteral("--agent"), QStringLiteral(EDGEGPT_AGENT_PATH), QStringLiteral("--out"),
             out, QStringLiteral("--json")},
            300000);
        QVERIFY2(r.code == 0, r.err.constData());
        // Exactly one JSON object on stdout.
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.trimmed(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), r.out.constData());
        QCOMPARE(r.out.trimmed().count('\n'), 0);
        const QJsonArray rates = doc.object().value(QStringLiteral("rates")).toArray();
        QCOMPARE(rates.size(), 2);
        QCOMPARE(rates[0].toObject().value(QStringLiteral("rate_kbps")).toDouble(), 150.0);
        QCOMPARE(rates[1].toObject().value(QStringLiteral("rate_kbps")).toDouble(), 450.0);
        for (const QJsonValue &v : rates) {
            const QJsonObject row = v.toObject();
            for (const char *key : {"device_only_ms", "edge_lossless_ms", "edge_lossy_ms",
                                    "fixed_split_ms", "adaptive_ms", "best_split_ms"}) {
                QVERIFY2(row.value(QLatin1String(key)).isDouble(), key);
                QVERIFY2(row.value(QLatin1String(key)).toDouble() > 0, key);
            }
            // The best split is the fastest of the splits tried, and device-only is one of them.
            const QJsonObject perSplit = row.value(QStringLiteral("split_ms")).toObject();
            QCOMPARE(perSplit.keys(), (QStringList{QStringLiteral("fc1"), QStringLiteral("input"),
                                                   QStringLiteral("logits")}));
            for (const QJsonValue &ms : perSplit)
                QVERIFY(row.value(QStringLiteral("best_split_ms")).toDouble() <= ms.toDouble());
            QCOMPARE(perSplit.value(QStringLiteral("logits")).toDouble(),
                     row.value(QStringLiteral("device_only_ms")).toDouble());
            // The fixed split is measured once, for its scheme and for the search.
            QCOMPARE(perSplit.value(QStringLiteral("fc1")).toDouble(),
                     row.value(QStringLiteral("fixed_split_ms")).toDouble());
            // Adaptive against every scheme and the best split, with an interval and a verdict.
            const QJsonObject versus = row.value(QStringLiteral("adaptive_versus")).toObject();
            for (const char *key :
                 {"device_only", "edge_lossless", "edge_lossy", "fixed_split", "best_split"}) {
                const QJsonObject c = versus.value(QLatin1String(key)).toObject();
                QVERIFY2(c.value(QStringLiteral("ci95_low_ms")).toDouble() <=
                             c.value(QStringLiteral("ci95_high_ms")).toDouble(),
                         key);
                QVERIFY2(QStringList({QStringLiteral("at or below"), QStringLiteral("within noise"),
                                      QStringLiteral("above")})
                             .contains(c.value(QStringLiteral("verdict")).toString()),
                         key);
            }
            // Both rounds ran for adaptive (4 images); a scheme dropped as slow answered >= 2.
            const QJsonObject answered = row.value(QStringLiteral("answered")).toObject();
            QCOMPARE(answered.value(QStringLiteral("adaptive")).toInt(), 4);
            for (const QJsonValue &n : answered)
                QVERIFY(n.toInt() >= 2 && n.toInt() <= 4);
            QVERIFY(perSplit.contains(row.value(QStringLiteral("best_split")).toString()));
            const double share = row.value(QStringLiteral("adaptive_overhead_share")).toDouble(-1);
            QVERIFY(share >= 0 && share < 1);
        }
        // 2 rates × (5 schemes + the input split; fc1 and logits are schemes), one CSV line each,
        // and the plot.
        QFile csv(out + QStringLiteral("/latency.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 2 * 6);
        QVERIFY(lines[0].startsWith("rate_kbps,scheme,split,codec"));
        const QImage png(out + QStringLiteral("/latency.png"));
        QVERIFY(!png.isNull());
    }

    void badOptionsAreUsageErrors()
    {
        for (const QStringList &args :
             {QStringList{QStringLiteral("--rates"), QStringLiteral("100,fast")},
              QStringList{QStringLiteral("--images"), QStringLiteral("0")},
              QStringList{QStringLiteral("--round-images"), QStringLiteral("0")},
              QStringList{QStringLiteral("--codec-slowdown"), QStringLiteral("0.5")},
              QStringList{QStringLiteral("--splits"), QStringLiteral("nowhere")},
              QStringList{QStringLiteral("--fixed-split"), QStringLiteral("nowhere")}}) {
            const CliOutcome r =
                runCli(QStringList{QStringLiteral("bench"), QStringLiteral("latency"),
                                   QStringLiteral("--model-dir"), m_model} +
                           args,
                       60000);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.startsWith("edgegpt: "), r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestBenchLatency)
#include "tst_bench_latency.moc"
