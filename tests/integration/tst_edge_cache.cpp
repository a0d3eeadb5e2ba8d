// Issue 15, live: a real edgegpt-agent on 127.0.0.1 keeps its models in the model cache under a
// memory budget (--cache-mb) with room for two of the three models it holds; requests for all
// three make it evict by its policy (LRU and FIFO evict different models for the same requests),
// release the evicted model's runtime (status lists what is loaded) and report every hit, miss,
// load and eviction, the policy, the memory in use and each resident model's size and usable
// context in its metrics stream. The three models are untrained (initial weights of a seed; only
// their files' sizes matter here), written by saveUntrainedModel.
#include "AgentLines.h"
#include "LoopbackFleetFixture.h"
#include "agents/InferenceThread.h"
#include "agents/InputPayload.h"
#include "core/fleet/LoopbackSshd.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/Keyring.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "models/UntrainedModel.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace edgegpt;

class TestEdgeCache : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_models, m_token;
    QHash<QString, double> m_sizeMb; // as the edge counts them: the *.pt files
    QByteArray m_png;

    struct Edge
    {
        std::unique_ptr<QProcess> process;
        std::unique_ptr<PeerConnection> console;
        std::shared_ptr<QList<Frame>> frames = std::make_shared<QList<Frame>>();
        quint16 port = 0;
        ~Edge()
        {
            console.reset();
            if (process) {
                process->terminate();
                if (!process->waitForFinished(3000))
                    process->kill();
                process->waitForFinished(3000);
            }
        }
    };

    // Starts an edge holding the three models with room for two, and a console subscribed to
    // its metrics. Null (and a failed check) when it does not come up.
    std::unique_ptr<Edge> startEdge(const QString &policy)
    {
        auto edge = std::make_unique<Edge>();
        edge->process = std::make_unique<QProcess>();
        const double budget = m_sizeMb.value(QStringLiteral("medium")) +
                              m_sizeMb.value(QStringLiteral("large")) + 0.001;
        edge->process->start(
            agentPath(), {QStringLiteral("--role"), QStringLiteral("edge"),
                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--token-file"), m_token, QStringLiteral("--models-dir"),
                          m_models, QStringLiteral("--cache-mb"), QString::number(budget, 'f', 6),
                          QStringLiteral("--cache-policy"), policy, QStringLiteral("--preload")});
        if (!edge->process->waitForStarted(5000))
            return nullptr;
        const quint16 port = waitForListening(*edge->process, nullptr, 60000);
        edge->port = port;
        if (port == 0) {
            qWarning("edge: %s", edge->process->readAllStandardError().constData());
            return nullptr;
        }
        PeerConnection::Options options;
        const Result<Keyring> keys = Keyring::load(m_token);
        if (!keys)
            return nullptr;
        options.keys = *keys;
        options.identity = {QStringLiteral("test-console"), QStringLiteral("console")};
        edge->console.reset(
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), port, options, nullptr));
        QSignalSpy ready(edge->console.get(), &PeerConnection::ready);
        QSignalSpy failed(edge->console.get(), &PeerConnection::failed);
        if (!ready.wait(10000)) {
            qWarning("console: %s; edge: %s",
                     failed.isEmpty() ? "no handshake"
                                      : qPrintable(failed.first().first().toString()),
                     edge->process->readAllStandardError().constData());
            return nullptr;
        }
        auto frames = edge->frames;
        connect(edge->console.get(), &PeerConnection::frameReceived, this,
                [frames](const Frame &f) { *frames << f; });
        MetricsSubscribeMessage subscribe;
        subscribe.intervalMs = 100;
        if (!edge->console->sendRequest(FrameType::MetricsSubscribe, subscribe.toCbor()).ok())
            return nullptr;
        return edge;
    }
    static std::optional<Frame> waitFor(Edge &edge, quint32 id, int timeoutMs = 15000)
    {
        QElapsedTimer t;
        t.start();
        do {
            for (const Frame &f : *edge.frames)
                if (f.requestId == id &&
                    (f.type == FrameType::InferResult || f.type == FrameType::Error ||
                     f.type == FrameType::StatusReply))
                    return f;
            QTest::qWait(10);
        } while (t.elapsed() < timeoutMs);
        return std::nullopt;
    }
    // Sends a request for each model in turn, each after the previous one's answer.
    static bool ask(Edge &edge, const QStringList &models, const QByteArray &png)
    {
        for (const QString &model : models) {
            InferRequestMessage request;
            request.model = model;
            request.split = QStringLiteral("input");
            request.codec = QStringLiteral("png");
            const Result<quint32> id =
                edge.console->sendRequest(FrameType::InferRequest, request.toCbor(), png);
            if (!id)
                return false;
            const std::optional<Frame> answer = waitFor(edge, *id);
            if (!answer || answer->type != FrameType::InferResult) {
                qWarning("no result for %s", qPrintable(model));
                return false;
            }
        }
        return true;
    }
    // The metrics updates received so far, decoded.
    static QList<MetricsUpdateMessage> updates(const Edge &edge)
    {
        QList<MetricsUpdateMessage> list;
        for (const Frame &f : *edge.frames)
            if (f.type == FrameType::MetricsUpdate) {
                const Result<MetricsUpdateMessage> u = MetricsUpdateMessage::fromCbor(f.control);
                if (u)
                    list << *u;
            }
        return list;
    }
    // Waits until the metrics carry `count` cache events (or the time is up); returns them as
    // "kind model" strings and the last update.
    static QStringList events(Edge &edge, int count, MetricsUpdateMessage *last)
    {
        QElapsedTimer t;
        t.start();
        QStringList list;
        do {
            list.clear();
            const QList<MetricsUpdateMessage> all = updates(edge);
            for (const MetricsUpdateMessage &u : all)
                for (const CacheEventRecord &e : u.cacheEvents)
                    list << e.kind + QLatin1Char(' ') + e.model;
            if (!all.isEmpty())
                *last = all.last();
            if (list.size() >= count)
                break;
            QTest::qWait(50);
        } while (t.elapsed() < 5000);
        QTest::qWait(250); // one more update: the state after the last event
        const QList<MetricsUpdateMessage> all = updates(edge);
        if (!all.isEmpty())
            *last = all.last();
        return list;
    }
    static QStringList status(Edge &edge)
    {
        const Result<quint32> id =
            edge.console->sendRequest(FrameType::StatusRequest, EmptyMessage{}.toCbor());
        if (!id)
            return {QStringLiteral("(not sent)")};
        const std::optional<Frame> reply = waitFor(edge, *id);
        if (!reply || reply->type != FrameType::StatusReply)
            return {QStringLiteral("(no reply)")};
        const Result<StatusReplyMessage> s = StatusReplyMessage::fromCbor(reply->control);
        return s ? s->models : QStringList{s.error()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(agentPath()));
        m_models = m_dir.filePath(QStringLiteral("models"));
        // Three untrained models of different sizes: the CNN with a 16-, 512- and 2048-wide
        // learned code at fc1 (its linear layers grow with the width).
        for (const auto &[name, spec] :
             {std::pair{QStringLiteral("small"), QStringLiteral("cnn:fc1:16")},
              std::pair{QStringLiteral("medium"), QStringLiteral("cnn:fc1:512")},
              std::pair{QStringLiteral("large"), QStringLiteral("cnn:fc1:2048")}}) {
            const Result<ModelSpec> s = ModelSpec::parse(spec);
            QVERIFY2(s.ok(), qPrintable(s.error()));
            const QString dir = m_models + QLatin1Char('/') + name;
            const Result<qint64> bytes = saveUntrainedModel(*s, 7, dir);
            QVERIFY2(bytes.ok(), qPrintable(bytes.error()));
            m_sizeMb.insert(name, InferenceThread::modelFilesMb(dir));
            QCOMPARE(m_sizeMb.value(name), double(*bytes) / 1e6);
        }
        QVERIFY(m_sizeMb[QStringLiteral("small")] < m_sizeMb[QStringLiteral("medium")]);
        QVERIFY(m_sizeMb[QStringLiteral("medium")] < m_sizeMb[QStringLiteral("large")]);
        m_token = m_dir.filePath(QStringLiteral("fleet.token"));
        QFile f(m_token);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(32, 'c').toBase64() + '\n');
        f.close();
        QFile::setPermissions(m_token, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const std::vector<uint8_t> blank(28 * 28, 40);
        const Result<QByteArray> png = encodeInput(blank.data(), 28, 28, QStringLiteral("png"));
        QVERIFY(png.ok());
        m_png = *png;
    }

    void lruEvictsTheLeastRecentlyUsed()
    {
        std::unique_ptr<Edge> edge = startEdge(QStringLiteral("LRU"));
        QVERIFY(edge);
        // small and medium fit; small is used again, so large evicts medium.
        QVERIFY(ask(*edge,
                    {QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("small"),
                     QStringLiteral("large")},
                    m_png));
        MetricsUpdateMessage last;
        const QStringList got = events(*edge, 8, &last);
        QCOMPARE(got, QStringList({QStringLiteral("miss small"), QStringLiteral("load small"),
                                   QStringLiteral("miss medium"), QStringLiteral("load medium"),
                                   QStringLiteral("hit small"), QStringLiteral("miss large"),
                                   QStringLiteral("evict medium"), QStringLiteral("load large")}));
        QCOMPARE(last.cachePolicy, QStringLiteral("LRU"));
        QVERIFY(last.cacheBudgetMb > 0);
        QCOMPARE(last.cacheHitRatio, 0.25);
        QCOMPARE(last.cacheResident.size(), 2);
        QCOMPARE(last.cacheResident[0].model, QStringLiteral("small"));
        QCOMPARE(last.cacheResident[1].model, QStringLiteral("large"));
        QVERIFY(qAbs(last.cacheResident[1].sizeMb - m_sizeMb[QStringLiteral("large")]) < 1e-6);
        QVERIFY(qAbs(last.cacheUsedMb - m_sizeMb[QStringLiteral("small")] -
                     m_sizeMb[QStringLiteral("large")]) < 1e-6);
        QVERIFY(last.cacheUsedMb <= last.cacheBudgetMb);
        // Two requests for small, one for large: small holds more usable context.
        QVERIFY(last.cacheResident[0].context > last.cacheResident[1].context);
        QVERIFY(last.cacheResident[1].context > 0);
        // The totals over the updates: 1 hit, 3 misses, 3 loads, 1 eviction.
        CacheEvents totals;
        for (const MetricsUpdateMessage &u : updates(*edge)) {
            totals.hits += u.cache.hits;
            totals.misses += u.cache.misses;
            totals.loads += u.cache.loads;
            totals.evictions += u.cache.evictions;
        }
        QCOMPARE(totals.hits, qint64(1));
        QCOMPARE(totals.misses, qint64(3));
        QCOMPARE(totals.loads, qint64(3));
        QCOMPARE(totals.evictions, qint64(1));
        // The evicted model's runtime is gone: status lists what is loaded.
        QStringList loaded = status(*edge);
        loaded.sort();
        QCOMPARE(loaded, QStringList({QStringLiteral("large"), QStringLiteral("small")}));
        // medium again: loaded back, evicting the least recently used (small).
        QVERIFY(ask(*edge, {QStringLiteral("medium")}, m_png));
        const QStringList more = events(*edge, 11, &last);
        QCOMPARE(more.mid(8),
                 QStringList({QStringLiteral("miss medium"), QStringLiteral("evict small"),
                              QStringLiteral("load medium")}));
    }

    void fifoEvictsTheFirstLoaded()
    {
        std::unique_ptr<Edge> edge = startEdge(QStringLiteral("FIFO"));
        QVERIFY(edge);
        // The same requests: FIFO evicts small, loaded first, though it was just used.
        QVERIFY(ask(*edge,
                    {QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("small"),
                     QStringLiteral("large")},
                    m_png));
        MetricsUpdateMessage last;
        const QStringList got = events(*edge, 8, &last);
        QCOMPARE(got.mid(5),
                 QStringList({QStringLiteral("miss large"), QStringLiteral("evict small"),
                              QStringLiteral("load large")}));
        QCOMPARE(last.cachePolicy, QStringLiteral("FIFO"));
        QStringList loaded = status(*edge);
        loaded.sort();
        QCOMPARE(loaded, QStringList({QStringLiteral("large"), QStringLiteral("medium")}));
    }

    void fleetStatusShowsTheCache()
    {
        if (!LoopbackSshd::available())
            QSKIP("/usr/sbin/sshd is not installed (Debian: openssh-server)");
        std::unique_ptr<Edge> edge = startEdge(QStringLiteral("LRU"));
        QVERIFY(edge);
        QVERIFY(ask(*edge,
                    {QStringLiteral("small"), QStringLiteral("medium"), QStringLiteral("small"),
                     QStringLiteral("large")},
                    m_png));
        // The edge stands for a deployed one: a real sshd on 127.0.0.1 in front of a deploy
        // root whose agent.pid is the edge's process (as tst_fleet_run does).
        LoopbackFleetFixture ssh(m_dir.path());
        const Result<void> started = ssh.startSshds({QStringLiteral("cache-edge")});
        QVERIFY2(started.ok(), qPrintable(started.error()));
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.ssh")));
        const QString knownHosts = home + QStringLiteral("/.ssh/known_hosts");
        const QString sshConfig = home + QStringLiteral("/.ssh/config");
        const Result<QStringList> written = ssh.writeSshFiles(knownHosts, sshConfig);
        QVERIFY2(written.ok(), qPrintable(written.error()));
        QVERIFY(ssh.recordDeployment(QStringLiteral("edge-root"), edge->process->processId()));
        const QJsonObject host{{QStringLiteral("name"), QStringLiteral("edge-1")},
                               {QStringLiteral("ssh"), QStringLiteral("cache-edge")},
                               {QStringLiteral("role"), QStringLiteral("edge")},
                               {QStringLiteral("class"), QStringLiteral("rtx-3090")},
                               {QStringLiteral("dir"), ssh.path(QStringLiteral("edge-root"))},
                               {QStringLiteral("agent_port"), int(edge->port)}};
        const QString fleetFile = ssh.writeFleet({host}, QStringLiteral("fleet.json"), m_token);
        QVERIFY(!fleetFile.isEmpty());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        const auto status = [&](bool json) {
            QProcess p;
            p.setProcessEnvironment(env);
            QStringList args{QStringLiteral("fleet"),         QStringLiteral("status"),
                             QStringLiteral("--fleet"),       fleetFile,
                             QStringLiteral("--ssh-config"),  sshConfig,
                             QStringLiteral("--known-hosts"), knownHosts};
            if (json)
                args << QStringLiteral("--json");
            p.start(QStringLiteral(EDGEGPT_CLI_PATH), args);
            if (!p.waitForFinished(60000))
                p.kill();
            p.waitForFinished();
            const QByteArray err = p.readAllStandardError();
            if (!err.isEmpty())
                qWarning("fleet status: %s", err.constData());
            return std::pair{p.exitCode(), p.readAllStandardOutput()};
        };
        const auto [code, out] = status(true);
        QVERIFY2(code == 0, out.constData());
        const QJsonArray hosts =
            QJsonDocument::fromJson(out).object().value(QStringLiteral("hosts")).toArray();
        QCOMPARE(hosts.size(), 1);
        const QJsonObject h = hosts.first().toObject();
        QVERIFY2(h.contains(QStringLiteral("metrics")), out.constData());
        // The cache as the metrics stream carries it: LRU, a hit in four, small and large
        // resident (medium evicted), with their sizes and context.
        const QJsonObject cache = h.value(QStringLiteral("cache")).toObject();
        QVERIFY2(!cache.isEmpty(), out.constData());
        QCOMPARE(cache.value(QStringLiteral("policy")).toString(), QStringLiteral("LRU"));
        QCOMPARE(cache.value(QStringLiteral("hit_ratio")).toDouble(), 0.25);
        // Totals since the edge started: small, medium loaded; small hit; large loaded, medium
        // evicted for it.
        QCOMPARE(cache.value(QStringLiteral("hits")).toInteger(), 1);
        QCOMPARE(cache.value(QStringLiteral("misses")).toInteger(), 3);
        QCOMPARE(cache.value(QStringLiteral("loads")).toInteger(), 3);
        QCOMPARE(cache.value(QStringLiteral("evictions")).toInteger(), 1);
        QVERIFY(cache.value(QStringLiteral("budget_mb")).toDouble() >=
                cache.value(QStringLiteral("used_mb")).toDouble());
        const QJsonArray resident = cache.value(QStringLiteral("resident")).toArray();
        QCOMPARE(resident.size(), 2);
        QCOMPARE(resident[0].toObject().value(QStringLiteral("model")).toString(),
                 QStringLiteral("small"));
        QCOMPARE(resident[1].toObject().value(QStringLiteral("model")).toString(),
                 QStringLiteral("large"));
        QVERIFY(qAbs(resident[1].toObject().value(QStringLiteral("size_mb")).toDouble() -
                     m_sizeMb[QStringLiteral("large")]) < 1e-6);
        QVERIFY(resident[0].toObject().value(QStringLiteral("context")).toDouble() >
                resident[1].toObject().value(QStringLiteral("context")).toDouble());
        // The text: one cache line under the host.
        const auto [textCode, text] = status(false);
        QCOMPARE(textCode, 0);
        QVERIFY2(text.contains("  cache LRU: hit ratio 25.0% (1 hits, 3 misses), 3 loads, 1 "
                               "evictions,"),
                 text.constData());
        QVERIFY(text.contains("resident: small ("));
    }

    void badPolicyIsOneLine()
    {
        QProcess p;
        p.start(agentPath(),
                {QStringLiteral("--role"), QStringLiteral("edge"), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), m_token,
                 QStringLiteral("--models-dir"), m_models, QStringLiteral("--cache-mb"),
                 QStringLiteral("10"), QStringLiteral("--cache-policy"), QStringLiteral("Oracle")});
        QVERIFY(p.waitForFinished(15000));
        QCOMPARE(p.exitCode(), 1);
        const QByteArray err = p.readAllStandardError().trimmed();
        QVERIFY2(err.contains("Oracle") && !err.contains('\n'), err.constData());
    }
};

QTEST_MAIN(TestEdgeCache)
#include "tst_edge_cache.moc"
