// ModelInput: see ModelInput.h.
#include "models/ModelInput.h"

#include "models/FashionMnistFiles.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>
#include <cstring>

namespace edgegpt {

namespace {

constexpr qint64 kMaxModelJsonBytes = 4 * 1024 * 1024;
constexpr int kMaxSide = 4096;
constexpr int kMaxClasses = 100000;

QString shapeText(int c, int h, int w)
{
    return QStringLiteral("%1×%2×%3 %4")
        .arg(c)
        .arg(h)
        .arg(w)
        .arg(c == 1 ? QStringLiteral("grey") : QStringLiteral("RGB"));
}

bool readShape(const QJsonValue &v, QList<qint64> *shape)
{
    if (!v.isArray())
        return false;
    for (const QJsonValue &d : v.toArray()) {
        if (!d.isDouble() || d.toDouble() < 1 || d.toDouble() > 1e9 ||
            d.toDouble() != std::floor(d.toDouble()))
            return false;
        shape->append(qint64(d.toDouble()));
    }
    return !shape->isEmpty();
}

Result<QList<double>> readStats(const QJsonObject &input, const QString &key, int channels,
                                double fallback, const QString &file)
{
    using R = Result<QList<double>>;
    const QJsonValue v = input.value(key);
    if (v.isUndefined())
        return QList<double>(channels, fallback);
    QList<double> values;
    if (v.isDouble())
        values << v.toDouble();
    else if (v.isArray())
        for (const QJsonValue &x : v.toArray()) {
            if (!x.isDouble())
                return R::failure(QStringLiteral("%1: input.%2 must be numbers").arg(file, key));
            values << x.toDouble();
        }
    else
        return R::failure(
            QStringLiteral("%1: input.%2 must be a number or a list of numbers").arg(file, key));
    if (values.size() == 1)
        values = QList<double>(channels, values.first());
    if (values.size() != channels)
        return R::failure(QStringLiteral("%1: input.%2 has %3 values, the input has %4 channels")
                              .arg(file, key)
                              .arg(values.size())
                              .arg(channels));
    for (double x : values)
        if (!std::isfinite(x) || (key == QLatin1String("std") && !(x > 0)))
            return R::failure(QStringLiteral("%1: input.%2 must be finite%3")
                                  .arg(file, key,
                                       key == QLatin1String("std") ? QStringLiteral(" and positive")
                                                                   : QString()));
    return values;
}

} // namespace

QString ModelInputSpec::describe() const
{
    return shapeText(channels, height, width);
}

QStringList ModelInfo::splitNames() const
{
    QStringList names;
    for (const ModelSplitInfo &s : splits)
        names << s.name;
    return names;
}

bool isValidSplitName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

ModelInfo ModelInfo::fashionMnist()
{
    ModelInfo info;
    info.format = QStringLiteral("edgegpt");
    info.input.resize = true; // the agents always brought any picture to 28×28
    info.classes = FashionMnistFiles::classNames();
    return info;
}

Result<ModelInfo> ModelInfo::load(const QString &dir)
{
    QFile f(dir + QStringLiteral("/model.json"));
    if (!f.exists())
        return fashionMnist();
    if (!f.open(QIODevice::ReadOnly))
        return Result<ModelInfo>::failure(QStringLiteral("cannot read %1").arg(f.fileName()));
    if (f.size() > kMaxModelJsonBytes)
        return Result<ModelInfo>::failure(
            QStringLiteral("%1 is too large for model metadata").arg(f.fileName()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (!doc.isObject())
        return Result<ModelInfo>::failure(
            QStringLiteral("%1 is not a JSON object (%2)").arg(f.fileName(), error.errorString()));
    return fromJson(doc.object(), f.fileName());
}

Result<ModelInfo> ModelInfo::fromJson(const QJsonObject &o, const QString &file)
{
    using R = Result<ModelInfo>;
    const QString format = o.value(QStringLiteral("format")).toString();
    if (format != QLatin1String("torchscript")) {
        if (!format.isEmpty() && format != QLatin1String("edgegpt"))
            return R::failure(
                QStringLiteral("%1: unknown format \"%2\" (\"torchscript\" for a user's model)")
                    .arg(file, format));
        // Written by `edgegpt train`: the splits with their feature shapes, 28×28 grey input.
        ModelInfo info = fashionMnist();
        info.name = o.value(QStringLiteral("name")).toString();
        for (const QJsonValue &v : o.value(QStringLiteral("splits")).toArray()) {
            ModelSplitInfo s;
            s.name = v.toObject().value(QStringLiteral("name")).toString();
            readShape(v.toObject().value(QStringLiteral("feature_shape")), &s.featureShape);
            info.splits << s;
        }
        return info;
    }

    ModelInfo info;
    info.format = format;
    info.name = o.value(QStringLiteral("name")).toString();
    const QJsonValue inputValue = o.value(QStringLiteral("input"));
    if (!inputValue.isObject())
        return R::failure(
            QStringLiteral("%1: \"input\" must be an object {\"channels\", \"height\", \"width\", "
                           "\"mean\", \"std\"}")
                .arg(file));
    const QJsonObject input = inputValue.toObject();
    const auto integer = [&](const char *key, int lo, int hi, int *out) {
        const QJsonValue v = input.value(QLatin1String(key));
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != std::floor(d) || d < lo || d > hi)
            return false;
        *out = int(d);
        return true;
    };
    if (!integer("channels", 1, 3, &info.input.channels) || info.input.channels == 2)
        return R::failure(
            QStringLiteral("%1: input.channels must be 1 (grey) or 3 (RGB)").arg(file));
    if (!integer("height", 1, kMaxSide, &info.input.height) ||
        !integer("width", 1, kMaxSide, &info.input.width))
        return R::failure(
            QStringLiteral("%1: input.height and input.width must be whole numbers in 1..%2")
                .arg(file)
                .arg(kMaxSide));
    const Result<QList<double>> mean =
        readStats(input, QStringLiteral("mean"), info.input.channels, 0.0, file);
    if (!mean)
        return R::failure(mean.error());
    const Result<QList<double>> stdDev =
        readStats(input, QStringLiteral("std"), info.input.channels, 1.0, file);
    if (!stdDev)
        return R::failure(stdDev.error());
    info.input.mean = *mean;
    info.input.std = *stdDev;
    const QJsonValue resize = input.value(QStringLiteral("resize"));
    if (!resize.isUndefined() && !resize.isBool())
        return R::failure(QStringLiteral("%1: input.resize must be true or false").arg(file));
    info.input.resize = resize.toBool(false);

    const QJsonValue classes = o.value(QStringLiteral("classes"));
    if (!classes.isArray() || classes.toArray().isEmpty() || classes.toArray().size() > kMaxClasses)
        return R::failure(
            QStringLiteral("%1: \"classes\" must be the list of class names, in the order of the "
                           "model's outputs")
                .arg(file));
    for (const QJsonValue &c : classes.toArray()) {
        if (!c.isString() || c.toString().isEmpty())
            return R::failure(
                QStringLiteral("%1: every class name must be a non-empty string").arg(file));
        info.classes << c.toString();
    }

    const QJsonValue splits = o.value(QStringLiteral("splits"));
    if (splits.isUndefined()) {
        // The whole model only: edge-only or device-only.
        info.splits = {{QStringLiteral("input"), {}}, {QStringLiteral("output"), {}}};
    } else if (!splits.isArray()) {
        return R::failure(QStringLiteral("%1: \"splits\" must be a list").arg(file));
    } else {
        const QJsonArray list = splits.toArray();
        for (int i = 0; i < list.size(); ++i) {
            const QJsonValue v = list.at(i);
            ModelSplitInfo s;
            if (v.isString()) {
                s.name = v.toString();
            } else if (v.isObject()) {
                s.name = v.toObject().value(QStringLiteral("name")).toString();
                const QJsonValue shape = v.toObject().value(QStringLiteral("feature_shape"));
                if (!shape.isUndefined() && !readShape(shape, &s.featureShape))
                    return R::failure(
                        QStringLiteral("%1: splits[%2].feature_shape must be a list of positive "
                                       "whole numbers (without the batch dimension)")
                            .arg(file)
                            .arg(i));
            } else {
                return R::failure(
                    QStringLiteral("%1: splits[%2] must be a name or {\"name\", \"feature_shape\"}")
                        .arg(file)
                        .arg(i));
            }
            if (!isValidSplitName(s.name))
                return R::failure(QStringLiteral("%1: splits[%2]: \"%3\" is not a valid split name "
                                                 "(letters, digits, '.', '_', '-')")
                                      .arg(file)
                                      .arg(i)
                                      .arg(s.name));
            for (const ModelSplitInfo &seen : info.splits)
                if (seen.name == s.name)
                    return R::failure(
                        QStringLiteral("%1: split \"%2\" is listed twice").arg(file, s.name));
            info.splits << s;
        }
        if (info.splits.isEmpty() || info.splits.first().name != QLatin1String("input"))
            info.splits.prepend({QStringLiteral("input"), {}});
        if (info.splits.size() < 2)
            info.splits << ModelSplitInfo{QStringLiteral("output"), {}};
    }
    ModelSplitInfo &first = info.splits.first();
    const QList<qint64> inputShape{info.input.channels, info.input.height, info.input.width};
    if (!first.featureShape.isEmpty() && first.featureShape != inputShape)
        return R::failure(
            QStringLiteral("%1: the split \"input\" has the shape of the input").arg(file));
    first.featureShape = inputShape;
    ModelSplitInfo &last = info.splits.last();
    if (last.featureShape.isEmpty())
        last.featureShape = {qint64(info.classes.size())};
    return info;
}

Result<std::vector<uint8_t>> imageForModel(const QImage &source, const ModelInputSpec &spec,
                                           const QString &what)
{
    using R = Result<std::vector<uint8_t>>;
    if (source.isNull())
        return R::failure(QStringLiteral("%1: not an image").arg(what));
    const QImage::Format format =
        spec.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    QImage image = source.convertToFormat(format);
    if (image.width() != spec.width || image.height() != spec.height) {
        if (!spec.resize)
            return R::failure(QStringLiteral("%1 is %2×%3, the model takes %4 images (scale it "
                                             "first, or set \"resize\": true in model.json)")
                                  .arg(what)
                                  .arg(image.width())
                                  .arg(image.height())
                                  .arg(spec.describe()));
        // The whole picture, aspect kept, centred on black.
        image =
            image.scaled(spec.width, spec.height, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        QImage canvas(spec.width, spec.height, format);
        canvas.fill(0);
        const int bpp = spec.channels;
        for (int y = 0; y < image.height(); ++y)
            std::memcpy(canvas.scanLine(y + (spec.height - image.height()) / 2) +
                            (spec.width - image.width()) / 2 * bpp,
                        image.constScanLine(y), size_t(image.width()) * bpp);
        image = canvas;
    }
    const size_t row = size_t(spec.width) * spec.channels;
    std::vector<uint8_t> pixels(row * spec.height);
    for (int y = 0; y < spec.height; ++y)
        std::memcpy(pixels.data() + y * row, image.constScanLine(y), row);
    return pixels;
}

QByteArray encodeImagePayload(const uint8_t *pixels, int width, int height, int channels,
                              InputCodecKind kind, int param)
{
    if (channels == 1)
        return InputCodec::encode(pixels, width, height, kind, param);
    if (channels != 3 || !pixels || width < 1 || height < 1 || width > InputCodec::maxSide / 3 ||
        height > InputCodec::maxSide)
        return {};
    if (kind == InputCodecKind::ZstdRaw)
        return InputCodec::encode(pixels, width * 3, height, kind, param);
    const QImage image(pixels, width, height, width * 3, QImage::Format_RGB888);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, kind == InputCodecKind::Jpeg ? "jpeg" : "png");
    if (kind == InputCodecKind::Jpeg) {
        writer.setQuality(qBound(1, param, 100));
        writer.setOptimizedWrite(true);
    } else {
        writer.setQuality(0); // zlib level 9, as InputCodec
    }
    if (!writer.write(image))
        return {};
    return bytes;
}

Result<GrayImage> decodeImagePayload(const QByteArray &bytes, InputCodecKind kind, int channels,
                                     const QSize &expected)
{
    using R = Result<GrayImage>;
    if (channels == 1)
        return InputCodec::decode(bytes, kind, expected);
    if (channels != 3)
        return R::failure(
            QStringLiteral("input images have 1 or 3 channels, not %1").arg(channels));
    if (kind == InputCodecKind::ZstdRaw) {
        // Three bytes a pixel: the plane is 3 times as wide.
        Result<GrayImage> plane = InputCodec::decode(
            bytes, kind,
            expected.isValid() ? QSize(expected.width() * 3, expected.height()) : QSize());
        if (!plane)
            return plane;
        if (plane->width % 3 != 0)
            return R::failure(
                QStringLiteral("zstd input: a row of %1 bytes is not RGB").arg(plane->width));
        plane->width /= 3;
        return plane;
    }
    const QString what = InputCodec::kindName(kind);
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, kind == InputCodecKind::Jpeg ? "jpeg" : "png");
    reader.setDecideFormatFromContent(false);
    const QSize size = reader.size(); // from the header: nothing allocated yet
    if (!size.isValid())
        return R::failure(QStringLiteral("%1 input: cannot read the image header (%2)")
                              .arg(what, reader.errorString()));
    if (size.width() < 1 || size.height() < 1 || size.width() > InputCodec::maxSide ||
        size.height() > InputCodec::maxSide)
        return R::failure(QStringLiteral("%1 input: %2x%3 image is outside 1..%4")
                              .arg(what)
                              .arg(size.width())
                              .arg(size.height())
                              .arg(InputCodec::maxSide));
    if (expected.isValid() && size != expected)
        return R::failure(QStringLiteral("%1 input: the header says %2x%3, the model takes %4x%5; "
                                         "refused before decoding")
                              .arg(what)
                              .arg(size.width())
                              .arg(size.height())
                              .arg(expected.width())
                              .arg(expected.height()));
    QImage image;
    if (!reader.read(&image))
        return R::failure(QStringLiteral("%1 input: %2").arg(what, reader.errorString()));
    image = image.convertToFormat(QImage::Format_RGB888);
    GrayImage out;
    out.width = image.width();
    out.height = image.height();
    const size_t row = size_t(out.width) * 3;
    out.pixels.resize(row * size_t(out.height));
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + y * row, image.constScanLine(y), row);
    return out;
}

} // namespace edgegpt
