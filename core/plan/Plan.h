// A plan: the DAG of tasks a planner proposes for one request. Each task names its task kind,
// its AI model (none for a sensing step) and the device that runs it; each argument is either a
// value from the request or the output of an earlier task. Links are derived from arguments, so
// there is one source of truth for the graph.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct TaskArg
{
    QString type;       // the data type this input expects: "image", "text", …
    QString value;      // a request value (a file name, a sentence) when sourceTask is empty
    QString sourceTask; // the id of the task whose output feeds this input

    bool isLink() const { return !sourceTask.isEmpty(); }
    bool operator==(const TaskArg &o) const
    {
        return type == o.type && value == o.value && sourceTask == o.sourceTask;
    }
};

struct PlanTask
{
    QString id;          // unique in the plan, e.g. "t1"
    QString task;        // TaskKind id
    QString model;       // AiModel name; empty for a pure sensing step ("NA" in the text format)
    QString device;      // Device name
    QList<TaskArg> args; // positional inputs
    QString description; // free text ("Monitor the heart rate"), optional

    bool operator==(const PlanTask &o) const
    {
        return id == o.id && task == o.task && model == o.model && device == o.device &&
               args == o.args && description == o.description;
    }
};

struct PlanLink
{
    QString from; // source task id
    QString to;   // consuming task id
    int argIndex = -1;
    bool operator==(const PlanLink &o) const
    {
        return from == o.from && to == o.to && argIndex == o.argIndex;
    }
};

// How the plan was made: which planner, how long it took and what it cost.
struct PlanProvenance
{
    QString planner;      // "local" or "llm"
    QString llmModel;     // the endpoint's model name, for the LLM planner
    double latencyMs = 0; // wall time from request to validated plan
    int promptTokens = 0;
    int completionTokens = 0;
    int attempts = 0; // LLM calls made (a corrected plan takes two)
    // What was changed after planning and why, one sentence each, e.g. "planned image
    // classification instead of visual question answering: runnable here"
    // (core/planner/PlanAvailability.h).
    QStringList notes;

    bool operator==(const PlanProvenance &o) const
    {
        return planner == o.planner && llmModel == o.llmModel && latencyMs == o.latencyMs &&
               promptTokens == o.promptTokens && completionTokens == o.completionTokens &&
               attempts == o.attempts && notes == o.notes;
    }
};

struct Plan
{
    QString request;
    QList<PlanTask> tasks;
    PlanProvenance provenance;

    const PlanTask *find(const QString &id) const;
    PlanTask *find(const QString &id);
    int indexOf(const QString &id) const;
    QList<PlanLink> links() const;
    // A fresh id ("t<N>") not used by any task yet.
    QString nextTaskId() const;
    // Task ids in an order where every task comes after its sources; empty if there is a cycle.
    QStringList topologicalOrder() const;

    bool operator==(const Plan &o) const
    {
        return request == o.request && tasks == o.tasks && provenance == o.provenance;
    }
    bool operator!=(const Plan &o) const { return !(*this == o); }
};

} // namespace edgegpt
