#include "widgets/PlanGraphScene.h"

#include "core/catalog/Catalog.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanLayout.h"

#include <QCoreApplication>
#include <QGraphicsSceneMouseEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QSignalBlocker>
#include <QStyleOptionGraphicsItem>
#include <QWheelEvent>
#include <QtMath>

namespace edgegpt {

namespace {

constexpr double kColumnWidth = 290;
constexpr double kRowHeight = 130;
const QColor kProblemColor(0xd6, 0x2d, 0x20);
const QColor kInk(0x22, 0x2a, 0x35);
const QColor kEdgeColor(0x5a, 0x67, 0x78);
const QColor kStandInColor(0x2b, 0x6c, 0xb0);
const QColor kNotRunnableColor(0x8a, 0x5a, 0x00);

QString problemTooltip(const QList<PlanProblem> &problems)
{
    QStringList lines;
    for (const PlanProblem &p : problems)
        lines.append(p.message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QColor deviceColor(const QString &device)
{
    // Hand-picked, distinguishable on a projector; tiers share a family of hues.
    static const QList<QColor> devices = {QColor(0xe0, 0x7a, 0x1f), QColor(0x2f, 0x7e, 0xd8),
                                          QColor(0xd1, 0x4d, 0x8c), QColor(0x8a, 0x5a, 0x2b),
                                          QColor(0x3d, 0xa5, 0xd9), QColor(0xc0, 0x9a, 0x10),
                                          QColor(0xb8, 0x55, 0x3a)};
    static const QList<QColor> servers = {QColor(0x1f, 0x9d, 0x74), QColor(0x2c, 0x8c, 0x99)};
    const QColor cloud(0x7b, 0x5c, 0xc7);
    const Catalog &catalog = Catalog::builtin();
    const Device *d = catalog.device(device);
    if (!d)
        return QColor(0x8a, 0x93, 0x9e);
    if (d->tier == Device::Tier::Cloud)
        return cloud;
    const QList<const Device *> tier = catalog.devicesInTier(d->tier);
    const int index = qMax(0, int(tier.indexOf(d)));
    const QList<QColor> &palette = d->tier == Device::Tier::EdgeServer ? servers : devices;
    return palette[index % palette.size()];
}

// ---- TaskNodeItem ----

TaskNodeItem::TaskNodeItem(const PlanTask &task, bool sensing, const QList<PlanProblem> &problems)
    : m_task(task)
    , m_sensing(sensing)
    , m_problems(problems)
{
    setFlags(ItemIsSelectable | ItemIsMovable | ItemSendsGeometryChanges);
    setAcceptHoverEvents(true);
    setZValue(1);
    updateToolTip();
}

void TaskNodeItem::setBinding(const ModelBinding *binding)
{
    m_bindingKnown = true;
    m_bindingName = binding ? binding->name : QString();
    m_standIn = binding ? binding->standIn : QString();
    if (m_sensing || m_task.model.isEmpty())
        m_runMark = RunMark::None;
    else if (!binding)
        m_runMark = RunMark::NotRunnable;
    else
        m_runMark = m_standIn.isEmpty() ? RunMark::None : RunMark::StandIn;
    updateToolTip();
    update();
}

QString TaskNodeItem::runMarkText() const
{
    switch (m_runMark) {
    case RunMark::StandIn:
        return tr("stand-in");
    case RunMark::NotRunnable:
        return tr("not runnable here");
    case RunMark::None:
        break;
    }
    return QString();
}

void TaskNodeItem::updateToolTip()
{
    QString tip =
        tr("%1: %2\nAI model: %3\nDevice: %4")
            .arg(m_task.id, m_task.task,
                 m_task.model.isEmpty() ? tr("none (sensing step)") : m_task.model, m_task.device);
    if (m_bindingKnown && !m_sensing && !m_task.model.isEmpty()) {
        if (m_bindingName.isEmpty())
            tip += QLatin1Char('\n') +
                   tr("Not runnable here: no model binding serves %1.").arg(m_task.model);
        else if (!m_standIn.isEmpty())
            tip += QLatin1Char('\n') +
                   tr("Runs here as a stand-in: %1 (model %2).").arg(m_standIn, m_bindingName);
        else
            tip += QLatin1Char('\n') + tr("Runs here as model %1.").arg(m_bindingName);
    }
    if (!m_problems.isEmpty())
        tip += QLatin1String("\n\n") + problemTooltip(m_problems);
    setToolTip(tip);
}

QRectF TaskNodeItem::boundingRect() const
{
    return QRectF(-8, -8, width + 16, height + 16);
}

QPointF TaskNodeItem::inputPort() const
{
    return mapToScene(QPointF(0, height / 2));
}

QPointF TaskNodeItem::outputPort() const
{
    return mapToScene(QPointF(width, height / 2));
}

bool TaskNodeItem::isOnOutputPort(const QPointF &scenePos) const
{
    return QLineF(scenePos, outputPort()).length() <= 11;
}

void TaskNodeItem::paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *)
{
    p->setRenderHint(QPainter::Antialiasing);
    const QRectF body(0, 0, width, height);
    const QColor color = deviceColor(m_task.device);
    const bool selected = option->state & QStyle::State_Selected;

    // Shadow, card, device band on the left.
    p->setPen(Qt::NoPen);
    p->setBrush(QColor(0, 0, 0, 28));
    p->drawRoundedRect(body.translated(2, 3), 9, 9);
    p->setBrush(Qt::white);
    QPen border(hasProblem() ? kProblemColor
                             : (selected ? QColor(0x1a, 0x73, 0xe8) : color.darker(115)),
                hasProblem() || selected ? 2.6 : 1.4);
    if (m_sensing)
        border.setStyle(Qt::DashLine);
    p->setPen(border);
    p->drawRoundedRect(body, 9, 9);
    // The band is the card's left 12 px, following its rounded corners.
    QPainterPath card;
    card.addRoundedRect(body, 9, 9);
    QPainterPath strip;
    strip.addRect(QRectF(0, 0, 12, height));
    p->fillPath(card.intersected(strip), color);

    // Text: id and task, model, device.
    const QRectF text = body.adjusted(20, 6, -10, -6);
    QFont f = p->font();
    f.setPointSizeF(9.5);
    f.setBold(true);
    p->setFont(f);
    p->setPen(kInk);
    const QFontMetricsF bold(f);
    p->drawText(QRectF(text.left(), text.top(), text.width(), 20), Qt::AlignLeft | Qt::AlignVCenter,
                bold.elidedText(m_task.id + QStringLiteral(" · ") + m_task.task, Qt::ElideRight,
                                text.width()));
    f.setBold(false);
    f.setPointSizeF(8.5);
    p->setFont(f);
    const QFontMetricsF normal(f);
    p->setPen(QColor(0x4a, 0x55, 0x63));
    const QString model = m_sensing
                              ? tr("sensing step, no AI model")
                              : (m_task.model.isEmpty() ? tr("no model chosen") : m_task.model);
    p->drawText(QRectF(text.left(), text.top() + 24, text.width(), 18),
                Qt::AlignLeft | Qt::AlignVCenter,
                normal.elidedText(model, Qt::ElideMiddle, text.width()));
    // What runs here: a small tag at the right of the device row.
    double tagWidth = 0;
    if (m_runMark != RunMark::None) {
        QFont tf = f;
        tf.setPointSizeF(7);
        tf.setBold(m_runMark == RunMark::StandIn);
        const QFontMetricsF tm(tf);
        const QString tag = runMarkText();
        tagWidth = qMin(tm.horizontalAdvance(tag) + 10, text.width() * 0.62);
        const QRectF tagRect(text.right() - tagWidth, text.top() + 51, tagWidth, 18);
        const QColor tagColor = m_runMark == RunMark::StandIn ? kStandInColor : kNotRunnableColor;
        p->setPen(
            QPen(tagColor, 1.2, m_runMark == RunMark::NotRunnable ? Qt::DashLine : Qt::SolidLine));
        p->setBrush(tagColor.lighter(m_runMark == RunMark::StandIn ? 190 : 230));
        p->drawRoundedRect(tagRect, 4, 4);
        p->setFont(tf);
        p->setPen(tagColor.darker(120));
        p->drawText(tagRect, Qt::AlignCenter, tm.elidedText(tag, Qt::ElideRight, tagWidth - 6));
        p->setFont(f);
        tagWidth += 6;
    }
    // Device as a coloured chip.
    const QString device =
        normal.elidedText(m_task.device, Qt::ElideRight, text.width() - 12 - tagWidth);
    const QRectF chip(text.left(), text.top() + 50, normal.horizontalAdvance(device) + 14, 20);
    p->setPen(Qt::NoPen);
    p->setBrush(color.lighter(175));
    p->drawRoundedRect(chip, 10, 10);
    p->setPen(color.darker(160));
    p->drawText(chip, Qt::AlignCenter, device);

    if (m_sensing) {
        // A small antenna mark: this step reads a sensor.
        const QPointF c(width - 18, 16);
        p->setPen(QPen(color.darker(130), 1.6));
        p->setBrush(Qt::NoBrush);
        p->drawEllipse(c, 2.5, 2.5);
        p->drawArc(QRectF(c.x() - 7, c.y() - 7, 14, 14), 45 * 16, 90 * 16);
        p->drawArc(QRectF(c.x() - 11, c.y() - 11, 22, 22), 45 * 16, 90 * 16);
    }
    if (hasProblem()) {
        const QRectF badge(width - 24, height - 24, 18, 18);
        p->setPen(Qt::NoPen);
        p->setBrush(kProblemColor);
        p->drawEllipse(badge);
        p->setPen(Qt::white);
        QFont bf = f;
        bf.setBold(true);
        p->setFont(bf);
        p->drawText(badge, Qt::AlignCenter, QStringLiteral("!"));
    }

    // Ports: the output one is where links are drawn from.
    p->setPen(QPen(kEdgeColor, 1.4));
    p->setBrush(Qt::white);
    p->drawEllipse(QPointF(0, height / 2), 5, 5);
    p->setBrush(color);
    p->drawEllipse(QPointF(width, height / 2), 6.5, 6.5);
}

QVariant TaskNodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemPositionHasChanged) {
        for (LinkEdgeItem *e : std::as_const(m_edges))
            e->adjust();
    }
    return QGraphicsObject::itemChange(change, value);
}

// ---- LinkEdgeItem ----

LinkEdgeItem::LinkEdgeItem(const PlanLink &link, const QString &type, TaskNodeItem *from,
                           TaskNodeItem *to, const QList<PlanProblem> &problems)
    : m_link(link)
    , m_type(type)
    , m_from(from)
    , m_to(to)
    , m_problems(problems)
{
    setFlags(ItemIsSelectable);
    setZValue(0);
    from->addEdge(this);
    to->addEdge(this);
    QString tip = QCoreApplication::translate("edgegpt::PlanGraphScene", "%1 → %2 (%3)")
                      .arg(link.from, link.to, type);
    if (!problems.isEmpty())
        tip += QLatin1String("\n\n") + problemTooltip(problems);
    setToolTip(tip);
    adjust();
}

void LinkEdgeItem::adjust()
{
    const QPointF a = m_from->outputPort();
    const QPointF b = m_to->inputPort();
    QPainterPath path(a);
    const double dx = qMax(60.0, qAbs(b.x() - a.x()) / 2);
    path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b);
    prepareGeometryChange();
    setPath(path);
}

