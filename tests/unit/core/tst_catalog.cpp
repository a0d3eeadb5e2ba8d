// The catalog: the shipped files load and hold what the paper and TaskBench need; broken files
// are rejected with messages that name the file and the JSON path.
#include "core/catalog/Catalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace edgegpt;

class TestCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtinLoads();
    void hasTaskBenchTasks();
    void hasPaperTasksModelsAndDevices();
    void lookupsAcceptAliases();
    void rejectsSyntaxErrorWithOffset();
    void rejectsWrongTypesWithJsonPath();
    void rejectsUnknownDataType();
    void rejectsDuplicates();
    void crossCheckFindsUnknownTaskAndClass();
    void missingDirectoryIsAnError();
};

void TestCatalog::builtinLoads()
{
    const Result<Catalog> c = Catalog::loadDefault();
    QVERIFY2(c.ok(), qPrintable(c.error()));
    QVERIFY(c->tasks().size() >= 31);
    QVERIFY(c->models().size() >= 9);
    QVERIFY(c->devices().size() >= 9);
}

void TestCatalog::hasTaskBenchTasks()
{
    const Catalog &c = Catalog::builtin();
    QFile f(QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-tools.json"));
    QVERIFY2(f.open(QIODevice::ReadOnly), "shared/data/taskbench-hf-tools.json is missing");
    const QJsonArray nodes =
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("nodes")).toArray();
    QCOMPARE(nodes.size(), 23);
    for (const QJsonValue &n : nodes) {
        const QString id = n.toObject().value(QStringLiteral("id")).toString();
        const TaskKind *t = c.task(id);
        QVERIFY2(t, qPrintable(id));
        QCOMPARE(t->id, id);
        QVERIFY2(!t->sensing, qPrintable(id));
        QVERIFY2(!c.modelsForTask(id).isEmpty(), qPrintable(QStringLiteral("no model for ") + id));
        QStringList inputs;
        for (const QJsonValue &v : n.toObject().value(QStringLiteral("input-type")).toArray())
            inputs << v.toString();
        QCOMPARE(t->inputTypes, inputs);
    }
}

void TestCatalog::hasPaperTasksModelsAndDevices()
{
    const Catalog &c = Catalog::builtin();
    for (const char *task :
         {"Image Classification", "Image Captioning", "Visual Question Answering",
          "Object Detection", "Capture Image", "Heart-Rate Monitoring", "Mood Classification",
          "Pose Detection", "Pose-to-Image"})
        QVERIFY2(c.task(QString::fromLatin1(task)), task);
    QVERIFY(c.task(QStringLiteral("Capture Image"))->sensing);
    QVERIFY(c.task(QStringLiteral("Heart-Rate Monitoring"))->sensing);
    for (const char *model :
         {"ViT", "blip-vqa-base", "blip-image-captioning-base", "detr-resnet-101", "Decision tree",
          "Random forest", "OpenPose", "ControlNet"})
        QVERIFY2(c.model(QString::fromLatin1(model)), model);
    for (const char *device : {"Jetson Nano", "Mobile phone", "Wearable device", "Vehicle",
                               "Tablet", "Wi-Fi router", "Smart speaker", "Cloud"})
        QVERIFY2(c.device(QString::fromLatin1(device)), device);
    QVERIFY(!c.devicesInTier(Device::Tier::EdgeServer).isEmpty());
    QCOMPARE(c.devicesInTier(Device::Tier::Cloud).size(), 1);
    // ViT runs on a phone, ControlNet does not (it needs an edge server).
    QVERIFY(c.canRun(*c.model(QStringLiteral("ViT")), *c.device(QStringLiteral("Mobile phone"))));
    QVERIFY(!c.canRun(*c.model(QStringLiteral("ControlNet")),
                      *c.device(QStringLiteral("Mobile phone"))));
}

void TestCatalog::lookupsAcceptAliases()
{
    const Catalog &c = Catalog::builtin();
    QCOMPARE(c.task(QStringLiteral("image captioning"))->id, QStringLiteral("Image-to-Text"));
    QCOMPARE(c.task(QStringLiteral("Monitor the heart rate"))->id,
             QStringLiteral("Heart-Rate Monitoring"));
    QCOMPARE(c.device(QStringLiteral("my car"))->name, QStringLiteral("Vehicle"));
    QCOMPARE(c.device(QStringLiteral("MY WATCH"))->name, QStringLiteral("Wearable device"));
    QCOMPARE(c.model(QStringLiteral("vit"))->name, QStringLiteral("google/vit-base-patch16-224"));
    QVERIFY(!c.task(QStringLiteral("Knit a sweater")));
}

