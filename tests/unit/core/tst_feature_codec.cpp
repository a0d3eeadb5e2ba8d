// FeatureCodec: every setting round-trips within its error bound (f32 exactly); zeroing gives
// exact zeros and fewer bytes; names round-trip; and untrusted bytes (truncations, corruptions,
// oversized declarations, hand-made zstd frames, random strings) are rejected with an error.
#include "core/codec/FeatureCodec.h"
#include "core/protocol/Frame.h"

#include <QElapsedTimer>
#include <QTest>
#include <QtEndian>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace edgegpt;

namespace {

// An independent CRC-32 (IEEE 802.3, reflected 0xEDB88320), as docs/codecs.md specifies.
quint32 crc32Ieee(const char *data, qint64 size)
{
    quint32 crc = 0xFFFFFFFFu;
    for (qint64 i = 0; i < size; ++i) {
        crc ^= quint8(data[i]);
        for (int b = 0; b < 8; ++b)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// Recomputes the trailing CRC of format 2 (which had one) after a test edited the bytes on
// purpose; format 3 has none, so nothing to do there.
void fixCrc(QByteArray &bytes)
{
    if (bytes.size() < 2 || (quint8(bytes[1]) >> 4) != 2)
        return;
    const qint64 at = bytes.size() - 4;
    qToLittleEndian(crc32Ieee(bytes.constData(), at), bytes.data() + at);
}

qint64 elementCount(const QVector<qint64> &shape)
{
    qint64 n = 1;
    for (qint64 d : shape)
        n *= d;
    return n;
}

// A feature map whose channels live on very different scales (per-channel scales pay off there).
std::vector<float> multiScaleTensor(const QVector<qint64> &shape, quint32 seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.5f, 1.0f);
    std::vector<float> v(size_t(elementCount(shape)));
    for (size_t i = 0; i < v.size(); ++i) {
        const qint64 c = FeatureCodec::channelOf(shape, qint64(i));
        v[i] = normal(rng) * std::pow(10.0f, float(c % 5) - 2.0f);
    }
    return v;
}

// ReLU-like: 60% of values are small noise (|x| < 0.05), the rest are large and positive.
std::vector<float> sparseishTensor(qint64 n, quint32 seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> small(-0.049f, 0.049f), big(0.2f, 3.0f);
    std::uniform_int_distribution<int> pick(0, 9);
    std::vector<float> v(static_cast<size_t>(n));
    for (float &x : v)
        x = pick(rng) < 6 ? small(rng) : big(rng);
    return v;
}

FeatureCodecSettings settings(int bits, bool perChannel, int zstd, float zeroBelow = 0)
{
    FeatureCodecSettings s;
    s.bits = bits;
    s.perChannel = perChannel;
    s.zstdLevel = zstd;
    s.zeroBelow = zeroBelow;
    return s;
}

// The 3-bit code of a bit width in the header (docs/codecs.md).
int bitsCode(int bits)
{
    return bits == 32 ? 0 : bits == 2 ? 1 : bits == 4 ? 2 : bits == 6 ? 3 : 4;
}

void appendVarint(QByteArray &b, quint64 v)
{
    while (v >= 0x80) {
        b.append(char(quint8(v) | 0x80));
        v >>= 7;
    }
    b.append(char(v));
}

// A valid encoding of `shape` with a payload the test supplies, written from docs/codecs.md
// (not with the codec): format 3 (no CRC), or format 2 with its trailing CRC. zstdLevel > 0 sets
// the zstd flag.
QByteArray craft(const QVector<qint64> &shape, int bits, bool perChannel, quint8 zstdLevel,
                 const std::vector<std::pair<float, float>> &pairs, const QByteArray &payload,
                 int version = 3)
{
    QByteArray b;
    b.append(char(0xEF));
    b.append(char((version << 4) | shape.size()));
    b.append(char(bitsCode(bits) | (perChannel ? 0x08 : 0) | (zstdLevel > 0 ? 0x10 : 0)));
    if (zstdLevel > 0)
        b.append(char(zstdLevel));
    auto f32 = [&b](float f) {
        quint32 u;
        std::memcpy(&u, &f, 4);
        char buf[4];
        qToLittleEndian(u, buf);
        b.append(buf, 4);
    };
    for (qint64 d : shape)
        appendVarint(b, quint64(d));
    for (const auto &p : pairs) {
        f32(p.first);
        f32(p.second);
    }
    b.append(payload);
    if (version == 2) {
        b.append(4, '\0');
        fixCrc(b);
    }
    return b;
}

// A raw-block zstd frame by hand (RFC 8878): with a 1-byte declared content size, or none.
QByteArray zstdRawFrame(const QByteArray &content, int declaredSize)
{
    QByteArray f;
    const char magic[4] = {'\x28', '\xB5', '\x2F', '\xFD'};
    f.append(magic, 4);
    if (declaredSize >= 0) {
        f.append(char(0x20)); // single segment, 1-byte frame content size
        f.append(char(declaredSize));
    } else {
        f.append(char(0x00)); // no content size: a window descriptor follows
        f.append(char(0x00)); // 1 KiB window
    }
    const quint32 blockHeader = 1u | (0u << 1) | (quint32(content.size()) << 3); // last, raw
    f.append(char(blockHeader & 0xFF));
    f.append(char((blockHeader >> 8) & 0xFF));
    f.append(char((blockHeader >> 16) & 0xFF));
    f.append(content);
    return f;
}

void expectRejected(const QByteArray &bytes, const char *needle, qint64 maxElements = 1 << 20)
{
    const Result<DecodedFeature> r = FeatureCodec::decode(bytes, maxElements);
    QVERIFY2(!r.ok(), needle);
    QVERIFY2(r.error().contains(QLatin1String(needle)), qPrintable(r.error()));
    QVERIFY2(!r.error().contains(QLatin1Char('\n')), qPrintable(r.error()));
}

} // namespace

class TestFeatureCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripEverySetting();
    void perChannelHelpsMultiScaleData();
    void zeroingGivesExactZerosAndFewerBytes();
    void reluZerosStayExact();
    void edgeShapesAndValues();
    void namesRoundTrip();
    void parseErrors();
    void encodeRejectsBadArguments();
    void everyTruncationIsRejected();
    void everyOneByteCorruptionIsRejected();
    void oversizedDeclarationsAreRejected();
    void malformedHeadersAreRejected();
    void handMadeZstdFramesAreChecked();
    void randomBytesAreRejected();
    void headerBytesMatchesTheEncoding();
    void largeFeatureRoundTrips();
    void smallFeaturesHaveASmallHeader();
    void unitRangeSendsNoScales();
};

