#include "core/planner/LocalPlanner.h"

#include "core/plan/PlanValidator.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace edgegpt {

namespace {

const QHash<QString, QRegularExpression> &mediaFilePatterns()
{
    static const QHash<QString, QRegularExpression> p = {
        {QStringLiteral("image"),
         QRegularExpression(QStringLiteral(R"(\.(jpe?g|png|gif|bmp|tiff?|webp)\b)"))},
        {QStringLiteral("audio"),
         QRegularExpression(QStringLiteral(R"(\.(wav|mp3|flac|ogg|m4a)\b)"))},
        {QStringLiteral("video"), QRegularExpression(QStringLiteral(R"(\.(mp4|avi|mov|mkv)\b)"))},
    };
    return p;
}

const QHash<QString, QRegularExpression> &mediaWordPatterns()
{
    static const QHash<QString, QRegularExpression> p = {
        {QStringLiteral("image"),
         QRegularExpression(QStringLiteral(
             R"(\b(image|picture|photo|snapshot|photograph|pic|screenshot|scan)s?\b)"))},
        {QStringLiteral("audio"),
         QRegularExpression(
             QStringLiteral(R"(\b(audio|recording|recorded|sound|voice|podcast|speech)\b)"))},
        {QStringLiteral("video"),
         QRegularExpression(QStringLiteral(R"(\bvideo (file|clip|named|called|titled)\b)"))},
    };
    return p;
}

// The media of the files a (normalised) request gives as inputs: not one it asks to have a result
// saved as ("save it as 'sunset.png'").
QSet<QString> inputFileMedia(const QString &t)
{
    static const QRegularExpression saveAs(QStringLiteral(
        R"(\b(?!calling\b)(save|store|export|output|name|call|write)\w*( \w+){0,3} (as|to|into|in)\W*$)"));
    static const QRegularExpression fileRe(QStringLiteral(R"(\b[\w-]+\.(\w{2,4})\b)"));
    QSet<QString> inputMedia;
    auto files = fileRe.globalMatch(t);
    while (files.hasNext()) {
        const QRegularExpressionMatch m = files.next();
        const QString before = t.mid(std::max<qsizetype>(0, m.capturedStart() - 40),
                                     std::min<qsizetype>(40, m.capturedStart()));
        if (saveAs.match(before).hasMatch())
            continue;
        for (auto it = mediaFilePatterns().cbegin(); it != mediaFilePatterns().cend(); ++it)
            if (it.value().match(m.captured(0)).hasMatch())
                inputMedia.insert(it.key());
    }
    return inputMedia;
}

// A file name the request gives ("example.jpg", "notes.txt"), of any medium the planner reads.
const QString &fileNamePattern()
{
    static const QString pattern =
        QStringLiteral(R"(\b[\w-]+\.(jpe?g|png|gif|bmp|webp|wav|mp3|flac|mp4|avi|mov|txt|pdf)\b)");
    return pattern;
}

// A file of text (a document the request gives to read, not a medium).
bool isTextFileName(const QString &s)
{
    static const QRegularExpression doc(QStringLiteral(R"(\.(txt|pdf|docx?)\b)"));
    return doc.match(s).hasMatch();
}

bool isFileName(const QString &s)
{
    for (const QRegularExpression &re : mediaFilePatterns())
        if (re.match(s).hasMatch())
            return true;
    return isTextFileName(s);
}

// Replaces quoted spans by the word QUOTE (keeping quoted file names), collecting both. An opening
// quote must not follow a letter or digit, so "I've … what's" is not a quotation.
QString replaceQuotes(const QString &text, QChar quote, QStringList *quotes)
{
    // Inside single quotes an apostrophe between letters is part of a word ('What's the
    // applicant's name?'), not the closing quote. Compiled once: this runs on every request.
    static const QRegularExpression single(
        QStringLiteral(R"((^|[^a-z0-9])'((?:[^']|(?<=[a-z0-9])'(?=[a-z])){1,400}?)'(?![a-z]))"));
    static const QRegularExpression doubled(QStringLiteral(R"re((^|[^a-z0-9])"([^"]{1,400}?)")re"));
    const QRegularExpression &re = quote == QLatin1Char('\'') ? single : doubled;
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        out += m.captured(1);
        const QString inner = m.captured(2);
        if (isFileName(inner)) {
            out += inner;
        } else {
            // One space on each side, as a word has: "a picture of 'a cat'." reads "a picture
            // of QUOTE ." (with two, the lexicon's "of QUOTE" never matched).
            if (!out.isEmpty() && !out.back().isSpace())
                out += QLatin1Char(' ');
            out += QStringLiteral("QUOTE");
            if (m.capturedEnd() >= text.size() || !text.at(m.capturedEnd()).isSpace())
                out += QLatin1Char(' ');
            quotes->append(inner);
        }
        last = m.capturedEnd();
    }
    out += text.mid(last);
    return out;
}

// The sentences of a normalised request: spans ending at . ? ! followed by a space or the end,
// so that the dot of "example.jpg" does not end a sentence.
struct Sentence
{
    qsizetype start = 0;
    qsizetype end = 0; // one past the last character
};

QList<Sentence> splitSentences(const QString &t)
{
    QList<Sentence> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= t.size(); ++i) {
        const bool atEnd = i == t.size();
        if (!atEnd) {
            const QChar c = t.at(i);
            if (c != QLatin1Char('.') && c != QLatin1Char('?') && c != QLatin1Char('!'))
                continue;
            if (i + 1 < t.size() && !t.at(i + 1).isSpace())
                continue;
        }
        if (i > start)
            out << Sentence{start, i};
        start = i + 1;
    }
    return out;
}

// The sentence holding `pos` (a sentence's end punctuation belongs to it).
const Sentence *sentenceAt(const QList<Sentence> &sentences, qsizetype pos)
{
    for (const Sentence &s : sentences)
        if (pos < s.end + 1)
            return &s;
    return sentences.isEmpty() ? nullptr : &sentences.last();
}

// The sentence around [start, end) (the sentences, when a match spans several).
QStringView sentenceAround(const QString &t, const QList<Sentence> &sentences, qsizetype start,
                           qsizetype end)
{
    const Sentence *a = sentenceAt(sentences, start);
    const Sentence *b = sentenceAt(sentences, std::max(start, end - 1));
    if (!a || !b)
        return QStringView(t);
    // A semicolon parts a run-on order as a full stop does ("generate a picture of that dish;
    // detect the objects in it; …"): what cancels a cue is in its own part.
    qsizetype from = a->start, to = b->end;
    const qsizetype before = t.lastIndexOf(QLatin1Char(';'), std::max<qsizetype>(0, start - 1));
    if (before >= from)
        from = before + 1;
    const qsizetype after = t.indexOf(QLatin1Char(';'), end);
    if (after >= 0 && after < to)
        to = after;
    return QStringView(t).mid(from, to - from);
}

// Where the clause holding `pos` begins: after the last comma, semicolon, colon or arrow, or at
// the last "and"/"then"/"so", within its sentence. A phrase naming a result ("that improved
// speech") is the object of the clause's verb, and the step that makes it must come before that
// verb.
const QRegularExpression &clauseBoundary()
{
    // "->" and "→": an operator's "transcribe 'a.wav' -> summarize it".
    static const QRegularExpression boundary(QStringLiteral(R"([,;:]|->|→|\b(and|then|so)\b)"));
    return boundary;
}

qsizetype clauseStart(const QString &t, const QList<Sentence> &sentences, qsizetype pos)
{
    const Sentence *s = sentenceAt(sentences, pos);
    const qsizetype floor = s ? s->start : 0;
    qsizetype start = floor;
    auto it = clauseBoundary().globalMatch(QStringView(t).mid(floor, pos - floor));
    while (it.hasNext())
        start = floor + it.next().capturedStart();
    return start;
}

// Where the clause that goes on from `pos` ends: at the next boundary of clauseStart's kind, or
// at the end of sentence `s`.
qsizetype clauseEnd(const QString &t, const Sentence &s, qsizetype pos)
{
    const qsizetype from = std::min(pos, s.end);
    const QRegularExpressionMatch next =
        clauseBoundary().match(QStringView(t).mid(from, s.end - from));
    return next.hasMatch() ? from + next.capturedStart() : s.end;
}

// A step the request declines: "no need to translate it", "don't read it out", "I don't need a
// summary", "no captions needed", "nothing needs to be read aloud". The negation stands in the
// cue's own clause, at most four words before it; "not only … but also", "don't forget to" and
// "no background noise" still ask.
bool declined(const QString &t, const QList<Sentence> &sentences, qsizetype pos)
{
    static const QRegularExpression negation(QStringLiteral(
        R"(\b(don'?t|do not|doesn'?t|does not|no need to|never|without|rather than|instead of|not|no|nothing)\b(?! (only|just|forget|miss|sure|certain|know|understand|able|quite|more|longer|less|matter|background|one|doubt|idea)\b)( [\w'-]+){0,4} $)"));
    const qsizetype from = clauseStart(t, sentences, pos);
    return negation.match(QStringView(t).mid(from, pos - from)).hasMatch();
}

// A sentence that only sets the scene: it tells what the user has ("I have a scanned page,
// 'example.jpg'.", "My grandfather's certificate is badly faded.", "Also, I'm curious about the
// mood …") and asks nothing: no question mark, no request ("please", "could you", "I'd like", "I
// need", "is to be"), no imperative opening.
bool isBackground(const QString &t, const Sentence *s)
{
    if (!s)
        return false;
    static const QRegularExpression opening(QStringLiteral(
        R"(^\W*((also|and|but|however|unfortunately|additionally|moreover|furthermore|besides|plus),?\s+)?(i|i've|i'm|my|our|we|we've|there|there's|here|here's|this|these|it|the|a|an)\b)"));
    // A passive order ("The recording is to be transcribed.", "… shall be summarized") asks too.
    static const QRegularExpression request(QStringLiteral(
        R"(\b(please|could|can|would|will|help|like|want|need|wish|let me|tell me|show me|give me|shall|(is|are) to be|(must|should|needs? to|has to|have to) be)\b)"));
    const QStringView text = QStringView(t).mid(s->start, s->end - s->start);
    if (s->end < t.size() && t.at(s->end) == QLatin1Char('?'))
        return false;
    return opening.match(text).hasMatch() && !request.match(text).hasMatch();
}

// The steps that answer a question, in the order answerQuotedQuestions indexes them: from a text,
// a picture, a document.
const QStringList &answeringTasks()
{
    static const QStringList tasks = {QStringLiteral("Question Answering"),
                                      QStringLiteral("Visual Question Answering"),
                                      QStringLiteral("Document Question Answering")};
    return tasks;
}

// Where a sentence after the scene-setting one at `start` comes back to the input named there
// ("I also have a scanned shopping list, 'list.png'." … "as the question to the shopping list"):
// the thing is the last word of the noun phrase the cue matched in (up to four words, right
// before the file or quotation it names); -1 when no later sentence that asks something names
// it after a determiner, or when the word is too general to tell things apart.
qsizetype laterReference(const QString &t, const QList<Sentence> &sentences, qsizetype start)
{
    const Sentence *s = sentenceAt(sentences, start);
    if (!s)
        return -1;
    static const QRegularExpression phrase(
        QStringLiteral(
            R"(^([\w'-]+(?: [\w'-]+){0,3}?),?\s*(\(|named |called |titled )?(\bquote\b|[\w-]+\.[a-z0-9]{2,4}\b))"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = phrase.match(QStringView(t).mid(start, s->end - start));
    if (!m.hasMatch())
        return -1;
    const QString head = m.captured(1).section(QLatin1Char(' '), -1);
    static const QRegularExpression general(QStringLiteral(
        R"(^(image|picture|photo|pic|file|copy|version|one|it|this|that|them|scan|scanned|document|page|text|audio|recording|clip|video)s?$)"));
    if (head.size() < 3 || general.match(head).hasMatch())
        return -1;
    const QRegularExpression reference(
        QStringLiteral(R"(\b(the|that|this|my|our|your|his|her|their) ([\w'-]+ ){0,2}%1\b)")
            .arg(QRegularExpression::escape(head)));
    for (auto it = reference.globalMatch(t, s->end); it.hasNext();) {
        const qsizetype at = it.next().capturedStart();
        if (!isBackground(t, sentenceAt(sentences, at)))
            return at;
    }
    return -1;
}

// Where each quotation's QUOTE token stands in `t` (the request lower-cased, quotations replaced),
// index for index with `quotes` (the '…' quotations first, then the "…" ones): the tokens stand
// in the request's order, so the quotations are put in that order by where each stands in
// `lowered` (a repeated quotation: its next occurrence). Empty when they cannot be told apart
// (a quotation inside another).
QList<qsizetype> quotationTokens(const QString &lowered, const QString &t,
                                 const QStringList &quotes)
{
    static const QRegularExpression quoteToken(QStringLiteral(R"(\bQUOTE\b)"));
    QList<qsizetype> tokens;
    for (auto it = quoteToken.globalMatch(t); it.hasNext();)
        tokens << it.next().capturedStart();
    if (tokens.size() != quotes.size())
        return {};
    QList<QPair<qsizetype, int>> byPlace; // where it stands in `lowered`, its index in quotes
    QHash<QString, qsizetype> searchFrom;
    for (int q = 0; q < quotes.size(); ++q) {
        const qsizetype where = lowered.indexOf(quotes.at(q), searchFrom.value(quotes.at(q), 0));
        if (where < 0)
            return {};
        searchFrom.insert(quotes.at(q), where + 1);
        byPlace << qMakePair(where, q);
    }
    std::sort(byPlace.begin(), byPlace.end());
    QList<qsizetype> at(quotes.size());
    for (int k = 0; k < byPlace.size(); ++k)
        at[byPlace.at(k).second] = tokens.at(k);
    return at;
}

// The quotations step `step` reads, best first: those in its own words (from its clause to the
// next step named after it), then the nearest before them, then the nearest after. Without
// places (the quotations cannot be aligned, or the step was added for another), the request's
// order.
QList<int> quotationsFor(const QString &t, const QList<Sentence> &sentences, int quotations,
                         const QList<qsizetype> &quoteAt, const QList<double> &stepAt, int step)
{
    QList<int> out;
    const double at = stepAt.value(step, -1);
    if (quoteAt.size() != quotations || at < 0) {
        for (int q = 0; q < quotations; ++q)
            out << q;
        return out;
    }
    const qsizetype from = clauseStart(t, sentences, qsizetype(at));
    double to = double(t.size());
    for (double other : stepAt)
        if (other > at && other < to)
            to = other;
    QList<QPair<qsizetype, int>> own, before, after;
    for (int q = 0; q < quoteAt.size(); ++q) {
        const qsizetype p = quoteAt.at(q);
        (p >= from && double(p) < to ? own : p < from ? before : after) << qMakePair(p, q);
    }
    std::sort(own.begin(), own.end());
    std::sort(before.begin(), before.end(), std::greater<>());
    std::sort(after.begin(), after.end());
    for (const auto *list : {&own, &before, &after})
        for (const auto &e : *list)
            out << e.second;
    return out;
}

// A first sentence that names the result before the recipe ("I need an answer to 'Why…?' about
// an edited version of 'room.jpg'.", "The final deliverable is a summary of how a generated
// image was classified.", "Required output: a similarity score between …", "End result:
// 'poster.png' edited according to …"): the steps it names are asked for again, in order, by the
// sentences after it. A sentence that sequences steps itself ("… and then …") is a recipe, not a
// goal.
bool isGoalStatement(const QString &t, const QList<Sentence> &sentences, const Sentence *s)
{
    if (!s || sentences.size() < 2 || s != &sentences.first())
        return false;
    // "I need/want …" is a goal only with an object ("I need a German answer"), not with a verb
    // ("I need you to transcribe …"); the phrases that say "result" are goals whatever follows.
    static const QRegularExpression goal(QStringLiteral(
        R"(^\W*((i need|i want|i'd like|i would like|required output:?|deliverables?( for [\w.-]+)?:?|the (final )?(deliverable|output|result|goal) (is|will be))\s+(an?|the|one|two)\b|(the )?(end|final) (result|deliverable|output|answer|thing)s?\b|what i (need|want)( at the end| in the end)? is\b|i want to (hear|see|get) (an?|the)\b|the (output|result|thing) i('m| am) after\b|my goal is\b|question to answer:|i only want\b))"));
    static const QRegularExpression sequence(
        QStringLiteral(R"(\b(then|after that|afterwards|next|finally|first|also)\b)"));
    const QStringView text = QStringView(t).mid(s->start, s->end - s->start);
    return goal.match(text).hasMatch() && !sequence.match(text).hasMatch();
}

// Where the recipe after a goal begins, when the sentences between them go on describing the
// goal backwards ("End result: … . That Spanish text is the translation of a summary, and the
// summary is made from … . So, working from the start: classify the table, …"): a sentence that
// opens with "so", "in order", "then", "working from the start" or "here's the order", a clause
// after a stop that orders its steps itself ("…: segment the photo first, then …", "Use both
// as the question for the photo, then translate the answer."), or a clause that opens with "so"
// after a comma. `announced` when a word says the recipe starts there ("so", "in order",
// "working from the start", "here's the order"): only then is the goal surely its last step,
// for "I'd like an image of 'a market'. Segment it, then …" asks for the image first.
struct Recipe
{
    qsizetype start = -1; // -1: none
    bool announced = false;
};

Recipe recipeAfter(const QString &t, qsizetype from)
{
    static const QRegularExpression marker(QStringLiteral(
        R"((^|[.;:!?]\s+)((so\b(?! that\b| much\b| many\b)|in order\b|working (from the start|forwards?)\b|here's the order\b)|then\b|(?=[^.;:!?]*\bthen\b))|,\s*(so\b(?! that\b| much\b| many\b)))"));
    const QRegularExpressionMatch m = marker.match(t, from);
    if (!m.hasMatch())
        return {};
    if (m.capturedStart(2) >= 0)
        return {m.capturedStart(2), m.capturedStart(3) >= 0};
    return {m.capturedStart(5), true};
}

// A request written as a ticket or a to-do: a title line, lines of background, then the asks,
// often as a list ("- [ ] transcribe …", "1. …", "* …" on lines of their own). A step named in
// the title or the background stands where the asks name it; when the asks are a list, a step
// that only the title or a background sentence names was not asked for ("Voice QA: caption
// narration check", "We tried plain captions back in sprint 12.").
void readTicket(const QString &t, const QList<Sentence> &sentences,
                QHash<QString, RequestReading::Detected> &found)
{
    static const QRegularExpression item(
        QStringLiteral(R"((^|\n)[ \t]*(- \[[ x]\]|[-*•]|\d{1,2}[.)])[ \t]+)"));
    qsizetype listStart = -1;
    int items = 0;
    for (auto it = item.globalMatch(t); it.hasNext(); ++items) {
        const QRegularExpressionMatch m = it.next();
        if (listStart < 0)
            listStart = m.capturedStart(2);
    }
    const bool isList = items >= 2 && listStart > 0;
    // A title: a short first line that does not end like a sentence, gives no input (a
    // quotation, a file) and is not a list item, with more lines after it.
    qsizetype titleEnd = -1;
    if (const qsizetype nl = t.indexOf(QLatin1Char('\n')); nl > 0) {
        const QString first = t.left(nl).trimmed();
        static const QRegularExpression notTitle(
            QStringLiteral(R"([.?!:]$|QUOTE|^(- \[[ x]\]|[-*•]|\d{1,2}[.)])\s|)") +
            fileNamePattern());
        if (!first.isEmpty() && !notTitle.match(first).hasMatch() &&
            first.count(QLatin1Char(' ')) < 12 && !t.mid(nl).trimmed().isEmpty())
            titleEnd = nl;
    }
    const qsizetype floor = isList ? listStart : titleEnd;
    if (floor <= 0)
        return;
    // Before the title, or in a background sentence (read from the start of its line: a ticket's
    // lines need no stop at their end).
    auto preamble = [&](double m) {
        if (m < titleEnd)
            return true;
        const Sentence *s = sentenceAt(sentences, qsizetype(m));
        if (!s)
            return false;
        const Sentence line{std::max(s->start, t.lastIndexOf(QLatin1Char('\n'), qsizetype(m)) + 1),
                            s->end};
        return isBackground(t, &line);
    };
    QStringList unasked;
    for (auto f = found.begin(); f != found.end(); ++f) {
        // A list's first ask may stand before it ("translate to english: '…'\n- …").
        if (f->position >= floor || f->mentions.isEmpty() || (isList && !preamble(f->position)))
            continue;
        if (const double asked = f->firstMentionFrom(floor); asked >= 0)
            f->position = asked;
        else if (isList && std::all_of(f->mentions.cbegin(), f->mentions.cend(), preamble))
            unasked << f.key();
    }
    if (unasked.size() < found.size())
        for (const QString &task : unasked)
            found.remove(task);
}

// A request written as labelled steps: "(1) … (2) the summary from step 1 …", "Step A: … Step C:
// the answer obtained in Step B …", "(a) … (c) … the segmented image from (a) …". Each step
// names the earlier steps whose results it reads, which is how such requests give a step two
// sources or skip the step just before it. The labels must run 1, 2, 3 … or a, b, c … from the
// first; a label's later occurrences inside another step are references to it.
void readStepReferences(const QString &t, QList<RequestReading::Detected> &order)
{
    static const QRegularExpression label(QStringLiteral(
        R"((^|[\n.;:!?]\s*)(step\s+([0-9]|[a-h])\b|\(([0-9]|[a-h])\))\s*[:.)—–-]?)"));
    struct Span
    {
        QChar label;
        qsizetype start, end, bodyStart;
    };
    QList<Span> spans;
    auto it = label.globalMatch(t);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        const QString l = m.captured(3).isEmpty() ? m.captured(4) : m.captured(3);
        const QChar expected = spans.isEmpty()
                                   ? (l.at(0).isDigit() ? QLatin1Char('1') : QLatin1Char('a'))
                                   : QChar(spans.last().label.unicode() + 1);
        if (l.at(0) != expected)
            continue; // not the next label: a reference, or not a list at all
        if (!spans.isEmpty())
            spans.last().end = m.capturedStart(2);
        spans << Span{l.at(0), m.capturedStart(2), t.size(), m.capturedEnd()};
    }
    if (spans.size() < 2)
        return;
    auto spanOf = [&](double position) {
        for (int k = 0; k < spans.size(); ++k)
            if (position >= spans.at(k).start && position < spans.at(k).end)
                return k;
        return -1;
    };
    // The tasks of each step, in plan order: the first reads what the step names, the last is
    // the step's result.
    QList<QList<int>> tasksOf(spans.size());
    for (int i = 0; i < order.size(); ++i)
        if (const int k = spanOf(order.at(i).position); k >= 0)
            tasksOf[k] << i;
    static const QRegularExpression reference(
        QStringLiteral(R"(\bstep\s+([0-9]|[a-h])\b|\(([0-9]|[a-h])\))"));
    static const QRegularExpression ownInput(QStringLiteral("QUOTE|") + fileNamePattern());
    bool anyReference = false;
    QHash<int, QStringList> named; // by index in order
    for (int k = 1; k < spans.size(); ++k) {
        if (tasksOf.at(k).isEmpty())
            continue;
        const Span &s = spans.at(k);
        QStringList sources;
        auto refs = reference.globalMatch(QStringView(t).mid(s.bodyStart, s.end - s.bodyStart));
        while (refs.hasNext()) {
            const QRegularExpressionMatch m = refs.next();
            const QChar l = (m.captured(1).isEmpty() ? m.captured(2) : m.captured(1)).at(0);
            for (int j = 0; j < k; ++j)
                if (spans.at(j).label == l && !tasksOf.at(j).isEmpty()) {
                    const QString &source = order.at(tasksOf.at(j).last()).task;
                    if (!sources.contains(source))
                        sources << source;
                }
        }
        if (!sources.isEmpty()) {
            named.insert(tasksOf.at(k).first(), sources);
            anyReference = true;
        }
    }
    if (!anyReference)
        return;
    for (int k = 1; k < spans.size(); ++k) {
        if (tasksOf.at(k).isEmpty() || named.contains(tasksOf.at(k).first()))
            continue;
        const Span &s = spans.at(k);
        if (ownInput.match(QStringView(t).mid(s.bodyStart, s.end - s.bodyStart)).hasMatch())
            order[tasksOf.at(k).first()].readsRequest = true;
    }
    for (auto n = named.cbegin(); n != named.cend(); ++n)
        order[n.key()].namedSources = n.value();
    // A step stands after every step it names.
    for (int pass = 0; pass < order.size(); ++pass) {
        bool moved = false;
        for (int i = 0; i < order.size() && !moved; ++i)
            for (int j = order.size() - 1; j > i && !moved; --j)
                if (order.at(i).namedSources.contains(order.at(j).task)) {
                    order.move(i, j);
                    moved = true;
                }
        if (!moved)
            break;
    }
}

// Words too common to tell tasks apart (the inverse document frequency also discounts the
// words every description uses, such as "task" and "model").
bool isStopWord(const QString &w)
{
    static const QSet<QString> stop = [] {
        QSet<QString> s;
        for (const char *w :
             {"the",     "a",      "an",    "and",   "or",    "of",    "to",    "in",    "on",
              "for",     "with",   "is",    "are",   "be",    "it",    "its",   "this",  "that",
              "these",   "those",  "from",  "by",    "as",    "at",    "can",   "could", "would",
              "will",    "you",    "your",  "me",    "my",    "i",     "we",    "our",   "some",
              "such",    "which",  "what",  "there", "their", "they",  "them",  "have",  "has",
              "had",     "do",     "does",  "did",   "into",  "also",  "other", "than",  "then",
              "so",      "but",    "not",   "no",    "if",    "all",   "any",   "each",  "one",
              "two",     "more",   "most",  "many",  "much",  "very",  "about", "help",  "please",
              "like",    "want",   "need",  "could", "get",   "got",   "file",  "named", "called",
              "example", "jpg",    "png",   "wav",   "mp3",   "mp4",   "txt",   "given", "task",
              "model",   "models", "use",   "used",  "using", "known", "tasks", "quote", "just",
              "how",     "who",    "where", "when",  "why",   "am",    "was",   "were",  "been"})
            s.insert(QString::fromLatin1(w));
        return s;
    }();
    return stop.contains(w);
}

class LocalPlanningJob : public PlanningJob
{
public:
    using PlanningJob::PlanningJob;
    void cancel() override { m_cancelled = true; }
    void deliver(const Result<Plan> &result)
    {
        if (result)
            finish(*result);
        else
            fail(result.error());
    }
};

} // namespace

QStringList TaskWordModel::stems(const QString &text)
{
    static const QRegularExpression word(QStringLiteral("[a-z]+"));
    static const char *const suffixes[] = {"ations", "ation", "ings", "ing", "ions", "ion",
                                           "ers",    "er",    "ed",   "es",  "s",    "e"};
    QStringList out;
    auto it = word.globalMatch(text.toLower());
    while (it.hasNext()) {
        QString w = it.next().captured(0);
        if (w.size() < 3 || isStopWord(w))
            continue;
        for (const char *suffix : suffixes) {
            const QLatin1String sfx(suffix);
            if (w.size() - sfx.size() >= 4 && w.endsWith(sfx)) {
                w.chop(sfx.size());
                break;
            }
        }
        out << w;
    }
    return out;
}

TaskWordModel::TaskWordModel(const Catalog &catalog, const PlannerLexicon &lexicon)
{
    QHash<QString, QStringList> keywords;
    for (const TaskCues &tc : lexicon.tasks)
        keywords[tc.task] << tc.keywords;
    QHash<QString, QSet<QString>> vocab;
    QHash<QString, int> df;
    for (const TaskKind &k : catalog.tasks()) {
        if (k.sensing || k.source == QLatin1String("paper"))
            continue; // sensing steps and the paper's own kinds are planned from cues only
        QString text = k.id + QLatin1Char(' ') + k.description + QLatin1Char(' ') + k.phrase +
                       QLatin1Char(' ') + k.aliases.join(QLatin1Char(' ')) + QLatin1Char(' ') +
                       keywords.value(k.id).join(QLatin1Char(' '));
        const QStringList st = stems(text);
        QSet<QString> set(st.cbegin(), st.cend());
        vocab.insert(k.id, set);
        for (const QString &w : set)
            ++df[w];
    }
    const double n = double(vocab.size());
    m_distinctive = n > 1 ? std::log(n) - 1e-9 : 0;
    for (auto it = vocab.cbegin(); it != vocab.cend(); ++it)
        for (const QString &w : it.value())
            m_weights[it.key()].insert(w, std::log(n / df.value(w)));
}

QList<QPair<QString, double>> TaskWordModel::rank(const QStringList &requestStems) const
{
    const QSet<QString> words(requestStems.cbegin(), requestStems.cend());
    QList<QPair<QString, double>> out;
    for (auto it = m_weights.cbegin(); it != m_weights.cend(); ++it) {
        double score = 0;
        for (const QString &w : words)
            score += it.value().value(w);
        if (score > 0)
            out << qMakePair(it.key(), score);
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return out;
}

LocalPlanner::LocalPlanner(const Catalog &catalog, QObject *parent)
    : LocalPlanner(catalog, PlannerLexicon::builtin(), parent)
{}

LocalPlanner::LocalPlanner(const Catalog &catalog, PlannerLexicon lexicon, QObject *parent)
    : Planner(catalog, parent)
    , m_lexicon(std::move(lexicon))
    , m_words(catalog, m_lexicon)
{}

PlanningJob *LocalPlanner::plan(const QString &request)
{
    auto *job = new LocalPlanningJob(this);
    Result<Plan> result = planNow(request);
    QTimer::singleShot(0, job, [job, result]() mutable { job->deliver(result); });
    return job;
}

void LocalPlanner::bridgeInputs(const QString &t, const QSet<QString> &inputMedia,
                                QHash<QString, RequestReading::Detected> &found) const
{
    const Catalog &cat = catalog();
    // The steps that turn one medium into another type: TaskBench kinds with that single input.
    auto converters = [&](const QString &medium, const QString &type) {
        QStringList out;
        for (const TaskKind &k : cat.tasks())
            if (!k.sensing && k.source != QLatin1String("paper") &&
                k.inputTypes == QStringList{medium} && k.outputTypes.contains(type) &&
                !m_lexicon.terminal.contains(k.id))
                out << k.id;
        return out;
    };
    QStringList names = found.keys();
    std::sort(names.begin(), names.end()); // QHash order is not stable across runs
    for (const QString &medium : {QStringLiteral("audio"), QStringLiteral("image")}) {
        if (!inputMedia.contains(medium))
            continue;
        bool read = false;
        for (const QString &name : names) {
            const TaskKind *k = cat.task(name);
            read = read || (k && k->inputTypes.contains(medium));
        }
        if (read)
            continue;
        // The first-mentioned step that takes a type some step makes from the medium.
        QString consumer, type;
        for (const QString &name : names) {
            const TaskKind *k = cat.task(name);
            if (!k || (!consumer.isEmpty() &&
                       found.value(name).position >= found.value(consumer).position))
                continue;
            for (const QString &in : k->inputTypes)
                if (!converters(medium, in).isEmpty()) {
                    consumer = name;
                    type = in;
                    break;
                }
        }
        if (consumer.isEmpty())
            continue;
        const QStringList candidates = converters(medium, type);
        // The commonest reading of the medium, unless the request's words point to another.
        static const QHash<QString, QString> commonest = {
            {QStringLiteral("audio/text"), QStringLiteral("Automatic Speech Recognition")},
            {QStringLiteral("audio/audio"), QStringLiteral("Audio-to-Audio")},
            {QStringLiteral("image/text"), QStringLiteral("Image-to-Text")},
            {QStringLiteral("image/image"), QStringLiteral("Image-to-Image")},
        };
        QString pick = commonest.value(medium + QLatin1Char('/') + type);
        if (!candidates.contains(pick))
            pick = candidates.first();
        // Unless the request's words name one step that reads the medium (a word only its
        // description and synonyms use): "separate the voice from the noise in 'talk.wav'".
        {
            const QList<QPair<QString, double>> ranked =
                m_words.rank(TaskWordModel::stems(QString(t).remove(QStringLiteral("QUOTE"))));
            for (const auto &c : ranked) {
                const TaskKind *k = cat.task(c.first);
                if (!k || k->inputTypes != QStringList{medium})
                    continue;
                if (c.second >= m_words.distinctiveWeight())
                    pick = c.first;
                break;
            }
        }
        found.insert(pick, {pick, m_lexicon.threshold, found.value(consumer).position - 0.5});
        names = found.keys();
        std::sort(names.begin(), names.end());
    }
}

namespace {
// A file name's words, for matching whole words inside it: "insurance_claim_form" →
// "insurance claim form" (same length, so positions stay).
QString fileNameWords(QString text)
{
    return text.replace(QLatin1Char('_'), QLatin1Char(' '))
        .replace(QLatin1Char('-'), QLatin1Char(' '));
}
} // namespace

void LocalPlanner::answerQuotedQuestions(const QString &lowered, const QString &t,
                                         const RequestReading &r,
                                         QHash<QString, RequestReading::Detected> &found) const
{
    // The quotations in the request's order, with where each QUOTE token stands.
    const QList<qsizetype> tokenAt = quotationTokens(lowered, t, r.quotes);
    if (tokenAt.size() != r.quotes.size())
        return;          // a quotation inside another: the tokens cannot be told apart
    QList<qsizetype> at; // where each stands in `t`, in order
    QList<QPair<qsizetype, QString>> quotes; // the same, with its text
    for (int q = 0; q < r.quotes.size(); ++q)
        quotes << qMakePair(tokenAt.at(q), r.quotes.at(q));
    std::sort(quotes.begin(), quotes.end());
    for (const auto &q : quotes)
        at << q.first;
    const QStringList &answerers = answeringTasks();
    const Catalog &cat = catalog();
    const QList<Sentence> sentences = splitSentences(t);
    // What the question is asked of, by the nearest word naming it in the question's sentence.
    static const QRegularExpression documentWord(QStringLiteral(
        R"(\b(documents?|page|form|invoice|receipt|certificate|manual|brochure|notice|letter|sheet|menu|flyer|scan|scanned|contract|lease|report|statement|bill|ticket|poster|ledger|guide|handbook|catalog|catalogue|booklet|leaflet|pamphlet|timetable|schedule)\b)"));
    static const QRegularExpression imageWord(QStringLiteral(
        R"(\b(image|picture|photo|pic|snapshot|scene|depth map|drawing|painting|illustration)s?\b|\.(jpe?g|png|gif|bmp|webp)\b)"));
    static const QRegularExpression textWord(QStringLiteral(
        R"(\b(text|passage|article|paragraph|summary|story|notes?|transcript|transcription|context|reply|translation|excerpt|essay|content|description|caption)\b)"));
    // The request gives nothing to read but its one quotation (see the chat's opening line below).
    const bool onlyTheQuestion =
        quotes.size() == 1 && std::none_of(r.files.cbegin(), r.files.cend(), [](const QString &f) {
            return isTextFileName(f.toLower());
        });
    // Two quotations joined by "and", "or", "with" or a comma are the objects of one verb: "how
    // similar are 'How do I…?' and 'What are…?'" compares two questions and answers neither.
    static const QRegularExpression joined(
        QStringLiteral(R"(^\s*(,|and|or|with|to|against|versus|vs\.?)?\s*$)"));
    bool previousTaken = false;
    for (qsizetype k = 0; k < quotes.size(); ++k) {
        const qsizetype pos = at.at(k);
        const bool joinedToPrevious =
            k > 0 &&
            joined.match(QStringView(t).mid(at.at(k - 1) + 5, pos - at.at(k - 1) - 5)).hasMatch();
        if (joinedToPrevious && previousTaken)
            continue;
        previousTaken = false;
        if (!quotes.at(k).second.trimmed().endsWith(QLatin1Char('?')))
            continue;
        const Sentence *sentence = sentenceAt(sentences, pos);
        if (!sentence)
            continue;
        // A question to translate is not one to answer: one in another language when the
        // request translates ("a friend texted 'Wo ist der Bahnhof?'. Could you translate that
        // into English?"), or one the sentence renders in a language ("a rendering of 'Where
        // is…?' in Spanish").
        if (found.contains(QStringLiteral("Translation"))) {
            static const QRegularExpression foreign(QStringLiteral(
                R"([^\x00-\x7f]|\b(où|est|la|les|der|die|das|ist|wo|los|las|qué|dónde|wie|quel|quelle|welche|welches|welcher|comment|pourquoi|cuál|dove|come|che|perché|une|ein|eine|und|et|y|el|le|il|se|trouve|gibt|es)\b)"));
            static const QRegularExpression inLanguage(QStringLiteral(
                R"(^\W*((translated|rendered|put|said|written) )?(is |are )?(in|into) (english|spanish|french|german|italian|portuguese|chinese|japanese|korean|russian|arabic|dutch|hindi|turkish|polish|swedish|greek)\b)"));
            int foreignWords = 0;
            for (auto it = foreign.globalMatch(quotes.at(k).second.toLower()); it.hasNext();
                 it.next())
                ++foreignWords;
            // Unless its sentence asks for its answer ("pull from it the answer to the client's
            // own question: '¿Cuántos…?'"); a reply asked for counts here too, unlike for
            // answerVerb below.
            static const QRegularExpression answerAsked(
                QStringLiteral(R"(\b(answer\w*|ask\w*|respond\w*|reply\w*)\b)"));
            const QStringView before = QStringView(t).mid(sentence->start, pos - sentence->start);
            const bool asked = answerAsked.match(before).hasMatch();
            // Or one the translation order introduces ("Please translate this into Italian:
            // 'Hello, … Could you tell me where to pick up the keys?'").
            static const QRegularExpression introduced(QStringLiteral(
                R"(\btranslat\w*( (this|it|that|the following|these|my [\w-]+|the [\w-]+))?( (in|into|to) [\w-]+)?\s*:?\s*$)"));
            if (!asked &&
                (foreignWords >= 2 || inLanguage.match(QStringView(t).mid(pos + 5)).hasMatch() ||
                 introduced.match(before).hasMatch())) {
                previousTaken = true;
                continue;
            }
        }
        // Joined to the next quotation, in a sentence that compares ("Do 'How do I…?' and 'I
        // forgot…' mean the same?"): the comparer takes both, whichever side it is named on.
        const bool joinedToNext =
            k + 1 < quotes.size() && at.at(k + 1) < sentence->end &&
            joined.match(QStringView(t).mid(pos + 5, at.at(k + 1) - pos - 5)).hasMatch();
        if (joinedToNext &&
            std::any_of(found.cbegin(), found.cend(), [&](const RequestReading::Detected &d) {
                return m_lexicon.comparers.contains(d.task) && d.position >= sentence->start &&
                       d.position < sentence->end;
            })) {
            previousTaken = true;
            continue;
        }
        const qsizetype from = clauseStart(t, sentences, pos);
        // A step found in the question's own clause takes it as its text ("translate her
        // question 'Où est…?'", "read 'Where is…?' aloud", "have a chatbot respond to 'Why…?'"),
        // and an answering step found there already answers it.
        // A step named before an answering verb ("use that summary to answer 'Why…?'") is what
        // the answer is drawn from, not what takes the question.
        static const QRegularExpression answerVerb(
            QStringLiteral(R"(\b(answer|ask|asking|query|look up|find out)\b)"));
        auto answerVerbIn = [&](qsizetype a, qsizetype b) {
            return answerVerb.match(QStringView(t).mid(a, std::max<qsizetype>(0, b - a)))
                .hasMatch();
        };
        auto takes = [&](double where) {
            return where >= from && where <= pos + 5 && !answerVerbIn(qsizetype(where), pos);
        };
        // A chat step is what answers: "have a chatbot answer 'What's…?'", "how would a chatbot
        // answer 'Why…?'", "answer me like a friend would: 'What…?'".
        static const QString chat = QStringLiteral("Conversational");
        bool taken = false;
        for (auto f = found.cbegin(); f != found.cend() && !taken; ++f) {
            taken = takes(f->position) ||
                    (f.key() == chat && f->position >= from && f->position <= pos + 5);
            // Another mention of the step in the clause takes it too, when it is not what an
            // answering verb before it asks ("run document question answering on it with the
            // question 'Which…?'", its position being the file a clause earlier), but "ask the
            // segmented result 'How many…?'" asks the segmentation's result.
            for (double m : f->mentions)
                taken = taken || (takes(m) && !answerVerbIn(from, qsizetype(m)));
        }
        previousTaken = taken;
        if (taken)
            continue;
        // Looked for in the question's clause first (up to the next comma, "and", "then" or
        // arrow), then in its sentence: "… -> from that ask 'Why…?' -> … gen a pic …" asks
        // the translation, not the picture three steps later in the same sentence.
        const qsizetype end = clauseEnd(t, *sentence, pos + 5); // after the QUOTE token
        auto nearestIn = [&](const QRegularExpression &re, qsizetype start, qsizetype stop) {
            qsizetype best = -1;
            // A document word inside a file name counts ("insurance_claim_form.png").
            const QString s = &re == &documentWord ? fileNameWords(t.mid(start, stop - start))
                                                   : t.mid(start, stop - start);
            for (auto it = re.globalMatch(s); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                // A file named for a document ("invoice.png", "insurance_claim_form.png", "my
                // lease scan 'page2.png'") is a document, not a picture.
                if (&re == &imageWord && m.captured(0).startsWith(QLatin1Char('.'))) {
                    const QString before = s.left(m.capturedStart());
                    if (documentWord.match(fileNameWords(before.section(QLatin1Char(' '), -1)))
                            .hasMatch() ||
                        documentWord.match(before.section(QLatin1Char(' '), -2, -2)).hasMatch())
                        continue;
                }
                const qsizetype d = std::abs(start + m.capturedStart() - pos);
                if (best < 0 || d < best)
                    best = d;
            }
            return best;
        };
        const bool image = r.media.contains(QStringLiteral("image"));
        qsizetype doc = image ? nearestIn(documentWord, from, end) : -1;
        qsizetype img = image ? nearestIn(imageWord, from, end) : -1;
        qsizetype txt = nearestIn(textWord, from, end);
        // No word for it in the clause, but "that", "it": the result of the step just before
        // ("translate … -> from that ask 'Why…?'" asks the translation, a text).
        static const QRegularExpression anaphor(
            QStringLiteral(R"(\b(that|it|this|the result|the answer|the output)\b)"));
        if (doc < 0 && img < 0 && txt < 0 &&
            anaphor.match(QStringView(t).mid(from, end - from)).hasMatch()) {
            const TaskKind *previous = nullptr;
            double previousAt = -1;
            // A step of the same sentence that makes something to ask; an answering step found
            // there ("the invoice 'x.png': ask it 'Which…?'") is the one the question goes to.
            for (auto f = found.cbegin(); f != found.cend(); ++f)
                if (f->position < from && f->position >= sentence->start &&
                    f->position > previousAt && !answerers.contains(f.key()) && cat.task(f.key())) {
                    previous = cat.task(f.key());
                    previousAt = f->position;
                }
            if (previous && previous->outputTypes.contains(QLatin1String("text")))
                txt = 0;
            else if (previous && previous->outputTypes.contains(QLatin1String("image")))
                img = 0;
        }
        // The sentence that sets the scene where `reader` was found, when it was found only
        // there, before the question's sentence (nullptr otherwise).
        auto onlyInScene = [&](const QString &reader) -> const Sentence * {
            const auto f = found.constFind(reader);
            if (f == found.cend() || f->position >= sentence->start ||
                !std::all_of(f->mentions.cbegin(), f->mentions.cend(),
                             [&](double m) { return m < sentence->start; }))
                return nullptr;
            const Sentence *scene = sentenceAt(sentences, qsizetype(f->position));
            return isBackground(t, scene) ? scene : nullptr;
        };
        // Still no word for it in the clause ("Could you find out 'Who…?'"), after a sentence
        // that only sets the scene with a picture or document whose reader was found there ("I've
        // scanned a contract as 'contract.png'."): that reader is asked, not whatever the rest of
        // the sentence names ("… then I need a brief summary of that answer"). Only for the
        // first ask after the scene (no step found between them), and not when the clause points
        // back at a result ("answer me this question from it: '…?'").
        QString sceneReader;
        if (doc < 0 && img < 0 && txt < 0 &&
            !anaphor.match(QStringView(t).mid(from, end - from)).hasMatch())
            for (int a = 1; a < answerers.size() && sceneReader.isEmpty(); ++a) {
                const Sentence *scene = onlyInScene(answerers.at(a));
                if (scene && std::none_of(found.cbegin(), found.cend(), [&](const auto &o) {
                        return o.position >= double(scene->end) && o.position < double(from);
                    }))
                    sceneReader = answerers.at(a);
            }
        if (doc < 0 && img < 0 && txt < 0 && sceneReader.isEmpty()) {
            doc = image ? nearestIn(documentWord, sentence->start, sentence->end) : -1;
            img = image ? nearestIn(imageWord, sentence->start, sentence->end) : -1;
            txt = nearestIn(textWord, sentence->start, sentence->end);
        }
        auto closest = [](qsizetype a, qsizetype b) { return a >= 0 && (b < 0 || a <= b); };
        QString kind;
        if (!sceneReader.isEmpty())
            kind = sceneReader;
        else if (closest(doc, img) && closest(doc, txt))
            kind = answerers.at(2);
        else if (closest(img, txt) && img >= 0)
            kind = answerers.at(1);
        else if (txt >= 0)
            kind = answerers.at(0);
        else if (image && r.quotes.size() == 1)
            kind = documentWord.match(t).hasMatch() ? answerers.at(2) : answerers.at(1);
        else
            kind = answerers.at(0);
        // A question put to a chat with nothing else to read is the chat's opening line
        // ("chat with me a while: 'Any tips for …?'"): there is no text to answer it from.
        // Asked to be answered ("from the summary, answer 'When…?'"), it still is.
        static const QRegularExpression answerFrom(QStringLiteral(
            R"(\b(answer\w*|ask|asking|query|look up|find out|based on|using|context|according to)\b)"));
        if (kind == answerers.at(0) && onlyTheQuestion &&
            found.contains(QStringLiteral("Conversational")) &&
            !answerFrom.match(QStringView(t).mid(sentence->start, pos - sentence->start))
                 .hasMatch())
            continue;
        if (!cat.task(kind))
            continue;
        // A picture question whose other reader was found only where the request sets the scene
        // ("I have a document image 'form.png'. … answer 'What date…?' using that depth image"):
        // that reader asks it, here.
        if (!found.contains(kind) && kind != answerers.at(0)) {
            const QString &other = kind == answerers.at(1) ? answerers.at(2) : answerers.at(1);
            if (onlyInScene(other))
                kind = other;
        }
        if (found.contains(kind)) {
            // Found by a word before the question's sentence ("a document image 'form.png'"),
            // the step asks the question where the request quotes it.
            RequestReading::Detected &d = found[kind];
            if (d.position < sentence->start)
                d.position = double(from);
            continue;
        }
        // Above every cue weight: a quoted question is not a doubtful reading, and the exclusions
        // that drop a weak answering step beside another ("below") must not drop it.
        const double certain = 2;
        found.insert(kind, {kind, certain, double(from)});
    }
}

void LocalPlanner::supplementSteps(const QString &t, const QSet<QString> &media,
                                   QHash<QString, RequestReading::Detected> &found) const
{
    const QList<Sentence> sentences = splitSentences(t);
    static const QRegularExpression connective(QStringLiteral(
        R"(\b(then|after that|afterwards|after this|next(?! to\b)|finally|lastly|subsequently|followed by)\b|->|→)"));
    // At least one word that only this kind's description and synonyms use, and half as much
    // again as the next kind: a step's words must name one task, not merely fit several.
    const double minScore = m_words.distinctiveWeight();
    const double margin = 1.5;
    const Catalog &cat = catalog();
    QList<QPair<qsizetype, qsizetype>> segments;
    for (const Sentence &s : sentences) {
        qsizetype start = s.start;
        bool any = false;
        auto it = connective.globalMatch(QStringView(t).mid(s.start, s.end - s.start));
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            segments << qMakePair(start, s.start + m.capturedStart());
            start = s.start + m.capturedEnd();
            any = true;
        }
        if (any)
            segments << qMakePair(start, s.end);
    }
    QList<RequestReading::Detected> added;
    for (const auto &seg : segments) {
        bool has = false;
        for (auto f = found.cbegin(); f != found.cend(); ++f)
            has = has || (f->position >= seg.first && f->position < seg.second);
        if (has)
            continue;
        const QStringList words = TaskWordModel::stems(
            t.mid(seg.first, seg.second - seg.first).remove(QStringLiteral("QUOTE")));
        const QList<QPair<QString, double>> ranked = m_words.rank(words);
        auto fed = [&](const QString &task) {
            const TaskKind *k = cat.task(task);
            if (!k)
                return false;
            for (const QString &type : k->inputTypes) {
                bool ok = type == QLatin1String("text") || media.contains(type);
                for (auto f = found.cbegin(); f != found.cend() && !ok; ++f)
                    if (const TaskKind *p = cat.task(f.key()))
                        ok = p->outputTypes.contains(type);
                if (!ok)
                    return false;
            }
            return true;
        };
        QList<QPair<QString, double>> fit;
        for (const auto &c : ranked)
            if (fed(c.first))
                fit << c;
        if (fit.isEmpty() || found.contains(fit.first().first) || fit.first().second < minScore ||
            (fit.size() > 1 && fit.first().second < margin * fit.at(1).second))
            continue;
        added << RequestReading::Detected{fit.first().first, m_lexicon.threshold,
                                          double(seg.first)};
    }
    for (const auto &d : added)
        if (!found.contains(d.task))
            found.insert(d.task, d);
}

RequestReading LocalPlanner::read(const QString &request) const
{
    RequestReading r;
    const QString lowered = request.toLower();
    QString t = lowered;
    t = replaceQuotes(t, QLatin1Char('\''), &r.quotes);
    t = replaceQuotes(t, QLatin1Char('"'), &r.quotes);
    r.normalized = t;
    for (auto it = mediaFilePatterns().cbegin(); it != mediaFilePatterns().cend(); ++it)
        if (it.value().match(t).hasMatch() ||
            mediaWordPatterns().value(it.key()).match(t).hasMatch())
            r.media.insert(it.key());
    static const QRegularExpression fileRe(fileNamePattern());
    auto files = fileRe.globalMatch(request);
    QHash<QString, int> fileMedia; // how many different files of each medium it names
    while (files.hasNext()) {
        const QString f = files.next().captured(0);
        if (!r.files.contains(f, Qt::CaseInsensitive))
            for (auto it = mediaFilePatterns().cbegin(); it != mediaFilePatterns().cend(); ++it)
                if (it.value().match(f.toLower()).hasMatch())
                    ++fileMedia[it.key()];
        r.files << f;
    }

    const QSet<QString> inputMedia = inputFileMedia(t);

    // 1. Cues: the best-scoring cue of each task kind, first mention on ties. The position is
    // that of the best cue, not of the first mention: a request often names a step loosely
    // ("the spoken commands", "into an image") before it asks for it in so many words.
    const QList<Sentence> sentences = splitSentences(t);
    QHash<QString, RequestReading::Detected> found;
    QHash<QString, double> referredToLater; // see below, after 1a
    for (const TaskCues &tc : m_lexicon.tasks) {
        bool have = false;
        RequestReading::Detected best{tc.task, 0, 0};
        QList<double> mentions;
        for (const TaskCue &cue : tc.cues) {
            if (!cue.requiresMedium.isEmpty() && !r.media.contains(cue.requiresMedium))
                continue;
            if (!cue.forbidsMedium.isEmpty() && r.media.contains(cue.forbidsMedium))
                continue;
            if (!cue.forbidsFile.isEmpty() && fileMedia.contains(cue.forbidsFile))
                continue;
            if (!cue.withTask.isEmpty() && !found.contains(cue.withTask))
                continue;
            auto it = cue.pattern.globalMatch(t);
            bool first = true; // the cue's first match decides; later ones only mark mentions
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                if (cue.cancelInSentence.isValid() && !cue.cancelInSentence.pattern().isEmpty() &&
                    cue.cancelInSentence
                        .match(sentenceAround(t, sentences, m.capturedStart(), m.capturedEnd()))
                        .hasMatch())
                    continue;
                if (declined(t, sentences, m.capturedStart()))
                    continue;
                const double position = cue.namesResult
                                            ? double(clauseStart(t, sentences, m.capturedStart()))
                                            : double(m.capturedStart());
                if (cue.weight >= m_lexicon.threshold)
                    mentions << position;
                if (first && (!have || cue.weight > best.score ||
                              (cue.weight == best.score && position < best.position))) {
                    best.score = cue.weight;
                    best.position = position;
                    have = true;
                }
                first = false;
            }
        }
        if (have && best.score >= m_lexicon.threshold) {
            std::sort(mentions.begin(), mentions.end());
            best.mentions = mentions;
            // Named first in a sentence that only sets the scene ("I took a blurry photo of a
            // printed table.") and asked for later: the step is where it is asked for.
            if (isBackground(t, sentenceAt(sentences, qsizetype(best.position)))) {
                for (double m : mentions)
                    if (m > best.position &&
                        !isBackground(t, sentenceAt(sentences, qsizetype(m)))) {
                        best.position = m;
                        break;
                    }
                if (isBackground(t, sentenceAt(sentences, qsizetype(best.position))))
                    if (const qsizetype later =
                            laterReference(t, sentences, qsizetype(best.position));
                        later >= 0)
                        referredToLater.insert(tc.task, double(later));
            }
            found.insert(tc.task, best);
        }
    }
    // 1a. A question the request quotes is to be answered: by the answering step that fits what
    // it is asked of (a document, a picture, a text), unless a step of its clause takes it.
    answerQuotedQuestions(lowered, t, r, found);
    // A step that takes two inputs, named only in a scene-setting sentence by the thing it works
    // on ("I also have a scanned shopping list, 'list.png'."), and not placed by a question: it
    // stands where the request comes back to that thing ("use the detected items as the
    // question to the shopping list"), as its other input may be made by then. (A step that
    // takes one input can work on the thing at once.)
    for (auto it = referredToLater.cbegin(); it != referredToLater.cend(); ++it) {
        const auto f = found.find(it.key());
        const TaskKind *kind = catalog().task(it.key());
        if (f == found.end() || !kind || kind->inputTypes.size() < 2 ||
            !isBackground(t, sentenceAt(sentences, qsizetype(f->position))))
            continue;
        // The clause that comes back to the thing must be no other step's: in "summarize the
        // answer from the menu" the menu is what an earlier answer came from.
        const qsizetype at = qsizetype(it.value());
        const Sentence *sentence = sentenceAt(sentences, at);
        const qsizetype from = clauseStart(t, sentences, at);
        const qsizetype to = sentence ? clauseEnd(t, *sentence, at) : t.size();
        if (std::none_of(found.cbegin(), found.cend(), [&](const RequestReading::Detected &o) {
                return o.task != it.key() && o.position >= from && o.position < to;
            }))
            f->position = it.value();
    }
    // A goal stated first: its steps stand where the recipe after it asks for them again. The
    // question it quotes is answered last when the recipe ends by asking "the question".
    if (!sentences.isEmpty() && isGoalStatement(t, sentences, &sentences.first())) {
        const Sentence &goal = sentences.first();
        static const QRegularExpression askTheQuestion(
            QStringLiteral(R"(\b(ask|answer)\w* (the|my|that|this) question\b)"));
        const bool askedLast = askTheQuestion.match(QStringView(t).mid(goal.end)).hasMatch();
        // A step described again before the recipe stands where the recipe asks for it.
        const Recipe recipeFound = recipeAfter(t, goal.end);
        const qsizetype recipe = recipeFound.start;
        for (auto f = found.begin(); f != found.end(); ++f) {
            if (f->position >= (recipe >= 0 ? recipe : goal.end))
                continue;
            double again = recipe >= 0 ? f->firstMentionFrom(double(recipe)) : -1;
            if (again < 0)
                again = f->firstMentionFrom(double(goal.end));
            if (again >= 0)
                f->position = again;
            // The quoted question's answer, or a step of the goal that the recipe does not name
            // again: the deliverable, last.
            else if ((f->mentions.isEmpty() && askedLast) ||
                     (recipeFound.announced && f->position < goal.end))
                f->position = double(t.size());
        }
    }
    // A purpose clause that opens a sentence names the goal, not the first step: "In order to
    // make a poster of it, first transcribe …; …; then generate an image from the summary" and
    // "So that a chatbot has something to react to, first finish my sentence …; then get the
    // chatbot's reply": a step named there and again later stands where it is named again.
    {
        static const QRegularExpression purpose(
            QStringLiteral(R"(^\W*(in order to|so that|so as to|to(?! be clear\b))\s[^,;:]*)"));
        for (const Sentence &s : sentences) {
            const QRegularExpressionMatch m =
                purpose.match(QStringView(t).mid(s.start, s.end - s.start));
            if (!m.hasMatch())
                continue;
            const double from = double(s.start), to = double(s.start + m.capturedEnd());
            for (auto f = found.begin(); f != found.end(); ++f)
                if (f->position >= from && f->position < to) {
                    const double again = f->firstMentionFrom(to);
                    if (again >= 0)
                        f->position = again;
                }
        }
    }
    // A ticket's title and background ask nothing: their steps stand where its asks name them.
    readTicket(t, sentences, found);
    // 1b. Steps the request puts in sequence ("…, then …", "after that …", "finally …") but where
    // no cue found a task: such a step gets the task its own words describe best (TaskWordModel:
    // the task descriptions and general synonyms), when they point clearly to one kind whose
    // input the request or a found step provides.
    supplementSteps(t, r.media, found);
    // 1c. Nothing reached the threshold but the request names an input (a file, a medium, a
    // quotation): one best guess from the task descriptions, among the kinds that can take what
    // the request names (a request about an image gets a task that reads images).
    // Without an input, only when its words name one kind (a word that only that kind uses).
    const bool namesInput = !r.files.isEmpty() || !r.media.isEmpty() || !r.quotes.isEmpty();
    if (found.isEmpty()) {
        const QStringList words = TaskWordModel::stems(QString(t).remove(QStringLiteral("QUOTE")));
        const QList<QPair<QString, double>> ranked = m_words.rank(words);
        double total = 0;
        for (const auto &c : ranked)
            total += c.second;
        auto fits = [&](const QString &task) {
            const TaskKind *k = catalog().task(task);
            if (!k)
                return false;
            for (const QString &type : k->inputTypes)
                if (type != QLatin1String("text") && !r.media.contains(type))
                    return false; // it needs a medium the request does not have
            // A request that gives a file of a medium wants a task that reads it.
            for (const QString &m : inputMedia)
                if (!k->inputTypes.contains(m))
                    return false;
            return true;
        };
        for (const auto &c : ranked)
            if (fits(c.first)) {
                if (!namesInput && c.second < m_words.distinctiveWeight())
                    break;
                found.insert(c.first, {c.first, total > 0 ? c.second / total : 0, 0});
                r.guessed = true;
                break;
            }
        if (!r.guessed && namesInput) {
            // No word of any description: the commonest reading of the medium it names.
            const QString task = r.media.contains(QStringLiteral("image"))
                                     ? QStringLiteral("Image Classification")
                                 : r.media.contains(QStringLiteral("audio"))
                                     ? QStringLiteral("Automatic Speech Recognition")
                                     : QStringLiteral("Text Generation");
            if (catalog().task(task)) {
                found.insert(task, {task, 0, 0});
                r.guessed = true;
            }
        }
    }
    // 2. Conflicts, then tasks that must be fed by a particular step.
    for (const Exclusion &x : m_lexicon.exclusions)
        if (found.contains(x.ifTask) && found.contains(x.dropTask) &&
            found.value(x.dropTask).score < x.below &&
            (x.singleFile.isEmpty() || fileMedia.value(x.singleFile) <= 1)) {
            // The kept answering step, named only where the request sets the scene ("I have a
            // scanned form 'form.png'. … finally ask that depth image 'What…?'"), asks where the
            // dropped reading of the question was asked. (Only for the two picture readers: a
            // question stands where it is put; other steps' dropped readings may be later words.)
            auto picture = [](const QString &task) {
                return answeringTasks().indexOf(task) >= 1; // the picture or document reader
            };
            RequestReading::Detected &kept = found[x.ifTask];
            const double asked = found.value(x.dropTask).position;
            if (picture(x.ifTask) && picture(x.dropTask) && asked > kept.position &&
                isBackground(t, sentenceAt(sentences, qsizetype(kept.position))) &&
                !isBackground(t, sentenceAt(sentences, qsizetype(asked))) &&
                kept.firstMentionFrom(asked) < 0)
                kept.position = asked;
            found.remove(x.dropTask);
        }
    for (const auto &rule : m_lexicon.requiredSources) {
        const QString &task = rule.first;
        if (!found.contains(task))
            continue;
        const TaskKind *kind = catalog().task(task);
        if (!kind || kind->inputTypes.isEmpty())
            continue;
        bool fed = false;
        for (auto f = found.cbegin(); f != found.cend(); ++f) {
            const TaskKind *k = catalog().task(f.key());
            if (f.key() != task && k && k->outputTypes.contains(kind->inputTypes.first()))
                fed = true;
        }
        if (!fed)
            found.insert(rule.second, {rule.second, 1, found.value(task).position - 0.5});
    }
    // 2b. Data flow from the request's own inputs: a file the request names is there to be read.
    // When no planned step takes its medium, the step that turns it into what the first planned
    // consumer takes is added before that consumer ("summarize 'lecture.wav'" needs the speech
    // recognised first; "translate what 'sign.jpg' says" needs the text read off the image).
    if (!found.isEmpty())
        bridgeInputs(t, inputMedia, found);
    // 3. Order: sensing steps first, then by first mention; generators after the text they show.
    QList<RequestReading::Detected> order = found.values();
    auto sensing = [&](const QString &task) {
        const TaskKind *k = catalog().task(task);
        return k && k->sensing;
    };
    std::sort(order.begin(), order.end(), [&](const auto &a, const auto &b) {
        const bool sa = sensing(a.task), sb = sensing(b.task);
        if (sa != sb)
            return sa;
        if (a.position != b.position)
            return a.position < b.position;
        return a.task < b.task;
    });
    for (const QString &g : m_lexicon.lateGenerators) {
        int at = -1;
        for (int i = 0; i < order.size(); ++i)
            if (order.at(i).task == g)
                at = i;
        if (at < 0)
            continue;
        // Not when the request quotes its text right there, nor when an earlier step already
        // makes text for it ("extract the text, then use it to generate an image").
        const qsizetype pos = qsizetype(order.at(at).position);
        if (t.mid(std::max<qsizetype>(0, pos - 60), pos < 60 ? pos + 60 : 120)
                .contains(QLatin1String("QUOTE")))
            continue;
        auto makesText = [&](int i) {
            const TaskKind *k = catalog().task(order.at(i).task);
            return k && k->outputTypes.contains(QLatin1String("text")) &&
                   !m_lexicon.terminal.contains(k->id);
        };
        const TaskKind *gk = catalog().task(g);
        int lastText = -1;
        for (int i = at + 1; i < order.size(); ++i) {
            const TaskKind *k = catalog().task(order.at(i).task);
            bool consumes = false; // a step that uses what the generator makes stays after it
            for (const QString &type : gk ? gk->outputTypes : QStringList())
                consumes = consumes || (k && k->inputTypes.contains(type));
            if (consumes)
                break;
            if (makesText(i))
                lastText = i;
        }
        if (lastText >= 0)
            order.move(at, lastText); // lands right after the last text producer
    }
    // 3b. Data flow: a step that reads a type the request does not give moves after the first
    // later step that makes it. "I need a written overview of 'room.jpg': … detect the objects …
    // and summarize them" names the summary first, but it is written from the objects found.
    // Text is given by a quotation, a text file, or by the request itself when it names no file;
    // a step that also reads another input (a question about a picture) may take its text from
    // the request.
    {
        QSet<QString> given = inputMedia;
        bool textGiven = !r.quotes.isEmpty() || inputMedia.isEmpty();
        for (const QString &f : r.files)
            textGiven = textGiven || isTextFileName(f.toLower());
        if (textGiven)
            given.insert(QStringLiteral("text"));
        auto planned = [&](const QString &task) -> const TaskKind * {
            const TaskKind *k = catalog().task(task);
            return k && !k->sensing && k->source != QLatin1String("paper") ? k : nullptr;
        };
        // The producer's cue matched later in the consumer's own clause (no comma, "and" or
        // "then" between them).
        auto objectOfClause = [&](double consumerAt, double producerAt) {
            const qsizetype c = qsizetype(consumerAt), p = qsizetype(producerAt);
            const Sentence *sentence = sentenceAt(sentences, c);
            return sentence && p > c && p < sentence->end && clauseEnd(t, *sentence, c + 1) > p;
        };
        for (int pass = 0; pass < order.size(); ++pass) {
            bool moved = false;
            QSet<QString> have = given;
            for (int i = 0; i < order.size() && !moved; ++i) {
                const TaskKind *k = planned(order.at(i).task);
                if (!k)
                    continue;
                QString missing;
                for (const QString &type : k->inputTypes)
                    if (!have.contains(type) &&
                        !(type == QLatin1String("text") && k->inputTypes.size() > 1)) {
                        missing = type;
                        break;
                    }
                for (int j = i + 1; j < order.size() && !missing.isEmpty() && !moved; ++j) {
                    const TaskKind *p = planned(order.at(j).task);
                    // Only a step the request names again after its producer (a goal stated
                    // first is asked for again as a step; a stray reading is not), or one whose
                    // own clause names the producer as what it works on: "reply to what's
                    // written on the note" replies to the text read off the note.
                    if (p && p->outputTypes.contains(missing) &&
                        !m_lexicon.terminal.contains(p->id) &&
                        (order.at(i).lastPosition() >= order.at(j).position ||
                         objectOfClause(order.at(i).position, order.at(j).position))) {
                        order.move(i, j); // lands right after its producer
                        moved = true;
                    }
                }
                if (!moved)
                    for (const QString &type : k->outputTypes)
                        have.insert(type);
            }
            if (!moved)
                break;
        }
    }
    // 3c. A result named as one nested phrase is read inside out: "the Spanish translation of the
    // summary of the transcript of 'memo.wav'" transcribes, then summarizes, then translates. A
    // step whose words (at most three) are followed by "of" or "from" and then, after at most two
    // more words, by the next step's cue in the same sentence works on that step's result.
    {
        static const QRegularExpression nests(QStringLiteral(
            R"(^(?!(ask|asks|asking|asked|query|queries|querying)\b)[\w'-]+( (?!(of|from|in|for|and|then|to|QUOTE)\b)[\w'-]+){0,2} (of|from) (the |an? |its |their |this |that |my |your )?((?!(of|from|in|for|and|then|to|QUOTE)\b)[\w'-]+ ){0,2}$)"));
        // Steps by where they are named; a chain is a run of neighbours each nesting the next.
        QList<int> byPosition;
        for (int i = 0; i < order.size(); ++i)
            byPosition << i;
        std::sort(byPosition.begin(), byPosition.end(),
                  [&](int a, int b) { return order.at(a).position < order.at(b).position; });
        // The inner step must be named by what it makes ("the summary", "the transcript"), not
        // by a phrase that only qualifies ("… of the result in German") or names an answer.
        static const QRegularExpression qualifier(QStringLiteral(
            R"(^(in|into|to|as|with|from|for|by|answer|result|output|reply|response)\b)"));
        auto nestsNext = [&](int a, int b) {
            const qsizetype pa = qsizetype(order.at(a).position);
            const qsizetype pb = qsizetype(order.at(b).position);
            return pb > pa && sentenceAt(sentences, pa) == sentenceAt(sentences, pb) &&
                   nests.match(QStringView(t).mid(pa, pb - pa)).hasMatch() &&
                   !qualifier.match(QStringView(t).mid(pb)).hasMatch() &&
                   produces(order.at(b).task, order.at(a).task);
        };
        for (int k = 0; k + 1 < byPosition.size();) {
            int end = k;
            while (end + 1 < byPosition.size() &&
                   nestsNext(byPosition.at(end), byPosition.at(end + 1)))
                ++end;
            if (end > k) {
                // The chain's steps keep their places in `order`, filled inside out.
                QList<int> slots;
                QList<RequestReading::Detected> chain;
                for (int m = k; m <= end; ++m) {
                    slots << byPosition.at(m);
                    chain.prepend(order.at(byPosition.at(m)));
                }
                std::sort(slots.begin(), slots.end());
                for (int m = 0; m < slots.size(); ++m)
                    order[slots.at(m)] = chain.at(m);
            }
            k = end + 1;
        }
    }
    // 3d. An afterthought that puts a step earlier: "Summarize it and read it aloud. Oh, and
    // before that, translate it." runs the translation before the sentence it refers to;
    // "…, but first clean up the audio" before the steps of its own sentence; "Actually, first
    // …" or "before any of that" before every step.
    {
        static const QRegularExpression opening(QStringLiteral(
            R"(^\s*((oh|and|actually|wait|oops|sorry|also|ah)\b,?\s*)*(before (that|this|doing (that|this|so)|you do (that|this))|(but )?first,? though|(before (any|all) of (that|this)|before anything else|first of all|but first|first)\b))"));
        static const QRegularExpression inClause(QStringLiteral(
            R"((,|;|:|\band\b)\s*((oh|actually|wait)\b,?\s*)*(but first|first,? though|before (that|this|doing (that|this|so)|you do (that|this)))\b)"));
        auto moveBefore = [&](qsizetype from, qsizetype to, double target) {
            // Steps named in [from, to) go before the first step at or after `target`.
            QList<RequestReading::Detected> moved, kept;
            for (const auto &d : order)
                (d.position >= from && d.position < to ? moved : kept) << d;
            if (moved.isEmpty() || moved.size() == order.size())
                return;
            qsizetype at = kept.size();
            for (qsizetype i = 0; i < kept.size(); ++i)
                if (kept.at(i).position >= target) {
                    at = i;
                    break;
                }
            if (at == kept.size())
                return; // nothing named there to go before
            const double before = kept.at(at).position;
            for (qsizetype i = 0; i < moved.size(); ++i) {
                // Already earlier (a "First, …" sentence that is first anyway): keep its place.
                if (moved.at(i).position > before)
                    moved[i].position = before - 0.5 + 0.01 * double(i);
                kept.insert(at + i, moved.at(i));
            }
            order = kept;
        };
        for (qsizetype k = 0; k < sentences.size(); ++k) {
            const Sentence &s = sentences.at(k);
            const QStringView body = QStringView(t).mid(s.start, s.end - s.start);
            const QRegularExpressionMatch m = opening.match(body);
            if (m.hasMatch() && k > 0) {
                // "before that" refers to the sentence before; "first" to the whole request.
                static const QRegularExpression thatOne(
                    QStringLiteral(R"(^before (that|this|doing|you))"));
                const bool beforeAll = !thatOne.match(m.captured(3)).hasMatch();
                moveBefore(s.start, s.end + 1, beforeAll ? -1 : double(sentences.at(k - 1).start));
                continue;
            }
            const QRegularExpressionMatch c = inClause.match(body);
            if (c.hasMatch())
                moveBefore(s.start + c.capturedStart(), s.end + 1, double(s.start));
        }
    }
    // 3e. A correction that restates the order: "Oh wait, before classifying, segment the photo
    // and classify the segmented version", "Ah, I forgot: segment it first and caption the
    // segmented picture", "To be clear on the order, though: first classify …, then write …",
    // "…, so actually, before all that, ask …, give the answer to the chatbot, then …". The steps
    // it names run in the order it names them, as one block where the earliest of them stood
    // (first of all when it says "first" or "before all that"); a step named only in its
    // "before <doing> …" phrase runs after the others it names.
    {
        static const QRegularExpression correction(QStringLiteral(
            R"(^\s*(((oh|ah|hmm+|right|wait|actually|oops|sorry|ok|okay|well|no)\b[,.!]?\s*)+|(to be clear|let me (back up|explain|rephrase)|i forgot|i should have said|correction|scratch that|on second thought|in other words|so)\b))"));
        static const QRegularExpression beforeAllInClause(QStringLiteral(
            R"((,|;|:|\band\b|\bso\b)\s*((oh|actually|wait)\b,?\s*)*before (all|any|anything)( of)?( that| this| else)?\b)"));
        static const QRegularExpression orderWord(
            QStringLiteral(R"(\b(first|then|before|after|next|finally|instead|order)\b)"));
        static const QRegularExpression firstOfAll(QStringLiteral(
            R"((?<!\bthe )(?<!\bmy )(?<!\ba )(?<!\byour )(?<!\bits )(?<!\btheir )(?<!\bour )\bfirst\b|\bbefore (all|any|anything)\b)"));
        // "before classifying it", "before you try to identify the bird": up to the clause's end.
        static const QRegularExpression beforeDoing(QStringLiteral(
            R"(\bbefore (?!(that|this|all|any|anything|doing (that|this|so))\b)(you (try to |can |do |start )?)?[\w'-]+[^,.;:?!]*)"));
        auto restate = [&](qsizetype from, qsizetype to, bool atFront) {
            const QStringView region = QStringView(t).mid(from, to - from);
            QList<QPair<qsizetype, qsizetype>> before; // the "before <doing> …" phrases
            for (auto it = beforeDoing.globalMatch(region); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                before << qMakePair(from + m.capturedStart(), from + m.capturedEnd());
            }
            auto inBefore = [&](double at) {
                for (const auto &b : before)
                    if (at >= double(b.first) && at < double(b.second))
                        return true;
                return false;
            };
            QList<QPair<double, int>> named; // (where named, index in order)
            QList<int> after;                // named only in a "before" phrase
            for (int i = 0; i < order.size(); ++i) {
                double at = -1;
                bool inPhrase = false;
                for (double m : order.at(i).mentions) {
                    if (m < double(from) || m >= double(to))
                        continue;
                    if (inBefore(m)) {
                        inPhrase = true;
                        continue;
                    }
                    at = m;
                    break;
                }
                if (at >= 0)
                    named << qMakePair(at, i);
                else if (inPhrase)
                    after << i;
            }
            if (named.isEmpty() || named.size() + after.size() < 2)
                return;
            std::sort(named.begin(), named.end());
            // A step named in the "before" phrase and again after it ("before classifying,
            // segment it and classify the segmented version") keeps its later place.
            QList<int> block;
            for (const auto &n : named)
                block << n.second;
            block << after;
            int first = order.size();
            for (int i : block)
                first = std::min(first, i);
            QList<RequestReading::Detected> rest, moved;
            int at = 0;
            for (int i = 0; i < order.size(); ++i)
                if (!block.contains(i)) {
                    if (i < first)
                        ++at;
                    rest << order.at(i);
                }
            for (int i : block)
                moved << order.at(i);
            if (atFront)
                at = 0;
            for (int i = 0; i < moved.size(); ++i)
                rest.insert(at + i, moved.at(i));
            order = rest;
        };
        for (qsizetype k = 1; k < sentences.size(); ++k) {
            const Sentence &s = sentences.at(k);
            const QStringView body = QStringView(t).mid(s.start, s.end - s.start);
            if (const QRegularExpressionMatch c = beforeAllInClause.match(body); c.hasMatch()) {
                restate(s.start + c.capturedStart(), s.end + 1, true);
                continue;
            }
            if (correction.match(body).hasMatch() && orderWord.match(body).hasMatch())
                restate(s.start, s.end + 1, firstOfAll.match(body).hasMatch());
        }
    }
    readStepReferences(t, order);
    r.tasks = order;

    for (const DeviceCue &d : m_lexicon.devices)
        if (d.pattern.match(t).hasMatch()) {
            r.impliedDevice = d.device;
            break;
        }
    return r;
}

bool LocalPlanner::produces(const QString &producer, const QString &consumer) const
{
    if (m_lexicon.terminal.contains(producer))
        return false;
    const TaskKind *p = catalog().task(producer);
    const TaskKind *c = catalog().task(consumer);
    if (!p || !c)
        return false;
    for (const QString &type : c->inputTypes)
        if (p->outputTypes.contains(type))
            return true;
    return false;
}

Result<Plan> LocalPlanner::planNow(const QString &request) const
{
    QElapsedTimer timer;
    timer.start();
    const Catalog &cat = catalog();
    const RequestReading reading = read(request);
    if (reading.tasks.isEmpty())
        return Result<Plan>::failure(
            QStringLiteral("no task in the catalog matches the request (try naming what to do: "
                           "classify, caption, detect, transcribe, translate, summarize…)"));

    Plan plan;
    plan.request = request;
    const Device *implied =
        reading.impliedDevice.isEmpty() ? nullptr : cat.device(reading.impliedDevice);
    const Device *fallback = cat.device(m_lexicon.defaultDevice);

    // Which producer feeds each task: preferred sources, else the latest earlier producer of a
    // type it takes. Per-source tasks get one instance per independent producer of their input.
    struct Step
    {
        QString task;
        int source = -1; // index into steps
        int second = -1; // a comparer's second source
        double at = -1;  // where the request names it (-1: added for another step)
    };
    QList<Step> steps;
    QStringList kinds;
    for (const auto &d : reading.tasks)
        kinds << d.task;
    QSet<QString> preferredProducers;
    for (const QString &k : kinds)
        for (const QString &p : m_lexicon.preferSource.value(k))
            if (kinds.contains(p))
                preferredProducers.insert(p);
    auto producesMain = [&](const QString &producer, const QString &consumer) {
        const TaskKind *p = cat.task(producer);
        const TaskKind *c = cat.task(consumer);
        return produces(producer, consumer) && p && c && !p->outputTypes.isEmpty() &&
               c->inputTypes.contains(p->outputTypes.first());
    };
    QList<int> perSourceProducers; // for the per-source kind, if any, by index in `kinds`
    QString perSourceKind;
    for (const QString &k : kinds)
        if (m_lexicon.perSource.contains(k)) {
            for (int i = 0; i < kinds.size(); ++i)
                if (kinds.at(i) != k && produces(kinds.at(i), k) &&
                    !preferredProducers.contains(kinds.at(i)) &&
                    !m_lexicon.perSource.contains(kinds.at(i)))
                    perSourceProducers << i;
            if (perSourceProducers.size() >= 2)
                perSourceKind = k;
            else
                perSourceProducers.clear();
            break;
        }
    // A step whose own words send it back to the request's input ("…, both from the original
    // photo", "separately, answer … about the same image") takes no earlier step's result, when
    // the request provides every type it takes. `separately` says the word was "separately" or
    // "independently".
    const QList<Sentence> sentences = splitSentences(reading.normalized);
    auto readsOriginal = [&](int i, bool *separately) {
        static const QRegularExpression original(QStringLiteral(
            R"(\b(separately|independently|(original|the same)( (image|photo|picture|audio|recording|text))?)\b)"));
        const TaskKind *k = cat.task(kinds.at(i));
        if (!k || i == 0)
            return false;
        for (const QString &type : k->inputTypes)
            if (type != QLatin1String("text") && !reading.media.contains(type))
                return false;
        const qsizetype pos = qsizetype(reading.tasks.at(i).position);
        const Sentence *sentence = sentenceAt(sentences, pos);
        qsizetype end = sentence ? sentence->end : reading.normalized.size();
        for (const auto &other : reading.tasks)
            if (other.position > pos && other.position < end)
                end = qsizetype(other.position);
        const qsizetype start = clauseStart(reading.normalized, sentences, pos);
        const QStringView clause = QStringView(reading.normalized).mid(start, end - start);
        // A step that reads text beside the picture takes the text from the step whose result
        // its clause names: "give the resulting caption to visual question answering together
        // with the same image".
        static const QRegularExpression earlierText(QStringLiteral(
            R"(\b(the resulting|that|this|its|the) (caption|answer|summary|transcript|transcription|translation|label|reply|response|description)\b)"));
        if (k->inputTypes.size() > 1 && k->inputTypes.contains(QLatin1String("text")) &&
            earlierText.match(clause).hasMatch())
            return false;
        // "Separately" and "independently" say how the clause they open goes on: after this
        // step's own clause has ended ("summarize it, and separately identify the entities it
        // mentions"), they speak of the next step, not of this one.
        const qsizetype ownClauseEnd =
            sentence ? clauseEnd(reading.normalized, *sentence, pos) : reading.normalized.size();
        auto it = original.globalMatch(clause);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            if (m.captured(2).isEmpty() && start + m.capturedStart() >= ownClauseEnd)
                continue;
            if (m.captured(2) != QLatin1String("the same") || !m.captured(4).isEmpty()) {
                *separately = m.captured(2).isEmpty();
                // "the original audio" sends a step back to the audio only if it reads audio.
                const QString medium = m.captured(4);
                const QString type =
                    medium.isEmpty() ? QString()
                    : medium == QLatin1String("audio") || medium == QLatin1String("recording")
                        ? QStringLiteral("audio")
                    : medium == QLatin1String("text") ? QStringLiteral("text")
                                                      : QStringLiteral("image");
                if (type.isEmpty() || k->inputTypes.contains(type))
                    return true;
            }
        }
        return false;
    };
    // Whether a mention of step o at m only names its result ("translate the summary"): the
    // request goes on with the same step, it does not start another.
    auto namesResultAt = [&](int o, qsizetype m) {
        const auto name = m_lexicon.resultNames.constFind(kinds.at(o));
        if (name == m_lexicon.resultNames.constEnd())
            return false;
        const Sentence *sentence = sentenceAt(sentences, m);
        const qsizetype from = sentence ? sentence->start : 0;
        const qsizetype to = sentence ? sentence->end : reading.normalized.size();
        for (auto it = name->globalMatch(QStringView(reading.normalized).mid(from, to - from));
             it.hasNext();) {
            const QRegularExpressionMatch r = it.next();
            if (from + r.capturedStart() <= m && m < from + r.capturedEnd())
                return true;
        }
        return false;
    };
    // The span of the request that is step i's own: its sentence, from the first clause boundary
    // after the last mention of another step before it, to the next mention of another step
    // after it (a mention that only names an earlier step's result is part of this step's).
    auto ownSpan = [&](int i) {
        const QString &t = reading.normalized;
        const qsizetype pos = qsizetype(reading.tasks.at(i).position);
        const Sentence *sentence = sentenceAt(sentences, pos);
        const qsizetype floor = sentence ? sentence->start : 0;
        qsizetype to = sentence ? sentence->end : t.size();
        qsizetype last = -1; // the last mention of another step before it, in its sentence
        for (int o = 0; o < kinds.size(); ++o) {
            if (o == i)
                continue;
            const RequestReading::Detected &other = reading.tasks.at(o);
            QList<double> at = other.mentions;
            if (at.isEmpty())
                at << other.position;
            for (double mention : at) {
                const qsizetype m = qsizetype(mention);
                if (m >= floor && m < pos && (o > i || !namesResultAt(o, m)))
                    last = std::max(last, m);
                else if (m > pos && m < to && (o > i || !namesResultAt(o, m)))
                    to = m;
            }
        }
        qsizetype from = floor;
        if (last >= 0) {
            // Past the mention's first word: a mention placed at its clause's start ("then
            // use the story to answer …") begins with the boundary itself.
            static const QRegularExpression firstWord(QStringLiteral(R"(^\W*\w+)"));
            const QStringView rest = QStringView(t).mid(last, pos - last);
            const qsizetype skip = firstWord.match(rest).capturedLength();
            const QRegularExpressionMatch b = clauseBoundary().match(rest.mid(skip));
            from = b.hasMatch() ? last + skip + b.capturedEnd() : pos;
        }
        // Words before the step's own clause are its own only when they lead into it ("then,
        // using both …, answer"): otherwise they end the clause before.
        static const QRegularExpression leadIn(QStringLiteral(
            R"(^\W*(?:(?:then|and|so|finally|next|now|also|lastly|after that)\W+)*(?:using|with|from|based on|taking|given|combining|starting from|take|use)\b)"));
        const qsizetype clause = clauseStart(t, sentences, pos);
        if (clause > from && !leadIn.match(QStringView(t).mid(from, clause - from)).hasMatch())
            from = clause;
        return QStringView(t).mid(from, std::max<qsizetype>(0, to - from));
    };
    // The earlier steps whose results step i's own words name ("using both the detected items
    // and that generated text, answer …", "put that same generated question to the photo"), in
    // the order it names them: the request says which result it reads, and it need not be the
    // latest. A noun several steps make ("the answer", "the label") names the latest of them.
    auto namedResults = [&](int i, QStringView span) {
        struct Name
        {
            qsizetype end = 0;
            int step = -1; // index in kinds
        };
        QMap<qsizetype, Name> byPlace; // where the name starts -> the name
        for (int j = i - 1; j >= 0; --j) {
            const auto name = m_lexicon.resultNames.constFind(kinds.at(j));
            if (name == m_lexicon.resultNames.constEnd())
                continue;
            for (auto it = name->globalMatch(span); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                if (!byPlace.contains(m.capturedStart()))
                    byPlace.insert(m.capturedStart(), Name{m.capturedEnd(), j});
            }
        }
        // "The summary of the tagged entities", "the description of this category": of two
        // results named as one phrase, the later step's is meant (the other is what it was
        // made from, or what describes it).
        for (auto it = byPlace.begin(); it != byPlace.end();) {
            const qsizetype ofAt = it->end + 4; // where a name after " of " starts
            if (!span.mid(it->end).startsWith(QLatin1String(" of ")) || !byPlace.contains(ofAt)) {
                ++it;
            } else if (byPlace.value(ofAt).step > it->step) {
                it = byPlace.erase(it);
            } else {
                byPlace.remove(ofAt);
                ++it;
            }
        }
        QList<int> out;
        for (const Name &n : byPlace)
            if (!out.contains(n.step))
                out << n.step;
        return out;
    };
    const QSet<QString> inputMedia = inputFileMedia(reading.normalized); // the files' media
    const bool questionQuoted = // the request quotes a question (for two-input steps below)
        std::any_of(reading.quotes.cbegin(), reading.quotes.cend(),
                    [](const QString &q) { return q.trimmed().endsWith(QLatin1Char('?')); });
    static const QRegularExpression branch(QStringLiteral(R"(\b(also|same)\b)"));
    QSet<int> sourcedByWords;   // steps whose sources their own words name (index in steps)
    QHash<int, int> stepOfKind; // index in kinds -> index in steps
    for (int i = 0; i < kinds.size(); ++i) {
        const QString &k = kinds.at(i);
        if (k == perSourceKind)
            continue;
        Step s{k, -1, -1, reading.tasks.at(i).position};
        bool separately = false;
        if (readsOriginal(i, &separately)) {
            // "Summarize it, and separately identify the entities it mentions": a sibling of the
            // step before it, reading what that step reads. A step that takes two inputs ("and
            // separately answer '…?' about the photo") reads the request's own.
            const TaskKind *kind = cat.task(k);
            if (separately && kind && kind->inputTypes.size() == 1 && stepOfKind.contains(i - 1)) {
                const int sibling = steps.at(stepOfKind.value(i - 1)).source;
                if (sibling >= 0 && produces(steps.at(sibling).task, k))
                    s.source = sibling;
            }
            stepOfKind.insert(i, steps.size());
            steps << s;
            continue;
        }
        // Numbered steps say which earlier steps each one reads.
        const RequestReading::Detected &d = reading.tasks.at(i);
        const TaskKind *kind = cat.task(k);
        QSet<QString> taken; // input types already fed
        QList<int> sources;  // index in kinds
        for (const QString &source : d.namedSources)
            sources << int(kinds.indexOf(source));
        const QStringView span =
            d.namedSources.isEmpty() && !d.readsRequest ? ownSpan(i) : QStringView();
        if (!span.isEmpty())
            sources << namedResults(i, span);
        for (int j : sources) {
            const TaskKind *p = j >= 0 && j < i ? cat.task(kinds.at(j)) : nullptr;
            if (!p || !kind || !stepOfKind.contains(j) || !produces(kinds.at(j), k))
                continue;
            QString type; // the first input of k this source makes that is not yet fed
            for (const QString &in : kind->inputTypes)
                if (p->outputTypes.contains(in) &&
                    (!taken.contains(in) || kind->inputTypes.count(in) > 1)) {
                    type = in;
                    break;
                }
            if (type.isEmpty())
                continue;
            if (s.source < 0)
                s.source = stepOfKind.value(j);
            else if (s.second < 0)
                s.second = stepOfKind.value(j);
            taken.insert(type);
        }
        // A two-input step whose words name one earlier result reads its other input from the
        // latest earlier step that makes it and whose result nothing reads yet ("edit the
        // generated cabin image so its door is painted in that color", after the answer that
        // gives the color). Not when the request gives that input: its own words (a quotation,
        // a file), a picture or recording the request names, or the question the request
        // quotes for an answering step; nor when the step goes back to a result with "also" or
        // "the same" ("could the same segmented image also be edited …"): a branch beside the
        // step before it.
        if (s.source >= 0 && s.second < 0 && kind && kind->inputTypes.size() == 2 &&
            !span.isEmpty() && !branch.match(span).hasMatch()) {
            static const QRegularExpression ownInput(QStringLiteral("QUOTE|") + fileNamePattern());
            for (const QString &in : kind->inputTypes) {
                if (taken.contains(in) || ownInput.match(span).hasMatch() ||
                    (in != QLatin1String("text") && inputMedia.contains(in)) ||
                    (in == QLatin1String("text") && questionQuoted && answeringTasks().contains(k)))
                    continue;
                for (int j = i - 1; j >= 0 && s.second < 0; --j) {
                    const TaskKind *p = cat.task(kinds.at(j));
                    if (!p || !p->outputTypes.contains(in) || !stepOfKind.contains(j) ||
                        stepOfKind.value(j) == s.source)
                        continue;
                    const int candidate = stepOfKind.value(j);
                    const bool read = std::any_of(steps.cbegin(), steps.cend(), [&](const Step &o) {
                        return o.source == candidate || o.second == candidate;
                    });
                    if (!read)
                        s.second = candidate;
                    break;
                }
            }
        }
        if (s.source >= 0 && d.namedSources.isEmpty())
            sourcedByWords.insert(int(steps.size()));
        // A step that takes one text and quotes it in its own clause ("generate a question from
        // the prompt '…'", "translate this into Italian: '…'") reads the quotation, not an
        // earlier result; "use the result" still reads the step before it.
        auto quotesOwnText = [&] {
            static const QRegularExpression result(
                QStringLiteral(R"(\b(the|that|this|its) (result|output)\b)"));
            if (s.source >= 0 || !kind || kind->inputTypes != QStringList{QStringLiteral("text")} ||
                span.isEmpty() || result.match(span).hasMatch())
                return false;
            const QString &t = reading.normalized;
            const qsizetype pos = qsizetype(d.position);
            const qsizetype spanFrom = span.data() - t.constData();
            const qsizetype spanTo = spanFrom + span.size();
            const qsizetype quote = t.indexOf(QLatin1String("QUOTE"), pos);
            if (quote >= 0 && quote < spanTo) {
                // Nothing between the step and the quotation starts another clause, but a colon
                // that introduces it.
                QStringView between = QStringView(t).mid(pos, quote - pos).trimmed();
                if (between.endsWith(QLatin1Char(':')))
                    between.chop(1);
                if (!clauseBoundary().match(between).hasMatch())
                    return true;
            }
            const qsizetype before = t.lastIndexOf(QLatin1String("QUOTE"), pos);
            return before >= 0 && before >= spanFrom && before >= clauseStart(t, sentences, pos);
        };
        const bool decided = s.source >= 0 || d.readsRequest || quotesOwnText();
        const QStringList preferred = m_lexicon.preferSource.value(k);
        for (int j = i - 1; j >= 0 && s.source < 0 && !decided; --j)
            if (preferred.contains(kinds.at(j)) && stepOfKind.contains(j))
                s.source = stepOfKind.value(j);
        // The latest step whose main (first) output it takes, else the latest that makes any
        // type it takes: object detection's boxed image feeds an image step only when no other
        // step made an image.
        for (int j = i - 1; j >= 0 && s.source < 0 && !decided; --j)
            if (producesMain(kinds.at(j), k) && stepOfKind.contains(j))
                s.source = stepOfKind.value(j);
        for (int j = i - 1; j >= 0 && s.source < 0 && !decided; --j)
            if (produces(kinds.at(j), k) && stepOfKind.contains(j))
                s.source = stepOfKind.value(j);
        stepOfKind.insert(i, steps.size());
        steps << s;
        if (perSourceProducers.contains(i))
            steps << Step{perSourceKind, int(steps.size()) - 1};
    }

