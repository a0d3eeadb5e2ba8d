// The plan graph: a QGraphicsScene that shows a PlanDocument — tasks as nodes (task, model,
// device; coloured by device; sensing steps marked), links as edges — and turns the operator's
// gestures into document edits. The scene never edits items directly: it asks the document, and
// rebuilds its items when the document says the plan changed (the QtNodes rule: items follow the
// model). Validation problems are drawn on the task or link they concern. Each AI task says what
// runs here (core/catalog/ModelBindings.h): a "stand-in" mark when a binding with a stand-in serves
// its model, "not runnable here" when none does; the tooltip names the runnable model.
#pragma once

#include "core/catalog/ModelBindings.h"
#include "core/plan/Plan.h"
#include "core/plan/PlanValidator.h"
#include "widgets/PlanDocument.h"

#include <QColor>
#include <QGraphicsObject>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHash>
#include <QPointer>

namespace edgegpt {

class LinkEdgeItem;

// A colour per device of the catalog, stable across runs (by the device's position in the
// catalog), shades by tier: devices warm, edge servers green-blue, the cloud violet.
QColor deviceColor(const QString &device);

class TaskNodeItem : public QGraphicsObject
{
    Q_OBJECT
public:
    static constexpr double width = 220;
    static constexpr double height = 92;

    TaskNodeItem(const PlanTask &task, bool sensing, const QList<PlanProblem> &problems);

    // What runs the task's model here; the scene sets it for every AI task with a model.
    enum class RunMark { None, StandIn, NotRunnable };
    // `binding` null: no binding serves the model ("not runnable here").
    void setBinding(const ModelBinding *binding);
    RunMark runMark() const { return m_runMark; }
    QString runMarkText() const; // "stand-in", "not runnable here" (translated), or ""
    QString standIn() const { return m_standIn; }

    QString taskId() const { return m_task.id; }
    const PlanTask &task() const { return m_task; }
    bool isSensing() const { return m_sensing; }
    const QList<PlanProblem> &problems() const { return m_problems; }
    bool hasProblem() const { return !m_problems.isEmpty(); }
    QPointF inputPort() const;  // scene coordinates
    QPointF outputPort() const; // scene coordinates
    bool isOnOutputPort(const QPointF &scenePos) const;
    void addEdge(LinkEdgeItem *edge) { m_edges.append(edge); }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    void updateToolTip();

    PlanTask m_task;
    bool m_sensing;
    QList<PlanProblem> m_problems;
    QList<LinkEdgeItem *> m_edges;
    RunMark m_runMark = RunMark::None;
    QString m_bindingName;
    QString m_standIn;
    bool m_bindingKnown = false;
};

class LinkEdgeItem : public QGraphicsPathItem
{
public:
    LinkEdgeItem(const PlanLink &link, const QString &type, TaskNodeItem *from, TaskNodeItem *to,
                 const QList<PlanProblem> &problems);

    const PlanLink &link() const { return m_link; }
    const QList<PlanProblem> &problems() const { return m_problems; }
    bool hasProblem() const { return !m_problems.isEmpty(); }
    void adjust();

    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;
    QPainterPath shape() const override;

private:
    PlanLink m_link;
    QString m_type;
    TaskNodeItem *m_from;
    TaskNodeItem *m_to;
    QList<PlanProblem> m_problems;
};

class PlanGraphScene : public QGraphicsScene
{
    Q_OBJECT
public:
    // The scene follows `document` until either is destroyed; it does not own it. When the
    // document goes first the scene empties and ignores gestures.
    explicit PlanGraphScene(PlanDocument *document, QObject *parent = nullptr);
    ~PlanGraphScene() override;

    PlanDocument *document() const { return m_document; }
    TaskNodeItem *node(const QString &taskId) const { return m_nodes.value(taskId); }
    LinkEdgeItem *edge(const QString &from, const QString &to) const;
    QList<TaskNodeItem *> nodes() const { return m_nodes.values(); }
    QList<LinkEdgeItem *> edges() const { return m_edges; }
    QString selectedTask() const;
    // Which runnable model serves each catalog model (default: ModelBindings::builtIn()); the
    // nodes mark stand-ins and tasks not runnable here.
    void setBindings(const ModelBindings &bindings);
    const ModelBindings &bindings() const { return m_bindings; }

    // Places every task by the layered layout (also done when tasks or links change).
    void autoLayout();
    // Deletes the selected tasks and links through the document, as one undo step.
    void deleteSelection();
    void selectTask(const QString &taskId);
    void selectLink(const PlanLink &link);

Q_SIGNALS:
    void selectedTaskChanged(const QString &taskId);
    // A gesture the document refused, in words for the status bar.
    void editRefused(const QString &message);

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;

private:
    void rebuild();
    // Deletes every item without a selection signal (rebuild, teardown, a vanished document).
    void clearItems();
    TaskNodeItem *nodeAt(const QPointF &scenePos) const;

    QPointer<PlanDocument> m_document;
    ModelBindings m_bindings;
    QHash<QString, TaskNodeItem *> m_nodes;
    QList<LinkEdgeItem *> m_edges;
    QHash<QString, QPointF> m_positions;
    QStringList m_layoutKey; // ids and links the positions were computed for
    QString m_dragFrom;
    QGraphicsPathItem *m_dragLine = nullptr;
    bool m_rebuilding = false;
};

// Zoom with the wheel (around the pointer), pan by dragging the background, Delete removes the
// selection.
class PlanGraphView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit PlanGraphView(PlanGraphScene *scene, QWidget *parent = nullptr);
    double zoom() const { return transform().m11(); }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void zoomToFit();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void scaleBy(double factor);
    PlanGraphScene *m_scene;
};

} // namespace edgegpt
