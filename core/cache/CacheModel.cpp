#include "CacheModel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace edgegpt::cache {

int CacheSystem::indexOf(const QString &name) const
{
    for (size_t i = 0; i < models.size(); ++i)
        if (models[i].name == name)
            return int(i);
    return -1;
}

QStringList CacheSystem::modelNames() const
{
    QStringList names;
    for (const CachedModelSpec &m : models)
        names << m.name;
    return names;
}

CostParts &CostParts::operator+=(const CostParts &o)
{
    switching += o.switching;
    accuracy += o.accuracy;
    inferenceLatency += o.inferenceLatency;
    transmissionLatency += o.transmissionLatency;
    cloud += o.cloud;
    return *this;
}

double fewShotAccuracy(const CachedModelSpec &m, double usableExamples)
{
    const double k = std::max(0.0, usableExamples);
    return m.accuracyZeroShot +
           (m.accuracyMax - m.accuracyZeroShot) * (1.0 - std::exp(-m.fewShotBeta * k));
}

CostParts loadCost(const CacheSystem &s, const CachedModelSpec &m)
{
    CostParts c;
    c.switching = s.weights.perSecond * m.loadTimeS + s.weights.perKj * m.loadEnergyKj;
    return c;
}

namespace {
double edgeTransferS(const CacheSystem &s, const CachedModelSpec &m)
{
    return s.network.edgeRttS + (m.requestKb + m.responseKb) / 1000.0 / s.network.edgeMBps;
}
} // namespace

CostParts edgeCost(const CacheSystem &s, const CachedModelSpec &m, double usableExamples)
{
    const double k = std::min(usableExamples, m.contextWindow);
    CostParts c;
    c.accuracy = s.weights.perAccuracy * (m.accuracyMax - fewShotAccuracy(m, k));
    c.inferenceLatency = s.weights.perSecond * m.edgeLatencyS;
    c.transmissionLatency = s.weights.perSecond * edgeTransferS(s, m);
    return c;
}

CostParts cloudCost(const CacheSystem &s, const CachedModelSpec &m)
{
    CostParts c;
    c.accuracy = s.weights.perAccuracy * (m.accuracyMax - m.accuracyZeroShot);
    c.inferenceLatency = s.weights.perSecond * m.cloudLatencyS;
    c.transmissionLatency =
        s.weights.perSecond * (edgeTransferS(s, m) + s.network.cloudRttS +
                               (m.requestKb + m.responseKb) / 1000.0 / s.network.cloudMBps);
    c.cloud = s.weights.perUsd * m.cloudPriceUsd;
    return c;
}

namespace {

class Reader
{
public:
    explicit Reader(QString origin)
        : m_origin(std::move(origin))
    {}

    double number(const QJsonObject &o, const QString &path, const char *key, double fallback,
                  bool required, double min, double max)
    {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = o.value(k);
        if (v.isUndefined()) {
            if (required)
                fail(path + QLatin1Char('.') + k, QStringLiteral("missing"));
            return fallback;
        }
        if (!v.isDouble()) {
            fail(path + QLatin1Char('.') + k, QStringLiteral("expected a number"));
            return fallback;
        }
        const double d = v.toDouble();
        if (!(d >= min && d <= max)) {
            fail(path + QLatin1Char('.') + k,
                 QStringLiteral("%1 is outside [%2, %3]").arg(d).arg(min).arg(max));
            return fallback;
        }
        return d;
    }

    void fail(const QString &path, const QString &message)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1: %2: %3").arg(m_origin, path, message);
    }
    const QString &error() const { return m_error; }

private:
    QString m_origin;
    QString m_error;
};

} // namespace

