// edgegpt run "REQUEST" [--fleet FILE] [--input PATH] [--json]
// The headless main job: plan the request, then execute its image classification through split
// inference — a device agent runs the head of the model, sends the feature over a shaped uplink
// to an edge agent that runs the tail — and print the predicted class of each image with the
// latency breakdown (device, encode, transfer, edge, return, total).
//
// Without --fleet both agents are started here on 127.0.0.1 (LocalFleet). With --fleet the
// fleet's running edge agent serves the tail, reached at its agent address and port with the
// fleet's token; the head runs in a device agent started here, standing in for the fleet's device
// (a deployed device agent runs its own inputs and takes no requests).
//
// The plan is made with the model bindings in view (--bindings FILE, else the built-in ones;
// core/planner/PlanAvailability.h): a question that image classification answers as well as a
// task nothing runs here is planned as image classification. The model that serves is the
// classification task's binding (--model-dir overrides it), named as a stand-in where it is one.
#include "BindingsOption.h"
#include "CliCommand.h"
#include "DefaultModel.h"
#include "DeviceRun.h"
#include "LocalAgentOptions.h"
#include "PlannerChoice.h"

#include "core/fleet/Fleet.h"
#include "core/fleet/LocalFleet.h"
#include "core/plan/PlanFormat.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/PlanAvailability.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <memory>

