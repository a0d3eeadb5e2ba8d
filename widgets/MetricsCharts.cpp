#include "widgets/MetricsCharts.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSet>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace edgegpt {

namespace {

const QList<QColor> &agentPalette()
{
    static const QList<QColor> colors = {QColor(0x2f, 0x7e, 0xd8), QColor(0xe0, 0x7a, 0x1f),
                                         QColor(0x1f, 0x9d, 0x74), QColor(0xd1, 0x4d, 0x8c),
                                         QColor(0x7b, 0x5c, 0xc7), QColor(0x8a, 0x5a, 0x2b)};
    return colors;
}

// The latency parts, bottom to top, with the colours of the stacked chart.
struct LatencyPart
{
    MetricSeries series;
    const char *name;
    QColor color;
};

const QList<LatencyPart> &latencyParts()
{
    static const QList<LatencyPart> parts = {
        {MetricSeries::DeviceMs, QT_TRANSLATE_NOOP("edgegpt::MetricsCharts", "device"),
         QColor(0xe0, 0x7a, 0x1f)},
        {MetricSeries::EncodeMs, QT_TRANSLATE_NOOP("edgegpt::MetricsCharts", "encode"),
         QColor(0xc0, 0x9a, 0x10)},
        {MetricSeries::TransferMs, QT_TRANSLATE_NOOP("edgegpt::MetricsCharts", "transfer"),
         QColor(0x3d, 0x8b, 0xd9)},
        {MetricSeries::EdgeMs, QT_TRANSLATE_NOOP("edgegpt::MetricsCharts", "edge"),
         QColor(0x1f, 0x9d, 0x74)},
        {MetricSeries::ReturnMs, QT_TRANSLATE_NOOP("edgegpt::MetricsCharts", "return"),
         QColor(0x7b, 0x5c, 0xc7)},
    };
    return parts;
}

} // namespace

QList<QPointF> MetricsCharts::decimate(const QList<QPointF> &points, double from, double to,
                                       int buckets)
{
    if (buckets < 1 || points.size() <= 2 * buckets || to <= from)
        return points;
    QList<QPointF> out;
    out.reserve(2 * buckets + 4);
    const double width = (to - from) / buckets;
    auto bucketOf = [from, width](double x) { return qint64(std::floor((x - from) / width)); };
    qsizetype i = 0;
    while (i < points.size()) {
        const qint64 b = bucketOf(points[i].x());
        qsizetype lo = i, hi = i, j = i;
        for (; j < points.size() && bucketOf(points[j].x()) == b; ++j) {
            if (points[j].y() < points[lo].y())
                lo = j;
            if (points[j].y() > points[hi].y())
                hi = j;
        }
        out.append(points[qMin(lo, hi)]); // in time order
        if (lo != hi)
            out.append(points[qMax(lo, hi)]);
        i = j;
    }
    return out;
}

int MetricsCharts::plotColumns(const Chart &chart)
{
    return qMax(100, int(chart.chart->plotArea().width()));
}

