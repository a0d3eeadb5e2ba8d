// ModelRunner: runs the head or the tail of a model at a named split for an agent, from a model
// directory as `edgegpt train` writes it (model.pt: any split) or as a deployment ships it
// (only head-SPLIT.pt / tail-SPLIT.pt parts), or a user's TorchScript model (model.json with
// "format": "torchscript", models/ModelInput.h): the whole model.ts and/or head-SPLIT.ts /
// tail-SPLIT.ts. The head at "input" is the image itself and the tail at the model's last split
// its output; the whole model (the tail at "input", the head at the last split) is model.pt,
// model.ts, or else the head and tail of the first inner split that has both. A TorchScript
// model's images must be of its metadata's shape (N×C×H×W), else an error says which it takes.
// Loaded parts stay in a small LRU cache; its hits, misses, loads and evictions are counted for
// the metrics. Not thread-safe: one runner per inference thread.
#pragma once

#include "core/util/Result.h"
#include "models/ModelInput.h"
#include "models/ModelStore.h"

#include <QString>

#include <torch/script.h>

#include <list>
#include <memory>

namespace edgegpt {

struct ModelCacheCounters
{
    qint64 hits = 0;
    qint64 misses = 0;
    qint64 loads = 0;
    qint64 evictions = 0;
};

class ModelRunner
{
public:
    explicit ModelRunner(QString modelDir, int cacheCapacity = 8);

    // x: N×C×H×W normalised images (N×1×28×28 for a model trained here); the result is the
    // feature sent at `split`.
    Result<torch::Tensor> head(const torch::Tensor &x, const QString &split);
    // feature: as decoded (batch first); the result is N×classes logits.
    Result<torch::Tensor> tail(const torch::Tensor &feature, const QString &split);
    // The whole model: N×C×H×W normalised images → logits.
    Result<torch::Tensor> forward(const torch::Tensor &x);
    // The directory's model.json (read once; none: a model trained here, 28×28 grey).
    Result<const ModelInfo *> info();
    // The splits, in the metadata's order, whose head and tail this directory can both run.
    QStringList runnableSplits();
    const QString &directory() const { return m_dir; }
    const ModelCacheCounters &counters() const { return m_counters; }

private:
    struct Entry
    {
        QString key; // "head-fc1", "tail-fc1", or "model"
        std::shared_ptr<ModelPart> part;
        std::shared_ptr<StoredModel> whole;
        std::shared_ptr<torch::jit::script::Module> script;
    };
    Result<Entry *> find(const QString &key, const QString &split, bool head);
    Result<torch::Tensor> run(const torch::Tensor &x, const QString &split, bool head);
    Result<torch::Tensor> runEntry(Entry *e, const torch::Tensor &x, const QString &split,
                                   bool head);
    bool hasPart(const QString &split, bool head) const;
    Result<void> checkImages(const torch::Tensor &x);

    QString m_dir;
    int m_capacity;
    std::list<Entry> m_cache; // most recently used first
    ModelCacheCounters m_counters;
    std::unique_ptr<ModelInfo> m_info;
};

// 8-bit images N×C×H×W → the model's input: (pixel/255 − mean)/std per channel. With one
// channel the same arithmetic as normalisePixels() (models/FashionMnist.h).
torch::Tensor normaliseForModel(const torch::Tensor &uint8Images, const ModelInputSpec &spec);
// 8-bit pixels of `count` images, H×W×C interleaved (ModelInput.h) → N×C×H×W uint8 (a copy).
torch::Tensor imagesToTensor(const uint8_t *pixels, int count, int channels, int height, int width);

} // namespace edgegpt
