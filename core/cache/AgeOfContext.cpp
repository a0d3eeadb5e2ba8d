#include "AgeOfContext.h"

#include <algorithm>
#include <cmath>

namespace edgegpt::cache {

AgeOfContext::AgeOfContext(const AgeOfContextParams &params,
                           const std::vector<CachedModelSpec> &models)
    : m_params(params)
    , m_models(models.size())
{
    for (size_t i = 0; i < models.size(); ++i)
        m_models[i].window = models[i].contextWindow;
}

double AgeOfContext::weight(double age) const
{
    return std::pow(m_params.decayPerStep, std::max(0.0, age) / m_params.stepS);
}

double AgeOfContext::decayed(const Mass &m, double time) const
{
    return m.value == 0 ? 0 : m.value * weight(time - m.at);
}

void AgeOfContext::addExample(int model, int topic, double time)
{
    PerModel &p = m_models[size_t(model)];
    p.all.value = decayed(p.all, time) + 1;
    p.all.at = time;
    Mass &t = p.topics[topic];
    t.value = decayed(t, time) + 1;
    t.at = time;
    p.latestTopic = topic;
}

double AgeOfContext::weightedExamples(int model, int topic, double time) const
{
    const PerModel &p = m_models[size_t(model)];
    const double all = decayed(p.all, time);
    const auto it = p.topics.find(topic);
    const double same = it == p.topics.end() ? 0 : decayed(it->second, time);
    return same + m_params.otherTopicRelevance * std::max(0.0, all - same);
}

double AgeOfContext::usable(int model, int topic, double time) const
{
    return std::min(m_models[size_t(model)].window, weightedExamples(model, topic, time));
}

double AgeOfContext::usableNow(int model, double time) const
{
    const PerModel &p = m_models[size_t(model)];
    return p.latestTopic < 0 ? 0 : usable(model, p.latestTopic, time);
}

double AgeOfContext::weightedNow(int model, double time) const
{
    const PerModel &p = m_models[size_t(model)];
    return p.latestTopic < 0 ? 0 : weightedExamples(model, p.latestTopic, time);
}

double AgeOfContext::weightedBest(int model, double time) const
{
    const PerModel &p = m_models[size_t(model)];
    double best = 0;
    for (const auto &t : p.topics)
        best = std::max(best, weightedExamples(model, t.first, time));
    return best;
}

double AgeOfContext::usableBest(int model, double time) const
{
    return std::min(m_models[size_t(model)].window, weightedBest(model, time));
}

} // namespace edgegpt::cache
