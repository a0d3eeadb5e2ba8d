// Validation of a plan against the catalog. Reports every problem, each tied to the task or the
// link it concerns, so that the console can mark it in the graph and a planner can quote it back
// to the LLM.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/plan/Plan.h"

#include <QList>
#include <QString>

namespace edgegpt {

struct PlanProblem
{
    enum class Kind {
        EmptyPlan,
        DuplicateId,
        UnknownTask,
        UnknownModel,
        UnknownDevice,
        MissingModel,        // an AI task with no model
        ModelOnSensingStep,  // a sensing step given a model
        ModelTaskMismatch,   // the model does not do that task
        ModelDeviceMismatch, // the model cannot run on that device class
        SensorMissing,       // a sensing step on a device without that sensor
        UnknownSource,       // a link from a task that does not exist
        Cycle,
        TypeMismatch,  // a link carries a type the input does not accept
        ArgumentCount, // wrong number of inputs for the task kind
    };
    Kind kind;
    QString taskId;  // the task concerned (for a link: the consuming task)
    PlanLink link;   // set for link problems (from non-empty)
    QString message; // one sentence a person can act on

    bool concernsLink() const { return !link.from.isEmpty(); }
};

QString problemKindName(PlanProblem::Kind kind);

QList<PlanProblem> validatePlan(const Plan &plan, const Catalog &catalog);

// "t2: model "ViT" does not do Object Detection" — one line per problem.
QString describeProblems(const QList<PlanProblem> &problems);

} // namespace edgegpt
