// DeviceAgent: the device side of split inference. For each input it runs the head of the model
// up to the split in use (on the inference thread, stretched by the device's slow-down factor),
// encodes the feature (or the image, at the split "input"), sends it to the edge agent over its
// shaped uplink and prints the answer with the latency breakdown as one JSON line on stdout.
//
// Adaptive partitioning: it estimates the uplink rate from its own transfers (and from padded
// pings when the features are too small to measure), keeps a moving average, and picks the split
// and codec with the least expected latency from the model's profile (SplitPlanner) within the
// accuracy budget; it decides again when the estimate moves by more than 20%, and prints each
// change with its reason.
//
// Link control: a console (or the latency bench) connected to the device's own port (--listen)
// may send link-settings frames; the uplink's shaper takes the new rate, delay, jitter or loss at
// once and the agent answers link-settings-ack with the values in effect (docs/protocol.md).
//
// Emulation: off unless configured (--slowdown, --codec-slowdown, link shaping); every answer line
// and the summary say "emulated": true|false.
//
// Start: with --start on-request the device takes no input until a console (or `edgegpt fleet
// run`) sends run-inputs over its port; it then runs that many (or continuously at a rate, until
// stop-inputs), sends each answer to that peer as a run-result and a run-done at the end, and
// waits for the next run; a watched folder input waits for new files. Any agent answers a
// status-request with its counts and medians.
//
// Failures: when the edge connection breaks, every request in flight is reported failed at once
// (and any unanswered request after the request timeout), inputs wait, and the agent reconnects
// every half second; nothing is dropped silently.
#pragma once

#include "agents/AgentConfig.h"
#include "agents/InferenceThread.h"
#include "agents/InputSource.h"
#include "agents/MetricsPublisher.h"
#include "core/placement/SplitPlanner.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/PeerConnection.h"
#include "models/ModelInput.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace edgegpt {

class DeviceAgent : public QObject
{
    Q_OBJECT
public:
    DeviceAgent(const AgentConfig &config, const Keyring &keys, QObject *parent = nullptr);
    Result<void> start();
    quint16 port() const; // 0 unless it listens for the console
    // Stops taking inputs, reports every request not answered yet as failed with `why`, and
    // prints the summary (SIGTERM).
    void stop(const QString &why);

Q_SIGNALS:
    // The inputs ran out (or --count was reached) and every request is answered or failed.
    void finished(int exitCode);

private:
    struct Outstanding
    {
        DeviceInput input;
        QString split, codec;
        double deviceMs = 0, encodeMs = 0;
        qint64 payloadBytes = 0, wireBytes = 0;
        qint64 sentNs = 0;
    };
    struct HeadOutcome
    {
        bool ok = false;
        QString error;
        QByteArray payload;
        double deviceMs = 0, encodeMs = 0;
        qint64 predicted = -1; // device-only: the answer
    };

    void connectToEdge();
    void onEdgeReady();
    void onEdgeLost(const QString &why);
    void onFrame(const Frame &frame);
    // Whether an input could start now: a split is chosen and the edge is ready (or not needed).
    bool canRun() const;
    void pump();
    void startRequest(DeviceInput input);
    void sendRequest(DeviceInput input, const HeadOutcome &head, const QString &split,
                     const QString &codec);
    void finishRequest(quint32 id, const Frame &frame);
    void failRequest(const DeviceInput &input, const QString &split, const QString &error);
    void checkTimeouts();
    void sendPings();
    void decide(const QString &why);
    // Runs the head and encoder of the split in use once on a blank image, untimed, so that the
    // first request does not pay for loading the part or the codec (both stretched otherwise).
    void warmUp();
    // Measures the input codecs' encode times on this host (CodecCalibration.h) before the first
    // request; inputs wait for it (a few ms).
    void calibrateInputCodecs();
    // A new uplink (from --link-schedule or a console's link-settings frame): applied to the
    // connection in use and to the next ones; reported on stdout and in the log.
    Result<void> setLink(const LinkSettings &link, const QString &source);
    void onConsoleFrame(PeerConnection *peer, const Frame &frame);
    void emitLine(const QJsonObject &o);
    // An answer line (ok or failed) of `input`: printed, and sent to the run it belongs to.
    void emitResult(const DeviceInput &input, const QJsonObject &line);
    void onRunInputs(PeerConnection *peer, const Frame &frame);
    void endRun(bool sendDone);
    void replyStatus(PeerConnection *peer, const Frame &frame);
    // The rate of the inputs now: the run's with --start on-request, else --rate.
    double currentRate() const;
    void maybeFinish();
    void summarise();
    double nowMs() const { return double(m_clock.nsecsElapsed()) / 1e6; }
    // --split and --codec both given: the agent never plans, so nothing waits for the link.
    bool splitIsFixed() const;

    AgentConfig m_config;
    Keyring m_keys;                  // TLS-PSK keys (Keyring.h)
    QString m_modelName, m_modelDir; // the model it runs (AgentConfig::models())
    // --start on-request: the run a console asked for (run-inputs); none while !active.
    struct Run
    {
        bool active = false;
        QPointer<PeerConnection> peer;
        quint32 id = 0;
        qint64 count = 0; // 0: until stop-inputs
        double rate = 0;
        qint64 started = 0, answered = 0, failed = 0;
    };
    Run m_run;
    QTimer m_sourcePoll;         // a watched folder ran out: look again
    QList<double> m_deviceTimes; // device compute of the answers (status-reply)
    std::unique_ptr<InputSource> m_source;
    SplitProfile m_profile;
    InferenceThread *m_inference = nullptr;
    PeerServer *m_server = nullptr; // for the console's metric subscriptions
    MetricsPublisher *m_metrics = nullptr;
    QPointer<PeerConnection> m_edge;
    QTimer m_reconnect, m_timeouts, m_pinger, m_rateTimer;
    QElapsedTimer m_clock;
    LinkRateEstimator m_estimator;
    double m_baseRttMs = -1; // min of recent plain ping round trips
    QList<double> m_rttWindow;
    double m_lastSampleMs = -1e9; // when a request or probe last measured the link
    qint64 m_probeBytes = 0;      // the next probe's minimum size
    double m_decidedAtRate = 0;
    double m_decidedRttMs = -1; // the base round trip the last reported decision planned with
    PlacementChoice m_choice;
    bool m_decided = false;
    bool m_calibrating = false; // calibrateInputCodecs() runs; inputs wait
    bool m_inputsDone = false;
    bool m_busy = false;          // a head job is running
    bool m_headAbandoned = false; // stop() reported the running head job's input already
    bool m_summarised = false;
    DeviceInput m_headInput; // the input of the running head job
    QString m_headSplit;
    int m_started = 0;
    int m_due = 0; // --rate: inputs due and not started yet
    QHash<quint32, Outstanding> m_outstanding;
    QHash<quint32, std::pair<qint64, qint64>> m_pings; // id → (sent ns, padded bytes)
    // Summary.
    int m_answered = 0, m_failed = 0, m_correct = 0, m_labelled = 0;
    QList<double> m_totals;
    double m_bytesSum = 0;
    // The edge connection's wire-byte counter at the last answer (or when it became ready): the
    // next answer's `link_request_bytes` is what was written since (docs/agents.md).
    qint64 m_linkMark = 0;
    QHash<QString, int> m_splitUse;
    QString m_lastEdgeError;
    QStringList m_classNames;    // the model's classes, index → name (model.json)
    ModelInputSpec m_modelInput; // the images the model takes (model.json; warm-up, calibration)
};

} // namespace edgegpt
