#include "core/protocol/Messages.h"

#include <QCborArray>
#include <QCborValue>

#include <algorithm>
#include <cmath>
#include <limits>

namespace edgegpt {

namespace {

constexpr qsizetype maxStringChars = 4096;
constexpr qsizetype maxProofBytes = 64;

// Reads fields of an untrusted map; remembers the first problem so that a fromCbor() reads like
// a list of fields and checks once at the end.
class FieldReader
{
public:
    FieldReader(const QCborMap &map, const char *message)
        : m_map(map)
        , m_message(message)
    {}

    QString string(const char *key, bool required = true)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("missing"));
            return QString();
        }
        if (!v.isString())
            return fail(key, QStringLiteral("not a text string")), QString();
        const QString s = v.toString();
        if (s.size() > maxStringChars)
            return fail(key, QStringLiteral("longer than %1 characters").arg(maxStringChars)),
                   QString();
        return s;
    }

    QByteArray bytes(const char *key, qsizetype minSize, qsizetype maxSize)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined())
            return fail(key, QStringLiteral("missing")), QByteArray();
        if (!v.isByteArray())
            return fail(key, QStringLiteral("not a byte string")), QByteArray();
        const QByteArray b = v.toByteArray();
        if (b.size() < minSize || b.size() > maxSize)
            return fail(key, QStringLiteral("%1 bytes, expected %2..%3")
                                 .arg(b.size())
                                 .arg(minSize)
                                 .arg(maxSize)),
                   QByteArray();
        return b;
    }

    qint64 integer(const char *key, qint64 min, qint64 max, bool required = true,
                   qint64 fallback = 0)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined()) {
            if (required)
                fail(key, QStringLiteral("missing"));
            return fallback;
        }
        if (!v.isInteger())
            return fail(key, QStringLiteral("not an integer")), fallback;
        const qint64 i = v.toInteger();
        if (i < min || i > max)
            return fail(key, QStringLiteral("%1 out of range %2..%3").arg(i).arg(min).arg(max)),
                   fallback;
        return i;
    }

    // A finite number (integer or float); absent = fallback.
    double number(const char *key, double fallback = -1)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble() && !v.isInteger())
            return fail(key, QStringLiteral("not a number")), fallback;
        const double d = v.toDouble();
        if (!std::isfinite(d))
            return fail(key, QStringLiteral("not finite")), fallback;
        return d;
    }

    QCborArray array(const char *key, qsizetype maxSize)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined())
            return QCborArray();
        if (!v.isArray())
            return fail(key, QStringLiteral("not an array")), QCborArray();
        const QCborArray a = v.toArray();
        if (a.size() > maxSize)
            return fail(key, QStringLiteral("more than %1 entries").arg(maxSize)), QCborArray();
        return a;
    }

    bool boolean(const char *key, bool fallback = false)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isBool())
            return fail(key, QStringLiteral("not a boolean")), fallback;
        return v.toBool();
    }

    QCborMap map(const char *key)
    {
        const QCborValue v = m_map.value(QLatin1String(key));
        if (v.isUndefined())
            return QCborMap();
        if (!v.isMap())
            return fail(key, QStringLiteral("not a map")), QCborMap();
        return v.toMap();
    }

    void fail(const char *key, const QString &what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: field '%2' %3")
                          .arg(QLatin1String(m_message), QLatin1String(key), what);
    }
    void failMessage(const QString &what)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: %2").arg(QLatin1String(m_message), what);
    }

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }

private:
    QCborMap m_map;
    const char *m_message;
    QString m_error;
};

template <typename M> Result<M> finish(const FieldReader &r, M m)
{
    if (!r.ok())
        return Result<M>::failure(r.error());
    return m;
}

void putTiming(QCborMap &map, const char *key, double ms)
{
    if (ms >= 0)
        map.insert(QLatin1String(key), ms);
}

// The compact maps of the per-inference frames (infer-request, infer-result): small integer keys
// (one CBOR byte each) instead of text keys, timings in whole microseconds (docs/protocol.md).
struct FieldId
{
    qint64 id;
    const char *name;
};

void putMicros(QCborMap &map, qint64 id, double ms)
{
    if (ms >= 0)
        map.insert(id, qint64(std::llround(std::min(ms, 1e12) * 1000.0)));
}

