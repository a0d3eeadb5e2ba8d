// Runs the built `edgegpt` command line (or another of the built programs) as a real process for
// the integration tests: its exit code (-1 when it crashed or ran past the time limit, then it is
// killed) and what it printed.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>

struct CliOutcome
{
    int code = -1;
    QByteArray out, err;
};

// What a started process left; one that has not ended (it ran past its time) is killed.
inline CliOutcome outcomeOf(QProcess &p, bool ended)
{
    CliOutcome r;
    if (!ended) {
        p.kill();
        p.waitForFinished();
    } else if (p.exitStatus() == QProcess::NormalExit) {
        r.code = p.exitCode();
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline CliOutcome
runProgram(const QString &program, const QStringList &args, int timeoutMs,
           const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    return outcomeOf(p, p.waitForFinished(timeoutMs));
}

inline CliOutcome runCli(const QStringList &args, int timeoutMs,
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return runProgram(QStringLiteral(EDGEGPT_CLI_PATH), args, timeoutMs, env);
}

// runCli for a test that serves the CLI from its own thread (a relay on the path between the
// agents, a fake HTTP endpoint): waitForFinished would block that thread's event loop and with it
// the server, so this one keeps the loop turning until the CLI ends.
inline CliOutcome
runCliServing(const QStringList &args, int timeoutMs,
              const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(EDGEGPT_CLI_PATH), args);
    if (!p.waitForStarted(10000))
        return {};
    return outcomeOf(p,
                     QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, timeoutMs));
}

// The lines of the CLI's --json output or of a .jsonl file it wrote. A line that is not JSON
// becomes an empty object rather than being left out, so that a test counting the lines sees it.
inline QList<QJsonObject> cliJsonLines(const QByteArray &text)
{
    QList<QJsonObject> lines;
    for (const QByteArray &line : text.split('\n'))
        if (!line.trimmed().isEmpty())
            lines << QJsonDocument::fromJson(line).object();
    return lines;
}
