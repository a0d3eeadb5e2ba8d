// InferenceThread: see InferenceThread.h.
#include "agents/InferenceThread.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>

namespace edgegpt {

InferenceThread::InferenceThread(const QString &modelDir, int threads, double slowdown,
                                 double codecSlowdown, const QString &runtimeFile, QObject *parent)
    : InferenceThread(QList<QPair<QString, QString>>{qMakePair(QString(), modelDir)}, threads,
                      slowdown, codecSlowdown, runtimeFile, parent)
{}

InferenceThread::InferenceThread(const QList<QPair<QString, QString>> &models, int threads,
                                 double slowdown, double codecSlowdown, const QString &runtimeFile,
                                 QObject *parent)
    : QObject(parent)
    , m_worker(new QObject)
    , m_runtimeFile(runtimeFile.isEmpty() ? defaultRuntimeFile() : runtimeFile)
    , m_threads(std::max(1, threads))
    , m_slowdown(std::max(1.0, slowdown))
    , m_codecSlowdown(std::max(1.0, codecSlowdown))
{
    for (const auto &m : models)
        m_models.push_back(Model{m.first, m.second, nullptr, QString()});
    m_thread.setObjectName(QStringLiteral("inference"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

InferenceThread::~InferenceThread()
{
    m_thread.quit();
    m_thread.wait();
}

Result<SplitRuntime *> InferenceThread::runtime()
{
    if (m_models.empty())
        return Result<SplitRuntime *>::failure(QStringLiteral("this agent holds no model"));
    return runtime(m_models.front().name);
}

Result<SplitRuntime *> InferenceThread::runtime(const QString &model)
{
    const auto it = std::find_if(m_models.begin(), m_models.end(),
                                 [&](const Model &m) { return m.name == model; });
    if (it == m_models.end())
        return Result<SplitRuntime *>::failure(
            QStringLiteral("this agent does not hold model %1").arg(model));
    if (it->runtime)
        return it->runtime.get();
    if (!it->error.isEmpty())
        return Result<SplitRuntime *>::failure(it->error);
    QElapsedTimer clock;
    clock.start();
    Result<std::unique_ptr<SplitRuntime>> loaded = loadSplitRuntime(m_runtimeFile, it->dir);
    if (!loaded) {
        it->error = loaded.error();
        qCritical("%s", qPrintable(it->error));
        return Result<SplitRuntime *>::failure(it->error);
    }
    it->runtime = std::move(*loaded);
    it->runtime->setThreads(m_threads);
    m_loaded = true;
    {
        QMutexLocker lock(&m_residentMutex);
        m_resident << it->name;
    }
    qInfo("model runtime loaded in %.0f ms for %s: %s (%s)", double(clock.nsecsElapsed()) / 1e6,
          qPrintable(it->name.isEmpty() ? it->dir : it->name), qPrintable(it->runtime->version()),
          qPrintable(m_runtimeFile));
    return it->runtime.get();
}

double InferenceThread::modelFilesMb(const QString &dir)
{
    qint64 bytes = 0;
    const QFileInfoList files =
        QDir(dir).entryInfoList({QStringLiteral("*.pt")}, QDir::Files | QDir::Readable);
    for (const QFileInfo &f : files)
        bytes += f.size();
    return double(bytes) / 1e6;
}

Result<void> InferenceThread::enableModelCache(const cache::CacheSystem &system,
                                               const QString &policy)
{
    cache::CacheSystem live = system;
    live.models.clear();
    for (const Model &m : m_models) {
        const double mb = modelFilesMb(m.dir);
        if (!(mb > 0))
            return Result<void>::failure(
                QStringLiteral("model cache: %1 has no model files (*.pt)").arg(m.dir));
        const int known = system.indexOf(m.name);
        cache::CachedModelSpec spec;
        if (known >= 0) {
            spec = system.models[size_t(known)];
        } else { // what the policies weigh when nothing is known (EdgeCacheModel's defaults)
            const cache::EdgeCacheModel d;
            spec.loadTimeS = d.loadTimeS;
            spec.edgeLatencyS = d.edgeLatencyS;
            spec.cloudLatencyS = d.cloudLatencyS;
            spec.cloudPriceUsd = d.cloudPriceUsd;
            spec.accuracyZeroShot = d.accuracyZeroShot;
            spec.accuracyMax = d.accuracyMax;
            spec.fewShotBeta = d.fewShotBeta;
            spec.contextWindow = d.contextWindow;
        }
        spec.name = m.name;
        spec.sizeGb = mb / 1000.0;
        live.models.push_back(spec);
    }
    auto load = [this](const QString &name) -> Result<void> {
        const auto it = std::find_if(m_models.begin(), m_models.end(),
                                     [&](const Model &m) { return m.name == name; });
        if (it == m_models.end())
            return Result<void>::failure(QStringLiteral("no model %1").arg(name));
        it->error.clear(); // a model that failed before is tried again at its next load
        const Result<SplitRuntime *> r = runtime(name);
        return r ? Result<void>::success() : Result<void>::failure(r.error());
    };
    auto release = [this](const QString &name) {
        const auto it = std::find_if(m_models.begin(), m_models.end(),
                                     [&](const Model &m) { return m.name == name; });
        if (it == m_models.end())
            return;
        it->runtime.reset(); // the model's parts and their tensors are freed here
        QMutexLocker lock(&m_residentMutex);
        m_resident.removeAll(name);
        qInfo("model cache: released %s", qPrintable(name));
    };
    Result<std::unique_ptr<cache::EdgeModelCache>> c =
        cache::EdgeModelCache::createForSystem(live, policy, load, release);
    if (!c)
        return Result<void>::failure(QStringLiteral("--cache-policy: ") + c.error());
    m_cache = std::move(*c);
    return {};
}

Result<void> InferenceThread::loadRuntimeLibrary()
{
    if (m_models.empty())
        return Result<void>::failure(QStringLiteral("this agent holds no model"));
    Result<std::unique_ptr<SplitRuntime>> loaded =
        loadSplitRuntime(m_runtimeFile, m_models.front().dir);
    if (!loaded)
        return Result<void>::failure(loaded.error());
    m_loaded = true;
    return {};
}

InferenceThread::CachedRuntime InferenceThread::cachedRuntime(const QString &model, int topic,
                                                              double timeS)
{
    CachedRuntime out;
    if (!m_cache) {
        const Result<SplitRuntime *> r = runtime(model);
        if (r)
            out.runtime = *r;
        else
            out.error = r.error();
        return out;
    }
    QElapsedTimer clock;
    clock.start();
    const cache::EdgeCacheDecision d = m_cache->request(model, std::max(0, topic), timeS);
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    switch (d.action) {
    case cache::EdgeCacheAction::Hit:
        out.events << CacheEvent{QStringLiteral("hit"), model, -1};
        break;
    case cache::EdgeCacheAction::Loaded:
        out.events << CacheEvent{QStringLiteral("miss"), model, -1};
        for (const QString &v : d.evicted)
            out.events << CacheEvent{QStringLiteral("evict"), v, -1};
        out.events << CacheEvent{QStringLiteral("load"), model, ms};
        break;
    case cache::EdgeCacheAction::Offload:
        out.events << CacheEvent{QStringLiteral("miss"), model, -1};
        for (const QString &v : d.evicted) // a failed load after evictions
            out.events << CacheEvent{QStringLiteral("evict"), v, -1};
        out.events << CacheEvent{QStringLiteral("offload"), model, -1};
        break;
    }
    if (d.action == cache::EdgeCacheAction::Offload) {
        out.offloaded = d.error.isEmpty();
        out.error = d.error.isEmpty()
                        ? QStringLiteral("model %1 not loaded at this edge: its cache policy %2 "
                                         "offloads it (%3 of %4 MB in use); send it to the cloud")
                              .arg(model, m_cache->policyName())
                              .arg(m_cache->usedMb(), 0, 'f', 1)
                              .arg(m_cache->budgetMb(), 0, 'f', 1)
                        : d.error;
        return out;
    }
    const Result<SplitRuntime *> r = runtime(model);
    if (r)
        out.runtime = *r;
    else
        out.error = r.error();
    return out;
}

InferenceThread::CacheSnapshot InferenceThread::cacheSnapshot(double timeS) const
{
    CacheSnapshot s;
    if (!m_cache)
        return s;
    s.policy = m_cache->policyName();
    s.budgetMb = m_cache->budgetMb();
    s.usedMb = m_cache->usedMb();
    s.requests = m_cache->requests();
    s.hits = m_cache->hits();
    s.loads = m_cache->loads();
    s.evictions = m_cache->evictions();
    for (const QString &name : m_cache->resident())
        s.resident << ResidentModel{name, m_cache->sizeMb(name),
                                    m_cache->usableContext(name, timeS)};
    return s;
}

QStringList InferenceThread::modelNames() const
{
    QStringList names;
    for (const Model &m : m_models)
        names << m.name;
    return names;
}

QStringList InferenceThread::residentModels() const
{
    QMutexLocker lock(&m_residentMutex);
    return m_resident;
}

double InferenceThread::stretch(double ms, Work work, const QString &what)
{
    const double factor = work == Work::Model ? m_slowdown : m_codecSlowdown;
    if (!(factor > 1) || !(ms > 0))
        return std::max(0.0, ms);
    constexpr int kWindow = 9; // odd: the median is one of the measurements
    QList<double> &recent = m_recent[what];
    recent.append(ms);
    if (recent.size() > kWindow)
        recent.removeFirst();
    QList<double> sorted = recent;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double typical = sorted.at(sorted.size() / 2);
    const double extra = typical * (factor - 1);
    QThread::usleep((unsigned long)(extra * 1000.0));
    return ms + extra;
}

void InferenceThread::publishCounters()
{
    RuntimeCacheCounters sum;
    for (const Model &m : m_models) {
        if (!m.runtime)
            continue;
        const RuntimeCacheCounters c = m.runtime->counters();
        sum.hits += c.hits;
        sum.misses += c.misses;
        sum.loads += c.loads;
        sum.evictions += c.evictions;
    }
    m_hits = sum.hits;
    m_misses = sum.misses;
    m_loads = sum.loads;
    m_evictions = sum.evictions;
}

RuntimeCacheCounters InferenceThread::counters() const
{
    RuntimeCacheCounters c;
    c.hits = m_hits;
    c.misses = m_misses;
    c.loads = m_loads;
    c.evictions = m_evictions;
    return c;
}

} // namespace edgegpt