MetricsCharts::MetricsCharts(MetricsStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_timer(new QTimer(this))
{
    m_latency = makeChart(tr("End-to-end latency"), tr("ms"));
    for (const LatencyPart &part : latencyParts()) {
        auto *upper = new QLineSeries(m_latency.chart);
        auto *lower = new QLineSeries(m_latency.chart);
        auto *area = new QAreaSeries(upper, lower);
        area->setName(tr(part.name));
        QColor fill = part.color;
        fill.setAlpha(220);
        area->setBrush(fill);
        // No outline: with more inferences than pixels each band zig-zags between the fastest
        // and the slowest inference of a column, and an outline of the top band drew that
        // spread in the top part's colour (a 0.06 ms "return" looked like 2–3 ms).
        area->setPen(Qt::NoPen);
        m_latency.chart->addSeries(area);
        area->attachAxis(m_latency.x);
        area->attachAxis(m_latency.y);
        m_latencyUpper.append(upper);
        m_latencyLower.append(lower);
        m_latencyAreas.append(area);
    }
    // The edges' model loads and evictions (their metrics' cache events), marked at the foot of
    // the latency chart: what a slow inference may be waiting for.
    m_loadMarks = new QScatterSeries(m_latency.chart);
    m_loadMarks->setName(tr("model loaded"));
    m_loadMarks->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
    m_loadMarks->setMarkerSize(9);
    m_loadMarks->setColor(QColor(0x1f, 0x9d, 0x74));
    m_evictMarks = new QScatterSeries(m_latency.chart);
    m_evictMarks->setName(tr("model evicted"));
    m_evictMarks->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    m_evictMarks->setMarkerSize(8);
    m_evictMarks->setColor(QColor(0xc6, 0x28, 0x28));
    for (QScatterSeries *marks : {m_loadMarks, m_evictMarks}) {
        m_latency.chart->addSeries(marks);
        marks->attachAxis(m_latency.x);
        marks->attachAxis(m_latency.y);
    }
    m_latency.chart->legend()->setVisible(true);
    m_latency.chart->legend()->setAlignment(Qt::AlignRight);
    m_rate = makeChart(tr("Link rate"), tr("KB/s"));
    m_rateTarget = new QLineSeries(m_rate.chart);
    m_rateTarget->setName(tr("set"));
    m_rateTarget->setPen(QPen(QColor(0x56, 0x61, 0x6e), 1.5, Qt::DashLine));
    m_rate.chart->addSeries(m_rateTarget);
    m_rateTarget->attachAxis(m_rate.x);
    m_rateTarget->attachAxis(m_rate.y);
    for (QLegendMarker *marker : m_rate.chart->legend()->markers(m_rateTarget))
        marker->setVisible(false); // named in the title
    m_bytes = makeChart(tr("Bytes per inference"), tr("bytes"));
    m_split = makeChart(tr("Split point: the device runs up to"), QString());
    // The split chart labels its values by name: a category axis in place of the value axis.
    m_split.chart->removeAxis(m_split.y);
    delete m_split.y;
    m_splitAxis = new QCategoryAxis(m_split.chart);
    m_splitAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_splitAxis->setLabelsFont(m_split.x->labelsFont());
    m_split.y = m_splitAxis;
    m_split.chart->addAxis(m_splitAxis, Qt::AlignLeft);
    m_splitAxis->setRange(-0.5, 1.5);
    m_cache = makeChart(tr("Cache hit ratio"), tr("ratio"));
    m_cache.y->setRange(0, 1);

    // Controls.
    m_agentBox = new QComboBox(this);
    m_agentBox->setObjectName(QStringLiteral("latencyAgentBox"));
    m_agentBox->setToolTip(tr("The agent whose latency is stacked"));
    m_agentBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_agentBox, &QComboBox::activated, this, [this] { m_userChoseAgent = true; });
    connect(m_agentBox, &QComboBox::currentTextChanged, this, [this] {
        m_drawnVersion = ~quint64(0);
        redraw();
    });
    m_pauseButton = new QToolButton(this);
    m_pauseButton->setText(tr("Pause"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Freeze the charts; data keeps arriving"));
    connect(m_pauseButton, &QToolButton::toggled, this, &MetricsCharts::setPaused);
    auto *clearButton = new QToolButton(this);
    clearButton->setText(tr("Clear"));
    clearButton->setToolTip(tr("Forget every point received so far"));
    connect(clearButton, &QToolButton::clicked, this, &MetricsCharts::clear);
    auto *spanBox = new QComboBox(this);
    for (int s : {30, 60, 120, 300, 600})
        spanBox->addItem(s < 60 ? tr("last %n s", nullptr, s) : tr("last %n min", nullptr, s / 60),
                         s);
    spanBox->setCurrentIndex(1);
    connect(spanBox, &QComboBox::activated, this,
            [this, spanBox](int i) { setVisibleSeconds(spanBox->itemData(i).toInt()); });
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("metricsSummary"));
    m_summary->setStyleSheet(QStringLiteral("color: #56616e;"));

    auto *controls = new QHBoxLayout();
    controls->addWidget(new QLabel(tr("Latency of"), this));
    controls->addWidget(m_agentBox);
    controls->addWidget(spanBox);
    controls->addWidget(m_pauseButton);
    controls->addWidget(clearButton);
    controls->addSpacing(12);
    controls->addWidget(m_summary, 1);

    auto *grid = new QGridLayout();
    grid->setSpacing(4);
    grid->addWidget(m_latency.view, 0, 0, 2, 2);
    grid->addWidget(m_rate.view, 0, 2);
    grid->addWidget(m_bytes.view, 0, 3);
    grid->addWidget(m_split.view, 1, 2);
    grid->addWidget(m_cache.view, 1, 3);
    for (int c = 0; c < 4; ++c)
        grid->setColumnStretch(c, 1);
    // Per edge with a live model cache: its policy and memory, and the resident models.
    m_cacheLabel = new QLabel(this);
    m_cacheLabel->setWordWrap(true);
    m_residentTable = new QTableWidget(0, 4, this);
    m_residentTable->setHorizontalHeaderLabels(
        {tr("Edge"), tr("Resident model"), tr("Size (MB)"), tr("Context (K)")});
    m_residentTable->verticalHeader()->setVisible(false);
    m_residentTable->horizontalHeader()->setStretchLastSection(true);
    m_residentTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_residentTable->setMaximumHeight(120);
    auto *cacheBox = new QVBoxLayout();
    cacheBox->addWidget(m_cacheLabel);
    cacheBox->addWidget(m_residentTable, 1);
    grid->addLayout(cacheBox, 2, 2, 1, 2);
    m_cacheLabel->setVisible(false);
    m_residentTable->setVisible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addLayout(grid, 1);

    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &MetricsCharts::redraw);
    m_timer->start();
    redraw();
}

