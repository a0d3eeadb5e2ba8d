// Federated learning on edgegpt-agent (docs/federated.md): `edgegpt-agent --fl FILE.json` runs
// the agent as a federated device or as the aggregator at the edge instead of a split-inference
// role. `edgegpt fl run` writes the files and starts the processes.
//
// The aggregator ("fl-edge") listens, waits for the devices' fl-join, and runs the rounds: it
// sends each joined device an fl-round (settings and the global weights), takes each fl-update
// (the device's trained weights minus the global ones) that is authenticated, of this round, of
// the model's shapes and finite, averages them by sample count (FedAvg), evaluates the global
// model on the test subset and prints one JSON line per round on stdout; at the end it saves the
// model like `edgegpt train` and prints a "done" line. A device that closes or misses the round's
// deadline is left out of that round; one that joins (again) takes part from the next round.
//
// A device ("fl-device") loads Fashion-MNIST's training set, keeps its own Dirichlet shard
// (core/fl/FlShards.h), joins the aggregator and trains on every round it is sent.
//
// LibTorch stays in the plugin: both use TrainingRuntime (agents/TrainingRuntime.h), on a worker
// thread, so the event loop keeps answering the connection while a round trains.
#pragma once

#include "core/fl/FlConfig.h"
#include "core/util/Result.h"

#include <QString>

namespace edgegpt {

struct FlAgentConfig
{
    QString role; // "fl-edge" | "fl-device"
    QString name;
    // The fleet secret (a token file: `fl run` on 127.0.0.1), or a deployed host's key file
    // (agent.keys: `fl run --fleet`), whose `self` must then be this agent: an aggregator is the
    // edge (or cloud) host's credential, a device its device host's, with `name` its name.
    QString tokenFile;
    QString runtimeFile; // empty: next to the agent
    QString dataDir;     // Fashion-MNIST; empty: the default
    int threads = 1;
    // Aggregator.
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 0;
    QString outDir;         // where the trained model is saved
    QString command;        // recorded in model.json
    int joinTimeoutS = 120; // waiting for the devices before the first round
    // Unlabelled training images no device holds, taken from the validation end of the training
    // set, over which the averaged model's BatchNorm statistics are recomputed each round
    // (docs/federated.md, "BatchNorm"); 0: the averaged statistics are kept.
    int normImages = 1000;
    // Device.
    QString edgeHost = QStringLiteral("127.0.0.1");
    quint16 edgePort = 0;
    int deviceIndex = 0; // which shard (0-based)
    // Tests only (docs/federated.md): "nan" sends a non-finite update, "shape" one of another
    // shape, from round `faultRound` on; empty: none.
    QString fault;
    int faultRound = 1;
    // Both: the run (the aggregator uses all of it, a device its shard plan).
    FlRunConfig run;

    static Result<FlAgentConfig> load(const QString &path);
};

// Runs the agent described by `configFile` until it is done; the process's exit code. Needs a
// QCoreApplication.
int runFlAgent(const QString &configFile);

} // namespace edgegpt
