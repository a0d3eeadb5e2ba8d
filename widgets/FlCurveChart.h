// FlCurveChart: federated training's accuracy per round, one line per attempt (docs/console.md,
// "Federated learning"). Points arrive one round at a time and are drawn as they come; the
// legend names each attempt ("2: cnn, adam lr 0.01"), the best attempt's line is drawn thicker.
// The x axis counts rounds (integers), the y axis is test accuracy in percent.
#pragma once

#include <QMap>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace edgegpt {

class FlCurveChart : public QWidget
{
    Q_OBJECT
public:
    explicit FlCurveChart(QWidget *parent = nullptr);

    // Names attempt `attempt`'s line (made if new).
    void setAttemptLabel(int attempt, const QString &label);
    // Adds (or replaces) the accuracy (a fraction) of round `round` of attempt `attempt`.
    void addPoint(int attempt, int round, double accuracy);
    // Draws the best attempt's line thicker (0: none).
    void setBest(int attempt);
    void clear();

    // The attempts drawn, in order, and their points (round, percent); tests read them.
    QList<int> attempts() const { return m_series.keys(); }
    QList<QPointF> points(int attempt) const;
    QString label(int attempt) const;
    int best() const { return m_best; }
    QChart *chart() const { return m_chart; }

private:
    QLineSeries *series(int attempt);
    void fitAxes();

    QChart *m_chart;
    QChartView *m_view;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QMap<int, QLineSeries *> m_series;
    int m_best = 0;
};

} // namespace edgegpt
