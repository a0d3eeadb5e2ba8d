// The CBOR control maps of each frame type (schemas in docs/protocol.md). Each message converts to
// a QCborMap and back; fromCbor() treats the map as untrusted: a missing or mistyped field, a
// negative count or an oversized string is a one-line error naming the field. Unknown keys are
// ignored so that a newer peer can add fields without breaking an older one.
#pragma once

#include "core/link/LinkShaper.h"
#include "core/protocol/Frame.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QCborMap>
#include <QString>
#include <QStringList>
#include <QVector>

namespace edgegpt {

// 2: the per-inference maps (infer-request, infer-result) have small integer keys and timings
// in microseconds (docs/protocol.md); a peer of version 1 is refused at the handshake.
constexpr int protocolVersion = 2;
constexpr int handshakeNonceBytes = 32;

struct HelloMessage
{
    int protocol = protocolVersion;
    QString name; // the sender's host or agent name, for logs
    QString role; // "console", "device", "edge", "cloud"
    QByteArray nonce;

    QCborMap toCbor() const;
    static Result<HelloMessage> fromCbor(const QCborMap &map);
};

struct ChallengeMessage
{
    int protocol = protocolVersion;
    QByteArray nonce;

    QCborMap toCbor() const;
    static Result<ChallengeMessage> fromCbor(const QCborMap &map);
};

struct ResponseMessage
{
    QByteArray proof; // HMAC-SHA256, 32 bytes

    QCborMap toCbor() const;
    static Result<ResponseMessage> fromCbor(const QCborMap &map);
};

struct OkMessage
{
    QByteArray proof; // HMAC-SHA256, 32 bytes
    QString name;
    QString role;

    QCborMap toCbor() const;
    static Result<OkMessage> fromCbor(const QCborMap &map);
};

// Error codes carried by error frames.
namespace error_code {
inline QString badFrame()
{
    return QStringLiteral("bad-frame");
}
inline QString unauthenticated()
{
    return QStringLiteral("unauthenticated");
}
inline QString authFailed()
{
    return QStringLiteral("auth-failed");
}
inline QString unsupportedVersion()
{
    return QStringLiteral("unsupported-version");
}
inline QString timeout()
{
    return QStringLiteral("timeout");
}
inline QString badRequest()
{
    return QStringLiteral("bad-request");
}
inline QString busy()
{
    return QStringLiteral("busy");
}
inline QString internal()
{
    return QStringLiteral("internal");
}
// An edge's model cache policy sends the request to the cloud instead of loading its model.
inline QString offloaded()
{
    return QStringLiteral("offloaded");
}
} // namespace error_code

struct ErrorMessage
{
    QString code;
    QString message;

    QCborMap toCbor() const;
    static Result<ErrorMessage> fromCbor(const QCborMap &map);
};

// Ping and pong carry the same map: the pong echoes the ping's "sent_ms" so the pinger can take
// the round trip on its own clock.
struct PingMessage
{
    qint64 sentMs = 0;

    QCborMap toCbor() const;
    static Result<PingMessage> fromCbor(const QCborMap &map);
};

// The payload of the frame is the FeatureCodec bytes (or an InputCodec image when split is
// "input"); the request id is the frame's. On the wire a compact map: integer keys 1 model,
// 2 split, 3 codec, 4 device compute µs, 5 encode µs (docs/protocol.md).
struct InferRequestMessage
{
    QString model;
    QString split; // split point name, "input" when the whole model runs at the receiver
    QString codec; // FeatureCodecSettings::name(), e.g. "q8-tensor-z3"
    // Stamps of the sending side for the metrics, milliseconds; negative = not measured.
    double deviceComputeMs = -1;
    double encodeMs = -1;
    // For the edge's model cache (docs/caching.md), optional: the request's topic (Age of Context;
    // -1 = not given, 0) and its time in seconds on the sender's trace clock (-1 = not given: the
    // edge's own clock). A trace replay (`edgegpt bench caching --live`) sends both.
    qint64 cacheTopic = -1;
    double cacheTimeS = -1;