// The map with each present id also under its field's name, so that FieldReader reads (and names
// in its errors) "model" for id 1. Text keys of the map stay as they are.
QCborMap namedFields(const QCborMap &map, std::initializer_list<FieldId> ids)
{
    QCborMap named = map;
    for (const FieldId &f : ids) {
        const QCborValue v = map.value(f.id);
        if (!v.isUndefined())
            named.insert(QLatin1String(f.name), v);
    }
    return named;
}

// A timing in microseconds (a number ≥ 0) as milliseconds; -1 when absent.
double microsAsMs(FieldReader &r, const char *name)
{
    const double us = r.number(name, std::numeric_limits<double>::quiet_NaN());
    if (std::isnan(us))
        return -1;
    if (us < 0)
        return r.fail(name, QStringLiteral("negative")), -1;
    return us / 1000.0;
}

namespace infer_request_id {
constexpr qint64 model = 1, split = 2, codec = 3, deviceComputeUs = 4, encodeUs = 5;
}
namespace infer_result_id {
constexpr qint64 classIndex = 1, label = 2, topK = 3, decodeUs = 4, edgeComputeUs = 5, queueUs = 6;
}

} // namespace

QCborMap HelloMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("protocol"), protocol);
    m.insert(QStringLiteral("name"), name);
    m.insert(QStringLiteral("role"), role);
    m.insert(QStringLiteral("nonce"), nonce);
    return m;
}

Result<HelloMessage> HelloMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "hello");
    HelloMessage m;
    // Read the version first and alone: a peer of another version may have other fields.
    m.protocol = int(r.integer("protocol", 0, 0xFFFF));
    if (!r.ok() || m.protocol != protocolVersion)
        return finish(r, m);
    m.name = r.string("name", false);
    m.role = r.string("role", false);
    m.nonce = r.bytes("nonce", handshakeNonceBytes, handshakeNonceBytes);
    return finish(r, m);
}

QCborMap ChallengeMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("protocol"), protocol);
    m.insert(QStringLiteral("nonce"), nonce);
    return m;
}

Result<ChallengeMessage> ChallengeMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "challenge");
    ChallengeMessage m;
    m.protocol = int(r.integer("protocol", 0, 0xFFFF));
    m.nonce = r.bytes("nonce", handshakeNonceBytes, handshakeNonceBytes);
    return finish(r, m);
}

QCborMap ResponseMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("proof"), proof);
    return m;
}

Result<ResponseMessage> ResponseMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "response");
    ResponseMessage m;
    m.proof = r.bytes("proof", 1, maxProofBytes);
    return finish(r, m);
}

QCborMap OkMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("proof"), proof);
    m.insert(QStringLiteral("name"), name);
    m.insert(QStringLiteral("role"), role);
    return m;
}

Result<OkMessage> OkMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "ok");
    OkMessage m;
    m.proof = r.bytes("proof", 1, maxProofBytes);
    m.name = r.string("name", false);
    m.role = r.string("role", false);
    return finish(r, m);
}

QCborMap ErrorMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("code"), code);
    m.insert(QStringLiteral("message"), message);
    return m;
}

Result<ErrorMessage> ErrorMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "error");
    ErrorMessage m;
    m.code = r.string("code");
    m.message = r.string("message", false);
    return finish(r, m);
}

QCborMap PingMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("sent_ms"), sentMs);
    return m;
}

Result<PingMessage> PingMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "ping");
    PingMessage m;
    m.sentMs = r.integer("sent_ms", std::numeric_limits<qint64>::min(),
                         std::numeric_limits<qint64>::max(), false);
    return finish(r, m);
}

QCborMap InferRequestMessage::toCbor() const
{
    QCborMap m;
    m.insert(infer_request_id::model, model);
    m.insert(infer_request_id::split, split);
    m.insert(infer_request_id::codec, codec);
    putMicros(m, infer_request_id::deviceComputeUs, deviceComputeMs);
    putMicros(m, infer_request_id::encodeUs, encodeMs);
    if (cacheTopic >= 0)
        m.insert(QStringLiteral("cache_topic"), cacheTopic);
    putTiming(m, "cache_time_s", cacheTimeS);
    return m;
}

