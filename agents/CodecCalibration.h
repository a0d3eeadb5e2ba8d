// CodecCalibration: a device measures what its own input codecs cost before it chooses a split.
// The profile's encode times come from the machine and the moment `edgegpt bench coinference`
// ran on (one busy moment made jpeg-q70 look 60% slower than jpeg-q80, which steered the adaptive
// choice to the larger payload); a few encodes here take milliseconds and replace them. Only the
// input split is measured: it needs no model, and at 100–500 KB/s its codecs are the choices that
// are close. Times are this host's, unstretched, like the profile's (the planner applies the
// device's codec factor).
#pragma once

#include "core/placement/SplitProfile.h"
#include "models/ModelInput.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace edgegpt {

// A garment-like test image of the model's input shape (a bright, textured shape on black, so that
// the encoders see the kind of content they will get: an all-black image compresses
// unrealistically fast). Pixels row by row, channels interleaved.
std::vector<uint8_t> calibrationImage(const ModelInputSpec &input);

// The median encode time in ms of each input codec (by name: "zstd", "jpeg-q70", …) over
// `repeats` encodes of calibrationImage(input) (default: 28×28 grey, the model trained here);
// codecs that fail are left out.
QHash<QString, double> measureInputEncodeMs(const QStringList &codecs, int repeats = 7,
                                            const ModelInputSpec &input = ModelInputSpec());

// (SplitProfile::inputCodecNames() names them; SplitProfile::setInputEncodeMs() applies them.)

} // namespace edgegpt
