// CodecCalibration: see CodecCalibration.h.
#include "agents/CodecCalibration.h"

#include "agents/InputPayload.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <vector>

namespace edgegpt {

namespace {

// A Fashion-MNIST-like image: a bright, textured garment on black, so that the encoders see the
// kind of content they will get (an all-black image compresses unrealistically fast).
std::vector<uint8_t> testImage()
{
    std::vector<uint8_t> pixels(28 * 28, 0);
    quint32 state = 12345;
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
            const double dx = (x - 13.5) / 9.0, dy = (y - 13.5) / 12.0;
            if (dx * dx + dy * dy > 1.0)
                continue;
            state = state * 1664525u + 1013904223u;
            const int texture = int(state >> 27); // 0..31
            pixels[size_t(y * 28 + x)] = uint8_t(std::clamp(110 + 4 * y + texture, 0, 255));
        }
    return pixels;
}

} // namespace

QHash<QString, double> measureInputEncodeMs(const QStringList &codecs, int repeats)
{
    const std::vector<uint8_t> image = testImage();
    QHash<QString, double> out;
    for (const QString &codec : codecs) {
        // One untimed encode first: the first JPEG loads Qt's image plugin.
        if (!encodeInput(image.data(), 28, 28, codec))
            continue;
        std::vector<double> ms;
        for (int i = 0; i < std::max(1, repeats); ++i) {
            QElapsedTimer t;
            t.start();
            const Result<QByteArray> bytes = encodeInput(image.data(), 28, 28, codec);
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (!bytes)
                break;
        }
        std::nth_element(ms.begin(), ms.begin() + long(ms.size() / 2), ms.end());
        out.insert(codec, ms[ms.size() / 2]);
    }
    return out;
}

} // namespace edgegpt
