#include "core/link/LinkShaper.h"

#include <QAbstractSocket>
#include <QIODevice>
#include <QMutexLocker>
#include <QTimer>
#include <QVariant>

#include <algorithm>
#include <cmath>

namespace edgegpt {

namespace {

constexpr double chunkSeconds = 0.010; // a chunk is about 10 ms of the rate
constexpr double burstSeconds = 0.020; // the bucket holds at most 20 ms of credit
constexpr qint64 minChunkBytes = 500;
constexpr qint64 maxChunkBytes = 16 * 1024;
// Unlimited rate: hand over large pieces (the sink is a socket that takes them at once).
constexpr qint64 unlimitedChunkBytes = 256 * 1024;

qint64 msToNs(double ms)
{
    return qint64(std::llround(ms * 1e6));
}

} // namespace

double LinkSettings::rtoMs() const
{
    return std::max(minRtoMs, 2 * delayMs + 4 * jitterMs);
}

Result<void> LinkSettings::validate() const
{
    const auto bad = [](const char *what, double v, const char *range) {
        return Result<void>::failure(QStringLiteral("link %1 %2 is out of range (%3)")
                                         .arg(QLatin1String(what))
                                         .arg(v)
                                         .arg(QLatin1String(range)));
    };
    if (!std::isfinite(rateKBps) || rateKBps < 0 || rateKBps > 1e7)
        return bad("rate (KB/s)", rateKBps, "0 = unlimited, up to 10000000");
    if (!std::isfinite(delayMs) || delayMs < 0 || delayMs > 60000)
        return bad("delay (ms)", delayMs, "0..60000");
    if (!std::isfinite(jitterMs) || jitterMs < 0 || jitterMs > 60000)
        return bad("jitter (ms)", jitterMs, "0..60000");
    if (!std::isfinite(lossProbability) || lossProbability < 0 || lossProbability > 1)
        return bad("loss probability", lossProbability, "0..1");
    if (!std::isfinite(minRtoMs) || minRtoMs < 0 || minRtoMs > 60000)
        return bad("minimum RTO (ms)", minRtoMs, "0..60000");
    return Result<void>::success();
}

LinkShaper::LinkShaper(Sink sink, QObject *parent)
    : QObject(parent)
    , m_sink(std::move(sink))
    , m_timer(new QTimer(this))
    , m_random(QRandomGenerator::system()->generate())
{
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &LinkShaper::pump);
    m_clock.start();
}

LinkShaper::LinkShaper(QIODevice *device, QObject *parent)
    : LinkShaper(Sink(), parent)
{
    // Nagle's algorithm would hold back a paced chunk until the previous one is acknowledged
    // (40 ms with delayed ACKs): the shaper decides when bytes leave, so turn it off.
    if (auto *socket = qobject_cast<QAbstractSocket *>(device))
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QPointer<QIODevice> guard(device);
    m_sink = [guard](const QByteArray &bytes) {
        if (guard)
            guard->write(bytes);
    };
}

LinkShaper::~LinkShaper() = default;

qint64 LinkShaper::chunkBytesLocked() const
{
    if (m_settings.rateKBps <= 0)
        return unlimitedChunkBytes;
    const double perChunk = m_settings.rateKBps * 1000.0 * chunkSeconds;
    return std::clamp<qint64>(qint64(perChunk), minChunkBytes, maxChunkBytes);
}

double LinkShaper::burstBytesLocked() const
{
    return std::max(double(chunkBytesLocked()), m_settings.rateKBps * 1000.0 * burstSeconds);
}

void LinkShaper::refillLocked(qint64 nowNs)
{
    if (m_settings.rateKBps > 0) {
        const double credit = double(nowNs - m_refillNs) * rateBytesPerNsLocked();
        // Debt (a retransmission) is paid off before credit builds up again.
        m_tokens = std::min(burstBytesLocked(), m_tokens + credit);
    }
    m_refillNs = nowNs;
}

