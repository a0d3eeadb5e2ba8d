#include "core/planner/PlanningBenchmark.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace edgegpt {

Result<QList<LabelledRequest>> readLabelledRequests(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QList<LabelledRequest>>::failure(
            QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    if (f.size() > 64 * 1024 * 1024)
        return Result<QList<LabelledRequest>>::failure(
            QStringLiteral("%1: larger than 64 MiB").arg(path));
    QList<LabelledRequest> out;
    QStringList errors;
    int lineNo = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        ++lineNo;
        if (line.isEmpty())
            continue;
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject()) {
            errors << QStringLiteral("%1:%2: not a JSON object (%3)")
                          .arg(path)
                          .arg(lineNo)
                          .arg(err.errorString());
            continue;
        }
        const QJsonObject o = doc.object();
        LabelledRequest r;
        r.id = o.value(QStringLiteral("id")).toVariant().toString();
        r.type = o.value(QStringLiteral("type")).toString();
        r.instruction = o.value(QStringLiteral("instruction")).toString();
        for (const QJsonValue &n : o.value(QStringLiteral("nodes")).toArray())
            r.nodes << (n.isObject() ? n.toObject().value(QStringLiteral("task")).toString()
                                     : n.toString());
        bool badLink = false;
        for (const QJsonValue &l : o.value(QStringLiteral("links")).toArray()) {
            if (l.isArray() && l.toArray().size() == 2)
                r.links << qMakePair(l.toArray().at(0).toString(), l.toArray().at(1).toString());
            else if (l.isObject())
                r.links << qMakePair(l.toObject().value(QStringLiteral("source")).toString(),
                                     l.toObject().value(QStringLiteral("target")).toString());
            else
                badLink = true;
        }
        if (r.instruction.isEmpty() || !o.value(QStringLiteral("nodes")).isArray() || badLink) {
            errors << QStringLiteral("%1:%2: needs \"instruction\", \"nodes\" and \"links\" as "
                                     "[source, target] pairs")
                          .arg(path)
                          .arg(lineNo);
            continue;
        }
        out << r;
    }
    if (!errors.isEmpty())
        return Result<QList<LabelledRequest>>::failure(errors.join(QLatin1Char('\n')));
    if (out.isEmpty())
        return Result<QList<LabelledRequest>>::failure(
            QStringLiteral("%1: no labelled requests").arg(path));
    return out;
}

namespace {
double f1(int tp, int fp, int fn)
{
    return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
}
} // namespace

double PlanningScore::nodeF1() const
{
    return f1(nodeTp, nodeFp, nodeFn);
}
double PlanningScore::linkF1() const
{
    return f1(linkTp, linkFp, linkFn);
}
double PlanningScore::nodePrecision() const
{
    return nodeTp ? double(nodeTp) / (nodeTp + nodeFp) : 0;
}
double PlanningScore::nodeRecall() const
{
    return nodeTp ? double(nodeTp) / (nodeTp + nodeFn) : 0;
}
double PlanningScore::medianMs() const
{
    return percentile(latenciesMs, 50);
}
double PlanningScore::p95Ms() const
{
    return percentile(latenciesMs, 95);
}

void scorePlan(PlanningScore &score, const LabelledRequest &label, const Plan *plan,
               const QSet<QString> &vocabulary, double latencyMs)
{
    ++score.samples;
    score.latenciesMs << latencyMs;
    QSet<QString> goldNodes, predNodes;
    for (const QString &n : label.nodes)
        if (vocabulary.contains(n))
            goldNodes.insert(n);
    QSet<QPair<QString, QString>> goldLinks(label.links.cbegin(), label.links.cend()), predLinks;
    if (plan) {
        for (const PlanTask &t : plan->tasks)
            if (vocabulary.contains(t.task))
                predNodes.insert(t.task);
        for (const PlanLink &l : plan->links()) {
            const PlanTask *from = plan->find(l.from);
            const PlanTask *to = plan->find(l.to);
            if (from && to)
                predLinks.insert(qMakePair(from->task, to->task));
        }
    } else {
        ++score.failures;
    }
    const int nodeTp = int((goldNodes & predNodes).size());
    score.nodeTp += nodeTp;
    score.nodeFp += int(predNodes.size()) - nodeTp;
    score.nodeFn += int(goldNodes.size()) - nodeTp;
    const int linkTp = int((goldLinks & predLinks).size());
    score.linkTp += linkTp;
    score.linkFp += int(predLinks.size()) - linkTp;
    score.linkFn += int(goldLinks.size()) - linkTp;
    if (goldNodes == predNodes && goldLinks == predLinks)
        ++score.exact;
}

} // namespace edgegpt