QPainterPath LinkEdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(12);
    return stroker.createStroke(path());
}

void LinkEdgeItem::paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *)
{
    p->setRenderHint(QPainter::Antialiasing);
    const bool selected = option->state & QStyle::State_Selected;
    QColor color =
        hasProblem() ? kProblemColor : (selected ? QColor(0x1a, 0x73, 0xe8) : kEdgeColor);
    QPen pen(color, selected ? 3 : 2);
    if (hasProblem())
        pen.setStyle(Qt::DashLine);
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    p->drawPath(path());
    // Arrow head at the input port.
    const QPointF tip = path().pointAtPercent(1.0);
    const double angle = qDegreesToRadians(path().angleAtPercent(0.98));
    const QPointF back(-qCos(angle), qSin(angle));
    const QPointF side(-back.y(), back.x());
    QPolygonF head;
    head << tip << tip + back * 11 + side * 5 << tip + back * 11 - side * 5;
    p->setPen(Qt::NoPen);
    p->setBrush(color);
    p->drawPolygon(head);
    // The data type it carries, at the middle; a warning sign when flagged.
    const QPointF mid = path().pointAtPercent(0.5);
    QFont f = p->font();
    f.setPointSizeF(8);
    p->setFont(f);
    const QString label = hasProblem() ? QStringLiteral("⚠ ") + m_type : m_type;
    const QFontMetricsF fm(f);
    const QRectF box(mid.x() - fm.horizontalAdvance(label) / 2 - 6, mid.y() - 9,
                     fm.horizontalAdvance(label) + 12, 18);
    p->setBrush(QColor(255, 255, 255, 230));
    p->setPen(QPen(color, 1));
    p->drawRoundedRect(box, 9, 9);
    p->setPen(color.darker(110));
    p->drawText(box, Qt::AlignCenter, label);
}

