// InputPayload: see InputPayload.h.
#include "agents/InputPayload.h"

#include "models/ModelInput.h"

namespace edgegpt {

Result<QPair<InputCodecKind, int>> parseInputCodec(const QString &codec)
{
    using R = Result<QPair<InputCodecKind, int>>;
    if (codec == QLatin1String("png"))
        return qMakePair(InputCodecKind::Png, 0);
    if (codec == QLatin1String("zstd"))
        return qMakePair(InputCodecKind::ZstdRaw, InputCodec::defaultZstdLevel);
    if (codec.startsWith(QLatin1String("jpeg-q"))) {
        bool ok = false;
        const int q = codec.mid(6).toInt(&ok);
        if (ok && q >= 1 && q <= 100)
            return qMakePair(InputCodecKind::Jpeg, q);
    }
    return R::failure(
        QStringLiteral("unknown input codec \"%1\" (png, zstd or jpeg-qN)").arg(codec));
}

Result<QByteArray> encodeInput(const uint8_t *pixels, int width, int height, const QString &codec)
{
    return encodeInput(pixels, width, height, 1, codec);
}

Result<QByteArray> encodeInput(const uint8_t *pixels, int width, int height, int channels,
                               const QString &codec)
{
    const Result<QPair<InputCodecKind, int>> kind = parseInputCodec(codec);
    if (!kind)
        return Result<QByteArray>::failure(kind.error());
    if (channels != 1 && channels != 3)
        return Result<QByteArray>::failure(
            QStringLiteral("input images have 1 or 3 channels, not %1").arg(channels));
    const QByteArray bytes =
        encodeImagePayload(pixels, width, height, channels, kind->first, kind->second);
    if (bytes.isEmpty())
        return Result<QByteArray>::failure(QStringLiteral("%1 encoding failed").arg(codec));
    return bytes;
}

} // namespace edgegpt
