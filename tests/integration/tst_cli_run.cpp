// LocalFleet and `edgegpt run` with real edgegpt-agent processes on 127.0.0.1: the fleet starts an
// edge and a device on free ports with a fresh owner-only token, reports their lines and exits,
// replaces the device, stops both, and fails clearly for a missing program or model; `edgegpt run`
// plans a request, classifies known Fashion-MNIST test images (as PNG files, a folder, the test
// stream) as the model itself does and prints the latency breakdown; bad input gets a clear error.
#include "core/fleet/LocalFleet.h"
#include "models/FashionMnist.h"
#include "models/ModelStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "integration/CliProcess.h"

using namespace edgegpt;

class TestCliRun : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model, m_images;
    QStringList m_expectedClass; // what the model says about test images 0..9
    QList<int> m_expectedIndex;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(QStringLiteral(EDGEGPT_AGENT_PATH)));
        m_model = m_dir.filePath(QStringLiteral("cnn"));
        // A small model (1 epoch on 2,000 images) and its profile: enough for real predictions.
        CliOutcome r =
            runCli({QStringLiteral("train"), QStringLiteral("--epochs"), QStringLiteral("1"),
                    QStringLiteral("--limit"), QStringLiteral("2000"), QStringLiteral("--threads"),
                    QStringLiteral("2"), QStringLiteral("--out"), m_model},
                   240000);
        QVERIFY2(r.code == 0, r.err.constData());
        r = runCli({QStringLiteral("bench"), QStringLiteral("coinference"),
                    QStringLiteral("--model-dir"), m_model, QStringLiteral("--images"),
                    QStringLiteral("300"), QStringLiteral("--threads"), QStringLiteral("2"),
                    QStringLiteral("--out"), m_dir.filePath(QStringLiteral("bench"))},
                   240000);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(LocalFleet::modelDirectoryProblem(m_model).isEmpty());

        Result<StoredModel> model = ModelStore::load(m_model);
        QVERIFY2(model.ok(), qPrintable(model.error()));
        Result<ImageSet> test =
            FashionMnist::load(FashionMnist::Split::Test, FashionMnist::defaultDirectory(), 10);
        QVERIFY2(test.ok(), qPrintable(test.error()));
        torch::NoGradGuard noGrad;
        const torch::Tensor predicted = model->net->forward(test->images()).argmax(1);
        m_images = m_dir.filePath(QStringLiteral("images"));
        QVERIFY(QDir().mkpath(m_images));
        for (int i = 0; i < 10; ++i) {
            const int c = int(predicted[i].item<int64_t>());
            m_expectedIndex << c;
            m_expectedClass << FashionMnist::classNames().value(c);
            QImage image(test->image(i), 28, 28, 28, QImage::Format_Grayscale8);
            QVERIFY(image.save(m_images + QStringLiteral("/test-%1.png").arg(i)));
        }
    }

    void localFleetRunsStopsAndReplacesTheDevice()
    {
        LocalFleet fleet;
        QSignalSpy started(&fleet, &LocalFleet::started);
        QSignalSpy failed(&fleet, &LocalFleet::failed);
        QSignalSpy exited(&fleet, &LocalFleet::agentExited);
        QSignalSpy stopped(&fleet, &LocalFleet::stopped);
        QList<QJsonObject> answers;
        connect(&fleet, &LocalFleet::agentLine, this,
                [&](const QString &role, const QString &line) {
                    if (role == QLatin1String("device") && line.startsWith(QLatin1Char('{'))) {
                        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
                        if (o.contains(QStringLiteral("index")))
                            answers << o;
                    }
                });
        LocalFleetOptions options;
        options.agentPath = QStringLiteral(EDGEGPT_AGENT_PATH);
        options.modelDir = m_model;
        options.device.count = 5;
        options.device.split = QStringLiteral("input");
        options.device.codec = QStringLiteral("zstd");
        options.device.slowdown = 1;
        options.device.link.rateKBps = 400;
        fleet.start(options);
        QVERIFY(started.wait(20000));
        QCOMPARE(failed.count(), 0);
        QVERIFY(fleet.isRunning());
        QVERIFY(fleet.edgePort() > 0);
        QVERIFY(fleet.devicePort() > 0 && fleet.devicePort() != fleet.edgePort());
        const QFileInfo token(fleet.tokenFile());
        QVERIFY(token.isFile());
        QCOMPARE(token.permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QCOMPARE(fleet.tokenSecret().size(), 64);
        // The device answers its five images, then exits 0; the edge keeps serving.
        QTRY_VERIFY_WITH_TIMEOUT(exited.count() >= 1, 30000);
        QCOMPARE(exited.at(0).at(0).toString(), QStringLiteral("device"));
        QCOMPARE(exited.at(0).at(1).toInt(), 0);
        QCOMPARE(answers.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(answers[i].value(QStringLiteral("ok")).toBool());
            QCOMPARE(answers[i].value(QStringLiteral("predicted")).toInt(),
                     m_expectedIndex[answers[i].value(QStringLiteral("index")).toInt()]);
        }
        // Another device against the same edge, at another split.
        QSignalSpy deviceStarted(&fleet, &LocalFleet::deviceStarted);
        LocalDeviceOptions device = options.device;
        device.split = QStringLiteral("logits");
        device.codec.clear();
        device.count = 3;
        answers.clear();
        fleet.startDevice(device);
        QVERIFY(deviceStarted.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(exited.count() >= 2, 30000);
        QCOMPARE(answers.size(), 3);
        QCOMPARE(answers[0].value(QStringLiteral("split")).toString(), QStringLiteral("logits"));
        QVERIFY(fleet.isRunning());
        // A device that runs until stopped: stop() ends both agents.
        device.count = 0;
        device.ratePerSecond = 5;
        fleet.startDevice(device);
        QVERIFY(deviceStarted.wait(20000));
        QVERIFY(fleet.deviceRunning());
        fleet.stop();
        QVERIFY(stopped.wait(8000));
        QVERIFY(!fleet.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(exited.count() >= 4, 2000);
        QCOMPARE(failed.count(), 0);
    }

    void localFleetFailsClearly()
    {
        {
            LocalFleet fleet;
            QSignalSpy failed(&fleet, &LocalFleet::failed);
            LocalFleetOptions options;
            options.agentPath = m_dir.filePath(QStringLiteral("no-such-agent"));
            options.modelDir = m_model;
            fleet.start(options);
            QVERIFY(failed.wait(5000));
            QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("no-such-agent")),
                     qPrintable(failed.at(0).at(0).toString()));
        }
        {
            // A model directory without a model: an agent exits, and the fleet says which and why.
            LocalFleet fleet;
            QSignalSpy failed(&fleet, &LocalFleet::failed);
            QSignalSpy stopped(&fleet, &LocalFleet::stopped);
            LocalFleetOptions options;
            options.agentPath = QStringLiteral(EDGEGPT_AGENT_PATH);
            options.modelDir = m_dir.filePath(QStringLiteral("images"));
            fleet.start(options);
            QVERIFY(failed.wait(20000));
            QVERIFY2(failed.at(0).at(0).toString().contains(
                         QStringLiteral("agent exited (code 1) before it served: ")),
                     qPrintable(failed.at(0).at(0).toString()));
            QVERIFY(stopped.wait(8000) || !fleet.isRunning());
        }
        QVERIFY(
            !LocalFleet::modelDirectoryProblem(m_dir.filePath(QStringLiteral("images"))).isEmpty());
    }

    void runClassifiesAnImageFile()
    {
        const CliOutcome r =
            runCli({QStringLiteral("run"), QStringLiteral("classify the image test-3.png"),
                    QStringLiteral("--input"), m_images + QStringLiteral("/test-3.png"),
                    QStringLiteral("--model-dir"), m_model, QStringLiteral("--agent"),
                    QStringLiteral(EDGEGPT_AGENT_PATH), QStringLiteral("--json")},
                   90000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!o.isEmpty(), r.out.constData());
        QCOMPARE(o.value(QStringLiteral("plan"))
                     .toObject()
                     .value(QStringLiteral("tasks"))
                     .toArray()
                     .size(),
                 1);
        const QJsonArray tasks = o.value(QStringLiteral("tasks")).toArray();
        QCOMPARE(tasks.size(), 1);
        const QJsonArray results = tasks[0].toObject().value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 1);
        const QJsonObject one = results[0].toObject();
        QCOMPARE(one.value(QStringLiteral("image")).toString(), QStringLiteral("test-3.png"));
        QCOMPARE(one.value(QStringLiteral("class")).toString(), m_expectedClass[3]);
        // The breakdown adds up: the stages are the parts of the total.
        double parts = 0;
        for (const char *stage :
             {"device_ms", "encode_ms", "transfer_ms", "edge_ms", "return_ms"}) {
            QVERIFY2(one.contains(QLatin1String(stage)), stage);
            QVERIFY(one.value(QLatin1String(stage)).toDouble() >= 0);
            parts += one.value(QLatin1String(stage)).toDouble();
        }
        const double total = one.value(QStringLiteral("total_ms")).toDouble();
        QVERIFY(total > 0);
        QVERIFY2(qAbs(parts - total) <= 0.01 * total + 0.05,
                 qPrintable(QStringLiteral("%1 vs %2").arg(parts).arg(total)));
    }

    void runClassifiesAFolderAndTheTestStream()
    {
        // A folder named in the request itself, in text; then the test stream with a fixed split.
        CliOutcome r =
            runCli({QStringLiteral("run"), QStringLiteral("classify the images in the folder"),
                    QStringLiteral("--input"), m_images, QStringLiteral("--model-dir"), m_model,
                    QStringLiteral("--agent"), QStringLiteral(EDGEGPT_AGENT_PATH),
                    QStringLiteral("--link-rate"), QStringLiteral("200")},
                   120000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QString text = QString::fromUtf8(r.out);
        for (int i = 0; i < 10; ++i) {
            const QString row = text.section(QStringLiteral("test-%1.png").arg(i), 1, 1)
                                    .section(QLatin1Char('\n'), 0, 0);
            QVERIFY2(row.simplified().startsWith(m_expectedClass[i]), qPrintable(text));
        }
        QVERIFY2(text.contains(QStringLiteral("median")) &&
                     text.contains(QStringLiteral("transfer")),
                 qPrintable(text));

        r = runCli({QStringLiteral("run"), QStringLiteral("Take a picture and classify it"),
                    QStringLiteral("--count"), QStringLiteral("6"), QStringLiteral("--model-dir"),
                    m_model, QStringLiteral("--agent"), QStringLiteral(EDGEGPT_AGENT_PATH),
                    QStringLiteral("--split"), QStringLiteral("conv2"),
                    QStringLiteral("--slowdown"), QStringLiteral("2"), QStringLiteral("--json")},
                   120000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray results = o.value(QStringLiteral("tasks"))
                                       .toArray()
                                       .at(0)
                                       .toObject()
                                       .value(QStringLiteral("results"))
                                       .toArray();
        QCOMPARE(results.size(), 6);
        for (int i = 0; i < 6; ++i) {
            const QJsonObject one = results[i].toObject();
            QCOMPARE(one.value(QStringLiteral("image")).toString(),
                     QStringLiteral("test #%1").arg(i));
            QCOMPARE(one.value(QStringLiteral("predicted")).toInt(), m_expectedIndex[i]);
            QCOMPARE(one.value(QStringLiteral("split")).toString(), QStringLiteral("conv2"));
            QVERIFY(one.value(QStringLiteral("device_ms")).toDouble() > 0);
        }
    }

    // The clothing question: the planner answers it with visual question answering, which
    // nothing runs here; with the default bindings `run` plans image classification instead and
    // classifies the image with the stand-in, saying so. --no-availability: the old refusal.
    void runAnswersTheClothingQuestion()
    {
        const QString request = QStringLiteral("What kind of clothing is in this picture?");
        CliOutcome r = runCli({QStringLiteral("run"), request, QStringLiteral("--input"),
                               m_images + QStringLiteral("/test-3.png"),
                               QStringLiteral("--model-dir"), m_model, QStringLiteral("--agent"),
                               QStringLiteral(EDGEGPT_AGENT_PATH), QStringLiteral("--json")},
                              90000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QJsonArray tasks = o.value(QStringLiteral("tasks")).toArray();
        QCOMPARE(tasks.size(), 1);
        const QJsonObject task = tasks[0].toObject();
        QCOMPARE(task.value(QStringLiteral("task")).toString(),
                 QStringLiteral("Image Classification"));
        QCOMPARE(task.value(QStringLiteral("stand_in")).toString(),
                 QStringLiteral("fashion-mnist cnn"));
        QCOMPARE(task.value(QStringLiteral("binding")).toString(),
                 QStringLiteral("fashion-mnist-cnn"));
        const QJsonArray results = task.value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 1);
        QCOMPARE(results[0].toObject().value(QStringLiteral("class")).toString(),
                 m_expectedClass[3]);
        const QJsonObject plan = o.value(QStringLiteral("plan")).toObject();
        QCOMPARE(plan.value(QStringLiteral("tasks"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("binding"))
                     .toObject()
                     .value(QStringLiteral("runnable"))
                     .toBool(),
                 true);

        // In text: the stand-in on the task line and in the plan.
        r = runCli({QStringLiteral("run"), request, QStringLiteral("--input"),
                    m_images + QStringLiteral("/test-3.png"), QStringLiteral("--model-dir"),
                    m_model, QStringLiteral("--agent"), QStringLiteral(EDGEGPT_AGENT_PATH)},
                   90000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QString text = QString::fromUtf8(r.out);
        QVERIFY2(text.contains(QStringLiteral("(stand-in: fashion-mnist cnn)}")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("; stand-in: fashion-mnist cnn,")), qPrintable(text));
        QVERIFY2(text.section(QStringLiteral("test-3.png"), -1)
                     .simplified()
                     .startsWith(m_expectedClass[3]),
                 qPrintable(text));

        r = runCli({QStringLiteral("run"), request, QStringLiteral("--input"),
                    m_images + QStringLiteral("/test-3.png"), QStringLiteral("--model-dir"),
                    m_model, QStringLiteral("--no-availability")},
                   30000);
        if (r.code == 0)
            QSKIP("the planner itself plans image classification for the clothing question");
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no image classification that runs here") &&
                     r.err.contains("not runnable here"),
                 r.err.constData());
    }

    // A user's bindings file: its directory (relative to the file) serves the classifier when no
    // --model-dir is given; its stand-in is what run reports. A binding that serves no
    // classifier leaves nothing to run.
    void runUsesTheBindingsFile()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QVERIFY(QFile::link(m_model, tmp.filePath(QStringLiteral("my-model"))));
        const QString file = tmp.filePath(QStringLiteral("bindings.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": "edgegpt-bindings", "version": 1, "bindings": [
            {"name": "mine", "task": "Image Classification", "dir": "my-model",
             "stand_in": "my little cnn"}]})");
        f.close();
        CliOutcome r =
            runCli({QStringLiteral("run"), QStringLiteral("classify the image test-5.png"),
                    QStringLiteral("--input"), m_images + QStringLiteral("/test-5.png"),
                    QStringLiteral("--bindings"), file, QStringLiteral("--agent"),
                    QStringLiteral(EDGEGPT_AGENT_PATH), QStringLiteral("--json")},
                   90000);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("model_dir")).toString(),
                 tmp.filePath(QStringLiteral("my-model")));
        const QJsonObject task = o.value(QStringLiteral("tasks")).toArray().at(0).toObject();
        QCOMPARE(task.value(QStringLiteral("binding")).toString(), QStringLiteral("mine"));
        QCOMPARE(task.value(QStringLiteral("stand_in")).toString(),
                 QStringLiteral("my little cnn"));
        QCOMPARE(task.value(QStringLiteral("results"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("class"))
                     .toString(),
                 m_expectedClass[5]);

        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(R"({"format": "edgegpt-bindings", "version": 1, "bindings": [
            {"name": "t5", "models": ["t5-small"], "dir": "t5"}]})");
        f.close();
        r = runCli({QStringLiteral("run"), QStringLiteral("classify the image test-5.png"),
                    QStringLiteral("--input"), m_images + QStringLiteral("/test-5.png"),
                    QStringLiteral("--bindings"), file},
                   30000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not runnable here"), r.err.constData());
    }

    void badInputGetsAClearError()
    {
        CliOutcome r =
            runCli({QStringLiteral("run"), QStringLiteral("classify the image nothing.png"),
                    QStringLiteral("--model-dir"), m_model},
                   30000);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("nothing.png") && r.err.contains("--input"), r.err.constData());
        r = runCli({QStringLiteral("run"), QStringLiteral("translate this sentence into French"),
                    QStringLiteral("--model-dir"), m_model},
                   30000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("image classification"), r.err.constData());
        r = runCli({QStringLiteral("run"), QStringLiteral("classify the image x.png"),
                    QStringLiteral("--input"), m_images, QStringLiteral("--model-dir"),
                    m_dir.filePath(QStringLiteral("images"))},
                   30000);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no trained model"), r.err.constData());
        r = runCli({QStringLiteral("run"), QStringLiteral("classify the image x.png"),
                    QStringLiteral("--count"), QStringLiteral("lots")},
                   30000);
        QCOMPARE(r.code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"
