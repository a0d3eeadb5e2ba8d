// A user's TorchScript model (docs/models.md, "A user's TorchScript model"), 3×32×32 RGB with
// three classes, as model.ts and as head/tail parts, built here from C++ (no Python):
//   - edge and device agents run it on a folder of RGB pictures at a fixed split, edge-only and
//     at the split the device chooses from the profile;
//   - the agent's model runtime (libedgegpt-runtime.so, SplitRuntime) runs its head on RGB pixels
//     and its tail on the payload, with the class names of its metadata; an image of another
//     shape is an error that says which the model takes, at the head and at the edge's input;
//   - a 28×28 grey TorchScript model of ten classes is profiled on Fashion-MNIST;
//   - `edgegpt bench coinference --model-dir DIR --data FOLDER` profiles it on labelled images
//     FOLDER/<class>/*.png and writes a profile.json with its splits that placement reads
//     (SplitProfile, SplitPlanner); without labelled images of its shape it is a usage error;
//     images of the wrong size in the folder are a clear error.
#include "AgentLines.h"
#include "agents/SplitRuntime.h"
#include "core/placement/SplitPlanner.h"
#include "core/placement/SplitProfile.h"
#include "models/ModelInput.h"
#include "unit/models/TinyScriptModel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

struct Run
{
    int code = -1;
    QByteArray out, err;
};

Run cli(const QStringList &args, int timeoutMs = 120000)
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

QString runtimePath()
{
    return QFileInfo(QStringLiteral(EDGEGPT_AGENT_PATH)).absolutePath() +
           QStringLiteral("/libedgegpt-runtime.so");
}

// FOLDER/red, green, blue: `perClass` pictures each of `size`×`size`.
bool writeFolder(const QString &folder, int perClass, int size = 32)
{
    const QStringList classes{QStringLiteral("red"), QStringLiteral("green"),
                              QStringLiteral("blue")};
    for (int c = 0; c < 3; ++c) {
        const QString dir = folder + QLatin1Char('/') + classes.at(c);
        if (!QDir().mkpath(dir))
            return false;
        for (int i = 0; i < perClass; ++i)
            if (!tiny::picture(c, 100 * c + i, size)
                     .save(dir + QStringLiteral("/%1.png").arg(i, 3, 10, QLatin1Char('0'))))
                return false;
    }
    return true;
}

} // namespace

class TestUserModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString modelDir() const { return m_dir.filePath(QStringLiteral("tiny")); }
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(tiny::write(modelDir(), true, true));
        QVERIFY(writeFolder(dataDir(), 10));
    }

    void runtimeRunsRgbImages()
    {
        Result<std::unique_ptr<SplitRuntime>> runtime = loadSplitRuntime(runtimePath(), modelDir());
        QVERIFY2(runtime.ok(), qPrintable(runtime.error()));
        const Result<ModelInfo> info = ModelInfo::load(modelDir());
        QVERIFY2(info.ok(), qPrintable(info.error()));
        const Result<std::vector<uint8_t>> pixels =
            imageForModel(tiny::picture(1, 3), info->input, QStringLiteral("green"));
        QVERIFY2(pixels.ok(), qPrintable(pixels.error()));
        // Split at block1: the head on the device, the tail on the edge; the label is the model's.
        const Result<HeadOutput> head = (*runtime)->head(
            pixels->data(), 32, 32, 3, QStringLiteral("block1"), QStringLiteral("q8-tensor-z3"));
        QVERIFY2(head.ok(), qPrintable(head.error()));
        QVERIFY(!head->payload.isEmpty());
        const Result<TailOutput> tail = (*runtime)->tail(
            QStringLiteral("block1"), QStringLiteral("q8-tensor-z3"), head->payload);
        QVERIFY2(tail.ok(), qPrintable(tail.error()));
        QCOMPARE(tail->result.classIndex, 1);
        QCOMPARE(tail->result.label, QStringLiteral("green"));
        // Edge-only: the RGB image itself as PNG; device-only: the class on the device.
        const Result<HeadOutput> input = (*runtime)->head(
            pixels->data(), 32, 32, 3, QStringLiteral("input"), QStringLiteral("png"));
        QVERIFY2(input.ok(), qPrintable(input.error()));
        const Result<TailOutput> edge =
            (*runtime)->tail(QStringLiteral("input"), QStringLiteral("png"), input->payload);
        QVERIFY2(edge.ok(), qPrintable(edge.error()));
        QCOMPARE(edge->result.label, QStringLiteral("green"));
        const Result<HeadOutput> device =
            (*runtime)->head(pixels->data(), 32, 32, 3, QStringLiteral("logits"), QString());
        QVERIFY2(device.ok(), qPrintable(device.error()));
        QCOMPARE(device->predicted, 1);
        // A 28×28 grey image is not what this model takes: said, not resized.
        const std::vector<uint8_t> grey(28 * 28, 128);
        const Result<HeadOutput> wrong = (*runtime)->head(
            grey.data(), 28, 28, 1, QStringLiteral("block1"), QStringLiteral("q8-tensor-z3"));
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().contains(QStringLiteral("3×32×32 RGB")), qPrintable(wrong.error()));
        const Result<TailOutput> greyAtEdge = (*runtime)->tail(
            QStringLiteral("input"), QStringLiteral("zstd"),
            encodeImagePayload(grey.data(), 28, 28, 1, InputCodecKind::ZstdRaw, 3));
        QVERIFY(!greyAtEdge.ok());
        QVERIFY2(greyAtEdge.error().contains(QStringLiteral("3×32×32 RGB")),
                 qPrintable(greyAtEdge.error()));
    }

    void benchProfilesItsSplits()
    {
        const QString out = m_dir.filePath(QStringLiteral("bench"));
        const Run r =
            cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                 QStringLiteral("--model-dir"), modelDir(), QStringLiteral("--data"), dataDir(),
                 QStringLiteral("--images"), QStringLiteral("24"), QStringLiteral("--threads"),
                 QStringLiteral("1"), QStringLiteral("--out"), out, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("tiny-rgb"));
        QCOMPARE(o.value(QStringLiteral("images")).toInt(), 24);
        QCOMPARE(o.value(QStringLiteral("input")).toString(), QStringLiteral("3×32×32 RGB"));
        QCOMPARE(o.value(QStringLiteral("splits")).toArray(),
                 (QJsonArray{QStringLiteral("input"), QStringLiteral("block1"),
                             QStringLiteral("logits")}));
        // The dominant colour is easy: every picture right.
        QCOMPARE(o.value(QStringLiteral("baseline_accuracy")).toDouble(), 1.0);
        QStringList schemes;
        for (const QJsonValue &v : o.value(QStringLiteral("rows")).toArray())
            schemes << v.toObject().value(QStringLiteral("scheme")).toString();
        QVERIFY2(schemes.contains(QStringLiteral("lossless")) &&
                     schemes.contains(QStringLiteral("coinference")) &&
                     schemes.contains(QStringLiteral("device_only")),
                 r.out.constData());
        // The profile beside the model, with its splits: what the device's planner reads.
        const Result<SplitProfile> profile =
            SplitProfile::load(modelDir() + QStringLiteral("/profile.json"));
        QVERIFY2(profile.ok(), qPrintable(profile.error()));
        QCOMPARE(profile->splits.size(), 3);
        QCOMPARE(profile->splits.at(1).name, QStringLiteral("block1"));
        QVERIFY(!profile->splits.at(1).codecs.isEmpty());
        QVERIFY(!profile->splits.at(0).codecs.isEmpty()); // png, zstd, jpeg of the RGB image
        // The device's planner chooses among them.
        LinkEstimate slow;
        slow.rateKBps = 5;
        const Result<PlacementChoice> choice = SplitPlanner::choose(*profile, slow, {});
        QVERIFY2(choice.ok(), qPrintable(choice.error()));
        QVERIFY(profile->split(choice->split));
        QFile json(modelDir() + QStringLiteral("/profile.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject p = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(p.value(QStringLiteral("splits"))
                     .toArray()
                     .at(1)
                     .toObject()
                     .value(QStringLiteral("feature_shape"))
                     .toArray(),
                 (QJsonArray{3, 16, 16}));
    }

    void agentsRunItOnRgbPictures()
    {
        // After the profile: an edge serves the model, a device reads a folder of green 32×32
        // pictures and runs them through block1 (fixed), then through the split it chooses.
        QVERIFY(QFile::exists(modelDir() + QStringLiteral("/profile.json")));
        const QString token = m_dir.filePath(QStringLiteral("token"));
        QFile t(token);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(QByteArray(32, 'k').toBase64() + '\n');
        t.close();
        QFile::setPermissions(token, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcess edge;
        edge.start(agentPath(),
                   {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), token,
                    QStringLiteral("--model-dir"), modelDir()});
        QVERIFY(edge.waitForStarted(5000));
        const quint16 port = waitForListening(edge);
        QVERIFY2(port > 0, edge.readAllStandardError().constData());
        const QStringList device{
            QStringLiteral("--role"),       QStringLiteral("device"),
            QStringLiteral("--edge"),       QStringLiteral("127.0.0.1:%1").arg(port),
            QStringLiteral("--token-file"), token,
            QStringLiteral("--model-dir"),  modelDir(),
            QStringLiteral("--input"),      dataDir() + QStringLiteral("/green")};
        for (const QStringList &split :
             {QStringList{QStringLiteral("--split"), QStringLiteral("block1"),
                          QStringLiteral("--codec"), QStringLiteral("q8-tensor-z3")},
              QStringList{QStringLiteral("--split"), QStringLiteral("input"),
                          QStringLiteral("--codec"), QStringLiteral("png")},
              QStringList{QStringLiteral("--split"), QStringLiteral("auto")}}) {
            QProcess p;
            p.start(agentPath(),
                    device + split + QStringList{QStringLiteral("--count"), QStringLiteral("4")});
            QVERIFY(p.waitForFinished(60000));
            const QByteArray out = p.readAllStandardOutput();
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            int answered = 0;
            for (const QJsonObject &l : jsonLines(out)) {
                if (!l.contains(QStringLiteral("index")))
                    continue;
                QVERIFY2(l.value(QStringLiteral("ok")).toBool(), out.constData());
                QCOMPARE(l.value(QStringLiteral("predicted")).toInt(), 1);
                if (l.value(QStringLiteral("split")).toString() != QLatin1String("logits"))
                    QCOMPARE(l.value(QStringLiteral("class")).toString(), QStringLiteral("green"));
                if (split.at(1) != QLatin1String("auto"))
                    QCOMPARE(l.value(QStringLiteral("split")).toString(), split.at(1));
                ++answered;
            }
            QVERIFY2(answered == 4, out.constData());
        }
        edge.terminate();
        QVERIFY(edge.waitForFinished(10000));
    }

    void wholeModelOnlyIsEdgeOrDeviceOnly()
    {
        const QString dir = m_dir.filePath(QStringLiteral("whole"));
        QVERIFY(tiny::write(dir, true, false));
        const Run r =
            cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                 QStringLiteral("--model-dir"), dir, QStringLiteral("--data"), dataDir(),
                 QStringLiteral("--images"), QStringLiteral("9"), QStringLiteral("--threads"),
                 QStringLiteral("1"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("b2")),
                 QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("splits")).toArray(),
                 (QJsonArray{QStringLiteral("input"), QStringLiteral("output")}));
        QVERIFY(SplitProfile::load(dir + QStringLiteral("/profile.json")).ok());
    }

    void greyModelUsesFashionMnist()
    {
        // A 28×28 grey TorchScript model of ten classes is profiled on Fashion-MNIST.
        const QString dir = m_dir.filePath(QStringLiteral("grey"));
        QVERIFY(tiny::writeGrey(dir));
        const Run r = cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                           QStringLiteral("--model-dir"), dir, QStringLiteral("--images"),
                           QStringLiteral("40"), QStringLiteral("--threads"), QStringLiteral("1"),
                           QStringLiteral("--out"), m_dir.filePath(QStringLiteral("b4")),
                           QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("dataset")).toString(),
                 QStringLiteral("Fashion-MNIST test images"));
        QCOMPARE(o.value(QStringLiteral("input")).toString(), QStringLiteral("1×28×28 grey"));
        QCOMPARE(o.value(QStringLiteral("images")).toInt(), 40);
        QVERIFY(SplitProfile::load(dir + QStringLiteral("/profile.json")).ok());
    }

    void imagesOfTheWrongShapeAreRefused()
    {
        // No labelled images of its shape: Fashion-MNIST does not fit a 3×32×32 model.
        const Run none = cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                              QStringLiteral("--model-dir"), modelDir()});
        QCOMPARE(none.code, 2);
        QVERIFY2(none.err.contains("3×32×32 RGB") && none.err.contains("--data"),
                 none.err.constData());
        // 28×28 pictures for a 32×32 model: an error naming the file and both sizes.
        const QString small = m_dir.filePath(QStringLiteral("small"));
        QVERIFY(writeFolder(small, 1, 28));
        const Run r = cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                           QStringLiteral("--model-dir"), modelDir(), QStringLiteral("--data"),
                           small, QStringLiteral("--images"), QStringLiteral("3")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("28×28") && r.err.contains("3×32×32 RGB") && r.err.contains(".png"),
                 r.err.constData());
        // With "resize": true in its metadata the same pictures are scaled and profiled.
        const QString resized = m_dir.filePath(QStringLiteral("resized"));
        QVERIFY(tiny::write(resized, true, true, true));
        const Run ok = cli({QStringLiteral("bench"), QStringLiteral("coinference"),
                            QStringLiteral("--model-dir"), resized, QStringLiteral("--data"), small,
                            QStringLiteral("--images"), QStringLiteral("3"),
                            QStringLiteral("--threads"), QStringLiteral("1"),
                            QStringLiteral("--out"), m_dir.filePath(QStringLiteral("b3"))});
        QVERIFY2(ok.code == 0, ok.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestUserModel)
#include "tst_user_model.moc"
