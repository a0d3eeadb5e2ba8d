// Automatic layered layout of a plan DAG: each task goes one layer to the right of the latest
// task that feeds it (sources in layer 0), and tasks keep their plan order within a layer.
#pragma once

#include "core/plan/Plan.h"

#include <QHash>
#include <QPointF>
#include <QString>

namespace edgegpt {

// Layer of every task. On a cycle the tasks on it are placed by plan order (the validator marks
// the cycle; the layout must still show every task).
QHash<QString, int> planLayers(const Plan &plan);
// Top-left positions: layers as columns `columnWidth` apart, rows `rowHeight` apart, each
// column centred vertically on the tallest one.
QHash<QString, QPointF> layeredLayout(const Plan &plan, double columnWidth, double rowHeight);

} // namespace edgegpt
