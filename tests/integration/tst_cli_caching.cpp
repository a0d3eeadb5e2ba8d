// `edgegpt bench caching` as a real process: the JSON object's shape and sums, determinism for a
// seed, the files of --out, and one-line errors for bad traces and policies.
#include "CliProcess.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

class TestCliCaching : public QObject
{
    Q_OBJECT

private:
    static QJsonObject runJson(const QStringList &extra)
    {
        const CliOutcome r = runCli(QStringList{QStringLiteral("bench"), QStringLiteral("caching"),
                                                QStringLiteral("--json")} +
                                        extra,
                                    120000);
        if (r.code != 0)
            qWarning("stderr: %s", r.err.constData());
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &e);
        return r.code == 0 && e.error == QJsonParseError::NoError ? doc.object() : QJsonObject();
    }

private Q_SLOTS:
    void jsonShape()
    {
        const QJsonObject o = runJson({QStringLiteral("--requests"), QStringLiteral("5000"),
                                       QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY(!o.isEmpty());
        QCOMPARE(QStringList(o.keys()),
                 (QStringList{QStringLiteral("elapsed_ms"), QStringLiteral("memory_gb"),
                              QStringLiteral("models"), QStringLiteral("policies"),
                              QStringLiteral("requests")}));
        QCOMPARE(o.value(QStringLiteral("requests")).toInt(), 5000);
        QCOMPARE(o.value(QStringLiteral("memory_gb")).toDouble(), 40.0);
        QVERIFY(o.value(QStringLiteral("elapsed_ms")).toDouble() > 0);
        const QJsonArray models = o.value(QStringLiteral("models")).toArray();
        QVERIFY(models.size() >= 6);
        for (const QJsonValue &m : models) {
            QCOMPARE(m.toObject().keys().size(), 2);
            QVERIFY(!m.toObject().value(QStringLiteral("name")).toString().isEmpty());
            QVERIFY(m.toObject().value(QStringLiteral("size_gb")).toDouble() > 0);
        }
        const QJsonArray policies = o.value(QStringLiteral("policies")).toArray();
        QStringList names;
        int proposed = 0;
        const QStringList keys{QStringLiteral("accuracy_cost"),
                               QStringLiteral("cloud_cost"),
                               QStringLiteral("edge_execution_ratio"),
                               QStringLiteral("evictions"),
                               QStringLiteral("hit_ratio"),
                               QStringLiteral("inference_latency"),
                               QStringLiteral("loads"),
                               QStringLiteral("name"),
                               QStringLiteral("proposed"),
                               QStringLiteral("switching_cost"),
                               QStringLiteral("system_cost"),
                               QStringLiteral("transmission_latency")};
        for (const QJsonValue &v : policies) {
            const QJsonObject p = v.toObject();
            QCOMPARE(QStringList(p.keys()), keys);
            names << p.value(QStringLiteral("name")).toString();
            proposed += p.value(QStringLiteral("proposed")).toBool();
            const double parts = p.value(QStringLiteral("switching_cost")).toDouble() +
                                 p.value(QStringLiteral("accuracy_cost")).toDouble() +
                                 p.value(QStringLiteral("inference_latency")).toDouble() +
                                 p.value(QStringLiteral("transmission_latency")).toDouble() +
                                 p.value(QStringLiteral("cloud_cost")).toDouble();
            QVERIFY(std::abs(parts - p.value(QStringLiteral("system_cost")).toDouble()) < 1e-9);
            const double hit = p.value(QStringLiteral("hit_ratio")).toDouble();
            const double edge = p.value(QStringLiteral("edge_execution_ratio")).toDouble();
            QVERIFY(hit >= 0 && hit <= edge && edge <= 1);
            QVERIFY(p.value(QStringLiteral("evictions")).toInteger() <=
                    p.value(QStringLiteral("loads")).toInteger());
        }
        QCOMPARE(names, (QStringList{"LC", "LFU", "FIFO", "Random", "Cloud", "LRU", "GDSF",
                                     "Oracle", "CVA"}));
        QCOMPARE(proposed, 1);
        QVERIFY(policies.last().toObject().value(QStringLiteral("proposed")).toBool());
    }

    void deterministicForASeed()
    {
        const QStringList args{QStringLiteral("--requests"), QStringLiteral("4000"),
                               QStringLiteral("--seed"),     QStringLiteral("9"),
                               QStringLiteral("--policy"),   QStringLiteral("lc,random"),
                               QStringLiteral("--policy"),   QStringLiteral("CVA")};
        QJsonObject a = runJson(args);
        QJsonObject b = runJson(args);
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        QCOMPARE(a.value(QStringLiteral("policies")).toArray().size(), 3);
        a.remove(QStringLiteral("elapsed_ms"));
        b.remove(QStringLiteral("elapsed_ms"));
        QCOMPARE(a, b);
        QJsonObject c =
            runJson({QStringLiteral("--requests"), QStringLiteral("4000"), QStringLiteral("--seed"),
                     QStringLiteral("10"), QStringLiteral("--policy"), QStringLiteral("LC")});
        QVERIFY(c.value(QStringLiteral("policies")).toArray()[0] !=
                a.value(QStringLiteral("policies")).toArray()[0]);
    }

    void traceAndMemory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("trace.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("time,model,prompt\n");
        for (int i = 0; i < 300; ++i)
            f.write(QStringLiteral("%1,%2,write a poem\n")
                        .arg(i)
                        .arg(i % 3 ? QStringLiteral("phi-2") : QStringLiteral("opt-1.3b"))
                        .toUtf8());
        f.close();
        const QJsonObject o =
            runJson({QStringLiteral("--trace"), path, QStringLiteral("--memory-gb"),
                     QStringLiteral("10"), QStringLiteral("--policy"), QStringLiteral("LRU")});
        QCOMPARE(o.value(QStringLiteral("requests")).toInt(), 300);
        QCOMPARE(o.value(QStringLiteral("memory_gb")).toDouble(), 10.0);
        // Both models fit in 10 GB: two loads, no evictions, every other request a hit.
        const QJsonObject lru = o.value(QStringLiteral("policies")).toArray()[0].toObject();
        QCOMPARE(lru.value(QStringLiteral("loads")).toInt(), 2);
        QCOMPARE(lru.value(QStringLiteral("evictions")).toInt(), 0);
        QCOMPARE(lru.value(QStringLiteral("hit_ratio")).toDouble(), 298.0 / 300);
    }

    void outFiles()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("report"));
        const CliOutcome r = runCli({QStringLiteral("bench"), QStringLiteral("caching"),
                                     QStringLiteral("--requests"), QStringLiteral("3000"),
                                     QStringLiteral("--out"), out},
                                    120000);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("system cost"));
        QVERIFY(r.out.contains("CVA*"));
        QFile table(out + QStringLiteral("/caching.csv"));
        QVERIFY(table.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = table.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 10);
        QVERIFY(lines[0].startsWith("policy,proposed,system_cost,"));
        QVERIFY(lines[9].startsWith("CVA,true,"));
        QFile curve(out + QStringLiteral("/caching-cumulative.csv"));
        QVERIFY(curve.open(QIODevice::ReadOnly));
        QVERIFY(curve.readAll().count('\n') > 9 * 100);
        const QImage png(out + QStringLiteral("/caching-cost.png"));
        QVERIFY(!png.isNull());
        QVERIFY(png.width() > 500);
    }

    void optimalIsTheLeast()
    {
        // The exact offline optimum (not in the default run) costs no more than any policy.
        const QJsonObject o =
            runJson({QStringLiteral("--requests"), QStringLiteral("4000"), QStringLiteral("--seed"),
                     QStringLiteral("4"), QStringLiteral("--policy"),
                     QStringLiteral("LC,LFU,Oracle,CVA,optimal,LC-always")});
        const QJsonArray policies = o.value(QStringLiteral("policies")).toArray();
        QCOMPARE(policies.size(), 6);
        QCOMPARE(policies[4].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Optimal"));
        QCOMPARE(policies[5].toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("LC-always"));
        const double optimal =
            policies[4].toObject().value(QStringLiteral("system_cost")).toDouble();
        QVERIFY(optimal > 0);
        for (const QJsonValue &p : policies)
            QVERIFY2(optimal <= p.toObject().value(QStringLiteral("system_cost")).toDouble(),
                     qPrintable(p.toObject().value(QStringLiteral("name")).toString()));
    }

    void live()
    {
        // 40 requests of the generated trace replayed against a real edge agent on 127.0.0.1
        // holding one untrained model file per model: the agent's own counts (its metrics
        // stream) agree exactly with the simulator's on the same trace, sizes and budget.
        const QString agent = QStringLiteral(EDGEGPT_AGENT_PATH);
        if (agent.isEmpty())
            QSKIP("edgegpt-agent is not built");
        for (const char *policy : {"LRU", "LC"}) {
            const QJsonObject o = runJson(
                {QStringLiteral("--live"), QStringLiteral("--policy"), QString::fromLatin1(policy),
                 QStringLiteral("--requests"), QStringLiteral("40"), QStringLiteral("--seed"),
                 QStringLiteral("3"), QStringLiteral("--agent"), agent});
            QVERIFY2(!o.isEmpty(), policy);
            QCOMPARE(o.value(QStringLiteral("requests")).toInt(), 40);
            const QJsonObject live = o.value(QStringLiteral("live")).toObject();
            QCOMPARE(live.value(QStringLiteral("policy")).toString(), QString::fromLatin1(policy));
            QCOMPARE(live.value(QStringLiteral("requests")).toInt(), 40);
            QCOMPARE(live.value(QStringLiteral("reported_requests")).toInt(), 40);
            QCOMPARE(live.value(QStringLiteral("failed")).toInt(), 0);
            QCOMPARE(live.value(QStringLiteral("answered")).toInt() +
                         live.value(QStringLiteral("offloaded")).toInt(),
                     40);
            QVERIFY(live.value(QStringLiteral("untrained")).toBool());
            QCOMPARE(live.value(QStringLiteral("hit_ratio")).toDouble(),
                     live.value(QStringLiteral("simulated_hit_ratio")).toDouble());
            QCOMPARE(live.value(QStringLiteral("loads")).toInt(),
                     live.value(QStringLiteral("simulated_loads")).toInt());
            QCOMPARE(live.value(QStringLiteral("evictions")).toInt(),
                     live.value(QStringLiteral("simulated_evictions")).toInt());
            QVERIFY(live.value(QStringLiteral("loads")).toInt() > 0);
            if (QLatin1String(policy) == QLatin1String("LRU")) // room for a few of the nine
                QVERIFY(live.value(QStringLiteral("evictions")).toInt() > 0);
            QVERIFY(live.value(QStringLiteral("hit_ratio")).toDouble() > 0);
            // The files grow with the model they stand for.
            const QJsonArray models = live.value(QStringLiteral("models")).toArray();
            QCOMPARE(models.size(), o.value(QStringLiteral("models")).toArray().size());
            for (const QJsonValue &a : models)
                for (const QJsonValue &b : models)
                    if (a.toObject().value(QStringLiteral("stands_for_gb")).toDouble() <
                        b.toObject().value(QStringLiteral("stands_for_gb")).toDouble())
                        QVERIFY(a.toObject().value(QStringLiteral("size_mb")).toDouble() <
                                b.toObject().value(QStringLiteral("size_mb")).toDouble());
        }
    }

    void errors()
    {
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("bad.csv"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("time,model\n0,phi-2\n1,gpt-5\n");
        f.close();
        CliOutcome r = runCli(
            {QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--trace"), bad},
            60000);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains((bad + QStringLiteral(":3: unknown model \"gpt-5\"")).toUtf8()),
                 r.err.constData());
        QVERIFY(r.out.isEmpty());

        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("time,model\n2,phi-2\n1,phi-2\n");
        f.close();
        r = runCli(
            {QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--trace"), bad},
            60000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(":3: time 1 goes backwards"), r.err.constData());

        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--policy"),
                    QStringLiteral("belady")},
                   60000);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("unknown policy \"belady\""));

        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"),
                    QStringLiteral("--requests"), QStringLiteral("0")},
                   60000);
        QCOMPARE(r.code, 2);

        // --live replays one online policy.
        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--live"),
                    QStringLiteral("--policy"), QStringLiteral("LRU,LC")},
                   60000);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("give one --policy"));
        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--live"),
                    QStringLiteral("--policy"), QStringLiteral("Optimal"),
                    QStringLiteral("--requests"), QStringLiteral("10")},
                   60000);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("needs the future requests"), r.err.constData());

        // Optimal searches 2^models sets: a models file with 13 models is refused.
        QFile builtIn(QStringLiteral(EDGEGPT_SOURCE_DIR "/resources/caching/models.json"));
        QVERIFY(builtIn.open(QIODevice::ReadOnly));
        QJsonObject file = QJsonDocument::fromJson(builtIn.readAll()).object();
        QJsonArray models = file.value(QStringLiteral("models")).toArray();
        for (int i = 0; models.size() < 13; ++i) {
            QJsonObject copy = models[i].toObject();
            copy.insert(QStringLiteral("name"), QStringLiteral("copy-%1").arg(i));
            models.append(copy);
        }
        file.insert(QStringLiteral("models"), models);
        const QString many = dir.filePath(QStringLiteral("many.json"));
        QFile m(many);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write(QJsonDocument(file).toJson());
        m.close();
        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--models"),
                    many, QStringLiteral("--policy"), QStringLiteral("Optimal"),
                    QStringLiteral("--requests"), QStringLiteral("10")},
                   60000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("at most 12 models, the models file has 13"), r.err.constData());
        r = runCli({QStringLiteral("bench"), QStringLiteral("caching"), QStringLiteral("--models"),
                    many, QStringLiteral("--policy"), QStringLiteral("LC"),
                    QStringLiteral("--requests"), QStringLiteral("10")},
                   60000);
        QCOMPARE(r.code, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliCaching)
#include "tst_cli_caching.moc"
