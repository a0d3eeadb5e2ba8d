// SplitCodec: what goes into an infer-request's payload and back out of it, as LibTorch tensors.
// At the split "input" the payload is the image through an InputCodec ("png", "zstd",
// "jpeg-q50"; InputPayload.h, which needs no LibTorch); at any other split it is the head's
// feature through the FeatureCodec ("q4-unit-z0", …). Part of the model runtime plugin
// (TorchRuntime.cpp), shared by both sides of a split, so that they cannot disagree.
#pragma once

#include "agents/InputPayload.h"
#include "core/protocol/Messages.h"
#include "core/util/Result.h"
#include "models/ModelInput.h"

#include <QByteArray>
#include <QString>

#include <torch/torch.h>

namespace edgegpt {

// Encodes a feature (batch 1) with a feature codec name.
Result<QByteArray> encodeFeature(const torch::Tensor &feature, const QString &codec);
// The tensor the tail receives: for "input" the image, which must be of the model's shape
// (`input`), normalised as 1×C×H×W; else the decoded feature.
Result<torch::Tensor> decodePayload(const QString &split, const QString &codec,
                                    const QByteArray &payload, const ModelInputSpec &input);
// The class, its label (from `classes`) and the top 3 of softmax(logits) (batch 1).
InferResultMessage resultFromLogits(const torch::Tensor &logits, const QStringList &classes);

} // namespace edgegpt
