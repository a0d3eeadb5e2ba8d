#include "widgets/PlanDocument.h"

#include "core/plan/PlanFormat.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>
#include <QUndoCommand>
#include <QUndoStack>

namespace edgegpt {

// One edit: the plan before and after. Pushing it runs redo(), which applies `after`.
class PlanSnapshotCommand : public QUndoCommand
{
public:
    PlanSnapshotCommand(PlanDocument *doc, Plan before, Plan after, const QString &text)
        : QUndoCommand(text)
        , m_doc(doc)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {}
    void undo() override { m_doc->apply(m_before); }
    void redo() override { m_doc->apply(m_after); }

private:
    PlanDocument *m_doc;
    Plan m_before;
    Plan m_after;
};

PlanDocument::PlanDocument(const Catalog &catalog, QObject *parent)
    : QObject(parent)
    , m_catalog(catalog)
    , m_undo(new QUndoStack(this))
{
    m_problems = validatePlan(m_plan, m_catalog);
}

PlanDocument::~PlanDocument() = default;

QList<PlanProblem> PlanDocument::taskProblems(const QString &taskId) const
{
    QList<PlanProblem> out;
    for (const PlanProblem &p : m_problems)
        if (!p.concernsLink() && p.taskId == taskId)
            out.append(p);
    return out;
}

QList<PlanProblem> PlanDocument::linkProblems(const PlanLink &link) const
{
    QList<PlanProblem> out;
    for (const PlanProblem &p : m_problems)
        if (p.concernsLink() && p.link.from == link.from && p.link.to == link.to &&
            (p.link.argIndex < 0 || link.argIndex < 0 || p.link.argIndex == link.argIndex))
            out.append(p);
    return out;
}

QString PlanDocument::problemText(const PlanProblem &p) const
{
    using K = PlanProblem::Kind;
    const PlanTask *t = m_plan.find(p.taskId);
    const QString task = t ? t->task : QString();
    const QString model = t ? t->model : QString();
    const QString device = t ? t->device : QString();
    const TaskKind *kind = t ? m_catalog.task(t->task) : nullptr;
    const AiModel *aiModel = t ? m_catalog.model(t->model) : nullptr;
    const int input = p.link.argIndex + 1;
    switch (p.kind) {
    case K::EmptyPlan:
        return tr("The plan has no tasks.");
    case K::DuplicateId:
        return tr("The id %1 is used by more than one task.").arg(p.taskId);
    case K::UnknownTask:
        return tr("The catalog has no task \"%1\".").arg(task);
    case K::UnknownModel:
        return tr("The catalog has no AI model \"%1\".").arg(model);
    case K::UnknownDevice:
        return device.isEmpty() ? tr("No device is chosen.")
                                : tr("The catalog has no device \"%1\".").arg(device);
    case K::MissingModel:
        return tr("\"%1\" needs an AI model.").arg(task);
    case K::ModelOnSensingStep:
        return tr("\"%1\" is a sensing step and takes no AI model (it has \"%2\").")
            .arg(task, model);
    case K::ModelTaskMismatch:
        return tr("%1 does %2, not %3.").arg(model, aiModel ? aiModel->task : QString(), task);
    case K::ModelDeviceMismatch:
        return tr("%1 cannot run on %2; it runs on: %3.")
            .arg(model, device,
                 aiModel ? aiModel->deviceClasses.join(QLatin1String(", ")) : QString());
    case K::SensorMissing:
        return tr("%1 lacks the sensor that \"%2\" reads.").arg(device, task);
    case K::UnknownSource:
        return tr("Input %1 comes from %2, which is not a task of the plan.")
            .arg(input)
            .arg(p.link.from);
    case K::Cycle:
        return tr("The link %1 → %2 is part of a cycle: a plan runs in one direction.")
            .arg(p.link.from, p.link.to);
    case K::TypeMismatch: {
        const PlanTask *source = m_plan.find(p.link.from);
        const TaskKind *sourceKind = source ? m_catalog.task(source->task) : nullptr;
        const QString gives =
            sourceKind ? sourceKind->outputTypes.join(QLatin1String(", ")) : QString();
        const QString takes = t && p.link.argIndex >= 0 && p.link.argIndex < t->args.size()
                                  ? t->args[p.link.argIndex].type
                                  : QString();
        return tr("%1 gives %2, but input %3 of %4 takes %5.")
            .arg(p.link.from, gives)
            .arg(input)
            .arg(p.taskId, takes);
    }
    case K::ArgumentCount:
        return tr("\"%1\" takes %n input(s), the task has %2.", nullptr,
                  kind ? int(kind->inputTypes.size()) : 0)
            .arg(task)
            .arg(t ? t->args.size() : 0);
    }
    return p.message;
}

QByteArray PlanDocument::toJson() const
{
    return planToJson(m_plan, true);
}

QString PlanDocument::toText() const
{
    return planToText(m_plan, m_catalog);
}

void PlanDocument::apply(const Plan &plan)
{
    m_plan = plan;
    m_problems = validatePlan(m_plan, m_catalog);
    Q_EMIT planChanged();
}

Result<void> PlanDocument::commit(Plan next, const QString &undoText)
{
    if (next == m_plan)
        return {};
    m_undo->push(new PlanSnapshotCommand(this, m_plan, std::move(next), undoText));
    return {};
}

void PlanDocument::replacePlan(const Plan &plan, const QString &undoText)
{
    commit(plan, undoText);
}

Result<void> PlanDocument::setTaskModel(const QString &taskId, const QString &model)
{
    Plan next = m_plan;
    PlanTask *task = next.find(taskId);
    if (!task)
        return Result<void>::failure(tr("There is no task %1.").arg(taskId));
    task->model = model;
    return commit(std::move(next), tr("Set the model of %1").arg(taskId));
}

Result<void> PlanDocument::setTaskDevice(const QString &taskId, const QString &device)
{
    Plan next = m_plan;
    PlanTask *task = next.find(taskId);
    if (!task)
        return Result<void>::failure(tr("There is no task %1.").arg(taskId));
    task->device = device;
    return commit(std::move(next), tr("Move %1 to %2").arg(taskId, device));
}

Result<QString> PlanDocument::addTask(const QString &taskKind, const QString &device)
{
    const TaskKind *kind = m_catalog.task(taskKind);
    if (!kind)
        return Result<QString>::failure(tr("The catalog has no task \"%1\".").arg(taskKind));
    Plan next = m_plan;
    PlanTask task;
    task.id = next.nextTaskId();
    task.task = kind->id;
    for (const QString &type : kind->inputTypes)
        task.args.append(TaskArg{type, QString(), QString()});
    next.tasks.append(task);
    const QString id = task.id;
    // Pick the device and model through the same checks the inspector offers.
    PlanTask *added = next.find(id);
    const QList<const AiModel *> models = m_catalog.modelsForTask(kind->id);
    QList<const Device *> candidates;
    if (!device.isEmpty()) {
        if (const Device *d = m_catalog.device(device))
            candidates.append(d);
    }
    for (const Device &d : m_catalog.devices())
        candidates.append(&d);
    for (const Device *d : candidates) {
        added->device = d->name;
        added->model.clear();
        if (!kind->sensing) {
            for (const AiModel *m : models) {
                if (m_catalog.canRun(*m, *d)) {
                    added->model = m->name;
                    break;
                }
            }
            if (added->model.isEmpty())
                continue;
        }
        if (deviceFits(next, id))
            break;
    }
    const Result<void> r = commit(std::move(next), tr("Add %1").arg(kind->id));
    if (!r)
        return Result<QString>::failure(r.error());
    return id;
}

bool PlanDocument::dropTask(Plan &plan, const QString &taskId)
{
    const int index = plan.indexOf(taskId);
    if (index < 0)
        return false;
    plan.tasks.removeAt(index);
    for (PlanTask &t : plan.tasks)
        for (TaskArg &a : t.args)
            if (a.sourceTask == taskId)
                a.sourceTask.clear();
    return true;
}

bool PlanDocument::dropLink(Plan &plan, const PlanLink &link)
{
    PlanTask *target = plan.find(link.to);
    if (!target)
        return false;
    bool removed = false;
    for (int i = 0; i < target->args.size(); ++i) {
        TaskArg &a = target->args[i];
        if (a.sourceTask == link.from && (link.argIndex < 0 || link.argIndex == i)) {
            a.sourceTask.clear();
            removed = true;
        }
    }
    return removed;
}

Result<void> PlanDocument::removeTask(const QString &taskId)
{
    Plan next = m_plan;
    if (!dropTask(next, taskId))
        return Result<void>::failure(tr("There is no task %1.").arg(taskId));
    return commit(std::move(next), tr("Delete %1").arg(taskId));
}

Result<void> PlanDocument::removeItems(const QStringList &taskIds, const QList<PlanLink> &links)
{
    Plan next = m_plan;
    // Links first: a link whose end is also deleted goes with that task.
    for (const PlanLink &l : links) {
        if (taskIds.contains(l.from) || taskIds.contains(l.to))
            continue;
        if (!dropLink(next, l))
            return Result<void>::failure(tr("There is no link from %1 to %2.").arg(l.from, l.to));
    }
    for (const QString &id : taskIds)
        if (!dropTask(next, id))
            return Result<void>::failure(tr("There is no task %1.").arg(id));
    const int count = int(taskIds.size() + links.size());
    QString text;
    if (count == 1)
        text = taskIds.isEmpty() ? tr("Unlink %1 from %2").arg(links[0].from, links[0].to)
                                 : tr("Delete %1").arg(taskIds[0]);
    else
        text = tr("Delete %n item(s)", nullptr, count);
    return commit(std::move(next), text);
}

bool PlanDocument::wouldCycle(const Plan &plan, const QString &from, const QString &to) const
{
    // A link from -> to closes a cycle when `to` already reaches `from`.
    QStringList stack{to};
    QSet<QString> seen;
    while (!stack.isEmpty()) {
        const QString id = stack.takeLast();
        if (id == from)
            return true;
        if (seen.contains(id))
            continue;
        seen.insert(id);
        for (const PlanLink &l : plan.links())
            if (l.from == id)
                stack.append(l.to);
    }
    return false;
}

Result<void> PlanDocument::addLink(const QString &from, const QString &to)
{
    const PlanTask *source = m_plan.find(from);
    const PlanTask *target = m_plan.find(to);
    if (!source || !target)
        return Result<void>::failure(tr("Both ends of a link must be tasks of the plan."));
    if (from == to || wouldCycle(m_plan, from, to))
        return Result<void>::failure(
            tr("A link from %1 to %2 would make a cycle: a plan runs in one direction.")
                .arg(from, to));
    const TaskKind *sourceKind = m_catalog.task(source->task);
    const QStringList outputs = sourceKind ? sourceKind->outputTypes : QStringList();
    int chosen = -1;
    for (int pass = 0; pass < 2 && chosen < 0; ++pass) {
        for (int i = 0; i < target->args.size(); ++i) {
            const TaskArg &a = target->args[i];
            if (!outputs.contains(a.type) || a.sourceTask == from)
                continue;
            if (pass == 0 && a.isLink())
                continue; // prefer an input that is not linked yet
            chosen = i;
            break;
        }
    }
    if (chosen < 0) {
        for (const TaskArg &a : target->args)
            if (a.sourceTask == from && outputs.contains(a.type))
                return Result<void>::failure(tr("%1 already feeds %2.").arg(from, to));
        return Result<void>::failure(tr("%1 produces %2, but %3 takes %4.")
                                         .arg(from, outputs.join(QLatin1String(", ")), to, [&] {
                                             QStringList types;
                                             for (const TaskArg &a : target->args)
                                                 types.append(a.type);
                                             return types.isEmpty()
                                                        ? tr("no input")
                                                        : types.join(QLatin1String(", "));
                                         }()));
    }
    Plan next = m_plan;
    TaskArg &arg = next.find(to)->args[chosen];
    arg.sourceTask = from;
    arg.value.clear();
    return commit(std::move(next), tr("Link %1 to %2").arg(from, to));
}

Result<void> PlanDocument::setArgSource(const QString &to, int argIndex, const QString &from)
{
    Plan next = m_plan;
    PlanTask *target = next.find(to);
    if (!target || argIndex < 0 || argIndex >= target->args.size())
        return Result<void>::failure(tr("Task %1 has no input %2.").arg(to).arg(argIndex + 1));
    target->args[argIndex].sourceTask = from;
    if (!from.isEmpty())
        target->args[argIndex].value.clear();
    return commit(std::move(next), tr("Link %1 to %2").arg(from, to));
}

Result<void> PlanDocument::removeLink(const PlanLink &link)
{
    Plan next = m_plan;
    if (!next.find(link.to))
        return Result<void>::failure(tr("There is no task %1.").arg(link.to));
    if (!dropLink(next, link))
        return Result<void>::failure(tr("There is no link from %1 to %2.").arg(link.from, link.to));
    return commit(std::move(next), tr("Unlink %1 from %2").arg(link.from, link.to));
}

Result<void> PlanDocument::open(const QString &path)
{
    QFile file(path);
    constexpr qint64 maxBytes = 4 * 1024 * 1024;
    if (!file.open(QIODevice::ReadOnly))
        return Result<void>::failure(tr("Cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > maxBytes)
        return Result<void>::failure(tr("%1 is too large for a plan.").arg(path));
    const QByteArray data = file.read(maxBytes);
    const bool text =
        QFileInfo(path).suffix().compare(QLatin1String("txt"), Qt::CaseInsensitive) == 0;
    Result<Plan> plan =
        text ? planFromText(QString::fromUtf8(data), m_catalog, true) : planFromJson(data);
    if (!plan)
        return Result<void>::failure(tr("%1: %2").arg(QFileInfo(path).fileName(), plan.error()));
    m_undo->clear();
    apply(*plan);
    m_filePath = path;
    m_undo->setClean();
    Q_EMIT filePathChanged(path);
    return {};
}

Result<void> PlanDocument::save(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Result<void>::failure(tr("Cannot write %1: %2").arg(path, file.errorString()));
    const bool text =
        QFileInfo(path).suffix().compare(QLatin1String("txt"), Qt::CaseInsensitive) == 0;
    file.write(text ? toText().toUtf8() : toJson());
    if (!file.commit())
        return Result<void>::failure(tr("Cannot write %1: %2").arg(path, file.errorString()));
    m_filePath = path;
    m_undo->setClean();
    Q_EMIT filePathChanged(path);
    return {};
}

bool PlanDocument::deviceFits(const Plan &plan, const QString &taskId) const
{
    const PlanTask *t = plan.find(taskId);
    const Device *device = t ? m_catalog.device(t->device) : nullptr;
    const TaskKind *kind = t ? m_catalog.task(t->task) : nullptr;
    if (!device)
        return false;
    // A sensing step reads a sensor of the device it runs on: edge servers and the cloud list
    // none. (The validator lets a plan that says so pass; the editor does not offer it.)
    if (kind && kind->sensing && device->sensors.isEmpty())
        return false;
    for (const PlanProblem &p : validatePlan(plan, m_catalog))
        if (p.taskId == taskId && (p.kind == PlanProblem::Kind::SensorMissing ||
                                   p.kind == PlanProblem::Kind::ModelDeviceMismatch))
            return false;
    return true;
}

bool PlanDocument::isSensing(const QString &taskId) const
{
    const PlanTask *t = m_plan.find(taskId);
    const TaskKind *kind = t ? m_catalog.task(t->task) : nullptr;
    return kind && kind->sensing;
}

QStringList PlanDocument::allowedModels(const QString &taskId) const
{
    QStringList out;
    const PlanTask *t = m_plan.find(taskId);
    if (!t)
        return out;
    const Device *device = m_catalog.device(t->device);
    const TaskKind *kind = m_catalog.task(t->task);
    if (kind && !kind->sensing) {
        for (const AiModel *m : m_catalog.modelsForTask(kind->id))
            if (!device || m_catalog.canRun(*m, *device))
                out.append(m->name);
    }
    if (!t->model.isEmpty() && !out.contains(t->model))
        out.prepend(t->model);
    return out;
}

QStringList PlanDocument::allowedDevices(const QString &taskId) const
{
    QStringList out;
    const int index = m_plan.indexOf(taskId);
    if (index < 0)
        return out;
    // Try the task on every device and keep those that fit, so the list never offers what the
    // validator would flag.
    Plan probe = m_plan;
    for (const Device &d : m_catalog.devices()) {
        probe.tasks[index].device = d.name;
        if (deviceFits(probe, taskId))
            out.append(d.name);
    }
    const QString current = m_plan.tasks[index].device;
    if (!current.isEmpty() && !out.contains(current))
        out.prepend(current);
    return out;
}

} // namespace edgegpt
