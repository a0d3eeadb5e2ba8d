// How deployment knows that an agent it started is up. Starting a process over SSH only says the
// shell forked it; the agent is "running" when a probe says so. Two probes:
//   - LogLineProbe: the process in agent.pid is alive and its log says "listening" (what any
//     agent prints once its server is up; used when no fleet token is at hand);
//   - HandshakeProbe: a real client connection that completes the authenticated handshake of
//     core/protocol (TLS-PSK as console:console, its key derived from the fleet token, then the
//     frame handshake). Used by deploy and status whenever the token is known, so "running"
//     means "answers with our fleet's keys".
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

namespace edgegpt {

class SshSession;

struct AgentContext
{
    QString hostName;      // the fleet's name for the host (messages)
    QString deploymentDir; // absolute, on the host
    QString address;       // where the agent listens, as seen from here
    int port = 0;
};

class AgentReadinessProbe
{
public:
    virtual ~AgentReadinessProbe() = default;
    // One attempt within timeoutMs; success means the agent is up. Called on a worker thread.
    virtual Result<void> check(SshSession &ssh, const AgentContext &agent, int timeoutMs) = 0;
};

class LogLineProbe : public AgentReadinessProbe
{
public:
    Result<void> check(SshSession &ssh, const AgentContext &agent, int timeoutMs) override;
};

class HandshakeProbe : public AgentReadinessProbe
{
public:
    explicit HandshakeProbe(QByteArray token)
        : m_token(std::move(token))
    {}
    Result<void> check(SshSession &ssh, const AgentContext &agent, int timeoutMs) override;

    // The same check without SSH (tests, the console's local fleet). Runs a local event loop,
    // so call it on a thread that may block (never the GUI thread).
    static Result<void> handshake(const QString &address, int port, const QByteArray &token,
                                  int timeoutMs);

private:
    QByteArray m_token;
};

} // namespace edgegpt
