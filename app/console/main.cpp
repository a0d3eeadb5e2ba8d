// edgegpt-console: the operator console. See docs/console.md.
#include "app/console/ConsoleOptions.h"
#include "app/console/DemoController.h"
#include "app/console/FleetDeployController.h"
#include "app/console/FleetView.h"
#include "app/console/MainWindow.h"
#include "app/console/Translations.h"
#include "widgets/MetricsCharts.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace edgegpt;

int main(int argc, char *argv[])
{
    // The command line first, without a GUI: --help, --version and usage errors answer on a
    // machine with no display too.
    Result<ConsoleOptions> parsed = Result<ConsoleOptions>::failure(QString());
    {
        QCoreApplication probe(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("edgegpt-console"));
        QCoreApplication::setApplicationVersion(QStringLiteral(EDGEGPT_VERSION));
        const QStringList args = QCoreApplication::arguments();
        if (args.contains(QLatin1String("--version")) || args.contains(QLatin1String("-v"))) {
            std::printf("edgegpt-console %s\n", EDGEGPT_VERSION);
            return 0;
        }
        parsed = ConsoleOptions::parse(args);
        if (!parsed) {
            const bool help = args.contains(QLatin1String("--help")) ||
                              args.contains(QLatin1String("-h")) ||
                              args.contains(QLatin1String("--help-all"));
            std::fprintf(help ? stdout : stderr, "%s\n", qPrintable(parsed.error()));
            return help ? 0 : 2;
        }
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EdgeGPT"));
    QApplication::setApplicationName(QStringLiteral("edgegpt-console"));
    QApplication::setApplicationVersion(QStringLiteral(EDGEGPT_VERSION));
    const ConsoleOptions &options = *parsed;

    std::unique_ptr<QSettings> settings =
        options.settingsFile.isEmpty()
            ? std::make_unique<QSettings>()
            : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat);
    const QString language = chooseLanguage(
        options.language.isEmpty() ? settings->value(QStringLiteral("console/language")).toString()
                                   : options.language);
    installTranslations(&app, language);

    MainWindow window(settings.get());
    if (!options.language.isEmpty())
        window.setLanguage(options.language);
    window.show();

    FleetDeployController *fleet = window.fleetController();
    SshOptions ssh;
    ssh.configFile = options.sshConfig;
    ssh.identityFile = options.identity;
    ssh.knownHostsFile = options.knownHosts;
    fleet->setSshOptions(ssh);
    // Scripted: nobody to ask. Set before the fleet loads (its status poll connects at once).
    if (options.deploy || options.run)
        fleet->interaction()->setScripted(true, options.acceptNewHostKey);
    if (!options.fleetFile.isEmpty()) {
        const Result<void> r = window.loadFleet(options.fleetFile);
        if (!r)
            std::fprintf(stderr, "edgegpt-console: %s\n", qPrintable(r.error()));
    }
    if (!options.planFile.isEmpty()) {
        const Result<void> r = window.openPlan(options.planFile);
        if (!r)
            std::fprintf(stderr, "edgegpt-console: %s\n", qPrintable(r.error()));
    }
    if (!options.modelDir.isEmpty())
        window.demo()->setModelDir(options.modelDir); // for this run; the settings keep theirs
    // The embedded default: with no fleet configured (or with --demo) the local demo fleet runs.
    // Asked for by --demo on a machine without the model, it trains one first (not when only a
    // screenshot is wanted: that would take minutes).
    const bool demo = options.demo || !window.hasFleet();
    if (demo) {
        window.startDemo();
        if (options.demo && options.screenshot.isEmpty() &&
            window.demo()->state() == DemoController::State::NeedsModel)
            window.demo()->train(DemoController::Training::Full);
    }

    int exitCode = 0;
    // The scripted fleet: deploy (when asked), run the devices (when asked), and take the
    // screenshot once the charts hold data from the fleet's agents.
    auto fleetScript = [&window, &options, &exitCode, fleet] {
        // The fleet dock in front: the picture shows the hosts' states.
        if (auto *dock = qobject_cast<QDockWidget *>(window.fleetView()->parentWidget()))
            dock->raise();
        auto shoot = [&window, &options, &exitCode] {
            if (options.screenshot.isEmpty())
                return;
            window.charts()->redraw();
            const QPixmap picture = window.grab();
            if (picture.isNull() || !picture.save(options.screenshot, "PNG")) {
                std::fprintf(stderr, "edgegpt-console: cannot write %s\n",
                             qPrintable(options.screenshot));
                exitCode = 1;
            }
            QApplication::exit(exitCode);
        };
        auto runAndWatch = [&window, &options, &exitCode, fleet, shoot] {
            auto *poll = new QTimer(&window);
            auto *clock = new QElapsedTimer();
            clock->start();
            poll->setInterval(200);
            auto *asked = new bool(false);
            QObject::connect(poll, &QTimer::timeout, &window,
                             [poll, clock, asked, fleet, shoot, &options, &exitCode] {
                                 if (options.run && !*asked && fleet->run()) {
                                     *asked = true;
                                     std::printf("edgegpt-console: the devices run inputs\n");
                                     std::fflush(stdout);
                                 }
                                 const bool ready =
                                     fleet->chartsHaveData() && (!options.run || *asked);
                                 if (ready || clock->elapsed() > 120000) {
                                     poll->stop();
                                     if (!ready) {
                                         std::fprintf(stderr, "edgegpt-console: no data from the "
                                                              "fleet's agents after 120 s\n");
                                         exitCode = 1;
                                     }
                                     delete clock;
                                     delete asked;
                                     if (!ready)
                                         QApplication::exit(exitCode);
                                     else if (!options.screenshot.isEmpty())
                                         // A few seconds of data on the charts first.
                                         QTimer::singleShot(int((options.shotDelaySeconds >= 0
                                                                     ? options.shotDelaySeconds
                                                                     : 6.0) *
                                                                1000),
                                                            poll, shoot);
                                 }
                             });
            poll->start();
        };
        if (!options.deploy) {
            runAndWatch();
            return;
        }
        QObject::connect(fleet, &FleetDeployController::deployFinished, &window,
                         [fleet, runAndWatch, &exitCode](bool ok) {
                             for (const FleetHostView &h : fleet->hosts())
                                 std::printf("%s: %s: %s\n", qPrintable(h.name),
                                             qPrintable(h.state), qPrintable(h.message));
                             std::fflush(stdout);
                             if (!ok) {
                                 std::fprintf(stderr, "edgegpt-console: the deployment failed\n");
                                 exitCode = 1;
                                 QApplication::exit(exitCode);
                                 return;
                             }
                             runAndWatch();
                         });
        QTimer::singleShot(0, &window, [&window, &exitCode] {
            window.deployAction()->trigger();
            if (!window.fleetController()->isDeploying()) {
                std::fprintf(stderr, "edgegpt-console: %s\n", qPrintable(window.statusText()));
                exitCode = 1;
                QApplication::exit(exitCode);
            }
        });
    };
    if (options.deploy || options.run) {
        if (!options.request.isEmpty() && options.planFile.isEmpty()) {
            QObject::connect(&window, &MainWindow::planningDone, &window,
                             [fleetScript](bool) { fleetScript(); });
            window.planRequest(options.request);
        } else {
            fleetScript();
        }
    } else if (!options.screenshot.isEmpty()) {
        // Plan (when asked), let the demo's charts fill for a few seconds, write the picture,
        // leave.
        const int dataMs =
            int((options.shotDelaySeconds >= 0 ? options.shotDelaySeconds : 6.0) * 1000);
        auto shoot = [&window, &options, &exitCode] {
            window.editor()->view()->zoomToFit();
            window.charts()->redraw();
            const QPixmap picture = window.grab();
            if (picture.isNull() || !picture.save(options.screenshot, "PNG")) {
                std::fprintf(stderr, "edgegpt-console: cannot write %s\n",
                             qPrintable(options.screenshot));
                exitCode = 1;
            }
            QApplication::exit(exitCode);
        };
        // Once planning is done: wait for the demo to run (bounded), then for data.
        auto afterPlan = [&window, shoot, dataMs] {
            auto *poll = new QTimer(&window);
            auto *clock = new QElapsedTimer();
            clock->start();
            poll->setInterval(100);
            QObject::connect(
                poll, &QTimer::timeout, &window, [poll, clock, &window, shoot, dataMs] {
                    const DemoController::State s = window.demo()->state();
                    const bool waiting = s == DemoController::State::Starting ||
                                         s == DemoController::State::Training;
                    const bool running = s == DemoController::State::Running;
                    static qint64 runningSince = -1;
                    if (running && runningSince < 0)
                        runningSince = clock->elapsed();
                    const bool enoughData = running && clock->elapsed() - runningSince >= dataMs;
                    const bool timedOut = clock->elapsed() > 45000 + dataMs;
                    if ((!waiting && !running && clock->elapsed() >= 600) || enoughData ||
                        timedOut) {
                        poll->stop();
                        delete clock;
                        shoot();
                    }
                });
            poll->start();
        };
        if (!options.request.isEmpty()) {
            QObject::connect(&window, &MainWindow::planningDone, &window,
                             [afterPlan](bool) { afterPlan(); });
            window.planRequest(options.request);
        } else {
            afterPlan();
        }
    } else if (!options.request.isEmpty()) {
        window.planRequest(options.request);
    }
    if (options.quitAfterSeconds >= 0)
        QTimer::singleShot(int(options.quitAfterSeconds * 1000), &window,
                           [&window] { window.close(); });

    const int rc = app.exec();
    window.writeSettings();
    return rc != 0 ? rc : exitCode;
}
