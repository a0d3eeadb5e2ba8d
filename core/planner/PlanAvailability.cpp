#include "core/planner/PlanAvailability.h"

#include <QRegularExpression>

#include <algorithm>

namespace edgegpt {

namespace {

const QString kImageClassification = QStringLiteral("Image Classification");
const QString kVqa = QStringLiteral("Visual Question Answering");
const QString kImageToText = QStringLiteral("Image-to-Text");

// One clause asks what kind of thing something is.
bool isKindClause(const QString &clause)
{
    static const QList<QRegularExpression> patterns = {
        // what kind of clothing …, which type of shoe …, what sort of item …
        QRegularExpression(QStringLiteral(
            R"(\b(what|which)\s+(kinds?|types?|sorts?|categor(y|ies)|class(es)?|varieties|variety)\s+of\b)")),
        // what category is this, which class does it belong to, what type is it
        QRegularExpression(QStringLiteral(
            R"(\b(what|which)\s+(kind|type|sort|category|class)\s+(is|are|does|do|would|should)\b)")),
        // what garment is this, which item of clothing is shown
        QRegularExpression(QStringLiteral(
            R"(\b(what|which)\s+(garment|item|object|product|article|piece)\b(\s+of\s+clothing)?\s+(is|are)\b)")),
    };
    for (const QRegularExpression &re : patterns)
        if (re.match(clause).hasMatch())
            return true;
    return false;
}

// A clause that asks something (a question word, or a clause that opens like a question).
bool isQuestionClause(const QString &clause)
{
    static const QRegularExpression word(
        QStringLiteral(R"(\b(what|which|who|whom|whose|where|when|why|how)\b)"));
    static const QRegularExpression opening(QStringLiteral(
        R"(^(is|are|was|were|does|do|did|can|could|will|would|should|has|have|tell me|describe|count|read)\b)"));
    return word.match(clause).hasMatch() || opening.match(clause).hasMatch();
}

QString taskLabel(const QString &taskId)
{
    return taskId.toLower();
}

} // namespace

bool asksOnlyForKindOfThing(const QString &question)
{
    QString q = question.toLower();
    q.replace(QChar(0x2019), QLatin1Char('\''));
    static const QRegularExpression split(
        QStringLiteral(R"([?!;:.,]|\band\b|\bbut\b|\bthen\b|\balso\b|\bplus\b)"));
    bool kind = false;
    for (QString clause : q.split(split, Qt::SkipEmptyParts)) {
        clause = clause.simplified();
        if (clause.isEmpty())
            continue;
        if (isKindClause(clause))
            kind = true;
        else if (isQuestionClause(clause))
            return false; // it asks something else as well
    }
    return kind;
}

Plan applyAvailability(const Plan &plan, const QString &request, const ModelBindings &bindings,
                       const Catalog &catalog, QStringList *notes)
{
    Plan out = plan;
    const QString words = request.trimmed().isEmpty() ? plan.request : request;
    for (PlanTask &t : out.tasks) {
        const TaskKind *kind = catalog.task(t.task);
        if (!kind || (kind->id != kVqa && kind->id != kImageToText))
            continue;
        if (bindings.isRunnable(t.model, catalog))
            continue; // what was planned runs here
        // The image it looks at, and the question: a VQA task's text input when it is a value,
        // else the request. A question that is another task's output is not ours to read.
        int imageArg = -1;
        QString question = words;
        bool questionFromTask = false;
        for (int a = 0; a < t.args.size(); ++a) {
            const TaskArg &arg = t.args.at(a);
            if (arg.type == QLatin1String("image") && imageArg < 0)
                imageArg = a;
            else if (arg.type == QLatin1String("text")) {
                if (arg.isLink())
                    questionFromTask = true;
                else if (!arg.value.trimmed().isEmpty())
                    question = arg.value;
            }
        }
        if (imageArg < 0 || questionFromTask)
            continue;
        if (!asksOnlyForKindOfThing(question) ||
            (question != words && !words.isEmpty() && !asksOnlyForKindOfThing(words)))
            continue;
        const Device *device = catalog.device(t.device);
        QList<const AiModel *> candidates;
        for (const AiModel *m : catalog.modelsForTask(kImageClassification))
            if (bindings.isRunnable(m->name, catalog) && (!device || catalog.canRun(*m, *device)))
                candidates << m;
        if (candidates.isEmpty())
            continue;
        // As the planners rank models: best known accuracy first, then the lightest.
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const AiModel *a, const AiModel *b) {
                             if (a->accuracy != b->accuracy)
                                 return a->accuracy > b->accuracy;
                             return a->gflops < b->gflops;
                         });
        const AiModel *model = candidates.first();
        const QString wasTask = kind->id;
        const QString wasModel = t.model;
        t.task = kImageClassification;
        t.model = model->name;
        t.args = {t.args.at(imageArg)};
        t.description.clear(); // it described the other task
        const QString note =
            QStringLiteral("%1: planned image classification (%2) instead of %3 (%4): runnable "
                           "here, and the question asks only what kind of thing the image shows")
                .arg(t.id, model->name, taskLabel(wasTask),
                     wasModel.isEmpty() ? QStringLiteral("no model") : wasModel);
        out.provenance.notes << note;
        if (notes)
            *notes << note;
    }
    return out;
}

} // namespace edgegpt
