// DeviceAgent: see DeviceAgent.h.
#include "agents/DeviceAgent.h"

#include "agents/CodecCalibration.h"
#include "agents/InputPayload.h"
#include "core/protocol/Frame.h"
#include "core/util/Stats.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace edgegpt {

namespace {

constexpr int kReconnectMs = 500;
constexpr int kPingIntervalMs = 1000;
constexpr int kRttWindow = 10;

// A padded ping probes the rate when the requests themselves are too small to measure it.
constexpr qint64 kMinProbeBytes = 2000;
constexpr qint64 kMaxProbeBytes = 64000;
constexpr qint64 kProbeOverheadBytes = 48; // frame header, ping control map, trailer
constexpr double kMinTimedMs = 1.0; // a link time shorter than this is timer noise, not a rate
// With --rate, inputs that are due while the device is still busy wait, up to this many; beyond
// that the stream is held back (nothing is dropped).
constexpr int kMaxWaitingInputs = 8;
// The first split waits this long at most for the first rate measurement.
constexpr int kFirstDecisionWaitMs = 1000;
// A watched folder that ran out is looked at again this often while a run waits for inputs.
constexpr int kSourcePollMs = 500;
// With --start on-request the agent runs for ever: the medians of its status come from the last
// this many answers.
constexpr int kStatusWindow = 10000;

// Whether the base round trip moved enough since the last decision to plan again: by half a
// millisecond and by a quarter of itself. A loaded machine's loopback wanders by tenths of a
// millisecond; a round trip that grows by a quarter moves the best split as much as the link
// rate does. (The base is the minimum of the last kRttWindow pings, so after a real change it
// climbs through the old samples before it jumps: a larger share would let it settle short.)
bool roundTripMoved(double decidedMs, double nowMs)
{
    if (decidedMs < 0 || nowMs < 0)
        return false;
    const double change = std::fabs(nowMs - decidedMs);
    return change > 0.5 && change > 0.25 * std::min(decidedMs, nowMs);
}

} // namespace

DeviceAgent::DeviceAgent(const AgentConfig &config, const Keyring &keys, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_keys(keys)
{
    m_clock.start();
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &DeviceAgent::connectToEdge);
    m_timeouts.setInterval(100);
    connect(&m_timeouts, &QTimer::timeout, this, &DeviceAgent::checkTimeouts);
    m_pinger.setInterval(kPingIntervalMs);
    connect(&m_pinger, &QTimer::timeout, this, &DeviceAgent::sendPings);
    m_sourcePoll.setSingleShot(true);
    m_sourcePoll.setInterval(kSourcePollMs);
    connect(&m_sourcePoll, &QTimer::timeout, this, &DeviceAgent::pump);
}

