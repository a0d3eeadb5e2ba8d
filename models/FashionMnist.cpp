// FashionMnist: see FashionMnist.h.
#include "models/FashionMnist.h"

#include <algorithm>

namespace edgegpt {

namespace {

constexpr float kMean = 0.2860f; // Fashion-MNIST training set, pixels in [0,1]
constexpr float kStd = 0.3530f;

} // namespace

Result<ImageSet> FashionMnist::load(Split split, const QString &directory, int limit)
{
    Result<ImagePixels> pixels = FashionMnistFiles::load(split, directory, limit);
    if (!pixels)
        return Result<ImageSet>::failure(pixels.error());
    return ImageSet{std::move(*pixels)};
}

Result<ImageSet> FashionMnist::loadValidation(const QString &directory, int limit)
{
    Result<ImagePixels> all = FashionMnistFiles::load(Split::Train, directory);
    if (!all)
        return Result<ImageSet>::failure(all.error());
    if (all->count <= validationImages)
        return Result<ImageSet>::failure(
            QStringLiteral("the training file in %1 has %2 images: no validation split (the last "
                           "%3 of more than %3)")
                .arg(directory)
                .arg(all->count)
                .arg(validationImages));
    const int first = all->count - validationImages;
    const int n = limit > 0 ? std::min(limit, validationImages) : validationImages;
    const std::size_t pixelsPerImage = std::size_t(all->rows) * all->cols;
    ImageSet v;
    v.count = n;
    v.rows = all->rows;
    v.cols = all->cols;
    v.pixels.assign(all->pixels.begin() + std::ptrdiff_t(first * pixelsPerImage),
                    all->pixels.begin() + std::ptrdiff_t((first + n) * pixelsPerImage));
    v.labels.assign(all->labels.begin() + first, all->labels.begin() + first + n);
    return v;
}

torch::Tensor normalisePixels(const torch::Tensor &uint8Images)
{
    return (uint8Images.to(torch::kFloat32).div(255.0f) - kMean) / kStd;
}

torch::Tensor ImageSet::images(int first, int n) const
{
    if (n < 0)
        n = count - first;
    auto bytes =
        torch::from_blob(const_cast<uint8_t *>(image(first)), {n, 1, rows, cols}, torch::kUInt8);
    return normalisePixels(bytes); // a copy: the result does not alias `pixels`
}

torch::Tensor ImageSet::targets(int first, int n) const
{
    if (n < 0)
        n = count - first;
    auto bytes = torch::from_blob(const_cast<uint8_t *>(labels.data() + first), {n}, torch::kUInt8);
    return bytes.to(torch::kInt64);
}

} // namespace edgegpt
