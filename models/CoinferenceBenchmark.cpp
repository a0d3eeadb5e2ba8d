#include "models/CoinferenceBenchmark.h"

#include "core/codec/InputCodec.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Messages.h"
#include "core/report/PlotImage.h"
#include "core/util/Stats.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QSaveFile>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

namespace edgegpt {

namespace {

constexpr int kChunk = 1000; // images per batch through the network: bounds memory

// Runs body(begin, end, worker) over [0, n) in `threads` contiguous slices.
void parallelFor(int n, int threads, const std::function<void(int, int, int)> &body)
{
    threads = std::max(1, std::min(threads, n));
    if (threads == 1) {
        body(0, n, 0);
        return;
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        const int begin = int(qint64(n) * t / threads);
        const int end = int(qint64(n) * (t + 1) / threads);
        pool.emplace_back(body, begin, end, t);
    }
    for (std::thread &th : pool)
        th.join();
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

int64_t correctCount(const torch::Tensor &logits, const torch::Tensor &targets)
{
    return logits.argmax(1).eq(targets).sum().item<int64_t>();
}

// Accuracy of the whole model on decoded 8-bit images.
double accuracyOnPixels(const BenchModel &net, const std::vector<uint8_t> &pixels,
                        const LabelledImages &test, int n)
{
    int64_t correct = 0;
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        const uint8_t *p = pixels.data() + std::size_t(first) * test.bytesPerImage();
        correct += correctCount(net.forward(test.toInput(p, m)), test.targets(first, m));
    }
    return double(correct) / n;
}

struct InputMeasurement
{
    SweepPoint point;
    std::vector<uint8_t> decoded;
    QString error;
};

InputMeasurement measureInputCodec(const LabelledImages &test, int n, int threads,
                                   InputCodecKind kind, int param)
{
    InputMeasurement m;
    const qint64 pixelsPerImage = test.bytesPerImage();
    m.decoded.resize(std::size_t(n) * pixelsPerImage);
    std::vector<qint64> bytes(std::size_t(threads), 0), encNs(std::size_t(threads), 0),
        decNs(std::size_t(threads), 0);
    std::vector<QString> errors(static_cast<std::size_t>(threads));
    parallelFor(n, threads, [&](int begin, int end, int worker) {
        for (int i = begin; i < end; ++i) {
            const qint64 t0 = nowNs();
            const QByteArray encoded = encodeImagePayload(test.image(i), test.width, test.height,
                                                          test.channels, kind, param);
            const qint64 t1 = nowNs();
            const Result<GrayImage> decoded = decodeImagePayload(encoded, kind, test.channels);
            const qint64 t2 = nowNs();
            if (!decoded || decoded->width != test.width || decoded->height != test.height) {
                errors[std::size_t(worker)] =
                    decoded ? QStringLiteral("wrong size") : decoded.error();
                return;
            }
            std::copy(decoded->pixels.begin(), decoded->pixels.end(),
                      m.decoded.begin() + std::ptrdiff_t(i) * pixelsPerImage);
            bytes[std::size_t(worker)] += encoded.size();
            encNs[std::size_t(worker)] += t1 - t0;
            decNs[std::size_t(worker)] += t2 - t1;
        }
    });
    for (const QString &e : errors)
        if (!e.isEmpty())
            m.error = QStringLiteral("%1 input codec: %2").arg(InputCodec::kindName(kind), e);
    qint64 b = 0, e = 0, d = 0;
    for (int t = 0; t < threads; ++t) {
        b += bytes[std::size_t(t)];
        e += encNs[std::size_t(t)];
        d += decNs[std::size_t(t)];
    }
    m.point.split = QStringLiteral("input");
    m.point.codec = kind == InputCodecKind::Jpeg ? QStringLiteral("jpeg-q%1").arg(param)
                                                 : InputCodec::kindName(kind);
    m.point.bytes = double(b) / n;
    m.point.encodeUs = e / 1000.0 / n;
    m.point.decodeUs = d / 1000.0 / n;
    return m;
}

QList<qint64> toList(const std::vector<int64_t> &v)
{
    return QList<qint64>(v.begin(), v.end());
}

Result<CoinferenceResult> runBenchmark(const BenchModel &net, const LabelledImages &test,
                                       const LabelledImages *validation,
                                       const CoinferenceOptions &options,
                                       const std::function<void(const QString &)> &progress);

} // namespace

QList<FeatureCodecSettings> codecGrid(const QList<qint64> &shape, float zeroThreshold,
                                      bool unitRange)
{
    QList<FeatureCodecSettings> grid;
    for (int level : {0, 3}) {
        FeatureCodecSettings raw;
        raw.bits = 32;
        raw.zstdLevel = level;
        grid << raw;
    }
    const bool channels = shape.size() >= 2 && shape.at(1) > 1;
    for (int bits : {8, 6, 4, 2}) {
        if (!unitRange)
            break;
        for (int level : {0, 3}) {
            FeatureCodecSettings s;
            s.bits = bits;
            s.unitRange = true;
            s.zstdLevel = level;
            grid << s;
        }
    }
    for (int bits : {8, 6, 4, 2})
        for (bool perChannel : {false, true}) {
            if (perChannel && !channels)
                continue;
            for (float zero : {0.0f, zeroThreshold}) {
                if (zero > 0 && !(zeroThreshold > 0))
                    continue;
                for (int level : {0, 3}) {
                    FeatureCodecSettings s;
                    s.bits = bits;
                    s.perChannel = perChannel;
                    s.zeroBelow = zero;
                    s.zstdLevel = level;
                    grid << s;
                }
            }
        }
    return grid;
}

Result<CoinferenceResult>
runCoinferenceBenchmark(StoredModel &model, const ImageSet &test, const ImageSet *validation,
                        const CoinferenceOptions &options,
                        const std::function<void(const QString &)> &progress)
{
    SplitNet &net = model.net;
    net->eval();
    BenchModel bench;
    bench.name = model.meta.value(QStringLiteral("name")).toString();
    bench.splits = net->splitNames();
    for (const auto &shape : net->featureShapes())
        bench.featureShapes << toList(shape);
    const std::vector<BlockCost> costs = net->costs();
    qint64 headMacs = 0, totalMacs = 0;
    for (const BlockCost &c : costs)
        totalMacs += c.macs;
    for (int s = 0; s <= net->blockCount(); ++s) {
        if (s > 0)
            headMacs += costs.at(std::size_t(s - 1)).macs;
        bench.headMacs << headMacs;
        bench.tailMacs << totalMacs - headMacs;
    }
    bench.bottleneckSplit = net->bottleneckSplit();
    bench.forward = [net](const torch::Tensor &x) mutable { return net->forward(x); };
    bench.head = [net](const torch::Tensor &x, int s) mutable { return net->head(x, s); };
    bench.tail = [net](const torch::Tensor &f, int s) mutable { return net->tail(f, s); };
    if (!validation)
        return runCoinferenceBenchmark(bench, LabelledImages::fromFashionMnist(test), nullptr,
                                       options, progress);
    const LabelledImages v = LabelledImages::fromFashionMnist(
        *validation, QStringLiteral("Fashion-MNIST validation images (the last %1 training "
                                    "images)")
                         .arg(FashionMnist::validationImages));
    return runCoinferenceBenchmark(bench, LabelledImages::fromFashionMnist(test), &v, options,
                                   progress);
}

Result<CoinferenceResult>
runCoinferenceBenchmark(const BenchModel &model, const LabelledImages &test,
                        const LabelledImages *validation, const CoinferenceOptions &options,
                        const std::function<void(const QString &)> &progress)
{
    try {
        return runBenchmark(model, test, validation, options, progress);
    } catch (const std::exception &e) {
        return Result<CoinferenceResult>::failure(
            QStringLiteral("the benchmark failed: %1")
                .arg(QString::fromUtf8(e.what()).section(QLatin1Char('\n'), 0, 0)));
    }
}

namespace {

double modelAccuracy(const BenchModel &net, const LabelledImages &images, int n)
{
    int64_t correct = 0;
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        correct += correctCount(net.forward(images.images(first, m)), images.targets(first, m));
    }
    return double(correct) / n;
}

// One input codec on the first n images: bytes, times and (for a lossy one) the accuracy of the
// model on what it decodes; a lossless one must give back the pixels exactly.
Result<SweepPoint> inputPoint(const BenchModel &net, const LabelledImages &images, int n,
                              int threads, InputCodecKind kind, int param, double baseline)
{
    InputMeasurement m = measureInputCodec(images, n, threads, kind, param);
    if (!m.error.isEmpty())
        return Result<SweepPoint>::failure(m.error);
    m.point.inputKind = int(kind);
    m.point.inputParam = param;
    if (kind == InputCodecKind::Jpeg) {
        m.point.accuracy = accuracyOnPixels(net, m.decoded, images, n);
    } else {
        if (!std::equal(m.decoded.begin(), m.decoded.end(), images.pixels.begin()))
            return Result<SweepPoint>::failure(
                QStringLiteral("the %1 codec did not give back the same pixels")
                    .arg(m.point.codec));
        m.point.accuracy = baseline; // identical pixels, identical predictions
    }
    return m.point;
}

// Every setting of `grid` at split s on the first n images: bytes, accuracy and codec times.
Result<QList<SweepPoint>> featurePoints(const BenchModel &net, const LabelledImages &images, int n,
                                        int threads, int s, const QList<FeatureCodecSettings> &grid)
{
    using R = Result<QList<SweepPoint>>;
    const QString splitName = net.splits.at(s);
    QList<qint64> shape{1};
    shape += net.featureShapes.value(s);
    qint64 perImage = 1;
    for (qint64 d : shape)
        perImage *= d;
    std::vector<qint64> bytes(std::size_t(grid.size()), 0), encNs(std::size_t(grid.size()), 0),
        decNs(std::size_t(grid.size()), 0), right(std::size_t(grid.size()), 0);
    for (int first = 0; first < n; first += kChunk) {
        const int m = std::min(kChunk, n - first);
        const torch::Tensor features =
            net.head(images.images(first, m), s).contiguous().to(torch::kFloat32);
        if (features.numel() != m * perImage)
            return R::failure(QStringLiteral("the head at %1 gives %2 values per image, its "
                                             "feature shape says %3")
                                  .arg(splitName)
                                  .arg(features.numel() / std::max(1, m))
                                  .arg(perImage));
        const float *data = features.data_ptr<float>();
        const torch::Tensor targets = images.targets(first, m);
        for (int k = 0; k < grid.size(); ++k) {
            std::vector<float> decoded(std::size_t(m) * perImage);
            std::vector<qint64> b(std::size_t(threads), 0), e(std::size_t(threads), 0),
                d(std::size_t(threads), 0);
            std::atomic<bool> failed{false};
            QString error;
            parallelFor(m, threads, [&](int begin, int end, int worker) {
                for (int i = begin; i < end; ++i) {
                    const qint64 t0 = nowNs();
                    const QByteArray encoded = FeatureCodec::encode(
                        data + std::ptrdiff_t(i) * perImage,
                        QVector<qint64>(shape.begin(), shape.end()), grid.at(k));
                    const qint64 t1 = nowNs();
                    Result<DecodedFeature> f = FeatureCodec::decode(encoded);
                    const qint64 t2 = nowNs();
                    if (!f || qint64(f->values.size()) != perImage) {
                        if (!failed.exchange(true))
                            error = f ? QStringLiteral("wrong size") : f.error();
                        return;
                    }
                    std::copy(f->values.begin(), f->values.end(),
                              decoded.begin() + std::ptrdiff_t(i) * perImage);
                    b[std::size_t(worker)] += encoded.size();
                    e[std::size_t(worker)] += t1 - t0;
                    d[std::size_t(worker)] += t2 - t1;
                }
            });
            if (failed)
                return R::failure(QStringLiteral("feature codec %1 at %2: %3")
                                      .arg(grid.at(k).name(), splitName, error));
            for (int t = 0; t < threads; ++t) {
                bytes[std::size_t(k)] += b[std::size_t(t)];
                encNs[std::size_t(k)] += e[std::size_t(t)];
                decNs[std::size_t(k)] += d[std::size_t(t)];
            }
            std::vector<int64_t> batchShape(features.sizes().begin(), features.sizes().end());
            const torch::Tensor restored =
                torch::from_blob(decoded.data(), batchShape, torch::kFloat32);
            right[std::size_t(k)] += correctCount(net.tail(restored, s), targets);
        }
    }
    QList<SweepPoint> points;
    for (int k = 0; k < grid.size(); ++k) {
        SweepPoint p;
        p.split = splitName;
        p.splitIndex = s;
        p.codec = grid.at(k).name();
        p.settings = grid.at(k);
        p.bytes = double(bytes[std::size_t(k)]) / n;
        p.accuracy = double(right[std::size_t(k)]) / n;
        p.encodeUs = encNs[std::size_t(k)] / 1000.0 / n;
        p.decodeUs = decNs[std::size_t(k)] / 1000.0 / n;
        points << p;
    }
    return points;
}

Result<CoinferenceResult> runBenchmark(const BenchModel &net, const LabelledImages &test,
                                       const LabelledImages *validation,
                                       const CoinferenceOptions &options,
                                       const std::function<void(const QString &)> &progress)
{
    using R = Result<CoinferenceResult>;
    auto say = [&](const QString &s) {
        if (progress)
            progress(s);
    };
    const int n = std::min(options.images, test.count);
    if (n < 1)
        return R::failure(QStringLiteral("no test images"));
    const int threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    torch::NoGradGuard noGrad;
    torch::set_num_threads(threads);

    CoinferenceResult result;
    result.model = net.name;
    result.dataset = test.name;
    result.input = QStringLiteral("%1×%2×%3 %4")
                       .arg(test.channels)
                       .arg(test.height)
                       .arg(test.width)
                       .arg(test.channels == 1 ? QStringLiteral("grey") : QStringLiteral("RGB"));
    result.images = n;
    result.threads = threads;

    // Where the settings are chosen: the validation images, else the test images themselves.
    const int wantValidation =
        options.validationImages < 0 ? std::min(n, 5000) : options.validationImages;
    const bool onValidation = validation && validation->count > 0 && wantValidation > 0;
    const LabelledImages &sel = onValidation ? *validation : test;
    const int nSel = onValidation ? std::min(wantValidation, validation->count) : n;
    result.selectedOn = onValidation ? QStringLiteral("validation") : QStringLiteral("test");
    result.validationDataset = sel.name;
    result.validationImages = nSel;

    // The uncompressed model.
    result.baselineAccuracy = modelAccuracy(net, test, n);
    result.validationBaselineAccuracy =
        onValidation ? modelAccuracy(net, sel, nSel) : result.baselineAccuracy;
    say(QStringLiteral("uncompressed model: %1% on %2 test images")
            .arg(result.baselineAccuracy * 100, 0, 'f', 2)
            .arg(n));
    if (onValidation)
        say(QStringLiteral("settings chosen on %1 %2 (uncompressed model: %3%)")
                .arg(nSel)
                .arg(sel.name)
                .arg(result.validationBaselineAccuracy * 100, 0, 'f', 2));
    else
        say(QStringLiteral("no validation images: settings chosen on the test images reported"));
    const double selBaseline = result.validationBaselineAccuracy;

    // Latency of every split, one image at a time on one thread (a device runs one request).
    torch::set_num_threads(1);
    const torch::Tensor one = test.images(0, 1);
    const int blocks = int(net.splits.size()) - 1;
    for (int s = 0; s <= blocks; ++s) {
        QList<double> headMs, tailMs; // median() from core/util/Stats.h
        for (int r = 0; r < options.latencyRuns + 3; ++r) {
            QElapsedTimer t;
            t.start();
            const torch::Tensor f = net.head(one, s);
            const double h = t.nsecsElapsed() / 1e6;
            t.restart();
            net.tail(f, s);
            const double tl = t.nsecsElapsed() / 1e6;
            if (r >= 3) { // the first runs warm the allocator and caches
                headMs.push_back(h);
                tailMs.push_back(tl);
            }
        }
        SplitProfile p;
        p.name = net.splits.at(s);
        p.index = s;
        p.featureShape = net.featureShapes.value(s);
        p.headMacs = net.headMacs.value(s, -1);
        p.tailMacs = net.tailMacs.value(s, -1);
        p.headMs = median(headMs);
        p.tailMs = median(tailMs);
        result.profile << p;
    }
    torch::set_num_threads(threads);

    // Edge-only: the input, lossless and lossy, swept on the selection images.
    SweepPoint lossless;
    for (InputCodecKind kind : {InputCodecKind::Png, InputCodecKind::ZstdRaw}) {
        const Result<SweepPoint> point = inputPoint(
            net, sel, nSel, threads, kind, kind == InputCodecKind::ZstdRaw ? 19 : 0, selBaseline);
        if (!point)
            return R::failure(point.error());
        result.inputSweep << *point;
        if (lossless.codec.isEmpty() || point->bytes < lossless.bytes)
            lossless = *point;
    }
    SweepPoint lossy;
    if (InputCodec::hasJpegSupport()) {
        for (int q : options.jpegQualities) {
            const Result<SweepPoint> point =
                inputPoint(net, sel, nSel, threads, InputCodecKind::Jpeg, q, selBaseline);
            if (!point)
                return R::failure(point.error());
            result.inputSweep << *point;
            const double drop = selBaseline - point->accuracy;
            if (lossy.codec.isEmpty() ||
                std::abs(drop - options.lossyTargetDrop) <
                    std::abs(selBaseline - lossy.accuracy - options.lossyTargetDrop))
                lossy = *point;
        }
        say(QStringLiteral("inputs: lossless %1 B (%2), lossy %3 B (%4)")
                .arg(lossless.bytes, 0, 'f', 1)
                .arg(lossless.codec)
                .arg(lossy.bytes, 0, 'f', 1)
                .arg(lossy.codec));
    }

    // Co-inference: every inner split × every codec setting.
    for (int s = 1; s < blocks; ++s) {
        // The sparsifying settings zero what is below the feature's median magnitude.
        const torch::Tensor sample = net.head(sel.images(0, std::min(nSel, 500)), s);
        const float zeroThreshold = sample.abs().flatten().median().item<float>();
        QList<qint64> shape{1};
        shape += net.featureShapes.value(s);
        // The bottleneck's encoder ends in a sigmoid: its code is known to lie in [0, 1].
        const QList<FeatureCodecSettings> grid =
            codecGrid(shape, zeroThreshold, s == net.bottleneckSplit);
        const Result<QList<SweepPoint>> points = featurePoints(net, sel, nSel, threads, s, grid);
        if (!points)
            return R::failure(points.error());
        result.sweep += *points;
        say(QStringLiteral("split %1: %2 codec settings measured")
                .arg(net.splits.at(s))
                .arg(grid.size()));
    }
    const SweepPoint *bestSel = nullptr;
    for (const SweepPoint &p : result.sweep)
        if (p.accuracy >= selBaseline - options.accuracyBudget - 1e-12 &&
            (!bestSel || p.bytes < bestSel->bytes))
            bestSel = &p;

    // The chosen settings, measured on the test images (on the same images when chosen there).
    auto onTest = [&](const SweepPoint &chosen) -> Result<SweepPoint> {
        if (!onValidation)
            return chosen;
        Result<SweepPoint> point =
            chosen.split == QLatin1String("input")
                ? inputPoint(net, test, n, threads, InputCodecKind(chosen.inputKind),
                             chosen.inputParam, result.baselineAccuracy)
                : [&]() -> Result<SweepPoint> {
            const Result<QList<SweepPoint>> p =
                featurePoints(net, test, n, threads, chosen.splitIndex, {chosen.settings});
            if (!p)
                return Result<SweepPoint>::failure(p.error());
            return p->first();
        }();
        return point;
    };

    // The four schemes.
    const SplitProfile &whole = result.profile.first(); // split 0: everything on the edge
    const SplitProfile &device = result.profile.last();
    auto row = [&](const QString &scheme, const SweepPoint &chosen, double deviceMs,
                   double edgeMs) -> Result<SchemeRow> {
        const Result<SweepPoint> t = onTest(chosen);
        if (!t)
            return Result<SchemeRow>::failure(t.error());
        SchemeRow r{scheme, t->bytes, t->accuracy, t->split, t->codec, deviceMs, edgeMs};
        r.validationAccuracy = onValidation ? chosen.accuracy : -1;
        r.validationBytes = onValidation ? chosen.bytes : -1;
        return r;
    };
    const Result<SchemeRow> losslessRow =
        row(QStringLiteral("lossless"), lossless, lossless.encodeUs / 1000,
            lossless.decodeUs / 1000 + whole.tailMs);
    if (!losslessRow)
        return R::failure(losslessRow.error());
    result.rows << *losslessRow;
    if (!lossy.codec.isEmpty()) {
        const Result<SchemeRow> r = row(QStringLiteral("lossy"), lossy, lossy.encodeUs / 1000,
                                        lossy.decodeUs / 1000 + whole.tailMs);
        if (!r)
            return R::failure(r.error());
        result.rows << *r;
    }
    if (bestSel) {
        const SplitProfile &sp = result.profile.at(bestSel->splitIndex);
        const Result<SchemeRow> r =
            row(QStringLiteral("coinference"), *bestSel, sp.headMs + bestSel->encodeUs / 1000,
                bestSel->decodeUs / 1000 + sp.tailMs);
        if (!r)
            return R::failure(r.error());
        result.rows << *r;
    }
    SchemeRow deviceOnly{QStringLiteral("device_only"),
                         1,
                         result.baselineAccuracy,
                         device.name,
                         QStringLiteral("label"),
                         device.headMs,
                         0};
    deviceOnly.validationAccuracy = onValidation ? selBaseline : -1;
    deviceOnly.validationBytes = onValidation ? 1 : -1;
    result.rows << deviceOnly;

    // On the wire: each payload in its infer-request frame (device-only: the 1-byte label in a
    // frame with an empty control map, as a result reported to whoever asked).
    for (SchemeRow &r : result.rows) {
        qint64 overhead = frame_format::overheadBytes;
        if (r.scheme != QLatin1String("device_only")) {
            // The device's two stamps as it would send them: the head's compute and the encode.
            const int at = std::max(0, int(net.splits.indexOf(r.split)));
            const double headMs =
                r.split == QLatin1String("input") ? -1 : result.profile.at(at).headMs;
            const double encodeMs = r.deviceMs - std::max(0.0, headMs);
            overhead = requestFrameOverhead(result.model, r.split, r.codec, headMs, encodeMs);
        }
        r.controlBytes = double(overhead - frame_format::overheadBytes);
        // The frame as one write on the agents' TLS connection: its records' headers and tags.
        const double frame = r.bytes + double(overhead);
        r.tlsBytes = frame_format::tlsRecordOverheadBytes *
                     std::max(1.0, std::ceil(frame / frame_format::tlsRecordMaxPlaintext));
        r.wireBytes = frame + r.tlsBytes;
    }
    return result;
}

} // namespace

