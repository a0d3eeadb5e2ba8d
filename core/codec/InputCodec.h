// InputCodec: how the baselines ship raw inputs (8-bit grayscale images such as Fashion-MNIST's
// 28x28) to the server: PNG (lossless, maximum compression), zstd of the raw pixels behind a small
// header (lossless), or JPEG (lossy, quality 1..100). Byte layouts in docs/codecs.md.
//
// PNG and JPEG go through QImage (QtGui's built-in PNG support and the qjpeg image-format plugin,
// which Debian 12 ships in libqt6gui6). Neither needs a QGuiApplication: they work in a
// QCoreApplication, or with no application object at all as long as Qt can find its plugins.
// encode() returns an empty array when JPEG support is missing; hasJpegSupport() tells.
//
// decode() treats its input as untrusted: sizes are checked before anything is allocated and
// images larger than maxSide x maxSide are refused; given the size the model takes (as an edge
// does), any other size is refused from the header, so a few-KB image announcing 16384x16384
// costs nothing.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QSize>
#include <QString>

#include <cstdint>
#include <vector>

namespace edgegpt {

enum class InputCodecKind { Png, ZstdRaw, Jpeg };

struct GrayImage
{
    int width = 0;
    int height = 0;
    // width * height bytes, row by row, no padding.
    std::vector<uint8_t> pixels;
};

class InputCodec
{
public:
    static constexpr int maxSide = 16384;
    static constexpr int defaultJpegQuality = 90;
    static constexpr int defaultZstdLevel = 19;

    // "png", "zstd", "jpeg": names for CSV/JSON and command lines.
    static QString kindName(InputCodecKind kind);
    static Result<InputCodecKind> parseKind(const QString &name);

    // Encodes a w x h 8-bit grayscale image stored row by row without padding. `param` is the
    // JPEG quality (1..100) or the zstd level (1..19); PNG ignores it (always the maximum
    // compression). Returns an empty array for w or h outside 1..maxSide, a null pointer, or an
    // encoder failure (e.g. no JPEG plugin).
    static QByteArray encode(const uint8_t *pixels, int w, int h, InputCodecKind kind, int param);

    // Decodes bytes produced by encode() with the same kind. Any colour image PNG/JPEG gives is
    // converted to grayscale. With `expected` valid, only an image of exactly that size is
    // decoded; another is refused from its header, before anything is allocated.
    static Result<GrayImage> decode(const QByteArray &bytes, InputCodecKind kind,
                                    const QSize &expected = QSize());

    // Whether QImage can write and read JPEG in this process.
    static bool hasJpegSupport();
};

} // namespace edgegpt
