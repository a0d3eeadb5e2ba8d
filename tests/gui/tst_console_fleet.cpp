// The console deploys to, runs and charts a fleet of real hosts: two OpenSSH servers of our own
// on 127.0.0.1 (LoopbackSshd: Debian's /usr/sbin/sshd with generated host keys), the real
// edgegpt-agent and its model runtime uploaded to them in process (FleetDeployController on
// FleetOperation), a real model (edgegpt train, one epoch on 500 images, and bench coinference
// for its profile; its parts exported by `edgegpt deploy --dry-run` into the parts cache the
// console reads). Offscreen; the test answers the console's dialogs as a person would, by
// finding them by their objectName and pressing their buttons.
#include "app/console/ConsoleSshInteraction.h"
#include "app/console/FleetDeployController.h"
#include "app/console/FleetView.h"
#include "app/console/MainWindow.h"
#include "core/fleet/LoopbackSshd.h"
#include "core/metrics/MetricsStore.h"
#include "core/plan/PlanFormat.h"
#include "integration/LoopbackFleetFixture.h"
#include "widgets/PlanDocument.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace edgegpt;

namespace {

// Answers the dialogs the console opens, as a person: every visible dialog of `name` gets
// `answer` applied; counts them.
class DialogAnswerer : public QObject
{
public:
    DialogAnswerer(const QString &name, std::function<void(QDialog *)> answer)
        : m_name(name)
        , m_answer(std::move(answer))
    {
        m_timer.setInterval(50);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            for (QWidget *w : QApplication::topLevelWidgets()) {
                auto *dialog = qobject_cast<QDialog *>(w);
                // Marked rather than remembered by address: the next dialog may reuse it.
                if (!dialog || !dialog->isVisible() || dialog->objectName() != m_name ||
                    dialog->property("answered").toBool())
                    continue;
                dialog->setProperty("answered", true);
                ++count;
                QDialog *d = dialog;
                QTimer::singleShot(0, d, [this, d] { m_answer(d); });
            }
        });
        m_timer.start();
    }
    int count = 0;

private:
    QString m_name;
    std::function<void(QDialog *)> m_answer;
    QTimer m_timer;
};

void press(QDialog *dialog, const char *button)
{
    auto *b = dialog->findChild<QPushButton *>(QString::fromLatin1(button));
    QVERIFY2(b, button);
    b->click();
}

} // namespace

const QString kModel = QStringLiteral("fashion-mnist-cnn");

