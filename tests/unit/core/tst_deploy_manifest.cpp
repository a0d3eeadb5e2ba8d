// The deploy manifest (core/fleet/DeployManifest.h): a plan placed on a fleet by host class gives
// a device only the head parts of its tasks' models and its edge only the tails; a task on an
// edge server gives that edge the tails (the input split among them) and its devices the input
// split; a class the fleet lacks is a clear error; a task without a binding, or whose bound
// directory holds no trained model, is not runnable (listed, nothing deployed for it); names
// that are not plain never reach a path; a directory with only model.pt has its parts exported
// once. The model files here are small stand-ins (their contents are not read), made in a
// temporary directory.
#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/fleet/DeployManifest.h"
#include "core/fleet/Fleet.h"
#include "core/plan/Plan.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// A model directory as `edgegpt train` + `bench coinference` leave it, with parts for `splits`.
void writeModel(const QString &dir, const QStringList &splits, bool parts = true,
                bool weights = true, bool profile = true)
{
    QJsonArray table;
    for (const QString &s : splits)
        table.append(QJsonObject{{QStringLiteral("name"), s}});
    writeFile(dir + QStringLiteral("/model.json"),
              QJsonDocument(QJsonObject{{QStringLiteral("splits"), table}}).toJson());
    if (profile)
        writeFile(dir + QStringLiteral("/profile.json"), "{\"model\":\"cnn\"}");
    if (weights)
        writeFile(dir + QStringLiteral("/model.pt"), QByteArray(5000, 'w'));
    if (parts)
        for (const QString &s : splits) {
            writeFile(dir + QStringLiteral("/head-") + s + QStringLiteral(".pt"),
                      "head " + s.toUtf8());
            writeFile(dir + QStringLiteral("/tail-") + s + QStringLiteral(".pt"),
                      "tail " + s.toUtf8());
        }
}

PlanTask task(const QString &id, const QString &kind, const QString &model, const QString &device)
{
    PlanTask t;
    t.id = id;
    t.task = kind;
    t.model = model;
    t.device = device;
    t.args = {{QStringLiteral("image"), QStringLiteral("example.jpg"), {}}};
    return t;
}

QStringList remoteNames(const ManifestHost &h)
{
    QStringList names;
    for (const ManifestFile &f : h.files)
        names << f.remoteName;
    names.sort();
    return names;
}

} // namespace

