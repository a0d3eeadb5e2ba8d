// The plan document and its graph editor: edits go through the document, round-trip to JSON and
// undo; bad links are refused or flagged on their edge; the layered layout puts dependent tasks
// in later layers; plans save and open; nodes mark what runs here (stand-in, not runnable).
#include "app/console/MainWindow.h"
#include "core/catalog/Catalog.h"
#include "core/plan/PlanFormat.h"
#include "core/planner/LocalPlanner.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"
#include "widgets/PlanLayout.h"

#include <QAction>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStyleOptionGraphicsItem>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QWheelEvent>
#include <QtTest>

using namespace edgegpt;

class PlanGraphTest : public QObject
{
    Q_OBJECT

private:
    const Catalog &catalog() { return Catalog::builtin(); }
    Plan carPlan()
    {
        LocalPlanner planner(catalog());
        const Result<Plan> plan = planner.planNow(QStringLiteral("What's in the front of my car?"));
        if (!plan)
            qFatal("local planner failed: %s", qPrintable(plan.error()));
        return *plan;
    }
    // The problem list's row that mentions `where`, or null.
    static QListWidgetItem *problemItem(const QListWidget *list, const QString &where)
    {
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->text().startsWith(where + QStringLiteral(": ")))
                return list->item(i);
        return nullptr;
    }
    static void dragWithLeftButton(QWidget *viewport, const QPoint &from, const QPoint &to)
    {
        QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), viewport->mapToGlobal(QPointF(to)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, to);
    }