MetricsCharts::Chart MetricsCharts::makeChart(const QString &title, const QString &unit)
{
    Chart c;
    c.chart = new QChart();
    c.chart->setTitle(title);
    QFont titleFont = c.chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(10);
    c.chart->setTitleFont(titleFont);
    c.chart->legend()->setVisible(false);
    c.chart->setMargins(QMargins(4, 2, 4, 2));
    c.chart->setBackgroundRoundness(6);
    c.chart->setAnimationOptions(QChart::NoAnimation); // animations cost more than the data
    c.x = new QValueAxis(c.chart);
    c.x->setTitleText(tr("seconds"));
    c.x->setLabelFormat(QStringLiteral("%d"));
    c.x->setTickCount(5);
    c.y = new QValueAxis(c.chart);
    c.y->setTitleText(unit);
    c.y->setLabelFormat(QStringLiteral("%g"));
    c.y->setTickCount(5);
    QFont axisFont = c.x->labelsFont();
    axisFont.setPointSizeF(8);
    c.x->setLabelsFont(axisFont);
    c.y->setLabelsFont(axisFont);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    c.x->setRange(-m_visibleSeconds, 0);
    c.y->setRange(0, 1);
    c.view = new QChartView(c.chart, this);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(220, 150);
    return c;
}

int MetricsCharts::redrawIntervalMs() const
{
    return m_timer->interval();
}

void MetricsCharts::setRedrawIntervalMs(int ms)
{
    m_timer->setInterval(qMax(10, ms));
}

void MetricsCharts::setVisibleSeconds(int seconds)
{
    m_visibleSeconds = qMax(5, seconds);
    m_drawnVersion = ~quint64(0);
    redraw();
}

void MetricsCharts::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    m_pauseButton->setChecked(paused);
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    if (!paused)
        redraw();
    Q_EMIT pausedChanged(paused);
}

void MetricsCharts::setLinkRateTarget(double rateKBps, qint64 timeMs)
{
    if (rateKBps < 0) {
        m_rateTargets.clear();
    } else {
        m_rateTargets.append(QPointF(double(timeMs), rateKBps));
        const double keepFrom = double(timeMs - m_store->windowMs());
        while (m_rateTargets.size() > 1 && m_rateTargets[1].x() <= keepFrom)
            m_rateTargets.removeFirst();
        while (m_rateTargets.size() > 1000)
            m_rateTargets.removeFirst();
    }
    m_drawnVersion = ~quint64(0);
}

void MetricsCharts::clear()
{
    m_store->clear();
    m_drawnVersion = ~quint64(0);
    const bool paused = m_paused;
    m_paused = false;
    redraw();
    m_paused = paused;
}

