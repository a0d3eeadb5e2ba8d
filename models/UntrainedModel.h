// Untrained models on disk: a model directory as `edgegpt train` writes it (model.pt, model.json
// with the split table), with the initial weights of a seed and no training. For what needs real
// model files of different sizes and not their accuracy — the live model cache's test and
// `edgegpt bench caching --live` (docs/caching.md). model.json says "untrained": true and has
// no test accuracy, so nothing reads it as a trained model's.
#pragma once

#include "core/util/Result.h"
#include "models/SplitNet.h"

#include <QString>

#include <cstdint>

namespace edgegpt {

// Writes DIR/model.pt and DIR/model.json for `spec` with the weights torch initialises from
// `seed`. Returns the size of model.pt in bytes.
Result<qint64> saveUntrainedModel(const ModelSpec &spec, std::uint64_t seed, const QString &dir);

} // namespace edgegpt
