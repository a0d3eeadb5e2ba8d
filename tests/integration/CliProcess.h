// Runs the built `edgegpt` command line as a real process for the integration tests: its exit
// code (-1 when it crashed or ran past the time limit, then it is killed) and what it printed.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>

struct CliOutcome
{
    int code = -1;
    QByteArray out, err;
};

inline CliOutcome runCli(const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(EDGEGPT_CLI_PATH), args);
    CliOutcome r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    } else if (p.exitStatus() == QProcess::NormalExit) {
        r.code = p.exitCode();
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