private Q_SLOTS:
    void editDeviceThroughDocumentChangesJsonAndUndoRestores()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        QCOMPARE(doc.plan().tasks.size(), 2);
        const QByteArray before = doc.toJson();
        const QString t2 = doc.plan().tasks[1].id;
        // A device the catalog allows for the caption model other than the current one.
        const QStringList devices = doc.allowedDevices(t2);
        QVERIFY(devices.size() > 1);
        QString other;
        for (const QString &d : devices)
            if (d != doc.plan().tasks[1].device &&
                catalog().device(d)->tier == Device::Tier::EdgeServer)
                other = d;
        QVERIFY(!other.isEmpty());
        QVERIFY(doc.setTaskDevice(t2, other).ok());
        QVERIFY(doc.toJson() != before);
        QVERIFY(doc.toJson().contains(other.toUtf8()));
        // Round trip: the JSON is the plan.
        const Result<Plan> parsed = planFromJson(doc.toJson());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->tasks[1].device, other);
        doc.undoStack()->undo();
        QCOMPARE(doc.toJson(), before);
        doc.undoStack()->redo();
        QCOMPARE(doc.plan().tasks[1].device, other);
    }

    void editModelThroughInspector()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        const QString t2 = doc.plan().tasks[1].id;
        editor.scene()->selectTask(t2);
        QComboBox *models = editor.modelBox();
        QVERIFY(models->isEnabled());
        QVERIFY(models->count() >= 2);
        // Every model offered does the task and runs on the device.
        const Device *device = catalog().device(doc.plan().tasks[1].device);
        for (int i = 0; i < models->count(); ++i) {
            const AiModel *m = catalog().model(models->itemData(i).toString());
            QVERIFY(m);
            QCOMPARE(m->task, doc.plan().tasks[1].task);
            QVERIFY(catalog().canRun(*m, *device));
        }
        const QString before = doc.plan().tasks[1].model;
        const int other = models->currentIndex() == 0 ? 1 : 0;
        const QString chosen = models->itemData(other).toString();
        models->setCurrentIndex(other);
        Q_EMIT models->activated(other);
        QCOMPARE(doc.plan().tasks[1].model, chosen);
        QVERIFY(doc.toJson().contains(chosen.toUtf8()));
        QCOMPARE(editor.scene()->node(t2)->task().model, chosen); // the view follows the document
        doc.undoStack()->undo();
        QCOMPARE(doc.plan().tasks[1].model, before);
        QCOMPARE(editor.scene()->node(t2)->task().model, before);
        // The sensing step is marked and offers no model.
        const QString t1 = doc.plan().tasks[0].id;
        QVERIFY(editor.scene()->node(t1)->isSensing());
        editor.scene()->selectTask(t1);
        QVERIFY(!editor.modelBox()->isEnabled());
    }

    void cycleLinkIsRefused()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        const Plan before = doc.plan();
        const int steps = doc.undoStack()->count();
        const Result<void> r = doc.addLink(QStringLiteral("t2"), QStringLiteral("t1"));
        QVERIFY(!r.ok());
        QVERIFY(r.error().contains(QStringLiteral("cycle")));
        QCOMPARE(doc.plan(), before);
        QCOMPARE(doc.undoStack()->count(), steps);
    }

    void typeMismatchIsRefusedByGestureAndFlaggedOnTheEdge()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        const Result<QString> t3 = doc.addTask(QStringLiteral("Image Classification"));
        QVERIFY2(t3.ok(), qPrintable(t3.error()));
        // t2 gives text; an image classifier takes an image: the gesture is refused...
        const Result<void> refused = doc.addLink(QStringLiteral("t2"), *t3);
        QVERIFY(!refused.ok());
        QVERIFY(!doc.plan().find(*t3)->args[0].isLink());
        // ...and a plan that has such a link (from JSON, an LLM) shows it on that edge.
        QVERIFY(doc.setArgSource(*t3, 0, QStringLiteral("t2")).ok());
        LinkEdgeItem *edge = editor.scene()->edge(QStringLiteral("t2"), *t3);
        QVERIFY(edge);
        QVERIFY(edge->hasProblem());
        QCOMPARE(edge->problems().first().kind, PlanProblem::Kind::TypeMismatch);
        QVERIFY(!editor.scene()->edge(QStringLiteral("t1"), QStringLiteral("t2"))->hasProblem());
        QListWidgetItem *row = problemItem(editor.problemList(), QStringLiteral("t2 → ") + *t3);
        QVERIFY(row);
        // The sentence says what each end gives and takes.
        const QString text = doc.problemText(edge->problems().first());
        QVERIFY2(text.contains(QStringLiteral("text")) && text.contains(QStringLiteral("image")),
                 qPrintable(text));
        QVERIFY(row->text().endsWith(text));
        QVERIFY(edge->toolTip().contains(text));
        // Its row in the list selects that link.
        Q_EMIT editor.problemList()->itemClicked(row);
        QVERIFY(editor.scene()->edge(QStringLiteral("t2"), *t3)->isSelected());
        QVERIFY(!editor.scene()->edge(QStringLiteral("t1"), QStringLiteral("t2"))->isSelected());
        // A good link from the camera clears it.
        doc.undoStack()->undo();
        QVERIFY(doc.addLink(QStringLiteral("t1"), *t3).ok());
        QVERIFY(!editor.scene()->edge(QStringLiteral("t1"), *t3)->hasProblem());
    }

    void problemOnTaskIsMarkedOnItsNode()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        // A model the catalog does not know: the problem sits on that task only.
        QVERIFY(doc.setTaskModel(QStringLiteral("t2"), QStringLiteral("no-such-model")).ok());
        TaskNodeItem *node = editor.scene()->node(QStringLiteral("t2"));
        QVERIFY(node->hasProblem());
        QVERIFY(!editor.scene()->node(QStringLiteral("t1"))->hasProblem());
        QVERIFY(editor.problemList()->count() >= 1);
        // Its row in the list selects the task it concerns.
        QListWidgetItem *row = problemItem(editor.problemList(), QStringLiteral("t2"));
        QVERIFY(row);
        // List and tooltip word it through tr(), from the plan: it names the model.
        const PlanProblem problem = doc.taskProblems(QStringLiteral("t2")).first();
        QCOMPARE(problem.kind, PlanProblem::Kind::UnknownModel);
        const QString text = doc.problemText(problem);
        QVERIFY(text.contains(QStringLiteral("no-such-model")));
        QCOMPARE(row->text(), QStringLiteral("t2: ") + text);
        QVERIFY(node->toolTip().contains(text));
        QCOMPARE(node->problems().first().message, text);
        QVERIFY(editor.scene()->selectedTask().isEmpty());
        Q_EMIT editor.problemList()->itemClicked(row);
        QCOMPARE(editor.scene()->selectedTask(), QStringLiteral("t2"));
        QCOMPARE(editor.modelBox()->currentData().toString(), QStringLiteral("no-such-model"));
    }

    void layoutPlacesDependentTasksInLaterLayers()
    {
        Plan plan;
        auto task = [](const QString &id, const QString &kind, QList<TaskArg> args) {
            PlanTask t;
            t.id = id;
            t.task = kind;
            t.device = QStringLiteral("Mobile phone");
            t.args = args;
            return t;
        };
        // t1 -> t2 -> t4, t1 -> t3 -> t4, t5 alone; declared out of order.
        plan.tasks = {task(QStringLiteral("t4"), QStringLiteral("Visual Question Answering"),
                           {TaskArg{QStringLiteral("image"), {}, QStringLiteral("t2")},
                            TaskArg{QStringLiteral("text"), {}, QStringLiteral("t3")}}),
                      task(QStringLiteral("t1"), QStringLiteral("Capture Image"), {}),
                      task(QStringLiteral("t2"), QStringLiteral("Image-to-Image"),
                           {TaskArg{QStringLiteral("image"), {}, QStringLiteral("t1")}}),
                      task(QStringLiteral("t3"), QStringLiteral("Image-to-Text"),
                           {TaskArg{QStringLiteral("image"), {}, QStringLiteral("t1")}}),
                      task(QStringLiteral("t5"), QStringLiteral("Capture Image"), {})};
        const QHash<QString, int> layers = planLayers(plan);
        QCOMPARE(layers.value(QStringLiteral("t1")), 0);
        QCOMPARE(layers.value(QStringLiteral("t5")), 0);
        QCOMPARE(layers.value(QStringLiteral("t2")), 1);
        QCOMPARE(layers.value(QStringLiteral("t3")), 1);
        QCOMPARE(layers.value(QStringLiteral("t4")), 2);
        PlanDocument doc(catalog());
        doc.replacePlan(plan, QStringLiteral("plan"));
        PlanGraphScene scene(&doc);
        for (const PlanLink &l : doc.plan().links())
            QVERIFY2(scene.node(l.from)->x() < scene.node(l.to)->x(), qPrintable(l.from + l.to));
        QVERIFY(scene.node(QStringLiteral("t2"))->y() != scene.node(QStringLiteral("t3"))->y());
        // A cycle still shows every task.
        plan.tasks[1].args = {TaskArg{QStringLiteral("image"), {}, QStringLiteral("t4")}};
        QCOMPARE(planLayers(plan).size(), plan.tasks.size());
    }

    void addDeleteTaskAndLinkWithUndo()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanGraphScene scene(&doc);
        const Result<QString> added =
            doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
        QVERIFY(added.ok());
        QVERIFY(scene.node(*added));
        const PlanTask *t = doc.plan().find(*added);
        QVERIFY(!t->model.isEmpty());
        QVERIFY(catalog().canRun(*catalog().model(t->model), *catalog().device(t->device)));
        QVERIFY(doc.addLink(QStringLiteral("t1"), *added).ok());
        QVERIFY(scene.edge(QStringLiteral("t1"), *added));
        // Delete the camera through the scene's selection: its links go with it.
        scene.selectTask(QStringLiteral("t1"));
        scene.deleteSelection();
        QVERIFY(!doc.plan().find(QStringLiteral("t1")));
        QVERIFY(!scene.node(QStringLiteral("t1")));
        QVERIFY(scene.edges().isEmpty());
        doc.undoStack()->undo();
        QVERIFY(scene.node(QStringLiteral("t1")));
        QCOMPARE(scene.edges().size(), 2);
        // Deleting a link alone.
        scene.selectLink(PlanLink{QStringLiteral("t1"), *added, -1});
        scene.deleteSelection();
        QVERIFY(!scene.edge(QStringLiteral("t1"), *added));
        QVERIFY(scene.edge(QStringLiteral("t1"), QStringLiteral("t2")));
    }

    void drawLinkWithTheMouse()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        const Result<QString> t3 =
            doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
        QVERIFY(t3.ok());
        PlanEditor editor(&doc);
        editor.resize(1200, 700);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        PlanGraphView *view = editor.view();
        view->zoomToFit();
        QWidget *viewport = view->viewport();
        const QPoint from =
            view->mapFromScene(editor.scene()->node(QStringLiteral("t1"))->outputPort());
        const QPoint to =
            view->mapFromScene(editor.scene()->node(*t3)->sceneBoundingRect().center());
        QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), viewport->mapToGlobal(QPointF(to)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, to);
        QVERIFY(editor.scene()->edge(QStringLiteral("t1"), *t3));
        QVERIFY(doc.plan().find(*t3)->args[0].sourceTask == QStringLiteral("t1"));
    }

    void zoomStaysBounded()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        for (int i = 0; i < 40; ++i)
            editor.view()->zoomIn();
        QVERIFY(editor.view()->zoom() <= 4.0);
        for (int i = 0; i < 80; ++i)
            editor.view()->zoomOut();
        QVERIFY(editor.view()->zoom() >= 0.2);
    }

    void nodesShowTaskModelDeviceInTheirDeviceColour()
    {
        // Every device of the catalog has a colour of its own.
        QSet<QString> colours;
        for (const Device &d : catalog().devices())
            colours.insert(deviceColor(d.name).name());
        QCOMPARE(colours.size(), catalog().devices().size());

        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        QVERIFY(
            doc.setTaskDevice(QStringLiteral("t2"), QStringLiteral("Edge server (RTX 3090)")).ok());
        PlanGraphScene scene(&doc);
        const QRectF area = scene.sceneRect();
        QImage image(area.size().toSize(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QPainter painter(&image);
        scene.render(&painter, QRectF(QPointF(0, 0), area.size()), area);
        painter.end();
        for (const QString &id : {QStringLiteral("t1"), QStringLiteral("t2")}) {
            const TaskNodeItem *n = scene.node(id);
            QVERIFY(n);
            // The band down the card's left edge is painted in the device's colour.
            const QPointF band =
                n->mapToScene(QPointF(8, TaskNodeItem::height * 0.75)) - area.topLeft();
            QCOMPARE(QColor(image.pixel(band.toPoint())).name(),
                     deviceColor(n->task().device).name());
            const QString tip = n->toolTip();
            QVERIFY2(tip.contains(n->task().task) && tip.contains(n->task().device),
                     qPrintable(tip));
            if (!n->isSensing())
                QVERIFY2(tip.contains(n->task().model), qPrintable(tip));
        }
        QVERIFY(scene.node(QStringLiteral("t1"))->isSensing());
        QVERIFY(!scene.node(QStringLiteral("t2"))->isSensing());
        QVERIFY(deviceColor(scene.node(QStringLiteral("t1"))->task().device) !=
                deviceColor(scene.node(QStringLiteral("t2"))->task().device));
    }

    void editDeviceThroughInspectorAndUndoFromAnotherView()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        PlanEditor second(&doc); // a second view of the same document shares its history
        // The sensing step is offered only devices with the sensor it reads.
        editor.scene()->selectTask(QStringLiteral("t1"));
        QComboBox *devices = editor.deviceBox();
        QVERIFY(devices->isEnabled());
        QVERIFY(devices->count() >= 2);
        for (int i = 0; i < devices->count(); ++i) {
            const Device *d = catalog().device(devices->itemText(i));
            QVERIFY(d);
            QVERIFY2(d->sensors.contains(QStringLiteral("camera")), qPrintable(d->name));
        }
        QCOMPARE(devices->findText(QStringLiteral("Wi-Fi router")), -1);
        // The captioner is offered only devices that can run its model.
        editor.scene()->selectTask(QStringLiteral("t2"));
        const PlanTask before = *doc.plan().find(QStringLiteral("t2"));
        const AiModel *model = catalog().model(before.model);
        QVERIFY(model);
        QCOMPARE(devices->currentText(), before.device);
        QVERIFY(devices->count() >= 2);
        QVERIFY(devices->count() < catalog().devices().size());
        for (int i = 0; i < devices->count(); ++i)
            QVERIFY2(catalog().canRun(*model, *catalog().device(devices->itemText(i))),
                     qPrintable(devices->itemText(i)));
        const int other = devices->currentIndex() == 0 ? 1 : 0;
        const QString chosen = devices->itemText(other);
        const QByteArray jsonBefore = doc.toJson();
        devices->setCurrentIndex(other);
        Q_EMIT devices->activated(other);
        QCOMPARE(doc.plan().find(QStringLiteral("t2"))->device, chosen);
        QVERIFY(doc.toJson().contains(chosen.toUtf8()));
        QCOMPARE(editor.scene()->node(QStringLiteral("t2"))->task().device, chosen);
        QCOMPARE(second.scene()->node(QStringLiteral("t2"))->task().device, chosen);
        QCOMPARE(devices->currentText(), chosen); // still shown, now on its new device
        QCOMPARE(doc.undoStack()->count(), 2);
        // Undo from the other editor's action: one history, held by the document.
        QVERIFY(second.undoAction()->isEnabled());
        second.undoAction()->trigger();
        QCOMPARE(doc.toJson(), jsonBefore);
        QCOMPARE(editor.scene()->node(QStringLiteral("t2"))->task().device, before.device);
        QCOMPARE(devices->currentText(), before.device);
        QVERIFY(editor.redoAction()->isEnabled());
        editor.redoAction()->trigger();
        QCOMPARE(second.scene()->node(QStringLiteral("t2"))->task().device, chosen);
    }

    void addTaskFromTheMenuSelectsIt()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        QMenu *menu = editor.addTaskButton()->menu();
        QVERIFY(menu);
        QAction *detection = nullptr;
        QAction *capture = nullptr;
        for (QAction *a : menu->actions()) {
            if (a->text() == QStringLiteral("Object Detection"))
                detection = a;
            if (QMenu *sub = a->menu())
                for (QAction *s : sub->actions())
                    if (s->text() == QStringLiteral("Capture Image"))
                        capture = s; // sensing steps sit in their own submenu
        }
        QVERIFY(detection);
        QVERIFY(capture);
        detection->trigger();
        QCOMPARE(doc.plan().tasks.size(), 3);
        const PlanTask added = doc.plan().tasks.last();
        QCOMPARE(added.task, QStringLiteral("Object Detection"));
        QVERIFY(editor.scene()->node(added.id));
        QCOMPARE(editor.scene()->selectedTask(), added.id);
        QVERIFY(editor.modelBox()->isEnabled());
        QCOMPARE(editor.modelBox()->currentData().toString(), added.model);
        QCOMPARE(editor.deviceBox()->currentText(), added.device);
        capture->trigger();
        QCOMPARE(doc.plan().tasks.size(), 4);
        QVERIFY(editor.scene()->node(doc.plan().tasks.last().id)->isSensing());
        editor.undoAction()->trigger();
        editor.undoAction()->trigger();
        QCOMPARE(doc.plan().tasks.size(), 2);
        QVERIFY(!editor.scene()->node(added.id));
    }

    void deleteKeyRemovesTheSelectionInOneUndoStep()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        const Result<QString> t3 =
            doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
        QVERIFY(t3.ok());
        QVERIFY(doc.addLink(QStringLiteral("t1"), *t3).ok());
        PlanEditor editor(&doc);
        editor.resize(1000, 600);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        const Plan before = doc.plan();
        const int steps = doc.undoStack()->count();
        editor.scene()->node(QStringLiteral("t2"))->setSelected(true);
        editor.scene()->edge(QStringLiteral("t1"), *t3)->setSelected(true);
        editor.view()->setFocus();
        QTest::keyClick(editor.view(), Qt::Key_Delete);
        QVERIFY(!doc.plan().find(QStringLiteral("t2")));
        QVERIFY(doc.plan().find(QStringLiteral("t1")));
        QVERIFY(!doc.plan().find(*t3)->args[0].isLink());
        QVERIFY(editor.scene()->edges().isEmpty());
        QCOMPARE(doc.undoStack()->count(), steps + 1);
        doc.undoStack()->undo();
        QCOMPARE(doc.plan(), before);
        QCOMPARE(editor.scene()->edges().size(), 2);
        // Nothing selected: Delete changes nothing and adds no step.
        editor.scene()->clearSelection();
        QTest::keyClick(editor.view(), Qt::Key_Delete);
        QCOMPARE(doc.plan(), before);
        QCOMPARE(doc.undoStack()->index(), steps);
    }

    void wheelZoomsAndDraggingTheBackgroundPans()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        editor.resize(1000, 600);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        PlanGraphView *view = editor.view();
        view->zoomToFit();
        QWidget *viewport = view->viewport();
        const QPointF centre = QPointF(viewport->rect().center());
        const double fitted = view->zoom();
        QWheelEvent up(centre, viewport->mapToGlobal(centre), QPoint(), QPoint(0, 120),
                       Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport, &up);
        QVERIFY(view->zoom() > fitted);
        QWheelEvent down(centre, viewport->mapToGlobal(centre), QPoint(), QPoint(0, -120),
                         Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport, &down);
        QVERIFY(qAbs(view->zoom() - fitted) < 1e-9);
        // Zoomed in, the plan overflows the view; dragging the background moves it.
        for (int i = 0; i < 6; ++i)
            editor.zoomInAction()->trigger();
        QScrollBar *h = view->horizontalScrollBar();
        QScrollBar *v = view->verticalScrollBar();
        QVERIFY(h->maximum() > 0);
        h->setValue((h->minimum() + h->maximum()) / 2);
        v->setValue((v->minimum() + v->maximum()) / 2);
        QPoint background(-1, -1);
        for (int y = 40; y < viewport->height() - 40 && background.x() < 0; y += 20)
            for (int x = 200; x < viewport->width() - 40 && background.x() < 0; x += 20)
                if (view->items(QPoint(x, y)).isEmpty())
                    background = QPoint(x, y);
        QVERIFY(background.x() >= 0);
        const QPointF sceneBefore = view->mapToScene(background);
        const int h0 = h->value();
        const int v0 = v->value();
        const Plan before = doc.plan();
        dragWithLeftButton(viewport, background, background - QPoint(120, 60));
        QVERIFY(h->value() != h0 || v->value() != v0);
        QVERIFY(view->mapToScene(background) != sceneBefore);
        QCOMPARE(doc.plan(), before); // panning is not an edit
    }

    void movedTasksStayUntilTheLayoutAction()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        PlanEditor editor(&doc);
        PlanGraphScene *scene = editor.scene();
        const QPointF home = scene->node(QStringLiteral("t2"))->pos();
        const QPointF moved = home + QPointF(-400, 260);
        scene->node(QStringLiteral("t2"))->setPos(moved);
        // The link follows its task.
        const QPointF end =
            scene->edge(QStringLiteral("t1"), QStringLiteral("t2"))->path().pointAtPercent(1.0);
        QCOMPARE(end, scene->node(QStringLiteral("t2"))->inputPort());
        // Changing the model keeps the task where the operator put it.
        QString otherModel;
        for (const QString &m : doc.allowedModels(QStringLiteral("t2")))
            if (m != doc.plan().find(QStringLiteral("t2"))->model)
                otherModel = m;
        QVERIFY(!otherModel.isEmpty());
        QVERIFY(doc.setTaskModel(QStringLiteral("t2"), otherModel).ok());
        QCOMPARE(scene->node(QStringLiteral("t2"))->pos(), moved);
        editor.layoutAction()->trigger();
        QCOMPARE(scene->node(QStringLiteral("t2"))->pos(), home);
    }

    void everyEditRoundTripsThroughJson()
    {
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        const QByteArray planned = doc.toJson();
        auto roundTrips = [&doc] {
            const Result<Plan> back = planFromJson(doc.toJson());
            return back.ok() && *back == doc.plan();
        };
        QVERIFY(roundTrips());
        const Result<QString> t3 =
            doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
        QVERIFY(t3.ok());
        QVERIFY(roundTrips());
        QVERIFY(doc.addLink(QStringLiteral("t1"), *t3).ok());
        QVERIFY(roundTrips());
        QVERIFY(doc.setTaskDevice(*t3, QStringLiteral("Edge server (RTX 4090)")).ok());
        QVERIFY(roundTrips());
        QVERIFY(doc.removeLink(PlanLink{QStringLiteral("t1"), QStringLiteral("t2"), -1}).ok());
        QVERIFY(roundTrips());
        QVERIFY(doc.removeTask(QStringLiteral("t2")).ok());
        QVERIFY(roundTrips());
        // Putting the parsed JSON back (what the JSON view does) is not another edit.
        const int steps = doc.undoStack()->count();
        doc.replacePlan(*planFromJson(doc.toJson()), QStringLiteral("json"));
        QCOMPARE(doc.undoStack()->count(), steps);
        // Undoing everything gives back the planner's plan, byte for byte.
        while (doc.undoStack()->index() > 1)
            doc.undoStack()->undo();
        QCOMPARE(doc.toJson(), planned);
    }

    void teardownSendsNothingIntoTheEditor()
    {
        // The editor and its scene go while a task is selected: the scene must not report the
        // selection it loses into the half-destroyed editor (that wrote to a destroyed QString
        // and corrupted the heap).
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        auto *editor = new PlanEditor(&doc);
        editor->scene()->selectTask(QStringLiteral("t1"));
        QCOMPARE(editor->scene()->selectedTask(), QStringLiteral("t1"));
        QObject watcher;
        int duringTeardown = 0;
        connect(editor->scene(), &PlanGraphScene::selectedTaskChanged, &watcher,
                [&] { ++duringTeardown; });
        connect(editor, &PlanEditor::message, &watcher, [&] { ++duringTeardown; });
        delete editor;
        QCOMPARE(duringTeardown, 0);
        // The same for a scene on its own.
        auto *scene = new PlanGraphScene(&doc);
        scene->selectTask(QStringLiteral("t2"));
        connect(scene, &PlanGraphScene::selectedTaskChanged, &watcher, [&] { ++duringTeardown; });
        delete scene;
        QCOMPARE(duringTeardown, 0);
        QVERIFY(
            doc.setTaskModel(QStringLiteral("t2"), doc.allowedModels(QStringLiteral("t2")).last())
                .ok());
    }

    void documentGoingFirstLeavesAnEmptyEditor()
    {
        // The console's main window deletes its children in creation order: the document
        // before the editor that shows it.
        auto *doc = new PlanDocument(catalog());
        doc->replacePlan(carPlan(), QStringLiteral("plan"));
        QVERIFY(doc->setTaskModel(QStringLiteral("t2"), QStringLiteral("no-such-model")).ok());
        auto *editor = new PlanEditor(doc);
        editor->scene()->selectTask(QStringLiteral("t2"));
        QVERIFY(editor->modelBox()->isEnabled());
        QVERIFY(editor->problemList()->count() > 0);
        delete doc;
        QVERIFY(!editor->document());
        QVERIFY(!editor->scene()->document());
        QVERIFY(editor->scene()->nodes().isEmpty());
        QVERIFY(editor->scene()->edges().isEmpty());
        QVERIFY(editor->scene()->items().isEmpty());
        QVERIFY(!editor->modelBox()->isEnabled());
        QVERIFY(!editor->deviceBox()->isEnabled());
        QCOMPARE(editor->problemList()->count(), 0);
        // Gestures and actions now do nothing rather than touch the freed document.
        editor->deleteAction()->trigger();
        editor->layoutAction()->trigger();
        editor->scene()->autoLayout();
        delete editor;
    }

    void saveAndOpenRoundTrip()
    {
        QTemporaryDir dir;
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        QVERIFY(
            doc.setTaskDevice(QStringLiteral("t2"), QStringLiteral("Edge server (RTX 3090)")).ok());
        for (const QString &name : {QStringLiteral("plan.json"), QStringLiteral("plan.txt")}) {
            const QString path = dir.filePath(name);
            QVERIFY(doc.save(path).ok());
            QVERIFY(doc.undoStack()->isClean());
            PlanDocument other(catalog());
            const Result<void> opened = other.open(path);
            QVERIFY2(opened.ok(), qPrintable(opened.error()));
            QCOMPARE(other.plan().tasks, doc.plan().tasks);
            QCOMPARE(other.filePath(), path);
            QCOMPARE(other.undoStack()->count(), 0);
        }
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"format\": \"edgegpt-plan\", \"version\": 99, \"tasks\": []}");
        bad.close();
        PlanDocument third(catalog());
        QVERIFY(!third.open(bad.fileName()).ok());
    }

    // Each AI task says what runs here: the default bindings serve image classification with the
    // fashion-mnist cnn (a stand-in) and nothing else; other bindings change the marks.
    void nodesMarkWhatRunsHere()
    {
        Plan plan = carPlan(); // t1 capture, t2 captioning
        plan.tasks << PlanTask{QStringLiteral("t3"),
                               QStringLiteral("Image Classification"),
                               QStringLiteral("google/vit-base-patch16-224"),
                               QStringLiteral("Vehicle"),
                               {TaskArg{QStringLiteral("image"), QString(), QStringLiteral("t1")}},
                               QString()};
        PlanDocument doc(catalog());
        doc.replacePlan(plan, QStringLiteral("plan"));
        PlanEditor editor(&doc);
        editor.resize(1000, 700);
        PlanGraphScene *scene = editor.scene();
        TaskNodeItem *capture = scene->node(QStringLiteral("t1"));
        TaskNodeItem *caption = scene->node(QStringLiteral("t2"));
        TaskNodeItem *classify = scene->node(QStringLiteral("t3"));
        QVERIFY(capture && caption && classify);
        QCOMPARE(capture->runMark(), TaskNodeItem::RunMark::None);
        QCOMPARE(caption->runMark(), TaskNodeItem::RunMark::NotRunnable);
        QCOMPARE(caption->runMarkText(), QStringLiteral("not runnable here"));
        QVERIFY2(caption->toolTip().contains(QStringLiteral("Not runnable here")),
                 qPrintable(caption->toolTip()));
        QCOMPARE(classify->runMark(), TaskNodeItem::RunMark::StandIn);
        QCOMPARE(classify->standIn(), QStringLiteral("fashion-mnist cnn"));
        QVERIFY2(classify->toolTip().contains(QStringLiteral("stand-in: fashion-mnist cnn")),
                 qPrintable(classify->toolTip()));
        QVERIFY(!capture->toolTip().contains(QStringLiteral("runnable")));

        // The mark is drawn: the node looks different without it.
        const auto render = [](TaskNodeItem *n) {
            QImage img(int(TaskNodeItem::width) + 16, int(TaskNodeItem::height) + 16,
                       QImage::Format_ARGB32);
            img.fill(Qt::white);
            QPainter p(&img);
            p.translate(8, 8);
            QStyleOptionGraphicsItem option;
            n->paint(&p, &option, nullptr);
            return img;
        };
        const QImage marked = render(classify);
        classify->setBinding(nullptr);
        QCOMPARE(classify->runMark(), TaskNodeItem::RunMark::NotRunnable);
        const QImage notRunnable = render(classify);
        QVERIFY(marked != notRunnable);

        // The inspector says it too.
        scene->selectTask(QStringLiteral("t2"));
        QVERIFY2(editor.findChildren<QLabel *>().size() > 0, "no labels");
        bool said = false;
        for (const QLabel *l : editor.findChildren<QLabel *>())
            said = said || l->text().contains(QStringLiteral("Not runnable here"));
        QVERIFY(said);

        // Bindings that serve the captioner (as itself) and no classifier.
        const Result<ModelBindings> own = ModelBindings::parse(
            R"({"format":"edgegpt-bindings","version":1,"bindings":[
                {"name":"blip","models":["Salesforce/blip-image-captioning-base"],"dir":"/m"}]})",
            QStringLiteral("own.json"), QStringLiteral("/"));
        QVERIFY2(own.ok(), qPrintable(own.error()));
        scene->setBindings(*own);
        QCOMPARE(scene->node(QStringLiteral("t2"))->runMark(), TaskNodeItem::RunMark::None);
        QVERIFY(scene->node(QStringLiteral("t2"))->toolTip().contains(QStringLiteral("blip")));
        QCOMPARE(scene->node(QStringLiteral("t3"))->runMark(), TaskNodeItem::RunMark::NotRunnable);
    }

    // The console plans with the bindings in view: the clothing question becomes image
    // classification with the stand-in, and the log says why. A bindings file is a setting.
    void consolePlansWithTheBindings()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
        MainWindow window(&settings);
        QCOMPARE(window.bindingsFile(), QString());
        QSignalSpy done(&window, &MainWindow::planningDone);
        window.planRequest(QStringLiteral("What kind of clothing is in this picture?"));
        QVERIFY(done.count() == 1 || done.wait(5000));
        QCOMPARE(done.last().at(0).toBool(), true);
        const Plan &plan = window.document()->plan();
        bool classified = false;
        for (const PlanTask &t : plan.tasks) {
            QVERIFY(t.task != QLatin1String("Visual Question Answering"));
            if (t.task == QLatin1String("Image Classification")) {
                classified = true;
                QCOMPARE(window.editor()->scene()->node(t.id)->runMark(),
                         TaskNodeItem::RunMark::StandIn);
            }
        }
        QVERIFY(classified);
        if (!plan.provenance.notes.isEmpty())
            QVERIFY2(window.logView()->toPlainText().contains(
                         QStringLiteral("planned image classification")),
                     qPrintable(window.logView()->toPlainText()));

        // A broken file changes nothing and says why; a good one applies and is kept.
        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write(R"({"format":"edgegpt-bindings","version":1,"bindings":[{"name":"X"}]})");
        b.close();
        QVERIFY(!window.setBindingsFile(bad).ok());
        QCOMPARE(window.bindingsFile(), QString());
        QVERIFY2(window.statusText().contains(QStringLiteral("$.bindings[0].name")),
                 qPrintable(window.statusText()));
        const QString good = dir.filePath(QStringLiteral("good.json"));
        QFile g(good);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(R"({"format":"edgegpt-bindings","version":1,"bindings":[
            {"name":"tr","models":["t5-small"],"dir":"t5"}]})");
        g.close();
        QVERIFY(window.setBindingsFile(good).ok());
        QCOMPARE(window.bindingsFile(), good);
        QCOMPARE(settings.value(QStringLiteral("console/bindings_file")).toString(), good);
        for (const PlanTask &t : window.document()->plan().tasks)
            if (t.task == QLatin1String("Image Classification"))
                QCOMPARE(window.editor()->scene()->node(t.id)->runMark(),
                         TaskNodeItem::RunMark::NotRunnable);
        // Nothing classifies here now: the clothing question stays as the planner made it.
        window.planRequest(QStringLiteral("What kind of clothing is in this picture?"));
        QVERIFY(done.count() == 2 || done.wait(5000));
        QVERIFY(window.document()->plan().provenance.notes.isEmpty());
    }
};

QTEST_MAIN(PlanGraphTest)
#include "tst_plangraph.moc"