class TestDeployManifest : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    Fleet m_fleet;
    ModelBindings m_bindings;

    QString path(const QString &rel) const { return m_tmp.filePath(rel); }

    ManifestOptions options() const
    {
        ManifestOptions o;
        o.catalog = &Catalog::builtin();
        o.bindings = &m_bindings;
        return o;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const Result<Fleet> fleet = Fleet::parse(
            R"({"hosts":[
                {"name":"jetson-1","ssh":"j1","role":"device","class":"jetson-nano","dir":"/d"},
                {"name":"phone-1","ssh":"p1","role":"device","class":"phone","dir":"/d"},
                {"name":"rtx-1","ssh":"r1","role":"edge","class":"rtx-3090","dir":"/d"}]})",
            QStringLiteral("fleet.json"), {});
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        m_fleet = *fleet;
        writeModel(path(QStringLiteral("models/cnn")),
                   {QStringLiteral("input"), QStringLiteral("conv1"), QStringLiteral("logits")});
        const Result<ModelBindings> bindings = ModelBindings::parse(
            R"({"format":"edgegpt-bindings","version":1,"bindings":[
                {"name":"cnn-a","models":["google/vit-base-patch16-224","microsoft/resnet-50"],
                 "dir":"models/cnn","stand_in":"fashion-mnist cnn"},
                {"name":"empty-b","models":["nateraw/vit-age-classifier"],"dir":"models/none"}]})",
            QStringLiteral("bindings.json"), m_tmp.path());
        QVERIFY2(bindings.ok(), qPrintable(bindings.error()));
        m_bindings = *bindings;
    }

    // The catalog names the fleet classes that stand for its devices.
    void theCatalogNamesHostClasses()
    {
        const Catalog &c = Catalog::builtin();
        QCOMPARE(c.device(QStringLiteral("Jetson Nano"))->hostClasses,
                 QStringList{QStringLiteral("jetson-nano")});
        QCOMPARE(c.device(QStringLiteral("Edge server (RTX 3090)"))->hostClasses,
                 QStringList{QStringLiteral("rtx-3090")});
        QCOMPARE(c.device(QStringLiteral("Cloud"))->hostClasses,
                 QStringList{QStringLiteral("cloud")});
        for (const Device &d : c.devices())
            QVERIFY2(!d.hostClasses.isEmpty(), qPrintable(d.name));
        Catalog bad;
        const Result<void> refused = bad.addDevices(
            R"({"devices":[{"name":"X","tier":"device","class":"x","compute_gflops":1,
                "memory_mb":1,"host_classes":["ok","../no"]}]})",
            QStringLiteral("devices.json"));
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(
                     QLatin1String("devices.json: $.devices[0].host_classes[1]: \"../no\"")),
                 qPrintable(refused.error()));
    }

    void aDeviceGetsOnlyHeadsAndItsEdgeOnlyTails()
    {
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("google/vit-base-patch16-224"),
                           QStringLiteral("Jetson Nano"))};
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, options());
        QVERIFY2(m.ok(), qPrintable(m.error()));
        QVERIFY(m->notRunnable.isEmpty());
        const ManifestHost *jetson = m->host(QStringLiteral("jetson-1"));
        const ManifestHost *rtx = m->host(QStringLiteral("rtx-1"));
        const ManifestHost *phone = m->host(QStringLiteral("phone-1"));
        QVERIFY(jetson && rtx && phone);
        QCOMPARE(remoteNames(*jetson), (QStringList{QStringLiteral("models/cnn-a/head-conv1.pt"),
                                                    QStringLiteral("models/cnn-a/head-input.pt"),
                                                    QStringLiteral("models/cnn-a/head-logits.pt"),
                                                    QStringLiteral("models/cnn-a/model.json"),
                                                    QStringLiteral("models/cnn-a/profile.json")}));
        QCOMPARE(remoteNames(*rtx), (QStringList{QStringLiteral("models/cnn-a/model.json"),
                                                 QStringLiteral("models/cnn-a/profile.json"),
                                                 QStringLiteral("models/cnn-a/tail-conv1.pt"),
                                                 QStringLiteral("models/cnn-a/tail-input.pt"),
                                                 QStringLiteral("models/cnn-a/tail-logits.pt")}));
        // The phone has no task: nothing goes there, and it runs nothing.
        QVERIFY(phone->files.isEmpty());
        QVERIFY(phone->runModel.isEmpty());
        QCOMPARE(jetson->runModel, QStringLiteral("cnn-a"));
        QCOMPARE(jetson->runSplit, QStringLiteral("auto"));
        QCOMPARE(jetson->tasks, QStringList{QStringLiteral("t1")});
        QCOMPARE(rtx->tasks, QStringList{QStringLiteral("t1")});
        // Every file's size and SHA-256 are those of the local file.
        for (const ManifestFile &f : jetson->files) {
            QCOMPARE(f.bytes, QFileInfo(f.localPath).size());
            QCOMPARE(f.sha256.size(), 64);
        }

        // The JSON of `edgegpt deploy --dry-run --json`.
        const QJsonObject json = m->toJson();
        QCOMPARE(json.keys(),
                 (QStringList{QStringLiteral("hosts"), QStringLiteral("not_runnable")}));
        const QJsonObject j = json.value(QStringLiteral("hosts")).toArray().at(0).toObject();
        QCOMPARE(j.keys(), (QStringList{QStringLiteral("class"), QStringLiteral("files"),
                                        QStringLiteral("models"), QStringLiteral("name"),
                                        QStringLiteral("role"), QStringLiteral("tasks")}));
        QCOMPARE(j.value(QStringLiteral("name")).toString(), QStringLiteral("jetson-1"));
        QCOMPARE(j.value(QStringLiteral("class")).toString(), QStringLiteral("jetson-nano"));
        const QJsonObject model = j.value(QStringLiteral("models")).toArray().at(0).toObject();
        QCOMPARE(model.value(QStringLiteral("model")).toString(), QStringLiteral("cnn-a"));
        QCOMPARE(model.value(QStringLiteral("catalog_model")).toString(),
                 QStringLiteral("google/vit-base-patch16-224"));
        QCOMPARE(model.value(QStringLiteral("stand_in")).toString(),
                 QStringLiteral("fashion-mnist cnn"));
        QCOMPARE(model.value(QStringLiteral("parts")).toArray(),
                 QJsonArray{QStringLiteral("head")});
        QCOMPARE(model.value(QStringLiteral("split")).toString(), QStringLiteral("auto"));
        const QJsonObject file = j.value(QStringLiteral("files")).toArray().at(0).toObject();
        QCOMPARE(file.keys(), (QStringList{QStringLiteral("bytes"), QStringLiteral("path"),
                                           QStringLiteral("sha256")}));
        const QJsonObject edgeModel = json.value(QStringLiteral("hosts"))
                                          .toArray()
                                          .at(2)
                                          .toObject()
                                          .value(QStringLiteral("models"))
                                          .toArray()
                                          .at(0)
                                          .toObject();
        QCOMPARE(edgeModel.value(QStringLiteral("parts")).toArray(),
                 QJsonArray{QStringLiteral("tail")});
        // model.pt (the whole model) goes nowhere.
        for (const ManifestHost &h : m->hosts)
            for (const ManifestFile &f : h.files)
                QVERIFY2(!f.remoteName.endsWith(QLatin1String("model.pt")),
                         qPrintable(f.remoteName));
    }

    void aTaskOnTheEdgeServerGetsTailsAndItsDevicesSendImages()
    {
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("microsoft/resnet-50"),
                           QStringLiteral("Edge server (RTX 3090)"))};
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, options());
        QVERIFY2(m.ok(), qPrintable(m.error()));
        const ManifestHost *rtx = m->host(QStringLiteral("rtx-1"));
        QVERIFY(remoteNames(*rtx).contains(QStringLiteral("models/cnn-a/tail-input.pt")));
        QCOMPARE(rtx->model(QStringLiteral("cnn-a"))->catalogModel,
                 QStringLiteral("microsoft/resnet-50"));
        // Both devices use rtx-1 as their edge: they send images for it (split input), with
        // the input split's head alone (no weights of the model).
        for (const QString &name : {QStringLiteral("jetson-1"), QStringLiteral("phone-1")}) {
            const ManifestHost *d = m->host(name);
            QCOMPARE(d->runModel, QStringLiteral("cnn-a"));
            QCOMPARE(d->runSplit, QStringLiteral("input"));
            QCOMPARE(d->model(QStringLiteral("cnn-a"))->split, QStringLiteral("input"));
            QCOMPARE(remoteNames(*d), (QStringList{QStringLiteral("models/cnn-a/head-input.pt"),
                                                   QStringLiteral("models/cnn-a/model.json"),
                                                   QStringLiteral("models/cnn-a/profile.json")}));
        }
    }

    void aClassTheFleetLacksIsAnError()
    {
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("google/vit-base-patch16-224"),
                           QStringLiteral("Vehicle"))};
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, options());
        QVERIFY(!m.ok());
        QVERIFY2(m.error().contains(QLatin1String(
                     "the fleet has no host of class vehicle (task t1 runs on \"Vehicle\")")),
                 qPrintable(m.error()));
        // A host of the class but of another role does not stand for the device either.
        Fleet wrongRole = m_fleet;
        wrongRole.hosts[2].hostClass = QStringLiteral("vehicle");
        QVERIFY(!DeployManifest::forPlan(plan, wrongRole, options()).ok());
    }

    void aTaskWithoutBindingOrTrainedModelIsNotRunnable()
    {
        Plan plan;
        plan.tasks = {
            task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                 QStringLiteral("google/vit-base-patch16-224"), QStringLiteral("Jetson Nano")),
            task(QStringLiteral("t2"), QStringLiteral("Object Detection"),
                 QStringLiteral("facebook/detr-resnet-50"), QStringLiteral("Jetson Nano")),
            task(QStringLiteral("t3"), QStringLiteral("Image Classification"),
                 QStringLiteral("nateraw/vit-age-classifier"), QStringLiteral("Mobile phone"))};
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, options());
        QVERIFY2(m.ok(), qPrintable(m.error()));
        QCOMPARE(m->notRunnable.size(), 2);
        QCOMPARE(m->notRunnable.at(0).task, QStringLiteral("t2"));
        QCOMPARE(m->notRunnable.at(0).model, QStringLiteral("facebook/detr-resnet-50"));
        QVERIFY2(m->notRunnable.at(0).reason.contains(QLatin1String("no runnable model is bound")),
                 qPrintable(m->notRunnable.at(0).reason));
        QCOMPARE(m->notRunnable.at(1).task, QStringLiteral("t3"));
        QVERIFY2(m->notRunnable.at(1).reason.contains(QLatin1String("no model directory")),
                 qPrintable(m->notRunnable.at(1).reason));
        // Nothing stands in for them: the phone (t3's host) gets nothing, the jetson only t1.
        QVERIFY(m->host(QStringLiteral("phone-1"))->files.isEmpty());
        QVERIFY(m->host(QStringLiteral("phone-1"))->tasks.isEmpty());
        QCOMPARE(m->host(QStringLiteral("jetson-1"))->tasks, QStringList{QStringLiteral("t1")});
        const QJsonArray left = m->toJson().value(QStringLiteral("not_runnable")).toArray();
        QCOMPARE(left.size(), 2);
        QCOMPARE(left.at(0).toObject().keys(),
                 (QStringList{QStringLiteral("model"), QStringLiteral("reason"),
                              QStringLiteral("task")}));

        // A directory with model.json but without profile.json, or without any weights, is not
        // a runnable model either.
        writeModel(path(QStringLiteral("models/noprofile")), {QStringLiteral("conv1")}, true, true,
                   false);
        writeModel(path(QStringLiteral("models/noweights")), {QStringLiteral("conv1")}, false,
                   false, true);
        QVERIFY(modelPartFiles(path(QStringLiteral("models/noprofile")), {}, {})
                    .error()
                    .contains(QLatin1String("no profile.json")));
        QVERIFY(modelPartFiles(path(QStringLiteral("models/noweights")), {}, {})
                    .error()
                    .contains(QLatin1String("neither model parts")));
    }

    void namesThatAreNotPlainAreRefused()
    {
        // Catalog ids are looked up, never joined into a path: the files go under the binding's
        // name, whatever the catalog id.
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("google/vit-base-patch16-224"),
                           QStringLiteral("Jetson Nano"))};
        const Result<DeployManifest> ok = DeployManifest::forPlan(plan, m_fleet, options());
        QVERIFY(ok.ok());
        for (const ManifestHost &h : ok->hosts)
            for (const ManifestFile &f : h.files)
                QVERIFY2(f.remoteName.startsWith(QLatin1String("models/cnn-a/")) &&
                             !f.remoteName.contains(QLatin1String("google")),
                         qPrintable(f.remoteName));

        // A plan naming a model by a path is not a catalog model: refused before anything else.
        for (const QString &bad : {QStringLiteral("../../etc/passwd"), QStringLiteral("/etc/x"),
                                   QStringLiteral("cnn/../../x")}) {
            Plan p = plan;
            p.tasks[0].model = bad;
            const Result<DeployManifest> m = DeployManifest::forPlan(p, m_fleet, options());
            QVERIFY2(!m.ok(), qPrintable(bad));
            QVERIFY2(m.error().contains(QLatin1String("does not fit the catalog")),
                     qPrintable(m.error()));
        }
        // A bindings file with such a name is refused when read ...
        for (const char *name : {"../x", "a/b", "/abs", "..", "Upper"}) {
            const QByteArray json =
                QJsonDocument(
                    QJsonObject{{QStringLiteral("format"), QStringLiteral("edgegpt-bindings")},
                                {QStringLiteral("version"), 1},
                                {QStringLiteral("bindings"),
                                 QJsonArray{QJsonObject{
                                     {QStringLiteral("name"), QLatin1String(name)},
                                     {QStringLiteral("models"),
                                      QJsonArray{QStringLiteral("google/vit-base-patch16-224")}},
                                     {QStringLiteral("dir"), QStringLiteral("models/cnn")}}}}})
                    .toJson();
            QVERIFY2(!ModelBindings::parse(json, QStringLiteral("b.json"), m_tmp.path()).ok(),
                     name);
        }
        // ... and, were one to reach placement some other way, it never becomes a folder.
        ModelBindings forged = m_bindings;
        forged.bindings[0].name = QStringLiteral("../../evil");
        ManifestOptions o = options();
        o.bindings = &forged;
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, o);
        QVERIFY(!m.ok());
        QVERIFY2(m.error().contains(QLatin1String("is not a plain model name")),
                 qPrintable(m.error()));
    }

    // A directory with only model.pt: its parts are exported once (cached by the weights'
    // SHA-256) and shipped from there; without an exporter it is not runnable.
    void onlyModelPtIsExportedOnce()
    {
        const QString dir = path(QStringLiteral("models/whole"));
        writeModel(dir, {QStringLiteral("input"), QStringLiteral("fc1")}, false, true, true);
        int calls = 0;
        ManifestOptions o = options();
        o.modelDirOverride = dir;
        o.partsCacheDir = path(QStringLiteral("cache"));
        o.exportParts = [&calls](const QString &modelDir, const QString &out) {
            ++calls;
            if (!QFileInfo::exists(modelDir + QStringLiteral("/model.pt")))
                return Result<void>::failure(QStringLiteral("no model.pt"));
            for (const char *s : {"input", "fc1"})
                for (const char *side : {"head", "tail"})
                    writeFile(QStringLiteral("%1/%2-%3.pt")
                                  .arg(out, QLatin1String(side), QLatin1String(s)),
                              QByteArray(side) + s);
            return Result<void>::success();
        };
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("google/vit-base-patch16-224"),
                           QStringLiteral("Jetson Nano"))};
        for (int round = 0; round < 2; ++round) {
            const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, o);
            QVERIFY2(m.ok(), qPrintable(m.error()));
            const ManifestHost *jetson = m->host(QStringLiteral("jetson-1"));
            QCOMPARE(remoteNames(*jetson),
                     (QStringList{QStringLiteral("models/cnn-a/head-fc1.pt"),
                                  QStringLiteral("models/cnn-a/head-input.pt"),
                                  QStringLiteral("models/cnn-a/model.json"),
                                  QStringLiteral("models/cnn-a/profile.json")}));
            for (const ManifestFile &f : jetson->files)
                if (f.remoteName.contains(QLatin1String("head-")))
                    QVERIFY(f.localPath.startsWith(path(QStringLiteral("cache/"))));
        }
        QCOMPARE(calls, 1);
        // The user's model directory was not written to.
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/head-fc1.pt")));

        o.exportParts = {};
        const Result<DeployManifest> without = DeployManifest::forPlan(plan, m_fleet, o);
        QVERIFY(without.ok());
        QCOMPARE(without->notRunnable.size(), 1);
        QVERIFY2(without->notRunnable.at(0).reason.contains(QLatin1String("cannot export")),
                 qPrintable(without->notRunnable.at(0).reason));
    }

    // A user's whole TorchScript model (model.ts, no parts): the device that runs it gets it as
    // its head (the output split), the edge as its tail (the input split); a device that only
    // sends images to the edge gets no model file.
    void aWholeTorchScriptModelGoesToBothSides()
    {
        const QString dir = path(QStringLiteral("models/user-ts"));
        writeFile(dir + QStringLiteral("/model.json"),
                  R"({"format":"torchscript","name":"user","input":{"channels":3,"height":32,
                      "width":32},"classes":["a","b","c"],
                      "splits":[{"name":"input"},{"name":"logits"}]})");
        writeFile(dir + QStringLiteral("/profile.json"), "{\"model\":\"user\"}");
        writeFile(dir + QStringLiteral("/model.ts"), QByteArray(3000, 't'));
        ManifestOptions o = options();
        o.modelDirOverride = dir;
        Plan plan;
        plan.tasks = {task(QStringLiteral("t1"), QStringLiteral("Image Classification"),
                           QStringLiteral("google/vit-base-patch16-224"),
                           QStringLiteral("Jetson Nano"))};
        const Result<DeployManifest> m = DeployManifest::forPlan(plan, m_fleet, o);
        QVERIFY2(m.ok(), qPrintable(m.error()));
        QVERIFY(m->notRunnable.isEmpty());
        const QStringList expected{QStringLiteral("models/cnn-a/model.json"),
                                   QStringLiteral("models/cnn-a/model.ts"),
                                   QStringLiteral("models/cnn-a/profile.json")};
        QCOMPARE(remoteNames(*m->host(QStringLiteral("jetson-1"))), expected);
        QCOMPARE(m->host(QStringLiteral("jetson-1"))->models.at(0).splits,
                 QStringList{QStringLiteral("logits")});
        QCOMPARE(remoteNames(*m->host(QStringLiteral("rtx-1"))), expected);
        QCOMPARE(m->host(QStringLiteral("rtx-1"))->models.at(0).splits,
                 QStringList{QStringLiteral("input")});

        plan.tasks[0].device = QStringLiteral("Edge server (RTX 3090)");
        const Result<DeployManifest> onEdge = DeployManifest::forPlan(plan, m_fleet, o);
        QVERIFY2(onEdge.ok(), qPrintable(onEdge.error()));
        for (const ManifestHost &h : onEdge->hosts)
            if (h.role == QLatin1String("device"))
                QVERIFY2(!remoteNames(h).contains(QStringLiteral("models/cnn-a/model.ts")),
                         qPrintable(h.name));
        QVERIFY(remoteNames(*onEdge->host(QStringLiteral("rtx-1")))
                    .contains(QStringLiteral("models/cnn-a/model.ts")));
    }

    // Without a plan: one image classification task on every device host, with the model the
    // bindings give image classification.
    void theDefaultPlanRunsOnEveryDevice()
    {
        Plan plan;
        const Result<DeployManifest> m = DeployManifest::defaultPlan(m_fleet, options(), &plan);
        QVERIFY2(m.ok(), qPrintable(m.error()));
        QCOMPARE(plan.tasks.size(), 2);
        QVERIFY(m->notRunnable.isEmpty());
        // The model the local planner chooses for the clothing request (bound to cnn-a here).
        QCOMPARE(plan.tasks.at(0).model, QStringLiteral("google/vit-base-patch16-224"));
        QCOMPARE(m->host(QStringLiteral("jetson-1"))->models.at(0).catalogModel,
                 QStringLiteral("google/vit-base-patch16-224"));
        for (const QString &name : {QStringLiteral("jetson-1"), QStringLiteral("phone-1")}) {
            const ManifestHost *d = m->host(name);
            QCOMPARE(d->runModel, QStringLiteral("cnn-a"));
            QCOMPARE(d->tasks.size(), 1);
            QVERIFY(remoteNames(*d).contains(QStringLiteral("models/cnn-a/head-conv1.pt")));
            QVERIFY(!remoteNames(*d).contains(QStringLiteral("models/cnn-a/tail-conv1.pt")));
        }
        const ManifestHost *rtx = m->host(QStringLiteral("rtx-1"));
        QCOMPARE(rtx->tasks.size(), 2);
        QCOMPARE(rtx->models.size(), 1);
        QVERIFY(remoteNames(*rtx).contains(QStringLiteral("models/cnn-a/tail-conv1.pt")));

        // With nothing bound to image classification, every device's task is listed as not
        // runnable, and no device is given a model.
        ModelBindings none;
        ManifestOptions o = options();
        o.bindings = &none;
        const Result<DeployManifest> empty = DeployManifest::defaultPlan(m_fleet, o);
        QVERIFY(empty.ok());
        QCOMPARE(empty->notRunnable.size(), 2);
        QVERIFY(empty->host(QStringLiteral("jetson-1"))->runModel.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeployManifest)
#include "tst_deploy_manifest.moc"