// ---- PlanGraphScene ----

PlanGraphScene::PlanGraphScene(PlanDocument *document, QObject *parent)
    : QGraphicsScene(parent)
    , m_document(document)
    , m_bindings(ModelBindings::builtIn())
{
    connect(document, &PlanDocument::planChanged, this, &PlanGraphScene::rebuild);
    connect(document, &QObject::destroyed, this, [this] {
        // m_document is already null: show nothing rather than a plan that no longer exists.
        clearItems();
        m_positions.clear();
        m_layoutKey.clear();
        Q_EMIT selectedTaskChanged(QString());
    });
    connect(this, &QGraphicsScene::selectionChanged, this, [this] {
        if (!m_rebuilding)
            Q_EMIT selectedTaskChanged(selectedTask());
    });
    rebuild();
}

PlanGraphScene::~PlanGraphScene()
{
    // QGraphicsScene's destructor would delete the items after this class's members are gone,
    // and removing a selected item emits selectionChanged: the handler above would then run on
    // a half-destroyed scene and call into an editor that is itself being torn down (it wrote
    // to a destroyed QString there and corrupted the heap). Delete them now, silently.
    const QSignalBlocker blocker(this);
    clearItems();
}

void PlanGraphScene::clearItems()
{
    const bool wasRebuilding = m_rebuilding;
    m_rebuilding = true;
    m_dragFrom.clear();
    m_dragLine = nullptr; // a scene item: clear() deletes it with the others
    m_nodes.clear();
    m_edges.clear();
    clear();
    m_rebuilding = wasRebuilding;
}

