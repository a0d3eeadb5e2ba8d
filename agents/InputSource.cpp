// InputSource: see InputSource.h.
#include "agents/InputSource.h"

#include "models/FashionMnistFiles.h"

#include <QDir>
#include <QImage>
#include <QRandomGenerator>
#include <QSet>

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
    QString nameOf(const DeviceInput &in) const override
    {
        return QStringLiteral("fashion-mnist:%1").arg(in.index);
    }

private:
    ImagePixels m_set;
    int m_next;
};

QStringList imagesIn(const QDir &dir)
{
    return dir.entryList({QStringLiteral("*.png"), QStringLiteral("*.jpg"),
                          QStringLiteral("*.jpeg"), QStringLiteral("*.bmp"),
                          QStringLiteral("*.pgm")},
                         QDir::Files, QDir::Name);
}

class FolderSource : public InputSource
{
public:
    FolderSource(const QString &dir, int first, bool watch)
        : m_dir(dir)
        , m_watch(watch)
    {
        const QStringList names = imagesIn(m_dir);
        for (const QString &n : names)
            m_seen.insert(n);
        for (const QString &n : names.mid(first))
            m_files << m_dir.filePath(n);
    }
    bool mayGrow() const override { return m_watch; }
    void setModelInput(const ModelInputSpec &input) override { m_input = input; }
    QString nameOf(const DeviceInput &in) const override { return in.name; }
    bool next(DeviceInput &in) override
    {
        if (m_next >= m_files.size() && m_watch) {
            // Watched: files that appeared since, in name order.
            for (const QString &n : imagesIn(m_dir))
                if (!m_seen.contains(n)) {
                    m_seen.insert(n);
                    m_files << m_dir.filePath(n);
                }
        }
        while (m_next < m_files.size()) {
            const QString path = m_files.at(m_next++);
            QImage image(path);
            if (image.isNull()) {
                qWarning("input %s: not an image QImage can read; skipped", qPrintable(path));
                continue;
            }
            // As the model takes it (model.json): its channels, its size (a model trained here:
            // 28×28 grey, the whole picture scaled, aspect kept, padded).
            Result<std::vector<uint8_t>> pixels = imageForModel(image, m_input, path);
            if (!pixels) {
                qWarning("input %s; skipped", qPrintable(pixels.error()));
                continue;
            }
            in.index = m_count++;
            in.label = -1;
            in.name = QFileInfo(path).fileName();
            in.width = m_input.width;
            in.height = m_input.height;
            in.channels = m_input.channels;
            in.pixels = std::move(*pixels);
            return true;
        }
        return false;
    }

private:
    QDir m_dir;
    bool m_watch;
    ModelInputSpec m_input = ModelInfo::fashionMnist().input;
    QSet<QString> m_seen; // every file name met, taken or skipped by `first`
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
    QString nameOf(const DeviceInput &in) const override
    {
        return QStringLiteral("heart-rate:%1").arg(in.index);
    }

private:
    int m_count = 0;
    QRandomGenerator m_rng{42};
};

} // namespace

Result<std::unique_ptr<InputSource>> InputSource::open(const QString &spec, const QString &dataDir,
                                                       int first, bool watch)
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
    if (!watch && imagesIn(dir).isEmpty())
        return R::failure(
            QStringLiteral("--input: no images (png, jpg, bmp, pgm) in %1").arg(spec));
    return std::unique_ptr<InputSource>(new FolderSource(spec, first, watch));
}

} // namespace edgegpt
