#include "widgets/PlanLayout.h"

#include <QMap>

namespace edgegpt {

QHash<QString, int> planLayers(const Plan &plan)
{
    QHash<QString, int> layer;
    QStringList order = plan.topologicalOrder();
    const bool cyclic = order.size() != plan.tasks.size();
    if (cyclic) {
        order.clear();
        for (const PlanTask &t : plan.tasks)
            order.append(t.id);
    }
    for (const QString &id : order) {
        const PlanTask *t = plan.find(id);
        int l = 0;
        for (const TaskArg &a : t->args) {
            const auto it = layer.constFind(a.sourceTask);
            if (a.isLink() && it != layer.constEnd())
                l = qMax(l, *it + 1);
        }
        layer.insert(id, l);
    }
    return layer;
}

QHash<QString, QPointF> layeredLayout(const Plan &plan, double columnWidth, double rowHeight)
{
    const QHash<QString, int> layers = planLayers(plan);
    QMap<int, QStringList> columns;
    for (const PlanTask &t : plan.tasks)
        columns[layers.value(t.id)].append(t.id);
    int tallest = 0;
    for (const QStringList &c : columns)
        tallest = qMax(tallest, int(c.size()));
    QHash<QString, QPointF> out;
    for (auto it = columns.cbegin(); it != columns.cend(); ++it) {
        const double offset = (tallest - it->size()) * rowHeight / 2.0;
        for (int row = 0; row < it->size(); ++row)
            out.insert(it->at(row), QPointF(it.key() * columnWidth, offset + row * rowHeight));
    }
    return out;
}

} // namespace edgegpt
