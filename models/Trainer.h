// Training on CPU: AdamW with a cosine learning-rate schedule, random horizontal flips, and a
// fixed seed that makes a run repeatable (same seed, same thread count → same weights).
#pragma once

#include "core/util/Result.h"
#include "models/FashionMnist.h"
#include "models/SplitNet.h"

#include <atomic>
#include <functional>

namespace edgegpt {

struct TrainOptions
{
    int epochs = 4;
    quint64 seed = 1;
    int batchSize = 128;
    double learningRate = 3e-3;
    double weightDecay = 1e-4;
    int threads = 0; // 0: every core
};

struct TrainProgress
{
    int epoch = 0; // 1-based
    int epochs = 0;
    int batch = 0; // 1-based, within the epoch
    int batches = 0;
    double loss = 0;     // running mean over the epoch so far
    double accuracy = 0; // running training accuracy over the epoch so far
    double etaSeconds = 0;
};

struct TrainReport
{
    double testAccuracy = 0;
    double seconds = 0;
    int threads = 0;
};

// Accuracy (a fraction) of `net` on a set, in eval mode, in batches.
double evaluateAccuracy(SplitNet &net, const ImageSet &set, int batchSize = 1000);

Result<TrainReport> trainModel(SplitNet &net, const ImageSet &train, const ImageSet &test,
                               const TrainOptions &options,
                               const std::function<void(const TrainProgress &)> &progress = {},
                               const std::atomic<bool> *cancel = nullptr);

} // namespace edgegpt