namespace edgegpt::cli {

namespace {

const QString kImageClassification = QStringLiteral("Image Classification");
const QString kCaptureImage = QStringLiteral("Capture Image");
const QString kFashionMnist = QStringLiteral("fashion-mnist");
// The files a device agent reads from an image folder (agents/InputSource.cpp).
const QStringList kAgentImageFilters{QStringLiteral("*.png"), QStringLiteral("*.jpg"),
                                     QStringLiteral("*.jpeg"), QStringLiteral("*.bmp"),
                                     QStringLiteral("*.pgm")};

struct TaskInput
{
    QString source;                        // for the agent: fashion-mnist or a folder
    QString description;                   // for the operator
    int count = 0;                         // 0: every image of the folder
    std::shared_ptr<QTemporaryDir> holder; // a single file is served from a folder of its own
};

// A single image file becomes a folder holding (a link to) it: the agent reads folders.
Result<TaskInput> inputFromPath(const QString &path, int fashionCount, int first)
{
    TaskInput in;
    if (path == kFashionMnist) {
        in.source = kFashionMnist;
        in.count = fashionCount;
        in.description = QStringLiteral("Fashion-MNIST test images %1..%2")
                             .arg(first)
                             .arg(first + fashionCount - 1);
        return in;
    }
    const QFileInfo fi(path);
    if (fi.isDir()) {
        const QStringList images = QDir(path).entryList(kAgentImageFilters, QDir::Files);
        if (images.isEmpty())
            return Result<TaskInput>::failure(
                QStringLiteral("%1: no images in this folder (png, jpg, jpeg, bmp, pgm)")
                    .arg(path));
        in.source = fi.absoluteFilePath();
        in.description = QStringLiteral("%1 image(s) in %2").arg(images.size()).arg(path);
        return in;
    }
    if (!fi.isFile())
        return Result<TaskInput>::failure(
            QStringLiteral(
                "%1: no such file or folder (give --input FILE, FOLDER or fashion-mnist)")
                .arg(path));
    if (!fi.isReadable())
        return Result<TaskInput>::failure(QStringLiteral("%1: not readable").arg(path));
    in.holder =
        std::make_shared<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/edgegpt-run-XXXXXX"));
    if (!in.holder->isValid())
        return Result<TaskInput>::failure(QStringLiteral("cannot create a temporary folder"));
    QString name = fi.fileName();
    if (!kAgentImageFilters.contains(QStringLiteral("*.") + fi.suffix().toLower()))
        name += QStringLiteral(".png"); // the agent picks images by suffix; QImage reads by content
    if (!QFile::link(fi.absoluteFilePath(), in.holder->filePath(name)) &&
        !QFile::copy(fi.absoluteFilePath(), in.holder->filePath(name)))
        return Result<TaskInput>::failure(QStringLiteral("cannot stage %1").arg(path));
    in.source = in.holder->path();
    in.description = fi.fileName();
    return in;
}

// What one classification task classifies: --input wins; an image captured by an earlier task is
// the device's camera, which on the testbed is the Fashion-MNIST test stream; a file named in the
// request is read from the working directory.
Result<TaskInput> inputFor(const Plan &plan, const PlanTask &task, const QString &inputOption,
                           int count, int first)
{
    if (!inputOption.isEmpty())
        return inputFromPath(inputOption, count, first);
    for (const TaskArg &arg : task.args) {
        if (arg.type != QLatin1String("image"))
            continue;
        if (arg.isLink()) {
            const PlanTask *source = plan.find(arg.sourceTask);
            if (source && source->task == kCaptureImage)
                return inputFromPath(kFashionMnist, count, first);
            return Result<TaskInput>::failure(
                QStringLiteral("task %1 classifies the output of task %2 (%3), which the testbed "
                               "does not execute; "
                               "give --input")
                    .arg(task.id, arg.sourceTask, source ? source->task : QStringLiteral("?")));
        }
        if (QFileInfo::exists(arg.value))
            return inputFromPath(arg.value, count, first);
        return Result<TaskInput>::failure(
            QStringLiteral(
                "task %1 classifies \"%2\", which is not a file here; give --input FILE, FOLDER or "
                "fashion-mnist")
                .arg(task.id, arg.value));
    }
    return Result<TaskInput>::failure(
        QStringLiteral("task %1 names no image; give --input FILE, FOLDER or fashion-mnist")
            .arg(task.id));
}

const QStringList kStages{QStringLiteral("device_ms"),   QStringLiteral("encode_ms"),
                          QStringLiteral("transfer_ms"), QStringLiteral("edge_ms"),
                          QStringLiteral("return_ms"),   QStringLiteral("total_ms")};

QString ms(double v)
{
    return QString::number(v, 'f', 2);
}

int runRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Plans the request and executes its image classification through split inference between a "
        "device agent and an edge agent (started here on 127.0.0.1 unless --fleet is given); "
        "prints "
        "the predicted class and the latency breakdown."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("REQUEST"),
                                 QStringLiteral("what the operator asks for"));
    parser.addOptions({
        {QStringLiteral("fleet"),
         QStringLiteral("use the running edge agent of this fleet file (docs/fleet-format.md)"),
         QStringLiteral("FILE")},
        {QStringLiteral("device"),
         QStringLiteral(
             "with --fleet: the device host whose edge serves (default: the first device)"),
         QStringLiteral("NAME")},
        {QStringLiteral("input"),
         QStringLiteral("an image file, a folder of images, or fashion-mnist (the test stream)"),
         QStringLiteral("PATH")},
        {QStringLiteral("count"), QStringLiteral("Fashion-MNIST images to classify (default 1)"),
         QStringLiteral("N"), QStringLiteral("1")},
        {QStringLiteral("first"), QStringLiteral("first Fashion-MNIST test image (default 0)"),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("link-rate"),
         QStringLiteral("device uplink in KB/s (default 300; 0: unshaped)"), QStringLiteral("KBPS"),
         QStringLiteral("300")},
        {QStringLiteral("split"), QStringLiteral("auto (adaptive, default) or a split name"),
         QStringLiteral("SPLIT"), QStringLiteral("auto")},
        {QStringLiteral("codec"), QStringLiteral("codec for a fixed --split"),
         QStringLiteral("CODEC")},
        {QStringLiteral("timeout"), QStringLiteral("give up after this many seconds (default 120)"),
         QStringLiteral("S"), QStringLiteral("120")},
        {QStringLiteral("json"), QStringLiteral("print one JSON object")},
        {QStringLiteral("no-availability"),
         QStringLiteral(
             "run the planner's plan as it is (no task replaced by one that runs here)")},
    });
    BindingsOption::addOptions(parser);
    parser.addOptions(LocalAgentOptions::declarations());
    PlannerChoice::addOptions(parser);
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(ExitUsage, QStringLiteral("run takes exactly one REQUEST (quote it)"));
    auto number = [&](const char *name, double lo, double hi, double *into) {
        bool ok = false;
        const double v = parser.value(QLatin1String(name)).toDouble(&ok);
        if (!ok || v < lo || v > hi)
            return false;
        *into = v;
        return true;
    };
    double count = 1, first = 0, linkRate = 300, timeout = 120;
    if (!number("count", 1, 10000, &count) || !number("first", 0, 9999, &first) ||
        !number("link-rate", 0, 1e6, &linkRate) || !number("timeout", 1, 86400, &timeout))
        return fail(ExitUsage, QStringLiteral("--count 1..10000, --first 0..9999, --link-rate >= "
                                              "0 and --timeout >= 1 are numbers"));
    const Result<LocalAgentOptions> agents = LocalAgentOptions::read(parser);
    if (!agents)
        return fail(ExitUsage, agents.error());
    const bool json = parser.isSet(QStringLiteral("json"));
    const Result<ModelBindings> bindings = BindingsOption::read(parser);
    if (!bindings)
        return fail(ExitUsage, bindings.error());
    const Catalog &catalog = Catalog::builtin();

