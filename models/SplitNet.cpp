#include "models/SplitNet.h"

#include <QJsonArray>

#include <array>
#include <cmath>

namespace edgegpt {

namespace nn = torch::nn;

namespace {

constexpr int kImageSide = 28;

nn::Conv2d conv3x3(int in, int out, int stride = 1)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// ResNet's basic block: two 3×3 convolutions with a shortcut (a strided 1×1 convolution when the
// shape changes).
struct BasicBlockImpl : nn::Module
{
    BasicBlockImpl(int in, int out, int stride)
        : conv1(register_module("conv1", conv3x3(in, out, stride)))
        , bn1(register_module("bn1", nn::BatchNorm2d(out)))
        , conv2(register_module("conv2", conv3x3(out, out)))
        , bn2(register_module("bn2", nn::BatchNorm2d(out)))
    {
        if (stride != 1 || in != out) {
            shortcut = register_module(
                "shortcut",
                nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                               nn::BatchNorm2d(out)));
        }
    }

    torch::Tensor forward(torch::Tensor x)
    {
        torch::Tensor y = torch::relu(bn1(conv1(x)));
        y = bn2(conv2(y));
        return torch::relu(y + (shortcut ? shortcut->forward(x) : x));
    }

    nn::Conv2d conv1;
    nn::BatchNorm2d bn1;
    nn::Conv2d conv2;
    nn::BatchNorm2d bn2;
    nn::Sequential shortcut{nullptr};
};
TORCH_MODULE(BasicBlock);

int makeDivisible(double v, int divisor = 8)
{
    const int r = std::max(divisor, int(v + divisor / 2.0) / divisor * divisor);
    return r < 0.9 * v ? r + divisor : r;
}

// Convolution, batch norm and ReLU6 appended to `seq` (a Sequential cannot hold a Sequential).
nn::Sequential appendConvBnRelu6(nn::Sequential seq, int in, int out, int kernel, int stride,
                                 int groups = 1)
{
    seq->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, kernel)
                                  .stride(stride)
                                  .padding((kernel - 1) / 2)
                                  .groups(groups)
                                  .bias(false)));
    seq->push_back(nn::BatchNorm2d(out));
    seq->push_back(nn::ReLU6());
    return seq;
}

// MobileNetV2's inverted residual: 1×1 expansion, 3×3 depthwise, 1×1 linear projection, with a
// shortcut when the shape is kept.
struct InvertedResidualImpl : nn::Module
{
    InvertedResidualImpl(int in, int out, int stride, int expand)
        : useShortcut(stride == 1 && in == out)
    {
        const int hidden = in * expand;
        body = nn::Sequential();
        if (expand != 1)
            appendConvBnRelu6(body, in, hidden, 1, 1);
        appendConvBnRelu6(body, hidden, hidden, 3, stride, hidden);
        body->push_back(nn::Conv2d(nn::Conv2dOptions(hidden, out, 1).bias(false)));
        body->push_back(nn::BatchNorm2d(out));
        register_module("body", body);
    }

    torch::Tensor forward(torch::Tensor x)
    {
        torch::Tensor y = body->forward(x);
        return useShortcut ? x + y : y;
    }

    bool useShortcut;
    nn::Sequential body{nullptr};
};
TORCH_MODULE(InvertedResidual);

qint64 convMacs(const nn::Conv2dImpl &c, const torch::Tensor &out)
{
    const auto &o = c.options;
    const qint64 k = o.kernel_size()->at(0) * o.kernel_size()->at(1);
    return qint64(out.size(1)) * out.size(2) * out.size(3) * (o.in_channels() / o.groups()) * k;
}

