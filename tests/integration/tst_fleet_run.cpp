// Issue 12, the agents' side, with real edgegpt-agent processes on 127.0.0.1: an edge serving two
// models (different architectures and weights) answers each request by the model it names, and a
// request for a model it does not hold with an error; a device without emulation reports
// "emulated": false and native times, with a slow-down "emulated": true; a device started
// on-request sends nothing until a console asks, then answers N inputs of a folder in file-name
// order (and new files after them); agents answer status-requests; `edgegpt fleet run` against
// agents described by a fleet file prints the contract's lines and exits 0 only when every device
// host answered; `edgegpt fleet status` (over a real sshd on 127.0.0.1) carries a running agent's
// metrics.
#include "AgentLines.h"
#include "CliProcess.h"
#include "LoopbackFleetFixture.h"
#include "agents/InputPayload.h"
#include "core/fleet/LoopbackSshd.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "models/FashionMnist.h"
#include "models/ModelStore.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>
#include <tuple>

using namespace edgegpt;

namespace {

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

// Answer lines of a device (one per input), without events and the summary.
QList<QJsonObject> answers(const QByteArray &out)
{
    QList<QJsonObject> list;
    for (const QJsonObject &l : jsonLines(out))
        if (l.contains(QStringLiteral("index")))
            list << l;
    return list;
}

} // namespace