qint64 requestFrameOverhead(const QString &model, const QString &split, const QString &codec,
                            double deviceComputeMs, double encodeMs)
{
    InferRequestMessage m;
    m.model = model;
    m.split = split;
    m.codec = codec;
    m.deviceComputeMs = deviceComputeMs;
    m.encodeMs = encodeMs;
    Frame f;
    f.type = FrameType::InferRequest;
    f.requestId = 1;
    f.control = m.toCbor();
    const Result<QByteArray> bytes = encodeFrame(f);
    return bytes ? qint64(bytes->size()) : 0;
}

QJsonObject CoinferenceResult::toJson() const
{
    QJsonArray rowArray;
    double losslessBytes = 0, losslessWire = 0;
    for (const SchemeRow &r : rows)
        if (r.scheme == QLatin1String("lossless")) {
            losslessBytes = r.bytes;
            losslessWire = r.wireBytes;
        }
    for (const SchemeRow &r : rows) {
        QJsonObject o{
            {QStringLiteral("scheme"), r.scheme},
            {QStringLiteral("bytes"), r.bytes},
            {QStringLiteral("payload_bytes"), r.bytes},
            {QStringLiteral("wire_bytes"), r.wireBytes},
            {QStringLiteral("control_bytes"), r.controlBytes},
            {QStringLiteral("frame_bytes"), frame_format::overheadBytes},
            {QStringLiteral("tls_bytes"), r.tlsBytes},
            {QStringLiteral("accuracy"), r.accuracy},
            {QStringLiteral("split"), r.split},
            {QStringLiteral("codec"), r.codec},
            {QStringLiteral("device_ms"), r.deviceMs},
            {QStringLiteral("edge_ms"), r.edgeMs},
            {QStringLiteral("saving_vs_lossless"), r.bytes > 0 ? losslessBytes / r.bytes : 0.0},
            {QStringLiteral("wire_saving_vs_lossless"),
             r.wireBytes > 0 ? losslessWire / r.wireBytes : 0.0}};
        if (r.validationAccuracy >= 0) {
            o.insert(QStringLiteral("validation_accuracy"), r.validationAccuracy);
            o.insert(QStringLiteral("validation_bytes"), r.validationBytes);
        }
        rowArray.append(o);
    }
    QJsonObject o{{QStringLiteral("rows"), rowArray},
                  {QStringLiteral("baseline_accuracy"), baselineAccuracy},
                  {QStringLiteral("model"), model},
                  {QStringLiteral("images"), images},
                  {QStringLiteral("threads"), threads},
                  {QStringLiteral("dataset"), dataset},
                  {QStringLiteral("input"), input},
                  {QStringLiteral("splits"), QJsonArray::fromStringList(splitNames())},
                  {QStringLiteral("selected_on"), selectedOn},
                  {QStringLiteral("transport"), QStringLiteral("tls")},
                  {QStringLiteral("emulated"), false}};
    if (selectedOn == QLatin1String("validation")) {
        o.insert(QStringLiteral("validation_dataset"), validationDataset);
        o.insert(QStringLiteral("validation_images"), validationImages);
        o.insert(QStringLiteral("validation_baseline_accuracy"), validationBaselineAccuracy);
    }
    return o;
}

