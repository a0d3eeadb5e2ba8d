// Model bindings: the shipped default binds every image classification model of the catalog to
// the testbed's trained Fashion-MNIST network and nothing else; a user's file is parsed strictly,
// with errors that name the file and the JSON path; "trained:NAME" and relative directories
// resolve as documented.
#include "core/catalog/ModelBindings.h"
#include "core/fleet/LocalFleet.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

QByteArray doc(const QByteArray &bindings)
{
    return QByteArrayLiteral(R"({"format": "edgegpt-bindings", "version": 1, "bindings": )") +
           bindings + QByteArrayLiteral("}");
}

} // namespace

class TestModelBindings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtInBindsEveryImageClassificationModel();
    void builtInDirectoryIsWhereRunTrains();
    void explicitModelsBeforeTask();
    void aliasesResolve();
    void relativeAndAbsoluteDirectories();
    void loadFromFile();
    void rejectsSyntaxError();
    void rejectsStructuralErrorsWithJsonPath_data();
    void rejectsStructuralErrorsWithJsonPath();
    void rejectsBadNames_data();
    void rejectsBadNames();
    void acceptsGoodNames();
    void missingFileIsAnError();
};

void TestModelBindings::builtInBindsEveryImageClassificationModel()
{
    const Catalog &catalog = Catalog::builtin();
    const ModelBindings &b = ModelBindings::builtIn();
    QCOMPARE(b.fileName, QStringLiteral(":/bindings/default.json"));
    const QList<const AiModel *> ic = catalog.modelsForTask(QStringLiteral("Image Classification"));
    QVERIFY(ic.size() >= 2);
    for (const AiModel *m : ic) {
        const ModelBinding *binding = b.forModel(m->name, catalog);
        QVERIFY2(binding, qPrintable(m->name));
        QCOMPARE(binding->name, QStringLiteral("fashion-mnist-cnn"));
        QCOMPARE(binding->standIn, QStringLiteral("fashion-mnist cnn"));
        QCOMPARE(binding->dir, QStringLiteral("trained:cnn"));
        QVERIFY(b.isRunnable(m->name, catalog));
    }
    // Everything else is planned but not runnable here.
    for (const AiModel &m : catalog.models())
        if (m.task != QLatin1String("Image Classification"))
            QVERIFY2(!b.isRunnable(m.name, catalog), qPrintable(m.name));
    QVERIFY(!b.isRunnable(QStringLiteral("Salesforce/blip-vqa-base"), catalog));
    QVERIFY(!b.isRunnable(QString(), catalog));
    QVERIFY(!b.isRunnable(QStringLiteral("no/such-model"), catalog));
    QVERIFY(b.byName(QStringLiteral("fashion-mnist-cnn")));
    QVERIFY(!b.byName(QStringLiteral("other")));
}

void TestModelBindings::builtInDirectoryIsWhereRunTrains()
{
    const ModelBinding *binding =
        ModelBindings::builtIn().byName(QStringLiteral("fashion-mnist-cnn"));
    QVERIFY(binding);
    QCOMPARE(ModelBindings::trainedName(*binding), QStringLiteral("cnn"));
    // `edgegpt run` and `edgegpt train --model cnn` use LocalFleet::defaultModelDirectory("cnn").
    QCOMPARE(ModelBindings::builtIn().directoryOf(*binding),
             LocalFleet::defaultModelDirectory(QStringLiteral("cnn")));
    qputenv("EDGEGPT_MODEL_DIR", "/tmp/edgegpt-bindings-test-models");
    QCOMPARE(ModelBindings::builtIn().directoryOf(*binding),
             QStringLiteral("/tmp/edgegpt-bindings-test-models/cnn"));
    qunsetenv("EDGEGPT_MODEL_DIR");
}

void TestModelBindings::explicitModelsBeforeTask()
{
    const Catalog &catalog = Catalog::builtin();
    const Result<ModelBindings> b = ModelBindings::parse(
        doc(R"([{"name": "generic", "task": "image classification", "dir": "trained:cnn"},
                {"name": "resnet.v2_b", "models": ["microsoft/resnet-50"], "dir": "models/resnet",
                 "stand_in": "my resnet"},
                {"name": "vqa", "models": ["Salesforce/blip-vqa-base"], "dir": "/opt/vqa"}])"),
        QStringLiteral("mine.json"), QStringLiteral("/data/bindings"), catalog);
    QVERIFY2(b.ok(), qPrintable(b.error()));
    QCOMPARE(b->bindings.size(), 3);
    QCOMPARE(b->bindings.at(0).task, QStringLiteral("Image Classification")); // canonical
    QCOMPARE(b->forModel(QStringLiteral("microsoft/resnet-50"), catalog)->name,
             QStringLiteral("resnet.v2_b"));
    QCOMPARE(b->forModel(QStringLiteral("google/vit-base-patch16-224"), catalog)->name,
             QStringLiteral("generic"));
    QCOMPARE(b->forModel(QStringLiteral("Salesforce/blip-vqa-base"), catalog)->name,
             QStringLiteral("vqa"));
    QVERIFY(!b->forModel(QStringLiteral("microsoft/git-large-vqav2"), catalog));
    QVERIFY(b->bindings.at(0).standIn.isEmpty());
}

