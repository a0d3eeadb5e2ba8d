// InputSource: what a device agent feeds its model — the Fashion-MNIST test stream (with labels,
// so accuracy can be checked), a folder of images (any size or colour, brought to 28×28 grey; in
// file-name order, and watched for new files when asked), or
// a synthetic heart-rate sensor for the paper's emotion example (values, no images).
#pragma once

#include "core/util/Result.h"
#include "models/ModelInput.h"

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
    int channels = 1;            // 1: grey, 3: RGB (pixels interleaved; models/ModelInput.h)
    std::vector<uint8_t> pixels; // empty for a sensor reading
    double heartRateBpm = 0;
    quint32 run = 0; // the request id of the run (run-inputs) it belongs to; 0: none
};

class InputSource
{
public:
    virtual ~InputSource() = default;
    // The next input, or false at the end of a finite source.
    virtual bool next(DeviceInput &input) = 0;
    virtual bool isSensor() const { return false; }
    // Whether next() may have more later after it said there was nothing (a watched folder).
    virtual bool mayGrow() const { return false; }
    // The image the model takes (models/ModelInput.h): a folder's pictures are brought to its
    // channels and size (scaled only where its metadata allows). Default: 28×28 grey, scaled.
    virtual void setModelInput(const ModelInputSpec &) {}
    // The input's name in answers: the file name, else "SOURCE:INDEX".
    virtual QString nameOf(const DeviceInput &input) const = 0;

    // "fashion-mnist", "heart-rate" or a folder path; dataDir for Fashion-MNIST; `first` skips.
    // watch: a folder is watched for new files (next() looks again when it ran out; new files
    // come in file-name order) and may be empty at first.
    static Result<std::unique_ptr<InputSource>> open(const QString &spec, const QString &dataDir,
                                                     int first, bool watch = false);
};

} // namespace edgegpt
