// The model `edgegpt run` and `edgegpt bench latency` serve with their local agents: the given
// directory, else the default one (LocalFleet::defaultModelDirectory). When it holds no trained
// model it is trained first (as `edgegpt train` would), and when it has no profile.json the
// co-inference benchmark profiles it (as `edgegpt bench coinference` would) — saying so on stderr.
#pragma once

#include "core/util/Result.h"

#include <QString>

namespace edgegpt::cli {

struct DefaultModelOptions
{
    QString dir;     // empty: the default directory of the cnn model
    QString dataDir; // Fashion-MNIST folder; empty: the default
    int threads = 0; // for training and profiling; 0: every core
    int profileImages = 10000;
};

// The model directory, ready for agents (model.pt, model.json, profile.json).
Result<QString> prepareModelDirectory(const DefaultModelOptions &options);

} // namespace edgegpt::cli