    QCborMap toCbor() const;
    static Result<InferRequestMessage> fromCbor(const QCborMap &map);
};

struct ScoredClass
{
    qint64 classIndex = 0;
    double score = 0;
    bool operator==(const ScoredClass &o) const
    {
        return classIndex == o.classIndex && score == o.score;
    }
};

// On the wire a compact map: integer keys 1 class, 2 label, 3 top-k as [class, score, …] with
// float32 scores, 4 decode µs, 5 edge compute µs, 6 queue µs (docs/protocol.md).
struct InferResultMessage
{
    qint64 classIndex = -1;
    QString label; // may be empty
    QVector<ScoredClass> topK;
    // Stamps of the answering side, milliseconds; negative = not measured.
    double decodeMs = -1;
    double edgeComputeMs = -1;
    double queueMs = -1;

    QCborMap toCbor() const;
    static Result<InferResultMessage> fromCbor(const QCborMap &map);
};

struct MetricsSubscribeMessage
{
    static constexpr int minIntervalMs = 100; // at most 10 updates a second
    // 0 .. 3600000 on the wire; a shorter interval than minIntervalMs reads back as minIntervalMs.
    int intervalMs = 100;

    QCborMap toCbor() const;
    static Result<MetricsSubscribeMessage> fromCbor(const QCborMap &map);
};

struct RequestMetrics
{
    quint32 requestId = 0;
    double deviceComputeMs = -1;
    double encodeMs = -1;
    double transferMs = -1;
    double edgeComputeMs = -1;
    double returnMs = -1;
    double totalMs = -1;
    qint64 bytes = 0;
    QString split;
    QString codec;
};

struct CacheEvents
{
    qint64 hits = 0;
    qint64 misses = 0;
    qint64 loads = 0;
    qint64 evictions = 0;
};

// One event of an edge's live model cache (the request's model hit, missed, was loaded, or
// another was evicted for it), in the order they happened.
struct CacheEventRecord
{
    qint64 timeMs = 0; // sender's clock, ms since the epoch
    QString kind;      // "hit", "miss", "load", "evict", "offload"
    QString model;
    double ms = -1; // a load: how long it took; else -1
};

// A model resident in an edge's live cache: its size and usable context (Age of Context, K).
struct ResidentModelRecord
{
    QString model;
    double sizeMb = 0;
    double context = 0;
};

struct MetricsUpdateMessage
{
    static constexpr int maxRequests = 1000;
    static constexpr int maxCacheEvents = 1000;
    static constexpr int maxResident = 256;
    qint64 timeMs = 0;                // sender's clock, ms since the epoch
    QVector<RequestMetrics> requests; // requests finished since the previous update
    double linkRateKBps = -1;         // estimate, 1 KB = 1000 bytes; negative = unknown
    QString split;                    // the split in use now
    qint64 queueDepth = 0;            // requests waiting at the sender
    CacheEvents cache;                // counts since the previous update
    // An edge with a live model cache (--cache-mb) also sends, in "cache": its policy, budget,
    // memory in use and hit ratio so far, the events since the previous update and the resident
    // models now. Empty policy / budget < 0: no live cache.
    QString cachePolicy;
    double cacheBudgetMb = -1;
    double cacheUsedMb = -1;
    double cacheHitRatio = -1;
    CacheEvents cacheTotals; // with a live cache: the counts since the edge started ("totals")
    QVector<CacheEventRecord> cacheEvents;
    QVector<ResidentModelRecord> cacheResident;

    QCborMap toCbor() const;
    static Result<MetricsUpdateMessage> fromCbor(const QCborMap &map);
};

// link-settings (console -> device agent) asks the agent to change its shaped uplink while it
// runs; every field is optional and an absent one stays as it is (a rate slider sends only
// rate_kbps). The agent answers with link-settings-ack carrying all four values now in effect
// (same request id), or with an error frame (bad-request) and changes nothing.
struct LinkSettingsMessage
{
    // Negative = absent (leave unchanged).
    double rateKBps = -1; // 1 KB = 1000 bytes; 0 = unlimited
    double delayMs = -1;
    double jitterMs = -1;
    double loss = -1; // probability per chunk, 0..1

