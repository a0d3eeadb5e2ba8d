#include "agents/FlAgent.h"

#include "agents/SplitRuntime.h"
#include "agents/TrainingRuntime.h"
#include "core/fl/FlShards.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"
#include "models/FashionMnistFiles.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFutureWatcher>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent>

#include <cmath>
#include <cstdio>
#include <limits>

#include "core/protocol/Keyring.h"

namespace edgegpt {

namespace {

void printLine(const QJsonObject &o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, std::size_t(line.size()), stdout);
    std::fflush(stdout);
}

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// The bytes a frame takes on the wire (header, control, payload, trailer).
qint64 frameBytes(const QCborMap &control, const QByteArray &payload)
{
    return frame_format::overheadBytes +
           (control.isEmpty() ? 0 : QCborValue(control).toCbor().size()) + payload.size();
}

// The aggregator serves devices only and a device dials an edge (or cloud) host only: with a
// deployed host's key file the credentials are the fleet's own ("device:jetson-1" to "edge:rtx-1"),
// and the console's key that an edge host also holds must not let it join a federated run.
PeerConnection::Options peerOptions(const Keyring &keys, const QString &name, const QString &role)
{
    PeerConnection::Options o;
    o.keys = keys;
    o.identity = {name, role};
    o.peerRoles = role == QLatin1String("edge")
                      ? QStringList{QStringLiteral("device")}
                      : QStringList{QStringLiteral("edge"), QStringLiteral("cloud")};
    // Whole models travel: up to 128 MiB a frame between authenticated peers.
    o.limits.maxFrameBytes = 128 * 1024 * 1024;
    o.sendQueueLimitBytes = 512 * 1024 * 1024;
    return o;
}

// Every agent of a run computes every device's shard from the same plan (core/fl/FlShards.h).
ShardPlan shardPlanOf(const FlRunConfig &run)
{
    ShardPlan plan;
    plan.devices = run.devices;
    plan.perDevice = run.samplesPerDevice;
    plan.alpha = run.alpha;
    plan.seed = run.seed;
    return plan;
}

Result<ImagePixels> loadTrainingSet(const FlAgentConfig &c)
{
    return FashionMnistFiles::load(FashionMnistSplit::Train,
                                   c.dataDir.isEmpty() ? FashionMnistFiles::defaultDirectory()
                                                       : c.dataDir);
}

QString runtimeFileOf(const FlAgentConfig &c)
{
    return c.runtimeFile.isEmpty() ? defaultRuntimeFile() : c.runtimeFile;
}

// ---------------------------------------------------------------------------------------------

class FlAggregator : public QObject
{
public:
    FlAggregator(const FlAgentConfig &config, const Keyring &keys)
        : m_config(config)
        , m_keys(keys)
    {
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this]() { onDeadline(); });
        m_joinWait.setSingleShot(true);
        connect(&m_joinWait, &QTimer::timeout, this, [this]() {
            if (m_round == 0)
                beginRound();
        });
    }

    Result<void> start()
    {
        const FlRunConfig &run = m_config.run;
        const Result<ImagePixels> test = FashionMnistFiles::load(
            FashionMnistSplit::Test,
            m_config.dataDir.isEmpty() ? FashionMnistFiles::defaultDirectory() : m_config.dataDir,
            run.testSamples);
        if (!test)
            return Result<void>::failure(test.error());
        m_test = *test;
        const Result<void> norms = loadNormImages();
        if (!norms)
            return norms;
        Result<std::unique_ptr<TrainingRuntime>> runtime =
            loadTrainingRuntime(runtimeFileOf(m_config));
        if (!runtime)
            return Result<void>::failure(runtime.error());
        m_runtime = std::move(*runtime);
        m_runtime->setThreads(m_config.threads);
        const Result<ModelWeights> initial = m_runtime->createModel(run.modelSpecText(), run.seed);
        if (!initial)
            return Result<void>::failure(initial.error());
        m_global = *initial;
        m_server = new PeerServer(peerOptions(m_keys, m_config.name, QStringLiteral("edge")), this);
        connect(m_server, &PeerServer::peerReady, this,
                [this](PeerConnection *peer) { onPeer(peer); });
        connect(m_server, &PeerServer::peerFailed, this,
                [](const QString &address, const QString &message) {
                    qWarning("refused %s: %s", qPrintable(address), qPrintable(message));
                });
        const Result<void> listening =
            m_server->listen(QHostAddress(m_config.listenHost), m_config.listenPort);
        if (!listening)
            return listening;
        qInfo("aggregating %s for %d devices, %d rounds, %lld weights", qPrintable(run.model),
              run.devices, run.rounds, qint64(m_global.values.size()));
        std::printf("listening %s:%u\n", qPrintable(m_config.listenHost),
                    unsigned(m_server->port()));
        std::fflush(stdout);
        m_joinWait.start(m_config.joinTimeoutS * 1000);
        return {};
    }