void TestModelBindings::aliasesResolve()
{
    const Catalog &catalog = Catalog::builtin();
    const Result<ModelBindings> b =
        ModelBindings::parse(doc(R"([{"name": "vit", "models": ["ViT"], "dir": "trained:vit"}])"),
                             QStringLiteral("a.json"), QString(), catalog);
    QVERIFY2(b.ok(), qPrintable(b.error()));
    QCOMPARE(b->bindings.at(0).models, QStringList{QStringLiteral("google/vit-base-patch16-224")});
    QVERIFY(b->isRunnable(QStringLiteral("google/vit-base-patch16-224"), catalog));
    QVERIFY(b->isRunnable(QStringLiteral("vit-base"), catalog));
    QVERIFY(!b->isRunnable(QStringLiteral("microsoft/resnet-50"), catalog));
}

void TestModelBindings::relativeAndAbsoluteDirectories()
{
    const Catalog &catalog = Catalog::builtin();
    const Result<ModelBindings> b = ModelBindings::parse(
        doc(R"([{"name": "a", "models": ["microsoft/resnet-50"], "dir": "models/../resnet"},
                {"name": "b", "models": ["ViT"], "dir": "/opt/models/vit/"}])"),
        QStringLiteral("mine.json"), QStringLiteral("/data/bindings"), catalog);
    QVERIFY2(b.ok(), qPrintable(b.error()));
    QCOMPARE(b->directoryOf(b->bindings.at(0)), QStringLiteral("/data/bindings/resnet"));
    QCOMPARE(b->directoryOf(b->bindings.at(1)), QStringLiteral("/opt/models/vit"));
    QVERIFY(ModelBindings::trainedName(b->bindings.at(0)).isEmpty());
}

void TestModelBindings::loadFromFile()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.filePath(QStringLiteral("bindings.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(doc(R"([{"name": "mine", "task": "Image Classification", "dir": "cnn-model"}])"));
    f.close();
    const Result<ModelBindings> b = ModelBindings::load(path);
    QVERIFY2(b.ok(), qPrintable(b.error()));
    QCOMPARE(b->fileName, path);
    QCOMPARE(b->directoryOf(b->bindings.at(0)),
             QDir(tmp.path()).absoluteFilePath(QStringLiteral("cnn-model")));

    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(doc(R"([{"name": "mine", "models": ["nope"], "dir": "x"}])"));
    f.close();
    const Result<ModelBindings> bad = ModelBindings::load(path);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error(),
             path + QStringLiteral(": $.bindings[0].models[0]: unknown catalog model \"nope\""));
}

void TestModelBindings::rejectsSyntaxError()
{
    const Result<ModelBindings> b = ModelBindings::parse(QByteArrayLiteral("{\"format\": "),
                                                         QStringLiteral("x.json"), QString());
    QVERIFY(!b.ok());
    QVERIFY2(b.error().startsWith(QStringLiteral("x.json: $: invalid JSON at byte")),
             qPrintable(b.error()));
}

