#include "app/console/DemoController.h"

#include "app/console/AgentMetricsFeed.h"
#include "core/fleet/LocalFleet.h"
#include "core/placement/SplitProfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cmath>

namespace edgegpt {

const QString DemoController::deviceAgentName = QStringLiteral("local-device");
const QString DemoController::edgeAgentName = QStringLiteral("local-edge");

namespace {
constexpr int kProgressMax = 1000;
constexpr int kTrainShare = 900;         // of kProgressMax: training; the rest is the split profile
constexpr double kMidSliderSpread = 1.6; // the middle: 140–358 KB/s around 224
} // namespace

QString DeviceSpeed::factorText(double factor)
{
    return QString::number(factor, 'f', 1).remove(QRegularExpression(QStringLiteral("\\.0$")));
}

double DeviceSpeed::slowdown() const
{
    switch (preset) {
    case Preset::JetsonNano:
        return rtx3090Tflops / jetsonNanoTflops; // 150.76
    case Preset::JetsonOrin:
        return rtx3090Tflops / jetsonOrinTflops; // 6.69
    case Preset::Presenter:
        return qBound(minFactor, presenter, maxFactor);
    case Preset::Custom:
        break;
    }
    return qBound(minFactor, customFactor, maxFactor);
}

double DeviceSpeed::codecSlowdown() const
{
    switch (preset) {
    case Preset::JetsonNano:
        return 4; // 1.43 GHz Cortex-A57 against a desktop core (the agents' default)
    case Preset::JetsonOrin:
        return 2; // 2.2 GHz Cortex-A78AE
    case Preset::Presenter:
        return qBound(minFactor, presenter, maxFactor);
    case Preset::Custom:
        break;
    }
    return qBound(minFactor, customFactor, maxFactor);
}

QString DeviceSpeed::key() const
{
    switch (preset) {
    case Preset::JetsonNano:
        return QStringLiteral("jetson-nano");
    case Preset::JetsonOrin:
        return QStringLiteral("jetson-orin");
    case Preset::Presenter:
        return QStringLiteral("presenter");
    case Preset::Custom:
        break;
    }
    return QStringLiteral("custom");
}

DeviceSpeed::Preset DeviceSpeed::presetFromKey(const QString &key, bool *ok)
{
    if (ok)
        *ok = true;
    if (key == QLatin1String("jetson-nano"))
        return Preset::JetsonNano;
    if (key == QLatin1String("jetson-orin"))
        return Preset::JetsonOrin;
    if (key == QLatin1String("custom"))
        return Preset::Custom;
    if (ok)
        *ok = key == QLatin1String("presenter");
    return Preset::Presenter;
}

QString DeviceSpeed::label() const
{
    const QString factor = factorText(slowdown());
    switch (preset) {
    case Preset::JetsonNano:
        return DemoController::tr("device ×%1 (Jetson Nano)").arg(factor);
    case Preset::JetsonOrin:
        return DemoController::tr("device ×%1 (Jetson AGX Orin)").arg(factor);
    case Preset::Presenter:
        return DemoController::tr("device ×%1 (presenter setting)").arg(factor);
    case Preset::Custom:
        break;
    }
    return DemoController::tr("device ×%1 (custom setting)").arg(factor);
}

QString DemoController::describeEvent(const QJsonObject &o)
{
    const QString event = o.value(QStringLiteral("event")).toString();
    auto num = [&o](const char *key, int decimals) {
        return QString::number(o.value(QLatin1String(key)).toDouble(), 'f', decimals);
    };
    if (event == QLatin1String("split")) {
        QString text = tr("split %1").arg(o.value(QStringLiteral("split")).toString());
        if (!o.value(QStringLiteral("codec")).toString().isEmpty())
            text += QStringLiteral(" (%1)").arg(o.value(QStringLiteral("codec")).toString());
        if (o.contains(QStringLiteral("expected_ms")))
            text +=
                tr(": %1 ms expected at %2 KB/s").arg(num("expected_ms", 1), num("rate_kbps", 0));
        if (o.contains(QStringLiteral("why")))
            text += QStringLiteral(" — ") + o.value(QStringLiteral("why")).toString();
        return text;
    }
    if (event == QLatin1String("link"))
        return tr("uplink %1 KB/s, delay %2 ms, jitter %3 ms, loss %4 (set by %5)")
            .arg(num("rate_kbps", 0), num("delay_ms", 0), num("jitter_ms", 0), num("loss", 3),
                 o.value(QStringLiteral("source")).toString());
    if (event == QLatin1String("edge_lost"))
        return tr("lost the edge: %1").arg(o.value(QStringLiteral("error")).toString());
    if (event == QLatin1String("edge_back"))
        return tr("the edge is back");
    if (event == QLatin1String("error"))
        return tr("error: %1").arg(o.value(QStringLiteral("error")).toString());
    if (event == QLatin1String("calibration")) {
        // The cheapest and the dearest of the measured encoders, not all sixteen.
        const QJsonObject times = o.value(QStringLiteral("encode_ms")).toObject();
        QString fastest, slowest;
        for (auto it = times.constBegin(); it != times.constEnd(); ++it) {
            if (fastest.isEmpty() || it.value().toDouble() < times.value(fastest).toDouble())
                fastest = it.key();
            if (slowest.isEmpty() || it.value().toDouble() > times.value(slowest).toDouble())
                slowest = it.key();
        }
        if (fastest.isEmpty())
            return tr("measured no input codec");
        return tr("measured %1 input codecs on this computer: %2 %3 ms … %4 %5 ms to encode")
            .arg(num("codecs", 0), fastest,
                 QString::number(times.value(fastest).toDouble(), 'f', 3), slowest,
                 QString::number(times.value(slowest).toDouble(), 'f', 3));
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

DemoController::DemoController(MetricsStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_modelDir(defaultModelDir())
    , m_fleet(new LocalFleet(this))
    , m_deviceFeed(new AgentMetricsFeed(store, deviceAgentName, this))
    , m_edgeFeed(new AgentMetricsFeed(store, edgeAgentName, this))
{
    m_linkDebounce.setSingleShot(true);
    m_linkDebounce.setInterval(120); // a dragged slider sends one request per pause, not per pixel
    connect(&m_linkDebounce, &QTimer::timeout, this, &DemoController::sendLinkRate);

    // A typed factor restarts the device once typing pauses, not at every digit.
    m_speedDebounce.setSingleShot(true);
    m_speedDebounce.setInterval(400);
    connect(&m_speedDebounce, &QTimer::timeout, this, &DemoController::restartDevice);
    m_retuneTimer.setSingleShot(true);
    connect(&m_retuneTimer, &QTimer::timeout, this, &DemoController::retunePresenter);

    connect(m_fleet, &LocalFleet::started, this, &DemoController::onFleetStarted);
    connect(m_fleet, &LocalFleet::deviceStarted, this, &DemoController::onDeviceStarted);
    connect(m_fleet, &LocalFleet::failed, this, [this](const QString &message) {
        m_restartingDevice = false;
        m_speedDebounce.stop();
        m_deviceFeed->stop();
        m_edgeFeed->stop();
        Q_EMIT logLine(tr("Demo fleet: %1").arg(message));
        setState(State::Failed, tr("The demo fleet failed: %1").arg(message));
        Q_EMIT fleetChanged();
    });
    connect(m_fleet, &LocalFleet::stopped, this, [this] {
        if (m_state == State::Stopping || m_state == State::Running) {
            setState(State::Idle, tr("Demo fleet stopped."));
            Q_EMIT fleetChanged();
        }
    });
    connect(m_fleet, &LocalFleet::agentLog, this, [this](const QString &role, const QString &line) {
        if (line.contains(QLatin1String(" debug: ")))
            return; // probes and per-request detail: the charts show them
        // "2026-12-01T20:16:21.740Z local-edge info: …": the log has its own time.
        static const QRegularExpression stamp(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\s+"));
        QString text = line;
        text.remove(stamp);
        Q_EMIT logLine(QStringLiteral("[%1] %2").arg(role, text));
    });
    connect(m_fleet, &LocalFleet::agentLine, this,
            [this](const QString &role, const QString &line) {
                // The device prints one JSON line per inference (the charts have those); the log
                // keeps the events: split decisions, link changes.
                const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
                if (!o.contains(QStringLiteral("event")))
                    return;
                Q_EMIT logLine(QStringLiteral("[%1] %2").arg(role, describeEvent(o)));
                if (role != QLatin1String("device"))
                    return;
                const QString event = o.value(QStringLiteral("event")).toString();
                if (event == QLatin1String("calibration") && m_profile) {
                    // The device measured its own input codecs and plans with those times; so
                    // does the forecast.
                    QHash<QString, double> ms;
                    const QJsonObject times = o.value(QStringLiteral("encode_ms")).toObject();
                    for (auto it = times.constBegin(); it != times.constEnd(); ++it)
                        if (it.value().isDouble())
                            ms.insert(it.key(), it.value().toDouble());
                    if (m_profile->setInputEncodeMs(ms) > 0) {
                        rebuildForecast();
                        retunePresenter();
                    }
                    return;
                }
                if (event != QLatin1String("split"))
                    return;
                // The base round trip the agent measured and planned with; the forecast plans
                // with it too.
                const double roundTrip = o.value(QStringLiteral("round_trip_ms")).toDouble(-1);
                setSplitInUse(o.value(QStringLiteral("split")).toString(),
                              o.value(QStringLiteral("codec")).toString());
                if (roundTrip >= 0 && std::fabs(roundTrip - m_roundTripMs) > 0.05) {
                    m_roundTripMs = roundTrip;
                    rebuildForecast();
                    retunePresenter();
                }
            });
    connect(m_fleet, &LocalFleet::agentExited, this, [this](const QString &role, int code) {
        Q_EMIT logLine(tr("[%1] exited with code %2").arg(role).arg(code));
        if (m_restartingDevice && role == QLatin1String("device")) {
            Q_EMIT fleetChanged(); // the old device agent, replaced at the new speed
            return;
        }
        if (m_state == State::Running) {
            m_deviceFeed->stop();
            m_edgeFeed->stop();
            m_fleet->stop();
            setState(State::Failed,
                     tr("The %1 agent ended (code %2); see the log. Start the demo again to retry.")
                         .arg(role)
                         .arg(code));
        }
        Q_EMIT fleetChanged();
    });
    for (AgentMetricsFeed *feed : {m_deviceFeed, m_edgeFeed}) {
        connect(feed, &AgentMetricsFeed::subscribed, this, [this, feed] {
            Q_EMIT logLine(
                tr("Receiving metrics from %1 at %2.").arg(feed->agentName(), feed->address()));
            Q_EMIT fleetChanged();
            if (feed == m_deviceFeed)
                sendLinkRate();
        });
        connect(feed, &AgentMetricsFeed::connectionLost, this,
                [this, feed](const QString &message) {
                    if (m_state == State::Running)
                        Q_EMIT logLine(
                            tr("Metrics of %1: %2 (retrying)").arg(feed->agentName(), message));
                    Q_EMIT fleetChanged();
                });
        connect(feed, &AgentMetricsFeed::requestFailed, this,
                [this](const QString &message) { Q_EMIT logLine(message); });
    }
    connect(m_deviceFeed, &AgentMetricsFeed::linkSettingsApplied, this,
            [this](const LinkSettings &s) {
                m_appliedRate = s.rateKBps;
                Q_EMIT logLine(
                    tr("The device's uplink now runs at %1 KB/s.").arg(s.rateKBps, 0, 'f', 0));
                Q_EMIT linkRateApplied(s.rateKBps);
            });
    QString lastSplit;
    connect(m_deviceFeed, &AgentMetricsFeed::updateReceived, this, [this, lastSplit]() mutable {
        if (m_deviceFeed->lastSplit() != lastSplit) {
            lastSplit = m_deviceFeed->lastSplit();
            Q_EMIT fleetChanged();
        }
    });
    loadProfile();
}

DemoController::~DemoController()
{
    if (m_training) {
        m_training->disconnect(this);
        m_training->kill();
        m_training->waitForFinished(2000);
    }
    // LocalFleet's destructor kills what is left of the agents.
}

QString DemoController::defaultModelDir()
{
    return LocalFleet::defaultModelDirectory(QStringLiteral("cnn"));
}

void DemoController::setModelDir(const QString &dir)
{
    m_modelDir = dir.isEmpty() ? defaultModelDir() : dir;
    loadProfile();
}

void DemoController::loadProfile()
{
    const QString path = m_modelDir + QStringLiteral("/profile.json");
    m_profile.reset();
    m_profileError.clear();
    if (!QFileInfo(path).isFile()) {
        m_profileError = tr("no profile.json in %1").arg(m_modelDir);
    } else {
        Result<SplitProfile> profile = SplitProfile::load(path);
        if (!profile)
            m_profileError = profile.error();
        else if (profile->splits.isEmpty())
            m_profileError = tr("%1 lists no split points").arg(path);
        else
            m_profile = *profile;
    }
    rebuildForecast();
    if (m_state != State::Running && m_state != State::Starting)
        retunePresenter();
}

void DemoController::rebuildForecast()
{
    // The best choice at every whole KB/s of the slider's range, for this speed.
    m_table.clear();
    if (m_profile) {
        const PlacementOptions options = placementOptions(m_speed);
        for (int rate = int(minLinkRateKBps); rate <= int(maxLinkRateKBps); ++rate) {
            LinkEstimate link;
            link.rateKBps = rate;
            link.roundTripMs = qMax(0.0, m_roundTripMs);
            const QList<PlacementChoice> ranked = SplitPlanner::rank(*m_profile, link, options);
            if (ranked.isEmpty()) {
                m_profileError =
                    tr("no split of %1 stays within the accuracy budget").arg(m_profile->model);
                m_table.clear();
                break;
            }
            m_table.append(ranked.first());
        }
    }
    Q_EMIT forecastChanged();
}

PlacementOptions DemoController::placementOptions(const DeviceSpeed &speed)
{
    PlacementOptions options; // the agent's accuracy budget by default, the edge at 1×
    options.deviceFactor = speed.slowdown();
    options.deviceCodecFactor = speed.codecSlowdown();
    return options;
}

double DemoController::presenterTargetKBps()
{
    return std::sqrt(minLinkRateKBps * maxLinkRateKBps);
}

namespace {
// The best split at one rate for a device of this speed ("" when none stays within the accuracy
// budget).
QString bestSplitAt(const SplitProfile &profile, const DeviceSpeed &speed, double rateKBps,
                    double roundTripMs)
{
    LinkEstimate link;
    link.rateKBps = rateKBps;
    link.roundTripMs = qMax(0.0, roundTripMs);
    const QList<PlacementChoice> ranked =
        SplitPlanner::rank(profile, link, DemoController::placementOptions(speed));
    return ranked.isEmpty() ? QString() : ranked.first().split;
}

DeviceSpeed presenterAt(double factor)
{
    DeviceSpeed speed;
    speed.preset = DeviceSpeed::Preset::Presenter;
    speed.presenter = factor;
    return speed;
}
} // namespace

Result<double> DemoController::tunePresenterFactor(const SplitProfile &profile, double roundTripMs)
{
    const double target = presenterTargetKBps();
    const QString asFast =
        bestSplitAt(profile, presenterAt(DeviceSpeed::minFactor), target, roundTripMs);
    if (asFast.isEmpty())
        return Result<double>::failure(
            tr("no split of %1 stays within the accuracy budget").arg(profile.model));
    if (bestSplitAt(profile, presenterAt(DeviceSpeed::maxFactor), target, roundTripMs) == asFast)
        return Result<double>::failure(
            tr("at no device speed from ×%1 to ×%2 does the best split of %3 at %4 KB/s change")
                .arg(DeviceSpeed::minFactor)
                .arg(DeviceSpeed::maxFactor)
                .arg(profile.model)
                .arg(target, 0, 'f', 0));
    // The cost of the device's part grows with the factor and the rest does not, so the best
    // split at one rate changes once, from the device-heavy to an edge-heavy one: bisect for it
    // (in log space; 0.01% is far finer than the label's 0.1).
    double asFastUpTo = DeviceSpeed::minFactor, changedFrom = DeviceSpeed::maxFactor;
    while (changedFrom / asFastUpTo > 1.0001) {
        const double mid = std::sqrt(asFastUpTo * changedFrom);
        if (bestSplitAt(profile, presenterAt(mid), target, roundTripMs) == asFast)
            asFastUpTo = mid;
        else
            changedFrom = mid;
    }
    return qMin(DeviceSpeed::maxFactor, std::ceil(changedFrom * 10 - 1e-9) / 10);
}

bool DemoController::splitChangesMidSlider(const SplitProfile &profile, const DeviceSpeed &speed,
                                           double roundTripMs)
{
    const double target = presenterTargetKBps();
    return bestSplitAt(profile, speed, target / kMidSliderSpread, roundTripMs) !=
           bestSplitAt(profile, speed, target * kMidSliderSpread, roundTripMs);
}

double DemoController::tuningRoundTripMs() const
{
    return m_roundTripMs >= 0 ? m_roundTripMs : assumedRoundTripMs;
}

void DemoController::retunePresenter()
{
    if (m_speed.preset != DeviceSpeed::Preset::Presenter || !m_profile)
        return;
    const double roundTrip = tuningRoundTripMs();
    const Result<double> tuned = tunePresenterFactor(*m_profile, roundTrip);
    if (!tuned || *tuned == m_speed.presenter)
        return; // (without a factor that moves the split, the forecast says it does not move)
    const bool live = m_state == State::Running || m_state == State::Starting;
    if (live) {
        // A running factor whose change is still mid-slider stays: a restart costs the presenter
        // a few seconds of charts, and the round trip wanders by tenths of a millisecond.
        if (splitChangesMidSlider(*m_profile, m_speed, roundTrip))
            return;
        const qint64 since =
            m_deviceStartedAt.isValid() ? m_deviceStartedAt.elapsed() : retuneSpacingMs;
        if (m_restartingDevice || since < retuneSpacingMs) {
            m_retuneTimer.start(m_restartingDevice ? retuneSpacingMs
                                                   : int(retuneSpacingMs - since));
            return;
        }
    }
    const double before = m_speed.presenter;
    m_speed.presenter = *tuned;
    rebuildForecast();
    Q_EMIT deviceSpeedChanged(m_speed);
    Q_EMIT fleetChanged();
    if (!live)
        return;
    ++m_presenterRetunes;
    Q_EMIT logLine(tr("Presenter setting: with the device's %1 ms round trip the split no longer "
                      "changes in the middle of the slider at ×%2; it does at ×%3, so the device "
                      "agent restarts.")
                       .arg(roundTrip, 0, 'f', 1)
                       .arg(DeviceSpeed::factorText(before), DeviceSpeed::factorText(*tuned)));
    restartDevice(); // while starting, onFleetStarted does
}

Result<SplitForecast> DemoController::forecast(double rateKBps) const
{
    if (m_table.isEmpty())
        return Result<SplitForecast>::failure(m_profileError.isEmpty() ? tr("no split profile")
                                                                       : m_profileError);
    const double rate = qBound(minLinkRateKBps, rateKBps, maxLinkRateKBps);
    const int at = qBound(0, int(std::lround(rate - minLinkRateKBps)), int(m_table.size()) - 1);
    SplitForecast f;
    f.rateKBps = rate;
    f.roundTripMs = qMax(0.0, m_roundTripMs);
    f.best = m_table.at(at);
    for (int i = at - 1; i >= 0; --i)
        if (m_table.at(i).split != f.best.split) {
            f.changesBelowKBps = minLinkRateKBps + i;
            f.splitBelow = m_table.at(i).split;
            break;
        }
    for (int i = at + 1; i < m_table.size(); ++i)
        if (m_table.at(i).split != f.best.split) {
            f.changesAboveKBps = minLinkRateKBps + i;
            f.splitAbove = m_table.at(i).split;
            break;
        }
    return f;
}

void DemoController::setDeviceSpeed(const DeviceSpeed &speed)
{
    DeviceSpeed next = speed;
    next.customFactor = std::isfinite(speed.customFactor)
                            ? qBound(DeviceSpeed::minFactor, speed.customFactor,
                                     DeviceSpeed::maxFactor)
                            : DeviceSpeed::presenterFactor; // a bad settings value
    next.presenter = m_speed.presenter;                     // tuned here, not chosen
    if (next.preset == DeviceSpeed::Preset::Presenter &&
        m_speed.preset != DeviceSpeed::Preset::Presenter && m_profile) {
        // Back to the presenter setting: tuned for the round trip known now, not the last time.
        const Result<double> tuned = tunePresenterFactor(*m_profile, tuningRoundTripMs());
        if (tuned)
            next.presenter = *tuned;
    }
    if (next == m_speed && next.customFactor == m_speed.customFactor)
        return;
    m_speed = next;
    rebuildForecast(); // at the new speed
    Q_EMIT deviceSpeedChanged(m_speed);
    Q_EMIT fleetChanged();
    if (m_state == State::Running)
        m_speedDebounce.start(m_speed.preset == DeviceSpeed::Preset::Custom ? 400 : 0);
    // Starting: onFleetStarted restarts the device if its speed is no longer the one asked for.
}

void DemoController::restartDevice()
{
    if (m_state != State::Running || m_runningSpeed == m_speed)
        return;
    // A device agent still starting is not stopped (LocalFleet takes one that ends before it
    // serves for a failed fleet): onDeviceStarted comes back here once it runs.
    if (m_restartingDevice)
        return;
    m_restartingDevice = true;
    m_runningSpeed = m_speed;
    m_deviceFeed->stop();
    setSplitInUse(QString(), QString());
    m_appliedRate = m_linkRate; // the new device starts at the slider's rate
    Q_EMIT logLine(tr("Restarting the device agent as %1 (the edge agent keeps running).")
                       .arg(m_speed.label()));
    Q_EMIT status(tr("Restarting the device agent as %1…").arg(m_speed.label()), true);
    m_fleet->startDevice(deviceOptions());
    Q_EMIT fleetChanged();
}

// The local fleet's secret derives the console's keys (console:console) for both agents.
static Keyring fleetKeys(const LocalFleet &fleet)
{
    const Result<Keyring> keys = Keyring::fromFleetSecret(fleet.tokenSecret());
    return keys ? *keys : Keyring();
}

void DemoController::onDeviceStarted()
{
    if (!m_restartingDevice)
        return;
    m_restartingDevice = false;
    m_deviceStartedAt.start();
    if (m_fleet->devicePort())
        m_deviceFeed->start(m_fleet->host(), m_fleet->devicePort(), fleetKeys(*m_fleet));
    Q_EMIT linkRateApplied(m_appliedRate);
    Q_EMIT status(tr("Demo running with the device agent as %1.").arg(m_runningSpeed.label()),
                  false);
    Q_EMIT fleetChanged();
    if (m_runningSpeed != m_speed)
        restartDevice(); // changed again while it started
}

void DemoController::setSplitInUse(const QString &split, const QString &codec)
{
    m_splitInUse = split;
    m_codecInUse = codec;
    Q_EMIT splitInUseChanged(split, codec);
}

LocalDeviceOptions DemoController::deviceOptions() const
{
    LocalDeviceOptions device;
    device.ratePerSecond = m_inputRate;
    device.split = QStringLiteral("auto");
    device.link.rateKBps = m_linkRate;
    device.listen = true;
    device.slowdown = m_speed.slowdown();
    device.codecSlowdown = m_speed.codecSlowdown();
    return device;
}

QString DemoController::modelProblem() const
{
    return LocalFleet::modelDirectoryProblem(m_modelDir);
}

Result<QString> DemoController::findCli()
{
    const QString env =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_CLI"));
    QStringList tried;
    if (!env.isEmpty()) {
        if (QFileInfo(env).isExecutable())
            return env;
        return Result<QString>::failure(
            tr("EDGEGPT_CLI names %1, which is not a program").arg(env));
    }
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString &rel :
         {QStringLiteral("edgegpt"), QStringLiteral("../cli/edgegpt"),
          QStringLiteral("../app/cli/edgegpt"), QStringLiteral("../../app/cli/edgegpt")}) {
        const QString path = QDir::cleanPath(here + QLatin1Char('/') + rel);
        tried.append(path);
        if (QFileInfo(path).isExecutable() && !QFileInfo(path).isDir())
            return path;
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("edgegpt"));
    if (!onPath.isEmpty())
        return onPath;
    tried.append(tr("PATH"));
    return Result<QString>::failure(tr("the edgegpt command line was not found (looked in %1)")
                                        .arg(tried.join(QStringLiteral(", "))));
}

void DemoController::setState(State state, const QString &text, bool busy)
{
    m_state = state;
    Q_EMIT status(text, busy);
    Q_EMIT stateChanged(state);
}

void DemoController::setLinkRate(double rateKBps)
{
    m_linkRate = qBound(minLinkRateKBps, rateKBps, maxLinkRateKBps);
    if (m_state == State::Running)
        m_linkDebounce.start();
}

void DemoController::sendLinkRate()
{
    if (!m_deviceFeed->isSubscribed())
        return; // sent once the device's connection is up
    if (qFuzzyCompare(m_appliedRate, m_linkRate))
        return;
    const Result<void> sent = m_deviceFeed->setLinkRate(m_linkRate);
    if (!sent)
        Q_EMIT logLine(tr("Cannot change the link rate: %1").arg(sent.error()));
}

void DemoController::start()
{
    if (m_state == State::Running || m_state == State::Starting || m_state == State::Training)
        return;
    if (m_state == State::Stopping) {
        Q_EMIT status(tr("The demo fleet is still stopping; start it again in a moment."), false);
        return;
    }
    const QString problem = modelProblem();
    if (!problem.isEmpty()) {
        Q_EMIT logLine(tr("Demo model in %1: %2").arg(m_modelDir, problem));
        setState(State::NeedsModel,
                 tr("The demo needs a trained model in %1. Train it (Demo ▸ Train the demo model) "
                    "or choose another folder in the settings.")
                     .arg(m_modelDir));
        return;
    }
    const Result<QString> agent = LocalFleet::findAgent();
    if (!agent) {
        Q_EMIT logLine(agent.error());
        setState(State::Failed, tr("The demo cannot start: %1").arg(agent.error()));
        return;
    }
    LocalFleetOptions options;
    options.agentPath = *agent;
    options.modelDir = m_modelDir;
    loadProfile(); // it may have been made since (and tunes the presenter factor)
    options.device = deviceOptions();
    m_runningSpeed = m_speed;
    m_restartingDevice = false;
    m_presenterRetunes = 0;
    m_deviceStartedAt.invalidate();
    QStringList splits;
    if (m_profile)
        for (const SplitPointProfile &p : m_profile->splits)
            splits.append(p.name);
    m_deviceFeed->setSplitOrder(splits);
    m_edgeFeed->setSplitOrder(splits);
    m_edgeFeed->setRecordRequests(false);
    Q_EMIT splitNamesChanged(splits);
    m_appliedRate = m_linkRate; // the device starts at this rate
    m_store->clear();
    setSplitInUse(QString(), QString());
    setState(State::Starting, tr("Starting the local edge and device agents…"), true);
    Q_EMIT logLine(tr("Starting the demo fleet: %1 with the model in %2, uplink %3 KB/s, %4 "
                      "(--slowdown %5, --codec-slowdown %6).")
                       .arg(*agent, m_modelDir)
                       .arg(m_linkRate, 0, 'f', 0)
                       .arg(m_speed.label())
                       .arg(m_speed.slowdown(), 0, 'g', 4)
                       .arg(m_speed.codecSlowdown(), 0, 'g', 4));
    m_fleet->start(options);
}

void DemoController::onFleetStarted()
{
    const Keyring secret = fleetKeys(*m_fleet);
    m_deviceStartedAt.start();
    m_edgeFeed->start(m_fleet->host(), m_fleet->edgePort(), secret);
    Q_EMIT linkRateApplied(m_appliedRate); // the device agent was started with it
    if (m_fleet->devicePort())
        m_deviceFeed->start(m_fleet->host(), m_fleet->devicePort(), secret);
    setState(State::Running,
             tr("Demo running: the device agent (%3) sends %1 inputs a second to the edge agent "
                "over a %2 KB/s uplink.")
                 .arg(m_inputRate, 0, 'f', 0)
                 .arg(m_linkRate, 0, 'f', 0)
                 .arg(m_runningSpeed.label()));
    Q_EMIT fleetChanged();
    if (m_runningSpeed != m_speed)
        restartDevice(); // the speed changed while the agents started
}

void DemoController::stop()
{
    if (m_state == State::Training) {
        cancelTraining();
        return;
    }
    m_linkDebounce.stop();
    m_speedDebounce.stop();
    m_retuneTimer.stop();
    m_restartingDevice = false;
    m_deviceFeed->stop();
    m_edgeFeed->stop();
    if (m_state == State::Running || m_state == State::Starting) {
        setState(State::Stopping, tr("Stopping the demo fleet…"), true);
        m_fleet->stop();
    } else if (m_state == State::Failed || m_state == State::NeedsModel) {
        m_fleet->stop();
        setState(State::Idle, tr("Demo stopped."));
    }
    Q_EMIT fleetChanged();
}

void DemoController::train(Training kind)
{
    if (m_state == State::Training)
        return;
    if (m_state == State::Running || m_state == State::Starting) {
        Q_EMIT status(tr("Stop the demo before training a new model."), false);
        return;
    }
    const Result<QString> cli = findCli();
    if (!cli) {
        setState(State::Failed, tr("Cannot train: %1").arg(cli.error()));
        return;
    }
    const bool quick = kind == Training::Quick;
    const bool haveModel = QFileInfo(m_modelDir + QStringLiteral("/model.pt")).isFile() &&
                           QFileInfo(m_modelDir + QStringLiteral("/model.json")).isFile();
    m_trainingSteps.clear();
    if (!haveModel) {
        QStringList train = {QStringLiteral("train"),
                             QStringLiteral("--model"),
                             QStringLiteral("cnn"),
                             QStringLiteral("--out"),
                             m_modelDir,
                             QStringLiteral("--progress-json")};
        if (quick)
            train << QStringLiteral("--epochs") << QStringLiteral("1") << QStringLiteral("--limit")
                  << QStringLiteral("6000");
        m_trainingSteps.append(train);
    }
    m_trainingSteps.append({QStringLiteral("bench"), QStringLiteral("coinference"),
                            QStringLiteral("--model-dir"), m_modelDir, QStringLiteral("--images"),
                            quick ? QStringLiteral("300") : QStringLiteral("1000"),
                            QStringLiteral("--out"), m_modelDir + QStringLiteral("/bench")});
    m_trainingStepsTotal = int(m_trainingSteps.size());
    m_trainingStep = 0;
    m_cancelled = false;
    Q_EMIT logLine(tr("Training the demo model in %1 with %2.").arg(m_modelDir, *cli));
    setState(State::Training, tr("Training the demo model…"), true);
    Q_EMIT progress(0, kProgressMax);
    runTrainingStep();
}

void DemoController::runTrainingStep()
{
    const Result<QString> cli = findCli();
    if (!cli) {
        setState(State::Failed, tr("Cannot train: %1").arg(cli.error()));
        return;
    }
    const QStringList args = m_trainingSteps.at(m_trainingStep);
    auto *p = new QProcess(this);
    m_training = p;
    m_trainingOutput.clear();
    m_trainingErrors.clear();
    m_lastTrainingLine.clear();
    // stdout: structured progress events (train --progress-json) and results; stderr: lines
    // for people, which go to the log as they are.
    connect(p, &QProcess::readyReadStandardOutput, this, &DemoController::onTrainingOutput);
    connect(p, &QProcess::readyReadStandardError, this, &DemoController::onTrainingOutput);
    connect(p, &QProcess::finished, this, &DemoController::onTrainingFinished);
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            m_training = nullptr;
            p->deleteLater();
            setState(State::Failed, tr("Cannot start %1: %2").arg(p->program(), p->errorString()));
        }
    });
    Q_EMIT logLine(QStringLiteral("$ edgegpt %1").arg(args.join(QLatin1Char(' '))));
    p->start(*cli, args);
}

void DemoController::onTrainingOutput()
{
    if (!m_training)
        return;
    const bool training = m_trainingSteps.at(m_trainingStep).first() == QLatin1String("train");
    // People's lines: the log (and, while profiling, the status bar), as they are.
    m_trainingErrors += m_training->readAllStandardError();
    int newline;
    while ((newline = int(m_trainingErrors.indexOf('\n'))) >= 0) {
        const QString line = QString::fromUtf8(m_trainingErrors.left(newline)).trimmed();
        m_trainingErrors.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        m_lastTrainingLine = line;
        Q_EMIT logLine(line);
        if (!training)
            Q_EMIT status(tr("Measuring the model's split profile: %1").arg(line), true);
    }
    // Structured progress: one JSON object a line.
    m_trainingOutput += m_training->readAllStandardOutput();
    while ((newline = int(m_trainingOutput.indexOf('\n'))) >= 0) {
        const QByteArray raw = m_trainingOutput.left(newline).trimmed();
        m_trainingOutput.remove(0, newline + 1);
        if (raw.isEmpty())
            continue;
        const QJsonObject event = QJsonDocument::fromJson(raw).object();
        if (training &&
            event.value(QStringLiteral("event")).toString() == QLatin1String("progress")) {
            const int epoch = event.value(QStringLiteral("epoch")).toInt();
            const int epochs = event.value(QStringLiteral("epochs")).toInt();
            const int batch = event.value(QStringLiteral("batch")).toInt();
            const int batches = event.value(QStringLiteral("batches")).toInt();
            const double done =
                ((epoch - 1) + batch / qMax(1.0, double(batches))) / qMax(1.0, double(epochs));
            Q_EMIT progress(int(done * kTrainShare), kProgressMax);
            Q_EMIT status(
                tr("Training the demo model: epoch %1/%2, batch %3/%4, loss %5, "
                   "accuracy %6%, about %7 s left")
                    .arg(epoch)
                    .arg(epochs)
                    .arg(batch)
                    .arg(batches)
                    .arg(event.value(QStringLiteral("loss")).toDouble(), 0, 'f', 3)
                    .arg(100 * event.value(QStringLiteral("accuracy")).toDouble(), 0, 'f', 1)
                    .arg(event.value(QStringLiteral("eta_s")).toDouble(), 0, 'f', 0),
                true);
        } else {
            const QString line = QString::fromUtf8(raw);
            m_lastTrainingLine = line;
            Q_EMIT logLine(line);
        }
    }
}

void DemoController::onTrainingFinished(int code, QProcess::ExitStatus exitStatus)
{
    QProcess *p = m_training;
    if (!p)
        return;
    onTrainingOutput();
    m_training = nullptr;
    p->deleteLater();
    if (m_cancelled) {
        setState(State::NeedsModel,
                 tr("Training cancelled; the demo still needs a trained model."));
        return;
    }
    if (exitStatus != QProcess::NormalExit || code != 0) {
        const QString why =
            m_lastTrainingLine.isEmpty() ? tr("exit code %1").arg(code) : m_lastTrainingLine;
        setState(State::Failed, tr("Training failed: %1").arg(why));
        return;
    }
    ++m_trainingStep;
    if (m_trainingStep < m_trainingStepsTotal) {
        Q_EMIT progress(kTrainShare, kProgressMax);
        Q_EMIT status(tr("Measuring the model's split profile…"), true);
        runTrainingStep();
        return;
    }
    Q_EMIT progress(kProgressMax, kProgressMax);
    Q_EMIT logLine(tr("The demo model is ready in %1.").arg(m_modelDir));
    setState(State::Idle, tr("The demo model is ready."));
    start();
}

void DemoController::cancelTraining()
{
    if (!m_training)
        return;
    m_cancelled = true;
    m_training->terminate();
    QPointer<QProcess> p = m_training;
    QTimer::singleShot(3000, this, [p] {
        if (p && p->state() != QProcess::NotRunning)
            p->kill();
    });
}

} // namespace edgegpt