Result<InferRequestMessage> InferRequestMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(namedFields(map, {{infer_request_id::model, "model"},
                                    {infer_request_id::split, "split"},
                                    {infer_request_id::codec, "codec"},
                                    {infer_request_id::deviceComputeUs, "device_compute_us"},
                                    {infer_request_id::encodeUs, "encode_us"}}),
                  "infer-request");
    InferRequestMessage m;
    m.model = r.string("model");
    m.split = r.string("split");
    m.codec = r.string("codec");
    m.deviceComputeMs = microsAsMs(r, "device_compute_us");
    m.encodeMs = microsAsMs(r, "encode_us");
    m.cacheTopic = r.integer("cache_topic", 0, std::numeric_limits<qint32>::max(), false, -1);
    m.cacheTimeS = r.number("cache_time_s");
    if (m.model.isEmpty())
        r.fail("model", QStringLiteral("empty"));
    return finish(r, m);
}

QCborMap InferResultMessage::toCbor() const
{
    QCborMap m;
    m.insert(infer_result_id::classIndex, this->classIndex);
    if (!this->label.isEmpty())
        m.insert(infer_result_id::label, this->label);
    // [class, score, class, score, …]: scores as float32 (the frame writes a double that a
    // float holds exactly in 4 bytes, docs/protocol.md).
    QCborArray top;
    for (const ScoredClass &s : topK) {
        top.append(s.classIndex);
        top.append(double(float(s.score)));
    }
    m.insert(infer_result_id::topK, top);
    putMicros(m, infer_result_id::decodeUs, decodeMs);
    putMicros(m, infer_result_id::edgeComputeUs, edgeComputeMs);
    putMicros(m, infer_result_id::queueUs, queueMs);
    return m;
}

Result<InferResultMessage> InferResultMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(namedFields(map, {{infer_result_id::classIndex, "class"},
                                    {infer_result_id::label, "label"},
                                    {infer_result_id::topK, "top_k"},
                                    {infer_result_id::decodeUs, "decode_us"},
                                    {infer_result_id::edgeComputeUs, "edge_compute_us"},
                                    {infer_result_id::queueUs, "queue_us"}}),
                  "infer-result");
    InferResultMessage m;
    m.classIndex = r.integer("class", -1, std::numeric_limits<qint32>::max());
    m.label = r.string("label", false);
    const QCborArray top = r.array("top_k", 2000);
    if (top.size() % 2 != 0)
        r.fail("top_k", QStringLiteral("has an odd number of entries (class, score pairs)"));
    for (qsizetype i = 0; r.ok() && i + 1 < top.size(); i += 2) {
        const QCborValue c = top.at(i), score = top.at(i + 1);
        if (!c.isInteger() || c.toInteger() < 0 ||
            c.toInteger() > std::numeric_limits<qint32>::max()) {
            r.fail("top_k", QStringLiteral("entry %1: class not an integer 0..%2")
                                .arg(i / 2)
                                .arg(std::numeric_limits<qint32>::max()));
            break;
        }
        if ((!score.isDouble() && !score.isInteger()) || !std::isfinite(score.toDouble())) {
            r.fail("top_k", QStringLiteral("entry %1: score not a finite number").arg(i / 2));
            break;
        }
        m.topK.append(ScoredClass{c.toInteger(), score.toDouble()});
    }
    m.decodeMs = microsAsMs(r, "decode_us");
    m.edgeComputeMs = microsAsMs(r, "edge_compute_us");
    m.queueMs = microsAsMs(r, "queue_us");
    return finish(r, m);
}

QCborMap MetricsSubscribeMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("interval_ms"), intervalMs);
    return m;
}

Result<MetricsSubscribeMessage> MetricsSubscribeMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "metrics-subscribe");
    MetricsSubscribeMessage m;
    // Faster than 10 Hz is not an error: the subscriber gets the fastest there is.
    m.intervalMs =
        std::max(minIntervalMs, int(r.integer("interval_ms", 0, 3600 * 1000, false, 100)));
    return finish(r, m);
}

