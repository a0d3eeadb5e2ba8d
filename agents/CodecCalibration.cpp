// CodecCalibration: see CodecCalibration.h.
#include "agents/CodecCalibration.h"

#include "agents/InputPayload.h"
#include "core/util/Stats.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <vector>

namespace edgegpt {

std::vector<uint8_t> calibrationImage(const ModelInputSpec &input)
{
    const int width = std::max(1, input.width), height = std::max(1, input.height);
    const int channels = std::max(1, input.channels);
    std::vector<uint8_t> pixels(size_t(width) * size_t(height) * size_t(channels), 0);
    quint32 state = 12345;
    const double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double dx = (x - cx) / (width * 9.0 / 28), dy = (y - cy) / (height * 12.0 / 28);
            if (dx * dx + dy * dy > 1.0)
                continue;
            for (int c = 0; c < channels; ++c) {
                state = state * 1664525u + 1013904223u;
                const int texture = int(state >> 27); // 0..31
                const int shade = 110 + (4 * 28 * y) / height + 20 * c;
                pixels[(size_t(y) * size_t(width) + size_t(x)) * size_t(channels) + size_t(c)] =
                    uint8_t(std::clamp(shade + texture, 0, 255));
            }
        }
    return pixels;
}

QHash<QString, double> measureInputEncodeMs(const QStringList &codecs, int repeats,
                                            const ModelInputSpec &input)
{
    const std::vector<uint8_t> image = calibrationImage(input);
    const int w = input.width, h = input.height, ch = input.channels;
    QHash<QString, double> out;
    for (const QString &codec : codecs) {
        // One untimed encode first: the first JPEG loads Qt's image plugin.
        if (!encodeInput(image.data(), w, h, ch, codec))
            continue;
        QList<double> ms;
        for (int i = 0; i < std::max(1, repeats); ++i) {
            QElapsedTimer t;
            t.start();
            const Result<QByteArray> bytes = encodeInput(image.data(), w, h, ch, codec);
            ms.append(double(t.nsecsElapsed()) / 1e6);
            if (!bytes)
                break;
        }
        out.insert(codec, median(ms)); // core/util/Stats.h: the one definition
    }
    return out;
}

} // namespace edgegpt
