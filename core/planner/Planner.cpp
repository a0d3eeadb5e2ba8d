#include "core/planner/Planner.h"

#include <QEventLoop>
#include <QTimer>

namespace edgegpt {

void PlanningJob::finish(const Plan &plan)
{
    if (m_done || m_cancelled)
        return;
    m_done = true;
    Q_EMIT finished(plan);
    deleteLater();
}

void PlanningJob::fail(const QString &message)
{
    if (m_done || m_cancelled)
        return;
    m_done = true;
    Q_EMIT failed(message);
    deleteLater();
}

Result<Plan> planAndWait(Planner &planner, const QString &request, int timeoutMs)
{
    QEventLoop loop;
    Result<Plan> result = Result<Plan>::failure(QStringLiteral("planning did not finish"));
    QPointer<PlanningJob> job = planner.plan(request);
    QObject::connect(job, &PlanningJob::finished, &loop, [&](const Plan &p) {
        result = p;
        loop.quit();
    });
    QObject::connect(job, &PlanningJob::failed, &loop, [&](const QString &message) {
        result = Result<Plan>::failure(message);
        loop.quit();
    });
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        if (job)
            job->cancel();
        result = Result<Plan>::failure(
            QStringLiteral("planning timed out after %1 s").arg(timeoutMs / 1000.0));
        loop.quit();
    });
    timer.start(timeoutMs);
    if (job && !job->isDone())
        loop.exec();
    return result;
}

} // namespace edgegpt
