// EdgeAgent: the edge (or cloud) side of split inference. It serves authenticated peers on its
// port: an infer-request names its model; the edge holds one or several (--models-dir, each
// subfolder a model, and --model-dir), one runtime each; the payload is decoded (SplitCodec), the
// tail of that model runs from the split on the inference thread, and the class with its top-3
// scores and the edge's timings goes back as an infer-result. A request for a model the edge does
// not hold is answered with an error (bad-request), never by another model. A status-request is
// answered with what it served and the models it has loaded. Bad requests get an error answer for
// that request; a bad frame ends only that connection (PeerConnection); too many waiting requests
// are answered "busy". The agent starts and listens without loading the model runtime (LibTorch):
// it loads it and warms the model up when the first device completes its handshake (inference is
// coming then; a deployment's probe or a console is no device), or at the first request; with
// --preload right after it starts listening.
#pragma once

#include "agents/AgentConfig.h"
#include "agents/InferenceThread.h"
#include "agents/MetricsPublisher.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/PeerConnection.h"
#include "models/ModelInput.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

namespace edgegpt {

class EdgeAgent : public QObject
{
    Q_OBJECT
public:
    static constexpr int maxQueuedRequests = 256;

    EdgeAgent(const AgentConfig &config, const Keyring &keys, QObject *parent = nullptr);
    Result<void> start();
    quint16 port() const;
    qint64 served() const { return m_served; }

Q_SIGNALS:
    // The runtime is loaded and the model warmed (ok), or that failed (each request will say why).
    void warmedUp(bool ok);

private:
    void onPeerReady(PeerConnection *peer);
    void onFrame(PeerConnection *peer, const Frame &frame);
    void infer(PeerConnection *peer, const Frame &frame);
    void warmUp(const QStringList &models);
    // The model a request's name means: a held model of that name; else the one held model whose
    // profile.json names it so (a deployment's folder and the profile's name may differ); an
    // empty name while the edge holds one model means that one. Empty when none.
    QString resolveModel(const QString &requested) const;
    void replyStatus(PeerConnection *peer, const Frame &frame);

    AgentConfig m_config;
    PeerServer *m_server;
    InferenceThread *m_inference;
    MetricsPublisher *m_metrics;
    QString m_modelsError;             // AgentConfig::models() failed: start() says why
    QHash<QString, QString> m_aliases; // profile.json "model" -> held model (unique ones only)
    QHash<QString, ModelInputSpec> m_modelInputs; // each held model's input (model.json)
    qint64 m_served = 0;
    qint64 m_failed = 0;
    bool m_warmedUp = false;
    // The live model cache (--cache-mb): its clock (seconds since start, or the requests' trace
    // time, never going back) and the state after the last request, for the metrics.
    QElapsedTimer m_cacheClock;
    double m_cacheTimeS = 0;
    InferenceThread::CacheSnapshot m_cacheSnapshot;
    // The last answers' times at the edge and, as the devices reported them, on the devices.
    QList<double> m_edgeTimes, m_deviceTimes;
};

} // namespace edgegpt