void TestFeatureCodec::roundTripEverySetting()
{
    const QVector<qint64> shape{2, 5, 7, 3};
    const std::vector<float> x = multiScaleTensor(shape, 1);
    for (int bits : {32, 8, 6, 4, 2}) {
        for (bool perChannel : {false, true}) {
            for (int zstd : {0, 3}) {
                const FeatureCodecSettings s = settings(bits, perChannel, zstd);
                const QByteArray bytes = FeatureCodec::encode(x.data(), shape, s);
                QVERIFY(!bytes.isEmpty());
                const Result<DecodedFeature> d = FeatureCodec::decode(bytes);
                QVERIFY2(d.ok(), qPrintable(s.name() + QLatin1String(": ") + d.error()));
                QCOMPARE(d->shape, shape);
                QCOMPARE(d->values.size(), x.size());
                FeatureCodecSettings expected = s;
                expected.perChannel = bits != 32 && perChannel;
                QCOMPARE(d->settings.name(), expected.name());
                if (bits == 32) {
                    QVERIFY(std::memcmp(d->values.data(), x.data(), x.size() * 4) == 0);
                    QCOMPARE(FeatureCodec::maxErrorBound(*d), 0.0f);
                    continue;
                }
                const std::vector<float> bounds = FeatureCodec::errorBounds(*d);
                QCOMPARE(qint64(bounds.size()), perChannel ? shape[1] : 1);
                // The bound is tight: half a step of the group's own range (plus rounding).
                const int levels = (1 << bits) - 1;
                std::vector<float> lo(bounds.size(), 1e30f), hi(bounds.size(), -1e30f);
                for (size_t i = 0; i < x.size(); ++i) {
                    const size_t g =
                        perChannel ? size_t(FeatureCodec::channelOf(shape, qint64(i))) : 0;
                    lo[g] = std::min(lo[g], x[i]);
                    hi[g] = std::max(hi[g], x[i]);
                    const float err = std::fabs(d->values[i] - x[i]);
                    QVERIFY2(err <= bounds[g],
                             qPrintable(QStringLiteral("%1 element %2: error %3 > bound %4")
                                            .arg(s.name())
                                            .arg(i)
                                            .arg(double(err))
                                            .arg(double(bounds[g]))));
                }
                for (size_t g = 0; g < bounds.size(); ++g) {
                    const double halfStep = 0.5 * (double(hi[g]) - lo[g]) / levels;
                    const double maxAbs = std::max(std::fabs(lo[g]), std::fabs(hi[g]));
                    QVERIFY(bounds[g] <= halfStep * 1.001 + 1e-6 * maxAbs + 1e-30);
                }
            }
        }
    }
}

