// edgegpt deploy --fleet FILE [--plan PLAN.json] [--accept-new-host-key]
//                [--ssh-config FILE] [--identity FILE] [--known-hosts FILE] [--agent FILE] …
// Uploads the agent, the plan's model parts and profiles and the agent's configuration to every
// host of the fleet in parallel, starts the agents and waits for their handshake (docs/deploy.md).
// Exit code 0 only when every host is running.
#include "CliCommand.h"
#include "SshCliOptions.h"

#include "core/plan/PlanFormat.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>

namespace edgegpt::cli {

namespace {

// Where `edgegpt train` keeps a model (ModelStore::defaultDirectory, which lives with LibTorch
// in models/; the same rule is kept here so that deploying needs no LibTorch).
QString modelDirectory(const QString &model)
{
    QString root =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_MODEL_DIR"));
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.local/share/edgegpt/models");
    return root + QLatin1Char('/') + QString(model).replace(QLatin1Char(':'), QLatin1Char('-'));
}

// A trained model directory (`edgegpt train`) goes to model/ on every host: devices get the head
// parts, edge and cloud hosts the tail parts, everyone the rest (model.json, profile.json, …).
Result<void> addModelFiles(const QString &directory, const Fleet &fleet, DeploymentSpec &spec)
{
    const QDir dir(directory);
    if (!dir.exists(QStringLiteral("model.json")))
        return Result<void>::failure(
            QStringLiteral("%1 is not a trained model directory (no model.json)").arg(directory));
    const QStringList names = dir.entryList(QDir::Files | QDir::Readable, QDir::Name);
    for (const QString &name : names) {
        const QString remote = QStringLiteral("model/") + name;
        const bool head = name.startsWith(QLatin1String("head-"));
        const bool tail = name.startsWith(QLatin1String("tail-"));
        if (!head && !tail) {
            spec.files.append({dir.filePath(name), remote, 0644});
            continue;
        }
        for (const FleetHost &host : fleet.hosts)
            if (head == (host.role == QLatin1String("device")))
                spec.hostFiles[host.name].append({dir.filePath(name), remote, 0644});
    }
    return Result<void>::success();
}

// The plan's first model that was trained here (the agent serves one model).
QString trainedModelOf(const Plan &plan, QStringList &others)
{
    QString found;
    for (const PlanTask &task : plan.tasks) {
        if (task.model.isEmpty())
            continue;
        const QString dir = modelDirectory(task.model);
        if (!QFileInfo::exists(dir + QStringLiteral("/model.json")))
            continue;
        if (found.isEmpty())
            found = dir;
        else if (dir != found && !others.contains(task.model))
            others << task.model;
    }
    return found;
}

int runDeploy(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Deploys the agent (and the plan's model parts) to every host of a fleet "
                       "over SSH, starts the agents and waits for their handshake. Exit code 0 "
                       "only when every host is running."));
    parser.addHelpOption();
    addFleetOptions(parser);
    addSshOptions(parser);
    parser.addOption({QStringLiteral("plan"),
                      QStringLiteral("the plan to deploy (JSON, as `edgegpt plan --format json` "
                                     "writes it)"),
                      QStringLiteral("PLAN.json")});
    parser.addOption({QStringLiteral("model"),
                      QStringLiteral("a trained model directory (edgegpt train) to deploy; "
                                     "default: the plan's model, when trained here"),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("agent"),
                      QStringLiteral("the edgegpt-agent binary to upload (default: the one next "
                                     "to edgegpt)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("replace-agent"),
                      QStringLiteral("upload the agent even where the host has one of the same "
                                     "version")});
    parser.addOption({QStringLiteral("ready-timeout"),
                      QStringLiteral("seconds to wait for each agent's handshake (default 20)"),
                      QStringLiteral("SECONDS"), QStringLiteral("20")});
    parser.addOption(
        {QStringLiteral("quiet"), QStringLiteral("print only the final line per host")});
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(ExitUsage, QStringLiteral("deploy takes no positional arguments"));
    Result<FleetSelection> selection = fleetFromParser(parser);
    if (!selection)
        return fail(ExitUsage, selection.error());

    DeploymentSpec spec;
    spec.name = selection->deployment;
    spec.agentPath = parser.isSet(QStringLiteral("agent"))
                         ? QFileInfo(parser.value(QStringLiteral("agent"))).absoluteFilePath()
                         : defaultAgentPath();
    if (spec.agentPath.isEmpty())
        return fail(ExitFailure, QStringLiteral("no edgegpt-agent next to edgegpt (%1); build it "
                                                "or name one with --agent FILE")
                                     .arg(QCoreApplication::applicationDirPath()));
    if (!QFileInfo(spec.agentPath).isFile())
        return fail(ExitFailure, QStringLiteral("--agent %1: no such file").arg(spec.agentPath));
    spec.agentVersion = localAgentVersion(spec.agentPath);
    spec.replaceAgent = parser.isSet(QStringLiteral("replace-agent"));
    spec.readyTimeoutMs = qMax(1, parser.value(QStringLiteral("ready-timeout")).toInt()) * 1000;

    QString modelDir = parser.value(QStringLiteral("model"));
    if (parser.isSet(QStringLiteral("plan"))) {
        const QString planPath = parser.value(QStringLiteral("plan"));
        QFile file(planPath);
        if (!file.open(QIODevice::ReadOnly))
            return fail(ExitFailure,
                        QStringLiteral("cannot read %1: %2").arg(planPath, file.errorString()));
        const Result<Plan> plan = planFromJson(file.read(16 * 1024 * 1024));
        if (!plan)
            return fail(ExitFailure, QStringLiteral("%1: %2").arg(planPath, plan.error()));
        spec.planFile = QFileInfo(planPath).absoluteFilePath();
        if (!parser.isSet(QStringLiteral("model"))) {
            QStringList others;
            modelDir = trainedModelOf(*plan, others);
            if (modelDir.isEmpty())
                fail(0, QStringLiteral("none of the plan's models is trained here (%1): the "
                                       "agents get the plan without a model")
                            .arg(modelDirectory(QStringLiteral("NAME"))));
            if (!others.isEmpty())
                fail(0, QStringLiteral("deploying %1 only; also in the plan: %2")
                            .arg(modelDir, others.join(QStringLiteral(", "))));
        }
    }
    if (!modelDir.isEmpty()) {
        const Result<void> added = addModelFiles(modelDir, selection->fleet, spec);
        if (!added)
            return fail(ExitFailure, added.error());
    }

    Result<QByteArray> token = loadFleetToken(selection->tokenFile, true);
    if (!token)
        return fail(ExitFailure, token.error());
    spec.token = *token;

    FleetOperation::Request request;
    request.kind = FleetOperation::Kind::Deploy;
    request.fleet = selection->fleet;
    request.ssh = sshOptionsFromParser(parser);
    request.spec = spec;
    request.onlyHosts = selection->hosts;
    TerminalSshInteraction interaction(parser.isSet(QStringLiteral("accept-new-host-key")));
    QElapsedTimer clock;
    clock.start();
    const QList<HostReport> reports =
        runFleetOperation(request, &interaction, parser.isSet(QStringLiteral("quiet")));
    const double seconds = clock.elapsed() / 1000.0;

    int running = 0;
    for (const HostReport &r : reports) {
        printOut(QStringLiteral("%1: %2: %3 (%4 s)")
                     .arg(r.host, hostStateName(r.state), r.message)
                     .arg(r.seconds, 0, 'f', 2));
        if (r.state == HostState::Running)
            ++running;
    }
    printOut(QStringLiteral("%1 of %2 hosts running (deployed in %3 s)")
                 .arg(running)
                 .arg(reports.size())
                 .arg(seconds, 0, 'f', 2));
    return running == reports.size() ? ExitOk : ExitFailure;
}

const CliCommandRegistration registration(
    {QStringLiteral("deploy"),
     QStringLiteral("deploy the agents to a fleet over SSH and start them"), runDeploy});

} // namespace
} // namespace edgegpt::cli