Result<void> DeviceAgent::start()
{
    Result<std::unique_ptr<InputSource>> source = InputSource::open(
        m_config.input, m_config.dataDir, m_config.first, m_config.startsOnRequest());
    if (!source)
        return Result<void>::failure(source.error());
    m_source = std::move(*source);

    if (m_config.listen) {
        PeerConnection::Options options;
        options.keys = m_keys;
        options.identity.name = m_config.name;
        options.identity.role = m_config.role;
        // Only a console controls a device (link settings, runs): another device's or an
        // edge's credential is refused here.
        options.peerRoles = {QStringLiteral("console")};
        options.tls = m_config.tls;
        m_server = new PeerServer(options, this);
        QHostAddress address;
        if (!address.setAddress(m_config.listenHost))
            return Result<void>::failure(
                QStringLiteral("--listen: \"%1\" is not an IP address").arg(m_config.listenHost));
        const Result<void> listening = m_server->listen(address, m_config.listenPort);
        if (!listening)
            return listening;
        m_metrics = new MetricsPublisher(
            [this]() {
                MetricsPublisher::State s;
                s.linkRateKBps = m_estimator.samples() > 0 ? m_estimator.rateKBps() : -1;
                s.split = m_choice.split;
                s.queueDepth = m_outstanding.size() + (m_busy ? 1 : 0) + m_due;
                if (m_inference) {
                    const RuntimeCacheCounters c = m_inference->counters();
                    s.cacheTotals = CacheEvents{c.hits, c.misses, c.loads, c.evictions};
                }
                return s;
            },
            this);
        connect(m_server, &PeerServer::peerReady, this, [this](PeerConnection *peer) {
            qInfo("peer %s (%s, %s) authenticated", qPrintable(peer->peerAddress()),
                  qPrintable(peer->peer().name), qPrintable(peer->peer().role));
            connect(peer, &PeerConnection::frameReceived, this,
                    [this, peer](const Frame &f) { onConsoleFrame(peer, f); });
        });
        connect(m_server, &PeerServer::peerFailed, this,
                [](const QString &address, const QString &message) {
                    qWarning("peer %s: %s", qPrintable(address), qPrintable(message));
                });
    }

    if (m_source->isSensor()) {
        // The sensor needs no model and no edge: it reports readings at its rate.
        const double rate = m_config.ratePerSecond > 0 ? m_config.ratePerSecond : 1.0;
        m_rateTimer.setInterval(std::max(1, int(1000.0 / rate)));
        connect(&m_rateTimer, &QTimer::timeout, this, [this]() {
            DeviceInput in;
            if ((m_config.count > 0 && m_started >= m_config.count) || !m_source->next(in)) {
                m_rateTimer.stop();
                m_inputsDone = true;
                maybeFinish();
                return;
            }
            ++m_started;
            ++m_answered;
            emitLine({{QStringLiteral("sensor"), QStringLiteral("heart_rate")},
                      {QStringLiteral("index"), in.index},
                      {QStringLiteral("bpm"), std::round(in.heartRateBpm * 10) / 10}});
        });
        m_rateTimer.start();
        return {};
    }

    const Result<QList<QPair<QString, QString>>> models = m_config.models();
    if (!models)
        return Result<void>::failure(models.error());
    m_modelName = models->first().first;
    m_modelDir = models->first().second;
    // Images as the model takes them (its model.json: channels, size).
    const Result<ModelInfo> modelInfo = ModelInfo::load(m_modelDir);
    if (!modelInfo)
        return Result<void>::failure(modelInfo.error());
    m_source->setModelInput(modelInfo->input);
    m_modelInput = modelInfo->input;
    // Device-only answers are named by the model's own classes (a user's model has its own).
    m_classNames = modelInfo->classes;
    const QString profilePath = m_modelDir + QStringLiteral("/profile.json");
    const bool needProfile = m_config.split == QLatin1String("auto") || m_config.codec.isEmpty();
    if (needProfile || QFileInfo::exists(profilePath)) {
        Result<SplitProfile> profile = SplitProfile::load(profilePath);
        if (!profile)
            return Result<void>::failure(profile.error());
        m_profile = *profile;
    }
    if (m_config.split != QLatin1String("auto") && !m_profile.splits.isEmpty() &&
        !m_profile.split(m_config.split))
        return Result<void>::failure(
            QStringLiteral("--split: the model has no split \"%1\"").arg(m_config.split));
    m_inference =
        new InferenceThread(m_modelDir, m_config.threads, m_config.effectiveSlowdown(),
                            m_config.effectiveCodecSlowdown(), m_config.runtimeFile, this);
    if ((m_config.split == QLatin1String("auto") ||
         (m_config.split == QLatin1String("input") && m_config.codec.isEmpty())) &&
        !m_profile.inputCodecNames().isEmpty())
        calibrateInputCodecs();
    // Open loop (--rate, or a run's rate): an input is due every 1/rate s, whether or not the
    // previous ones are answered.
    m_rateTimer.setTimerType(Qt::PreciseTimer);
    if (m_config.ratePerSecond > 0)
        m_rateTimer.setInterval(std::max(1, int(std::lround(1000.0 / m_config.ratePerSecond))));
    connect(&m_rateTimer, &QTimer::timeout, this, [this]() {
        if (!canRun())
            return; // the input waits for the edge (the stream is held, nothing is lost)
        m_due = std::min(m_due + 1, kMaxWaitingInputs);
        pump();
    });
    if (m_config.startsOnRequest())
        qInfo("waiting for a console to ask for inputs (--start on-request)");
    m_timeouts.start();
    for (const auto &step : m_config.linkSchedule)
        QTimer::singleShot(step.first, this, [this, rate = step.second]() {
            LinkSettings link = m_config.link;
            link.rateKBps = rate;
            const Result<void> set = setLink(link, QStringLiteral("schedule"));
            if (!set)
                qWarning("--link-schedule: %s", qPrintable(set.error()));
        });
    if (m_config.assumeLinkRate && m_config.link.rateKBps > 0) {
        // From the event loop: "listening HOST:PORT" stays the first line on stdout.
        QTimer::singleShot(0, this, [this]() {
            if (!m_decided)
                decide(QStringLiteral("configured link rate"));
        });
    }
    connectToEdge();
    return {};
}

void DeviceAgent::onConsoleFrame(PeerConnection *peer, const Frame &f)
{
    switch (f.type) {
    case FrameType::MetricsSubscribe:
        m_metrics->subscribe(peer, f);
        break;
    case FrameType::StatusRequest:
        replyStatus(peer, f);
        break;
    case FrameType::RunInputs:
        onRunInputs(peer, f);
        break;
    case FrameType::StopInputs: {
        RunDoneMessage done;
        done.answered = m_run.answered;
        done.failed = m_run.failed;
        if (m_run.active)
            qInfo("run stopped by %s (%s)", qPrintable(peer->peer().name),
                  qPrintable(peer->peerAddress()));
        endRun(false);
        peer->sendFrame(makeFrame(FrameType::StopInputsAck, done, f.requestId));
        break;
    }
    case FrameType::LinkSettings: {
        const Result<LinkSettingsMessage> m = LinkSettingsMessage::fromCbor(f.control);
        Result<LinkSettings> next =
            m ? m->applyTo(m_config.link) : Result<LinkSettings>::failure(m.error());
        const Result<void> set =
            next ? setLink(*next,
                           QStringLiteral("%1 (%2)").arg(peer->peer().name, peer->peerAddress()))
                 : Result<void>::failure(next.error());
        if (!set) {
            qWarning("peer %s: %s", qPrintable(peer->peerAddress()), qPrintable(set.error()));
            peer->sendError(f.requestId, error_code::badRequest(), set.error());
            break;
        }
        peer->sendFrame(makeFrame(FrameType::LinkSettingsAck,
                                  LinkSettingsMessage::from(m_config.link), f.requestId));
        break;
    }
    case FrameType::Pong:
    case FrameType::Error:
        break;
    default:
        peer->sendError(
            f.requestId, error_code::badRequest(),
            QStringLiteral(
                "a device agent takes metrics-subscribe and link-settings frames, not %1")
                .arg(frameTypeName(quint8(f.type))));
        break;
    }
}

Result<void> DeviceAgent::setLink(const LinkSettings &link, const QString &source)
{
    const Result<void> valid = link.validate();
    if (!valid)
        return valid;
    if (m_edge) {
        const Result<void> set = m_edge->shaper()->setSettings(link);
        if (!set)
            return set;
    }
    m_config.link = link; // also for the next connection
    qInfo("uplink set by %s: %g KB/s, delay %g ms, jitter %g ms, loss %g", qPrintable(source),
          link.rateKBps, link.delayMs, link.jitterMs, link.lossProbability);
    emitLine({{QStringLiteral("event"), QStringLiteral("link")},
              {QStringLiteral("rate_kbps"), link.rateKBps},
              {QStringLiteral("delay_ms"), link.delayMs},
              {QStringLiteral("jitter_ms"), link.jitterMs},
              {QStringLiteral("loss"), link.lossProbability},
              {QStringLiteral("source"), source}});
    // Trusting the configured rate: decide on the new one now. Measuring: the next transfers (or
    // probes) move the estimate, and the split follows once it moved by more than 20%.
    if (m_config.assumeLinkRate && m_decided)
        decide(QStringLiteral("link rate set to %1 KB/s").arg(link.rateKBps, 0, 'f', 0));
    return {};
}

