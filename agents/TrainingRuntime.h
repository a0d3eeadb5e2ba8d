// TrainingRuntime: what a federated-learning agent needs from LibTorch — build a model, train it
// on a shard, evaluate it, save it — without linking LibTorch. It lives in the same plugin as
// SplitRuntime (libedgegpt-runtime.so, agents/TorchTraining.cpp) behind its own entry points and
// interface version, so SplitRuntime's users are untouched:
//   int edgegpt_training_runtime_interface(void)
//   edgegpt::TrainingRuntime *edgegpt_create_training_runtime(int interfaceVersion)
// Weights cross the boundary as ModelWeights (core/fl/FlWeights.h): every floating-point
// parameter and buffer by name, in the model's order. One object is used from one thread at a
// time.
#pragma once

#include "core/fl/FlWeights.h"
#include "core/util/Result.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <memory>

namespace edgegpt {

// Bump on any change of TrainingRuntime or the structs below.
constexpr int kTrainingRuntimeInterface = 2;

struct LocalTrainSettings
{
    int epochs = 1;
    double lr = 0.05;
    QString optimizer = QStringLiteral("sgd"); // sgd (momentum 0.9) | adam
    int batch = 32;
    quint64 seed = 1; // the batches' order
    // Cross-entropy weighted by the inverse of each class's frequency in the images trained on.
    bool classBalanced = false;
};

struct LocalTrainResult
{
    ModelWeights weights;
    double loss = 0; // mean training loss of the last epoch
    double ms = 0;
};

struct EvalResult
{
    double accuracy = 0; // fraction
    double loss = 0;     // mean cross-entropy
    int samples = 0;
};

// Images: `count` 28×28 8-bit grey images, row-major, and their labels.
struct ImageBatchView
{
    const uint8_t *pixels = nullptr;
    const uint8_t *labels = nullptr;
    int count = 0;
};

class TrainingRuntime
{
public:
    virtual ~TrainingRuntime() = default;
    virtual QString version() const = 0;
    virtual void setThreads(int threads) = 0;
    // Builds the model named by a ModelSpec text ("cnn:none", "mobilenetv2@0.5"), its initial
    // weights drawn with `seed`. Replaces any model built before.
    virtual Result<ModelWeights> createModel(const QString &spec, quint64 seed) = 0;
    // Loads `start` into the model and trains it on the images; the weights after.
    virtual Result<LocalTrainResult> train(const ModelWeights &start, const ImageBatchView &data,
                                           const LocalTrainSettings &settings) = 0;
    virtual Result<EvalResult> evaluate(const ModelWeights &weights,
                                        const ImageBatchView &data) = 0;
    // Loads `weights` and recomputes every BatchNorm layer's running mean and variance as the
    // plain average over the images (forward passes in training mode, no gradient; data.labels
    // may be null, it is not read); the weights after, the same tensors with new statistics. FedAvg
    // averages each device's statistics, which describe its own model on its own skewed shard, not
    // the averaged model: evaluated with them a BatchNorm-heavy model (MobileNetV2) stays at
    // chance. A model without BatchNorm comes back unchanged.
    virtual Result<ModelWeights> recalibrateNorms(const ModelWeights &weights,
                                                  const ImageBatchView &data) = 0;
    // Saves the model with `weights` as `edgegpt train` does (models/ModelStore: model.pt,
    // model.json with `meta` merged in and the split table); returns model.pt's size in bytes.
    virtual Result<qint64> save(const ModelWeights &weights, const QJsonObject &meta,
                                const QString &dir) = 0;
};

// Loads the plugin `file` (runtimeFileName() next to the agent by default) and creates a
// training runtime. Errors as loadSplitRuntime's.
Result<std::unique_ptr<TrainingRuntime>> loadTrainingRuntime(const QString &file);

} // namespace edgegpt

extern "C" {
using EdgegptTrainingRuntimeInterfaceFn = int (*)();
using EdgegptCreateTrainingRuntimeFn = edgegpt::TrainingRuntime *(*)(int interfaceVersion);
}
