// `edgegpt fl run` end to end on real processes: an aggregator and device agents on 127.0.0.1
// exchanging real weights. A device killed at the start of a round costs that round one device
// and the run goes on; a device whose updates are not finite or of another shape is refused and
// left out of the average; the trained model is saved like `edgegpt train`'s and loads back.
// Tiny on purpose (2–3 devices, 120 images each, 1–2 rounds, 300 test images).
#include "CliProcess.h"

#include "models/ModelStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

QList<QJsonObject> roundLog(const QString &dir)
{
    QFile f(dir + QStringLiteral("/fl-rounds.jsonl"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return cliJsonLines(f.readAll());
}

QStringList common(const QString &out)
{
    return {QStringLiteral("fl"),
            QStringLiteral("run"),
            QStringLiteral("--samples-per-device"),
            QStringLiteral("120"),
            QStringLiteral("--test-samples"),
            QStringLiteral("300"),
            QStringLiteral("--batch"),
            QStringLiteral("20"),
            QStringLiteral("--out"),
            out,
            QStringLiteral("--agent"),
            QStringLiteral(EDGEGPT_AGENT_PATH),
            QStringLiteral("--json")};
}

} // namespace

class TestFlRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aKilledDeviceCostsOneRound()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("model"));
        const CliOutcome r = runCli(
            common(out) + QStringList{QStringLiteral("--devices"), QStringLiteral("3"),
                                      QStringLiteral("--rounds"), QStringLiteral("2"),
                                      QStringLiteral("--kill-device"), QStringLiteral("2@2")},
            60000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QJsonObject> lines = cliJsonLines(r.out);
        QCOMPARE(lines.size(), 3);
        // The contract's keys, exactly.
        QCOMPARE(lines[0].keys(),
                 (QStringList{QStringLiteral("accuracy"), QStringLiteral("bytes_down"),
                              QStringLiteral("bytes_up"), QStringLiteral("devices"),
                              QStringLiteral("loss"), QStringLiteral("round"),
                              QStringLiteral("round_ms")}));
        QCOMPARE(lines[0].value(QStringLiteral("round")).toInt(), 1);
        QCOMPARE(lines[0].value(QStringLiteral("devices")).toInt(), 3);
        QCOMPARE(lines[1].value(QStringLiteral("devices")).toInt(), 2); // device-2 killed
        QVERIFY(lines[0].value(QStringLiteral("bytes_up")).toInteger() > 1000);
        QVERIFY(lines[0].value(QStringLiteral("bytes_down")).toInteger() >
                lines[0].value(QStringLiteral("bytes_up")).toInteger()); // f32 down, q8 up
        const double acc = lines[1].value(QStringLiteral("accuracy")).toDouble();
        QVERIFY2(acc > 0.2 && acc <= 1, qPrintable(QString::number(acc))); // chance is 0.1
        const QJsonObject final = lines[2];
        QCOMPARE(final.keys(),
                 (QStringList{QStringLiteral("config"), QStringLiteral("final_accuracy"),
                              QStringLiteral("model"), QStringLiteral("model_dir"),
                              QStringLiteral("rounds")}));
        QCOMPARE(final.value(QStringLiteral("rounds")).toInt(), 2);
        QCOMPARE(final.value(QStringLiteral("final_accuracy")).toDouble(), acc);
        const QList<QJsonObject> log = roundLog(out);
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[1].value(QStringLiteral("left_out")).toArray().first().toString(),
                 QStringLiteral("device-2"));
        // Every round's averaged model had its BatchNorm statistics recomputed on the aggregator's
        // 1,000 images (docs/federated.md, "BatchNorm"): a pass that takes time, not a skip.
        for (const QJsonObject &round : log) {
            QCOMPARE(round.value(QStringLiteral("norm_images")).toInt(), 1000);
            QVERIFY(!round.contains(QStringLiteral("norm_error")));
            QVERIFY2(
                round.value(QStringLiteral("norm_ms")).toDouble() > 10,
                qPrintable(QString::number(round.value(QStringLiteral("norm_ms")).toDouble())));
        }
        // Saved like `edgegpt train`'s: it loads, with its accuracy recorded.
        const edgegpt::Result<edgegpt::StoredModel> model = edgegpt::ModelStore::load(out);
        QVERIFY2(model.ok(), qPrintable(model.error()));
        QCOMPARE(model->meta.value(QStringLiteral("test_accuracy")).toDouble(), acc);
        QVERIFY(model->meta.value(QStringLiteral("splits")).toArray().size() > 2);
    }

    void badUpdatesAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("non-finite") << QStringLiteral("nan") << QStringLiteral("not finite");
        QTest::newRow("wrong shape") << QStringLiteral("shape") << QStringLiteral("shape");
    }

    void badUpdatesAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("model"));
        const CliOutcome r = runCli(
            common(out) + QStringList{QStringLiteral("--devices"), QStringLiteral("2"),
                                      QStringLiteral("--rounds"), QStringLiteral("1"),
                                      QStringLiteral("--bad-update"), QStringLiteral("1:") + kind},
            60000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QList<QJsonObject> lines = cliJsonLines(r.out);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].value(QStringLiteral("devices")).toInt(), 1);
        const QList<QJsonObject> log = roundLog(out);
        QCOMPARE(log.size(), 1);
        const QJsonArray refused = log[0].value(QStringLiteral("refused")).toArray();
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused[0].toObject().value(QStringLiteral("device")).toString(),
                 QStringLiteral("device-1"));
        QVERIFY2(refused[0].toObject().value(QStringLiteral("reason")).toString().contains(reason),
                 qPrintable(refused[0].toObject().value(QStringLiteral("reason")).toString()));
        // The average is device-0's alone: still a model that beats chance.
        QVERIFY(lines[0].value(QStringLiteral("accuracy")).toDouble() > 0.15);
    }

    void badFlagsAreOneLine()
    {
        for (const QStringList &args :
             {QStringList{QStringLiteral("fl"), QStringLiteral("run"), QStringLiteral("--model"),
                          QStringLiteral("vgg")},
              QStringList{QStringLiteral("fl"), QStringLiteral("run"), QStringLiteral("--alpha"),
                          QStringLiteral("0")},
              QStringList{QStringLiteral("fl"), QStringLiteral("run"), QStringLiteral("--fleet"),
                          QStringLiteral("f.json")}}) {
            const CliOutcome r = runCli(args, 10000);
            QCOMPARE(r.code, 2);
            QCOMPARE(r.err.trimmed().count('\n'), 0);
            QVERIFY(r.err.startsWith("edgegpt: "));
        }
    }
};

QTEST_GUILESS_MAIN(TestFlRun)
#include "tst_fl_run.moc"
