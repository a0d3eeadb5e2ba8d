// InputSource: see InputSource.h.
#include "agents/InputSource.h"

#include "models/FashionMnistFiles.h"

#include <QDir>
#include <QImage>
#include <QRandomGenerator>

#include <cmath>

namespace edgegpt {

namespace {

class FashionMnistSource : public InputSource
{
public:
    FashionMnistSource(ImagePixels set, int first)
        : m_set(std::move(set))
        , m_next(first)
    {}
    bool next(DeviceInput &in) override
    {
        if (m_next >= m_set.count)
            return false;
        in.index = m_next;
        in.label = m_set.labels[size_t(m_next)];
        in.width = m_set.cols;
        in.height = m_set.rows;
        const uint8_t *p = m_set.image(m_next);
        in.pixels.assign(p, p + size_t(m_set.rows) * m_set.cols);
        ++m_next;
        return true;
    }

private:
    ImagePixels m_set;
    int m_next;
};

class FolderSource : public InputSource
{
public:
    explicit FolderSource(QStringList files)
        : m_files(std::move(files))
    {}
    bool next(DeviceInput &in) override
    {
        while (m_next < m_files.size()) {
            const QString path = m_files.at(m_next++);
            QImage image(path);
            if (image.isNull()) {
                qWarning("input %s: not an image QImage can read; skipped", qPrintable(path));
                continue;
            }
            // The models take 28×28 grey images: scale the whole picture (aspect kept, padded).
            image = image.convertToFormat(QImage::Format_Grayscale8)
                        .scaled(28, 28, Qt::KeepAspectRatio, Qt::SmoothTransformation);
            QImage canvas(28, 28, QImage::Format_Grayscale8);
            canvas.fill(0);
            for (int y = 0; y < image.height(); ++y)
                std::memcpy(canvas.scanLine(y + (28 - image.height()) / 2) +
                                (28 - image.width()) / 2,
                            image.constScanLine(y), size_t(image.width()));
            in.index = m_count++;
            in.label = -1;
            in.name = QFileInfo(path).fileName();
            in.width = 28;
            in.height = 28;
            in.pixels.resize(28 * 28);
            for (int y = 0; y < 28; ++y)
                std::memcpy(in.pixels.data() + y * 28, canvas.constScanLine(y), 28);
            return true;
        }
        return false;
    }

private:
    QStringList m_files;
    int m_next = 0;
    int m_count = 0;
};

// A resting heart rate drifting around 70 bpm with breathing-rate ripple and noise.
class HeartRateSource : public InputSource
{
public:
    bool next(DeviceInput &in) override
    {
        const double t = m_count;
        in.index = m_count++;
        in.heartRateBpm =
            70 + 6 * std::sin(t / 20.0) + 2 * std::sin(t / 3.0) + m_rng.bounded(2.0) - 1.0;
        return true;
    }
    bool isSensor() const override { return true; }

private:
    int m_count = 0;
    QRandomGenerator m_rng{42};
};

} // namespace

Result<std::unique_ptr<InputSource>> InputSource::open(const QString &spec, const QString &dataDir,
                                                       int first)
{
    using R = Result<std::unique_ptr<InputSource>>;
    if (spec == QLatin1String("fashion-mnist")) {
        Result<ImagePixels> set = FashionMnistFiles::load(
            FashionMnistSplit::Test,
            dataDir.isEmpty() ? FashionMnistFiles::defaultDirectory() : dataDir);
        if (!set)
            return R::failure(set.error());
        return std::unique_ptr<InputSource>(new FashionMnistSource(std::move(*set), first));
    }
    if (spec == QLatin1String("heart-rate"))
        return std::unique_ptr<InputSource>(new HeartRateSource);
    const QDir dir(spec);
    if (!dir.exists())
        return R::failure(
            QStringLiteral("--input: \"%1\" is not fashion-mnist, heart-rate or a folder")
                .arg(spec));
    QStringList files;
    for (const QString &f :
         dir.entryList({QStringLiteral("*.png"), QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"),
                        QStringLiteral("*.bmp"), QStringLiteral("*.pgm")},
                       QDir::Files, QDir::Name))
        files << dir.filePath(f);
    if (files.isEmpty())
        return R::failure(
            QStringLiteral("--input: no images (png, jpg, bmp, pgm) in %1").arg(spec));
    std::unique_ptr<InputSource> s(new FolderSource(files.mid(first)));
    return s;
}

} // namespace edgegpt
