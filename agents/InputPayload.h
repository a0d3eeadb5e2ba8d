// InputPayload: the payload of the split "input", the image itself through an InputCodec
// ("png", "zstd", "jpeg-q50"), grey or RGB as the model takes it. No model and no LibTorch: a
// device that sends its images encodes them without loading the model runtime. The payloads of
// other splits are SplitCodec's (in the runtime plugin).
#pragma once

#include "core/codec/InputCodec.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QPair>
#include <QString>

#include <cstdint>

namespace edgegpt {

// "png" / "zstd" / "jpeg-q50" → the kind and its parameter.
Result<QPair<InputCodecKind, int>> parseInputCodec(const QString &codec);
// Encodes one 8-bit grey image at the input with an input codec name.
Result<QByteArray> encodeInput(const uint8_t *pixels, int width, int height, const QString &codec);
// The same for an image of 1 (grey) or 3 (RGB, interleaved) channels (models/ModelInput.h).
Result<QByteArray> encodeInput(const uint8_t *pixels, int width, int height, int channels,
                               const QString &codec);

} // namespace edgegpt
