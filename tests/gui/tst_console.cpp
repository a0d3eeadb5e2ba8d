// The console's main window, offscreen: a typed request planned by the local planner shows up
// as the graph; the JSON view follows edits and applies back; settings and layout persist to a
// (temporary) settings file; plans save and open; the fleet dock lists a fleet file's hosts;
// translations load; the demo fleet without a model says so, trains one with the edgegpt command
// line (progress, no blocking), runs real local agents whose metrics reach the charts, and its
// link-rate slider changes the device's uplink live; the device speed setting (the presenter
// preset by default) moves the split the device agent uses within the slider's range, a Jetson
// Nano expects the input split at every rate, and changing it restarts only the device agent;
// and the --screenshot command writes a non-empty PNG, with and without the demo's data.
#include "app/console/AgentMetricsFeed.h"
#include "app/console/ConsoleOptions.h"
#include "app/console/DemoController.h"
#include "app/console/DemoPanel.h"
#include "app/console/FleetFile.h"
#include "app/console/MainWindow.h"
#include "app/console/Translations.h"
#include "core/fleet/LocalFleet.h"
#include "widgets/MetricsCharts.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"

#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

using namespace edgegpt;

class ConsoleTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_modelDir; // trained by demoTrainsItsModelAndFeedsTheCharts
    QString settingsPath() const { return m_dir.filePath(QStringLiteral("console.ini")); }
    static double mean(const QVector<QPointF> &points, double fromMs, double toMs)
    {
        double sum = 0;
        int n = 0;
        for (const QPointF &p : points)
            if (p.x() >= fromMs && p.x() < toMs) {
                sum += p.y();
                ++n;
            }
        return n ? sum / n : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("OPENAI_API_KEY", "sk-test-never-written");
    }

    void typedRequestIsPlannedIntoTheGraph()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.plannerBox()->currentData().toString(), QStringLiteral("local"));
        window.requestBox()->lineEdit()->clear();
        QTest::keyClicks(window.requestBox()->lineEdit(),
                         QStringLiteral("What's in the front of my car?"));
        QSignalSpy done(&window, &MainWindow::planningDone);
        QTest::keyClick(window.requestBox()->lineEdit(), Qt::Key_Return);
        QVERIFY(window.isPlanning() || done.count() == 1);
        QVERIFY(done.count() == 1 || done.wait(5000));
        QCOMPARE(done.first().first().toBool(), true);
        const Plan &plan = window.document()->plan();
        QCOMPARE(plan.request, QStringLiteral("What's in the front of my car?"));
        QVERIFY(plan.tasks.size() >= 2);
        PlanGraphScene *scene = window.editor()->scene();
        QCOMPARE(scene->nodes().size(), plan.tasks.size());
        for (const PlanTask &t : plan.tasks)
            QVERIFY(scene->node(t.id));
        QCOMPARE(scene->edges().size(), plan.links().size());
        QVERIFY(window.statusText().contains(QStringLiteral("Planned")));
        QVERIFY(window.jsonView()->toPlainText().contains(QStringLiteral("Capture Image")));
        QCOMPARE(window.requestHistory().first(), QStringLiteral("What's in the front of my car?"));

        // An edit in the graph reaches the JSON view; Apply JSON goes the other way.
        QVERIFY(window.document()
                    ->setTaskDevice(plan.tasks[1].id, QStringLiteral("Edge server (RTX 4090)"))
                    .ok());
        QVERIFY(
            window.jsonView()->toPlainText().contains(QStringLiteral("Edge server (RTX 4090)")));
        QString json = window.jsonView()->toPlainText();
        json.replace(QStringLiteral("Edge server (RTX 4090)"),
                     QStringLiteral("Edge server (RTX 3090)"));
        window.jsonView()->setPlainText(json);
        window.findChild<QPushButton *>(QStringLiteral("applyJsonButton"))->click();
        QCOMPARE(window.document()->plan().tasks[1].device,
                 QStringLiteral("Edge server (RTX 3090)"));
        window.document()->undoStack()->undo();
        QCOMPARE(window.document()->plan().tasks[1].device,
                 QStringLiteral("Edge server (RTX 4090)"));
    }

    void actionsHaveShortcutsAndDeployIsHonest()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        QCOMPARE(window.planAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Return));
        QVERIFY(!window.deployAction()->shortcut().isEmpty());
        QVERIFY(!window.runAction()->shortcut().isEmpty());
        QVERIFY(!window.stopAction()->shortcut().isEmpty());
        // No fleet file: nothing to deploy to, and the console says where things run instead.
        window.deployAction()->trigger();
        QVERIFY(window.statusText().contains(QStringLiteral("nothing to deploy")));
        QVERIFY(window.logView()->toPlainText().contains(QStringLiteral("local demo fleet")));
        // Stop cancels planning in flight.
        QSignalSpy done(&window, &MainWindow::planningDone);
        window.planRequest(QStringLiteral("Detect how many objects are in the picture"));
        QVERIFY(window.isPlanning());
        window.stopAction()->trigger();
        QVERIFY(!window.isPlanning());
        QCOMPARE(done.count(), 1);
        QCOMPARE(done.first().first().toBool(), false);
        QTest::qWait(50);
        QCOMPARE(done.count(), 1); // the cancelled job says nothing more
        QVERIFY(window.document()->plan().tasks.isEmpty());
    }

    void settingsAndLayoutPersist()
    {
        const QString path = m_dir.filePath(QStringLiteral("persist.ini"));
        LlmConfig config;
        config.baseUrl = QStringLiteral("http://127.0.0.1:8089/v1");
        config.model = QStringLiteral("qwen2.5-7b-instruct");
        config.apiKey = QStringLiteral("sk-typed-in-the-dialog");
        {
            QSettings settings(path, QSettings::IniFormat);
            MainWindow window(&settings);
            window.resize(1234, 777);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.plannerBox()->setCurrentIndex(
                window.plannerBox()->findData(QStringLiteral("llm")));
            Q_EMIT window.plannerBox()->activated(window.plannerBox()->currentIndex());
            window.setLlmConfig(config);
            window.setLanguage(QStringLiteral("ko"));
            window.findChild<QDockWidget *>(QStringLiteral("logDock"))->hide();
            window.planRequest(QStringLiteral("Please monitor the user's emotions"));
            window.stopAction()->trigger();
            window.close();
        }
        {
            QSettings raw(path, QSettings::IniFormat);
            const QString all = [&raw] {
                QStringList kv;
                for (const QString &k : raw.allKeys())
                    kv.append(k + QLatin1Char('=') + raw.value(k).toString());
                return kv.join(QLatin1Char('\n'));
            }();
            QVERIFY2(!all.contains(QStringLiteral("sk-")),
                     "the API key must never reach the settings file");
        }
        QSettings settings(path, QSettings::IniFormat);
        MainWindow window(&settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(1234, 777));
        QCOMPARE(window.plannerBox()->currentData().toString(), QStringLiteral("llm"));
        QCOMPARE(window.llmConfig().baseUrl, config.baseUrl);
        QCOMPARE(window.llmConfig().model, config.model);
        QCOMPARE(window.llmConfig().apiKey,
                 QStringLiteral("sk-test-never-written")); // from the environment
        QCOMPARE(window.language(), QStringLiteral("ko"));
        QVERIFY(
            window.requestHistory().contains(QStringLiteral("Please monitor the user's emotions")));
        QVERIFY(!window.findChild<QDockWidget *>(QStringLiteral("logDock"))->isVisible());
    }

    void saveAndOpenPlanThroughTheWindow()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        QSignalSpy done(&window, &MainWindow::planningDone);
        window.planRequest(
            QStringLiteral("I have captured an animal. What kind of animal is in the image?"));
        QVERIFY(done.wait(5000));
        const Plan planned = window.document()->plan();
        const QString path = m_dir.filePath(QStringLiteral("animal.json"));
        QVERIFY(window.savePlan(path).ok());
        MainWindow other(&settings);
        QVERIFY(other.openPlan(path).ok());
        QCOMPARE(other.document()->plan(), planned);
        QCOMPARE(other.editor()->scene()->nodes().size(), planned.tasks.size());
        QVERIFY(other.windowTitle().startsWith(QStringLiteral("animal.json")));
    }

    void fleetDockListsHosts()
    {
        const QString path = QStringLiteral(EDGEGPT_SOURCE_DIR "/resources/fleets/example.json");
        if (!QFile::exists(path))
            QSKIP("no example fleet in resources/fleets");
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        QVERIFY(window.loadFleet(path).ok());
        QTreeWidget *tree = window.fleetTree();
        QVERIFY(tree->topLevelItemCount() >= 2);
        QCOMPARE(tree->topLevelItem(0)->text(0), QStringLiteral("jetson-1"));
        QCOMPARE(tree->topLevelItem(0)->text(1), QStringLiteral("device"));
        QCOMPARE(tree->topLevelItem(0)->text(2), QStringLiteral("jetson-nano"));
        // The state is what the console polls over SSH; until the first answer it says so.
        QCOMPARE(tree->topLevelItem(0)->text(3), QStringLiteral("checking"));
        // Untrusted input: problems are named by their path.
        const Result<FleetFile> bad = FleetFile::parse(
            R"({"hosts":[{"name":"a","ssh":"a","role":"router","class":"x","dir":"/d"},{"name":"a"}]})",
            "f.json");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("$.hosts[0].role")));
        QVERIFY(bad.error().contains(QStringLiteral("$.hosts[1].ssh")));
    }

    void demoWithoutAModelSaysSo()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        window.show();
        const QString empty = m_dir.filePath(QStringLiteral("no-model"));
        QVERIFY(QDir().mkpath(empty));
        window.setDemoModelDir(empty);
        window.startDemo();
        QCOMPARE(window.demo()->state(), DemoController::State::NeedsModel);
        QVERIFY2(window.statusText().contains(QStringLiteral("needs a trained model")),
                 qPrintable(window.statusText()));
        QVERIFY(window.statusText().contains(empty));
        QVERIFY(window.demoPanel()->trainButton()->isVisible());
        QVERIFY(window.logView()->toPlainText().contains(QStringLiteral("edgegpt train")));
        // The folder is a setting.
        QCOMPARE(settings.value(QStringLiteral("demo/model_dir")).toString(), empty);
    }

    void demoTrainsItsModelAndFeedsTheCharts()
    {
        if (QStringLiteral(EDGEGPT_CLI_PATH).isEmpty() ||
            QStringLiteral(EDGEGPT_AGENT_PATH).isEmpty())
            QSKIP("edgegpt and edgegpt-agent are not built (no LibTorch)");
        qputenv("EDGEGPT_CLI", EDGEGPT_CLI_PATH);
        qputenv("EDGEGPT_AGENT", EDGEGPT_AGENT_PATH);
        qputenv("OMP_NUM_THREADS", "1");
        QSettings settings(m_dir.filePath(QStringLiteral("demo.ini")), QSettings::IniFormat);
        MainWindow window(&settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        DemoController *demo = window.demo();
        // As a Jetson Nano the device always sends the image, so every inference crosses the
        // uplink and its transfer time follows the slider (demoDeviceSpeedMovesTheSplit has the
        // presenter setting, where the split moves).
        DeviceSpeed nano;
        nano.preset = DeviceSpeed::Preset::JetsonNano;
        demo->setDeviceSpeed(nano);
        m_modelDir = m_dir.filePath(QStringLiteral("model"));
        window.setDemoModelDir(m_modelDir);
        window.startDemo();
        QCOMPARE(demo->state(), DemoController::State::NeedsModel);

        // Training runs the command line as child processes: the GUI thread keeps turning.
        QSignalSpy progress(demo, &DemoController::progress);
        QElapsedTimer clock;
        clock.start();
        demo->train(DemoController::Training::Quick);
        QCOMPARE(demo->state(), DemoController::State::Training);
        QVERIFY(clock.elapsed() < 2000); // it returned at once
        QTRY_VERIFY_WITH_TIMEOUT(demo->state() != DemoController::State::Training, 300000);
        QVERIFY2(demo->state() == DemoController::State::Starting ||
                     demo->state() == DemoController::State::Running,
                 qPrintable(window.statusText() + QLatin1Char('\n') +
                            window.logView()->toPlainText().right(2000)));
        QVERIFY(progress.size() >= 3); // 0, batches along the way, done
        QCOMPARE(progress.last().at(0).toInt(), progress.last().at(1).toInt());
        QVERIFY(demo->modelProblem().isEmpty());

        // The agents run, and their metrics reach the store and the charts.
        QTRY_COMPARE_WITH_TIMEOUT(demo->state(), DemoController::State::Running, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(
            demo->deviceFeed()->isSubscribed() && demo->edgeFeed()->isSubscribed(), 10000);
        MetricsStore *store = window.metricsStore();
        const QString device = DemoController::deviceAgentName;
        QTRY_VERIFY_WITH_TIMEOUT(store->size(device, MetricSeries::TotalMs) >= 10, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->shownPoints() > 0, 5000);
        QCOMPARE(window.charts()->latencyAgent(), device);
        QVERIFY(store->size(device, MetricSeries::TransferMs) > 0);
        QVERIFY(store->size(device, MetricSeries::SplitPoint) > 0);
        QVERIFY(!demo->deviceFeed()->lastSplit().isEmpty());
        QVERIFY(window.demoPanel()->readout().contains(demo->deviceFeed()->lastSplit()));
        // The fleet dock lists both agents with their addresses.
        QTreeWidget *tree = window.fleetTree();
        QCOMPARE(tree->topLevelItemCount(), 2);
        QCOMPARE(tree->topLevelItem(0)->text(0), DemoController::edgeAgentName);
        QVERIFY(tree->topLevelItem(0)->text(4).startsWith(QStringLiteral("127.0.0.1:")));
        QCOMPARE(tree->topLevelItem(1)->text(0), device);

        // The slider changes the device's uplink while it runs; the transfers follow.
        QSignalSpy applied(demo, &DemoController::linkRateApplied);
        window.demoPanel()->linkSlider()->setValue(500);
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.last().first().toDouble(), 500.0);
        QTest::qWait(300);
        const double fast0 = double(QDateTime::currentMSecsSinceEpoch());
        QTest::qWait(2500);
        const double fast1 = double(QDateTime::currentMSecsSinceEpoch());
        window.demoPanel()->linkSlider()->setValue(100);
        QVERIFY(applied.wait(5000));
        QCOMPARE(demo->appliedLinkRate(), 100.0);
        QTest::qWait(300);
        const double slow0 = double(QDateTime::currentMSecsSinceEpoch());
        QTest::qWait(2500);
        const QVector<QPointF> transfers = store->points(device, MetricSeries::TransferMs);
        const double fastMs = mean(transfers, fast0, fast1), slowMs = mean(transfers, slow0, 1e18);
        QVERIFY2(fastMs > 0 && slowMs > 0,
                 qPrintable(QStringLiteral("%1 %2").arg(fastMs).arg(slowMs)));
        QVERIFY2(slowMs > 1.5 * fastMs,
                 qPrintable(QStringLiteral("transfer at 500 KB/s %1 ms, at 100 KB/s %2 ms")
                                .arg(fastMs)
                                .arg(slowMs)));
        QCOMPARE(settings.value(QStringLiteral("demo/link_rate_kbps")).toInt(), 100);

        // Stop ends both agents.
        window.stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(demo->state(), DemoController::State::Idle, 10000);
        QVERIFY(!demo->fleet()->isRunning());
        QCOMPARE(tree->topLevelItemCount(), 0);
    }

    void presenterFactorFollowsTheRoundTrip()
    {
        // The Fashion-MNIST CNN's two choices that matter, as its profile measures them: the
        // whole model on the device (3.7 ms at 1×) or the image as jpeg-q70 (422 B, 0.06 ms to
        // encode, 4.1 ms on the edge).
        SplitProfile profile;
        profile.model = QStringLiteral("cnn");
        profile.baselineAccuracy = 0.9;
        SplitPointProfile input;
        input.name = QStringLiteral("input");
        input.tailMs = 4.1;
        input.codecs.append({QStringLiteral("jpeg-q70"), 422, 0.9, 0.06, 0.05});
        SplitPointProfile logits;
        logits.name = QStringLiteral("logits");
        logits.index = 1;
        logits.headMs = 3.7;
        profile.splits = {input, logits};

        double previous = 0;
        for (const double roundTrip : {0.1, 1.0, 3.0, 5.0}) {
            const Result<double> f = DemoController::tunePresenterFactor(profile, roundTrip);
            QVERIFY2(f.ok(), qPrintable(f.error()));
            QVERIFY2(
                *f > previous,
                qPrintable(
                    QStringLiteral("%1 ms: ×%2 after ×%3").arg(roundTrip).arg(*f).arg(previous)));
            previous = *f;
            QCOMPARE(*f, std::ceil(*f * 10) / 10); // what the label says is what runs
            DeviceSpeed speed;
            speed.presenter = *f;
            QVERIFY(DemoController::splitChangesMidSlider(profile, speed, roundTrip));
            // Device-only at the bottom of the slider, the image at the top; the change within
            // a tenth of the factor of the slider's geometric middle.
            const auto best = [&](double factor, double rate) {
                LinkEstimate link;
                link.rateKBps = rate;
                link.roundTripMs = roundTrip;
                DeviceSpeed at;
                at.presenter = factor;
                return SplitPlanner::rank(profile, link, DemoController::placementOptions(at))
                    .first()
                    .split;
            };
            QCOMPARE(best(*f, 100), QStringLiteral("logits"));
            QCOMPARE(best(*f, 500), QStringLiteral("input"));
            QCOMPARE(best(*f, DemoController::presenterTargetKBps()), QStringLiteral("input"));
            QCOMPARE(best(*f - 0.1, DemoController::presenterTargetKBps()),
                     QStringLiteral("logits"));
        }
        // Closed form for the two choices: 3.7 F = 4.1 + 0.06 F + 534 B / 223.6 KB/s + round
        // trip, so F = 1.80 at 0.1 ms, rounded up to ×1.9.
        QCOMPARE(*DemoController::tunePresenterFactor(profile, 0.1), 1.9);
        // The old fixed ×2 no longer moves the split in the middle of the slider once the round
        // trip is 3 ms (as on a loaded 2-core machine).
        DeviceSpeed fixed;
        fixed.presenter = DeviceSpeed::presenterFactor;
        QVERIFY(DemoController::splitChangesMidSlider(profile, fixed, 0.1));
        QVERIFY(!DemoController::splitChangesMidSlider(profile, fixed, 3.0));

        // A model whose only split is the input has nothing to move: a clear failure.
        SplitProfile onlyInput = profile;
        onlyInput.splits = {input};
        const Result<double> none = DemoController::tunePresenterFactor(onlyInput, 0.1);
        QVERIFY(!none.ok());
        QVERIFY2(none.error().contains(QStringLiteral("does the best split of cnn")),
                 qPrintable(none.error()));
    }

    void demoDeviceSpeedMovesTheSplit()
    {
        if (QStringLiteral(EDGEGPT_AGENT_PATH).isEmpty() || m_modelDir.isEmpty())
            QSKIP("needs edgegpt-agent and the model trained by "
                  "demoTrainsItsModelAndFeedsTheCharts");
        qputenv("EDGEGPT_AGENT", EDGEGPT_AGENT_PATH);
        qputenv("OMP_NUM_THREADS", "1");
        const QString ini = m_dir.filePath(QStringLiteral("speed.ini"));
        QSettings settings(ini, QSettings::IniFormat);
        auto window = std::make_unique<MainWindow>(&settings);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        DemoController *demo = window->demo();
        DemoPanel *panel = window->demoPanel();

        // The presenter setting is the default, tuned to the model's profile on this computer,
        // and the panel says plainly which factor it is.
        window->setDemoModelDir(m_modelDir);
        QCOMPARE(demo->deviceSpeed().preset, DeviceSpeed::Preset::Presenter);
        const Result<SplitProfile> profile =
            SplitProfile::load(m_modelDir + QStringLiteral("/profile.json"));
        QVERIFY2(profile.ok(), qPrintable(profile.error()));
        const Result<double> tuned =
            DemoController::tunePresenterFactor(*profile, DemoController::assumedRoundTripMs);
        QVERIFY2(tuned.ok(), qPrintable(tuned.error()));
        QCOMPARE(demo->deviceSpeed().slowdown(), *tuned);
        QCOMPARE(demo->deviceSpeed().codecSlowdown(), *tuned);
        QCOMPARE(panel->deviceSpeedBox()->currentData().toString(), QStringLiteral("presenter"));
        QCOMPARE(panel->speedText(), QStringLiteral("emulated: device ×%1 (presenter setting)")
                                         .arg(DeviceSpeed::factorText(*tuned)));
        QVERIFY(!panel->customFactorBox()->isVisible());

        panel->linkSlider()->setValue(100);
        QVERIFY2(demo->forecast(100).ok(), qPrintable(demo->forecast(100).error()));
        window->startDemo();
        QTRY_COMPARE_WITH_TIMEOUT(demo->state(), DemoController::State::Running, 30000);
        QElapsedTimer running; // since the device agent started (again, after a retune)
        running.start();
        const QMetaObject::Connection restarted = connect(demo->fleet(), &LocalFleet::deviceStarted,
                                                          this, [&running] { running.restart(); });
        const quint16 edgePort = demo->fleet()->edgePort();
        // At 100 KB/s the device agent settles on a split once its estimate of the link is there
        // (its first decision may come from a faster first sample). Where its round trip puts
        // the change outside the middle of the slider, the presenter factor is retuned and the
        // device agent restarts at the new one: wait for that too.
        const auto settledAtLow = [demo] {
            return !demo->deviceRestarting() && !demo->splitInUse().isEmpty() &&
                   demo->deviceFeed()->lastLinkRateKBps() > 0 &&
                   demo->deviceFeed()->lastLinkRateKBps() < 130;
        };
        QTRY_VERIFY_WITH_TIMEOUT(settledAtLow(), 30000);
        QTest::qWait(1500);
        QTRY_VERIFY_WITH_TIMEOUT(settledAtLow(), 30000);
        const QString atLow = demo->splitInUse();
        // The factor that runs puts the change in the middle of the slider for the round trip the
        // agent measured.
        const Result<SplitForecast> lowFirst = demo->forecast(100);
        QVERIFY(lowFirst.ok());
        QVERIFY2(lowFirst->best.split != demo->forecast(500)->best.split,
                 qPrintable(QStringLiteral("×%1, round trip %2 ms: %3")
                                .arg(demo->deviceSpeed().slowdown())
                                .arg(lowFirst->roundTripMs)
                                .arg(panel->forecastText())));
        QVERIFY2(panel->forecastText().contains(QStringLiteral("in use: %1").arg(atLow)),
                 qPrintable(panel->forecastText()));
        QVERIFY2(panel->forecastText().contains(QStringLiteral("expected at 100 KB/s: ")),
                 qPrintable(panel->forecastText()));
        // At 500 KB/s it reports another split in use.
        panel->linkSlider()->setValue(500);
        QTRY_VERIFY2_WITH_TIMEOUT(!demo->splitInUse().isEmpty() && demo->splitInUse() != atLow,
                                  qPrintable(QStringLiteral("still %1 at ×%2: %3")
                                                 .arg(demo->splitInUse())
                                                 .arg(demo->deviceSpeed().slowdown())
                                                 .arg(panel->forecastText())),
                                  30000);
        const QString atHigh = demo->splitInUse();
        QVERIFY2(panel->forecastText().contains(QStringLiteral("in use: %1").arg(atHigh)),
                 qPrintable(panel->forecastText()));
        // The panel shows what the profile expects at the slider's rate (with the round trip the
        // agent planned with last) and where that changes; the agent's own estimate of the link
        // and its round trip vary, so the two need not agree at every moment.
        const Result<SplitForecast> low = demo->forecast(100), high = demo->forecast(500);
        QVERIFY(low.ok() && high.ok());
        QVERIFY2(panel->forecastText().contains(
                     QStringLiteral("expected at 500 KB/s: %1").arg(high->best.split)),
                 qPrintable(panel->forecastText()));
        if (high->changesBelowKBps >= 0)
            QVERIFY2(panel->forecastText().contains(QStringLiteral("%1 at %2 KB/s and below")
                                                        .arg(high->splitBelow)
                                                        .arg(high->changesBelowKBps, 0, 'f', 0)),
                     qPrintable(panel->forecastText()));
        qInfo("at the presenter factor ×%.1f (%d retunes) the profile expects %s at 100 KB/s "
              "and %s at 500 KB/s (round trip %.1f ms); the agent used %s and %s",
              demo->deviceSpeed().slowdown(), demo->presenterRetunes(), qPrintable(low->best.split),
              qPrintable(high->best.split), low->roundTripMs, qPrintable(atLow),
              qPrintable(atHigh));

        // A round trip that leaves the running factor's change outside the middle of the slider
        // (the agent reports one as in tst_agents' roundTripChangeIsReported; here its line is
        // given to the controller as the fleet would, so the round trip is exactly 6 ms): the
        // presenter factor is retuned up, the log says why, and only the device agent restarts.
        // (Past the spacing after the device agent's start, so the controller retunes as it
        // reads the line, before the agent itself reports again.)
        const int retunesBefore = demo->presenterRetunes();
        QVERIFY(!demo->deviceRestarting());
        QTest::qWait(
            int(qMax<qint64>(0, DemoController::retuneSpacingMs + 500 - running.elapsed())));
        disconnect(restarted);
        const double factorBefore = demo->deviceSpeed().slowdown();
        QSignalSpy logged(demo, &DemoController::logLine);
        Q_EMIT demo->fleet()->agentLine(
            QStringLiteral("device"),
            QStringLiteral("{\"event\":\"split\",\"split\":\"%1\",\"codec\":\"%2\","
                           "\"rate_kbps\":500,\"round_trip_ms\":6.0,"
                           "\"why\":\"round trip now 6.0 ms\"}")
                .arg(demo->splitInUse(), demo->codecInUse()));
        QCOMPARE(demo->presenterRetunes(), retunesBefore + 1);
        QVERIFY2(demo->deviceSpeed().slowdown() > factorBefore + 0.5,
                 qPrintable(QStringLiteral("×%1 -> ×%2")
                                .arg(factorBefore)
                                .arg(demo->deviceSpeed().slowdown())));
        QCOMPARE(panel->speedText(),
                 QStringLiteral("emulated: device ×%1 (presenter setting)")
                     .arg(DeviceSpeed::factorText(demo->deviceSpeed().slowdown())));
        bool said = false;
        for (const QList<QVariant> &args : logged)
            said = said || args.first().toString().contains(QStringLiteral("6.0 ms round trip"));
        QVERIFY(said);
        QTRY_VERIFY_WITH_TIMEOUT(!demo->deviceRestarting() && demo->deviceFeed()->isSubscribed(),
                                 30000);
        QCOMPARE(demo->fleet()->edgePort(), edgePort);

        // A Jetson Nano: the image is expected at every rate, the panel says which factor runs,
        // and only the device agent restarts (the edge keeps its port), then reports input.
        panel->deviceSpeedBox()->setCurrentIndex(
            panel->deviceSpeedBox()->findData(QStringLiteral("jetson-nano")));
        QCOMPARE(demo->deviceSpeed().preset, DeviceSpeed::Preset::JetsonNano);
        QCOMPARE(panel->speedText(), QStringLiteral("emulated: device ×150.8 (Jetson Nano)"));
        QCOMPARE(settings.value(QStringLiteral("demo/device_speed")).toString(),
                 QStringLiteral("jetson-nano"));
        for (int rate = 100; rate <= 500; rate += 5) {
            const Result<SplitForecast> f = demo->forecast(rate);
            QVERIFY(f.ok());
            QVERIFY2(f->best.split == QLatin1String("input"),
                     qPrintable(QStringLiteral("%1 KB/s: %2").arg(rate).arg(f->best.split)));
            QCOMPARE(f->changesBelowKBps, -1.0);
            QCOMPARE(f->changesAboveKBps, -1.0);
        }
        QVERIFY2(panel->forecastText().contains(QStringLiteral("the same over 100–500 KB/s")),
                 qPrintable(panel->forecastText()));
        QTRY_VERIFY_WITH_TIMEOUT(demo->deviceRestarting(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!demo->deviceRestarting() && demo->deviceFeed()->isSubscribed(),
                                 30000);
        QTRY_COMPARE_WITH_TIMEOUT(demo->splitInUse(), QStringLiteral("input"), 30000);
        QCOMPARE(demo->fleet()->edgePort(), edgePort);
        // The new device agent keeps running (past the fleet's stop bound).
        QTest::qWait(demo->fleet()->options().stopTimeoutMs + 1000);
        if (!(demo->isRunning() && demo->fleet()->deviceRunning()))
            qWarning().noquote() << window->logView()->toPlainText();
        QVERIFY2(demo->isRunning() && demo->fleet()->deviceRunning(),
                 qPrintable(window->statusText() + QLatin1Char('\n') +
                            window->logView()->toPlainText().right(5000)));
        QVERIFY(window->fleetTree()->topLevelItemCount() == 2);
        QVERIFY(window->fleetTree()->topLevelItem(1)->text(2).contains(
            QStringLiteral("device ×150.8 (Jetson Nano)")));
        window->stopAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(demo->state(), DemoController::State::Idle, 10000);

        // Back to the presenter setting: tuned for the round trip the device reported last.
        panel->deviceSpeedBox()->setCurrentIndex(
            panel->deviceSpeedBox()->findData(QStringLiteral("presenter")));
        QVERIFY(demo->profile().has_value());
        const Result<double> retuned =
            DemoController::tunePresenterFactor(*demo->profile(), demo->forecast(100)->roundTripMs);
        QVERIFY(retuned.ok());
        QCOMPARE(demo->deviceSpeed().slowdown(), *retuned);
        QCOMPARE(panel->speedText(), QStringLiteral("emulated: device ×%1 (presenter setting)")
                                         .arg(DeviceSpeed::factorText(*retuned)));

        // A custom factor: the spin box shows, the label says so, the settings keep it.
        panel->deviceSpeedBox()->setCurrentIndex(
            panel->deviceSpeedBox()->findData(QStringLiteral("custom")));
        QVERIFY(panel->customFactorBox()->isVisible());
        panel->customFactorBox()->setValue(3.5);
        QCOMPARE(demo->deviceSpeed().slowdown(), 3.5);
        QCOMPARE(demo->deviceSpeed().codecSlowdown(), 3.5);
        QCOMPARE(panel->speedText(), QStringLiteral("emulated: device ×3.5 (custom setting)"));
        window.reset();
        QCOMPARE(settings.value(QStringLiteral("demo/device_speed")).toString(),
                 QStringLiteral("custom"));
        MainWindow again(&settings);
        QCOMPARE(again.demo()->deviceSpeed().preset, DeviceSpeed::Preset::Custom);
        QCOMPARE(again.demo()->deviceSpeed().customFactor, 3.5);
        QCOMPARE(again.demoPanel()->customFactorBox()->value(), 3.5);
    }

    void translationsAreEmbedded()
    {
        for (const QString &lang : {QStringLiteral("zh_CN"), QStringLiteral("ko")}) {
            QTranslator translator;
            QVERIFY2(translator.load(QStringLiteral(":/i18n/edgegpt_%1.qm").arg(lang)),
                     qPrintable(lang));
            const QString plan = translator.translate("edgegpt::MainWindow", "&Plan");
            QVERIFY2(!plan.isEmpty() && plan != QStringLiteral("&Plan"), qPrintable(lang));
            QVERIFY(
                !translator.translate("edgegpt::MetricsCharts", "End-to-end latency").isEmpty());
        }
        QCOMPARE(chooseLanguage(QStringLiteral("ko")), QStringLiteral("ko"));
    }

    void commandLineOptions()
    {
        const Result<ConsoleOptions> o = ConsoleOptions::parse(
            {QStringLiteral("edgegpt-console"), QStringLiteral("--demo"),
             QStringLiteral("--request"), QStringLiteral("hello"), QStringLiteral("--screenshot"),
             QStringLiteral("/tmp/x.png"), QStringLiteral("--quit-after"), QStringLiteral("2.5")});
        QVERIFY(o.ok());
        QVERIFY(o->demo);
        QCOMPARE(o->request, QStringLiteral("hello"));
        QCOMPARE(o->screenshot, QStringLiteral("/tmp/x.png"));
        QCOMPARE(o->quitAfterSeconds, 2.5);
        QVERIFY(!ConsoleOptions::parse({QStringLiteral("edgegpt-console"),
                                        QStringLiteral("--quit-after"), QStringLiteral("soon")})
                     .ok());
    }

    void screenshotCommandWritesAPng()
    {
        const QString console = QStringLiteral(EDGEGPT_CONSOLE_PATH);
        if (console.isEmpty())
            QSKIP("edgegpt-console is not built");
        const QString png = m_dir.filePath(QStringLiteral("shot.png"));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(env);
        // No model: the demo says so and the picture comes at once.
        process.start(
            console, {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("shot.ini")),
                      QStringLiteral("--model-dir"), m_dir.filePath(QStringLiteral("no-model")),
                      QStringLiteral("--request"), QStringLiteral("What's in the front of my car?"),
                      QStringLiteral("--screenshot"), png});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 800 && image.height() > 500);
    }

    void screenshotOfTheRunningDemo()
    {
        const QString console = QStringLiteral(EDGEGPT_CONSOLE_PATH);
        if (console.isEmpty() || m_modelDir.isEmpty())
            QSKIP("needs the console and the model trained by demoTrainsItsModelAndFeedsTheCharts");
        const QString png = m_dir.filePath(QStringLiteral("demo.png"));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(env);
        process.start(
            console, {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("demo-shot.ini")),
                      QStringLiteral("--demo"), QStringLiteral("--model-dir"), m_modelDir,
                      QStringLiteral("--request"), QStringLiteral("What's in the front of my car?"),
                      QStringLiteral("--screenshot"), png, QStringLiteral("--screenshot-delay"),
                      QStringLiteral("3")});
        QVERIFY(process.waitForFinished(90000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 800 && image.height() > 500);
    }
};

QTEST_MAIN(ConsoleTest)
#include "tst_console.moc"
