// Decoders bounded by the model (docs/codecs.md): a few-KB image whose header announces
// 16384x16384 is refused from the header when the caller says what size its model takes, and
// the process's peak memory (VmHWM, reset through /proc/self/clear_refs) does not grow. The same
// measurement on an 8192x8192 image decoded without the bound shows that it would (64 MB).
#include "core/codec/InputCodec.h"

#include <QFile>
#include <QTest>
#include <QtEndian>

#include <algorithm>

using namespace edgegpt;

namespace {

// Peak resident memory of this process in KiB, after resetting the peak (Linux >= 4.0).
bool resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

qint64 peakKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

// InputCodec's zstd payload (docs/codecs.md: 0xEE, width and height as little-endian u16) around
// a hand-made zstd frame of w*h zero bytes in RLE blocks: 4 bytes per 128 KiB, so a 16384x16384
// image is 8 KB on the wire.
QByteArray zstdBomb(int w, int h)
{
    QByteArray out(5, '\0');
    out[0] = char(0xEE);
    qToLittleEndian<quint16>(quint16(w), out.data() + 1);
    qToLittleEndian<quint16>(quint16(h), out.data() + 3);
    const quint64 size = quint64(w) * quint64(h);
    char magic[4];
    qToLittleEndian<quint32>(0xFD2FB528u, magic);
    out.append(magic, 4);
    out.append(char(0xE0)); // 8-byte content size, single segment, no checksum
    char fcs[8];
    qToLittleEndian<quint64>(size, fcs);
    out.append(fcs, 8);
    const quint64 block = 128 * 1024;
    for (quint64 done = 0; done < size; done += block) {
        const quint32 n = quint32(std::min(block, size - done));
        const bool last = done + n >= size;
        const quint32 header = (n << 3) | (1u << 1) | (last ? 1u : 0u); // RLE block
        char h3[4];
        qToLittleEndian<quint32>(header, h3);
        out.append(h3, 3);
        out.append('\0'); // the repeated byte
    }
    return out;
}

quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char c : data) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// A valid 28x28 PNG whose IHDR is rewritten to announce w x h (CRC fixed).
QByteArray pngBomb(int w, int h)
{
    std::vector<uint8_t> px(28 * 28, 7);
    QByteArray png = InputCodec::encode(px.data(), 28, 28, InputCodecKind::Png, 0);
    // Signature (8), IHDR length (4), "IHDR" (4), width, height, ...
    qToBigEndian<quint32>(quint32(w), png.data() + 16);
    qToBigEndian<quint32>(quint32(h), png.data() + 20);
    qToBigEndian<quint32>(crc32(png.mid(12, 17)), png.data() + 29);
    return png;
}

} // namespace

class TestInputBounds : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oversizedImageRefusedWithoutAllocating()
    {
        if (!resetPeak() || peakKiB() < 0)
            QSKIP("no /proc/self/clear_refs or VmHWM here");
        const QByteArray zstd = zstdBomb(16384, 16384);
        QVERIFY2(zstd.size() < 16 * 1024, qPrintable(QString::number(zstd.size())));
        const QByteArray png = pngBomb(16384, 16384);
        QVERIFY(resetPeak());
        const qint64 before = peakKiB();
        for (int i = 0; i < 3; ++i) {
            const Result<GrayImage> z =
                InputCodec::decode(zstd, InputCodecKind::ZstdRaw, QSize(28, 28));
            QVERIFY(!z.ok());
            QVERIFY2(z.error().contains(QLatin1String("16384x16384")) &&
                         z.error().contains(QLatin1String("refused before decoding")),
                     qPrintable(z.error()));
            const Result<GrayImage> p = InputCodec::decode(png, InputCodecKind::Png, QSize(28, 28));
            QVERIFY(!p.ok());
            QVERIFY2(p.error().contains(QLatin1String("refused before decoding")),
                     qPrintable(p.error()));
        }
        const qint64 grown = peakKiB() - before;
        QVERIFY2(grown < 8 * 1024, qPrintable(QStringLiteral("peak grew by %1 KiB").arg(grown)));

        // The right size still decodes.
        std::vector<uint8_t> px(28 * 28, 9);
        const Result<GrayImage> ok =
            InputCodec::decode(InputCodec::encode(px.data(), 28, 28, InputCodecKind::ZstdRaw, 3),
                               InputCodecKind::ZstdRaw, QSize(28, 28));
        QVERIFY(ok.ok());
        QCOMPARE(ok->pixels, px);
    }

    void theMeasureSeesAnUnboundedDecode()
    {
        if (!resetPeak() || peakKiB() < 0)
            QSKIP("no /proc/self/clear_refs or VmHWM here");
        // Without the model's size, an 8192x8192 image within maxSide is decoded: 64 MiB.
        const QByteArray zstd = zstdBomb(8192, 8192);
        QVERIFY(resetPeak());
        const qint64 before = peakKiB();
        const Result<GrayImage> z = InputCodec::decode(zstd, InputCodecKind::ZstdRaw);
        QVERIFY2(z.ok(), qPrintable(z.error()));
        QCOMPARE(z->pixels.size(), size_t(8192) * 8192);
        const qint64 grown = peakKiB() - before;
        QVERIFY2(grown > 60 * 1024, qPrintable(QStringLiteral("peak grew by %1 KiB").arg(grown)));
    }
};

QTEST_GUILESS_MAIN(TestInputBounds)
#include "tst_input_bounds.moc"
