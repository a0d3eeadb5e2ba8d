// Fashion-MNIST's files without LibTorch: the four IDX files of Debian's dataset-fashion-mnist
// package (/usr/share/datasets/fashion-mnist), gzip-compressed, read with zlib into 8-bit pixels
// and labels; the class names. 60,000 training and 10,000 test images of 28×28 grey levels, ten
// classes of clothing. The agent's inputs use this part alone (library edgegpt_dataset); the
// tensors for training and profiling are models/FashionMnist.h.
#pragma once

#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace edgegpt {

struct ImagePixels
{
    int count = 0;
    int rows = 0;
    int cols = 0;
    std::vector<uint8_t> pixels; // count × rows × cols, row-major
    std::vector<uint8_t> labels; // count

    const uint8_t *image(int i) const { return pixels.data() + std::size_t(i) * rows * cols; }
};

enum class FashionMnistSplit { Train, Test };

class FashionMnistFiles
{
public:
    // The folder: $EDGEGPT_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist.
    static QString defaultDirectory();
    // Reads one split; `limit` > 0 keeps only the first `limit` images. The error says which file
    // is missing or malformed and how to install the dataset.
    static Result<ImagePixels> load(FashionMnistSplit split,
                                    const QString &directory = defaultDirectory(), int limit = 0);
    static const QStringList &classNames();
};

// Reads an IDX file (optionally gzip-compressed) with the given magic number (0x801 labels,
// 0x803 images). Exposed for tests: bad files must give errors, never crash.
Result<std::vector<uint8_t>> readIdx(const QString &path, int expectedDims, std::vector<int> *dims);

} // namespace edgegpt
