#include "core/metrics/MetricsStore.h"

#include "core/protocol/Messages.h"

#include <QFile>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSaveFile>

namespace edgegpt {

QString metricSeriesKey(MetricSeries series)
{
    switch (series) {
    case MetricSeries::DeviceMs:
        return QStringLiteral("device_ms");
    case MetricSeries::EncodeMs:
        return QStringLiteral("encode_ms");
    case MetricSeries::TransferMs:
        return QStringLiteral("transfer_ms");
    case MetricSeries::EdgeMs:
        return QStringLiteral("edge_ms");
    case MetricSeries::ReturnMs:
        return QStringLiteral("return_ms");
    case MetricSeries::TotalMs:
        return QStringLiteral("total_ms");
    case MetricSeries::LinkRateKBps:
        return QStringLiteral("link_rate_kbps");
    case MetricSeries::BytesPerInference:
        return QStringLiteral("bytes_per_inference");
    case MetricSeries::SplitPoint:
        return QStringLiteral("split_point");
    case MetricSeries::CacheHitRatio:
        return QStringLiteral("cache_hit_ratio");
    }
    return QString();
}

MetricsStore::MetricsStore(qint64 windowMs, int maxPointsPerSeries)
    : m_windowMs(qMax<qint64>(1, windowMs))
    , m_maxPoints(qMax(1, maxPointsPerSeries))
{}

MetricsStore::AgentSeries &MetricsStore::agentLocked(const QString &name)
{
    auto it = m_agents.find(name);
    if (it == m_agents.end()) {
        m_agentOrder.append(name);
        it = m_agents.insert(name, AgentSeries());
    }
    return *it;
}

void MetricsStore::appendLocked(AgentSeries &agent, MetricSeries series, qint64 timeMs,
                                double value)
{
    Buffer &buffer = agent.series[static_cast<int>(series)];
    buffer.emplace_back(double(timeMs), value);
    // Samples may arrive slightly out of order across agents; the window is measured from the
    // newest time seen by the store so that every series ages at the same pace.
    const double oldest = double(qMax(m_latestMs, timeMs) - m_windowMs);
    while (!buffer.empty() && buffer.front().x() < oldest)
        buffer.pop_front();
    while (int(buffer.size()) > m_maxPoints)
        buffer.pop_front();
}

void MetricsStore::push(const MetricsSample &s)
{
    {
        QMutexLocker lock(&m_mutex);
        AgentSeries &agent = agentLocked(s.agent);
        const qint64 t = s.timeMs;
        m_latestMs = qMax(m_latestMs, t);
        auto add = [&](MetricSeries series, double v) {
            if (v >= 0)
                appendLocked(agent, series, t, v);
        };
        add(MetricSeries::DeviceMs, s.deviceMs);
        add(MetricSeries::EncodeMs, s.encodeMs);
        add(MetricSeries::TransferMs, s.transferMs);
        add(MetricSeries::EdgeMs, s.edgeMs);
        add(MetricSeries::ReturnMs, s.returnMs);
        double total = s.totalMs;
        if (total < 0 && (s.deviceMs >= 0 || s.edgeMs >= 0)) {
            total = 0;
            for (double part : {s.deviceMs, s.encodeMs, s.transferMs, s.edgeMs, s.returnMs})
                total += qMax(0.0, part);
        }
        add(MetricSeries::TotalMs, total);
        add(MetricSeries::LinkRateKBps, s.linkRateKBps);
        add(MetricSeries::BytesPerInference, double(s.bytes));
        if (!s.split.isEmpty())
            add(MetricSeries::SplitPoint, splitNumber(s.split));
        if (s.cacheHits + s.cacheMisses > 0)
            add(MetricSeries::CacheHitRatio,
                double(s.cacheHits) / double(s.cacheHits + s.cacheMisses));
    }
    m_version.fetch_add(1, std::memory_order_acq_rel);
}

void MetricsStore::pushUpdate(const QString &agent, const MetricsUpdateMessage &update)
{
    for (const RequestMetrics &r : update.requests) {
        MetricsSample s;
        s.agent = agent;
        s.timeMs = update.timeMs;
        s.deviceMs = r.deviceComputeMs;
        s.encodeMs = r.encodeMs;
        s.transferMs = r.transferMs;
        s.edgeMs = r.edgeComputeMs;
        s.returnMs = r.returnMs;
        s.totalMs = r.totalMs;
        s.bytes = r.bytes > 0 ? r.bytes : -1;
        push(s);
    }
    MetricsSample s;
    s.agent = agent;
    s.timeMs = update.timeMs;
    s.linkRateKBps = update.linkRateKBps;
    s.split = update.split;
    s.cacheHits = update.cache.hits;
    s.cacheMisses = update.cache.misses;
    push(s);
    if (update.cachePolicy.isEmpty())
        return;
    {
        QMutexLocker lock(&m_mutex);
        AgentSeries &a = agentLocked(agent);
        a.cache.policy = update.cachePolicy;
        a.cache.budgetMb = update.cacheBudgetMb;
        a.cache.usedMb = update.cacheUsedMb;
        a.cache.hitRatio = update.cacheHitRatio;
        a.cache.timeMs = update.timeMs;
        a.cache.resident.clear();
        for (const ResidentModelRecord &r : update.cacheResident)
            a.cache.resident.append(CacheResidentModel{r.model, r.sizeMb, r.context});
        for (const CacheEventRecord &e : update.cacheEvents)
            if (e.kind == QLatin1String("load") || e.kind == QLatin1String("evict"))
                a.marks.push_back(CacheMark{e.timeMs, e.kind, e.model, e.ms});
        const double oldest = double(qMax(m_latestMs, update.timeMs) - m_windowMs);
        while (!a.marks.empty() &&
               (double(a.marks.front().timeMs) < oldest || int(a.marks.size()) > m_maxPoints))
            a.marks.pop_front();
    }
    m_version.fetch_add(1, std::memory_order_acq_rel);
}

QVector<CacheMark> MetricsStore::cacheMarks(const QString &agent) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.constEnd())
        return {};
    return QVector<CacheMark>(it->marks.begin(), it->marks.end());
}

