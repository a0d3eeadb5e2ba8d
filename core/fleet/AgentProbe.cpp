#include "core/fleet/AgentProbe.h"

#include "core/fleet/RemoteAgent.h"
#include "core/fleet/SshSession.h"
#include "core/protocol/PeerConnection.h"

#include <QEventLoop>
#include <QTimer>

namespace edgegpt {

Result<void> LogLineProbe::check(SshSession &ssh, const AgentContext &agent, int timeoutMs)
{
    Result<RemoteAgentState> state = RemoteAgent::state(ssh, agent.deploymentDir, timeoutMs);
    if (!state)
        return Result<void>::failure(state.error());
    if (!state->alive)
        return Result<void>::failure(QStringLiteral("the agent is not running"));
    const Result<ExecResult> grep = ssh.exec(QStringLiteral("grep -q -i listening %1/agent.log")
                                                 .arg(SshSession::shellQuote(agent.deploymentDir)),
                                             timeoutMs);
    if (!grep)
        return Result<void>::failure(grep.error());
    if (grep->exitCode != 0)
        return Result<void>::failure(QStringLiteral("the agent has not said it is listening yet"));
    return Result<void>::success();
}

Result<void> HandshakeProbe::check(SshSession &, const AgentContext &agent, int timeoutMs)
{
    return handshake(agent.address, agent.port, m_token, timeoutMs);
}

Result<void> HandshakeProbe::handshake(const QString &address, int port, const QByteArray &token,
                                       int timeoutMs)
{
    PeerConnection::Options options;
    // The deployer holds the fleet secret and connects as the console (console:console), whose
    // key every agent of the fleet holds.
    const Result<Keyring> keys = Keyring::fromFleetSecret(token);
    if (!keys)
        return Result<void>::failure(keys.error());
    options.keys = *keys;
    options.identity = {Keyring::consoleName(), QStringLiteral("console")};
    options.handshakeTimeoutMs = timeoutMs;
    QEventLoop loop;
    QString error;
    bool ready = false;
    PeerConnection *peer = PeerConnection::connectToHost(address, quint16(port), options);
    QObject::connect(peer, &PeerConnection::ready, &loop, [&] {
        ready = true;
        loop.quit();
    });
    QObject::connect(peer, &PeerConnection::failed, &loop, [&](const QString &message) {
        error = message;
        loop.quit();
    });
    // PeerConnection has its own handshake timeout; this one only guards against a silent end.
    QTimer::singleShot(timeoutMs + 1000, &loop, [&] {
        error = QStringLiteral("no handshake within %1 ms").arg(timeoutMs);
        loop.quit();
    });
    loop.exec();
    peer->close();
    delete peer;
    if (ready)
        return Result<void>::success();
    return Result<void>::failure(
        QStringLiteral("the agent at %1:%2 did not complete the handshake: %3")
            .arg(address)
            .arg(port)
            .arg(error.isEmpty() ? QStringLiteral("connection closed") : error));
}

} // namespace edgegpt
