#include "core/plan/PlanFormat.h"

#include "core/util/JsonReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace edgegpt {

QJsonObject planToJsonObject(const Plan &plan)
{
    QJsonArray tasks;
    for (const PlanTask &t : plan.tasks) {
        QJsonArray args;
        for (const TaskArg &a : t.args) {
            QJsonObject o{{QStringLiteral("type"), a.type}};
            if (a.isLink())
                o.insert(QStringLiteral("from"), a.sourceTask);
            else
                o.insert(QStringLiteral("value"), a.value);
            args.append(o);
        }
        QJsonObject o{
            {QStringLiteral("id"), t.id},
            {QStringLiteral("task"), t.task},
            {QStringLiteral("model"), t.model.isEmpty() ? QJsonValue() : QJsonValue(t.model)},
            {QStringLiteral("device"), t.device},
            {QStringLiteral("args"), args}};
        if (!t.description.isEmpty())
            o.insert(QStringLiteral("description"), t.description);
        tasks.append(o);
    }
    QJsonObject root{{QStringLiteral("format"), QStringLiteral("edgegpt-plan")},
                     {QStringLiteral("version"), kPlanFormatVersion},
                     {QStringLiteral("request"), plan.request},
                     {QStringLiteral("tasks"), tasks}};
    const PlanProvenance &p = plan.provenance;
    if (!p.planner.isEmpty() || !p.notes.isEmpty()) {
        QJsonObject prov{{QStringLiteral("planner"), p.planner},
                         {QStringLiteral("latency_ms"), p.latencyMs},
                         {QStringLiteral("attempts"), p.attempts}};
        if (!p.llmModel.isEmpty())
            prov.insert(QStringLiteral("llm_model"), p.llmModel);
        if (p.promptTokens || p.completionTokens) {
            prov.insert(QStringLiteral("prompt_tokens"), p.promptTokens);
            prov.insert(QStringLiteral("completion_tokens"), p.completionTokens);
        }
        if (!p.notes.isEmpty())
            prov.insert(QStringLiteral("notes"), QJsonArray::fromStringList(p.notes));
        root.insert(QStringLiteral("provenance"), prov);
    }
    return root;
}

QJsonObject planToJsonObject(const Plan &plan, const Catalog &catalog,
                             const ModelBindings &bindings)
{
    QJsonObject root = planToJsonObject(plan);
    QJsonArray tasks = root.value(QStringLiteral("tasks")).toArray();
    for (qsizetype i = 0; i < tasks.size() && i < plan.tasks.size(); ++i) {
        const PlanTask &t = plan.tasks.at(i);
        if (t.model.isEmpty())
            continue; // a sensing step: no model to bind
        const ModelBinding *b = bindings.forModel(t.model, catalog);
        QJsonObject o = tasks.at(i).toObject();
        o.insert(QStringLiteral("binding"),
                 QJsonObject{{QStringLiteral("name"), b ? QJsonValue(b->name) : QJsonValue()},
                             {QStringLiteral("stand_in"),
                              b && !b->standIn.isEmpty() ? QJsonValue(b->standIn) : QJsonValue()},
                             {QStringLiteral("runnable"), b != nullptr}});
        tasks[i] = o;
    }
    root.insert(QStringLiteral("tasks"), tasks);
    return root;
}

QByteArray planToJson(const Plan &plan, const Catalog &catalog, const ModelBindings &bindings,
                      bool indented)
{
    return QJsonDocument(planToJsonObject(plan, catalog, bindings))
        .toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact);
}

QByteArray planToJson(const Plan &plan, bool indented)
{
    return QJsonDocument(planToJsonObject(plan))
        .toJson(indented ? QJsonDocument::Indented : QJsonDocument::Compact);
}