CacheState MetricsStore::cacheState(const QString &agent) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_agents.constFind(agent);
    return it == m_agents.constEnd() ? CacheState() : it->cache;
}

void MetricsStore::clear()
{
    {
        QMutexLocker lock(&m_mutex);
        m_agents.clear();
        m_agentOrder.clear();
        m_latestMs = 0;
    }
    m_version.fetch_add(1, std::memory_order_acq_rel);
}

QStringList MetricsStore::agents() const
{
    QMutexLocker lock(&m_mutex);
    return m_agentOrder;
}

QVector<QPointF> MetricsStore::points(const QString &agent, MetricSeries series) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_agents.constFind(agent);
    if (it == m_agents.constEnd())
        return {};
    const Buffer &buffer = it->series[static_cast<int>(series)];
    return QVector<QPointF>(buffer.begin(), buffer.end());
}

int MetricsStore::size(const QString &agent, MetricSeries series) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_agents.constFind(agent);
    return it == m_agents.constEnd() ? 0 : int(it->series[static_cast<int>(series)].size());
}

int MetricsStore::totalPoints() const
{
    QMutexLocker lock(&m_mutex);
    int n = 0;
    for (const AgentSeries &a : m_agents)
        for (const Buffer &b : a.series)
            n += int(b.size());
    return n;
}

qint64 MetricsStore::latestTimeMs() const
{
    QMutexLocker lock(&m_mutex);
    return m_latestMs;
}

QByteArray MetricsStore::toCsv() const
{
    QMutexLocker lock(&m_mutex);
    QByteArray out = "agent,series,time_ms,value\n";
    for (const QString &name : m_agentOrder) {
        const AgentSeries &a = m_agents[name];
        QByteArray agentField = name.toUtf8();
        if (agentField.contains(',') || agentField.contains('"'))
            agentField = '"' + agentField.replace('"', "\"\"") + '"';
        for (int i = 0; i < kMetricSeriesCount; ++i) {
            const QByteArray key = metricSeriesKey(static_cast<MetricSeries>(i)).toUtf8();
            for (const QPointF &p : a.series[i]) {
                out += agentField + ',' + key + ',' + QByteArray::number(qint64(p.x())) + ',' +
                       QByteArray::number(p.y(), 'g', 10) + '\n';
            }
        }
    }
    return out;
}

Result<void> MetricsStore::writeCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Result<void>::failure(
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(toCsv());
    if (!file.commit())
        return Result<void>::failure(
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

double MetricsStore::splitNumber(const QString &split)
{
    const QString s = split.trimmed().toLower();
    if (s.isEmpty() || s == QLatin1String("none") || s == QLatin1String("device-only") ||
        s == QLatin1String("edge-only"))
        return 0;
    static const QRegularExpression trailing(QStringLiteral("(\\d+)$"));
    const QRegularExpressionMatch m = trailing.match(s);
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

} // namespace edgegpt
