// DemoController: the console's embedded default, a local device agent and edge agent on
// loopback (core/fleet/LocalFleet: real edgegpt-agent processes, the device's uplink shaped),
// their metric streams feeding the charts (AgentMetricsFeed), and the link rate a presenter
// changes live (a link-settings request to the device agent; the agent re-plans its split as
// its estimate of the link moves).
//
// The agents need a trained model with its split profile. The model directory is the one
// `edgegpt bench coinference` uses when not told (ModelStore's rule: $EDGEGPT_MODEL_DIR/cnn,
// else ~/.local/share/edgegpt/models/cnn) unless the console is given another. When it is not
// there, start() says so (state NeedsModel) and train() makes it with the `edgegpt` command line
// as child processes (`edgegpt train`, then `edgegpt bench coinference` for profile.json), with
// progress; the console never links LibTorch and nothing here blocks the GUI thread.
//
// The device agent runs on this computer, so it is made slower on purpose (the agents'
// --slowdown and --codec-slowdown): DeviceSpeed says by how much. Its presets come from public
// figures; the default is the presenter setting, the factor tuned to this computer at which the
// split the profile predicts changes in the middle of the slider's 100–500 KB/s
// (tunePresenterFactor: about ×2 on an idle machine, more where the loopback round trip is
// long). At the Jetson Nano's 150.8× sending the image always wins there. forecast() is that
// prediction (SplitPlanner::rank over the model's profile with the chosen factors); splitInUse() is
// what the device agent reports it does.
#pragma once

#include "core/link/LinkShaper.h"
#include "core/metrics/MetricsStore.h"
#include "core/placement/SplitPlanner.h"
#include "core/placement/SplitProfile.h"
#include "core/util/Result.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <optional>

namespace edgegpt {

class AgentMetricsFeed;
class LocalFleet;
struct LocalDeviceOptions;

// How much slower than this computer (where the edge agent runs at 1×) the demo's device agent
// computes: `slowdown` stretches model compute (the device's GPU), `codecSlowdown` the encoding
// (its CPU). The presets' figures are public FP32 peak throughputs and clock rates, not
// measurements of this model on the boards (docs/console.md, docs/agents.md):
//   RTX 3090 35.58 TFLOPS (NVIDIA Ampere GA102 whitepaper); Jetson Nano 0.236 TFLOPS (module data
//   sheet: 472 GFLOPS FP16, half at FP32) -> 150.8×; Jetson AGX Orin 64GB 5.32 TFLOPS (Jetson AGX
//   Orin series data sheet: 2048 CUDA cores at 1.3 GHz) -> 6.7×. CPUs: the Nano's 1.43 GHz
//   Cortex-A57 about 4× slower than a desktop core (the agents' default), the Orin's 2.2 GHz
//   Cortex-A78AE about 2×.
struct DeviceSpeed
{
    enum class Preset { JetsonNano, JetsonOrin, Presenter, Custom };
    static constexpr double rtx3090Tflops = 35.58;
    static constexpr double jetsonNanoTflops = 0.236;
    static constexpr double jetsonOrinTflops = 5.32;
    // Not a board: the factor at which the demo model's best split changes in the middle of the
    // slider's range. Device-only (the logits) costs about 3.7 ms × factor; sending the image as
    // jpeg-q70 about 4.1 ms on the edge + 0.06 ms × factor to encode (as the device measures it
    // at start) + 534 B / rate + the agent's measured loopback round trip (0.1 ms on an idle
    // machine, 1–5 ms on a loaded one). So no one number works everywhere: at ×2 the change sits
    // at about 170 KB/s idle and leaves the slider once the round trip passes about 3 ms.
    // DemoController::tunePresenterFactor finds the factor for this computer's profile, codec
    // times and round trip; presenterFactor is the one used before there is a profile.
    static constexpr double presenterFactor = 2.0;
    static constexpr double minFactor = 1;
    static constexpr double maxFactor = 1000;

    Preset preset = Preset::Presenter;
    double customFactor = presenterFactor; // Custom: compute and codecs both this many times slower
    double presenter = presenterFactor;    // Presenter: the tuned factor, compute and codecs

