// The model runtime plugin, libedgegpt-runtime.so: SplitRuntime (agents/SplitRuntime.h) on
// LibTorch, with ModelRunner (models/) for the model parts and SplitCodec for the payloads. The
// only file of the agent that runs a model; edgegpt-agent loads it when it first needs one.
#include "agents/SplitCodec.h"
#include "agents/SplitRuntime.h"
#include "models/FashionMnist.h"
#include "models/ModelRunner.h"

#include <QElapsedTimer>

#include <torch/torch.h>

#include <exception>

namespace edgegpt {

namespace {

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

QString firstLine(const std::exception &e)
{
    return QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0);
}

class TorchSplitRuntime final : public SplitRuntime
{
public:
    explicit TorchSplitRuntime(const QString &modelDir)
        : m_runner(modelDir)
    {}

    QString version() const override
    {
        return QStringLiteral("edgegpt-runtime %1 (LibTorch %2)")
            .arg(QStringLiteral(EDGEGPT_VERSION), QString::fromLatin1(TORCH_VERSION));
    }

    void setThreads(int threads) override { torch::set_num_threads(std::max(1, threads)); }

    Result<HeadOutput> head(const uint8_t *pixels, int width, int height, int channels,
                            const QString &split, const QString &codec) override
    {
        using R = Result<HeadOutput>;
        if (!pixels || width <= 0 || height <= 0 || (channels != 1 && channels != 3))
            return R::failure(QStringLiteral("head: no image"));
        const Result<const ModelInfo *> info = m_runner.info();
        if (!info)
            return R::failure(info.error());
        const ModelInputSpec &spec = (*info)->input;
        if (width != spec.width || height != spec.height || channels != spec.channels)
            return R::failure(QStringLiteral("the image is %1×%2×%3, the model takes %4 images")
                                  .arg(channels)
                                  .arg(height)
                                  .arg(width)
                                  .arg(spec.describe()));
        HeadOutput out;
        QElapsedTimer t;
        t.start();
        if (split == QLatin1String("input")) {
            const Result<QByteArray> bytes = encodeInput(pixels, width, height, channels, codec);
            out.encodeMs = msSince(t);
            if (!bytes)
                return R::failure(bytes.error());
            out.payload = *bytes;
            return out;
        }
        try {
            const torch::Tensor image = channels == 1
                                            ? torch::from_blob(const_cast<uint8_t *>(pixels),
                                                               {1, 1, height, width}, torch::kUInt8)
                                            : imagesToTensor(pixels, 1, channels, height, width);
            const Result<torch::Tensor> feature =
                m_runner.head(normaliseForModel(image, spec), split);
            out.modelMs = msSince(t);
            if (!feature)
                return R::failure(feature.error());
            if (codec.isEmpty()) {
                out.predicted = feature->reshape({-1}).argmax().item<int64_t>();
                return out;
            }
            t.restart();
            const Result<QByteArray> bytes = encodeFeature(*feature, codec);
            out.encodeMs = msSince(t);
            if (!bytes)
                return R::failure(bytes.error());
            out.payload = *bytes;
            return out;
        } catch (const std::exception &e) {
            return R::failure(
                QStringLiteral("the head at \"%1\" failed: %2").arg(split, firstLine(e)));
        }
    }

    Result<TailOutput> tail(const QString &split, const QString &codec,
                            const QByteArray &payload) override
    {
        using R = Result<TailOutput>;
        TailOutput out;
        try {
            QElapsedTimer t;
            t.start();
            const Result<const ModelInfo *> info = m_runner.info();
            if (!info)
                return R::failure(info.error());
            const Result<torch::Tensor> x = decodePayload(split, codec, payload, (*info)->input);
            out.decodeMs = msSince(t);
            if (!x)
                return R::failure(x.error());
            t.restart();
            const Result<torch::Tensor> logits = m_runner.tail(*x, split);
            if (!logits)
                return R::failure(logits.error());
            out.result = resultFromLogits(*logits, (*info)->classes);
            out.modelMs = msSince(t);
            return out;
        } catch (const std::exception &e) {
            return R::failure(
                QStringLiteral("the tail at \"%1\" failed: %2").arg(split, firstLine(e)));
        }
    }

    RuntimeCacheCounters counters() const override
    {
        const ModelCacheCounters &c = m_runner.counters();
        return RuntimeCacheCounters{c.hits, c.misses, c.loads, c.evictions};
    }

private:
    ModelRunner m_runner;
};

} // namespace

} // namespace edgegpt

extern "C" {

__attribute__((visibility("default"))) int edgegpt_split_runtime_interface()
{
    return edgegpt::kSplitRuntimeInterface;
}

__attribute__((visibility("default"))) edgegpt::SplitRuntime *
edgegpt_create_split_runtime(int interfaceVersion, const char *modelDirUtf8)
{
    if (interfaceVersion != edgegpt::kSplitRuntimeInterface || !modelDirUtf8)
        return nullptr;
    try {
        return new edgegpt::TorchSplitRuntime(QString::fromUtf8(modelDirUtf8));
    } catch (const std::exception &) {
        return nullptr;
    }
}

} // extern "C"
