// InferenceThread: see InferenceThread.h.
#include "agents/InferenceThread.h"

#include <QElapsedTimer>

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
