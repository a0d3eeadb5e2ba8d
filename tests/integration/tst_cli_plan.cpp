// The edgegpt command line as scripts use it: `plan` and `bench planning`, their outputs and
// exit codes (0 ok, 2 usage, 3 planning failed).
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
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
        QCOMPARE(r.out,
                 QByteArray(
                     "{Task 1: Capture an image, {AI model: NA}, {Edge device: Vehicle}}\n"
                     "{Task 2: Caption the image, {AI model: Salesforce/blip-image-captioning-base "
                     "(not runnable here)}, {Edge device: Vehicle}, {Inputs: Task 1}}\n"));
    }
    // The clothing question: the planner may answer it with visual question answering, which
    // nothing runs here; with the default bindings the plan classifies the image instead, says
    // so, and names the stand-in. --no-availability keeps the planner's plan.
    void planUsesWhatRunsHere()
    {
        const QString request = QStringLiteral("What kind of clothing is in this picture?");
        const Run r = edgegpt({QStringLiteral("plan"), request});
        QCOMPARE(r.code, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY2(text.contains(QStringLiteral("(stand-in: fashion-mnist cnn)}")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("not runnable here")), qPrintable(text));

        const Run json = edgegpt(
            {QStringLiteral("plan"), request, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(json.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        bool classified = false;
        for (const QJsonValue &v : o.value(QStringLiteral("tasks")).toArray()) {
            const QJsonObject t = v.toObject();
            QVERIFY2(t.value(QStringLiteral("task")).toString() !=
                         QLatin1String("Visual Question Answering"),
                     json.out.constData());
            if (t.value(QStringLiteral("task")).toString() != QLatin1String("Image Classification"))
                continue;
            classified = true;
            const QJsonObject b = t.value(QStringLiteral("binding")).toObject();
            QCOMPARE(b.value(QStringLiteral("name")).toString(),
                     QStringLiteral("fashion-mnist-cnn"));
            QCOMPARE(b.value(QStringLiteral("stand_in")).toString(),
                     QStringLiteral("fashion-mnist cnn"));
            QCOMPARE(b.value(QStringLiteral("runnable")).toBool(), true);
        }
        QVERIFY2(classified, json.out.constData());

        const Run raw = edgegpt({QStringLiteral("plan"), request, QStringLiteral("--format"),
                                 QStringLiteral("json"), QStringLiteral("--no-availability")});
        QCOMPARE(raw.code, 0);
        const QJsonArray rawTasks =
            QJsonDocument::fromJson(raw.out).object().value(QStringLiteral("tasks")).toArray();
        bool vqa = false;
        for (const QJsonValue &v : rawTasks)
            if (v.toObject().value(QStringLiteral("task")).toString() ==
                QLatin1String("Visual Question Answering")) {
                vqa = true;
                QCOMPARE(v.toObject()
                             .value(QStringLiteral("binding"))
                             .toObject()
                             .value(QStringLiteral("runnable"))
                             .toBool(true),
                         false);
            }
        // When the planner itself answers with VQA, availability is what changed it: the note
        // says so. (A planner that classifies right away needs no substitution.)
        const QJsonArray notes = o.value(QStringLiteral("provenance"))
                                     .toObject()
                                     .value(QStringLiteral("notes"))
                                     .toArray();
        if (vqa) {
            QCOMPARE(notes.size(), 1);
            QVERIFY2(notes.first().toString().contains(
                         QStringLiteral("instead of visual question answering")),
                     json.out.constData());
            QVERIFY2(text.contains(QStringLiteral("\n# t")), qPrintable(text));
        }
    }
    void genuineVqaStaysVqa()
    {
        const Run r = edgegpt({QStringLiteral("plan"),
                               QStringLiteral("What color is the shirt in photo.jpg and is the "
                                              "person smiling?"),
                               QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        for (const QJsonValue &v : o.value(QStringLiteral("tasks")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("task")).toString() !=
                         QLatin1String("Image Classification"),
                     r.out.constData());
        QVERIFY(
            !o.value(QStringLiteral("provenance")).toObject().contains(QStringLiteral("notes")));
    }
    // `bench planning` scores the planner against TaskBench's own task lists: availability is not
    // applied there. A labelled request whose answer is VQA keeps scoring as VQA (were the
    // clothing question replaced by image classification, node F1 would be 0).
    void benchPlanningDoesNotApplyAvailability()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString data = tmp.filePath(QStringLiteral("vqa.jsonl"));
        QFile f(data);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"id": "1", "type": "single", "instruction": "What kind of clothing is in this picture?", "nodes": ["Visual Question Answering"], "links": []})"
            "\n");
        f.close();
        QVERIFY(QFile::copy(QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-tools.json"),
                            tmp.filePath(QStringLiteral("taskbench-hf-tools.json"))));
        const Run plain = edgegpt({QStringLiteral("plan"),
                                   QStringLiteral("What kind of clothing is in this picture?"),
                                   QStringLiteral("--no-availability")});
        QCOMPARE(plain.code, 0);
        if (!plain.out.contains("Answer a question about the image"))
            QSKIP("the planner itself does not answer the clothing question with VQA");
        const Run r = edgegpt({QStringLiteral("bench"), QStringLiteral("planning"),
                               QStringLiteral("--data"), data, QStringLiteral("--json"),
                               QStringLiteral("--repeat"), QStringLiteral("1")});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("samples")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("node_f1")).toDouble(), 1.0);
    }
    void bindingsOption()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        // A file that binds nothing the car plan uses, and one that binds its captioner.
        const QString own = tmp.filePath(QStringLiteral("own.json"));
        QFile f(own);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "edgegpt-bindings", "version": 1, "bindings": [
            {"name": "blip", "models": ["Salesforce/blip-image-captioning-base"],
             "dir": "blip-model", "stand_in": "my captioner"}]})");
        f.close();
        Run r = edgegpt({QStringLiteral("plan"), QStringLiteral("What's in the front of my car?"),
                         QStringLiteral("--bindings"), own});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("{AI model: Salesforce/blip-image-captioning-base (stand-in: my "
                                "captioner)}"),
                 r.out.constData());
        // Errors name the file and the JSON path; usage error.
        const QString bad = tmp.filePath(QStringLiteral("bad.json"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(R"({"format": "edgegpt-bindings", "version": 1, "bindings": [
            {"name": "Bad Name", "models": ["acme/nothing"], "dir": "x"}]})");
        b.close();
        r = edgegpt({QStringLiteral("plan"), QStringLiteral("What's in the front of my car?"),
                     QStringLiteral("--bindings"), bad});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QByteArray(bad.toUtf8() + ": $.bindings[0].name: ")),
                 r.err.constData());
        QVERIFY2(r.err.contains(QByteArray(
                     bad.toUtf8() +
                     ": $.bindings[0].models[0]: unknown catalog model \"acme/nothing\"")),
                 r.err.constData());
        r = edgegpt({QStringLiteral("plan"), QStringLiteral("x"), QStringLiteral("--bindings"),
                     tmp.filePath(QStringLiteral("missing.json"))});
        QCOMPARE(r.code, 2);
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
        // The 5-fold cross-validated figures (docs/benchmarks.md): node F1 0.874 (folds 0.818
        // to 0.950), link F1 0.603. Nothing is fitted, so they equal the plain ones.
        QVERIFY(o.value(QStringLiteral("node_f1")).toDouble() >= 0.85 &&
                o.value(QStringLiteral("node_f1")).toDouble() <= 1);
        QVERIFY(o.value(QStringLiteral("link_f1")).toDouble() >= 0.58);
        QCOMPARE(o.value(QStringLiteral("failures")).toInt(), 0);
        QVERIFY(o.value(QStringLiteral("p95_ms")).toDouble() >=
                o.value(QStringLiteral("median_ms")).toDouble());
        const Run cv =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                     QStringLiteral("--json"), QStringLiteral("--repeat"), QStringLiteral("1"),
                     QStringLiteral("--folds"), QStringLiteral("5")});
        QCOMPARE(cv.code, 0);
        const QJsonObject co = QJsonDocument::fromJson(cv.out).object();
        const QJsonObject folds = co.value(QStringLiteral("cv")).toObject();
        QCOMPARE(folds.value(QStringLiteral("folds")).toInt(), 5);
        QCOMPARE(folds.value(QStringLiteral("per_fold")).toArray().size(), 5);
        QVERIFY(
            folds.value(QStringLiteral("fitted")).toString().startsWith(QLatin1String("nothing")));
        QCOMPARE(folds.value(QStringLiteral("node_f1")).toDouble(),
                 co.value(QStringLiteral("node_f1")).toDouble());
        int foldSamples = 0;
        for (const QJsonValue &f : folds.value(QStringLiteral("per_fold")).toArray())
            foldSamples += f.toObject().value(QStringLiteral("samples")).toInt();
        QCOMPARE(foldSamples, 133);
        QVERIFY(folds.value(QStringLiteral("node_f1")).toDouble() >= 0.85);
        QCOMPARE(
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                     QStringLiteral("--folds"), QStringLiteral("1")})
                .code,
            2);
        const Run missing =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral("/nonexistent.jsonl")});
        QCOMPARE(missing.code, 1);
    }
    void benchPlanningDetailsAreWhatWasScored()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString details = dir.filePath(QStringLiteral("details.jsonl"));
        const Run r =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                     QStringLiteral("--json"), QStringLiteral("--repeat"), QStringLiteral("1"),
                     QStringLiteral("--details"), details});
        QCOMPARE(r.code, 0);
        const double exact =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("exact_match")).toDouble();
        // Recount the exact matches from the details, as TaskBench scores them (names outside
        // the 23 tasks count for neither side): they must be the samples that were scored.
        QFile tools(QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-tools.json"));
        QVERIFY(tools.open(QIODevice::ReadOnly));
        QSet<QString> vocabulary;
        for (const QJsonValue &n : QJsonDocument::fromJson(tools.readAll())
                                       .object()
                                       .value(QStringLiteral("nodes"))
                                       .toArray())
            vocabulary.insert(n.toObject().value(QStringLiteral("id")).toString());
        QFile f(details);
        QVERIFY(f.open(QIODevice::ReadOnly));
        int lines = 0, exactCount = 0, linked = 0;
        auto names = [&](const QJsonArray &a) {
            QSet<QString> out;
            for (const QJsonValue &v : a)
                if (vocabulary.contains(v.toString()))
                    out.insert(v.toString());
            return out;
        };
        auto pairs = [](const QJsonArray &a) {
            QSet<QString> out;
            for (const QJsonValue &v : a)
                out.insert(v.toArray().at(0).toString() + u'>' + v.toArray().at(1).toString());
            return out;
        };
        while (!f.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
            for (const char *key :
                 {"id", "instruction", "nodes", "links", "planned_nodes", "planned_links"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            ++lines;
            linked += o.value(QStringLiteral("planned_links")).toArray().isEmpty() ? 0 : 1;
            if (names(o.value(QStringLiteral("nodes")).toArray()) ==
                    names(o.value(QStringLiteral("planned_nodes")).toArray()) &&
                pairs(o.value(QStringLiteral("links")).toArray()) ==
                    pairs(o.value(QStringLiteral("planned_links")).toArray()))
                ++exactCount;
        }
        QCOMPARE(lines, 133);
        QVERIFY(linked > 30); // the chains are there
        QCOMPARE(exactCount, qRound(exact * 133));
        // An unwritable details file is refused before anything is planned.
        const Run bad =
            edgegpt({QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                     QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                     QStringLiteral("--details"), QStringLiteral("/nonexistent/dir/d.jsonl")});
        QCOMPARE(bad.code, 1);
        QVERIFY(bad.err.contains("cannot write"));
        // A file that cannot take what is written (a full disk) fails the run too, rather than
        // leaving a short file that looks whole.
        if (QFile::exists(QStringLiteral("/dev/full"))) {
            const Run full = edgegpt(
                {QStringLiteral("bench"), QStringLiteral("planning"), QStringLiteral("--data"),
                 QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"),
                 QStringLiteral("--repeat"), QStringLiteral("1"), QStringLiteral("--details"),
                 QStringLiteral("/dev/full")});
            QCOMPARE(full.code, 1);
            QVERIFY(full.err.contains("cannot write"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "tst_cli_plan.moc"