quint16 DeviceAgent::port() const
{
    return m_server ? m_server->port() : 0;
}

void DeviceAgent::connectToEdge()
{
    PeerConnection::Options options;
    options.keys = m_keys;
    options.identity.name = m_config.name;
    options.identity.role = m_config.role;
    // The device sends its features to an edge or cloud host only.
    options.peerRoles = {QStringLiteral("edge"), QStringLiteral("cloud")};
    options.tls = m_config.tls;
    options.link = m_config.link;
    options.handshakeTimeoutMs = 3000;
    PeerConnection *edge =
        PeerConnection::connectToHost(m_config.edgeHost, m_config.edgePort, options, this);
    m_edge = edge;
    connect(edge, &PeerConnection::ready, this, &DeviceAgent::onEdgeReady);
    connect(edge, &PeerConnection::frameReceived, this, &DeviceAgent::onFrame);
    connect(edge, &PeerConnection::failed, this, [this, edge](const QString &m) {
        if (edge == m_edge)
            onEdgeLost(m);
    });
    connect(edge, &PeerConnection::closed, this, [this, edge]() {
        if (edge == m_edge)
            onEdgeLost(QStringLiteral("connection closed"));
        edge->deleteLater();
    });
}

void DeviceAgent::onEdgeReady()
{
    qInfo("edge %s:%u (%s) authenticated", qPrintable(m_config.edgeHost),
          unsigned(m_config.edgePort), qPrintable(m_edge->peer().name));
    if (!m_lastEdgeError.isEmpty())
        emitLine({{QStringLiteral("event"), QStringLiteral("edge_back")}});
    m_lastEdgeError.clear();
    m_linkMark = m_edge->wireBytesWritten(); // the handshakes are not a request's bytes
    m_pinger.start();
    // With a fixed split and codec nothing waits for the link estimate, and the first requests
    // measure the link themselves: a padded probe now would only queue ahead of them (at 100 KB/s
    // its 2 KB delayed the first answer by 20 ms). Counting now as measured leaves the first
    // probe to the pinger, a second later, if no request has measured the link by then.
    if (splitIsFixed())
        m_lastSampleMs = nowMs();
    sendPings();
    if (currentRate() > 0)
        m_rateTimer.start();
    // The first decision waits for the first measured rate (the first probe's answer, see
    // onFrame), but not for ever: an unknown rate counts as a fast link.
    const bool fixed = m_config.split != QLatin1String("auto") && !m_config.codec.isEmpty();
    if (!m_decided && (fixed || m_config.assumeLinkRate || m_estimator.samples() > 0))
        decide(QStringLiteral("start"));
    if (!m_decided)
        QTimer::singleShot(kFirstDecisionWaitMs, this, [this]() {
            if (m_decided)
                return;
            decide(
                QStringLiteral("start, no rate measured within %1 ms").arg(kFirstDecisionWaitMs));
            pump();
        });
    pump();
}

void DeviceAgent::onEdgeLost(const QString &why)
{
    const bool first = m_lastEdgeError.isEmpty();
    m_lastEdgeError = why;
    if (m_edge) {
        PeerConnection *edge = m_edge;
        m_edge = nullptr;
        edge->disconnect(this);
        edge->deleteLater();
    }
    m_pinger.stop();
    m_pings.clear();
    if (!canRun())
        m_due = 0; // not taken from the source yet: they wait with the rest of the stream
    // Everything in flight is answered now, with the reason: nothing is dropped silently.
    const QList<quint32> ids = m_outstanding.keys();
    for (quint32 id : ids) {
        const Outstanding o = m_outstanding.take(id);
        failRequest(o.input, o.split, QStringLiteral("edge connection lost: %1").arg(why));
    }
    if (first) {
        qWarning("edge %s:%u unreachable: %s; retrying every %d ms", qPrintable(m_config.edgeHost),
                 unsigned(m_config.edgePort), qPrintable(why), kReconnectMs);
        emitLine({{QStringLiteral("event"), QStringLiteral("edge_lost")},
                  {QStringLiteral("error"), why}});
    }
    if (!m_inputsDone || !m_outstanding.isEmpty())
        m_reconnect.start(kReconnectMs);
    maybeFinish();
}

void DeviceAgent::sendPings()
{
    if (!m_edge || !m_edge->isReady())
        return;
    const qint64 now = m_clock.nsecsElapsed();
    PingMessage ping;
    ping.sentMs = qint64(nowMs());
    Result<quint32> plain = m_edge->sendRequest(FrameType::Ping, ping.toCbor());
    if (plain)
        m_pings.insert(*plain, {now, 0});
    // Recent requests measured the rate: no probe needed. Nor while a device that waits to be
    // asked has nothing to send (once it has measured the link for its first decision).
    if (nowMs() - m_lastSampleMs < 0.9 * kPingIntervalMs || m_config.assumeLinkRate)
        return;
    if (m_config.startsOnRequest() && !m_run.active && m_decided)
        return;
    // About 8 ms of the link at the estimated rate, or longer after a probe too short to time.
    const double rate = m_estimator.samples() > 0 ? m_estimator.rateKBps() : 200.0;
    const qint64 bytes = std::clamp<qint64>(std::max(qint64(rate * 8.0), m_probeBytes),
                                            kMinProbeBytes, kMaxProbeBytes);
    m_probeBytes = 0;
    Result<quint32> padded =
        m_edge->sendRequest(FrameType::Ping, ping.toCbor(), QByteArray(int(bytes), '\0'));
    if (padded)
        m_pings.insert(*padded, {now, bytes});
}