    // All four fields of the given settings (an ack).
    static LinkSettingsMessage from(const LinkSettings &settings);
    // The given settings with the present fields replaced; refused (naming the field) if the
    // result is out of range (LinkSettings::validate()).
    Result<LinkSettings> applyTo(const LinkSettings &settings) const;
    bool isEmpty() const { return rateKBps < 0 && delayMs < 0 && jitterMs < 0 && loss < 0; }

    QCborMap toCbor() const;
    static Result<LinkSettingsMessage> fromCbor(const QCborMap &map);
};

// run-inputs (console -> device agent): run `count` inputs from the device's input source
// through its split (0 = continuous, until stop-inputs), `ratePerSecond` a second (0 = closed
// loop: the next when the previous is answered). Answered by run-inputs-ack (same id) or an error
// frame (busy: a run is in progress; bad-request). Each answer then comes as a run-result with
// the run's request id, and a run-done when the `count` are answered or failed.
struct RunInputsMessage
{
    static constexpr qint64 maxCount = 1000000000;
    qint64 count = 1;         // 0 .. maxCount; 0 = until stopped
    double ratePerSecond = 0; // 0 .. 10000

    QCborMap toCbor() const;
    static Result<RunInputsMessage> fromCbor(const QCborMap &map);
};

struct RunInputsAckMessage
{
    qint64 accepted = 0; // the count accepted (0 = continuous)

    QCborMap toCbor() const;
    static Result<RunInputsAckMessage> fromCbor(const QCborMap &map);
};

// One input's answer (or failure) of a run; the fields are those of the device's JSON result
// line (docs/agents.md), times in milliseconds (negative = not measured / not sent).
struct RunResultMessage
{
    qint64 index = 0;
    QString input; // the file name of a folder input, else "fashion-mnist:N" / the source name
    QString model;
    bool ok = false;
    QString error;         // when !ok
    qint64 predicted = -1; // the class
    QString label;         // the class's name
    qint64 truth = -1;     // the input's own label when the source knows it, else -1
    QString split, codec;
    double deviceMs = -1, encodeMs = -1, transferMs = -1, edgeMs = -1, totalMs = -1;
    bool emulated = false;

    QCborMap toCbor() const;
    static Result<RunResultMessage> fromCbor(const QCborMap &map);
};

// run-done (the run's id) and stop-inputs-ack (the stop's id): what the run answered and failed.
struct RunDoneMessage
{
    qint64 answered = 0;
    qint64 failed = 0;

    QCborMap toCbor() const;
    static Result<RunDoneMessage> fromCbor(const QCborMap &map);
};

// stop-inputs and status-request carry an empty map.
struct EmptyMessage
{
    QCborMap toCbor() const { return {}; }
    static Result<EmptyMessage> fromCbor(const QCborMap &) { return EmptyMessage{}; }
};

// status-reply (any agent -> console, same id as the status-request): what it reports about itself.
struct StatusReplyMessage
{
    static constexpr int maxModels = 256;
    QString role;
    qint64 requests = 0; // answered since the agent started
    qint64 failed = 0;
    double medianMs = -1; // device: median total per input; edge: median time at the edge
    double deviceMs = -1; // median device compute (an edge: as its devices reported it)
    QStringList models;   // resident models (an edge: those whose runtime is loaded)
    bool emulated = false;
    double slowdown = 1, codecSlowdown = 1;

    QCborMap toCbor() const;
    static Result<StatusReplyMessage> fromCbor(const QCborMap &map);
};

// A frame of the given type carrying message.toCbor().
template <typename M>
Frame makeFrame(FrameType type, const M &message, quint32 requestId = 0,
                const QByteArray &payload = {})
{
    Frame f;
    f.type = type;
    f.requestId = requestId;
    f.control = message.toCbor();
    f.payload = payload;
    return f;
}

} // namespace edgegpt
