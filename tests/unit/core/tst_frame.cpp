// Frames and FrameReader: round trips of every type, chunked and byte-by-byte reading, and
// rejection of truncated, corrupted, oversized and garbage input with one-line errors.
#include "core/protocol/Frame.h"
#include "core/protocol/Messages.h"

#include <QCborArray>
#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <cmath>
#include <limits>
#include <vector>
#include <zlib.h>

using namespace edgegpt;

namespace {

const QList<FrameType> allTypes{FrameType::Hello,          FrameType::Challenge,
                                FrameType::Response,       FrameType::Ok,
                                FrameType::Error,          FrameType::Ping,
                                FrameType::Pong,           FrameType::InferRequest,
                                FrameType::InferResult,    FrameType::MetricsSubscribe,
                                FrameType::MetricsUpdate,  FrameType::LinkSettings,
                                FrameType::LinkSettingsAck};

Frame sampleFrame(FrameType type, quint32 id)
{
    Frame f;
    f.type = type;
    f.requestId = id;
    f.control.insert(QStringLiteral("type"), frameTypeName(quint8(type)));
    f.control.insert(QStringLiteral("n"), qint64(id) * 7);
    f.control.insert(QStringLiteral("bytes"), QByteArray("\x00\x01\x02", 3));
    QCborArray a;
    a.append(1.5);
    a.append(QStringLiteral("x"));
    f.control.insert(QStringLiteral("list"), a);
    if (type == FrameType::InferRequest || type == FrameType::InferResult) {
        QByteArray payload(1000 + int(id), Qt::Uninitialized);
        for (int i = 0; i < payload.size(); ++i)
            payload[i] = char(i * 31 + int(id));
        f.payload = payload;
    }
    return f;
}

QByteArray encoded(const Frame &f, const FrameLimits &limits = {})
{
    const Result<QByteArray> r = encodeFrame(f, limits);
    if (!r.ok())
        qFatal("encodeFrame failed: %s", qPrintable(r.error()));
    return *r;
}

QList<Frame> readAll(FrameReader &reader)
{
    QList<Frame> out;
    while (reader.hasFrame())
        out.append(reader.takeFrame());
    return out;
}

quint32 crc(const char *p, qsizetype n)
{
    return quint32(crc32_z(0L, reinterpret_cast<const Bytef *>(p), z_size_t(n)));
}

// A header with the given lengths and a valid header CRC.
QByteArray header(quint8 type, quint32 controlBytes, quint32 payloadBytes, quint8 version = 1)
{
    QByteArray h(frame_format::headerBytes, '\0');
    char *p = h.data();
    memcpy(p, frame_format::magic, 4);
    p[4] = char(version);
    p[5] = char(type);
    qToBigEndian<quint32>(42, p + 8);
    qToBigEndian<quint32>(controlBytes, p + 12);
    qToBigEndian<quint32>(payloadBytes, p + 16);
    qToBigEndian<quint32>(crc(p, 20), p + 20);
    return h;
}

} // namespace

class TestFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripEveryType()
    {
        for (FrameType type : allTypes) {
            const Frame f = sampleFrame(type, quint32(type) * 1000 + 1);
            const QByteArray bytes = encoded(f);
            QCOMPARE(bytes.left(4), QByteArray("EGPF"));
            FrameReader reader;
            QVERIFY(reader.feed(bytes));
            QVERIFY2(reader.hasFrame(), qPrintable(frameTypeName(quint8(type))));
            QCOMPARE(reader.takeFrame(), f);
            QVERIFY(!reader.hasFrame());
            QVERIFY(reader.atFrameBoundary());
            QCOMPARE(reader.bufferedBytes(), 0);
        }
    }

    void emptyFrameIsOverheadOnly()
    {
        Frame f;
        f.type = FrameType::Pong;
        const QByteArray bytes = encoded(f);
        QCOMPARE(bytes.size(), frame_format::overheadBytes);
        FrameReader reader;
        reader.feed(bytes);
        QVERIFY(reader.hasFrame());
        QCOMPARE(reader.takeFrame(), f);
    }

    void messagesRoundTrip()
    {
        InferRequestMessage req;
        req.model = QStringLiteral("splitnet");
        req.split = QStringLiteral("block2");
        req.codec = QStringLiteral("q8-tensor-z3");
        req.encodeMs = 1.25;
        const Frame fr = makeFrame(FrameType::InferRequest, req, 9, QByteArray(300, 'x'));
        FrameReader reader;
        reader.feed(encoded(fr));
        const Frame back = reader.takeFrame();
        const Result<InferRequestMessage> r = InferRequestMessage::fromCbor(back.control);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->model, req.model);
        QCOMPARE(r->split, req.split);
        QCOMPARE(r->codec, req.codec);
        QCOMPARE(r->encodeMs, 1.25);
        QCOMPARE(r->deviceComputeMs, -1.0);
        QCOMPARE(back.payload, QByteArray(300, 'x'));

        InferResultMessage res;
        res.classIndex = 3;
        res.label = QStringLiteral("dress");
        // Scores travel as float32 (a softmax of float logits is one): these survive exactly.
        res.topK = {{3, double(0.9f)}, {1, double(0.05f)}};
        res.edgeComputeMs = 4.5;
        const Result<InferResultMessage> res2 = InferResultMessage::fromCbor(res.toCbor());
        QVERIFY2(res2.ok(), qPrintable(res2.error()));
        QCOMPARE(res2->classIndex, 3);
        QCOMPARE(res2->label, res.label);
        QCOMPARE(res2->topK, res.topK);
        QCOMPARE(res2->edgeComputeMs, 4.5);
        QCOMPARE(res2->decodeMs, -1.0);
        // A double score comes back within float precision; timings to the microsecond.
        res.topK = {{2, 0.123456789}};
        res.queueMs = 0.0012344;
        const Result<InferResultMessage> res3 = InferResultMessage::fromCbor(res.toCbor());
        QVERIFY2(res3.ok(), qPrintable(res3.error()));
        QVERIFY(std::abs(res3->topK.first().score - 0.123456789) < 1e-7);
        QCOMPARE(res3->queueMs, 0.001);

        // The per-inference maps are compact (protocol 2): small integer keys, no text keys,
        // timings as whole microseconds. The co-inference request of the default model —
        // cnn, fc1, q4-unit-z0, both timings — is a 28-byte frame overhead plus a map of at
        // most 32 bytes around its 13-byte feature.
        InferRequestMessage co;
        co.model = QStringLiteral("cnn");
        co.split = QStringLiteral("fc1");
        co.codec = QStringLiteral("q4-unit-z0");
        co.deviceComputeMs = 1.302;
        co.encodeMs = 0.004;
        const QCborMap coMap = co.toCbor();
        for (const auto &kv : coMap)
            QVERIFY(kv.first.isInteger());
        const Result<QByteArray> coFrame =
            encodeFrame(makeFrame(FrameType::InferRequest, co, 1, QByteArray(13, 'f')));
        QVERIFY(coFrame.ok());
        QVERIFY2(coFrame->size() <= 28 + 32 + 13, qPrintable(QString::number(coFrame->size())));
        const Result<InferRequestMessage> coBack = InferRequestMessage::fromCbor(coMap);
        QVERIFY2(coBack.ok(), qPrintable(coBack.error()));
        QCOMPARE(coBack->deviceComputeMs, 1.302);
        QCOMPARE(coBack->encodeMs, 0.004);
        for (const auto &kv : res.toCbor())
            QVERIFY(kv.first.isInteger());
        // A malformed top-k (odd length, a class that is not an integer) is refused, named.
        QCborMap oddTop = res.toCbor();
        oddTop.insert(3, QCborArray{1, 0.5, 2});
        QVERIFY(InferResultMessage::fromCbor(oddTop).error().contains(QLatin1String("'top_k'")));
        oddTop.insert(3, QCborArray{QStringLiteral("x"), 0.5});
        QVERIFY(InferResultMessage::fromCbor(oddTop).error().contains(QLatin1String("'top_k'")));
        QCborMap negativeTime = co.toCbor();
        negativeTime.insert(5, -3);
        QVERIFY(InferRequestMessage::fromCbor(negativeTime)
                    .error()
                    .contains(QLatin1String("'encode_us'")));

        MetricsUpdateMessage up;
        up.timeMs = 1700000000000;
        RequestMetrics q;
        q.requestId = 7;
        q.totalMs = 12.5;
        q.bytes = 4096;
        q.split = QStringLiteral("block1");
        up.requests.append(q);
        up.linkRateKBps = 250;
        up.queueDepth = 2;
        up.cache.hits = 5;
        const Result<MetricsUpdateMessage> up2 = MetricsUpdateMessage::fromCbor(up.toCbor());
        QVERIFY2(up2.ok(), qPrintable(up2.error()));
        QCOMPARE(up2->requests.size(), 1);
        QCOMPARE(up2->requests[0].requestId, 7u);
        QCOMPARE(up2->requests[0].totalMs, 12.5);
        QCOMPARE(up2->requests[0].bytes, 4096);
        QCOMPARE(up2->linkRateKBps, 250.0);
        QCOMPARE(up2->queueDepth, 2);
        QCOMPARE(up2->cache.hits, 5);

        // Schema errors name the field.
        QCborMap bad = req.toCbor();
        bad.insert(1, 5); // field 1: model
        const Result<InferRequestMessage> badReq = InferRequestMessage::fromCbor(bad);
        QVERIFY(!badReq.ok());
        QVERIFY2(badReq.error().contains(QLatin1String("'model'")), qPrintable(badReq.error()));
        // Faster than 10 Hz is held at 10 Hz; a negative or huge interval is an error.
        QCborMap sub;
        sub.insert(QStringLiteral("interval_ms"), 10);
        QVERIFY(MetricsSubscribeMessage::fromCbor(sub).ok());
        QCOMPARE(MetricsSubscribeMessage::fromCbor(sub)->intervalMs,
                 MetricsSubscribeMessage::minIntervalMs);
        sub.insert(QStringLiteral("interval_ms"), 250);
        QCOMPARE(MetricsSubscribeMessage::fromCbor(sub)->intervalMs, 250);
        sub.insert(QStringLiteral("interval_ms"), -5);
        QVERIFY(!MetricsSubscribeMessage::fromCbor(sub).ok());
        sub.insert(QStringLiteral("interval_ms"), qint64(1) << 40);
        QVERIFY(!MetricsSubscribeMessage::fromCbor(sub).ok());
    }

    void linkSettingsMessage()
    {
        QCOMPARE(frameTypeName(quint8(FrameType::LinkSettings)), QStringLiteral("link-settings"));
        QCOMPARE(frameTypeName(quint8(FrameType::LinkSettingsAck)),
                 QStringLiteral("link-settings-ack"));
        // Only the fields given travel; the others stay as they are.
        LinkSettingsMessage rate;
        rate.rateKBps = 250;
        QCOMPARE(rate.toCbor().size(), 1);
        const Result<LinkSettingsMessage> back = LinkSettingsMessage::fromCbor(rate.toCbor());
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->rateKBps, 250.0);
        QCOMPARE(back->delayMs, -1.0);
        LinkSettings current;
        current.rateKBps = 100;
        current.delayMs = 20;
        current.jitterMs = 5;
        current.minRtoMs = 300;
        const Result<LinkSettings> next = back->applyTo(current);
        QVERIFY(next.ok());
        QCOMPARE(next->rateKBps, 250.0);
        QCOMPARE(next->delayMs, 20.0);
        QCOMPARE(next->jitterMs, 5.0);
        QCOMPARE(next->minRtoMs, 300.0);
        // An ack carries all four, 0 included (0 KB/s = unlimited).
        current.rateKBps = 0;
        const Result<LinkSettingsMessage> ack =
            LinkSettingsMessage::fromCbor(LinkSettingsMessage::from(current).toCbor());
        QVERIFY(ack.ok());
        QCOMPARE(ack->rateKBps, 0.0);
        QCOMPARE(ack->delayMs, 20.0);
        QCOMPARE(ack->jitterMs, 5.0);
        QCOMPARE(ack->loss, 0.0);
        QVERIFY(LinkSettingsMessage::fromCbor(QCborMap()).ok());
        QVERIFY(LinkSettingsMessage::fromCbor(QCborMap())->isEmpty());
        // Out of range or mistyped: refused, naming the field.
        for (const auto &[key, value] : std::vector<std::pair<QString, QCborValue>>{
                 {QStringLiteral("rate_kbps"), -5},
                 {QStringLiteral("rate_kbps"), QStringLiteral("fast")},
                 {QStringLiteral("delay_ms"), 1e9},
                 {QStringLiteral("jitter_ms"), std::numeric_limits<double>::quiet_NaN()},
                 {QStringLiteral("loss"), 1.5}}) {
            QCborMap m;
            m.insert(key, value);
            const Result<LinkSettingsMessage> r = LinkSettingsMessage::fromCbor(m);
            QVERIFY2(!r.ok(), qPrintable(key));
            QVERIFY2(r.error().contains(key), qPrintable(r.error()));
        }
    }

    void byteByByteGivesTheSameFrames()
    {
        QByteArray stream;
        QList<Frame> sent;
        for (FrameType type : allTypes) {
            sent.append(sampleFrame(type, quint32(sent.size() + 1)));
            stream += encoded(sent.last());
        }
        FrameReader whole;
        QVERIFY(whole.feed(stream));
        QCOMPARE(readAll(whole), sent);

        FrameReader bytewise;
        QList<Frame> got;
        for (char c : stream) {
            QVERIFY(bytewise.feed(&c, 1));
            got += readAll(bytewise);
            QVERIFY(bytewise.bufferedBytes() <= stream.size());
        }
        QCOMPARE(got, sent);

        // Random chunk sizes, as a socket delivers them.
        QRandomGenerator rng(7);
        FrameReader chunked;
        got.clear();
        for (qsizetype at = 0; at < stream.size();) {
            const qsizetype n = std::min<qsizetype>(stream.size() - at, 1 + rng.bounded(700));
            QVERIFY(chunked.feed(stream.constData() + at, n));
            got += readAll(chunked);
            at += n;
        }
        QCOMPARE(got, sent);
    }

    void everyTruncationIsIncompleteThenRejected()
    {
        const QByteArray bytes = encoded(sampleFrame(FrameType::InferRequest, 5));
        for (qsizetype n = 1; n < bytes.size(); ++n) {
            FrameReader reader;
            QVERIFY(reader.feed(bytes.left(n)));
            QVERIFY(!reader.hasFrame());
            QVERIFY(!reader.atFrameBoundary());
            QVERIFY(reader.bufferedBytes() <= n);
            reader.finish();
            QVERIFY(reader.failed());
            QCOMPARE(reader.failure(), FrameReader::Failure::Truncated);
            QVERIFY(!reader.error().contains(QLatin1Char('\n')));
        }
        FrameReader reader;
        reader.finish(); // nothing at all is a clean end
        QVERIFY(!reader.failed());
    }

    void fourGibAnnouncementRejectedFromHeader()
    {
        FrameReader reader;
        const QByteArray h = header(quint8(FrameType::InferRequest), 16, 0xFFFFFFFFu);
        QVERIFY(!reader.feed(h));
        QCOMPARE(reader.failure(), FrameReader::Failure::Oversized);
        QVERIFY2(reader.error().contains(QLatin1String("4294967339")), qPrintable(reader.error()));
        QCOMPARE(reader.bufferedBytes(), 0);
        // Nothing more is taken after a failure.
        QVERIFY(!reader.feed(QByteArray(1000, 'x')));
        QCOMPARE(reader.bufferedBytes(), 0);

        FrameReader controlBomb;
        QVERIFY(!controlBomb.feed(header(quint8(FrameType::Hello), 0xFFFFFFFFu, 0)));
        QCOMPARE(controlBomb.failure(), FrameReader::Failure::Oversized);
    }

    void maximumSizeIsConfigurable()
    {
        FrameLimits small;
        small.maxFrameBytes = 1000;
        Frame f = sampleFrame(FrameType::InferResult, 1); // payload > 1000 bytes
        QVERIFY(!encodeFrame(f, small).ok());
        const QByteArray bytes = encoded(f);
        FrameReader reader(small);
        QVERIFY(!reader.feed(bytes));
        QCOMPARE(reader.failure(), FrameReader::Failure::Oversized);
        QVERIFY(reader.bufferedBytes() <= frame_format::headerBytes);

        // Floats are written in the shortest exact form (docs/protocol.md): 1.5 as float16.
        const qsizetype controlBytes =
            QCborValue(f.control)
                .toCbor(QCborValue::EncodingOptions(QCborValue::UseFloat) | QCborValue::UseFloat16)
                .size();
        QVERIFY(controlBytes < QCborValue(f.control).toCbor().size());
        f.payload = QByteArray(1000 - frame_format::overheadBytes - controlBytes, 'p');
        const QByteArray exact = encoded(f, small);
        QCOMPARE(exact.size(), 1000);
        FrameReader ok(small);
        QVERIFY(ok.feed(exact));
        QCOMPARE(ok.takeFrame(), f);
    }

    void crcCorruptionRejected()
    {
        const QByteArray bytes = encoded(sampleFrame(FrameType::InferRequest, 3));
        // Every single-bit flip anywhere in the frame is caught (by magic, version, header CRC
        // or body CRC) and no frame comes out.
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            for (int bit : {0, 5}) {
                QByteArray bad = bytes;
                bad[i] = char(bad[i] ^ (1 << bit));
                FrameReader reader;
                const bool ok = reader.feed(bad);
                QVERIFY2(!ok, qPrintable(QStringLiteral("flip at %1 not caught").arg(i)));
                QVERIFY(!reader.hasFrame());
                QVERIFY(!reader.error().isEmpty());
                if (i >= frame_format::headerBytes)
                    QCOMPARE(reader.failure(), FrameReader::Failure::CrcMismatch);
                else if (i >= 5)
                    QCOMPARE(reader.failure(), FrameReader::Failure::HeaderCrcMismatch);
            }
        }
    }

    void headerFieldsChecked()
    {
        FrameReader magic;
        QVERIFY(!magic.feed(QByteArray("GET / HTTP/1.1\r\n")));
        QCOMPARE(magic.failure(), FrameReader::Failure::BadMagic);
        QVERIFY2(magic.error().startsWith(QLatin1String("bad magic")), qPrintable(magic.error()));

        FrameReader earlyMagic; // one wrong byte is enough
        QVERIFY(!earlyMagic.feed(QByteArray("X")));
        QCOMPARE(earlyMagic.failure(), FrameReader::Failure::BadMagic);

        FrameReader version;
        QVERIFY(!version.feed(header(1, 0, 0, 2)));
        QCOMPARE(version.failure(), FrameReader::Failure::UnsupportedVersion);
        QVERIFY(version.error().contains(QLatin1String("version 2")));

        FrameReader type;
        QVERIFY(!type.feed(header(99, 0, 0)));
        QCOMPARE(type.failure(), FrameReader::Failure::UnknownType);
        QVERIFY(type.error().contains(QLatin1String("99")));

        QByteArray flagged = header(quint8(FrameType::Ping), 0, 0);
        flagged[7] = 1;
        qToBigEndian<quint32>(crc(flagged.constData(), 20), flagged.data() + 20);
        FrameReader flags;
        QVERIFY(!flags.feed(flagged));
        QCOMPARE(flags.failure(), FrameReader::Failure::BadFlags);
    }

    void controlMustBeOneCborMap()
    {
        const auto frameWithControl = [](const QByteArray &control) -> QByteArray {
            QByteArray f = header(quint8(FrameType::Ping), quint32(control.size()), 0) + control;
            QByteArray t(4, '\0');
            qToBigEndian<quint32>(crc(control.constData(), control.size()), t.data());
            return f + t;
        };
        const QByteArray map = QCborValue(QCborMap{{QStringLiteral("a"), 1}}).toCbor();
        FrameReader good;
        QVERIFY(good.feed(frameWithControl(map)));
        QVERIFY(good.hasFrame());

        for (const QByteArray &bad :
             QList<QByteArray>{QCborValue(QCborArray{1, 2}).toCbor(), QCborValue(5).toCbor(),
                               QByteArray(map + QByteArray("\x01", 1)), QByteArray("\xbf\x61", 2),
                               QByteArray("\xff", 1)}) {
            FrameReader reader;
            QVERIFY(!reader.feed(frameWithControl(bad)));
            QCOMPARE(reader.failure(), FrameReader::Failure::BadControl);
            QVERIFY(!reader.hasFrame());
        }
    }

    void randomGarbageNeverYieldsFrames()
    {
        QRandomGenerator rng(12345);
        for (int i = 0; i < 2000; ++i) {
            QByteArray junk(rng.bounded(1, 200), Qt::Uninitialized);
            for (char &c : junk)
                c = char(rng.bounded(256));
            if (i % 2 == 0)
                junk.replace(0, 5, QByteArray("EGPF\x01", 5)); // get past the magic
            FrameReader reader;
            reader.feed(junk);
            reader.finish();
            QVERIFY(reader.failed());
            QVERIFY(!reader.hasFrame());
            QVERIFY(!reader.error().isEmpty());
            QVERIFY(!reader.error().contains(QLatin1Char('\n')));
        }
    }

    void framesBeforeAnErrorAreKept()
    {
        const QByteArray good = encoded(sampleFrame(FrameType::Ping, 1));
        FrameReader reader;
        QVERIFY(!reader.feed(good + good + QByteArray("garbage")));
        QCOMPARE(readAll(reader).size(), 2);
        QCOMPARE(reader.failure(), FrameReader::Failure::BadMagic);
        QVERIFY2(reader.error().contains(QString::number(2 * good.size())),
                 qPrintable(reader.error())); // the offset of the bad frame
    }
};

QTEST_GUILESS_MAIN(TestFrame)
#include "tst_frame.moc"
