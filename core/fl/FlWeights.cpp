#include "core/fl/FlWeights.h"

#include <QCborMap>
#include <QtEndian>

#include <algorithm>
#include <cmath>

namespace edgegpt {

qint64 WeightTensorInfo::count() const
{
    qint64 n = 1;
    for (qint64 d : shape)
        n *= d;
    return n;
}

qint64 layoutCount(const WeightLayout &layout)
{
    qint64 n = 0;
    for (const WeightTensorInfo &t : layout)
        n += t.count();
    return n;
}

QCborArray layoutToCbor(const WeightLayout &layout)
{
    QCborArray out;
    for (const WeightTensorInfo &t : layout) {
        QCborArray shape;
        for (qint64 d : t.shape)
            shape.append(d);
        out.append(QCborMap{{QStringLiteral("name"), t.name}, {QStringLiteral("shape"), shape}});
    }
    return out;
}

Result<WeightLayout> layoutFromCbor(const QCborArray &array)
{
    using R = Result<WeightLayout>;
    if (array.size() > kMaxWeightTensors)
        return R::failure(QStringLiteral("layout: more than %1 tensors").arg(kMaxWeightTensors));
    WeightLayout out;
    qint64 total = 0;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QCborMap m = array.at(i).toMap();
        WeightTensorInfo t;
        t.name = m.value(QStringLiteral("name")).toString();
        if (t.name.isEmpty() || t.name.size() > 256)
            return R::failure(QStringLiteral("layout[%1]: no name").arg(i));
        const QCborArray shape = m.value(QStringLiteral("shape")).toArray();
        if (shape.size() > FeatureCodec::maxDims)
            return R::failure(QStringLiteral("layout[%1]: too many dimensions").arg(i));
        for (const QCborValue &d : shape) {
            if (!d.isInteger() || d.toInteger() < 0 || d.toInteger() > kMaxWeightValues)
                return R::failure(QStringLiteral("layout[%1]: bad dimension").arg(i));
            t.shape.append(d.toInteger());
        }
        total += t.count();
        if (total > kMaxWeightValues)
            return R::failure(QStringLiteral("layout: more than %1 values").arg(kMaxWeightValues));
        out.append(t);
    }
    return out;
}

Result<ModelWeights> federatedAverage(const QVector<const ModelWeights *> &models,
                                      const QVector<qint64> &samples)
{
    using R = Result<ModelWeights>;
    if (models.isEmpty() || models.size() != samples.size())
        return R::failure(QStringLiteral("FedAvg: no updates to average"));
    const ModelWeights &first = *models.front();
    if (!first.isValid())
        return R::failure(QStringLiteral("FedAvg: the first model's values do not fit its layout"));
    double total = 0;
    for (int k = 0; k < models.size(); ++k) {
        if (samples[k] <= 0)
            return R::failure(QStringLiteral("FedAvg: update %1 has no samples").arg(k));
        if (models[k]->layout != first.layout || models[k]->values.size() != first.values.size())
            return R::failure(QStringLiteral("FedAvg: update %1 has another layout").arg(k));
        total += double(samples[k]);
    }
    std::vector<double> sum(first.values.size(), 0.0);
    for (int k = 0; k < models.size(); ++k) {
        const double w = double(samples[k]) / total;
        const float *v = models[k]->values.data();
        for (std::size_t i = 0; i < sum.size(); ++i)
            sum[i] += w * double(v[i]);
    }
    ModelWeights out;
    out.layout = first.layout;
    out.values.resize(sum.size());
    for (std::size_t i = 0; i < sum.size(); ++i)
        out.values[i] = float(sum[i]);
    return out;
}

QString firstNonFinite(const ModelWeights &weights)
{
    std::size_t at = 0;
    for (const WeightTensorInfo &t : weights.layout) {
        const qint64 n = t.count();
        for (qint64 i = 0; i < n && at + std::size_t(i) < weights.values.size(); ++i)
            if (!std::isfinite(weights.values[at + std::size_t(i)]))
                return QStringLiteral("%1[%2]").arg(t.name).arg(i);
        at += std::size_t(n);
    }
    return QString();
}

QByteArray encodeWeightValues(const WeightLayout &layout, const float *values,
                              const FeatureCodecSettings &settings)
{
    QByteArray out;
    char word[4];
    qToBigEndian<quint32>(quint32(layout.size()), word);
    out.append(word, 4);
    const float *p = values;
    for (const WeightTensorInfo &t : layout) {
        // A scalar tensor (shape []) is sent as [1]: the codec wants at least one dimension's
        // worth of elements to quantise, and both sides know the layout.
        const QVector<qint64> shape = t.shape.isEmpty() ? QVector<qint64>{1} : t.shape;
        const QByteArray blob = FeatureCodec::encode(p, shape, settings);
        qToBigEndian<quint32>(quint32(blob.size()), word);
        out.append(word, 4);
        out.append(blob);
        p += t.count();
    }
    return out;
}

Result<std::vector<float>> decodeWeightValues(const QByteArray &bytes, const WeightLayout &layout)
{
    using R = Result<std::vector<float>>;
    if (bytes.size() < 4)
        return R::failure(QStringLiteral("weights: %1 bytes, too short").arg(bytes.size()));
    const quint32 count = qFromBigEndian<quint32>(bytes.constData());
    if (count != quint32(layout.size()))
        return R::failure(
            QStringLiteral("weights: %1 tensors, expected %2").arg(count).arg(layout.size()));
    std::vector<float> out;
    out.reserve(std::size_t(std::min<qint64>(layoutCount(layout), 1 << 20)));
    qint64 at = 4;
    for (const WeightTensorInfo &t : layout) {
        if (bytes.size() - at < 4)
            return R::failure(QStringLiteral("weights: truncated before %1").arg(t.name));
        const quint32 length = qFromBigEndian<quint32>(bytes.constData() + at);
        at += 4;
        if (qint64(length) > bytes.size() - at)
            return R::failure(QStringLiteral("weights: %1 is truncated").arg(t.name));
        const QVector<qint64> shape = t.shape.isEmpty() ? QVector<qint64>{1} : t.shape;
        const Result<DecodedFeature> d =
            FeatureCodec::decode(bytes.mid(at, length), qMax<qint64>(1, t.count()));
        at += length;
        if (!d)
            return R::failure(QStringLiteral("weights: %1: %2").arg(t.name, d.error()));
        if (d->shape != shape) {
            QStringList got, want;
            for (qint64 x : d->shape)
                got << QString::number(x);
            for (qint64 x : shape)
                want << QString::number(x);
            return R::failure(
                QStringLiteral("weights: %1 has shape [%2], expected [%3]")
                    .arg(t.name, got.join(QLatin1Char(',')), want.join(QLatin1Char(','))));
        }
        for (std::size_t i = 0; i < d->values.size(); ++i)
            if (!std::isfinite(d->values[i]))
                return R::failure(
                    QStringLiteral("weights: %1[%2] is not finite").arg(t.name).arg(i));
        out.insert(out.end(), d->values.begin(), d->values.end());
    }
    if (at != bytes.size())
        return R::failure(
            QStringLiteral("weights: %1 bytes after the last tensor").arg(bytes.size() - at));
    return out;
}

} // namespace edgegpt
