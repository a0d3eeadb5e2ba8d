// Fuzz target for FeatureCodec::decode: arbitrary bytes must give a value or a one-line error,
// never a crash, an out-of-bounds access or undefined behaviour (ASan/UBSan in the libFuzzer
// build). What decodes must encode again and decode to the same shape, bit for bit for f32 and
// within the codec's error bound for the quantised formats.
#include "core/codec/FeatureCodec.h"

#include <QtEndian>

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace edgegpt;

namespace {

// Small enough that a zstd "bomb" stays cheap, large enough for every real feature.
constexpr qint64 kMaxElements = 1 << 20;

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz_feature_codec: invariant broken: %s\n", what);
        std::abort();
    }
}

void reencode(const DecodedFeature &d)
{
    FeatureCodecSettings s = d.settings;
    s.zeroBelow = 0; // a crafted f32 payload may hold values that zeroing would change
    const QByteArray again = FeatureCodec::encode(d.values.data(), d.shape, s);
    check(!again.isEmpty(), "re-encoding failed");
    check(again == FeatureCodec::encode(d.values.data(), d.shape, s), "encoding not deterministic");
    const Result<DecodedFeature> r = FeatureCodec::decode(again, kMaxElements);
    check(r.ok(), "re-encoded bytes do not decode");
    check(r->shape == d.shape, "shape changed");
    check(r->values.size() == d.values.size(), "element count changed");
    if (s.bits == 32) {
        check(d.values.empty() ||
                  std::memcmp(r->values.data(), d.values.data(), d.values.size() * 4) == 0,
              "f32 values changed");
        return;
    }
    const std::vector<float> bounds = FeatureCodec::errorBounds(*r);
    for (size_t i = 0; i < d.values.size(); ++i) {
        check(std::isfinite(d.values[i]), "a quantised format decoded a non-finite value");
        const size_t g =
            r->scales.size() > 1 ? size_t(FeatureCodec::channelOf(d.shape, qint64(i))) : 0;
        check(g < bounds.size(), "scale group out of range");
        check(std::fabs(double(r->values[i]) - double(d.values[i])) <= double(bounds[g]),
              "re-encoding error beyond the bound");
    }
}

void decodeOne(const uint8_t *data, size_t size)
{
    // fromRawData: no copy, so an over-read hits the fuzzer's own buffer end.
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<DecodedFeature> r = FeatureCodec::decode(bytes, kMaxElements);
    if (r.ok())
        reencode(*r);
    else
        check(!r.error().isEmpty() && !r.error().contains(QLatin1Char('\n')),
              "error message empty or not one line");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decodeOne(data, size);
    // Format 2 ends in a CRC-32 at which most mutations stop: a copy with the CRC recomputed
    // reaches the checks behind it. Format 3 (what encode() writes) has no CRC of its own.
    if (size >= 4 && size >= 2 && (data[1] >> 4) == 2) {
        std::vector<uint8_t> fixed(data, data + size);
        const quint32 crc = quint32(crc32_z(0L, fixed.data(), z_size_t(size - 4)));
        qToLittleEndian(crc, fixed.data() + size - 4);
        decodeOne(fixed.data(), fixed.size());
    }
    return 0;
}
