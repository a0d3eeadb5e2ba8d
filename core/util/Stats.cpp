// Stats: see Stats.h.
#include "Stats.h"

#include <algorithm>
#include <cmath>

namespace edgegpt {

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const double h = std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size() - 1);
    const qsizetype lo = qsizetype(std::floor(h));
    const qsizetype hi = std::min<qsizetype>(lo + 1, values.size() - 1);
    return values.at(lo) + (h - double(lo)) * (values.at(hi) - values.at(lo));
}

double median(QList<double> values)
{
    return percentile(std::move(values), 50);
}

} // namespace edgegpt
