// edgegpt deploy --fleet FILE [--plan PLAN.json] [--bindings FILE] [--dry-run [--json]]
//                [--accept-new-host-key] [--ssh-config FILE] [--identity FILE] [--agent FILE] …
// Places the plan (without --plan: the default plan, one image classification on every device
// host) on the fleet (core/fleet/DeployManifest.h), uploads to every host the agent, the model
// parts its tasks need and its configuration in parallel, starts the agents and waits for their
// handshake (docs/deploy.md). --dry-run prints the manifest and contacts no host.
// Exit code 0 only when every host is running.
#include "CliCommand.h"
#include "SshCliOptions.h"

#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/fleet/DeployManifest.h"
#include "core/fleet/FleetKeys.h"
#include "core/plan/PlanFormat.h"
#include "models/ModelStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

#include <algorithm>

namespace edgegpt::cli {

namespace {

// Exports every split's head and tail part of a trained model (model.pt) for the manifest: what
// a device or an edge loads without the whole model (ModelStore::exportSplit).
Result<void> exportParts(const QString &modelDir, const QString &outDir)
{
    Result<StoredModel> model = ModelStore::load(modelDir);
    if (!model)
        return Result<void>::failure(model.error());
    for (const QString &split : model->net->splitNames()) {
        const Result<void> exported = ModelStore::exportSplit(model->net, split, outDir);
        if (!exported)
            return exported;
    }
    return Result<void>::success();
}

// Where exported parts are kept: $XDG_CACHE_HOME/edgegpt/parts (else ~/.cache/edgegpt/parts).
QString partsCacheDirectory()
{
    QString root = QProcessEnvironment::systemEnvironment().value(QStringLiteral("XDG_CACHE_HOME"));
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.cache");
    return root + QStringLiteral("/edgegpt/parts");
}

QString describeHost(const ManifestHost &h)
{
    QStringList models;
    for (const ManifestModel &m : h.models)
        models << QStringLiteral("%1 (%2%3; %4 parts, split %5)")
                      .arg(m.model, m.catalogModel,
                           m.standIn.isEmpty() ? QString()
                                               : QStringLiteral("; stand-in: ") + m.standIn,
                           m.parts.isEmpty() ? QStringLiteral("no")
                                             : m.parts.join(QLatin1Char('/')),
                           m.split);
    qint64 bytes = 0;
    for (const ManifestFile &f : h.files)
        bytes += f.bytes;
    return QStringLiteral("%1 (%2, %3): tasks %4; models %5; %6 files, %7 bytes")
        .arg(h.name, h.role, h.hostClass,
             h.tasks.isEmpty() ? QStringLiteral("none") : h.tasks.join(QStringLiteral(", ")),
             models.isEmpty() ? QStringLiteral("none") : models.join(QStringLiteral(", ")))
        .arg(h.files.size())
        .arg(bytes);
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
                      QStringLiteral("a trained model directory (edgegpt train) to deploy for "
                                     "every runnable task, instead of the bound one"),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("bindings"),
                      QStringLiteral("the model bindings (which runnable model serves a catalog "
                                     "model; default: the built-in ones)"),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("dry-run"),
                      QStringLiteral("print what would go to each host and contact none")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("with --dry-run: the manifest as JSON")});
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
    if (parser.isSet(QStringLiteral("json")) && !parser.isSet(QStringLiteral("dry-run")))
        return fail(ExitUsage, QStringLiteral("--json goes with --dry-run"));
    Result<FleetSelection> selection = fleetFromParser(parser);
    if (!selection)
        return fail(ExitUsage, selection.error());

    DeploymentSpec spec;
    spec.name = selection->deployment;

