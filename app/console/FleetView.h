// FleetView: the fleet dock's contents. One row per host: its name, role, class, the state the
// console polled (running / stopped / unreachable / error, or deploying with the deployer's last
// step, bytes uploaded and seconds), the agent's address, and what the agent itself reports over
// its connection (the models it holds resident, requests answered and their median). The local
// demo's two agents get rows of the same shape. A host's context menu (and a double click)
// asks for its log tail.
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace edgegpt {

struct FleetHostView;

struct FleetRow
{
    enum class Tone { Muted, Good, Bad };
    QString name, role, hostClass, state, address, progress, models, requests, tooltip;
    Tone tone = Tone::Muted;
    bool fleetHost = false; // a host of the fleet file (log tail on demand), not a demo agent
};

class FleetView : public QWidget
{
    Q_OBJECT
public:
    enum Column { Host, Role, Class, State, Address, Progress, Models, Requests, ColumnCount };

    explicit FleetView(QWidget *parent = nullptr);

    QTreeWidget *tree() const { return m_tree; }
    void setRows(const QList<FleetRow> &rows, const QString &note);
    // A fleet host's row as the dock shows it.
    static FleetRow rowFor(const FleetHostView &host);

Q_SIGNALS:
    void logTailRequested(const QString &host);

private:
    QTreeWidget *m_tree;
    QLabel *m_note;
};

} // namespace edgegpt
