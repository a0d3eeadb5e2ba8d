// LinkShaper: rates measured over loopback TCP at the receiving socket (100 KB/s gives 100 KB in
// about a second, 500 KB/s likewise), a rate change from another thread mid-transfer, delay,
// jitter without reordering, loss as one RTO late, and the bounded queue's backpressure.
// Timing tests are tolerant (a loaded CI machine) and short (< 5 s each).
#include "core/link/LinkShaper.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <functional>

using namespace edgegpt;

namespace {

// A loopback TCP pair; the receiving side notes (time, total bytes) at every read.
struct LoopbackPair
{
    QTcpServer server;
    QTcpSocket sender;
    QTcpSocket *receiver = nullptr;
    QElapsedTimer clock;
    QByteArray received;
    QList<QPair<qint64, qint64>> arrivals; // ms since clock start, total bytes

    bool open()
    {
        if (!server.listen(QHostAddress::LocalHost))
            return false;
        sender.connectToHost(QHostAddress::LocalHost, server.serverPort());
        if (!sender.waitForConnected(3000) || !server.waitForNewConnection(3000))
            return false;
        receiver = server.nextPendingConnection();
        QObject::connect(receiver, &QTcpSocket::readyRead, receiver, [this] {
            received += receiver->readAll();
            arrivals.append({clock.elapsed(), received.size()});
        });
        clock.start();
        return true;
    }
    // Bytes received by time t (ms).
    qint64 bytesAt(qint64 t) const
    {
        qint64 n = 0;
        for (const auto &a : arrivals)
            if (a.first <= t)
                n = a.second;
        return n;
    }
    qint64 lastArrivalMs() const { return arrivals.isEmpty() ? -1 : arrivals.last().first; }
};

// Runs the event loop until done() or the timeout. Unlike QTRY_*/qWaitFor, which sleep between
// polls, this never blocks the loop, so the shaper's timers fire on time as they would in an agent.
bool runUntil(const std::function<bool()> &done, int timeoutMs)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(1);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!done())
        loop.exec();
    return done();
}

QByteArray pattern(qint64 n)
{
    QByteArray b(qsizetype(n), Qt::Uninitialized);
    for (qint64 i = 0; i < n; ++i)
        b[qsizetype(i)] = char((i * 7919) >> 3);
    return b;
}

} // namespace

class TestLinkShaper : public QObject
{
    Q_OBJECT

