// edgegpt bench latency [--rates 100,200,300,400,500] [--images N] [--json] [--out DIR]
// End-to-end latency against link rate, with real agent processes on 127.0.0.1: one edge agent
// (LocalFleet), and for every rate and configuration device agents whose uplink is shaped to that
// rate, classifying Fashion-MNIST test images closed-loop (the next image when the last is
// answered). Per rate the median end-to-end latency of
//   device-only (the last split), edge-only lossless (the image, zstd), edge-only lossy (the image,
//   the smallest JPEG within the adaptive scheme's accuracy budget), co-inference at a fixed split
//   (the codec the device picks for the link), adaptive co-inference (split and codec re-chosen
//   from the device's own estimate of the rate), and the best split found by running every split
//   (codec picked for the link within the accuracy budget).
// The configurations take turns in rounds of --round-images images (the same images for all in a
// round), so that a change in the machine's load falls on all of them; one whose fastest request
// is more than 3x the fastest configuration's median stops after two rounds. Adaptive is compared
// with each scheme by the difference of the medians and its 95% bootstrap interval: "at or below",
// "within noise" (the interval reaches zero) or "above" (only this one is a miss). Also the
// protocol and codec overhead of the adaptive scheme (encode + decode + frame bytes at the rate +
// the reply's way back) as a share of its end-to-end time. Writes latency.csv (every configuration)
// and latency.png (median against rate) and checks the targets of docs/benchmarks.md.
#include "CliCommand.h"
#include "DefaultModel.h"
#include "DeviceRun.h"
#include "LocalAgentOptions.h"

#include "core/fleet/LocalFleet.h"
#include "core/placement/SplitPlanner.h"
#include "core/placement/SplitProfile.h"
#include "core/report/PlotImage.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>

#include <cmath>
#include <cstdio>
#include <limits>