bool DeviceAgent::splitIsFixed() const
{
    return m_config.split != QLatin1String("auto") && !m_config.codec.isEmpty();
}

void DeviceAgent::decide(const QString &why)
{
    if (splitIsFixed()) {
        if (!m_decided) {
            m_choice.split = m_config.split;
            m_choice.codec = m_config.codec;
            m_choice.reason = QStringLiteral("fixed by --split and --codec");
            m_decided = true;
            m_choice.codec =
                m_profile.splits.isEmpty() || m_profile.splits.last().name != m_config.split
                    ? m_config.codec
                    : QString();
            emitLine({{QStringLiteral("event"), QStringLiteral("split")},
                      {QStringLiteral("split"), m_choice.split},
                      {QStringLiteral("codec"), m_choice.codec},
                      {QStringLiteral("reason"), m_choice.reason}});
            warmUp();
        }
        return;
    }
    LinkEstimate link;
    link.rateKBps = m_config.assumeLinkRate ? m_config.link.rateKBps : m_estimator.rateKBps();
    link.roundTripMs = std::max(0.0, m_baseRttMs);
    PlacementOptions options;
    options.deviceFactor = m_config.effectiveSlowdown();
    options.deviceCodecFactor = m_config.effectiveCodecSlowdown();
    options.accuracyBudget = m_config.accuracyBudget;
    if (m_config.split != QLatin1String("auto"))
        options.onlySplit = m_config.split;
    const Result<PlacementChoice> choice = SplitPlanner::choose(m_profile, link, options);
    if (!choice) {
        qCritical("%s", qPrintable(choice.error()));
        emitLine({{QStringLiteral("event"), QStringLiteral("error")},
                  {QStringLiteral("error"), choice.error()}});
        m_inputsDone = true;
        Q_EMIT finished(1);
        return;
    }
    m_decidedAtRate = link.rateKBps;
    const bool changed =
        !m_decided || choice->split != m_choice.split || choice->codec != m_choice.codec;
    m_choice = *choice;
    m_decided = true;
    // A new round trip is reported even when the split stays: the console forecasts with it.
    if (changed || roundTripMoved(m_decidedRttMs, link.roundTripMs)) {
        m_decidedRttMs = link.roundTripMs;
        qInfo("split %s %s: %s (%s)", qPrintable(m_choice.split), qPrintable(m_choice.codec),
              qPrintable(m_choice.reason), qPrintable(why));
        emitLine({{QStringLiteral("event"), QStringLiteral("split")},
                  {QStringLiteral("split"), m_choice.split},
                  {QStringLiteral("codec"), m_choice.codec},
                  {QStringLiteral("rate_kbps"), link.rateKBps},
                  {QStringLiteral("expected_ms"), m_choice.expectedMs},
                  {QStringLiteral("round_trip_ms"), link.roundTripMs},
                  {QStringLiteral("reason"), m_choice.reason},
                  {QStringLiteral("why"), why}});
        if (changed)
            warmUp();
    }
}

void DeviceAgent::warmUp()
{
    const QString split = m_choice.split, codec = m_choice.codec;
    const bool last = !m_profile.splits.isEmpty() && split == m_profile.splits.last().name;
    // Posted before the next request, so it runs first on the inference thread. At the input the
    // image is sent as it is: only the codec is warmed, the model runtime is not loaded.
    // The warm-up image has the model's shape (a user's model may take 3×224×224).
    InferenceThread *inference = m_inference;
    m_inference->post<bool>(
        [inference, split, codec = last ? QString() : codec, input = m_modelInput]() {
            const std::vector<uint8_t> image = calibrationImage(input);
            if (split == QLatin1String("input"))
                return bool(
                    encodeInput(image.data(), input.width, input.height, input.channels, codec));
            const Result<SplitRuntime *> runtime = inference->runtime();
            return runtime && bool((*runtime)->head(image.data(), input.width, input.height,
                                                    input.channels, split, codec));
        },
        this, [](bool) {});
}

void DeviceAgent::calibrateInputCodecs()
{
    m_calibrating = true;
    const QStringList codecs = m_profile.inputCodecNames();
    m_inference->post<QHash<QString, double>>(
        [codecs, input = m_modelInput]() { return measureInputEncodeMs(codecs, 7, input); }, this,
        [this](QHash<QString, double> measured) {
            m_calibrating = false;
            const int applied = m_profile.setInputEncodeMs(measured);
            QJsonObject times;
            for (auto it = measured.cbegin(); it != measured.cend(); ++it)
                times.insert(it.key(), std::round(it.value() * 1000) / 1000);
            qInfo("measured the encode time of %d input codecs", applied);
            emitLine({{QStringLiteral("event"), QStringLiteral("calibration")},
                      {QStringLiteral("codecs"), applied},
                      {QStringLiteral("encode_ms"), times}});
            if (m_decided)
                decide(QStringLiteral("codec calibration"));
            pump();
        });
}

bool DeviceAgent::canRun() const
{
    if (!m_decided || m_calibrating)
        return false;
    const bool deviceOnly =
        !m_profile.splits.isEmpty() && m_choice.split == m_profile.splits.last().name;
    return deviceOnly || (m_edge && m_edge->isReady());
}

double DeviceAgent::currentRate() const
{
    return m_config.startsOnRequest() ? m_run.rate : m_config.ratePerSecond;
}

