#include "core/planner/PlanAnswerParser.h"

#include "core/plan/PlanFormat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace edgegpt {

namespace {

QString squash(const QString &s)
{
    QString out;
    for (QChar c : s)
        if (c.isLetterOrNumber())
            out += c.toLower();
    return out;
}

// Canonical task id for a name as an LLM may write it: "Image Captioning", "image-to-text".
QString canonicalTask(const QString &name, const Catalog &catalog)
{
    if (const TaskKind *k = catalog.task(name))
        return k->id;
    const QString want = squash(name);
    for (const TaskKind &k : catalog.tasks()) {
        if (squash(k.id) == want)
            return k.id;
        for (const QString &a : k.aliases)
            if (squash(a) == want)
                return k.id;
    }
    return name;
}

void normaliseNames(Plan &plan, const Catalog &catalog)
{
    for (PlanTask &t : plan.tasks) {
        t.task = canonicalTask(t.task, catalog);
        if (t.model.compare(QLatin1String("NA"), Qt::CaseInsensitive) == 0 ||
            t.model.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
            t.model.clear();
        if (const AiModel *m = t.model.isEmpty() ? nullptr : catalog.model(t.model))
            t.model = m->name;
        if (const Device *d = catalog.device(t.device))
            t.device = d->name;
    }
}

QString taskIdFor(const QJsonValue &v)
{
    const QString s = v.isDouble() ? QString::number(v.toInt()) : v.toString();
    return s.startsWith(QLatin1Char('t')) ? s : QStringLiteral("t") + s;
}

// HuggingGPT: [{"task":"image-to-text","id":0,"dep":[-1],"args":{"image":"a.jpg"}, "model",
// "device"}]
Result<Plan> fromTaskList(const QJsonArray &list, const Catalog &catalog)
{
    static const QRegularExpression generated(QStringLiteral(R"(<GENERATED>-(\d+))"));
    Plan plan;
    QStringList errors;
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (!list.at(i).isObject()) {
            errors << QStringLiteral("$[%1]: expected a task object").arg(i);
            continue;
        }
        const QJsonObject o = list.at(i).toObject();
        PlanTask t;
        t.id = o.contains(QStringLiteral("id")) ? taskIdFor(o.value(QStringLiteral("id")))
                                                : QStringLiteral("t%1").arg(i);
        t.task = canonicalTask(o.value(QStringLiteral("task")).toString(), catalog);
        if (t.task.isEmpty())
            errors << QStringLiteral("$[%1].task: missing").arg(i);
        t.model = o.value(QStringLiteral("model")).toString();
        t.device = o.value(QStringLiteral("device")).toString();
        const QJsonObject args = o.value(QStringLiteral("args")).toObject();
        QStringList deps;
        for (const QJsonValue &d : o.value(QStringLiteral("dep")).toArray())
            if (!(d.isDouble() && d.toInt() < 0) && d.toString() != QLatin1String("-1"))
                deps << taskIdFor(d);
        const TaskKind *kind = catalog.task(t.task);
        const QStringList types = kind ? kind->inputTypes : QStringList(args.keys());
        QSet<QString> usedKeys;
        for (const QString &type : types) {
            TaskArg arg{type, QString(), QString()};
            // The argument of that type, else the first unused one.
            QString key = args.contains(type) && !usedKeys.contains(type) ? type : QString();
            for (auto it = args.begin(); key.isEmpty() && it != args.end(); ++it)
                if (!usedKeys.contains(it.key()) && !types.contains(it.key()))
                    key = it.key();
            if (!key.isEmpty()) {
                usedKeys.insert(key);
                const QString value = args.value(key).toVariant().toString();
                const QRegularExpressionMatch m = generated.match(value);
                if (m.hasMatch())
                    arg.sourceTask = QStringLiteral("t") + m.captured(1);
                else
                    arg.value = value;
            }
            t.args << arg;
        }
        // Dependencies not named in the args feed the first input they can.
        for (const QString &dep : deps) {
            bool used = false;
            for (const TaskArg &a : t.args)
                used = used || a.sourceTask == dep;
            for (TaskArg &a : t.args)
                if (!used && !a.isLink() && a.value.isEmpty()) {
                    a.sourceTask = dep;
                    used = true;
                }
            for (TaskArg &a : t.args)
                if (!used && !a.isLink()) {
                    a.value.clear();
                    a.sourceTask = dep;
                    used = true;
                }
        }
        plan.tasks << t;
    }
    if (!errors.isEmpty())
        return Result<Plan>::failure(errors.join(QStringLiteral("; ")));
    if (plan.tasks.isEmpty())
        return Result<Plan>::failure(QStringLiteral("the task list is empty"));
    return plan;
}

} // namespace

QString extractJson(const QString &answer)
{
    static const QRegularExpression fence(QStringLiteral(R"(```[a-zA-Z]*\s*\n?(.*?)```)"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = fence.match(answer);
    if (m.hasMatch()) {
        const QString inside = m.captured(1).trimmed();
        if (inside.startsWith(QLatin1Char('{')) || inside.startsWith(QLatin1Char('[')))
            return inside;
    }
    const qsizetype brace = answer.indexOf(QLatin1Char('{'));
    const qsizetype bracket = answer.indexOf(QLatin1Char('['));
    qsizetype start = -1;
    if (brace >= 0 && (bracket < 0 || brace < bracket))
        start = brace;
    else
        start = bracket;
    if (start < 0)
        return {};
    const QChar close = answer.at(start) == QLatin1Char('{') ? QLatin1Char('}') : QLatin1Char(']');
    const qsizetype end = answer.lastIndexOf(close);
    if (end <= start)
        return {};
    return answer.mid(start, end - start + 1);
}

Result<Plan> parsePlanAnswer(const QString &answer, const Catalog &catalog)
{
    const QString json = extractJson(answer);
    QString jsonError;
    if (!json.isEmpty()) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
        if (err.error == QJsonParseError::NoError) {
            Result<Plan> plan = Result<Plan>::failure(QString());
            if (doc.isObject() && doc.object().contains(QStringLiteral("tasks")) &&
                doc.object().value(QStringLiteral("tasks")).isArray()) {
                // The plan format; a bare {"tasks":[…HuggingGPT…]} is also common.
                plan = planFromJsonObject(doc.object());
                if (!plan)
                    plan = fromTaskList(doc.object().value(QStringLiteral("tasks")).toArray(),
                                        catalog);
            } else if (doc.isArray()) {
                plan = fromTaskList(doc.array(), catalog);
            } else {
                plan = Result<Plan>::failure(QStringLiteral("a JSON object without \"tasks\""));
            }
            if (plan) {
                normaliseNames(*plan, catalog);
                return plan;
            }
            jsonError = plan.error();
        } else {
            jsonError = QStringLiteral("invalid JSON at byte %1: %2")
                            .arg(err.offset)
                            .arg(err.errorString());
        }
    }
    Result<Plan> text = planFromText(answer, catalog, false);
    if (text) {
        normaliseNames(*text, catalog);
        return text;
    }
    QString shown = answer.simplified().left(80);
    if (answer.simplified().size() > 80)
        shown += QStringLiteral("…");
    return Result<Plan>::failure(
        QStringLiteral("the answer is not a plan (%1): \"%2\"")
            .arg(jsonError.isEmpty() ? QStringLiteral("no JSON and no task lines") : jsonError,
                 shown));
}

} // namespace edgegpt