    int planningExit = ExitOk;
    std::optional<Plan> plan = planRequest(parser, positional.first(), &planningExit);
    if (!plan)
        return planningExit;
    if (!applyAvailabilityOption(parser, positional.first(), *bindings, catalog, plan,
                                 &planningExit))
        return planningExit;
    // The classification tasks that run here: their model has a binding, and (one model served
    // at a time) the same binding as the first.
    QList<const PlanTask *> work;
    QStringList skipped;
    const ModelBinding *binding = nullptr;
    for (const PlanTask &t : plan->tasks) {
        const ModelBinding *b = bindings->forModel(t.model, catalog);
        if (t.task == kImageClassification && b && (!binding || b == binding)) {
            binding = b;
            work << &t;
        } else if (t.task == kImageClassification && b) {
            skipped << QStringLiteral("%1 (%2: bound to %3; edgegpt run serves one model at a "
                                      "time, %4)")
                           .arg(t.id, t.task, b->name, binding->name);
        } else if (t.task == kImageClassification) {
            skipped
                << QStringLiteral("%1 (%2: %3 is not runnable here)").arg(t.id, t.task, t.model);
        } else if (t.task != kCaptureImage) {
            skipped << QStringLiteral("%1 (%2)").arg(t.id, t.task);
        }
    }
    if (work.isEmpty())
        return fail(ExitFailure,
                    QStringLiteral("the plan has no image classification that runs here, the only "
                                   "task edgegpt run executes (the plan: %1)")
                        .arg(planToText(*plan, catalog, *bindings).simplified()));
    QList<TaskInput> inputs;
    for (const PlanTask *t : work) {
        Result<TaskInput> in =
            inputFor(*plan, *t, parser.value(QStringLiteral("input")), int(count), int(first));
        if (!in)
            return fail(ExitUsage, in.error());
        inputs << *in;
    }

    // The fleet: local agents, or the fleet file's running edge.
    LocalFleetOptions fleetOptions;
    agents->applyTo(&fleetOptions);
    QString fleetName = QStringLiteral("local (127.0.0.1)");
    if (parser.isSet(QStringLiteral("fleet"))) {
        const Result<Fleet> fleet = Fleet::load(parser.value(QStringLiteral("fleet")));
        if (!fleet)
            return fail(ExitUsage, fleet.error());
        const FleetHost *device = nullptr;
        for (const FleetHost &h : fleet->hosts)
            if (h.role == QLatin1String("device") &&
                (!parser.isSet(QStringLiteral("device")) ||
                 h.name == parser.value(QStringLiteral("device")))) {
                device = &h;
                break;
            }
        const FleetHost *edge = device ? fleet->edgeFor(*device) : nullptr;
        if (!edge)
            for (const FleetHost &h : fleet->hosts)
                if (h.role == QLatin1String("edge") || h.role == QLatin1String("cloud")) {
                    edge = &h;
                    break;
                }
        if (!edge)
            return fail(ExitUsage, QStringLiteral("%1: no edge or cloud host").arg(fleet->path));
        fleetOptions.remoteEdgeHost =
            edge->agentAddress.isEmpty() ? edge->target.host : edge->agentAddress;
        fleetOptions.remoteEdgePort =
            quint16(edge->agentPort > 0 ? edge->agentPort : Fleet::defaultAgentPort);
        fleetOptions.remoteTokenFile = fleet->tokenFile;
        fleetName = QStringLiteral("%1: edge %2 at %3:%4")
                        .arg(fleet->path, edge->name, fleetOptions.remoteEdgeHost)
                        .arg(fleetOptions.remoteEdgePort);
    }
    DefaultModelOptions modelOptions;
    // --model-dir, else the binding's directory; the default binding's (trained:cnn) is the
    // directory prepareModelDirectory trains when it is empty.
    modelOptions.dir = agents->modelDir;
    if (modelOptions.dir.isEmpty()) {
        const QString bound = bindings->directoryOf(*binding);
        if (bound != LocalFleet::defaultModelDirectory(QStringLiteral("cnn")))
            modelOptions.dir = bound;
    }
    modelOptions.dataDir = agents->dataDir;
    const Result<QString> modelDir = prepareModelDirectory(modelOptions);
    if (!modelDir)
        return fail(ExitFailure, modelDir.error());
    fleetOptions.modelDir = *modelDir;

