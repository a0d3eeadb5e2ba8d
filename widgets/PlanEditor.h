// PlanEditor: the plan graph editor — the graph view, a task inspector (model and device from
// lists filtered by what the catalog allows), the validation problems, and the edit actions
// (add, delete, undo, redo, layout, zoom). Everything goes through one PlanDocument.
#pragma once

#include "widgets/PlanDocument.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QToolBar;
class QToolButton;

namespace edgegpt {

class PlanGraphScene;
class PlanGraphView;

class PlanEditor : public QWidget
{
    Q_OBJECT
public:
    // Edits `document`, which it does not own; if the document is destroyed first the editor
    // shows nothing and edits nothing.
    explicit PlanEditor(PlanDocument *document, QWidget *parent = nullptr);
    ~PlanEditor() override;

    PlanDocument *document() const { return m_document; }
    PlanGraphScene *scene() const { return m_scene; }
    PlanGraphView *view() const { return m_view; }
    QListWidget *problemList() const { return m_problems; }
    QComboBox *modelBox() const { return m_modelBox; }
    QComboBox *deviceBox() const { return m_deviceBox; }

    QAction *undoAction() const { return m_undo; }
    QAction *redoAction() const { return m_redo; }
    QAction *deleteAction() const { return m_delete; }
    QAction *layoutAction() const { return m_layout; }
    QAction *zoomInAction() const { return m_zoomIn; }
    QAction *zoomOutAction() const { return m_zoomOut; }
    QAction *zoomFitAction() const { return m_zoomFit; }
    QToolButton *addTaskButton() const { return m_addTask; }

Q_SIGNALS:
    // A line for the status bar (a refused edit, a hint).
    void message(const QString &text);

private:
    void showTask(const QString &taskId);
    void refreshProblems();

    QPointer<PlanDocument> m_document;
    PlanGraphScene *m_scene;
    PlanGraphView *m_view;
    QToolBar *m_toolBar;
    QToolButton *m_addTask;
    QAction *m_undo;
    QAction *m_redo;
    QAction *m_delete;
    QAction *m_layout;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
    QAction *m_zoomFit;
    QWidget *m_inspector;
    QLabel *m_taskTitle;
    QLabel *m_taskInfo;
    QComboBox *m_modelBox;
    QComboBox *m_deviceBox;
    QListWidget *m_problems;
    QLabel *m_problemHeader;
    QString m_shownTask;
    bool m_updating = false;
};

} // namespace edgegpt
