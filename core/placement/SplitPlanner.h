// SplitPlanner: adaptive partitioning. From a model's profile (SplitProfile), how much slower the
// device and the edge are than the CPU that measured it, and the link as the device sees it, it
// picks the split point and codec setting that minimise the expected end-to-end latency of one
// inference within an accuracy budget:
//
//   device head × deviceFactor + encode × deviceCodecFactor
//   + (payload + per-message overhead) / rate + round trip
//   + edge decode × edgeCodecFactor + tail × edgeFactor
//
// The last split sends nothing (the device has the answer); the others also pay the reply's way
// back (its overhead bytes). LinkRateEstimator keeps the device's moving estimate of the rate
// from its own transfers and says when it has moved enough (20%) to decide again.
#pragma once

#include "core/placement/SplitProfile.h"

#include <QString>

namespace edgegpt {

struct LinkEstimate
{
    double rateKBps = 0;    // 1 KB = 1000 bytes; <= 0: unknown (assume a fast link)
    double roundTripMs = 0; // without the payload: two one-way delays
    double overheadBytes =
        110; // frame header, control map and trailer of a request (measured: 108)
};

struct PlacementOptions
{
    double deviceFactor = 1;      // device model compute = profile time × this (docs/agents.md)
    double deviceCodecFactor = 1; // device encode = profile time × this (its CPU, not its GPU)
    double edgeFactor = 1;
    double edgeCodecFactor = 1;
    double accuracyBudget = 0.003; // at most this much below the profile's baseline accuracy
    QString onlySplit;             // non-empty: choose the codec for this split only
};

struct PlacementChoice
{
    QString split;
    QString codec; // empty for the last split
    double expectedMs = 0;
    double deviceMs = 0;
    double transferMs = 0; // payload and overhead at the rate, plus the round trip
    double edgeMs = 0;
    double bytes = 0;
    double accuracy = 0;
    QString reason; // one line: why this choice, and what came second
};

class SplitPlanner
{
public:
    // The best choice, or an error if no split/codec satisfies the budget (or onlySplit is
    // unknown).
    static Result<PlacementChoice> choose(const SplitProfile &profile, const LinkEstimate &link,
                                          const PlacementOptions &options);
    // Every admissible (split, codec) with its expected latency, best first.
    static QList<PlacementChoice> rank(const SplitProfile &profile, const LinkEstimate &link,
                                       const PlacementOptions &options);
};

class LinkRateEstimator
{
public:
    // weight: of a new sample in the exponential moving average.
    explicit LinkRateEstimator(double weight = 0.3)
        : m_weight(weight)
    {}
    // A transfer of `bytes` that took `ms` on the link (beyond the round trip). Samples shorter
    // than minMs say more about timer granularity than about the rate and are ignored (false).
    bool addSample(double bytes, double ms, double minMs = 1.0);
    double rateKBps() const { return m_rate; } // <= 0 until the first sample
    int samples() const { return m_samples; }
    // Whether the estimate moved by more than `fraction` from `decidedAt` (the rate a decision
    // used); always true for a first estimate.
    bool movedFrom(double decidedAt, double fraction = 0.2) const;
    void reset();

private:
    double m_weight;
    double m_rate = 0;
    int m_samples = 0;
};

} // namespace edgegpt
