// Scoring planners on labelled requests in TaskBench's format (shared/data/taskbench-hf-dev.jsonl):
// micro-averaged node and link F1, exact-match rate and planning latency.
#pragma once

#include "core/plan/Plan.h"
#include "core/util/Result.h"
#include "core/util/Stats.h" // percentile(), median(): the project's one definition

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct LabelledRequest
{
    QString id;
    QString type; // single, chain, dag
    QString instruction;
    QStringList nodes; // task names
    QList<QPair<QString, QString>> links;
};

// Reads one JSON object per line; blank lines are skipped; every bad line is reported with its
// number. Refuses files over 64 MiB.
Result<QList<LabelledRequest>> readLabelledRequests(const QString &path);

struct PlanningScore
{
    int samples = 0;
    int failures = 0; // requests the planner could not plan (scored as empty plans)
    int nodeTp = 0, nodeFp = 0, nodeFn = 0;
    int linkTp = 0, linkFp = 0, linkFn = 0;
    int exact = 0;
    QList<double> latenciesMs;

    double nodeF1() const;
    double linkF1() const;
    double nodePrecision() const;
    double nodeRecall() const;
    double exactMatch() const { return samples ? double(exact) / samples : 0; }
    double medianMs() const; // percentile() in core/util/Stats.h: interpolated
    double p95Ms() const;
};

// Adds one sample. Node names outside `vocabulary` (the benchmark's task list) count for
// neither side, as TaskBench scores; links are compared as (source, target) name pairs.
void scorePlan(PlanningScore &score, const LabelledRequest &label, const Plan *plan,
               const QSet<QString> &vocabulary, double latencyMs);

} // namespace edgegpt
