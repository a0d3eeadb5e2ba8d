// The agent's configuration and inputs, in process: a JSON file and flags (flags win), every
// misspelt key or bad value refused with a message that names it, the device-only rules (--edge
// required, listening only when asked); the documented default slow-down; the image folder,
// Fashion-MNIST and heart-rate sources.
#include "agents/AgentConfig.h"
#include "agents/InputSource.h"
#include "models/FashionMnist.h"

#include <QCommandLineParser>
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
        // The documented default: RTX 3090 FP32 TFLOPS over Jetson Nano FP32 TFLOPS.
        QVERIFY(std::abs(c->effectiveSlowdown() - 35.58 / 0.236) < 1e-9);
        QVERIFY(std::abs(c->effectiveSlowdown() - 150.76) < 0.01);

        const Result<AgentConfig> edge =
            parse({QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                   QStringLiteral(":0"), QStringLiteral("--token-file"), QStringLiteral("t"),
                   QStringLiteral("--model-dir"), QStringLiteral("m")});
        QVERIFY2(edge.ok(), qPrintable(edge.error()));
        QVERIFY(edge->listen);
        QCOMPARE(edge->listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(edge->effectiveSlowdown(), 1.0);
        // Codecs have their own factor: a Nano's CPU, not its GPU.
        QCOMPARE(c->effectiveCodecSlowdown(), 4.0);
        QCOMPARE(edge->effectiveCodecSlowdown(), 1.0);
        QVERIFY(!edge->preload);
        const Result<AgentConfig> preload =
            parse({QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                   QStringLiteral(":0"), QStringLiteral("--token-file"), QStringLiteral("t"),
                   QStringLiteral("--model-dir"), QStringLiteral("m"), QStringLiteral("--preload"),
                   QStringLiteral("--codec-slowdown"), QStringLiteral("2.5")});
        QVERIFY2(preload.ok(), qPrintable(preload.error()));
        QVERIFY(preload->preload);
        QCOMPARE(preload->effectiveCodecSlowdown(), 2.5);
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
