#include "core/fl/FlShards.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace edgegpt {

Result<QVector<QVector<int>>> dirichletShards(const std::vector<uint8_t> &labels,
                                              const ShardPlan &plan)
{
    using R = Result<QVector<QVector<int>>>;
    if (plan.devices < 1 || plan.devices > 1000)
        return R::failure(QStringLiteral("devices must be 1..1000"));
    if (plan.perDevice < 1 || qint64(plan.perDevice) * plan.devices > qint64(labels.size()))
        return R::failure(QStringLiteral("%1 devices × %2 images do not fit in %3 images")
                              .arg(plan.devices)
                              .arg(plan.perDevice)
                              .arg(labels.size()));
    if (!(plan.alpha > 0 && plan.alpha <= 1e6))
        return R::failure(QStringLiteral("alpha must be > 0"));
    if (plan.classes < 1 || plan.classes > 1000)
        return R::failure(QStringLiteral("classes must be 1..1000"));

    // Per-class pools, shuffled once with the seed.
    std::mt19937_64 rng(plan.seed);
    QVector<std::vector<int>> pools(plan.classes);
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < plan.classes)
            pools[labels[i]].push_back(int(i));
    for (auto &p : pools)
        std::shuffle(p.begin(), p.end(), rng);
    QVector<std::size_t> next(plan.classes, 0);

    QVector<QVector<int>> shards(plan.devices);
    for (int d = 0; d < plan.devices; ++d) {
        // Dirichlet(alpha) as normalised Gamma(alpha, 1) draws.
        std::gamma_distribution<double> gamma(plan.alpha, 1.0);
        std::vector<double> p(std::size_t(plan.classes));
        double sum = 0;
        for (double &x : p) {
            x = gamma(rng);
            sum += x;
        }
        if (!(sum > 0)) { // every draw underflowed (tiny alpha): one class
            std::fill(p.begin(), p.end(), 0.0);
            p[std::size_t(rng() % std::uint64_t(plan.classes))] = 1;
            sum = 1;
        }
        // Largest-remainder rounding of perDevice × p.
        std::vector<int> want(std::size_t(plan.classes));
        std::vector<std::pair<double, int>> rest;
        int given = 0;
        for (int c = 0; c < plan.classes; ++c) {
            const double exact = plan.perDevice * p[std::size_t(c)] / sum;
            want[std::size_t(c)] = int(std::floor(exact));
            given += want[std::size_t(c)];
            rest.push_back({exact - std::floor(exact), c});
        }
        std::stable_sort(rest.begin(), rest.end(),
                         [](const auto &a, const auto &b) { return a.first > b.first; });
        for (int k = 0; given < plan.perDevice; ++k, ++given)
            ++want[std::size_t(rest[std::size_t(k % plan.classes)].second)];
        // Take from the pools; a class that runs out is made up from the fullest others.
        QVector<int> &shard = shards[d];
        int missing = 0;
        for (int c = 0; c < plan.classes; ++c) {
            const std::size_t have = pools[c].size() - next[c];
            const int take = int(std::min<std::size_t>(have, std::size_t(want[std::size_t(c)])));
            for (int k = 0; k < take; ++k)
                shard.append(pools[c][next[c]++]);
            missing += want[std::size_t(c)] - take;
        }
        while (missing > 0) {
            int best = -1;
            std::size_t bestLeft = 0;
            for (int c = 0; c < plan.classes; ++c) {
                const std::size_t left = pools[c].size() - next[c];
                if (left > bestLeft) {
                    bestLeft = left;
                    best = c;
                }
            }
            if (best < 0)
                break;
            shard.append(pools[best][next[best]++]);
            --missing;
        }
        std::sort(shard.begin(), shard.end());
    }
    return shards;
}

QVector<qint64> classCounts(const std::vector<uint8_t> &labels, const QVector<int> &shard,
                            int classes)
{
    QVector<qint64> counts(classes, 0);
    for (int i : shard)
        if (i >= 0 && std::size_t(i) < labels.size() && labels[std::size_t(i)] < classes)
            ++counts[labels[std::size_t(i)]];
    return counts;
}

} // namespace edgegpt
