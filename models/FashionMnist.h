// Fashion-MNIST from Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist):
// the four IDX files, gzip-compressed, read with zlib. 60,000 training and 10,000 test images of
// 28×28 8-bit grey levels, ten classes of clothing.
#pragma once

#include "core/util/Result.h"

#include <torch/torch.h>

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace edgegpt {

struct ImageSet
{
    int count = 0;
    int rows = 0;
    int cols = 0;
    std::vector<uint8_t> pixels; // count × rows × cols, row-major
    std::vector<uint8_t> labels; // count

    const uint8_t *image(int i) const { return pixels.data() + std::size_t(i) * rows * cols; }
    // N×1×H×W float tensor normalised the way the models are trained (see normalise()).
    torch::Tensor images(int first = 0, int n = -1) const;
    torch::Tensor targets(int first = 0, int n = -1) const;
};

class FashionMnist
{
public:
    enum class Split { Train, Test };

    // The folder: $EDGEGPT_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist.
    static QString defaultDirectory();
    // Reads one split; `limit` > 0 keeps only the first `limit` images. The error says which file
    // is missing or malformed and how to install the dataset.
    static Result<ImageSet> load(Split split, const QString &directory = defaultDirectory(),
                                 int limit = 0);
    static const QStringList &classNames();
};

// Pixel bytes → the network's input: (p/255 − mean)/std with the training set's statistics.
torch::Tensor normalisePixels(const torch::Tensor &uint8Images);

// Reads an IDX file (optionally gzip-compressed) with the given magic number (0x801 labels,
// 0x803 images). Exposed for tests: bad files must give errors, never crash.
Result<std::vector<uint8_t>> readIdx(const QString &path, int expectedDims, std::vector<int> *dims);

} // namespace edgegpt
