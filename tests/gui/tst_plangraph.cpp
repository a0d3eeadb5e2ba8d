// The plan document and its graph editor: edits go through the document, round-trip to JSON and
// undo; bad links are refused or flagged on their edge; the layered layout puts dependent tasks
// in later layers; plans save and open.
#include "core/catalog/Catalog.h"
#include "core/plan/PlanFormat.h"
#include "core/planner/LocalPlanner.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"
#include "widgets/PlanLayout.h"

#include <QComboBox>
#include <QListWidget>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QUndoStack>
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
            if (d != doc.plan().tasks[1].device && catalog().device(d)->tier == Device::Tier::EdgeServer)
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
        bool listed = false;
        for (int i = 0; i < editor.problemList()->count(); ++i)
            listed |= editor.problemList()->item(i)->text().contains(QStringLiteral("t2 → ") + *t3);
        QVERIFY(listed);
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
        const Result<QString> added = doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
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
        const Result<QString> t3 = doc.addTask(QStringLiteral("Object Detection"), QStringLiteral("Vehicle"));
        QVERIFY(t3.ok());
        PlanEditor editor(&doc);
        editor.resize(1200, 700);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        PlanGraphView *view = editor.view();
        view->zoomToFit();
        QWidget *viewport = view->viewport();
        const QPoint from = view->mapFromScene(editor.scene()->node(QStringLiteral("t1"))->outputPort());
        const QPoint to = view->mapFromScene(editor.scene()->node(*t3)->sceneBoundingRect().center());
        QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), viewport->mapToGlobal(QPointF(to)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
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

    void saveAndOpenRoundTrip()
    {
        QTemporaryDir dir;
        PlanDocument doc(catalog());
        doc.replacePlan(carPlan(), QStringLiteral("plan"));
        QVERIFY(doc.setTaskDevice(QStringLiteral("t2"), QStringLiteral("Edge server (RTX 3090)")).ok());
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
};

QTEST_MAIN(PlanGraphTest)
#include "tst_plangraph.moc"
