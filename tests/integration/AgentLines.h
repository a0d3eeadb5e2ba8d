// What the integration tests of the agents share: where the built agent is, waiting for its
// "listening HOST:PORT" line, and the JSON lines a device agent prints on stdout (one per input
// and per event; docs/agents.md "Output").
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
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

// Reads a started agent's stdout until its "listening HOST:PORT" line (other lines may come
// first) and returns the port; 0 if the agent ends or says nothing of the kind within timeoutMs.
// `rest`: what it printed after that line.
inline quint16 waitForListening(QProcess &p, QByteArray *rest = nullptr, int timeoutMs = 15000)
{
    QElapsedTimer t;
    t.start();
    QByteArray out;
    int at = -1;
    while (t.elapsed() < timeoutMs && p.state() == QProcess::Running) {
        at = out.startsWith("listening ") ? 0 : int(out.indexOf("\nlistening "));
        if (at >= 0 && out.indexOf('\n', at + 1) > 0)
            break;
        p.waitForReadyRead(200);
        out += p.readAllStandardOutput();
    }
    const int end = at >= 0 ? int(out.indexOf('\n', at + 1)) : -1;
    if (end < 0)
        return 0;
    const QByteArray line = out.mid(at, end - at).trimmed();
    if (rest)
        *rest = out.mid(end + 1);
    return quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
}
