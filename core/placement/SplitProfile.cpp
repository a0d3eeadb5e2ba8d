// SplitProfile: see SplitProfile.h.
#include "core/placement/SplitProfile.h"

#include "core/util/JsonReader.h"

#include <QFile>

namespace edgegpt {

namespace {
constexpr qint64 kMaxProfileBytes = 16 * 1024 * 1024;
}

Result<SplitProfile> SplitProfile::fromJson(const QByteArray &bytes, const QString &fileName)
{
    JsonReader r(fileName);
    QJsonValue root;
    if (!r.parse(bytes, &root))
        return Result<SplitProfile>::failure(r.joinedErrors());
    const QJsonObject o = r.object(root, QStringLiteral("$"));
    if (!r.hasErrors() &&
        o.value(QStringLiteral("format")).toString() != QLatin1String("edgegpt-profile"))
        r.error(QStringLiteral("$.format"), QStringLiteral("expected \"edgegpt-profile\""));
    SplitProfile p;
    p.model = r.string(o, QStringLiteral("$"), QStringLiteral("model"));
    p.baselineAccuracy = r.number(o, QStringLiteral("$"), QStringLiteral("baseline_accuracy"));
    const QJsonArray splits = r.array(o, QStringLiteral("$"), QStringLiteral("splits"));
    for (int i = 0; i < splits.size(); ++i) {
        const QString path = QStringLiteral("$.splits[%1]").arg(i);
        const QJsonObject s = r.object(splits.at(i), path);
        SplitPointProfile sp;
        sp.name = r.string(s, path, QStringLiteral("name"));
        sp.index = int(r.number(s, path, QStringLiteral("index")));
        sp.headMs = r.number(s, path, QStringLiteral("head_ms"));
        sp.tailMs = r.number(s, path, QStringLiteral("tail_ms"));
        if (sp.headMs < 0 || sp.tailMs < 0)
            r.error(path, QStringLiteral("negative latency"));
        const QJsonArray codecs = r.array(s, path, QStringLiteral("codecs"), false);
        for (int k = 0; k < codecs.size(); ++k) {
            const QString cpath = QStringLiteral("%1.codecs[%2]").arg(path).arg(k);
            const QJsonObject c = r.object(codecs.at(k), cpath);
            CodecProfile cp;
            cp.codec = r.string(c, cpath, QStringLiteral("codec"));
            cp.bytes = r.number(c, cpath, QStringLiteral("bytes"));
            cp.accuracy = r.number(c, cpath, QStringLiteral("accuracy"));
            cp.encodeMs = r.number(c, cpath, QStringLiteral("encode_us"), false) / 1000.0;
            cp.decodeMs = r.number(c, cpath, QStringLiteral("decode_us"), false) / 1000.0;
            if (cp.bytes < 0 || cp.accuracy < 0 || cp.accuracy > 1)
                r.error(cpath, QStringLiteral("bytes must be >= 0 and accuracy in [0, 1]"));
            sp.codecs << cp;
        }
        p.splits << sp;
    }
    if (!r.hasErrors() && p.splits.size() < 2)
        r.error(QStringLiteral("$.splits"),
                QStringLiteral("a profile needs at least the input and the last split"));
    if (r.hasErrors())
        return Result<SplitProfile>::failure(r.errors().join(QStringLiteral("; ")));
    return p;
}

Result<SplitProfile> SplitProfile::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<SplitProfile>::failure(
            QStringLiteral(
                "cannot read the profile %1 (run `edgegpt bench coinference` to make it)")
                .arg(path));
    if (f.size() > kMaxProfileBytes)
        return Result<SplitProfile>::failure(
            QStringLiteral("%1 is too large for a profile").arg(path));
    return fromJson(f.readAll(), path);
}

const SplitPointProfile *SplitProfile::split(const QString &name) const
{
    for (const SplitPointProfile &s : splits)
        if (s.name == name)
            return &s;
    return nullptr;
}

QStringList SplitProfile::inputCodecNames() const
{
    QStringList names;
    if (const SplitPointProfile *input = split(QStringLiteral("input")))
        for (const CodecProfile &c : input->codecs)
            names << c.codec;
    return names;
}

int SplitProfile::setInputEncodeMs(const QHash<QString, double> &ms)
{
    int replaced = 0;
    for (SplitPointProfile &s : splits) {
        if (s.name != QLatin1String("input"))
            continue;
        for (CodecProfile &c : s.codecs)
            if (ms.contains(c.codec)) {
                c.encodeMs = ms.value(c.codec);
                ++replaced;
            }
    }
    return replaced;
}

} // namespace edgegpt
