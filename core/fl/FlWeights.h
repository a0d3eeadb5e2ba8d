// Federated learning's weights without LibTorch: a model's named tensors as one flat float32 array
// with its layout, FedAvg over several of them, and their wire form (one FeatureCodec blob per
// tensor, so an update travels quantised + zstd, or as float32 when asked). Everything read from
// the wire is checked against the layout the receiver expects: the tensor count, every shape and
// every value's finiteness (docs/federated.md).
#pragma once

#include "core/codec/FeatureCodec.h"
#include "core/util/Result.h"

#include <QCborArray>
#include <QString>
#include <QVector>

#include <vector>

namespace edgegpt {

struct WeightTensorInfo
{
    QString name;
    QVector<qint64> shape;
    qint64 count() const;
    bool operator==(const WeightTensorInfo &o) const { return name == o.name && shape == o.shape; }
};

using WeightLayout = QVector<WeightTensorInfo>;

qint64 layoutCount(const WeightLayout &layout);
QCborArray layoutToCbor(const WeightLayout &layout);
// Untrusted: at most maxTensors tensors of at most FeatureCodec::maxDims dimensions.
Result<WeightLayout> layoutFromCbor(const QCborArray &array);

struct ModelWeights
{
    WeightLayout layout;
    std::vector<float> values; // the tensors one after the other, layoutCount(layout) floats

    bool isValid() const { return qint64(values.size()) == layoutCount(layout); }
};

// Weighted average of `models` (all of one layout) by `samples` (each > 0): FedAvg's aggregation,
// sum_k n_k w_k / sum_k n_k, accumulated in double. Fails on an empty list, a layout mismatch or
// a non-positive weight.
Result<ModelWeights> federatedAverage(const QVector<const ModelWeights *> &models,
                                      const QVector<qint64> &samples);

// The first non-finite value's tensor and index, or an empty string when all are finite.
QString firstNonFinite(const ModelWeights &weights);

// Wire form: a 4-byte big-endian tensor count, then per tensor a 4-byte big-endian length and
// that tensor's FeatureCodec bytes (which carry its shape and are CRC-checked).
QByteArray encodeWeightValues(const WeightLayout &layout, const float *values,
                              const FeatureCodecSettings &settings);
// Decodes untrusted bytes against the layout the receiver expects: the tensor count and every
// shape must match and every decoded value be finite, else a one-line error naming the tensor.
Result<std::vector<float>> decodeWeightValues(const QByteArray &bytes, const WeightLayout &layout);

constexpr int kMaxWeightTensors = 4096;
constexpr qint64 kMaxWeightValues = 64 * 1024 * 1024;

} // namespace edgegpt
