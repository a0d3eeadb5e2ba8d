// What the integration tests of the agents share: where the built agent is, and the JSON lines
// a device agent prints on stdout (one per input and per event; docs/agents.md "Output").
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

inline QString agentPath()
{
    return QStringLiteral(EDGEGPT_AGENT_PATH);
}

inline QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> lines;
    for (const QByteArray &l : out.split('\n'))
        if (l.startsWith('{'))
            lines << QJsonDocument::fromJson(l).object();
    return lines;
}
