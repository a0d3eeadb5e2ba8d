// The hosts of a fleet file, as the console's fleet dock lists them:
//   {"hosts":[{"name","ssh","role","class","dir"[,"agent_port"]}]}
// A small reader of its own so that the console can show a fleet before core/fleet's deployer
// is part of the build; it checks the same required fields and names each problem by its path.
#pragma once

#include "core/util/Result.h"

#include <QList>
#include <QString>

namespace edgegpt {

struct FleetFileHost
{
    QString name;
    QString ssh;
    QString role;      // device, edge or cloud
    QString hostClass; // hardware class, e.g. "jetson-nano"
    QString dir;
    int agentPort = 7411;
};

struct FleetFile
{
    QString path;
    QList<FleetFileHost> hosts;

    static Result<FleetFile> parse(const QByteArray &json, const QString &fileName);
    static Result<FleetFile> load(const QString &path);
};

} // namespace edgegpt
