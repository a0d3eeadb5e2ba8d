#include "widgets/PlanEditor.h"

#include "widgets/PlanDocument.h"
#include "widgets/PlanGraphScene.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace edgegpt {

namespace {
constexpr int kTaskRole = Qt::UserRole;
constexpr int kLinkFromRole = Qt::UserRole + 1;
constexpr int kLinkToRole = Qt::UserRole + 2;
} // namespace

PlanEditor::PlanEditor(PlanDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
    , m_scene(new PlanGraphScene(document, this))
{
    m_view = new PlanGraphView(m_scene, this);
    m_view->setObjectName(QStringLiteral("planGraphView"));

    // Actions: undo and redo come from the document's stack so every view shares one history.
    QUndoStack *stack = document->undoStack();
    m_undo = stack->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_undo->setIcon(QIcon::fromTheme(QStringLiteral("edit-undo")));
    m_redo = stack->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    m_redo->setIcon(QIcon::fromTheme(QStringLiteral("edit-redo")));
    m_delete = new QAction(tr("&Delete"), this);
    m_delete->setToolTip(tr("Delete the selected tasks and links"));
    m_delete->setIcon(QIcon::fromTheme(QStringLiteral("edit-delete")));
    connect(m_delete, &QAction::triggered, m_scene, &PlanGraphScene::deleteSelection);
    m_layout = new QAction(tr("Auto &layout"), this);
    m_layout->setToolTip(tr("Place the tasks in layers, sources on the left"));
    m_layout->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    connect(m_layout, &QAction::triggered, this, [this] {
        m_scene->autoLayout();
        m_view->zoomToFit();
    });
    m_zoomIn = new QAction(tr("Zoom &in"), this);
    m_zoomIn->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomIn, &QAction::triggered, m_view, &PlanGraphView::zoomIn);
    m_zoomOut = new QAction(tr("Zoom &out"), this);
    m_zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOut, &QAction::triggered, m_view, &PlanGraphView::zoomOut);
    m_zoomFit = new QAction(tr("&Fit to window"), this);
    m_zoomFit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_zoomFit, &QAction::triggered, m_view, &PlanGraphView::zoomToFit);

    m_addTask = new QToolButton(this);
    m_addTask->setText(tr("Add task"));
    m_addTask->setToolTip(tr("Add a task of the catalog to the plan"));
    m_addTask->setPopupMode(QToolButton::InstantPopup);
    m_addTask->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *addMenu = new QMenu(m_addTask);
    QMenu *sensing = addMenu->addMenu(tr("Sensing steps"));
    for (const TaskKind &kind : document->catalog().tasks()) {
        QMenu *into = kind.sensing ? sensing : addMenu;
        QAction *a = into->addAction(kind.id);
        a->setToolTip(kind.description);
        const QString id = kind.id;
        connect(a, &QAction::triggered, this, [this, id] {
            if (!m_document)
                return;
            const Result<QString> r = m_document->addTask(id);
            if (!r) {
                Q_EMIT message(r.error());
                return;
            }
            m_scene->selectTask(*r);
        });
    }
    m_addTask->setMenu(addMenu);

    m_toolBar = new QToolBar(this);
    m_toolBar->setIconSize(QSize(18, 18));
    m_toolBar->addWidget(m_addTask);
    m_toolBar->addAction(m_delete);
    m_toolBar->addSeparator();
    // The toolbar's buttons keep short labels; the menu's actions say what they undo.
    auto *undoButton = new QAction(tr("Undo"), this);
    undoButton->setEnabled(stack->canUndo());
    connect(undoButton, &QAction::triggered, stack, &QUndoStack::undo);
    connect(stack, &QUndoStack::canUndoChanged, undoButton, &QAction::setEnabled);
    connect(stack, &QUndoStack::undoTextChanged, undoButton,
            [undoButton](const QString &text) { undoButton->setToolTip(tr("Undo %1").arg(text)); });
    auto *redoButton = new QAction(tr("Redo"), this);
    redoButton->setEnabled(stack->canRedo());
    connect(redoButton, &QAction::triggered, stack, &QUndoStack::redo);
    connect(stack, &QUndoStack::canRedoChanged, redoButton, &QAction::setEnabled);
    connect(stack, &QUndoStack::redoTextChanged, redoButton,
            [redoButton](const QString &text) { redoButton->setToolTip(tr("Redo %1").arg(text)); });
    m_toolBar->addAction(undoButton);
    m_toolBar->addAction(redoButton);
    m_toolBar->addSeparator();
    m_toolBar->addAction(m_layout);
    m_toolBar->addAction(m_zoomIn);
    m_toolBar->addAction(m_zoomOut);
    m_toolBar->addAction(m_zoomFit);
    auto *hint =
        new QLabel(tr("Drag from a task's right-hand dot to another task to link them."), this);
    hint->setStyleSheet(QStringLiteral("color: #6b7785; padding-left: 12px;"));
    m_toolBar->addWidget(hint);

    // Inspector.
    m_inspector = new QWidget(this);
    auto *inspectorLayout = new QVBoxLayout(m_inspector);
    inspectorLayout->setContentsMargins(8, 4, 4, 4);
    m_taskTitle = new QLabel(m_inspector);
    QFont titleFont = m_taskTitle->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_taskTitle->setFont(titleFont);
    m_taskTitle->setWordWrap(true);
    m_taskInfo = new QLabel(m_inspector);
    m_taskInfo->setWordWrap(true);
    m_taskInfo->setStyleSheet(QStringLiteral("color: #56616e;"));
    auto *form = new QFormLayout();
    m_modelBox = new QComboBox(m_inspector);
    m_modelBox->setObjectName(QStringLiteral("modelBox"));
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelBox->setMinimumContentsLength(18);
    m_deviceBox = new QComboBox(m_inspector);
    m_deviceBox->setObjectName(QStringLiteral("deviceBox"));
    m_deviceBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_deviceBox->setMinimumContentsLength(18);
    form->addRow(tr("AI model"), m_modelBox);
    form->addRow(tr("Device"), m_deviceBox);
    m_problemHeader = new QLabel(m_inspector);
    m_problems = new QListWidget(m_inspector);
    m_problems->setObjectName(QStringLiteral("problemList"));
    m_problems->setWordWrap(true);
    m_problems->setAlternatingRowColors(true);
    inspectorLayout->addWidget(m_taskTitle);
    inspectorLayout->addWidget(m_taskInfo);
    inspectorLayout->addLayout(form);
    inspectorLayout->addSpacing(8);
    inspectorLayout->addWidget(m_problemHeader);
    inspectorLayout->addWidget(m_problems, 1);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("planEditorSplitter"));
    splitter->addWidget(m_view);
    splitter->addWidget(m_inspector);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolBar);
    layout->addWidget(splitter, 1);

    connect(m_modelBox, &QComboBox::activated, this, [this](int index) {
        if (m_updating || m_shownTask.isEmpty() || !m_document)
            return;
        const QString model = m_modelBox->itemData(index).toString();
        const QString task = m_shownTask; // the edit re-shows the task, reassigning m_shownTask
        const Result<void> r = m_document->setTaskModel(task, model);
        if (!r)
            Q_EMIT message(r.error());
    });
    connect(m_deviceBox, &QComboBox::activated, this, [this](int index) {
        if (m_updating || m_shownTask.isEmpty() || !m_document)
            return;
        const QString task = m_shownTask;
        const Result<void> r = m_document->setTaskDevice(task, m_deviceBox->itemText(index));
        if (!r)
            Q_EMIT message(r.error());
    });
    connect(m_scene, &PlanGraphScene::selectedTaskChanged, this, &PlanEditor::showTask);
    connect(m_scene, &PlanGraphScene::editRefused, this, &PlanEditor::message);
    connect(m_document, &PlanDocument::planChanged, this, [this] {
        refreshProblems();
        showTask(m_scene->selectedTask());
    });
    connect(m_document, &QObject::destroyed, this, [this] {
        refreshProblems();
        showTask(QString());
    });
    connect(m_problems, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        const QString from = item->data(kLinkFromRole).toString();
        if (!from.isEmpty())
            m_scene->selectLink(PlanLink{from, item->data(kLinkToRole).toString(), -1});
        else
            m_scene->selectTask(item->data(kTaskRole).toString());
    });
    refreshProblems();
    showTask(QString());
}

