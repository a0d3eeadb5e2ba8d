// The agent's configuration and inputs, in process: a JSON file and flags (flags win), every
// misspelt key or bad value refused with a message that names it, the device-only rules (--edge
// required, listening only when asked); no emulation unless asked (the "emulate" object or the
// flags), the demo's figures; the models an agent holds (models_dir, model_dir, model); the start
// modes; the image folder (in name order, watched for new files), Fashion-MNIST and heart-rate
// sources.
#include "agents/AgentConfig.h"
#include "agents/InputSource.h"
#include "models/FashionMnist.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

Result<AgentConfig> parse(const QStringList &flags)
{
    QCommandLineParser parser;
    AgentConfig::addOptions(parser);
    if (!parser.parse(QStringList{QStringLiteral("edgegpt-agent")} + flags))
        return Result<AgentConfig>::failure(parser.errorText());
    AgentConfig config;
    const Result<void> applied = config.applyOptions(parser);
    if (!applied)
        return Result<AgentConfig>::failure(applied.error());
    return config;
}

} // namespace

class TestAgentConfig : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
        return path;
    }

private Q_SLOTS:
    void flags()
    {
        const Result<AgentConfig> c = parse(
            {QStringLiteral("--role"), QStringLiteral("device"), QStringLiteral("--edge"),
             QStringLiteral("10.0.0.2:7411"), QStringLiteral("--token-file"), QStringLiteral("t"),
             QStringLiteral("--model-dir"), QStringLiteral("m"), QStringLiteral("--threads"),
             QStringLiteral("3"), QStringLiteral("--link-rate"), QStringLiteral("250"),
             QStringLiteral("--link-schedule"), QStringLiteral("0:100, 5000:500")});
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->edgeHost, QStringLiteral("10.0.0.2"));
        QCOMPARE(c->edgePort, quint16(7411));
        QCOMPARE(c->threads, 3);
        QCOMPARE(c->link.rateKBps, 250.0);
        QCOMPARE(c->linkSchedule.size(), 2);
        QCOMPARE(c->linkSchedule[1].first, 5000);
        QCOMPARE(c->linkSchedule[1].second, 500.0);
        QVERIFY(!c->listen); // a device serves only when asked to (for a console)
        // Native speed by default, for every role: no slow-down (the link is shaped here, so
        // this device is emulated all the same).
        QCOMPARE(c->effectiveSlowdown(), 1.0);
        QCOMPARE(c->effectiveCodecSlowdown(), 1.0);
        QVERIFY(c->emulated());
        QCOMPARE(c->start, QStringLiteral("auto"));
        // The demo's figures (passed explicitly by local fleets): RTX 3090 FP32 TFLOPS over Jetson
        // Nano FP32 TFLOPS, and 4 for the codecs on the Nano's CPU.
        QVERIFY(std::abs(kDefaultDeviceSlowdown - 150.76) < 0.01);
        QCOMPARE(kDefaultDeviceCodecSlowdown, 4.0);
        const Result<AgentConfig> native =
            parse({QStringLiteral("--role"), QStringLiteral("device"), QStringLiteral("--edge"),
                   QStringLiteral(":7411"), QStringLiteral("--token-file"), QStringLiteral("t"),
                   QStringLiteral("--model-dir"), QStringLiteral("m")});
        QVERIFY2(native.ok(), qPrintable(native.error()));
        QVERIFY(!native->emulated());
        QCOMPARE(native->effectiveSlowdown(), 1.0);

        const Result<AgentConfig> edge =
            parse({QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                   QStringLiteral(":0"), QStringLiteral("--token-file"), QStringLiteral("t"),
                   QStringLiteral("--model-dir"), QStringLiteral("m")});
        QVERIFY2(edge.ok(), qPrintable(edge.error()));
        QVERIFY(edge->listen);
        QCOMPARE(edge->listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(edge->effectiveSlowdown(), 1.0);
        QCOMPARE(edge->effectiveCodecSlowdown(), 1.0);
        QVERIFY(!edge->emulated());
        QVERIFY(!edge->preload);
        const Result<AgentConfig> preload =
            parse({QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                   QStringLiteral(":0"), QStringLiteral("--token-file"), QStringLiteral("t"),
                   QStringLiteral("--model-dir"), QStringLiteral("m"), QStringLiteral("--preload"),
                   QStringLiteral("--codec-slowdown"), QStringLiteral("2.5")});
        QVERIFY2(preload.ok(), qPrintable(preload.error()));
        QVERIFY(preload->preload);
        QCOMPARE(preload->effectiveCodecSlowdown(), 2.5);
        QVERIFY(preload->emulated());
    }

    void emulateObject()
    {
        const QString file = writeFile(QStringLiteral("emulate.json"), R"({
            "role": "device", "edge": ":7411", "token_file": "t", "model_dir": "m",
            "listen": "127.0.0.1:0", "start": "on-request",
            "emulate": {"slowdown": 150.76, "codec_slowdown": 4,
                        "link": {"rate_kbps": 250, "delay_ms": 20, "jitter_ms": 5, "loss": 0.01}}})");
        const Result<AgentConfig> c = parse({QStringLiteral("--config"), file});
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->effectiveSlowdown(), 150.76);
        QCOMPARE(c->effectiveCodecSlowdown(), 4.0);
        QCOMPARE(c->link.rateKBps, 250.0);
        QCOMPARE(c->link.delayMs, 20.0);
        QCOMPARE(c->link.jitterMs, 5.0);
        QCOMPARE(c->link.lossProbability, 0.01);
        QVERIFY(c->emulated());
        QVERIFY(c->startsOnRequest());
        // An empty emulate object is no emulation; --slowdown over it wins as any flag does.
        const QString empty =
            writeFile(QStringLiteral("empty-emulate.json"),
                      R"({"role": "edge", "token_file": "t", "model_dir": "m", "emulate": {}})");
        const Result<AgentConfig> e = parse({QStringLiteral("--config"), empty});
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QVERIFY(!e->emulated());
        const Result<AgentConfig> f = parse(
            {QStringLiteral("--config"), empty, QStringLiteral("--slowdown"), QStringLiteral("3")});
        QVERIFY2(f.ok(), qPrintable(f.error()));
        QCOMPARE(f->effectiveSlowdown(), 3.0);
        QVERIFY(f->emulated());
        // Misspelt or mistyped keys inside it are named with their path.
        for (const auto &bad :
             {qMakePair(QByteArray(R"({"emulate": {"slow": 2}})"), QStringLiteral("emulate.slow")),
              qMakePair(QByteArray(R"({"emulate": {"link": {"rate": 2}}})"),
                        QStringLiteral("emulate.link.rate")),
              qMakePair(QByteArray(R"({"emulate": {"slowdown": "x"}})"),
                        QStringLiteral("emulate.slowdown")),
              qMakePair(QByteArray(R"({"emulate": 3})"), QStringLiteral("emulate"))}) {
            AgentConfig config;
            const Result<void> loaded =
                config.loadJsonFile(writeFile(QStringLiteral("bad-emulate.json"), bad.first));
            QVERIFY(!loaded.ok());
            QVERIFY2(loaded.error().contains(bad.second), qPrintable(loaded.error()));
        }
    }

    void startModes()
    {
        const QStringList device{QStringLiteral("--role"),       QStringLiteral("device"),
                                 QStringLiteral("--edge"),       QStringLiteral(":7411"),
                                 QStringLiteral("--token-file"), QStringLiteral("t"),
                                 QStringLiteral("--model-dir"),  QStringLiteral("m")};
        const Result<AgentConfig> listening =
            parse(device + QStringList{QStringLiteral("--start"), QStringLiteral("on-request"),
                                       QStringLiteral("--listen"), QStringLiteral(":0")});
        QVERIFY2(listening.ok(), qPrintable(listening.error()));
        QVERIFY(listening->startsOnRequest());
        // Waiting to be asked needs a port to be asked on; heart-rate readings are not run.
        const Result<AgentConfig> deaf =
            parse(device + QStringList{QStringLiteral("--start"), QStringLiteral("on-request")});
        QVERIFY(!deaf.ok());
        QVERIFY2(deaf.error().contains(QLatin1String("--listen")), qPrintable(deaf.error()));
        const Result<AgentConfig> sensor =
            parse(device + QStringList{QStringLiteral("--start"), QStringLiteral("on-request"),
                                       QStringLiteral("--listen"), QStringLiteral(":0"),
                                       QStringLiteral("--input"), QStringLiteral("heart-rate")});
        QVERIFY(!sensor.ok());
        const Result<AgentConfig> bad =
            parse(device + QStringList{QStringLiteral("--start"), QStringLiteral("later")});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QLatin1String("--start")), qPrintable(bad.error()));
    }

    void modelsAnAgentHolds()
    {
        // models/a, models/b (b's profile calls it "cnn"), and a model_dir "solo" named "mlp" by
        // its profile.
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("models/a"))));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("models/b"))));
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("solo"))));
        writeFile(QStringLiteral("models/b/profile.json"), R"({"model": "cnn"})");
        writeFile(QStringLiteral("solo/profile.json"), R"({"model": "mlp"})");
        const QString models = m_dir.filePath(QStringLiteral("models"));
        const QString solo = m_dir.filePath(QStringLiteral("solo"));
        const QStringList edge{QStringLiteral("--role"), QStringLiteral("edge"),
                               QStringLiteral("--token-file"), QStringLiteral("t")};
        const Result<AgentConfig> both =
            parse(edge + QStringList{QStringLiteral("--models-dir"), models,
                                     QStringLiteral("--model-dir"), solo});
        QVERIFY2(both.ok(), qPrintable(both.error()));
        const auto held = both->models();
        QVERIFY2(held.ok(), qPrintable(held.error()));
        QCOMPARE(held->size(), 3);
        QCOMPARE(held->at(0).first, QStringLiteral("a"));
        QCOMPARE(held->at(1).first, QStringLiteral("b")); // by its folder, not its profile
        QCOMPARE(held->at(2).first, QStringLiteral("mlp"));
        QCOMPARE(held->at(2).second, solo);
        // Neither given: refused. An empty models_dir: an edge that holds nothing (it starts,
        // and refuses every request).
        QVERIFY(!parse(edge).ok());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("no-models"))));
        const Result<AgentConfig> empty =
            parse(edge + QStringList{QStringLiteral("--models-dir"),
                                     m_dir.filePath(QStringLiteral("no-models"))});
        QVERIFY2(empty.ok(), qPrintable(empty.error()));
        QVERIFY(empty->models().ok());
        QVERIFY(empty->models()->isEmpty());
        QVERIFY(!parse(edge + QStringList{QStringLiteral("--models-dir"),
                                          m_dir.filePath(QStringLiteral("nowhere"))})
                     .value()
                     .models()
                     .ok());
        // A device runs one: --model, the only one, or model_dir's.
        const QStringList device{QStringLiteral("--role"),       QStringLiteral("device"),
                                 QStringLiteral("--edge"),       QStringLiteral(":7411"),
                                 QStringLiteral("--token-file"), QStringLiteral("t")};
        const Result<AgentConfig> chosen =
            parse(device + QStringList{QStringLiteral("--models-dir"), models,
                                       QStringLiteral("--model"), QStringLiteral("b")});
        QVERIFY2(chosen.ok(), qPrintable(chosen.error()));
        QCOMPARE(chosen->models()->size(), 1);
        QCOMPARE(chosen->models()->first().first, QStringLiteral("b"));
        const Result<AgentConfig> unchosen =
            parse(device + QStringList{QStringLiteral("--models-dir"), models});
        QVERIFY(unchosen.ok());
        QVERIFY(!unchosen->models().ok()); // two there: which one?
        QVERIFY2(unchosen->models().error().contains(QLatin1String("--model")),
                 qPrintable(unchosen->models().error()));
        const Result<AgentConfig> missing =
            parse(device + QStringList{QStringLiteral("--models-dir"), models,
                                       QStringLiteral("--model"), QStringLiteral("c")});
        QVERIFY(missing.ok());
        QVERIFY(!missing->models().ok());
        QVERIFY(!parse(device + QStringList{QStringLiteral("--models-dir"), models,
                                            QStringLiteral("--model"), QStringLiteral("../a")})
                     .ok()); // a name, never a path
        const Result<AgentConfig> legacy =
            parse(device + QStringList{QStringLiteral("--model-dir"), solo});
        QCOMPARE(legacy->models()->first().first, QStringLiteral("mlp"));
    }

    void badFlagsNameTheProblem_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("mentions");
        const QStringList base{QStringLiteral("--token-file"), QStringLiteral("t"),
                               QStringLiteral("--model-dir"), QStringLiteral("m")};
        QTest::newRow("role") << (base +
                                  QStringList{QStringLiteral("--role"), QStringLiteral("phone")})
                              << "--role";
        QTest::newRow("no edge") << (base + QStringList{QStringLiteral("--role"),
                                                        QStringLiteral("device")})
                                 << "--edge";
        QTest::newRow("no token") << QStringList{QStringLiteral("--model-dir"), QStringLiteral("m")}
                                  << "--token-file";
        QTest::newRow("threads") << (base +
                                     QStringList{QStringLiteral("--threads"), QStringLiteral("0")})
                                 << "--threads";
        QTest::newRow("not a number")
            << (base + QStringList{QStringLiteral("--threads"), QStringLiteral("many")})
            << "--threads";
        QTest::newRow("slowdown") << (base + QStringList{QStringLiteral("--slowdown"),
                                                         QStringLiteral("0.5")})
                                  << "--slowdown";
        QTest::newRow("codec slowdown")
            << (base + QStringList{QStringLiteral("--codec-slowdown"), QStringLiteral("0")})
            << "--codec-slowdown";
        QTest::newRow("listen") << (base + QStringList{QStringLiteral("--listen"),
                                                       QStringLiteral("nowhere")})
                                << "--listen";
        QTest::newRow("schedule")
            << (base + QStringList{QStringLiteral("--role"), QStringLiteral("device"),
                                   QStringLiteral("--edge"), QStringLiteral(":1"),
                                   QStringLiteral("--link-schedule"), QStringLiteral("5s:100")})
            << "--link-schedule";
        QTest::newRow("loss") << (base +
                                  QStringList{QStringLiteral("--role"), QStringLiteral("device"),
                                              QStringLiteral("--edge"), QStringLiteral(":1"),
                                              QStringLiteral("--link-loss"), QStringLiteral("2")})
                              << "loss";
        QTest::newRow("codec without split")
            << (base + QStringList{QStringLiteral("--role"), QStringLiteral("device"),
                                   QStringLiteral("--edge"), QStringLiteral(":1"),
                                   QStringLiteral("--codec"), QStringLiteral("zstd")})
            << "--split";
    }
    void badFlagsNameTheProblem()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, mentions);
        const Result<AgentConfig> c = parse(flags);
        QVERIFY(!c.ok());
        QVERIFY2(c.error().contains(mentions), qPrintable(c.error()));
    }

    void jsonFileAndFlagsOverIt()
    {
        const QString config = writeFile(QStringLiteral("device.json"), R"({
            "role": "device", "name": "jetson-1", "edge": "127.0.0.1:7411", "listen": "127.0.0.1:7412",
            "token_file": "fleet.token", "model_dir": "model", "log_file": "agent.log", "threads": 2,
            "runtime": "lib/libedgegpt-runtime.so",
            "input": "heart-rate", "rate": 5, "count": 10, "split": "fc1", "codec": "q8-unit-z0",
            "link_rate_kbps": 100, "link_delay_ms": 20, "link_jitter_ms": 5, "link_loss": 0.01,
            "link_schedule": "1000:300", "assume_link_rate": true, "request_timeout_ms": 3000,
            "accuracy_budget": 0.01, "slowdown": 20, "codec_slowdown": 3, "preload": true})");
        const Result<AgentConfig> c = parse(
            {QStringLiteral("--config"), config, QStringLiteral("--threads"), QStringLiteral("4")});
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->role, QStringLiteral("device"));
        QCOMPARE(c->name, QStringLiteral("jetson-1"));
        QCOMPARE(c->edgePort, quint16(7411));
        QVERIFY(c->listen);
        QCOMPARE(c->listenPort, quint16(7412));
        QCOMPARE(c->logFile, QStringLiteral("agent.log"));
        QCOMPARE(c->runtimeFile, QStringLiteral("lib/libedgegpt-runtime.so"));
        QCOMPARE(c->threads, 4); // the flag wins
        QCOMPARE(c->input, QStringLiteral("heart-rate"));
        QCOMPARE(c->ratePerSecond, 5.0);
        QCOMPARE(c->count, 10);
        QCOMPARE(c->split, QStringLiteral("fc1"));
        QCOMPARE(c->link.rateKBps, 100.0);
        QCOMPARE(c->link.delayMs, 20.0);
        QCOMPARE(c->link.jitterMs, 5.0);
        QCOMPARE(c->link.lossProbability, 0.01);
        QCOMPARE(c->linkSchedule.size(), 1);
        QVERIFY(c->assumeLinkRate);
        QCOMPARE(c->requestTimeoutMs, 3000);
        QCOMPARE(c->effectiveSlowdown(), 20.0);
        QCOMPARE(c->effectiveCodecSlowdown(), 3.0);
        QVERIFY(c->preload);

        // A device file without "listen" does not listen.
        const QString quiet = writeFile(
            QStringLiteral("quiet.json"),
            R"({"role": "device", "edge": ":7411", "token_file": "t", "model_dir": "m"})");
        const Result<AgentConfig> q = parse({QStringLiteral("--config"), quiet});
        QVERIFY2(q.ok(), qPrintable(q.error()));
        QVERIFY(!q->listen);
        QVERIFY(q->runtimeFile.isEmpty()); // the one next to the agent
        // --runtime wins over the file's key.
        const Result<AgentConfig> r = parse({QStringLiteral("--config"), config,
                                             QStringLiteral("--runtime"), QStringLiteral("/x.so")});
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->runtimeFile, QStringLiteral("/x.so"));
    }

    void badJsonNamesTheKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("misspelt key")
            << QByteArray(R"({"role": "edge", "tokenfile": "t"})") << "tokenfile";
        QTest::newRow("wrong type") << QByteArray(R"({"role": 3})") << "role";
        QTest::newRow("runtime not a string") << QByteArray(R"({"runtime": true})") << "$.runtime";
        QTest::newRow("preload not a boolean") << QByteArray(R"({"preload": "yes"})") << "preload";
        QTest::newRow("bad edge") << QByteArray(R"({"edge": "no-port"})") << "edge";
        QTest::newRow("bad schedule")
            << QByteArray(R"({"link_schedule": "fast"})") << "link_schedule";
        QTest::newRow("not json") << QByteArray("role = edge") << "device.json";
    }
    void badJsonNamesTheKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        AgentConfig c;
        const Result<void> loaded = c.loadJsonFile(writeFile(QStringLiteral("device.json"), json));
        QVERIFY(!loaded.ok());
        QVERIFY2(loaded.error().contains(mentions), qPrintable(loaded.error()));
        QVERIFY(!c.loadJsonFile(m_dir.filePath(QStringLiteral("missing.json"))).ok());
    }

    void imageFolder()
    {
        const QString dir = m_dir.filePath(QStringLiteral("images"));
        QVERIFY(QDir().mkpath(dir));
        // A wide colour picture, a small grey one, and a file that only looks like an image.
        QImage wide(120, 60, QImage::Format_RGB32);
        wide.fill(Qt::white);
        QVERIFY(wide.save(dir + QStringLiteral("/a-wide.png")));
        QImage small(14, 14, QImage::Format_Grayscale8);
        small.fill(128);
        QVERIFY(small.save(dir + QStringLiteral("/b-small.jpg")));
        writeFile(QStringLiteral("images/c-broken.png"), "not a png");
        QVERIFY(small.save(dir + QStringLiteral("/d-last.bmp")));
        writeFile(QStringLiteral("images/notes.txt"), "ignored");

        Result<std::unique_ptr<InputSource>> source = InputSource::open(dir, QString(), 0);
        QVERIFY2(source.ok(), qPrintable(source.error()));
        QVERIFY(!(*source)->isSensor());
        QStringList names;
        DeviceInput in;
        while ((*source)->next(in)) {
            names << in.name;
            QCOMPARE(in.width, 28);
            QCOMPARE(in.height, 28);
            QCOMPARE(int(in.pixels.size()), 28 * 28);
            QCOMPARE(in.label, -1);
        }
        QCOMPARE(names, (QStringList{QStringLiteral("a-wide.png"), QStringLiteral("b-small.jpg"),
                                     QStringLiteral("d-last.bmp")}));
        // The wide picture keeps its aspect: white in the middle rows, black padding above.
        Result<std::unique_ptr<InputSource>> again = InputSource::open(dir, QString(), 0);
        QVERIFY((*again)->next(in));
        QCOMPARE(int(in.pixels[14 * 28 + 14]), 255);
        QCOMPARE(int(in.pixels[0]), 0);

        QVERIFY(!InputSource::open(m_dir.filePath(QStringLiteral("nowhere")), QString(), 0).ok());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("empty"))));
        const auto empty = InputSource::open(m_dir.filePath(QStringLiteral("empty")), QString(), 0);
        QVERIFY(!empty.ok());
        QVERIFY2(empty.error().contains(QLatin1String("no images")), qPrintable(empty.error()));
    }

    void watchedFolderTakesNewFilesInNameOrder()
    {
        const QString dir = m_dir.filePath(QStringLiteral("watched"));
        QVERIFY(QDir().mkpath(dir));
        // Empty at first: fine when watched.
        Result<std::unique_ptr<InputSource>> source = InputSource::open(dir, QString(), 0, true);
        QVERIFY2(source.ok(), qPrintable(source.error()));
        QVERIFY((*source)->mayGrow());
        DeviceInput in;
        QVERIFY(!(*source)->next(in));
        QImage grey(28, 28, QImage::Format_Grayscale8);
        grey.fill(200);
        QVERIFY(grey.save(dir + QStringLiteral("/b.png")));
        QVERIFY(grey.save(dir + QStringLiteral("/a.png")));
        QStringList names;
        while ((*source)->next(in))
            names << (*source)->nameOf(in);
        QCOMPARE(names, (QStringList{QStringLiteral("a.png"), QStringLiteral("b.png")}));
        // A later file comes after them, even one whose name sorts first; nothing twice.
        QVERIFY(grey.save(dir + QStringLiteral("/0.png")));
        QVERIFY(grey.save(dir + QStringLiteral("/c.png")));
        names.clear();
        while ((*source)->next(in))
            names << in.name;
        QCOMPARE(names, (QStringList{QStringLiteral("0.png"), QStringLiteral("c.png")}));
        QVERIFY(!(*source)->next(in));
        // Not watched: what was there at the start, and the end is the end.
        Result<std::unique_ptr<InputSource>> once = InputSource::open(dir, QString(), 1);
        QVERIFY(once.ok());
        QVERIFY(!(*once)->mayGrow());
        names.clear();
        while ((*once)->next(in))
            names << in.name;
        QCOMPARE(names, (QStringList{QStringLiteral("a.png"), QStringLiteral("b.png"),
                                     QStringLiteral("c.png")}));
    }

    void fashionMnistStream()
    {
        Result<std::unique_ptr<InputSource>> source =
            InputSource::open(QStringLiteral("fashion-mnist"), QString(), 9998);
        QVERIFY2(source.ok(), qPrintable(source.error()));
        Result<ImageSet> test =
            FashionMnist::load(FashionMnist::Split::Test, FashionMnist::defaultDirectory(), 10000);
        QVERIFY(test.ok());
        DeviceInput in;
        QVERIFY((*source)->next(in));
        QCOMPARE(in.index, 9998);
        QCOMPARE(in.label, int(test->labels[9998]));
        QVERIFY(std::equal(in.pixels.begin(), in.pixels.end(), test->image(9998)));
        QVERIFY((*source)->next(in));
        QVERIFY(!(*source)->next(in)); // the stream ends after the last test image
        QVERIFY(!InputSource::open(QStringLiteral("fashion-mnist"),
                                   m_dir.filePath(QStringLiteral("nowhere")), 0)
                     .ok());
    }

    void heartRate()
    {
        Result<std::unique_ptr<InputSource>> source =
            InputSource::open(QStringLiteral("heart-rate"), QString(), 0);
        QVERIFY(source.ok());
        QVERIFY((*source)->isSensor());
        double lo = 1e9, hi = 0;
        DeviceInput in;
        for (int i = 0; i < 1000; ++i) {
            QVERIFY((*source)->next(in));
            QCOMPARE(in.index, i);
            lo = std::min(lo, in.heartRateBpm);
            hi = std::max(hi, in.heartRateBpm);
        }
        // A resting heart rate that moves: within 60..80 bpm, spanning several bpm.
        QVERIFY2(lo > 60 && hi < 80 && hi - lo > 5,
                 qPrintable(QStringLiteral("%1..%2").arg(lo).arg(hi)));
    }
};

QTEST_GUILESS_MAIN(TestAgentConfig)
#include "tst_agent_config.moc"
