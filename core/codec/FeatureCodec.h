// FeatureCodec: the "neural source coding" of an intermediate feature tensor for split
// (co-)inference. The head of a split network produces a float32 tensor (e.g. [N,C,H,W]); the
// codec quantises it (uniform affine, per tensor or per channel, 8/6/4/2 bits packed tightly, or
// raw float32), optionally zeroes small values and entropy-codes the result with zstd. The bytes
// are self-describing (shape, scales, settings), so the tail side needs nothing but the bytes.
// They carry no checksum of their own (format 3): the frame that carries them (core/protocol)
// has a CRC-32 over its body; format 2, which ended in a CRC-32, is still read. The byte layout is
// documented in docs/codecs.md.
//
// Decoding treats its input as hostile: every length is checked before it is read, sizes are
// bounded, and each failure is a one-line error instead of a crash.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

namespace edgegpt {

struct FeatureCodecSettings
{
    // 32 (raw float, no quantisation), 8, 6, 4 or 2.
    int bits = 8;
    // One scale+offset per channel (dimension 1) instead of one for the whole tensor. Ignored for
    // 32 bits (nothing is quantised) and for tensors without elements.
    bool perChannel = false;
    // The values are known to lie in [0, 1] — the code of a sigmoid bottleneck — so both sides
    // know the scale (1 / (2^bits - 1)) and offset (0) and the header carries neither: 8 bytes
    // saved on a feature of a few bytes. Values outside [0, 1] are clamped. Quantised formats
    // only, not with perChannel.
    bool unitRange = false;
    // Values with |x| < zeroBelow become exactly 0 before quantisation: sparser data that zstd
    // compresses better. 0 disables it.
    float zeroBelow = 0;
    // 0 = no entropy coding; 1..19 = zstd level.
    int zstdLevel = 3;

    // The settings' name as it appears in CSV/JSON, e.g. "q8-tensor-z3", "q4-channel-t0.05-z9",
    // "q4-unit-z0", "f32-z0". parse(name()) gives the settings back (perChannel is dropped for
    // f32).
    QString name() const;
    static Result<FeatureCodecSettings> parse(const QString &name);
    // Whether encode() accepts these settings; the error names the bad field.
    Result<void> validate() const;

    bool operator==(const FeatureCodecSettings &o) const
    {
        return bits == o.bits && perChannel == o.perChannel && unitRange == o.unitRange &&
               zeroBelow == o.zeroBelow && zstdLevel == o.zstdLevel;
    }
    bool operator!=(const FeatureCodecSettings &o) const { return !(*this == o); }
};

struct DecodedFeature
{
    QVector<qint64> shape;
    std::vector<float> values;
    // The settings the sender used (perChannel false for f32).
    FeatureCodecSettings settings;
    // The quantisation parameters: one pair per channel (perChannel) or one pair (for unitRange
    // the implied 1 / levels and 0); empty for f32.
    // A level q decodes to offset + q * scale.
    std::vector<float> scales;
    std::vector<float> offsets;
};

class FeatureCodec
{
public:
    static constexpr int maxDims = 8;
    static constexpr quint8 formatVersion = 3;
    // The fixed part of the header: magic, version and rank, bit width and flags (docs/codecs.md).
    static constexpr int fixedHeaderBytes = 3;

    // Encodes shape.product() floats from data. Returns an empty array if the settings fail
    // validate() or the shape has more than maxDims dimensions or a negative dimension (both are
    // programming errors; decode() rejects an empty array).
    //
    // Non-finite inputs: f32 keeps them bit for bit; the quantised formats clamp +inf/-inf to the
    // top/bottom level and encode NaN as the level nearest 0.
    static QByteArray encode(const float *data, const QVector<qint64> &shape,
                             const FeatureCodecSettings &s);

    // Decodes untrusted bytes. maxElements bounds the element count (and so the memory used:
    // about 4 + bits/8 bytes per element).
    static Result<DecodedFeature> decode(const QByteArray &bytes,
                                         qint64 maxElements = 64 * 1024 * 1024);

    // The encoded size without the payload: header, dims and scales/offsets.
    static qint64 headerBytes(const QVector<qint64> &shape, const FeatureCodecSettings &s);

    // The largest |original - decoded| of an element of each scale group (one per channel for
    // perChannel, else one), for finite originals: half a quantisation step plus float rounding,
    // or zeroBelow where that is larger (zeroed values); for f32 just zeroBelow.
    static std::vector<float> errorBounds(const DecodedFeature &decoded);
    // The largest of errorBounds().
    static float maxErrorBound(const DecodedFeature &decoded);
    // The scale group (channel, or 0) of the element at flat index i of a tensor of this shape
    // when perChannel is on.
    static qint64 channelOf(const QVector<qint64> &shape, qint64 i);
};

} // namespace edgegpt
