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

    // The validation split: the last 5,000 images of the training file (55,000..59,999). The
    // project's training never uses them (trainingImages()), so that settings chosen on them
    // (edgegpt bench coinference: split, codec, JPEG quality) are chosen on data the model was
    // not fitted to and the test set stays for reporting.
    static constexpr int validationImages = 5000;
    // How many images of a training file of `count` images are for training: all but the
    // validation split (all of them when the file is not larger than it).
    static int trainingImages(int count)
    {
        return count > validationImages ? count - validationImages : count;
    }
    // The validation split (its first `limit` images when limit > 0); an error when the
    // training file has no more than validationImages images.
    static Result<ImageSet> loadValidation(const QString &directory = defaultDirectory(),
                                           int limit = 0);
};

// Pixel bytes → the network's input: (p/255 − mean)/std with the training set's statistics.
torch::Tensor normalisePixels(const torch::Tensor &uint8Images);

} // namespace edgegpt