// Runs `module` on x and adds its multiply–accumulates (convolutions and linear layers; the
// rest is negligible on these networks) to *macs. Returns nullopt-like undefined tensor for a
// module it does not know, which its Sequential then runs itself.
torch::Tensor runCounting(const std::shared_ptr<nn::Module> &module, const torch::Tensor &x,
                          qint64 *macs)
{
    if (auto seq = std::dynamic_pointer_cast<nn::SequentialImpl>(module)) {
        torch::Tensor y = x;
        for (auto &child : *seq) {
            torch::Tensor counted = runCounting(child.ptr(), y, macs);
            y = counted.defined() ? counted : child.forward(y); // element-wise layers: just run
        }
        return y;
    }
    if (auto conv = std::dynamic_pointer_cast<nn::Conv2dImpl>(module)) {
        torch::Tensor y = conv->forward(x);
        *macs += convMacs(*conv, y);
        return y;
    }
    if (auto linear = std::dynamic_pointer_cast<nn::LinearImpl>(module)) {
        *macs += qint64(linear->options.in_features()) * linear->options.out_features();
        return linear->forward(x);
    }
    if (auto block = std::dynamic_pointer_cast<InvertedResidualImpl>(module)) {
        torch::Tensor y = runCounting(block->body.ptr(), x, macs);
        return block->useShortcut ? x + y : y;
    }
    if (auto block = std::dynamic_pointer_cast<BasicBlockImpl>(module)) {
        torch::Tensor y = runCounting(block->conv1.ptr(), x, macs);
        y = torch::relu(block->bn1(y));
        runCounting(block->conv2.ptr(), y, macs);
        if (block->shortcut)
            runCounting(block->shortcut.ptr(), x, macs);
        return block->forward(x);
    }
    return {};
}

struct Architecture
{
    QString defaultBottleneckAt;
    int defaultBottleneckWidth;
};

Architecture architecture(const QString &arch)
{
    if (arch == QLatin1String("resnet"))
        return {QStringLiteral("pool"), 16};
    if (arch == QLatin1String("mobilenetv2") || arch == QLatin1String("resnet18"))
        return {QString(), 0};
    return {QStringLiteral("fc1"), 16};
}

} // namespace

QStringList ModelSpec::architectures()
{
    return {QStringLiteral("cnn"), QStringLiteral("resnet"), QStringLiteral("mobilenetv2"),
            QStringLiteral("resnet18")};
}

Result<ModelSpec> ModelSpec::parse(const QString &text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char(':'));
    ModelSpec spec;
    spec.arch = parts.value(0);
    if (spec.arch.contains(QLatin1Char('@'))) {
        bool ok = false;
        spec.width = spec.arch.section(QLatin1Char('@'), 1).toDouble(&ok);
        spec.arch = spec.arch.section(QLatin1Char('@'), 0, 0);
        if (!ok || !(spec.width >= 0.125 && spec.width <= 4))
            return Result<ModelSpec>::failure(
                QStringLiteral("width in \"%1\" must be 0.125–4").arg(text));
        if (spec.arch != QLatin1String("mobilenetv2") && spec.arch != QLatin1String("resnet18"))
            return Result<ModelSpec>::failure(
                QStringLiteral("only mobilenetv2 and resnet18 take a width (\"%1\")").arg(text));
    }
    if (!architectures().contains(spec.arch))
        return Result<ModelSpec>::failure(
            QStringLiteral("unknown model \"%1\" (known: %2)")
                .arg(spec.arch, architectures().join(QStringLiteral(", "))));
    const Architecture a = architecture(spec.arch);
    spec.bottleneckAt = a.defaultBottleneckAt;
    spec.bottleneckWidth = a.defaultBottleneckWidth;
    if (parts.size() == 2 && parts.at(1) == QLatin1String("none")) {
        spec.bottleneckAt.clear();
        spec.bottleneckWidth = 0;
    } else if (parts.size() == 3) {
        bool ok = false;
        spec.bottleneckAt = parts.at(1);
        spec.bottleneckWidth = parts.at(2).toInt(&ok);
        if (!ok || spec.bottleneckWidth < 1 || spec.bottleneckWidth > 4096)
            return Result<ModelSpec>::failure(
                QStringLiteral("bottleneck width in \"%1\" must be 1–4096").arg(text));
    } else if (parts.size() != 1) {
        return Result<ModelSpec>::failure(
            QStringLiteral("\"%1\": expected NAME, NAME:none or NAME:SPLIT:WIDTH").arg(text));
    }
    if (!spec.bottleneckAt.isEmpty()) {
        // The split must exist and be interior: a code for the raw input or the logits is
        // pointless.
        SplitNet probe(ModelSpec{spec.arch, QString(), 0, spec.noiseBits, spec.width});
        const int s = probe->splitIndex(spec.bottleneckAt);
        if (s <= 0 || s >= probe->blockCount())
            return Result<ModelSpec>::failure(
                QStringLiteral("\"%1\" is not an inner split of %2 (splits: %3)")
                    .arg(spec.bottleneckAt, spec.arch,
                         probe->splitNames()
                             .mid(1, probe->blockCount() - 1)
                             .join(QStringLiteral(", "))));
    }
    return spec;
}

