// MetricsPublisher: the agent side of the metric streams. Authenticated peers (the console)
// subscribe with a metrics-subscribe frame; every interval (at least 100 ms: at most 10 updates a
// second) each subscriber gets one metrics-update with the requests finished since its previous
// update (at most MetricsUpdateMessage::maxRequests; older ones are dropped and counted), the
// link estimate, the split in use, the queue depth and the model cache events.
#pragma once

#include "core/protocol/Messages.h"
#include "core/protocol/PeerConnection.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <functional>

namespace edgegpt {

class MetricsPublisher : public QObject
{
    Q_OBJECT
public:
    struct State
    {
        double linkRateKBps = -1;
        QString split;
        qint64 queueDepth = 0;
        CacheEvents cacheTotals; // running totals; updates carry the difference
        // An edge's live model cache (empty policy: none): sent as they are now.
        QString cachePolicy;
        double cacheBudgetMb = -1, cacheUsedMb = -1, cacheHitRatio = -1;
        QVector<ResidentModelRecord> cacheResident;
    };
    explicit MetricsPublisher(std::function<State()> state, QObject *parent = nullptr);

    // Handles a metrics-subscribe frame from peer (answers bad ones with an error).
    void subscribe(PeerConnection *peer, const Frame &frame);
    void record(const RequestMetrics &metrics);
    // A live model cache's event (hit, miss, load, evict, offload): each subscriber gets every
    // event once, in order (at most MetricsUpdateMessage::maxCacheEvents kept; older dropped).
    void recordCacheEvent(const CacheEventRecord &event);
    int subscribers() const;
    qint64 dropped() const { return m_dropped; }

private:
    struct Subscriber
    {
        QPointer<PeerConnection> peer;
        int intervalMs = 100;
        qint64 nextDueMs = 0;
        size_t cursor = 0; // index into the global sequence of recorded requests
        CacheEvents cacheSeen;
        size_t eventCursor = 0; // index into the sequence of cache events
    };
    void tick();

    std::function<State()> m_state;
    QTimer m_timer;
    std::vector<Subscriber> m_subscribers;
    std::deque<RequestMetrics> m_recent; // bounded window
    size_t m_firstSeq = 0;               // sequence number of m_recent.front()
    qint64 m_dropped = 0;
    std::deque<CacheEventRecord> m_events; // bounded window
    size_t m_firstEventSeq = 0;
};

} // namespace edgegpt