private:
    // The images the averaged model's BatchNorm statistics are recomputed on: from the last 5,000
    // training images (the validation split, which `edgegpt train` does not train on either),
    // those no device's shard holds, in order, at most normImages. Their labels are not used:
    // this stands for a little public, unlabelled data at the server.
    Result<void> loadNormImages()
    {
        if (m_config.normImages == 0)
            return {};
        const Result<ImagePixels> train = loadTrainingSet(m_config);
        if (!train)
            return Result<void>::failure(train.error());
        const FlRunConfig &run = m_config.run;
        const Result<QVector<QVector<int>>> shards =
            dirichletShards(train->labels, shardPlanOf(run));
        if (!shards)
            return Result<void>::failure(shards.error());
        std::vector<bool> held(std::size_t(train->count), false);
        for (const QVector<int> &shard : *shards)
            for (int i : shard)
                held[std::size_t(i)] = true;
        const int side = train->rows * train->cols;
        m_norm.rows = train->rows;
        m_norm.cols = train->cols;
        for (int i = std::max(0, train->count - 5000);
             i < train->count && m_norm.count < m_config.normImages; ++i) {
            if (held[std::size_t(i)])
                continue;
            m_norm.pixels.insert(m_norm.pixels.end(), train->image(i), train->image(i) + side);
            ++m_norm.count; // its label is not kept
        }
        return {};
    }

    struct Peer
    {
        QString device;
        qint64 samples = 0;
        bool joined = false;
    };

    struct Update
    {
        QString device;
        ModelWeights weights;
        qint64 samples = 0;
        double loss = 0;
        double trainMs = 0;
    };

    void onPeer(PeerConnection *peer)
    {
        m_peers.insert(peer, Peer{});
        connect(peer, &PeerConnection::frameReceived, this,
                [this, peer](const Frame &f) { onFrame(peer, f); });
        connect(peer, &PeerConnection::closed, this, [this, peer]() { onClosed(peer); });
    }

    void onClosed(PeerConnection *peer)
    {
        const Peer p = m_peers.take(peer);
        if (p.joined)
            qWarning("device %s left", qPrintable(p.device));
        if (m_expected.remove(peer)) {
            m_leftOut << p.device;
            maybeFinishRound();
        }
    }

    void refuse(PeerConnection *peer, quint32 id, const QString &device, const QString &why)
    {
        qWarning("refused an update from %s: %s", qPrintable(device), qPrintable(why));
        peer->sendError(id, error_code::badRequest(), why);
        m_refused.append(
            QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("reason"), why}});
    }

    void onFrame(PeerConnection *peer, const Frame &f)
    {
        Peer &p = m_peers[peer];
        if (f.type == FrameType::FlJoin) {
            const Result<FlJoinMessage> join = FlJoinMessage::fromCbor(f.control);
            if (!join) {
                peer->sendError(f.requestId, error_code::badRequest(), join.error());
                return;
            }
            p.device = join->device;
            p.samples = join->samples;
            p.joined = true;
            qInfo("device %s joined with %lld images", qPrintable(p.device), p.samples);
            printLine({{QStringLiteral("event"), QStringLiteral("join")},
                       {QStringLiteral("device"), p.device},
                       {QStringLiteral("samples"), p.samples},
                       {QStringLiteral("round"), m_round}});
            if (m_round == 0 && joinedCount() >= m_config.run.devices)
                QTimer::singleShot(0, this, [this]() {
                    if (m_round == 0)
                        beginRound();
                });
            return;
        }
        if (f.type == FrameType::FlUpdate) {
            const QString who = p.joined ? p.device : peer->peer().name;
            if (!p.joined) {
                refuse(peer, f.requestId, who, QStringLiteral("not joined"));
                return;
            }
            const Result<FlUpdateMessage> msg = FlUpdateMessage::fromCbor(f.control);
            if (!msg) {
                refuse(peer, f.requestId, who, msg.error());
                return;
            }
            if (!m_expected.contains(peer) || m_expected.value(peer) != f.requestId ||
                msg->round != m_round) {
                refuse(peer, f.requestId, who,
                       QStringLiteral("an update for round %1, not this round's (%2)")
                           .arg(msg->round)
                           .arg(m_round));
                return;
            }
            m_bytesUp += frameBytes(f.control, f.payload);
            QElapsedTimer t;
            t.start();
            const Result<std::vector<float>> delta = decodeWeightValues(f.payload, m_global.layout);
            m_decodeMs += msSince(t);
            m_expected.remove(peer);
            if (!delta) {
                refuse(peer, f.requestId, who, delta.error());
                maybeFinishRound();
                return;
            }
            Update u;
            u.device = who;
            u.samples = msg->samples;
            u.loss = msg->loss;
            u.trainMs = msg->trainMs;
            u.weights.layout = m_global.layout;
            u.weights.values = *delta;
            for (std::size_t i = 0; i < u.weights.values.size(); ++i)
                u.weights.values[i] += m_global.values[i];
            const QString bad = firstNonFinite(u.weights);
            if (!bad.isEmpty()) {
                refuse(peer, f.requestId, who, QStringLiteral("%1 is not finite").arg(bad));
                maybeFinishRound();
                return;
            }
            m_updates.append(std::move(u));
            maybeFinishRound();
            return;
        }
        peer->sendError(f.requestId, error_code::badRequest(),
                        QStringLiteral("the aggregator takes fl-join and fl-update frames"));
    }

    int joinedCount() const
    {
        int n = 0;
        for (const Peer &p : m_peers)
            n += p.joined ? 1 : 0;
        return n;
    }

    void beginRound()
    {
        ++m_round;
        m_roundTimer.start();
        m_updates.clear();
        m_leftOut.clear();
        m_refused = QJsonArray();
        m_expected.clear();
        m_bytesUp = m_bytesDown = 0;
        m_decodeMs = 0;
        const FlRunConfig &run = m_config.run;
        FlRoundMessage msg;
        msg.round = m_round;
        msg.modelSpec = run.modelSpecText();
        msg.localEpochs = run.localEpochs;
        msg.lr = run.lr;
        msg.optimizer = run.optimizer;
        msg.batch = run.batch;
        msg.seed = run.seed * 1000003ULL + quint64(m_round);
        msg.updateCodec = run.updateCodec;
        msg.classBalanced = run.classBalanced;
        msg.layout = m_global.layout;
        QElapsedTimer t;
        t.start();
        FeatureCodecSettings f32;
        f32.bits = 32;
        f32.zstdLevel = 1;
        const QByteArray payload = encodeWeightValues(m_global.layout, m_global.values.data(), f32);
        const QCborMap control = msg.toCbor();
        m_encodeMs = msSince(t);
        for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
            if (!it->joined || !it.key()->isReady())
                continue;
            const Result<quint32> id = it.key()->sendRequest(FrameType::FlRound, control, payload);
            if (!id) {
                qWarning("cannot send round %d to %s: %s", m_round, qPrintable(it->device),
                         qPrintable(id.error()));
                m_leftOut << it->device;
                continue;
            }
            m_expected.insert(it.key(), *id);
            m_bytesDown += frameBytes(control, payload);
        }
        m_sentTo = m_expected.size();
        printLine({{QStringLiteral("event"), QStringLiteral("round_start")},
                   {QStringLiteral("round"), m_round},
                   {QStringLiteral("devices"), m_sentTo}});
        m_deadline.start(run.roundTimeoutS * 1000);
        maybeFinishRound();
    }

    void onDeadline()
    {
        for (auto it = m_expected.begin(); it != m_expected.end(); ++it) {
            const QString device = m_peers.value(it.key()).device;
            qWarning("device %s missed round %d's deadline", qPrintable(device), m_round);
            m_leftOut << device;
        }
        m_expected.clear();
        maybeFinishRound();
    }

    void maybeFinishRound()
    {
        if (m_round == 0 || m_busy || !m_expected.isEmpty())
            return;
        m_deadline.stop();
        m_busy = true;
        QElapsedTimer t;
        t.start();
        double trainMsMax = 0, lossSum = 0;
        qint64 samples = 0;
        if (!m_updates.isEmpty()) {
            QVector<const ModelWeights *> models;
            QVector<qint64> counts;
            for (const Update &u : m_updates) {
                models << &u.weights;
                counts << u.samples;
                trainMsMax = std::max(trainMsMax, u.trainMs);
                lossSum += u.loss * double(u.samples);
                samples += u.samples;
            }
            const Result<ModelWeights> avg = federatedAverage(models, counts);
            if (avg)
                m_global = *avg;
            else
                qWarning("FedAvg failed: %s", qPrintable(avg.error()));
        } else {
            qWarning("round %d: no device reported; the global model is unchanged", m_round);
        }
        const double fedavgMs = msSince(t);
        const int reported = int(m_updates.size());
        QStringList devices;
        for (const Update &u : m_updates)
            devices << u.device;
        m_updates.clear();
        // Evaluation on the worker thread: the connections keep being served.
        struct Evaluated
        {
            Result<EvalResult> eval = Result<EvalResult>::failure(QString());
            ModelWeights recalibrated; // empty when the statistics were kept
            QString normError;
        };
        auto *watcher = new QFutureWatcher<Evaluated>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [=]() {
            watcher->deleteLater();
            Evaluated done = watcher->result();
            const Result<EvalResult> &eval = done.eval;
            if (!done.recalibrated.values.empty())
                m_global = std::move(done.recalibrated);
            QJsonObject line{
                {QStringLiteral("event"), QStringLiteral("round")},
                {QStringLiteral("round"), m_round},
                {QStringLiteral("accuracy"), eval ? eval->accuracy : 0.0},
                {QStringLiteral("loss"), eval ? eval->loss : 0.0},
                {QStringLiteral("devices"), reported},
                {QStringLiteral("sent_to"), m_sentTo},
                {QStringLiteral("reported"), QJsonArray::fromStringList(devices)},
                {QStringLiteral("left_out"), QJsonArray::fromStringList(m_leftOut)},
                {QStringLiteral("refused"), m_refused},
                {QStringLiteral("round_ms"), msSince(m_roundTimer)},
                {QStringLiteral("bytes_up"), m_bytesUp},
                {QStringLiteral("bytes_down"), m_bytesDown},
                {QStringLiteral("encode_ms"), m_encodeMs},
                {QStringLiteral("decode_ms"), m_decodeMs},
                {QStringLiteral("fedavg_ms"), fedavgMs},
                {QStringLiteral("eval_ms"), m_evalMs},
                {QStringLiteral("norm_ms"), m_normMs},
                {QStringLiteral("norm_images"), m_norm.count},
                {QStringLiteral("train_ms_max"), trainMsMax},
                {QStringLiteral("train_loss"), samples ? lossSum / double(samples) : 0.0},
                {QStringLiteral("test_images"), int(m_test.count)}};
            if (!eval)
                line.insert(QStringLiteral("error"), eval.error());
            if (!done.normError.isEmpty()) {
                qWarning("%s", qPrintable(done.normError));
                line.insert(QStringLiteral("norm_error"), done.normError);
            }
            m_lastAccuracy = eval ? eval->accuracy : 0.0;
            printLine(line);
            m_busy = false;
            if (m_round >= m_config.run.rounds)
                finish();
            else
                beginRound();
        });
        // m_global is only read here: the event loop leaves it alone while m_busy, and takes the
        // recalibrated weights back in the handler above.
        watcher->setFuture(QtConcurrent::run([this]() {
            Evaluated out;
            QElapsedTimer e;
            e.start();
            const ModelWeights *evaluated = &m_global;
            if (m_norm.count > 1) {
                const ImageBatchView norm{m_norm.pixels.data(), nullptr, m_norm.count};
                Result<ModelWeights> r = m_runtime->recalibrateNorms(m_global, norm);
                if (r) {
                    out.recalibrated = std::move(*r);
                    evaluated = &out.recalibrated;
                } else {
                    out.normError = r.error();
                }
            }
            m_normMs = msSince(e);
            e.restart();
            const ImageBatchView view{m_test.pixels.data(), m_test.labels.data(), m_test.count};
            out.eval = m_runtime->evaluate(*evaluated, view);
            m_evalMs = msSince(e);
            return out;
        }));
    }

    void finish()
    {
        for (PeerConnection *peer : m_peers.keys())
            peer->close();
        const FlRunConfig &run = m_config.run;
        QJsonObject meta{{QStringLiteral("test_accuracy"), m_lastAccuracy},
                         {QStringLiteral("test_images"), int(m_test.count)},
                         {QStringLiteral("train_images"), run.devices * run.samplesPerDevice},
                         {QStringLiteral("epochs"), run.localEpochs},
                         {QStringLiteral("seed"), qint64(run.seed)},
                         {QStringLiteral("batch_size"), run.batch},
                         {QStringLiteral("threads"), m_config.threads},
                         {QStringLiteral("command"), m_config.command},
                         {QStringLiteral("federated"), run.toJson()}};
        auto *watcher = new QFutureWatcher<Result<qint64>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [=]() {
            watcher->deleteLater();
            const Result<qint64> saved = watcher->result();
            if (!saved) {
                qCritical("%s", qPrintable(saved.error()));
                QCoreApplication::exit(1);
                return;
            }
            printLine({{QStringLiteral("event"), QStringLiteral("done")},
                       {QStringLiteral("final_accuracy"), m_lastAccuracy},
                       {QStringLiteral("rounds"), m_round},
                       {QStringLiteral("model_dir"), m_config.outDir},
                       {QStringLiteral("model_bytes"), *saved}});
            QTimer::singleShot(100, qApp, []() { QCoreApplication::exit(0); });
        });
        watcher->setFuture(QtConcurrent::run(
            [this, meta]() { return m_runtime->save(m_global, meta, m_config.outDir); }));
    }

    FlAgentConfig m_config;
    Keyring m_keys;
    ImagePixels m_test;
    ImagePixels m_norm; // BatchNorm recalibration images (loadNormImages)
    std::unique_ptr<TrainingRuntime> m_runtime;
    ModelWeights m_global;
    PeerServer *m_server = nullptr;
    QHash<PeerConnection *, Peer> m_peers;
    QHash<PeerConnection *, quint32> m_expected; // this round's devices not heard from yet
    QList<Update> m_updates;
    QStringList m_leftOut;
    QJsonArray m_refused;
    QTimer m_deadline;
    QTimer m_joinWait;
    QElapsedTimer m_roundTimer;
    int m_round = 0;
    int m_sentTo = 0;
    bool m_busy = false;
    qint64 m_bytesUp = 0;
    qint64 m_bytesDown = 0;
    double m_encodeMs = 0;
    double m_decodeMs = 0;
    double m_evalMs = 0;
    double m_normMs = 0;
    double m_lastAccuracy = 0;
};

