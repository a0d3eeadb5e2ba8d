// The paper's co-inference cost table (REFERENCE.md §2), measured on the Fashion-MNIST test set
// (or, for a user's TorchScript model, on labelled images of its input shape):
// how many bytes one inference sends (the payload, and on the wire: the infer-request frame's
// header, control map and trailer around it), and at what accuracy, for
//   1. edge-only with lossless input (the smaller of PNG and zstd of the raw pixels),
//   2. edge-only with lossy input (the JPEG quality whose accuracy loss is closest to 1.3 points),
//   3. client–edge co-inference (the split and feature-codec setting with the fewest bytes whose
//      accuracy stays within 0.3 points of the uncompressed model),
//   4. device-only (only the predicted label is sent).
// The settings (which lossless codec, the JPEG quality, the split and codec setting) are chosen on
// a validation set — for Fashion-MNIST the last 5,000 training images, which the project's
// training never uses — and the chosen ones are then measured on the test set, which the table
// reports ("selected_on": "validation"). Without validation images they are chosen on the test
// set itself and the result says so ("selected_on": "test").
// It also profiles every split (MACs, head and tail latency on this CPU) and records the full
// sweep of split × codec setting (on the validation images), which placement and the agents read
// back as the model's profile.
#pragma once

#include "core/codec/FeatureCodec.h"
#include "core/util/Result.h"
#include "models/FashionMnist.h"
#include "models/ModelInput.h"
#include "models/ModelRunner.h"
#include "models/ModelStore.h"

#include <QJsonObject>
#include <QList>

#include <functional>

namespace edgegpt {

struct CoinferenceOptions
{
    int images = 10000; // test images used (the first N)
    // Validation images for choosing the settings (the first N of the validation set); -1: as
    // many as test images, at most 5,000; 0: none (choose on the test set).
    int validationImages = -1;
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
    // How to make it again (not written out): the feature codec settings (at a split), or the
    // input codec (InputCodecKind as int, and its parameter) for split "input".
    FeatureCodecSettings settings;
    int inputKind = -1;
    int inputParam = 0;
};

struct SplitProfile
{
    QString name;
    int index = 0;
    QList<qint64> featureShape; // without the batch dimension
    qint64 headMacs = 0;        // -1: not known (a TorchScript model)
    qint64 tailMacs = 0;
    double headMs = 0; // median, one image, one thread
    double tailMs = 0;
};

struct SchemeRow
{
    QString scheme;   // "lossless", "lossy", "coinference", "device_only"
    double bytes = 0; // payload bytes per inference (mean)
    double accuracy = 0;
    QString split; // "input" for edge-only, the last split for device-only
    QString codec;
    double deviceMs = 0; // compute on the device per image: head (or nothing) + encoding
    double edgeMs = 0;   // compute on the edge per image: decoding + tail
    // What crosses the socket per inference (mean): the payload in its frame — the frame's
    // 24-byte header and 4-byte trailer and the infer-request control map (docs/protocol.md) —
    // plus tlsBytes.
    double wireBytes = 0;
    double controlBytes = 0; // the control map alone
    // TLS record overhead per inference: the agents' connections are TLS (docs/protocol.md), the
    // frame one write: 21 bytes per record of at most 16 KiB (frame_format::tlsRecord…).
    double tlsBytes = 0;
    double validationAccuracy = -1; // on the images the settings were chosen on; -1: not
    double validationBytes = -1;
};

struct CoinferenceResult
{
    QString model;
    QString dataset = QStringLiteral("Fashion-MNIST test images"); // what the images were
    QString input;                                                 // "1×28×28 grey"
    double baselineAccuracy = 0;
    int images = 0;
    int threads = 0;
    // Where the settings were chosen: "validation" (validationDataset, validationImages images)
    // or "test" (no validation images: chosen on the images reported).
    QString selectedOn = QStringLiteral("test");
    QString validationDataset;
    int validationImages = 0;
    double validationBaselineAccuracy = 0;
    QList<SchemeRow> rows;
    QList<SweepPoint> sweep;      // every split × feature codec setting (on selectedOn's images)
    QList<SweepPoint> inputSweep; // png, zstd and every JPEG quality (on selectedOn's images)
    QList<SplitProfile> profile;

