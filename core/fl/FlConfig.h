// One federated training run's settings (`edgegpt fl run` flags, its --config FILE.json, the
// aggregator's job file and a tuning proposal all read and write this), and the wire messages of
// federated learning: fl-join, fl-round, fl-update (docs/federated.md, docs/protocol.md).
#pragma once

#include "core/fl/FlWeights.h"
#include "core/util/Result.h"

#include <QCborMap>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct FlRunConfig
{
    QString model = QStringLiteral("cnn"); // cnn | mobilenetv2 | resnet18 (| resnet)
    double width = 1.0;                    // width multiplier (mobilenetv2, resnet18; cnn: 1)
    int devices = 3;
    int rounds = 3;
    int samplesPerDevice = 200;
    double alpha = 0.5;
    int localEpochs = 1;
    double lr = 0.05;
    QString optimizer = QStringLiteral("sgd"); // sgd | adam
    int batch = 32;
    quint64 seed = 1;
    int testSamples = 1000;  // the first N images of the test set evaluate the global model
    int roundTimeoutS = 300; // a device that has not answered by then is left out of the round
    QString updateCodec = QStringLiteral("q8-tensor-z3"); // devices' updates; f32-z3: float32
    int minDevices = 1; // reserved: rounds go on with whoever reports
    // Each device weights its local loss by the inverse of its shard's class frequencies (the
    // proposal's "alpha_aware": for label-skewed, small-alpha shards).
    bool classBalanced = false;

    static QStringList models()
    {
        return {QStringLiteral("cnn"), QStringLiteral("mobilenetv2"), QStringLiteral("resnet18"),
                QStringLiteral("resnet")};
    }
    Result<void> validate() const;
    QJsonObject toJson() const;
    // Every key optional (absent: as it is); unknown keys are an error naming them.
    Result<void> applyJson(const QJsonObject &o, const QString &where = QStringLiteral("$"));
    // The ModelSpec text for models/SplitNet ("cnn:none", "mobilenetv2@0.5").
    QString modelSpecText() const;
};

struct FlJoinMessage
{
    QString device;
    qint64 samples = 0;
    QVector<qint64> classCounts;

    QCborMap toCbor() const;
    static Result<FlJoinMessage> fromCbor(const QCborMap &map);
};

// The payload is the global weights (encodeWeightValues, float32 + zstd).
struct FlRoundMessage
{
    int round = 1;
    QString modelSpec; // FlRunConfig::modelSpecText()
    int localEpochs = 1;
    double lr = 0.05;
    QString optimizer = QStringLiteral("sgd");
    int batch = 32;
    quint64 seed = 1;
    QString updateCodec; // the codec the device must send its update with
    bool classBalanced = false;
    WeightLayout layout;

    QCborMap toCbor() const;
    static Result<FlRoundMessage> fromCbor(const QCborMap &map);
};

// The payload is the device's update, its trained weights minus the round's global weights
// (encodeWeightValues with the round's update codec); the request id is the round's.
struct FlUpdateMessage
{
    int round = 1;
    qint64 samples = 0;
    double loss = 0;    // mean training loss of the last local epoch
    double trainMs = 0; // local training time
    QString codec;

    QCborMap toCbor() const;
    static Result<FlUpdateMessage> fromCbor(const QCborMap &map);
};

} // namespace edgegpt
