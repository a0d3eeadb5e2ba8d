// InputCodec: PNG and zstd round-trip grayscale images exactly, JPEG is close at quality 90 and
// smaller at quality 10, and bad bytes (random, cut, oversized, mismatched) are rejected.
#include "core/codec/InputCodec.h"

#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

using namespace edgegpt;

namespace {

// A Fashion-MNIST-like 8-bit image: a bright blob with texture on a black background.
std::vector<uint8_t> garment(int w, int h, quint32 seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-12, 12);
    std::vector<uint8_t> px(size_t(w) * size_t(h), 0);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double dx = (x - w / 2.0) / (w / 2.8), dy = (y - h / 2.0) / (h / 2.2);
            if (dx * dx + dy * dy < 1.0) {
                const int v = 150 + int(60 * std::sin(x * 0.7) * std::cos(y * 0.3)) + noise(rng);
                px[size_t(y) * size_t(w) + size_t(x)] = uint8_t(std::clamp(v, 0, 255));
            }
        }
    }
    return px;
}

double meanAbsError(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += std::abs(int(a[i]) - int(b[i]));
    return sum / double(a.size());
}

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

void expectRejected(const QByteArray &bytes, InputCodecKind kind, const char *needle = nullptr)
{
    const Result<GrayImage> r = InputCodec::decode(bytes, kind);
    QVERIFY2(!r.ok(), qPrintable(InputCodec::kindName(kind)));
    QVERIFY(!r.error().isEmpty());
    if (needle)
        QVERIFY2(r.error().contains(QLatin1String(needle)), qPrintable(r.error()));
}

} // namespace

class TestInputCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesRoundTrip();
    void losslessRoundTrips();
    void jpegIsCloseAndQualityMatters();
    void encodeRejectsBadArguments();
    void badBytesAreRejected();
    void oversizedImagesAreRejected();
};

void TestInputCodec::namesRoundTrip()
{
    for (InputCodecKind k : {InputCodecKind::Png, InputCodecKind::ZstdRaw, InputCodecKind::Jpeg})
        QCOMPARE(*InputCodec::parseKind(InputCodec::kindName(k)), k);
    QVERIFY(!InputCodec::parseKind(QStringLiteral("gif")).ok());
}

void TestInputCodec::losslessRoundTrips()
{
    struct Size
    {
        int w, h;
    };
    for (const Size sz : {Size{28, 28}, Size{1, 1}, Size{301, 7}, Size{5, 64}}) {
        const std::vector<uint8_t> px = garment(sz.w, sz.h, quint32(sz.w * 1000 + sz.h));
        for (InputCodecKind kind : {InputCodecKind::Png, InputCodecKind::ZstdRaw}) {
            const QByteArray bytes = InputCodec::encode(px.data(), sz.w, sz.h, kind, 19);
            QVERIFY2(!bytes.isEmpty(), qPrintable(InputCodec::kindName(kind)));
            const Result<GrayImage> img = InputCodec::decode(bytes, kind);
            QVERIFY2(img.ok(), qPrintable(img.error()));
            QCOMPARE(img->width, sz.w);
            QCOMPARE(img->height, sz.h);
            QVERIFY(img->pixels == px);
            if (sz.w == 28 && sz.h == 28)
                qInfo("28x28 %s: %lld bytes (raw 784)", qPrintable(InputCodec::kindName(kind)),
                      qint64(bytes.size()));
        }
    }
}

void TestInputCodec::jpegIsCloseAndQualityMatters()
{
    QVERIFY2(InputCodec::hasJpegSupport(), "Qt's JPEG plugin (libqjpeg, in libqt6gui6) is missing");
    const std::vector<uint8_t> px = garment(28, 28, 1);
    const QByteArray q90 = InputCodec::encode(px.data(), 28, 28, InputCodecKind::Jpeg, 90);
    const QByteArray q10 = InputCodec::encode(px.data(), 28, 28, InputCodecKind::Jpeg, 10);
    QVERIFY(!q90.isEmpty() && !q10.isEmpty());
    QVERIFY2(
        q10.size() < q90.size(),
        qPrintable(QStringLiteral("q10 %1 bytes, q90 %2 bytes").arg(q10.size()).arg(q90.size())));
    const Result<GrayImage> d90 = InputCodec::decode(q90, InputCodecKind::Jpeg);
    const Result<GrayImage> d10 = InputCodec::decode(q10, InputCodecKind::Jpeg);
    QVERIFY2(d90.ok() && d10.ok(), qPrintable(d90.error() + d10.error()));
    QCOMPARE(d90->width, 28);
    QCOMPARE(d90->height, 28);
    const double e90 = meanAbsError(px, d90->pixels);
    const double e10 = meanAbsError(px, d10->pixels);
    qInfo("28x28 jpeg: q90 %lld bytes, mean abs error %.2f; q10 %lld bytes, error %.2f",
          qint64(q90.size()), e90, qint64(q10.size()), e10);
    QVERIFY(e90 < 4.0);
    QVERIFY(e10 > e90);
}