Result<Plan> planFromJsonObject(const QJsonObject &root)
{
    JsonReader r(QString{});
    const QString top = QStringLiteral("$");
    Plan plan;
    const QString format = r.string(root, top, QStringLiteral("format"), false);
    if (!format.isEmpty() && format != QLatin1String("edgegpt-plan"))
        r.error(QStringLiteral("$.format"), QStringLiteral("expected \"edgegpt-plan\""));
    const double version =
        r.number(root, top, QStringLiteral("version"), false, kPlanFormatVersion);
    if (version != kPlanFormatVersion)
        r.error(QStringLiteral("$.version"),
                QStringLiteral("unsupported plan format version %1 (this program reads %2)")
                    .arg(version)
                    .arg(kPlanFormatVersion));
    plan.request = r.string(root, top, QStringLiteral("request"), false);
    const QJsonArray tasks = r.array(root, top, QStringLiteral("tasks"));
    for (qsizetype i = 0; i < tasks.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.tasks"), i);
        const QJsonObject o = r.object(tasks.at(i), path);
        PlanTask t;
        t.id = r.string(o, path, QStringLiteral("id"));
        t.task = r.string(o, path, QStringLiteral("task"));
        t.model = r.string(o, path, QStringLiteral("model"), false);
        if (t.model.compare(QLatin1String("NA"), Qt::CaseInsensitive) == 0)
            t.model.clear();
        t.device = r.string(o, path, QStringLiteral("device"));
        t.description = r.string(o, path, QStringLiteral("description"), false);
        const QJsonArray args = r.array(o, path, QStringLiteral("args"), false);
        for (qsizetype a = 0; a < args.size(); ++a) {
            const QString apath =
                JsonReader::index(JsonReader::child(path, QStringLiteral("args")), a);
            const QJsonObject ao = r.object(args.at(a), apath);
            TaskArg arg;
            arg.type = r.string(ao, apath, QStringLiteral("type"));
            arg.sourceTask = r.string(ao, apath, QStringLiteral("from"), false);
            arg.value = r.string(ao, apath, QStringLiteral("value"), false);
            if (arg.isLink() && ao.contains(QStringLiteral("value")))
                r.error(apath,
                        QStringLiteral("an input has either \"from\" or \"value\", not both"));
            t.args << arg;
        }
        plan.tasks << t;
    }
    if (root.contains(QStringLiteral("provenance"))) {
        const QString path = QStringLiteral("$.provenance");
        const QJsonObject p = r.object(root.value(QStringLiteral("provenance")), path);
        plan.provenance.planner = r.string(p, path, QStringLiteral("planner"), false);
        plan.provenance.llmModel = r.string(p, path, QStringLiteral("llm_model"), false);
        plan.provenance.latencyMs = r.number(p, path, QStringLiteral("latency_ms"), false);
        plan.provenance.attempts = int(r.number(p, path, QStringLiteral("attempts"), false));
        plan.provenance.promptTokens =
            int(r.number(p, path, QStringLiteral("prompt_tokens"), false));
        plan.provenance.completionTokens =
            int(r.number(p, path, QStringLiteral("completion_tokens"), false));
        plan.provenance.notes = r.stringList(p, path, QStringLiteral("notes"), false);
    }
    if (r.hasErrors())
        return Result<Plan>::failure(r.joinedErrors());
    return plan;
}

Result<Plan> planFromJson(const QByteArray &json)
{
    JsonReader r(QString{});
    QJsonValue root;
    if (!r.parse(json, &root))
        return Result<Plan>::failure(r.joinedErrors());
    if (!root.isObject())
        return Result<Plan>::failure(QStringLiteral("$: expected a plan object"));
    return planFromJsonObject(root.toObject());
}

// ---- the paper's text format ------------------------------------------------------------------

namespace {

QString taskPhrase(const PlanTask &t, const Catalog &catalog)
{
    if (!t.description.isEmpty())
        return t.description;
    const TaskKind *k = catalog.task(t.task);
    return k && !k->phrase.isEmpty() ? k->phrase : t.task;
}

QStringList words(const QString &s)
{
    static const QRegularExpression split(QStringLiteral("[^a-z0-9]+"));
    static const QStringList stop = {
        QStringLiteral("the"),  QStringLiteral("a"),   QStringLiteral("an"), QStringLiteral("of"),
        QStringLiteral("from"), QStringLiteral("to"),  QStringLiteral("in"), QStringLiteral("and"),
        QStringLiteral("task"), QStringLiteral("with")};
    QStringList out;
    for (const QString &w : s.toLower().split(split, Qt::SkipEmptyParts))
        if (!stop.contains(w))
            out << (w.endsWith(QLatin1Char('s')) && w.size() > 3 ? w.chopped(1) : w);
    return out;
}

// Best task kind for a free-text description: exact name/phrase/alias first, then word overlap.
const TaskKind *resolveTask(const QString &description, const Catalog &catalog)
{
    if (const TaskKind *k = catalog.task(description))
        return k;
    const QStringList want = words(description);
    const TaskKind *best = nullptr;
    double bestScore = 0;
    for (const TaskKind &k : catalog.tasks()) {
        QStringList names{k.id, k.phrase};
        names << k.aliases;
        for (const QString &n : names) {
            const QStringList have = words(n);
            if (have.isEmpty())
                continue;
            int common = 0;
            for (const QString &w : have)
                common += want.contains(w) ? 1 : 0;
            const double score = double(common) / have.size();
            if (common > 0 && score > bestScore) {
                bestScore = score;
                best = &k;
            }
        }
    }
    return bestScore >= 0.5 ? best : nullptr;
}

} // namespace

