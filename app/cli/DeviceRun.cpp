// DeviceRun: see DeviceRun.h.
#include "DeviceRun.h"

#include "core/util/Stats.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

namespace edgegpt::cli {

double quantile(QList<double> v, double q)
{
    return percentile(std::move(v), q * 100); // core/util/Stats.h: the one definition
}

Result<DeviceRunOutcome> runDevice(LocalFleet &fleet, const LocalFleetOptions *start,
                                   const LocalDeviceOptions &device, int timeoutMs,
                                   bool failFastOnEdgeLoss)
{
    DeviceRunOutcome outcome;
    QString error;
    bool done = false;
    QEventLoop loop;
    auto finish = [&](const QString &why) {
        if (done)
            return;
        done = true;
        error = why;
        loop.quit();
    };
    QList<QMetaObject::Connection> connections;
    connections << QObject::connect(&fleet, &LocalFleet::failed, &loop,
                                    [&](const QString &m) { finish(m); });
    connections << QObject::connect(
        &fleet, &LocalFleet::agentLine, &loop, [&](const QString &role, const QString &line) {
            if (role != QLatin1String("device") || !line.startsWith(QLatin1Char('{')))
                return;
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (o.contains(QStringLiteral("summary"))) {
                outcome.summary = o.value(QStringLiteral("summary")).toObject();
            } else if (o.contains(QStringLiteral("index"))) {
                outcome.results << o;
            } else if (o.contains(QStringLiteral("event"))) {
                outcome.events << o;
                if (failFastOnEdgeLoss && outcome.results.isEmpty() &&
                    o.value(QStringLiteral("event")).toString() == QLatin1String("edge_lost"))
                    finish(QStringLiteral("the edge agent at %1:%2 is unreachable: %3")
                               .arg(fleet.edgeHost())
                               .arg(fleet.edgePort())
                               .arg(o.value(QStringLiteral("error")).toString()));
            }
        });
    connections << QObject::connect(&fleet, &LocalFleet::agentLog, &loop,
                                    [&](const QString &role, const QString &line) {
                                        outcome.log << role + QStringLiteral(": ") + line;
                                        while (outcome.log.size() > 200)
                                            outcome.log.removeFirst();
                                    });
    connections << QObject::connect(&fleet, &LocalFleet::agentExited, &loop,
                                    [&](const QString &role, int code) {
                                        if (role != QLatin1String("device"))
                                            return;
                                        outcome.exitCode = code;
                                        finish({});
                                    });
    QTimer bound;
    bound.setSingleShot(true);
    QObject::connect(&bound, &QTimer::timeout, &loop, [&]() {
        finish(
            QStringLiteral("the device agent did not finish within %1 s").arg(timeoutMs / 1000.0));
    });
    bound.start(timeoutMs);
    if (start) {
        LocalFleetOptions options = *start;
        options.device = device;
        options.startDevice = true;
        fleet.start(options);
    } else {
        fleet.startDevice(device);
    }
    if (!done)
        loop.exec();
    for (const QMetaObject::Connection &c : connections)
        QObject::disconnect(c);
    if (!error.isEmpty())
        return Result<DeviceRunOutcome>::failure(error);
    return outcome;
}

} // namespace edgegpt::cli