void DeviceAgent::pump()
{
    if (m_busy || m_inputsDone || !canRun())
        return; // inputs wait for the edge
    const bool onRequest = m_config.startsOnRequest();
    if (onRequest && (!m_run.active || (m_run.count > 0 && m_run.started >= m_run.count)))
        return; // nothing asked for, or all of it started
    if (currentRate() > 0) {
        if (m_due <= 0)
            return; // open loop: the next input is not due yet
    } else if (!m_outstanding.isEmpty()) {
        return; // closed loop: the next input when this one is answered
    }
    if (!onRequest && m_config.count > 0 && m_started >= m_config.count) {
        m_inputsDone = true;
        maybeFinish();
        return;
    }
    DeviceInput in;
    if (!m_source->next(in)) {
        if (m_source->mayGrow()) {
            if (!m_sourcePoll.isActive())
                m_sourcePoll.start(); // a watched folder: new files may come
            return;
        }
        if (onRequest) {
            // The source ran out (the end of the test set): the run ends with what it has.
            qWarning("the input source has no more inputs; the run ends");
            endRun(true);
            return;
        }
        m_inputsDone = true;
        maybeFinish();
        return;
    }
    if (currentRate() > 0)
        --m_due;
    if (onRequest) {
        in.run = m_run.id;
        ++m_run.started;
    }
    startRequest(std::move(in));
}

void DeviceAgent::startRequest(DeviceInput input)
{
    m_busy = true;
    ++m_started;
    m_headInput = input;
    m_headSplit = m_choice.split;
    const QString split = m_choice.split, codec = m_choice.codec;
    const bool last = !m_profile.splits.isEmpty() && split == m_profile.splits.last().name;
    InferenceThread *inference = m_inference;
    const DeviceInput in = input;
    m_inference->post<HeadOutcome>(
        [=]() {
            HeadOutcome o;
            if (split == QLatin1String("input")) {
                // The image itself: no model, no runtime.
                QElapsedTimer t;
                t.start();
                const Result<QByteArray> bytes =
                    encodeInput(in.pixels.data(), in.width, in.height, in.channels, codec);
                o.encodeMs =
                    inference->stretch(double(t.nsecsElapsed()) / 1e6, InferenceThread::Work::Codec,
                                       QStringLiteral("encode input ") + codec);
                if (!bytes) {
                    o.error = bytes.error();
                    return o;
                }
                o.payload = *bytes;
                o.ok = true;
                return o;
            }
            const Result<SplitRuntime *> runtime = inference->runtime();
            if (!runtime) {
                o.error = runtime.error();
                return o;
            }
            // The last split answers on the device: no codec, the predicted class.
            const Result<HeadOutput> head =
                (*runtime)->head(in.pixels.data(), in.width, in.height, in.channels, split,
                                 last ? QString() : codec);
            inference->publishCounters();
            if (!head) {
                o.error = head.error();
                return o;
            }
            o.deviceMs = inference->stretch(head->modelMs, InferenceThread::Work::Model,
                                            QStringLiteral("head ") + split);
            if (last) {
                o.predicted = head->predicted;
                o.ok = true;
                return o;
            }
            o.encodeMs = inference->stretch(head->encodeMs, InferenceThread::Work::Codec,
                                            QStringLiteral("encode %1 %2").arg(split, codec));
            o.payload = head->payload;
            o.ok = true;
            return o;
        },
        this,
        [this, in, split, codec, last](HeadOutcome o) {
            if (m_headAbandoned) {
                m_headAbandoned = false; // reported when the agent stopped
                return;
            }
            m_busy = false;
            if (!o.ok) {
                failRequest(in, split, o.error);
            } else if (last) {
                // Device-only: the answer never leaves the device (the label alone would).
                ++m_answered;
                m_splitUse[split] += 1;
                const double total = o.deviceMs;
                m_totals << total;
                m_bytesSum += 1;
                if (in.label >= 0) {
                    ++m_labelled;
                    m_correct += o.predicted == in.label ? 1 : 0;
                }
                m_deviceTimes << o.deviceMs;
                emitResult(in, {{QStringLiteral("index"), in.index},
                                {QStringLiteral("ok"), true},
                                {QStringLiteral("label"), in.label},
                                {QStringLiteral("predicted"), o.predicted},
                                {QStringLiteral("class"), m_classNames.value(int(o.predicted))},
                                {QStringLiteral("split"), split},
                                {QStringLiteral("codec"), QString()},
                                {QStringLiteral("bytes"), 1},
                                {QStringLiteral("device_ms"), o.deviceMs},
                                {QStringLiteral("encode_ms"), 0.0},
                                {QStringLiteral("transfer_ms"), 0.0},
                                {QStringLiteral("edge_ms"), 0.0},
                                {QStringLiteral("total_ms"), total}});
                if (m_metrics) {
                    // No frame, so no request id of the link: the input's number stands in.
                    RequestMetrics m;
                    m.requestId = quint32(in.index);
                    m.deviceComputeMs = o.deviceMs;
                    m.encodeMs = m.transferMs = m.edgeComputeMs = m.returnMs = 0;
                    m.totalMs = total;
                    m.bytes = 0; // nothing crosses the link
                    m.split = split;
                    m_metrics->record(m);
                }
            } else {
                sendRequest(in, o, split, codec);
            }
            pump();
            maybeFinish();
        });
}

