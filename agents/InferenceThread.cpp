// InferenceThread: see InferenceThread.h.
#include "agents/InferenceThread.h"

#include <QElapsedTimer>

#include <algorithm>

namespace edgegpt {

InferenceThread::InferenceThread(const QString &modelDir, int threads, double slowdown,
                                 double codecSlowdown, const QString &runtimeFile, QObject *parent)
    : QObject(parent)
    , m_worker(new QObject)
    , m_modelDir(modelDir)
    , m_runtimeFile(runtimeFile.isEmpty() ? defaultRuntimeFile() : runtimeFile)
    , m_threads(std::max(1, threads))
    , m_slowdown(std::max(1.0, slowdown))
    , m_codecSlowdown(std::max(1.0, codecSlowdown))
{
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
    if (m_runtime)
        return m_runtime.get();
    if (!m_runtimeError.isEmpty())
        return Result<SplitRuntime *>::failure(m_runtimeError);
    QElapsedTimer clock;
    clock.start();
    Result<std::unique_ptr<SplitRuntime>> loaded = loadSplitRuntime(m_runtimeFile, m_modelDir);
    if (!loaded) {
        m_runtimeError = loaded.error();
        qCritical("%s", qPrintable(m_runtimeError));
        return Result<SplitRuntime *>::failure(m_runtimeError);
    }
    m_runtime = std::move(*loaded);
    m_runtime->setThreads(m_threads);
    m_loaded = true;
    qInfo("model runtime loaded in %.0f ms: %s (%s)", double(clock.nsecsElapsed()) / 1e6,
          qPrintable(m_runtime->version()), qPrintable(m_runtimeFile));
    return m_runtime.get();
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
    if (!m_runtime)
        return;
    const RuntimeCacheCounters c = m_runtime->counters();
    m_hits = c.hits;
    m_misses = c.misses;
    m_loads = c.loads;
    m_evictions = c.evictions;
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
