// A fleet: the hosts a deployment goes to, read from a fleet file (docs/fleet-format.md).
// Each host names how to reach it over SSH (an alias of the SSH config or user@host:port), its
// role in the split (device or edge, or cloud), its hardware class and the deploy root there.
// The file is untrusted input: every field is checked and every problem named with its path.
#pragma once

#include "core/util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace edgegpt {

// Where `ssh` in a fleet file points: an alias of the SSH config ("jetson-1") or an explicit
// [user@]host[:port] ("nvidia@192.168.1.20:2222", "[::1]:22"). Fields not written stay empty / 0
// so that the SSH config still decides them (explicit values are applied after the config).
struct SshTarget
{
    QString user;
    QString host; // alias or host name / address, without brackets
    int port = 0; // 0: not given

    static Result<SshTarget> parse(const QString &text);
    QString toString() const;
};

struct FleetHost
{
    QString name;      // unique in the fleet, used in messages and on the command line
    QString ssh;       // as written in the file
    SshTarget target;  // parsed from ssh
    QString role;      // "device", "edge" or "cloud"
    QString hostClass; // e.g. "jetson-nano", "rtx-3090" (the catalog's hardware class)
    QString dir;       // absolute deploy root on the host
    int agentPort = 0; // TCP port the agent listens on for the handshake and the console
    // Address the handshake probe (and the other agents) connect to; empty: the host name
    // that the SSH config resolves `ssh` to.
    QString agentAddress;
    // The address the agent binds on its host (agent.json "listen"): default 0.0.0.0, every
    // interface; 127.0.0.1 keeps it on the host's loopback (tests, benchmarks).
    QString agentListen = QStringLiteral("0.0.0.0");
    // A device's edge host (a fleet name); empty: the fleet's first edge host.
    QString edge;
    // A device only: the "HOST:PORT" it dials to reach its edge, when that is not the edge's
    // own agent address and port — a port forward, a NAT, an SSH tunnel, or the tests' relay.
    // Empty: the edge's agent_address (else its SSH host name) and agent_port.
    QString edgeEndpoint;
    // Edge and cloud: the port the federated-learning aggregator of `edgegpt fl run --fleet`
    // listens on (docs/federated.md); 0: agentPort + 1.
    int flPort = 0;
    // Edge and cloud: the agent loads its model runtime right after it starts (agent.json
    // "preload"), instead of when its first device connects.
    bool preload = false;
    // Edge and cloud: the live model cache (agent.json "cache_mb", "cache_policy";
    // docs/caching.md): a memory budget in MB (0: none) and the policy (empty: the agent's default,
    // LRU).
    double cacheMb = 0;
    QString cachePolicy;
    // Emulation asked for this host (agent.json "emulate", written as is): {"slowdown",
    // "codec_slowdown", "link": {"rate_kbps", "delay_ms", "jitter_ms", "loss"}}, every key
    // optional. Empty: the agent runs at the host's own speed, unshaped.
    QJsonObject emulate;
    // A device's input (agent.json "input"): "fashion-mnist", "heart-rate" or an absolute folder
    // of images on that host. Empty: the agent's default.
    QString input;
};

struct Fleet
{
    static constexpr int defaultAgentPort = 7411;
    static constexpr qint64 maxFileBytes = 1024 * 1024;

    QList<FleetHost> hosts;
    // The fleet token file (absolute path); the file itself is read or created by the caller.
    QString tokenFile;
    // The file it came from (absolute), empty when parsed from memory.
    QString path;

    const FleetHost *host(const QString &name) const;
    // The edge (or cloud) host a device sends its features to; null for other roles or none.
    const FleetHost *edgeFor(const FleetHost &device) const;

    // Parses a fleet document. `baseDir` resolves a relative token_file; `fileName` names the
    // file in error messages. All problems are reported, one per line.
    static Result<Fleet> parse(const QByteArray &json, const QString &fileName,
                               const QString &baseDir);
    static Result<Fleet> load(const QString &path);
};

} // namespace edgegpt
