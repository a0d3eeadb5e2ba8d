#include "core/plan/PlanValidator.h"

#include <QHash>
#include <QSet>

namespace edgegpt {

namespace {

// Sensors a sensing step needs on its device, by task kind.
QString sensorFor(const QString &taskId)
{
    static const QHash<QString, QString> table = {
        {QStringLiteral("Capture Image"), QStringLiteral("camera")},
        {QStringLiteral("Heart-Rate Monitoring"), QStringLiteral("heart-rate")},
        {QStringLiteral("Wi-Fi Traffic Sensing"), QStringLiteral("wifi")},
        {QStringLiteral("Acoustic Sensing"), QStringLiteral("microphone")},
    };
    return table.value(taskId);
}

} // namespace

QString problemKindName(PlanProblem::Kind kind)
{
    switch (kind) {
    case PlanProblem::Kind::EmptyPlan:
        return QStringLiteral("empty-plan");
    case PlanProblem::Kind::DuplicateId:
        return QStringLiteral("duplicate-id");
    case PlanProblem::Kind::UnknownTask:
        return QStringLiteral("unknown-task");
    case PlanProblem::Kind::UnknownModel:
        return QStringLiteral("unknown-model");
    case PlanProblem::Kind::UnknownDevice:
        return QStringLiteral("unknown-device");
    case PlanProblem::Kind::MissingModel:
        return QStringLiteral("missing-model");
    case PlanProblem::Kind::ModelOnSensingStep:
        return QStringLiteral("model-on-sensing-step");
    case PlanProblem::Kind::ModelTaskMismatch:
        return QStringLiteral("model-task-mismatch");
    case PlanProblem::Kind::ModelDeviceMismatch:
        return QStringLiteral("model-device-mismatch");
    case PlanProblem::Kind::SensorMissing:
        return QStringLiteral("sensor-missing");
    case PlanProblem::Kind::UnknownSource:
        return QStringLiteral("unknown-source");
    case PlanProblem::Kind::Cycle:
        return QStringLiteral("cycle");
    case PlanProblem::Kind::TypeMismatch:
        return QStringLiteral("type-mismatch");
    case PlanProblem::Kind::ArgumentCount:
        return QStringLiteral("argument-count");
    }
    return {};
}

QList<PlanProblem> validatePlan(const Plan &plan, const Catalog &catalog)
{
    using K = PlanProblem::Kind;
    QList<PlanProblem> out;
    auto add = [&](K kind, const QString &task, const QString &message, PlanLink link = {}) {
        out << PlanProblem{kind, task, link, message};
    };

    if (plan.tasks.isEmpty())
        add(K::EmptyPlan, QString(), QStringLiteral("the plan has no tasks"));

    QSet<QString> ids;
    for (const PlanTask &t : plan.tasks) {
        if (ids.contains(t.id))
            add(K::DuplicateId, t.id, QStringLiteral("task id \"%1\" is used twice").arg(t.id));
        ids.insert(t.id);
    }

    for (const PlanTask &t : plan.tasks) {
        const TaskKind *kind = catalog.task(t.task);
        const AiModel *model = t.model.isEmpty() ? nullptr : catalog.model(t.model);
        const Device *device = catalog.device(t.device);
        if (!kind)
            add(K::UnknownTask, t.id, QStringLiteral("unknown task \"%1\"").arg(t.task));
        if (!t.model.isEmpty() && !model)
            add(K::UnknownModel, t.id, QStringLiteral("unknown AI model \"%1\"").arg(t.model));
        if (!device)
            add(K::UnknownDevice, t.id, QStringLiteral("unknown device \"%1\"").arg(t.device));
        if (kind && kind->sensing && !t.model.isEmpty())
            add(K::ModelOnSensingStep, t.id,
                QStringLiteral("\"%1\" is a sensing step and takes no AI model (got \"%2\")")
                    .arg(kind->id, t.model));
        if (kind && !kind->sensing && t.model.isEmpty())
            add(K::MissingModel, t.id, QStringLiteral("\"%1\" needs an AI model").arg(kind->id));
        if (kind && model && catalog.task(model->task) != kind)
            add(K::ModelTaskMismatch, t.id,
                QStringLiteral("model \"%1\" does %2, not %3")
                    .arg(model->name, model->task, kind->id));
        if (model && device && !catalog.canRun(*model, *device))
            add(K::ModelDeviceMismatch, t.id,
                QStringLiteral("model \"%1\" cannot run on %2 (class %3; it runs on %4)")
                    .arg(model->name, device->name, device->deviceClass,
                         model->deviceClasses.join(QStringLiteral(", "))));
        // An edge server or the cloud has no sensors at all; a device with no sensor list is not
        // checked (the catalog may not know what it carries).
        const bool checkSensors =
            device && (!device->sensors.isEmpty() || device->tier != Device::Tier::Device);
        if (kind && kind->sensing && checkSensors) {
            const QString sensor = sensorFor(kind->id);
            if (!sensor.isEmpty() && !device->sensors.contains(sensor))
                add(K::SensorMissing, t.id,
                    QStringLiteral("%1 has no %2 sensor for \"%3\"")
                        .arg(device->name, sensor, kind->id));
        }
        if (kind && t.args.size() != kind->inputTypes.size())
            add(K::ArgumentCount, t.id,
                QStringLiteral("\"%1\" takes %2 input(s) (%3), the task has %4")
                    .arg(kind->id)
                    .arg(kind->inputTypes.size())
                    .arg(kind->inputTypes.join(QStringLiteral(", ")))
                    .arg(t.args.size()));

        for (int a = 0; a < t.args.size(); ++a) {
            const TaskArg &arg = t.args.at(a);
            if (!arg.isLink())
                continue;
            const PlanLink link{arg.sourceTask, t.id, a};
            const PlanTask *src = plan.find(arg.sourceTask);
            if (!src) {
                add(K::UnknownSource, t.id,
                    QStringLiteral("input %1 comes from unknown task \"%2\"")
                        .arg(a + 1)
                        .arg(arg.sourceTask),
                    link);
                continue;
            }
            const TaskKind *srcKind = catalog.task(src->task);
            const QString expected =
                kind && a < kind->inputTypes.size() ? kind->inputTypes.at(a) : arg.type;
            if (srcKind && !expected.isEmpty() && !srcKind->outputTypes.contains(expected))
                add(K::TypeMismatch, t.id,
                    QStringLiteral("%1 produces %2 but input %3 of %4 expects %5")
                        .arg(src->id, srcKind->outputTypes.join(QStringLiteral("/")))
                        .arg(a + 1)
                        .arg(t.id, expected),
                    link);
        }
    }

    if (!plan.tasks.isEmpty() && plan.topologicalOrder().isEmpty()) {
        // Name every link that lies on a cycle: a link u->v is on one if v reaches u.
        const QList<PlanLink> links = plan.links();
        auto reaches = [&](const QString &from, const QString &to) {
            QSet<QString> seen;
            QList<QString> stack{from};
            while (!stack.isEmpty()) {
                const QString n = stack.takeLast();
                if (n == to)
                    return true;
                if (seen.contains(n))
                    continue;
                seen.insert(n);
                for (const PlanLink &l : links)
                    if (l.from == n)
                        stack << l.to;
            }
            return false;
        };
        for (const PlanLink &l : links)
            if (plan.find(l.from) && reaches(l.to, l.from))
                add(K::Cycle, l.to,
                    QStringLiteral("the link %1 → %2 is part of a cycle").arg(l.from, l.to), l);
    }
    return out;
}

QString describeProblems(const QList<PlanProblem> &problems)
{
    QStringList lines;
    for (const PlanProblem &p : problems)
        lines << (p.taskId.isEmpty() ? p.message : p.taskId + QStringLiteral(": ") + p.message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace edgegpt
