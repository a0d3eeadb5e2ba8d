// The edge model-caching model (docs/caching.md): foundation models with their size, load cost,
// latencies, cloud price and few-shot accuracy curve; the edge server's memory; the network; the
// Age-of-Context constants; the weights that turn each part into cost units. Every constant is a
// field here and a key in resources/caching/models.json.
#pragma once

#include "core/util/Result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace edgegpt::cache {

struct CachedModelSpec
{
    QString name;
    QString kind;                // "llm" or "image" (documentation only)
    double sizeGb = 0;           // GPU memory while resident
    double loadTimeS = 0;        // disk -> GPU, ready to serve
    double loadEnergyKj = 0;     // energy spent loading
    double edgeLatencyS = 0;     // one request on the edge GPU
    double cloudLatencyS = 0;    // one request on the cloud GPU
    double cloudPriceUsd = 0;    // what the cloud charges for one request
    double requestKb = 0;        // prompt sent by the user
    double responseKb = 0;       // answer sent back (text or image)
    double accuracyZeroShot = 0; // a0: no usable examples
    double accuracyMax = 0;      // amax: the few-shot ceiling
    double fewShotBeta = 0;      // how fast examples help: a(K) = a0 + (amax-a0)(1-e^(-beta K))
    double contextWindow = 0;    // how many examples fit in the model's prompt (caps K)
};

// Weights folded into the cost parts (cost units per second, per kJ, per USD, per unit of
// accuracy lost). docs/caching.md gives the reasons for the defaults.
struct CostWeights
{
    double perSecond = 1.0;
    double perKj = 1.0;
    double perUsd = 1000.0;
    double perAccuracy = 10.0;
};

struct NetworkSpec
{
    double edgeRttS = 0.010;  // user <-> edge
    double edgeMBps = 12.5;   // 100 Mbit/s
    double cloudRttS = 0.060; // edge <-> cloud (WAN)
    double cloudMBps = 6.25;  // 50 Mbit/s
};

// Age of Context: an example of age `a` seconds counts decayPerStep^(a / stepS); an example whose
// topic differs from the request's counts otherTopicRelevance as much; K is capped by the
// model's context window.
struct AgeOfContextParams
{
    double stepS = 60.0;
    double decayPerStep = 0.7;
    double otherTopicRelevance = 0.25;
};

struct CacheSystem
{
    std::vector<CachedModelSpec> models;
    double memoryGb = 40.0;
    CostWeights weights;
    NetworkSpec network;
    AgeOfContextParams aoc;

    int indexOf(const QString &name) const;
    QStringList modelNames() const;
};

// The cost of one request (or a sum of them), in the paper's parts. systemCost() is their sum;
// the weights are already folded into each part.
struct CostParts
{
    double switching = 0;
    double accuracy = 0;
    double inferenceLatency = 0;
    double transmissionLatency = 0;
    double cloud = 0;

    double system() const
    {
        return switching + accuracy + inferenceLatency + transmissionLatency + cloud;
    }
    CostParts &operator+=(const CostParts &o);
};

// a(K) = a0 + (amax - a0)(1 - e^(-beta K)), K >= 0.
double fewShotAccuracy(const CachedModelSpec &m, double usableExamples);

// Loading m at the edge: perSecond * loadTime + perKj * loadEnergy.
CostParts loadCost(const CacheSystem &s, const CachedModelSpec &m);
// m served at the edge with K usable examples.
CostParts edgeCost(const CacheSystem &s, const CachedModelSpec &m, double usableExamples);
// m offloaded to the cloud: a stateless API without the edge's examples (zero-shot).
CostParts cloudCost(const CacheSystem &s, const CachedModelSpec &m);

// Reads a models file (docs/caching.md): {"memory_gb":…, "weights":{…}, "network":{…},
// "age_of_context":{…}, "models":[{…}, …]}. Unknown keys are ignored; missing or bad required
// ones are errors naming the file and the key.
Result<CacheSystem> readCacheSystem(const QString &path);
Result<CacheSystem> parseCacheSystem(const QByteArray &json, const QString &origin);
// The default models: resources/caching/models.json, compiled in as ":/caching/models.json".
Result<CacheSystem> defaultCacheSystem();

} // namespace edgegpt::cache
