// ModelRunner: see ModelRunner.h.
#include "models/ModelRunner.h"

#include <QFileInfo>

#include <cmath>

namespace edgegpt {

ModelRunner::ModelRunner(QString modelDir, int cacheCapacity)
    : m_dir(std::move(modelDir))
    , m_capacity(std::max(1, cacheCapacity))
{}

Result<ModelRunner::Entry *> ModelRunner::find(const QString &key, const QString &split, bool head)
{
    using R = Result<Entry *>;
    for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
        if (it->key == key) {
            ++m_counters.hits;
            m_cache.splice(m_cache.begin(), m_cache, it);
            return &m_cache.front();
        }
    }
    ++m_counters.misses;
    Entry e;
    e.key = key;
    if (key == QLatin1String("model")) {
        Result<StoredModel> m = ModelStore::load(m_dir);
        if (!m)
            return R::failure(m.error());
        e.whole = std::make_shared<StoredModel>(std::move(*m));
    } else if (key == QLatin1String("model.ts")) {
        const QString path = m_dir + QStringLiteral("/model.ts");
        try {
            e.script =
                std::make_shared<torch::jit::script::Module>(torch::jit::load(path.toStdString()));
            e.script->eval();
        } catch (const std::exception &ex) {
            return R::failure(
                QStringLiteral("%1 is not a TorchScript module: %2")
                    .arg(path, QString::fromUtf8(ex.what()).section(QLatin1Char('\n'), 0, 0)));
        }
    } else {
        const QString stem = m_dir + QLatin1Char('/') +
                             (head ? QStringLiteral("head-") : QStringLiteral("tail-")) + split;
        if (QFileInfo::exists(stem + QStringLiteral(".pt"))) {
            Result<ModelPart> p = ModelStore::loadPart(stem + QStringLiteral(".pt"));
            if (!p)
                return R::failure(p.error());
            if (p->isHead != head)
                return R::failure(
                    QStringLiteral("%1.pt holds the other part of the split").arg(stem));
            e.part = std::make_shared<ModelPart>(std::move(*p));
        } else if (QFileInfo::exists(stem + QStringLiteral(".ts"))) {
            try {
                e.script = std::make_shared<torch::jit::script::Module>(
                    torch::jit::load(QString(stem + QStringLiteral(".ts")).toStdString()));
                e.script->eval();
            } catch (const std::exception &ex) {
                return R::failure(
                    QStringLiteral("%1.ts is not a TorchScript module: %2")
                        .arg(stem, QString::fromUtf8(ex.what()).section(QLatin1Char('\n'), 0, 0)));
            }
        } else {
            return R::failure(
                QStringLiteral(
                    "no %1 part for split \"%2\" in %3 (neither model.pt nor %4.pt / .ts)")
                    .arg(head ? QStringLiteral("head") : QStringLiteral("tail"), split, m_dir,
                         stem));
        }
    }
    ++m_counters.loads;
    m_cache.push_front(std::move(e));
    while (int(m_cache.size()) > m_capacity) {
        m_cache.pop_back();
        ++m_counters.evictions;
    }
    return &m_cache.front();
}

Result<const ModelInfo *> ModelRunner::info()
{
    if (!m_info) {
        Result<ModelInfo> loaded = ModelInfo::load(m_dir);
        if (!loaded)
            return Result<const ModelInfo *>::failure(loaded.error());
        m_info = std::make_unique<ModelInfo>(std::move(*loaded));
    }
    return static_cast<const ModelInfo *>(m_info.get());
}

bool ModelRunner::hasPart(const QString &split, bool head) const
{
    const QString stem = m_dir + QLatin1Char('/') +
                         (head ? QStringLiteral("head-") : QStringLiteral("tail-")) + split;
    return isValidSplitName(split) && (QFileInfo::exists(stem + QStringLiteral(".pt")) ||
                                       QFileInfo::exists(stem + QStringLiteral(".ts")));
}

