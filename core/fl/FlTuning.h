// `edgegpt fl tune`: a planner proposes a federated training configuration, the run answers, the
// planner proposes again (docs/federated.md). This file holds what does not need a process or a
// network: the proposal's JSON form and its parser (plain or fenced JSON; anything else is a
// one-line error), the record of an attempt, the prompt that carries the previous attempts to an
// LLM, and the local rule-based proposer that reads the same attempts.
#pragma once

#include "core/fl/FlConfig.h"
#include "core/util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace edgegpt {

struct FlProposal
{
    QString model = QStringLiteral("cnn");
    double width = 1.0;
    QString optimizer = QStringLiteral("sgd");
    double lr = 0.05;
    int localEpochs = 1;
    int batch = 32;
    int rounds = 3;
    bool alphaAware = false; // class-balanced local loss on each device's skewed shard
    QString reason;
    bool done = false; // the planner says it has nothing better to try

    QJsonObject toJson() const;
    // The run's configuration: `base` (devices, shards, seed...) with this proposal's fields.
    FlRunConfig applyTo(FlRunConfig base) const;
    static FlProposal fromConfig(const FlRunConfig &config, const QString &reason);
    bool sameTraining(const FlProposal &o) const;
};

// An LLM's answer: one JSON object, plain or in a ``` / ```json fence, with the proposal's keys
// ({"done": true, "reason": …} ends the search). Unknown keys are ignored; a missing or mistyped
// field, an unknown model or optimizer or a value out of range is a one-line error.
Result<FlProposal> parseFlProposal(const QString &answer);

struct FlAttempt
{
    int index = 1; // 1-based
    FlProposal proposal;
    QList<double> accuracyCurve; // per round, fraction
    QList<double> lossCurve;
    QList<int> devicesPerRound;
    double finalAccuracy = 0;
    double seconds = 0;
    qint64 modelBytes = 0;
    QString error; // the run failed: why

    // "attempt 1: cnn width 1, sgd lr 0.05, 1 local epoch, batch 32, 3 rounds reached 84.1% in 3
    // rounds, 41 s, 1.71 MB; accuracy per round 61.0, 75.2, 84.1; test loss 1.10, 0.71, 0.45"
    QString summary() const;
};

struct FlTuneContext
{
    QString request;
    int devices = 10;
    double alpha = 0.5;
    int samplesPerDevice = 200;
    double budgetSeconds = 0;  // 0: none
    double attemptSeconds = 0; // 0: none; each attempt's share of the budget
};

// The model-size limit a request states ("under 1 MB", "< 500 KB"), in bytes; 0 when none.
qint64 sizeLimitOf(const QString &request);

// The chat messages for the next proposal: the task, the schema, the context and every attempt
// so far (FlAttempt::summary()).
QJsonArray flTuningMessages(const FlTuneContext &context, const QList<FlAttempt> &attempts);

// The rule-based proposer: the baseline first, then a change chosen from the last attempts' curves
// (raise the learning rate when the loss stalls, more local epochs or a wider model when it
// underfits, fewer local epochs and class-balanced loss when the devices diverge, a smaller model
// when it is over the size limit), never a configuration already tried.
FlProposal proposeLocally(const FlTuneContext &context, const FlProposal &baseline,
                          const QList<FlAttempt> &attempts);

} // namespace edgegpt