void TestFeatureCodec::perChannelHelpsMultiScaleData()
{
    // Channel 0 holds values ~0.01, channel 4 values ~100: one scale for all wastes the levels
    // on channel 0, its own scale makes its error about 10^4 times smaller.
    const QVector<qint64> shape{1, 5, 8, 8};
    const std::vector<float> x = multiScaleTensor(shape, 2);
    auto channel0Error = [&](bool perChannel) {
        const Result<DecodedFeature> d =
            FeatureCodec::decode(FeatureCodec::encode(x.data(), shape, settings(4, perChannel, 0)));
        double sum = 0;
        for (size_t i = 0; i < 64; ++i)
            sum += std::fabs(d->values[i] - x[i]);
        return sum / 64;
    };
    QVERIFY(channel0Error(true) < 0.01 * channel0Error(false));
}

void TestFeatureCodec::zeroingGivesExactZerosAndFewerBytes()
{
    const QVector<qint64> shape{1, 8, 16, 16};
    const std::vector<float> x = sparseishTensor(elementCount(shape), 3);
    for (int bits : {32, 8, 4}) {
        for (bool perChannel : {false, true}) {
            const QByteArray plain =
                FeatureCodec::encode(x.data(), shape, settings(bits, perChannel, 3, 0));
            const FeatureCodecSettings s = settings(bits, perChannel, 3, 0.05f);
            const QByteArray sparse = FeatureCodec::encode(x.data(), shape, s);
            qInfo("%s: %lld bytes, without zeroing %lld", qPrintable(s.name()),
                  qint64(sparse.size()), qint64(plain.size()));
            // At 4 bits the noise already falls on one level, so only 8 and 32 bits gain.
            if (bits != 4)
                QVERIFY2(sparse.size() < plain.size(),
                         qPrintable(QStringLiteral("%1: %2 bytes, without zeroing %3")
                                        .arg(s.name())
                                        .arg(sparse.size())
                                        .arg(plain.size())));
            const Result<DecodedFeature> d = FeatureCodec::decode(sparse);
            QVERIFY2(d.ok(), qPrintable(d.error()));
            QCOMPARE(d->settings.zeroBelow, 0.05f);
            const std::vector<float> bounds = FeatureCodec::errorBounds(*d);
            for (size_t i = 0; i < x.size(); ++i) {
                if (std::fabs(x[i]) < 0.05f)
                    QCOMPARE(d->values[i], 0.0f); // exactly: the zero level was snapped
                const size_t g = perChannel && bits != 32
                                     ? size_t(FeatureCodec::channelOf(shape, qint64(i)))
                                     : 0;
                QVERIFY(std::fabs(d->values[i] - x[i]) <= bounds[g]);
            }
        }
    }
}

void TestFeatureCodec::reluZerosStayExact()
{
    // Without a threshold, values that are exactly 0 (after a ReLU) still decode to exactly 0.
    std::vector<float> x = sparseishTensor(600, 4);
    for (float &v : x)
        v = std::max(v, 0.0f);
    for (int bits : {8, 6, 4, 2}) {
        const Result<DecodedFeature> d =
            FeatureCodec::decode(FeatureCodec::encode(x.data(), {600}, settings(bits, false, 0)));
        QVERIFY(d.ok());
        for (size_t i = 0; i < x.size(); ++i)
            if (x[i] == 0)
                QCOMPARE(d->values[i], 0.0f);
    }
}