    double slowdown() const;
    double codecSlowdown() const;
    // "jetson-nano", "jetson-orin", "presenter", "custom": the settings' value.
    QString key() const;
    // Unknown keys give the presenter preset (ok false).
    static Preset presetFromKey(const QString &key, bool *ok = nullptr);
    // What the panel and the fleet dock say about it: "device ×2 (presenter setting)".
    QString label() const;
    // 150.76 -> "150.8", 6.69 -> "6.7", 2 -> "2".
    static QString factorText(double factor);
    bool operator==(const DeviceSpeed &o) const
    {
        return preset == o.preset && (preset != Preset::Custom || customFactor == o.customFactor) &&
               (preset != Preset::Presenter || presenter == o.presenter);
    }
    bool operator!=(const DeviceSpeed &o) const { return !(*this == o); }
};

// The split the profile predicts at one link rate, and where in the slider's range it changes.
struct SplitForecast
{
    double rateKBps = 0;
    double roundTripMs = 0; // the base round trip of the device agent's last decision (0: none yet)
    PlacementChoice best;
    double changesBelowKBps =
        -1; // the prediction differs at this rate and below (-1: not in range)
    QString splitBelow;
    double changesAboveKBps = -1; // … at this rate and above
    QString splitAbove;
};

class DemoController : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, NeedsModel, Training, Starting, Running, Stopping, Failed };
    enum class Training { Full, Quick };

    static constexpr double minLinkRateKBps = 100;
    static constexpr double maxLinkRateKBps = 500;
    static const QString deviceAgentName; // "local-device"
    static const QString edgeAgentName;   // "local-edge"

    // The store must outlive the controller.
    explicit DemoController(MetricsStore *store, QObject *parent = nullptr);
    ~DemoController() override;

    // Where the model is looked for and trained to (default: defaultModelDir()).
    void setModelDir(const QString &dir);
    QString modelDir() const { return m_modelDir; }
    static QString defaultModelDir();
    // What the model directory lacks ("" when the agents can run on it).
    QString modelProblem() const;
    // The edgegpt command line: $EDGEGPT_CLI, next to this program, in the build tree (../cli,
    // ../app/cli), else on PATH.
    static Result<QString> findCli();

    // Inputs a second from the device (default 10).
    void setInputRate(double perSecond) { m_inputRate = perSecond; }
    void setLinkRate(double rateKBps); // clamped to [min, max]; applied live when running
    double linkRate() const { return m_linkRate; }
    // The rate the device agent confirmed last (-1 before it answered).
    double appliedLinkRate() const { return m_appliedRate; }

    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    LocalFleet *fleet() const { return m_fleet; }
    AgentMetricsFeed *deviceFeed() const { return m_deviceFeed; }
    AgentMetricsFeed *edgeFeed() const { return m_edgeFeed; }
    // A device agent's event line ({"event":"split",…}) in words, for the log.
    static QString describeEvent(const QJsonObject &event);

    // The device agent's speed. Changing it while the demo runs restarts only the device agent
    // (LocalFleet::startDevice; the edge keeps running), without waiting.
    void setDeviceSpeed(const DeviceSpeed &speed);
    DeviceSpeed deviceSpeed() const { return m_speed; }
    // Whether a device agent is being replaced (after a speed change).
    bool deviceRestarting() const { return m_restartingDevice; }
    // The placement options the agent plans with at this speed (its accuracy budget, edge at 1×).
    static PlacementOptions placementOptions(const DeviceSpeed &speed);
    // What the model's profile predicts at rateKBps (clamped to the slider's range) with the
    // device speed: SplitPlanner::rank with the agent's link overhead and the base round trip the
    // device agent planned its last split decision with (0 before the first). That round trip
    // moves the change point a lot (0.1 ms on an idle machine, 1–5 ms on a loaded one). Fails when
    // the model folder has no usable profile.
    Result<SplitForecast> forecast(double rateKBps) const;
    // The presenter setting's factor for a profile (its input codecs' encode times as the device
    // measured them) and a base round trip: the smallest device slowdown, model and codecs alike,
    // at which the best split at presenterTargetKBps (the slider's geometric middle, 224 KB/s) is
    // no longer the one a device as fast as the edge would choose, rounded up to the label's
    // 0.1. Below that rate the device-heavy split wins, above it the edge-heavy one. Fails when
    // no factor from minFactor to maxFactor changes the split there.
    static Result<double> tunePresenterFactor(const SplitProfile &profile, double roundTripMs);
    static double presenterTargetKBps();
    // Whether, at this speed, the best split at presenterTargetKBps ÷ 1.6 (140 KB/s) differs from
    // the one at × 1.6 (358 KB/s): the change is in the middle of the slider, not at an end.
    static bool splitChangesMidSlider(const SplitProfile &profile, const DeviceSpeed &speed,
                                      double roundTripMs);
    // A device agent starts, warms up and measures its codecs and link in a few seconds; the
    // presenter factor is not retuned sooner than this after a device agent started.
    static constexpr int retuneSpacingMs = 10000;
    // The round trip the presenter factor is tuned for before the device agent reports one.
    static constexpr double assumedRoundTripMs = 0.3;
    // Automatic retunes (presenter setting) that restarted the device agent since start().
    int presenterRetunes() const { return m_presenterRetunes; }

    // The model's split profile with the encode times the device agent measured (none: no
    // usable profile.json).
    const std::optional<SplitProfile> &profile() const { return m_profile; }

    // The split (and codec) the device agent said it uses last ("" until it says).
    QString splitInUse() const { return m_splitInUse; }
    QString codecInUse() const { return m_codecInUse; }

