#include "core/planner/PlanningPrompt.h"

#include "core/util/JsonReader.h"

#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace edgegpt {

namespace {

// Content words only: function words ("my", "the", "and") would otherwise make every request
// look like whichever demonstration happens to share its grammar.
QStringList words(const QString &text)
{
    static const QRegularExpression split(QStringLiteral("[^a-z0-9]+"));
    static const QSet<QString> stop = {
        QStringLiteral("a"),    QStringLiteral("an"),     QStringLiteral("the"),
        QStringLiteral("my"),   QStringLiteral("me"),     QStringLiteral("i"),
        QStringLiteral("it"),   QStringLiteral("is"),     QStringLiteral("in"),
        QStringLiteral("of"),   QStringLiteral("to"),     QStringLiteral("and"),
        QStringLiteral("then"), QStringLiteral("this"),   QStringLiteral("that"),
        QStringLiteral("what"), QStringLiteral("s"),      QStringLiteral("for"),
        QStringLiteral("with"), QStringLiteral("please"), QStringLiteral("can"),
        QStringLiteral("you"),  QStringLiteral("could"),  QStringLiteral("have"),
        QStringLiteral("tell"), QStringLiteral("on"),     QStringLiteral("from"),
        QStringLiteral("how"),
    };
    QStringList out;
    for (const QString &w : text.toLower().split(split, Qt::SkipEmptyParts))
        if (!stop.contains(w))
            out << w;
    return out;
}

// What a demonstration is about: its request and the names of the tasks in its plan, so that
// "heart rate" finds the demonstration that monitors the heart rate even if it says "emotions".
QStringList demonstrationWords(const Demonstration &d)
{
    QStringList out = words(d.request);
    for (const QJsonValue &task : d.plan.value(QStringLiteral("tasks")).toArray())
        out << words(task.toObject().value(QStringLiteral("task")).toString());
    return out;
}

// At most this many models per task in the prompt: the catalog's best known, then the lightest.
constexpr int kModelsPerTask = 3;

} // namespace

Result<DemonstrationLibrary> DemonstrationLibrary::fromJson(const QByteArray &json,
                                                            const QString &fileName)
{
    JsonReader r(fileName);
    QJsonValue root;
    if (!r.parse(json, &root))
        return Result<DemonstrationLibrary>::failure(r.joinedErrors());
    const QJsonObject top = r.object(root, QStringLiteral("$"));
    const QJsonArray arr = r.array(top, QStringLiteral("$"), QStringLiteral("demonstrations"));
    DemonstrationLibrary lib;
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.demonstrations"), i);
        const QJsonObject o = r.object(arr.at(i), path);
        Demonstration d;
        d.request = r.string(o, path, QStringLiteral("request"));
        d.plan = r.object(o.value(QStringLiteral("plan")),
                          JsonReader::child(path, QStringLiteral("plan")));
        lib.m_demos << d;
    }
    if (r.hasErrors())
        return Result<DemonstrationLibrary>::failure(r.joinedErrors());
    return lib;
}

const DemonstrationLibrary &DemonstrationLibrary::builtin()
{
    static const DemonstrationLibrary lib = [] {
        QFile f(QStringLiteral(":/demos/demonstrations.json"));
        Result<DemonstrationLibrary> l =
            f.open(QIODevice::ReadOnly) ? fromJson(f.readAll(), f.fileName())
                                        : Result<DemonstrationLibrary>::failure(f.errorString());
        if (!l) {
            std::fprintf(stderr, "edgegpt: the built-in demonstrations are broken:\n%s\n",
                         qPrintable(l.error()));
            std::abort();
        }
        return std::move(l).value();
    }();
    return lib;
}

QList<Demonstration> DemonstrationLibrary::nearest(const QString &request, int k) const
{
    // Document frequency over the library, then TF-IDF vectors and cosine similarity.
    QHash<QString, int> df;
    QList<QHash<QString, double>> vectors;
    for (const Demonstration &d : m_demos) {
        QHash<QString, double> tf;
        for (const QString &w : demonstrationWords(d))
            tf[w] += 1;
        for (auto it = tf.cbegin(); it != tf.cend(); ++it)
            df[it.key()] += 1;
        vectors << tf;
    }
    const double n = m_demos.size();
    auto weigh = [&](QHash<QString, double> tf) {
        double norm = 0;
        for (auto it = tf.begin(); it != tf.end(); ++it) {
            it.value() *= std::log((n + 1) / (df.value(it.key()) + 1)) + 1;
            norm += it.value() * it.value();
        }
        norm = std::sqrt(norm);
        for (auto it = tf.begin(); it != tf.end() && norm > 0; ++it)
            it.value() /= norm;
        return tf;
    };
    QHash<QString, double> query;
    for (const QString &w : words(request))
        query[w] += 1;
    query = weigh(query);
    QList<QPair<double, int>> scored;
    for (int i = 0; i < vectors.size(); ++i) {
        const QHash<QString, double> v = weigh(vectors.at(i));
        double dot = 0;
        for (auto it = query.cbegin(); it != query.cend(); ++it)
            dot += it.value() * v.value(it.key());
        scored << qMakePair(dot, i);
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto &a, const auto &b) { return a.first > b.first; });
    QList<Demonstration> out;
    for (int i = 0; i < scored.size() && i < k; ++i)
        out << m_demos.at(scored.at(i).second);
    return out;
}