void MetricsCharts::setSplitNames(const QStringList &names)
{
    m_splitNames = names;
    for (const QString &label : m_splitAxis->categoriesLabels())
        m_splitAxis->remove(label);
    m_splitLabelled = -1;
    for (int i = 0; i < names.size(); ++i)
        m_splitAxis->append(names[i], i);
    if (!names.isEmpty())
        m_splitAxis->setRange(-0.5, names.size() - 0.5);
    m_drawnVersion = ~quint64(0);
}

void MetricsCharts::setPreferredLatencyAgent(const QString &agent)
{
    m_preferredAgent = agent;
    m_drawnVersion = ~quint64(0);
}

QString MetricsCharts::latencyAgent() const
{
    const QString chosen = m_agentBox->currentText();
    if (!chosen.isEmpty())
        return chosen;
    const QStringList agents = m_store->agents();
    return agents.isEmpty() ? QString() : agents.first();
}

QLineSeries *MetricsCharts::agentSeries(Chart &chart, QHash<QString, QLineSeries *> &map,
                                        const QString &agent, bool)
{
    QLineSeries *s = map.value(agent);
    if (s)
        return s;
    s = new QLineSeries(chart.chart);
    s->setName(agent);
    const QColor color = agentPalette()[map.size() % agentPalette().size()];
    s->setPen(QPen(color, 2));
    chart.chart->addSeries(s);
    s->attachAxis(chart.x);
    s->attachAxis(chart.y);
    map.insert(agent, s);
    chart.chart->legend()->setVisible(map.size() > 1);
    return s;
}

void MetricsCharts::redrawLine(Chart &chart, QHash<QString, QLineSeries *> &map,
                               MetricSeries series, qint64 nowMs, bool stepped, double minYMax)
{
    const QStringList agents = m_store->agents();
    // Series of agents that are gone (after a clear) are emptied, not deleted: cheap and stable.
    for (auto it = map.begin(); it != map.end(); ++it)
        if (!agents.contains(it.key()))
            (*it)->clear();
    double yMax = minYMax;
    const double from = -m_visibleSeconds;
    for (const QString &agent : agents) {
        const QVector<QPointF> raw = m_store->points(agent, series);
        if (raw.isEmpty() && !map.contains(agent))
            continue;
        QList<QPointF> pts;
        pts.reserve(stepped ? raw.size() * 2 : raw.size());
        for (const QPointF &p : raw) {
            const double x = (p.x() - double(nowMs)) / 1000.0;
            if (x < from - 1)
                continue;
            if (stepped && !pts.isEmpty())
                pts.append(QPointF(x, pts.last().y())); // hold the value until it changes
            pts.append(QPointF(x, p.y()));
            yMax = qMax(yMax, p.y());
        }
        agentSeries(chart, map, agent, stepped)
            ->replace(decimate(pts, from, 0, plotColumns(chart)));
    }
    chart.x->setRange(from, 0);
    if (chart.y == m_splitAxis) {
        if (m_splitNames.isEmpty()) {
            // No names: label the whole numbers seen so far.
            for (int i = m_splitLabelled + 1; i <= int(yMax); ++i)
                m_splitAxis->append(QString::number(i), i);
            m_splitLabelled = qMax(m_splitLabelled, int(yMax));
            m_splitAxis->setRange(-0.5, qMax(1, m_splitLabelled) + 0.5);
        }
    } else if (chart.y != m_cache.y) {
        chart.y->setRange(0, yMax * 1.1);
        chart.y->applyNiceNumbers();
    }
}