// ---------------------------------------------------------------------------------------------

class FlDevice : public QObject
{
public:
    FlDevice(const FlAgentConfig &config, const Keyring &keys)
        : m_config(config)
        , m_keys(keys)
    {}

    Result<void> start()
    {
        const FlRunConfig &run = m_config.run;
        const Result<ImagePixels> train = loadTrainingSet(m_config);
        if (!train)
            return Result<void>::failure(train.error());
        const Result<QVector<QVector<int>>> shards =
            dirichletShards(train->labels, shardPlanOf(run));
        if (!shards)
            return Result<void>::failure(shards.error());
        if (m_config.deviceIndex < 0 || m_config.deviceIndex >= shards->size())
            return Result<void>::failure(QStringLiteral("device index %1 is not below %2 devices")
                                             .arg(m_config.deviceIndex)
                                             .arg(shards->size()));
        const QVector<int> &mine = shards->at(m_config.deviceIndex);
        const int side = train->rows * train->cols;
        if (side != 28 * 28)
            return Result<void>::failure(QStringLiteral("the images are not 28×28"));
        m_pixels.resize(std::size_t(mine.size()) * side);
        m_labels.resize(std::size_t(mine.size()));
        for (int k = 0; k < mine.size(); ++k) {
            std::copy_n(train->image(mine[k]), side, m_pixels.data() + std::size_t(k) * side);
            m_labels[std::size_t(k)] = train->labels[std::size_t(mine[k])];
        }
        m_classCounts = classCounts(train->labels, mine);
        Result<std::unique_ptr<TrainingRuntime>> runtime =
            loadTrainingRuntime(runtimeFileOf(m_config));
        if (!runtime)
            return Result<void>::failure(runtime.error());
        m_runtime = std::move(*runtime);
        m_runtime->setThreads(m_config.threads);
        m_peer = PeerConnection::connectToHost(
            m_config.edgeHost, m_config.edgePort,
            peerOptions(m_keys, m_config.name, QStringLiteral("device")), this);
        connect(m_peer, &PeerConnection::ready, this, [this]() {
            FlJoinMessage join;
            join.device = m_config.name;
            join.samples = qint64(m_labels.size());
            join.classCounts = m_classCounts;
            const Result<quint32> sent = m_peer->sendRequest(FrameType::FlJoin, join.toCbor());
            if (!sent)
                qWarning("cannot join: %s", qPrintable(sent.error()));
            else
                qInfo("joined with %lld images", join.samples);
        });
        connect(m_peer, &PeerConnection::frameReceived, this,
                [this](const Frame &f) { onFrame(f); });
        connect(m_peer, &PeerConnection::peerError, this,
                [](quint32, const QString &code, const QString &message) {
                    qWarning("the aggregator answered %s: %s", qPrintable(code),
                             qPrintable(message));
                });
        connect(m_peer, &PeerConnection::failed, this, [](const QString &message) {
            qCritical("%s", qPrintable(message));
            QCoreApplication::exit(1);
        });
        connect(m_peer, &PeerConnection::closed, this, []() {
            qInfo("the aggregator closed the connection");
            QCoreApplication::exit(0);
        });
        return {};
    }

private:
    struct Trained
    {
        Result<LocalTrainResult> result = Result<LocalTrainResult>::failure(QString());
        ModelWeights global;
    };