namespace edgegpt::cli {

namespace {

void note(const QString &line)
{
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

struct Scheme
{
    QString key;   // json key without _ms
    QString label; // for the table and plot
    QString split, codec;
};

struct RunStats
{
    QString scheme, split, codec;
    double rate = 0;
    int answered = 0, failed = 0;
    double medianMs = 0, p95Ms = 0;
    QHash<QString, double> stage; // medians of device_ms, encode_ms, …
    double bytes = 0, wireBytes = 0, accuracy = -1;
    // Bytes the device put on its edge connection per answered request (TLS records and pings
    // included), from its answers' link_request_bytes; 0 without an answer from the edge.
    double linkBytes = 0;
    double overheadMs = 0, overheadShare = 0; // medians per request
    QHash<QString, int> splitsUsed;
    QList<double> samples; // end-to-end ms of every answered request
};

// A 95% bootstrap interval of median(a) - median(b) (independent resampling, fixed seed, so a
// rerun on the same numbers gives the same interval).
QPair<double, double> medianDifferenceInterval(const QList<double> &a, const QList<double> &b)
{
    if (a.isEmpty() || b.isEmpty())
        return {0, 0};
    quint64 state = 0x9E3779B97F4A7C15ull;
    auto next = [&state](int n) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return int(state % quint64(n));
    };
    constexpr int kResamples = 2000;
    QList<double> diffs;
    diffs.reserve(kResamples);
    QList<double> ra(a.size()), rb(b.size());
    for (int k = 0; k < kResamples; ++k) {
        for (int i = 0; i < a.size(); ++i)
            ra[i] = a[next(a.size())];
        for (int i = 0; i < b.size(); ++i)
            rb[i] = b[next(b.size())];
        diffs << quantile(ra, 0.5) - quantile(rb, 0.5);
    }
    return {quantile(diffs, 0.025), quantile(diffs, 0.975)};
}

const QStringList kStages{QStringLiteral("device_ms"), QStringLiteral("encode_ms"),
                          QStringLiteral("transfer_ms"), QStringLiteral("edge_ms"),
                          QStringLiteral("return_ms")};

// One device agent over `count` test images from `first` with this scheme at this rate; its
// per-request lines.
Result<QList<QJsonObject>> runChunk(LocalFleet &fleet, const LocalDeviceOptions &base,
                                    const Scheme &scheme, double rate, int first, int count)
{
    LocalDeviceOptions device = base;
    device.split = scheme.split;
    device.codec = scheme.codec;
    device.link.rateKBps = rate;
    device.first = first;
    device.count = count;
    // Generous: every image at the slowest scheme (device-only at the default factor ~0.6 s),
    // plus start-up.
    const int timeoutMs = 30000 + count * 3000;
    const Result<DeviceRunOutcome> run = runDevice(fleet, nullptr, device, timeoutMs, true);
    if (!run)
        return Result<QList<QJsonObject>>::failure(
            QStringLiteral("%1 at %2 KB/s: %3").arg(scheme.label).arg(rate).arg(run.error()));
    if (run->results.isEmpty())
        return Result<QList<QJsonObject>>::failure(
            QStringLiteral("%1 at %2 KB/s: the device answered nothing (%3)")
                .arg(scheme.label)
                .arg(rate)
                .arg(run->log.isEmpty() ? QStringLiteral("no log") : run->log.last()));
    return run->results;
}

// The statistics of every request a scheme answered at one rate.
RunStats summarise(const Scheme &scheme, double rate, const QList<QJsonObject> &results,
                   const SplitProfile &profile)
{
    RunStats s;
    s.scheme = scheme.key;
    s.split = scheme.split;
    s.codec = scheme.codec;
    s.rate = rate;
    QList<double> totals, bytes, wire, overhead, share;
    QHash<QString, QList<double>> stages;
    int correct = 0, labelled = 0;
    for (const QJsonObject &r : results) {
        if (!r.value(QStringLiteral("ok")).toBool()) {
            ++s.failed;
            continue;
        }
        ++s.answered;
        const double total = r.value(QStringLiteral("total_ms")).toDouble();
        totals << total;
        for (const QString &st : kStages)
            stages[st] << r.value(st).toDouble(0);
        const double b = r.value(QStringLiteral("bytes")).toDouble(0);
        const double w = r.value(QStringLiteral("wire_bytes")).toDouble(b);
        bytes << b;
        wire << w;
        const QString split = r.value(QStringLiteral("split")).toString();
        const QString codec = r.value(QStringLiteral("codec")).toString();
        s.splitsUsed[split + (codec.isEmpty() ? QString() : QLatin1Char(' ') + codec)] += 1;
        // What the protocol and the codec add to this request: encoding on the device, decoding on
        // the edge (the profile's time for this codec: the edge reports it only inside edge_ms),
        // the frame's own bytes on the shaped link, and the reply's way back.
        double decodeMs = 0;
        if (const SplitPointProfile *sp = profile.split(split))
            for (const CodecProfile &c : sp->codecs)
                if (c.codec == codec)
                    decodeMs = c.decodeMs;
        const bool sent = r.contains(QStringLiteral("wire_bytes"));
        const double framing = sent && rate > 0 ? (w - b) / rate : 0; // KB/s = bytes per ms
        const double o = r.value(QStringLiteral("encode_ms")).toDouble(0) + (sent ? decodeMs : 0) +
                         framing + r.value(QStringLiteral("return_ms")).toDouble(0);
        overhead << o;
        share << (total > 0 ? o / total : 0);
        const int label = r.value(QStringLiteral("label")).toInt(-1);
        if (label >= 0) {
            ++labelled;
            correct += r.value(QStringLiteral("predicted")).toInt() == label ? 1 : 0;
        }
    }
    s.samples = totals;
    s.medianMs = quantile(totals, 0.5);
    s.p95Ms = quantile(totals, 0.95);
    for (const QString &st : kStages)
        s.stage[st] = quantile(stages.value(st), 0.5);
    double sumB = 0, sumW = 0;
    for (int i = 0; i < bytes.size(); ++i) {
        sumB += bytes[i];
        sumW += wire[i];
    }
    s.bytes = sumB / bytes.size();
    s.wireBytes = sumW / wire.size();
    s.overheadMs = quantile(overhead, 0.5);
    s.overheadShare = quantile(share, 0.5);
    // The mean of each answer's link_request_bytes (bytes written on the device's edge
    // connection since its previous answer there). Not differences of the link_bytes counter:
    // the configurations take turns, each round on a fresh connection whose counter restarts.
    double linkSum = 0;
    int linked = 0;
    for (const QJsonObject &r : results)
        if (r.value(QStringLiteral("ok")).toBool() &&
            r.contains(QStringLiteral("link_request_bytes"))) {
            linkSum += r.value(QStringLiteral("link_request_bytes")).toDouble();
            ++linked;
        }
    if (linked > 0)
        s.linkBytes = linkSum / linked;
    if (labelled > 0)
        s.accuracy = double(correct) / labelled;
    return s;
}

// Edge-only lossy: the image as the smallest JPEG whose accuracy stays within the accuracy budget
// the adaptive scheme has (PlacementOptions), so that the schemes are compared at the same
// accuracy. (A coarser JPEG is always faster and always worse; --lossy-codec picks one.)
QString lossyCodec(const SplitProfile &profile)
{
    const SplitPointProfile *input = profile.split(QStringLiteral("input"));
    const double floor = profile.baselineAccuracy - PlacementOptions().accuracyBudget - 1e-12;
    QString best;
    double bestBytes = std::numeric_limits<double>::max();
    if (!input)
        return best;
    for (const CodecProfile &c : input->codecs) {
        if (!c.codec.startsWith(QLatin1String("jpeg")) || c.accuracy < floor)
            continue;
        if (c.bytes < bestBytes) {
            bestBytes = c.bytes;
            best = c.codec;
        }
    }
    return best;
}

QString fmt(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

int runBenchLatency(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Median end-to-end latency against the link rate with real agents on 127.0.0.1: "
        "device-only, "
        "edge-only lossless and lossy, a fixed split, adaptive co-inference and the best split."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("rates"),
         QStringLiteral("uplink rates in KB/s (default 100,200,300,400,500)"),
         QStringLiteral("LIST"), QStringLiteral("100,200,300,400,500")},
        {QStringLiteral("images"), QStringLiteral("test images per scheme and rate (default 100)"),
         QStringLiteral("N"), QStringLiteral("100")},
        {QStringLiteral("first"), QStringLiteral("first test image (default 0)"),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("round-images"),
         QStringLiteral("images per configuration and round; the configurations take turns "
                        "(default 10)"),
         QStringLiteral("N"), QStringLiteral("10")},
        {QStringLiteral("fixed-split"),
         QStringLiteral("the fixed split (default fc1, else the middle split)"),
         QStringLiteral("SPLIT")},
        {QStringLiteral("lossy-codec"),
         QStringLiteral(
             "edge-only lossy codec (default: the smallest JPEG within the 0.3-point accuracy "
             "budget)"),
         QStringLiteral("CODEC")},
        {QStringLiteral("splits"), QStringLiteral("splits tried for the best split (default: all)"),
         QStringLiteral("LIST")},
        {QStringLiteral("out"),
         QStringLiteral(
             "where to write latency.csv and latency.png (default: the model's directory)"),
         QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("print one JSON object instead of a table")},
        {QStringLiteral("tls"),
         QStringLiteral("on (default) or off: TLS-PSK between the agents; given, the table ends "
                        "with the bytes each request put on the wire (docs/benchmarks.md)"),
         QStringLiteral("on|off"), QStringLiteral("on")},
    });
    parser.addOptions(LocalAgentOptions::declarations());
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    QList<double> rates;
    for (const QString &r :
         parser.value(QStringLiteral("rates")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = r.trimmed().toDouble(&ok);
        if (!ok || v <= 0 || v > 1e6)
            return fail(
                ExitUsage,
                QStringLiteral("--rates: \"%1\" is not a rate in KB/s (e.g. 100,200,300)").arg(r));
        rates << v;
    }
    if (rates.isEmpty())
        return fail(ExitUsage, QStringLiteral("--rates names no rate"));
    bool ok1 = false, ok2 = false;
    const int images = parser.value(QStringLiteral("images")).toInt(&ok1);
    const int first = parser.value(QStringLiteral("first")).toInt(&ok2);
    bool ok5 = false;
    const int roundImages = parser.value(QStringLiteral("round-images")).toInt(&ok5);
    if (!ok5 || roundImages < 1 || roundImages > 10000)
        return fail(ExitUsage, QStringLiteral("--round-images must be 1..10000"));
    if (!ok1 || !ok2 || images < 1 || images > 10000 || first < 0 || first + images > 10000)
        return fail(ExitUsage, QStringLiteral("--images must be 1..10000 and, with --first, within "
                                              "the 10,000 test images"));
    const Result<LocalAgentOptions> agents = LocalAgentOptions::read(parser);
    if (!agents)
        return fail(ExitUsage, agents.error());
    const double slowdown = agents->slowdown, codecSlowdown = agents->codecSlowdown;
    const int threads = agents->threads;
    const bool json = parser.isSet(QStringLiteral("json"));
    const QString tls = parser.value(QStringLiteral("tls"));
    if (tls != QLatin1String("on") && tls != QLatin1String("off"))
        return fail(ExitUsage, QStringLiteral("--tls must be on or off"));

    DefaultModelOptions modelOptions;
    modelOptions.dir = agents->modelDir;
    modelOptions.dataDir = agents->dataDir;
    const Result<QString> modelDir = prepareModelDirectory(modelOptions);
    if (!modelDir)
        return fail(ExitFailure, modelDir.error());
    const Result<SplitProfile> profile =
        SplitProfile::load(*modelDir + QStringLiteral("/profile.json"));
    if (!profile)
        return fail(ExitFailure, profile.error());
    if (profile->splits.size() < 2)
        return fail(ExitFailure, QStringLiteral("the profile names fewer than two splits"));

    // The schemes.
    const QString deviceOnly = profile->splits.last().name;
    QString fixed = parser.value(QStringLiteral("fixed-split"));
    if (fixed.isEmpty())
        fixed = profile->split(QStringLiteral("fc1"))
                    ? QStringLiteral("fc1")
                    : profile->splits.at(profile->splits.size() / 2).name;
    if (!profile->split(fixed))
        return fail(ExitUsage,
                    QStringLiteral("--fixed-split: the model has no split \"%1\"").arg(fixed));
    QString lossy = parser.isSet(QStringLiteral("lossy-codec"))
                        ? parser.value(QStringLiteral("lossy-codec"))
                        : lossyCodec(*profile);
    if (lossy.isEmpty())
        return fail(ExitFailure,
                    QStringLiteral("the profile has no JPEG input codec for edge-only lossy"));
    QStringList splitNames;
    for (const SplitPointProfile &sp : profile->splits)
        splitNames << sp.name;
    QStringList tried = splitNames;
    if (parser.isSet(QStringLiteral("splits"))) {
        tried = parser.value(QStringLiteral("splits")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &s : tried)
            if (!splitNames.contains(s))
                return fail(ExitUsage,
                            QStringLiteral("--splits: the model has no split \"%1\" (it has %2)")
                                .arg(s, splitNames.join(QStringLiteral(", "))));
    }
    const QList<Scheme> schemes{
        {QStringLiteral("device_only"), QStringLiteral("device-only"), deviceOnly, QString()},
        {QStringLiteral("edge_lossless"), QStringLiteral("edge-only lossless"),
         QStringLiteral("input"), QStringLiteral("zstd")},
        {QStringLiteral("edge_lossy"), QStringLiteral("edge-only lossy"), QStringLiteral("input"),
         lossy},
        {QStringLiteral("fixed_split"), QStringLiteral("fixed split (%1)").arg(fixed), fixed,
         QString()},
        {QStringLiteral("adaptive"), QStringLiteral("adaptive"), QStringLiteral("auto"), QString()},
    };

    LocalFleetOptions fleetOptions;
    agents->applyTo(&fleetOptions);
    fleetOptions.modelDir = *modelDir;
    fleetOptions.startDevice = false;
    fleetOptions.tls = tls == QLatin1String("on");
    LocalFleet fleet;
    {
        QEventLoop loop;
        QString error;
        QObject::connect(&fleet, &LocalFleet::started, &loop, &QEventLoop::quit);
        QObject::connect(&fleet, &LocalFleet::failed, &loop, [&](const QString &m) {
            error = m;
            loop.quit();
        });
        fleet.start(fleetOptions);
        loop.exec();
        if (!error.isEmpty())
            return fail(ExitFailure, error);
    }
    LocalDeviceOptions base;
    agents->applyTo(&base);
    base.listen = false;

    QElapsedTimer wall;
    wall.start();
    QList<RunStats> all;
    QJsonArray rateRows;
    QStringList problems;
    QString table = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8  %9\n")
                        .arg(QStringLiteral("KB/s"), 6)
                        .arg(QStringLiteral("device"), 8)
                        .arg(QStringLiteral("lossless"), 9)
                        .arg(QStringLiteral("lossy"), 8)
                        .arg(QStringLiteral("fixed"), 8)
                        .arg(QStringLiteral("adaptive"), 9)
                        .arg(QStringLiteral("best"), 8)
                        .arg(QStringLiteral("overhead"), 9)
                        .arg(QStringLiteral("best split · adaptive used"));
    for (double rate : rates) {
        QJsonObject row{{QStringLiteral("rate_kbps"), rate}};
        // What runs at this rate: the schemes, then every split not already among them (the last
        // split is device-only; the fixed split with the codec for the link is the fixed scheme).
        struct Config
        {
            Scheme scheme;
            QList<QJsonObject> results;
            bool dropped = false;
        };
        QList<Config> configs;
        for (const Scheme &scheme : schemes)
            configs.append({scheme, {}, false});
        QHash<QString, QString> splitConfig; // split → key of the config that measures it
        splitConfig.insert(deviceOnly, QStringLiteral("device_only"));
        splitConfig.insert(fixed, QStringLiteral("fixed_split"));
        for (const QString &split : tried)
            if (!splitConfig.contains(split)) {
                configs.append({{QStringLiteral("split ") + split, QStringLiteral("split ") + split,
                                 split, QString()},
                                {},
                                false});
                splitConfig.insert(split, QStringLiteral("split ") + split);
            }
        // Rounds of a few images, every configuration in turn (the order rotating), so that a
        // change in the machine's load falls on all of them alike. After two rounds, a
        // configuration more than 3× slower than the fastest stops: more of its images would not
        // change any comparison (the CSV says how many it answered).
        const int rounds = (images + roundImages - 1) / roundImages;
        for (int round = 0; round < rounds; ++round) {
            const int from = first + round * roundImages;
            const int count = std::min(roundImages, first + images - from);
            for (int k = 0; k < configs.size(); ++k) {
                Config &c = configs[(k + round) % configs.size()];
                if (c.dropped)
                    continue;
                note(QStringLiteral("%1 KB/s, round %2/%3: %4 (images %5..%6)")
                         .arg(rate)
                         .arg(round + 1)
                         .arg(rounds)
                         .arg(c.scheme.label)
                         .arg(from)
                         .arg(from + count - 1));
                const Result<QList<QJsonObject>> r =
                    runChunk(fleet, base, c.scheme, rate, from, count);
                if (!r) {
                    fleet.stopAndWait();
                    return fail(ExitFailure, r.error());
                }
                c.results += *r;
            }
            if (round >= 1) {
                // Noise only ever adds time, so a configuration whose fastest request is still 3×
                // the median of the fastest configuration is slower, not unlucky.
                double fastest = std::numeric_limits<double>::max();
                QHash<QString, double> best;
                for (const Config &c : configs) {
                    const RunStats st = summarise(c.scheme, rate, c.results, *profile);
                    fastest = std::min(fastest, st.medianMs);
                    best.insert(c.scheme.key,
                                st.samples.isEmpty()
                                    ? 0.0
                                    : *std::min_element(st.samples.cbegin(), st.samples.cend()));
                }
                for (Config &c : configs)
                    if (!c.dropped && c.scheme.key != QLatin1String("adaptive") &&
                        best.value(c.scheme.key) > 3 * fastest) {
                        c.dropped = true;
                        note(QStringLiteral("%1 KB/s: %2 stops after %3 images (its fastest "
                                            "request %4 ms is more than 3× the best median %5 ms)")
                                 .arg(rate)
                                 .arg(c.scheme.label)
                                 .arg(c.results.size())
                                 .arg(fmt(best.value(c.scheme.key), 1), fmt(fastest, 1)));
                    }
            }
        }
        QHash<QString, RunStats> byScheme;
        for (const Config &c : configs) {
            RunStats st = summarise(c.scheme, rate, c.results, *profile);
            if (st.answered == 0) {
                fleet.stopAndWait();
                return fail(ExitFailure, QStringLiteral("%1 at %2 KB/s: no request was answered")
                                             .arg(c.scheme.label)
                                             .arg(rate));
            }
            if (c.scheme.key.startsWith(QLatin1String("split ")))
                st.scheme = QStringLiteral("split");
            byScheme.insert(c.scheme.key, st);
            all << st;
        }
        for (const Scheme &scheme : schemes)
            row.insert(scheme.key + QStringLiteral("_ms"), byScheme[scheme.key].medianMs);
        // The best split by exhaustive search.
        QJsonObject perSplit;
        QString bestSplit;
        double bestMs = std::numeric_limits<double>::max();
        for (const QString &split : tried) {
            const RunStats &st = byScheme[splitConfig.value(split)];
            perSplit.insert(split, st.medianMs);
            if (st.medianMs < bestMs) {
                bestMs = st.medianMs;
                bestSplit = split;
            }
        }
        const RunStats &adaptive = byScheme[QStringLiteral("adaptive")];
        const RunStats &best = byScheme[splitConfig.value(bestSplit)];
        row.insert(QStringLiteral("best_split_ms"), bestMs);
        row.insert(QStringLiteral("best_split"), bestSplit);
        row.insert(QStringLiteral("split_ms"), perSplit);
        QJsonObject used;
        QString mostUsed;
        int mostCount = 0;
        for (auto it = adaptive.splitsUsed.cbegin(); it != adaptive.splitsUsed.cend(); ++it) {
            used.insert(it.key(), it.value());
            if (it.value() > mostCount) {
                mostCount = it.value();
                mostUsed = it.key();
            }
        }
        row.insert(QStringLiteral("adaptive_used"), used);
        row.insert(QStringLiteral("adaptive_vs_best"), bestMs > 0 ? adaptive.medianMs / bestMs : 0);
        row.insert(QStringLiteral("adaptive_overhead_ms"), adaptive.overheadMs);
        row.insert(QStringLiteral("adaptive_overhead_share"), adaptive.overheadShare);
        if (adaptive.accuracy >= 0)
            row.insert(QStringLiteral("adaptive_accuracy"), adaptive.accuracy);
        QJsonObject accuracy, answered;
        for (auto it = byScheme.cbegin(); it != byScheme.cend(); ++it) {
            if (it->accuracy >= 0)
                accuracy.insert(it.key(), it->accuracy);
            answered.insert(it.key(), it->answered);
        }
        row.insert(QStringLiteral("accuracy"), accuracy);
        row.insert(QStringLiteral("answered"), answered);
        // Targets at this rate. Two medians of the same configuration differ by the machine's
        // noise, so a comparison fails only when the 95% interval of the difference lies wholly
        // above zero (adaptive significantly slower); the plain medians are reported as well.
        QJsonObject versus;
        auto compare = [&](const QString &key, const QString &label, const RunStats &other,
                           double allowance) {
            // allowance: adaptive may be this fraction above the other (0.1 for the best split).
            QList<double> scaled;
            for (double v : other.samples)
                scaled << v * (1 + allowance);
            const QPair<double, double> ci = medianDifferenceInterval(adaptive.samples, scaled);
            const double diff = adaptive.medianMs - other.medianMs * (1 + allowance);
            const QString verdict = diff <= 0       ? QStringLiteral("at or below")
                                    : ci.first <= 0 ? QStringLiteral("within noise")
                                                    : QStringLiteral("above");
            versus.insert(key, QJsonObject{{QStringLiteral("diff_ms"), diff},
                                           {QStringLiteral("ci95_low_ms"), ci.first},
                                           {QStringLiteral("ci95_high_ms"), ci.second},
                                           {QStringLiteral("verdict"), verdict}});
            if (verdict == QLatin1String("above"))
                problems << QStringLiteral("%1 KB/s: adaptive %2 ms is above %3 %4 ms%5 "
                                           "(95% interval of the difference %6..%7 ms)")
                                .arg(rate)
                                .arg(fmt(adaptive.medianMs, 2), label, fmt(other.medianMs, 2),
                                     allowance > 0 ? QStringLiteral(" + 10%") : QString(),
                                     fmt(ci.first, 2), fmt(ci.second, 2));
        };
        for (const Scheme &scheme : schemes)
            if (scheme.key != QLatin1String("adaptive"))
                compare(scheme.key, scheme.label, byScheme[scheme.key], 0);
        compare(QStringLiteral("best_split"), QStringLiteral("the best split (%1)").arg(bestSplit),
                best, 0.1);
        row.insert(QStringLiteral("adaptive_versus"), versus);
        table += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8  %9 · %10\n")
                     .arg(fmt(rate, 0), 6)
                     .arg(fmt(byScheme[QStringLiteral("device_only")].medianMs), 8)
                     .arg(fmt(byScheme[QStringLiteral("edge_lossless")].medianMs), 9)
                     .arg(fmt(byScheme[QStringLiteral("edge_lossy")].medianMs), 8)
                     .arg(fmt(byScheme[QStringLiteral("fixed_split")].medianMs), 8)
                     .arg(fmt(adaptive.medianMs), 9)
                     .arg(fmt(bestMs), 8)
                     .arg(fmt(adaptive.overheadShare * 100) + QLatin1Char('%'), 9)
                     .arg(bestSplit, mostUsed);
        rateRows.append(row);
    }
    fleet.stopAndWait();
    const double wallS = wall.elapsed() / 1000.0;
    // The overhead target is at 500 KB/s (or the fastest rate measured).
    double overheadRate = 0, overheadShare = 0;
    for (const QJsonValue &v : rateRows) {
        const QJsonObject r = v.toObject();
        if (r.value(QStringLiteral("rate_kbps")).toDouble() >= overheadRate) {
            overheadRate = r.value(QStringLiteral("rate_kbps")).toDouble();
            overheadShare = r.value(QStringLiteral("adaptive_overhead_share")).toDouble();
        }
    }
    if (overheadShare >= 0.02)
        problems << QStringLiteral("%1 KB/s: protocol and codec overhead %2% of the adaptive "
                                   "scheme's time (target < 2%)")
                        .arg(overheadRate)
                        .arg(fmt(overheadShare * 100, 2));

    // CSV of every run, and the plot.
    const QString outDir =
        parser.isSet(QStringLiteral("out")) ? parser.value(QStringLiteral("out")) : *modelDir;
    if (!QDir().mkpath(outDir))
        return fail(ExitFailure, QStringLiteral("cannot create %1").arg(outDir));
    const QString csvPath = outDir + QStringLiteral("/latency.csv");
    const QString pngPath = outDir + QStringLiteral("/latency.png");
    QByteArray csv =
        "rate_kbps,scheme,split,codec,answered,failed,median_ms,p95_ms,device_ms,encode_ms,"
        "transfer_ms,"
        "edge_ms,return_ms,bytes,wire_bytes,accuracy,overhead_ms,overhead_share,used\n";
    for (const RunStats &s : all) {
        QStringList used;
        for (auto it = s.splitsUsed.cbegin(); it != s.splitsUsed.cend(); ++it)
            used << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
        std::sort(used.begin(), used.end());
        QStringList cells{fmt(s.rate, 0),
                          s.scheme,
                          s.split,
                          s.codec,
                          QString::number(s.answered),
                          QString::number(s.failed),
                          fmt(s.medianMs, 3),
                          fmt(s.p95Ms, 3)};
        for (const QString &st : kStages)
            cells << fmt(s.stage.value(st), 3);
        cells << fmt(s.bytes, 1) << fmt(s.wireBytes, 1)
              << (s.accuracy >= 0 ? fmt(s.accuracy, 4) : QString()) << fmt(s.overheadMs, 3)
              << fmt(s.overheadShare, 4) << used.join(QLatin1Char(';'));
        csv += cells.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    QSaveFile csvFile(csvPath);
    if (!csvFile.open(QIODevice::WriteOnly) || csvFile.write(csv) < 0 || !csvFile.commit())
        return fail(ExitFailure, QStringLiteral("cannot write %1").arg(csvPath));
    // What the figures hold that is emulated, said wherever they appear (docs/benchmarks.md).
    const double shownSlowdown = slowdown > 0 ? slowdown : kDefaultDeviceSlowdown;
    const double shownCodecSlowdown =
        codecSlowdown > 0 ? codecSlowdown : kDefaultDeviceCodecSlowdown;
    const QString emulation =
        QStringLiteral(
            "emulated: device compute x%1, device codecs x%2, uplink shaped to each rate")
            .arg(shownSlowdown, 0, 'f', 2)
            .arg(shownCodecSlowdown, 0, 'f', 2);
    PlotSpec plot;
    plot.title = QStringLiteral("End-to-end latency against uplink rate (median of %1 images, real "
                                "agents; %2)")
                     .arg(images)
                     .arg(emulation);
    plot.xLabel = QStringLiteral("uplink rate (KB/s)");
    plot.yLabel = QStringLiteral("median latency (ms)");
    QStringList keys;
    for (const Scheme &s : schemes)
        keys << s.key;
    keys << QStringLiteral("best_split");
    QStringList labels;
    for (const Scheme &s : schemes)
        labels << s.label;
    labels << QStringLiteral("best split (exhaustive)");
    for (int k = 0; k < keys.size(); ++k) {
        PlotSeries series;
        series.name = labels[k];
        series.lines = true;
        for (const QJsonValue &v : rateRows)
            series.points << QPointF(
                v.toObject().value(QStringLiteral("rate_kbps")).toDouble(),
                v.toObject().value(keys[k] + QStringLiteral("_ms")).toDouble());
        plot.series << series;
    }
    const Result<void> drawn = writePlotPng(plot, pngPath);
    if (!drawn)
        return fail(ExitFailure, drawn.error());

    const int cores = QThread::idealThreadCount();
    if (json) {
        QJsonObject o{
            {QStringLiteral("rates"), rateRows},
            {QStringLiteral("images"), images},
            {QStringLiteral("first"), first},
            {QStringLiteral("model_dir"), *modelDir},
            {QStringLiteral("fixed_split"), fixed},
            {QStringLiteral("lossy_codec"), lossy},
            // The local fleet's emulated device unless the flags say otherwise.
            {QStringLiteral("device_slowdown"), slowdown > 0 ? slowdown : kDefaultDeviceSlowdown},
            {QStringLiteral("device_codec_slowdown"),
             codecSlowdown > 0 ? codecSlowdown : kDefaultDeviceCodecSlowdown},
            {QStringLiteral("emulated"), true}, // the uplink is shaped to each rate at least
            {QStringLiteral("emulation"), emulation},
            {QStringLiteral("threads"), threads},
            {QStringLiteral("cores"), cores},
            {QStringLiteral("wall_s"), wallS},
            {QStringLiteral("targets_met"), problems.isEmpty()},
            {QStringLiteral("target_misses"), QJsonArray::fromStringList(problems)},
            {QStringLiteral("csv"), csvPath},
            {QStringLiteral("plot_png"), pngPath}};
        printOut(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    } else {
        table += QStringLiteral("\n%1\n").arg(emulation);
        table += QStringLiteral("\nmedian end-to-end ms over %1 test images per scheme and rate; "
                                "fixed split %2, lossy %3; "
                                "overhead: the adaptive scheme's encode + decode + frame bytes + "
                                "reply, share of its time\n")
                     .arg(images)
                     .arg(fixed, lossy);
        table += problems.isEmpty() ? QStringLiteral("targets: met\n")
                                    : QStringLiteral("targets missed:\n  ") +
                                          problems.join(QStringLiteral("\n  ")) + QLatin1Char('\n');
        if (parser.isSet(QStringLiteral("tls"))) {
            // Per scheme and rate: frame bytes of the request, and all bytes the device sent
            // on its edge connection per request (TLS records and pings included; TCP/IP
            // headers not).
            table += QStringLiteral("\nTLS %1: scheme, rate KB/s, median ms, request frame bytes, "
                                    "bytes sent on the connection per request\n")
                         .arg(tls);
            for (const RunStats &s : all)
                table +=
                    QStringLiteral("  %1, %2, %3, %4, %5\n")
                        .arg(s.scheme + (s.split.isEmpty() || s.scheme != QLatin1String("split")
                                             ? QString()
                                             : QLatin1Char(' ') + s.split))
                        .arg(s.rate)
                        .arg(fmt(s.medianMs, 3), fmt(s.wireBytes, 1), fmt(s.linkBytes, 1));
        }
        table += QStringLiteral("%1 cores, %2 thread(s) per agent, %3 s\ncsv: %4\nplot: %5")
                     .arg(cores)
                     .arg(threads)
                     .arg(fmt(wallS, 0), csvPath, pngPath);
        printOut(table);
    }
    return ExitOk;
}

const CliCommandRegistration
    registration({QStringLiteral("bench latency"),
                  QStringLiteral("latency against link rate with real agents: device-only, "
                                 "edge-only, fixed, adaptive, best split"),
                  runBenchLatency});

} // namespace
} // namespace edgegpt::cli
