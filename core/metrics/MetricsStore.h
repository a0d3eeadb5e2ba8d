// The console's time-series store for the agents' metric streams: one bounded ring buffer per
// agent and per series (the last `windowMs` of data, at most `maxPointsPerSeries` points), written
// by any thread and read by the charts on one throttled timer. Producers push MetricsSample values
// (or whole metrics-update messages of core/protocol); readers copy a series out under the lock
// and compare version() to know whether anything arrived since their last redraw. Qt Core only,
// so the store is independent of the chart library (QtCharts today, Qt Graphs later).
#pragma once

#include "core/util/Result.h"

#include <QHash>
#include <QMutex>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <deque>

namespace edgegpt {

struct MetricsUpdateMessage;

// The series a chart can show. The latency parts stack up to the end-to-end latency.
enum class MetricSeries {
    DeviceMs,          // head of the model on the device
    EncodeMs,          // feature encoding
    TransferMs,        // device -> edge
    EdgeMs,            // tail of the model on the edge server
    ReturnMs,          // edge -> device (the answer)
    TotalMs,           // end to end
    LinkRateKBps,      // the link's rate estimate, 1 KB = 1000 bytes
    BytesPerInference, // bytes sent for one inference
    SplitPoint,        // the split in use, as a number (see MetricsStore::splitNumber)
    CacheHitRatio,     // hits / (hits + misses) of the edge's model cache, 0..1
};
constexpr int kMetricSeriesCount = 10;
// A stable key for files ("device_ms", "link_rate_kbps", …).
QString metricSeriesKey(MetricSeries series);

// One observation from one agent. Every value is optional: negative (or an empty split, or no
// cache events) means "not in this sample".
struct MetricsSample
{
    QString agent;     // the agent's name in the fleet ("jetson-1", "local-device")
    qint64 timeMs = 0; // when it was measured, ms since the epoch
    double deviceMs = -1;
    double encodeMs = -1;
    double transferMs = -1;
    double edgeMs = -1;
    double returnMs = -1;
    double totalMs = -1;
    double linkRateKBps = -1;
    qint64 bytes = -1;
    QString split;
    qint64 cacheHits = 0;
    qint64 cacheMisses = 0;
};

// An edge's live model cache (docs/caching.md "Live"), as its metrics stream reports it: the
// loads and evictions (marks on the latency chart) and the state of its last update.
struct CacheMark
{
    qint64 timeMs = 0;
    QString kind; // "load" or "evict"
    QString model;
    double ms = -1; // a load's time, when known
};
struct CacheResidentModel
{
    QString model;
    double sizeMb = 0;
    double context = 0; // usable context K (Age of Context)
};
struct CacheState
{
    QString policy; // empty: the agent reports no live cache
    double budgetMb = -1, usedMb = -1, hitRatio = -1;
    QVector<CacheResidentModel> resident;
    qint64 timeMs = 0;
};

class MetricsStore
{
public:
    static constexpr qint64 defaultWindowMs = 10 * 60 * 1000;
    static constexpr int defaultMaxPoints = 20000;

    explicit MetricsStore(qint64 windowMs = defaultWindowMs,
                          int maxPointsPerSeries = defaultMaxPoints);

    // Thread-safe. Appends the sample's values and trims each touched series to the window.
    void push(const MetricsSample &sample);
    // Thread-safe. The adapter for a metrics-update frame (core/protocol/Messages.h): one sample
    // per finished request, then one for the link rate, the split and the cache events.
    void pushUpdate(const QString &agent, const MetricsUpdateMessage &update);
    void clear();

    // Grows on every push and clear: a reader redraws only when it changed.
    quint64 version() const { return m_version.load(std::memory_order_acquire); }
    qint64 windowMs() const { return m_windowMs; }
    int maxPointsPerSeries() const { return m_maxPoints; }

    QStringList agents() const; // in order of first appearance
    // (time in ms since the epoch, value), oldest first.
    QVector<QPointF> points(const QString &agent, MetricSeries series) const;
    int size(const QString &agent, MetricSeries series) const;
    int totalPoints() const;
    // The newest time of any point, 0 when empty.
    qint64 latestTimeMs() const;

    // The cache loads and evictions of an agent in the window (oldest first), and the state of
    // its cache at its last update that reported one.
    QVector<CacheMark> cacheMarks(const QString &agent) const;
    CacheState cacheState(const QString &agent) const;

    // "agent,series,time_ms,value" with a header line, all agents and series.
    QByteArray toCsv() const;
    Result<void> writeCsv(const QString &path) const;

    // A split name as a number for the chart: the trailing integer ("b2" -> 2, "layer3" -> 3),
    // 0 for "device-only"/"none"/empty, -1 when there is none to read.
    static double splitNumber(const QString &split);

private:
    using Buffer = std::deque<QPointF>;
    struct AgentSeries
    {
        Buffer series[kMetricSeriesCount];
        std::deque<CacheMark> marks;
        CacheState cache;
    };
    void appendLocked(AgentSeries &agent, MetricSeries series, qint64 timeMs, double value);
    AgentSeries &agentLocked(const QString &name);

    mutable QMutex m_mutex;
    qint64 m_windowMs;
    int m_maxPoints;
    QStringList m_agentOrder;
    QHash<QString, AgentSeries> m_agents;
    qint64 m_latestMs = 0;
    std::atomic<quint64> m_version{0};
};

} // namespace edgegpt