    void onFrame(const Frame &f)
    {
        if (f.type != FrameType::FlRound)
            return; // error frames are reported by peerError
        if (m_training) {
            m_peer->sendError(f.requestId, error_code::busy(), QStringLiteral("still training"));
            return;
        }
        const Result<FlRoundMessage> msg = FlRoundMessage::fromCbor(f.control);
        if (!msg) {
            m_peer->sendError(f.requestId, error_code::badRequest(), msg.error());
            return;
        }
        m_training = true;
        const quint32 id = f.requestId;
        const FlRoundMessage round = *msg;
        const QByteArray payload = f.payload;
        auto *watcher = new QFutureWatcher<Trained>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [=]() {
            watcher->deleteLater();
            m_training = false;
            sendUpdate(id, round, watcher->result());
        });
        watcher->setFuture(QtConcurrent::run([this, round, payload]() {
            Trained out;
            if (round.modelSpec != m_spec) {
                const Result<ModelWeights> built = m_runtime->createModel(round.modelSpec, 1);
                if (!built) {
                    out.result = Result<LocalTrainResult>::failure(built.error());
                    return out;
                }
                m_spec = round.modelSpec;
                m_layout = built->layout;
            }
            if (round.layout != m_layout) {
                out.result = Result<LocalTrainResult>::failure(
                    QStringLiteral("the round's layout is not this model's"));
                return out;
            }
            const Result<std::vector<float>> values = decodeWeightValues(payload, m_layout);
            if (!values) {
                out.result = Result<LocalTrainResult>::failure(values.error());
                return out;
            }
            out.global.layout = m_layout;
            out.global.values = *values;
            LocalTrainSettings s;
            s.epochs = round.localEpochs;
            s.lr = round.lr;
            s.optimizer = round.optimizer;
            s.batch = round.batch;
            s.classBalanced = round.classBalanced;
            s.seed = round.seed + quint64(m_config.deviceIndex) * 7919ULL;
            const ImageBatchView view{m_pixels.data(), m_labels.data(), int(m_labels.size())};
            out.result = m_runtime->train(out.global, view, s);
            return out;
        }));
    }

    void sendUpdate(quint32 id, const FlRoundMessage &round, const Trained &trained)
    {
        if (!trained.result) {
            qWarning("round %d: %s", round.round, qPrintable(trained.result.error()));
            m_peer->sendError(id, error_code::internal(), trained.result.error());
            return;
        }
        const LocalTrainResult &r = *trained.result;
        std::vector<float> delta(r.weights.values.size());
        for (std::size_t i = 0; i < delta.size(); ++i)
            delta[i] = r.weights.values[i] - trained.global.values[i];
        FeatureCodecSettings codec = *FeatureCodecSettings::parse(round.updateCodec);
        WeightLayout layout = m_layout;
        const bool faulty = !m_config.fault.isEmpty() && round.round >= m_config.faultRound;
        if (faulty && m_config.fault == QLatin1String("nan")) {
            delta[0] = std::numeric_limits<float>::quiet_NaN(); // f32 keeps it bit for bit
            codec = *FeatureCodecSettings::parse(QStringLiteral("f32-z1"));
        } else if (faulty && m_config.fault == QLatin1String("shape") && !layout.isEmpty()) {
            layout[0].shape = {layout[0].count()}; // same values, flattened: another shape
        }
        FlUpdateMessage msg;
        msg.round = round.round;
        msg.samples = qint64(m_labels.size());
        msg.loss = r.loss;
        msg.trainMs = r.ms;
        msg.codec = codec.name();
        const QByteArray payload = encodeWeightValues(layout, delta.data(), codec);
        Frame frame;
        frame.type = FrameType::FlUpdate;
        frame.requestId = id;
        frame.control = msg.toCbor();
        frame.payload = payload;
        const Result<void> sent = m_peer->sendFrame(frame);
        if (!sent)
            qWarning("round %d: cannot send the update: %s", round.round, qPrintable(sent.error()));
        else
            qInfo("round %d: trained %lld images in %.0f ms, loss %.3f, update %lld bytes",
                  round.round, msg.samples, r.ms, r.loss, qint64(payload.size()));
    }

    FlAgentConfig m_config;
    Keyring m_keys;
    std::vector<uint8_t> m_pixels;
    std::vector<uint8_t> m_labels;
    QVector<qint64> m_classCounts;
    std::unique_ptr<TrainingRuntime> m_runtime;
    PeerConnection *m_peer = nullptr;
    QString m_spec;
    WeightLayout m_layout;
    bool m_training = false;
};

} // namespace

