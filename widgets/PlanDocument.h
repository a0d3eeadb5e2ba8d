// PlanDocument: the plan being edited in the console, the one source of truth for the graph, the
// JSON/text views and the planners' output. It holds the Plan value, its validation problems and
// the QUndoStack; every edit is an undo command that swaps whole Plan snapshots (plans are small,
// and a snapshot can never drift from what was on screen). Views only observe planChanged() and
// ask the document to edit; none of them holds a copy of the plan or an undo stack of its own.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/plan/Plan.h"
#include "core/plan/PlanValidator.h"
#include "core/util/Result.h"

#include <QObject>
#include <QStringList>

class QUndoStack;

namespace edgegpt {

class PlanDocument : public QObject
{
    Q_OBJECT
public:
    explicit PlanDocument(const Catalog &catalog, QObject *parent = nullptr);
    ~PlanDocument() override;

    const Plan &plan() const { return m_plan; }
    const Catalog &catalog() const { return m_catalog; }
    QUndoStack *undoStack() const { return m_undo; }
    const QList<PlanProblem> &problems() const { return m_problems; }
    QList<PlanProblem> taskProblems(const QString &taskId) const; // not link problems
    QList<PlanProblem> linkProblems(const PlanLink &link) const;
    // The problem in the operator's language (the validator's own message is English, for logs
    // and the LLM), worded from the plan and the catalog.
    QString problemText(const PlanProblem &problem) const;
    QByteArray toJson() const;
    QString toText() const;

    // The file the plan was opened from or saved to; empty for a new or planned plan.
    QString filePath() const { return m_filePath; }

    // Edits, each one step of the undo stack. They refuse (with a message) what the graph
    // cannot show: unknown ids, a link that closes a cycle or carries a type the input does
    // not take. Catalog problems (a model that cannot run on a device) are allowed and shown.
    void replacePlan(const Plan &plan, const QString &undoText);
    Result<void> setTaskModel(const QString &taskId, const QString &model);
    Result<void> setTaskDevice(const QString &taskId, const QString &device);
    // A new task of `taskKind` on `device` (the first device that fits when empty) with the
    // first model that runs there; returns its id.
    Result<QString> addTask(const QString &taskKind, const QString &device = {});
    // Removes the task; inputs it fed become empty request values.
    Result<void> removeTask(const QString &taskId);
    // Links `from`'s output to the first input of `to` that takes one of its types (preferring
    // one not linked yet).
    Result<void> addLink(const QString &from, const QString &to);
    // Sets input `argIndex` of `to` to come from `from` without type checks (the JSON view and
    // tests use it; the validator flags a mismatch on the link).
    Result<void> setArgSource(const QString &to, int argIndex, const QString &from);
    Result<void> removeLink(const PlanLink &link);
    // Removes several tasks (with their links) and links in one undo step, as the graph's
    // Delete does with its selection.
    Result<void> removeItems(const QStringList &taskIds, const QList<PlanLink> &links);

    // Files: JSON (docs/plan-format.md) or the paper's text format by extension (.txt).
    // Opening clears the undo history: the file is the new starting point.
    Result<void> open(const QString &path);
    Result<void> save(const QString &path);

    // What the catalog allows for a task: models of its kind that run on its device (plus the
    // current one), and devices where the task with its model passes the device checks (for a
    // sensing step, devices that have its sensor), plus the current one.
    QStringList allowedModels(const QString &taskId) const;
    QStringList allowedDevices(const QString &taskId) const;
    bool isSensing(const QString &taskId) const;

Q_SIGNALS:
    // The plan value changed (any edit, undo, redo, open, replace). Problems are up to date.
    void planChanged();
    void filePathChanged(const QString &path);

private:
    friend class PlanSnapshotCommand;
    void apply(const Plan &plan); // used by the undo commands
    Result<void> commit(Plan next, const QString &undoText);
    bool wouldCycle(const Plan &plan, const QString &from, const QString &to) const;
    // Whether the task may run on the device `plan` gives it: the validator has no device
    // objection, and a sensing step is on a device with sensors.
    bool deviceFits(const Plan &plan, const QString &taskId) const;
    static bool dropTask(Plan &plan, const QString &taskId);
    static bool dropLink(Plan &plan, const PlanLink &link);

    Catalog m_catalog;
    Plan m_plan;
    QList<PlanProblem> m_problems;
    QUndoStack *m_undo;
    QString m_filePath;
};

} // namespace edgegpt
