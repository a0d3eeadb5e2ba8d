// InferenceThread's slow-down emulation: model work and codec work are stretched by their own
// factors, the extra time is really slept on the inference thread, and it is the factor times the
// recent median, so one slow measurement on a busy host is not multiplied by the factor.
#include "agents/InferenceThread.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace edgegpt;

namespace {

struct Stretched
{
    QList<double> returned;
    QList<double> sleptMs;
};

// Runs stretch() on the inference thread for each (ms, work, what) and waits for the answers.
Stretched stretchAll(InferenceThread &thread,
                     const QList<std::tuple<double, InferenceThread::Work, QString>> &calls)
{
    Stretched out;
    QEventLoop loop;
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    QObject receiver;
    thread.post<Stretched>(
        [&thread, calls]() {
            Stretched s;
            for (const auto &[ms, work, what] : calls) {
                QElapsedTimer t;
                t.start();
                s.returned << thread.stretch(ms, work, what);
                s.sleptMs << double(t.nsecsElapsed()) / 1e6;
            }
            return s;
        },
        &receiver,
        [&](Stretched s) {
            out = s;
            loop.quit();
        });
    loop.exec();
    return out;
}

} // namespace

class TestInferenceThread : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eachKindHasItsFactor()
    {
        QTemporaryDir dir;
        InferenceThread thread(dir.path(), 1, 3.0, 2.0);
        using W = InferenceThread::Work;
        const Stretched s = stretchAll(thread, {{4.0, W::Model, QStringLiteral("head fc1")},
                                                {4.0, W::Codec, QStringLiteral("encode jpeg")}});
        QCOMPARE(s.returned.size(), 2);
        QCOMPARE(s.returned.at(0), 12.0); // 4 ms measured + 2 × 4 ms slept
        QCOMPARE(s.returned.at(1), 8.0);  // 4 ms measured + 1 × 4 ms slept
        QVERIFY2(s.sleptMs.at(0) >= 8.0, qPrintable(QString::number(s.sleptMs.at(0))));
        QVERIFY2(s.sleptMs.at(1) >= 4.0, qPrintable(QString::number(s.sleptMs.at(1))));
    }

    void anOutlierIsNotMultiplied()
    {
        QTemporaryDir dir;
        InferenceThread thread(dir.path(), 1, 10.0, 1.0);
        using W = InferenceThread::Work;
        const QString head = QStringLiteral("head conv1");
        const Stretched s = stretchAll(thread, {{1.0, W::Model, head},
                                                {1.0, W::Model, head},
                                                {1.0, W::Model, head},
                                                {1.0, W::Model, head},
                                                {20.0, W::Model, head}, // a scheduling hiccup
                                                {1.0, W::Model, QStringLiteral("head fc1")}});
        QCOMPARE(s.returned.size(), 6);
        QCOMPARE(s.returned.at(0), 10.0);
        // The hiccup keeps its own 20 ms and gets the median's 9 × 1 ms, not 9 × 20 ms.
        QCOMPARE(s.returned.at(4), 20.0 + 9.0);
        // Another part has its own history.
        QCOMPARE(s.returned.at(5), 10.0);
        // Codec work at factor 1 is not stretched at all.
        const Stretched c = stretchAll(thread, {{5.0, W::Codec, QStringLiteral("encode zstd")}});
        QCOMPARE(c.returned.value(0), 5.0);
        QVERIFY(c.sleptMs.value(0) < 4.0);
    }
};

QTEST_GUILESS_MAIN(TestInferenceThread)
#include "tst_inference_thread.moc"
