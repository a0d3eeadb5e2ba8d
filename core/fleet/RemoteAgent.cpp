#include "core/fleet/RemoteAgent.h"

#include "core/fleet/SshSession.h"

namespace edgegpt {

namespace {

// Shell prelude: enter the directory (or report that there is none), read the pid, define alive.
QString prelude(const QString &dir)
{
    return QStringLiteral("cd -- %1 2>/dev/null || { echo 'state nodir'; exit 0; }\n"
                          "p=$(cat agent.pid 2>/dev/null)\n"
                          "case \"$p\" in ''|*[!0-9]*) echo 'state nopid'; exit 0;; esac\n"
                          "alive() { kill -0 \"$p\" 2>/dev/null && { [ ! -r /proc/$p/cmdline ] || "
                          "tr '\\000' ' ' </proc/$p/cmdline | grep -q edgegpt-agent; }; }\n")
        .arg(SshSession::shellQuote(dir));
}

// After prelude(): TERM, wait, KILL; removes agent.pid once the agent is gone.
QString stopBody(int graceMs)
{
    return QStringLiteral("if ! alive; then rm -f agent.pid; echo \"state dead $p\"; exit 0; fi\n"
                          "kill -TERM \"$p\" 2>/dev/null; i=0\n"
                          "while alive && [ $i -lt %1 ]; do sleep 0.1; i=$((i+1)); done\n"
                          "if alive; then kill -KILL \"$p\" 2>/dev/null; sleep 0.2; fi\n"
                          "if alive; then echo \"state alive $p\"; exit 0; fi\n"
                          "rm -f agent.pid; echo \"state stopped $p\"\n")
        .arg(qMax(1, graceMs / 100));
}

Result<RemoteAgentState> parseState(const Result<ExecResult> &run)
{
    if (!run)
        return Result<RemoteAgentState>::failure(run.error());
    RemoteAgentState s;
    const QString out = QString::fromUtf8(run->out);
    for (const QString &line : out.split(QLatin1Char('\n'))) {
        const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (f.size() < 2 || f.at(0) != QLatin1String("state"))
            continue;
        s.directoryExists = f.at(1) != QLatin1String("nodir");
        s.alive = f.at(1) == QLatin1String("alive");
        if (f.size() >= 3)
            s.pid = f.at(2).toLongLong();
        return s;
    }
    return Result<RemoteAgentState>::failure(
        QStringLiteral("unexpected answer from the host's shell: %1")
            .arg(QString::fromUtf8(run->err.left(300) + run->out.left(300)).trimmed()));
}

} // namespace

QString RemoteAgent::deploymentDir(const QString &deployRoot, const QString &deployment)
{
    return deployRoot + QStringLiteral("/deployments/") + deployment;
}

Result<RemoteAgentState> RemoteAgent::state(SshSession &ssh, const QString &dir, int timeoutMs)
{
    return parseState(ssh.exec(
        prelude(dir) + QStringLiteral("if alive; then echo \"state alive $p\"; else echo \"state "
                                      "dead $p\"; fi\n"),
        timeoutMs));
}

Result<RemoteAgent::Started> RemoteAgent::start(SshSession &ssh, const QString &dir, bool stopFirst,
                                                int graceMs, int waitListeningMs)
{
    // Stopping first: the stop script with its early exits turned into "go on".
    QString stop;
    if (stopFirst)
        stop = QStringLiteral("s=$(\n") + prelude(dir) + stopBody(graceMs) +
               QStringLiteral(")\ncase \"$s\" in *'state alive'*) echo 'the running agent "
                              "survived TERM and KILL'; exit 1;; esac\n");
    // `$r ./edgegpt-agent … &` is one simple command in the background, so $! is the agent's own
    // pid (setsid execs in place: a background job of a non-interactive shell leads no group).
    QString script =
        stop + QStringLiteral("cd -- %1 || exit 1\n"
                              "[ -f agent.log ] && mv -f agent.log agent.log.1\n"
                              "if command -v setsid >/dev/null 2>&1; then r=setsid; else "
                              "r=nohup; fi\n"
                              "$r ./%2 --config agent.json >agent.log 2>&1 </dev/null &\n"
                              "p=$!\n"
                              "echo $p >agent.pid\n"
                              "echo \"started $p\"\n")
                   .arg(SshSession::shellQuote(dir), binaryName());
    if (waitListeningMs > 0)
        // The agent is this shell's child until the shell exits: one that died is a zombie,
        // which kill -0 still finds, so /proc's state is read where there is one. Only shell
        // builtins in the loop but sleep: it runs while the agent starts, on the agent's CPU.
        script += QStringLiteral(
                      "alive() { kill -0 \"$p\" 2>/dev/null || return 1; [ -r /proc/$p/stat ] || "
                      "return 0; read -r st </proc/$p/stat; case \"${st##*) }\" in Z*) return "
                      "1;; esac; return 0; }\n"
                      "said() { while IFS= read -r l; do case \"$l\" in *[Ll]istening*) return "
                      "0;; esac; done 2>/dev/null <agent.log; return 1; }\n"
                      "i=0\n"
                      "while [ $i -lt %1 ]; do\n"
                      "  if said; then echo 'agent listening'; exit 0; fi\n"
                      "  if ! alive; then echo 'agent exited'; tail -n 5 agent.log; exit 0; fi\n"
                      "  sleep 0.05 2>/dev/null || sleep 1; i=$((i+1))\n"
                      "done\n"
                      "echo 'agent not yet'\n")
                      .arg(qMax(1, waitListeningMs / 50));
    const Result<ExecResult> run = ssh.exec(script, graceMs + waitListeningMs + 30000);
    if (!run)
        return Result<Started>::failure(run.error());
    const QString out = QString::fromUtf8(run->out);
    const int at = int(out.indexOf(QLatin1String("started ")));
    if (run->exitCode != 0 || at < 0)
        return Result<Started>::failure(
            QStringLiteral("cannot start the agent in %1: %2")
                .arg(dir, QString::fromUtf8(run->out.right(300) + run->err.left(300)).trimmed()));
    Started started;
    started.pid = out.mid(at + 8).section(QLatin1Char('\n'), 0, 0).trimmed().toLongLong();
    if (waitListeningMs <= 0)
        return started;
    if (out.contains(QLatin1String("\nagent listening"))) {
        started.outcome = Started::Outcome::Listening;
    } else if (const int e = int(out.indexOf(QLatin1String("\nagent exited\n"))); e >= 0) {
        started.outcome = Started::Outcome::Exited;
        started.logTail = out.mid(e + 14);
    }
    return started;
}

Result<bool> RemoteAgent::stop(SshSession &ssh, const QString &dir, int graceMs)
{
    const Result<ExecResult> run = ssh.exec(prelude(dir) + stopBody(graceMs), graceMs + 30000);
    if (!run)
        return Result<bool>::failure(run.error());
    const QString out = QString::fromUtf8(run->out);
    if (out.contains(QLatin1String("state alive")))
        return Result<bool>::failure(
            QStringLiteral("the agent in %1 survived TERM and KILL (not ours to kill?)").arg(dir));
    return out.contains(QLatin1String("state stopped"));
}

Result<QString> RemoteAgent::logTail(SshSession &ssh, const QString &dir, int lines)
{
    const Result<ExecResult> run =
        ssh.exec(QStringLiteral("tail -n %1 -- %2/agent.log 2>/dev/null; true")
                     .arg(qBound(1, lines, 100000))
                     .arg(SshSession::shellQuote(dir)),
                 -1, 8 * 1024 * 1024);
    if (!run)
        return Result<QString>::failure(run.error());
    return QString::fromUtf8(run->out);
}

} // namespace edgegpt