void TestModelBindings::rejectsStructuralErrorsWithJsonPath_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not an object") << QByteArray("[]") << "f.json: $: expected a bindings object";
    QTest::newRow("wrong format")
        << QByteArray(R"({"format": "edgegpt-plan", "version": 1, "bindings": []})")
        << "f.json: $.format: expected \"edgegpt-bindings\"";
    QTest::newRow("wrong version")
        << QByteArray(R"({"format": "edgegpt-bindings", "version": 2, "bindings": []})")
        << "f.json: $.version: unsupported bindings version 2";
    QTest::newRow("no version") << QByteArray(R"({"format": "edgegpt-bindings", "bindings": []})")
                                << "f.json: $.version: missing";
    QTest::newRow("unknown top key")
        << QByteArray(R"({"format": "edgegpt-bindings", "version": 1, "bindings": [], "x": 1})")
        << "f.json: $.x: unknown key";
    QTest::newRow("bindings not an array")
        << QByteArray(R"({"format": "edgegpt-bindings", "version": 1, "bindings": {}})")
        << "f.json: $.bindings: expected an array";
    QTest::newRow("binding not an object")
        << doc("[3]") << "f.json: $.bindings[0]: expected an object";
    QTest::newRow("no name") << doc(R"([{"task": "Image Classification", "dir": "d"}])")
                             << "f.json: $.bindings[0].name: missing";
    QTest::newRow("no dir") << doc(R"([{"name": "a", "task": "Image Classification"}])")
                            << "f.json: $.bindings[0].dir: missing";
    QTest::newRow("empty dir")
        << doc(R"([{"name": "a", "task": "Image Classification", "dir": " "}])")
        << "f.json: $.bindings[0].dir: empty";
    QTest::newRow("bad trained name")
        << doc(R"([{"name": "a", "task": "Image Classification", "dir": "trained:../x"}])")
        << "f.json: $.bindings[0].dir: \"../x\" is not a trained model's name";
    QTest::newRow("neither models nor task")
        << doc(R"([{"name": "a", "dir": "d"}])") << "f.json: $.bindings[0]: a binding names";
    QTest::newRow("empty models") << doc(R"([{"name": "a", "models": [], "dir": "d"}])")
                                  << "f.json: $.bindings[0].models: empty";
    QTest::newRow("models not strings")
        << doc(R"([{"name": "a", "models": [1], "dir": "d"}])") << "f.json: $.bindings[0].models";
    QTest::newRow("unknown model")
        << doc(R"([{"name": "a", "models": ["microsoft/resnet-50", "acme/none"], "dir": "d"}])")
        << "f.json: $.bindings[0].models[1]: unknown catalog model \"acme/none\"";
    QTest::newRow("unknown task") << doc(R"([{"name": "a", "task": "Juggling", "dir": "d"}])")
                                  << "f.json: $.bindings[0].task: unknown task \"Juggling\"";
    QTest::newRow("sensing task")
        << doc(R"([{"name": "a", "task": "Capture Image", "dir": "d"}])")
        << "f.json: $.bindings[0].task: \"Capture Image\" is a sensing step";
    QTest::newRow("model bound twice")
        << doc(R"([{"name": "a", "models": ["ViT"], "dir": "d"},
                   {"name": "b", "models": ["google/vit-base-patch16-224"], "dir": "e"}])")
        << "f.json: $.bindings[1].models[0]: \"google/vit-base-patch16-224\" is already bound by "
           "$.bindings[0].models[0]";
    QTest::newRow("task bound twice")
        << doc(R"([{"name": "a", "task": "Image Classification", "dir": "d"},
                   {"name": "b", "task": "Image Recognition", "dir": "e"}])")
        << "f.json: $.bindings[1].task: \"Image Classification\" is already bound";
    QTest::newRow("duplicate name") << doc(R"([{"name": "a", "models": ["ViT"], "dir": "d"},
                   {"name": "a", "models": ["microsoft/resnet-50"], "dir": "e"}])")
                                    << "f.json: $.bindings[1].name: duplicate binding \"a\"";
    QTest::newRow("unknown binding key")
        << doc(R"([{"name": "a", "models": ["ViT"], "dir": "d", "standin": "x"}])")
        << "f.json: $.bindings[0].standin: unknown key";
    QTest::newRow("stand_in not a string")
        << doc(R"([{"name": "a", "models": ["ViT"], "dir": "d", "stand_in": 3}])")
        << "f.json: $.bindings[0].stand_in: expected a string";
}

void TestModelBindings::rejectsStructuralErrorsWithJsonPath()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const Result<ModelBindings> b =
        ModelBindings::parse(json, QStringLiteral("f.json"), QStringLiteral("/x"));
    QVERIFY(!b.ok());
    QVERIFY2(b.error().contains(expected),
             qPrintable(QStringLiteral("got: %1\nexpected: %2").arg(b.error(), expected)));
}

void TestModelBindings::rejectsBadNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("upper case") << "Fashion";
    QTest::newRow("slash") << "a/b";
    QTest::newRow("dot dot") << "..";
    QTest::newRow("leading dash") << "-a";
    QTest::newRow("leading dot") << ".a";
    QTest::newRow("space") << "a b";
    QTest::newRow("empty") << "";
    QTest::newRow("65 characters") << QString(65, QLatin1Char('a'));
    QTest::newRow("absolute") << "/etc";
}

void TestModelBindings::rejectsBadNames()
{
    QFETCH(QString, name);
    QVERIFY(!ModelBindings::isValidName(name));
    const QByteArray json =
        doc(QByteArrayLiteral(R"([{"name": ")") + name.toUtf8() +
            QByteArrayLiteral(R"(", "task": "Image Classification", "dir": "trained:cnn"}])"));
    const Result<ModelBindings> b = ModelBindings::parse(json, QStringLiteral("f.json"), QString());
    QVERIFY(!b.ok());
    QVERIFY2(b.error().startsWith(QStringLiteral("f.json: $.bindings[0].name: ")),
             qPrintable(b.error()));
}

void TestModelBindings::acceptsGoodNames()
{
    for (const QString &n : {QStringLiteral("a"), QStringLiteral("0"), QStringLiteral("cnn.v2_x-y"),
                             QString(64, QLatin1Char('z'))})
        QVERIFY2(ModelBindings::isValidName(n), qPrintable(n));
}

void TestModelBindings::missingFileIsAnError()
{
    const Result<ModelBindings> b = ModelBindings::load(QStringLiteral("/no/such/bindings.json"));
    QVERIFY(!b.ok());
    QVERIFY2(b.error().startsWith(QStringLiteral("/no/such/bindings.json: cannot open")),
             qPrintable(b.error()));
}

QTEST_GUILESS_MAIN(TestModelBindings)
#include "tst_model_bindings.moc"
