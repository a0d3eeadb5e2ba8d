#include "widgets/FlCurveChart.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace edgegpt {

FlCurveChart::FlCurveChart(QWidget *parent)
    : QWidget(parent)
    , m_chart(new QChart())
{
    m_chart->setTitle(tr("Test accuracy per round"));
    QFont titleFont = m_chart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(10);
    m_chart->setTitleFont(titleFont);
    m_chart->setMargins(QMargins(4, 2, 4, 2));
    m_chart->setBackgroundRoundness(6);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->setVisible(true);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_x = new QValueAxis(m_chart);
    m_x->setTitleText(tr("round"));
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_y = new QValueAxis(m_chart);
    m_y->setTitleText(tr("accuracy (%)"));
    m_y->setLabelFormat(QStringLiteral("%g"));
    QFont axisFont = m_x->labelsFont();
    axisFont.setPointSizeF(8);
    m_x->setLabelsFont(axisFont);
    m_y->setLabelsFont(axisFont);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    fitAxes();
    m_view = new QChartView(m_chart, this);
    m_view->setObjectName(QStringLiteral("flCurveView"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(220, 200); // room for the plot under the title and above the legend
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

QLineSeries *FlCurveChart::series(int attempt)
{
    if (QLineSeries *s = m_series.value(attempt))
        return s;
    auto *s = new QLineSeries(m_chart);
    s->setName(attempt == 0 ? tr("baseline") : tr("attempt %1").arg(attempt));
    s->setPointsVisible(true);
    m_chart->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    m_series.insert(attempt, s);
    setBest(m_best); // pens
    return s;
}

void FlCurveChart::setAttemptLabel(int attempt, const QString &label)
{
    series(attempt)->setName(label);
}

void FlCurveChart::addPoint(int attempt, int round, double accuracy)
{
    QLineSeries *s = series(attempt);
    QList<QPointF> pts = s->points();
    const QPointF p(round, accuracy * 100);
    auto at =
        std::find_if(pts.begin(), pts.end(), [&](const QPointF &q) { return q.x() >= round; });
    if (at != pts.end() && at->x() == round)
        *at = p;
    else
        pts.insert(at, p);
    s->replace(pts);
    fitAxes();
}

void FlCurveChart::setBest(int attempt)
{
    m_best = attempt;
    for (auto it = m_series.cbegin(); it != m_series.cend(); ++it) {
        QPen pen = it.value()->pen();
        pen.setWidthF(it.key() == attempt ? 3.5 : 1.5);
        it.value()->setPen(pen);
    }
}

void FlCurveChart::clear()
{
    m_chart->removeAllSeries(); // deletes them
    m_series.clear();
    m_best = 0;
    fitAxes();
}

QList<QPointF> FlCurveChart::points(int attempt) const
{
    const QLineSeries *s = m_series.value(attempt);
    return s ? s->points() : QList<QPointF>();
}

QString FlCurveChart::label(int attempt) const
{
    const QLineSeries *s = m_series.value(attempt);
    return s ? s->name() : QString();
}

void FlCurveChart::fitAxes()
{
    int rounds = 1;
    double low = 100, high = 0;
    for (const QLineSeries *s : std::as_const(m_series))
        for (const QPointF &p : s->points()) {
            rounds = std::max(rounds, int(p.x()));
            low = std::min(low, p.y());
            high = std::max(high, p.y());
        }
    // Whole rounds on x; y from a multiple of 10 below the lowest point to 100 (or 10 above the
    // highest), so small differences between attempts stay visible.
    m_x->setRange(rounds > 1 ? 1 : 0, std::max(rounds, 2));
    m_x->setTickCount(std::min(std::max(rounds, 2), 10) + (rounds > 1 ? 0 : 1));
    if (high < low) {
        m_y->setRange(0, 100);
        m_y->setTickCount(6);
        return;
    } else {
        const double bottom = std::max(0.0, std::floor(low / 10) * 10 - 10);
        const double top = std::min(100.0, std::ceil(high / 10) * 10 + 10);
        m_y->setRange(bottom, std::max(top, bottom + 10));
    }
    // A tick every 10 points (every 20 over the whole range).
    const int tens = int(std::lround((m_y->max() - m_y->min()) / 10));
    m_y->setTickCount(tens > 6 ? tens / 2 + 1 : tens + 1);
}

} // namespace edgegpt