    // What goes where: the plan (or the default plan) placed on the fleet.
    Result<ModelBindings> bindings = ModelBindings::builtIn();
    if (parser.isSet(QStringLiteral("bindings"))) {
        bindings = ModelBindings::load(parser.value(QStringLiteral("bindings")));
        if (!bindings)
            return fail(ExitFailure, bindings.error());
    }
    ManifestOptions placement;
    placement.catalog = &Catalog::builtin();
    placement.bindings = &*bindings;
    placement.exportParts = exportParts;
    placement.partsCacheDir = partsCacheDirectory();
    if (parser.isSet(QStringLiteral("model"))) {
        placement.modelDirOverride =
            QFileInfo(parser.value(QStringLiteral("model"))).absoluteFilePath();
        if (!QFileInfo(placement.modelDirOverride).isDir())
            return fail(
                ExitFailure,
                QStringLiteral("--model %1: no such directory").arg(placement.modelDirOverride));
    }
    Result<DeployManifest> manifest = DeployManifest::defaultPlan(selection->fleet, placement);
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
        manifest = DeployManifest::forPlan(*plan, selection->fleet, placement);
        if (!manifest)
            return fail(ExitFailure, QStringLiteral("%1: %2").arg(planPath, manifest.error()));
    } else if (!manifest) {
        return fail(ExitFailure, manifest.error());
    }
    // Nothing is substituted for a task that cannot run here: it is named and left out.
    for (const NotRunnableTask &t : manifest->notRunnable)
        fail(0, QStringLiteral("leaving out %1 (%2): not runnable here: %3")
                    .arg(t.task, t.model, t.reason));

    if (parser.isSet(QStringLiteral("dry-run"))) {
        if (!selection->hosts.isEmpty()) // --host: only those hosts
            manifest->hosts.erase(std::remove_if(manifest->hosts.begin(), manifest->hosts.end(),
                                                 [&](const ManifestHost &h) {
                                                     return !selection->hosts.contains(h.name);
                                                 }),
                                  manifest->hosts.end());
        if (parser.isSet(QStringLiteral("json"))) {
            printOut(QString::fromUtf8(
                QJsonDocument(manifest->toJson()).toJson(QJsonDocument::Compact)));
        } else {
            for (const ManifestHost &h : manifest->hosts)
                printOut(describeHost(h));
            printOut(QStringLiteral("dry run: no host was contacted"));
        }
        return ExitOk;
    }

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

    // A device that the plan gives nothing to run is not started (its agent could not run);
    // it is reported with the reason instead.
    QList<HostReport> notStarted;
    QStringList hosts;
    for (const ManifestHost &h : manifest->hosts) {
        if (!selection->hosts.isEmpty() && !selection->hosts.contains(h.name))
            continue;
        for (const ManifestFile &f : h.files)
            spec.hostFiles[h.name].append({f.localPath, f.remoteName, 0644});
        if (h.role == QLatin1String("device")) {
            if (h.runModel.isEmpty()) {
                HostReport r;
                r.host = h.name;
                r.state = HostState::Error;
                r.message = QStringLiteral("not deployed: the plan gives this device nothing it "
                                           "can run%1")
                                .arg(manifest->notRunnable.isEmpty()
                                         ? QString()
                                         : QStringLiteral(" (left out: %1)")
                                               .arg(manifest->notRunnable.first().reason));
                notStarted.append(r);
                continue;
            }
            spec.hostRuns.insert(h.name, {h.runModel, h.runSplit});
        }
        hosts << h.name;
    }
    Result<QByteArray> token = loadFleetToken(selection->tokenFile, true);
    if (!token)
        return fail(ExitFailure, token.error());
    spec.token = *token;
    // The console's own keys (console -> every agent), 0600 beside the fleet file; each host
    // gets its key file from the deploy (core/fleet/FleetKeys.h).
    const QString consoleKeys = consoleKeyFilePath(selection->tokenFile);
    const Result<void> wroteKeys = writeConsoleKeyFile(consoleKeys, selection->fleet, *token);
    if (!wroteKeys)
        return fail(ExitFailure, wroteKeys.error());

    FleetOperation::Request request;
    request.kind = FleetOperation::Kind::Deploy;
    request.fleet = selection->fleet;
    request.ssh = sshOptionsFromParser(parser);
    request.spec = spec;
    request.onlyHosts = hosts;
    TerminalSshInteraction interaction(parser.isSet(QStringLiteral("accept-new-host-key")));
    QElapsedTimer clock;
    clock.start();
    QList<HostReport> reports =
        hosts.isEmpty()
            ? QList<HostReport>()
            : runFleetOperation(request, &interaction, parser.isSet(QStringLiteral("quiet")));
    reports += notStarted;
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
