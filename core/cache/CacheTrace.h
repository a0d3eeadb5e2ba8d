// Request traces for the cache simulator: a seeded generator (Zipf popularity over the models
// that drifts over time, Poisson arrivals, topics within each model that drift too) and a CSV
// reader (header, columns time,model[,prompt]).
#pragma once

#include "CacheModel.h"
#include "core/util/Result.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace edgegpt::cache {

struct CacheRequest
{
    double time = 0; // seconds from the trace's start
    int model = 0;   // index into CacheSystem::models
    int topic = 0;   // requests of the same topic share examples fully (Age of Context)
};

struct TraceParams
{
    std::int64_t requests = 100000;
    std::uint64_t seed = 1;
    double zipfS = 0.9;              // popularity of rank r ~ 1 / r^s
    double ratePerS = 1.0;           // Poisson arrivals
    double driftEveryS = 600;        // one drift event per this many seconds (0: no drift)
    int topics = 4;                  // topics per model
    double dominantTopicShare = 0.7; // share of a model's requests on its current topic
};

// xoshiro256** seeded by splitmix64: the same numbers for a seed on every platform.
class CacheRng
{
public:
    explicit CacheRng(std::uint64_t seed);
    std::uint64_t next();
    double uniform(); // [0, 1)
    int below(int n); // [0, n)

private:
    std::uint64_t m_s[4];
};

// The generator: ranks start as a seeded permutation of the models; each drift event swaps two
// neighbouring ranks and moves one model's dominant topic.
std::vector<CacheRequest> generateTrace(const TraceParams &params, int modelCount);

// Reads time,model[,prompt] (a header naming the columns, any order, other columns ignored).
// The topic of a request is the first word of its prompt (case-folded), or 0 without a prompt.
// Errors: "FILE:LINE: problem" for an unknown model, a bad number, a time going backwards.
Result<std::vector<CacheRequest>> readTraceCsv(const QString &path, const CacheSystem &system);

} // namespace edgegpt::cache