class TestFleetRun : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_models, m_token, m_images;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    std::unique_ptr<QProcess> m_edge; // serves models/alpha and models/beta to every test
    quint16 m_edgePort = 0;
    std::vector<std::unique_ptr<PeerConnection>> m_consoles;
    std::optional<ImageSet> m_test;

    QProcess *start(const QStringList &args, quint16 *port = nullptr)
    {
        m_processes.push_back(std::make_unique<QProcess>());
        QProcess *p = m_processes.back().get();
        p->start(agentPath(), args);
        if (!p->waitForStarted(5000))
            return nullptr;
        if (port)
            *port = waitForListening(*p, nullptr, 60000);
        return p;
    }
    QStringList deviceArgs(const QString &model)
    {
        return {QStringLiteral("--role"),       QStringLiteral("device"),
                QStringLiteral("--edge"),       QStringLiteral("127.0.0.1:%1").arg(m_edgePort),
                QStringLiteral("--token-file"), m_token,
                QStringLiteral("--models-dir"), m_models,
                QStringLiteral("--model"),      model};
    }
    PeerConnection *connectConsole(quint16 port)
    {
        PeerConnection::Options options;
        const Result<Keyring> token = Keyring::load(m_token);
        if (!token)
            return nullptr;
        options.keys = *token;
        options.identity = {QStringLiteral("test-console"), QStringLiteral("console")};
        auto *console =
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), port, options, this);
        m_consoles.emplace_back(console);
        QSignalSpy ready(console, &PeerConnection::ready);
        if (!ready.wait(5000))
            return nullptr;
        return console;
    }
    // Frames a console received, collected as they come.
    static std::shared_ptr<QList<Frame>> collect(PeerConnection *console, QObject *context)
    {
        auto frames = std::make_shared<QList<Frame>>();
        QObject::connect(console, &PeerConnection::frameReceived, context,
                         [frames](const Frame &f) { *frames << f; });
        return frames;
    }
    // Waits until `frames` holds one of type `type` with request id `id` (up to timeoutMs).
    static std::optional<Frame> waitFor(const std::shared_ptr<QList<Frame>> &frames, FrameType type,
                                        quint32 id, int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        do {
            for (const Frame &f : *frames)
                if (f.type == type && f.requestId == id)
                    return f;
            QTest::qWait(20);
        } while (t.elapsed() < timeoutMs);
        return std::nullopt;
    }
    static QByteArray finish(QProcess *p, int timeoutMs, int *code)
    {
        if (p->state() != QProcess::NotRunning && !p->waitForFinished(timeoutMs)) {
            p->kill();
            p->waitForFinished();
            *code = -1;
        } else {
            *code = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        }
        return p->readAllStandardOutput();
    }
    void saveImage(int index, const QString &name)
    {
        QImage image(m_test->image(index), m_test->cols, m_test->rows, m_test->cols,
                     QImage::Format_Grayscale8);
        QVERIFY(image.copy().save(m_images + QLatin1Char('/') + name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(agentPath()));
        m_models = m_dir.filePath(QStringLiteral("models"));
        // Two small models of different architectures and weights: the CNN, and the CNN without
        // its learned bottleneck, from another seed (1 epoch on 500 images each: a few seconds).
        for (const auto &[name, spec, seed] :
             {std::tuple{QStringLiteral("alpha"), QStringLiteral("cnn"), QStringLiteral("1")},
              std::tuple{QStringLiteral("beta"), QStringLiteral("cnn:none"),
                         QStringLiteral("2")}}) {
            const CliOutcome r = runCli(
                {QStringLiteral("train"), QStringLiteral("--model"), spec, QStringLiteral("--seed"),
                 seed, QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--limit"),
                 QStringLiteral("500"), QStringLiteral("--threads"), QStringLiteral("2"),
                 QStringLiteral("--out"), m_models + QLatin1Char('/') + name},
                180000);
            QVERIFY2(r.code == 0, r.err.constData());
        }
        m_token = m_dir.filePath(QStringLiteral("fleet.token"));
        QFile f(m_token);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(32, 'f').toBase64() + '\n');
        f.close();
        QFile::setPermissions(m_token, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        Result<ImageSet> test =
            FashionMnist::load(FashionMnist::Split::Test, FashionMnist::defaultDirectory(), 20);
        QVERIFY2(test.ok(), qPrintable(test.error()));
        m_test = std::move(*test);
        // A folder of five test images whose names do not sort in the order they were written.
        m_images = m_dir.filePath(QStringLiteral("images"));
        QVERIFY(QDir().mkpath(m_images));
        const QStringList names{QStringLiteral("e.png"), QStringLiteral("b.png"),
                                QStringLiteral("d.png"), QStringLiteral("a.png"),
                                QStringLiteral("c.png")};
        for (int i = 0; i < names.size(); ++i)
            saveImage(i, names[i]);
        // One edge holds both models; --preload loads both before it says where it listens.
        m_edge = std::make_unique<QProcess>();
        m_edge->start(agentPath(),
                      {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), m_token,
                       QStringLiteral("--models-dir"), m_models, QStringLiteral("--preload")});
        QVERIFY(m_edge->waitForStarted(5000));
        m_edgePort = waitForListening(*m_edge, nullptr, 60000);
        QVERIFY2(m_edgePort > 0, m_edge->readAllStandardError().constData());
    }
    void cleanupTestCase()
    {
        if (m_edge) {
            m_edge->terminate();
            if (!m_edge->waitForFinished(3000))
                m_edge->kill();
            m_edge->waitForFinished(3000);
        }
    }
    void init() { QVERIFY(m_edge && m_edge->state() == QProcess::Running); }
    void cleanup()
    {
        m_consoles.clear();
        for (auto &p : m_processes) {
            p->kill();
            p->waitForFinished(3000);
        }
        m_processes.clear();
    }

    void edgeAnswersEachModelByItsOwn()
    {
        // What each model itself says: the softmax of its logits, top class and its score.
        QHash<QString, QList<QPair<qint64, double>>> expected;
        torch::NoGradGuard noGrad;
        for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
            Result<StoredModel> model = ModelStore::load(m_models + QLatin1Char('/') + name);
            QVERIFY2(model.ok(), qPrintable(model.error()));
            const torch::Tensor p = torch::softmax(model->net->forward(m_test->images(0, 10)), 1);
            for (int i = 0; i < 10; ++i) {
                const auto top = p[i].max(0);
                expected[name] << qMakePair(std::get<1>(top).item<int64_t>(),
                                            std::get<0>(top).item<double>());
            }
        }
        // The two disagree somewhere, so an answer from the wrong one would show.
        bool differ = false;
        for (int i = 0; i < 10; ++i)
            differ = differ || std::abs(expected[QStringLiteral("alpha")][i].second -
                                        expected[QStringLiteral("beta")][i].second) > 1e-3;
        QVERIFY(differ);

        PeerConnection *console = connectConsole(m_edgePort);
        QVERIFY(console);
        const auto frames = collect(console, this);
        for (int i = 0; i < 10; ++i) {
            const Result<QByteArray> png =
                encodeInput(m_test->image(i), 28, 28, QStringLiteral("png"));
            QVERIFY(png.ok());
            for (const QString &name : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
                InferRequestMessage request;
                request.model = name;
                request.split = QStringLiteral("input");
                request.codec = QStringLiteral("png");
                const Result<quint32> id =
                    console->sendRequest(FrameType::InferRequest, request.toCbor(), *png);
                QVERIFY(id.ok());
                const std::optional<Frame> answer = waitFor(frames, FrameType::InferResult, *id);
                QVERIFY2(answer,
                         qPrintable(QStringLiteral("no answer for %1, image %2").arg(name).arg(i)));
                const Result<InferResultMessage> r = InferResultMessage::fromCbor(answer->control);
                QVERIFY(r.ok());
                QCOMPARE(r->classIndex, expected[name][i].first);
                QVERIFY2(std::abs(r->topK.first().score - expected[name][i].second) < 1e-4,
                         qPrintable(QStringLiteral("%1, image %2: %3 vs %4")
                                        .arg(name)
                                        .arg(i)
                                        .arg(r->topK.first().score)
                                        .arg(expected[name][i].second)));
            }
        }
        // A model it does not hold: an error answer, never another model's.
        InferRequestMessage unknown;
        unknown.model = QStringLiteral("gamma");
        unknown.split = QStringLiteral("input");
        unknown.codec = QStringLiteral("png");
        const Result<QByteArray> png = encodeInput(m_test->image(0), 28, 28, QStringLiteral("png"));
        const Result<quint32> id =
            console->sendRequest(FrameType::InferRequest, unknown.toCbor(), *png);
        QVERIFY(id.ok());
        const std::optional<Frame> error = waitFor(frames, FrameType::Error, *id);
        QVERIFY(error);
        const Result<ErrorMessage> e = ErrorMessage::fromCbor(error->control);
        QVERIFY(e.ok());
        QCOMPARE(e->code, error_code::badRequest());
        QVERIFY2(e->message.contains(QLatin1String("does not hold model gamma")),
                 qPrintable(e->message));
        for (const Frame &f : *frames)
            QVERIFY(!(f.type == FrameType::InferResult && f.requestId == *id));
        // Its status: both models resident (preloaded), every answer counted.
        const Result<quint32> status =
            console->sendRequest(FrameType::StatusRequest, EmptyMessage{}.toCbor());
        QVERIFY(status.ok());
        const std::optional<Frame> reply = waitFor(frames, FrameType::StatusReply, *status);
        QVERIFY(reply);
        const Result<StatusReplyMessage> s = StatusReplyMessage::fromCbor(reply->control);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QCOMPARE(s->role, QStringLiteral("edge"));
        QVERIFY(s->requests >= 20);
        QVERIFY(s->failed >= 1);
        QVERIFY(s->medianMs > 0);
        QCOMPARE(QSet<QString>(s->models.begin(), s->models.end()),
                 (QSet<QString>{QStringLiteral("alpha"), QStringLiteral("beta")}));
        QVERIFY(!s->emulated);
    }

    void nativeUnlessEmulationIsAsked()
    {
        // The same device twice, through the split after conv2 of alpha: without any emulation,
        // then with a 30× slow-down.
        const QStringList split{QStringLiteral("--split"), QStringLiteral("conv2"),
                                QStringLiteral("--codec"), QStringLiteral("f32-z3"),
                                QStringLiteral("--count"), QStringLiteral("8")};
        int code = -1;
        const QByteArray nativeOut =
            finish(start(deviceArgs(QStringLiteral("alpha")) + split), 60000, &code);
        QCOMPARE(code, 0);
        const QByteArray emulatedOut =
            finish(start(deviceArgs(QStringLiteral("alpha")) + split +
                         QStringList{QStringLiteral("--slowdown"), QStringLiteral("30")}),
                   60000, &code);
        QCOMPARE(code, 0);
        QList<double> native, emulated;
        for (const QJsonObject &l : answers(nativeOut)) {
            QVERIFY2(l.value(QStringLiteral("ok")).toBool(),
                     qPrintable(l.value(QStringLiteral("error")).toString()));
            QCOMPARE(l.value(QStringLiteral("emulated")), QJsonValue(false));
            QCOMPARE(l.value(QStringLiteral("model")).toString(), QStringLiteral("alpha"));
            native << l.value(QStringLiteral("device_ms")).toDouble();
        }
        for (const QJsonObject &l : answers(emulatedOut)) {
            QVERIFY(l.value(QStringLiteral("ok")).toBool());
            QCOMPARE(l.value(QStringLiteral("emulated")), QJsonValue(true));
            emulated << l.value(QStringLiteral("device_ms")).toDouble();
        }
        QCOMPARE(native.size(), 8);
        QCOMPARE(emulated.size(), 8);
        // The summaries say so too.
        const QList<QJsonObject> nativeLines = jsonLines(nativeOut),
                                 emulatedLines = jsonLines(emulatedOut);
        QCOMPARE(nativeLines.last()
                     .value(QStringLiteral("summary"))
                     .toObject()
                     .value(QStringLiteral("emulated")),
                 QJsonValue(false));
        QCOMPARE(emulatedLines.last()
                     .value(QStringLiteral("summary"))
                     .toObject()
                     .value(QStringLiteral("emulated")),
                 QJsonValue(true));
        // Native: the head's own time (well under the 150× demo figure's); emulated: stretched.
        std::sort(native.begin(), native.end());
        std::sort(emulated.begin(), emulated.end());
        const double nativeMedian = native[4], emulatedMedian = emulated[4];
        QVERIFY2(nativeMedian > 0 && emulatedMedian > 10 * nativeMedian,
                 qPrintable(QStringLiteral("native %1 ms, emulated %2 ms")
                                .arg(nativeMedian)
                                .arg(emulatedMedian)));
    }

    void onRequestDeviceWaitsThenAnswersInNameOrder()
    {
        quint16 port = 0;
        QProcess *device =
            start(deviceArgs(QStringLiteral("beta")) +
                      QStringList{QStringLiteral("--start"), QStringLiteral("on-request"),
                                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                  QStringLiteral("--input"), m_images, QStringLiteral("--split"),
                                  QStringLiteral("input"), QStringLiteral("--codec"),
                                  QStringLiteral("png")},
                  &port);
        QVERIFY(device && port > 0);
        // Nothing until asked.
        QTest::qWait(1500);
        QByteArray out = device->readAllStandardOutput();
        QVERIFY2(answers(out).isEmpty(), out.constData());
        QCOMPARE(device->state(), QProcess::Running);

        PeerConnection *console = connectConsole(port);
        QVERIFY(console);
        const auto frames = collect(console, this);
        const auto runInputs = [&](qint64 count) -> QList<RunResultMessage> {
            RunInputsMessage ask;
            ask.count = count;
            const Result<quint32> id = console->sendRequest(FrameType::RunInputs, ask.toCbor());
            if (!id)
                return {};
            const std::optional<Frame> ack = waitFor(frames, FrameType::RunInputsAck, *id);
            if (!ack || RunInputsAckMessage::fromCbor(ack->control)->accepted != count)
                return {};
            const std::optional<Frame> done = waitFor(frames, FrameType::RunDone, *id, 30000);
            if (!done)
                return {};
            const Result<RunDoneMessage> d = RunDoneMessage::fromCbor(done->control);
            if (!d || d->answered != count)
                return {};
            QList<RunResultMessage> results;
            for (const Frame &f : *frames)
                if (f.type == FrameType::RunResult && f.requestId == *id)
                    results << *RunResultMessage::fromCbor(f.control);
            return results;
        };
        const QList<RunResultMessage> first = runInputs(3);
        QCOMPARE(first.size(), 3);
        QStringList names;
        for (const RunResultMessage &r : first) {
            QVERIFY2(r.ok, qPrintable(r.error));
            QCOMPARE(r.model, QStringLiteral("beta"));
            QCOMPARE(r.split, QStringLiteral("input"));
            QVERIFY(!r.emulated);
            QVERIFY(r.totalMs > 0);
            QVERIFY(!r.label.isEmpty());
            names << r.input;
        }
        QCOMPARE(names, (QStringList{QStringLiteral("a.png"), QStringLiteral("b.png"),
                                     QStringLiteral("c.png")}));
        // A file that appears later comes after the rest of the folder.
        saveImage(7, QStringLiteral("0-late.png"));
        names.clear();
        for (const RunResultMessage &r : runInputs(3))
            names << r.input;
        QCOMPARE(names, (QStringList{QStringLiteral("d.png"), QStringLiteral("e.png"),
                                     QStringLiteral("0-late.png")}));
        // And between runs, again nothing.
        QTest::qWait(700);
        const int before = answers(out += device->readAllStandardOutput()).size();
        QTest::qWait(700);
        QCOMPARE(answers(out += device->readAllStandardOutput()).size(), before);
        // Its status.
        const Result<quint32> status =
            console->sendRequest(FrameType::StatusRequest, EmptyMessage{}.toCbor());
        QVERIFY(status.ok());
        const std::optional<Frame> reply = waitFor(frames, FrameType::StatusReply, *status);
        QVERIFY(reply);
        const Result<StatusReplyMessage> s = StatusReplyMessage::fromCbor(reply->control);
        QVERIFY2(s.ok(), qPrintable(s.error()));
        QCOMPARE(s->role, QStringLiteral("device"));
        QCOMPARE(s->requests, qint64(6));
        QCOMPARE(s->models, QStringList{QStringLiteral("beta")});
        QVERIFY(s->medianMs > 0);
        QVERIFY(!s->emulated);
        // A second run while one is in progress is refused (busy); stop-inputs ends the run.
        RunInputsMessage continuous;
        continuous.count = 0;
        continuous.ratePerSecond = 5;
        const Result<quint32> run = console->sendRequest(FrameType::RunInputs, continuous.toCbor());
        QVERIFY(run.ok());
        QVERIFY(waitFor(frames, FrameType::RunInputsAck, *run));
        const Result<quint32> again =
            console->sendRequest(FrameType::RunInputs, continuous.toCbor());
        const std::optional<Frame> busy = waitFor(frames, FrameType::Error, *again);
        QVERIFY(busy);
        QCOMPARE(ErrorMessage::fromCbor(busy->control)->code, error_code::busy());
        const Result<quint32> stop =
            console->sendRequest(FrameType::StopInputs, EmptyMessage{}.toCbor());
        QVERIFY(waitFor(frames, FrameType::StopInputsAck, *stop));
        QCOMPARE(device->state(), QProcess::Running);
    }

    void fleetRunPrintsTheContractLines()
    {
        // Two devices, each on its own port with its own folder; a third device host whose agent
        // is not there.
        quint16 a = 0, b = 0;
        const QStringList onRequest{QStringLiteral("--start"),  QStringLiteral("on-request"),
                                    QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                    QStringLiteral("--input"),  m_images,
                                    QStringLiteral("--split"),  QStringLiteral("input"),
                                    QStringLiteral("--codec"),  QStringLiteral("png")};
        QVERIFY(start(deviceArgs(QStringLiteral("alpha")) + onRequest, &a));
        QVERIFY(start(deviceArgs(QStringLiteral("beta")) + onRequest, &b));
        QVERIFY(a > 0 && b > 0);
        const auto host = [](const QString &name, const QString &role, quint16 port) {
            return QJsonObject{
                {QStringLiteral("name"), name},
                {QStringLiteral("ssh"), QStringLiteral("127.0.0.1")},
                {QStringLiteral("role"), role},
                {QStringLiteral("class"), QStringLiteral("jetson-nano")},
                {QStringLiteral("dir"), QString(QStringLiteral("/srv/edgegpt-") + name)},
                {QStringLiteral("agent_address"), QStringLiteral("127.0.0.1")},
                {QStringLiteral("agent_port"), int(port)}};
        };
        const QString fleetFile = m_dir.filePath(QStringLiteral("fleet.json"));
        QFile f(fleetFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonObject{
                        {QStringLiteral("token_file"), m_token},
                        {QStringLiteral("hosts"),
                         QJsonArray{
                             host(QStringLiteral("cam-a"), QStringLiteral("device"), a),
                             host(QStringLiteral("cam-b"), QStringLiteral("device"), b),
                             host(QStringLiteral("cam-gone"), QStringLiteral("device"), freePort()),
                             host(QStringLiteral("edge"), QStringLiteral("edge"), m_edgePort)}}})
                    .toJson());
        f.close();

        // The two that run: 2 answers each, the contract's keys exactly, exit 0.
        CliOutcome r =
            runCli({QStringLiteral("fleet"), QStringLiteral("run"), QStringLiteral("--fleet"),
                    fleetFile, QStringLiteral("--host"), QStringLiteral("cam-a"),
                    QStringLiteral("--host"), QStringLiteral("cam-b"), QStringLiteral("--count"),
                    QStringLiteral("2"), QStringLiteral("--json")},
                   60000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        const QStringList keys{
            QStringLiteral("host"),      QStringLiteral("input"),       QStringLiteral("model"),
            QStringLiteral("label"),     QStringLiteral("split"),       QStringLiteral("device_ms"),
            QStringLiteral("encode_ms"), QStringLiteral("transfer_ms"), QStringLiteral("edge_ms"),
            QStringLiteral("total_ms"),  QStringLiteral("emulated")};
        QHash<QString, QStringList> inputs;
        QJsonObject summary;
        for (const QJsonObject &l : jsonLines(r.out)) {
            if (l.contains(QStringLiteral("summary"))) {
                summary = l.value(QStringLiteral("summary")).toObject();
                continue;
            }
            QStringList got = l.keys();
            std::sort(got.begin(), got.end());
            // The contract's keys, and the class index added beside them (a folder input has no
            // true class, so no "truth" or "correct").
            QStringList want = keys;
            want << QStringLiteral("predicted");
            std::sort(want.begin(), want.end());
            QCOMPARE(got, want);
            const QString name = l.value(QStringLiteral("host")).toString();
            QCOMPARE(l.value(QStringLiteral("model")).toString(), name == QLatin1String("cam-a")
                                                                      ? QStringLiteral("alpha")
                                                                      : QStringLiteral("beta"));
            QCOMPARE(l.value(QStringLiteral("emulated")), QJsonValue(false));
            QCOMPARE(l.value(QStringLiteral("split")).toString(), QStringLiteral("input"));
            QVERIFY(l.value(QStringLiteral("total_ms")).toDouble() > 0);
            QVERIFY(!l.value(QStringLiteral("label")).toString().isEmpty());
            inputs[name] << l.value(QStringLiteral("input")).toString();
        }
        // File-name order (the folder now also holds 0-late.png from the test before).
        const QStringList firstTwo{QStringLiteral("0-late.png"), QStringLiteral("a.png")};
        QCOMPARE(inputs.value(QStringLiteral("cam-a")), firstTwo);
        QCOMPARE(inputs.value(QStringLiteral("cam-b")), firstTwo);
        QCOMPARE(summary.value(QStringLiteral("ok")), QJsonValue(true));
        QCOMPARE(summary.value(QStringLiteral("answered")).toInt(), 4);
        QVERIFY(summary.value(QStringLiteral("accuracy")).isNull()); // no true classes known

        // With the host whose agent is not there: the others answer, the exit code is 1 and the
        // summary names it.
        r = runCli({QStringLiteral("fleet"), QStringLiteral("run"), QStringLiteral("--fleet"),
                    fleetFile, QStringLiteral("--count"), QStringLiteral("1"),
                    QStringLiteral("--json"), QStringLiteral("--timeout"), QStringLiteral("30")},
                   60000);
        QCOMPARE(r.code, 1);
        summary = jsonLines(r.out).last().value(QStringLiteral("summary")).toObject();
        QCOMPARE(summary.value(QStringLiteral("ok")), QJsonValue(false));
        QCOMPARE(summary.value(QStringLiteral("answered")).toInt(), 2);
        const QJsonArray failed = summary.value(QStringLiteral("failed_hosts")).toArray();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().toObject().value(QStringLiteral("host")).toString(),
                 QStringLiteral("cam-gone"));
        // An edge is no device to run; a device that runs by itself (start auto) refuses.
        r = runCli({QStringLiteral("fleet"), QStringLiteral("run"), QStringLiteral("--fleet"),
                    fleetFile, QStringLiteral("--host"), QStringLiteral("edge")},
                   30000);
        QCOMPARE(r.code, 2);
    }

    void fleetStatusCarriesTheMetrics()
    {
        if (!LoopbackSshd::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server)");
        // The shared edge stands for a deployed one: a real sshd on 127.0.0.1 in front of a
        // deploy root whose agent.pid is the edge's process.
        LoopbackFleetFixture ssh(m_dir.path());
        const Result<void> started = ssh.startSshds({QStringLiteral("status-edge")});
        QVERIFY2(started.ok(), qPrintable(started.error()));
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.ssh")));
        const QString knownHosts = home + QStringLiteral("/.ssh/known_hosts");
        const QString sshConfig = home + QStringLiteral("/.ssh/config");
        const Result<QStringList> written = ssh.writeSshFiles(knownHosts, sshConfig);
        QVERIFY2(written.ok(), qPrintable(written.error()));
        QVERIFY(ssh.recordDeployment(QStringLiteral("edge-root"), m_edge->processId()));
        const QJsonObject edgeHost{{QStringLiteral("name"), QStringLiteral("edge-1")},
                                   {QStringLiteral("ssh"), QStringLiteral("status-edge")},
                                   {QStringLiteral("role"), QStringLiteral("edge")},
                                   {QStringLiteral("class"), QStringLiteral("rtx-3090")},
                                   {QStringLiteral("dir"), ssh.path(QStringLiteral("edge-root"))},
                                   // no agent_address: the alias's HostName (127.0.0.1)
                                   {QStringLiteral("agent_port"), int(m_edgePort)}};
        const QString fleetFile =
            ssh.writeFleet({edgeHost}, QStringLiteral("status-fleet.json"), m_token);
        QVERIFY(!fleetFile.isEmpty());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        const CliOutcome r =
            runCli({QStringLiteral("fleet"), QStringLiteral("status"), QStringLiteral("--fleet"),
                    fleetFile, QStringLiteral("--json"), QStringLiteral("--ssh-config"), sshConfig,
                    QStringLiteral("--known-hosts"), knownHosts},
                   60000, env);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        const QJsonArray hosts =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("hosts")).toArray();
        QCOMPARE(hosts.size(), 1);
        const QJsonObject h = hosts.first().toObject();
        // The fields status always had, and the agent's own report.
        QCOMPARE(h.value(QStringLiteral("name")).toString(), QStringLiteral("edge-1"));
        QCOMPARE(h.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QVERIFY(h.contains(QStringLiteral("message")));
        const QJsonObject m = h.value(QStringLiteral("metrics")).toObject();
        QVERIFY2(m.value(QStringLiteral("requests")).toInt() >= 20, r.out.constData());
        QVERIFY(m.value(QStringLiteral("median_ms")).toDouble() > 0);
        QVERIFY(m.contains(QStringLiteral("device_ms")));
        QStringList models;
        for (const QJsonValue &v : m.value(QStringLiteral("models")).toArray())
            models << v.toString();
        models.sort();
        QCOMPARE(models, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
    }
};

QTEST_GUILESS_MAIN(TestFleetRun)
#include "tst_fleet_run.moc"