    // A fork announced in so many words ("do two things with it: translate …, and, separately,
    // summarize …", "the transcript goes in two directions", "from that same label, (a) … (b) …"):
    // the next two steps, both in the announcement's sentence, read the step before it, not each
    // other. ("Two things come first." announces no fork: no step follows in its sentence.)
    static const QRegularExpression fork(QStringLiteral(
        R"(\b(two|both) (things|directions|ways|uses|purposes|jobs|tasks|steps)\b|\bfrom (that|this|the) (very )?same ([\w-]+ )?(label|result|output|transcript|transcription|text|answer|caption|summary|story|translation|reply|image|picture|photo|recording|audio|map)\b)"));
    for (auto it = fork.globalMatch(reading.normalized); it.hasNext();) {
        const double at = double(it.next().capturedStart());
        int before = -1;  // the last task mentioned before the announcement
        QList<int> after; // the first two mentioned after it
        for (int i = 0; i < kinds.size(); ++i) {
            const double pos = reading.tasks.at(i).position;
            if (pos < at && (before < 0 || pos > reading.tasks.at(before).position))
                before = i;
        }
        const Sentence *sentence = sentenceAt(sentences, qsizetype(at));
        QList<QPair<double, int>> later;
        for (int i = 0; i < kinds.size(); ++i)
            if (reading.tasks.at(i).position > at)
                later << qMakePair(reading.tasks.at(i).position, i);
        std::sort(later.begin(), later.end());
        for (int n = 0; n < later.size() && n < 2; ++n)
            if (sentence && later.at(n).first < double(sentence->end))
                after << later.at(n).second;
        if (before < 0 || after.size() < 2 || !stepOfKind.contains(before))
            continue;
        for (int i : after) {
            if (i < before || !stepOfKind.contains(i) || !produces(kinds.at(before), kinds.at(i)) ||
                !reading.tasks.at(i).namedSources.isEmpty() ||
                sourcedByWords.contains(stepOfKind.value(i)))
                continue;
            Step &s = steps[stepOfKind.value(i)];
            if (m_lexicon.comparers.contains(s.task) && s.source >= 0 &&
                s.source != stepOfKind.value(before))
                s.second = s.source;
            s.source = stepOfKind.value(before);
        }
    }

