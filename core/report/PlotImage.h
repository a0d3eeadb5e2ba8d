// A small chart renderer for benchmark reports: scatter and line series on linear or
// logarithmic axes, drawn with QPainter into a PNG. Used by the benchmarks, which run headless
// (the CLI uses the offscreen platform), so it depends on QtGui only — not on QtCharts.
#pragma once

#include "core/util/Result.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QSize>
#include <QString>

namespace edgegpt {

struct PlotSeries
{
    QString name;
    QList<QPointF> points;
    bool lines = false;  // join the points (in the order given)
    double radius = 3.5; // marker radius in pixels; 0 for none
    QColor color;        // invalid: the palette's next colour
};

struct PlotLabel
{
    QPointF at; // in data coordinates
    QString text;
};

struct PlotSpec
{
    QString title;
    QString xLabel;
    QString yLabel;
    bool logX = false;
    QList<PlotSeries> series;
    QList<PlotLabel> labels;
    QSize size{1100, 700};
};

// Writes the chart to `path` (PNG). Needs a QGuiApplication (fonts).
Result<void> writePlotPng(const PlotSpec &spec, const QString &path);

} // namespace edgegpt
