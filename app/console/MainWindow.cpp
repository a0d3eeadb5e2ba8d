#include "app/console/MainWindow.h"

#include "app/console/AgentMetricsFeed.h"
#include "app/console/DemoController.h"
#include "app/console/DemoPanel.h"
#include "app/console/FlPanel.h"
#include "app/console/FleetDeployController.h"
#include "app/console/FleetView.h"
#include "app/console/SettingsDialog.h"
#include "core/fleet/LocalFleet.h"
#include "core/plan/PlanFormat.h"
#include "core/planner/LlmPlanner.h"
#include "core/planner/LocalPlanner.h"
#include "core/planner/PlanAvailability.h"
#include "widgets/MetricsCharts.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace edgegpt {

namespace {
constexpr int kMaxHistory = 30;
const QString kLocal = QStringLiteral("local");
const QString kLlm = QStringLiteral("llm");
} // namespace

QStringList MainWindow::exampleRequests()
{
    return {
        QStringLiteral("I have captured an animal. What kind of animal is in the image?"),
        QStringLiteral("Tell me what the mustache is made of in this image (browser)"),
        QStringLiteral("What's in the front of my car?"),
        QStringLiteral("Detect how many objects are in the picture"),
        QStringLiteral("Please monitor the user's emotions"),
        QStringLiteral("Monitor emotions with indoor IoT sensors"),
        QStringLiteral("Replace the boy riding a bike with a girl reading"),
    };
}

MainWindow::MainWindow(QSettings *settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_catalog(Catalog::builtin())
{
    setObjectName(QStringLiteral("edgegptConsole"));
    setWindowTitle(tr("EdgeGPT Testbed"));
    m_document = new PlanDocument(m_catalog, this);
    m_localPlanner = new LocalPlanner(m_catalog, this);
    m_llmConfig = LlmConfig::fromEnvironment();

    m_editor = new PlanEditor(m_document, this);
    m_demo = new DemoController(&m_metrics, this);
    m_fleetCtl = new FleetDeployController(&m_metrics, this, this);
    auto *live = new QWidget(this);
    auto *liveLayout = new QVBoxLayout(live);
    liveLayout->setContentsMargins(4, 2, 4, 0);
    liveLayout->setSpacing(2);
    m_demoPanel = new DemoPanel(m_demo, &m_metrics, live);
    m_charts = new MetricsCharts(&m_metrics, live);
    m_charts->setObjectName(QStringLiteral("metricsCharts"));
    m_charts->setPreferredLatencyAgent(DemoController::deviceAgentName);
    liveLayout->addWidget(m_demoPanel);
    liveLayout->addWidget(m_charts, 1);
    auto *central = new QSplitter(Qt::Vertical, this);
    central->setObjectName(QStringLiteral("centralSplitter"));
    central->addWidget(m_editor);
    central->addWidget(live);
    central->setStretchFactor(0, 1); // the charts are what a projector shows: half the height
    central->setStretchFactor(1, 1);
    setCentralWidget(central);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(180);
    m_progress->setRange(0, 0);
    m_progress->setTextVisible(false);
    m_progress->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);

    buildActions();
    buildRequestBar();
    buildDocks();

    connect(m_document, &PlanDocument::planChanged, this, &MainWindow::refreshPlanViews);
    connect(m_editor, &PlanEditor::message, this, [this](const QString &text) {
        setStatus(text);
        log(text);
    });
    connect(m_document->undoStack(), &QUndoStack::indexChanged, this, [this] {
        const QUndoStack *stack = m_document->undoStack();
        if (stack->index() > 0 && stack->canUndo())
            setStatus(tr("Edited: %1").arg(stack->undoText()));
    });
    connect(m_demo, &DemoController::status, this, [this](const QString &text, bool busy) {
        setStatus(text, busy);
        if (m_demo->state() != DemoController::State::Training)
            log(text); // training's lines reach the log through logLine, progress only the status
                       // bar
    });
    connect(m_demo, &DemoController::progress, this, [this](int value, int maximum) {
        m_progress->setRange(0, maximum);
        m_progress->setValue(value);
    });
    connect(m_demo, &DemoController::logLine, this, &MainWindow::log);
    connect(m_demo, &DemoController::splitNamesChanged, m_charts, &MetricsCharts::setSplitNames);
    connect(m_demo, &DemoController::linkRateApplied, this, [this](double kbps) {
        m_charts->setLinkRateTarget(kbps, QDateTime::currentMSecsSinceEpoch());
    });
    connect(m_demo, &DemoController::fleetChanged, this, &MainWindow::showFleet);
    connect(m_fleetCtl, &FleetDeployController::hostsChanged, this, &MainWindow::showFleet);
    connect(m_fleetCtl, &FleetDeployController::logLine, this, &MainWindow::log);
    connect(m_fleetCtl, &FleetDeployController::status, this,
            [this](const QString &text, bool busy) {
                setStatus(text, busy);
                log(text);
            });
    connect(m_fleetCtl, &FleetDeployController::hostKeyChanged, this,
            &MainWindow::showHostKeyChanged);
    connect(m_fleetCtl, &FleetDeployController::logTail, this,
            [this](const QString &host, const QString &text) {
                log(tr("— log tail of %1 —").arg(host));
                log(text.trimmed());
                m_logDock->raise();
            });
    connect(m_fleetView, &FleetView::logTailRequested, this, [this](const QString &host) {
        setStatus(tr("Fetching the log tail of %1…").arg(host), true);
        m_fleetCtl->fetchLog(host);
    });
    connect(m_demo, &DemoController::stateChanged, this, [this](DemoController::State state) {
        const bool running =
            state == DemoController::State::Running || state == DemoController::State::Starting;
        m_demoAction->setEnabled(!running && state != DemoController::State::Training);
        m_stopDemoAction->setEnabled(running || state == DemoController::State::Training);
        m_trainAction->setEnabled(!running && state != DemoController::State::Training);
        if (state != DemoController::State::Training)
            m_progress->setRange(0, 0);
        showFleet();
    });
    connect(m_demoPanel->linkSlider(), &QSlider::valueChanged, this,
            [this](int v) { m_settings->setValue(QStringLiteral("demo/link_rate_kbps"), v); });
    connect(m_demo, &DemoController::deviceSpeedChanged, this, [this](const DeviceSpeed &speed) {
        m_settings->setValue(QStringLiteral("demo/device_speed"), speed.key());
        m_settings->setValue(QStringLiteral("demo/device_factor"), speed.customFactor);
    });
    connect(m_charts, &MetricsCharts::pausedChanged, this, [this](bool paused) {
        setStatus(paused ? tr("Charts paused; data keeps arriving.") : tr("Charts live."));
    });

    readSettings();
    refreshPlanViews();
    showFleet();
    setStatus(tr("Ready. Type a request or pick an example, then Plan (Ctrl+Return)."));
}

