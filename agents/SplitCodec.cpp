// SplitCodec: see SplitCodec.h.
#include "agents/SplitCodec.h"

#include "core/codec/FeatureCodec.h"
#include "core/codec/InputCodec.h"
#include "models/FashionMnist.h"
#include "models/ModelRunner.h"

namespace edgegpt {

namespace {

// Features of the models here are at most a few hundred thousand values; refuse more before
// allocating (a peer's declared shape is untrusted).
constexpr qint64 kMaxFeatureElements = 4 * 1024 * 1024;

} // namespace

Result<QByteArray> encodeFeature(const torch::Tensor &feature, const QString &codec)
{
    const Result<FeatureCodecSettings> s = FeatureCodecSettings::parse(codec);
    if (!s)
        return Result<QByteArray>::failure(s.error());
    const torch::Tensor f = feature.contiguous().to(torch::kFloat32);
    QVector<qint64> shape;
    for (int64_t d : f.sizes())
        shape << d;
    const QByteArray bytes = FeatureCodec::encode(f.data_ptr<float>(), shape, *s);
    if (bytes.isEmpty())
        return Result<QByteArray>::failure(QStringLiteral("%1 encoding failed").arg(codec));
    return bytes;
}

Result<torch::Tensor> decodePayload(const QString &split, const QString &codec,
                                    const QByteArray &payload, const ModelInputSpec &input)
{
    using R = Result<torch::Tensor>;
    if (split == QLatin1String("input")) {
        const Result<QPair<InputCodecKind, int>> kind = parseInputCodec(codec);
        if (!kind)
            return R::failure(kind.error());
        // The model's size bounds what decoding may allocate: another is refused from the header.
        const Result<GrayImage> image = decodeImagePayload(payload, kind->first, input.channels,
                                                           QSize(input.width, input.height));
        if (!image)
            return R::failure(QStringLiteral("%1 (the model takes %2 images)")
                                  .arg(image.error(), input.describe()));
        if (image->width != input.width || image->height != input.height)
            return R::failure(QStringLiteral("the image is %1×%2, the model takes %3 images")
                                  .arg(image->width)
                                  .arg(image->height)
                                  .arg(input.describe()));
        if (input.channels == 1) {
            torch::Tensor pixels =
                torch::from_blob(const_cast<uint8_t *>(image->pixels.data()),
                                 {1, 1, image->height, image->width}, torch::kUInt8)
                    .clone();
            return normaliseForModel(pixels, input);
        }
        return normaliseForModel(
            imagesToTensor(image->pixels.data(), 1, input.channels, image->height, image->width),
            input);
    }
    const Result<DecodedFeature> f = FeatureCodec::decode(payload, kMaxFeatureElements);
    if (!f)
        return R::failure(f.error());
    if (f->settings.name() != codec && !codec.isEmpty())
        return R::failure(QStringLiteral("the payload is %1, the request says %2")
                              .arg(f->settings.name(), codec));
    std::vector<int64_t> shape(f->shape.begin(), f->shape.end());
    if (shape.empty() || shape[0] != 1)
        return R::failure(QStringLiteral("a feature must have a batch dimension of 1"));
    return torch::from_blob(const_cast<float *>(f->values.data()), shape, torch::kFloat32).clone();
}

InferResultMessage resultFromLogits(const torch::Tensor &logits, const QStringList &classes)
{
    InferResultMessage r;
    const torch::Tensor p = torch::softmax(logits.reshape({-1}).to(torch::kFloat32), 0);
    const auto top = p.topk(std::min<int64_t>(3, p.size(0)));
    const torch::Tensor values = std::get<0>(top), indices = std::get<1>(top);
    for (int64_t i = 0; i < values.size(0); ++i)
        r.topK << ScoredClass{indices[i].item<int64_t>(), values[i].item<double>()};
    if (!r.topK.isEmpty()) {
        r.classIndex = r.topK.first().classIndex;
        r.label = classes.value(int(r.classIndex));
    }
    return r;
}

} // namespace edgegpt
