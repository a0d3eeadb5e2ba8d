// The console's federated-learning panel, offscreen: fl tune's --json lines (as the real command
// prints them) parsed into attempts, rounds and the best attempt, malformed lines reported and
// never fatal, the line buffer bounded; the panel filled from such lines (one curve per attempt,
// the configurations side by side with the best marked, the devices per round); a real small
// `edgegpt fl tune --planner local` run through the panel's Start with the GUI thread ticking all
// along; Stop ending fl tune, its fl run and that run's agents (the whole process group); and the
// main window's dock.
#include "app/console/FlPanel.h"
#include "app/console/FlTuneProcess.h"
#include "app/console/MainWindow.h"
#include "widgets/FlCurveChart.h"

#include <QChart>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLegend>
#include <QLegendMarker>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cerrno>
#include <csignal>

using namespace edgegpt;

namespace {

// Lines as `edgegpt fl tune "a clothing classifier, under 1 MB" --planner local --attempts 2
// --devices 2 --rounds 2 --samples-per-device 40 --test-samples 200 --json` printed them, except
// that attempt 1's second round is edited to leave device-1 out (as a device that dies reports).
const QByteArray kStart1 =
    R"({"attempt":1,"config":{"alpha_aware":false,"batch":32,"local_epochs":1,"lr":0.05,"model":"cnn","optimizer":"sgd","reason":"the baseline configuration","rounds":2,"width":1},"start":true})";
const QByteArray kRound11 =
    R"({"accuracy":0.31,"attempt":1,"bytes_down":3067164,"bytes_up":611945,"devices":2,"left_out":[],"loss":2.165335998535156,"round":1,"round_ms":2520.330242,"sent_to":2})";
const QByteArray kRound12 =
    R"({"accuracy":0.45,"attempt":1,"bytes_down":3107270,"bytes_up":576044,"devices":1,"left_out":["device-1"],"loss":2.095018768310547,"round":2,"round_ms":2668.307126,"sent_to":2})";
const QByteArray kAttempt1 =
    R"({"attempt":1,"config":{"alpha_aware":false,"batch":32,"local_epochs":1,"lr":0.05,"model":"cnn","optimizer":"sgd","reason":"the baseline configuration","rounds":2,"width":1},"curve":[0.31,0.45],"final_accuracy":0.45,"model_bytes":1697245,"seconds":22.16})";
const QByteArray kStart2 =
    R"({"attempt":2,"config":{"alpha_aware":false,"batch":32,"local_epochs":1,"lr":0.05,"model":"mobilenetv2","optimizer":"sgd","reason":"the model (1697245 bytes) is over the 1000000-byte limit: a smaller one","rounds":2,"width":0.5},"start":true})";
const QByteArray kRound21 =
    R"({"accuracy":0.09,"attempt":2,"bytes_down":4246914,"bytes_up":1037439,"devices":2,"left_out":[],"loss":2.3022811889648436,"round":1,"round_ms":7010.416787,"sent_to":2})";
const QByteArray kRound22 =
    R"({"accuracy":0.09,"attempt":2,"bytes_down":4460544,"bytes_up":1029490,"devices":2,"left_out":[],"loss":2.3037785339355468,"round":2,"round_ms":6288.476969,"sent_to":2})";
const QByteArray kAttempt2 =
    R"({"attempt":2,"config":{"alpha_aware":false,"batch":32,"local_epochs":1,"lr":0.05,"model":"mobilenetv2","optimizer":"sgd","reason":"the model (1697245 bytes) is over the 1000000-byte limit: a smaller one","rounds":2,"width":0.5},"curve":[0.09,0.09],"final_accuracy":0.09,"model_bytes":2522343,"seconds":35.107})";
const QByteArray kBest = R"({"baseline_accuracy":0.45,"best_accuracy":0.45,"best_attempt":1})";

bool haveBinaries()
{
    return !QStringLiteral(EDGEGPT_CLI_PATH).isEmpty() &&
           !QStringLiteral(EDGEGPT_AGENT_PATH).isEmpty();
}

bool groupAlive(qint64 pgid)
{
    return pgid > 0 && (::kill(pid_t(-pgid), 0) == 0 || errno != ESRCH);
}

} // namespace

class FlPanelTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qRegisterMetaType<FlTuneEvent>();
        if (haveBinaries()) {
            qputenv("EDGEGPT_CLI", EDGEGPT_CLI_PATH);
            qputenv("EDGEGPT_AGENT", EDGEGPT_AGENT_PATH);
        }
        qputenv("OMP_NUM_THREADS", "1");
    }

    void parsesTheRealLines()
    {
        FlTuneEvent e = FlTuneEvent::parse(kStart1);
        QCOMPARE(e.kind, FlTuneEvent::Kind::AttemptStart);
        QCOMPARE(e.attempt, 1);
        QCOMPARE(e.config.value(QStringLiteral("model")).toString(), QStringLiteral("cnn"));

        e = FlTuneEvent::parse(kRound12);
        QCOMPARE(e.kind, FlTuneEvent::Kind::Round);
        QCOMPARE(e.round.attempt, 1);
        QCOMPARE(e.round.round, 2);
        QCOMPARE(e.round.accuracy, 0.45);
        QCOMPARE(e.round.devices, 1);
        QCOMPARE(e.round.sentTo, 2);
        QCOMPARE(e.round.leftOut, QStringList{QStringLiteral("device-1")});
        QCOMPARE(e.round.roundMs, 2668.307126);

        e = FlTuneEvent::parse(kAttempt2);
        QCOMPARE(e.kind, FlTuneEvent::Kind::Attempt);
        QCOMPARE(e.attempt, 2);
        QCOMPARE(e.finalAccuracy, 0.09);
        QCOMPARE(e.seconds, 35.107);
        QCOMPARE(e.modelBytes, qint64(2522343));
        QCOMPARE(e.curve, (QList<double>{0.09, 0.09}));
        QVERIFY(e.error.isEmpty());
        QCOMPARE(e.config.value(QStringLiteral("model")).toString(), QStringLiteral("mobilenetv2"));
        QCOMPARE(e.config.value(QStringLiteral("width")).toDouble(), 0.5);

        // The contract's attempt line without the additions (curve, error) still parses.
        e = FlTuneEvent::parse(
            R"({"attempt":3,"config":{"model":"cnn"},"final_accuracy":0.5,"seconds":2,"model_bytes":10})");
        QCOMPARE(e.kind, FlTuneEvent::Kind::Attempt);
        QVERIFY(e.curve.isEmpty());
        e = FlTuneEvent::parse(
            R"json({"attempt":3,"config":{"model":"cnn"},"final_accuracy":0,"seconds":2,"model_bytes":0,"error":"stopped at the time budget (5 s)"})json");
        QCOMPARE(e.error, QStringLiteral("stopped at the time budget (5 s)"));

        e = FlTuneEvent::parse(kBest);
        QCOMPARE(e.kind, FlTuneEvent::Kind::Best);
        QCOMPARE(e.bestAttempt, 1);
        QCOMPARE(e.bestAccuracy, 0.45);
        QCOMPARE(e.baselineAccuracy, 0.45);
    }

    void reportsMalformedLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("text") << QByteArray("attempt 1: cnn width 1 reached 61%");
        QTest::newRow("truncated") << kRound11.left(40);
        QTest::newRow("array") << QByteArray("[1,2,3]");
        QTest::newRow("fl run's round line")
            << QByteArray(R"({"round":1,"accuracy":0.5,"loss":1.4,"devices":3,"round_ms":2310})");
        QTest::newRow("attempt not a number")
            << QByteArray(R"({"attempt":"one","start":true,"config":{}})");
        QTest::newRow("round 0") << QByteArray(
            R"({"attempt":1,"round":0,"accuracy":0.5,"devices":2})");
        QTest::newRow("accuracy a string")
            << QByteArray(R"({"attempt":1,"round":1,"accuracy":"50%","devices":2})");
        QTest::newRow("left_out not a list")
            << QByteArray(R"({"attempt":1,"round":1,"accuracy":0.5,"devices":2,"left_out":"x"})");
        QTest::newRow("start without config") << QByteArray(R"({"attempt":1,"start":true})");
        QTest::newRow("attempt without seconds")
            << QByteArray(R"({"attempt":1,"config":{},"final_accuracy":0.5,"model_bytes":1})");
        QTest::newRow("best without accuracy") << QByteArray(R"({"best_attempt":1})");
        QTest::newRow("neither") << QByteArray(R"({"attempt":1})");
    }

    void reportsMalformedLines()
    {
        QFETCH(QByteArray, line);
        const FlTuneEvent e = FlTuneEvent::parse(line);
        QCOMPARE(e.kind, FlTuneEvent::Kind::Invalid);
        QVERIFY(!e.error.isEmpty());
        QCOMPARE(e.error.count(QLatin1Char('\n')), 0);

        // Through the process's stream: reported, and the next good line still arrives.
        FlTuneProcess p;
        QSignalSpy bad(&p, &FlTuneProcess::malformedLine);
        QSignalSpy good(&p, &FlTuneProcess::event);
        p.consumeOutput(line + '\n' + kRound11 + '\n');
        QCOMPARE(bad.count(), 1);
        QCOMPARE(bad.at(0).at(1).toString(), e.error);
        QCOMPARE(good.count(), 1);
    }

    void lineBufferIsBounded()
    {
        FlTuneLineBuffer buffer(100);
        // Lines split anywhere across reads.
        QCOMPARE(buffer.append("{\"a\":"), QList<QByteArray>());
        QCOMPARE(buffer.append("1}\n{\"b\""), QList<QByteArray>{QByteArray("{\"a\":1}")});
        QCOMPARE(buffer.append(":2}\n\n"), QList<QByteArray>{QByteArray("{\"b\":2}")});
        // An overlong line is dropped up to its end, never held whole.
        buffer.append(QByteArray(80, 'x'));
        buffer.append(QByteArray(80, 'x'));
        QVERIFY(buffer.pendingSize() <= 100);
        QCOMPARE(buffer.overlongDropped(), 1);
        buffer.append(QByteArray(1000, 'y'));
        QVERIFY(buffer.pendingSize() <= 100);
        QCOMPARE(buffer.append("zz\nok\n"), QList<QByteArray>{QByteArray("ok")});
        QCOMPARE(buffer.overlongDropped(), 1);

        FlTuneProcess p;
        QSignalSpy bad(&p, &FlTuneProcess::malformedLine);
        QSignalSpy good(&p, &FlTuneProcess::event);
        p.consumeOutput(QByteArray(200 * 1024, '{'));
        p.consumeOutput("\n" + kBest + "\n");
        QCOMPARE(bad.count(), 1);
        QCOMPARE(good.count(), 1);
    }

    void panelFillsFromTheLines()
    {
        FlPanel panel(nullptr);
        panel.show();
        FlTuneProcess *p = panel.process();
        // Arriving in pieces, with a malformed line in the middle.
        const QByteArray all = kStart1 + '\n' + kRound11 + '\n' + kRound12 + '\n' + kAttempt1 +
                               "\nnot json\n" + kStart2 + '\n' + kRound21 + '\n' + kRound22 + '\n' +
                               kAttempt2 + '\n' + kBest + '\n';
        for (qsizetype i = 0; i < all.size(); i += 97)
            p->consumeOutput(all.mid(i, 97));

        FlCurveChart *curves = panel.curves();
        QCOMPARE(curves->attempts(), (QList<int>{1, 2}));
        QCOMPARE(curves->points(1), (QList<QPointF>{{1, 31}, {2, 45}}));
        QCOMPARE(curves->points(2), (QList<QPointF>{{1, 9}, {2, 9}}));
        QCOMPARE(curves->best(), 1);
        QVERIFY2(curves->label(2).contains(QStringLiteral("mobilenetv2")),
                 qPrintable(curves->label(2)));
        QCOMPARE(curves->chart()->legend()->markers().size(), 2);

        QTableWidget *t = panel.configTable();
        QCOMPARE(t->columnCount(), 2);
        const int c1 = panel.columnOf(1), c2 = panel.columnOf(2);
        QCOMPARE(t->item(FlPanel::ModelRow, c1)->text(), QStringLiteral("cnn"));
        QCOMPARE(t->item(FlPanel::ModelRow, c2)->text(), QStringLiteral("mobilenetv2"));
        QCOMPARE(t->item(FlPanel::WidthRow, c2)->text(), QStringLiteral("0.5"));
        QCOMPARE(t->item(FlPanel::LocalEpochsRow, c2)->text(), QStringLiteral("1"));
        QCOMPARE(t->item(FlPanel::ReasonRow, c2)->text(),
                 QStringLiteral("the model (1697245 bytes) is over the 1000000-byte limit: a "
                                "smaller one"));
        QCOMPARE(t->item(FlPanel::AccuracyRow, c1)->text(), QStringLiteral("45.0%"));
        QCOMPARE(t->item(FlPanel::AccuracyRow, c2)->text(), QStringLiteral("9.0%"));
        QCOMPARE(t->item(FlPanel::SecondsRow, c2)->text(), QStringLiteral("35.1 s"));
        QVERIFY(t->item(FlPanel::SizeRow, c1)->text().contains(QStringLiteral("1.7")));
        QCOMPARE(t->item(FlPanel::ResultRow, c1)->text(), QStringLiteral("done"));
        QCOMPARE(panel.bestAttempt(), 1);
        QVERIFY(t->horizontalHeaderItem(c1)->text().contains(QStringLiteral("best")));
        QVERIFY(!t->horizontalHeaderItem(c2)->text().contains(QStringLiteral("best")));
        QVERIFY(t->item(FlPanel::ModelRow, c1)->font().bold());
        QVERIFY(!t->item(FlPanel::ModelRow, c2)->font().bold());

        QTreeWidget *rounds = panel.participation();
        QCOMPARE(rounds->topLevelItemCount(), 4);
        QTreeWidgetItem *second = rounds->topLevelItem(1);
        QCOMPARE(second->text(FlPanel::AttemptColumn), QStringLiteral("1"));
        QCOMPARE(second->text(FlPanel::RoundColumn), QStringLiteral("2"));
        QCOMPARE(second->text(FlPanel::ReportedColumn), QStringLiteral("1 / 2"));
        QCOMPARE(second->text(FlPanel::LeftOutColumn), QStringLiteral("device-1"));
        QCOMPARE(rounds->topLevelItem(0)->text(FlPanel::ReportedColumn), QStringLiteral("2 / 2"));
        QCOMPARE(rounds->topLevelItem(0)->text(FlPanel::LeftOutColumn), QStringLiteral("none"));

        QCOMPARE(panel.malformedLines(), 1);
        QVERIFY(panel.output()->toPlainText().contains(QStringLiteral("not json")));
        QVERIFY(panel.output()->toPlainText().contains(QStringLiteral("Best: attempt 1")));
    }

    void runsARealTuneWithoutBlocking()
    {
        if (!haveBinaries())
            QSKIP("edgegpt and edgegpt-agent are not built (no LibTorch)");
        FlPanel panel(nullptr);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.requestEdit()->setText(QStringLiteral("a clothing classifier")); // no size limit: cnn
        panel.attemptsBox()->setValue(2);
        panel.devicesBox()->setValue(2);
        panel.roundsBox()->setValue(1);
        panel.samplesBox()->setValue(40);
        panel.workDirEdit()->setText(m_dir.filePath(QStringLiteral("tune")));
        panel.setExtraArguments({QStringLiteral("--test-samples"), QStringLiteral("200")});

        // The GUI thread's pulse: a 20 ms timer; the longest gap between its ticks.
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        int ticks = 0;
        QTimer pulse;
        pulse.setInterval(20);
        connect(&pulse, &QTimer::timeout, &panel, [&] {
            const qint64 now = clock.elapsed();
            longest = qMax(longest, now - last);
            last = now;
            ++ticks;
        });
        QSignalSpy done(&panel, &FlPanel::tuningFinished);
        clock.start();
        pulse.start();
        QTest::mouseClick(panel.startButton(), Qt::LeftButton);
        QVERIFY2(panel.isRunning(), qPrintable(panel.statusText()));
        QVERIFY(clock.elapsed() < 1000); // Start returned at once
        QVERIFY(!panel.startButton()->isEnabled());
        QVERIFY(panel.stopButton()->isEnabled());
        QVERIFY2(done.wait(120000), qPrintable(panel.output()->toPlainText()));
        const qint64 elapsed = clock.elapsed();
        pulse.stop();
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(panel.output()->toPlainText()));
        qInfo("fl tune through the panel: %.1f s; the GUI thread's longest pause %lld ms, %d "
              "ticks",
              elapsed / 1000.0, longest, ticks);
        QVERIFY2(longest < 1500, qPrintable(QString::number(longest)));
        QVERIFY(ticks > elapsed / 20 / 4);

        // One curve per attempt, one point each (one round).
        QCOMPARE(panel.curves()->attempts(), (QList<int>{1, 2}));
        for (int a : {1, 2}) {
            const QList<QPointF> pts = panel.curves()->points(a);
            QCOMPARE(pts.size(), 1);
            QCOMPARE(pts[0].x(), 1.0);
            QVERIFY(pts[0].y() > 10 && pts[0].y() <= 100); // better than chance
        }
        // The configurations side by side, results filled, the best marked.
        QTableWidget *t = panel.configTable();
        QCOMPARE(t->columnCount(), 2);
        for (int a : {1, 2}) {
            const int c = panel.columnOf(a);
            QCOMPARE(t->item(FlPanel::ModelRow, c)->text(), QStringLiteral("cnn"));
            QCOMPARE(t->item(FlPanel::ResultRow, c)->text(), QStringLiteral("done"));
            QVERIFY(t->item(FlPanel::AccuracyRow, c)->text().endsWith(QLatin1Char('%')));
            QVERIFY(!t->item(FlPanel::ReasonRow, c)->text().isEmpty());
        }
        QVERIFY(panel.bestAttempt() == 1 || panel.bestAttempt() == 2);
        QVERIFY(t->horizontalHeaderItem(panel.columnOf(panel.bestAttempt()))
                    ->text()
                    .contains(QStringLiteral("best")));
        // The differing configuration: the local proposer never repeats one.
        bool differ = false;
        for (int row = FlPanel::ModelRow; row <= FlPanel::ClassBalancedRow; ++row)
            differ = differ || t->item(row, 0)->text() != t->item(row, 1)->text();
        QVERIFY(differ);
        // Both devices took part in each round, as the aggregator reported.
        QTreeWidget *rounds = panel.participation();
        QCOMPARE(rounds->topLevelItemCount(), 2);
        for (int i = 0; i < 2; ++i) {
            QCOMPARE(rounds->topLevelItem(i)->text(FlPanel::ReportedColumn),
                     QStringLiteral("2 / 2"));
            QCOMPARE(rounds->topLevelItem(i)->text(FlPanel::LeftOutColumn), QStringLiteral("none"));
        }
        QCOMPARE(panel.malformedLines(), 0);
        QVERIFY(panel.startButton()->isEnabled());
        QVERIFY(!panel.stopButton()->isEnabled());
        QVERIFY(panel.statusText().contains(QStringLiteral("best")));
    }

    void stopEndsTuneRunAndAgents()
    {
        if (!haveBinaries())
            QSKIP("edgegpt and edgegpt-agent are not built (no LibTorch)");
        FlPanel panel(nullptr);
        panel.requestEdit()->setText(QStringLiteral("a clothing classifier"));
        panel.attemptsBox()->setValue(3);
        panel.devicesBox()->setValue(2);
        panel.roundsBox()->setValue(200); // far longer than the test waits
        panel.samplesBox()->setValue(40);
        panel.workDirEdit()->setText(m_dir.filePath(QStringLiteral("stopped")));
        panel.setExtraArguments({QStringLiteral("--test-samples"), QStringLiteral("100")});
        QSignalSpy rounds(panel.process(), &FlTuneProcess::event);
        QSignalSpy done(&panel, &FlPanel::tuningFinished);
        QSignalSpy finished(panel.process(), &FlTuneProcess::finished);
        QVERIFY(panel.start());
        // Wait for a round: fl tune, its fl run and the agents are all running then.
        QTRY_VERIFY_WITH_TIMEOUT(panel.participation()->topLevelItemCount() > 0, 60000);
        const qint64 group = panel.process()->processGroup();
        QVERIFY(groupAlive(group));
        QTest::mouseClick(panel.stopButton(), Qt::LeftButton);
        QVERIFY(!panel.stopButton()->isEnabled());
        QVERIFY(done.wait(10000));
        QCOMPARE(done.at(0).at(0).toBool(), false);
        QCOMPARE(finished.at(0).at(1).toBool(), true); // stopped
        // Every process of the group is gone within the grace period (SIGTERM, then SIGKILL).
        QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(group), 6000);
        QVERIFY(panel.statusText().contains(QStringLiteral("stopped")));
        QCOMPARE(panel.configTable()->item(FlPanel::ResultRow, 0)->text(),
                 QStringLiteral("stopped"));
        QVERIFY(panel.startButton()->isEnabled());
    }

    void stopRightAfterStart()
    {
        if (!haveBinaries())
            QSKIP("edgegpt and edgegpt-agent are not built (no LibTorch)");
        FlPanel panel(nullptr);
        panel.requestEdit()->setText(QStringLiteral("a clothing classifier"));
        panel.devicesBox()->setValue(2);
        panel.samplesBox()->setValue(40);
        panel.workDirEdit()->setText(m_dir.filePath(QStringLiteral("stopped-at-once")));
        QSignalSpy finished(panel.process(), &FlTuneProcess::finished);
        QVERIFY(panel.start());
        panel.stop(); // before the process has even reported that it started
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(1).toBool(), true);
        const qint64 group = panel.process()->processGroup();
        QTRY_VERIFY_WITH_TIMEOUT(!groupAlive(group), 6000);
        QVERIFY(!panel.isRunning());
        QVERIFY(panel.startButton()->isEnabled());
    }

    void mainWindowHasTheDock()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
        {
            MainWindow window(&settings);
            QVERIFY(window.flPanel());
            auto *dock = window.findChild<QDockWidget *>(QStringLiteral("flDock"));
            QVERIFY(dock);
            QVERIFY(dock->isAncestorOf(window.flPanel()));
            // The panel scrolls inside its dock rather than widening the window (the central
            // widget already asks for most of a 1234-pixel-wide window).
            QVERIFY2(dock->minimumSizeHint().width() <= 200,
                     qPrintable(QString::number(dock->minimumSizeHint().width())));
            QMenu *view = window.findChild<QMenu *>(QStringLiteral("viewMenu"));
            QVERIFY(view && view->actions().contains(dock->toggleViewAction()));
            // The panel's status reaches the window's status bar.
            window.flPanel()->requestEdit()->clear();
            QVERIFY(!window.flPanel()->start());
            QCOMPARE(window.statusText(), window.flPanel()->statusText());
            window.flPanel()->requestEdit()->setText(QStringLiteral("under 500 KB"));
            window.flPanel()->devicesBox()->setValue(7);
            window.flPanel()->samplesBox()->setValue(60000); // 7 × 60000: refused before starting
            QVERIFY(!window.flPanel()->start());
            QVERIFY(!window.flPanel()->isRunning());
        }
    }
};

QTEST_MAIN(FlPanelTest)
#include "tst_fl_panel.moc"
