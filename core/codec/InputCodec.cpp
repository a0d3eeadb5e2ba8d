// InputCodec: see InputCodec.h and docs/codecs.md.
#include "core/codec/InputCodec.h"

#include "core/codec/ZstdContext.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QtEndian>

#include <cstring>

namespace edgegpt {

namespace {

// The zstd-raw header: one magic byte 0xEE, u16 width, u16 height (little-endian), then one zstd
// frame of w*h bytes. Kept as small as the feature codec's header so that the lossless baseline
// is not inflated by framing (a 28x28 image compresses to a few hundred bytes).
constexpr quint8 kZstdMagic = 0xEE;
constexpr int kZstdHeaderBytes = 5;

const char *qtFormat(InputCodecKind kind)
{
    return kind == InputCodecKind::Jpeg ? "jpeg" : "png";
}

QByteArray encodeWithQImage(const uint8_t *pixels, int w, int h, InputCodecKind kind, int param)
{
    // Wraps the caller's pixels without copying; the writer only reads them.
    const QImage image(pixels, w, h, w, QImage::Format_Grayscale8);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, qtFormat(kind));
    if (kind == InputCodecKind::Jpeg) {
        writer.setQuality(qBound(1, param, 100));
        writer.setOptimizedWrite(true); // optimised Huffman tables: smaller, same pixels
    } else {
        // Qt's PNG writer maps quality 0 to zlib level 9 (quality q -> level (100 - q) * 9 / 91).
        writer.setQuality(0);
    }
    if (!writer.write(image))
        return {};
    return bytes;
}

// The size the caller's model takes, checked against the header before anything is allocated.
Result<void> checkExpected(const QString &what, int w, int h, const QSize &expected)
{
    if (!expected.isValid() || (w == expected.width() && h == expected.height()))
        return Result<void>::success();
    return Result<void>::failure(QStringLiteral("%1 input: the header says %2x%3, the model takes "
                                                "%4x%5; refused before decoding")
                                     .arg(what)
                                     .arg(w)
                                     .arg(h)
                                     .arg(expected.width())
                                     .arg(expected.height()));
}

Result<GrayImage> decodeWithQImage(const QByteArray &bytes, InputCodecKind kind,
                                   const QSize &expected)
{
    const QString what = InputCodec::kindName(kind);
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, qtFormat(kind));
    reader.setDecideFormatFromContent(false);
    const QSize size = reader.size(); // from the header only: nothing is allocated yet
    if (!size.isValid())
        return Result<GrayImage>::failure(
            QStringLiteral("%1 input: cannot read the image header (%2)")
                .arg(what, reader.errorString()));
    if (size.width() < 1 || size.height() < 1 || size.width() > InputCodec::maxSide ||
        size.height() > InputCodec::maxSide)
        return Result<GrayImage>::failure(QStringLiteral("%1 input: %2x%3 image is outside 1..%4")
                                              .arg(what)
                                              .arg(size.width())
                                              .arg(size.height())
                                              .arg(InputCodec::maxSide));
    const Result<void> fits = checkExpected(what, size.width(), size.height(), expected);
    if (!fits)
        return Result<GrayImage>::failure(fits.error());
    QImage image;
    if (!reader.read(&image) || image.isNull())
        return Result<GrayImage>::failure(
            QStringLiteral("%1 input: %2").arg(what, reader.errorString()));
    if (image.size() != size)
        return Result<GrayImage>::failure(QStringLiteral("%1 input: decoded size differs from "
                                                         "the header")
                                              .arg(what));
    if (image.format() != QImage::Format_Grayscale8)
        image.convertTo(QImage::Format_Grayscale8);
    GrayImage out;
    out.width = image.width();
    out.height = image.height();
    out.pixels.resize(size_t(out.width) * size_t(out.height));
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + size_t(y) * size_t(out.width), image.constScanLine(y),
                    size_t(out.width));
    return out;
}

QByteArray encodeZstd(const uint8_t *pixels, int w, int h, int level)
{
    const size_t raw = size_t(w) * size_t(h);
    const size_t bound = ZSTD_compressBound(raw);
    QByteArray out;
    out.resize(qsizetype(kZstdHeaderBytes + bound));
    out[0] = char(kZstdMagic);
    qToLittleEndian(quint16(w), out.data() + 1);
    qToLittleEndian(quint16(h), out.data() + 3);
    ZSTD_CCtx *cctx = codec_detail::threadCompressContext();
    if (!cctx)
        return {};
    const size_t n = ZSTD_compressCCtx(cctx, out.data() + kZstdHeaderBytes, bound, pixels, raw,
                                       qBound(1, level, 19));
    if (ZSTD_isError(n))
        return {};
    out.resize(qsizetype(kZstdHeaderBytes + n));
    return out;
}