LinkEdgeItem *PlanGraphScene::edge(const QString &from, const QString &to) const
{
    for (LinkEdgeItem *e : m_edges)
        if (e->link().from == from && e->link().to == to)
            return e;
    return nullptr;
}

QString PlanGraphScene::selectedTask() const
{
    for (QGraphicsItem *item : selectedItems())
        if (auto *n = dynamic_cast<TaskNodeItem *>(item))
            return n->taskId();
    return QString();
}

void PlanGraphScene::selectTask(const QString &taskId)
{
    clearSelection();
    if (TaskNodeItem *n = node(taskId))
        n->setSelected(true);
}

void PlanGraphScene::selectLink(const PlanLink &link)
{
    clearSelection();
    for (LinkEdgeItem *e : std::as_const(m_edges))
        if (e->link().from == link.from && e->link().to == link.to)
            e->setSelected(true);
}

void PlanGraphScene::setBindings(const ModelBindings &bindings)
{
    m_bindings = bindings;
    rebuild();
}

void PlanGraphScene::autoLayout()
{
    if (!m_document)
        return;
    m_positions = layeredLayout(m_document->plan(), kColumnWidth, kRowHeight);
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        (*it)->setPos(m_positions.value(it.key()));
    setSceneRect(itemsBoundingRect().adjusted(-80, -80, 80, 80));
}

void PlanGraphScene::rebuild()
{
    if (!m_document)
        return;
    m_rebuilding = true;
    const QString selected = selectedTask();
    // Keep where the operator moved things while only models or devices change; lay out again
    // when tasks or links change.
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        m_positions.insert(it.key(), (*it)->pos());
    clearItems(); // also drops a link being drawn: its source may be gone

    const Plan &plan = m_document->plan();
    // Items show the problems in the operator's language.
    const auto shown = [this](QList<PlanProblem> problems) {
        for (PlanProblem &p : problems)
            p.message = m_document->problemText(p);
        return problems;
    };
    QStringList key;
    for (const PlanTask &t : plan.tasks)
        key.append(t.id);
    for (const PlanLink &l : plan.links())
        key.append(l.from + QLatin1String("->") + l.to);
    if (key != m_layoutKey)
        m_positions = layeredLayout(plan, kColumnWidth, kRowHeight);
    m_layoutKey = key;

    for (const PlanTask &t : plan.tasks) {
        if (m_nodes.contains(t.id))
            continue; // a duplicate id: the validator reports it, one node shows it
        auto *n =
            new TaskNodeItem(t, m_document->isSensing(t.id), shown(m_document->taskProblems(t.id)));
        if (!t.model.isEmpty())
            n->setBinding(m_bindings.forModel(t.model, m_document->catalog()));
        n->setPos(m_positions.value(t.id));
        addItem(n);
        m_nodes.insert(t.id, n);
    }
    for (const PlanLink &l : plan.links()) {
        TaskNodeItem *from = m_nodes.value(l.from);
        TaskNodeItem *to = m_nodes.value(l.to);
        if (!from || !to)
            continue; // an unknown source: shown on the consuming task by the validator
        const PlanTask *target = plan.find(l.to);
        const QString type = target && l.argIndex >= 0 && l.argIndex < target->args.size()
                                 ? target->args[l.argIndex].type
                                 : QString();
        auto *e = new LinkEdgeItem(l, type, from, to, shown(m_document->linkProblems(l)));
        addItem(e);
        m_edges.append(e);
    }
    setSceneRect(itemsBoundingRect().adjusted(-80, -80, 80, 80));
    if (TaskNodeItem *n = m_nodes.value(selected))
        n->setSelected(true);
    m_rebuilding = false;
    Q_EMIT selectedTaskChanged(selectedTask());
}