void TestInputCodec::encodeRejectsBadArguments()
{
    const uint8_t px[4] = {1, 2, 3, 4};
    for (InputCodecKind kind :
         {InputCodecKind::Png, InputCodecKind::ZstdRaw, InputCodecKind::Jpeg}) {
        QVERIFY(InputCodec::encode(nullptr, 2, 2, kind, 5).isEmpty());
        QVERIFY(InputCodec::encode(px, 0, 2, kind, 5).isEmpty());
        QVERIFY(InputCodec::encode(px, 2, -1, kind, 5).isEmpty());
        QVERIFY(InputCodec::encode(px, InputCodec::maxSide + 1, 1, kind, 5).isEmpty());
    }
}

void TestInputCodec::badBytesAreRejected()
{
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> byte(0, 255), length(0, 200);
    for (InputCodecKind kind :
         {InputCodecKind::Png, InputCodecKind::ZstdRaw, InputCodecKind::Jpeg}) {
        expectRejected(QByteArray(), kind);
        for (int i = 0; i < 300; ++i) {
            QByteArray b(length(rng), '\0');
            for (char &c : b)
                c = char(byte(rng));
            expectRejected(b, kind);
        }
    }
    const std::vector<uint8_t> px = garment(28, 28, 2);
    // Cut anywhere inside the header, PNG and JPEG say so.
    const QByteArray png = InputCodec::encode(px.data(), 28, 28, InputCodecKind::Png, 0);
    for (int n = 0; n < 40; ++n)
        expectRejected(png.left(n), InputCodecKind::Png);
    const QByteArray jpeg = InputCodec::encode(px.data(), 28, 28, InputCodecKind::Jpeg, 90);
    for (int n = 0; n < 20; ++n)
        expectRejected(jpeg.left(n), InputCodecKind::Jpeg);
    // Bytes of one kind are not another kind.
    expectRejected(png, InputCodecKind::Jpeg);
    expectRejected(jpeg, InputCodecKind::Png);
    expectRejected(png, InputCodecKind::ZstdRaw, "bad magic");

    // zstd: every cut, a wrong size, trailing bytes.
    const QByteArray z = InputCodec::encode(px.data(), 28, 28, InputCodecKind::ZstdRaw, 3);
    for (int n = 0; n < z.size(); ++n)
        expectRejected(z.left(n), InputCodecKind::ZstdRaw);
    QByteArray wrongSize = z;
    qToLittleEndian(quint16(27), wrongSize.data() + 1);
    expectRejected(wrongSize, InputCodecKind::ZstdRaw, "frame declares 784 bytes, a 27x28 image");
    expectRejected(z + QByteArray("junk"), InputCodecKind::ZstdRaw, "not exactly one");
}

void TestInputCodec::oversizedImagesAreRejected()
{
    // zstd header with sides out of range: refused before anything is allocated.
    QByteArray z = InputCodec::encode(garment(4, 4, 1).data(), 4, 4, InputCodecKind::ZstdRaw, 3);
    for (quint16 side : {quint16(0), quint16(16385), quint16(0xFFFF)}) {
        QByteArray b = z;
        qToLittleEndian(side, b.data() + 1);
        expectRejected(b, InputCodecKind::ZstdRaw, "outside 1..16384");
    }
    // A PNG whose header claims 20000 x 20000 (valid chunk CRC): refused from the header alone.
    QByteArray png = InputCodec::encode(garment(4, 4, 1).data(), 4, 4, InputCodecKind::Png, 0);
    QVERIFY(png.mid(12, 4) == "IHDR");
    qToBigEndian(quint32(20000), png.data() + 16);
    qToBigEndian(quint32(20000), png.data() + 20);
    qToBigEndian(crc32Ieee(png.constData() + 12, 17), png.data() + 29);
    expectRejected(png, InputCodecKind::Png, "20000x20000 image is outside 1..16384");
}

QTEST_GUILESS_MAIN(TestInputCodec)
#include "tst_input_codec.moc"
