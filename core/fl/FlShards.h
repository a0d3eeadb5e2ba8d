// Non-IID shards of a labelled training set for federated learning: each device's class mix is
// drawn from a Dirichlet(alpha) distribution (small alpha: a few classes per device; large alpha:
// close to the overall mix), then its images are taken from per-class pools shuffled once, so
// no image is on two devices. Everything follows from (labels, devices, perDevice, alpha, seed):
// each device computes every shard the same way and keeps its own (docs/federated.md).
#pragma once

#include "core/util/Result.h"

#include <QVector>

#include <cstdint>
#include <vector>

namespace edgegpt {

struct ShardPlan
{
    int devices = 2;
    int perDevice = 200; // images each device holds
    double alpha = 0.5;  // Dirichlet concentration, > 0
    quint64 seed = 1;
    int classes = 10;
};

// The training-set indices of every device's shard (devices × perDevice, fewer only where the
// set runs out of images). Fails when the plan is out of range.
Result<QVector<QVector<int>>> dirichletShards(const std::vector<uint8_t> &labels,
                                              const ShardPlan &plan);

// Images per class in one shard.
QVector<qint64> classCounts(const std::vector<uint8_t> &labels, const QVector<int> &shard,
                            int classes = 10);

} // namespace edgegpt
