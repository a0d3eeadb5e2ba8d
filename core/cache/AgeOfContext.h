// Age of Context (docs/caching.md): every request served at the edge leaves an example for its
// model; an example of age `a` counts decayPerStep^(a / stepS), times 1 when its topic is the
// request's and otherTopicRelevance otherwise. A model's usable context K is that weighted sum,
// capped by the model's context window.
#pragma once

#include "CacheModel.h"

#include <unordered_map>
#include <vector>

namespace edgegpt::cache {

class AgeOfContext
{
public:
    AgeOfContext(const AgeOfContextParams &params, const std::vector<CachedModelSpec> &models);

    // An example for `model` on `topic`, left at `time` (seconds; never earlier than the last).
    void addExample(int model, int topic, double time);
    // The weighted sum of the model's examples for a request of `topic` at `time`, uncapped.
    double weightedExamples(int model, int topic, double time) const;
    // min(context window, weightedExamples): the K of a(K).
    double usable(int model, int topic, double time) const;
    // The same for the topic of the model's latest example (how much context the model holds
    // for the requests it is getting now); 0 when it has none.
    double usableNow(int model, double time) const;
    double weightedNow(int model, double time) const;
    // The same for the topic the model holds most context for: how much context it holds for
    // its request mix, without the noise of which topic came last.
    double usableBest(int model, double time) const;
    double weightedBest(int model, double time) const;
    int latestTopic(int model) const { return m_models[size_t(model)].latestTopic; }

    // decayPerStep^(age / stepS)
    double weight(double age) const;

private:
    struct Mass
    {
        double value = 0;
        double at = 0;
    };
    struct PerModel
    {
        Mass all;
        std::unordered_map<int, Mass> topics;
        int latestTopic = -1;
        double window = 0;
    };
    double decayed(const Mass &m, double time) const;

    AgeOfContextParams m_params;
    std::vector<PerModel> m_models;
};

} // namespace edgegpt::cache
