// LocalPlanner: the embedded planner — no network, deterministic, well under a millisecond.
// It reads the request for cues of each task kind (PlannerLexicon), resolves conflicts, orders
// the tasks by where the request mentions them (sensing steps first, generators after the text
// they illustrate), adds the step that reads an input file no found task reads and the steps of
// a sequenced request ("then", "after that") that no cue found (from the task descriptions'
// words), links each task to the earlier tasks whose results its own words name ("using the
// detected items …"), else to the latest earlier task that produces a type it takes,
// and picks a device (named or implied by the request, else the best fit) and a model for each.
#pragma once

#include "core/planner/Planner.h"
#include "core/planner/PlannerLexicon.h"

#include <QSet>

namespace edgegpt {

// What the planner read from a request, before it became a plan (shown by `edgegpt plan
// --explain` and used by tests).
struct RequestReading
{
    QString normalized;  // lower-cased, quoted text replaced by QUOTE
    QSet<QString> media; // "image", "audio", "video" mentioned by the request
    QStringList files;   // file names in the request ("example.jpg")
    QStringList quotes;  // quoted text, in order
    struct Detected
    {
        QString task;
        double score = 0;
        double position = 0; // where the request mentions it
        // Where its cues matched, in order (empty when a later reading added it).
        QList<double> mentions = {};
        // Where a cue of it last matched (-1: not found by a cue, but added by a later reading):
        // a step named early, as the goal, and again later, as a step ("I need an overview …
        // then summarize it").
        double lastPosition() const { return mentions.isEmpty() ? -1 : mentions.last(); }
        // Where a cue of it first matched at or after `from` (-1: nowhere there).
        double firstMentionFrom(double from) const
        {
            for (double m : mentions)
                if (m >= from)
                    return m;
            return -1;
        }
        // A request written as numbered steps ("(2) the summary from step 1 …"): the tasks of
        // the earlier steps its own step names, whose results it reads.
        QStringList namedSources = {};
        // In such a request, a step that names no earlier step but gives its own input (a
        // quotation, a file): it reads the request, not the step before it.
        bool readsRequest = false;
    };
    QList<Detected> tasks; // in plan order
    QString impliedDevice; // a device the request names or implies, else empty
    // No cue reached the threshold, and the request names an input: tasks holds one best guess
    // from the task descriptions (its score is the guess's confidence, 0-1).
    bool guessed = false;
};

// Words of each task kind's description, aliases and phrase in the catalog (plus the lexicon's
// general `keywords`), weighted by how few task kinds use them (inverse document frequency).
// Used where no cue decides: the best guess, the steps of a sequenced request that no cue found,
// and which step reads an input file. Nothing is learned from labelled requests.
class TaskWordModel
{
public:
    TaskWordModel() = default;
    TaskWordModel(const Catalog &catalog, const PlannerLexicon &lexicon);
    // The crude stem of every word of `text` ("transcribing" -> "transcrib").
    static QStringList stems(const QString &text);
    // Task kinds scored against the request's stems, best first; zero scores left out.
    QList<QPair<QString, double>> rank(const QStringList &requestStems) const;
    // The weight of a word that a single task kind uses (the most a word can weigh).
    double distinctiveWeight() const { return m_distinctive; }

private:
    double m_distinctive = 0;
    QHash<QString, QHash<QString, double>> m_weights; // task -> stem -> weight
};

class LocalPlanner : public Planner
{
    Q_OBJECT
public:
    explicit LocalPlanner(const Catalog &catalog, QObject *parent = nullptr);
    LocalPlanner(const Catalog &catalog, PlannerLexicon lexicon, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("local"); }
    // Answers on the next turn of the event loop (never synchronously), as the interface says.
    PlanningJob *plan(const QString &request) override;

    // The same, synchronously: for benchmarks and for callers without an event loop.
    Result<Plan> planNow(const QString &request) const;
    RequestReading read(const QString &request) const;

private:
    // Adds the steps of a sequenced request ("…, then …") where no cue found a task.
    void supplementSteps(const QString &normalized, const QSet<QString> &media,
                         QHash<QString, RequestReading::Detected> &found) const;
    // Adds the answering step for a question the request quotes, or moves the one a cue found to
    // where the question is asked (LocalPlanner.cpp).
    void answerQuotedQuestions(const QString &loweredRequest, const QString &normalized,
                               const RequestReading &reading,
                               QHash<QString, RequestReading::Detected> &found) const;
    // Adds the step that reads a file of the request that no found step takes (LocalPlanner.cpp).
    void bridgeInputs(const QString &normalized, const QSet<QString> &inputMedia,
                      QHash<QString, RequestReading::Detected> &found) const;
    // Whether a step of kind `producer` makes a type that `consumer` takes (a terminal result,
    // such as a similarity score, feeds nothing).
    bool produces(const QString &producer, const QString &consumer) const;

    PlannerLexicon m_lexicon;
    TaskWordModel m_words;
};

} // namespace edgegpt
