// InferenceThread: see InferenceThread.h.
#include "agents/InferenceThread.h"

#include <torch/torch.h>

#include <algorithm>

namespace edgegpt {

InferenceThread::InferenceThread(const QString &modelDir, int threads, double slowdown,
                                 double codecSlowdown, QObject *parent)
    : QObject(parent)
    , m_worker(new QObject)
    , m_runner(std::make_unique<ModelRunner>(modelDir))
    , m_slowdown(std::max(1.0, slowdown))
    , m_codecSlowdown(std::max(1.0, codecSlowdown))
{
    m_thread.setObjectName(QStringLiteral("inference"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [threads]() { torch::set_num_threads(threads); }, Qt::QueuedConnection);
}

InferenceThread::~InferenceThread()
{
    m_thread.quit();
    m_thread.wait();
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
    const ModelCacheCounters &c = m_runner->counters();
    m_hits = c.hits;
    m_misses = c.misses;
    m_loads = c.loads;
    m_evictions = c.evictions;
}

ModelCacheCounters InferenceThread::counters() const
{
    ModelCacheCounters c;
    c.hits = m_hits;
    c.misses = m_misses;
    c.loads = m_loads;
    c.evictions = m_evictions;
    return c;
}

} // namespace edgegpt
