// InferenceThread: see InferenceThread.h.
#include "agents/InferenceThread.h"

#include <torch/torch.h>

namespace edgegpt {

InferenceThread::InferenceThread(const QString &modelDir, int threads, double slowdown,
                                 QObject *parent)
    : QObject(parent)
    , m_worker(new QObject)
    , m_runner(std::make_unique<ModelRunner>(modelDir))
    , m_slowdown(std::max(1.0, slowdown))
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

double InferenceThread::stretch(double ms) const
{
    if (m_slowdown > 1 && ms > 0)
        QThread::usleep((unsigned long)(ms * (m_slowdown - 1) * 1000.0));
    return ms * m_slowdown;
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
