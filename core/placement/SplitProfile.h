// SplitProfile: what `edgegpt bench coinference` measured about one model (the model directory's
// profile.json, docs/models.md): per split point the head and tail latency on the measuring CPU,
// and per codec setting the mean bytes per inference and the accuracy. Placement reads it to pick
// a split; it never needs LibTorch.
#pragma once

#include "core/util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgegpt {

struct CodecProfile
{
    QString codec;       // FeatureCodecSettings::name(), or png / zstd / jpeg-qN at the input
    double bytes = 0;    // mean payload bytes per inference
    double accuracy = 0; // fraction
    double encodeMs = 0; // mean per image, one thread
    double decodeMs = 0;
};

struct SplitPointProfile
{
    QString name;
    int index = 0;
    double headMs = 0; // median, one image, one thread, on the measuring CPU
    double tailMs = 0;
    QList<CodecProfile> codecs; // empty for the last split (only the label leaves the device)
};

struct SplitProfile
{
    QString model;
    double baselineAccuracy = 0;
    QList<SplitPointProfile> splits; // in order, "input" first, the logits last

    static Result<SplitProfile> fromJson(const QByteArray &bytes, const QString &fileName);
    static Result<SplitProfile> load(const QString &path);
    const SplitPointProfile *split(const QString &name) const;
    // The codec names of the input split (none when it has no input split).
    QStringList inputCodecNames() const;
    // Replaces the encode times (ms) of the input split's codecs named in `ms` (a device's own
    // measurement, agents/CodecCalibration.h); returns how many it replaced.
    int setInputEncodeMs(const QHash<QString, double> &ms);
};

} // namespace edgegpt