Result<GrayImage> decodeZstd(const QByteArray &bytes, const QSize &expected)
{
    if (bytes.size() < kZstdHeaderBytes)
        return Result<GrayImage>::failure(
            QStringLiteral("zstd input truncated: need a %1-byte header, %2 bytes present")
                .arg(kZstdHeaderBytes)
                .arg(bytes.size()));
    if (quint8(bytes[0]) != kZstdMagic)
        return Result<GrayImage>::failure(QStringLiteral("zstd input: bad magic"));
    const quint32 w = qFromLittleEndian<quint16>(bytes.constData() + 1);
    const quint32 h = qFromLittleEndian<quint16>(bytes.constData() + 3);
    if (w < 1 || h < 1 || w > quint32(InputCodec::maxSide) || h > quint32(InputCodec::maxSide))
        return Result<GrayImage>::failure(QStringLiteral("zstd input: %1x%2 image is outside 1..%3")
                                              .arg(w)
                                              .arg(h)
                                              .arg(InputCodec::maxSide));
    const Result<void> fits = checkExpected(QStringLiteral("zstd"), int(w), int(h), expected);
    if (!fits)
        return Result<GrayImage>::failure(fits.error());
    const size_t raw = size_t(w) * size_t(h);
    const char *frame = bytes.constData() + kZstdHeaderBytes;
    const size_t frameBytes = size_t(bytes.size() - kZstdHeaderBytes);
    const unsigned long long declared = ZSTD_getFrameContentSize(frame, frameBytes);
    if (declared == ZSTD_CONTENTSIZE_ERROR)
        return Result<GrayImage>::failure(QStringLiteral("zstd input: not a zstd frame"));
    if (declared != raw)
        return Result<GrayImage>::failure(
            QStringLiteral("zstd input: frame declares %1 bytes, a %2x%3 image needs %4")
                .arg(declared == ZSTD_CONTENTSIZE_UNKNOWN ? QStringLiteral("no")
                                                          : QString::number(declared))
                .arg(w)
                .arg(h)
                .arg(raw));
    const size_t compressed = ZSTD_findFrameCompressedSize(frame, frameBytes);
    if (ZSTD_isError(compressed) || compressed != frameBytes)
        return Result<GrayImage>::failure(
            QStringLiteral("zstd input: the data is not exactly one complete frame"));
    ZSTD_DCtx *dctx = codec_detail::threadDecompressContext();
    if (!dctx)
        return Result<GrayImage>::failure(QStringLiteral("zstd input: out of memory"));
    GrayImage out;
    out.width = int(w);
    out.height = int(h);
    out.pixels.resize(raw);
    const size_t n = ZSTD_decompressDCtx(dctx, out.pixels.data(), raw, frame, frameBytes);
    if (ZSTD_isError(n) || n != raw)
        return Result<GrayImage>::failure(QStringLiteral("zstd input: decompression failed (%1)")
                                              .arg(ZSTD_isError(n)
                                                       ? QLatin1String(ZSTD_getErrorName(n))
                                                       : QLatin1String("short frame")));
    return out;
}

} // namespace

QString InputCodec::kindName(InputCodecKind kind)
{
    switch (kind) {
    case InputCodecKind::Png:
        return QStringLiteral("png");
    case InputCodecKind::ZstdRaw:
        return QStringLiteral("zstd");
    case InputCodecKind::Jpeg:
        return QStringLiteral("jpeg");
    }
    return QString();
}

Result<InputCodecKind> InputCodec::parseKind(const QString &name)
{
    for (InputCodecKind k : {InputCodecKind::Png, InputCodecKind::ZstdRaw, InputCodecKind::Jpeg})
        if (name == kindName(k))
            return k;
    return Result<InputCodecKind>::failure(
        QStringLiteral("unknown input codec '%1' (png, zstd or jpeg)").arg(name));
}

QByteArray InputCodec::encode(const uint8_t *pixels, int w, int h, InputCodecKind kind, int param)
{
    if (!pixels || w < 1 || h < 1 || w > maxSide || h > maxSide)
        return {};
    if (kind == InputCodecKind::ZstdRaw)
        return encodeZstd(pixels, w, h, param);
    return encodeWithQImage(pixels, w, h, kind, param);
}

Result<GrayImage> InputCodec::decode(const QByteArray &bytes, InputCodecKind kind,
                                     const QSize &expected)
{
    if (kind == InputCodecKind::ZstdRaw)
        return decodeZstd(bytes, expected);
    return decodeWithQImage(bytes, kind, expected);
}

bool InputCodec::hasJpegSupport()
{
    return QImageWriter::supportedImageFormats().contains("jpeg") &&
           QImageReader::supportedImageFormats().contains("jpeg");
}

} // namespace edgegpt
