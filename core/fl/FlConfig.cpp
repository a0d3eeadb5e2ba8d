#include "core/fl/FlConfig.h"

#include "core/codec/FeatureCodec.h"

#include <QCborArray>
#include <QJsonArray>

#include <cmath>
#include <limits>

namespace edgegpt {

namespace {

Result<QString> cborString(const QCborMap &m, const char *key, int maxChars = 256)
{
    const QCborValue v = m.value(QLatin1String(key));
    if (!v.isString())
        return Result<QString>::failure(QStringLiteral("%1: missing or not a string").arg(key));
    if (v.toString().size() > maxChars)
        return Result<QString>::failure(QStringLiteral("%1: too long").arg(key));
    return v.toString();
}

Result<qint64> cborInt(const QCborMap &m, const char *key, qint64 min, qint64 max)
{
    const QCborValue v = m.value(QLatin1String(key));
    if (!v.isInteger())
        return Result<qint64>::failure(QStringLiteral("%1: missing or not an integer").arg(key));
    if (v.toInteger() < min || v.toInteger() > max)
        return Result<qint64>::failure(QStringLiteral("%1: %2 is outside %3..%4")
                                           .arg(key)
                                           .arg(v.toInteger())
                                           .arg(min)
                                           .arg(max));
    return v.toInteger();
}

Result<double> cborDouble(const QCborMap &m, const char *key, double min, double max)
{
    const QCborValue v = m.value(QLatin1String(key));
    if (!v.isDouble() && !v.isInteger())
        return Result<double>::failure(QStringLiteral("%1: missing or not a number").arg(key));
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < min || d > max)
        return Result<double>::failure(QStringLiteral("%1: out of range").arg(key));
    return d;
}

} // namespace

Result<void> FlRunConfig::validate() const
{
    auto fail = [](const QString &m) { return Result<void>::failure(m); };
    if (!models().contains(model))
        return fail(QStringLiteral("--model must be one of %1 (got \"%2\")")
                        .arg(models().join(QStringLiteral(", ")), model));
    if (!(width >= 0.125 && width <= 4))
        return fail(QStringLiteral("width must be 0.125..4"));
    if (devices < 1 || devices > 64)
        return fail(QStringLiteral("--devices must be 1..64"));
    if (rounds < 1 || rounds > 1000)
        return fail(QStringLiteral("--rounds must be 1..1000"));
    if (samplesPerDevice < 1 || qint64(samplesPerDevice) * devices > 60000)
        return fail(QStringLiteral("--samples-per-device × --devices must be 1..60000"));
    if (!(alpha > 0 && alpha <= 1e6))
        return fail(QStringLiteral("--alpha must be > 0"));
    if (localEpochs < 1 || localEpochs > 100)
        return fail(QStringLiteral("--local-epochs must be 1..100"));
    if (!(lr > 0 && lr <= 10))
        return fail(QStringLiteral("--lr must be in (0, 10]"));
    if (optimizer != QLatin1String("sgd") && optimizer != QLatin1String("adam"))
        return fail(QStringLiteral("--optimizer must be sgd or adam (got \"%1\")").arg(optimizer));
    if (batch < 1 || batch > 4096)
        return fail(QStringLiteral("--batch must be 1..4096"));
    if (testSamples < 1 || testSamples > 10000)
        return fail(QStringLiteral("test samples must be 1..10000"));
    if (roundTimeoutS < 1 || roundTimeoutS > 86400)
        return fail(QStringLiteral("the round timeout must be 1..86400 s"));
    if (minDevices < 1 || minDevices > devices)
        return fail(QStringLiteral("the minimum of devices per round must be 1..--devices"));
    const Result<FeatureCodecSettings> codec = FeatureCodecSettings::parse(updateCodec);
    if (!codec)
        return fail(QStringLiteral("update codec: %1").arg(codec.error()));
    return {};
}