    // {"rows":[{"scheme","bytes","accuracy","split","codec",…}],"baseline_accuracy":…, …}
    QJsonObject toJson() const;
    QString table() const;
    Result<void> writeSweepCsv(const QString &path) const;
    Result<void> writePlot(const QString &path) const;
    // The model's profile (profile.json beside model.pt), read by placement and the agents.
    QJsonObject profileJson() const;
    QStringList splitNames() const; // the profiled splits, in order
};

// A model as the benchmark runs it: its splits in order ("input" first, the output last), the
// whole model and the head and tail at a split (by index), the feature shape at each split
// (without the batch dimension) and, where known, the MACs of head and tail.
struct BenchModel
{
    QString name;
    QStringList splits;
    QList<QList<qint64>> featureShapes;
    QList<qint64> headMacs, tailMacs; // per split; empty: not known
    int bottleneckSplit = -1;         // its code lies in [0, 1]
    std::function<torch::Tensor(const torch::Tensor &)> forward;
    std::function<torch::Tensor(const torch::Tensor &, int)> head, tail;
};

// Labelled 8-bit images of one shape (channels interleaved, models/ModelInput.h) and how the
// model normalises them.
struct LabelledImages
{
    QString name; // "Fashion-MNIST test images", "images of DIR"
    int count = 0;
    int channels = 1;
    int height = 0;
    int width = 0;
    std::vector<uint8_t> pixels; // count × height × width × channels
    std::vector<int64_t> labels; // count
    ModelInputSpec input;        // mean and std

    qint64 bytesPerImage() const { return qint64(channels) * height * width; }
    const uint8_t *image(int i) const { return pixels.data() + std::size_t(i) * bytesPerImage(); }
    // N×C×H×W, normalised (a copy).
    torch::Tensor images(int first = 0, int n = -1) const;
    torch::Tensor toInput(const uint8_t *firstImage, int n) const;
    torch::Tensor targets(int first = 0, int n = -1) const;

    static LabelledImages
    fromFashionMnist(const ImageSet &set,
                     const QString &name = QStringLiteral("Fashion-MNIST test images"));
    // FOLDER/<class>/* (png, jpg, jpeg, bmp, pgm) for a model with these classes and input:
    // every subfolder must be one of the classes; images are brought to the model's channels and
    // must be of its size (scaled only when its metadata says "resize": true). The images are
    // taken in turn from each class (file-name order within one), so the first N of them cover
    // the classes evenly; `limit` > 0 keeps the first `limit`.
    static Result<LabelledImages> fromFolder(const QString &folder, const ModelInfo &info,
                                             int limit = 0);
    // Whether `folder` holds a subfolder named after one of `classes`.
    static bool isClassFolder(const QString &folder, const QStringList &classes);
};

// The bytes of the infer-request frame that carries one inference's payload, without the payload:
// 24-byte header, the control map (model, split, codec and the sender's two timings) and 4-byte
// trailer (docs/protocol.md).
qint64 requestFrameOverhead(const QString &model, const QString &split, const QString &codec,
                            double deviceComputeMs, double encodeMs);

// The feature codec settings tried at a split whose feature has `shape` (batch dimension first);
// `zeroThreshold` is the median magnitude of the feature, used for the sparsifying settings.
// unitRange: the feature is a sigmoid code in [0, 1] (the learned bottleneck), so the "unit"
// settings that send no scales are tried too.
QList<FeatureCodecSettings> codecGrid(const QList<qint64> &shape, float zeroThreshold,
                                      bool unitRange = false);

// `validation`: the images to choose the settings on (FashionMnist::loadValidation), or null to
// choose them on `test`.
Result<CoinferenceResult>
runCoinferenceBenchmark(StoredModel &model, const ImageSet &test, const ImageSet *validation,
                        const CoinferenceOptions &options,
                        const std::function<void(const QString &)> &progress = {});
// The model of a directory that ModelRunner runs (a user's TorchScript model): the splits whose
// head and tail it holds (ModelRunner::runnableSplits), the feature shapes measured on
// `sample`'s first image and checked against the metadata's. `runner` must outlive the result.
Result<BenchModel> benchModelOf(ModelRunner &runner, const LabelledImages &sample);
// Any model: a user's TorchScript model (ModelRunner) on labelled images of its input shape.
Result<CoinferenceResult>
runCoinferenceBenchmark(const BenchModel &model, const LabelledImages &test,
                        const LabelledImages *validation, const CoinferenceOptions &options,
                        const std::function<void(const QString &)> &progress = {});

} // namespace edgegpt
