// Image classifiers written with the LibTorch C++ frontend as a chain of named blocks, so that
// the network can be cut at any block boundary ("split point"): the device runs the head up to
// the split, sends the feature, and the edge runs the tail from it.
//
// Split s (0 … blocks) means "the first s blocks run on the device": s = 0 sends the input
// (edge-only), s = blocks sends the logits (device-only). An optional learned bottleneck
// (BottleNet++-style) sits at one split: an encoder at the end of the head squeezes the feature
// into a few channels in [0, 1], and a decoder at the start of the tail expands it back; both
// are trained with the network, with uniform noise standing in for quantisation.
#pragma once

#include "core/util/Result.h"

#include <torch/torch.h>

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct ModelSpec
{
    // "cnn" (compact), "resnet" (ResNet-style, deeper), "mobilenetv2" or "resnet18" (the
    // torchvision architectures adapted to 28×28 grey input, docs/federated.md)
    QString arch = QStringLiteral("cnn");
    QString bottleneckAt;                 // a split name, or empty for none
    int bottleneckWidth = 0;              // channels (or features) of the code
    int noiseBits = 4;                    // quantisation simulated while training the code
    double width = 1.0; // channel multiplier of mobilenetv2 and resnet18 ("NAME@0.5"); others 1

    // "cnn" and "resnet" with their default bottleneck; NAME:SPLIT:WIDTH or NAME:none overrides.
    // "mobilenetv2" and "resnet18" have none by default; NAME@W sets their width multiplier.
    static Result<ModelSpec> parse(const QString &text);
    static QStringList architectures();
    QString name() const; // "cnn", or "cnn:fc1:8" when not the default
    QJsonObject toJson() const;
    static Result<ModelSpec> fromJson(const QJsonObject &o);
};

// Multiply–accumulate operations of one inference, per block (×2 for FLOPs).
struct BlockCost
{
    QString name;
    qint64 macs = 0;
    std::vector<int64_t> outputShape; // without the batch dimension
};

class SplitNetImpl : public torch::nn::Module
{
public:
    explicit SplitNetImpl(const ModelSpec &spec);

    const ModelSpec &spec() const { return m_spec; }
    int blockCount() const { return int(m_blocks.size()); }
    // Split names: "input", then each block's name; the last is "logits".
    QStringList splitNames() const;
    int splitIndex(const QString &name) const; // -1 if unknown
    int bottleneckSplit() const { return m_bottleneckSplit; }

    torch::Tensor forward(torch::Tensor x);
    // The device's part: blocks [0, split), then the encoder if the bottleneck is at `split`.
    torch::Tensor head(torch::Tensor x, int split);
    // The edge's part: the decoder if the bottleneck is at `split`, then blocks [split, end).
    torch::Tensor tail(torch::Tensor feature, int split);

    // Per block, for one 1×28×28 input; the bottleneck's encoder/decoder are counted in the
    // blocks before/after it.
    std::vector<BlockCost> costs();
    // Shape of the feature sent at each split (after the encoder where there is one).
    std::vector<std::vector<int64_t>> featureShapes();

    // Parameter and buffer names that belong to the head or the tail of a split.
    QStringList stateNames(int split, bool headPart);

private:
    torch::Tensor encode(torch::Tensor x); // the bottleneck's encoder, with noise while training

    ModelSpec m_spec;
    QStringList m_names;
    std::vector<torch::nn::Sequential> m_blocks;
    torch::nn::Sequential m_encoder{nullptr};
    torch::nn::Sequential m_decoder{nullptr};
    int m_bottleneckSplit = -1;
};
TORCH_MODULE(SplitNet);

} // namespace edgegpt