void PlanGraphScene::deleteSelection()
{
    if (!m_document)
        return;
    QStringList tasks;
    QList<PlanLink> links;
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *n = dynamic_cast<TaskNodeItem *>(item))
            tasks.append(n->taskId());
        else if (auto *e = dynamic_cast<LinkEdgeItem *>(item))
            links.append(e->link());
    }
    if (tasks.isEmpty() && links.isEmpty())
        return;
    // One Delete is one step of the history, however much was selected.
    const Result<void> r = m_document->removeItems(tasks, links);
    if (!r)
        Q_EMIT editRefused(r.error());
}

TaskNodeItem *PlanGraphScene::nodeAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos))
        if (auto *n = dynamic_cast<TaskNodeItem *>(item))
            return n;
    return nullptr;
}

void PlanGraphScene::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_document && !m_dragLine) {
        for (TaskNodeItem *n : std::as_const(m_nodes)) {
            if (n->isOnOutputPort(event->scenePos())) {
                m_dragFrom = n->taskId();
                m_dragLine = new QGraphicsPathItem();
                m_dragLine->setPen(QPen(QColor(0x1a, 0x73, 0xe8), 2, Qt::DashLine));
                m_dragLine->setZValue(2);
                addItem(m_dragLine);
                event->accept();
                return;
            }
        }
    }
    QGraphicsScene::mousePressEvent(event);
}

void PlanGraphScene::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_dragLine) {
        const TaskNodeItem *from = m_nodes.value(m_dragFrom);
        if (from) {
            QPainterPath path(from->outputPort());
            path.lineTo(event->scenePos());
            m_dragLine->setPath(path);
        }
        event->accept();
        return;
    }
    QGraphicsScene::mouseMoveEvent(event);
}

void PlanGraphScene::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_dragLine) {
        removeItem(m_dragLine);
        delete m_dragLine;
        m_dragLine = nullptr;
        const QString from = m_dragFrom;
        m_dragFrom.clear();
        if (TaskNodeItem *to = nodeAt(event->scenePos()); to && m_document) {
            if (to->taskId() != from) {
                const Result<void> r = m_document->addLink(from, to->taskId());
                if (!r)
                    Q_EMIT editRefused(r.error());
            }
        }
        event->accept();
        return;
    }
    QGraphicsScene::mouseReleaseEvent(event);
}

// ---- PlanGraphView ----

PlanGraphView::PlanGraphView(PlanGraphScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setFocusPolicy(Qt::StrongFocus);
}

void PlanGraphView::scaleBy(double factor)
{
    const double next = zoom() * factor;
    if (next < 0.2 || next > 4)
        return;
    scale(factor, factor);
}

void PlanGraphView::zoomIn()
{
    scaleBy(1.2);
}

void PlanGraphView::zoomOut()
{
    scaleBy(1 / 1.2);
}

void PlanGraphView::zoomToFit()
{
    const QRectF r = m_scene->itemsBoundingRect().adjusted(-30, -30, 30, 30);
    if (r.isEmpty())
        return;
    fitInView(r, Qt::KeepAspectRatio);
    if (zoom() > 1.3) {
        const double f = 1.3 / zoom();
        scale(f, f);
    }
}

void PlanGraphView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    scaleBy(delta > 0 ? 1.15 : 1 / 1.15);
    event->accept();
}

void PlanGraphView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Delete) || event->key() == Qt::Key_Backspace) {
        m_scene->deleteSelection();
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void PlanGraphView::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, QColor(0xf6, 0xf8, 0xfb));
    // A light dot grid: depth without noise on a projector.
    const double step = 28;
    painter->setPen(QPen(QColor(0xd5, 0xdb, 0xe3), 1.6));
    const double left = std::floor(rect.left() / step) * step;
    const double top = std::floor(rect.top() / step) * step;
    QVector<QPointF> dots;
    for (double x = left; x < rect.right(); x += step)
        for (double y = top; y < rect.bottom(); y += step)
            dots.append(QPointF(x, y));
    if (dots.size() < 40000)
        painter->drawPoints(dots.constData(), int(dots.size()));
}

} // namespace edgegpt
