// Stats: the one definition of median and percentile used by every benchmark and agent report.
//
// Definition (linear interpolation between closest ranks, the "type 7" definition of Hyndman and
// Fan, also NumPy's default): sort the n values v[0] <= ... <= v[n-1]; the p-th percentile
// (p in [0, 100]) sits at position h = p / 100 * (n - 1) and is
//     v[floor(h)] + (h - floor(h)) * (v[floor(h) + 1] - v[floor(h)]),
// so percentile(v, 0) is the minimum, percentile(v, 100) the maximum and percentile(v, 50) the
// median (the mean of the two middle values for an even n). p outside [0, 100] is clamped.
// An empty list gives 0 (reports print 0 for "no samples"; callers that must tell the two apart
// check isEmpty() first). NaN values are not expected and their order is unspecified.
#pragma once

#include <QList>

namespace edgegpt {

// The p-th percentile, p in [0, 100], interpolated between closest ranks (see above).
double percentile(QList<double> values, double p);

// percentile(values, 50).
double median(QList<double> values);

} // namespace edgegpt