QJsonObject FlRunConfig::toJson() const
{
    return {{QStringLiteral("model"), model},
            {QStringLiteral("width"), width},
            {QStringLiteral("devices"), devices},
            {QStringLiteral("rounds"), rounds},
            {QStringLiteral("samples_per_device"), samplesPerDevice},
            {QStringLiteral("alpha"), alpha},
            {QStringLiteral("local_epochs"), localEpochs},
            {QStringLiteral("lr"), lr},
            {QStringLiteral("optimizer"), optimizer},
            {QStringLiteral("batch"), batch},
            {QStringLiteral("seed"), qint64(seed)},
            {QStringLiteral("test_samples"), testSamples},
            {QStringLiteral("round_timeout_s"), roundTimeoutS},
            {QStringLiteral("update_codec"), updateCodec},
            {QStringLiteral("min_devices"), minDevices},
            {QStringLiteral("class_balanced"), classBalanced}};
}

Result<void> FlRunConfig::applyJson(const QJsonObject &o, const QString &where)
{
    auto fail = [&](const QString &key, const QString &m) {
        return Result<void>::failure(QStringLiteral("%1.%2: %3").arg(where, key, m));
    };
    static const QStringList known{QStringLiteral("model"),
                                   QStringLiteral("width"),
                                   QStringLiteral("devices"),
                                   QStringLiteral("rounds"),
                                   QStringLiteral("samples_per_device"),
                                   QStringLiteral("alpha"),
                                   QStringLiteral("local_epochs"),
                                   QStringLiteral("lr"),
                                   QStringLiteral("optimizer"),
                                   QStringLiteral("batch"),
                                   QStringLiteral("seed"),
                                   QStringLiteral("test_samples"),
                                   QStringLiteral("round_timeout_s"),
                                   QStringLiteral("update_codec"),
                                   QStringLiteral("min_devices"),
                                   QStringLiteral("class_balanced")};
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            return fail(it.key(), QStringLiteral("unknown key"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString &k = it.key();
        const QJsonValue v = it.value();
        if (k == QLatin1String("model") || k == QLatin1String("optimizer") ||
            k == QLatin1String("update_codec")) {
            if (!v.isString())
                return fail(k, QStringLiteral("not a string"));
            (k == QLatin1String("model")       ? model
             : k == QLatin1String("optimizer") ? optimizer
                                               : updateCodec) = v.toString();
            continue;
        }
        if (k == QLatin1String("class_balanced")) {
            if (!v.isBool())
                return fail(k, QStringLiteral("not true or false"));
            classBalanced = v.toBool();
            continue;
        }
        if (!v.isDouble())
            return fail(k, QStringLiteral("not a number"));
        const double d = v.toDouble();
        const bool integral = std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15;
        if (k == QLatin1String("width"))
            width = d;
        else if (k == QLatin1String("alpha"))
            alpha = d;
        else if (k == QLatin1String("lr"))
            lr = d;
        else if (!integral)
            return fail(k, QStringLiteral("not an integer"));
        else if (k == QLatin1String("devices"))
            devices = int(d);
        else if (k == QLatin1String("rounds"))
            rounds = int(d);
        else if (k == QLatin1String("samples_per_device"))
            samplesPerDevice = int(d);
        else if (k == QLatin1String("local_epochs"))
            localEpochs = int(d);
        else if (k == QLatin1String("batch"))
            batch = int(d);
        else if (k == QLatin1String("seed"))
            seed = quint64(qMax(0.0, d));
        else if (k == QLatin1String("test_samples"))
            testSamples = int(d);
        else if (k == QLatin1String("round_timeout_s"))
            roundTimeoutS = int(d);
        else if (k == QLatin1String("min_devices"))
            minDevices = int(d);
    }
    return {};
}

QString FlRunConfig::modelSpecText() const
{
    if (model == QLatin1String("cnn") || model == QLatin1String("resnet"))
        return model + QStringLiteral(":none"); // no learned bottleneck in federated training
    return QStringLiteral("%1@%2").arg(model).arg(width);
}

QCborMap FlJoinMessage::toCbor() const
{
    QCborArray counts;
    for (qint64 c : classCounts)
        counts.append(c);
    return {{QStringLiteral("device"), device},
            {QStringLiteral("samples"), samples},
            {QStringLiteral("class_counts"), counts}};
}

Result<FlJoinMessage> FlJoinMessage::fromCbor(const QCborMap &map)
{
    using R = Result<FlJoinMessage>;
    FlJoinMessage m;
    const Result<QString> device = cborString(map, "device");
    if (!device)
        return R::failure(device.error());
    const Result<qint64> samples = cborInt(map, "samples", 1, 60000);
    if (!samples)
        return R::failure(samples.error());
    m.device = *device;
    m.samples = *samples;
    const QCborArray counts = map.value(QStringLiteral("class_counts")).toArray();
    if (counts.size() > 1000)
        return R::failure(QStringLiteral("class_counts: too many classes"));
    for (const QCborValue &c : counts)
        m.classCounts.append(qMax<qint64>(0, c.toInteger()));
    return m;
}

QCborMap FlRoundMessage::toCbor() const
{
    return {{QStringLiteral("round"), round},
            {QStringLiteral("model"), modelSpec},
            {QStringLiteral("local_epochs"), localEpochs},
            {QStringLiteral("lr"), lr},
            {QStringLiteral("optimizer"), optimizer},
            {QStringLiteral("batch"), batch},
            {QStringLiteral("seed"), qint64(seed)},
            {QStringLiteral("update_codec"), updateCodec},
            {QStringLiteral("class_balanced"), classBalanced},
            {QStringLiteral("layout"), layoutToCbor(layout)}};
}

Result<FlRoundMessage> FlRoundMessage::fromCbor(const QCborMap &map)
{
    using R = Result<FlRoundMessage>;
    FlRoundMessage m;
    const Result<qint64> round = cborInt(map, "round", 1, 1000000);
    const Result<QString> spec = cborString(map, "model");
    const Result<qint64> epochs = cborInt(map, "local_epochs", 1, 100);
    const Result<double> lr = cborDouble(map, "lr", 1e-9, 10);
    const Result<QString> opt = cborString(map, "optimizer");
    const Result<qint64> batch = cborInt(map, "batch", 1, 4096);
    const Result<qint64> seed = cborInt(map, "seed", 0, std::numeric_limits<qint64>::max());
    const Result<QString> codec = cborString(map, "update_codec");
    for (const QString &e : {round.error(), spec.error(), epochs.error(), lr.error(), opt.error(),
                             batch.error(), seed.error(), codec.error()})
        if (!e.isEmpty())
            return R::failure(QStringLiteral("fl-round: ") + e);
    const Result<WeightLayout> layout =
        layoutFromCbor(map.value(QStringLiteral("layout")).toArray());
    if (!layout)
        return R::failure(QStringLiteral("fl-round: ") + layout.error());
    if (*opt != QLatin1String("sgd") && *opt != QLatin1String("adam"))
        return R::failure(QStringLiteral("fl-round: optimizer must be sgd or adam"));
    if (!FeatureCodecSettings::parse(*codec))
        return R::failure(QStringLiteral("fl-round: bad update_codec"));
    m.round = int(*round);
    m.modelSpec = *spec;
    m.localEpochs = int(*epochs);
    m.lr = *lr;
    m.optimizer = *opt;
    m.batch = int(*batch);
    m.seed = quint64(*seed);
    m.updateCodec = *codec;
    m.layout = *layout;
    m.classBalanced = map.value(QStringLiteral("class_balanced")).toBool(false);
    return m;
}

QCborMap FlUpdateMessage::toCbor() const
{
    return {{QStringLiteral("round"), round},
            {QStringLiteral("samples"), samples},
            {QStringLiteral("loss"), loss},
            {QStringLiteral("train_ms"), trainMs},
            {QStringLiteral("codec"), codec}};
}

Result<FlUpdateMessage> FlUpdateMessage::fromCbor(const QCborMap &map)
{
    using R = Result<FlUpdateMessage>;
    FlUpdateMessage m;
    const Result<qint64> round = cborInt(map, "round", 1, 1000000);
    const Result<qint64> samples = cborInt(map, "samples", 1, 60000);
    const QCborValue loss = map.value(QStringLiteral("loss"));
    const Result<double> ms = cborDouble(map, "train_ms", 0, 1e9);
    const Result<QString> codec = cborString(map, "codec");
    for (const QString &e : {round.error(), samples.error(), ms.error(), codec.error()})
        if (!e.isEmpty())
            return R::failure(QStringLiteral("fl-update: ") + e);
    if (!loss.isDouble() && !loss.isInteger())
        return R::failure(QStringLiteral("fl-update: loss: missing or not a number"));
    m.round = int(*round);
    m.samples = *samples;
    m.loss = loss.toDouble(); // may be NaN: a diverged device says so; its update is checked
    m.trainMs = *ms;
    m.codec = *codec;
    return m;
}

} // namespace edgegpt