public Q_SLOTS:
    // Starts the agents and subscribes to their metrics (state Starting, then Running), or says
    // what the model directory lacks (NeedsModel).
    void start();
    void stop();
    // Makes the model directory with the command line (state Training, progress), then starts.
    void train(Training kind = Training::Full);
    void cancelTraining();

Q_SIGNALS:
    void stateChanged(edgegpt::DemoController::State state);
    // What is happening, for the status bar; busy: show progress.
    void status(const QString &text, bool busy);
    // Training progress, value of maximum (maximum 0: unknown).
    void progress(int value, int maximum);
    void logLine(const QString &text);
    void linkRateApplied(double rateKBps);
    // Agents, addresses, splits or states changed (the fleet dock redraws).
    void fleetChanged();
    // The model's split points in order, read from its profile when the demo starts.
    void splitNamesChanged(const QStringList &names);
    void deviceSpeedChanged(const edgegpt::DeviceSpeed &speed);
    // The profile or the device speed changed: forecast() answers differently.
    void forecastChanged();
    // The device agent reported a split decision (its "split" event); empty when a new device
    // agent starts and has not decided yet.
    void splitInUseChanged(const QString &split, const QString &codec);

private:
    void setState(State state, const QString &text, bool busy = false);
    void runTrainingStep();
    void onTrainingOutput();
    void onTrainingFinished(int code, QProcess::ExitStatus status);
    void onFleetStarted();
    void sendLinkRate();
    LocalDeviceOptions deviceOptions() const;
    void loadProfile();
    void rebuildForecast();
    void restartDevice();
    // Presenter setting: tunes the factor to the profile and the round trip known now. Before the
    // agents run it just takes the tuned factor; while they run it restarts the device agent
    // only when the running factor's change has left the middle of the slider (at most one
    // restart every retuneSpacingMs).
    void retunePresenter();
    // The round trip the presenter factor is tuned for: the device agent's last, else
    // assumedRoundTripMs.
    double tuningRoundTripMs() const;
    void onDeviceStarted();
    void setSplitInUse(const QString &split, const QString &codec);

    MetricsStore *m_store;
    QString m_modelDir;
    double m_inputRate = 10;
    double m_linkRate = 250;
    double m_appliedRate = -1;
    State m_state = State::Idle;
    LocalFleet *m_fleet;
    AgentMetricsFeed *m_deviceFeed;
    AgentMetricsFeed *m_edgeFeed;
    QTimer m_linkDebounce;

    // The device's speed, the one its running agent was started with, and the forecast table:
    // the best choice at each whole KB/s of the slider's range.
    DeviceSpeed m_speed;
    DeviceSpeed m_runningSpeed;
    bool m_restartingDevice = false;
    QTimer m_speedDebounce;
    QTimer m_retuneTimer; // a retune that waits for the spacing after the last device start
    QElapsedTimer m_deviceStartedAt;
    int m_presenterRetunes = 0;
    std::optional<SplitProfile> m_profile;
    QString m_profileError;
    double m_roundTripMs = -1; // -1: not reported yet
    QList<PlacementChoice> m_table;
    QString m_splitInUse, m_codecInUse;

    // Training: the steps still to run, each a command line for `edgegpt`.
    QPointer<QProcess> m_training;
    QList<QStringList> m_trainingSteps;
    int m_trainingStep = 0;
    int m_trainingStepsTotal = 0;
    QByteArray m_trainingOutput; // stdout: JSON lines (train --progress-json)
    QByteArray m_trainingErrors; // stderr: lines for people
    QString m_lastTrainingLine;
    bool m_cancelled = false;
};

} // namespace edgegpt
