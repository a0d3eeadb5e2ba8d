// The IDX reader on small files the test writes (plain and gzip), its errors on missing, truncated
// and malformed files, and the real Fashion-MNIST test split from Debian's package.
#include "models/FashionMnist.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

using namespace edgegpt;

namespace {

QByteArray idx(int dimsCode, const std::vector<int> &dims, const QByteArray &data)
{
    QByteArray b;
    b.append(char(0));
    b.append(char(0));
    b.append(char(0x08)); // unsigned bytes
    b.append(char(dimsCode));
    for (int d : dims) {
        b.append(char((d >> 24) & 0xFF));
        b.append(char((d >> 16) & 0xFF));
        b.append(char((d >> 8) & 0xFF));
        b.append(char(d & 0xFF));
    }
    return b + data;
}

void writePlain(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

void writeGzip(const QString &path, const QByteArray &bytes)
{
    gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
    QVERIFY(f);
    QCOMPARE(gzwrite(f, bytes.constData(), unsigned(bytes.size())), int(bytes.size()));
    QCOMPARE(gzclose(f), Z_OK);
}

// Three 2×3 images with pixel value i*10+k, labels 7, 0, 9.
QByteArray images()
{
    QByteArray p;
    for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 6; ++k)
            p.append(char(i * 10 + k));
    return p;
}
QByteArray labels()
{
    return QByteArray("\x07\x00\x09", 3);
}

} // namespace

class TestFashionMnist : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsPlainAndGzipIdx();
    void badFilesGiveErrors();
    void loadsASetFromAFolder();
    void missingDatasetSaysHowToInstall();
    void realTestSplit();
};

void TestFashionMnist::readsPlainAndGzipIdx()
{
    QTemporaryDir dir;
    const QByteArray file = idx(3, {3, 2, 3}, images());
    writePlain(dir.filePath(QStringLiteral("a-idx3-ubyte")), file);
    writeGzip(dir.filePath(QStringLiteral("a-idx3-ubyte.gz")), file);
    for (const QString &name :
         {QStringLiteral("a-idx3-ubyte"), QStringLiteral("a-idx3-ubyte.gz")}) {
        std::vector<int> dims;
        const Result<std::vector<uint8_t>> r = readIdx(dir.filePath(name), 3, &dims);
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(dims, (std::vector<int>{3, 2, 3}));
        QCOMPARE(int(r->size()), 18);
        QCOMPARE(int((*r)[7]), 11);
        QCOMPARE(int((*r)[17]), 25);
    }
}

void TestFashionMnist::badFilesGiveErrors()
{
    QTemporaryDir dir;
    auto expectError = [&dir](const QString &name, const QByteArray &bytes, int dims,
                              const char *needle) {
        const QString path = dir.filePath(name);
        writeGzip(path, bytes);
        const Result<std::vector<uint8_t>> r = readIdx(path, dims, nullptr);
        QVERIFY2(!r.ok(), needle);
        QVERIFY2(r.error().contains(path), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QLatin1String(needle), Qt::CaseInsensitive),
                 qPrintable(r.error()));
    };
    const QByteArray good = idx(3, {3, 2, 3}, images());
    expectError(QStringLiteral("short.gz"), good.left(good.size() - 1), 3, "");
    expectError(QStringLiteral("header.gz"), good.left(6), 3, "");
    expectError(QStringLiteral("labels-as-images.gz"), idx(1, {3}, labels()), 3, "");
    QByteArray floats = good;
    floats[2] = char(0x0D); // float data, not bytes
    expectError(QStringLiteral("floats.gz"), floats, 3, "");
    expectError(QStringLiteral("huge.gz"), idx(3, {60000, 60000, 60000}, images()), 3, "");
    const Result<std::vector<uint8_t>> missing =
        readIdx(dir.filePath(QStringLiteral("nope")), 3, nullptr);
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().contains(QLatin1String("does not exist")));
}

void TestFashionMnist::loadsASetFromAFolder()
{
    QTemporaryDir dir;
    writeGzip(dir.filePath(QStringLiteral("t10k-images-idx3-ubyte.gz")),
              idx(3, {3, 2, 3}, images()));
    writePlain(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte")), idx(1, {3}, labels()));
    Result<ImageSet> set = FashionMnist::load(FashionMnist::Split::Test, dir.path());
    QVERIFY2(set.ok(), qPrintable(set.error()));
    QCOMPARE(set->count, 3);
    QCOMPARE(set->rows, 2);
    QCOMPARE(set->cols, 3);
    QCOMPARE(int(set->labels[2]), 9);
    QCOMPARE(int(set->image(1)[0]), 10);
    QCOMPARE(set->images().sizes().vec(), (std::vector<int64_t>{3, 1, 2, 3}));
    QCOMPARE(set->targets().sizes().vec(), (std::vector<int64_t>{3}));
    Result<ImageSet> two = FashionMnist::load(FashionMnist::Split::Test, dir.path(), 2);
    QVERIFY(two.ok());
    QCOMPARE(two->count, 2);
    // A label that is not a class.
    writePlain(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte")),
               idx(1, {3}, QByteArray("\x07\x0A\x01", 3)));
    Result<ImageSet> bad = FashionMnist::load(FashionMnist::Split::Test, dir.path());
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains(QLatin1String("not a class")), qPrintable(bad.error()));
    // Images and labels that disagree in count.
    writePlain(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte")),
               idx(1, {2}, QByteArray("\x07\x01", 2)));
    bad = FashionMnist::load(FashionMnist::Split::Test, dir.path());
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().contains(QLatin1String("labels")), qPrintable(bad.error()));
}

void TestFashionMnist::missingDatasetSaysHowToInstall()
{
    QTemporaryDir dir;
    const Result<ImageSet> r = FashionMnist::load(FashionMnist::Split::Train, dir.path());
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QLatin1String("apt install dataset-fashion-mnist")),
             qPrintable(r.error()));
    QVERIFY(r.error().contains(dir.path()));
}

void TestFashionMnist::realTestSplit()
{
    // scripts/setup-debian.sh installs the dataset; its absence is a broken setup, not a skip.
    const Result<ImageSet> test = FashionMnist::load(FashionMnist::Split::Test);
    QVERIFY2(test.ok(), qPrintable(test.error()));
    QCOMPARE(test->count, 10000);
    QCOMPARE(test->rows, 28);
    QCOMPARE(test->cols, 28);
    std::vector<int> perClass(10, 0);
    for (uint8_t l : test->labels)
        ++perClass[l];
    for (int c = 0; c < 10; ++c)
        QCOMPARE(perClass[size_t(c)], 1000); // the test split is balanced
    // Normalised pixels have roughly zero mean and unit spread.
    const torch::Tensor x = test->images(0, 1000);
    QVERIFY(std::abs(x.mean().item<double>()) < 0.1);
    QVERIFY(std::abs(x.std().item<double>() - 1.0) < 0.1);
}

QTEST_GUILESS_MAIN(TestFashionMnist)
#include "tst_fashion_mnist.moc"