PlanningPrompt::PlanningPrompt(const Catalog &catalog, const DemonstrationLibrary &demos, int k)
    : m_catalog(catalog)
    , m_demos(demos)
    , m_k(k)
{}

QString PlanningPrompt::systemPrompt() const
{
    QString tasks, devices, servers, models;
    for (const TaskKind &t : m_catalog.tasks())
        tasks += QStringLiteral("- %1: %2 -> %3%4\n")
                     .arg(t.id,
                          t.inputTypes.isEmpty() ? QStringLiteral("(sensor)")
                                                 : t.inputTypes.join(QStringLiteral(", ")),
                          t.outputTypes.join(QStringLiteral(", ")),
                          t.sensing ? QStringLiteral(" (sensing step: AI model null)") : QString());
    for (const Device &d : m_catalog.devices()) {
        const QString line =
            QStringLiteral("- %1 (class %2%3)\n")
                .arg(d.name, d.deviceClass,
                     d.sensors.isEmpty()
                         ? QString()
                         : QStringLiteral(", sensors: ") + d.sensors.join(QStringLiteral(", ")));
        if (d.tier == Device::Tier::Device)
            devices += line;
        else
            servers += line;
    }
    for (const TaskKind &t : m_catalog.tasks()) {
        QList<const AiModel *> ms = m_catalog.modelsForTask(t.id);
        std::stable_sort(ms.begin(), ms.end(), [](const AiModel *a, const AiModel *b) {
            return a->accuracy != b->accuracy ? a->accuracy > b->accuracy : a->gflops < b->gflops;
        });
        for (int i = 0; i < ms.size() && i < kModelsPerTask; ++i)
            models +=
                QStringLiteral("- %1 [%2] runs on: %3\n")
                    .arg(ms.at(i)->name, t.id, ms.at(i)->deviceClasses.join(QStringLiteral(", ")));
    }
    return QStringLiteral(
               "You are the task planner of an edge AI system. Break the user's request into AI "
               "tasks, "
               "choose an expert AI model and a place to run each task, and answer with the plan "
               "only.\n\n"
               "Available tasks (inputs -> outputs):\n%1\n"
               "Edge devices:\n%2\n"
               "Edge servers and cloud:\n%3\n"
               "Expert AI models (name [task] and the device classes that can run them):\n%4\n"
               "Rules: use only the tasks, models and devices above; a model must do its task and "
               "run "
               "on the class of its device; a sensing step has \"model\": null and runs on a "
               "device "
               "with that sensor; an input is either {\"type\": T, \"value\": V} taken from the "
               "request "
               "or {\"type\": T, \"from\": ID} taken from an earlier task whose output has type T; "
               "no "
               "cycles.\n"
               "Answer with one JSON object and nothing else: "
               "{\"tasks\":[{\"id\":\"t1\",\"task\":…,\"model\":…,\"device\":…,\"args\":[…]}]}")
        .arg(tasks, devices, servers, models);
}

QJsonArray PlanningPrompt::messages(const QString &request) const
{
    QJsonArray msgs;
    msgs.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                            {QStringLiteral("content"), systemPrompt()}});
    for (const Demonstration &d : m_demos.nearest(request, m_k)) {
        msgs.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), d.request}});
        msgs.append(
            QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                        {QStringLiteral("content"),
                         QString::fromUtf8(QJsonDocument(d.plan).toJson(QJsonDocument::Compact))}});
    }
    msgs.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                            {QStringLiteral("content"), request}});
    return msgs;
}

QJsonArray PlanningPrompt::correction(const QJsonArray &messages, const QString &answer,
                                      const QList<PlanProblem> &problems)
{
    QJsonArray msgs = messages;
    msgs.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                            {QStringLiteral("content"), answer}});
    msgs.append(QJsonObject{
        {QStringLiteral("role"), QStringLiteral("user")},
        {QStringLiteral("content"),
         QStringLiteral("That plan is invalid:\n%1\nAnswer again with a corrected plan as one JSON "
                        "object, and nothing else.")
             .arg(describeProblems(problems))}});
    return msgs;
}

} // namespace edgegpt