void DeviceAgent::sendRequest(DeviceInput input, const HeadOutcome &head, const QString &split,
                              const QString &codec)
{
    if (!m_edge || !m_edge->isReady()) {
        failRequest(
            input, split,
            QStringLiteral("edge not connected: %1")
                .arg(m_lastEdgeError.isEmpty() ? QStringLiteral("connecting") : m_lastEdgeError));
        return;
    }
    InferRequestMessage request;
    request.model = m_modelName;
    request.split = split;
    request.codec = codec;
    request.deviceComputeMs = head.deviceMs;
    request.encodeMs = head.encodeMs;
    Frame probe;
    probe.type = FrameType::InferRequest;
    probe.control = request.toCbor();
    probe.payload = head.payload;
    const Result<QByteArray> wire = encodeFrame(probe);
    const Result<quint32> id =
        m_edge->sendRequest(FrameType::InferRequest, probe.control, head.payload);
    if (!id) {
        failRequest(input, split, QStringLiteral("cannot send: %1").arg(id.error()));
        return;
    }
    Outstanding o;
    o.input = std::move(input);
    o.split = split;
    o.codec = codec;
    o.deviceMs = head.deviceMs;
    o.encodeMs = head.encodeMs;
    o.payloadBytes = head.payload.size();
    o.wireBytes = wire ? wire->size() : head.payload.size();
    o.sentNs = m_clock.nsecsElapsed();
    m_outstanding.insert(*id, std::move(o));
}

void DeviceAgent::onFrame(const Frame &frame)
{
    if (frame.type == FrameType::Pong) {
        const auto it = m_pings.find(frame.requestId);
        if (it == m_pings.end())
            return;
        const double rtt = double(m_clock.nsecsElapsed() - it->first) / 1e6;
        const qint64 padded = it->second;
        m_pings.erase(it);
        if (padded == 0) {
            m_rttWindow << rtt;
            while (m_rttWindow.size() > kRttWindow)
                m_rttWindow.removeFirst();
            m_baseRttMs = *std::min_element(m_rttWindow.begin(), m_rttWindow.end());
            if (m_decided && roundTripMoved(m_decidedRttMs, m_baseRttMs))
                decide(QStringLiteral("round trip now %1 ms").arg(m_baseRttMs, 0, 'f', 1));
        } else if (m_baseRttMs >= 0) {
            const double bytes = double(padded + kProbeOverheadBytes);
            const double overMs = rtt - m_baseRttMs;
            if (m_estimator.addSample(bytes, overMs, kMinTimedMs)) {
                qDebug("probe %lld B: %.2f ms over the base round trip %.2f ms", padded, overMs,
                       m_baseRttMs);
            } else if (padded < kMaxProbeBytes) {
                // A probe too short to time at this rate: the next one is twice as long.
                m_probeBytes = std::min(kMaxProbeBytes, 2 * padded);
                QTimer::singleShot(0, this, &DeviceAgent::sendPings); // at once, not a second later
                return;
            } else {
                // Even the largest probe took less than a timer tick beyond the round trip (a LAN
                // or loopback link): the rate is at least its bytes per tick, and that floor is
                // the sample. Without it the device never had an estimate on a fast link, and
                // sent one largest probe after another, each at once after the last one's pong.
                m_estimator.addSample(bytes, kMinTimedMs, kMinTimedMs);
                qDebug("probe %lld B: %.2f ms over the base round trip, too short to time: at "
                       "least %.0f KB/s",
                       padded, overMs, bytes / kMinTimedMs);
            }
            m_lastSampleMs = nowMs();
            if (!m_decided) {
                decide(QStringLiteral("start"));
                pump();
            } else if (m_estimator.movedFrom(m_decidedAtRate))
                decide(
                    QStringLiteral("link rate now %1 KB/s").arg(m_estimator.rateKBps(), 0, 'f', 0));
        }
        return;
    }
    if (frame.type == FrameType::InferResult || frame.type == FrameType::Error) {
        if (!m_outstanding.contains(frame.requestId))
            return; // answered late, after its timeout was reported
        if (frame.type == FrameType::InferResult) {
            finishRequest(frame.requestId, frame);
        } else {
            const Outstanding o = m_outstanding.take(frame.requestId);
            const Result<ErrorMessage> e = ErrorMessage::fromCbor(frame.control);
            failRequest(o.input, o.split,
                        QStringLiteral("edge: %1")
                            .arg(e ? e->code + QStringLiteral(": ") + e->message : e.error()));
        }
        pump();
        maybeFinish();
    }
}

