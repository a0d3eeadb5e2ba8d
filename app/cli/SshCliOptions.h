// What every command that connects over SSH shares: the OpenSSH-like options (--ssh-config,
// --identity, --known-hosts, --accept-new-host-key), the fleet and its token, the terminal's
// way of asking for a passphrase or a password, and running a FleetOperation to the end.
#pragma once

#include "core/fleet/Deployment.h"
#include "core/fleet/SshSession.h"

#include <QCommandLineParser>

namespace edgegpt::cli {

void addSshOptions(QCommandLineParser &parser);
SshOptions sshOptionsFromParser(const QCommandLineParser &parser);
// --fleet FILE, --deployment NAME, --token-file FILE, --host NAME (repeatable).
void addFleetOptions(QCommandLineParser &parser);

struct FleetSelection
{
    Fleet fleet;
    QString deployment;
    QStringList hosts; // --host: only these
    QString tokenFile;
};
Result<FleetSelection> fleetFromParser(const QCommandLineParser &parser);

// The fleet token: read from the file; `create` makes a fresh one (0600) when there is none.
Result<QByteArray> loadFleetToken(const QString &path, bool create);

// Asks on the controlling terminal (/dev/tty, echo off) and nowhere else: without a terminal
// (scripts, CI) it declines. Unknown host keys are accepted only with --accept-new-host-key,
// and the fingerprint accepted is printed. Thread-safe: hosts connect in parallel.
class TerminalSshInteraction : public SshInteraction
{
public:
    explicit TerminalSshInteraction(bool acceptNewHostKeys)
        : m_accept(acceptNewHostKeys)
    {}
    bool acceptNewHostKey(const HostKey &key) override;
    bool askPassphrase(const QString &keyDescription, SecretBytes &secret) override;
    bool askPassword(const QString &userAtHost, SecretBytes &secret) override;

private:
    bool m_accept;
};

// The edgegpt-agent to upload by default: next to this program (an installation), else in the
// build tree; "" when there is none.
QString defaultAgentPath();
// What `AGENT --version` prints (first line), or "" when it cannot run here (another CPU).
QString localAgentVersion(const QString &agent);

// Runs the operation with a local event loop until every host has reported. Progress lines go
// to stdout as "HOST: message" unless quiet.
QList<HostReport> runFleetOperation(FleetOperation::Request request, SshInteraction *interaction,
                                    bool quiet);

} // namespace edgegpt::cli
