// `edgegpt train` and `edgegpt bench coinference` as scripts use them: a short training run saves
// a model whose metadata has the accuracy, the feature shape at every split and the command;
// the benchmark's --json keeps its contract (rows for the four schemes, accuracy as a fraction)
// and writes the sweep CSV, the plot and the model's profile.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliCoinference : public QObject
{
    Q_OBJECT
private:
    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    Run edgegpt(const QStringList &args, int timeoutMs = 240000)
    {
        QProcess p;
        p.start(QStringLiteral(EDGEGPT_CLI_PATH), args);
        Run r;
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.code = p.exitCode();
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }
    QTemporaryDir m_dir;
    QString modelDir() const { return m_dir.filePath(QStringLiteral("cnn")); }

private Q_SLOTS:
    void trainSavesAModelWithItsMetadata()
    {
        const Run r =
            edgegpt({QStringLiteral("train"), QStringLiteral("--model"), QStringLiteral("cnn"),
                     QStringLiteral("--epochs"), QStringLiteral("2"), QStringLiteral("--limit"),
                     QStringLiteral("1000"), QStringLiteral("--threads"), QStringLiteral("1"),
                     QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--out"),
                     modelDir(), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        // The progress line: epoch, batch, loss, accuracy and ETA (7 full batches of 128).
        QVERIFY2(r.err.contains("epoch 2/2") && r.err.contains("batch 7/7") &&
                     r.err.contains("loss") && r.err.contains("acc") && r.err.contains("ETA"),
                 r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(o.value(QStringLiteral("test_accuracy")).toDouble() > 0.4, r.out.constData());

        QFile json(modelDir() + QStringLiteral("/model.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject meta = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(meta.value(QStringLiteral("test_accuracy")).toDouble(),
                 o.value(QStringLiteral("test_accuracy")).toDouble());
        QCOMPARE(meta.value(QStringLiteral("seed")).toInt(), 3);
        QCOMPARE(meta.value(QStringLiteral("epochs")).toInt(), 2);
        // The last 5,000 training images are the validation split, never trained on.
        QCOMPARE(meta.value(QStringLiteral("validation_held_out")).toInt(), 5000);
        QCOMPARE(meta.value(QStringLiteral("train_images")).toInt(), 1000);
        QVERIFY(meta.value(QStringLiteral("command"))
                    .toString()
                    .contains(QLatin1String("edgegpt train")));
        const QJsonArray splits = meta.value(QStringLiteral("splits")).toArray();
        QCOMPARE(splits.size(), 5); // input, conv1, conv2, fc1, logits
        QCOMPARE(splits.first().toObject().value(QStringLiteral("feature_shape")).toArray(),
                 (QJsonArray{1, 28, 28}));
        QCOMPARE(splits.last().toObject().value(QStringLiteral("feature_shape")).toArray(),
                 (QJsonArray{10}));
        QVERIFY(QFile::exists(modelDir() + QStringLiteral("/model.pt")));
    }

    void benchKeepsItsJsonContract()
    {
        QVERIFY(QFile::exists(modelDir() + QStringLiteral("/model.pt")));
        const QString out = m_dir.filePath(QStringLiteral("bench"));
        const Run r =
            edgegpt({QStringLiteral("bench"), QStringLiteral("coinference"),
                     QStringLiteral("--model-dir"), modelDir(), QStringLiteral("--images"),
                     QStringLiteral("200"), QStringLiteral("--threads"), QStringLiteral("2"),
                     QStringLiteral("--out"), out, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const double baseline = o.value(QStringLiteral("baseline_accuracy")).toDouble(-1);
        QVERIFY(baseline > 0.1 && baseline <= 1.0);
        // The settings were chosen on validation images (as many as test images by default),
        // the figures are on the test images; nothing here is emulated.
        QCOMPARE(o.value(QStringLiteral("selected_on")).toString(), QStringLiteral("validation"));
        QCOMPARE(o.value(QStringLiteral("transport")).toString(), QStringLiteral("tls"));
        QCOMPARE(o.value(QStringLiteral("validation_images")).toInt(), 200);
        QVERIFY(o.value(QStringLiteral("validation_dataset"))
                    .toString()
                    .contains(QLatin1String("validation")));
        QCOMPARE(o.value(QStringLiteral("emulated")).toBool(true), false);
        QVERIFY2(r.err.contains("settings chosen on 200"), r.err.constData());
        QStringList schemes;
        QHash<QString, QJsonObject> rows;
        for (const QJsonValue &v : o.value(QStringLiteral("rows")).toArray()) {
            const QJsonObject row = v.toObject();
            schemes << row.value(QStringLiteral("scheme")).toString();
            rows.insert(schemes.last(), row);
            for (const char *key : {"bytes", "accuracy"})
                QVERIFY2(row.value(QLatin1String(key)).isDouble(), key);
            for (const char *key : {"split", "codec"})
                QVERIFY2(row.value(QLatin1String(key)).isString(), key);
            const double accuracy = row.value(QStringLiteral("accuracy")).toDouble();
            QVERIFY(accuracy >= 0 && accuracy <= 1);
            // On the wire: the payload, the frame's 28 bytes, a compact control map, one TLS
            // record's 21 bytes (every frame here is under 16 KiB).
            const double payload = row.value(QStringLiteral("payload_bytes")).toDouble(-1);
            QCOMPARE(payload, row.value(QStringLiteral("bytes")).toDouble());
            const double control = row.value(QStringLiteral("control_bytes")).toDouble(-1);
            QVERIFY2(control >= 0 && control <= 40, qPrintable(QString::number(control)));
            QCOMPARE(row.value(QStringLiteral("tls_bytes")).toDouble(-1), 21.0);
            QCOMPARE(row.value(QStringLiteral("wire_bytes")).toDouble(),
                     payload + 28 + control + 21);
            QVERIFY(row.value(QStringLiteral("validation_accuracy")).isDouble());
        }
        QCOMPARE(schemes,
                 (QStringList{QStringLiteral("lossless"), QStringLiteral("lossy"),
                              QStringLiteral("coinference"), QStringLiteral("device_only")}));
        // Lossless input of a 28×28 image is hundreds of bytes and keeps the accuracy exactly.
        const QJsonObject lossless = rows.value(QStringLiteral("lossless"));
        QVERIFY(lossless.value(QStringLiteral("bytes")).toDouble() > 100);
        QVERIFY(lossless.value(QStringLiteral("bytes")).toDouble() < 784 + 100);
        QCOMPARE(lossless.value(QStringLiteral("accuracy")).toDouble(), baseline);
        QCOMPARE(lossless.value(QStringLiteral("split")).toString(), QStringLiteral("input"));
        // Co-inference stays within its accuracy budget and sends far fewer bytes.
        const QJsonObject co = rows.value(QStringLiteral("coinference"));
        // The budget holds where the setting was chosen (the validation images); on the test
        // images it is measured, not promised (200 images: one image is half a point).
        QVERIFY(co.value(QStringLiteral("validation_accuracy")).toDouble() >=
                o.value(QStringLiteral("validation_baseline_accuracy")).toDouble() - 0.003 - 1e-9);
        QVERIFY(co.value(QStringLiteral("accuracy")).toDouble() >= baseline - 0.05);
        QVERIFY(co.value(QStringLiteral("bytes")).toDouble() * 5 <
                lossless.value(QStringLiteral("bytes")).toDouble());
        QVERIFY(co.value(QStringLiteral("wire_bytes")).toDouble() * 2 <
                lossless.value(QStringLiteral("wire_bytes")).toDouble());
        QCOMPARE(co.value(QStringLiteral("wire_saving_vs_lossless")).toDouble(),
                 lossless.value(QStringLiteral("wire_bytes")).toDouble() /
                     co.value(QStringLiteral("wire_bytes")).toDouble());
        QCOMPARE(
            rows.value(QStringLiteral("device_only")).value(QStringLiteral("bytes")).toDouble(),
            1.0);

        // The full sweep as CSV (a row per split × codec setting), a PNG plot, the model's profile.
        QFile csv(out + QStringLiteral("/coinference-sweep.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QVERIFY2(lines.size() > 50, qPrintable(QString::number(lines.size())));
        QVERIFY(lines.first().contains("split") && lines.first().contains("bytes"));
        const QImage plot(out + QStringLiteral("/coinference.png"));
        QVERIFY(!plot.isNull());
        QVERIFY(plot.width() >= 400);
        QFile profile(modelDir() + QStringLiteral("/profile.json"));
        QVERIFY(profile.open(QIODevice::ReadOnly));
        const QJsonObject p = QJsonDocument::fromJson(profile.readAll()).object();
        QCOMPARE(p.value(QStringLiteral("measured_on")).toString(), QStringLiteral("validation"));
    }

    void badArgumentsAreUsageErrors()
    {
        QCOMPARE(edgegpt({QStringLiteral("train"), QStringLiteral("--model"), QStringLiteral("vgg"),
                          QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x"))})
                     .code,
                 2);
        QCOMPARE(edgegpt({QStringLiteral("bench"), QStringLiteral("coinference"),
                          QStringLiteral("--images"), QStringLiteral("zero")})
                     .code,
                 2);
        // A missing dataset is a clear error, not a crash.
        const Run r = edgegpt({QStringLiteral("train"), QStringLiteral("--out"),
                               m_dir.filePath(QStringLiteral("y")), QStringLiteral("--data"),
                               m_dir.filePath(QStringLiteral("no-data"))});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("dataset-fashion-mnist"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliCoinference)
#include "tst_cli_coinference.moc"
