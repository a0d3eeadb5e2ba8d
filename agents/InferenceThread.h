// InferenceThread: the one thread of an agent that runs models and codecs, so that the event loop
// (network, timers, metrics) never waits for them. Jobs run one at a time in the order posted; the
// agent gets each job's answer back on its own thread. The model runtimes live here, one per model
// the agent holds (an edge may serve several): each is loaded (SplitRuntime.h, LibTorch) on this
// thread by the first job that asks for that model, so an agent that needs no model (a device
// sending its images) never loads LibTorch, and an edge loads only the models asked for.
#pragma once

#include "agents/SplitRuntime.h"
#include "core/cache/EdgeModelCache.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace edgegpt {

class InferenceThread : public QObject
{
    Q_OBJECT
public:
    // threads: the runtime's intra-op threads; slowdown >= 1 stretches model compute and
    // codecSlowdown >= 1 codec work (a device standing for a slower board; see stretch()).
    // runtimeFile: the model runtime plugin (empty: defaultRuntimeFile(), next to the program).
    InferenceThread(const QString &modelDir, int threads, double slowdown, double codecSlowdown,
                    const QString &runtimeFile = {}, QObject *parent = nullptr);
    // Several models, (name, directory) each; runtime() without a name is the first one's.
    InferenceThread(const QList<QPair<QString, QString>> &models, int threads, double slowdown,
                    double codecSlowdown, const QString &runtimeFile = {},
                    QObject *parent = nullptr);
    ~InferenceThread() override;

    // Runs job() on the inference thread, then done(result) on the caller's thread — unless
    // `receiver` is gone by then. A job that needs the model calls runtime().
    template <typename T>
    void post(std::function<T()> job, QObject *receiver, std::function<void(T)> done)
    {
        m_pending.fetch_add(1);
        QMetaObject::invokeMethod(
            m_worker,
            [this, job = std::move(job), receiver = QPointer<QObject>(receiver),
             done = std::move(done)]() mutable {
                T result = job();
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
    double codecSlowdown() const { return m_codecSlowdown; }
    const QString &runtimeFile() const { return m_runtimeFile; }

    // The model runtime, loaded by the first call (the plugin, LibTorch, the runner of the model
    // directory). When loading failed, the error (logged once), for this and every later call:
    // each request that needs the model fails with it and the agent keeps serving. Call only from
    // a job.
    Result<SplitRuntime *> runtime();
    // The runtime of the model of that name (loaded by the first call, as above); an error when
    // this agent holds no such model. Call only from a job.
    Result<SplitRuntime *> runtime(const QString &model);
    // Whether a runtime has been loaded (any thread).
    bool runtimeLoaded() const { return m_loaded.load(); }
    // The models held, by name, in the order given (any thread).
    QStringList modelNames() const;
    bool holds(const QString &model) const { return modelNames().contains(model); }
    // The models whose runtime is loaded (any thread).
    QStringList residentModels() const;

    enum class Work { Model, Codec };
    // Sleeps on the inference thread so that work of kind `work` that took `ms` appears to take
    // what it would on the emulated board, and returns that time: the measured time plus
    // (factor - 1) × the median of the last few measurements of the same `what` (e.g.
    // "head fc1", "encode jpeg-q80"). The median, not this one measurement, is multiplied so that
    // a 0.1 ms scheduling hiccup on a busy host is not stretched into a 15 ms one on a 150× device
    // — the board's own hiccups are its own, not ours × 150. Call only from a job.
    double stretch(double ms, Work work, const QString &what);
    // The live model cache (docs/caching.md, "Live"; an edge's --cache-mb): from now on the
    // models are loaded and released through an EdgeModelCache over `system` (its memoryGb the
    // budget; a model it does not list gets its size from its part files and default costs).
    // Each held model's size is the sum of its directory's part files (*.pt). Call before any
    // job. Errors: the policy, or a model without part files.
    Result<void> enableModelCache(const cache::CacheSystem &system, const QString &policy);
    bool hasModelCache() const { return bool(m_cache); }
    // Loads the runtime plugin (LibTorch) without keeping a model (a runtime for the first model
    // is created and dropped: its parts are read only when a model runs). Call only from a job.
    Result<void> loadRuntimeLibrary();
    // A held model's size as the cache counts it: its directory's *.pt files, in MB (1e6 B).
    static double modelFilesMb(const QString &dir);

    struct CacheEvent
    {
        QString kind; // "hit", "miss", "load", "evict", "offload"
        QString model;
        double ms = -1; // a load: the runtime's creation, in ms
    };
    struct CachedRuntime
    {
        SplitRuntime *runtime = nullptr; // null: offloaded or failed (error says which)
        bool offloaded = false;
        QString error;
        QList<CacheEvent> events; // what this request did to the cache, in order
    };
    // A request for `model` through the live cache (enableModelCache): a hit, or a load after
    // the policy's evictions (the evicted runtimes are destroyed: their parts released), or
    // offloaded by the policy. timeS: the request's time on the cache's clock (never going
    // back). Call only from a job.
    CachedRuntime cachedRuntime(const QString &model, int topic, double timeS);
    struct ResidentModel
    {
        QString name;
        double sizeMb = 0;
        double context = 0;
    };
    struct CacheSnapshot
    {
        QString policy;
        double budgetMb = 0, usedMb = 0;
        qint64 requests = 0, hits = 0, loads = 0, evictions = 0;
        QList<ResidentModel> resident; // in load order, usable context at the snapshot's time
    };
    // The live cache now (timeS on its clock). Call only from a job.
    CacheSnapshot cacheSnapshot(double timeS) const;

    // The runtimes' cache counters, summed over the models (read on the inference thread; the copy
    // is for the agent).
    RuntimeCacheCounters counters() const;
    // Called by jobs after using the runtime, to publish its counters.
    void publishCounters();

private:
    QThread m_thread;
    QObject *m_worker;
    struct Model
    {
        QString name, dir;
        std::unique_ptr<SplitRuntime> runtime; // job thread
        QString error;                         // job thread: why loading failed
    };
    std::vector<Model> m_models; // names and dirs fixed at construction
    QString m_runtimeFile;
    int m_threads;
    std::atomic<bool> m_loaded{false};
    mutable QMutex m_residentMutex;
    QStringList m_resident;
    double m_slowdown;
    double m_codecSlowdown;
    QHash<QString, QList<double>> m_recent; // stretch(): last measurements by `what` (job thread)
    std::atomic<int> m_pending{0};
    std::unique_ptr<cache::EdgeModelCache> m_cache; // job thread (after enableModelCache)
    std::atomic<qint64> m_hits{0}, m_misses{0}, m_loads{0}, m_evictions{0};
};

} // namespace edgegpt