    // Sends total bytes at rate over loopback; returns the ms from the first write to the last
    // byte's arrival, or -1.
    qint64 timeTransfer(double rateKBps, qint64 total)
    {
        LoopbackPair link;
        if (!link.open())
            return -1;
        LinkShaper shaper(static_cast<QIODevice *>(&link.sender));
        if (!shaper.setRateKBps(rateKBps).ok())
            return -1;
        const QByteArray data = pattern(total);
        link.clock.restart();
        for (qint64 at = 0; at < total; at += 10000)
            if (!shaper.write(data.mid(qsizetype(at), 10000)))
                return -1;
        if (!runUntil([&] { return link.received.size() >= data.size(); }, 5000) ||
            link.received != data)
            return -1;
        return link.lastArrivalMs();
    }

private Q_SLOTS:
    void hundredKBpsTakesAboutOneSecond()
    {
        const qint64 ms = timeTransfer(100, 100000);
        qInfo("100 KB at 100 KB/s: %lld ms", ms);
        QVERIFY2(ms >= 850 && ms <= 1150, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    }

    void fiveHundredKBpsIsAccurateToo()
    {
        const qint64 ms = timeTransfer(500, 500000);
        qInfo("500 KB at 500 KB/s: %lld ms", ms);
        QVERIFY2(ms >= 850 && ms <= 1150, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    }

    void rateChangeMidTransferTakesEffect()
    {
        LoopbackPair link;
        QVERIFY(link.open());
        LinkShaper shaper(static_cast<QIODevice *>(&link.sender));
        QVERIFY(shaper.setRateKBps(100).ok());
        const QByteArray data = pattern(250000);
        link.clock.restart();
        QVERIFY(shaper.write(data));
        // The change comes from another thread, as a console's control would send it.
        QThread *changer = QThread::create([&shaper] {
            QThread::msleep(500);
            shaper.setRateKBps(400);
        });
        changer->start();
        QVERIFY(runUntil([&] { return link.received.size() >= data.size(); }, 5000));
        changer->wait();
        delete changer;
        QCOMPARE(link.received, data);

        // Before: ~100 KB/s; after: ~400 KB/s (measured well inside each phase).
        const double before = double(link.bytesAt(450) - link.bytesAt(100)) / 0.35 / 1000;
        const qint64 end = link.lastArrivalMs();
        const double after = double(link.bytesAt(end - 20) - link.bytesAt(600)) /
                             (double(end - 20 - 600) / 1000) / 1000;
        qInfo("rate before %.1f KB/s, after %.1f KB/s, done at %lld ms", before, after, end);
        QVERIFY2(before > 80 && before < 120, qPrintable(QString::number(before)));
        QVERIFY2(after > 320 && after < 480, qPrintable(QString::number(after)));
        // 50 KB at 100 then 200 KB at 400: about 1 s in all (1.6 s had the change not happened).
        QVERIFY2(end > 850 && end < 1250, qPrintable(QString::number(end)));
    }

    void delayAndJitterKeepOrder()
    {
        LoopbackPair link;
        QVERIFY(link.open());
        LinkShaper shaper(static_cast<QIODevice *>(&link.sender));
        LinkSettings s;
        s.rateKBps = 200;
        s.delayMs = 100;
        s.jitterMs = 40;
        QVERIFY(shaper.setSettings(s).ok());
        shaper.setRandomSeed(3);
        const QByteArray data = pattern(40000);
        link.clock.restart();
        for (int i = 0; i < 40; ++i)
            QVERIFY(shaper.write(data.mid(i * 1000, 1000)));
        QVERIFY(runUntil([&] { return link.received.size() >= data.size(); }, 3000));
        QCOMPARE(link.received, data); // in order despite jitter
        // The first byte waited out the delay (minus at most the jitter).
        QVERIFY2(link.arrivals.first().first >= 55,
                 qPrintable(QString::number(link.arrivals.first().first)));
        // 40 KB at 200 KB/s is 200 ms, plus 100 +- 40 ms.
        QVERIFY2(link.lastArrivalMs() >= 230 && link.lastArrivalMs() <= 500,
                 qPrintable(QString::number(link.lastArrivalMs())));
        QVERIFY(shaper.isIdle());
    }

    void lossArrivesOneRtoLate()
    {
        QByteArray got;
        QElapsedTimer clock;
        qint64 at = -1;
        LinkShaper shaper([&](const QByteArray &b) {
            got += b;
            at = clock.elapsed();
        });
        LinkSettings s;
        s.lossProbability = 1;
        s.minRtoMs = 150;
        QVERIFY(shaper.setSettings(s).ok());
        QCOMPARE(s.rtoMs(), 150.0);
        clock.start();
        QVERIFY(shaper.write("lost and retransmitted"));
        QVERIFY(got.isEmpty());
        QVERIFY(runUntil([&] { return !got.isEmpty(); }, 2000));
        QCOMPARE(got, QByteArray("lost and retransmitted"));
        QVERIFY2(at >= 140 && at < 600, qPrintable(QString::number(at)));
        QCOMPARE(shaper.lostChunks(), 1);

        // The RTO grows with the emulated round trip.
        s.delayMs = 100;
        s.jitterMs = 10;
        QCOMPARE(s.rtoMs(), 240.0);
    }

    void queueLimitGivesBackpressure()
    {
        QByteArray got;
        LinkShaper shaper([&](const QByteArray &b) { got += b; });
        QVERIFY(shaper.setRateKBps(200).ok());
        shaper.setQueueLimitBytes(20000);
        QSignalSpy more(&shaper, &LinkShaper::readyForMore);
        QSignalSpy idle(&shaper, &LinkShaper::idle);
        const QByteArray data = pattern(60000);
        QVERIFY(shaper.write(data.left(25000))); // taken whole while there is room
        QVERIFY(shaper.queuedBytes() >= 20000);
        QVERIFY(!shaper.write(data.mid(25000, 5000))); // refused, nothing taken
        QVERIFY(shaper.queuedBytes() <= 25000);
        QVERIFY(more.wait(2000));
        QVERIFY(shaper.queuedBytes() < 10000);
        QVERIFY(shaper.write(data.mid(25000)));
        QTRY_COMPARE_WITH_TIMEOUT(got.size(), data.size(), 3000);
        QCOMPARE(got, data);
        QVERIFY(idle.size() >= 1);
        QCOMPARE(shaper.deliveredBytes(), data.size());
    }

    void transparentByDefaultAndSettingsValidated()
    {
        QByteArray got;
        LinkShaper shaper([&](const QByteArray &b) { got += b; });
        QVERIFY(shaper.settings().isTransparent());
        QVERIFY(shaper.write("now"));
        QCOMPARE(got, QByteArray("now")); // synchronously: no added latency

        QVERIFY(!shaper.setRateKBps(-1).ok());
        QVERIFY(!shaper.setLossProbability(1.5).ok());
        QVERIFY(!shaper.setDelayMs(qQNaN()).ok());
        QVERIFY(shaper.settings().isTransparent()); // refused values changed nothing
        QVERIFY(shaper.setDelayMs(10).ok());
        QCOMPARE(shaper.settings().delayMs, 10.0);
    }
};

QTEST_GUILESS_MAIN(TestLinkShaper)
#include "tst_link_shaper.moc"