QString ModelSpec::name() const
{
    if (width != 1.0) {
        ModelSpec plain = *this;
        plain.width = 1.0;
        const QString n = plain.name();
        const int colon = n.indexOf(QLatin1Char(':'));
        const QString w = QStringLiteral("@") + QString::number(width);
        return colon < 0 ? QString(n + w) : QString(n.left(colon) + w + n.mid(colon));
    }
    const Architecture a = architecture(arch);
    if (bottleneckAt == a.defaultBottleneckAt && bottleneckWidth == a.defaultBottleneckWidth)
        return arch;
    if (bottleneckAt.isEmpty())
        return arch + QStringLiteral(":none");
    return QStringLiteral("%1:%2:%3").arg(arch, bottleneckAt).arg(bottleneckWidth);
}

QJsonObject ModelSpec::toJson() const
{
    return {{QStringLiteral("arch"), arch},
            {QStringLiteral("bottleneck_at"), bottleneckAt},
            {QStringLiteral("bottleneck_width"), bottleneckWidth},
            {QStringLiteral("noise_bits"), noiseBits},
            {QStringLiteral("width"), width}};
}

Result<ModelSpec> ModelSpec::fromJson(const QJsonObject &o)
{
    ModelSpec s;
    s.arch = o.value(QStringLiteral("arch")).toString();
    s.bottleneckAt = o.value(QStringLiteral("bottleneck_at")).toString();
    s.bottleneckWidth = o.value(QStringLiteral("bottleneck_width")).toInt();
    s.noiseBits = o.value(QStringLiteral("noise_bits")).toInt(4);
    s.width = o.value(QStringLiteral("width")).toDouble(1.0);
    if (!(s.width >= 0.125 && s.width <= 4))
        return Result<ModelSpec>::failure(QStringLiteral("bad width %1").arg(s.width));
    if (!architectures().contains(s.arch))
        return Result<ModelSpec>::failure(
            QStringLiteral("unknown architecture \"%1\"").arg(s.arch));
    if (!s.bottleneckAt.isEmpty() && (s.bottleneckWidth < 1 || s.bottleneckWidth > 4096))
        return Result<ModelSpec>::failure(
            QStringLiteral("bad bottleneck width %1").arg(s.bottleneckWidth));
    if (s.noiseBits < 1 || s.noiseBits > 16)
        return Result<ModelSpec>::failure(QStringLiteral("bad noise_bits %1").arg(s.noiseBits));
    return s;
}

