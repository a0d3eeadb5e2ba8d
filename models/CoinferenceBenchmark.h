// The paper's co-inference cost table (REFERENCE.md §2), measured on the Fashion-MNIST test set:
// how many bytes one inference sends, and at what accuracy, for
//   1. edge-only with lossless input (the smaller of PNG and zstd of the raw pixels),
//   2. edge-only with lossy input (the JPEG quality whose accuracy loss is closest to 1.3 points),
//   3. client–edge co-inference (the split and feature-codec setting with the fewest bytes whose
//      accuracy stays within 0.3 points of the uncompressed model),
//   4. device-only (only the predicted label is sent).
// It also profiles every split (MACs, head and tail latency on this CPU) and records the full
// sweep of split × codec setting, which placement and the agents read back as the model's profile.
#pragma once

#include "core/codec/FeatureCodec.h"
#include "core/util/Result.h"
#include "models/FashionMnist.h"
#include "models/ModelStore.h"

#include <QJsonObject>
#include <QList>

#include <functional>

namespace edgegpt {

struct CoinferenceOptions
{
    int images = 10000;            // test images used (the first N)
    int threads = 0;               // LibTorch and codec threads for the sweep; 0: every core
    int latencyRuns = 30;          // single-image runs per split for the latency profile (1 thread)
    double accuracyBudget = 0.003; // co-inference may lose at most this much accuracy
    double lossyTargetDrop = 0.013; // the paper's lossy baseline loses 1.3 points
    QList<int> jpegQualities = {5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 95};
};

struct SweepPoint
{
    QString split;
    int splitIndex = 0;
    QString codec;       // FeatureCodecSettings::name(), or "png"/"zstd"/"jpeg-q50" for inputs
    double bytes = 0;    // mean bytes per inference
    double accuracy = 0; // fraction
    double encodeUs = 0; // mean per image, one thread
    double decodeUs = 0;
};

struct SplitProfile
{
    QString name;
    int index = 0;
    QList<qint64> featureShape; // without the batch dimension
    qint64 headMacs = 0;
    qint64 tailMacs = 0;
    double headMs = 0; // median, one image, one thread
    double tailMs = 0;
};

struct SchemeRow
{
    QString scheme; // "lossless", "lossy", "coinference", "device_only"
    double bytes = 0;
    double accuracy = 0;
    QString split; // "input" for edge-only, the last split for device-only
    QString codec;
    double deviceMs = 0; // compute on the device per image: head (or nothing) + encoding
    double edgeMs = 0;   // compute on the edge per image: decoding + tail
};

struct CoinferenceResult
{
    QString model;
    double baselineAccuracy = 0;
    int images = 0;
    int threads = 0;
    QList<SchemeRow> rows;
    QList<SweepPoint> sweep;      // every split × feature codec setting
    QList<SweepPoint> inputSweep; // png, zstd and every JPEG quality
    QList<SplitProfile> profile;

    // {"rows":[{"scheme","bytes","accuracy","split","codec",…}],"baseline_accuracy":…, …}
    QJsonObject toJson() const;
    QString table() const;
    Result<void> writeSweepCsv(const QString &path) const;
    Result<void> writePlot(const QString &path) const;
    // The model's profile (profile.json beside model.pt), read by placement and the agents.
    QJsonObject profileJson() const;
};

// The feature codec settings tried at a split whose feature has `shape` (batch dimension first);
// `zeroThreshold` is the median magnitude of the feature, used for the sparsifying settings.
// unitRange: the feature is a sigmoid code in [0, 1] (the learned bottleneck), so the "unit"
// settings that send no scales are tried too.
QList<FeatureCodecSettings> codecGrid(const QList<qint64> &shape, float zeroThreshold,
                                      bool unitRange = false);

Result<CoinferenceResult>
runCoinferenceBenchmark(StoredModel &model, const ImageSet &test, const CoinferenceOptions &options,
                        const std::function<void(const QString &)> &progress = {});

} // namespace edgegpt
