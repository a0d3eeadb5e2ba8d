// A user's TorchScript model as the tests build it, from C++ (no Python): 3×32×32 RGB images,
// three classes "red", "green", "blue" by the image's dominant colour. The head at "block1"
// averages 2×2 pixels and weighs the channels (3×16×16), the tail averages each channel and
// scales it (3 logits). Written as model.ts (the whole model) and/or head-block1.ts /
// tail-block1.ts, with a model.json that says so (docs/models.md).
#pragma once

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <torch/script.h>
#include <torch/torch.h>

namespace tiny {

inline torch::jit::Module head()
{
    torch::jit::Module m("TinyHead");
    m.register_parameter("w", torch::tensor({1.0f, 1.5f, 2.0f}).reshape({1, 3, 1, 1}), false);
    m.define(R"(
def forward(self, x):
    n = x.size(0)
    return x.reshape([n, 3, 16, 2, 16, 2]).mean(5).mean(3) * self.w
)");
    return m;
}

inline torch::jit::Module tail()
{
    torch::jit::Module m("TinyTail");
    m.register_parameter("w", torch::tensor({1.0f, 1.0f / 1.5f, 0.5f}).reshape({1, 3}), false);
    m.define(R"(
def forward(self, f):
    return f.mean([2, 3]) * self.w * 4.0
)");
    return m;
}

inline torch::jit::Module whole()
{
    torch::jit::Module m("TinyModel");
    m.register_module("head", head());
    m.register_module("tail", tail());
    m.define(R"(
def forward(self, x):
    return self.tail.forward(self.head.forward(x))
)");
    return m;
}

inline QJsonObject metadata(bool withSplits = true, bool resize = false)
{
    QJsonObject o{
        {QStringLiteral("format"), QStringLiteral("torchscript")},
        {QStringLiteral("name"), QStringLiteral("tiny-rgb")},
        {QStringLiteral("input"), QJsonObject{{QStringLiteral("channels"), 3},
                                              {QStringLiteral("height"), 32},
                                              {QStringLiteral("width"), 32},
                                              {QStringLiteral("mean"), QJsonArray{0.5, 0.5, 0.5}},
                                              {QStringLiteral("std"), QJsonArray{0.25, 0.25, 0.25}},
                                              {QStringLiteral("resize"), resize}}},
        {QStringLiteral("classes"),
         QJsonArray{QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")}}};
    if (withSplits)
        o.insert(QStringLiteral("splits"),
                 QJsonArray{QStringLiteral("input"),
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("block1")},
                                        {QStringLiteral("feature_shape"), QJsonArray{3, 16, 16}}},
                            QStringLiteral("logits")});
    return o;
}

// A 1×28×28 grey model of ten classes (Fashion-MNIST's shape) as model.ts: 2×2 average pooling,
// then a fixed random linear layer. Its metadata names no splits.
inline bool writeGrey(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return false;
    torch::manual_seed(3);
    torch::jit::Module m("TinyGrey");
    m.register_parameter("w", torch::randn({196, 10}), false);
    m.define(R"(
def forward(self, x):
    n = x.size(0)
    return x.reshape([n, 14, 2, 14, 2]).mean(4).mean(2).reshape([n, 196]).matmul(self.w)
)");
    m.save(QString(dir + QStringLiteral("/model.ts")).toStdString());
    QJsonArray classes;
    for (int c = 0; c < 10; ++c)
        classes.append(QStringLiteral("class-%1").arg(c));
    QFile json(dir + QStringLiteral("/model.json"));
    if (!json.open(QIODevice::WriteOnly))
        return false;
    json.write(QJsonDocument(QJsonObject{{QStringLiteral("format"), QStringLiteral("torchscript")},
                                         {QStringLiteral("input"),
                                          QJsonObject{{QStringLiteral("channels"), 1},
                                                      {QStringLiteral("height"), 28},
                                                      {QStringLiteral("width"), 28},
                                                      {QStringLiteral("mean"), 0.2860},
                                                      {QStringLiteral("std"), 0.3530}}},
                                         {QStringLiteral("classes"), classes}})
                   .toJson());
    return true;
}

// Writes DIR with model.json and the files asked for.
inline bool write(const QString &dir, bool wholeModel, bool parts, bool resize = false)
{
    if (!QDir().mkpath(dir))
        return false;
    QFile json(dir + QStringLiteral("/model.json"));
    if (!json.open(QIODevice::WriteOnly))
        return false;
    json.write(QJsonDocument(metadata(parts, resize)).toJson());
    json.close();
    if (wholeModel)
        whole().save(QString(dir + QStringLiteral("/model.ts")).toStdString());
    if (parts) {
        head().save(QString(dir + QStringLiteral("/head-block1.ts")).toStdString());
        tail().save(QString(dir + QStringLiteral("/tail-block1.ts")).toStdString());
    }
    return true;
}

// A size×size picture mostly of one colour (0 red, 1 green, 2 blue), with some noise.
inline QImage picture(int colour, int seed, int size = 32)
{
    QImage image(size, size, QImage::Format_RGB888);
    quint32 state = quint32(seed * 2654435761u + 1);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            int rgb[3];
            for (int c = 0; c < 3; ++c) {
                state = state * 1664525u + 1013904223u;
                rgb[c] = int(state >> 26); // 0..63
            }
            rgb[colour] += 150;
            image.setPixel(x, y, qRgb(rgb[0], rgb[1], rgb[2]));
        }
    return image;
}

} // namespace tiny