QString CoinferenceResult::table() const
{
    double losslessBytes = 0, losslessWire = 0;
    for (const SchemeRow &r : rows)
        if (r.scheme == QLatin1String("lossless")) {
            losslessBytes = r.bytes;
            losslessWire = r.wireBytes;
        }
    QString t = QStringLiteral("Co-inference cost, %1 on %2 %3 (uncompressed model: %4%)\n")
                    .arg(model)
                    .arg(images)
                    .arg(dataset)
                    .arg(baselineAccuracy * 100, 0, 'f', 2);
    t += selectedOn == QLatin1String("validation")
             ? QStringLiteral("settings selected on validation: %1 %2 (uncompressed model: "
                              "%3%); figures below on the test images\n\n")
                   .arg(validationImages)
                   .arg(validationDataset)
                   .arg(validationBaselineAccuracy * 100, 0, 'f', 2)
             : QStringLiteral("settings selected on test: no validation images, so the figures "
                              "below are on the images they were chosen on\n\n");
    t += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
             .arg(QStringLiteral("scheme"), -12)
             .arg(QStringLiteral("payload B"), 10)
             .arg(QStringLiteral("saving"), 8)
             .arg(QStringLiteral("wire B"), 8)
             .arg(QStringLiteral("saving"), 8)
             .arg(QStringLiteral("accuracy"), 9)
             .arg(QStringLiteral("Δ points"), 9)
             .arg(QStringLiteral("split · codec"), -26)
             .arg(QStringLiteral("device ms"), 10)
             .arg(QStringLiteral("edge ms"), 8);
    for (const SchemeRow &r : rows)
        t += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10\n")
                 .arg(r.scheme, -12)
                 .arg(r.bytes, 10, 'f', 1)
                 .arg(QStringLiteral("%1×").arg(losslessBytes / std::max(r.bytes, 1e-9), 0, 'f', 1),
                      8)
                 .arg(r.wireBytes, 8, 'f', 1)
                 .arg(QStringLiteral("%1×").arg(losslessWire / std::max(r.wireBytes, 1e-9), 0, 'f',
                                                1),
                      8)
                 .arg(QStringLiteral("%1%").arg(r.accuracy * 100, 0, 'f', 2), 9)
                 .arg((r.accuracy - baselineAccuracy) * 100, 9, 'f', 2)
                 .arg(r.split + QStringLiteral(" · ") + r.codec, -26)
                 .arg(r.deviceMs, 10, 'f', 3)
                 .arg(r.edgeMs, 8, 'f', 3);
    t += QStringLiteral("\nwire B: the payload in its infer-request frame (24-byte header, control "
                        "map, 4-byte trailer) and its TLS record (%1 bytes: the agents' "
                        "connections are TLS); device-only: the label in a frame.\ncompute "
                        "times: medians of single-image runs on this CPU, 1 thread (not "
                        "emulated); codec times are means.\n")
             .arg(frame_format::tlsRecordOverheadBytes);
    return t;
}

