#include "app/console/FleetView.h"

#include "app/console/FleetDeployController.h"

#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgegpt {

FleetView::FleetView(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("fleetTree"));
    m_tree->setRootIsDecorated(false);
    m_tree->setAlternatingRowColors(true);
    m_tree->setHeaderLabels({tr("Host"), tr("Role"), tr("Class"), tr("State"), tr("Address"),
                             tr("Progress"), tr("Resident models"), tr("Requests")});
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, [this](const QPoint &at) {
        QTreeWidgetItem *item = m_tree->itemAt(at);
        if (!item || !item->data(0, Qt::UserRole).toBool())
            return;
        QMenu menu(this);
        const QString host = item->text(Host);
        menu.addAction(tr("Show the log tail of %1").arg(host), this,
                       [this, host] { Q_EMIT logTailRequested(host); });
        menu.exec(m_tree->viewport()->mapToGlobal(at));
    });
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (item && item->data(0, Qt::UserRole).toBool())
            Q_EMIT logTailRequested(item->text(Host));
    });
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("color: #56616e; padding: 4px;"));
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_note);
}

void FleetView::setRows(const QList<FleetRow> &rows, const QString &note)
{
    const QColor muted(0x6b, 0x77, 0x85);
    const QColor good(0x1f, 0x9d, 0x55);
    const QColor bad(0xd6, 0x2d, 0x20);
    m_tree->clear();
    for (const FleetRow &r : rows) {
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(Host, r.name);
        item->setData(0, Qt::UserRole, r.fleetHost);
        item->setText(Role, r.role);
        item->setText(Class, r.hostClass);
        item->setText(State, r.state);
        item->setForeground(State, r.tone == FleetRow::Tone::Good  ? good
                                   : r.tone == FleetRow::Tone::Bad ? bad
                                                                   : muted);
        item->setText(Address, r.address);
        item->setText(Progress, r.progress);
        item->setText(Models, r.models);
        item->setText(Requests, r.requests);
        item->setToolTip(Host, r.tooltip);
        item->setToolTip(Progress, r.progress);
    }
    m_tree->header()->resizeSections(QHeaderView::ResizeToContents);
    m_note->setText(note);
}

FleetRow FleetView::rowFor(const FleetHostView &h)
{
    FleetRow r;
    r.fleetHost = true;
    r.name = h.name;
    r.role = h.role == QLatin1String("device") ? tr("device")
             : h.role == QLatin1String("edge") ? tr("edge")
                                               : tr("cloud");
    r.hostClass = h.hostClass;
    const QString s = h.state;
    r.state = s == QLatin1String("running")       ? (h.running   ? tr("running · inputs")
                                                     : h.metrics ? tr("running · metrics")
                                                                 : tr("running"))
              : s == QLatin1String("stopped")     ? tr("stopped")
              : s == QLatin1String("unreachable") ? tr("unreachable")
              : s == QLatin1String("error")       ? tr("error")
              : s == QLatin1String("deploying")   ? tr("deploying")
              : s == QLatin1String("cancelled")   ? tr("cancelled")
                                                  : tr("checking");
    r.tone = s == QLatin1String("running") ? FleetRow::Tone::Good
             : (s == QLatin1String("error") || s == QLatin1String("unreachable"))
                 ? FleetRow::Tone::Bad
                 : FleetRow::Tone::Muted;
    r.address = h.agentAddress.isEmpty() ? tr("—") : h.agentAddress;
    if (s == QLatin1String("deploying"))
        r.progress = tr("%1 · %2 s").arg(h.step).arg(h.seconds, 0, 'f', 1);
    else if (!h.phases.isEmpty() || h.bytes > 0)
        r.progress = tr("%1 · %2 KiB uploaded · %3 s")
                         .arg(h.step)
                         .arg(h.bytes / 1024)
                         .arg(h.seconds, 0, 'f', 1);
    else
        r.progress = tr("—");
    r.models = h.models.isEmpty() ? tr("—") : h.models.join(QStringLiteral(", "));
    r.requests = h.requests < 0    ? tr("—")
                 : h.medianMs >= 0 ? tr("%1 · median %2 ms%3")
                                         .arg(h.requests)
                                         .arg(h.medianMs, 0, 'f', 1)
                                         .arg(h.emulated ? tr(" (emulated)") : QString())
                                   : QString::number(h.requests);
    QStringList tip;
    if (!h.message.isEmpty())
        tip << h.message;
    for (const auto &phase : h.phases)
        tip << tr("%1: %2 s").arg(phase.first).arg(phase.second, 0, 'f', 2);
    r.tooltip = tip.join(QLatin1Char('\n'));
    return r;
}

} // namespace edgegpt
