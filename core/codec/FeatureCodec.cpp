// FeatureCodec: see FeatureCodec.h and the byte layout in docs/codecs.md.
#include "core/codec/FeatureCodec.h"

#include "core/codec/ZstdContext.h"

#include <QRegularExpression>
#include <QStringList>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace edgegpt {

namespace {

// The compact header (docs/codecs.md): a feature of a few bytes must not carry tens of bytes of
// header, so fields that are usually absent cost nothing and dimensions are varints.
constexpr quint8 kMagic = 0xEF;
// Format 2 ended in a CRC-32 of its own; format 3 (written now) leaves that to the frame.
constexpr int kCrcFormatVersion = 2;
constexpr quint8 kFlagPerChannel = 0x08;
constexpr quint8 kFlagZstd = 0x10;
constexpr quint8 kFlagZeroBelow = 0x20;
constexpr quint8 kFlagUnitRange = 0x40;
constexpr quint8 kBitsMask = 0x07;
constexpr int kMaxVarintBytes = 9; // 63 bits
constexpr int kMaxZstdLevel = 19;

bool validBits(int bits)
{
    return bits == 32 || bits == 8 || bits == 6 || bits == 4 || bits == 2;
}

// The shortest decimal text that reads back as exactly f (names must round-trip).
// The 3-bit code of a bit width in the header, and back (-1: not a width).
int bitsCode(int bits)
{
    switch (bits) {
    case 32:
        return 0;
    case 2:
        return 1;
    case 4:
        return 2;
    case 6:
        return 3;
    case 8:
        return 4;
    default:
        return -1;
    }
}
int bitsOfCode(int code)
{
    static const int widths[] = {32, 2, 4, 6, 8};
    return code >= 0 && code < 5 ? widths[code] : -1;
}

int varintBytes(quint64 v)
{
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

QString shortestFloat(float f)
{
    for (int precision = 1; precision < 9; ++precision) {
        const QString s = QString::number(double(f), 'g', precision);
        if (s.toFloat() == f)
            return s;
    }
    return QString::number(double(f), 'g', 9);
}

QString shapeText(const QVector<qint64> &shape)
{
    QStringList parts;
    for (qint64 d : shape)
        parts << QString::number(d);
    return QLatin1Char('[') + parts.join(QLatin1String(", ")) + QLatin1Char(']');
}

// How the elements split into scale groups: element (o, c, k) is at (o * channels + c) * inner + k
// and uses group c. Per tensor (or fewer than 2 dims) it is one group of all elements.
struct GroupLayout
{
    qint64 outer = 1;
    qint64 channels = 1;
    qint64 inner = 0;
};

GroupLayout groupLayout(const QVector<qint64> &shape, qint64 count, bool perChannel)
{
    GroupLayout g;
    if (perChannel && shape.size() >= 2) {
        g.channels = shape[1];
        // A zero anywhere makes count 0 while the other dimensions may still multiply beyond 64
        // bits (found by the fuzzer): keep the loops empty and skip the product then.
        if (count == 0) {
            g.outer = 0;
            g.inner = 0;
            return g;
        }
        g.outer = shape[0];
        g.inner = 1;
        for (int i = 2; i < shape.size(); ++i)
            g.inner *= shape[i]; // cannot overflow: the full product (count) did not
    } else {
        g.inner = count;
    }
    return g;
}

// Rounds a positive step up so that its float mantissa has at most 16 significant bits: then
// z * step is exact in float for every level z < 2^8, so offset = -z * step is exact and level z
// decodes to exactly 0.
double roundStepTo16Bits(double step)
{
    int exponent = 0;
    const double mantissa = std::frexp(step, &exponent); // in [0.5, 1)
    return std::ldexp(std::ceil(mantissa * 65536.0) / 65536.0, exponent);
}

// Chooses the scale and offset of one group from its finite range [lo, hi]. When the group
// contains a zero, the offset is snapped so that 0 is a level (zeroed values decode to exactly 0).
// The top level offset + levels * scale always stays within the float range.
void chooseParams(double lo, double hi, bool hasZero, int levels, float &scale, float &offset)
{
    if (!(hi > lo)) { // constant (or no finite values: lo = hi = 0): exact with scale 0
        scale = 0;
        offset = float(lo);
        return;
    }
    const double minStep = double(std::numeric_limits<float>::denorm_min());
    const double step = std::max((hi - lo) / levels, minStep);
    if (hasZero) {
        double s = roundStepTo16Bits(step);
        // Below FLT_MIN a float has fewer bits; round up to the next float, whose multiples by
        // small integers are still exact (they are multiples of the smallest denormal).
        if (double(float(s)) < s)
            s = double(std::nextafter(float(s), std::numeric_limits<float>::infinity()));
        const double z = std::clamp(std::nearbyint(-lo / s), 0.0, double(levels));
        const double off = -z * s;
        if (s <= double(FLT_MAX) && off + levels * s <= double(FLT_MAX) &&
            off >= -double(FLT_MAX)) {
            scale = float(s);
            offset = off == 0 ? 0.0f : float(off);
            return;
        }
    }
    // lo is a float already, so the offset is exact.
    offset = float(lo);
    float sf = std::max(float(step), std::numeric_limits<float>::denorm_min());
    // Round the step up, never down: among denormals a float step can be off by half the smallest
    // denormal, which the top level multiplies by up to 255 (a fuzzer find).
    if (double(sf) < step)
        sf = std::nextafter(sf, std::numeric_limits<float>::infinity());
    for (int i = 0; i < 64 && double(offset) + levels * double(sf) > double(FLT_MAX); ++i)
        sf = std::nextafter(sf, 0.0f);
    scale = sf;
}

// Whether level z with offset + z * scale == 0 exists (the offset was snapped).
bool zeroIsALevel(float scale, float offset, int levels)
{
    if (offset == 0)
        return true;
    if (!(scale > 0))
        return false;
    const double z = std::nearbyint(-double(offset) / double(scale));
    return z >= 0 && z <= levels && double(offset) + z * double(scale) == 0;
}

void putU8(char *&p, quint8 v)
{
    *p++ = char(v);
}
void putU32(char *&p, quint32 v)
{
    qToLittleEndian(v, p);
    p += 4;
}
// Unsigned LEB128: 7 bits a byte, low bits first, high bit set on all but the last byte.
void putVarint(char *&p, quint64 v)
{
    while (v >= 0x80) {
        *p++ = char(quint8(v) | 0x80);
        v >>= 7;
    }
    *p++ = char(v);
}
void putF32(char *&p, float f)
{
    quint32 bitsOfF;
    std::memcpy(&bitsOfF, &f, 4);
    putU32(p, bitsOfF);
}

// Bounded little-endian reads from untrusted bytes: callers check remaining() first.
struct Reader
{
    const uchar *data;
    qint64 size;
    qint64 pos = 0;

    qint64 remaining() const { return size - pos; }
    quint8 u8() { return data[pos++]; }
    quint32 u32()
    {
        const quint32 v = qFromLittleEndian<quint32>(data + pos);
        pos += 4;
        return v;
    }
    // A varint of at most kMaxVarintBytes bytes in its shortest form; false if it is cut,
    // too long or padded with a zero group.
    bool varint(quint64 &v)
    {
        v = 0;
        for (int i = 0; i < kMaxVarintBytes; ++i) {
            if (pos >= size)
                return false;
            const quint8 b = data[pos++];
            v |= quint64(b & 0x7F) << (7 * i);
            if (!(b & 0x80))
                return i == 0 || b != 0;
        }
        return false;
    }
    float f32()
    {
        const quint32 b = u32();
        float f;
        std::memcpy(&f, &b, 4);
        return f;
    }
};

quint32 crc32Of(const char *data, qint64 size)
{
    return quint32(crc32_z(0L, reinterpret_cast<const Bytef *>(data), z_size_t(size)));
}

// ceil(count * bits / 8), or -1 if that overflows.
qint64 packedBytes(qint64 count, int bits)
{
    if (count > (std::numeric_limits<qint64>::max() - 7) / bits)
        return -1;
    return (count * bits + 7) / 8;
}

Result<DecodedFeature> fail(const QString &message)
{
    return Result<DecodedFeature>::failure(message);
}

} // namespace

QString FeatureCodecSettings::name() const
{
    QString n =
        bits == 32 ? QStringLiteral("f32")
                   : QStringLiteral("q%1-%2").arg(bits).arg(unitRange    ? QLatin1String("unit")
                                                            : perChannel ? QLatin1String("channel")
                                                                         : QLatin1String("tensor"));
    if (zeroBelow > 0)
        n += QLatin1String("-t") + shortestFloat(zeroBelow);
    n += QLatin1String("-z") + QString::number(zstdLevel);
    return n;
}

Result<void> FeatureCodecSettings::validate() const
{
    if (!validBits(bits))
        return Result<void>::failure(
            QStringLiteral("feature codec bits must be 32, 8, 6, 4 or 2 (got %1)").arg(bits));
    if (!std::isfinite(zeroBelow) || zeroBelow < 0)
        return Result<void>::failure(
            QStringLiteral("feature codec zero threshold must be a finite number >= 0"));
    if (unitRange && (bits == 32 || perChannel))
        return Result<void>::failure(
            QStringLiteral("feature codec unit range needs a quantised format, per tensor"));
    if (zstdLevel < 0 || zstdLevel > kMaxZstdLevel)
        return Result<void>::failure(
            QStringLiteral("feature codec zstd level must be 0..%1 (got %2)")
                .arg(kMaxZstdLevel)
                .arg(zstdLevel));
    return Result<void>::success();
}

Result<FeatureCodecSettings> FeatureCodecSettings::parse(const QString &name)
{
    // The threshold may itself contain '-' ("1e-05"); the anchored "-z<level>" ends it.
    static const QRegularExpression re(QStringLiteral(
        "^(?:(f32)|q([2468])-(tensor|channel|unit))(?:-t([0-9.eE+-]{1,32}))?-z(0|[1-9][0-9]?)$"));
    const QRegularExpressionMatch m = re.match(name);
    if (!m.hasMatch())
        return Result<FeatureCodecSettings>::failure(
            QStringLiteral("unknown feature codec '%1': expected a name like q8-tensor-z3, "
                           "q4-channel-t0.05-z9 or f32-z0")
                .arg(name));
    FeatureCodecSettings s;
    if (m.capturedLength(1) > 0) {
        s.bits = 32;
        s.perChannel = false;
    } else {
        s.bits = m.captured(2).toInt();
        s.perChannel = m.captured(3) == QLatin1String("channel");
        s.unitRange = m.captured(3) == QLatin1String("unit");
    }
    if (m.capturedLength(4) > 0) {
        bool ok = false;
        s.zeroBelow = m.captured(4).toFloat(&ok);
        if (!ok)
            return Result<FeatureCodecSettings>::failure(
                QStringLiteral("feature codec '%1': zero threshold '%2' is not a number")
                    .arg(name, m.captured(4)));
    } else {
        s.zeroBelow = 0;
    }
    s.zstdLevel = m.captured(5).toInt();
    const Result<void> valid = s.validate();
    if (!valid)
        return Result<FeatureCodecSettings>::failure(
            QStringLiteral("feature codec '%1': %2").arg(name, valid.error()));
    return s;
}

qint64 FeatureCodec::headerBytes(const QVector<qint64> &shape, const FeatureCodecSettings &s)
{
    qint64 pairs = 0;
    if (s.bits != 32 && !s.unitRange)
        pairs = (s.perChannel && shape.size() >= 2) ? std::max<qint64>(shape[1], 0) : 1;
    qint64 n = fixedHeaderBytes + (s.zstdLevel > 0 ? 1 : 0) + (s.zeroBelow > 0 ? 4 : 0);
    for (qint64 d : shape)
        n += varintBytes(quint64(std::max<qint64>(d, 0)));
    return n + 8 * pairs;
}

qint64 FeatureCodec::channelOf(const QVector<qint64> &shape, qint64 i)
{
    if (shape.size() < 2 || shape[1] <= 0)
        return 0;
    qint64 inner = 1;
    for (int d = 2; d < shape.size(); ++d)
        if (__builtin_mul_overflow(inner, shape[d], &inner))
            return 0; // no element of such a tensor can exist
    if (inner <= 0)
        return 0;
    return (i / inner) % shape[1];
}

QByteArray FeatureCodec::encode(const float *data, const QVector<qint64> &shape,
                                const FeatureCodecSettings &settings)
{
    if (!settings.validate() || shape.size() > maxDims)
        return {};
    qint64 count = 1;
    for (qint64 d : shape) {
        if (d < 0 || __builtin_mul_overflow(count, d, &count))
            return {};
    }
    FeatureCodecSettings s = settings;
    if (s.bits == 32 || count == 0)
        s.perChannel = false;
    const qint64 rawBytes = packedBytes(count, s.bits);
    if (rawBytes < 0)
        return {};

    const GroupLayout g = groupLayout(shape, count, s.perChannel);
    const qint64 groups = s.bits == 32 ? 0 : (s.perChannel && shape.size() >= 2 ? g.channels : 1);
    const int levels = s.bits == 32 ? 0 : (1 << s.bits) - 1;
    const float zeroBelow = s.zeroBelow;
    auto zeroed = [zeroBelow](float x) { return std::fabs(x) < zeroBelow ? 0.0f : x; };

    // Pass 1: the finite range of each group, and whether it holds a zero.
    std::vector<float> scales(size_t(groups), 0.0f), offsets(size_t(groups), 0.0f);
    if (s.unitRange) {
        // Both sides know the range; quantisation below clamps what lies outside it.
        scales[0] = float(1.0 / levels);
        offsets[0] = 0;
    } else if (groups > 0) {
        std::vector<float> lo(size_t(groups), std::numeric_limits<float>::infinity());
        std::vector<float> hi(size_t(groups), -std::numeric_limits<float>::infinity());
        std::vector<char> hasZero(size_t(groups), 0);
        const float *x = data;
        for (qint64 o = 0; o < g.outer; ++o) {
            for (qint64 c = 0; c < g.channels; ++c) {
                const size_t gi = size_t(groups == 1 ? 0 : c);
                float l = lo[gi], h = hi[gi];
                bool z = hasZero[gi];
                for (qint64 k = 0; k < g.inner; ++k) {
                    const float v = zeroed(*x++);
                    if (!std::isfinite(v))
                        continue;
                    l = std::min(l, v);
                    h = std::max(h, v);
                    z = z || v == 0;
                }
                lo[gi] = l;
                hi[gi] = h;
                hasZero[gi] = z;
            }
        }
        for (size_t gi = 0; gi < size_t(groups); ++gi) {
            const bool any = lo[gi] <= hi[gi];
            chooseParams(any ? lo[gi] : 0.0, any ? hi[gi] : 0.0, hasZero[gi], levels, scales[gi],
                         offsets[gi]);
        }
    }

    // Header, then the payload written straight into the output (or into a scratch buffer when
    // zstd follows).
    const qint64 header = headerBytes(shape, s);
    const size_t zstdBound = s.zstdLevel > 0 ? ZSTD_compressBound(size_t(rawBytes)) : 0;
    const qint64 payloadCapacity = s.zstdLevel > 0 ? qint64(zstdBound) : rawBytes;
    QByteArray out;
    out.resize(header + payloadCapacity);
    char *p = out.data();
    putU8(p, kMagic);
    putU8(p, quint8((formatVersion << 4) | shape.size()));
    putU8(p, quint8(bitsCode(s.bits) | (s.perChannel ? kFlagPerChannel : 0) |
                    (s.zstdLevel > 0 ? kFlagZstd : 0) | (s.zeroBelow > 0 ? kFlagZeroBelow : 0) |
                    (s.unitRange ? kFlagUnitRange : 0)));
    if (s.zstdLevel > 0)
        putU8(p, quint8(s.zstdLevel));
    if (s.zeroBelow > 0)
        putF32(p, s.zeroBelow);
    for (qint64 d : shape)
        putVarint(p, quint64(d));
    for (size_t gi = 0; gi < size_t(groups) && !s.unitRange; ++gi) {
        putF32(p, scales[gi]);
        putF32(p, offsets[gi]);
    }
    char *payload = p;

    std::vector<uchar> scratch;
    uchar *raw = reinterpret_cast<uchar *>(payload);
    if (s.zstdLevel > 0) {
        scratch.resize(size_t(rawBytes));
        raw = scratch.data();
    }

    if (s.bits == 32) {
        uchar *r = raw;
        for (qint64 i = 0; i < count; ++i, r += 4) {
            const float v = zeroed(data[i]);
            quint32 b;
            std::memcpy(&b, &v, 4);
            qToLittleEndian(b, r);
        }
    } else {
        // Pass 2: quantise and pack, LSB first, in element order.
        uchar *r = raw;
        quint64 acc = 0;
        int accBits = 0;
        const float *x = data;
        const int bits = s.bits;
        for (qint64 o = 0; o < g.outer; ++o) {
            for (qint64 c = 0; c < g.channels; ++c) {
                const size_t gi = size_t(groups == 1 ? 0 : c);
                const double off = offsets[gi];
                const double inv = scales[gi] > 0 ? 1.0 / double(scales[gi]) : 0.0;
                const double nanT = -off * inv;
                for (qint64 k = 0; k < g.inner; ++k) {
                    const float v = zeroed(*x++);
                    double t = std::isnan(v) ? nanT : (double(v) - off) * inv;
                    if (scales[gi] == 0)
                        t = 0;
                    const quint64 q = t <= 0 ? 0 : t >= levels ? quint64(levels) : quint64(t + 0.5);
                    acc |= q << accBits;
                    accBits += bits;
                    while (accBits >= 8) {
                        *r++ = uchar(acc);
                        acc >>= 8;
                        accBits -= 8;
                    }
                }
            }
        }
        if (accBits > 0)
            *r++ = uchar(acc);
    }

    qint64 payloadBytes = rawBytes;
    if (s.zstdLevel > 0) {
        ZSTD_CCtx *cctx = codec_detail::threadCompressContext();
        const size_t n = cctx ? ZSTD_compressCCtx(cctx, payload, zstdBound, scratch.data(),
                                                  scratch.size(), s.zstdLevel)
                              : size_t(-1);
        if (!cctx || ZSTD_isError(n))
            return {}; // out of memory in zstd; the caller sees an empty (undecodable) array
        payloadBytes = qint64(n);
    }
    // No CRC of its own (format 3): the frame that carries the feature has one over its body.
    out.resize((payload - out.constData()) + payloadBytes);
    return out;
}

Result<DecodedFeature> FeatureCodec::decode(const QByteArray &bytes, qint64 maxElements)
{
    Reader in{reinterpret_cast<const uchar *>(bytes.constData()), bytes.size()};
    if (in.remaining() < fixedHeaderBytes)
        return fail(QStringLiteral("feature data truncated: need at least %1 bytes, %2 present")
                        .arg(fixedHeaderBytes)
                        .arg(in.remaining()));
    if (in.data[0] != kMagic)
        return fail(QStringLiteral("not an encoded feature tensor (bad magic)"));
    const int version = in.data[1] >> 4;
    if (version != formatVersion && version != kCrcFormatVersion)
        return fail(QStringLiteral("unsupported feature format version %1 (this build reads %2 "
                                   "and %3)")
                        .arg(version)
                        .arg(kCrcFormatVersion)
                        .arg(formatVersion));
    if (version == kCrcFormatVersion) {
        // Format 2 ends in a CRC-32 of everything before it: checked first, since whatever else
        // is wrong with corrupted bytes, this names it best.
        if (in.remaining() < fixedHeaderBytes + 4)
            return fail(QStringLiteral("feature data truncated: need at least %1 bytes, %2 "
                                       "present")
                            .arg(fixedHeaderBytes + 4)
                            .arg(in.remaining()));
        const qint64 crcAt = in.size - 4;
        const quint32 storedCrc = qFromLittleEndian<quint32>(in.data + crcAt);
        const quint32 crc = crc32Of(bytes.constData(), crcAt);
        if (crc != storedCrc)
            return fail(QStringLiteral("feature CRC mismatch: stored %1, computed %2 (corrupted "
                                       "or truncated data)")
                            .arg(storedCrc, 8, 16, QLatin1Char('0'))
                            .arg(crc, 8, 16, QLatin1Char('0')));
        in.size = crcAt; // the CRC is not part of what follows
    }
    in.pos = 2;
    const int ndim = in.data[1] & 0x0F;
    const int flags = in.u8();
    const int bits = bitsOfCode(flags & kBitsMask);
    if (bits < 0)
        return fail(QStringLiteral("unsupported feature bit width code %1 (0..4 for 32, 2, 4, 6 "
                                   "and 8 bits)")
                        .arg(flags & kBitsMask));
    if (flags & ~(kBitsMask | kFlagPerChannel | kFlagZstd | kFlagZeroBelow | kFlagUnitRange))
        return fail(QStringLiteral("unknown feature flags 0x%1")
                        .arg(flags & ~kBitsMask, 2, 16, QLatin1Char('0')));
    const bool perChannel = flags & kFlagPerChannel;
    const bool zstd = flags & kFlagZstd;
    const bool unitRange = flags & kFlagUnitRange;
    if (bits == 32 && perChannel)
        return fail(QStringLiteral("feature header sets per-channel scales on a float32 payload"));
    if (unitRange && (bits == 32 || perChannel))
        return fail(QStringLiteral("feature header sets a unit range on a float32 or per-channel "
                                   "payload"));
    if (ndim > maxDims)
        return fail(
            QStringLiteral("feature tensor has %1 dimensions (at most %2)").arg(ndim).arg(maxDims));
    int zstdLevel = 0;
    if (zstd) {
        if (in.remaining() < 1)
            return fail(QStringLiteral("feature header truncated before its zstd level"));
        zstdLevel = in.u8();
        if (zstdLevel < 1 || zstdLevel > kMaxZstdLevel)
            return fail(QStringLiteral("feature header zstd level %1 is not 1..%2")
                            .arg(zstdLevel)
                            .arg(kMaxZstdLevel));
    }
    float zeroBelow = 0;
    if (flags & kFlagZeroBelow) {
        if (in.remaining() < 4)
            return fail(QStringLiteral("feature header truncated before its zero threshold"));
        zeroBelow = in.f32();
        if (!std::isfinite(zeroBelow) || !(zeroBelow > 0))
            return fail(QStringLiteral("feature header zero threshold is not a finite number > 0"));
    }

    DecodedFeature out;
    out.shape.reserve(ndim);
    qint64 count = 1;
    bool overflow = false;
    for (int d = 0; d < ndim; ++d) {
        quint64 dim = 0;
        if (!in.varint(dim))
            return fail(QStringLiteral("feature dimension %1 is cut or not a valid varint").arg(d));
        if (dim > quint64(std::numeric_limits<qint64>::max()))
            return fail(QStringLiteral("feature dimension %1 is too large (%2)").arg(d).arg(dim));
        out.shape << qint64(dim);
        overflow = overflow || __builtin_mul_overflow(count, qint64(dim), &count);
    }
    if (overflow)
        return fail(QStringLiteral("feature shape %1 overflows a 64-bit element count")
                        .arg(shapeText(out.shape)));
    if (count > maxElements)
        return fail(QStringLiteral("feature tensor has %1 elements, more than the allowed %2")
                        .arg(count)
                        .arg(maxElements));
    const qint64 rawBytes = packedBytes(count, bits);
    if (rawBytes < 0)
        return fail(QStringLiteral("feature tensor of %1 elements is too large").arg(count));

    const qint64 groups = bits == 32 ? 0 : (perChannel && ndim >= 2 ? out.shape[1] : 1);
    const int levels = bits == 32 ? 0 : (1 << bits) - 1;
    const qint64 storedGroups = unitRange ? 0 : groups;
    if (storedGroups > in.remaining() / 8)
        return fail(QStringLiteral("feature scales truncated: need %1 scale/offset pairs "
                                   "(8 bytes each), %2 bytes present")
                        .arg(groups)
                        .arg(in.remaining()));
    out.scales.resize(size_t(groups));
    out.offsets.resize(size_t(groups));
    if (unitRange) {
        out.scales[0] = float(1.0 / levels);
        out.offsets[0] = 0;
    }
    for (qint64 gi = 0; gi < storedGroups; ++gi) {
        const float scale = in.f32();
        const float offset = in.f32();
        if (!std::isfinite(scale) || scale < 0 || !std::isfinite(offset))
            return fail(QStringLiteral("feature scale/offset of group %1 is not finite "
                                       "(or the scale is negative)")
                            .arg(gi));
        if (double(offset) + levels * double(scale) > double(FLT_MAX))
            return fail(QStringLiteral("feature group %1 decodes beyond the float range").arg(gi));
        out.scales[size_t(gi)] = scale;
        out.offsets[size_t(gi)] = offset;
    }

    // The payload is everything after the header (format 2: up to the CRC).
    const qint64 payloadAt = in.pos;
    const quint64 payloadBytes = quint64(in.remaining());
    const uchar *payload = in.data + payloadAt;
    std::vector<uchar> scratch;
    const uchar *raw = payload;
    if (zstd) {
        const unsigned long long declared = ZSTD_getFrameContentSize(payload, size_t(payloadBytes));
        if (declared == ZSTD_CONTENTSIZE_ERROR)
            return fail(QStringLiteral("feature payload is not a zstd frame"));
        if (declared == ZSTD_CONTENTSIZE_UNKNOWN)
            return fail(QStringLiteral("feature zstd frame does not declare its size"));
        if (declared != quint64(rawBytes))
            return fail(QStringLiteral("feature zstd frame declares %1 bytes, the shape needs %2")
                            .arg(declared)
                            .arg(rawBytes));
        const size_t frameBytes = ZSTD_findFrameCompressedSize(payload, size_t(payloadBytes));
        if (ZSTD_isError(frameBytes) || frameBytes != size_t(payloadBytes))
            return fail(QStringLiteral("feature zstd payload is not exactly one complete frame"));
        ZSTD_DCtx *dctx = codec_detail::threadDecompressContext();
        if (!dctx)
            return fail(QStringLiteral("feature zstd decompression: out of memory"));
        scratch.resize(size_t(rawBytes));
        const size_t n = ZSTD_decompressDCtx(dctx, scratch.data(), scratch.size(), payload,
                                             size_t(payloadBytes));
        if (ZSTD_isError(n))
            return fail(QStringLiteral("feature zstd decompression failed: %1")
                            .arg(QLatin1String(ZSTD_getErrorName(n))));
        if (n != size_t(rawBytes))
            return fail(QStringLiteral("feature zstd frame gave %1 bytes, the shape needs %2")
                            .arg(n)
                            .arg(rawBytes));
        raw = scratch.data();
    } else if (qint64(payloadBytes) != rawBytes) {
        return fail(QStringLiteral("feature payload has %1 bytes, the shape needs %2")
                        .arg(payloadBytes)
                        .arg(rawBytes));
    }

    out.settings.bits = bits;
    out.settings.perChannel = perChannel;
    out.settings.unitRange = unitRange;
    out.settings.zeroBelow = zeroBelow;
    out.settings.zstdLevel = zstdLevel;
    out.values.resize(size_t(count));
    float *v = out.values.data();
    if (bits == 32) {
        if (count == 0) {
            // nothing to copy (and memcpy must not see the null pointers of empty buffers)
        } else if (Q_BYTE_ORDER == Q_LITTLE_ENDIAN) {
            std::memcpy(v, raw, size_t(rawBytes));
        } else {
            for (qint64 i = 0; i < count; ++i) {
                const quint32 b = qFromLittleEndian<quint32>(raw + 4 * i);
                std::memcpy(v + i, &b, 4);
            }
        }
        return out;
    }

    const GroupLayout g = groupLayout(out.shape, count, perChannel);
    const uchar *r = raw;
    quint64 acc = 0;
    int accBits = 0;
    const quint64 mask = (quint64(1) << bits) - 1;
    for (qint64 o = 0; o < g.outer; ++o) {
        for (qint64 c = 0; c < g.channels; ++c) {
            const size_t gi = size_t(groups == 1 ? 0 : c);
            const double off = out.offsets[gi];
            const double scale = out.scales[gi];
            for (qint64 k = 0; k < g.inner; ++k) {
                // rawBytes = ceil(count * bits / 8): these reads stay inside the payload.
                while (accBits < bits) {
                    acc |= quint64(*r++) << accBits;
                    accBits += 8;
                }
                const quint64 q = acc & mask;
                acc >>= bits;
                accBits -= bits;
                // q * scale is exact in double (<= 8 + 24 bits), so fused or not, the sum is the
                // same and a snapped zero level decodes to exactly 0.
                *v++ = float(off + double(q) * scale);
            }
        }
    }
    if (acc != 0)
        return fail(QStringLiteral("feature payload has non-zero padding bits"));
    return out;
}

std::vector<float> FeatureCodec::errorBounds(const DecodedFeature &decoded)
{
    const FeatureCodecSettings &s = decoded.settings;
    if (s.bits == 32)
        return {s.zeroBelow};
    const int levels = (1 << s.bits) - 1;
    std::vector<float> bounds(decoded.scales.size());
    for (size_t gi = 0; gi < bounds.size(); ++gi) {
        const double scale = decoded.scales[gi];
        const double offset = decoded.offsets[gi];
        const double maxAbs = std::max(std::fabs(offset), std::fabs(offset + levels * scale));
        // Half a step, plus float rounding of the step and of the decoded value.
        const double half = 0.5 * scale * (1 + std::ldexp(1.0, -20)) +
                            maxAbs * std::ldexp(1.0, -22) +
                            double(std::numeric_limits<float>::denorm_min());
        // Zeroed values are off by less than zeroBelow if 0 is a level, else by up to both.
        const double b = zeroIsALevel(decoded.scales[gi], decoded.offsets[gi], levels)
                             ? std::max(half, double(s.zeroBelow))
                             : half + double(s.zeroBelow);
        const double padded = b * (1 + std::ldexp(1.0, -20));
        bounds[gi] =
            padded > double(FLT_MAX) ? std::numeric_limits<float>::infinity() : float(padded);
    }
    return bounds;
}

float FeatureCodec::maxErrorBound(const DecodedFeature &decoded)
{
    const std::vector<float> b = errorBounds(decoded);
    return b.empty() ? 0.0f : *std::max_element(b.begin(), b.end());
}

} // namespace edgegpt
