// The local planner's knowledge of language: cue patterns per task kind, conflict rules and
// device cues, loaded from resources/planner/lexicon.json. Kept as data so that tuning the
// planner needs no code change (docs/local-planner.md explains each field).
#pragma once

#include "core/util/Result.h"

#include <QHash>
#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct TaskCue
{
    QRegularExpression pattern;
    double weight = 1;
    QString requiresMedium; // "image", "audio", "video": counts only when the request has it
    QString forbidsMedium;  // counts only when the request does not have it
    QString forbidsFile;    // counts only when the request names no file of this medium
    QRegularExpression cancelInSentence; // when it matches the cue's sentence, the match is void
    QString withTask;                    // counts only when this task was detected already
    // The match names the step's result ("transcribe that improved speech"): the step comes
    // before the one whose clause uses it, so its position is the start of that clause.
    bool namesResult = false;
};

struct TaskCues
{
    QString task;
    QList<TaskCue> cues;
    bool dependsOnOthers = false; // has a `with` cue: evaluated after the others
    // General words for the task (synonyms of its description's verbs and objects), used only
    // by the fallback guess (TaskWordModel) when no cue reaches the threshold.
    QStringList keywords;
};

struct Exclusion
{
    QString ifTask;
    QString dropTask;
    double below = 1e9; // drop only when the dropped task's score is below this
    QString singleFile; // drop only when the request names at most one file of this medium
};

struct DeviceCue
{
    QRegularExpression pattern;
    QString device;
};

struct ModelRule
{
    QString task;
    QString sourceTask;
    QString model;
};

struct PlannerLexicon
{
    double threshold = 0.8;
    QList<TaskCues> tasks; // evaluation order: independent tasks first
    QList<Exclusion> exclusions;
    QList<QPair<QString, QString>> requiredSources; // task -> task that must feed it
    QStringList lateGenerators;               // generators that follow the text they illustrate
    QHash<QString, QStringList> preferSource; // task -> preferred producers of its input
    QStringList perSource;                    // one instance per independent producer
    QStringList terminal; // results that feed no later step (a similarity score)
    // Tasks that compare two inputs of one type: the second comes from another earlier producer
    // whose result no step uses yet ("compare the summary with the answer").
    QStringList comparers;
    // How a request names each task's result when a later step reads it ("the detected items",
    // "that generated question", "the edited table"): task -> a pattern matched after a
    // determiner ("the", "that", "this same" …), see LocalPlanner::planNow.
    QHash<QString, QRegularExpression> resultNames;
    QList<ModelRule> modelRules;
    QList<DeviceCue> devices;
    QString defaultDevice;

    static Result<PlannerLexicon> fromJson(const QByteArray &json, const QString &fileName);
    static Result<PlannerLexicon> load(const QString &path);
    // The lexicon shipped in resources/planner (compiled in); aborts if it is broken (a build
    // defect, caught by the unit tests).
    static const PlannerLexicon &builtin();
};

} // namespace edgegpt
