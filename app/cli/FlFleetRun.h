// `edgegpt fl run --fleet FILE` (docs/federated.md, "On a deployed fleet"): federated training on
// the hosts of a fleet deployed with `edgegpt deploy`, over SSH. The FL aggregator runs on the
// fleet's edge host and one FL device on each device host of that edge, each as
// `edgegpt-agent --fl CONFIG` in the host's deployment directory and with the host's own key file
// (agent.keys): no secret travels. The aggregator's JSON lines are read back from its output file
// over SSH, the trained model is fetched by SFTP, and every FL process started is stopped at the
// end, on an error and on SIGINT/SIGTERM; the deployed agents are left as they are.
//
// What `fl run` prints of the aggregator's lines is the same with and without --fleet: both modes
// use printFlRound() and printFlFinal().
#pragma once

#include "core/fl/FlConfig.h"
#include "core/fleet/Fleet.h"
#include "core/fleet/SshSession.h"

#include <QJsonObject>
#include <QString>

namespace edgegpt::cli {

struct FlFleetSettings
{
    Fleet fleet;
    QString deployment = QStringLiteral("default");
    SshOptions ssh;
    bool acceptNewHostKeys = false;
    // Devices taken from the fleet: 0 = every device of the edge host (config.devices is set
    // from it); otherwise config.devices, which may not exceed that count.
    bool devicesGiven = false;
    int flPort = 0;  // 0: the edge host's fl_port, else its agent_port + 1
    QString dataDir; // Fashion-MNIST on the hosts; empty: /usr/share/datasets/fashion-mnist
    int threads = 1;
    QString outDir; // here, where the trained model is fetched to
    bool json = false;
    QString command; // recorded in model.json
};

// Runs the federated training on the fleet; the process exit code (errors printed, one line).
int runFlOnFleet(const FlFleetSettings &settings, FlRunConfig config);

// One aggregator "round" line: appended to OUT/fl-rounds.jsonl, then printed (the contract's JSON
// line with --json, else a sentence with who was left out or refused).
void printFlRound(const QJsonObject &round, const FlRunConfig &config, bool json,
                  const QString &outDir);
// The aggregator's "done" line, with the model's folder here; `extra` keys join the JSON line.
void printFlFinal(const QJsonObject &done, const FlRunConfig &config, bool json,
                  const QString &modelDir, const QJsonObject &extra = {});

} // namespace edgegpt::cli