Result<CacheSystem> parseCacheSystem(const QByteArray &json, const QString &origin)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Result<CacheSystem>::failure(
            QStringLiteral("%1: offset %2: %3").arg(origin).arg(pe.offset).arg(pe.errorString()));
    if (!doc.isObject())
        return Result<CacheSystem>::failure(
            QStringLiteral("%1: $: expected an object").arg(origin));
    const QJsonObject root = doc.object();
    Reader r(origin);
    CacheSystem s;
    const double big = 1e12;
    s.memoryGb = r.number(root, QStringLiteral("$"), "memory_gb", s.memoryGb, false, 0, big);
    const QJsonObject w = root.value(QStringLiteral("weights")).toObject();
    const QString wp = QStringLiteral("$.weights");
    s.weights.perSecond = r.number(w, wp, "per_second", s.weights.perSecond, false, 0, big);
    s.weights.perKj = r.number(w, wp, "per_kj", s.weights.perKj, false, 0, big);
    s.weights.perUsd = r.number(w, wp, "per_usd", s.weights.perUsd, false, 0, big);
    s.weights.perAccuracy = r.number(w, wp, "per_accuracy", s.weights.perAccuracy, false, 0, big);
    const QJsonObject n = root.value(QStringLiteral("network")).toObject();
    const QString np = QStringLiteral("$.network");
    s.network.edgeRttS = r.number(n, np, "edge_rtt_s", s.network.edgeRttS, false, 0, 60);
    s.network.edgeMBps = r.number(n, np, "edge_mb_per_s", s.network.edgeMBps, false, 1e-6, big);
    s.network.cloudRttS = r.number(n, np, "cloud_rtt_s", s.network.cloudRttS, false, 0, 60);
    s.network.cloudMBps = r.number(n, np, "cloud_mb_per_s", s.network.cloudMBps, false, 1e-6, big);
    const QJsonObject a = root.value(QStringLiteral("age_of_context")).toObject();
    const QString ap = QStringLiteral("$.age_of_context");
    s.aoc.stepS = r.number(a, ap, "step_s", s.aoc.stepS, false, 1e-6, big);
    s.aoc.decayPerStep = r.number(a, ap, "decay_per_step", s.aoc.decayPerStep, false, 0, 1);
    s.aoc.otherTopicRelevance =
        r.number(a, ap, "other_topic_relevance", s.aoc.otherTopicRelevance, false, 0, 1);

    const QJsonValue modelsValue = root.value(QStringLiteral("models"));
    if (!modelsValue.isArray() || modelsValue.toArray().isEmpty())
        r.fail(QStringLiteral("$.models"), QStringLiteral("expected a non-empty array"));
    const QJsonArray models = modelsValue.toArray();
    for (qsizetype i = 0; i < models.size(); ++i) {
        const QString p = QStringLiteral("$.models[%1]").arg(i);
        if (!models[i].isObject()) {
            r.fail(p, QStringLiteral("expected an object"));
            break;
        }
        const QJsonObject o = models[i].toObject();
        CachedModelSpec m;
        m.name = o.value(QStringLiteral("name")).toString();
        if (m.name.isEmpty() || m.name.contains(QLatin1Char(',')))
            r.fail(p + QStringLiteral(".name"), QStringLiteral("expected a name without commas"));
        if (s.indexOf(m.name) >= 0)
            r.fail(p + QStringLiteral(".name"), QStringLiteral("\"%1\" twice").arg(m.name));
        m.kind = o.value(QStringLiteral("kind")).toString();
        m.sizeGb = r.number(o, p, "size_gb", 0, true, 1e-6, big);
        m.loadTimeS = r.number(o, p, "load_time_s", 0, true, 0, big);
        m.loadEnergyKj = r.number(o, p, "load_energy_kj", 0, true, 0, big);
        m.edgeLatencyS = r.number(o, p, "edge_latency_s", 0, true, 0, big);
        m.cloudLatencyS = r.number(o, p, "cloud_latency_s", 0, true, 0, big);
        m.cloudPriceUsd = r.number(o, p, "cloud_price_usd", 0, true, 0, big);
        m.requestKb = r.number(o, p, "request_kb", 0, false, 0, big);
        m.responseKb = r.number(o, p, "response_kb", 0, false, 0, big);
        m.accuracyZeroShot = r.number(o, p, "accuracy_zero_shot", 0, true, 0, 1);
        m.accuracyMax = r.number(o, p, "accuracy_max", 0, true, 0, 1);
        m.fewShotBeta = r.number(o, p, "few_shot_beta", 0, true, 0, big);
        m.contextWindow = r.number(o, p, "context_window", 0, true, 0, big);
        if (m.accuracyMax < m.accuracyZeroShot)
            r.fail(p + QStringLiteral(".accuracy_max"), QStringLiteral("below accuracy_zero_shot"));
        if (!r.error().isEmpty())
            break;
        s.models.push_back(m);
    }
    if (!r.error().isEmpty())
        return Result<CacheSystem>::failure(r.error());
    return s;
}

Result<CacheSystem> readCacheSystem(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<CacheSystem>::failure(
            QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    if (f.size() > 16 * 1024 * 1024)
        return Result<CacheSystem>::failure(QStringLiteral("%1: larger than 16 MiB").arg(path));
    return parseCacheSystem(f.readAll(), path);
}

Result<CacheSystem> defaultCacheSystem()
{
    return readCacheSystem(QStringLiteral(":/caching/models.json"));
}

} // namespace edgegpt::cache