void MetricsCharts::redraw()
{
    if (m_paused)
        return;
    const quint64 version = m_store->version();
    if (version == m_drawnVersion)
        return;
    m_drawnVersion = version;
    ++m_redraws;

    // Keep the agent list in step with the store.
    const QStringList agents = m_store->agents();
    QStringList listed;
    for (int i = 0; i < m_agentBox->count(); ++i)
        listed.append(m_agentBox->itemText(i));
    if (listed != agents) {
        const QString current = m_agentBox->currentText();
        const QSignalBlocker block(m_agentBox);
        m_agentBox->clear();
        m_agentBox->addItems(agents);
        int index = int(agents.indexOf(current));
        if ((index < 0 || !m_userChoseAgent) && agents.contains(m_preferredAgent))
            index = int(agents.indexOf(m_preferredAgent));
        m_agentBox->setCurrentIndex(qMax(0, index));
    }

    const qint64 now = m_store->latestTimeMs();
    // Stacked latency: each part's band lies on the sum of the parts below it, matched by time.
    const QString agent = latencyAgent();
    double yMax = 1;
    QMap<double, double> base; // time -> cumulative so far
    QVector<double> tops;
    const int parts = int(latencyParts().size());
    QList<QList<QPointF>> ups(parts), lows(parts);
    QList<QVector<double>> times(parts);
    for (int i = 0; i < parts; ++i) {
        const QVector<QPointF> raw = m_store->points(agent, latencyParts()[i].series);
        ups[i].reserve(raw.size());
        lows[i].reserve(raw.size());
        times[i].reserve(raw.size());
        for (const QPointF &p : raw) {
            const double x = (p.x() - double(now)) / 1000.0;
            if (x < -m_visibleSeconds - 1)
                continue;
            const double b = base.value(p.x(), 0.0);
            lows[i].append(QPointF(x, b));
            ups[i].append(QPointF(x, b + p.y()));
            times[i].append(p.x());
            base[p.x()] = b + p.y();
        }
    }
    // More samples than pixels: keep, per pixel column, the inferences with the lowest and the
    // highest total (spikes stay visible), the same ones in every band.
    const int columns = plotColumns(m_latency);
    if (base.size() > 2 * columns) {
        QList<QPointF> totals;
        totals.reserve(base.size());
        for (auto it = base.cbegin(); it != base.cend(); ++it)
            totals.append(QPointF(it.key(), it.value()));
        QSet<double> kept;
        for (const QPointF &p :
             decimate(totals, double(now) - m_visibleSeconds * 1000.0, double(now), columns))
            kept.insert(p.x());
        for (int i = 0; i < parts; ++i) {
            QList<QPointF> up, low;
            for (int k = 0; k < times[i].size(); ++k)
                if (kept.contains(times[i][k])) {
                    up.append(ups[i][k]);
                    low.append(lows[i][k]);
                }
            ups[i] = up;
            lows[i] = low;
        }
    }
    for (int i = 0; i < parts; ++i) {
        m_latencyLower[i]->replace(lows[i]);
        m_latencyUpper[i]->replace(ups[i]);
    }
    // The scale follows the bulk of the data: 1.5 times the 95th percentile, so that a few slow
    // first inferences (a model loading) do not flatten the rest; taller spikes run off the top.
    for (const double t : base)
        tops.append(t);
    if (!tops.isEmpty()) {
        std::sort(tops.begin(), tops.end());
        const double p95 = tops[qMin(int(tops.size()) - 1, int(tops.size() * 0.95))];
        yMax = qMax(yMax, qMin(tops.last(), 1.5 * p95));
    }
    m_latency.x->setRange(-m_visibleSeconds, 0);
    m_latency.y->setRange(0, yMax * 1.15);
    m_latency.y->applyNiceNumbers();

    double targetMax = 10;
    QList<QPointF> target;
    for (int i = 0; i < m_rateTargets.size() && now > 0; ++i) {
        const double x =
            qMax(-double(m_visibleSeconds) - 1, (m_rateTargets[i].x() - double(now)) / 1000.0);
        const double end = i + 1 < m_rateTargets.size()
                               ? qMax(-double(m_visibleSeconds) - 1,
                                      (m_rateTargets[i + 1].x() - double(now)) / 1000.0)
                               : 0.0;
        if (end < -m_visibleSeconds - 1 || x > 0)
            continue;
        target.append(QPointF(x, m_rateTargets[i].y()));
        target.append(QPointF(end, m_rateTargets[i].y()));
        targetMax = qMax(targetMax, m_rateTargets[i].y());
    }
    m_rateTarget->replace(target);
    redrawLine(m_rate, m_rateSeries, MetricSeries::LinkRateKBps, now, false, targetMax);
    // The dashed line is named in the title, not in a legend that would squeeze the plot.
    m_rate.chart->setTitle(target.isEmpty() ? tr("Link rate") : tr("Link rate (dashed: set)"));
    m_rate.chart->legend()->setVisible(m_rateSeries.size() > 1);
    redrawLine(m_bytes, m_bytesSeries, MetricSeries::BytesPerInference, now, false, 10);
    redrawLine(m_split, m_splitSeries, MetricSeries::SplitPoint, now, true, 1);
    redrawLine(m_cache, m_cacheSeries, MetricSeries::CacheHitRatio, now, false, 1);
    redrawCache(now, agents);

    // One line in words: what the last second looked like.
    const QVector<QPointF> totals = m_store->points(agent, MetricSeries::TotalMs);
    if (agents.isEmpty()) {
        m_summary->setText(tr("No metrics yet: they appear when agents run."));
    } else if (totals.isEmpty()) {
        m_summary->setText(tr("%n agent(s) reporting", nullptr, int(agents.size())));
    } else {
        m_summary->setText(tr("%1: last inference %2 ms · %n agent(s) · %3 points held", nullptr,
                              int(agents.size()))
                               .arg(agent)
                               .arg(totals.last().y(), 0, 'f', 1)
                               .arg(m_store->totalPoints()));
    }
}

