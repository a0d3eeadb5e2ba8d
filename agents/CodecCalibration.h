// CodecCalibration: a device measures what its own input codecs cost before it chooses a split.
// The profile's encode times come from the machine and the moment `edgegpt bench coinference`
// ran on (one busy moment made jpeg-q70 look 60% slower than jpeg-q80, which steered the adaptive
// choice to the larger payload); a few encodes here take milliseconds and replace them. Only the
// input split is measured: it needs no model, and at 100–500 KB/s its codecs are the choices that
// are close. Times are this host's, unstretched, like the profile's (the planner applies the
// device's codec factor).
#pragma once

#include "core/placement/SplitProfile.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace edgegpt {

// The median encode time in ms of each input codec (by name: "zstd", "jpeg-q70", …) over
// `repeats` encodes of a 28×28 garment-like test image; codecs that fail are left out.
QHash<QString, double> measureInputEncodeMs(const QStringList &codecs, int repeats = 7);

// (SplitProfile::inputCodecNames() names them; SplitProfile::setInputEncodeMs() applies them.)

} // namespace edgegpt
