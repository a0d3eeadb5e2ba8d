// InferenceThread: the one thread of an agent that runs LibTorch, so that the event loop (network,
// timers, metrics) never waits for a model. Jobs run one at a time in the order posted; the agent
// gets each job's answer back on its own thread. The model runner lives here.
#pragma once

#include "models/ModelRunner.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace edgegpt {

class InferenceThread : public QObject
{
    Q_OBJECT
public:
    // threads: LibTorch intra-op threads; slowdown >= 1 stretches every job's compute time (a
    // device standing for a slower board sleeps (slowdown - 1) × what the job took).
    InferenceThread(const QString &modelDir, int threads, double slowdown,
                    QObject *parent = nullptr);
    ~InferenceThread() override;

    // Runs job(runner) on the inference thread, then done(result) on the caller's thread — unless
    // `receiver` is gone by then.
    template <typename T>
    void post(std::function<T(ModelRunner &)> job, QObject *receiver, std::function<void(T)> done)
    {
        m_pending.fetch_add(1);
        QMetaObject::invokeMethod(
            m_worker,
            [this, job = std::move(job), receiver = QPointer<QObject>(receiver),
             done = std::move(done)]() mutable {
                T result = job(*m_runner);
                m_pending.fetch_sub(1);
                if (receiver)
                    QMetaObject::invokeMethod(
                        receiver.data(),
                        [result = std::move(result), done = std::move(done)]() { done(result); },
                        Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }
    // Jobs posted and not finished.
    int pending() const { return m_pending.load(); }
    double slowdown() const { return m_slowdown; }
    // Sleeps on the inference thread so that work that took `ms` appears to take ms × slowdown;
    // returns the stretched time. Call only from a job.
    double stretch(double ms) const;
    // The runner's cache counters (read on the inference thread; the copy is for the agent).
    ModelCacheCounters counters() const;

private:
    QThread m_thread;
    QObject *m_worker;
    std::unique_ptr<ModelRunner> m_runner;
    double m_slowdown;
    std::atomic<int> m_pending{0};
    std::atomic<qint64> m_hits{0}, m_misses{0}, m_loads{0}, m_evictions{0};

public:
    // Called by jobs after using the runner, to publish its counters.
    void publishCounters();
};

} // namespace edgegpt
