// ModelRunner: see ModelRunner.h.
#include "models/ModelRunner.h"

#include <QFileInfo>

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

Result<torch::Tensor> ModelRunner::run(const torch::Tensor &x, const QString &split, bool head)
{
    using R = Result<torch::Tensor>;
    const bool whole = QFileInfo::exists(m_dir + QStringLiteral("/model.pt"));
    const QString key = whole ? QStringLiteral("model")
                              : (head ? QStringLiteral("head-") : QStringLiteral("tail-")) + split;
    Result<Entry *> e = find(key, split, head);
    if (!e)
        return R::failure(e.error());
    try {
        torch::NoGradGuard noGrad;
        if ((*e)->whole) {
            SplitNet &net = (*e)->whole->net;
            const int s = net->splitIndex(split);
            if (s < 0)
                return R::failure(
                    QStringLiteral("the model in %1 has no split \"%2\"").arg(m_dir, split));
            return head ? net->head(x, s) : net->tail(x, s);
        }
        if ((*e)->part)
            return (*e)->part->run(x);
        return (*e)->script->forward({x}).toTensor();
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

} // namespace edgegpt
