// The agent's life on a host, as POSIX shell run over SSH in its deployment directory:
//   <deploy root>/deployments/<deployment>/
//       edgegpt-agent   the agent binary          agent.json   its configuration
//       libedgegpt-runtime.so  the agent's model runtime (LibTorch), loaded when it needs a model
//       agent.keys      its TLS keys (0600)       plan.json    the plan, when one was given
//       models/…        model parts and profiles  agent.pid    pid of the running agent
//       agent.log       its stdout and stderr (the previous run's in agent.log.1)
// The agent is started detached from the SSH session (setsid, or nohup where setsid is
// missing) with its output in agent.log; its pid goes to agent.pid. "Alive" means the pid
// exists and, where /proc is readable, its command line names edgegpt-agent (a recycled pid
// or a zombie is not our agent).
#pragma once

#include "core/util/Result.h"

#include <QString>

namespace edgegpt {

class SshSession;

struct RemoteAgentState
{
    bool directoryExists = false;
    bool alive = false;
    qint64 pid = 0; // from agent.pid, 0 when there is none
};

class RemoteAgent
{
public:
    static QString deploymentDir(const QString &deployRoot, const QString &deployment);
    static QString binaryName() { return QStringLiteral("edgegpt-agent"); }
    // The model runtime plugin, next to the binary (the agent looks there: agents/SplitRuntime.h).
    static QString runtimeName() { return QStringLiteral("libedgegpt-runtime.so"); }

    static Result<RemoteAgentState> state(SshSession &ssh, const QString &dir, int timeoutMs = -1);
    struct Started
    {
        qint64 pid = 0;
        enum class Outcome { Listening, Exited, NotYet } outcome = Outcome::NotYet;
        QString logTail; // Exited: the last lines of agent.log
    };
    // Starts the agent; returns its pid. With stopFirst, an agent still running there is
    // stopped first (TERM, KILL after graceMs) in the same round trip; otherwise the caller has
    // stopped it. With waitListeningMs > 0 the same round trip then waits, on the host, until
    // the agent's log says "listening" or the agent exits (then with the end of its log), at
    // most that long: every command costs a remote shell (and its rc files), so one round trip
    // replaces polling the host from here.
    static Result<Started> start(SshSession &ssh, const QString &dir, bool stopFirst = false,
                                 int graceMs = 5000, int waitListeningMs = 0);
    // TERM, then KILL after graceMs; true when an agent was running.
    static Result<bool> stop(SshSession &ssh, const QString &dir, int graceMs = 5000);
    // The last `lines` lines of agent.log ("" when there is none).
    static Result<QString> logTail(SshSession &ssh, const QString &dir, int lines);
};

} // namespace edgegpt