bool LinkShaper::write(const QByteArray &bytes, bool evenIfFull)
{
    if (bytes.isEmpty())
        return true;
    {
        QMutexLocker lock(&m_mutex);
        if (m_queued >= m_queueLimit && !evenIfFull) {
            m_refused = true;
            return false;
        }
        if (m_queue.empty() && m_inFlight.empty() && m_settings.rateKBps > 0) {
            // The link was idle: start with one chunk of credit, not with what an idle bucket
            // would have saved (that would be a burst above the rate).
            refillLocked(m_clock.nsecsElapsed());
            m_tokens = std::min(m_tokens, double(chunkBytesLocked()));
        }
        m_queue.push_back(bytes);
        m_queued += bytes.size();
    }
    // At once: an unshaped link adds no latency, a shaped one sends its first chunk now.
    pump();
    return true;
}

void LinkShaper::clear()
{
    QMutexLocker lock(&m_mutex);
    m_queue.clear();
    m_headOffset = 0;
    m_queued = 0;
    m_inFlight.clear();
    m_inFlightBytes = 0;
    m_timer->stop();
}

QByteArray LinkShaper::takeStartedWrites()
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    for (const InFlight &chunk : m_inFlight)
        out += chunk.bytes;
    if (!m_queue.empty() && m_headOffset > 0)
        out += m_queue.front().mid(qsizetype(m_headOffset));
    m_queue.clear();
    m_headOffset = 0;
    m_queued = 0;
    m_inFlight.clear();
    m_inFlightBytes = 0;
    m_timer->stop();
    return out;
}

// QTimer wakes in whole milliseconds. Rounding every wait up made each message arrive 0..1 ms
// late (0.5 ms on average: 40% of a 580-byte message's 1.2 ms at 500 KB/s); instead a chunk that
// is due within half a millisecond leaves or arrives now, and waits round to the nearest
// millisecond, so the error is ±0.5 ms around the true time and the rate is kept on average (a
// chunk that leaves early borrows its credit: the bucket goes below zero until it refills).
constexpr qint64 kTimerSlackNs = 500000;

void LinkShaper::pump()
{
    QList<QByteArray> ready;
    qint64 readyBytes = 0;
    bool announceReady = false;
    bool nowIdle = false;
    qint64 wakeInNs = -1;
    {
        QMutexLocker lock(&m_mutex);
        const qint64 now = m_clock.nsecsElapsed();
        refillLocked(now);
        const bool limited = m_settings.rateKBps > 0;
        const qint64 chunkLimit = chunkBytesLocked();
        qint64 nextDepartureNs = -1;
        while (!m_queue.empty()) {
            const QByteArray &head = m_queue.front();
            const qint64 n = std::min(chunkLimit, head.size() - m_headOffset);
            if (limited && m_tokens + rateBytesPerNsLocked() * double(kTimerSlackNs) < double(n)) {
                nextDepartureNs =
                    now + qint64(std::ceil((double(n) - m_tokens) / rateBytesPerNsLocked()));
                break;
            }
            InFlight chunk;
            chunk.bytes = (m_headOffset == 0 && n == head.size())
                              ? head
                              : head.mid(qsizetype(m_headOffset), qsizetype(n));
            m_headOffset += n;
            if (m_headOffset == head.size()) {
                m_queue.pop_front();
                m_headOffset = 0;
            }
            m_queued -= n;
            if (limited)
                m_tokens -= double(n);

            double delayMs = m_settings.delayMs;
            if (m_settings.jitterMs > 0)
                delayMs += (m_random.generateDouble() * 2 - 1) * m_settings.jitterMs;
            if (m_settings.lossProbability > 0 &&
                m_random.generateDouble() < m_settings.lossProbability) {
                delayMs += m_settings.rtoMs();
                ++m_lost;
                if (limited)
                    m_tokens -= double(n); // the retransmission crosses the link again
            }
            // The chunk's last byte reaches the far end one serialisation time (n / rate) after
            // its first left: a 458-byte message on a 100 KB/s link takes 4.6 ms even when the
            // bucket has credit. The bucket paces the departures, so over a long transfer this is
            // one chunk time in total, not one per chunk. In order, like the TCP stream it stands
            // for.
            const qint64 serialisationNs = limited ? qint64(double(n) / rateBytesPerNsLocked()) : 0;
            chunk.deliverAtNs =
                std::max(now + serialisationNs + msToNs(std::max(0.0, delayMs)), m_lastDeliverAtNs);
            m_lastDeliverAtNs = chunk.deliverAtNs;
            m_inFlightBytes += n;
            m_inFlight.push_back(std::move(chunk));
        }
        while (!m_inFlight.empty() && m_inFlight.front().deliverAtNs <= now + kTimerSlackNs) {
            readyBytes += m_inFlight.front().bytes.size();
            ready.append(std::move(m_inFlight.front().bytes));
            m_inFlight.pop_front();
        }
        m_inFlightBytes -= readyBytes;
        m_delivered += readyBytes;

        qint64 wakeAt = nextDepartureNs;
        if (!m_inFlight.empty())
            wakeAt = wakeAt < 0 ? m_inFlight.front().deliverAtNs
                                : std::min(wakeAt, m_inFlight.front().deliverAtNs);
        if (wakeAt >= 0)
            wakeInNs = std::max<qint64>(0, wakeAt - now);
        if (m_refused && m_queued < m_queueLimit / 2) {
            m_refused = false;
            announceReady = true;
        }
        nowIdle = readyBytes > 0 && m_queue.empty() && m_inFlight.empty();
    }

    if (wakeInNs >= 0) {
        // To the nearest millisecond: what is due within kTimerSlackNs of the wake-up goes then.
        m_timer->start(int(std::min<qint64>((wakeInNs + 500000) / 1000000, 1 << 30)));
    } else {
        m_timer->stop();
    }
    for (const QByteArray &b : ready)
        m_sink(b);
    if (readyBytes > 0)
        Q_EMIT delivered(readyBytes);
    if (announceReady)
        Q_EMIT readyForMore();
    if (nowIdle)
        Q_EMIT idle();
}

