#include "core/planner/PlannerLexicon.h"

#include "core/util/JsonReader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace edgegpt {

namespace {

QRegularExpression compile(JsonReader &r, const QString &path, const QString &pattern)
{
    QRegularExpression re(pattern);
    if (!re.isValid())
        r.error(path, QStringLiteral("invalid regular expression at offset %1: %2")
                          .arg(re.patternErrorOffset())
                          .arg(re.errorString()));
    re.optimize(); // JIT now: the planner must answer in well under a millisecond
    return re;
}

} // namespace

Result<PlannerLexicon> PlannerLexicon::fromJson(const QByteArray &json, const QString &fileName)
{
    JsonReader r(fileName);
    QJsonValue rootValue;
    if (!r.parse(json, &rootValue))
        return Result<PlannerLexicon>::failure(r.joinedErrors());
    const QString top = QStringLiteral("$");
    const QJsonObject root = r.object(rootValue, top);
    PlannerLexicon lex;
    lex.threshold = r.number(root, top, QStringLiteral("threshold"));

    const QJsonArray tasks = r.array(root, top, QStringLiteral("tasks"));
    for (qsizetype i = 0; i < tasks.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.tasks"), i);
        const QJsonObject o = r.object(tasks.at(i), path);
        TaskCues tc;
        tc.task = r.string(o, path, QStringLiteral("task"));
        const QJsonArray cues = r.array(o, path, QStringLiteral("cues"));
        for (qsizetype c = 0; c < cues.size(); ++c) {
            const QString cpath =
                JsonReader::index(JsonReader::child(path, QStringLiteral("cues")), c);
            const QJsonObject co = r.object(cues.at(c), cpath);
            TaskCue cue;
            cue.pattern = compile(r, JsonReader::child(cpath, QStringLiteral("re")),
                                  r.string(co, cpath, QStringLiteral("re")));
            cue.weight = r.number(co, cpath, QStringLiteral("w"));
            cue.requiresMedium = r.string(co, cpath, QStringLiteral("media"), false);
            cue.forbidsMedium = r.string(co, cpath, QStringLiteral("nomedia"), false);
            cue.forbidsFile = r.string(co, cpath, QStringLiteral("nofile"), false);
            const QString notre = r.string(co, cpath, QStringLiteral("notre"), false);
            if (!notre.isEmpty())
                cue.cancelInSentence =
                    compile(r, JsonReader::child(cpath, QStringLiteral("notre")), notre);
            cue.withTask = r.string(co, cpath, QStringLiteral("with"), false);
            cue.namesResult = r.boolean(co, cpath, QStringLiteral("result"), false);
            tc.dependsOnOthers = tc.dependsOnOthers || !cue.withTask.isEmpty();
            tc.cues << cue;
        }
        tc.keywords = r.stringList(o, path, QStringLiteral("keywords"), false);
        lex.tasks << tc;
    }
    // Tasks whose cues depend on other detections are evaluated last (stable otherwise).
    std::stable_sort(lex.tasks.begin(), lex.tasks.end(), [](const TaskCues &a, const TaskCues &b) {
        return !a.dependsOnOthers && b.dependsOnOthers;
    });

    const QJsonArray exclusions = r.array(root, top, QStringLiteral("exclusions"));
    for (qsizetype i = 0; i < exclusions.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.exclusions"), i);
        const QJsonObject o = r.object(exclusions.at(i), path);
        lex.exclusions << Exclusion{r.string(o, path, QStringLiteral("if")),
                                    r.string(o, path, QStringLiteral("drop")),
                                    r.number(o, path, QStringLiteral("below"), false, 1e9),
                                    r.string(o, path, QStringLiteral("single_file"), false)};
    }
    // Object keys come back sorted from QJsonObject; the order of these rules does not matter
    // because each only adds a missing producer.
    const QJsonObject required =
        r.object(root.value(QStringLiteral("requires")), QStringLiteral("$.requires"));
    for (auto it = required.begin(); it != required.end(); ++it)
        lex.requiredSources << qMakePair(it.key(), it.value().toString());
    lex.lateGenerators = r.stringList(root, top, QStringLiteral("late_generators"));
    const QJsonObject prefer =
        r.object(root.value(QStringLiteral("prefer_source")), QStringLiteral("$.prefer_source"));
    for (auto it = prefer.begin(); it != prefer.end(); ++it)
        lex.preferSource.insert(it.key(),
                                r.stringList(prefer, QStringLiteral("$.prefer_source"), it.key()));
    lex.perSource = r.stringList(root, top, QStringLiteral("per_source"));
    lex.terminal = r.stringList(root, top, QStringLiteral("terminal"), false);
    lex.comparers = r.stringList(root, top, QStringLiteral("comparers"), false);
    // A result is named after a determiner and at most one free word ("the chatbot's reply",
    // "that short summary"); the lexicon gives the nouns, the code the determiners, so that a
    // pattern cannot match a bare noun that names the request's own input ("a summary of …",
    // "my transcript"). "After that answer '…'", "before that" and "so that" order or explain a
    // step; they name no result.
    const QJsonObject names =
        root.contains(QStringLiteral("result_names"))
            ? r.object(root.value(QStringLiteral("result_names")), QStringLiteral("$.result_names"))
            : QJsonObject();
    for (auto it = names.begin(); it != names.end(); ++it) {
        const QString path = JsonReader::child(QStringLiteral("$.result_names"), it.key());
        const QString noun = r.string(names, QStringLiteral("$.result_names"), it.key());
        lex.resultNames.insert(
            it.key(),
            compile(
                r, path,
                QStringLiteral(
                    R"((?<!after )(?<!before )(?<!so )\b(?:the|that|this|those|these|its|their|your)\s+)"
                    R"((?:(?:same|resulting|new|final|whole|full)\s+)?)"
                    R"((?:[\w'-]+\s+)?(?:%1)\b)")
                    .arg(noun)));
    }

    const QJsonArray rules = r.array(root, top, QStringLiteral("model_rules"));
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.model_rules"), i);
        const QJsonObject o = r.object(rules.at(i), path);
        lex.modelRules << ModelRule{r.string(o, path, QStringLiteral("task")),
                                    r.string(o, path, QStringLiteral("source")),
                                    r.string(o, path, QStringLiteral("model"))};
    }
    const QJsonArray devices = r.array(root, top, QStringLiteral("devices"));
    for (qsizetype i = 0; i < devices.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.devices"), i);
        const QJsonObject o = r.object(devices.at(i), path);
        lex.devices << DeviceCue{compile(r, JsonReader::child(path, QStringLiteral("re")),
                                         r.string(o, path, QStringLiteral("re"))),
                                 r.string(o, path, QStringLiteral("device"))};
    }
    lex.defaultDevice = r.string(root, top, QStringLiteral("default_device"));
    if (r.hasErrors())
        return Result<PlannerLexicon>::failure(r.joinedErrors());
    return lex;
}

Result<PlannerLexicon> PlannerLexicon::load(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<PlannerLexicon>::failure(
            QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    return fromJson(f.read(8 * 1024 * 1024), path);
}

const PlannerLexicon &PlannerLexicon::builtin()
{
    static const PlannerLexicon lexicon = [] {
        Result<PlannerLexicon> l = load(QStringLiteral(":/planner/lexicon.json"));
        if (!l) {
            std::fprintf(stderr, "edgegpt: the built-in planner lexicon is broken:\n%s\n",
                         qPrintable(l.error()));
            std::abort();
        }
        return std::move(l).value();
    }();
    return lexicon;
}

} // namespace edgegpt