QString bindingMark(const QString &model, const Catalog &catalog, const ModelBindings &bindings)
{
    if (model.isEmpty())
        return {};
    const ModelBinding *b = bindings.forModel(model, catalog);
    if (!b)
        return QStringLiteral(" (not runnable here)");
    if (!b->standIn.isEmpty())
        return QStringLiteral(" (stand-in: %1)").arg(b->standIn);
    return {};
}

namespace {

QString writeText(const Plan &plan, const Catalog &catalog, const ModelBindings *bindings)
{
    // Once a plan has links, every line says where its inputs come from ("request" for none), so
    // that the reader does not infer links the plan does not have.
    const bool explicitInputs = !plan.links().isEmpty();
    QStringList lines;
    for (int i = 0; i < plan.tasks.size(); ++i) {
        const PlanTask &t = plan.tasks.at(i);
        QString model = t.model.isEmpty() ? QStringLiteral("NA") : t.model;
        if (bindings)
            model += bindingMark(t.model, catalog, *bindings);
        QString line = QStringLiteral("{Task %1: %2, {AI model: %3}, {Edge device: %4}")
                           .arg(i + 1)
                           .arg(taskPhrase(t, catalog), model, t.device);
        QStringList inputs;
        for (const TaskArg &a : t.args)
            if (a.isLink()) {
                const int src = plan.indexOf(a.sourceTask);
                inputs << (src >= 0 ? QStringLiteral("Task %1").arg(src + 1) : a.sourceTask);
            }
        if (!inputs.isEmpty())
            line += QStringLiteral(", {Inputs: %1}").arg(inputs.join(QStringLiteral(", ")));
        else if (explicitInputs && !t.args.isEmpty())
            line += QStringLiteral(", {Inputs: request}");
        lines << line + QLatin1Char('}');
    }
    if (bindings)
        for (const QString &note : plan.provenance.notes)
            lines << QStringLiteral("# ") +
                         QString(note).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QString planToText(const Plan &plan, const Catalog &catalog)
{
    return writeText(plan, catalog, nullptr);
}

QString planToText(const Plan &plan, const Catalog &catalog, const ModelBindings &bindings)
{
    return writeText(plan, catalog, &bindings);
}

Result<Plan> planFromText(const QString &text, const Catalog &catalog, bool strict)
{
    static const QRegularExpression lineRe(
        QStringLiteral(
            R"(^\s*\{\s*Task\s*(\d+)\s*:\s*(.*?)\s*,\s*\{\s*AI\s*model\s*:\s*(.*?)\s*\}\s*,)"
            R"(\s*\{\s*(?:Edge\s*)?device\s*:\s*(.*?)\s*\}\s*)"
            R"((?:,\s*\{\s*Inputs?\s*:\s*(.*?)\s*\}\s*)?\}\s*[,.;]?\s*$)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression taskRef(QStringLiteral(R"(Task\s*(\d+))"),
                                            QRegularExpression::CaseInsensitiveOption);
    Plan plan;
    QStringList errors;
    QList<QList<int>> inputRefs; // per task: referenced task numbers, as written
    QList<bool> inputsStated;    // per task: the line has an {Inputs: …} part
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int ln = 0; ln < lines.size(); ++ln) {
        const QString line = lines.at(ln).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue; // "#" lines: the writer's notes
        const QRegularExpressionMatch m = lineRe.match(line);
        if (!m.hasMatch()) {
            if (strict)
                errors << QStringLiteral("line %1: not a task line: %2")
                              .arg(ln + 1)
                              .arg(line.left(120));
            continue;
        }
        const int number = m.captured(1).toInt();
        PlanTask t;
        t.id = QStringLiteral("t%1").arg(number);
        t.description = m.captured(2);
        static const QRegularExpression mark(
            QStringLiteral(R"(\s*\((stand-in:[^()]*|not runnable here)\)\s*$)"),
            QRegularExpression::CaseInsensitiveOption);
        QString modelName = m.captured(3);
        modelName.remove(mark); // what runs here is not part of the plan
        if (modelName.compare(QLatin1String("NA"), Qt::CaseInsensitive) == 0 ||
            modelName.compare(QLatin1String("N/A"), Qt::CaseInsensitive) == 0 ||
            modelName.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0)
            modelName.clear();
        const QString deviceName = m.captured(4);
        const Device *device = catalog.device(deviceName);
        t.device = device ? device->name : deviceName;

        const AiModel *model = modelName.isEmpty() ? nullptr : catalog.model(modelName);
        const TaskKind *kind = resolveTask(t.description, catalog);
        if (!model && !modelName.isEmpty()) {
            // The paper writes a task where a model goes ("{AI model: Mood classification}"):
            // take that task's first model that can run on the device.
            if (const TaskKind *named = catalog.task(modelName)) {
                kind = kind ? kind : named;
                for (const AiModel *candidate : catalog.modelsForTask(named->id))
                    if (!model && (!device || catalog.canRun(*candidate, *device)))
                        model = candidate;
            }
        }
        if (model && (!kind || catalog.task(model->task) != kind) && !kind)
            kind = catalog.task(model->task);
        if (model && kind && catalog.task(model->task) != kind)
            kind = catalog.task(model->task); // the model is the more specific statement
        t.model = model ? model->name : modelName;
        if (kind) {
            t.task = kind->id;
            if (t.description.compare(kind->phrase, Qt::CaseInsensitive) == 0 ||
                t.description.compare(kind->id, Qt::CaseInsensitive) == 0)
                t.description.clear();
            for (const QString &type : kind->inputTypes)
                t.args << TaskArg{type, QString(), QString()};
        } else {
            t.task = t.description;
            errors << QStringLiteral("line %1: no task kind matches \"%2\"")
                          .arg(ln + 1)
                          .arg(t.description);
        }
        QList<int> refs;
        if (!m.captured(5).isEmpty()) {
            auto it = taskRef.globalMatch(m.captured(5));
            while (it.hasNext())
                refs << it.next().captured(1).toInt();
        }
        inputRefs << refs;
        inputsStated << !m.captured(5).isEmpty();
        plan.tasks << t;
    }
    if (plan.tasks.isEmpty())
        errors << QStringLiteral(
            "no task lines of the form {Task 1: …, {AI model: …}, {Edge device: …}}");
    if (!errors.isEmpty())
        return Result<Plan>::failure(errors.join(QLatin1Char('\n')));

    // Bind explicit inputs to the first open input of a matching type (else the first open one).
    for (int i = 0; i < plan.tasks.size(); ++i) {
        PlanTask &t = plan.tasks[i];
        for (int ref : inputRefs.at(i)) {
            const QString srcId = QStringLiteral("t%1").arg(ref);
            const PlanTask *src = plan.find(srcId);
            const TaskKind *srcKind = src ? catalog.task(src->task) : nullptr;
            int slot = -1;
            for (int a = 0; a < t.args.size() && slot < 0; ++a)
                if (!t.args.at(a).isLink() && srcKind &&
                    srcKind->outputTypes.contains(t.args.at(a).type))
                    slot = a;
            for (int a = 0; a < t.args.size() && slot < 0; ++a)
                if (!t.args.at(a).isLink())
                    slot = a;
            if (slot < 0)
                t.args << TaskArg{QString(), QString(), srcId}; // validation reports the count
            else
                t.args[slot].sourceTask = srcId;
        }
    }
    // Lines without {Inputs: …}: infer from types, as the paper's chains read.
    for (int i = 0; i < plan.tasks.size(); ++i)
        if (!inputsStated.at(i)) {
            Plan prefix = plan;
            prefix.tasks = plan.tasks.mid(0, i + 1);
            inferMissingLinks(prefix, catalog);
            plan.tasks[i] = prefix.tasks.at(i);
        }
    return plan;
}

void inferMissingLinks(Plan &plan, const Catalog &catalog)
{
    for (int i = 0; i < plan.tasks.size(); ++i) {
        PlanTask &t = plan.tasks[i];
        for (TaskArg &a : t.args) {
            if (a.isLink() || !a.value.isEmpty())
                continue;
            for (int j = i - 1; j >= 0; --j) {
                const TaskKind *k = catalog.task(plan.tasks.at(j).task);
                if (k && k->outputTypes.contains(a.type)) {
                    a.sourceTask = plan.tasks.at(j).id;
                    break;
                }
            }
        }
    }
}

} // namespace edgegpt
