// The edgegpt command line as scripts use it: `plan` and `bench planning`, their outputs and
// exit codes (0 ok, 2 usage, 3 planning failed).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

class TestCliPlan : public QObject
{
    Q_OBJECT
private:
    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    Run edgegpt(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(EDGEGPT_CLI_PATH), args);
        Run r;
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.code = p.exitCode();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }
private Q_SLOTS:
    void planPrintsThePapersFormat()
    {
        const Run r =
            edgegpt({QStringLiteral("plan"), QStringLiteral("What's in the front of my car?")});
        QCOMPARE(r.code, 0);
        QCOMPARE(
            r.out,
            QByteArray(
                "{Task 1: Capture an image, {AI model: NA}, {Edge device: Vehicle}}\n"
                "{Task 2: Caption the image, {AI model: Salesforce/blip-image-captioning-base}, "
                "{Edge device: Vehicle}, {Inputs: Task 1}}\n"));
    }
    void planPrintsJson()
    {
        const Run r =
            edgegpt({QStringLiteral("plan"), QStringLiteral("Please transcribe 'talk.wav'"),
                     QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("format")).toString(), QStringLiteral("edgegpt-plan"));
        QCOMPARE(o.value(QStringLiteral("tasks"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("task"))
                     .toString(),
                 QStringLiteral("Automatic Speech Recognition"));
    }
    void exitCodes()
    {
        Run r = edgegpt({QStringLiteral("plan")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("edgegpt: "));
        r = edgegpt({QStringLiteral("plan"), QStringLiteral("x"), QStringLiteral("--format"),
                     QStringLiteral("xml")});
        QCOMPARE(r.code, 2);
        r = edgegpt({QStringLiteral("plan"), QStringLiteral("Good evening to you")});
        QCOMPARE(r.code, 3);
        QCOMPARE(r.err.count('\n'), 1); // one line that says why
        r = edgegpt({QStringLiteral("frobnicate")});
        QCOMPARE(r.code, 2);
    }
    void benchPlanningJsonContract()
    {
        const Run r =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                     QStringLiteral("--json"), QStringLiteral("--repeat"), QStringLiteral("2")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const char *key :
             {"node_f1", "link_f1", "exact_match", "median_ms", "p95_ms", "samples"})
            QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
        QCOMPARE(o.value(QStringLiteral("samples")).toInt(), 133);
        QVERIFY(o.value(QStringLiteral("node_f1")).toDouble() > 0.5 &&
                o.value(QStringLiteral("node_f1")).toDouble() <= 1);
        QVERIFY(o.value(QStringLiteral("p95_ms")).toDouble() >=
                o.value(QStringLiteral("median_ms")).toDouble());
        const Run missing =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral("/nonexistent.jsonl")});
        QCOMPARE(missing.code, 1);
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "tst_cli_plan.moc"
