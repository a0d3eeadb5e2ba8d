// The operator console's main window: the request bar (history, the paper's examples, the choice
// of planner), the plan graph editor and the live charts in the middle, docks for the fleet, the
// log and the plan as JSON and text, and a status bar that always says what is happening.
// Planning is asynchronous (PlanningJob signals); nothing here blocks the GUI thread.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/metrics/MetricsStore.h"
#include "core/planner/LlmConfig.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSettings;
class QTabWidget;
class QToolButton;
class QTreeWidget;

namespace edgegpt {

class DemoController;
class DemoPanel;
class FleetDeployController;
class FleetView;
class FlPanel;
class LocalPlanner;
class LlmPlanner;
class MetricsCharts;
class PlanDocument;
class PlanEditor;
class PlanningJob;
struct Plan;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `settings` must outlive the window; the window reads it now and writes it on close and
    // whenever something worth keeping changes.
    MainWindow(QSettings *settings, QWidget *parent = nullptr);
    ~MainWindow() override;

    // The paper's worked requests (REFERENCE.md §1), offered one click away.
    static QStringList exampleRequests();

    PlanDocument *document() const { return m_document; }
    PlanEditor *editor() const { return m_editor; }
    MetricsCharts *charts() const { return m_charts; }
    DemoController *demo() const { return m_demo; }
    DemoPanel *demoPanel() const { return m_demoPanel; }
    bool hasFleet() const;
    FleetDeployController *fleetController() const { return m_fleetCtl; }
    FleetView *fleetView() const { return m_fleetView; }
    FlPanel *flPanel() const { return m_flPanel; }
    MetricsStore *metricsStore() { return &m_metrics; }
    QComboBox *requestBox() const { return m_request; }
    QComboBox *plannerBox() const { return m_planner; }
    QTreeWidget *fleetTree() const;
    QPlainTextEdit *logView() const { return m_log; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QAction *planAction() const { return m_planAction; }
    QAction *deployAction() const { return m_deployAction; }
    QAction *runAction() const { return m_runAction; }
    QAction *stopAction() const { return m_stopAction; }
    QString statusText() const;
    bool isPlanning() const { return !m_job.isNull(); }
    QStringList requestHistory() const;
    const LlmConfig &llmConfig() const { return m_llmConfig; }
    QString language() const { return m_language; }

    // Plans `request` with the chosen planner; the graph shows the plan when it arrives.
    void planRequest(const QString &request);
    Result<void> openPlan(const QString &path);
    Result<void> savePlan(const QString &path);
    Result<void> loadFleet(const QString &path);
    void setLlmConfig(const LlmConfig &config);
    void setLanguage(const QString &language);
    // Starts the local demo fleet (DemoController): a device and an edge agent on loopback whose
    // metrics feed the charts; without a trained model it says so and offers training.
    void startDemo();
    void stopDemo();
    // The demo's model folder (empty: DemoController::defaultModelDir()); kept in the settings.
    void setDemoModelDir(const QString &dir);
    // The model bindings (docs/models.md): a file, or "" for the built-in ones; kept in the
    // settings. The graph marks what runs here; planning applies availability with them. A file
    // that does not load leaves the bindings as they were and says why.
    Result<void> setBindingsFile(const QString &path);
    QString bindingsFile() const { return m_bindingsFile; }
    const ModelBindings &bindings() const { return m_bindings; }
    void writeSettings();

Q_SIGNALS:
    // Planning ended (with a plan or an error); tests and --screenshot wait for it.
    void planningDone(bool ok);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildRequestBar();
    void buildDocks();
    void readSettings();
    void setStatus(const QString &text, bool busy = false);
    void log(const QString &text);
    void onPlanned(const Plan &plan, const QString &request);
    void onPlanFailed(const QString &message);
    void refreshPlanViews();
    void applyJsonEdit();
    void rememberRequest(const QString &request);
    void deploy();
    void run();
    void showHostKeyChanged(const QString &host, const QString &message);
    void showFleet();
    void openSettings();

    QSettings *m_settings;
    Catalog m_catalog;
    PlanDocument *m_document;
    PlanEditor *m_editor;
    MetricsStore m_metrics;
    MetricsCharts *m_charts;
    LocalPlanner *m_localPlanner;
    LlmPlanner *m_llmPlanner = nullptr;
    LlmConfig m_llmConfig;
    QString m_language;
    ModelBindings m_bindings = ModelBindings::builtIn();
    QString m_bindingsFile; // "" = built-in
    QPointer<PlanningJob> m_job;
    DemoController *m_demo;
    DemoPanel *m_demoPanel;
    FleetDeployController *m_fleetCtl;

    QComboBox *m_request;
    QToolButton *m_examples;
    QComboBox *m_planner;
    QAction *m_planAction;
    QAction *m_deployAction;
    QAction *m_runAction;
    QAction *m_stopAction;
    QAction *m_openAction;
    QAction *m_saveAction;
    QAction *m_saveAsAction;
    QAction *m_openFleetAction;
    QAction *m_exportCsvAction;
    QAction *m_exportPngAction;
    QAction *m_settingsAction;
    QAction *m_quitAction;
    QAction *m_aboutAction;
    QAction *m_demoAction;
    QAction *m_stopDemoAction;
    QAction *m_trainAction;

    QDockWidget *m_fleetDock;
    QDockWidget *m_logDock;
    QDockWidget *m_planDock;
    QDockWidget *m_flDock;
    FleetView *m_fleetView;
    FlPanel *m_flPanel;
    QPlainTextEdit *m_log;
    QTabWidget *m_planTabs;
    QPlainTextEdit *m_json;
    QPlainTextEdit *m_text;
    QLabel *m_status;
    QProgressBar *m_progress;
};

} // namespace edgegpt
