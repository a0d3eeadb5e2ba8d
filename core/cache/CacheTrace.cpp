#include "CacheTrace.h"
#include "VectorState.h"

#include <QFile>
#include <QHash>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace edgegpt::cache {

namespace {
std::uint64_t splitmix(std::uint64_t &x)
{
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}
} // namespace

CacheRng::CacheRng(std::uint64_t seed)
{
    for (std::uint64_t &s : m_s)
        s = splitmix(seed);
}

std::uint64_t CacheRng::next()
{
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double CacheRng::uniform()
{
    return double(next() >> 11) * 0x1.0p-53;
}

int CacheRng::below(int n)
{
    return int(uniform() * n);
}

std::vector<CacheRequest> generateTrace(const TraceParams &p, int modelCount)
{
    clearUpperVectorState(); // VectorState.h

    std::vector<CacheRequest> trace;
    if (modelCount <= 0 || p.requests <= 0)
        return trace;
    trace.reserve(size_t(p.requests));
    CacheRng rng(p.seed);
    // rankToModel[r]: the model of popularity rank r.
    std::vector<int> rankToModel(static_cast<size_t>(modelCount));
    std::iota(rankToModel.begin(), rankToModel.end(), 0);
    for (int i = modelCount - 1; i > 0; --i)
        std::swap(rankToModel[size_t(i)], rankToModel[size_t(rng.below(i + 1))]);
    std::vector<double> cdf(static_cast<size_t>(modelCount));
    double sum = 0;
    for (int r = 0; r < modelCount; ++r)
        cdf[size_t(r)] = (sum += 1.0 / std::pow(r + 1.0, p.zipfS));
    for (double &c : cdf)
        c /= sum;
    const int topics = std::max(1, p.topics);
    std::vector<int> dominant(static_cast<size_t>(modelCount));
    for (int &d : dominant)
        d = rng.below(topics);

    double time = 0;
    double nextDrift = p.driftEveryS > 0 ? p.driftEveryS : INFINITY;
    for (std::int64_t i = 0; i < p.requests; ++i) {
        time += -std::log(1.0 - rng.uniform()) / p.ratePerS;
        while (time >= nextDrift) {
            if (modelCount > 1) {
                // One model moves to another rank (a service trends or fades); the others
                // keep their order.
                const int from = rng.below(modelCount);
                const int to = rng.below(modelCount);
                const int m = rankToModel[size_t(from)];
                rankToModel.erase(rankToModel.begin() + from);
                rankToModel.insert(rankToModel.begin() + to, m);
            }
            dominant[size_t(rng.below(modelCount))] = rng.below(topics);
            nextDrift += p.driftEveryS;
        }
        const double u = rng.uniform();
        const int rank = int(std::upper_bound(cdf.begin(), cdf.end() - 1, u) - cdf.begin());
        CacheRequest q;
        q.time = time;
        q.model = rankToModel[size_t(rank)];
        q.topic =
            rng.uniform() < p.dominantTopicShare ? dominant[size_t(q.model)] : rng.below(topics);
        trace.push_back(q);
    }
    return trace;
}

namespace {

// Splits one CSV line: commas, double-quoted fields with "" for a quote.
bool splitCsv(const QString &line, QStringList *fields)
{
    fields->clear();
    QString cur;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                    cur += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            *fields << cur;
            cur.clear();
        } else {
            cur += c;
        }
    }
    *fields << cur;
    return !quoted;
}

} // namespace

Result<std::vector<CacheRequest>> readTraceCsv(const QString &path, const CacheSystem &system)
{
    using R = Result<std::vector<CacheRequest>>;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    const auto problem = [&](qint64 line, const QString &what) {
        return R::failure(QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what));
    };
    std::vector<CacheRequest> trace;
    QHash<QString, int> topicIds;
    int timeCol = -1, modelCol = -1, promptCol = -1;
    qint64 lineNo = 0;
    double lastTime = -INFINITY;
    QStringList fields;
    while (!f.atEnd()) {
        QByteArray raw = f.readLine(1 << 20);
        ++lineNo;
        if (!raw.endsWith('\n') && !f.atEnd())
            return problem(lineNo, QStringLiteral("line longer than 1 MiB"));
        while (raw.endsWith('\n') || raw.endsWith('\r'))
            raw.chop(1);
        const QString line = QString::fromUtf8(raw);
        if (line.trimmed().isEmpty())
            continue;
        if (!splitCsv(line, &fields))
            return problem(lineNo, QStringLiteral("unterminated quote"));
        if (timeCol < 0) {
            for (qsizetype i = 0; i < fields.size(); ++i) {
                const QString h = fields[i].trimmed().toLower();
                if (h == QLatin1String("time"))
                    timeCol = int(i);
                else if (h == QLatin1String("model"))
                    modelCol = int(i);
                else if (h == QLatin1String("prompt"))
                    promptCol = int(i);
            }
            if (timeCol < 0 || modelCol < 0)
                return problem(lineNo,
                               QStringLiteral("the header must name the columns time and model"));
            continue;
        }
        if (fields.size() <= std::max(timeCol, modelCol))
            return problem(lineNo, QStringLiteral("expected at least %1 columns, found %2")
                                       .arg(std::max(timeCol, modelCol) + 1)
                                       .arg(fields.size()));
        bool ok = false;
        const QString timeText = fields[timeCol].trimmed();
        const double time = timeText.toDouble(&ok);
        if (!ok || !std::isfinite(time) || time < 0)
            return problem(lineNo, QStringLiteral("time \"%1\" is not a number of seconds >= 0")
                                       .arg(timeText.left(40)));
        if (time < lastTime)
            return problem(
                lineNo,
                QStringLiteral("time %1 goes backwards (previous %2)").arg(timeText).arg(lastTime));
        lastTime = time;
        const QString name = fields[modelCol].trimmed();
        const int model = system.indexOf(name);
        if (model < 0)
            return problem(lineNo, QStringLiteral("unknown model \"%1\"").arg(name.left(80)));
        int topic = 0;
        if (promptCol >= 0 && promptCol < fields.size()) {
            const QString word =
                fields[promptCol].trimmed().section(QLatin1Char(' '), 0, 0).toCaseFolded();
            if (!word.isEmpty()) {
                auto it = topicIds.find(word);
                if (it == topicIds.end())
                    it = topicIds.insert(word, int(topicIds.size()) + 1);
                topic = it.value();
            }
        }
        trace.push_back({time, model, topic});
    }
    if (timeCol < 0)
        return problem(std::max<qint64>(lineNo, 1),
                       QStringLiteral("no header (time,model[,prompt])"));
    if (trace.empty())
        return problem(lineNo, QStringLiteral("no requests after the header"));
    return trace;
}

} // namespace edgegpt::cache