void LinkShaper::schedulePump()
{
    // The timer belongs to the shaper's thread; a setter on another thread asks it to re-plan.
    QMetaObject::invokeMethod(
        this, [this] { pump(); }, Qt::QueuedConnection);
}

qint64 LinkShaper::queuedBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_queued;
}

qint64 LinkShaper::inFlightBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_inFlightBytes;
}

qint64 LinkShaper::deliveredBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_delivered;
}

qint64 LinkShaper::lostChunks() const
{
    QMutexLocker lock(&m_mutex);
    return m_lost;
}

bool LinkShaper::isIdle() const
{
    QMutexLocker lock(&m_mutex);
    return m_queue.empty() && m_inFlight.empty();
}

LinkSettings LinkShaper::settings() const
{
    QMutexLocker lock(&m_mutex);
    return m_settings;
}

Result<void> LinkShaper::setSettings(const LinkSettings &settings)
{
    return modifySettings([&settings](LinkSettings &s) { s = settings; });
}

Result<void> LinkShaper::modifySettings(const std::function<void(LinkSettings &)> &change)
{
    {
        QMutexLocker lock(&m_mutex);
        LinkSettings next = m_settings;
        change(next);
        const Result<void> valid = next.validate();
        if (!valid.ok())
            return valid;
        // Credit earned so far is earned at the old rate.
        refillLocked(m_clock.nsecsElapsed());
        m_settings = next;
        m_tokens = std::min(m_tokens, burstBytesLocked());
    }
    schedulePump();
    return Result<void>::success();
}

Result<void> LinkShaper::setRateKBps(double rateKBps)
{
    return modifySettings([rateKBps](LinkSettings &s) { s.rateKBps = rateKBps; });
}

Result<void> LinkShaper::setDelayMs(double delayMs)
{
    return modifySettings([delayMs](LinkSettings &s) { s.delayMs = delayMs; });
}

Result<void> LinkShaper::setJitterMs(double jitterMs)
{
    return modifySettings([jitterMs](LinkSettings &s) { s.jitterMs = jitterMs; });
}

Result<void> LinkShaper::setLossProbability(double probability)
{
    return modifySettings([probability](LinkSettings &s) { s.lossProbability = probability; });
}

void LinkShaper::setQueueLimitBytes(qint64 bytes)
{
    QMutexLocker lock(&m_mutex);
    m_queueLimit = std::max<qint64>(1, bytes);
}

qint64 LinkShaper::queueLimitBytes() const
{
    QMutexLocker lock(&m_mutex);
    return m_queueLimit;
}

void LinkShaper::setRandomSeed(quint32 seed)
{
    QMutexLocker lock(&m_mutex);
    m_random.seed(seed);
}

} // namespace edgegpt