class TestConsoleFleet : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    LoopbackFleetFixture m_loopback{m_dir.path()};
    LoopbackSshd *m_device = nullptr, *m_edge = nullptr;
    QString m_fleet, m_plan, m_sshConfig, m_passConfig;
    QList<int> m_agentPorts;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    SshOptions sshOptions(const QString &knownHosts, const QString &config = {}) const
    {
        SshOptions o;
        o.configFile = config.isEmpty() ? m_sshConfig : config;
        o.knownHostsFile = knownHosts;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (const QString missing = LoopbackFleetFixture::missing(); !missing.isEmpty())
            QSKIP(qPrintable(missing));
        QVERIFY(m_dir.isValid());
        m_loopback.isolateEnvironment();

        // A real model: the CNN, one epoch on 500 images, and its profile.
        const Result<QString> model = m_loopback.trainModel(500, 100, 240000);
        QVERIFY2(model.ok(), qPrintable(model.error()));
        QVERIFY(QFile::exists(*model + QStringLiteral("/profile.json")));

        // Client keys: one plain, one protected by a passphrase; both authorized.
        const QString passKey = path(QStringLiteral("pass_key"));
        QVERIFY(LoopbackSshd::keygen(passKey, QStringLiteral("ed25519"),
                                     QStringLiteral("correct horse"))
                    .ok());
        const Result<void> started = m_loopback.startSshds(
            {QStringLiteral("dev"), QStringLiteral("edge")}, {passKey + QStringLiteral(".pub")});
        QVERIFY2(started.ok(), qPrintable(started.error()));
        m_device = m_loopback.sshds[0].get();
        m_edge = m_loopback.sshds[1].get();
        m_sshConfig = path(QStringLiteral("ssh_config"));
        QVERIFY(writeFile(m_sshConfig, m_loopback.sshConfig(m_loopback.clientKey())));
        m_passConfig = path(QStringLiteral("ssh_config_pass"));
        QVERIFY(writeFile(m_passConfig, m_loopback.sshConfig(passKey)));

        // The fleet: a Jetson-class device and its RTX-class edge, agents on loopback.
        m_agentPorts = LoopbackFleetFixture::freePorts(2);
        QJsonObject device = m_loopback.fleetHost(QStringLiteral("jetson-1"), QStringLiteral("dev"),
                                                  QStringLiteral("device"),
                                                  QStringLiteral("dev-root"), m_agentPorts[0]);
        device.insert(QStringLiteral("input"), QStringLiteral("fashion-mnist"));
        m_fleet = m_loopback.writeFleet(
            {device, m_loopback.fleetHost(QStringLiteral("rtx-1"), QStringLiteral("edge"),
                                          QStringLiteral("edge"), QStringLiteral("edge-root"),
                                          m_agentPorts[1])},
            QStringLiteral("fleet.json"));
        QVERIFY(!m_fleet.isEmpty());
        m_plan = path(QStringLiteral("plan.json"));
        QVERIFY(writeFile(m_plan, planToJson(clothingPlan())));
        // The parts of the model, exported once into the cache the console reads (the console
        // has no LibTorch); a dry run contacts no host.
        const CliOutcome r = runCli({QStringLiteral("deploy"), QStringLiteral("--fleet"), m_fleet,
                                     QStringLiteral("--plan"), m_plan, QStringLiteral("--dry-run")},
                                    120000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
    }

    void cleanupTestCase()
    {
        m_loopback.stopDeployedAgents({QStringLiteral("dev-root"), QStringLiteral("edge-root")});
    }

    // Without a person and without --accept-new-host-key, an unknown host key is refused: the
    // deployment fails, nothing is started, the known_hosts file stays empty.
    void scriptedRefusesUnknownHostKeys()
    {
        if (QStringLiteral(EDGEGPT_CONSOLE_PATH).isEmpty())
            QSKIP("edgegpt-console is not built");
        const QString knownHosts = path(QStringLiteral("known_hosts_scripted"));
        QVERIFY(writeFile(knownHosts, {}));
        const QString shot = path(QStringLiteral("scripted.png"));
        const CliOutcome r = runProgram(
            QStringLiteral(EDGEGPT_CONSOLE_PATH),
            {QStringLiteral("--fleet"), m_fleet, QStringLiteral("--plan"), m_plan,
             QStringLiteral("--deploy"), QStringLiteral("--run"), QStringLiteral("--ssh-config"),
             m_sshConfig, QStringLiteral("--known-hosts"), knownHosts, QStringLiteral("--settings"),
             path(QStringLiteral("scripted.ini")), QStringLiteral("--screenshot"), shot,
             QStringLiteral("--quit-after"), QStringLiteral("120")},
            150000);
        QVERIFY2(r.code == 1, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains("is not known"), r.out.constData());
        QVERIFY(r.err.contains("the deployment failed"));
        QVERIFY(readFile(knownHosts).trimmed().isEmpty());
        QVERIFY(!QFile::exists(shot));
        QVERIFY(!QFile::exists(path(QStringLiteral("dev-root/deployments/default/agent.pid"))));
    }

    // Cancel while a host-key question is open: the question is answered "no", every host of the
    // deployment ends "cancelled", nothing is started or recorded, and the console says so.
    void cancelWhileAskingStopsTheDeployment()
    {
        const QString knownHosts = path(QStringLiteral("known_hosts_cancel"));
        QVERIFY(writeFile(knownHosts, {}));
        QSettings settings(path(QStringLiteral("cancel.ini")), QSettings::IniFormat);
        MainWindow window(&settings);
        FleetDeployController *fleet = window.fleetController();
        fleet->setSshOptions(sshOptions(knownHosts));
        fleet->setStatusIntervalMs(600000);
        {
            DialogAnswerer refuse(QStringLiteral("hostKeyDialog"),
                                  [](QDialog *d) { press(d, "refuseButton"); });
            QSignalSpy polled(fleet, &FleetDeployController::statusPolled);
            QVERIFY(window.loadFleet(m_fleet).ok());
            QVERIFY(polled.wait(60000));
        }
        QVERIFY(window.openPlan(m_plan).ok());
        DialogAnswerer cancelling(QStringLiteral("hostKeyDialog"), [fleet](QDialog *d) {
            QVERIFY(fleet->isDeploying());
            fleet->cancel();
            press(d, "acceptOnceButton"); // too late: the deployment is cancelled
        });
        QSignalSpy deployed(fleet, &FleetDeployController::deployFinished);
        window.deployAction()->trigger();
        QVERIFY(fleet->isDeploying());
        QVERIFY(deployed.wait(120000));
        QCOMPARE(deployed.first().first().toBool(), false);
        QVERIFY(cancelling.count >= 1);
        for (const FleetHostView &h : fleet->hosts())
            QVERIFY2(h.state == QLatin1String("cancelled"), qPrintable(h.name + ": " + h.state));
        QVERIFY2(window.statusText().contains(QStringLiteral("cancelled")),
                 qPrintable(window.statusText()));
        QVERIFY(readFile(knownHosts).trimmed().isEmpty());
        QVERIFY(!QFile::exists(path(QStringLiteral("dev-root/deployments/default/agent.pid"))));
    }

    // The host-key dialog: refused, nothing happens; accepted once, the deployment goes on and
    // known_hosts is not written. Then the deployed agents chart, report their resident models,
    // run inputs on Run and stop on Stop, and give their log tail.
    void deployRunAndChartThroughTheDialogs()
    {
        const QString knownHosts = path(QStringLiteral("known_hosts_gui"));
        QVERIFY(writeFile(knownHosts, {}));
        QSettings settings(path(QStringLiteral("gui.ini")), QSettings::IniFormat);
        MainWindow window(&settings);
        FleetDeployController *fleet = window.fleetController();
        fleet->setSshOptions(sshOptions(knownHosts));
        fleet->setStatusIntervalMs(600000); // the test asks for status itself

        // Refuse: the dialog shows the host, type and fingerprint; nothing is recorded.
        QStringList fingerprints;
        {
            DialogAnswerer refuse(QStringLiteral("hostKeyDialog"), [&](QDialog *d) {
                fingerprints << d->property("fingerprint").toString();
                QVERIFY(d->findChild<QPushButton *>(QStringLiteral("acceptOnceButton")));
                QVERIFY(d->findChild<QPushButton *>(QStringLiteral("acceptRememberButton")));
                press(d, "refuseButton");
            });
            QSignalSpy polled(fleet, &FleetDeployController::statusPolled);
            QVERIFY(window.loadFleet(m_fleet).ok());
            QVERIFY(polled.wait(60000));
            QCOMPARE(refuse.count, 2);
            for (const FleetHostView &h : fleet->hosts())
                QVERIFY2(h.state == QLatin1String("error"), qPrintable(h.state + h.message));
        }
        const Result<QString> devPrint = LoopbackSshd::fingerprint(m_device->hostPublicKeyFile());
        const Result<QString> edgePrint = LoopbackSshd::fingerprint(m_edge->hostPublicKeyFile());
        QVERIFY(devPrint.ok() && edgePrint.ok());
        fingerprints.sort();
        QStringList expected{*devPrint, *edgePrint};
        expected.sort();
        QCOMPARE(fingerprints, expected);
        QVERIFY(readFile(knownHosts).trimmed().isEmpty());

        // Accept once: the deployment runs; known_hosts stays empty.
        QVERIFY(window.openPlan(m_plan).ok());
        DialogAnswerer once(QStringLiteral("hostKeyDialog"),
                            [](QDialog *d) { press(d, "acceptOnceButton"); });
        QSignalSpy deployed(fleet, &FleetDeployController::deployFinished);
        window.deployAction()->trigger();
        QVERIFY2(fleet->isDeploying(), qPrintable(window.statusText()));
        QVERIFY(deployed.wait(240000));
        QVERIFY2(deployed.first().first().toBool(),
                 qPrintable(window.logView()->toPlainText().right(4000)));
        QCOMPARE(once.count, 2);
        QVERIFY(readFile(knownHosts).trimmed().isEmpty());
        QCOMPARE(readFile(fleet->sessionKnownHosts()).trimmed().split('\n').size(), 2);
        for (const FleetHostView &h : fleet->hosts()) {
            QCOMPARE(h.state, QStringLiteral("running"));
            QVERIFY(h.bytes > 0);
            QVERIFY(!h.phases.isEmpty());
        }
        // A status poll now goes on without asking again (the keys accepted for the session).
        {
            QSignalSpy polled(fleet, &FleetDeployController::statusPolled);
            fleet->pollStatus();
            QVERIFY(polled.wait(60000));
            QCOMPARE(once.count, 2);
        }

        // Connected to both agents; the edge reports the model it holds resident.
        QTRY_VERIFY_WITH_TIMEOUT(fleet->feed(QStringLiteral("jetson-1")) &&
                                     fleet->feed(QStringLiteral("jetson-1"))->isSubscribed() &&
                                     fleet->feed(QStringLiteral("rtx-1")) &&
                                     fleet->feed(QStringLiteral("rtx-1"))->isSubscribed(),
                                 30000);
        // Deployed devices wait to be asked: no requests before Run.
        QTest::qWait(1000);
        QCOMPARE(window.metricsStore()->size(QStringLiteral("jetson-1"), MetricSeries::TotalMs), 0);
        window.runAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(fleet->isRunning(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.metricsStore()->size(QStringLiteral("jetson-1"), MetricSeries::TotalMs) > 5,
            60000);
        QTRY_VERIFY_WITH_TIMEOUT(fleet->chartsHaveData(), 30000);
        // The default binding's name: the folder the model went to (models/fashion-mnist-cnn/).
        QTRY_VERIFY_WITH_TIMEOUT(fleet->host(QStringLiteral("rtx-1"))->models.contains(kModel),
                                 15000);
        QTRY_VERIFY_WITH_TIMEOUT(fleet->host(QStringLiteral("jetson-1"))->requests > 0, 15000);
        // The dock shows what was polled and reported.
        QTreeWidget *tree = window.fleetTree();
        QCOMPARE(tree->topLevelItemCount(), 2);
        QCOMPARE(tree->topLevelItem(0)->text(FleetView::Host), QStringLiteral("jetson-1"));
        QCOMPARE(tree->topLevelItem(0)->text(FleetView::State), QStringLiteral("running · inputs"));
        QCOMPARE(tree->topLevelItem(1)->text(FleetView::State),
                 QStringLiteral("running · metrics"));
        QVERIFY(tree->topLevelItem(1)->text(FleetView::Models).contains(kModel));
        QCOMPARE(tree->topLevelItem(1)->text(FleetView::Address),
                 QStringLiteral("127.0.0.1:%1").arg(m_agentPorts[1]));

        // Stop: the device stops; no more requests arrive.
        QSignalSpy ended(fleet, &FleetDeployController::runFinished);
        window.stopAction()->trigger();
        QVERIFY(ended.wait(15000));
        QVERIFY(!fleet->isRunning());
        QTest::qWait(1500);
        const int after =
            window.metricsStore()->size(QStringLiteral("jetson-1"), MetricSeries::TotalMs);
        QTest::qWait(1500);
        QCOMPARE(window.metricsStore()->size(QStringLiteral("jetson-1"), MetricSeries::TotalMs),
                 after);

        // The log tail on demand.
        QSignalSpy tail(fleet, &FleetDeployController::logTail);
        Q_EMIT window.fleetView()->logTailRequested(QStringLiteral("rtx-1"));
        QVERIFY(tail.wait(30000));
        QCOMPARE(tail.first().at(0).toString(), QStringLiteral("rtx-1"));
        QVERIFY(!tail.first().at(1).toString().trimmed().isEmpty());
        QVERIFY(window.logView()->toPlainText().contains(QStringLiteral("log tail of rtx-1")));
    }

    // A key protected by a passphrase: asked for in a dialog; with it, the status poll gets in
    // (the agents deployed above are running). "Accept and remember" writes known_hosts.
    void passphraseThroughTheDialog()
    {
        const QString knownHosts = path(QStringLiteral("known_hosts_pass"));
        QVERIFY(writeFile(knownHosts, {}));
        MetricsStore store;
        FleetDeployController fleet(&store, nullptr);
        fleet.setSshOptions(sshOptions(knownHosts, m_passConfig));
        fleet.setStatusIntervalMs(600000);
        DialogAnswerer remember(QStringLiteral("hostKeyDialog"),
                                [](QDialog *d) { press(d, "acceptRememberButton"); });
        DialogAnswerer passphrase(QStringLiteral("passphraseDialog"), [](QDialog *d) {
            auto *edit = d->findChild<QLineEdit *>(QStringLiteral("secretEdit"));
            QVERIFY(edit);
            QCOMPARE(edit->echoMode(), QLineEdit::Password);
            edit->setText(QStringLiteral("correct horse"));
            d->accept();
        });
        QSignalSpy polled(&fleet, &FleetDeployController::statusPolled);
        QVERIFY(fleet.loadFleet(m_fleet).ok());
        QVERIFY(polled.wait(90000));
        QVERIFY(passphrase.count >= 1);
        QCOMPARE(remember.count, 2);
        for (const FleetHostView &h : fleet.hosts())
            QVERIFY2(h.state == QLatin1String("running"), qPrintable(h.name + h.message));
        QCOMPARE(readFile(knownHosts).trimmed().split('\n').size(), 2);
    }

    // A changed host key: refused with the risk named, and the console offers nothing to accept.
    void changedHostKeyHasNoAcceptButton()
    {
        const QString knownHosts = path(QStringLiteral("known_hosts_changed"));
        const Result<QString> line = m_edge->knownHostsLine();
        const Result<QString> devLine = m_device->knownHostsLine();
        QVERIFY(line.ok() && devLine.ok());
        QVERIFY(writeFile(knownHosts, (*devLine + QLatin1Char('\n') + *line + '\n').toUtf8()));
        const Result<void> renewed = m_edge->renewHostKey();
        QVERIFY2(renewed.ok(), qPrintable(renewed.error()));
        QSettings settings(path(QStringLiteral("changed.ini")), QSettings::IniFormat);
        MainWindow window(&settings);
        FleetDeployController *fleet = window.fleetController();
        fleet->setSshOptions(sshOptions(knownHosts));
        fleet->setStatusIntervalMs(600000);
        DialogAnswerer asked(QStringLiteral("hostKeyDialog"),
                             [](QDialog *d) { press(d, "refuseButton"); });
        QSignalSpy changed(fleet, &FleetDeployController::hostKeyChanged);
        QSignalSpy polled(fleet, &FleetDeployController::statusPolled);
        QVERIFY(window.loadFleet(m_fleet).ok());
        QVERIFY(polled.wait(60000));
        QCOMPARE(asked.count, 0); // never asked: a changed key is not a question
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toString(), QStringLiteral("rtx-1"));
        QCOMPARE(fleet->host(QStringLiteral("rtx-1"))->state, QStringLiteral("error"));
        QCOMPARE(fleet->host(QStringLiteral("jetson-1"))->state, QStringLiteral("running"));
        QMessageBox *box = window.findChild<QMessageBox *>(QStringLiteral("hostKeyChangedDialog"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("CHANGED")));
        QVERIFY(box->text().contains(QStringLiteral("man-in-the-middle")));
        // Close (and Qt's "Show Details…" for the full message): nothing that accepts.
        QCOMPARE(box->standardButtons(), QMessageBox::StandardButtons(QMessageBox::Close));
        for (QAbstractButton *b : box->buttons()) {
            QVERIFY2(box->buttonRole(b) != QMessageBox::AcceptRole &&
                         box->buttonRole(b) != QMessageBox::YesRole,
                     qPrintable(b->text()));
            QVERIFY(!b->text().contains(QStringLiteral("ccept")));
        }
        // known_hosts keeps the old key: nothing was overwritten.
        QVERIFY(readFile(knownHosts).contains(line->section(QLatin1Char(' '), 2, 2).toUtf8()));
    }

    // The scripted form with --accept-new-host-key: deploys (the agents are already there and
    // kept), runs the devices and writes the screenshot once the charts hold their data.
    // EDGEGPT_FLEET_SCREENSHOT=FILE keeps a copy (docs/images/console-fleet.png is made so).
    void scriptedDeployRunsAndShoots()
    {
        if (QStringLiteral(EDGEGPT_CONSOLE_PATH).isEmpty())
            QSKIP("edgegpt-console is not built");
        const QString knownHosts = path(QStringLiteral("known_hosts_scripted_accept"));
        QVERIFY(writeFile(knownHosts, {}));
        const QString shot = path(QStringLiteral("fleet.png"));
        const CliOutcome r = runProgram(
            QStringLiteral(EDGEGPT_CONSOLE_PATH),
            {QStringLiteral("--fleet"), m_fleet, QStringLiteral("--plan"), m_plan,
             QStringLiteral("--deploy"), QStringLiteral("--run"), QStringLiteral("--ssh-config"),
             m_sshConfig, QStringLiteral("--known-hosts"), knownHosts,
             QStringLiteral("--accept-new-host-key"), QStringLiteral("--settings"),
             path(QStringLiteral("scripted-accept.ini")), QStringLiteral("--screenshot"), shot,
             QStringLiteral("--quit-after"), QStringLiteral("200")},
            240000);
        QVERIFY2(r.code == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains("jetson-1: running"), r.out.constData());
        QVERIFY(r.out.contains("rtx-1: running"));
        QVERIFY(r.out.contains("the devices run inputs"));
        QCOMPARE(readFile(knownHosts).trimmed().split('\n').size(), 2);
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 400);
        const QByteArray keep = qgetenv("EDGEGPT_FLEET_SCREENSHOT");
        if (!keep.isEmpty()) {
            QFile::remove(QString::fromLocal8Bit(keep));
            QVERIFY(QFile::copy(shot, QString::fromLocal8Bit(keep)));
        }
    }
};

QTEST_MAIN(TestConsoleFleet)
#include "tst_console_fleet.moc"
