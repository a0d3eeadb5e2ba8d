// DeployManifest: what a plan puts on each host of a fleet (docs/deploy.md, "Placement").
//
// A plan task runs on a catalog device; the device's `host_classes` name the fleet host classes
// that stand for it. The task goes to every fleet host of such a class whose role matches the
// device's tier (device → device, edge-server → edge, cloud → cloud). Its catalog model is served
// by a runnable model, found through the model bindings (core/catalog/ModelBindings.h); the
// binding's name is the folder the model goes to on the host (models/NAME/). Then:
//   - a task on a device: that device host gets the head parts of the model (every split the
//     model directory holds, so that the agent's adaptive split can choose any), model.json and
//     profile.json, never model.pt; its edge (Fleet::edgeFor) gets the tail parts;
//   - a task on an edge server (or the cloud): that host gets the tail parts, the split "input"
//     among them, and the devices whose edge it is send it images (split "input").
// A task whose catalog model has no binding, or whose bound directory holds no trained model, is
// not runnable here: it is listed with the reason and nothing is deployed for it (never another
// model in its place). A class the plan needs that the fleet lacks is an error.
//
// Names never become paths unchecked: a binding's name must match ^[a-z0-9][a-z0-9._-]{0,63}$;
// catalog model ids ("google/vit-base-patch16-224") are looked up, never joined into a path.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/fleet/Fleet.h"
#include "core/plan/Plan.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace edgegpt {

struct ManifestFile
{
    QString localPath;
    QString remoteName; // relative to the deployment directory: "models/NAME/head-conv2.pt"
    qint64 bytes = 0;
    QByteArray sha256; // hex
};

struct ManifestModel
{
    QString model;        // the binding's name: the folder under models/ on the host
    QString catalogModel; // the plan's catalog model it serves (the first, when several)
    QString standIn;      // the binding's "stand_in" (may be empty)
    QStringList parts;    // "head" (a device), "tail" (an edge or cloud host)
    QString split;        // "auto" (the agent chooses among the splits shipped) or "input"
    QStringList splits;   // the splits whose parts are shipped
};

struct ManifestHost
{
    QString name;
    QString role;
    QString hostClass;
    QStringList tasks; // plan task ids placed here
    QList<ManifestModel> models;
    QList<ManifestFile> files; // the model files it receives
    // A device: the model it runs (agent.json "model") and its split ("auto" or "input");
    // empty when the plan gives it nothing to run.
    QString runModel;
    QString runSplit;

    const ManifestModel *model(const QString &name) const;
};

struct NotRunnableTask
{
    QString task;  // plan task id
    QString model; // catalog model id
    QString reason;
};

// Exports the head and tail parts of every split of the trained model in `modelDir` (which holds
// model.pt but no parts) into `outDir`. Given by programs that link LibTorch (edgegpt: through
// ModelStore::exportSplit); without it such a model is not runnable.
using PartExporter = std::function<Result<void>(const QString &modelDir, const QString &outDir)>;

struct ManifestOptions
{
    const Catalog *catalog = nullptr;
    const ModelBindings *bindings = nullptr;
    PartExporter exportParts;
    // Where exported parts are kept (one folder per model.pt, named by its SHA-256); required
    // with exportParts.
    QString partsCacheDir;
    // Instead of every binding's own directory: this one (`edgegpt deploy --model DIR`).
    QString modelDirOverride;
};

struct DeployManifest
{
    QList<ManifestHost> hosts; // in fleet order
    QList<NotRunnableTask> notRunnable;

    const ManifestHost *host(const QString &name) const;
    // {"hosts":[{"name","role","class","tasks","models":[{"model","catalog_model","stand_in",
    //  "parts","split"}],"files":[{"path","bytes","sha256"}]}],"not_runnable":[{"task","model",
    //  "reason"}]}
    QJsonObject toJson() const;

    // Places a plan on a fleet. The plan is validated against the catalog first; errors (an
    // invalid plan, a class the fleet lacks, a device without an edge, a bad binding name) fail
    // the whole manifest, each on its own line.
    static Result<DeployManifest> forPlan(const Plan &plan, const Fleet &fleet,
                                          const ManifestOptions &options);
    // The default plan: on every device host, one image classification task (with the model the
    // local planner chooses for "Classify the clothing in this picture" when it is bound, else the
    // first catalog model of that task that has a binding), split across it and its edge. `plan`,
    // when given, receives the plan (one task per device host; device: the host's name).
    static Result<DeployManifest> defaultPlan(const Fleet &fleet, const ManifestOptions &options,
                                              Plan *plan = nullptr);
};

// The parts a model directory holds, as deploy ships them: model.json and profile.json, and per
// split its head and tail part files (head-SPLIT.pt / tail-SPLIT.pt, or .ts). A directory with
// only model.pt has its parts exported through `exporter` into `cacheDir` first. Fails with the
// reason the model is not runnable.
struct ModelPartFiles
{
    QString modelJson;
    QString profileJson;
    QStringList splits;            // in the model's order (model.json "splits"), else by name
    QHash<QString, QString> heads; // split -> local file
    QHash<QString, QString> tails; // split -> local file
    // A user's TorchScript model.ts (the whole model), empty when there is none. It is the
    // head of the model's output split (a device that runs the whole model) and the tail of its
    // input split (an edge that receives images), so both sides get it.
    QString wholeModel;
    QString outputSplit; // the last split model.json names (the whole model's output)
};
Result<ModelPartFiles> modelPartFiles(const QString &modelDir, const PartExporter &exporter,
                                      const QString &cacheDir);

} // namespace edgegpt
