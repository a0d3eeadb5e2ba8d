// SplitPlanner: see SplitPlanner.h.
#include "core/placement/SplitPlanner.h"

#include <algorithm>
#include <cmath>

namespace edgegpt {

namespace {

double transferMs(double bytes, const LinkEstimate &link)
{
    // An unknown rate counts as a fast link: the payload costs nothing, the round trip stays.
    const double serialisation = link.rateKBps > 0 ? bytes / link.rateKBps : 0.0; // KB/s = B/ms
    return serialisation + link.roundTripMs;
}

QString describe(const PlacementChoice &c)
{
    return c.codec.isEmpty()
               ? QStringLiteral("%1 %2 ms").arg(c.split).arg(c.expectedMs, 0, 'f', 2)
               : QStringLiteral("%1 · %2 %3 ms").arg(c.split, c.codec).arg(c.expectedMs, 0, 'f', 2);
}

} // namespace

QList<PlacementChoice> SplitPlanner::rank(const SplitProfile &profile, const LinkEstimate &link,
                                          const PlacementOptions &options)
{
    QList<PlacementChoice> all;
    const double floor = profile.baselineAccuracy - options.accuracyBudget - 1e-12;
    for (int i = 0; i < profile.splits.size(); ++i) {
        const SplitPointProfile &s = profile.splits.at(i);
        if (!options.onlySplit.isEmpty() && s.name != options.onlySplit)
            continue;
        const bool last = i == profile.splits.size() - 1;
        if (last) {
            PlacementChoice c;
            c.split = s.name;
            c.deviceMs = s.headMs * options.deviceFactor;
            c.expectedMs = c.deviceMs;
            c.accuracy = profile.baselineAccuracy;
            c.bytes = 0;
            all << c;
            continue;
        }
        for (const CodecProfile &codec : s.codecs) {
            if (codec.accuracy < floor)
                continue;
            PlacementChoice c;
            c.split = s.name;
            c.codec = codec.codec;
            c.bytes = codec.bytes;
            c.accuracy = codec.accuracy;
            c.deviceMs =
                s.headMs * options.deviceFactor + codec.encodeMs * options.deviceCodecFactor;
            c.transferMs = transferMs(codec.bytes + link.overheadBytes, link);
            c.edgeMs = codec.decodeMs * options.edgeCodecFactor + s.tailMs * options.edgeFactor;
            c.expectedMs = c.deviceMs + c.transferMs + c.edgeMs;
            all << c;
        }
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const PlacementChoice &a, const PlacementChoice &b) {
                         return a.expectedMs < b.expectedMs;
                     });
    return all;
}

Result<PlacementChoice> SplitPlanner::choose(const SplitProfile &profile, const LinkEstimate &link,
                                             const PlacementOptions &options)
{
    const QList<PlacementChoice> ranked = rank(profile, link, options);
    if (ranked.isEmpty())
        return Result<PlacementChoice>::failure(
            options.onlySplit.isEmpty() || profile.split(options.onlySplit)
                ? QStringLiteral("no split and codec of %1 stays within %2 points of its accuracy")
                      .arg(profile.model)
                      .arg(options.accuracyBudget * 100)
                : QStringLiteral("%1 has no split \"%2\"").arg(profile.model, options.onlySplit));
    PlacementChoice best = ranked.first();
    const QString rate = link.rateKBps > 0 ? QStringLiteral("%1 KB/s").arg(link.rateKBps, 0, 'f', 0)
                                           : QStringLiteral("unknown rate");
    best.reason =
        QStringLiteral(
            "link %1, round trip %2 ms, device ×%3 (codecs ×%8): %4 (device %5, link %6, edge %7)")
            .arg(rate)
            .arg(link.roundTripMs, 0, 'f', 1)
            .arg(options.deviceFactor, 0, 'g', 3)
            .arg(describe(best))
            .arg(best.deviceMs, 0, 'f', 2)
            .arg(best.transferMs, 0, 'f', 2)
            .arg(best.edgeMs, 0, 'f', 2)
            .arg(options.deviceCodecFactor, 0, 'g', 3);
    // Name the best choice at another split: the alternative an operator would think of.
    for (const PlacementChoice &c : ranked)
        if (c.split != best.split) {
            best.reason += QStringLiteral("; next best %1").arg(describe(c));
            break;
        }
    return best;
}

bool LinkRateEstimator::addSample(double bytes, double ms, double minMs)
{
    if (!(bytes > 0) || !(ms >= minMs) || !std::isfinite(ms))
        return false;
    const double sample = bytes / ms; // bytes per ms = KB/s
    m_rate = m_samples == 0 ? sample : (1 - m_weight) * m_rate + m_weight * sample;
    ++m_samples;
    return true;
}

bool LinkRateEstimator::movedFrom(double decidedAt, double fraction) const
{
    if (m_samples == 0)
        return false;
    if (!(decidedAt > 0))
        return true;
    return std::fabs(m_rate - decidedAt) > fraction * decidedAt;
}

void LinkRateEstimator::reset()
{
    m_rate = 0;
    m_samples = 0;
}

} // namespace edgegpt
