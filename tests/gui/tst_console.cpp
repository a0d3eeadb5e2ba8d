// The console's main window, offscreen: a typed request planned by the local planner shows up
// as the graph; the JSON view follows edits and applies back; settings and layout persist to a
// (temporary) settings file; plans save and open; the fleet dock lists a fleet file's hosts;
// translations load; and the --screenshot command writes a non-empty PNG.
#include "app/console/ConsoleOptions.h"
#include "app/console/FleetFile.h"
#include "app/console/MainWindow.h"
#include "app/console/Translations.h"
#include "widgets/MetricsCharts.h"
#include "widgets/PlanDocument.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
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
    QString settingsPath() const { return m_dir.filePath(QStringLiteral("console.ini")); }

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
        QTest::keyClicks(window.requestBox()->lineEdit(), QStringLiteral("What's in the front of my car?"));
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
        QVERIFY(window.document()->setTaskDevice(plan.tasks[1].id, QStringLiteral("Edge server (RTX 4090)")).ok());
        QVERIFY(window.jsonView()->toPlainText().contains(QStringLiteral("Edge server (RTX 4090)")));
        QString json = window.jsonView()->toPlainText();
        json.replace(QStringLiteral("Edge server (RTX 4090)"), QStringLiteral("Edge server (RTX 3090)"));
        window.jsonView()->setPlainText(json);
        window.findChild<QPushButton *>(QStringLiteral("applyJsonButton"))->click();
        QCOMPARE(window.document()->plan().tasks[1].device, QStringLiteral("Edge server (RTX 3090)"));
        window.document()->undoStack()->undo();
        QCOMPARE(window.document()->plan().tasks[1].device, QStringLiteral("Edge server (RTX 4090)"));
    }

    void actionsHaveShortcutsAndDeployIsHonest()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        QCOMPARE(window.planAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Return));
        QVERIFY(!window.deployAction()->shortcut().isEmpty());
        QVERIFY(!window.runAction()->shortcut().isEmpty());
        QVERIFY(!window.stopAction()->shortcut().isEmpty());
        window.deployAction()->trigger();
        QVERIFY(window.statusText().contains(QStringLiteral("not available yet")));
        QVERIFY(window.logView()->toPlainText().contains(QStringLiteral("not available yet")));
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
            window.plannerBox()->setCurrentIndex(window.plannerBox()->findData(QStringLiteral("llm")));
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
            QVERIFY2(!all.contains(QStringLiteral("sk-")), "the API key must never reach the settings file");
        }
        QSettings settings(path, QSettings::IniFormat);
        MainWindow window(&settings);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(1234, 777));
        QCOMPARE(window.plannerBox()->currentData().toString(), QStringLiteral("llm"));
        QCOMPARE(window.llmConfig().baseUrl, config.baseUrl);
        QCOMPARE(window.llmConfig().model, config.model);
        QCOMPARE(window.llmConfig().apiKey, QStringLiteral("sk-test-never-written")); // from the environment
        QCOMPARE(window.language(), QStringLiteral("ko"));
        QVERIFY(window.requestHistory().contains(QStringLiteral("Please monitor the user's emotions")));
        QVERIFY(!window.findChild<QDockWidget *>(QStringLiteral("logDock"))->isVisible());
    }

    void saveAndOpenPlanThroughTheWindow()
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        MainWindow window(&settings);
        QSignalSpy done(&window, &MainWindow::planningDone);
        window.planRequest(QStringLiteral("I have captured an animal. What kind of animal is in the image?"));
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
        QCOMPARE(tree->topLevelItem(0)->text(3), QStringLiteral("not deployed"));
        // Untrusted input: problems are named by their path.
        const Result<FleetFile> bad = FleetFile::parse(
            R"({"hosts":[{"name":"a","ssh":"a","role":"router","class":"x","dir":"/d"},{"name":"a"}]})", "f.json");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().contains(QStringLiteral("$.hosts[0].role")));
        QVERIFY(bad.error().contains(QStringLiteral("$.hosts[1].ssh")));
    }

    void translationsAreEmbedded()
    {
        for (const QString &lang : {QStringLiteral("zh_CN"), QStringLiteral("ko")}) {
            QTranslator translator;
            QVERIFY2(translator.load(QStringLiteral(":/i18n/edgegpt_%1.qm").arg(lang)), qPrintable(lang));
            const QString plan = translator.translate("edgegpt::MainWindow", "&Plan");
            QVERIFY2(!plan.isEmpty() && plan != QStringLiteral("&Plan"), qPrintable(lang));
            QVERIFY(!translator.translate("edgegpt::MetricsCharts", "End-to-end latency").isEmpty());
        }
        QCOMPARE(chooseLanguage(QStringLiteral("ko")), QStringLiteral("ko"));
    }

    void commandLineOptions()
    {
        const Result<ConsoleOptions> o = ConsoleOptions::parse(
            {QStringLiteral("edgegpt-console"), QStringLiteral("--demo"), QStringLiteral("--request"),
             QStringLiteral("hello"), QStringLiteral("--screenshot"), QStringLiteral("/tmp/x.png"),
             QStringLiteral("--quit-after"), QStringLiteral("2.5")});
        QVERIFY(o.ok());
        QVERIFY(o->demo);
        QCOMPARE(o->request, QStringLiteral("hello"));
        QCOMPARE(o->screenshot, QStringLiteral("/tmp/x.png"));
        QCOMPARE(o->quitAfterSeconds, 2.5);
        QVERIFY(!ConsoleOptions::parse({QStringLiteral("edgegpt-console"), QStringLiteral("--quit-after"),
                                        QStringLiteral("soon")})
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
        process.start(console, {QStringLiteral("--settings"), m_dir.filePath(QStringLiteral("shot.ini")),
                                QStringLiteral("--request"), QStringLiteral("What's in the front of my car?"),
                                QStringLiteral("--screenshot"), png});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 800 && image.height() > 500);
    }
};

QTEST_MAIN(ConsoleTest)
#include "tst_console.moc"