QStringList ModelRunner::runnableSplits()
{
    const Result<const ModelInfo *> meta = info();
    if (!meta)
        return {};
    QStringList names;
    if (QFileInfo::exists(m_dir + QStringLiteral("/model.pt"))) {
        Result<Entry *> e = find(QStringLiteral("model"), QString(), true);
        return e ? (*e)->whole->net->splitNames() : QStringList();
    }
    const QList<ModelSplitInfo> &splits = (*meta)->splits;
    bool whole = QFileInfo::exists(m_dir + QStringLiteral("/model.ts"));
    for (int i = 1; i + 1 < splits.size(); ++i)
        if (hasPart(splits.at(i).name, true) && hasPart(splits.at(i).name, false)) {
            names << splits.at(i).name;
            whole = true;
        }
    if (whole && splits.size() >= 2) {
        names.prepend(splits.first().name);
        names << splits.last().name;
    }
    return names;
}

Result<void> ModelRunner::checkImages(const torch::Tensor &x)
{
    const Result<const ModelInfo *> meta = info();
    if (!meta)
        return Result<void>::failure(meta.error());
    if (!(*meta)->isTorchScript())
        return {}; // a model trained here checks its own input
    const ModelInputSpec &in = (*meta)->input;
    if (x.dim() != 4 || x.size(1) != in.channels || x.size(2) != in.height ||
        x.size(3) != in.width) {
        QStringList dims;
        for (int64_t d : x.sizes().slice(std::min<size_t>(1, x.sizes().size())))
            dims << QString::number(d);
        return Result<void>::failure(
            QStringLiteral("the model in %1 takes %2 images (N×%3×%4×%5), not %6")
                .arg(m_dir, in.describe())
                .arg(in.channels)
                .arg(in.height)
                .arg(in.width)
                .arg(dims.join(QStringLiteral("×"))));
    }
    return {};
}

Result<torch::Tensor> ModelRunner::forward(const torch::Tensor &x)
{
    using R = Result<torch::Tensor>;
    const Result<void> ok = checkImages(x);
    if (!ok)
        return R::failure(ok.error());
    if (QFileInfo::exists(m_dir + QStringLiteral("/model.pt"))) {
        Result<Entry *> e = find(QStringLiteral("model"), QString(), true);
        if (!e)
            return R::failure(e.error());
        try {
            torch::NoGradGuard noGrad;
            return (*e)->whole->net->forward(x);
        } catch (const std::exception &ex) {
            return R::failure(
                QStringLiteral("running the model failed: %1")
                    .arg(QString::fromUtf8(ex.what()).section(QLatin1Char('\n'), 0, 0)));
        }
    }
    if (QFileInfo::exists(m_dir + QStringLiteral("/model.ts"))) {
        Result<Entry *> e = find(QStringLiteral("model.ts"), QString(), true);
        if (!e)
            return R::failure(e.error());
        return runEntry(*e, x, QStringLiteral("model"), true);
    }
    // A head and a tail of the same split make the whole model.
    const Result<const ModelInfo *> meta = info();
    if (meta)
        for (int i = 1; i + 1 < (*meta)->splits.size(); ++i) {
            const QString split = (*meta)->splits.at(i).name;
            if (hasPart(split, true) && hasPart(split, false)) {
                const R feature = run(x, split, true);
                if (!feature)
                    return feature;
                return run(*feature, split, false);
            }
        }
    return R::failure(QStringLiteral("%1 holds neither model.pt, model.ts nor the head and tail of "
                                     "one split: the whole model cannot run here")
                          .arg(m_dir));
}

