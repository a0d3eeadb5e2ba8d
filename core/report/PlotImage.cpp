#include "core/report/PlotImage.h"

#include <QFont>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

#include <cmath>
#include <limits>

namespace edgegpt {

namespace {

// Colour-blind-safe palette (Okabe–Ito).
const QColor kPalette[] = {QColor(0, 114, 178),   QColor(230, 159, 0),  QColor(0, 158, 115),
                           QColor(204, 121, 167), QColor(86, 180, 233), QColor(213, 94, 0),
                           QColor(240, 228, 66),  QColor(0, 0, 0)};

// About five round tick values covering [lo, hi].
QList<double> niceTicks(double lo, double hi)
{
    QList<double> ticks;
    if (!(hi > lo))
        return {lo};
    const double rough = (hi - lo) / 5;
    const double magnitude = std::pow(10, std::floor(std::log10(rough)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * magnitude >= rough) {
            step = m * magnitude;
            break;
        }
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
        ticks << (std::abs(t) < step * 1e-9 ? 0.0 : t);
    return ticks;
}

QString tickText(double v)
{
    // Whole numbers up to a billion read better in full ("20000") than as "2e+04".
    if (std::abs(v) >= 1 && std::abs(v) < 1e9 && v == std::round(v))
        return QString::number(qint64(v));
    if (std::abs(v) >= 1e9 || (std::abs(v) < 0.01 && v != 0))
        return QString::number(v, 'g', 3);
    return QString::number(v, 'g', 6);
}

} // namespace

Result<void> writePlotPng(const PlotSpec &spec, const QString &path)
{
    double xmin = std::numeric_limits<double>::max(), xmax = -xmin, ymin = xmin, ymax = -xmin;
    for (const PlotSeries &s : spec.series)
        for (const QPointF &p : s.points) {
            if (!std::isfinite(p.x()) || !std::isfinite(p.y()) || (spec.logX && p.x() <= 0))
                continue;
            xmin = std::min(xmin, p.x());
            xmax = std::max(xmax, p.x());
            ymin = std::min(ymin, p.y());
            ymax = std::max(ymax, p.y());
        }
    if (xmin > xmax)
        return Result<void>::failure(QStringLiteral("nothing to plot"));
    auto tx = [&](double x) { return spec.logX ? std::log10(x) : x; };
    double x0 = tx(xmin), x1 = tx(xmax);
    if (x1 - x0 < 1e-12) {
        x0 -= 0.5;
        x1 += 0.5;
    }
    const double xPad = (x1 - x0) * 0.05;
    x0 -= xPad;
    x1 += xPad;
    if (ymax - ymin < 1e-12) {
        ymin -= 0.5;
        ymax += 0.5;
    }
    const double yPad = (ymax - ymin) * 0.08;
    ymin -= yPad;
    ymax += yPad;

    QImage image(spec.size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(15);
    p.setFont(font);
    const QFontMetrics fm(font);
    const QRectF area(90, 60, spec.size.width() - 90 - 240, spec.size.height() - 60 - 70);
    auto px = [&](double x) { return area.left() + (tx(x) - x0) / (x1 - x0) * area.width(); };
    auto py = [&](double y) { return area.bottom() - (y - ymin) / (ymax - ymin) * area.height(); };

    // Title, axes, grid.
    QFont titleFont = font;
    titleFont.setPixelSize(19);
    titleFont.setBold(true);
    p.setFont(titleFont);
    p.drawText(QRectF(0, 10, spec.size.width(), 40), Qt::AlignHCenter | Qt::AlignVCenter,
               spec.title);
    p.setFont(font);
    p.setPen(QPen(QColor(225, 225, 225), 1));
    QList<double> xTicks;
    if (spec.logX) {
        for (int e = int(std::floor(x0)); e <= int(std::ceil(x1)); ++e)
            for (double m : {1.0, 2.0, 5.0}) {
                const double v = m * std::pow(10, e);
                if (std::log10(v) >= x0 && std::log10(v) <= x1)
                    xTicks << v;
            }
    } else {
        xTicks = niceTicks(x0, x1);
    }
    const QList<double> yTicks = niceTicks(ymin, ymax);
    for (double v : xTicks)
        p.drawLine(QPointF(px(v), area.top()), QPointF(px(v), area.bottom()));
    for (double v : yTicks)
        p.drawLine(QPointF(area.left(), py(v)), QPointF(area.right(), py(v)));
    p.setPen(QPen(Qt::black, 1.2));
    p.drawRect(area);
    for (double v : xTicks)
        p.drawText(QRectF(px(v) - 50, area.bottom() + 4, 100, 22), Qt::AlignHCenter | Qt::AlignTop,
                   tickText(v));
    for (double v : yTicks)
        p.drawText(QRectF(0, py(v) - 11, area.left() - 8, 22), Qt::AlignRight | Qt::AlignVCenter,
                   tickText(v));
    p.drawText(QRectF(area.left(), area.bottom() + 30, area.width(), 24), Qt::AlignHCenter,
               spec.xLabel);
    p.save();
    p.translate(22, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-area.height() / 2, -12, area.height(), 24), Qt::AlignHCenter, spec.yLabel);
    p.restore();

    // Series and legend.
    p.setClipRect(area);
    int colour = 0;
    QList<QColor> colours;
    for (const PlotSeries &s : spec.series) {
        const QColor c = s.color.isValid() ? s.color : kPalette[colour++ % 8];
        colours << c;
        if (s.lines && s.points.size() > 1) {
            QPainterPath path;
            path.moveTo(px(s.points.first().x()), py(s.points.first().y()));
            for (const QPointF &pt : s.points)
                path.lineTo(px(pt.x()), py(pt.y()));
            p.setPen(QPen(c, 2.2));
            p.setBrush(Qt::NoBrush);
            p.drawPath(path);
        }
        if (s.radius > 0) {
            p.setPen(QPen(c.darker(130), 1));
            p.setBrush(c);
            for (const QPointF &pt : s.points)
                if (!spec.logX || pt.x() > 0)
                    p.drawEllipse(QPointF(px(pt.x()), py(pt.y())), s.radius, s.radius);
        }
    }
    p.setPen(Qt::black);
    for (const PlotLabel &l : spec.labels)
        p.drawText(QPointF(px(l.at.x()) + 7, py(l.at.y()) - 7), l.text);
    p.setClipping(false);
    double ly = area.top() + 6;
    for (int i = 0; i < spec.series.size(); ++i) {
        p.setPen(Qt::NoPen);
        p.setBrush(colours.at(i));
        p.drawEllipse(QPointF(area.right() + 22, ly + 9), 5, 5);
        p.setPen(Qt::black);
        p.drawText(QRectF(area.right() + 34, ly, 200, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(spec.series.at(i).name, Qt::ElideRight, 200));
        ly += 24;
    }
    p.end();
    if (!image.save(path, "PNG"))
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(path));
    return {};
}

} // namespace edgegpt