void TestFeatureCodec::edgeShapesAndValues()
{
    // A scalar (no dims), an empty tensor, a 1-d tensor per channel, 8 dims.
    const float one = 3.25f;
    Result<DecodedFeature> d =
        FeatureCodec::decode(FeatureCodec::encode(&one, {}, settings(8, false, 3)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QVERIFY(d->shape.isEmpty());
    QCOMPARE(d->values.size(), size_t(1));
    QCOMPARE(d->values[0], 3.25f); // a constant group is exact

    d = FeatureCodec::decode(FeatureCodec::encode(nullptr, {0, 3}, settings(4, true, 3)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->shape, (QVector<qint64>{0, 3}));
    QVERIFY(d->values.empty());

    const std::vector<float> line{-1, 0, 2, 5};
    d = FeatureCodec::decode(FeatureCodec::encode(line.data(), {4}, settings(2, true, 0)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->scales.size(), size_t(1));

    const QVector<qint64> eight{2, 1, 2, 1, 2, 1, 2, 3};
    const std::vector<float> x = multiScaleTensor(eight, 5);
    d = FeatureCodec::decode(FeatureCodec::encode(x.data(), eight, settings(6, true, 1)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->shape, eight);

    // Constant tensors are exact at any width.
    const std::vector<float> constant(50, -7.5f);
    d = FeatureCodec::decode(FeatureCodec::encode(constant.data(), {50}, settings(2, false, 0)));
    QVERIFY(d.ok());
    QVERIFY(d->values == constant);

    // Non-finite inputs: f32 keeps them; quantised formats clamp infinities and send NaN as 0.
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> odd{-2, nan, inf, -inf, 1, 0.5f};
    d = FeatureCodec::decode(FeatureCodec::encode(odd.data(), {6}, settings(32, false, 3)));
    QVERIFY(d.ok());
    QVERIFY(std::memcmp(d->values.data(), odd.data(), odd.size() * 4) == 0);
    d = FeatureCodec::decode(FeatureCodec::encode(odd.data(), {6}, settings(8, false, 3)));
    QVERIFY(d.ok());
    for (float v : d->values)
        QVERIFY(std::isfinite(v));
    QCOMPARE(d->values[2], d->values[4]); // +inf -> the top level (1)
    QCOMPARE(d->values[3], d->values[0]); // -inf -> the bottom level (-2)
    QVERIFY(std::fabs(d->values[1]) <= FeatureCodec::maxErrorBound(*d)); // NaN -> near 0

    // Values at the ends of the float range still give finite, decodable levels.
    const std::vector<float> huge{-std::numeric_limits<float>::max(), 0,
                                  std::numeric_limits<float>::max()};
    for (int bits : {8, 2}) {
        d = FeatureCodec::decode(FeatureCodec::encode(huge.data(), {3}, settings(bits, false, 0)));
        QVERIFY2(d.ok(), qPrintable(d.error()));
        for (size_t i = 0; i < huge.size(); ++i)
            QVERIFY(std::fabs(double(d->values[i]) - huge[i]) <= FeatureCodec::maxErrorBound(*d));
    }
    // Tiny (denormal) ranges.
    const std::vector<float> tiny{0, 1e-44f, 3e-43f, -2e-42f};
    d = FeatureCodec::decode(FeatureCodec::encode(tiny.data(), {4}, settings(8, false, 0)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->values[0], 0.0f);
    for (size_t i = 0; i < tiny.size(); ++i)
        QVERIFY(std::fabs(d->values[i] - tiny[i]) <= FeatureCodec::maxErrorBound(*d));
}

void TestFeatureCodec::namesRoundTrip()
{
    QCOMPARE(settings(8, false, 3).name(), QStringLiteral("q8-tensor-z3"));
    QCOMPARE(settings(4, true, 9, 0.05f).name(), QStringLiteral("q4-channel-t0.05-z9"));
    QCOMPARE(settings(32, false, 0).name(), QStringLiteral("f32-z0"));
    QCOMPARE(settings(32, true, 1).name(), QStringLiteral("f32-z1")); // f32 has no granularity
    QCOMPARE(settings(2, false, 19, 1e-5f).name(), QStringLiteral("q2-tensor-t1e-05-z19"));

    for (int bits : {32, 8, 6, 4, 2})
        for (bool perChannel : {false, true})
            for (int z : {0, 1, 3, 19})
                for (float t : {0.0f, 0.05f, 0.1f, 1e-5f, 2.5f, 0.3333333f}) {
                    FeatureCodecSettings s = settings(bits, perChannel && bits != 32, z, t);
                    const Result<FeatureCodecSettings> p = FeatureCodecSettings::parse(s.name());
                    QVERIFY2(p.ok(), qPrintable(s.name() + QLatin1String(": ") + p.error()));
                    QVERIFY2(*p == s, qPrintable(s.name() + QLatin1String(" -> ") + p->name()));
                }
}

void TestFeatureCodec::parseErrors()
{
    const QStringList bad{QString(),
                          QStringLiteral("q8"),
                          QStringLiteral("q8-tensor"),
                          QStringLiteral("q8-z3"),
                          QStringLiteral("q7-tensor-z3"),
                          QStringLiteral("q32-tensor-z3"),
                          QStringLiteral("q16-channel-z3"),
                          QStringLiteral("f32-channel-z0"),
                          QStringLiteral("f16-z0"),
                          QStringLiteral("q8-tensor-z20"),
                          QStringLiteral("q8-tensor-z-1"),
                          QStringLiteral("q8-tensor-t-0.5-z3"),
                          QStringLiteral("q8-tensor-tabc-z3"),
                          QStringLiteral("q8-tensor-t1e40-z3"),
                          QStringLiteral("q8-tensor-t..-z3"),
                          QStringLiteral("Q8-tensor-z3"),
                          QStringLiteral(" q8-tensor-z3"),
                          QStringLiteral("q8-tensor-z3 "),
                          QStringLiteral("q8-layer-z3")};
    for (const QString &name : bad) {
        const Result<FeatureCodecSettings> p = FeatureCodecSettings::parse(name);
        QVERIFY2(!p.ok(), qPrintable(name));
        QVERIFY2(p.error().contains(QLatin1Char('\'') + name + QLatin1Char('\'')),
                 qPrintable(p.error()));
    }
    QVERIFY(FeatureCodecSettings::parse(QStringLiteral("q8-tensor-z3")).ok());
    QVERIFY(FeatureCodecSettings::parse(QStringLiteral("q8-tensor-t0-z3")).ok());
}

void TestFeatureCodec::encodeRejectsBadArguments()
{
    const float x[4] = {1, 2, 3, 4};
    QVERIFY(FeatureCodec::encode(x, {4}, settings(5, false, 0)).isEmpty());
    QVERIFY(FeatureCodec::encode(x, {4}, settings(8, false, 22)).isEmpty());
    QVERIFY(FeatureCodec::encode(x, {4}, settings(8, false, 0, -1)).isEmpty());
    QVERIFY(FeatureCodec::encode(x, {-4}, settings(8, false, 0)).isEmpty());
    QVERIFY(FeatureCodec::encode(x, {1, 1, 1, 1, 1, 1, 1, 1, 4}, settings(8, false, 0)).isEmpty());
    QVERIFY(!FeatureCodec::decode(QByteArray()).ok());
}

void TestFeatureCodec::everyTruncationIsRejected()
{
    const QVector<qint64> shape{1, 3, 4, 5};
    const std::vector<float> x = multiScaleTensor(shape, 6);
    for (const FeatureCodecSettings &s : {settings(8, false, 0), settings(6, true, 3),
                                          settings(32, false, 0), settings(2, true, 0, 0.1f)}) {
        const QByteArray full = FeatureCodec::encode(x.data(), shape, s);
        QVERIFY(FeatureCodec::decode(full).ok());
        for (qint64 n = 0; n < full.size(); ++n) {
            const Result<DecodedFeature> d = FeatureCodec::decode(full.left(n));
            QVERIFY2(!d.ok(), qPrintable(QStringLiteral("%1: prefix %2").arg(s.name()).arg(n)));
            QVERIFY(!d.error().isEmpty());
        }
        // A cut or extended message: the payload's length check names the problem (format 3
        // has no CRC of its own; the frame's covers it).
        if (s.zstdLevel == 0)
            expectRejected(full.left(full.size() - 1), "bytes, the shape needs");
        QByteArray longer = full + QByteArray(3, 'x');
        if (s.zstdLevel == 0)
            expectRejected(longer, "bytes, the shape needs");
        else
            QVERIFY(!FeatureCodec::decode(longer).ok());
    }
}

void TestFeatureCodec::everyOneByteCorruptionIsRejected()
{
    // Format 3 has no CRC of its own: the frame that carries a feature has one over its body
    // (docs/protocol.md), so every one-byte corruption of a feature in a frame is refused there;
    // the feature decoder itself still refuses or decodes to the declared shape, never crashes.
    const QVector<qint64> shape{2, 3, 4, 4};
    const std::vector<float> x = multiScaleTensor(shape, 7);
    for (const FeatureCodecSettings &s :
         {settings(8, true, 3), settings(4, false, 0), settings(32, false, 1)}) {
        const QByteArray full = FeatureCodec::encode(x.data(), shape, s);
        Frame frame;
        frame.type = FrameType::InferRequest;
        frame.requestId = 7;
        frame.payload = full;
        const Result<QByteArray> wire = encodeFrame(frame);
        QVERIFY(wire.ok());
        const qint64 payloadAt = wire->size() - 4 - full.size();
        for (qint64 i = 0; i < full.size(); ++i) {
            for (quint8 mask : {0x01, 0x80, 0xFF}) {
                QByteArray bad = full;
                bad[i] = char(quint8(bad[i]) ^ mask);
                const Result<DecodedFeature> d = FeatureCodec::decode(bad);
                if (d.ok())
                    QCOMPARE(qint64(d->values.size()), elementCount(d->shape));
                QByteArray badWire = *wire;
                badWire[payloadAt + i] = char(quint8(badWire[payloadAt + i]) ^ mask);
                FrameReader reader;
                reader.feed(badWire);
                QVERIFY2(reader.failed() && reader.failure() == FrameReader::Failure::CrcMismatch,
                         qPrintable(QStringLiteral("%1: byte %2 ^ %3 accepted in a frame")
                                        .arg(s.name())
                                        .arg(i)
                                        .arg(mask)));
            }
        }
        // Header bytes that make no sense are refused by the feature decoder itself.
        QByteArray bad = full;
        bad[0] = char(0x00);
        expectRejected(bad, "bad magic");
    }
    // Format 2 (with its own CRC) is still read, and its CRC still checked.
    const QByteArray v2 = craft({4}, 8, false, 0, {{1, 0}}, QByteArray(4, '\x02'), 2);
    const Result<DecodedFeature> d2 = FeatureCodec::decode(v2);
    QVERIFY2(d2.ok(), qPrintable(d2.error()));
    QVERIFY(d2->values == (std::vector<float>{2, 2, 2, 2}));
    QByteArray v2bad = v2;
    v2bad[v2.size() - 6] = char(quint8(v2bad[v2.size() - 6]) ^ 0x10);
    expectRejected(v2bad, "feature CRC mismatch");
}

void TestFeatureCodec::oversizedDeclarationsAreRejected()
{
    // The product of the dims overflows 64 bits.
    expectRejected(craft({qint64(1) << 62, 8}, 8, false, 0, {{1, 0}}, {}), "overflows");
    expectRejected(craft({qint64(1) << 40, qint64(1) << 40}, 32, false, 0, {}, {}), "overflows");
    // More elements than the caller allows (checked before anything is allocated).
    expectRejected(craft({qint64(1) << 40}, 8, false, 0, {{1, 0}}, {}), "more than the allowed");
    const float x[100] = {};
    const QByteArray hundred = FeatureCodec::encode(x, {10, 10}, settings(8, false, 3));
    QVERIFY(FeatureCodec::decode(hundred, 100).ok());
    expectRejected(hundred, "100 elements, more than the allowed 99", 99);
    // An empty tensor whose other dimensions multiply beyond 64 bits (a fuzzer find): per-channel
    // layout must not multiply them.
    std::vector<std::pair<float, float>> pairs(3, {1.0f, 0.0f});
    const Result<DecodedFeature> empty = FeatureCodec::decode(
        craft({0, 3, qint64(1) << 40, qint64(1) << 40}, 8, true, 0, pairs, {}));
    QVERIFY2(empty.ok(), qPrintable(empty.error()));
    QVERIFY(empty->values.empty());
    QCOMPARE(FeatureCodec::channelOf({0, 3, qint64(1) << 40, qint64(1) << 40}, 5), qint64(0));
    // Per-channel pairs for 2^60 channels of an empty tensor: never allocated, just truncated.
    expectRejected(craft({0, qint64(1) << 60}, 8, true, 0, {}, {}), "scales truncated");
    // A payload that disagrees with the shape (CRC correct), either way.
    expectRejected(craft({4}, 8, false, 0, {{1, 0}}, QByteArray(5, '\0')),
                   "payload has 5 bytes, the shape needs 4");
    expectRejected(craft({4}, 8, false, 0, {{1, 0}}, QByteArray(3, '\0')),
                   "payload has 3 bytes, the shape needs 4");
    // A dimension beyond 63 bits (a 10-byte varint), a cut varint and a padded one.
    QByteArray huge;
    huge.append(char(0xEF));
    huge.append(char((3 << 4) | 1));
    huge.append(char(0)); // f32
    huge.append(9, char(0xFF));
    huge.append(char(0x01));
    expectRejected(huge, "not a valid varint");
    QByteArray cut = huge.left(3);
    cut.append(char(0x80));
    expectRejected(cut, "not a valid varint");
    QByteArray padded = huge.left(3);
    padded.append(char(0x84));
    padded.append(char(0x00)); // 4 written in two bytes
    padded.append(16, '\0');
    expectRejected(padded, "not a valid varint");
    // Padding bits must be zero: 3 values at 2 bits leave 2 bits of padding.
    expectRejected(craft({3}, 2, false, 0, {{1, 0}}, QByteArray(1, char(0xC0))), "padding");
    QVERIFY(
        FeatureCodec::decode(craft({3}, 2, false, 0, {{1, 0}}, QByteArray(1, char(0x3F)))).ok());
}

void TestFeatureCodec::malformedHeadersAreRejected()
{
    const float x[6] = {1, 2, 3, 4, 5, 6};
    const QByteArray good = FeatureCodec::encode(x, {2, 3}, settings(8, false, 0));
    auto edited = [&good](int at, quint8 value) {
        QByteArray b = good;
        b[at] = char(value);
        fixCrc(b);
        return b;
    };
    expectRejected(edited(0, 'X'), "bad magic");
    expectRejected(edited(1, (4 << 4) | 2), "unsupported feature format version 4");
    expectRejected(edited(1, (1 << 4) | 2), "unsupported feature format version 1");
    expectRejected(edited(1, (3 << 4) | 9), "9 dimensions");
    expectRejected(edited(2, 5), "bit width code 5");
    expectRejected(edited(2, 4 | 0x80), "unknown feature flags 0x80");
    expectRejected(edited(2, 0 | 0x40), "unit range on a float32");
    // The zstd flag without room for its level, a level out of range, a bad zero threshold.
    QByteArray zstdCut;
    zstdCut.append(char(0xEF));
    zstdCut.append(char((3 << 4) | 0));
    zstdCut.append(char(0x10));
    expectRejected(zstdCut, "before its zstd level");
    const QByteArray z = FeatureCodec::encode(x, {2, 3}, settings(8, false, 3));
    QByteArray z30 = z;
    z30[3] = char(30);
    fixCrc(z30);
    expectRejected(z30, "zstd level 30");
    const QByteArray t = FeatureCodec::encode(x, {2, 3}, settings(8, false, 0, 0.5f));
    QByteArray negativeT = t;
    negativeT[6] = char(0xBF); // the threshold's sign byte: -0.5
    fixCrc(negativeT);
    expectRejected(negativeT, "zero threshold");
    // Non-finite or negative scales, and levels beyond the float range. With shape [2, 3] the
    // pair starts after the 3 fixed bytes and two 1-byte dims.
    const int pairsAt = 5;
    QByteArray nanScale = good;
    qToLittleEndian(quint32(0x7FC00000), nanScale.data() + pairsAt);
    fixCrc(nanScale);
    expectRejected(nanScale, "not finite");
    QByteArray negative = good;
    qToLittleEndian(quint32(0xBF800000), negative.data() + pairsAt); // -1.0f
    fixCrc(negative);
    expectRejected(negative, "negative");
    QByteArray overflowing = good;
    qToLittleEndian(quint32(0x7F000000), overflowing.data() + pairsAt); // 1.7e38
    fixCrc(overflowing);
    expectRejected(overflowing, "beyond the float range");
    // f32 with per-channel flag.
    const QByteArray f32 = FeatureCodec::encode(x, {2, 3}, settings(32, false, 0));
    QByteArray f32pc = f32;
    f32pc[2] = char(0x08);
    fixCrc(f32pc);
    expectRejected(f32pc, "per-channel scales on a float32 payload");
    expectRejected(QByteArray("EG"), "need at least 3 bytes, 2 present");
    expectRejected(QByteArray("\xEF\x20\x00", 3), "need at least 7 bytes, 3 present"); // format 2
}

void TestFeatureCodec::handMadeZstdFramesAreChecked()
{
    const QByteArray content(4, char(7)); // levels 7 7 7 7
    const std::vector<std::pair<float, float>> pair{{0.5f, 0}};
    // A correct hand-made frame decodes.
    Result<DecodedFeature> d =
        FeatureCodec::decode(craft({4}, 8, false, 3, pair, zstdRawFrame(content, 4)));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QVERIFY(d->values == (std::vector<float>{3.5f, 3.5f, 3.5f, 3.5f}));
    // A frame that declares another size than the shape needs.
    expectRejected(craft({4}, 8, false, 3, pair, zstdRawFrame(content, 5)),
                   "zstd frame declares 5 bytes, the shape needs 4");
    // A frame without a declared size.
    expectRejected(craft({4}, 8, false, 3, pair, zstdRawFrame(content, -1)),
                   "does not declare its size");
    // A cut frame, a frame that holds less than it declares, a second frame after the first.
    expectRejected(craft({4}, 8, false, 3, pair, zstdRawFrame(content, 4).left(12)),
                   "not exactly one complete frame");
    expectRejected(craft({4}, 8, false, 3, pair, zstdRawFrame(content.left(3), 4)), "feature zstd");
    const QByteArray two = zstdRawFrame(content, 4) + zstdRawFrame(content, 4);
    expectRejected(craft({4}, 8, false, 3, pair, two), "not exactly one complete frame");
    // Not a frame at all.
    expectRejected(craft({4}, 8, false, 3, pair, QByteArray("abcdefgh")), "not a zstd frame");
}

void TestFeatureCodec::randomBytesAreRejected()
{
    std::mt19937 rng(8);
    std::uniform_int_distribution<int> byte(0, 255), length(0, 300);
    const float x[12] = {1, 2, 3};
    const QByteArray valid = FeatureCodec::encode(x, {3, 4}, settings(4, true, 3));
    for (int i = 0; i < 20000; ++i) {
        QByteArray b(length(rng), '\0');
        for (char &c : b)
            c = char(byte(rng));
        if (i % 2 == 1 && b.size() >= 24) // a plausible start: go deeper into the parser
            std::memcpy(b.data(), valid.constData(), 8);
        QVERIFY(!FeatureCodec::decode(b).ok());
    }
}

void TestFeatureCodec::headerBytesMatchesTheEncoding()
{
    const QVector<qint64> shape{1, 6, 5};
    const std::vector<float> x = multiScaleTensor(shape, 9);
    for (const FeatureCodecSettings &s :
         {settings(8, false, 0), settings(4, true, 0), settings(32, false, 0)}) {
        const QByteArray b = FeatureCodec::encode(x.data(), shape, s);
        const qint64 payload = s.bits == 32 ? 30 * 4 : (30 * s.bits + 7) / 8;
        QCOMPARE(qint64(b.size()), FeatureCodec::headerBytes(shape, s) + payload);
    }
}

void TestFeatureCodec::largeFeatureRoundTrips()
{
    // A 64x14x14 feature at 8 bits decodes to the right size every time (times are printed for
    // information; speed targets belong to the benchmarks).
    const QVector<qint64> shape{1, 64, 14, 14};
    const std::vector<float> x = sparseishTensor(elementCount(shape), 10);
    for (const FeatureCodecSettings &s : {settings(8, false, 0), settings(8, true, 3)}) {
        const int rounds = 200;
        QByteArray bytes;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < rounds; ++i)
            bytes = FeatureCodec::encode(x.data(), shape, s);
        const double encodeUs = double(t.nsecsElapsed()) / rounds / 1000.0;
        t.restart();
        qint64 sink = 0;
        for (int i = 0; i < rounds; ++i)
            sink += qint64(FeatureCodec::decode(bytes)->values.size());
        const double decodeUs = double(t.nsecsElapsed()) / rounds / 1000.0;
        QCOMPARE(sink, qint64(rounds) * elementCount(shape));
        qInfo("%s: %lld bytes, encode %.1f us, decode %.1f us", qPrintable(s.name()),
              qint64(bytes.size()), encodeUs, decodeUs);
    }
}

void TestFeatureCodec::smallFeaturesHaveASmallHeader()
{
    // A 16-value bottleneck feature at 2 bits: 3 fixed bytes, 2 one-byte dims, one scale/offset
    // pair and 4 payload bytes (no CRC: the frame's covers it). This is what makes co-inference
    // cheap (docs/codecs.md).
    std::vector<float> x(16);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = float(i) / 5.0f - 1.0f;
    const QByteArray b = FeatureCodec::encode(x.data(), {1, 16}, settings(2, false, 0));
    QCOMPARE(b.size(), 3 + 2 + 8 + 4);
    QCOMPARE(qint64(b.size()), FeatureCodec::headerBytes({1, 16}, settings(2, false, 0)) + 4);
    const Result<DecodedFeature> d = FeatureCodec::decode(b);
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->shape, (QVector<qint64>{1, 16}));
    const float bound = FeatureCodec::maxErrorBound(*d);
    for (size_t i = 0; i < x.size(); ++i)
        QVERIFY(std::fabs(d->values[i] - x[i]) <= bound);
    // Large dimensions take more varint bytes: 300 takes 2, 70000 takes 3.
    QCOMPARE(FeatureCodec::headerBytes({300}, settings(32, false, 0)), qint64(3 + 2));
    QCOMPARE(FeatureCodec::headerBytes({70000}, settings(32, false, 3)), qint64(3 + 1 + 3));
}

void TestFeatureCodec::unitRangeSendsNoScales()
{
    // A sigmoid code lies in [0, 1]: both sides know the scale, so 8 bytes less than per tensor.
    std::mt19937 rng(12);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    std::vector<float> x(16);
    for (float &v : x)
        v = unit(rng);
    x[0] = 0;
    x[1] = 1;
    for (int bits : {8, 6, 4, 2}) {
        FeatureCodecSettings s = settings(bits, false, 0);
        s.unitRange = true;
        QCOMPARE(s.name(), QStringLiteral("q%1-unit-z0").arg(bits));
        QCOMPARE(*FeatureCodecSettings::parse(s.name()), s);
        const QByteArray b = FeatureCodec::encode(x.data(), {1, 16}, s);
        QCOMPARE(b.size(), 3 + 2 + (16 * bits) / 8);
        QCOMPARE(b.size() + 8,
                 FeatureCodec::encode(x.data(), {1, 16}, settings(bits, false, 0)).size());
        const Result<DecodedFeature> d = FeatureCodec::decode(b);
        QVERIFY2(d.ok(), qPrintable(d.error()));
        QVERIFY(d->settings.unitRange);
        const double halfStep = 0.5 / ((1 << bits) - 1);
        QVERIFY(FeatureCodec::maxErrorBound(*d) >= halfStep);
        for (size_t i = 0; i < x.size(); ++i)
            QVERIFY2(
                std::fabs(d->values[i] - x[i]) <= halfStep * (1 + 1e-6),
                qPrintable(
                    QStringLiteral("%1 bits, %2 -> %3").arg(bits).arg(x[i]).arg(d->values[i])));
        QCOMPARE(d->values[0], 0.0f);
        QCOMPARE(d->values[1], 1.0f);
    }
    // Outside [0, 1] is clamped; NaN goes to 0.
    const float outside[4] = {-3.0f, 7.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f};
    FeatureCodecSettings s = settings(8, false, 3);
    s.unitRange = true;
    const Result<DecodedFeature> d = FeatureCodec::decode(FeatureCodec::encode(outside, {4}, s));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(d->values[0], 0.0f);
    QCOMPARE(d->values[1], 1.0f);
    QCOMPARE(d->values[2], 0.0f);
    QVERIFY(std::fabs(d->values[3] - 0.5f) < 0.002f);
    // Not with f32 or per-channel scales.
    FeatureCodecSettings bad = settings(32, false, 0);
    bad.unitRange = true;
    QVERIFY(!bad.validate());
    bad = settings(8, true, 0);
    bad.unitRange = true;
    QVERIFY(!bad.validate());
    QVERIFY(!FeatureCodecSettings::parse(QStringLiteral("f32-unit-z0")).ok());
}

QTEST_GUILESS_MAIN(TestFeatureCodec)
#include "tst_feature_codec.moc"
