// Trains a model and stores it with its metadata: what `edgegpt train` does, and what the
// benchmarks do when asked for a model that has not been trained yet.
#pragma once

#include "models/ModelStore.h"
#include "models/Trainer.h"

#include <QStringList>

namespace edgegpt {

struct TrainingJob
{
    ModelSpec spec;
    TrainOptions options;
    QString outDir;
    QString dataDir = FashionMnist::defaultDirectory();
    int trainLimit = 0;      // > 0: only the first N training images (quick runs, tests)
    QStringList commandLine; // recorded in model.json so that the model can be made again
};

// Loads the data, trains, saves DIR/model.pt and DIR/model.json. `progress` gets every batch.
Result<TrainReport> runTrainingJob(const TrainingJob &job,
                                   const std::function<void(const TrainProgress &)> &progress);

// "epoch 2/4  batch 120/468  loss 0.312  acc 88.4%  ETA 3m12s"
QString describeProgress(const TrainProgress &p);

} // namespace edgegpt
