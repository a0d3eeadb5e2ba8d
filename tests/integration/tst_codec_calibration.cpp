// CodecCalibration: a device measures its input codecs itself; the measured times replace the
// profile's for those codecs only, and a codec that cannot encode is left out.
#include "agents/CodecCalibration.h"
#include "agents/InputPayload.h"

#include <algorithm>

#include <QImage>
#include <QTest>

using namespace edgegpt;

class TestCodecCalibration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void measuresEveryCodecThatEncodes()
    {
        const QHash<QString, double> ms =
            measureInputEncodeMs({QStringLiteral("zstd"), QStringLiteral("png"),
                                  QStringLiteral("jpeg-q70"), QStringLiteral("no-such-codec")},
                                 5);
        QCOMPARE(ms.size(), 3);
        QVERIFY(!ms.contains(QStringLiteral("no-such-codec")));
        for (auto it = ms.cbegin(); it != ms.cend(); ++it)
            QVERIFY2(it.value() > 0 && it.value() < 1000, qPrintable(it.key()));
    }

    void calibratesWithTheModelsOwnShape()
    {
        // A user's RGB model: the test image has its size and channels, with content (not black),
        // and an input codec encodes it as such (PNG of 40×30 RGB decodes to 40×30×3).
        ModelInputSpec rgb;
        rgb.channels = 3;
        rgb.width = 40;
        rgb.height = 30;
        const std::vector<uint8_t> image = calibrationImage(rgb);
        QCOMPARE(image.size(), size_t(3 * 40 * 30));
        QVERIFY(std::count(image.begin(), image.end(), 0) <
                long(image.size() * 3 / 4));                                 // a garment, not black
        QVERIFY(image[(15 * 40 + 20) * 3] != image[(15 * 40 + 20) * 3 + 2]); // colour, not grey
        const Result<QByteArray> png = encodeInput(image.data(), 40, 30, 3, QStringLiteral("png"));
        QVERIFY2(png.ok(), qPrintable(png.error()));
        const QImage back = QImage::fromData(*png, "PNG");
        QCOMPARE(back.size(), QSize(40, 30));
        QVERIFY(!back.isGrayscale());
        const QHash<QString, double> ms =
            measureInputEncodeMs({QStringLiteral("zstd"), QStringLiteral("png")}, 3, rgb);
        QCOMPARE(ms.size(), 2);
        // The default is the model trained here: 28×28 grey.
        QCOMPARE(calibrationImage(ModelInputSpec()).size(), size_t(28 * 28));
    }

    void replacesOnlyTheMeasuredInputCodecs()
    {
        const QByteArray json = R"({"format":"edgegpt-profile","version":1,"model":"cnn",
          "baseline_accuracy":0.93,"splits":[
            {"name":"input","index":0,"head_ms":0,"tail_ms":4,"codecs":[
              {"codec":"zstd","bytes":458,"accuracy":0.93,"encode_us":586,"decode_us":20},
              {"codec":"jpeg-q70","bytes":430,"accuracy":0.93,"encode_us":259,"decode_us":100}]},
            {"name":"fc1","index":1,"head_ms":3.5,"tail_ms":0.02,"codecs":[
              {"codec":"jpeg-q70","bytes":17,"accuracy":0.93,"encode_us":1,"decode_us":1}]},
            {"name":"logits","index":2,"head_ms":3.7,"tail_ms":0}]})";
        Result<SplitProfile> p = SplitProfile::fromJson(json, QStringLiteral("test"));
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->inputCodecNames(),
                 (QStringList{QStringLiteral("zstd"), QStringLiteral("jpeg-q70")}));
        const int applied = p->setInputEncodeMs({{QStringLiteral("jpeg-q70"), 0.05}});
        QCOMPARE(applied, 1);
        QCOMPARE(p->split(QStringLiteral("input"))->codecs.at(1).encodeMs, 0.05);
        QCOMPARE(p->split(QStringLiteral("input"))->codecs.at(0).encodeMs, 0.586); // unmeasured
        // Another split's codec of the same name is not the input's.
        QCOMPARE(p->split(QStringLiteral("fc1"))->codecs.at(0).encodeMs, 0.001);
    }
};

QTEST_GUILESS_MAIN(TestCodecCalibration)
#include "tst_codec_calibration.moc"