void DeviceAgent::finishRequest(quint32 id, const Frame &frame)
{
    const Outstanding o = m_outstanding.take(id);
    const Result<InferResultMessage> r = InferResultMessage::fromCbor(frame.control);
    if (!r) {
        failRequest(o.input, o.split,
                    QStringLiteral("bad answer from the edge: %1").arg(r.error()));
        return;
    }
    const double rtt = double(m_clock.nsecsElapsed() - o.sentNs) / 1e6;
    const double edgeMs =
        std::max(0.0, r->queueMs) + std::max(0.0, r->decodeMs) + std::max(0.0, r->edgeComputeMs);
    const double linkMs = std::max(0.0, rtt - edgeMs);
    const double returnMs = std::min(linkMs, std::max(0.0, m_baseRttMs / 2));
    const double transferMs = linkMs - returnMs;
    const double total = o.deviceMs + o.encodeMs + rtt;
    if (m_baseRttMs >= 0 &&
        m_estimator.addSample(double(o.wireBytes), linkMs - m_baseRttMs, kMinTimedMs))
        m_lastSampleMs = nowMs();
    ++m_answered;
    m_totals << total;
    m_bytesSum += double(o.payloadBytes);
    m_splitUse[o.split] += 1;
    if (o.input.label >= 0) {
        ++m_labelled;
        m_correct += r->classIndex == o.input.label ? 1 : 0;
    }
    const qint64 linkNow = m_edge ? m_edge->wireBytesWritten() : 0;
    const qint64 linkBefore = std::min(m_linkMark, linkNow);
    m_linkMark = linkNow;
    QJsonObject line{
        {QStringLiteral("index"), o.input.index},
        {QStringLiteral("ok"), true},
        {QStringLiteral("label"), o.input.label},
        {QStringLiteral("predicted"), r->classIndex},
        {QStringLiteral("class"), r->label},
        {QStringLiteral("split"), o.split},
        {QStringLiteral("codec"), o.codec},
        {QStringLiteral("bytes"), o.payloadBytes},
        {QStringLiteral("wire_bytes"), o.wireBytes},
        {QStringLiteral("device_ms"), o.deviceMs},
        {QStringLiteral("encode_ms"), o.encodeMs},
        {QStringLiteral("transfer_ms"), transferMs},
        {QStringLiteral("edge_ms"), edgeMs},
        {QStringLiteral("return_ms"), returnMs},
        {QStringLiteral("total_ms"), total},
        // Every byte this device has put on its edge connection so far, TLS records included.
        {QStringLiteral("link_bytes"), double(linkNow)},
        // What it put there since the previous answer on this connection (or since the
        // connection became ready): this request's frame, its TLS records, and any ping or
        // probe sent meanwhile. A counter that restarts with each connection cannot give that by
        // differences across connections; this can.
        {QStringLiteral("link_request_bytes"), double(linkNow - linkBefore)}};
    if (!o.input.name.isEmpty())
        line.insert(QStringLiteral("file"), o.input.name);
    m_deviceTimes << o.deviceMs;
    emitResult(o.input, line);
    if (m_metrics) {
        RequestMetrics m;
        m.requestId = id;
        m.deviceComputeMs = o.deviceMs;
        m.encodeMs = o.encodeMs;
        m.transferMs = transferMs;
        m.edgeComputeMs = edgeMs;
        m.returnMs = returnMs;
        m.totalMs = total;
        m.bytes = o.wireBytes;
        m.split = o.split;
        m.codec = o.codec;
        m_metrics->record(m);
    }
    if (m_estimator.movedFrom(m_decidedAtRate) && !m_config.assumeLinkRate)
        decide(QStringLiteral("link rate now %1 KB/s").arg(m_estimator.rateKBps(), 0, 'f', 0));
}

void DeviceAgent::failRequest(const DeviceInput &input, const QString &split, const QString &error)
{
    ++m_failed;
    emitResult(input, {{QStringLiteral("index"), input.index},
                       {QStringLiteral("ok"), false},
                       {QStringLiteral("split"), split},
                       {QStringLiteral("error"), error}});
}

void DeviceAgent::emitResult(const DeviceInput &input, const QJsonObject &answer)
{
    QJsonObject line = answer;
    line.insert(QStringLiteral("model"), m_modelName);
    line.insert(QStringLiteral("input"), m_source->nameOf(input));
    line.insert(QStringLiteral("emulated"), m_config.emulated());
    emitLine(line);
    if (m_config.startsOnRequest()) {
        // It runs for ever: the status medians look at the last kStatusWindow answers.
        while (m_totals.size() > kStatusWindow)
            m_totals.removeFirst();
        while (m_deviceTimes.size() > kStatusWindow)
            m_deviceTimes.removeFirst();
    }
    if (input.run == 0 || !m_run.active || input.run != m_run.id)
        return; // no run asked for it, or that run was stopped
    const bool ok = line.value(QStringLiteral("ok")).toBool();
    if (ok)
        ++m_run.answered;
    else
        ++m_run.failed;
    if (m_run.peer && m_run.peer->isReady()) {
        RunResultMessage r;
        r.index = input.index;
        r.input = line.value(QStringLiteral("input")).toString();
        r.model = m_modelName;
        r.ok = ok;
        r.error = line.value(QStringLiteral("error")).toString();
        r.predicted = line.value(QStringLiteral("predicted")).toInteger(-1);
        r.label = line.value(QStringLiteral("class")).toString();
        r.truth = input.label;
        r.split = line.value(QStringLiteral("split")).toString();
        r.codec = line.value(QStringLiteral("codec")).toString();
        r.deviceMs = line.value(QStringLiteral("device_ms")).toDouble(-1);
        r.encodeMs = line.value(QStringLiteral("encode_ms")).toDouble(-1);
        r.transferMs = line.value(QStringLiteral("transfer_ms")).toDouble(-1);
        r.edgeMs = line.value(QStringLiteral("edge_ms")).toDouble(-1);
        r.totalMs = line.value(QStringLiteral("total_ms")).toDouble(-1);
        r.emulated = m_config.emulated();
        const Result<void> sent =
            m_run.peer->sendFrame(makeFrame(FrameType::RunResult, r, m_run.id));
        if (!sent)
            qWarning("run-result to %s: %s", qPrintable(m_run.peer->peerAddress()),
                     qPrintable(sent.error()));
    }
    if (m_run.count > 0 && m_run.answered + m_run.failed >= m_run.count)
        endRun(true);
}

