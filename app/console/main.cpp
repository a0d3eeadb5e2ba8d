// edgegpt-console: the operator console. See docs/console.md.
#include "app/console/ConsoleOptions.h"
#include "app/console/MainWindow.h"
#include "app/console/Translations.h"
#include "widgets/PlanEditor.h"
#include "widgets/PlanGraphScene.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace edgegpt;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EdgeGPT"));
    QApplication::setApplicationName(QStringLiteral("edgegpt-console"));
    QApplication::setApplicationVersion(QStringLiteral(EDGEGPT_VERSION));

    const Result<ConsoleOptions> parsed = ConsoleOptions::parse(QApplication::arguments());
    if (!parsed) {
        const bool help = QApplication::arguments().contains(QLatin1String("--help")) ||
                          QApplication::arguments().contains(QLatin1String("-h"));
        std::fprintf(help ? stdout : stderr, "%s\n", qPrintable(parsed.error()));
        return help ? 0 : 2;
    }
    const ConsoleOptions &options = *parsed;

    std::unique_ptr<QSettings> settings =
        options.settingsFile.isEmpty() ? std::make_unique<QSettings>()
                                       : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat);
    const QString language =
        chooseLanguage(options.language.isEmpty() ? settings->value(QStringLiteral("console/language")).toString()
                                                  : options.language);
    installTranslations(&app, language);

    MainWindow window(settings.get());
    if (!options.language.isEmpty())
        window.setLanguage(options.language);
    window.show();

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
    if (options.demo)
        window.startDemo();

    int exitCode = 0;
    if (!options.screenshot.isEmpty()) {
        // Plan (when asked), give the charts a few seconds, then write the picture and leave.
        auto shoot = [&window, &options, &exitCode] {
            QTimer::singleShot(options.demo ? 3000 : 600, &window, [&window, &options, &exitCode] {
                window.editor()->view()->zoomToFit();
                const QPixmap picture = window.grab();
                if (picture.isNull() || !picture.save(options.screenshot, "PNG")) {
                    std::fprintf(stderr, "edgegpt-console: cannot write %s\n", qPrintable(options.screenshot));
                    exitCode = 1;
                }
                QApplication::exit(exitCode);
            });
        };
        if (!options.request.isEmpty()) {
            QObject::connect(&window, &MainWindow::planningDone, &window, [shoot](bool) { shoot(); });
            window.planRequest(options.request);
        } else {
            shoot();
        }
    } else if (!options.request.isEmpty()) {
        window.planRequest(options.request);
    }
    if (options.quitAfterSeconds >= 0)
        QTimer::singleShot(int(options.quitAfterSeconds * 1000), &window, [&window] { window.close(); });

    const int rc = app.exec();
    window.writeSettings();
    return rc != 0 ? rc : exitCode;
}
