// Fashion-MNIST as LibTorch tensors for training and profiling: the files themselves (IDX reader,
// class names, the folder) are models/FashionMnistFiles.h, which needs no LibTorch.
#pragma once

#include "models/FashionMnistFiles.h"

#include <torch/torch.h>

namespace edgegpt {

struct ImageSet : ImagePixels
{
    // N×1×H×W float tensor normalised the way the models are trained (see normalise()).
    torch::Tensor images(int first = 0, int n = -1) const;
    torch::Tensor targets(int first = 0, int n = -1) const;
};

class FashionMnist
{
public:
    using Split = FashionMnistSplit;

    static QString defaultDirectory() { return FashionMnistFiles::defaultDirectory(); }
    // FashionMnistFiles::load with the tensors' accessors.
    static Result<ImageSet> load(Split split, const QString &directory = defaultDirectory(),
                                 int limit = 0);
    static const QStringList &classNames() { return FashionMnistFiles::classNames(); }
};

// Pixel bytes → the network's input: (p/255 − mean)/std with the training set's statistics.
torch::Tensor normalisePixels(const torch::Tensor &uint8Images);

} // namespace edgegpt
