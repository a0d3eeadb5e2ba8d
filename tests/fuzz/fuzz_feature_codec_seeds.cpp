// Seeds for fuzz_feature_codec: valid encodings of small random tensors for every setting (bits,
// per tensor/per channel/unit range, zstd off/on, zeroing off/on) and a range of shapes, including
// the scalar and empty ones.
#include "FuzzSeeds.h"

#include "core/codec/FeatureCodec.h"

#include <random>

using namespace edgegpt;

std::vector<std::string> edgegptFuzzSeeds()
{
    const QVector<QVector<qint64>> shapes{{}, {0, 3}, {7}, {2, 3}, {1, 4, 3, 3}, {2, 3, 2, 2, 2}};
    std::mt19937 rng(42);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<std::string> seeds;
    for (const QVector<qint64> &shape : shapes) {
        qint64 n = 1;
        for (qint64 d : shape)
            n *= d;
        std::vector<float> x(static_cast<size_t>(n));
        for (float &v : x)
            v = normal(rng);
        for (int bits : {32, 8, 6, 4, 2}) {
            for (int zstd : {0, 3}) { // the unit range of a sigmoid code: no scales sent
                if (bits == 32)
                    break;
                FeatureCodecSettings s;
                s.bits = bits;
                s.unitRange = true;
                s.zstdLevel = zstd;
                const QByteArray b = FeatureCodec::encode(x.data(), shape, s);
                seeds.emplace_back(b.constData(), size_t(b.size()));
            }
            for (bool perChannel : {false, true})
                for (int zstd : {0, 1, 3})
                    for (float zeroBelow : {0.0f, 0.5f}) {
                        if (bits == 32 && perChannel)
                            continue;
                        FeatureCodecSettings s;
                        s.bits = bits;
                        s.perChannel = perChannel;
                        s.zstdLevel = zstd;
                        s.zeroBelow = zeroBelow;
                        const QByteArray b = FeatureCodec::encode(x.data(), shape, s);
                        seeds.emplace_back(b.constData(), size_t(b.size()));
                    }
        }
    }
    return seeds;
}
