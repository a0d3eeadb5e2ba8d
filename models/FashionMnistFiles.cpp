// FashionMnistFiles: see FashionMnistFiles.h.
#include "models/FashionMnistFiles.h"

#include <QFileInfo>
#include <QProcessEnvironment>

#include <zlib.h>

namespace edgegpt {

namespace {

constexpr qint64 kMaxIdxBytes = 512ll * 1024 * 1024;

QString installHint()
{
    return QStringLiteral(" (install it with `sudo apt install dataset-fashion-mnist`, or set "
                          "EDGEGPT_FASHION_MNIST_DIR to a folder with the four IDX files)");
}

// Reads exactly n bytes or fails.
bool readExactly(gzFile f, void *out, unsigned n)
{
    unsigned done = 0;
    while (done < n) {
        const int got = gzread(f, static_cast<char *>(out) + done, n - done);
        if (got <= 0)
            return false;
        done += unsigned(got);
    }
    return true;
}

} // namespace

QString FashionMnistFiles::defaultDirectory()
{
    const QString env =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_FASHION_MNIST_DIR"));
    return env.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist") : env;
}

const QStringList &FashionMnistFiles::classNames()
{
    static const QStringList names = {QStringLiteral("T-shirt/top"), QStringLiteral("Trouser"),
                                      QStringLiteral("Pullover"),    QStringLiteral("Dress"),
                                      QStringLiteral("Coat"),        QStringLiteral("Sandal"),
                                      QStringLiteral("Shirt"),       QStringLiteral("Sneaker"),
                                      QStringLiteral("Bag"),         QStringLiteral("Ankle boot")};
    return names;
}

Result<std::vector<uint8_t>> readIdx(const QString &path, int expectedDims, std::vector<int> *dims)
{
    using R = Result<std::vector<uint8_t>>;
    if (!QFileInfo::exists(path))
        return R::failure(QStringLiteral("%1 does not exist").arg(path));
    gzFile f = gzopen(QFileInfo(path).absoluteFilePath().toLocal8Bit().constData(), "rb");
    if (!f)
        return R::failure(QStringLiteral("cannot open %1").arg(path));
    struct Closer
    {
        gzFile f;
        ~Closer() { gzclose(f); }
    } closer{f};
    unsigned char magic[4];
    if (!readExactly(f, magic, 4))
        return R::failure(QStringLiteral("%1: not an IDX file (too short)").arg(path));
    // IDX: two zero bytes, a type code (0x08 = unsigned byte), the number of dimensions.
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != expectedDims)
        return R::failure(QStringLiteral("%1: not an IDX file of unsigned bytes with %2 dimensions")
                              .arg(path)
                              .arg(expectedDims));
    std::vector<int> localDims;
    if (!dims)
        dims = &localDims;
    qint64 total = 1;
    dims->clear();
    for (int i = 0; i < expectedDims; ++i) {
        unsigned char b[4];
        if (!readExactly(f, b, 4))
            return R::failure(QStringLiteral("%1: truncated header").arg(path));
        const quint32 d =
            (quint32(b[0]) << 24) | (quint32(b[1]) << 16) | (quint32(b[2]) << 8) | b[3];
        if (d == 0 || d > 100000000u)
            return R::failure(QStringLiteral("%1: implausible dimension %2").arg(path).arg(d));
        dims->push_back(int(d));
        total *= d;
        if (total > kMaxIdxBytes)
            return R::failure(
                QStringLiteral("%1: larger than %2 MiB").arg(path).arg(kMaxIdxBytes >> 20));
    }
    std::vector<uint8_t> data(static_cast<std::size_t>(total));
    if (!readExactly(f, data.data(), unsigned(total)))
        return R::failure(
            QStringLiteral("%1: truncated: the header promises %2 bytes").arg(path).arg(total));
    return data;
}

Result<ImagePixels> FashionMnistFiles::load(FashionMnistSplit split, const QString &directory,
                                            int limit)
{
    using R = Result<ImagePixels>;
    const QString prefix =
        split == FashionMnistSplit::Train ? QStringLiteral("train") : QStringLiteral("t10k");
    auto find = [&](const QString &stem) {
        const QString gz = directory + QLatin1Char('/') + stem + QStringLiteral(".gz");
        return QFileInfo::exists(gz) ? gz : directory + QLatin1Char('/') + stem;
    };
    const QString imagesPath = find(prefix + QStringLiteral("-images-idx3-ubyte"));
    const QString labelsPath = find(prefix + QStringLiteral("-labels-idx1-ubyte"));
    if (!QFileInfo::exists(imagesPath) || !QFileInfo::exists(labelsPath))
        return R::failure(QStringLiteral("Fashion-MNIST is not in %1").arg(directory) +
                          installHint());
    std::vector<int> imageDims, labelDims;
    Result<std::vector<uint8_t>> pixels = readIdx(imagesPath, 3, &imageDims);
    if (!pixels)
        return R::failure(pixels.error());
    Result<std::vector<uint8_t>> labels = readIdx(labelsPath, 1, &labelDims);
    if (!labels)
        return R::failure(labels.error());
    if (imageDims[0] != labelDims[0])
        return R::failure(QStringLiteral("%1 has %2 images but %3 has %4 labels")
                              .arg(imagesPath)
                              .arg(imageDims[0])
                              .arg(labelsPath)
                              .arg(labelDims[0]));
    for (uint8_t l : *labels)
        if (l >= 10)
            return R::failure(
                QStringLiteral("%1: label %2 is not a class (0–9)").arg(labelsPath).arg(l));
    ImagePixels set;
    set.count = imageDims[0];
    set.rows = imageDims[1];
    set.cols = imageDims[2];
    set.pixels = std::move(*pixels);
    set.labels = std::move(*labels);
    if (limit > 0 && limit < set.count) {
        set.count = limit;
        set.pixels.resize(std::size_t(limit) * set.rows * set.cols);
        set.labels.resize(std::size_t(limit));
    }
    return set;
}

} // namespace edgegpt