QCborMap MetricsUpdateMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("time_ms"), timeMs);
    QCborArray list;
    for (const RequestMetrics &q : requests) {
        QCborMap e;
        e.insert(QStringLiteral("id"), qint64(q.requestId));
        putTiming(e, "device_compute_ms", q.deviceComputeMs);
        putTiming(e, "encode_ms", q.encodeMs);
        putTiming(e, "transfer_ms", q.transferMs);
        putTiming(e, "edge_compute_ms", q.edgeComputeMs);
        putTiming(e, "return_ms", q.returnMs);
        putTiming(e, "total_ms", q.totalMs);
        e.insert(QStringLiteral("bytes"), q.bytes);
        e.insert(QStringLiteral("split"), q.split);
        e.insert(QStringLiteral("codec"), q.codec);
        list.append(e);
    }
    m.insert(QStringLiteral("requests"), list);
    putTiming(m, "link_rate_kBps", linkRateKBps);
    m.insert(QStringLiteral("split"), split);
    m.insert(QStringLiteral("queue_depth"), queueDepth);
    QCborMap c;
    c.insert(QStringLiteral("hits"), cache.hits);
    c.insert(QStringLiteral("misses"), cache.misses);
    c.insert(QStringLiteral("loads"), cache.loads);
    c.insert(QStringLiteral("evictions"), cache.evictions);
    if (!cachePolicy.isEmpty()) {
        c.insert(QStringLiteral("policy"), cachePolicy);
        putTiming(c, "budget_mb", cacheBudgetMb);
        putTiming(c, "used_mb", cacheUsedMb);
        putTiming(c, "hit_ratio", cacheHitRatio);
        QCborMap totals;
        totals.insert(QStringLiteral("hits"), cacheTotals.hits);
        totals.insert(QStringLiteral("misses"), cacheTotals.misses);
        totals.insert(QStringLiteral("loads"), cacheTotals.loads);
        totals.insert(QStringLiteral("evictions"), cacheTotals.evictions);
        c.insert(QStringLiteral("totals"), totals);
        QCborArray events;
        for (const CacheEventRecord &e : cacheEvents) {
            QCborMap x;
            x.insert(QStringLiteral("time_ms"), e.timeMs);
            x.insert(QStringLiteral("kind"), e.kind);
            x.insert(QStringLiteral("model"), e.model);
            putTiming(x, "ms", e.ms);
            events.append(x);
        }
        c.insert(QStringLiteral("events"), events);
        QCborArray resident;
        for (const ResidentModelRecord &r : cacheResident) {
            QCborMap x;
            x.insert(QStringLiteral("model"), r.model);
            x.insert(QStringLiteral("size_mb"), r.sizeMb);
            x.insert(QStringLiteral("context"), r.context);
            resident.append(x);
        }
        c.insert(QStringLiteral("resident"), resident);
    }
    m.insert(QStringLiteral("cache"), c);
    return m;
}

Result<MetricsUpdateMessage> MetricsUpdateMessage::fromCbor(const QCborMap &map)
{
    constexpr qint64 big = std::numeric_limits<qint64>::max();
    FieldReader r(map, "metrics-update");
    MetricsUpdateMessage m;
    m.timeMs = r.integer("time_ms", 0, big);
    const QCborArray list = r.array("requests", maxRequests);
    for (const QCborValue &v : list) {
        if (!v.isMap()) {
            r.fail("requests", QStringLiteral("entry is not a map"));
            break;
        }
        FieldReader e(v.toMap(), "metrics-update request");
        RequestMetrics q;
        q.requestId = quint32(e.integer("id", 0, 0xFFFFFFFFll));
        q.deviceComputeMs = e.number("device_compute_ms");
        q.encodeMs = e.number("encode_ms");
        q.transferMs = e.number("transfer_ms");
        q.edgeComputeMs = e.number("edge_compute_ms");
        q.returnMs = e.number("return_ms");
        q.totalMs = e.number("total_ms");
        q.bytes = e.integer("bytes", 0, big, false);
        q.split = e.string("split", false);
        q.codec = e.string("codec", false);
        if (!e.ok()) {
            r.failMessage(e.error());
            break;
        }
        m.requests.append(q);
    }
    m.linkRateKBps = r.number("link_rate_kBps");
    m.split = r.string("split", false);
    m.queueDepth = r.integer("queue_depth", 0, big, false);
    FieldReader c(r.map("cache"), "metrics-update cache");
    m.cache.hits = c.integer("hits", 0, big, false);
    m.cache.misses = c.integer("misses", 0, big, false);
    m.cache.loads = c.integer("loads", 0, big, false);
    m.cache.evictions = c.integer("evictions", 0, big, false);
    m.cachePolicy = c.string("policy", false);
    m.cacheBudgetMb = c.number("budget_mb");
    m.cacheUsedMb = c.number("used_mb");
    m.cacheHitRatio = c.number("hit_ratio");
    {
        // Optional: an edge of an earlier build sends none (all 0 then).
        FieldReader t(c.map("totals"), "metrics-update cache totals");
        m.cacheTotals.hits = t.integer("hits", 0, big, false);
        m.cacheTotals.misses = t.integer("misses", 0, big, false);
        m.cacheTotals.loads = t.integer("loads", 0, big, false);
        m.cacheTotals.evictions = t.integer("evictions", 0, big, false);
        if (!t.ok())
            c.failMessage(t.error());
    }
    for (const QCborValue &v : c.array("events", maxCacheEvents)) {
        FieldReader e(v.toMap(), "metrics-update cache event");
        if (!v.isMap())
            e.failMessage(QStringLiteral("entry is not a map"));
        CacheEventRecord x;
        x.timeMs = e.integer("time_ms", 0, big);
        x.kind = e.string("kind");
        x.model = e.string("model");
        x.ms = e.number("ms");
        if (!e.ok()) {
            c.failMessage(e.error());
            break;
        }
        m.cacheEvents.append(x);
    }
    for (const QCborValue &v : c.array("resident", maxResident)) {
        FieldReader e(v.toMap(), "metrics-update resident model");
        if (!v.isMap())
            e.failMessage(QStringLiteral("entry is not a map"));
        ResidentModelRecord x;
        x.model = e.string("model");
        x.sizeMb = e.number("size_mb", 0);
        x.context = e.number("context", 0);
        if (!e.ok()) {
            c.failMessage(e.error());
            break;
        }
        m.cacheResident.append(x);
    }
    if (!c.ok())
        r.failMessage(c.error());
    return finish(r, m);
}

