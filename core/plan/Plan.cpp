#include "core/plan/Plan.h"

#include <QHash>

namespace edgegpt {

const PlanTask *Plan::find(const QString &id) const
{
    const int i = indexOf(id);
    return i < 0 ? nullptr : &tasks.at(i);
}

PlanTask *Plan::find(const QString &id)
{
    const int i = indexOf(id);
    return i < 0 ? nullptr : &tasks[i];
}

int Plan::indexOf(const QString &id) const
{
    for (int i = 0; i < tasks.size(); ++i)
        if (tasks.at(i).id == id)
            return i;
    return -1;
}

QList<PlanLink> Plan::links() const
{
    QList<PlanLink> out;
    for (const PlanTask &t : tasks)
        for (int a = 0; a < t.args.size(); ++a)
            if (t.args.at(a).isLink())
                out << PlanLink{t.args.at(a).sourceTask, t.id, a};
    return out;
}

QString Plan::nextTaskId() const
{
    for (int n = tasks.size() + 1;; ++n) {
        const QString id = QStringLiteral("t%1").arg(n);
        if (indexOf(id) < 0)
            return id;
    }
}

QStringList Plan::topologicalOrder() const
{
    // Kahn's algorithm, stable in the plan's own order. Links to unknown tasks are ignored here
    // (validation reports them).
    QHash<QString, int> indegree;
    for (const PlanTask &t : tasks)
        indegree.insert(t.id, 0);
    const QList<PlanLink> ls = links();
    for (const PlanLink &l : ls)
        if (indegree.contains(l.from) && indegree.contains(l.to))
            ++indegree[l.to];
    QStringList order;
    QList<bool> done(tasks.size(), false);
    bool progressed = true;
    while (progressed && order.size() < tasks.size()) {
        progressed = false;
        for (int i = 0; i < tasks.size(); ++i) {
            if (done.at(i) || indegree.value(tasks.at(i).id) != 0)
                continue;
            done[i] = true;
            progressed = true;
            order << tasks.at(i).id;
            for (const PlanLink &l : ls)
                if (l.from == tasks.at(i).id && indegree.contains(l.to))
                    --indegree[l.to];
        }
    }
    if (order.size() != tasks.size())
        return {};
    return order;
}

} // namespace edgegpt
