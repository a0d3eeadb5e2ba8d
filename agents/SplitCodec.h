// SplitCodec: what goes into an infer-request's payload and back out of it. At the split "input"
// the payload is the image through an InputCodec ("png", "zstd", "jpeg-q50"); at any other split it
// is the head's feature through the FeatureCodec ("q4-unit-z0", …). Shared by both agents, so that
// the two sides cannot disagree.
#pragma once

#include "core/protocol/Messages.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

#include <torch/torch.h>

namespace edgegpt {

// Encodes one 28×28 image (8-bit pixels) at the input with an input codec name.
Result<QByteArray> encodeInput(const uint8_t *pixels, int width, int height, const QString &codec);
// Encodes a feature (batch 1) with a feature codec name.
Result<QByteArray> encodeFeature(const torch::Tensor &feature, const QString &codec);
// The tensor the tail receives: normalised 1×1×H×W images for "input", else the decoded feature.
Result<torch::Tensor> decodePayload(const QString &split, const QString &codec,
                                    const QByteArray &payload);
// The class, its label and the top 3 of softmax(logits) (batch 1).
InferResultMessage resultFromLogits(const torch::Tensor &logits);

} // namespace edgegpt
