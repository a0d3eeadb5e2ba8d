// MetricsCharts: the live charts of the agents' metric streams, read from a MetricsStore.
//   - end-to-end latency, stacked: device, encode, transfer, edge, return (for one agent);
//   - link rate, bytes per inference, split point and cache hit ratio (a line per agent).
// Producers push into the store at any rate from any thread; this widget redraws on one
// throttled timer (default 100 ms) and only when the store's version moved, replacing each
// series' points in one call (never point by point), so several agents at 10 Hz cost one redraw
// per tick; more points than the plot has pixel columns are thinned to the lowest and highest
// per column, so a 10-minute view costs what a 1-minute one does. Pause freezes the picture (data
// keeps arriving), Clear empties the store, and the data and the picture export to CSV and PNG.
#pragma once

#include "core/metrics/MetricsStore.h"
#include "core/util/Result.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableWidget;
class QTimer;
class QToolButton;

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QCategoryAxis;
class QChart;
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace edgegpt {

class MetricsCharts : public QWidget
{
    Q_OBJECT
public:
    // The store must outlive the widget.
    explicit MetricsCharts(MetricsStore *store, QWidget *parent = nullptr);

    MetricsStore *store() const { return m_store; }
    int redrawIntervalMs() const;
    void setRedrawIntervalMs(int ms);
    // Seconds of history shown (the store may hold more; exports write all of it).
    void setVisibleSeconds(int seconds);
    int visibleSeconds() const { return m_visibleSeconds; }
    bool isPaused() const { return m_paused; }
    // Redraws done so far (tests check that bursts are batched).
    int redrawCount() const { return m_redraws; }
    // Points currently shown by all series (tests compare with the store).
    int shownPoints() const;
    // The agent whose latency is stacked: the one chosen in the box, else the preferred one when
    // it reports, else the first agent of the store.
    QString latencyAgent() const;
    // The agent to stack by default (the demo's device, which sees every part of the latency).
    void setPreferredLatencyAgent(const QString &agent);
    // Names for the split chart's values 0, 1, 2… (the model's split points in order, so the
    // line shows how much of the model runs on the device); empty: numbers.
    void setSplitNames(const QStringList &names);
    // The link rate set by the operator from timeMs on (ms since the epoch), drawn as a dashed
    // step line under the agents' estimates; a negative rate hides it.
    void setLinkRateTarget(double rateKBps, qint64 timeMs);

    // Of points in x order, per bucket of [from, to) the lowest and the highest (in x order);
    // the points as they are when there are at most 2 × buckets of them.
    static QList<QPointF> decimate(const QList<QPointF> &points, double from, double to,
                                   int buckets);

    // The live model caches' view (tests read it): the load and eviction marks shown on the
    // latency chart, and the resident models' table as "agent model size_mb context" rows.
    int cacheLoadMarks() const;
    int cacheEvictMarks() const;
    QStringList residentModelRows() const;
    QString cacheSummary() const;

    Result<void> exportCsv(const QString &path) const;
    Result<void> exportPng(const QString &path);

public Q_SLOTS:
    void setPaused(bool paused);
    void clear();
    // Redraw now if anything changed (the timer calls this).
    void redraw();

Q_SIGNALS:
    void pausedChanged(bool paused);

private:
    struct Chart
    {
        QChart *chart = nullptr;
        QChartView *view = nullptr;
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
    };
    Chart makeChart(const QString &title, const QString &unit);
    // Pixel columns of the chart's plot area (at least 100): the most points worth drawing.
    static int plotColumns(const Chart &chart);
    QLineSeries *agentSeries(Chart &chart, QHash<QString, QLineSeries *> &map, const QString &agent,
                             bool stepped);
    void redrawLine(Chart &chart, QHash<QString, QLineSeries *> &map, MetricSeries series,
                    qint64 nowMs, bool stepped, double minYMax);

    MetricsStore *m_store;
    QTimer *m_timer;
    quint64 m_drawnVersion = ~quint64(0);
    bool m_paused = false;
    int m_redraws = 0;
    int m_visibleSeconds = 60;
    QString m_preferredAgent;
    bool m_userChoseAgent = false;

    Chart m_latency;
    QList<QLineSeries *> m_latencyUpper; // cumulative sums, one per part
    QList<QLineSeries *> m_latencyLower;
    QList<QAreaSeries *> m_latencyAreas;
    Chart m_rate;
    Chart m_bytes;
    Chart m_split;
    QCategoryAxis *m_splitAxis = nullptr;
    QStringList m_splitNames;
    int m_splitLabelled = -1; // values labelled so far when there are no names
    Chart m_cache;
    QHash<QString, QLineSeries *> m_rateSeries;
    QLineSeries *m_rateTarget = nullptr;
    QList<QPointF> m_rateTargets; // (ms since the epoch, KB/s), oldest first
    QHash<QString, QLineSeries *> m_bytesSeries;
    QHash<QString, QLineSeries *> m_splitSeries;
    QHash<QString, QLineSeries *> m_cacheSeries;
    QScatterSeries *m_loadMarks = nullptr; // on the latency chart, at its foot
    QScatterSeries *m_evictMarks = nullptr;
    QTableWidget *m_residentTable = nullptr; // per edge: the resident models, size, context
    QLabel *m_cacheLabel = nullptr;
    void redrawCache(qint64 nowMs, const QStringList &agents);

    QComboBox *m_agentBox;
    QToolButton *m_pauseButton;
    QLabel *m_summary;
};

} // namespace edgegpt