    LocalFleet fleet;
    QJsonArray taskReports;
    QString text;
    bool allOk = true;
    const QString planText = planToText(*plan, catalog, *bindings);
    text += QStringLiteral("plan (%1 planner): %2\nfleet: %3, model %4, uplink %5\n")
                .arg(plan->provenance.planner, planText, fleetName, fleetOptions.modelDir,
                     linkRate > 0 ? QStringLiteral("%1 KB/s").arg(linkRate)
                                  : QStringLiteral("unshaped"));
    // The local fleet emulates a device (core/fleet/DeviceEmulation.h): say so by the figures.
    const double deviceSlowdown = agents->slowdown > 0 ? agents->slowdown : kDefaultDeviceSlowdown;
    const double deviceCodecSlowdown =
        agents->codecSlowdown > 0 ? agents->codecSlowdown : kDefaultDeviceCodecSlowdown;
    const bool emulated =
        deviceSlowdown != 1 || deviceCodecSlowdown != 1 || linkRate > 0 || agents->linkDelayMs > 0;
    text += emulated ? QStringLiteral("figures emulated: device model compute x%1, codecs x%2 "
                                      "(--slowdown, --codec-slowdown; 1 and 1: native)\n")
                           .arg(deviceSlowdown, 0, 'g', 5)
                           .arg(deviceCodecSlowdown, 0, 'g', 5)
                     : QStringLiteral("figures native: no slow-down, no link shaping\n");
    if (!skipped.isEmpty())
        text += QStringLiteral("not executed (the testbed executes image classification that runs "
                               "here only): %1\n")
                    .arg(skipped.join(QStringLiteral(", ")));
    for (int i = 0; i < work.size(); ++i) {
        const PlanTask &task = *work[i];
        LocalDeviceOptions device;
        device.input = inputs[i].source;
        device.count = inputs[i].count;
        device.first = device.input == kFashionMnist ? int(first) : 0;
        agents->applyTo(&device);
        device.split = parser.value(QStringLiteral("split"));
        device.codec = parser.value(QStringLiteral("codec"));
        device.link.rateKBps = linkRate;
        device.listen = false;
        const Result<DeviceRunOutcome> run =
            runDevice(fleet, i == 0 ? &fleetOptions : nullptr, device, int(timeout * 1000), true);
        if (!run) {
            QString why = run.error();
            if (fleet.workDir().isEmpty() == false)
                why += QStringLiteral(" (agent logs in %1)").arg(fleet.workDir());
            fleet.stopAndWait();
            return fail(ExitFailure, QStringLiteral("task %1: %2").arg(task.id, why));
        }
        QJsonArray results, splits;
        QHash<QString, QList<double>> stages;
        int failed = 0;
        const QString runsAs = binding->standIn.isEmpty()
                                   ? QStringLiteral("runs as %1").arg(binding->name)
                                   : QStringLiteral("stand-in: %1").arg(binding->standIn);
        text += QStringLiteral("\ntask %1 %2 (planned: %3 on %4; %5, from %6) on %7\n")
                    .arg(task.id, task.task, task.model, task.device, runsAs, fleetOptions.modelDir,
                         inputs[i].description);
        for (const QJsonObject &e : run->events) {
            if (e.value(QStringLiteral("event")).toString() != QLatin1String("split"))
                continue;
            splits.append(e);
            text += QStringLiteral("  split %1%2: %3\n")
                        .arg(e.value(QStringLiteral("split")).toString(),
                             e.value(QStringLiteral("codec")).toString().isEmpty()
                                 ? QString()
                                 : QStringLiteral(" (%1)").arg(
                                       e.value(QStringLiteral("codec")).toString()),
                             e.value(QStringLiteral("reason")).toString());
        }
        text += QStringLiteral("  %1 %2 %3 %4 %5 %6 %7 %8 %9  (ms)\n")
                    .arg(QStringLiteral("image"), -24)
                    .arg(QStringLiteral("class"), -12)
                    .arg(QStringLiteral("device"), 8)
                    .arg(QStringLiteral("encode"), 8)
                    .arg(QStringLiteral("transfer"), 9)
                    .arg(QStringLiteral("edge"), 8)
                    .arg(QStringLiteral("return"), 8)
                    .arg(QStringLiteral("total"), 8)
                    .arg(QStringLiteral("split"));
        for (const QJsonObject &r : run->results) {
            const QString name =
                r.contains(QStringLiteral("file"))
                    ? r.value(QStringLiteral("file")).toString()
                    : QStringLiteral("test #%1")
                          .arg(r.value(QStringLiteral("index")).toInt() + int(first));
            QJsonObject out{{QStringLiteral("image"), name},
                            {QStringLiteral("ok"), r.value(QStringLiteral("ok"))}};
            if (!r.value(QStringLiteral("ok")).toBool()) {
                ++failed;
                out.insert(QStringLiteral("error"), r.value(QStringLiteral("error")));
                text += QStringLiteral("  %1 failed: %2\n")
                            .arg(name, -24)
                            .arg(r.value(QStringLiteral("error")).toString());
                results.append(out);
                continue;
            }
            for (const char *key : {"class", "predicted", "label", "split", "codec", "bytes"})
                out.insert(QLatin1String(key), r.value(QLatin1String(key)));
            QString row = QStringLiteral("  %1 %2").arg(name, -24).arg(
                r.value(QStringLiteral("class")).toString(), -12);
            for (const QString &stage : kStages) {
                const double v = r.value(stage).toDouble(0);
                out.insert(stage, v);
                stages[stage] << v;
                row +=
                    QStringLiteral(" %1").arg(ms(v), stage == QLatin1String("transfer_ms") ? 9 : 8);
            }
            const int label = r.value(QStringLiteral("label")).toInt(-1);
            row += QStringLiteral("  %1").arg(r.value(QStringLiteral("split")).toString());
            if (label >= 0)
                row += r.value(QStringLiteral("predicted")).toInt() == label
                           ? QStringLiteral("  (label: correct)")
                           : QStringLiteral("  (label: %1)").arg(label);
            text += row + QLatin1Char('\n');
            results.append(out);
        }
        QJsonObject median;
        if (!stages.isEmpty()) {
            QString row =
                QStringLiteral("  %1 %2").arg(QStringLiteral("median"), -24).arg(QString(), -12);
            for (const QString &stage : kStages) {
                const double m = quantile(stages.value(stage), 0.5);
                median.insert(stage, m);
                row +=
                    QStringLiteral(" %1").arg(ms(m), stage == QLatin1String("transfer_ms") ? 9 : 8);
            }
            text += row + QLatin1Char('\n');
        }
        const bool taskOk = failed == 0 && !run->results.isEmpty() && run->exitCode == 0;
        if (run->results.isEmpty())
            text += QStringLiteral("  no image was classified (device exit code %1)\n")
                        .arg(run->exitCode);
        allOk = allOk && taskOk;
        taskReports.append(
            QJsonObject{{QStringLiteral("id"), task.id},
                        {QStringLiteral("task"), task.task},
                        {QStringLiteral("planned_model"), task.model},
                        {QStringLiteral("planned_device"), task.device},
                        {QStringLiteral("binding"), binding->name},
                        {QStringLiteral("stand_in"),
                         binding->standIn.isEmpty() ? QJsonValue() : QJsonValue(binding->standIn)},
                        {QStringLiteral("input"), inputs[i].description},
                        {QStringLiteral("ok"), taskOk},
                        {QStringLiteral("results"), results},
                        {QStringLiteral("median"), median},
                        {QStringLiteral("splits"), splits},
                        {QStringLiteral("summary"), run->summary}});
    }
    fleet.stopAndWait();
    if (json) {
        QJsonObject o{{QStringLiteral("request"), plan->request},
                      {QStringLiteral("plan"), planToJsonObject(*plan, catalog, *bindings)},
                      {QStringLiteral("fleet"), fleetName},
                      {QStringLiteral("model_dir"), fleetOptions.modelDir},
                      {QStringLiteral("link_rate_kbps"), linkRate},
                      {QStringLiteral("emulated"), emulated},
                      {QStringLiteral("device_slowdown"), deviceSlowdown},
                      {QStringLiteral("device_codec_slowdown"), deviceCodecSlowdown},
                      {QStringLiteral("tasks"), taskReports},
                      {QStringLiteral("ok"), allOk}};
        if (!skipped.isEmpty())
            o.insert(QStringLiteral("not_executed"), QJsonArray::fromStringList(skipped));
        printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    } else {
        printOut(text);
    }
    return allOk ? ExitOk : ExitFailure;
}

const CliCommandRegistration registration(
    {QStringLiteral("run"),
     QStringLiteral("plan a request and run its image classification through split inference"),
     runRun});

} // namespace
} // namespace edgegpt::cli
