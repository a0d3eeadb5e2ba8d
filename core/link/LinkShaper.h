// LinkShaper: emulates a slower, longer, lossy link on top of a fast one (loopback between local
// agents), for one direction of one connection. Bytes written to it leave through a token bucket
// at the set rate in chunks, each chunk reaches the sink after the one-way delay plus jitter, and
// a "lost" chunk arrives one retransmission timeout late. The model (docs/protocol.md, "Link
// shaper"):
//   - rate in KB/s, 1 KB = 1000 bytes; 0 = unlimited. Bytes leave in chunks of about 10 ms of
//     the rate (500 bytes .. 16 KiB); the bucket holds at most 20 ms of credit, so an idle link
//     does not save up a burst; each chunk arrives its serialisation time (bytes / rate) after it
//     left, so even a small message pays for its size as on a real link;
//   - delay: added one-way latency in ms; jitter: each chunk's delay is drawn uniformly from
//     [delay - jitter, delay + jitter] (never below 0). A TCP stream stays in order, so a chunk
//     is never delivered before the one sent ahead of it;
//   - loss: with this probability a chunk is "lost" and, as TCP would retransmit it, delivered one
//     RTO = max(minimum RTO (200 ms), 2 * delay + 4 * jitter) later, holding back the chunks
//     behind it; the retransmission uses the link again (its bytes are charged twice).
// Pacing runs on one single-shot QTimer of the shaper's thread; nothing sleeps. The settings may be
// changed from any thread while bytes are flowing; a new rate applies from the moment it is set,
// a new delay/jitter/loss to chunks that leave after it.
//
// The queue of bytes that have not left yet is bounded: write() refuses (returns false, takes
// nothing) while queuedBytes() >= queueLimitBytes(), and readyForMore() is emitted once a refused
// writer may write again (the queue drained below half the limit). A write is taken whole while
// there is room, so the queue can exceed the limit by at most one write.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>

#include <deque>
#include <functional>

class QIODevice;
class QTimer;

namespace edgegpt {

struct LinkSettings
{
    double rateKBps = 0;        // 1 KB = 1000 bytes; 0 = unlimited
    double delayMs = 0;         // added one-way delay
    double jitterMs = 0;        // +- around the delay, uniform
    double lossProbability = 0; // per chunk, 0 .. 1
    double minRtoMs = 200;      // Linux's minimum retransmission timeout

    // Whether the settings do nothing (bytes pass straight through).
    bool isTransparent() const
    {
        return rateKBps <= 0 && delayMs <= 0 && jitterMs <= 0 && lossProbability <= 0;
    }
    // The extra delay of a lost chunk.
    double rtoMs() const;
    Result<void> validate() const;
};

class LinkShaper : public QObject
{
    Q_OBJECT
public:
    using Sink = std::function<void(const QByteArray &)>;
    static constexpr qint64 defaultQueueLimitBytes = 8 * 1024 * 1024;

    // Delivers to sink (called on the shaper's thread).
    explicit LinkShaper(Sink sink, QObject *parent = nullptr);
    // Delivers by device->write() (e.g. a QTcpSocket, whose Nagle delay it turns off); stops
    // delivering if the device is deleted.
    explicit LinkShaper(QIODevice *device, QObject *parent = nullptr);
    ~LinkShaper() override;

    // Takes the bytes whole, or refuses them (false) while the queue is full; evenIfFull takes
    // them anyway (small control replies such as a pong must not be lost). Shaper's thread only.
    bool write(const QByteArray &bytes, bool evenIfFull = false);
    // Drops everything not delivered yet.
    void clear();
    // Drops the writes that have not begun to leave and returns, in order, all the bytes not yet
    // delivered of those that have (in flight, or partly through the bucket). A connection that
    // closes hands them to its socket at once: its stream stays whole frames.
    QByteArray takeStartedWrites();

    qint64 queuedBytes() const;   // written, not yet left through the bucket
    qint64 inFlightBytes() const; // left, waiting out their delay
    qint64 deliveredBytes() const;
    qint64 lostChunks() const;
    bool isIdle() const; // nothing queued or in flight

    // Thread-safe.
    LinkSettings settings() const;
    // Invalid values are refused (the old settings stay); see LinkSettings::validate().
    Result<void> setSettings(const LinkSettings &settings);
    Result<void> setRateKBps(double rateKBps);
    Result<void> setDelayMs(double delayMs);
    Result<void> setJitterMs(double jitterMs);
    Result<void> setLossProbability(double probability);
    void setQueueLimitBytes(qint64 bytes);
    qint64 queueLimitBytes() const;
    // Makes jitter and loss repeatable (tests).
    void setRandomSeed(quint32 seed);

Q_SIGNALS:
    // A write was refused earlier and the queue has drained below half its limit.
    void readyForMore();
    // Bytes were handed to the sink.
    void delivered(qint64 bytes);
    // Everything written has been delivered.
    void idle();

private:
    struct InFlight
    {
        qint64 deliverAtNs;
        QByteArray bytes;
    };

    void pump();
    void schedulePump();
    Result<void> modifySettings(const std::function<void(LinkSettings &)> &change);
    void refillLocked(qint64 nowNs);
    qint64 chunkBytesLocked() const;
    double rateBytesPerNsLocked() const { return m_settings.rateKBps * 1000.0 / 1e9; }
    double burstBytesLocked() const;

    Sink m_sink;
    QTimer *m_timer;
    QElapsedTimer m_clock;

    mutable QMutex m_mutex;
    LinkSettings m_settings;
    qint64 m_queueLimit = defaultQueueLimitBytes;
    std::deque<QByteArray> m_queue;
    qint64 m_headOffset = 0; // bytes of m_queue.front() already gone
    qint64 m_queued = 0;
    std::deque<InFlight> m_inFlight;
    qint64 m_inFlightBytes = 0;
    qint64 m_lastDeliverAtNs = 0;
    double m_tokens = 0;
    qint64 m_refillNs = 0;
    qint64 m_delivered = 0;
    qint64 m_lost = 0;
    bool m_refused = false;
    QRandomGenerator m_random;
};

} // namespace edgegpt
