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
#pragma once

#include "core/link/LinkShaper.h"
#include "core/metrics/MetricsStore.h"
#include "core/util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace edgegpt {

class AgentMetricsFeed;
class LocalFleet;

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

private:
    void setState(State state, const QString &text, bool busy = false);
    void runTrainingStep();
    void onTrainingOutput();
    void onTrainingFinished(int code, QProcess::ExitStatus status);
    void onFleetStarted();
    void sendLinkRate();

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

    // Training: the steps still to run, each a command line for `edgegpt`.
    QPointer<QProcess> m_training;
    QList<QStringList> m_trainingSteps;
    int m_trainingStep = 0;
    int m_trainingStepsTotal = 0;
    QByteArray m_trainingOutput;
    QString m_lastTrainingLine;
    bool m_cancelled = false;
};

} // namespace edgegpt