Result<torch::Tensor> ModelRunner::run(const torch::Tensor &x, const QString &split, bool head)
{
    using R = Result<torch::Tensor>;
    const bool whole = QFileInfo::exists(m_dir + QStringLiteral("/model.pt"));
    if (!whole && !isValidSplitName(split))
        return R::failure(QStringLiteral("\"%1\" is not a split name").arg(split));
    if (!whole && !hasPart(split, head)) {
        // The ends of the model: the image itself, the output itself, or the whole model.
        const Result<const ModelInfo *> meta = info();
        if (!meta)
            return R::failure(meta.error());
        const QList<ModelSplitInfo> &splits = (*meta)->splits;
        const bool first = split == QLatin1String("input");
        const bool last = splits.size() >= 2 && split == splits.last().name;
        if (head && first) {
            const Result<void> ok = checkImages(x);
            if (!ok)
                return R::failure(ok.error());
            return x;
        }
        if (!head && last)
            return x;
        if ((head && last) || (!head && first))
            return forward(x);
    }
    if (head) {
        const Result<void> ok = checkImages(x);
        if (!ok)
            return R::failure(ok.error());
    }
    const QString key = whole ? QStringLiteral("model")
                              : (head ? QStringLiteral("head-") : QStringLiteral("tail-")) + split;
    Result<Entry *> e = find(key, split, head);
    if (!e)
        return R::failure(e.error());
    return runEntry(*e, x, split, head);
}

Result<torch::Tensor> ModelRunner::runEntry(Entry *e, const torch::Tensor &x, const QString &split,
                                            bool head)
{
    using R = Result<torch::Tensor>;
    try {
        torch::NoGradGuard noGrad;
        if (e->whole) {
            SplitNet &net = e->whole->net;
            const int s = net->splitIndex(split);
            if (s < 0)
                return R::failure(
                    QStringLiteral("the model in %1 has no split \"%2\"").arg(m_dir, split));
            return head ? net->head(x, s) : net->tail(x, s);
        }
        if (e->part)
            return e->part->run(x);
        const c10::IValue out = e->script->forward({x});
        if (out.isTensor())
            return out.toTensor();
        if (out.isTuple() && !out.toTupleRef().elements().empty() &&
            out.toTupleRef().elements().at(0).isTensor())
            return out.toTupleRef().elements().at(0).toTensor();
        return R::failure(QStringLiteral("the TorchScript %1 at \"%2\" returned no tensor")
                              .arg(head ? QStringLiteral("head") : QStringLiteral("tail"), split));
    } catch (const std::exception &ex) {
        // A feature of the wrong shape for this part, or a broken TorchScript module.
        return R::failure(QStringLiteral("running the %1 at \"%2\" failed: %3")
                              .arg(head ? QStringLiteral("head") : QStringLiteral("tail"), split,
                                   QString::fromUtf8(ex.what()).section(QLatin1Char('\n'), 0, 0)));
    }
}

Result<torch::Tensor> ModelRunner::head(const torch::Tensor &x, const QString &split)
{
    return run(x, split, true);
}

Result<torch::Tensor> ModelRunner::tail(const torch::Tensor &feature, const QString &split)
{
    return run(feature, split, false);
}

torch::Tensor normaliseForModel(const torch::Tensor &uint8Images, const ModelInputSpec &spec)
{
    if (spec.channels == 1 || uint8Images.size(1) == 1)
        return (uint8Images.to(torch::kFloat32).div(255.0f) - float(spec.mean.value(0, 0.0))) /
               float(spec.std.value(0, 1.0));
    std::vector<float> mean, stdDev;
    for (int c = 0; c < spec.channels; ++c) {
        mean.push_back(float(spec.mean.value(c, 0.0)));
        stdDev.push_back(float(spec.std.value(c, 1.0)));
    }
    const auto shape = std::vector<int64_t>{1, spec.channels, 1, 1};
    const torch::Tensor m = torch::tensor(mean).reshape(shape);
    const torch::Tensor sd = torch::tensor(stdDev).reshape(shape);
    return (uint8Images.to(torch::kFloat32).div(255.0f) - m) / sd;
}

torch::Tensor imagesToTensor(const uint8_t *pixels, int count, int channels, int height, int width)
{
    const torch::Tensor hwc = torch::from_blob(const_cast<uint8_t *>(pixels),
                                               {count, height, width, channels}, torch::kUInt8);
    return hwc.permute({0, 3, 1, 2}).contiguous(); // a copy: does not alias `pixels`
}

} // namespace edgegpt