void DeviceAgent::onRunInputs(PeerConnection *peer, const Frame &f)
{
    if (!m_config.startsOnRequest()) {
        peer->sendError(f.requestId, error_code::badRequest(),
                        QStringLiteral("this device runs its inputs by itself (start auto); "
                                       "run-inputs needs --start on-request"));
        return;
    }
    const Result<RunInputsMessage> m = RunInputsMessage::fromCbor(f.control);
    if (!m) {
        peer->sendError(f.requestId, error_code::badRequest(), m.error());
        return;
    }
    if (m_run.active && m_run.peer) {
        peer->sendError(f.requestId, error_code::busy(),
                        QStringLiteral("a run asked by %1 is in progress (%2 of %3 answered)")
                            .arg(m_run.peer->peer().name)
                            .arg(m_run.answered + m_run.failed)
                            .arg(m_run.count));
        return;
    }
    if (m_inputsDone) {
        peer->sendError(f.requestId, error_code::badRequest(),
                        QStringLiteral("the device is stopping"));
        return;
    }
    endRun(false); // a run whose console went away ends here
    m_run = Run();
    m_run.active = true;
    m_run.peer = peer;
    m_run.id = f.requestId;
    m_run.count = m->count;
    m_run.rate = m->ratePerSecond;
    RunInputsAckMessage ack;
    ack.accepted = m->count;
    peer->sendFrame(makeFrame(FrameType::RunInputsAck, ack, f.requestId));
    qInfo("%s (%s) asked for %s inputs%s", qPrintable(peer->peer().name),
          qPrintable(peer->peerAddress()),
          qPrintable(m->count > 0 ? QString::number(m->count) : QStringLiteral("continuous")),
          qPrintable(m->ratePerSecond > 0 ? QStringLiteral(" at %1 a second").arg(m->ratePerSecond)
                                          : QString()));
    emitLine({{QStringLiteral("event"), QStringLiteral("run")},
              {QStringLiteral("count"), m->count},
              {QStringLiteral("rate"), m->ratePerSecond},
              {QStringLiteral("by"), peer->peer().name}});
    // A run that ends when its console goes away (continuous runs would go on for nobody).
    connect(peer, &PeerConnection::closed, this, [this, peer]() {
        if (m_run.active && m_run.peer == peer) {
            qInfo("the console of the run went away; the run ends");
            endRun(false);
        }
    });
    m_due = 0;
    if (m_run.rate > 0) {
        // Ticks while the edge is away are ignored (the rate timer checks canRun()).
        m_rateTimer.setInterval(std::max(1, int(std::lround(1000.0 / m_run.rate))));
        m_rateTimer.start();
    }
    pump();
}

void DeviceAgent::endRun(bool sendDone)
{
    if (!m_run.active)
        return;
    m_run.active = false;
    m_rateTimer.stop();
    m_sourcePoll.stop();
    m_due = 0;
    emitLine({{QStringLiteral("event"), QStringLiteral("run_done")},
              {QStringLiteral("answered"), m_run.answered},
              {QStringLiteral("failed"), m_run.failed}});
    if (sendDone && m_run.peer && m_run.peer->isReady()) {
        RunDoneMessage done;
        done.answered = m_run.answered;
        done.failed = m_run.failed;
        m_run.peer->sendFrame(makeFrame(FrameType::RunDone, done, m_run.id));
    }
}

void DeviceAgent::replyStatus(PeerConnection *peer, const Frame &f)
{
    StatusReplyMessage s;
    s.role = m_config.role;
    s.requests = m_answered;
    s.failed = m_failed;
    s.medianMs = m_totals.isEmpty() ? -1 : median(m_totals);
    s.deviceMs = m_deviceTimes.isEmpty() ? -1 : median(m_deviceTimes);
    if (!m_modelName.isEmpty())
        s.models << m_modelName;
    s.emulated = m_config.emulated();
    s.slowdown = m_config.effectiveSlowdown();
    s.codecSlowdown = m_config.effectiveCodecSlowdown();
    peer->sendFrame(makeFrame(FrameType::StatusReply, s, f.requestId));
}

void DeviceAgent::checkTimeouts()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 limit = qint64(m_config.requestTimeoutMs) * 1000000;
    QList<quint32> late;
    for (auto it = m_outstanding.cbegin(); it != m_outstanding.cend(); ++it)
        if (now - it->sentNs > limit)
            late << it.key();
    for (quint32 id : late) {
        const Outstanding o = m_outstanding.take(id);
        failRequest(
            o.input, o.split,
            QStringLiteral("no answer from the edge within %1 ms").arg(m_config.requestTimeoutMs));
    }
    if (!late.isEmpty()) {
        pump();
        maybeFinish();
    }
}

void DeviceAgent::emitLine(const QJsonObject &o)
{
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

void DeviceAgent::stop(const QString &why)
{
    if (m_summarised)
        return;
    m_inputsDone = true;
    m_rateTimer.stop();
    m_reconnect.stop();
    m_pinger.stop();
    m_timeouts.stop();
    // Nothing is left unaccounted: the input on the device and those waiting for the edge are
    // reported failed with the reason, then the summary.
    if (m_busy) {
        m_busy = false;
        m_headAbandoned = true;
        failRequest(m_headInput, m_headSplit, why);
    }
    const QList<quint32> ids = m_outstanding.keys();
    for (quint32 id : ids) {
        const Outstanding o = m_outstanding.take(id);
        failRequest(o.input, o.split, why);
    }
    summarise();
}

void DeviceAgent::maybeFinish()
{
    if (!m_inputsDone || m_busy || !m_outstanding.isEmpty() || m_summarised)
        return;
    summarise();
    Q_EMIT finished(m_failed > 0 ? 1 : 0);
}

void DeviceAgent::summarise()
{
    m_summarised = true;
    QJsonObject splits;
    for (auto it = m_splitUse.cbegin(); it != m_splitUse.cend(); ++it)
        splits.insert(it.key(), it.value());
    QJsonObject summary{
        {QStringLiteral("requests"), m_started},
        {QStringLiteral("answered"), m_answered},
        {QStringLiteral("failed"), m_failed},
        {QStringLiteral("median_total_ms"), m_totals.isEmpty() ? 0.0 : median(m_totals)},
        {QStringLiteral("p95_total_ms"), m_totals.isEmpty() ? 0.0 : percentile(m_totals, 95)},
        {QStringLiteral("emulated"), m_config.emulated()},
        {QStringLiteral("mean_bytes"), m_answered > 0 ? m_bytesSum / m_answered : 0.0},
        {QStringLiteral("splits"), splits},
        {QStringLiteral("link_rate_kbps"),
         m_estimator.samples() > 0 ? m_estimator.rateKBps() : -1.0}};
    if (m_labelled > 0)
        summary.insert(QStringLiteral("accuracy"), double(m_correct) / m_labelled);
    emitLine({{QStringLiteral("summary"), summary}});
}

} // namespace edgegpt
