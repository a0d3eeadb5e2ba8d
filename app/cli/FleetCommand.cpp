// edgegpt fleet status|stop|restart|logs --fleet FILE [--json] [SSH options]
// Acts on a deployment on every host of a fleet in parallel (docs/deploy.md).
//   status --json: {"hosts":[{"name":…,"state":"running"|"stopped"|"unreachable"|"error",
//                             "message":…},…]}
// Exit code 0 when every host ends in the state asked for (running for status and restart,
// stopped for stop, reachable for logs), else 1.
#include "CliCommand.h"
#include "SshCliOptions.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace edgegpt::cli {

namespace {

int runFleet(FleetOperation::Kind kind, const QString &name, const QString &description,
             const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    addFleetOptions(parser);
    addSshOptions(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("print JSON")});
    if (kind == FleetOperation::Kind::Logs)
        parser.addOption({QStringLiteral("lines"), QStringLiteral("lines of each log (default 50)"),
                          QStringLiteral("N"), QStringLiteral("50")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("fleet %1 takes no positional arguments").arg(name));
    Result<FleetSelection> selection = fleetFromParser(parser);
    if (!selection)
        return fail(ExitUsage, selection.error());

    FleetOperation::Request request;
    request.kind = kind;
    request.fleet = selection->fleet;
    request.ssh = sshOptionsFromParser(parser);
    request.spec.name = selection->deployment;
    request.onlyHosts = selection->hosts;
    if (kind == FleetOperation::Kind::Logs)
        request.logLines = qBound(1, parser.value(QStringLiteral("lines")).toInt(), 100000);
    if (kind == FleetOperation::Kind::Status || kind == FleetOperation::Kind::Restart) {
        // Without the token, status can only look at the process; say so rather than fail.
        const Result<QByteArray> token = loadFleetToken(selection->tokenFile, false);
        if (token)
            request.spec.token = *token;
        else
            fail(0, QStringLiteral("%1; the handshake is not checked").arg(token.error()));
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    TerminalSshInteraction interaction(parser.isSet(QStringLiteral("accept-new-host-key")));
    const QList<HostReport> reports = runFleetOperation(request, &interaction, true);

    int good = 0;
    QJsonArray hosts;
    for (const HostReport &r : reports) {
        bool ok = false;
        switch (kind) {
        case FleetOperation::Kind::Stop:
            ok = r.state == HostState::Stopped;
            break;
        case FleetOperation::Kind::Logs:
            ok = r.state == HostState::Running || r.state == HostState::Stopped;
            break;
        default:
            ok = r.state == HostState::Running;
        }
        good += ok ? 1 : 0;
        QJsonObject o{{QStringLiteral("name"), r.host},
                      {QStringLiteral("state"), hostStateName(r.state)},
                      {QStringLiteral("message"), r.message}};
        if (kind == FleetOperation::Kind::Logs)
            o.insert(QStringLiteral("log"), r.log);
        hosts.append(o);
        if (json)
            continue;
        if (kind == FleetOperation::Kind::Logs) {
            printOut(
                QStringLiteral("== %1: %2 (%3) ==").arg(r.host, hostStateName(r.state), r.message));
            if (!r.log.isEmpty())
                printOut(r.log);
        } else {
            printOut(QStringLiteral("%1: %2: %3").arg(r.host, hostStateName(r.state), r.message));
        }
    }
    if (json)
        printOut(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("hosts"), hosts}})
                                       .toJson(QJsonDocument::Compact)));
    return good == reports.size() ? ExitOk : ExitFailure;
}

const CliCommandRegistration statusRegistration(
    {QStringLiteral("fleet status"),
     QStringLiteral("state of each host's agent: running, stopped, unreachable or error"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Status, QStringLiteral("status"),
                         QStringLiteral("Asks every host of the fleet whether its agent runs and "
                                        "answers the handshake. Exit code 0 when all run."),
                         a);
     }});
const CliCommandRegistration stopRegistration(
    {QStringLiteral("fleet stop"), QStringLiteral("stop the agents of a fleet (TERM, then KILL)"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Stop, QStringLiteral("stop"),
                         QStringLiteral("Stops the agent of the deployment on every host (TERM, "
                                        "KILL after 5 s). Exit code 0 when all are stopped."),
                         a);
     }});
const CliCommandRegistration restartRegistration(
    {QStringLiteral("fleet restart"), QStringLiteral("restart the deployed agents of a fleet"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Restart, QStringLiteral("restart"),
                         QStringLiteral("Stops and starts the deployed agent on every host and "
                                        "waits for its handshake. Exit code 0 when all run."),
                         a);
     }});
const CliCommandRegistration logsRegistration(
    {QStringLiteral("fleet logs"), QStringLiteral("print the tail of each agent's log"),
     [](const QStringList &a) {
         return runFleet(FleetOperation::Kind::Logs, QStringLiteral("logs"),
                         QStringLiteral("Prints the last lines of the agent's log on every host."),
                         a);
     }});

} // namespace
} // namespace edgegpt::cli