SplitNetImpl::SplitNetImpl(const ModelSpec &spec)
    : m_spec(spec)
{
    auto add = [this](const char *name, nn::Sequential block) {
        m_names << QString::fromLatin1(name);
        m_blocks.push_back(register_module(name, block));
    };
    if (spec.arch == QLatin1String("mobilenetv2")) {
        // torchvision's MobileNetV2 for 28×28 grey: a stride-1 stem and strides that stop at
        // 4×4; the last 1×1 convolution scales with the width below 1 (1280 otherwise).
        const auto ch = [&](int c) { return makeDivisible(c * spec.width); };
        const int last = makeDivisible(1280 * std::min(1.0, spec.width));
        add("stem", appendConvBnRelu6(nn::Sequential(), 1, ch(32), 3, 1)); // 28×28
        int in = ch(32);
        const auto stage = [&](std::initializer_list<std::array<int, 4>> rows) {
            nn::Sequential seq;
            for (const auto &r : rows) // t, c, n, s
                for (int i = 0; i < r[2]; ++i) {
                    seq->push_back(InvertedResidual(in, ch(r[1]), i == 0 ? r[3] : 1, r[0]));
                    in = ch(r[1]);
                }
            return seq;
        };
        add("stage1", stage({{1, 16, 1, 1}, {6, 24, 2, 2}}));  // 14×14
        add("stage2", stage({{6, 32, 3, 2}}));                 // 7×7
        add("stage3", stage({{6, 64, 4, 2}, {6, 96, 3, 1}}));  // 4×4
        add("stage4", stage({{6, 160, 3, 1}, {6, 320, 1, 1}})); // 4×4
        add("features", appendConvBnRelu6(nn::Sequential(), in, last, 1, 1));
        add("pool", nn::Sequential(nn::AdaptiveAvgPool2d(1), nn::Flatten()));
        add("logits", nn::Sequential(nn::Dropout(0.2), nn::Linear(last, 10)));
    } else if (spec.arch == QLatin1String("resnet18")) {
        // torchvision's ResNet-18 for 28×28 grey: a 3×3 stride-1 stem without the max-pool,
        // then its four stages of two basic blocks; the channels scale with the width.
        const auto ch = [&](int c) { return std::max(8, int(std::lround(c * spec.width))); };
        add("stem", nn::Sequential(conv3x3(1, ch(64)), nn::BatchNorm2d(ch(64)), nn::ReLU()));
        add("layer1", nn::Sequential(BasicBlock(ch(64), ch(64), 1), BasicBlock(ch(64), ch(64), 1)));
        add("layer2",
            nn::Sequential(BasicBlock(ch(64), ch(128), 2), BasicBlock(ch(128), ch(128), 1)));
        add("layer3",
            nn::Sequential(BasicBlock(ch(128), ch(256), 2), BasicBlock(ch(256), ch(256), 1)));
        add("layer4",
            nn::Sequential(BasicBlock(ch(256), ch(512), 2), BasicBlock(ch(512), ch(512), 1)));
        add("pool", nn::Sequential(nn::AdaptiveAvgPool2d(1), nn::Flatten()));
        add("logits", nn::Sequential(nn::Linear(ch(512), 10)));
    } else if (spec.arch == QLatin1String("resnet")) {
        add("stem", nn::Sequential(conv3x3(1, 32), nn::BatchNorm2d(32), nn::ReLU()));
        add("stage1", nn::Sequential(BasicBlock(32, 32, 2)));  // 32×14×14
        add("stage2", nn::Sequential(BasicBlock(32, 64, 2)));  // 64×7×7
        add("stage3", nn::Sequential(BasicBlock(64, 128, 2))); // 128×4×4
        add("pool", nn::Sequential(nn::AdaptiveAvgPool2d(1), nn::Flatten()));
        add("logits", nn::Sequential(nn::Linear(128, 10)));
    } else {
        add("conv1",
            nn::Sequential(conv3x3(1, 32), nn::BatchNorm2d(32), nn::ReLU(), nn::MaxPool2d(2)));
        add("conv2",
            nn::Sequential(conv3x3(32, 64), nn::BatchNorm2d(64), nn::ReLU(), nn::MaxPool2d(2)));
        add("fc1", nn::Sequential(nn::Flatten(),
                                  nn::Linear(nn::LinearOptions(64 * 7 * 7, 128).bias(false)),
                                  nn::BatchNorm1d(128), nn::ReLU(), nn::Dropout(0.2)));
        add("logits", nn::Sequential(nn::Linear(128, 10)));
    }
    if (spec.bottleneckAt.isEmpty())
        return;
    m_bottleneckSplit = splitIndex(spec.bottleneckAt);
    if (m_bottleneckSplit <= 0 || m_bottleneckSplit >= blockCount())
        throw std::invalid_argument(
            "bottleneck split is not an inner split"); // ModelSpec::parse checks first
    // The feature's shape at the split decides between a 1×1 convolution and a linear code.
    torch::NoGradGuard noGrad;
    const bool wasTraining = is_training();
    eval();
    torch::Tensor f = torch::zeros({1, 1, kImageSide, kImageSide});
    for (int i = 0; i < m_bottleneckSplit; ++i)
        f = m_blocks[std::size_t(i)]->forward(f);
    train(wasTraining);
    const int w = spec.bottleneckWidth;
    if (f.dim() == 4) {
        const int c = int(f.size(1));
        m_encoder =
            register_module("encoder", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(c, w, 1)),
                                                      nn::BatchNorm2d(w), nn::Sigmoid()));
        m_decoder = register_module(
            "decoder", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(w, c, 1).bias(false)),
                                      nn::BatchNorm2d(c), nn::ReLU()));
    } else {
        const int d = int(f.size(1));
        m_encoder = register_module(
            "encoder", nn::Sequential(nn::Linear(d, w), nn::BatchNorm1d(w), nn::Sigmoid()));
        m_decoder = register_module("decoder",
                                    nn::Sequential(nn::Linear(nn::LinearOptions(w, d).bias(false)),
                                                   nn::BatchNorm1d(d), nn::ReLU()));
    }
}