    // A comparer with one source takes its second input from the latest other earlier step
    // whose result nothing uses yet: "check the summary against the answer to the question".
    for (int i = 0; i < steps.size(); ++i) {
        Step &s = steps[i];
        if (s.source < 0 || !m_lexicon.comparers.contains(s.task))
            continue;
        for (int j = i - 1; j >= 0 && s.second < 0; --j) {
            bool used = false;
            for (const Step &other : steps)
                used = used || other.source == j || other.second == j;
            if (!used && j != s.source && producesMain(steps.at(j).task, s.task))
                s.second = j;
        }
    }

    // Where each quotation and each step stand in the request, for the arguments below.
    const QList<qsizetype> quoteAt =
        quotationTokens(request.toLower(), reading.normalized, reading.quotes);
    QList<double> stepAt;
    for (const Step &s : steps)
        stepAt << s.at;
    for (int i = 0; i < steps.size(); ++i) {
        const Step &s = steps.at(i);
        const TaskKind *kind = cat.task(s.task);
        PlanTask task;
        task.id = QStringLiteral("t%1").arg(i + 1);
        task.task = kind ? kind->id : s.task;
        const QString sourceTask = s.source >= 0 ? steps.at(s.source).task : QString();

        // Device: sensing steps go to the device with the sensor (the implied one if it has it);
        // models go to the implied device if one can run there, else the default device, else
        // the first edge server, else the cloud.
        const Device *device = nullptr;
        const AiModel *model = nullptr;
        if (kind && kind->sensing) {
            static const QHash<QString, QString> sensorOf = {
                {QStringLiteral("Capture Image"), QStringLiteral("camera")},
                {QStringLiteral("Heart-Rate Monitoring"), QStringLiteral("heart-rate")},
                {QStringLiteral("Wi-Fi Traffic Sensing"), QStringLiteral("wifi")},
                {QStringLiteral("Acoustic Sensing"), QStringLiteral("microphone")},
            };
            const QString sensor = sensorOf.value(kind->id);
            QList<const Device *> candidates;
            for (const Device &d : cat.devices())
                if (d.tier == Device::Tier::Device &&
                    (sensor.isEmpty() || d.sensors.contains(sensor)))
                    candidates << &d;
            if (implied && candidates.contains(implied))
                device = implied;
            else if (kind->id == QLatin1String("Acoustic Sensing") &&
                     cat.device(QStringLiteral("Smart speaker")))
                device = cat.device(QStringLiteral("Smart speaker")); // the paper's acoustic sensor
            else if (fallback && candidates.contains(fallback) &&
                     sensor != QLatin1String("heart-rate"))
                device = fallback;
            else if (!candidates.isEmpty())
                device = candidates.first();
        } else {
            QList<const AiModel *> models = cat.modelsForTask(task.task);
            // Best known accuracy first, then the lightest.
            std::stable_sort(models.begin(), models.end(), [](const AiModel *a, const AiModel *b) {
                if (a->accuracy != b->accuracy)
                    return a->accuracy > b->accuracy;
                return a->gflops < b->gflops;
            });
            for (const ModelRule &rule : m_lexicon.modelRules)
                if (rule.task == task.task && rule.sourceTask == sourceTask)
                    if (const AiModel *m = cat.model(rule.model)) {
                        models.removeAll(m);
                        models.prepend(m);
                    }
            QList<const Device *> order;
            if (implied)
                order << implied;
            if (fallback)
                order << fallback;
            order << cat.devicesInTier(Device::Tier::EdgeServer)
                  << cat.devicesInTier(Device::Tier::Cloud);
            for (const Device *d : order) {
                for (const AiModel *m : models)
                    if (cat.canRun(*m, *d)) {
                        model = m;
                        break;
                    }
                if (model) {
                    device = d;
                    break;
                }
            }
        }
        task.device = device ? device->name : m_lexicon.defaultDevice;
        task.model = model ? model->name : QString();

        // Inputs: the producer's output where the types agree, else a value from the request.
        if (kind) {
            bool linked = false, linkedSecond = false;
            int fileIndex = 0;
            QList<int> textArgs; // the arguments that take a quotation (index in task.args)
            const TaskKind *srcKind = s.source >= 0 ? cat.task(steps.at(s.source).task) : nullptr;
            const TaskKind *secondKind =
                s.second >= 0 ? cat.task(steps.at(s.second).task) : nullptr;
            for (const QString &type : kind->inputTypes) {
                TaskArg arg{type, QString(), QString()};
                if (!linked && srcKind && srcKind->outputTypes.contains(type)) {
                    arg.sourceTask = QStringLiteral("t%1").arg(s.source + 1);
                    linked = true;
                } else if (!linkedSecond && secondKind && secondKind->outputTypes.contains(type)) {
                    arg.sourceTask = QStringLiteral("t%1").arg(s.second + 1);
                    linkedSecond = true;
                } else if (type == QLatin1String("text")) {
                    textArgs << int(task.args.size()); // filled below
                } else {
                    // The first file of a matching kind, else the request's own medium.
                    for (; fileIndex < reading.files.size(); ++fileIndex) {
                        const QString f = reading.files.at(fileIndex).toLower();
                        if (mediaFilePatterns().value(type).match(f).hasMatch()) {
                            arg.value = reading.files.at(fileIndex++);
                            break;
                        }
                    }
                    if (arg.value.isEmpty())
                        arg.value = QStringLiteral("<%1 from the request>").arg(type);
                }
                task.args << arg;
            }
            // The quotations it reads: those in its own words first, then the nearest before
            // them, then the nearest after; given to its text inputs in the request's order.
            QList<int> chosen = quotationsFor(reading.normalized, sentences,
                                              int(reading.quotes.size()), quoteAt, stepAt, i)
                                    .mid(0, textArgs.size());
            if (quoteAt.size() == reading.quotes.size())
                std::sort(chosen.begin(), chosen.end(),
                          [&](int a, int b) { return quoteAt.at(a) < quoteAt.at(b); });
            for (int n = 0; n < textArgs.size(); ++n)
                task.args[textArgs.at(n)].value =
                    n < chosen.size() ? reading.quotes.at(chosen.at(n)) : request;
        }
        plan.tasks << task;
    }
    plan.provenance.planner = QStringLiteral("local");
    plan.provenance.attempts = 1;
    plan.provenance.latencyMs = timer.nsecsElapsed() / 1e6;
    return plan;
}

} // namespace edgegpt