void TestCatalog::rejectsSyntaxErrorWithOffset()
{
    Catalog c;
    const Result<void> r =
        c.addTasks("{\"tasks\": [ {\"id\": \"x\", }", QStringLiteral("tasks.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().startsWith(QStringLiteral("tasks.json: $: invalid JSON at byte")),
             qPrintable(r.error()));
}

void TestCatalog::rejectsWrongTypesWithJsonPath()
{
    Catalog c;
    const Result<void> r = c.addModels(R"({"models":[
        {"name":"a","task":"Translation","parameters_m":1,"gflops":1,"memory_mb":1,"device_classes":["cloud"]},
        {"name":"b","task":"Translation","parameters_m":"many","gflops":1,"memory_mb":1,"device_classes":["cloud"],"accuracy":3}
    ]})",
                                       QStringLiteral("models.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(
                 QStringLiteral("models.json: $.models[1].parameters_m: expected a number")),
             qPrintable(r.error()));
    QVERIFY2(
        r.error().contains(QStringLiteral("models.json: $.models[1].accuracy: must be a fraction")),
        qPrintable(r.error()));
    QVERIFY(!r.error().contains(QStringLiteral("$.models[0]")));
    QVERIFY(c.models().isEmpty()); // nothing half-added
}

void TestCatalog::rejectsUnknownDataType()
{
    Catalog c;
    const Result<void> r =
        c.addTasks(R"({"tasks":[{"id":"X","input-type":["smell"],"output-type":["text"]}]})",
                   QStringLiteral("tasks.json"));
    QVERIFY(!r.ok());
    QVERIFY2(
        r.error().contains(QStringLiteral("$.tasks[0].input-type[0]: unknown data type \"smell\"")),
        qPrintable(r.error()));
}

void TestCatalog::rejectsDuplicates()
{
    Catalog c;
    QVERIFY(
        c.addDevices(
             R"({"devices":[{"name":"Phone","tier":"device","class":"mobile","compute_gflops":1,"memory_mb":1}]})",
             QStringLiteral("d1.json"))
            .ok());
    const Result<void> r = c.addDevices(
        R"({"devices":[{"name":"phone","tier":"galaxy","class":"mobile","compute_gflops":0,"memory_mb":1}]})",
        QStringLiteral("d2.json"));
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QStringLiteral("d2.json: $.devices[0].name: duplicate device")),
             qPrintable(r.error()));
    QVERIFY2(r.error().contains(QStringLiteral("$.devices[0].tier: expected")),
             qPrintable(r.error()));
    QVERIFY2(r.error().contains(QStringLiteral("$.devices[0].compute_gflops: must be positive")),
             qPrintable(r.error()));
}

void TestCatalog::crossCheckFindsUnknownTaskAndClass()
{
    Catalog c;
    QVERIFY(c.addTasks(
                 R"({"tasks":[{"id":"Translation","input-type":["text"],"output-type":["text"]}]})",
                 QStringLiteral("t.json"))
                .ok());
    QVERIFY(
        c.addDevices(
             R"({"devices":[{"name":"Phone","tier":"device","class":"mobile","compute_gflops":1,"memory_mb":1}]})",
             QStringLiteral("d.json"))
            .ok());
    QVERIFY(
        c.addModels(
             R"({"models":[{"name":"m","task":"Juggling","parameters_m":1,"gflops":1,"memory_mb":1,"device_classes":["toaster"]}]})",
             QStringLiteral("m.json"))
            .ok());
    const Result<void> r = c.crossCheck();
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QStringLiteral("unknown task \"Juggling\"")),
             qPrintable(r.error()));
    QVERIFY2(r.error().contains(QStringLiteral("no device has class \"toaster\"")),
             qPrintable(r.error()));
}

void TestCatalog::missingDirectoryIsAnError()
{
    const Result<Catalog> c = Catalog::loadFromDirectory(QStringLiteral("/nonexistent/catalog"));
    QVERIFY(!c.ok());
    QVERIFY2(c.error().contains(QStringLiteral("no tasks*.json file")), qPrintable(c.error()));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
