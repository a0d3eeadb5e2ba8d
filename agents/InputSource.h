// InputSource: what a device agent feeds its model — the Fashion-MNIST test stream (with labels,
// so accuracy can be checked), a folder of images (any size or colour, brought to 28×28 grey), or
// a synthetic heart-rate sensor for the paper's emotion example (values, no images).
#pragma once

#include "core/util/Result.h"

#include <QString>

#include <memory>
#include <vector>

namespace edgegpt {

struct DeviceInput
{
    int index = 0;
    int label = -1; // -1: unknown
    QString name;   // file name for a folder input
    int width = 0, height = 0;
    int channels = 1; // 1: grey, 3: RGB (pixels interleaved; models/ModelInput.h)
    std::vector<uint8_t> pixels; // empty for a sensor reading
    double heartRateBpm = 0;
};

class InputSource
{
public:
    virtual ~InputSource() = default;
    // The next input, or false at the end of a finite source.
    virtual bool next(DeviceInput &input) = 0;
    virtual bool isSensor() const { return false; }

    // "fashion-mnist", "heart-rate" or a folder path; dataDir for Fashion-MNIST; `first` skips.
    static Result<std::unique_ptr<InputSource>> open(const QString &spec, const QString &dataDir,
                                                     int first);
};

} // namespace edgegpt