void MetricsCharts::redrawCache(qint64 now, const QStringList &agents)
{
    QList<QPointF> loads, evictions;
    QStringList lines;
    int rows = 0;
    for (const QString &a : agents) {
        for (const CacheMark &m : m_store->cacheMarks(a)) {
            const double x = (double(m.timeMs) - double(now)) / 1000.0;
            if (x < -m_visibleSeconds - 1)
                continue;
            (m.kind == QLatin1String("load") ? loads : evictions).append(QPointF(x, 0));
        }
        const CacheState c = m_store->cacheState(a);
        if (c.policy.isEmpty())
            continue;
        lines << tr("%1: %2 cache, %3 of %4 MB in use, hit ratio %5%")
                     .arg(a, c.policy)
                     .arg(c.usedMb, 0, 'f', 2)
                     .arg(c.budgetMb, 0, 'f', 2)
                     .arg(100 * qMax(0.0, c.hitRatio), 0, 'f', 1);
        rows += int(c.resident.size());
    }
    m_loadMarks->replace(loads);
    m_evictMarks->replace(evictions);
    m_residentTable->setRowCount(rows);
    int row = 0;
    for (const QString &a : agents) {
        const CacheState c = m_store->cacheState(a);
        for (const CacheResidentModel &r : c.resident) {
            const QStringList cells{a, r.model, QString::number(r.sizeMb, 'f', 3),
                                    QString::number(r.context, 'f', 2)};
            for (int col = 0; col < cells.size(); ++col) {
                QTableWidgetItem *item = m_residentTable->item(row, col);
                if (!item) {
                    item = new QTableWidgetItem;
                    m_residentTable->setItem(row, col, item);
                }
                item->setText(cells[col]);
            }
            ++row;
        }
    }
    m_cacheLabel->setText(lines.join(QLatin1Char('\n')));
    m_cacheLabel->setVisible(!lines.isEmpty());
    m_residentTable->setVisible(!lines.isEmpty());
}

int MetricsCharts::cacheLoadMarks() const
{
    return m_loadMarks->count();
}

int MetricsCharts::cacheEvictMarks() const
{
    return m_evictMarks->count();
}

QStringList MetricsCharts::residentModelRows() const
{
    QStringList rows;
    for (int r = 0; r < m_residentTable->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < m_residentTable->columnCount(); ++c)
            cells << (m_residentTable->item(r, c) ? m_residentTable->item(r, c)->text()
                                                  : QString());
        rows << cells.join(QLatin1Char(' '));
    }
    return rows;
}

QString MetricsCharts::cacheSummary() const
{
    return m_cacheLabel->text();
}

int MetricsCharts::shownPoints() const
{
    int n = 0;
    for (QLineSeries *s : m_latencyUpper)
        n += s->count();
    for (const auto *map : {&m_rateSeries, &m_bytesSeries, &m_splitSeries, &m_cacheSeries})
        for (QLineSeries *s : *map)
            n += s->count();
    return n;
}

Result<void> MetricsCharts::exportCsv(const QString &path) const
{
    return m_store->writeCsv(path);
}

Result<void> MetricsCharts::exportPng(const QString &path)
{
    const QPixmap picture = grab();
    if (picture.isNull() || !picture.save(path, "PNG"))
        return Result<void>::failure(tr("Cannot write %1.").arg(path));
    return {};
}

} // namespace edgegpt
