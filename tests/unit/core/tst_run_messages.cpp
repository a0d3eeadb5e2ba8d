// The control maps of the frames that run a device's inputs and ask an agent about itself
// (run-inputs, run-inputs-ack, run-result, run-done / stop-inputs-ack, status-reply): each round
// trips through CBOR and a whole frame, and an untrusted map with a missing, mistyped or
// out-of-range field is refused with an error naming the field.
#include "core/protocol/Frame.h"
#include "core/protocol/Messages.h"

#include <QCborArray>
#include <QTest>

using namespace edgegpt;

class TestRunMessages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void frameTypesHaveTheirNames()
    {
        const QList<QPair<FrameType, QString>> names{
            {FrameType::RunInputs, QStringLiteral("run-inputs")},
            {FrameType::RunInputsAck, QStringLiteral("run-inputs-ack")},
            {FrameType::RunResult, QStringLiteral("run-result")},
            {FrameType::RunDone, QStringLiteral("run-done")},
            {FrameType::StopInputs, QStringLiteral("stop-inputs")},
            {FrameType::StopInputsAck, QStringLiteral("stop-inputs-ack")},
            {FrameType::StatusRequest, QStringLiteral("status-request")},
            {FrameType::StatusReply, QStringLiteral("status-reply")}};
        for (const auto &n : names) {
            QCOMPARE(frameTypeName(quint8(n.first)), n.second);
            QVERIFY(isKnownFrameType(quint8(n.first)));
            QVERIFY(!isHandshakeFrameType(n.first));
        }
    }

    void runInputs()
    {
        RunInputsMessage m;
        m.count = 25;
        m.ratePerSecond = 2.5;
        // Through a whole frame, as it travels.
        const Result<QByteArray> bytes = encodeFrame(makeFrame(FrameType::RunInputs, m, 9));
        QVERIFY(bytes.ok());
        FrameReader reader;
        QVERIFY(reader.feed(*bytes));
        QVERIFY(reader.hasFrame());
        const Frame f = reader.takeFrame();
        QCOMPARE(f.type, FrameType::RunInputs);
        QCOMPARE(f.requestId, quint32(9));
        const Result<RunInputsMessage> back = RunInputsMessage::fromCbor(f.control);
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->count, qint64(25));
        QCOMPARE(back->ratePerSecond, 2.5);
        // rate_per_s is optional (closed loop); count is not.
        QCborMap closed;
        closed.insert(QStringLiteral("count"), 0);
        QVERIFY(RunInputsMessage::fromCbor(closed).ok());
        QCOMPARE(RunInputsMessage::fromCbor(closed)->ratePerSecond, 0.0);
        const auto refused = [](const QCborMap &map, const char *field) {
            const Result<RunInputsMessage> r = RunInputsMessage::fromCbor(map);
            return !r.ok() && r.error().contains(QLatin1String(field));
        };
        QVERIFY(refused(QCborMap(), "count"));
        QCborMap bad;
        bad.insert(QStringLiteral("count"), -1);
        QVERIFY(refused(bad, "count"));
        bad.insert(QStringLiteral("count"), QStringLiteral("5"));
        QVERIFY(refused(bad, "count"));
        bad.insert(QStringLiteral("count"), RunInputsMessage::maxCount + 1);
        QVERIFY(refused(bad, "count"));
        bad.insert(QStringLiteral("count"), 1);
        bad.insert(QStringLiteral("rate_per_s"), 10001);
        QVERIFY(refused(bad, "rate_per_s"));
        bad.insert(QStringLiteral("rate_per_s"), -0.5);
        QVERIFY(refused(bad, "rate_per_s"));

        RunInputsAckMessage ack;
        ack.accepted = 25;
        QCOMPARE(RunInputsAckMessage::fromCbor(ack.toCbor())->accepted, qint64(25));
        QVERIFY(!RunInputsAckMessage::fromCbor(QCborMap()).ok());
    }

    void runResult()
    {
        RunResultMessage m;
        m.index = 4;
        m.input = QStringLiteral("0004.png");
        m.model = QStringLiteral("fashion-mnist-cnn");
        m.ok = true;
        m.predicted = 7;
        m.label = QStringLiteral("Sneaker");
        m.split = QStringLiteral("conv2");
        m.codec = QStringLiteral("q8-tensor-z3");
        m.deviceMs = 1.25;
        m.encodeMs = 0.5;
        m.transferMs = 2;
        m.edgeMs = 0.75;
        m.totalMs = 4.5;
        m.emulated = true;
        const Result<RunResultMessage> back = RunResultMessage::fromCbor(m.toCbor());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->index, qint64(4));
        QCOMPARE(back->input, m.input);
        QCOMPARE(back->model, m.model);
        QVERIFY(back->ok);
        QCOMPARE(back->predicted, qint64(7));
        QCOMPARE(back->label, m.label);
        QCOMPARE(back->truth, qint64(-1));
        QCOMPARE(back->split, m.split);
        QCOMPARE(back->codec, m.codec);
        QCOMPARE(back->deviceMs, 1.25);
        QCOMPARE(back->encodeMs, 0.5);
        QCOMPARE(back->transferMs, 2.0);
        QCOMPARE(back->edgeMs, 0.75);
        QCOMPARE(back->totalMs, 4.5);
        QVERIFY(back->emulated);
        // Times not measured are not sent, and read back as -1.
        RunResultMessage failed;
        failed.ok = false;
        failed.error = QStringLiteral("edge connection lost");
        QVERIFY(!failed.toCbor().contains(QStringLiteral("total_ms")));
        const Result<RunResultMessage> f = RunResultMessage::fromCbor(failed.toCbor());
        QVERIFY2(f.ok(), qPrintable(f.error()));
        QVERIFY(!f->ok);
        QCOMPARE(f->error, failed.error);
        QCOMPARE(f->totalMs, -1.0);
        // Refused: a failure without its reason, a mistyped flag, a negative index, a huge time.
        QCborMap noReason = failed.toCbor();
        noReason.remove(QStringLiteral("error"));
        QVERIFY(!RunResultMessage::fromCbor(noReason).ok());
        QCborMap bad = m.toCbor();
        bad.insert(QStringLiteral("ok"), 1);
        QVERIFY(RunResultMessage::fromCbor(bad).error().contains(QLatin1String("'ok'")));
        bad = m.toCbor();
        bad.insert(QStringLiteral("emulated"), QStringLiteral("no"));
        QVERIFY(RunResultMessage::fromCbor(bad).error().contains(QLatin1String("emulated")));
        bad = m.toCbor();
        bad.insert(QStringLiteral("index"), -3);
        QVERIFY(RunResultMessage::fromCbor(bad).error().contains(QLatin1String("index")));
        bad = m.toCbor();
        bad.insert(QStringLiteral("total_ms"), 1e12);
        QVERIFY(RunResultMessage::fromCbor(bad).error().contains(QLatin1String("total_ms")));
        bad = m.toCbor();
        bad.insert(QStringLiteral("input"), QString(5000, QLatin1Char('x')));
        QVERIFY(RunResultMessage::fromCbor(bad).error().contains(QLatin1String("input")));
    }

    void runDone()
    {
        RunDoneMessage m;
        m.answered = 9;
        m.failed = 1;
        const Result<RunDoneMessage> back = RunDoneMessage::fromCbor(m.toCbor());
        QVERIFY(back.ok());
        QCOMPARE(back->answered, qint64(9));
        QCOMPARE(back->failed, qint64(1));
        QCborMap bad = m.toCbor();
        bad.insert(QStringLiteral("failed"), -1);
        QVERIFY(RunDoneMessage::fromCbor(bad).error().contains(QLatin1String("failed")));
        QVERIFY(EmptyMessage::fromCbor(QCborMap()).ok());
        QVERIFY(EmptyMessage{}.toCbor().isEmpty());
    }

    void statusReply()
    {
        StatusReplyMessage m;
        m.role = QStringLiteral("edge");
        m.requests = 120;
        m.failed = 2;
        m.medianMs = 3.5;
        m.deviceMs = 1.5;
        m.models = {QStringLiteral("cnn"), QStringLiteral("resnet")};
        m.emulated = true;
        m.slowdown = 150.76;
        m.codecSlowdown = 4;
        const Result<StatusReplyMessage> back = StatusReplyMessage::fromCbor(m.toCbor());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->role, m.role);
        QCOMPARE(back->requests, qint64(120));
        QCOMPARE(back->failed, qint64(2));
        QCOMPARE(back->medianMs, 3.5);
        QCOMPARE(back->deviceMs, 1.5);
        QCOMPARE(back->models, m.models);
        QVERIFY(back->emulated);
        QCOMPARE(back->slowdown, 150.76);
        QCOMPARE(back->codecSlowdown, 4.0);
        // No answers yet: no medians on the wire, -1 back.
        StatusReplyMessage fresh;
        fresh.role = QStringLiteral("device");
        QCOMPARE(StatusReplyMessage::fromCbor(fresh.toCbor())->medianMs, -1.0);
        // Refused: no role, a model list with a number in it, too many models, a slow-down < 1.
        QCborMap bad = m.toCbor();
        bad.remove(QStringLiteral("role"));
        QVERIFY(StatusReplyMessage::fromCbor(bad).error().contains(QLatin1String("role")));
        bad = m.toCbor();
        QCborArray models{QStringLiteral("cnn"), 3};
        bad.insert(QStringLiteral("models"), models);
        QVERIFY(StatusReplyMessage::fromCbor(bad).error().contains(QLatin1String("models")));
        QCborArray many;
        for (int i = 0; i <= StatusReplyMessage::maxModels; ++i)
            many.append(QStringLiteral("m%1").arg(i));
        bad.insert(QStringLiteral("models"), many);
        QVERIFY(StatusReplyMessage::fromCbor(bad).error().contains(QLatin1String("models")));
        bad = m.toCbor();
        bad.insert(QStringLiteral("slowdown"), 0.5);
        QVERIFY(!StatusReplyMessage::fromCbor(bad).ok());
    }
};

QTEST_GUILESS_MAIN(TestRunMessages)
#include "tst_run_messages.moc"