LinkSettingsMessage LinkSettingsMessage::from(const LinkSettings &settings)
{
    LinkSettingsMessage m;
    m.rateKBps = settings.rateKBps;
    m.delayMs = settings.delayMs;
    m.jitterMs = settings.jitterMs;
    m.loss = settings.lossProbability;
    return m;
}

Result<LinkSettings> LinkSettingsMessage::applyTo(const LinkSettings &settings) const
{
    LinkSettings next = settings;
    if (rateKBps >= 0)
        next.rateKBps = rateKBps;
    if (delayMs >= 0)
        next.delayMs = delayMs;
    if (jitterMs >= 0)
        next.jitterMs = jitterMs;
    if (loss >= 0)
        next.lossProbability = loss;
    const Result<void> valid = next.validate();
    if (!valid)
        return Result<LinkSettings>::failure(
            QStringLiteral("link-settings: %1").arg(valid.error()));
    return next;
}

QCborMap LinkSettingsMessage::toCbor() const
{
    QCborMap m;
    putTiming(m, "rate_kbps", rateKBps);
    putTiming(m, "delay_ms", delayMs);
    putTiming(m, "jitter_ms", jitterMs);
    putTiming(m, "loss", loss);
    return m;
}

Result<LinkSettingsMessage> LinkSettingsMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "link-settings");
    LinkSettingsMessage m;
    // Present fields must be numbers in range; absent ones read back as -1 (unchanged).
    const auto field = [&r, &map](const char *key, double max) {
        if (map.value(QLatin1String(key)).isUndefined())
            return -1.0;
        const double v = r.number(key, -1);
        if (r.ok() && (v < 0 || v > max))
            r.fail(key, QStringLiteral("%1 out of range 0..%2").arg(v).arg(max));
        return v;
    };
    m.rateKBps = field("rate_kbps", 1e7);
    m.delayMs = field("delay_ms", 60000);
    m.jitterMs = field("jitter_ms", 60000);
    m.loss = field("loss", 1);
    return finish(r, m);
}

QCborMap RunInputsMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("count"), count);
    m.insert(QStringLiteral("rate_per_s"), ratePerSecond);
    return m;
}

Result<RunInputsMessage> RunInputsMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "run-inputs");
    RunInputsMessage m;
    m.count = r.integer("count", 0, maxCount);
    m.ratePerSecond = r.number("rate_per_s", 0);
    if (r.ok() && (m.ratePerSecond < 0 || m.ratePerSecond > 10000))
        r.fail("rate_per_s", QStringLiteral("%1 out of range 0..10000").arg(m.ratePerSecond));
    return finish(r, m);
}

QCborMap RunInputsAckMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("accepted"), accepted);
    return m;
}

Result<RunInputsAckMessage> RunInputsAckMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "run-inputs-ack");
    RunInputsAckMessage m;
    m.accepted = r.integer("accepted", 0, RunInputsMessage::maxCount);
    return finish(r, m);
}