MainWindow::~MainWindow()
{
    if (m_job)
        m_job->cancel();
}

void MainWindow::buildActions()
{
    m_planAction = new QAction(tr("&Plan"), this);
    m_planAction->setObjectName(QStringLiteral("planAction"));
    m_planAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_planAction->setToolTip(tr("Plan the request with the chosen planner (Ctrl+Return)"));
    connect(m_planAction, &QAction::triggered, this,
            [this] { planRequest(m_request->currentText()); });

    m_deployAction = new QAction(tr("&Deploy"), this);
    m_deployAction->setObjectName(QStringLiteral("deployAction"));
    m_deployAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_deployAction->setToolTip(
        tr("Deploy the plan's agents and model parts to the fleet (Ctrl+D)"));
    connect(m_deployAction, &QAction::triggered, this, &MainWindow::deploy);

    m_runAction = new QAction(tr("&Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_runAction->setToolTip(tr("Start inference: the local demo fleet when no fleet is open (F5)"));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::run);

    m_stopAction = new QAction(tr("&Stop"), this);
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    m_stopAction->setToolTip(
        tr("Stop what is running: planning, deploying or inference (Shift+F5)"));
    connect(m_stopAction, &QAction::triggered, this, [this] {
        if (m_job) {
            m_job->cancel();
            m_job = nullptr;
            m_planAction->setEnabled(true);
            setStatus(tr("Planning stopped."));
            log(tr("Planning stopped by the operator."));
            Q_EMIT planningDone(false);
            return;
        }
        if (m_fleetCtl->isDeploying()) {
            m_fleetCtl->cancel();
            return;
        }
        if (m_fleetCtl->isRunning()) {
            m_fleetCtl->stopRun();
            setStatus(tr("Stopping the devices' inputs…"), true);
            log(tr("Stop sent to the fleet's devices."));
            return;
        }
        if (m_demo->state() != DemoController::State::Idle) {
            stopDemo();
            return;
        }
        setStatus(tr("Nothing is running."));
    });

    m_openAction = new QAction(tr("&Open plan…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open plan"), m_settings->value(QStringLiteral("console/last_dir")).toString(),
            tr("Plans (*.json *.txt);;All files (*)"));
        if (path.isEmpty())
            return;
        const Result<void> r = openPlan(path);
        if (!r)
            QMessageBox::warning(this, tr("Open plan"), r.error());
    });
    m_saveAction = new QAction(tr("&Save plan"), this);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = new QAction(tr("Save plan &as…"), this);
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    auto saveAs = [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save plan"), m_settings->value(QStringLiteral("console/last_dir")).toString(),
            tr("JSON plan (*.json);;Paper's text format (*.txt)"));
        if (path.isEmpty())
            return;
        const Result<void> r = savePlan(path);
        if (!r)
            QMessageBox::warning(this, tr("Save plan"), r.error());
    };
    connect(m_saveAsAction, &QAction::triggered, this, saveAs);
    connect(m_saveAction, &QAction::triggered, this, [this, saveAs] {
        if (m_document->filePath().isEmpty()) {
            saveAs();
            return;
        }
        const Result<void> r = savePlan(m_document->filePath());
        if (!r)
            QMessageBox::warning(this, tr("Save plan"), r.error());
    });
    m_openFleetAction = new QAction(tr("Open &fleet…"), this);
    connect(m_openFleetAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open fleet"), QString(), tr("Fleet files (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        const Result<void> r = loadFleet(path);
        if (!r)
            QMessageBox::warning(this, tr("Open fleet"), r.error());
    });
    m_exportCsvAction = new QAction(tr("Export metrics as &CSV…"), this);
    connect(m_exportCsvAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export metrics"), QStringLiteral("metrics.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        const Result<void> r = m_charts->exportCsv(path);
        setStatus(r ? tr("Metrics written to %1.").arg(path) : r.error());
    });
    m_exportPngAction = new QAction(tr("Export charts as &PNG…"), this);
    connect(m_exportPngAction, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export charts"), QStringLiteral("charts.png"), tr("PNG images (*.png)"));
        if (path.isEmpty())
            return;
        const Result<void> r = m_charts->exportPng(path);
        setStatus(r ? tr("Charts written to %1.").arg(path) : r.error());
    });
    m_settingsAction = new QAction(tr("Se&ttings…"), this);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::openSettings);
    m_demoAction = new QAction(tr("Start the &demo fleet"), this);
    m_demoAction->setObjectName(QStringLiteral("startDemoAction"));
    connect(m_demoAction, &QAction::triggered, this, &MainWindow::startDemo);
    m_stopDemoAction = new QAction(tr("Stop the demo fleet"), this);
    m_stopDemoAction->setEnabled(false);
    connect(m_stopDemoAction, &QAction::triggered, this, &MainWindow::stopDemo);
    m_trainAction = new QAction(tr("&Train the demo model"), this);
    m_trainAction->setToolTip(
        tr("edgegpt train and edgegpt bench coinference into the demo's model folder"));
    connect(m_trainAction, &QAction::triggered, this,
            [this] { m_demo->train(DemoController::Training::Full); });
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    m_aboutAction = new QAction(tr("&About EdgeGPT Testbed"), this);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(
            this, tr("About EdgeGPT Testbed"),
            tr("<b>EdgeGPT Testbed</b> %1<br>An operator console for LLM-planned edge AI: "
               "requests become plans of AI tasks on devices, edge servers and the cloud.")
                .arg(QStringLiteral(EDGEGPT_VERSION)));
    });

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_saveAction);
    file->addAction(m_saveAsAction);
    file->addSeparator();
    file->addAction(m_openFleetAction);
    file->addSeparator();
    file->addAction(m_exportCsvAction);
    file->addAction(m_exportPngAction);
    file->addSeparator();
    file->addAction(m_quitAction);
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_editor->undoAction());
    edit->addAction(m_editor->redoAction());
    edit->addSeparator();
    edit->addAction(m_editor->deleteAction());
    edit->addAction(m_editor->layoutAction());
    edit->addSeparator();
    edit->addAction(m_settingsAction);
    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_planAction);
    run->addAction(m_deployAction);
    run->addAction(m_runAction);
    run->addAction(m_stopAction);
    QMenu *demo = menuBar()->addMenu(tr("&Demo"));
    demo->addAction(m_demoAction);
    demo->addAction(m_stopDemoAction);
    demo->addSeparator();
    demo->addAction(m_trainAction);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_editor->zoomInAction());
    view->addAction(m_editor->zoomOutAction());
    view->addAction(m_editor->zoomFitAction());
    view->setObjectName(QStringLiteral("viewMenu"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
}

void MainWindow::buildRequestBar()
{
    QToolBar *bar = addToolBar(tr("Request"));
    bar->setObjectName(QStringLiteral("requestBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_request = new QComboBox(bar);
    m_request->setObjectName(QStringLiteral("requestBox"));
    m_request->setEditable(true);
    m_request->setInsertPolicy(QComboBox::NoInsert);
    m_request->setMinimumWidth(420);
    m_request->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_request->lineEdit()->setPlaceholderText(
        tr("Ask for something, e.g. \"What's in the front of my car?\""));
    m_request->lineEdit()->setClearButtonEnabled(true);
    QFont f = m_request->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_request->setFont(f);
    connect(m_request->lineEdit(), &QLineEdit::returnPressed, m_planAction, &QAction::trigger);

    m_examples = new QToolButton(bar);
    m_examples->setText(tr("Examples"));
    m_examples->setToolTip(tr("The worked requests of the EdgeGPT paper"));
    m_examples->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_examples);
    for (const QString &example : exampleRequests()) {
        QAction *a = menu->addAction(example);
        connect(a, &QAction::triggered, this, [this, example] {
            m_request->setEditText(example);
            planRequest(example);
        });
    }
    m_examples->setMenu(menu);

    m_planner = new QComboBox(bar);
    m_planner->setObjectName(QStringLiteral("plannerBox"));
    m_planner->addItem(tr("Local planner"), kLocal);
    m_planner->addItem(tr("LLM endpoint"), kLlm);
    m_planner->setToolTip(tr("Which planner turns the request into a plan"));
    connect(m_planner, &QComboBox::activated, this, [this] {
        m_settings->setValue(QStringLiteral("console/planner"), m_planner->currentData());
        if (m_planner->currentData().toString() == kLlm)
            setStatus(tr("Planning with %1 at %2.").arg(m_llmConfig.model, m_llmConfig.baseUrl));
        else
            setStatus(tr("Planning with the local planner (no network)."));
    });

    bar->addWidget(new QLabel(tr("  Request  "), bar));
    bar->addWidget(m_request);
    bar->addWidget(m_examples);
    bar->addSeparator();
    bar->addWidget(m_planner);
    bar->addAction(m_planAction);
    bar->addSeparator();
    bar->addAction(m_deployAction);
    bar->addAction(m_runAction);
    bar->addAction(m_stopAction);
    bar->setStyleSheet(QStringLiteral("QToolBar#requestBar { spacing: 6px; padding: 4px; }"));
}

void MainWindow::buildDocks()
{
    // Fleet.
    m_fleetDock = new QDockWidget(tr("Fleet"), this);
    m_fleetDock->setObjectName(QStringLiteral("fleetDock"));
    m_fleetView = new FleetView(m_fleetDock);
    m_fleetDock->setWidget(m_fleetView);

    // Log.
    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_log = new QPlainTextEdit(m_logDock);
    m_log->setObjectName(QStringLiteral("logView"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_logDock->setWidget(m_log);

    // Plan as JSON (editable: Apply makes the edit one undo step) and as the paper's text.
    m_planDock = new QDockWidget(tr("Plan"), this);
    m_planDock->setObjectName(QStringLiteral("planDock"));
    m_planTabs = new QTabWidget(m_planDock);
    auto *jsonPage = new QWidget(m_planTabs);
    auto *jsonLayout = new QVBoxLayout(jsonPage);
    jsonLayout->setContentsMargins(0, 0, 0, 0);
    m_json = new QPlainTextEdit(jsonPage);
    m_json->setObjectName(QStringLiteral("jsonView"));
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *apply = new QPushButton(tr("Apply JSON"), jsonPage);
    apply->setObjectName(QStringLiteral("applyJsonButton"));
    apply->setToolTip(tr("Replace the plan with this JSON (one undo step)"));
    connect(apply, &QPushButton::clicked, this, &MainWindow::applyJsonEdit);
    jsonLayout->addWidget(m_json, 1);
    jsonLayout->addWidget(apply, 0, Qt::AlignRight);
    m_text = new QPlainTextEdit(m_planTabs);
    m_text->setObjectName(QStringLiteral("textView"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_planTabs->addTab(jsonPage, tr("JSON"));
    m_planTabs->addTab(m_text, tr("Text"));
    m_planDock->setWidget(m_planTabs);

    // Federated learning: fl tune as a child process, its curves and configurations.
    m_flDock = new QDockWidget(tr("Federated learning"), this);
    m_flDock->setObjectName(QStringLiteral("flDock"));
    auto *flScroll = new QScrollArea(m_flDock); // its form is wider than a narrow dock
    flScroll->setWidgetResizable(true);
    flScroll->setFrameShape(QFrame::NoFrame);
    m_flPanel = new FlPanel(m_settings, flScroll);
    flScroll->setWidget(m_flPanel);
    m_flDock->setWidget(flScroll);
    connect(m_flPanel, &FlPanel::status, this, &MainWindow::setStatus);
    connect(m_flPanel, &FlPanel::logLine, this, &MainWindow::log);

    addDockWidget(Qt::RightDockWidgetArea, m_planDock);
    addDockWidget(Qt::RightDockWidgetArea, m_fleetDock);
    tabifyDockWidget(m_planDock, m_fleetDock);
    addDockWidget(Qt::RightDockWidgetArea, m_flDock);
    tabifyDockWidget(m_fleetDock, m_flDock);
    m_planDock->raise();
    addDockWidget(Qt::RightDockWidgetArea, m_logDock);
    resizeDocks({m_planDock, m_logDock}, {560, 220}, Qt::Vertical);
    resizeDocks({m_planDock}, {430}, Qt::Horizontal);

    QMenu *view = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"));
    if (view) {
        view->addSeparator();
        view->addAction(m_fleetDock->toggleViewAction());
        view->addAction(m_logDock->toggleViewAction());
        view->addAction(m_planDock->toggleViewAction());
        view->addAction(m_flDock->toggleViewAction());
    }
}

void MainWindow::readSettings()
{
    const QStringList history =
        m_settings->value(QStringLiteral("console/request_history")).toStringList();
    m_request->addItems(history.mid(0, kMaxHistory));
    m_request->setEditText(history.isEmpty() ? exampleRequests().at(2) : history.first());
    const int planner =
        m_planner->findData(m_settings->value(QStringLiteral("console/planner"), kLocal));
    m_planner->setCurrentIndex(qMax(0, planner));
    // Settings < environment for the endpoint, as the command line resolves it.
    LlmConfig config;
    config.readSettings(*m_settings);
    const LlmConfig env = LlmConfig::fromEnvironment();
    if (qEnvironmentVariableIsSet("OPENAI_BASE_URL"))
        config.baseUrl = env.baseUrl;
    if (qEnvironmentVariableIsSet("EDGEGPT_LLM_MODEL"))
        config.model = env.model;
    config.apiKey = env.apiKey;
    m_llmConfig = config;
    m_language = m_settings->value(QStringLiteral("console/language")).toString();
    const QByteArray geometry = m_settings->value(QStringLiteral("console/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1600, 980);
    restoreState(m_settings->value(QStringLiteral("console/window_state")).toByteArray());
    // The paper's text format reads best from afar; the JSON tab is one click away.
    m_planTabs->setCurrentIndex(
        qBound(0, m_settings->value(QStringLiteral("console/plan_tab"), 1).toInt(), 1));
    // The speed first: reading the model's profile tunes the presenter factor, and every change
    // of the speed is written back to the settings.
    DeviceSpeed speed; // the presenter setting unless chosen otherwise
    speed.preset = DeviceSpeed::presetFromKey(
        m_settings->value(QStringLiteral("demo/device_speed"), speed.key()).toString());
    speed.customFactor =
        m_settings->value(QStringLiteral("demo/device_factor"), speed.customFactor).toDouble();
    m_demo->setDeviceSpeed(speed);
    m_demo->setModelDir(m_settings->value(QStringLiteral("demo/model_dir")).toString());
    setBindingsFile(m_settings->value(QStringLiteral("console/bindings_file")).toString());
    m_demoPanel->linkSlider()->setValue(
        m_settings->value(QStringLiteral("demo/link_rate_kbps"), 250).toInt());
    const QString fleet = m_settings->value(QStringLiteral("console/fleet_file")).toString();
    if (!fleet.isEmpty() && QFileInfo::exists(fleet))
        loadFleet(fleet);
}

void MainWindow::writeSettings()
{
    m_settings->setValue(QStringLiteral("console/geometry"), saveGeometry());
    m_settings->setValue(QStringLiteral("console/window_state"), saveState());
    m_settings->setValue(QStringLiteral("console/request_history"), requestHistory());
    m_settings->setValue(QStringLiteral("console/planner"), m_planner->currentData());
    m_settings->setValue(QStringLiteral("console/language"), m_language);
    m_settings->setValue(QStringLiteral("console/fleet_file"), m_fleetCtl->fleet().path);
    m_settings->setValue(QStringLiteral("demo/link_rate_kbps"), m_demoPanel->linkSlider()->value());
    m_settings->setValue(QStringLiteral("demo/device_speed"), m_demo->deviceSpeed().key());
    m_settings->setValue(QStringLiteral("demo/device_factor"), m_demo->deviceSpeed().customFactor);
    m_settings->setValue(QStringLiteral("console/plan_tab"), m_planTabs->currentIndex());
    m_llmConfig.writeSettings(*m_settings); // never the API key
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    writeSettings();
    event->accept();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

QStringList MainWindow::requestHistory() const
{
    QStringList out;
    for (int i = 0; i < m_request->count(); ++i)
        out.append(m_request->itemText(i));
    return out;
}

void MainWindow::setStatus(const QString &text, bool busy)
{
    m_status->setText(text);
    m_progress->setVisible(busy);
}

void MainWindow::log(const QString &text)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) +
                           text);
}

void MainWindow::rememberRequest(const QString &request)
{
    const QSignalBlocker block(m_request);
    const int existing = m_request->findText(request);
    if (existing >= 0)
        m_request->removeItem(existing);
    m_request->insertItem(0, request);
    while (m_request->count() > kMaxHistory)
        m_request->removeItem(m_request->count() - 1);
    m_request->setCurrentIndex(0);
    m_settings->setValue(QStringLiteral("console/request_history"), requestHistory());
}

void MainWindow::planRequest(const QString &text)
{
    const QString request = text.trimmed();
    if (request.isEmpty()) {
        setStatus(tr("Type a request first."));
        return;
    }
    if (m_job)
        m_job->cancel();
    rememberRequest(request);
    Planner *planner = m_localPlanner;
    QString who = tr("the local planner");
    if (m_planner->currentData().toString() == kLlm) {
        if (!m_llmPlanner) {
            m_llmPlanner = new LlmPlanner(m_catalog, m_llmConfig, this);
        }
        planner = m_llmPlanner;
        who = m_llmConfig.model;
    }
    PlanningJob *job = planner->plan(request);
    m_job = job;
    m_planAction->setEnabled(false);
    setStatus(tr("Planning “%1” with %2…").arg(request, who), true);
    log(tr("Planning “%1” with %2.").arg(request, who));
    connect(job, &PlanningJob::progress, this, [this, job](const QString &status) {
        if (m_job == job)
            setStatus(status, true);
    });
    connect(job, &PlanningJob::finished, this, [this, job, request](const Plan &plan) {
        if (m_job == job)
            onPlanned(plan, request);
    });
    connect(job, &PlanningJob::failed, this, [this, job](const QString &message) {
        if (m_job == job)
            onPlanFailed(message);
    });
}

void MainWindow::onPlanned(const Plan &planned, const QString &request)
{
    m_job = nullptr;
    m_planAction->setEnabled(true);
    // Plan with what runs here in view (core/planner/PlanAvailability.h); say what changed.
    QStringList notes;
    const Plan plan = applyAvailability(planned, request, m_bindings, m_catalog, &notes);
    for (const QString &note : std::as_const(notes))
        log(tr("Planned for what runs here: %1").arg(note));
    m_document->replacePlan(plan, tr("Plan “%1”").arg(request));
    m_editor->view()->zoomToFit();
    const int problems = int(m_document->problems().size());
    const QString took = plan.provenance.latencyMs < 10
                             ? tr("%1 ms").arg(plan.provenance.latencyMs, 0, 'f', 2)
                             : tr("%1 s").arg(plan.provenance.latencyMs / 1000.0, 0, 'f', 2);
    const QString summary =
        problems == 0
            ? tr("Planned %n task(s) in %1.", nullptr, int(plan.tasks.size())).arg(took)
            : tr("Planned %n task(s) in %1; %2 problem(s) to fix.", nullptr, int(plan.tasks.size()))
                  .arg(took)
                  .arg(problems);
    setStatus(summary);
    log(summary);
    Q_EMIT planningDone(true);
}

void MainWindow::onPlanFailed(const QString &message)
{
    m_job = nullptr;
    m_planAction->setEnabled(true);
    setStatus(tr("Planning failed: %1").arg(message));
    log(tr("Planning failed: %1").arg(message));
    Q_EMIT planningDone(false);
}

void MainWindow::refreshPlanViews()
{
    const QSignalBlocker block(m_json);
    m_json->setPlainText(QString::fromUtf8(m_document->toJson()));
    // The text marks stand-ins and tasks not runnable here, and lists the plan's notes.
    m_text->setPlainText(m_document->plan().tasks.isEmpty()
                             ? QString()
                             : planToText(m_document->plan(), m_catalog, m_bindings));
    QString title = tr("EdgeGPT Testbed");
    if (!m_document->filePath().isEmpty())
        title = QFileInfo(m_document->filePath()).fileName() + QStringLiteral(" — ") + title;
    else if (!m_document->plan().request.isEmpty())
        title = m_document->plan().request + QStringLiteral(" — ") + title;
    setWindowTitle(title);
}

void MainWindow::applyJsonEdit()
{
    Result<Plan> plan = planFromJson(m_json->toPlainText().toUtf8());
    if (!plan) {
        setStatus(tr("The JSON is not a plan: %1").arg(plan.error()));
        log(tr("The JSON is not a plan: %1").arg(plan.error()));
        return;
    }
    m_document->replacePlan(*plan, tr("Edit the JSON"));
    setStatus(tr("Plan replaced from the JSON."));
}

Result<void> MainWindow::openPlan(const QString &path)
{
    const Result<void> r = m_document->open(path);
    if (!r) {
        setStatus(r.error());
        log(r.error());
        return r;
    }
    m_settings->setValue(QStringLiteral("console/last_dir"), QFileInfo(path).absolutePath());
    m_editor->view()->zoomToFit();
    refreshPlanViews();
    setStatus(tr("Opened %1.").arg(path));
    log(tr("Opened %1.").arg(path));
    return r;
}

Result<void> MainWindow::savePlan(const QString &path)
{
    const Result<void> r = m_document->save(path);
    if (!r) {
        setStatus(r.error());
        log(r.error());
        return r;
    }
    m_settings->setValue(QStringLiteral("console/last_dir"), QFileInfo(path).absolutePath());
    refreshPlanViews();
    setStatus(tr("Saved %1.").arg(path));
    log(tr("Saved %1.").arg(path));
    return r;
}

bool MainWindow::hasFleet() const
{
    return m_fleetCtl->hasFleet();
}

QTreeWidget *MainWindow::fleetTree() const
{
    return m_fleetView->tree();
}

Result<void> MainWindow::loadFleet(const QString &path)
{
    const Result<void> loaded = m_fleetCtl->loadFleet(path);
    if (!loaded) {
        setStatus(tr("Cannot read the fleet: %1").arg(loaded.error()));
        log(tr("Cannot read the fleet: %1").arg(loaded.error()));
        return loaded;
    }
    const Fleet &fleet = m_fleetCtl->fleet();
    m_settings->setValue(QStringLiteral("console/fleet_file"), fleet.path);
    for (const FleetHost &h : fleet.hosts)
        if (h.role == QLatin1String("device")) {
            m_charts->setPreferredLatencyAgent(h.name); // a device's latency is the end-to-end one
            break;
        }
    showFleet();
    log(tr("Fleet %1: %n host(s).", nullptr, int(fleet.hosts.size())).arg(path));
    setStatus(tr("Fleet %1 loaded; asking its hosts how their agents are.")
                  .arg(QFileInfo(path).fileName()));
    return {};
}

void MainWindow::showFleet()
{
    QList<FleetRow> rows;
    for (const FleetHostView &h : m_fleetCtl->hosts())
        rows << FleetView::rowFor(h);
    // The local demo fleet, while it exists.
    const DemoController::State demo = m_demo->state();
    if (demo == DemoController::State::Starting || demo == DemoController::State::Running ||
        demo == DemoController::State::Stopping || demo == DemoController::State::Failed) {
        const LocalFleet *fleet = m_demo->fleet();
        const QString model = QFileInfo(m_demo->modelDir()).fileName();
        const QString split = m_demo->deviceFeed()->lastSplit();
        const QString stateText = demo == DemoController::State::Running    ? tr("running")
                                  : demo == DemoController::State::Starting ? tr("starting")
                                  : demo == DemoController::State::Stopping ? tr("stopping")
                                                                            : tr("failed");
        struct Row
        {
            AgentMetricsFeed *feed;
            QString role, hostClass, parts, cached;
            quint16 port;
        };
        const QList<Row> demoRows = {
            {m_demo->edgeFeed(), tr("edge"), tr("this computer"),
             split.isEmpty() ? tr("%1 tail").arg(model) : tr("%1 tail after %2").arg(model, split),
             m_demo->edgeFeed()->requestsReceived() > 0 ? model : tr("—"), fleet->edgePort()},
            {m_demo->deviceFeed(), tr("device"),
             tr("this computer, %1").arg(m_demo->deviceSpeed().label()),
             split.isEmpty() ? tr("%1 head").arg(model) : tr("%1 head to %2").arg(model, split),
             tr("—"), fleet->devicePort()},
        };
        for (const Row &r : demoRows) {
            FleetRow row;
            row.name = r.feed->agentName();
            row.role = r.role;
            row.hostClass = r.hostClass;
            row.state = stateText;
            if (demo == DemoController::State::Running)
                row.state =
                    r.feed->isSubscribed() ? tr("running · metrics") : tr("running · connecting");
            row.tone = demo == DemoController::State::Running  ? FleetRow::Tone::Good
                       : demo == DemoController::State::Failed ? FleetRow::Tone::Bad
                                                               : FleetRow::Tone::Muted;
            row.address = r.port ? QStringLiteral("127.0.0.1:%1").arg(r.port) : tr("—");
            row.progress = r.parts;
            row.models = r.cached;
            row.requests = QString::number(r.feed->requestsReceived());
            row.tooltip = tr("Model folder: %1").arg(m_demo->modelDir());
            rows << row;
        }
    }
    const Fleet &fleet = m_fleetCtl->fleet();
    m_fleetView->setRows(
        rows, fleet.hosts.isEmpty()
                  ? tr("No fleet file open: the console runs the local demo fleet (Demo menu). "
                       "Open a fleet file (File ▸ Open fleet) to list and deploy to its hosts.")
                  : tr("%1 · %n host(s) · double-click a host for its log tail", nullptr,
                       int(fleet.hosts.size()))
                        .arg(QFileInfo(fleet.path).fileName()));
}

void MainWindow::showHostKeyChanged(const QString &host, const QString &message)
{
    log(message);
    if (m_fleetCtl->interaction()->isScripted())
        return;
    // The risk, and no way to accept from here: the person removes the old key knowingly.
    auto *box = new QMessageBox(QMessageBox::Critical, tr("Host key changed: %1").arg(host),
                                tr("The host key of %1 has CHANGED. Someone may be intercepting "
                                   "the connection (a man-in-the-middle attack), or the host was "
                                   "reinstalled. The console refused to connect and will not "
                                   "accept this key.")
                                    .arg(host),
                                QMessageBox::Close, this);
    box->setObjectName(QStringLiteral("hostKeyChangedDialog"));
    box->setDetailedText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::deploy()
{
    if (!m_fleetCtl->hasFleet()) {
        const QString text =
            tr("No fleet file is open, so there is nothing to deploy to: the local demo fleet runs "
               "on this computer (Run, F5). Open a fleet file (File ▸ Open fleet) to deploy to "
               "real hosts.");
        setStatus(text);
        log(text);
        return;
    }
    if (m_fleetCtl->isDeploying()) {
        setStatus(tr("A deployment is already running."), true);
        return;
    }
    if (m_document->plan().tasks.isEmpty()) {
        setStatus(tr("Plan a request first: Deploy sends the plan's agents and model parts."));
        return;
    }
    const Result<void> started = m_fleetCtl->deploy(m_document->plan(), m_catalog, m_bindings);
    if (!started) {
        setStatus(tr("Cannot deploy: %1").arg(started.error()));
        log(tr("Cannot deploy: %1").arg(started.error()));
    }
}

void MainWindow::run()
{
    if (m_fleetCtl->hasFleet()) {
        const Result<void> asked = m_fleetCtl->run();
        if (!asked) {
            const QString text =
                tr("Cannot run the fleet: %1. Deploy it first (Ctrl+D); its devices run inputs "
                   "when their agents are connected.")
                    .arg(asked.error());
            setStatus(text);
            log(text);
            return;
        }
        setStatus(tr("The fleet's devices are running inputs; Stop (Shift+F5) stops them."));
        return;
    }
    if (m_demo->isRunning()) {
        setStatus(tr("The demo fleet is running; move the uplink slider to see the split react."));
        return;
    }
    startDemo();
}

void MainWindow::startDemo()
{
    m_demo->start();
    showFleet();
}

void MainWindow::stopDemo()
{
    m_demo->stop();
    showFleet();
}

void MainWindow::setDemoModelDir(const QString &dir)
{
    m_demo->setModelDir(dir);
    m_settings->setValue(QStringLiteral("demo/model_dir"), dir);
}

Result<void> MainWindow::setBindingsFile(const QString &path)
{
    ModelBindings bindings = ModelBindings::builtIn();
    if (!path.isEmpty()) {
        Result<ModelBindings> loaded = ModelBindings::load(path, m_catalog);
        if (!loaded) {
            const QString why = tr("The model bindings were not changed: %1").arg(loaded.error());
            setStatus(why);
            log(why);
            return Result<void>::failure(loaded.error());
        }
        bindings = std::move(loaded).value();
    }
    m_bindings = bindings;
    m_bindingsFile = path;
    m_settings->setValue(QStringLiteral("console/bindings_file"), path);
    m_editor->scene()->setBindings(m_bindings);
    refreshPlanViews();
    return {};
}

void MainWindow::setLlmConfig(const LlmConfig &config)
{
    m_llmConfig = config;
    delete m_llmPlanner; // the next LLM request builds a planner with the new endpoint
    m_llmPlanner = nullptr;
    m_llmConfig.writeSettings(*m_settings);
}

void MainWindow::setLanguage(const QString &language)
{
    m_language = language;
    m_settings->setValue(QStringLiteral("console/language"), language);
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_llmConfig, m_language.isEmpty() ? QStringLiteral("en") : m_language,
                          m_settings->value(QStringLiteral("demo/model_dir")).toString(), this);
    dialog.setBindingsFile(m_bindingsFile);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (m_job && m_planner->currentData().toString() == kLlm) {
        m_job->cancel();
        m_job = nullptr;
        m_planAction->setEnabled(true);
    }
    setLlmConfig(dialog.config());
    setLanguage(dialog.language());
    setDemoModelDir(dialog.demoModelDir());
    if (dialog.bindingsFile() != m_bindingsFile && !setBindingsFile(dialog.bindingsFile()))
        return; // the status says why
    setStatus(
        tr("Settings saved. LLM endpoint: %1 at %2.").arg(m_llmConfig.model, m_llmConfig.baseUrl));
}

} // namespace edgegpt
