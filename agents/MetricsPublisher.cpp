// MetricsPublisher: see MetricsPublisher.h.
#include "agents/MetricsPublisher.h"

#include <QDateTime>

namespace edgegpt {

MetricsPublisher::MetricsPublisher(std::function<State()> state, QObject *parent)
    : QObject(parent)
    , m_state(std::move(state))
{
    m_timer.setInterval(MetricsSubscribeMessage::minIntervalMs / 2);
    connect(&m_timer, &QTimer::timeout, this, &MetricsPublisher::tick);
}

void MetricsPublisher::subscribe(PeerConnection *peer, const Frame &frame)
{
    const Result<MetricsSubscribeMessage> m = MetricsSubscribeMessage::fromCbor(frame.control);
    if (!m) {
        peer->sendError(frame.requestId, error_code::badRequest(), m.error());
        return;
    }
    Subscriber s;
    s.peer = peer;
    s.intervalMs = std::max(MetricsSubscribeMessage::minIntervalMs, m->intervalMs);
    s.cursor = m_firstSeq + m_recent.size(); // from now on
    s.cacheSeen = m_state().cacheTotals;
    s.eventCursor = m_firstEventSeq + m_events.size();
    m_subscribers.push_back(s);
    if (!m_timer.isActive())
        m_timer.start();
}

void MetricsPublisher::record(const RequestMetrics &metrics)
{
    if (m_subscribers.empty()) {
        m_firstSeq += m_recent.size() + 1;
        m_recent.clear();
        return;
    }
    m_recent.push_back(metrics);
    // Keep at most one update's worth per slowest subscriber; a subscriber that fell behind
    // loses the oldest (counted), memory stays bounded.
    while (m_recent.size() > size_t(MetricsUpdateMessage::maxRequests)) {
        m_recent.pop_front();
        ++m_firstSeq;
        ++m_dropped;
    }
}

void MetricsPublisher::recordCacheEvent(const CacheEventRecord &event)
{
    if (m_subscribers.empty()) {
        m_firstEventSeq += m_events.size() + 1;
        m_events.clear();
        return;
    }
    m_events.push_back(event);
    while (m_events.size() > size_t(MetricsUpdateMessage::maxCacheEvents)) {
        m_events.pop_front();
        ++m_firstEventSeq;
    }
}

int MetricsPublisher::subscribers() const
{
    return int(m_subscribers.size());
}

void MetricsPublisher::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const State state = m_state();
    for (Subscriber &s : m_subscribers) {
        if (!s.peer || !s.peer->isReady() || now < s.nextDueMs)
            continue;
        MetricsUpdateMessage u;
        u.timeMs = now;
        u.linkRateKBps = state.linkRateKBps;
        u.split = state.split;
        u.queueDepth = state.queueDepth;
        u.cache.hits = state.cacheTotals.hits - s.cacheSeen.hits;
        u.cache.misses = state.cacheTotals.misses - s.cacheSeen.misses;
        u.cache.loads = state.cacheTotals.loads - s.cacheSeen.loads;
        u.cache.evictions = state.cacheTotals.evictions - s.cacheSeen.evictions;
        const size_t from = std::max(s.cursor, m_firstSeq);
        for (size_t seq = from; seq < m_firstSeq + m_recent.size(); ++seq)
            u.requests << m_recent[seq - m_firstSeq];
        u.cachePolicy = state.cachePolicy;
        u.cacheBudgetMb = state.cacheBudgetMb;
        u.cacheUsedMb = state.cacheUsedMb;
        u.cacheHitRatio = state.cacheHitRatio;
        u.cacheTotals = state.cacheTotals;
        u.cacheResident = state.cacheResident;
        for (size_t seq = std::max(s.eventCursor, m_firstEventSeq);
             seq < m_firstEventSeq + m_events.size(); ++seq)
            u.cacheEvents << m_events[seq - m_firstEventSeq];
        if (s.peer->sendFrame(makeFrame(FrameType::MetricsUpdate, u)).ok()) {
            s.eventCursor = m_firstEventSeq + m_events.size();
            s.cursor = m_firstSeq + m_recent.size();
            s.cacheSeen = state.cacheTotals;
        } // else: its queue is full; it gets these with the next update
        s.nextDueMs = now + s.intervalMs;
    }
    m_subscribers.erase(std::remove_if(m_subscribers.begin(), m_subscribers.end(),
                                       [](const Subscriber &s) { return !s.peer; }),
                        m_subscribers.end());
    // Nothing needed by anyone any more: forget it.
    size_t oldest = m_firstSeq + m_recent.size();
    for (const Subscriber &s : m_subscribers)
        oldest = std::min(oldest, s.cursor);
    while (m_firstSeq < oldest && !m_recent.empty()) {
        m_recent.pop_front();
        ++m_firstSeq;
    }
    size_t oldestEvent = m_firstEventSeq + m_events.size();
    for (const Subscriber &s : m_subscribers)
        oldestEvent = std::min(oldestEvent, s.eventCursor);
    while (m_firstEventSeq < oldestEvent && !m_events.empty()) {
        m_events.pop_front();
        ++m_firstEventSeq;
    }
    if (m_subscribers.empty())
        m_timer.stop();
}

} // namespace edgegpt
