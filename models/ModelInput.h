// ModelInput: what a model directory says about its model, without LibTorch (library
// edgegpt_dataset, so the agent can read it too): the input it takes (channels, height, width,
// normalisation, whether other sizes may be scaled to it), its class names and its split points.
//
// A model trained here (`edgegpt train`: model.json with a "spec") takes 28×28 grey images with
// Fashion-MNIST's statistics and names Fashion-MNIST's classes; a directory without model.json
// (a deployment's bare parts) is taken as such a model too. A user's TorchScript model says what
// it takes in model.json with "format": "torchscript" (docs/models.md, "A user's TorchScript
// model"):
//   {"format": "torchscript", "name": "tiny-rgb",
//    "input": {"channels": 3, "height": 32, "width": 32, "mean": [0.5, 0.5, 0.5],
//              "std": [0.25, 0.25, 0.25], "resize": false},
//    "classes": ["cat", "dog", …],
//    "splits": ["input", {"name": "block1", "feature_shape": [8, 16, 16]}, "logits"]}
// with model.ts (the whole model) and/or head-SPLIT.ts / tail-SPLIT.ts per inner split.
//
// Images are handed around as 8-bit pixels, row by row without padding, channels interleaved
// (grey: one byte per pixel; RGB: three). The input payloads at the split "input" keep the
// image's channels: a grey image goes through InputCodec as before, an RGB image as an RGB PNG
// or JPEG, or for "zstd" as its interleaved bytes in InputCodec's zstd frame of width 3×W.
#pragma once

#include "core/codec/InputCodec.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QImage>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace edgegpt {

struct ModelInputSpec
{
    int channels = 1; // 1 (grey) or 3 (RGB)
    int height = 28;
    int width = 28;
    // Per channel (one value: every channel), for pixels scaled to [0, 1]:
    // input = (pixel / 255 − mean) / std. The defaults are Fashion-MNIST's training set.
    QList<double> mean{0.2860};
    QList<double> std{0.3530};
    // Images of another size are scaled to height×width (aspect kept, padded with black). When
    // false such an image is an error that names both sizes.
    bool resize = false;

    qint64 bytesPerImage() const { return qint64(channels) * height * width; }
    // "3×32×32 RGB", "1×28×28 grey".
    QString describe() const;
    bool isFashionMnistShape() const { return channels == 1 && height == 28 && width == 28; }
};

struct ModelSplitInfo
{
    QString name;
    QList<qint64> featureShape; // without the batch dimension; empty: not known
};

struct ModelInfo
{
    QString format = QStringLiteral("edgegpt"); // "edgegpt" (trained here) or "torchscript"
    QString name;
    ModelInputSpec input;
    QStringList classes;          // index → name
    QList<ModelSplitInfo> splits; // in order, "input" first, the model's output last

    bool isTorchScript() const { return format == QLatin1String("torchscript"); }
    QStringList splitNames() const;

    // Reads DIR/model.json. No model.json: a model trained here (28×28 grey, Fashion-MNIST's
    // classes, resized folder images as the agents always did). Errors name the file and key.
    static Result<ModelInfo> load(const QString &dir);
    static Result<ModelInfo> fromJson(const QJsonObject &o, const QString &fileName);
    // The model of `edgegpt train`: 1×28×28 grey, Fashion-MNIST's statistics and classes.
    static ModelInfo fashionMnist();
};

// A split name is a file-name part (head-NAME.ts): letters, digits, '.', '_' and '-', not
// starting with '.' or '-'.
bool isValidSplitName(const QString &name);

// The image as the model takes it: converted to its channels, at its size (scaled only when the
// spec says resize; otherwise a size mismatch is an error naming `what` and both sizes). Pixels
// row by row, channels interleaved.
Result<std::vector<uint8_t>> imageForModel(const QImage &image, const ModelInputSpec &spec,
                                           const QString &what);

// The payload of the split "input" for an image of 1 or 3 channels with an input codec kind.
QByteArray encodeImagePayload(const uint8_t *pixels, int width, int height, int channels,
                              InputCodecKind kind, int param);
// Decodes such a payload (untrusted: sizes are checked before allocating) into `channels`
// channels; colour is converted as needed (an RGB PNG to grey, a grey JPEG to RGB).
// With `expected` valid (an edge: its model's input size), an image of another size is refused
// from its header, before decoding allocates anything.
Result<GrayImage> decodeImagePayload(const QByteArray &bytes, InputCodecKind kind, int channels,
                                     const QSize &expected = QSize());

} // namespace edgegpt
