// Trained models on disk. A model directory holds model.pt (every weight, by name) and
// model.json (what it is, how it was trained, its test accuracy and the feature shape at every
// split). A model *part* — the head or the tail of a split, what an agent loads — is one
// self-describing file: the weights it needs plus an "edgegpt.meta" JSON record naming the
// architecture, the split and the role, so it can be rebuilt without the rest of the model.
#pragma once

#include "core/util/Result.h"
#include "models/SplitNet.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace edgegpt {

struct StoredModel
{
    SplitNet net{nullptr};
    QJsonObject meta; // model.json
};

struct ModelPart
{
    SplitNet net{nullptr}; // the whole architecture; only the part's weights are loaded
    int split = 0;
    bool isHead = true;
    QJsonObject meta;

    torch::Tensor run(const torch::Tensor &x)
    {
        return isHead ? net->head(x, split) : net->tail(x, split);
    }
};

// Per split: name, index, the shape and element count of the feature sent, and the
// multiply–accumulates of the head (device) and of the tail (edge) for one image.
QJsonArray splitTable(SplitNet &net);

class ModelStore
{
public:
    static Result<void> save(SplitNet &net, const QJsonObject &meta, const QString &dir);
    static Result<StoredModel> load(const QString &dir);
    static bool exists(const QString &dir);

    // Writes DIR/head-SPLIT.pt and DIR/tail-SPLIT.pt for one split (by name).
    static Result<void> exportSplit(SplitNet &net, const QString &split, const QString &dir);
    static Result<ModelPart> loadPart(const QString &path);

    // Where `edgegpt train` puts a model when not told: $EDGEGPT_MODEL_DIR/NAME, else
    // ~/.local/share/edgegpt/models/NAME.
    static QString defaultDirectory(const QString &modelName);
};

} // namespace edgegpt
