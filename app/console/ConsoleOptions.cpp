#include "app/console/ConsoleOptions.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace edgegpt {

Result<ConsoleOptions> ConsoleOptions::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("edgegpt::ConsoleOptions", "EdgeGPT Testbed operator console"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QCoreApplication::translate(
            "edgegpt::ConsoleOptions",
            "Start the local demo fleet (device and edge agents on loopback)."));
    const QCommandLineOption request(
        QStringLiteral("request"),
        QCoreApplication::translate("edgegpt::ConsoleOptions", "Plan this request at start."),
        QStringLiteral("TEXT"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QCoreApplication::translate(
            "edgegpt::ConsoleOptions",
            "Plan the request (if given), let the charts fill for a few seconds, "
            "write a PNG of the window to FILE and exit."),
        QStringLiteral("FILE"));
    const QCommandLineOption quitAfter(
        QStringLiteral("quit-after"),
        QCoreApplication::translate("edgegpt::ConsoleOptions", "Quit after SECONDS."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption fleet(
        QStringLiteral("fleet"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "Show the hosts of this fleet file."),
        QStringLiteral("FILE"));
    const QCommandLineOption plan(
        QStringLiteral("plan"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "Open this plan file (JSON or text)."),
        QStringLiteral("FILE"));
    const QCommandLineOption modelDir(
        QStringLiteral("model-dir"),
        QCoreApplication::translate(
            "edgegpt::ConsoleOptions",
            "The demo fleet's trained model folder (edgegpt train and edgegpt bench "
            "coinference; default: the folder they use)."),
        QStringLiteral("DIR"));
    const QCommandLineOption shotDelay(
        QStringLiteral("screenshot-delay"),
        QCoreApplication::translate(
            "edgegpt::ConsoleOptions",
            "With --screenshot: seconds of demo data before the picture (default 6)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption language(
        QStringLiteral("language"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "User interface language: en, zh_CN or ko."),
        QStringLiteral("CODE"));
    const QCommandLineOption settings(
        QStringLiteral("settings"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "Keep settings in this INI file instead of the user's."),
        QStringLiteral("FILE"));
    const QCommandLineOption deploy(
        QStringLiteral("deploy"),
        QCoreApplication::translate(
            "edgegpt::ConsoleOptions",
            "Deploy the plan (--plan) to the fleet (--fleet) without asking anyone: unknown host "
            "keys are refused unless --accept-new-host-key, no passphrase or password is asked."));
    const QCommandLineOption run(
        QStringLiteral("run"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "Ask the fleet's devices to run inputs (after --deploy, or "
                                    "once their agents are connected)."));
    const QCommandLineOption sshConfig(
        QStringLiteral("ssh-config"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "The SSH config to use (default ~/.ssh/config)."),
        QStringLiteral("FILE"));
    const QCommandLineOption identity(
        QStringLiteral("identity"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "A private key to authenticate with, as ssh -i."),
        QStringLiteral("FILE"));
    const QCommandLineOption knownHosts(
        QStringLiteral("known-hosts"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "The known_hosts file (default ~/.ssh/known_hosts)."),
        QStringLiteral("FILE"));
    const QCommandLineOption acceptNew(
        QStringLiteral("accept-new-host-key"),
        QCoreApplication::translate("edgegpt::ConsoleOptions",
                                    "With --deploy: accept and record the keys of hosts never "
                                    "seen before (a changed key is always refused)."));
    parser.addOptions({demo, request, screenshot, quitAfter, fleet, plan, modelDir, shotDelay,
                       language, settings, deploy, run, sshConfig, identity, knownHosts,
                       acceptNew});
    if (!parser.parse(arguments))
        return Result<ConsoleOptions>::failure(parser.errorText());
    if (parser.isSet(QStringLiteral("help")))
        return Result<ConsoleOptions>::failure(parser.helpText());
    ConsoleOptions o;
    o.demo = parser.isSet(demo);
    o.request = parser.value(request);
    o.screenshot = parser.value(screenshot);
    if (parser.isSet(quitAfter)) {
        bool ok = false;
        o.quitAfterSeconds = parser.value(quitAfter).toDouble(&ok);
        if (!ok || o.quitAfterSeconds < 0)
            return Result<ConsoleOptions>::failure(QCoreApplication::translate(
                "edgegpt::ConsoleOptions", "--quit-after: expected a number of seconds"));
    }
    o.fleetFile = parser.value(fleet);
    o.planFile = parser.value(plan);
    o.modelDir = parser.value(modelDir);
    if (parser.isSet(shotDelay)) {
        bool ok = false;
        o.shotDelaySeconds = parser.value(shotDelay).toDouble(&ok);
        if (!ok || o.shotDelaySeconds < 0 || o.shotDelaySeconds > 600)
            return Result<ConsoleOptions>::failure(QCoreApplication::translate(
                "edgegpt::ConsoleOptions",
                "--screenshot-delay: expected a number of seconds up to 600"));
    }
    o.language = parser.value(language);
    if (!o.language.isEmpty() && o.language != QLatin1String("en") &&
        o.language != QLatin1String("zh_CN") && o.language != QLatin1String("ko"))
        return Result<ConsoleOptions>::failure(QCoreApplication::translate(
            "edgegpt::ConsoleOptions", "--language: expected en, zh_CN or ko"));
    o.settingsFile = parser.value(settings);
    o.deploy = parser.isSet(deploy);
    o.run = parser.isSet(run);
    o.sshConfig = parser.value(sshConfig);
    o.identity = parser.value(identity);
    o.knownHosts = parser.value(knownHosts);
    o.acceptNewHostKey = parser.isSet(acceptNew);
    if ((o.deploy || o.run) && o.fleetFile.isEmpty())
        return Result<ConsoleOptions>::failure(QCoreApplication::translate(
            "edgegpt::ConsoleOptions", "--deploy and --run need --fleet FILE"));
    if (o.deploy && o.planFile.isEmpty() && o.request.isEmpty())
        return Result<ConsoleOptions>::failure(QCoreApplication::translate(
            "edgegpt::ConsoleOptions", "--deploy needs --plan FILE (or --request TEXT)"));
    return o;
}

} // namespace edgegpt
