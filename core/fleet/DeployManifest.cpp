#include "core/fleet/DeployManifest.h"

#include "core/fleet/Deployment.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/LocalPlanner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

namespace edgegpt {

namespace {

const QString kImageClassification = QStringLiteral("Image Classification");

QString roleForTier(Device::Tier tier)
{
    switch (tier) {
    case Device::Tier::Device:
        return QStringLiteral("device");
    case Device::Tier::EdgeServer:
        return QStringLiteral("edge");
    case Device::Tier::Cloud:
        return QStringLiteral("cloud");
    }
    return {};
}

// A part file's name: head-SPLIT.pt / tail-SPLIT.ts; the split as plain as a file name can be.
const QRegularExpression &partRe()
{
    static const QRegularExpression re(
        QStringLiteral("^(head|tail)-([A-Za-z0-9_][A-Za-z0-9._-]{0,63})\\.(pt|ts)$"));
    return re;
}

struct PartsInDir
{
    QHash<QString, QString> heads, tails;
};

PartsInDir partsIn(const QString &dir)
{
    PartsInDir parts;
    const QStringList names = QDir(dir).entryList(QDir::Files | QDir::Readable, QDir::Name);
    for (const QString &name : names) {
        const QRegularExpressionMatch m = partRe().match(name);
        if (!m.hasMatch() || m.captured(2).contains(QStringLiteral("..")))
            continue;
        QHash<QString, QString> &side =
            m.captured(1) == QLatin1String("head") ? parts.heads : parts.tails;
        // A .pt part wins over a .ts part of the same split (the runner tries .pt first).
        if (!side.contains(m.captured(2)) || name.endsWith(QLatin1String(".pt")))
            side.insert(m.captured(2), QDir(dir).filePath(name));
    }
    return parts;
}

// The exported parts of a model.pt, cached by its SHA-256 so that every deploy of the same
// weights ships the same bytes (and a redeploy uploads nothing).
Result<QString> exportedParts(const QString &modelDir, const PartExporter &exporter,
                              const QString &cacheDir)
{
    using R = Result<QString>;
    const QString weights = modelDir + QStringLiteral("/model.pt");
    if (!exporter)
        return R::failure(QStringLiteral("%1 holds model.pt but no head/tail parts, and this "
                                         "program cannot export them (it has no LibTorch)")
                              .arg(modelDir));
    if (cacheDir.isEmpty())
        return R::failure(QStringLiteral("no folder to export the parts of %1 into").arg(weights));
    const Result<QByteArray> hash = localFileSha256(weights);
    if (!hash)
        return R::failure(hash.error());
    const QString target = QDir(cacheDir).filePath(QString::fromLatin1(hash->left(32)));
    if (QFileInfo::exists(target + QStringLiteral("/.complete")))
        return target;
    if (!QDir().mkpath(cacheDir))
        return R::failure(QStringLiteral("cannot create %1").arg(cacheDir));
    const QString temporary = QDir(cacheDir).filePath(
        QStringLiteral(".export-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (!QDir().mkpath(temporary))
        return R::failure(QStringLiteral("cannot create %1").arg(temporary));
    const Result<void> exported = exporter(modelDir, temporary);
    if (!exported) {
        QDir(temporary).removeRecursively();
        return R::failure(
            QStringLiteral("cannot export the parts of %1: %2").arg(weights, exported.error()));
    }
    QFile complete(temporary + QStringLiteral("/.complete"));
    if (!complete.open(QIODevice::WriteOnly) || complete.write(*hash + '\n') < 0) {
        QDir(temporary).removeRecursively();
        return R::failure(QStringLiteral("cannot write %1").arg(complete.fileName()));
    }
    complete.close();
    if (!QDir().rename(temporary, target)) {
        // Another deploy exported the same model at the same time: keep its copy.
        QDir(temporary).removeRecursively();
        if (!QFileInfo::exists(target + QStringLiteral("/.complete")))
            return R::failure(QStringLiteral("cannot move the exported parts to %1").arg(target));
    }
    return target;
}

struct Builder
{
    const Fleet &fleet;
    const ManifestOptions &options;
    DeployManifest manifest;
    QStringList errors;
    QHash<QString, Result<ModelPartFiles>> partCache; // model dir -> its parts

    explicit Builder(const Fleet &f, const ManifestOptions &o)
        : fleet(f)
        , options(o)
    {
        for (const FleetHost &h : fleet.hosts)
            manifest.hosts.append({h.name, h.role, h.hostClass, {}, {}, {}, {}, {}});
    }

    ManifestHost &hostEntry(const QString &name)
    {
        for (ManifestHost &h : manifest.hosts)
            if (h.name == name)
                return h;
        Q_UNREACHABLE();
    }

    void addTask(ManifestHost &h, const QString &task)
    {
        if (!h.tasks.contains(task))
            h.tasks.append(task);
    }

    const Result<ModelPartFiles> &partsOf(const QString &dir)
    {
        auto it = partCache.find(dir);
        if (it == partCache.end())
            it = partCache.insert(dir,
                                  modelPartFiles(dir, options.exportParts, options.partsCacheDir));
        return *it;
    }

    // Gives host `h` the model `binding` (parts: "head" or "tail", split "auto" or "input").
    void addModel(ManifestHost &h, const ModelBinding &binding, const QString &catalogModel,
                  const ModelPartFiles &files, const QString &side, const QString &split)
    {
        ManifestModel *m = nullptr;
        for (ManifestModel &existing : h.models)
            if (existing.model == binding.name)
                m = &existing;
        if (!m) {
            h.models.append({binding.name, catalogModel, binding.standIn, {}, split, {}});
            m = &h.models.last();
        } else if (m->split == QLatin1String("input") && split == QLatin1String("auto")) {
            m->split = split; // it runs the model itself as well as sending images for it
        }
        const QString prefix = QStringLiteral("models/") + binding.name + QLatin1Char('/');
        const auto addFile = [&](const QString &local) {
            const QString remote = prefix + QFileInfo(local).fileName();
            for (const ManifestFile &f : h.files)
                if (f.remoteName == remote)
                    return;
            h.files.append({local, remote, QFileInfo(local).size(), {}});
        };
        addFile(files.modelJson);
        addFile(files.profileJson);
        const QHash<QString, QString> &sideFiles =
            side == QLatin1String("head") ? files.heads : files.tails;
        for (const QString &s : files.splits) {
            // A device sending images needs the input split's head only (no weights).
            if (split == QLatin1String("input") && s != QLatin1String("input"))
                continue;
            if (side.isEmpty() || !sideFiles.contains(s))
                continue;
            addFile(sideFiles.value(s));
            if (!m->splits.contains(s))
                m->splits.append(s);
            if (!m->parts.contains(side))
                m->parts.append(side);
        }
        // A user's whole TorchScript model: the edge's tail at "input", the device's head at the
        // output split (a device that only sends images needs no model).
        if (!files.wholeModel.isEmpty() && !side.isEmpty() &&
            (side == QLatin1String("tail") || split != QLatin1String("input"))) {
            addFile(files.wholeModel);
            const QString s =
                side == QLatin1String("tail") ? QStringLiteral("input") : files.outputSplit;
            if (!s.isEmpty() && !m->splits.contains(s))
                m->splits.append(s);
            if (!m->parts.contains(side))
                m->parts.append(side);
        }
        if (h.role == QLatin1String("device") &&
            (h.runModel.isEmpty() ||
             (h.runSplit == QLatin1String("input") && split == QLatin1String("auto")))) {
            h.runModel = binding.name;
            h.runSplit = split;
        }
    }

    // The binding and parts of a task's catalog model; false (and listed as not runnable) when
    // it has none; an error when its binding's name is not a safe folder name.
    bool resolve(const PlanTask &task, const ModelBinding **binding, const ModelPartFiles **files)
    {
        const ModelBinding *b = options.bindings->forModel(task.model, *options.catalog);
        if (!b) {
            manifest.notRunnable.append(
                {task.id, task.model,
                 QStringLiteral("no runnable model is bound to \"%1\" (bindings: %2)")
                     .arg(task.model, options.bindings->fileName.isEmpty()
                                          ? QStringLiteral("built-in")
                                          : options.bindings->fileName)});
            return false;
        }
        if (!ModelBindings::isValidName(b->name)) {
            errors << QStringLiteral("%1: the binding name \"%2\" is not a plain model name "
                                     "(^[a-z0-9][a-z0-9._-]{0,63}$)")
                          .arg(task.id, b->name);
            return false;
        }
        const QString dir = options.modelDirOverride.isEmpty() ? options.bindings->directoryOf(*b)
                                                               : options.modelDirOverride;
        const Result<ModelPartFiles> &parts = partsOf(dir);
        if (!parts) {
            manifest.notRunnable.append(
                {task.id, task.model,
                 QStringLiteral("%1 (bound to %2): %3").arg(b->name, task.model, parts.error())});
            return false;
        }
        *binding = b;
        *files = &*parts;
        return true;
    }

    // Places one runnable task on the hosts `targets` (all of one role).
    void place(const PlanTask &task, const QList<const FleetHost *> &targets,
               const ModelBinding &binding, const ModelPartFiles &files)
    {
        for (const FleetHost *host : targets) {
            ManifestHost &entry = hostEntry(host->name);
            addTask(entry, task.id);
            if (host->role == QLatin1String("device")) {
                const FleetHost *edge = fleet.edgeFor(*host);
                if (!edge) {
                    errors << QStringLiteral("%1: device host %2 has no edge or cloud host to "
                                             "send its features to")
                                  .arg(task.id, host->name);
                    continue;
                }
                addModel(entry, binding, task.model, files, QStringLiteral("head"),
                         QStringLiteral("auto"));
                ManifestHost &edgeEntry = hostEntry(edge->name);
                addTask(edgeEntry, task.id);
                addModel(edgeEntry, binding, task.model, files, QStringLiteral("tail"),
                         QStringLiteral("auto"));
            } else {
                // The task runs whole on this edge (or cloud) host: the devices that use it send
                // their images (split "input").
                addModel(entry, binding, task.model, files, QStringLiteral("tail"),
                         QStringLiteral("auto"));
                for (const FleetHost &device : fleet.hosts) {
                    const FleetHost *edge = fleet.edgeFor(device);
                    if (!edge || edge->name != host->name)
                        continue;
                    ManifestHost &deviceEntry = hostEntry(device.name);
                    addTask(deviceEntry, task.id);
                    addModel(deviceEntry, binding, task.model, files, QStringLiteral("head"),
                             QStringLiteral("input"));
                }
            }
        }
    }

    Result<DeployManifest> finish()
    {
        if (!errors.isEmpty())
            return Result<DeployManifest>::failure(errors.join(QLatin1Char('\n')));
        for (ManifestHost &h : manifest.hosts)
            for (ManifestFile &f : h.files) {
                const Result<QByteArray> hash = localFileSha256(f.localPath);
                if (!hash)
                    return Result<DeployManifest>::failure(hash.error());
                f.sha256 = *hash;
            }
        return manifest;
    }
};

} // namespace

const ManifestModel *ManifestHost::model(const QString &name) const
{
    for (const ManifestModel &m : models)
        if (m.model == name)
            return &m;
    return nullptr;
}

const ManifestHost *DeployManifest::host(const QString &name) const
{
    for (const ManifestHost &h : hosts)
        if (h.name == name)
            return &h;
    return nullptr;
}

QJsonObject DeployManifest::toJson() const
{
    QJsonArray hostArray;
    for (const ManifestHost &h : hosts) {
        QJsonArray models;
        for (const ManifestModel &m : h.models)
            models.append(
                QJsonObject{{QStringLiteral("model"), m.model},
                            {QStringLiteral("catalog_model"), m.catalogModel},
                            {QStringLiteral("stand_in"), m.standIn},
                            {QStringLiteral("parts"), QJsonArray::fromStringList(m.parts)},
                            {QStringLiteral("split"), m.split}});
        QJsonArray files;
        for (const ManifestFile &f : h.files)
            files.append(QJsonObject{{QStringLiteral("path"), f.remoteName},
                                     {QStringLiteral("bytes"), f.bytes},
                                     {QStringLiteral("sha256"), QString::fromLatin1(f.sha256)}});
        hostArray.append(QJsonObject{{QStringLiteral("name"), h.name},
                                     {QStringLiteral("role"), h.role},
                                     {QStringLiteral("class"), h.hostClass},
                                     {QStringLiteral("tasks"), QJsonArray::fromStringList(h.tasks)},
                                     {QStringLiteral("models"), models},
                                     {QStringLiteral("files"), files}});
    }
    QJsonArray left;
    for (const NotRunnableTask &t : notRunnable)
        left.append(QJsonObject{{QStringLiteral("task"), t.task},
                                {QStringLiteral("model"), t.model},
                                {QStringLiteral("reason"), t.reason}});
    return {{QStringLiteral("hosts"), hostArray}, {QStringLiteral("not_runnable"), left}};
}

Result<DeployManifest> DeployManifest::forPlan(const Plan &plan, const Fleet &fleet,
                                               const ManifestOptions &options)
{
    using R = Result<DeployManifest>;
    if (!options.catalog || !options.bindings)
        return R::failure(QStringLiteral("no catalog or bindings to place the plan with"));
    const Catalog &catalog = *options.catalog;
    const QList<PlanProblem> problems = validatePlan(plan, catalog);
    if (!problems.isEmpty())
        return R::failure(QStringLiteral("the plan does not fit the catalog:\n") +
                          describeProblems(problems));
    Builder b(fleet, options);
    for (const PlanTask &task : plan.tasks) {
        const Device *device = catalog.device(task.device);
        if (!device) // validatePlan refuses this; kept so that a lookup never goes unchecked
            return R::failure(
                QStringLiteral("%1: unknown device \"%2\"").arg(task.id, task.device));
        const QString role = roleForTier(device->tier);
        QList<const FleetHost *> targets;
        for (const FleetHost &h : fleet.hosts)
            if (h.role == role && device->hostClasses.contains(h.hostClass))
                targets.append(&h);
        if (task.model.isEmpty()) {
            // A sensing step: nothing to deploy; shown where it runs when the fleet has it.
            for (const FleetHost *h : targets)
                b.addTask(b.hostEntry(h->name), task.id);
            continue;
        }
        const ModelBinding *binding = nullptr;
        const ModelPartFiles *files = nullptr;
        if (!b.resolve(task, &binding, &files))
            continue;
        if (targets.isEmpty()) {
            const QString classes = device->hostClasses.isEmpty()
                                        ? QStringLiteral("(the catalog names none for it)")
                                        : device->hostClasses.join(QStringLiteral(" or "));
            // (A host of that class with another role does not count: a device class needs a
            // device host, an edge server an edge host, the cloud a cloud host.)
            b.errors << QStringLiteral("the fleet has no host of class %1 (task %2 runs on "
                                       "\"%3\")")
                            .arg(classes, task.id, device->name);
            continue;
        }
        b.place(task, targets, *binding, *files);
    }
    return b.finish();
}

Result<DeployManifest> DeployManifest::defaultPlan(const Fleet &fleet,
                                                   const ManifestOptions &options, Plan *planOut)
{
    using R = Result<DeployManifest>;
    if (!options.catalog || !options.bindings)
        return R::failure(QStringLiteral("no catalog or bindings to place the plan with"));
    // The model the local planner chooses for the clothing request (what `edgegpt run` plans),
    // when it is bound; else the first image classification model of the catalog that something
    // serves; else the first of them (then listed as not runnable).
    QString model;
    const Result<Plan> planned =
        LocalPlanner(*options.catalog)
            .planNow(QStringLiteral("Classify the clothing in this picture"));
    if (planned)
        for (const PlanTask &t : planned->tasks)
            if (options.catalog->task(t.task) == options.catalog->task(kImageClassification) &&
                options.bindings->forModel(t.model, *options.catalog)) {
                model = t.model;
                break;
            }
    const QList<const AiModel *> candidates = options.catalog->modelsForTask(kImageClassification);
    for (const AiModel *m : candidates)
        if (model.isEmpty() && options.bindings->forModel(m->name, *options.catalog))
            model = m->name;
    if (model.isEmpty() && !candidates.isEmpty())
        model = candidates.first()->name;
    Plan plan;
    plan.request = QStringLiteral("Classify the clothing in this picture");
    plan.provenance.planner = QStringLiteral("default");
    Builder b(fleet, options);
    for (const FleetHost &h : fleet.hosts) {
        if (h.role != QLatin1String("device"))
            continue;
        PlanTask task;
        task.id = plan.nextTaskId();
        task.task = kImageClassification;
        task.model = model;
        task.device = h.name;
        task.args = {{QStringLiteral("image"), QStringLiteral("example.jpg"), {}}};
        plan.tasks.append(task);
        const ModelBinding *binding = nullptr;
        const ModelPartFiles *files = nullptr;
        if (b.resolve(task, &binding, &files))
            b.place(task, {&h}, *binding, *files);
    }
    if (planOut)
        *planOut = plan;
    return b.finish();
}

Result<ModelPartFiles> modelPartFiles(const QString &modelDir, const PartExporter &exporter,
                                      const QString &cacheDir)
{
    using R = Result<ModelPartFiles>;
    const QDir dir(modelDir);
    if (!QFileInfo(modelDir).isDir())
        return R::failure(
            QStringLiteral("no model directory %1 (`edgegpt train` makes one)").arg(modelDir));
    ModelPartFiles files;
    files.modelJson = dir.filePath(QStringLiteral("model.json"));
    files.profileJson = dir.filePath(QStringLiteral("profile.json"));
    if (!QFileInfo(files.modelJson).isFile())
        return R::failure(
            QStringLiteral("no trained model in %1 (no model.json; `edgegpt train` writes it)")
                .arg(modelDir));
    // The device plans its split from the profile; without it the agent cannot start.
    if (!QFileInfo(files.profileJson).isFile())
        return R::failure(QStringLiteral("%1 has no profile.json (`edgegpt bench coinference "
                                         "--model-dir %1` measures it)")
                              .arg(modelDir));
    PartsInDir parts = partsIn(modelDir);
    if (QFileInfo(dir.filePath(QStringLiteral("model.ts"))).isFile())
        files.wholeModel = dir.filePath(QStringLiteral("model.ts"));
    if (parts.heads.isEmpty() && parts.tails.isEmpty() && files.wholeModel.isEmpty()) {
        if (!QFileInfo(dir.filePath(QStringLiteral("model.pt"))).isFile())
            return R::failure(
                QStringLiteral("%1 holds neither model parts (head-SPLIT.pt, tail-SPLIT.pt) nor "
                               "model.pt")
                    .arg(modelDir));
        const Result<QString> exported = exportedParts(modelDir, exporter, cacheDir);
        if (!exported)
            return R::failure(exported.error());
        parts = partsIn(*exported);
        if (parts.heads.isEmpty() || parts.tails.isEmpty())
            return R::failure(QStringLiteral("exporting the parts of %1 gave none").arg(modelDir));
    }
    // The model's own order of splits, else by name.
    QFile json(files.modelJson);
    if (json.open(QIODevice::ReadOnly)) {
        const QJsonObject meta = QJsonDocument::fromJson(json.read(4 * 1024 * 1024)).object();
        for (const QJsonValue &v : meta.value(QStringLiteral("splits")).toArray()) {
            const QString name = v.toObject().value(QStringLiteral("name")).toString();
            files.outputSplit = name;
            if ((parts.heads.contains(name) || parts.tails.contains(name)) &&
                !files.splits.contains(name))
                files.splits.append(name);
        }
    }
    QStringList rest = parts.heads.keys() + parts.tails.keys();
    rest.sort();
    for (const QString &s : rest)
        if (!files.splits.contains(s))
            files.splits.append(s);
    files.heads = parts.heads;
    files.tails = parts.tails;
    return files;
}

} // namespace edgegpt
