// ModelRunner: runs the head or the tail of a model at a named split for an agent, from a model
// directory as `edgegpt train` writes it (model.pt: any split) or as a deployment ships it
// (only head-SPLIT.pt / tail-SPLIT.pt parts, or a user's TorchScript head-SPLIT.ts /
// tail-SPLIT.ts). Loaded parts stay in a small LRU cache; its hits, misses, loads and evictions
// are counted for the metrics. Not thread-safe: one runner per inference thread.
#pragma once

#include "core/util/Result.h"
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

    // x: N×1×28×28 normalised images; the result is the feature sent at `split`.
    Result<torch::Tensor> head(const torch::Tensor &x, const QString &split);
    // feature: as decoded (batch first); the result is N×10 logits.
    Result<torch::Tensor> tail(const torch::Tensor &feature, const QString &split);
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

    QString m_dir;
    int m_capacity;
    std::list<Entry> m_cache; // most recently used first
    ModelCacheCounters m_counters;
};

} // namespace edgegpt