Result<FlAgentConfig> FlAgentConfig::load(const QString &path)
{
    using R = Result<FlAgentConfig>;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("cannot read %1").arg(path));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1024 * 1024), &error);
    if (!doc.isObject())
        return R::failure(
            QStringLiteral("%1: not a JSON object (%2)").arg(path, error.errorString()));
    QJsonObject o = doc.object();
    FlAgentConfig c;
    c.role = o.take(QStringLiteral("role")).toString();
    c.name = o.take(QStringLiteral("name")).toString();
    c.tokenFile = o.take(QStringLiteral("token_file")).toString();
    c.runtimeFile = o.take(QStringLiteral("runtime")).toString();
    c.dataDir = o.take(QStringLiteral("data_dir")).toString();
    c.threads = o.take(QStringLiteral("threads")).toInt(1);
    c.listenHost = o.take(QStringLiteral("listen_host")).toString(c.listenHost);
    c.listenPort = quint16(o.take(QStringLiteral("listen_port")).toInt(0));
    c.outDir = o.take(QStringLiteral("out_dir")).toString();
    c.command = o.take(QStringLiteral("command")).toString();
    c.joinTimeoutS = o.take(QStringLiteral("join_timeout_s")).toInt(120);
    c.normImages = o.take(QStringLiteral("norm_images")).toInt(c.normImages);
    c.edgeHost = o.take(QStringLiteral("edge_host")).toString(c.edgeHost);
    c.edgePort = quint16(o.take(QStringLiteral("edge_port")).toInt(0));
    c.deviceIndex = o.take(QStringLiteral("device_index")).toInt(0);
    c.fault = o.take(QStringLiteral("fault")).toString();
    c.faultRound = o.take(QStringLiteral("fault_round")).toInt(1);
    const QJsonObject run = o.take(QStringLiteral("run")).toObject();
    if (!o.isEmpty())
        return R::failure(QStringLiteral("%1: unknown key \"%2\"").arg(path, o.keys().first()));
    const Result<void> applied = c.run.applyJson(run, QStringLiteral("$.run"));
    if (!applied)
        return R::failure(applied.error());
    const Result<void> valid = c.run.validate();
    if (!valid)
        return R::failure(valid.error());
    if (c.role != QLatin1String("fl-edge") && c.role != QLatin1String("fl-device"))
        return R::failure(QStringLiteral("%1: role must be fl-edge or fl-device").arg(path));
    if (c.tokenFile.isEmpty())
        return R::failure(QStringLiteral("%1: token_file is required").arg(path));
    if (c.threads < 1 || c.threads > 256)
        return R::failure(QStringLiteral("%1: threads must be 1..256").arg(path));
    if (c.normImages < 0 || c.normImages > 5000)
        return R::failure(QStringLiteral("%1: norm_images must be 0..5000").arg(path));
    if (c.role == QLatin1String("fl-edge") && c.outDir.isEmpty())
        return R::failure(QStringLiteral("%1: out_dir is required").arg(path));
    if (c.role == QLatin1String("fl-device") && c.edgePort == 0)
        return R::failure(QStringLiteral("%1: edge_port is required").arg(path));
    if (!c.fault.isEmpty() && c.fault != QLatin1String("nan") && c.fault != QLatin1String("shape"))
        return R::failure(QStringLiteral("%1: fault must be nan or shape").arg(path));
    if (c.name.isEmpty())
        c.name = c.role == QLatin1String("fl-edge")
                     ? QStringLiteral("fl-edge")
                     : QStringLiteral("device-%1").arg(c.deviceIndex);
    return c;
}