QStringList SplitNetImpl::splitNames() const
{
    return QStringList{QStringLiteral("input")} + m_names;
}

int SplitNetImpl::splitIndex(const QString &name) const
{
    return splitNames().indexOf(name);
}

torch::Tensor SplitNetImpl::forward(torch::Tensor x)
{
    if (m_bottleneckSplit < 0)
        return tail(head(x, blockCount()), blockCount());
    return tail(head(x, m_bottleneckSplit), m_bottleneckSplit);
}

torch::Tensor SplitNetImpl::encode(torch::Tensor x)
{
    x = m_encoder->forward(x);
    if (is_training()) // quantisation noise: one step of a noiseBits-bit code, uniform
        x = x + (torch::rand_like(x) - 0.5) / double((1 << m_spec.noiseBits) - 1);
    return x;
}

// The bottleneck is part of the network wherever the cut is: when the cut is elsewhere, the
// encoder and decoder both run on whichever side holds block m_bottleneckSplit.
torch::Tensor SplitNetImpl::head(torch::Tensor x, int split)
{
    for (int i = 0; i < split && i < blockCount(); ++i) {
        if (i == m_bottleneckSplit)
            x = m_decoder->forward(encode(x));
        x = m_blocks[std::size_t(i)]->forward(x);
    }
    if (split == m_bottleneckSplit)
        x = encode(x);
    return x;
}

torch::Tensor SplitNetImpl::tail(torch::Tensor x, int split)
{
    if (split == m_bottleneckSplit)
        x = m_decoder->forward(x);
    for (int i = std::max(split, 0); i < blockCount(); ++i) {
        if (i == m_bottleneckSplit && i != split)
            x = m_decoder->forward(encode(x));
        x = m_blocks[std::size_t(i)]->forward(x);
    }
    return x;
}

std::vector<BlockCost> SplitNetImpl::costs()
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = is_training();
    eval();
    std::vector<BlockCost> out;
    torch::Tensor x = torch::zeros({1, 1, kImageSide, kImageSide});
    qint64 decoderMacs = 0; // the decoder runs on the edge, before the block after the split
    for (int i = 0; i < blockCount(); ++i) {
        BlockCost c;
        c.name = m_names.at(i);
        c.macs = decoderMacs;
        decoderMacs = 0;
        x = runCounting(m_blocks[std::size_t(i)].ptr(), x, &c.macs);
        c.outputShape = std::vector<int64_t>(x.sizes().begin() + 1, x.sizes().end());
        if (i + 1 == m_bottleneckSplit) { // the encoder ends the device's part
            const torch::Tensor code = runCounting(m_encoder.ptr(), x, &c.macs);
            runCounting(m_decoder.ptr(), code, &decoderMacs);
        }
        out.push_back(c);
    }
    train(wasTraining);
    return out;
}

std::vector<std::vector<int64_t>> SplitNetImpl::featureShapes()
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = is_training();
    eval();
    std::vector<std::vector<int64_t>> out;
    const torch::Tensor input = torch::zeros({1, 1, kImageSide, kImageSide});
    for (int s = 0; s <= blockCount(); ++s) {
        const torch::Tensor f = head(input, s);
        out.emplace_back(f.sizes().begin() + 1, f.sizes().end());
    }
    train(wasTraining);
    return out;
}

QStringList SplitNetImpl::stateNames(int split, bool headPart)
{
    QStringList headPrefixes, tailPrefixes;
    for (int i = 0; i < blockCount(); ++i)
        (i < split ? headPrefixes : tailPrefixes) << m_names.at(i) + QLatin1Char('.');
    if (m_bottleneckSplit > 0) {
        (split >= m_bottleneckSplit ? headPrefixes : tailPrefixes) << QStringLiteral("encoder.");
        (split > m_bottleneckSplit ? headPrefixes : tailPrefixes) << QStringLiteral("decoder.");
    }
    const QStringList &prefixes = headPart ? headPrefixes : tailPrefixes;
    QStringList out;
    auto consider = [&](const std::string &name) {
        const QString n = QString::fromStdString(name);
        for (const QString &p : prefixes)
            if (n.startsWith(p)) {
                out << n;
                return;
            }
    };
    for (const auto &p : named_parameters())
        consider(p.key());
    for (const auto &b : named_buffers())
        consider(b.key());
    return out;
}

} // namespace edgegpt