QCborMap RunResultMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("index"), index);
    m.insert(QStringLiteral("input"), input);
    m.insert(QStringLiteral("model"), model);
    m.insert(QStringLiteral("ok"), ok);
    if (!ok)
        m.insert(QStringLiteral("error"), error);
    m.insert(QStringLiteral("predicted"), predicted);
    m.insert(QStringLiteral("label"), label);
    m.insert(QStringLiteral("truth"), truth);
    m.insert(QStringLiteral("split"), split);
    m.insert(QStringLiteral("codec"), codec);
    putTiming(m, "device_ms", deviceMs);
    putTiming(m, "encode_ms", encodeMs);
    putTiming(m, "transfer_ms", transferMs);
    putTiming(m, "edge_ms", edgeMs);
    putTiming(m, "total_ms", totalMs);
    m.insert(QStringLiteral("emulated"), emulated);
    return m;
}

Result<RunResultMessage> RunResultMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "run-result");
    constexpr qint64 big = std::numeric_limits<qint32>::max();
    RunResultMessage m;
    m.index = r.integer("index", 0, std::numeric_limits<qint64>::max());
    m.input = r.string("input", false);
    m.model = r.string("model", false);
    m.ok = r.boolean("ok", false);
    m.error = r.string("error", false);
    m.predicted = r.integer("predicted", -1, big, false, -1);
    m.label = r.string("label", false);
    m.truth = r.integer("truth", -1, big, false, -1);
    m.split = r.string("split", false);
    m.codec = r.string("codec", false);
    const auto timing = [&r](const char *key) {
        const double v = r.number(key, -1);
        if (r.ok() && v > 1e9)
            r.fail(key, QStringLiteral("%1 out of range").arg(v));
        return v < 0 ? -1.0 : v;
    };
    m.deviceMs = timing("device_ms");
    m.encodeMs = timing("encode_ms");
    m.transferMs = timing("transfer_ms");
    m.edgeMs = timing("edge_ms");
    m.totalMs = timing("total_ms");
    m.emulated = r.boolean("emulated", false);
    if (r.ok() && !m.ok && m.error.isEmpty())
        r.fail("error", QStringLiteral("missing for a failed input"));
    return finish(r, m);
}

QCborMap RunDoneMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("answered"), answered);
    m.insert(QStringLiteral("failed"), failed);
    return m;
}

Result<RunDoneMessage> RunDoneMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "run-done");
    RunDoneMessage m;
    m.answered = r.integer("answered", 0, std::numeric_limits<qint64>::max());
    m.failed = r.integer("failed", 0, std::numeric_limits<qint64>::max());
    return finish(r, m);
}

QCborMap StatusReplyMessage::toCbor() const
{
    QCborMap m;
    m.insert(QStringLiteral("role"), role);
    m.insert(QStringLiteral("requests"), requests);
    m.insert(QStringLiteral("failed"), failed);
    putTiming(m, "median_ms", medianMs);
    putTiming(m, "device_ms", deviceMs);
    QCborArray names;
    for (const QString &n : models)
        names.append(n);
    m.insert(QStringLiteral("models"), names);
    m.insert(QStringLiteral("emulated"), emulated);
    m.insert(QStringLiteral("slowdown"), slowdown);
    m.insert(QStringLiteral("codec_slowdown"), codecSlowdown);
    return m;
}

Result<StatusReplyMessage> StatusReplyMessage::fromCbor(const QCborMap &map)
{
    FieldReader r(map, "status-reply");
    StatusReplyMessage m;
    m.role = r.string("role");
    m.requests = r.integer("requests", 0, std::numeric_limits<qint64>::max());
    m.failed = r.integer("failed", 0, std::numeric_limits<qint64>::max(), false);
    m.medianMs = r.number("median_ms", -1);
    m.deviceMs = r.number("device_ms", -1);
    if (r.ok() && (m.medianMs > 1e9 || m.deviceMs > 1e9))
        r.failMessage(QStringLiteral("a time out of range"));
    const QCborArray names = r.array("models", maxModels);
    for (const QCborValue &v : names) {
        if (!v.isString() || v.toString().size() > 256) {
            r.fail("models", QStringLiteral("holds something other than a model name"));
            break;
        }
        m.models << v.toString();
    }
    m.emulated = r.boolean("emulated", false);
    m.slowdown = r.number("slowdown", 1);
    m.codecSlowdown = r.number("codec_slowdown", 1);
    if (r.ok() &&
        (m.slowdown < 1 || m.slowdown > 10000 || m.codecSlowdown < 1 || m.codecSlowdown > 10000))
        r.failMessage(QStringLiteral("slowdown out of range 1..10000"));
    return finish(r, m);
}

} // namespace edgegpt