int runFlAgent(const QString &configFile)
{
    const Result<FlAgentConfig> config = FlAgentConfig::load(configFile);
    if (!config) {
        std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(config.error()));
        return 2;
    }
    // The fleet secret (fl run on 127.0.0.1) or a deployed host's key file (fl run --fleet): a
    // key file names who this host is, and the agent must be that and nothing else.
    const Result<Keyring> keys = Keyring::load(config->tokenFile);
    if (!keys) {
        std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(keys.error()));
        return 1;
    }
    for (const QString &warning : keys->warnings())
        std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(warning));
    if (!keys->self().isEmpty()) {
        const Result<PeerCredential> self = PeerCredential::parse(keys->self());
        const bool edge = config->role == QLatin1String("fl-edge");
        const bool roleFits = self && (edge ? self->role == QLatin1String("edge") ||
                                                  self->role == QLatin1String("cloud")
                                            : self->role == QLatin1String("device"));
        if (!roleFits || self->name != config->name) {
            std::fprintf(stderr,
                         "edgegpt-agent: key file %s is for %s, but this agent is %s \"%s\"\n",
                         qPrintable(config->tokenFile), qPrintable(keys->self()),
                         qPrintable(config->role), qPrintable(config->name));
            return 1;
        }
    }
    QThreadPool::globalInstance()->setMaxThreadCount(2);
    std::unique_ptr<QObject> agent;
    Result<void> started;
    if (config->role == QLatin1String("fl-edge")) {
        auto *a = new FlAggregator(*config, *keys);
        agent.reset(a);
        started = a->start();
    } else {
        auto *d = new FlDevice(*config, *keys);
        agent.reset(d);
        started = d->start();
    }
    if (!started) {
        std::fprintf(stderr, "edgegpt-agent: %s\n", qPrintable(started.error()));
        return 1;
    }
    return QCoreApplication::exec();
}

} // namespace edgegpt