PlanEditor::~PlanEditor()
{
    // The scene and view are children, deleted after this body: nothing they still signal may
    // reach this editor's slots once its members are gone.
    disconnect(m_scene, nullptr, this, nullptr);
}

void PlanEditor::showTask(const QString &taskId)
{
    m_updating = true;
    m_shownTask = m_document ? taskId : QString();
    const PlanTask *task = m_document ? m_document->plan().find(taskId) : nullptr;
    m_modelBox->clear();
    m_deviceBox->clear();
    m_modelBox->setEnabled(task != nullptr);
    m_deviceBox->setEnabled(task != nullptr);
    if (!task) {
        m_taskTitle->setText(tr("No task selected"));
        m_taskInfo->setText(tr("Select a task to choose its AI model and device."));
        m_updating = false;
        return;
    }
    const TaskKind *kind = m_document->catalog().task(task->task);
    m_taskTitle->setText(tr("%1 · %2").arg(task->id, task->task));
    QStringList info;
    if (kind) {
        info.append(tr("Takes: %1")
                        .arg(kind->inputTypes.isEmpty()
                                 ? tr("nothing")
                                 : kind->inputTypes.join(QLatin1String(", "))));
        info.append(tr("Gives: %1").arg(kind->outputTypes.join(QLatin1String(", "))));
    }
    if (!task->model.isEmpty()) {
        // What runs here (the scene's bindings).
        const ModelBinding *b = m_scene->bindings().forModel(task->model, m_document->catalog());
        if (!b)
            info.append(tr("Not runnable here: no model binding serves this model."));
        else if (!b->standIn.isEmpty())
            info.append(tr("Runs here as a stand-in: %1.").arg(b->standIn));
        else
            info.append(tr("Runs here as model %1.").arg(b->name));
    }
    m_taskInfo->setText(info.join(QLatin1Char('\n')));
    if (m_document->isSensing(taskId)) {
        m_modelBox->addItem(tr("none (sensing step)"), QString());
        m_modelBox->setEnabled(false);
    } else {
        for (const QString &model : m_document->allowedModels(taskId))
            m_modelBox->addItem(model, model);
        if (task->model.isEmpty()) {
            m_modelBox->insertItem(0, tr("(choose a model)"), QString());
            m_modelBox->setCurrentIndex(0);
        } else {
            m_modelBox->setCurrentIndex(m_modelBox->findData(task->model));
        }
    }
    for (const QString &device : m_document->allowedDevices(taskId))
        m_deviceBox->addItem(QIcon(), device);
    for (int i = 0; i < m_deviceBox->count(); ++i) {
        QPixmap swatch(12, 12);
        swatch.fill(deviceColor(m_deviceBox->itemText(i)));
        m_deviceBox->setItemIcon(i, QIcon(swatch));
    }
    m_deviceBox->setCurrentIndex(m_deviceBox->findText(task->device));
    m_updating = false;
}

void PlanEditor::refreshProblems()
{
    m_problems->clear();
    const QList<PlanProblem> problems = m_document ? m_document->problems() : QList<PlanProblem>();
    for (const PlanProblem &p : problems) {
        const QString where = p.concernsLink() ? tr("%1 → %2").arg(p.link.from, p.link.to)
                                               : (p.taskId.isEmpty() ? tr("plan") : p.taskId);
        auto *item =
            new QListWidgetItem(tr("%1: %2").arg(where, m_document->problemText(p)), m_problems);
        item->setData(kTaskRole, p.taskId);
        if (p.concernsLink()) {
            item->setData(kLinkFromRole, p.link.from);
            item->setData(kLinkToRole, p.link.to);
        }
        item->setForeground(QColor(0xb0, 0x25, 0x1a));
    }
    m_problemHeader->setText(problems.isEmpty()
                                 ? tr("No problems: the plan fits the catalog.")
                                 : tr("%n problem(s)", nullptr, int(problems.size())));
}

} // namespace edgegpt