Result<void> CoinferenceResult::writeSweepCsv(const QString &path) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text))
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(path));
    f.write("split,split_index,codec,bytes,accuracy,encode_us,decode_us\n");
    for (const QList<SweepPoint> *list : {&inputSweep, &sweep})
        for (const SweepPoint &p : *list)
            f.write(QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                        .arg(p.split)
                        .arg(p.splitIndex)
                        .arg(p.codec)
                        .arg(p.bytes, 0, 'f', 2)
                        .arg(p.accuracy, 0, 'f', 4)
                        .arg(p.encodeUs, 0, 'f', 2)
                        .arg(p.decodeUs, 0, 'f', 2)
                        .toUtf8());
    if (!f.commit())
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(path));
    return {};
}

Result<void> CoinferenceResult::writePlot(const QString &path) const
{
    PlotSpec spec;
    spec.title =
        QStringLiteral("Payload bytes per inference against accuracy — %1, %2")
            .arg(model, selectedOn == QLatin1String("validation") ? validationDataset : dataset);
    spec.xLabel = QStringLiteral("mean bytes per inference (log scale)");
    spec.yLabel = QStringLiteral("test accuracy (%)");
    spec.logX = true;
    QMap<int, PlotSeries> bySplit;
    for (const SweepPoint &p : sweep) {
        PlotSeries &s = bySplit[p.splitIndex];
        s.name = QStringLiteral("split after %1").arg(p.split);
        s.points << QPointF(p.bytes, p.accuracy * 100);
    }
    PlotSeries jpeg;
    jpeg.name = QStringLiteral("JPEG input");
    jpeg.lines = true;
    PlotSeries lossless;
    lossless.name = QStringLiteral("lossless input");
    lossless.radius = 6;
    for (const SweepPoint &p : inputSweep)
        (p.codec.startsWith(QLatin1String("jpeg")) ? jpeg : lossless).points
            << QPointF(p.bytes, p.accuracy * 100);
    std::sort(jpeg.points.begin(), jpeg.points.end(),
              [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
    for (const PlotSeries &s : bySplit)
        spec.series << s;
    spec.series << jpeg << lossless;
    for (const SchemeRow &r : rows)
        if (r.scheme != QLatin1String("device_only"))
            spec.labels << PlotLabel{QPointF(r.bytes, r.accuracy * 100), r.scheme};
    return writePlotPng(spec, path);
}

QJsonObject CoinferenceResult::profileJson() const
{
    QJsonArray splits;
    for (const SplitProfile &p : profile) {
        QJsonArray shape;
        for (qint64 d : p.featureShape)
            shape.append(d);
        QJsonArray codecs;
        for (const SweepPoint &s : sweep)
            if (s.splitIndex == p.index)
                codecs.append(QJsonObject{{QStringLiteral("codec"), s.codec},
                                          {QStringLiteral("bytes"), s.bytes},
                                          {QStringLiteral("accuracy"), s.accuracy},
                                          {QStringLiteral("encode_us"), s.encodeUs},
                                          {QStringLiteral("decode_us"), s.decodeUs}});
        if (p.index == 0)
            for (const SweepPoint &s : inputSweep)
                codecs.append(QJsonObject{{QStringLiteral("codec"), s.codec},
                                          {QStringLiteral("bytes"), s.bytes},
                                          {QStringLiteral("accuracy"), s.accuracy},
                                          {QStringLiteral("encode_us"), s.encodeUs},
                                          {QStringLiteral("decode_us"), s.decodeUs}});
        QJsonObject split{
            {QStringLiteral("name"), p.name},         {QStringLiteral("index"), p.index},
            {QStringLiteral("feature_shape"), shape}, {QStringLiteral("head_ms"), p.headMs},
            {QStringLiteral("tail_ms"), p.tailMs},    {QStringLiteral("codecs"), codecs}};
        if (p.headMacs >= 0 && p.tailMacs >= 0) { // not known for a TorchScript model
            split.insert(QStringLiteral("head_macs"), p.headMacs);
            split.insert(QStringLiteral("tail_macs"), p.tailMacs);
        }
        splits.append(split);
    }
    return {{QStringLiteral("format"), QStringLiteral("edgegpt-profile")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("model"), model},
            {QStringLiteral("baseline_accuracy"), validationBaselineAccuracy},
            {QStringLiteral("images"), validationImages},
            {QStringLiteral("latency_threads"), 1},
            {QStringLiteral("dataset"), validationDataset},
            {QStringLiteral("measured_on"), selectedOn},
            {QStringLiteral("input"), input},
            {QStringLiteral("splits"), splits}};
}

QStringList CoinferenceResult::splitNames() const
{
    QStringList names;
    for (const SplitProfile &p : profile)
        names << p.name;
    return names;
}

torch::Tensor LabelledImages::toInput(const uint8_t *firstImage, int n) const
{
    const torch::Tensor bytes = channels == 1
                                    ? torch::from_blob(const_cast<uint8_t *>(firstImage),
                                                       {n, 1, height, width}, torch::kUInt8)
                                    : imagesToTensor(firstImage, n, channels, height, width);
    return normaliseForModel(bytes, input); // a copy: does not alias `pixels`
}

torch::Tensor LabelledImages::images(int first, int n) const
{
    if (n < 0)
        n = count - first;
    return toInput(image(first), n);
}

torch::Tensor LabelledImages::targets(int first, int n) const
{
    if (n < 0)
        n = count - first;
    return torch::from_blob(const_cast<int64_t *>(labels.data() + first), {n}, torch::kInt64)
        .clone();
}

LabelledImages LabelledImages::fromFashionMnist(const ImageSet &set, const QString &name)
{
    LabelledImages images;
    images.name = name;
    images.count = set.count;
    images.channels = 1;
    images.height = set.rows;
    images.width = set.cols;
    images.pixels = set.pixels;
    images.labels.assign(set.labels.begin(), set.labels.end());
    images.input = ModelInfo::fashionMnist().input;
    return images;
}

bool LabelledImages::isClassFolder(const QString &folder, const QStringList &classes)
{
    const QDir dir(folder);
    for (const QString &sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (classes.contains(sub))
            return true;
    return false;
}

Result<LabelledImages> LabelledImages::fromFolder(const QString &folder, const ModelInfo &info,
                                                  int limit)
{
    using R = Result<LabelledImages>;
    const QDir dir(folder);
    if (!dir.exists())
        return R::failure(QStringLiteral("--data: %1 is not a folder").arg(folder));
    QList<QStringList> perClass;
    QList<int> classOf;
    for (const QString &sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const int label = int(info.classes.indexOf(sub));
        if (label < 0)
            return R::failure(
                QStringLiteral("--data: %1/%2 is not one of the model's classes "
                               "(%3)")
                    .arg(folder, sub,
                         info.classes.mid(0, 12).join(QStringLiteral(", ")) +
                             (info.classes.size() > 12 ? QStringLiteral(", …") : QString())));
        QStringList files;
        const QDir classDir(dir.filePath(sub));
        for (const QString &f : classDir.entryList(
                 {QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"),
                  QStringLiteral("*.bmp"), QStringLiteral("*.pgm")},
                 QDir::Files, QDir::Name))
            files << classDir.filePath(f);
        perClass << files;
        classOf << label;
    }
    LabelledImages images;
    images.name = QStringLiteral("images of %1").arg(QDir(folder).absolutePath());
    images.channels = info.input.channels;
    images.height = info.input.height;
    images.width = info.input.width;
    images.input = info.input;
    for (int round = 0;; ++round) {
        bool any = false;
        for (int c = 0; c < perClass.size(); ++c) {
            if (round >= perClass.at(c).size())
                continue;
            any = true;
            if (limit > 0 && images.count >= limit)
                break;
            const QString path = perClass.at(c).at(round);
            QImageReader reader(path);
            const QSize size = reader.size();
            if (size.isValid() && (size.width() > 16384 || size.height() > 16384))
                return R::failure(QStringLiteral("%1 is too large").arg(path));
            const Result<std::vector<uint8_t>> pixels =
                imageForModel(reader.read(), info.input, path);
            if (!pixels)
                return R::failure(pixels.error());
            images.pixels.insert(images.pixels.end(), pixels->begin(), pixels->end());
            images.labels.push_back(classOf.at(c));
            ++images.count;
        }
        if (!any || (limit > 0 && images.count >= limit))
            break;
    }
    if (images.count == 0)
        return R::failure(
            QStringLiteral("--data: no labelled images in %1 (FOLDER/<class>/*.png, the class "
                           "names of model.json)")
                .arg(folder));
    return images;
}

Result<BenchModel> benchModelOf(ModelRunner &runner, const LabelledImages &sample)
{
    using R = Result<BenchModel>;
    const Result<const ModelInfo *> info = runner.info();
    if (!info)
        return R::failure(info.error());
    BenchModel model;
    model.name = (*info)->name.isEmpty() ? QFileInfo(runner.directory()).fileName() : (*info)->name;
    model.splits = runner.runnableSplits();
    if (model.splits.size() < 2)
        return R::failure(
            QStringLiteral("%1 holds no runnable model: model.ts, or head-SPLIT.ts and "
                           "tail-SPLIT.ts of the splits model.json names")
                .arg(runner.directory()));
    ModelRunner *r = &runner;
    const QStringList splits = model.splits;
    const auto orThrow = [](Result<torch::Tensor> t) {
        if (!t)
            throw std::runtime_error(t.error().toStdString());
        return *t;
    };
    model.forward = [r, orThrow](const torch::Tensor &x) { return orThrow(r->forward(x)); };
    model.head = [r, splits, orThrow](const torch::Tensor &x, int s) {
        return orThrow(r->head(x, splits.at(s)));
    };
    model.tail = [r, splits, orThrow](const torch::Tensor &f, int s) {
        return orThrow(r->tail(f, splits.at(s)));
    };
    // The feature at each split, from one image; the logits must match the class list.
    torch::NoGradGuard noGrad;
    const torch::Tensor one = sample.images(0, 1);
    for (int s = 0; s < splits.size(); ++s) {
        const Result<torch::Tensor> f = runner.head(one, splits.at(s));
        if (!f)
            return R::failure(f.error());
        QList<qint64> shape;
        for (int64_t d : f->sizes().slice(1))
            shape << d;
        for (const ModelSplitInfo &known : (*info)->splits)
            if (known.name == splits.at(s) && !known.featureShape.isEmpty() &&
                known.featureShape != shape) {
                QStringList a, b;
                for (qint64 d : known.featureShape)
                    a << QString::number(d);
                for (qint64 d : shape)
                    b << QString::number(d);
                return R::failure(QStringLiteral("%1/model.json says the feature at \"%2\" is "
                                                 "%3, the head gives %4")
                                      .arg(runner.directory(), splits.at(s),
                                           a.join(QStringLiteral("×")),
                                           b.join(QStringLiteral("×"))));
            }
        model.featureShapes << shape;
    }
    const QList<qint64> &out = model.featureShapes.last();
    if (out.size() != 1 || out.first() != (*info)->classes.size())
        return R::failure(QStringLiteral("the model in %1 gives %2 outputs per image, model.json "
                                         "names %3 classes")
                              .arg(runner.directory())
                              .arg(out.isEmpty() ? 0 : out.first())
                              .arg((*info)->classes.size()));
    return model;
}

} // namespace edgegpt
