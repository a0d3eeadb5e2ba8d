// The local planner on the paper's worked examples (REFERENCE.md §1), its contract (asynchronous,
// deterministic, valid plans), and the scoring used by `edgegpt bench planning`.
#include "core/plan/PlanValidator.h"
#include "core/planner/LocalPlanner.h"
#include "core/planner/PlanningBenchmark.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

namespace {

struct Expected
{
    QString task;
    QString model; // alias or name; empty for a sensing step
    QString device;
};

QString describe(const Plan &p)
{
    QStringList lines;
    for (const PlanTask &t : p.tasks)
        lines << QStringLiteral("%1 %2 [%3] @%4").arg(t.id, t.task, t.model, t.device);
    return lines.join(QStringLiteral("; "));
}

using LinkList = QList<QPair<int, int>>;
using ExpectedList = QList<Expected>;

} // namespace

class TestLocalPlanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void papersExamples_data();
    void papersExamples();
    void iotEmotionsFanIn();
    void everyDevPlanIsValidAndDeterministic();
    void unknownRequestFailsClearly();
    void requestNamingAnInputIsAlwaysPlanned();
    void guessWithoutInputNeedsADistinctiveWord();
    void unseenRequestsScore_data();
    void unseenRequestsScore();
    void answersAsynchronously();
    void quotedTextIsNotReadAsCues();
    void chainsLinkByType_data();
    void chainsLinkByType();
    void stepsLinkAsTheRequestNamesThem_data();
    void stepsLinkAsTheRequestNamesThem();
    void quotationsGoToTheStepsThatQuoteThem_data();
    void quotationsGoToTheStepsThatQuoteThem();
    void namedPhotoIsNotCaptured();
    void fileToSaveAsIsNotAnInput();
    void unreadInputFileGetsItsReader();
    void sequencedStepWithoutCueIsRead();
    void brokenLexiconIsRejectedWithPath();
    void scoringIsMicroAveraged();
    void labelledRequestErrors();
    void percentileIsInterpolated();
};

void TestLocalPlanner::papersExamples_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<ExpectedList>("expected");
    QTest::addColumn<LinkList>("links");
    QTest::newRow("animal")
        << QStringLiteral("I have captured an animal. What kind of animal is in the image?")
        << ExpectedList{{QStringLiteral("Image Classification"), QStringLiteral("ViT"),
                         QStringLiteral("Mobile phone")}}
        << LinkList{};
    QTest::newRow("mustache") << QStringLiteral(
                                     "Tell me what the mustache is made of in this image (browser)")
                              << ExpectedList{{QStringLiteral("Visual Question Answering"),
                                               QStringLiteral("blip-vqa-base"),
                                               QStringLiteral("Tablet")}}
                              << LinkList{};
    QTest::newRow("car") << QStringLiteral("What's in the front of my car?")
                         << ExpectedList{{QStringLiteral("Capture Image"), QString(),
                                          QStringLiteral("Vehicle")},
                                         {QStringLiteral("Image Captioning"),
                                          QStringLiteral("blip-image-captioning-base"),
                                          QStringLiteral("Vehicle")}}
                         << LinkList{{0, 1}};
    QTest::newRow("objects") << QStringLiteral("Detect how many objects are in the picture")
                             << ExpectedList{{QStringLiteral("Object Detection"),
                                              QStringLiteral("detr-resnet-101"),
                                              QStringLiteral("Mobile phone")},
                                             {QStringLiteral("Image Classification"),
                                              QStringLiteral("ViT"),
                                              QStringLiteral("Mobile phone")}}
                             << LinkList{{0, 1}};
    QTest::newRow("emotions") << QStringLiteral("Please monitor the user's emotions")
                              << ExpectedList{{QStringLiteral("Heart-Rate Monitoring"), QString(),
                                               QStringLiteral("Wearable device")},
                                              {QStringLiteral("Mood Classification"), QString(),
                                               QStringLiteral("Mobile phone")}}
                              << LinkList{{0, 1}};
    QTest::newRow("pose")
        << QStringLiteral("Replace the boy riding a bike with a girl reading")
        << ExpectedList{{QStringLiteral("Pose Detection"), QStringLiteral("OpenPose"), QString()},
                        {QStringLiteral("Pose-to-Image"), QStringLiteral("ControlNet"), QString()}}
        << LinkList{{0, 1}};
}

void TestLocalPlanner::papersExamples()
{
    QFETCH(QString, request);
    QFETCH(ExpectedList, expected);
    QFETCH(LinkList, links);
    const Catalog &cat = Catalog::builtin();
    LocalPlanner planner(cat);
    const Result<Plan> plan = planner.planNow(request);
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == expected.size(), qPrintable(describe(*plan)));
    for (int i = 0; i < expected.size(); ++i) {
        const PlanTask &t = plan->tasks.at(i);
        QCOMPARE(t.task, cat.task(expected.at(i).task)->id);
        if (expected.at(i).model.isEmpty())
            QVERIFY(cat.task(t.task)->sensing ? t.model.isEmpty() : cat.model(t.model) != nullptr);
        else
            QCOMPARE(t.model, cat.model(expected.at(i).model)->name);
        if (!expected.at(i).device.isEmpty())
            QCOMPARE(t.device, expected.at(i).device);
    }
    QCOMPARE(plan->links().size(), links.size());
    for (const auto &l : links)
        QVERIFY2(plan->tasks.at(l.second).args.first().sourceTask == plan->tasks.at(l.first).id,
                 qPrintable(describe(*plan)));
    const QList<PlanProblem> problems = validatePlan(*plan, cat);
    QVERIFY2(problems.isEmpty(), qPrintable(describeProblems(problems)));
    QCOMPARE(plan->provenance.planner, QStringLiteral("local"));
}

void TestLocalPlanner::iotEmotionsFanIn()
{
    // The paper's indoor example: Wi-Fi traffic -> app usage -> decision tree, and the speaker's
    // acoustic sensing -> random forest.
    const Catalog &cat = Catalog::builtin();
    const Result<Plan> plan = LocalPlanner(cat).planNow(
        QStringLiteral("Monitor the user's emotions with indoor IoT sensors"));
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(validatePlan(*plan, cat).isEmpty(),
             qPrintable(describeProblems(validatePlan(*plan, cat))));
    QHash<QString, QString> moodModelBySource;
    for (const PlanTask &t : plan->tasks)
        if (t.task == QLatin1String("Mood Classification"))
            moodModelBySource.insert(plan->find(t.args.first().sourceTask)->task, t.model);
    QCOMPARE(moodModelBySource.value(QStringLiteral("App Usage Recognition")),
             QStringLiteral("decision-tree-mood"));
    QCOMPARE(moodModelBySource.value(QStringLiteral("Acoustic Sensing")),
             QStringLiteral("random-forest-mood"));
    bool routerSenses = false;
    for (const PlanTask &t : plan->tasks)
        routerSenses |= t.task == QLatin1String("Wi-Fi Traffic Sensing") &&
                        t.device == QLatin1String("Wi-Fi router");
    QVERIFY(routerSenses);
}

void TestLocalPlanner::everyDevPlanIsValidAndDeterministic()
{
    const Result<QList<LabelledRequest>> requests =
        readLabelledRequests(QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-dev.jsonl"));
    QVERIFY2(requests.ok(), qPrintable(requests.error()));
    const Catalog &cat = Catalog::builtin();
    LocalPlanner planner(cat);
    int planned = 0;
    for (const LabelledRequest &r : *requests) {
        const Result<Plan> a = planner.planNow(r.instruction);
        const Result<Plan> b = planner.planNow(r.instruction);
        QCOMPARE(a.ok(), b.ok());
        if (!a)
            continue;
        ++planned;
        Plan pa = *a, pb = *b;
        pa.provenance.latencyMs = pb.provenance.latencyMs = 0;
        QCOMPARE(pa, pb);
        const QList<PlanProblem> problems = validatePlan(*a, cat);
        QVERIFY2(problems.isEmpty(),
                 qPrintable(r.instruction + QLatin1Char('\n') + describeProblems(problems)));
    }
    QVERIFY(planned >= requests->size() * 9 / 10);
}

void TestLocalPlanner::unknownRequestFailsClearly()
{
    const Result<Plan> plan =
        LocalPlanner(Catalog::builtin()).planNow(QStringLiteral("Hello there"));
    QVERIFY(!plan.ok());
    QVERIFY(plan.error().contains(QStringLiteral("no task in the catalog matches")));
}

void TestLocalPlanner::requestNamingAnInputIsAlwaysPlanned()
{
    // No cue matches these; the guess comes from the task descriptions and reads what the
    // request names.
    const Catalog &cat = Catalog::builtin();
    LocalPlanner planner(cat);
    const struct
    {
        const char *request;
        const char *medium;
    } cases[] = {{"Have a go at 'holiday.jpg' for me.", "image"},
                 {"Something is off with 'meeting.wav', can you deal with it?", "audio"},
                 {"The depth of field in 'garden.png' puzzles me.", "image"}};
    for (const auto &c : cases) {
        const QString request = QString::fromLatin1(c.request);
        const Result<Plan> plan = planner.planNow(request);
        QVERIFY2(plan.ok(), qPrintable(request));
        const TaskKind *kind = cat.task(plan->tasks.first().task);
        QVERIFY(kind);
        QVERIFY2(kind->inputTypes.contains(QLatin1String(c.medium)),
                 qPrintable(request + QStringLiteral(" -> ") + describe(*plan)));
        QVERIFY(validatePlan(*plan, cat).isEmpty());
    }
    const RequestReading guess = planner.read(QStringLiteral("Have a go at 'holiday.jpg' for me."));
    QVERIFY(guess.guessed);
    QCOMPARE(guess.tasks.size(), 1);
    QVERIFY(guess.tasks.first().score < 1);
    // A request that names nothing to work on still fails (no guess).
    QVERIFY(!planner.planNow(QStringLiteral("Good evening to you")).ok());
}

void TestLocalPlanner::guessWithoutInputNeedsADistinctiveWord()
{
    // With no cue at all, a request that names no input is guessed only when one of its words
    // names a single task kind ("paraphrase": text generation); words several kinds share are
    // not enough, and greetings still fail.
    PlannerLexicon lex = PlannerLexicon::builtin();
    for (TaskCues &tc : lex.tasks)
        tc.cues.clear();
    const LocalPlanner planner(Catalog::builtin(), lex);
    const RequestReading r = planner.read(QStringLiteral("Could you paraphrase this for me?"));
    QVERIFY(r.guessed);
    QCOMPARE(r.tasks.size(), 1);
    QCOMPARE(r.tasks.first().task, QStringLiteral("Text Generation"));
    QVERIFY(!planner.planNow(QStringLiteral("Good evening to you")).ok());
    QVERIFY(!planner.planNow(QStringLiteral("Could you answer me?")).ok());
}

// Sets of requests written for the project in TaskBench's style (not TaskBench lines), none of
// which a cue was written from: tests/data/planner-unseen.jsonl (50), planner-fresh.jsonl (30)
// and the two back-instructed sets (160 each). Gates sit below the measured figures
// (docs/benchmarks.md); a gate that fails says the planner got worse at reading new requests.
void TestLocalPlanner::unseenRequestsScore_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("samples");
    QTest::addColumn<double>("minNode");
    QTest::addColumn<double>("minLink");
    // Measured: node F1 0.970, link F1 0.857 (2026-12-07, round 9).
    QTest::newRow("unseen") << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-unseen.jsonl")
                            << 50 << 0.92 << 0.82;
    // Measured: node F1 0.970, link F1 0.872 (2026-12-07).
    QTest::newRow("fresh") << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-fresh.jsonl")
                           << 30 << 0.94 << 0.82;
    // Back-instructed sets (TaskBench's method: a sampled task graph, then a request written for
    // it by someone who never saw the planner; docs/local-planner.md). The tune sets' misses were
    // read on 2026-12-06, the sealed sets' were not. First round, measured 0.929 / 0.770 (tune)
    // and 0.902 / 0.741 (sealed); after the third round 0.937 / 0.794 and 0.911 / 0.751.
    QTest::newRow("back-instructed, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct-tune.jsonl") << 160
        << 0.92 << 0.76;
    QTest::newRow("back-instructed, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct-sealed.jsonl") << 160
        << 0.89 << 0.72;
    // Second round, written in the manner of TaskBench's GPT-4 writers (a third of the chains
    // leave one step implicit): measured 0.921 / 0.723 (tune) and 0.874 / 0.658 (sealed); after
    // the third round 0.928 / 0.731 and 0.886 / 0.683.
    QTest::newRow("back-instructed 2, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct2-tune.jsonl") << 160
        << 0.91 << 0.7;
    QTest::newRow("back-instructed 2, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct2-sealed.jsonl")
        << 160 << 0.86 << 0.65;
    // Third round (2026-12-07), four writers in four manners (TaskBench-like, an operator's
    // terse commands, a non-expert's story, a spec): the tune set measured 0.864 / 0.609 before
    // the round and 0.963 / 0.821 after it.
    QTest::newRow("back-instructed 3, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct3-tune.jsonl") << 160
        << 0.94 << 0.79;
    // Its sealed set, scored once at the end of the round: 0.855 / 0.546 before, 0.910 / 0.733
    // after.
    QTest::newRow("back-instructed 3, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct3-sealed.jsonl")
        << 160 << 0.89 << 0.71;
    // Fourth pair (graphs seed 2029), written after round 3 by four new writers (English as a
    // second language, a formal business email, a mobile chat message, questions rather than
    // orders) and scored before anything was read: 0.878 / 0.651 (tune) and 0.874 / 0.678
    // (sealed); the build before round 3 read 0.868 / 0.625 and 0.863 / 0.667. Round 4 then read
    // the tune set's misses: 0.940 / 0.777 after it, and the sealed set, scored once at the
    // end, 0.893 / 0.714.
    QTest::newRow("back-instructed 4, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct4-tune.jsonl") << 160
        << 0.92 << 0.75;
    QTest::newRow("back-instructed 4, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct4-sealed.jsonl")
        << 160 << 0.87 << 0.69;
    // Fifth pair (graphs seed 2030), written after round 4 by four new writers (a request
    // dictated to a voice assistant, a lab protocol with labelled steps, the goal first and the
    // steps backwards, a team ticket) and scored before anything was read: 0.937 / 0.704 (tune)
    // and 0.929 / 0.724 (sealed). Round 5 read the tune set's misses: 0.977 / 0.873 after it;
    // the sealed set, scored once at the end, 0.947 / 0.796.
    QTest::newRow("back-instructed 5, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct5-tune.jsonl") << 160
        << 0.96 << 0.85;
    QTest::newRow("back-instructed 5, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct5-sealed.jsonl")
        << 160 << 0.93 << 0.77;
    // Sixth pair (graphs seed 2031), written after round 5 by four new writers in the manner of
    // TaskBench's own requests, and scored before anything was read: 0.915 / 0.755 (tune) and
    // 0.920 / 0.749 (sealed). Round 6 read the tune set's misses: 0.941 / 0.826 after it; the
    // sealed set, scored once at the end, 0.925 / 0.753.
    QTest::newRow("back-instructed 6, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct6-tune.jsonl") << 160
        << 0.92 << 0.80;
    QTest::newRow("back-instructed 6, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct6-sealed.jsonl")
        << 160 << 0.90 << 0.72;
    // Seventh pair (graphs seed 2032), written after round 6 by four new writers (TaskBench's
    // manner without seeing a dev request, a professional's purpose in trade words, results named
    // by description, inputs given as attachments apart from the steps) and scored before
    // anything was read: 0.895 / 0.688 (tune) and 0.903 / 0.745 (sealed). Round 7 read the tune
    // set's misses: 0.950 / 0.793 after it; the sealed set, scored at the end, 0.910 / 0.774.
    QTest::newRow("back-instructed 7, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct7-tune.jsonl") << 160
        << 0.93 << 0.77;
    QTest::newRow("back-instructed 7, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct7-sealed.jsonl")
        << 160 << 0.89 << 0.75;
    // Eighth pair (graphs seed 2033), written after round 7 by four new writers (TaskBench's manner
    // without a dev example, the deliverable named rather than the operation, terse requests, the
    // ask inside a chatty message) and scored before anything was read: 0.941 / 0.769 (tune) and
    // 0.932 / 0.735 (sealed) at 0b26adc. Round 8 read the tune set's misses: 0.981 / 0.828 after
    // it; the sealed set, scored at the end, 0.944 / 0.780.
    QTest::newRow("back-instructed 8, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct8-tune.jsonl") << 160
        << 0.96 << 0.80;
    QTest::newRow("back-instructed 8, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct8-sealed.jsonl")
        << 160 << 0.92 << 0.75;
    // Ninth pair (graphs seed 2034), written before round 8 (TaskBench's manner shown eight dev
    // requests, TaskBench's manner with steps carried by the data flow, results referred to by
    // pronouns, a researcher's pipeline note) and scored before anything was read: 0.911 / 0.715
    // (tune) and 0.944 / 0.746 (sealed) at 40483ab. Round 8 read the tune set's misses too:
    // 0.958 / 0.815 after round 9; the sealed set 0.952 / 0.751.
    QTest::newRow("back-instructed 9, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct9-tune.jsonl") << 160
        << 0.94 << 0.79;
    QTest::newRow("back-instructed 9, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct9-sealed.jsonl")
        << 160 << 0.93 << 0.72;
    // Tenth pair (graphs seed 2035), written during round 8 (TaskBench's manner shown eight other
    // dev requests, a professional's need at length, an operator naming tools and models, a step
    // declined) and scored before anything was read: 0.904 / 0.720 (tune) and 0.906 / 0.731
    // (sealed) at 40483ab, 0.914 / 0.734 and 0.922 / 0.770 after round 8. Round 9 read the tune
    // set's misses: 0.970 / 0.841 after it; the sealed set 0.940 / 0.821.
    QTest::newRow("back-instructed 10, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct10-tune.jsonl") << 160
        << 0.95 << 0.81;
    QTest::newRow("back-instructed 10, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct10-sealed.jsonl")
        << 160 << 0.92 << 0.79;
    // Eleventh pair (graphs seed 2036), written after round 8 (TaskBench's manner shown eight more
    // dev requests, TaskBench's manner folding steps together, a hesitant novice, the result as
    // one nested phrase) and scored before anything was read: 0.926 / 0.653 (tune) and
    // 0.915 / 0.642 (sealed) before round 9, 0.926 / 0.703 and 0.917 / 0.702 after it. Round 10
    // read the tune set's misses: 0.979 / 0.782 after it; the sealed set 0.942 / 0.728.
    QTest::newRow("back-instructed 11, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct11-tune.jsonl") << 160
        << 0.96 << 0.75;
    QTest::newRow("back-instructed 11, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct11-sealed.jsonl")
        << 160 << 0.92 << 0.70;
    // Twelfth pair (graphs seed 2037), written after round 9 (TaskBench's manner shown eight more
    // dev requests, TaskBench's manner naming what each step should tell, afterthoughts, purpose
    // clauses). Neither half has been read: 0.907 / 0.678 (tune) and 0.922 / 0.698 (sealed) at
    // 40483ab, 0.920 / 0.708 and 0.928 / 0.729 after round 9, 0.926 / 0.726 and 0.929 / 0.732
    // after round 10.
    QTest::newRow("back-instructed 12, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct12-tune.jsonl") << 160
        << 0.90 << 0.70;
    QTest::newRow("back-instructed 12, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct12-sealed.jsonl")
        << 160 << 0.90 << 0.70;
    // Thirteenth pair (graphs seed 2038), written after round 10 (TaskBench's manner shown eight
    // dev requests, TaskBench's manner in a second language's English, terse chat-box commands,
    // TaskBench's manner naming some steps by their tool). Neither half has been read:
    // 0.937 / 0.798 (tune) and 0.949 / 0.832 (sealed) at 04333dc.
    QTest::newRow("back-instructed 13, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct13-tune.jsonl") << 160
        << 0.91 << 0.77;
    QTest::newRow("back-instructed 13, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct13-sealed.jsonl")
        << 160 << 0.92 << 0.80;
    // Fourteenth pair (graphs seed 2039), written after round 11 (TaskBench's manner shown eight
    // dev requests, needs rather than instructions, steps listed or numbered, every step asked as
    // a question). Neither half has been read: 0.914 / 0.711 (tune) and 0.916 / 0.727 (sealed)
    // at 04333dc, 0.915 / 0.713 and 0.919 / 0.737 after round 11 (138be1f).
    QTest::newRow("back-instructed 14, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct14-tune.jsonl") << 160
        << 0.89 << 0.69;
    QTest::newRow("back-instructed 14, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct14-sealed.jsonl")
        << 160 << 0.89 << 0.70;
    // Fifteenth pair (graphs seed 2040), written after round 12 (TaskBench's manner shown eight
    // dev requests, files named by what they hold and referred to by position, an engineer's
    // jargon, passive voice and nominalizations). Neither half has been read: 0.925 / 0.761
    // (tune) and 0.932 / 0.763 (sealed) at 04333dc, 0.925 / 0.769 and 0.937 / 0.777 after
    // round 12 (3256aa2).
    QTest::newRow("back-instructed 15, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct15-tune.jsonl") << 160
        << 0.90 << 0.74;
    QTest::newRow("back-instructed 15, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct15-sealed.jsonl")
        << 160 << 0.91 << 0.74;
    // Sixteenth pair (graphs seed 2041), written after round 13, all four writers in TaskBench's
    // manner (shown eight dev requests; shown eight other dev requests; short, steps folded into
    // one clause; an everyday situation). Neither half has been read: 0.937 / 0.774 (tune) and
    // 0.919 / 0.806 (sealed) at 04333dc, 0.943 / 0.810 and 0.933 / 0.809 after round 13
    // (23fb5e2).
    QTest::newRow("back-instructed 16, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct16-tune.jsonl") << 160
        << 0.91 << 0.78;
    QTest::newRow("back-instructed 16, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct16-sealed.jsonl")
        << 160 << 0.90 << 0.78;
    // Seventeenth pair (graphs seed 2042), written after round 14, all four writers in
    // TaskBench's manner (shown eight dev requests; shown eight more; a third of the intermediate
    // steps carried by the data flow; at length). Neither half has been read: 0.949 / 0.770
    // (tune) and 0.925 / 0.776 (sealed) at 04333dc, 0.951 / 0.777 and 0.931 / 0.774 after
    // round 14 (84ac23f), 0.952 / 0.779 and 0.931 / 0.774 after round 15 (5d87c21).
    QTest::newRow("back-instructed 17, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct17-tune.jsonl") << 160
        << 0.93 << 0.75;
    QTest::newRow("back-instructed 17, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct17-sealed.jsonl")
        << 160 << 0.91 << 0.75;
    // Eighteenth pair (graphs seed 2043), written after round 15, all four writers in
    // TaskBench's manner (shown eight dev requests; shown eight more; short, steps folded into one
    // clause; an everyday situation). Neither half has been read: 0.953 / 0.797 (tune) and
    // 0.949 / 0.838 (sealed) at 56cae40.
    QTest::newRow("back-instructed 18, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct18-tune.jsonl") << 160
        << 0.93 << 0.77;
    QTest::newRow("back-instructed 18, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct18-sealed.jsonl")
        << 160 << 0.92 << 0.80;
    // Nineteenth pair (graphs seed 2044), written during round 16, all four writers in
    // TaskBench's manner (shown eight dev requests; a third of the intermediate steps carried by
    // the data flow; at length; numbered steps or every step its own question). Neither half has
    // been read: 0.954 / 0.827 (tune) and 0.964 / 0.810 (sealed) at 56cae40, 0.955 / 0.848 and
    // 0.965 / 0.858 at 88011b7.
    QTest::newRow("back-instructed 19, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct19-tune.jsonl") << 160
        << 0.93 << 0.80;
    QTest::newRow("back-instructed 19, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct19-sealed.jsonl")
        << 160 << 0.94 << 0.80;
    // Twentieth pair (graphs seed 2045), written after round 16 in the eighteenth pair's four
    // manners. Unread until round 19, which read the tune half: 0.950 / 0.792 (tune) and
    // 0.961 / 0.848 (sealed) at 56cae40, 0.950 / 0.820 and 0.961 / 0.880 at 9efb63a (after round
    // 16), 0.973 / 0.902 and 0.962 / 0.891 after round 19.
    QTest::newRow("back-instructed 20, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct20-tune.jsonl") << 160
        << 0.93 << 0.79;
    QTest::newRow("back-instructed 20, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct20-sealed.jsonl")
        << 160 << 0.94 << 0.85;
    // Twenty-first pair (graphs seed 2046), written at the start of round 18 in the eighteenth
    // pair's four manners. Neither half has been read: 0.954 / 0.822 (tune) and 0.961 / 0.898
    // (sealed) at dbe78db.
    QTest::newRow("back-instructed 21, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct21-tune.jsonl") << 160
        << 0.93 << 0.79;
    QTest::newRow("back-instructed 21, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct21-sealed.jsonl")
        << 160 << 0.94 << 0.86;
    // Twenty-second pair (graphs seed 2047), written at the start of round 19 in the same four
    // manners. Neither half has been read: 0.934 / 0.809 (tune) and 0.957 / 0.871 (sealed) at
    // 5f1c6c2.
    QTest::newRow("back-instructed 22, tune")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct22-tune.jsonl") << 160
        << 0.91 << 0.77;
    QTest::newRow("back-instructed 22, sealed")
        << QStringLiteral(EDGEGPT_SOURCE_DIR "/tests/data/planner-backinstruct22-sealed.jsonl")
        << 160 << 0.93 << 0.84;
}

void TestLocalPlanner::unseenRequestsScore()
{
    QFETCH(QString, file);
    QFETCH(int, samples);
    QFETCH(double, minNode);
    QFETCH(double, minLink);
    const Result<QList<LabelledRequest>> requests = readLabelledRequests(file);
    QVERIFY2(requests.ok(), qPrintable(requests.error()));
    QCOMPARE(requests->size(), samples);
    const Catalog &cat = Catalog::builtin();
    LocalPlanner planner(cat);
    // Scored as `edgegpt bench planning` scores: against TaskBench's 23 task names.
    QFile tools(QStringLiteral(EDGEGPT_SHARED_DIR "/data/taskbench-hf-tools.json"));
    QVERIFY(tools.open(QIODevice::ReadOnly));
    QSet<QString> vocabulary;
    for (const QJsonValue &n :
         QJsonDocument::fromJson(tools.readAll()).object().value(QStringLiteral("nodes")).toArray())
        vocabulary.insert(n.toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(vocabulary.size(), 23);
    PlanningScore score;
    for (const LabelledRequest &r : *requests) {
        const Result<Plan> plan = planner.planNow(r.instruction);
        if (plan)
            QVERIFY2(validatePlan(*plan, cat).isEmpty(), qPrintable(r.instruction));
        scorePlan(score, r, plan ? &*plan : nullptr, vocabulary, 0);
    }
    // Every request names an input or a step, so every one gets a plan; but one request of the
    // ninth sealed set asks for a chat in words no cue reads, and it fails (since 40483ab, when
    // the set was written). The set is sealed, so the request stays unread and the failure
    // counted.
    const int allowedFailures =
        QByteArray(QTest::currentDataTag()) == QByteArrayLiteral("back-instructed 9, sealed") ? 1
                                                                                              : 0;
    QCOMPARE(score.failures, allowedFailures);
    QVERIFY2(score.nodeF1() >= minNode, qPrintable(QString::number(score.nodeF1())));
    QVERIFY2(score.linkF1() >= minLink, qPrintable(QString::number(score.linkF1())));
}

void TestLocalPlanner::answersAsynchronously()
{
    LocalPlanner planner(Catalog::builtin());
    PlanningJob *job = planner.plan(QStringLiteral("Translate 'good morning' into French"));
    QSignalSpy finished(job, &PlanningJob::finished);
    QSignalSpy failed(job, &PlanningJob::failed);
    QCOMPARE(finished.count(), 0); // not before the caller could connect
    QVERIFY(finished.wait(2000));
    QCOMPARE(failed.count(), 0);
    const Plan plan = finished.first().first().value<Plan>();
    QCOMPARE(plan.tasks.first().task, QStringLiteral("Translation"));
    QCOMPARE(plan.tasks.first().args.first().value, QStringLiteral("good morning"));

    // A cancelled job stays silent.
    PlanningJob *cancelled = planner.plan(QStringLiteral("Translate 'hi' into German"));
    QSignalSpy cancelledFinished(cancelled, &PlanningJob::finished);
    cancelled->cancel();
    QTest::qWait(50);
    QCOMPARE(cancelledFinished.count(), 0);

    const Result<Plan> waited =
        planAndWait(planner, QStringLiteral("Summarize this article for me"), 2000);
    QVERIFY(waited.ok());
    QCOMPARE(waited->tasks.first().task, QStringLiteral("Summarization"));
}

void TestLocalPlanner::quotedTextIsNotReadAsCues()
{
    // The words inside the quote ("translate", "video") are data, not instructions.
    const Result<Plan> plan =
        LocalPlanner(Catalog::builtin())
            .planNow(QStringLiteral(
                "Could you convert this text into speech: 'Translate my video, please'"));
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QCOMPARE(plan->tasks.size(), 1);
    QCOMPARE(plan->tasks.first().task, QStringLiteral("Text-to-Speech"));
    QCOMPARE(plan->tasks.first().args.first().value, QStringLiteral("translate my video, please"));
}

void TestLocalPlanner::chainsLinkByType_data()
{
    // Each request, its tasks in plan order, and for each task the index of the task that feeds
    // it (-1: the request itself).
    QTest::addColumn<QString>("request");
    QTest::addColumn<QStringList>("tasks");
    QTest::addColumn<QList<int>>("sources");
    QTest::newRow("translate then summarise")
        << QStringLiteral("Translate 'Le chat dort sur le canapé depuis ce matin' into English "
                          "and then summarise it for me.")
        << QStringList{QStringLiteral("Translation"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    QTest::newRow("speech to text to speech")
        << QStringLiteral("Transcribe the recording 'meeting.wav', translate the transcript into "
                          "German and read the result aloud.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Translation"), QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0, 1};
    // A similarity score feeds nothing: the video is made from the summary.
    QTest::newRow("score is terminal")
        << QStringLiteral("Summarize the article 'Rain is expected all week in the north.', check "
                          "how similar the summary is to 'It will rain', then make a video of "
                          "the summary.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Sentence Similarity"),
                       QStringLiteral("Text-to-Video")}
        << QList<int>{-1, 0, 0};
    // Data flow from the request's own input: the image's text must be read before it can be
    // translated (no cue names that step; the file asks for it).
    QTest::newRow("file read before its text is used")
        << QStringLiteral("Translate the words printed in 'menu.jpg' into German.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Translation")}
        << QList<int>{-1, 0};
    // A question the request quotes is answered, from what the clause names: the summary (text)
    // or the segmented picture (an image).
    QTest::newRow("quoted question about a summary")
        << QStringLiteral("Shorten this note: 'The museum opens at nine and closes at five, except "
                          "on Mondays.' Then use the summary to answer 'When does the museum "
                          "close?'")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("quoted question about a picture")
        << QStringLiteral("Segment 'kitchen.jpg' into regions, then answer 'Which object is "
                          "nearest the window?' about the segmented picture.")
        << QStringList{QStringLiteral("Image Segmentation"),
                       QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // Double quotes before single ones: the question is still found where it stands.
    QTest::newRow("quoted question after a double-quoted text")
        << QStringLiteral("Summarize \"The fair opens at nine and closes at six.\" and then "
                          "'What time does it close?' should be answered from the summary.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    // A quoted question that a step of its clause takes as its text is not answered.
    QTest::newRow("quoted question to translate")
        << QStringLiteral("Translate my question 'Où est la gare?' into English.")
        << QStringList{QStringLiteral("Translation")} << QList<int>{-1};
    // The goal named first ("a summary of 'shelf.jpg'") reads text the request does not give: it
    // comes after the step that makes it, where the request asks for it again.
    QTest::newRow("goal named first")
        << QStringLiteral("I'd like a summary of 'shelf.jpg': please detect the objects in it "
                          "first, then summarize what was detected.")
        << QStringList{QStringLiteral("Object Detection"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    // A sentence that only sets the scene ("a printed table") does not place the step that
    // classifies the table: the request asks for that after sharpening.
    QTest::newRow("scene-setting sentence")
        << QStringLiteral("I photographed a printed table of prices, 'prices.jpg'. Please sharpen "
                          "the photo first, then classify the table.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Tabular Classification")}
        << QList<int>{-1, 0};
    // A question put to a chat, with nothing else to read, opens the chat: no answering step.
    QTest::newRow("question put to a chat")
        << QStringLiteral("Chat with me for a bit: 'Any ideas for a rainy afternoon?'")
        << QStringList{QStringLiteral("Conversational")} << QList<int>{-1};
    // The document step is placed at the file (a clause earlier), but named again in the
    // question's clause: it takes the question, and no other step answers it.
    QTest::newRow("question taken by a step named again")
        << QStringLiteral("Estimate the depth of 'hall.jpg' first, run document question "
                          "answering on that depth image with the question 'Which door is "
                          "nearest?', and then use text generation to turn the resulting answer "
                          "into a paragraph.")
        << QStringList{QStringLiteral("Depth Estimation"),
                       QStringLiteral("Document Question Answering"),
                       QStringLiteral("Text Generation")}
        << QList<int>{-1, 0, 1};
    // A quotation reads as one word ("matches QUOTE"), whatever spaces stood around it.
    QTest::newRow("quotation as a word")
        << QStringLiteral("Check whether the summary matches 'rain all week' after you "
                          "summarize 'It will rain every day this week in the north.'")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Sentence Similarity")}
        << QList<int>{-1, 0};
    // What an operator types: "doc QA", "TTS".
    QTest::newRow("abbreviated steps")
        << QStringLiteral("doc QA on 'label.png': what is the tracking number? then TTS the "
                          "answer.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0};
    // A goal stated first names its steps as results; the recipe after it orders them.
    QTest::newRow("goal stated first")
        << QStringLiteral("I need a summary of how a generated picture was classified. Generate "
                          "an image from 'a red kite over a beach', classify the generated image, "
                          "and summarize the classification.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Image Classification"),
                       QStringLiteral("Summarization")}
        << QList<int>{-1, 0, 1};
    // The question a goal quotes is answered last when the recipe ends by asking it.
    QTest::newRow("goal's question asked last")
        << QStringLiteral("I need an answer to 'What colour is the door?' about an edited "
                          "version of 'porch.jpg'. Edit 'porch.jpg' with 'paint the door green', "
                          "then ask the question of the edited image.")
        << QStringList{QStringLiteral("Image Editing"), QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // "The same image" gives the picture; the text comes from the step the clause names.
    QTest::newRow("same image, earlier text")
        << QStringLiteral("Caption 'porch.jpg', then give the resulting caption to visual "
                          "question answering together with the same image.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // A quoted question about a file named for a document is asked of the document.
    QTest::newRow("question about a file named for a document")
        << QStringLiteral("Look at 'ticket.png' and tell me 'Which gate do I board at?'")
        << QStringList{QStringLiteral("Document Question Answering")} << QList<int>{-1};
    // A chat message's shorthand: arrows between steps, "vid", "pic", "gen".
    QTest::newRow("arrows and shorthand")
        << QStringLiteral("transcribe 'memo.wav' -> summarize it -> make a vid from the summary")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization"), QStringLiteral("Text-to-Video")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("gen a pic") << QStringLiteral("gen a pic of 'a cat on a red sofa' -> segment it")
                               << QStringList{QStringLiteral("Text-to-Image"),
                                              QStringLiteral("Image Segmentation")}
                               << QList<int>{-1, 0};
    // A result used as the question put to a photo.
    QTest::newRow("result as the q on a photo")
        << QStringLiteral("Summarize 'The shop opens at nine on weekdays.' and use the summary as "
                          "the q on 'door.jpg'.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // "From that ask 'Since when…?'": the question is asked of the step just before (a text),
    // not of the words three steps later in the same arrowed sentence.
    QTest::newRow("question asked of the step before")
        << QStringLiteral("translate 'Il pleut depuis ce matin' to english -> from that ask "
                          "'since when has it been raining?' -> make a vid from the answer")
        << QStringList{QStringLiteral("Translation"), QStringLiteral("Question Answering"),
                       QStringLiteral("Text-to-Video")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("ask a named photo")
        << QStringLiteral("My photo 'fridge.jpg' - ask which drink is nearly empty, then read "
                          "the answer aloud.")
        << QStringList{QStringLiteral("Visual Question Answering"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0};
    // Both steps take the original photo: no link between them.
    QTest::newRow("separately from the original")
        << QStringLiteral("For 'yard.jpg', estimate the depth, and separately segment the image "
                          "into regions.")
        << QStringList{QStringLiteral("Depth Estimation"), QStringLiteral("Image Segmentation")}
        << QList<int>{-1, -1};
    // Round 7: a step named first whose own clause names what another step makes ("the items
    // you pick out") works on that step's result, so it runs after it.
    QTest::newRow("producer in the step's own clause")
        << QStringLiteral("Could you give me a rundown of the items you pick out in 'shelf.jpg'?")
        << QStringList{QStringLiteral("Object Detection"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    QTest::newRow("story from what was detected")
        << QStringLiteral("Write a short story based on the objects detected in 'attic.jpg'.")
        << QStringList{QStringLiteral("Object Detection"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("summary of a photographed table")
        << QStringLiteral("Please summarize the details in the table of 'prices.jpg'.")
        << QStringList{QStringLiteral("Tabular Classification"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    // Two quoted questions compared with each other are not questions to answer.
    QTest::newRow("two quoted questions compared")
        << QStringLiteral("How similar are 'Where is the station?' and 'How do I get to the "
                          "station?'")
        << QStringList{QStringLiteral("Sentence Similarity")} << QList<int>{-1};
    // A picture read "as a document" is asked as a document.
    QTest::newRow("depth map read as a document")
        << QStringLiteral("Make a depth map of 'page.jpg', then treat that depth map as a "
                          "document and ask it 'Which corner is lifted?'")
        << QStringList{QStringLiteral("Depth Estimation"),
                       QStringLiteral("Document Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("which animal, from a recording")
        << QStringLiteral("Listen to 'night.wav' and tell me which animal it is.")
        << QStringList{QStringLiteral("Audio Classification")} << QList<int>{-1};
    // A fork said in so many words: both steps read the transcript, not each other.
    QTest::newRow("a result used for two things")
        << QStringLiteral("Transcribe 'memo.wav'. Use the transcript for two things: translate "
                          "it into Spanish, and summarize it.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Translation"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0, 0};
    // "Classify the table" is asked for last; the table named in the attachment line is not the
    // step.
    QTest::newRow("table classified after its clean-up")
        << QStringLiteral("Attached: ledger.jpg (a blurry shot of a printed table). Sharpen the "
                          "picture, then segment it, then classify the table.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image Segmentation"),
                       QStringLiteral("Tabular Classification")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("a question answered from a named summary")
        << QStringLiteral("Summarize this email: 'Invoice 4471 was charged twice for one "
                          "delivery, so please refund it.' From that summary, tell me which "
                          "invoice is disputed.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    // "Also, I'm curious about …" only sets the scene, as "I'm curious about …" does: the step
    // stands where it is asked for, after the clean-up.
    QTest::newRow("scene sentence after a discourse marker")
        << QStringLiteral("My recording 'call.wav' is full of hiss. Also, I'm curious about the "
                          "mood of the person speaking. Please clean up the audio, then detect "
                          "the emotion of the speaker in the cleaned recording.")
        << QStringList{QStringLiteral("Audio-to-Audio"), QStringLiteral("Audio Classification")}
        << QList<int>{-1, 0};
    // An apostrophe inside a quoted question ('What's …') does not end the quotation: the
    // question is put to the chatbot whose clause quotes it, and its words are not cues.
    QTest::newRow("a chatbot answers a question with an apostrophe")
        << QStringLiteral("Have a chatbot answer 'What's the best way to summarize a long "
                          "novel?', then read its reply aloud.")
        << QStringList{QStringLiteral("Conversational"), QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0};
    // Two quoted questions joined by "and" in a sentence that compares them are compared, not
    // answered.
    QTest::newRow("two quoted questions compared")
        << QStringLiteral("Do 'How do I reset my password?' and 'How can I change my password?' "
                          "mean roughly the same? Give a number.")
        << QStringList{QStringLiteral("Sentence Similarity")} << QList<int>{-1};
    // A semicolon parts a run-on order: "the detected objects" in the last part does not cancel
    // the picture asked for in the one before.
    QTest::newRow("semicolon-separated steps")
        << QStringLiteral("From the menu scan 'menu.png', answer 'What is the special today?'; "
                          "generate a picture of that dish; send the detected objects in it to a "
                          "chatbot.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Text-to-Image"), QStringLiteral("Object Detection"),
                       QStringLiteral("Conversational")}
        << QList<int>{-1, 0, 1, 2};
    // "Classify 'pet.jpg'": the file named right after the verb is the picture to classify.
    QTest::newRow("classify a named picture")
        << QStringLiteral("Classify 'pet.jpg', then generate a fresh image from that label and "
                          "restyle it as an oil painting.")
        << QStringList{QStringLiteral("Image Classification"), QStringLiteral("Text-to-Image"),
                       QStringLiteral("Image-to-Image")}
        << QList<int>{-1, 0, 1};
    // Rephrasing is text generation (TaskBench: "fill in incomplete text or paraphrase").
    QTest::newRow("a transcript rephrased into a question")
        << QStringLiteral("Transcribe 'memo.wav', then rephrase it into a clear question and ask "
                          "that question of my scanned form 'form.png'.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Text Generation"),
                       QStringLiteral("Document Question Answering")}
        << QList<int>{-1, 0, 1};
    // A declined step is not planned: "no need to translate it", "don't read it out loud".
    QTest::newRow("a declined translation")
        << QStringLiteral("Transcribe 'memo.wav' and summarize the transcript. No need to "
                          "translate it.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    QTest::newRow("a declined reading aloud")
        << QStringLiteral("Read the text off 'sign.jpg'. Don't read it out loud, I just want the "
                          "text.")
        << QStringList{QStringLiteral("Image-to-Text")} << QList<int>{-1};
    // A result named as one nested phrase is read inside out.
    QTest::newRow("a nested phrase")
        << QStringLiteral("I want the Spanish translation of the summary of the transcript of "
                          "'memo.wav'.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization"), QStringLiteral("Translation")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("a nested phrase of pictures")
        << QStringLiteral("I need the depth map of the segmented version of 'street.jpg'.")
        << QStringList{QStringLiteral("Image Segmentation"), QStringLiteral("Depth Estimation")}
        << QList<int>{-1, 0};
    // "No captions needed" declines the caption.
    QTest::newRow("no captions needed")
        << QStringLiteral("Split 'beach.jpg' into pixel-level masks, one per thing in it. No "
                          "captions needed.")
        << QStringList{QStringLiteral("Image Segmentation")} << QList<int>{-1};
    // An operator names the models: "a visual question model", "an image generator".
    QTest::newRow("steps named by their models")
        << QStringLiteral("Classify the image 'painting.jpg', translate the label into Japanese, "
                          "use the Japanese text as the question for a visual question model "
                          "looking at 'gallery.jpg', and feed its answer to an image generator.")
        << QStringList{QStringLiteral("Image Classification"), QStringLiteral("Translation"),
                       QStringLiteral("Visual Question Answering"), QStringLiteral("Text-to-Image")}
        << QList<int>{-1, 0, 1, 2};
    QTest::newRow("the class label of a restored picture")
        << QStringLiteral("I'd like the class label of the restored version of 'old_photo.jpg'.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image Classification")}
        << QList<int>{-1, 0};
    QTest::newRow("the class label of a cleaned recording")
        << QStringLiteral("Give me the French translation of the class label of the "
                          "noise-reduced version of 'call.wav'.")
        << QStringList{QStringLiteral("Audio-to-Audio"), QStringLiteral("Audio Classification"),
                       QStringLiteral("Translation")}
        << QList<int>{-1, 0, 1};
    // An afterthought puts a step earlier: before the sentence it refers to ("before that"),
    // before its own sentence's steps ("but first"), or before everything ("Actually, first").
    QTest::newRow("an afterthought before the sentence before")
        << QStringLiteral("Summarize 'notes.txt' and read it aloud. Oh, and before that, "
                          "translate it into German.")
        << QStringList{QStringLiteral("Translation"), QStringLiteral("Summarization"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("an afterthought before everything")
        << QStringLiteral("Transcribe 'call.wav'. Then summarize the transcript and translate "
                          "the summary. Actually, first clean up the audio.")
        << QStringList{QStringLiteral("Audio-to-Audio"),
                       QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization"), QStringLiteral("Translation")}
        << QList<int>{-1, 0, 1, 2};
    QTest::newRow("but first")
        << QStringLiteral("Translate the transcript of 'memo.wav' into French, but first clean "
                          "up the audio.")
        << QStringList{QStringLiteral("Audio-to-Audio"),
                       QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Translation")}
        << QList<int>{-1, 0, 1};
    // Round 12's cues (what the thirteenth tune set's writers said that no cue read).
    QTest::newRow("write down what the caller says")
        << QStringLiteral("Clean up the noise in 'call.wav' and write down what the caller says.")
        << QStringList{QStringLiteral("Audio-to-Audio"),
                       QStringLiteral("Automatic Speech Recognition")}
        << QList<int>{-1, 0};
    QTest::newRow("say a quotation out loud")
        << QStringLiteral("Say 'Mind the gap' out loud, then transcribe that audio.")
        << QStringList{QStringLiteral("Text-to-Speech"),
                       QStringLiteral("Automatic Speech Recognition")}
        << QList<int>{-1, 0};
    QTest::newRow("make the sky look stormy")
        << QStringLiteral(
               "Make the sky in 'lake.jpg' look stormy, then classify the edited picture.")
        << QStringList{QStringLiteral("Image Editing"), QStringLiteral("Image Classification")}
        << QList<int>{-1, 0};
    QTest::newRow("put a hat on the cat")
        << QStringLiteral("Put a party hat on the cat in 'cat.jpg'.")
        << QStringList{QStringLiteral("Image Editing")} << QList<int>{-1};
    QTest::newRow("apply what it says")
        << QStringLiteral("Transcribe 'notes.wav' and apply what it says to 'room.jpg'.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Image Editing")}
        << QList<int>{-1, 0};
    QTest::newRow("brighten a named file")
        << QStringLiteral("Brighten 'dark.jpg' and box the objects in the brightened version.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Object Detection")}
        << QList<int>{-1, 0};
    QTest::newRow("a table's class asked of a report")
        << QStringLiteral("Classify the table in 'sales.png' and use the class as the question for "
                          "my scanned report 'report.png'.")
        << QStringList{QStringLiteral("Tabular Classification"),
                       QStringLiteral("Document Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("an assistant-style reply")
        << QStringLiteral("Give me an assistant-style reply to 'How do I stay focused?'")
        << QStringList{QStringLiteral("Conversational")} << QList<int>{-1};
    QTest::newRow("the animal in a recording")
        << QStringLiteral(
               "Identify the animal in 'call.wav' and ask 'park.jpg' where that animal is.")
        << QStringList{QStringLiteral("Audio Classification"),
                       QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("classify the cartoon")
        << QStringLiteral("Turn 'photo.jpg' into a cartoon and classify the cartoon.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image Classification")}
        << QList<int>{-1, 0};
    QTest::newRow("a quotation, then its question")
        << QStringLiteral("'The shop opens at nine and closes at five.' when does it close?")
        << QStringList{QStringLiteral("Question Answering")} << QList<int>{-1};
    QTest::newRow("a photo-editing project is not an edit")
        << QStringLiteral("I'm on a photo-editing project: segment 'street.jpg' for me.")
        << QStringList{QStringLiteral("Image Segmentation")} << QList<int>{-1};
    // Round 13's cues (what the fourteenth tune set's writers said that no cue read).
    QTest::newRow("a question opened by its picture")
        << QStringLiteral(
               "Edit 'field.jpg' to add a horse. In the edited image, where is the horse standing?")
        << QStringList{QStringLiteral("Image Editing"), QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("the emotion in a clip")
        << QStringLiteral("Read 'We won the cup!' out loud, then detect the emotion in that clip.")
        << QStringList{QStringLiteral("Text-to-Speech"), QStringLiteral("Audio Classification")}
        << QList<int>{-1, 0};
    QTest::newRow("keep me company")
        << QStringLiteral("Can you keep me company and respond to 'What should I read next?'")
        << QStringList{QStringLiteral("Conversational")} << QList<int>{-1};
    QTest::newRow("turned into a sketch")
        << QStringLiteral("Make an image of 'a lighthouse at dusk'. I'd like that picture turned "
                          "into a watercolour.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Image-to-Image")}
        << QList<int>{-1, 0};
    QTest::newRow("shrink to one line")
        << QStringLiteral(
               "Write a paragraph about 'spring in Kyoto' and shrink that paragraph to one line.")
        << QStringList{QStringLiteral("Text Generation"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    QTest::newRow("turned into a question")
        << QStringLiteral("Translate 'Wo ist der Bahnhof' into English and turn the English text "
                          "into a polite question.")
        << QStringList{QStringLiteral("Translation"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("going by that summary")
        << QStringLiteral("Summarize 'The bakery on Elm Street opens at seven and sells rye "
                          "bread.' Going by that summary, when does the bakery open?")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    // A file named for a document is a document, whatever the word before it.
    QTest::newRow("a document by its file name")
        << QStringLiteral("In 'insurance_claim_form.png', find the answer to 'What is the claim "
                          "number?'")
        << QStringList{QStringLiteral("Document Question Answering")} << QList<int>{-1};
    // Round 14's cues and readings (the fifteenth tune set's writers: files named by what
    // they hold, an engineer's jargon, passive voice).
    QTest::newRow("a foreign question to translate")
        << QStringLiteral(
               "A friend texted me 'Où est la plage ?'. Could you translate that into English?")
        << QStringList{QStringLiteral("Translation")} << QList<int>{-1};
    QTest::newRow("a question rendered in a language")
        << QStringLiteral("A rendering of 'What time does the museum open?' in German is needed.")
        << QStringList{QStringLiteral("Translation")} << QList<int>{-1};
    QTest::newRow("an enhanced invoice is no voice")
        << QStringLiteral("An enhancement of 'invoice_2019.jpg' is needed.")
        << QStringList{QStringLiteral("Image-to-Image")} << QList<int>{-1};
    QTest::newRow("an audio classifier")
        << QStringLiteral("Run an audio classifier on 'street.wav'.")
        << QStringList{QStringLiteral("Audio Classification")} << QList<int>{-1};
    QTest::newRow("matte black") << QStringLiteral("Make the car in 'van.jpg' matte black.")
                                 << QStringList{QStringLiteral("Image Editing")} << QList<int>{-1};
    QTest::newRow("a continuation to be written")
        << QStringLiteral(
               "A continuation of the opening line 'It was a dark night,' is to be written.")
        << QStringList{QStringLiteral("Text Generation")} << QList<int>{-1};
    QTest::newRow("a slogan from a prompt")
        << QStringLiteral("Generate a slogan from the prompt 'fresh bread every morning', then "
                          "translate it into French.")
        << QStringList{QStringLiteral("Text Generation"), QStringLiteral("Translation")}
        << QList<int>{-1, 0};
    QTest::newRow("a segmentation map made realistic")
        << QStringLiteral(
               "Segment 'street.jpg' and turn the segmentation map into a realistic image.")
        << QStringList{QStringLiteral("Image Segmentation"), QStringLiteral("Image-to-Image")}
        << QList<int>{-1, 0};
    QTest::newRow("img2img") << QStringLiteral("img2img 'sketch.png' into a photo.")
                             << QStringList{QStringLiteral("Image-to-Image")} << QList<int>{-1};
    QTest::newRow("the generation of a picture")
        << QStringLiteral("The generation of a picture from the prompt 'a red kite' is requested, "
                          "and its objects are then to be detected.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Object Detection")}
        << QList<int>{-1, 0};
    QTest::newRow("a restoration required first")
        << QStringLiteral("Restoration of 'old.jpg' is required first; the restored photo is then "
                          "to be captioned.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    // Round 15's cues (the sixteenth tune set's writers, in TaskBench's manner).
    QTest::newRow("a phrase translated into a language")
        << QStringLiteral("I need the phrase 'Where is the nearest bakery?' translated into "
                          "Italian for my trip.")
        << QStringList{QStringLiteral("Translation")} << QList<int>{-1};
    QTest::newRow("what the speaker says")
        << QStringLiteral("What does the speaker say in 'lecture.wav'?")
        << QStringList{QStringLiteral("Automatic Speech Recognition")} << QList<int>{-1};
    QTest::newRow("a voice separated from noise")
        << QStringLiteral("Could you separate my voice from the traffic noise in 'memo.wav'?")
        << QStringList{QStringLiteral("Audio-to-Audio")} << QList<int>{-1};
    QTest::newRow("identify what the noise was")
        << QStringLiteral("Identify what the noise in 'night.wav' was.")
        << QStringList{QStringLiteral("Audio Classification")} << QList<int>{-1};
    QTest::newRow("respond as an assistant")
        << QStringLiteral(
               "Could you respond as a friendly assistant to 'What should I cook tonight?'")
        << QStringList{QStringLiteral("Conversational")} << QList<int>{-1};
    QTest::newRow("make the car '…'")
        << QStringLiteral("Could you make the car in 'car.png' 'bright red with white stripes'?")
        << QStringList{QStringLiteral("Image Editing")} << QList<int>{-1};
    QTest::newRow("a video illustrating an answer")
        << QStringLiteral("From 'The tower was finished in 1889.', answer 'When was the tower "
                          "finished?' and then produce a short video illustrating the answer.")
        << QStringList{QStringLiteral("Question Answering"), QStringLiteral("Text-to-Video")}
        << QList<int>{-1, 0};
    QTest::newRow("alt text") << QStringLiteral("I need alt text for 'team.jpg'.")
                              << QStringList{QStringLiteral("Image-to-Text")} << QList<int>{-1};
    // A correction restates the order: its steps run as it names them, a step of its "before
    // <doing> …" phrase after the others.
    QTest::newRow("a correction before doing a step")
        << QStringLiteral("Translate 'notes.txt' into German and read it aloud. Oh wait, before "
                          "translating, summarize it, and translate the summary.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Translation"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("a correction that says first")
        << QStringLiteral("Caption 'cat.jpg'. Hmm, actually, sharpen the photo first and caption "
                          "the sharpened version.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    QTest::newRow("a correction before you try")
        << QStringLiteral("Classify 'bird.wav' and tell me the species. Oh, and before you try to "
                          "identify the sound, remove the wind noise.")
        << QStringList{QStringLiteral("Audio-to-Audio"), QStringLiteral("Audio Classification")}
        << QList<int>{-1, 0};
    // A purpose clause opening a sentence names the goal; its step stands where it is asked for.
    QTest::newRow("a purpose clause names the goal")
        << QStringLiteral("So that a chatbot has something to reply to, first finish my sentence "
                          "'I love rainy days because'; then get the chatbot's reply to the "
                          "finished sentence.")
        << QStringList{QStringLiteral("Text Generation"), QStringLiteral("Conversational")}
        << QList<int>{-1, 0};
    // Round 11's cues (what the twelfth tune set's writers said that no cue read).
    QTest::newRow("pixel by pixel")
        << QStringLiteral("Show me which parts of the picture 'street.jpg' belong to the road and "
                          "which to the cars, pixel by pixel.")
        << QStringList{QStringLiteral("Image Segmentation")} << QList<int>{-1};
    QTest::newRow("box every one")
        << QStringLiteral("Box every bicycle in 'yard.jpg'.")
        << QStringList{QStringLiteral("Object Detection")} << QList<int>{-1};
    QTest::newRow("how deep") << QStringLiteral("How deep is each part of 'canyon.jpg'?")
                              << QStringList{QStringLiteral("Depth Estimation")} << QList<int>{-1};
    QTest::newRow("a reply to send back")
        << QStringLiteral("My sister texted 'I got the job!'. Write a reply I could send back.")
        << QStringList{QStringLiteral("Conversational")} << QList<int>{-1};
    QTest::newRow("what it shows in one sentence")
        << QStringLiteral("Tell me what 'beach.jpg' shows in one sentence.")
        << QStringList{QStringLiteral("Image-to-Text")} << QList<int>{-1};
    QTest::newRow("a caption stretched out")
        << QStringLiteral("Caption 'dog.jpg' and stretch the caption out into a story.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("ask an assistant")
        << QStringLiteral("Ask an assistant 'What should I cook tonight?' and generate a picture "
                          "of its suggestion.")
        << QStringList{QStringLiteral("Conversational"), QStringLiteral("Text-to-Image")}
        << QList<int>{-1, 0};
    QTest::newRow("into a stylized picture")
        << QStringLiteral("Make 'sketch.jpg' into a stylized picture and caption it.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    QTest::newRow("a digest being written is not a summary")
        << QStringLiteral("I'm putting together a weekly digest for my team. How alike are 'The "
                          "launch slipped a week' and 'The release was delayed by seven days'?")
        << QStringList{QStringLiteral("Sentence Similarity")} << QList<int>{-1};
    QTest::newRow("which things appear")
        << QStringLiteral("Make a picture of 'a lighthouse at dusk' and tell me which things "
                          "appear in it.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Object Detection")}
        << QList<int>{-1, 0};
    QTest::newRow("a result described in words")
        << QStringLiteral("Segment 'room.jpg' and describe the segmented result in words.")
        << QStringList{QStringLiteral("Image Segmentation"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    QTest::newRow("a question asked of a guide")
        << QStringLiteral("Find in the style guide 'guide.png' the answer to 'Which font should "
                          "headings use?', then edit 'poster.jpg' so its headings use that font.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Image Editing")}
        << QList<int>{-1, 0};
    QTest::newRow("a clip that is the recording")
        << QStringLiteral("I have a voice clip 'memo.wav'. Could you classify which topic the "
                          "clip is about, and then write a short paragraph on that topic?")
        << QStringList{QStringLiteral("Audio Classification"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("scribbles into typed text")
        << QStringLiteral("Turn the scribbles in 'board.jpg' into typed text.")
        << QStringList{QStringLiteral("Image-to-Text")} << QList<int>{-1};
    // Round 16's cues (what the seventeenth tune set said that no cue read).
    QTest::newRow("parts of speech")
        << QStringLiteral("Tag the parts of speech in 'A heron waits by the cold river'. Generate "
                          "an image from the tagged output.")
        << QStringList{QStringLiteral("Token Classification"), QStringLiteral("Text-to-Image")}
        << QList<int>{-1, 0};
    QTest::newRow("a question posed to a picture is no pose")
        << QStringLiteral("Classify 'kite.jpg' and generate a question from the label. That "
                          "question is what we pose to the other picture, 'beach.jpg'.")
        << QStringList{QStringLiteral("Image Classification"), QStringLiteral("Text Generation"),
                       QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("whatever kind of sound it is")
        << QStringLiteral("Please clean up the noisy recording 'yard.wav' and then draw me an "
                          "illustration of whatever kind of sound it turns out to be.")
        << QStringList{QStringLiteral("Audio-to-Audio"), QStringLiteral("Audio Classification"),
                       QStringLiteral("Text-to-Image")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("which command it is, with a manual scan")
        << QStringLiteral("'door.wav' is a spoken voice command. Please recognize which command "
                          "it is, and use the detected command as the question for the scanned "
                          "manual 'manual.png'.")
        << QStringList{QStringLiteral("Audio Classification"),
                       QStringLiteral("Document Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("a transcript the user already has")
        << QStringLiteral(
               "I have a transcript of a long team meeting in 'meeting_notes.txt'. Could "
               "you summarize the main points?")
        << QStringList{QStringLiteral("Summarization")} << QList<int>{-1};
    QTest::newRow("describe it in words")
        << QStringLiteral("Estimate a depth map for 'stairs.jpg', segment that depth map, and then "
                          "describe the segmented result to me in words.")
        << QStringList{QStringLiteral("Depth Estimation"), QStringLiteral("Image Segmentation"),
                       QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("point out every one and label where")
        << QStringLiteral("There are cows all over 'field.jpg'. Could you point out every cow and "
                          "label where each one is?")
        << QStringList{QStringLiteral("Object Detection")} << QList<int>{-1};
    QTest::newRow("the label looked up in quoted notes")
        << QStringLiteral("Classify the photo 'room.jpg'. Then, using the label as the question, "
                          "look it up in these notes: 'The kitchen has a gas stove. The bedroom "
                          "faces east.'")
        << QStringList{QStringLiteral("Image Classification"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    // A question inside a text to translate is translated, not answered.
    QTest::newRow("a question inside the text to translate")
        << QStringLiteral("My host reads no English. Please translate this into Italian: 'Hello, "
                          "I arrive on Friday. Where do I pick up the keys?'")
        << QStringList{QStringLiteral("Translation")} << QList<int>{-1};
    // Round 17's cues (what the eighteenth tune set said that no cue read).
    QTest::newRow("read the chatbot's reply aloud")
        << QStringLiteral("Have a chatbot respond to 'I lost my keys again', and read the "
                          "chatbot's reply aloud.")
        << QStringList{QStringLiteral("Conversational"), QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0};
    QTest::newRow("which animal is in the photo")
        << QStringLiteral("Could you tell me which animal is in 'meadow.jpg', and then write a "
                          "short poem about it?")
        << QStringList{QStringLiteral("Image Classification"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("sum up the answer")
        << QStringLiteral("Ask 'What are the children doing?' about my photo 'park.jpg', and then "
                          "sum up the answer in one sentence.")
        << QStringList{QStringLiteral("Visual Question Answering"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    QTest::newRow("complete this question")
        << QStringLiteral("Complete this question for me: 'What colour is the'. Then ask the "
                          "finished question about my photo 'kite.jpg'.")
        << QStringList{QStringLiteral("Text Generation"),
                       QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("apply the transcribed instruction to my photo")
        << QStringLiteral("Transcribe my voice note 'note.wav', and then apply the transcribed "
                          "instruction to my photo 'garden.jpg'.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Image Editing")}
        << QList<int>{-1, 0};
    QTest::newRow("have that transcript read back")
        << QStringLiteral("Transcribe 'memo.wav', then have that transcript read back in a clear "
                          "synthetic voice.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0};
    QTest::newRow("touch up the generated picture")
        << QStringLiteral("Generate an illustration of 'a lighthouse at dawn', and then touch up "
                          "the generated picture so it has 'a thin gold border'.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Image Editing")}
        << QList<int>{-1, 0};
    QTest::newRow("tell me in words what the depth map shows")
        << QStringLiteral("Estimate the depth of 'hall.jpg', and tell me in words what that depth "
                          "map shows.")
        << QStringList{QStringLiteral("Depth Estimation"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    QTest::newRow("named things in a text")
        << QStringLiteral("Mark the ingredients and other named things in 'Add two eggs from "
                          "Greenfield Farm to the flour.'")
        << QStringList{QStringLiteral("Token Classification")} << QList<int>{-1};
    QTest::newRow("brighten and clean up the photo")
        << QStringLiteral("Brighten and clean up the photo 'cellar.jpg', then detect the objects "
                          "in it.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Object Detection")}
        << QList<int>{-1, 0};
    QTest::newRow("a fun fact from the answer")
        << QStringLiteral("From 'Otters hold hands while they sleep so they do not drift apart.' "
                          "answer 'Why do otters hold hands?', and then write a short fun fact "
                          "from that answer.")
        << QStringList{QStringLiteral("Question Answering"), QStringLiteral("Text Generation")}
        << QList<int>{-1, 0};
    QTest::newRow("respond to this prompt")
        << QStringLiteral("First, respond to this prompt: 'Suggest a name for a bakery.' Use your "
                          "response to edit my sign 'sign.png'.")
        << QStringList{QStringLiteral("Conversational"), QStringLiteral("Image Editing")}
        << QList<int>{-1, 0};
    // Round 18 cues. A question put to a picture asks it; it does not paste text onto it.
    QTest::newRow("put that question to the photo")
        << QStringLiteral("Transcribe the spoken question in 'q.wav', then put that question to "
                          "my photo 'room.jpg'.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // Writing that cannot be made out, then "what does it say?": the text read off the image.
    QTest::newRow("what does the unreadable writing say")
        << QStringLiteral("There's a note scribbled on the fridge door in 'fridge.jpg' that I "
                          "can't make out. What does it say?")
        << QStringList{QStringLiteral("Image-to-Text")} << QList<int>{-1};
    // "calling in 'call.wav'" names an input file: only "call it as"/"save it to" name an output.
    QTest::newRow("a file after 'calling in' is read")
        << QStringLiteral("A customer is calling in 'call.wav'. Please summarize what she wants.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization")}
        << QList<int>{-1, 0};
    // Round 19 cues. Nouns and verbs are parts of speech: tagging them is token classification.
    QTest::newRow("tag the nouns in the detected list")
        << QStringLiteral("Could you detect the objects in 'shelf.jpg', tag the nouns in that "
                          "list, and read the tagged result aloud?")
        << QStringList{QStringLiteral("Object Detection"), QStringLiteral("Token Classification"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("pull the verbs out of the label")
        << QStringLiteral("Classify 'pet.jpg' and pull the key verbs out of the predicted label.")
        << QStringList{QStringLiteral("Image Classification"),
                       QStringLiteral("Token Classification")}
        << QList<int>{-1, 0};
    // Describing an image that a step made (a depth map, a segmented image) is captioning it.
    QTest::newRow("describe that depth map")
        << QStringLiteral("Make a depth map of 'hall.jpg', describe that depth map in a sentence, "
                          "and turn the description into a short video.")
        << QStringList{QStringLiteral("Depth Estimation"), QStringLiteral("Image-to-Text"),
                       QStringLiteral("Text-to-Video")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("describe the segmented image")
        << QStringLiteral("Segment 'desk.jpg' and describe the segmented image.")
        << QStringList{QStringLiteral("Image Segmentation"), QStringLiteral("Image-to-Text")}
        << QList<int>{-1, 0};
    // "Use that answer to tell me '…?'", "from the receipt's answer, find out '…?'": a question
    // answered from an earlier step's text.
    QTest::newRow("use that answer to tell me")
        << QStringLiteral("Generate an image of 'a red barn beside a pond', ask the image 'What is "
                          "next to the barn?', and then use that answer to tell me 'Is there "
                          "water in the scene?'")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Visual Question Answering"),
                       QStringLiteral("Question Answering")}
        << QList<int>{-1, 0, 1};
    QTest::newRow("use that reply to explain")
        << QStringLiteral("Get a chatbot's reply to 'Name three hardy winter vegetables', and use "
                          "that reply to explain which of them grows fastest.")
        << QStringList{QStringLiteral("Conversational"), QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    QTest::newRow("from the receipt's answer, find out")
        << QStringLiteral("Ask my scanned receipt 'receipt.png' 'Which shop is this from?', and "
                          "from the receipt's answer, find out 'Is the shop in Berlin?'")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Question Answering")}
        << QList<int>{-1, 0};
    // Detecting what objects are in a picture is detection, not a question to the picture.
    QTest::newRow("detect what objects are in the picture")
        << QStringLiteral("After generating an image of 'a harbour at dusk', detect what objects "
                          "are in the picture and read the list aloud.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Object Detection"),
                       QStringLiteral("Text-to-Speech")}
        << QList<int>{-1, 0, 1};
    // "Answer that question about 'dish.jpg'" asks the picture.
    QTest::newRow("answer that short question about the photo")
        << QStringLiteral("Shorten my question 'I keep wondering whether this is fried or baked "
                          "in an oven' into a brief one, then answer that short question about "
                          "'dish.jpg'.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Visual Question Answering")}
        << QList<int>{-1, 0};
    // People chatting in a recording are background noise, not a chat to have.
    QTest::newRow("people chatting in the background")
        << QStringLiteral("My recording 'party.wav' has people chatting in the background; please "
                          "clean it up.")
        << QStringList{QStringLiteral("Audio-to-Audio")} << QList<int>{-1};
    // "Answer it using the scanned policy document": the document answers, not a text reader.
    QTest::newRow("answer it using the scanned document")
        << QStringLiteral("Clean up my voice memo 'memo.wav', transcribe my question, and answer "
                          "it using the scanned policy document 'policy.png'.")
        << QStringList{QStringLiteral("Audio-to-Audio"),
                       QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Document Question Answering")}
        << QList<int>{-1, 0, 1};
    // The first question after a sentence that sets the scene with a scan goes to the scan's
    // reader, not to a text reader for the summary the same sentence asks for later.
    QTest::newRow("find out, after the scene is set by a scan")
        << QStringLiteral("I've scanned a lease as 'lease.png'. Could you find out 'Who are the "
                          "tenants and when does it end?' Then I need two things from that "
                          "answer: the names and dates tagged, and a brief summary of it.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Token Classification"), QStringLiteral("Summarization")}
        << QList<int>{-1, 0, 0};
}

void TestLocalPlanner::chainsLinkByType()
{
    QFETCH(QString, request);
    QFETCH(QStringList, tasks);
    QFETCH(QList<int>, sources);
    const Catalog &cat = Catalog::builtin();
    const Result<Plan> plan = LocalPlanner(cat).planNow(request);
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == tasks.size(), qPrintable(describe(*plan)));
    for (int i = 0; i < tasks.size(); ++i) {
        const PlanTask &t = plan->tasks.at(i);
        QCOMPARE(t.task, tasks.at(i));
        QString from; // the step an argument comes from (a question's text, beside its picture)
        for (const auto &arg : t.args)
            if (from.isEmpty())
                from = arg.sourceTask;
        QCOMPARE(from, sources.at(i) < 0 ? QString() : plan->tasks.at(sources.at(i)).id);
    }
    QVERIFY2(validatePlan(*plan, cat).isEmpty(),
             qPrintable(describeProblems(validatePlan(*plan, cat))));
}

void TestLocalPlanner::stepsLinkAsTheRequestNamesThem_data()
{
    // Each request, its tasks in plan order, and every link (from, to) by index: the whole
    // graph, so that a step with two sources, or one that skips the step before it, is checked.
    QTest::addColumn<QString>("request");
    QTest::addColumn<QStringList>("tasks");
    QTest::addColumn<LinkList>("links");
    // Labelled steps name the steps they read: the speech is made from the caption of step A,
    // not from the translation just before it.
    QTest::newRow("labelled step reads an earlier one")
        << QStringLiteral("Step A: the photograph 'pier.jpg' is to be captioned. Step B: the "
                          "caption from Step A shall be translated into French. Step C: the "
                          "caption from Step A shall also be read aloud by text-to-speech.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Translation"),
                       QStringLiteral("Text-to-Speech")}
        << LinkList{{0, 1}, {0, 2}};
    // A step with two sources: the restored image and the audio label as its question.
    QTest::newRow("labelled step reads two")
        << QStringLiteral("Step 1: the faded photo 'yard.jpg' is to be restored by image-to-image "
                          "enhancement. Step 2: the recording 'birds.wav' shall be classified. "
                          "Step 3: the restored image from Step 1 shall be queried, the question "
                          "being the label obtained in Step 2.")
        << QStringList{QStringLiteral("Image-to-Image"), QStringLiteral("Audio Classification"),
                       QStringLiteral("Visual Question Answering")}
        << LinkList{{0, 2}, {1, 2}};
    QTest::newRow("labelled comparison")
        << QStringLiteral("(1) The passage 'The ferry leaves at nine and returns at five.' shall "
                          "be summarized. (2) The recording 'dock.wav' is to be transcribed. (3) "
                          "The summary from (1) and the transcript from (2) shall be compared by "
                          "sentence similarity.")
        << QStringList{QStringLiteral("Summarization"),
                       QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Sentence Similarity")}
        << LinkList{{0, 2}, {1, 2}};
    // The goal first, described backwards, then a recipe the word "so" announces.
    QTest::newRow("goal, then a recipe")
        << QStringLiteral("End result: a French caption for 'harbour.jpg', read aloud. That "
                          "speech is made from a French translation of the photo's caption. So, "
                          "working from the start: caption the photo, translate the caption into "
                          "French, and read the translation aloud.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Translation"),
                       QStringLiteral("Text-to-Speech")}
        << LinkList{{0, 1}, {1, 2}};
    QTest::newRow("goal, then steps in order")
        << QStringLiteral("The final deliverable is a summary. It summarizes the transcript of "
                          "'lecture.wav' after the recording has been cleaned of background "
                          "noise. In order: clean the recording, transcribe it, and summarize the "
                          "transcript.")
        << QStringList{QStringLiteral("Audio-to-Audio"),
                       QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Summarization")}
        << LinkList{{0, 1}, {1, 2}};
    // A ticket: the title and the background ask nothing; the list does.
    QTest::newRow("ticket")
        << QStringLiteral("Gallery audio guide\nThe museum asked for this before the reopening; "
                          "last year we tried subtitles and short videos.\n- [ ] Caption "
                          "'statue.jpg'\n- [ ] Read the caption aloud")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Text-to-Speech")}
        << LinkList{{0, 1}};
    // A step reads the results its own words name, not only the latest one: two named results
    // (a question answered from both), one result read by two later steps.
    QTest::newRow("both named results")
        << QStringLiteral("Could you detect the objects in 'desk.jpg' and also write a few lines "
                          "continuing 'A tidy desk helps'? Then, using both the detected items and "
                          "that generated text, answer 'Which item should I put away first?'")
        << QStringList{QStringLiteral("Object Detection"), QStringLiteral("Text Generation"),
                       QStringLiteral("Question Answering")}
        << LinkList{{0, 2}, {1, 2}};
    QTest::newRow("the same generated question twice")
        << QStringLiteral("Generate a question from 'Ask what season a photo shows'. Translate the "
                          "generated question into German. Also put that same generated question "
                          "to the photo 'park.jpg'.")
        << QStringList{QStringLiteral("Text Generation"), QStringLiteral("Translation"),
                       QStringLiteral("Visual Question Answering")}
        << LinkList{{0, 1}, {0, 2}};
    // A step that quotes its own text reads the quotation; "use the result" reads the step before.
    QTest::newRow("a step that quotes its own text")
        << QStringLiteral("Summarize this note: 'The bakery opens at seven and closes at noon on "
                          "Sundays.' Separately, generate a question from the prompt 'Write one "
                          "question a customer might ask about opening hours'. Answer that "
                          "generated question using the summary as the source text.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Text Generation"),
                       QStringLiteral("Question Answering")}
        << LinkList{{0, 2}, {1, 2}};
    QTest::newRow("a quotation, then use the result")
        << QStringLiteral("Summarize this paragraph: 'The council approved a budget for parks and "
                          "libraries.' Then use the result to create an illustration.")
        << QStringList{QStringLiteral("Summarization"), QStringLiteral("Text-to-Image")}
        << LinkList{{0, 1}};
    // Of two results named as one phrase, the later step's.
    QTest::newRow("the description of this category")
        << QStringLiteral("Caption 'tower.jpg', read the caption aloud, classify that audio, and "
                          "tell me how similar the description of this category is to the "
                          "sentence 'a bell is ringing'.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Text-to-Speech"),
                       QStringLiteral("Audio Classification"),
                       QStringLiteral("Sentence Similarity")}
        << LinkList{{0, 1}, {1, 2}, {2, 3}};
    // "After that answer '…'" orders a step; it does not name the earlier answer.
    QTest::newRow("after that, answer")
        << QStringLiteral("Ask the scanned manual 'manual.png' 'How do I descale it?', summarize "
                          "that answer, after that answer 'How long does it take?' from the "
                          "summary.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Summarization"), QStringLiteral("Question Answering")}
        << LinkList{{0, 1}, {1, 2}};
    // A result named in the clause before belongs to that clause's step.
    QTest::newRow("a name in the clause before")
        << QStringLiteral(
               "Ask the scanned menu 'menu.png' 'What is today's special?', pick out the "
               "names and places from that answer, and finally write me a friendly "
               "chat-style reply based on them.")
        << QStringList{QStringLiteral("Document Question Answering"),
                       QStringLiteral("Token Classification"), QStringLiteral("Conversational")}
        << LinkList{{0, 1}, {1, 2}};
    QTest::newRow("the Spanish label")
        << QStringLiteral(
               "Classify the emotion in 'greeting.wav' and give me the label in Spanish. "
               "Based on that Spanish label, write a short story.")
        << QStringList{QStringLiteral("Audio Classification"), QStringLiteral("Translation"),
                       QStringLiteral("Text Generation")}
        << LinkList{{0, 1}, {1, 2}};
    // A first sentence that asks for the first step is not a goal to put last.
    QTest::newRow("wish that is the first step")
        << QStringLiteral("I'd like an image of 'a lighthouse in a storm'. Segment the generated "
                          "picture, then classify the segmented image.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Image Segmentation"),
                       QStringLiteral("Image Classification")}
        << LinkList{{0, 1}, {1, 2}};
    // "Separately" opens the next clause: the summary reads the story, and the names are pulled
    // from the story too, beside the summary (round 18).
    QTest::newRow("separately, a sibling of the step before")
        << QStringLiteral("Write a short story from the prompt 'a lighthouse keeper's last "
                          "night'. When it's done, summarize it, and separately pull out the "
                          "names and places it mentions.")
        << QStringList{QStringLiteral("Text Generation"), QStringLiteral("Summarization"),
                       QStringLiteral("Token Classification")}
        << LinkList{{0, 1}, {0, 2}};
    // The translation reads the caption; the picture question, "separately", asks the photo the
    // quoted question and reads no result.
    QTest::newRow("separately, a question about the photo")
        << QStringLiteral("Caption 'beach.jpg', translate the caption into French, and "
                          "separately answer 'How many boats are there?' about the photo.")
        << QStringList{QStringLiteral("Image-to-Text"), QStringLiteral("Translation"),
                       QStringLiteral("Visual Question Answering")}
        << LinkList{{0, 1}};
    // A document reader named only in the scene-setting sentence asks its question where the
    // request puts it, last, of the depth image (round 18): once when a picture-question cue
    // found the asking ("ask that depth image"), once when only the quoted question did ("using
    // the sharpened picture").
    QTest::newRow("document question asked where it is put")
        << QStringLiteral("I have a scanned letter 'letter.png' with a torn corner. Please edit it "
                          "to fill in the torn corner, then make a depth map of the repaired "
                          "image, and finally ask that depth image 'Who signed the letter?'")
        << QStringList{QStringLiteral("Image Editing"), QStringLiteral("Depth Estimation"),
                       QStringLiteral("Document Question Answering")}
        << LinkList{{0, 1}, {1, 2}};
    QTest::newRow("document question of the sharpened picture")
        << QStringLiteral("I have a document image 'bill.png'. Please sharpen it, then answer "
                          "'What is the total due?' using the sharpened picture.")
        << QStringList{QStringLiteral("Image-to-Image"),
                       QStringLiteral("Document Question Answering")}
        << LinkList{{0, 1}};
    // A document reader named only where the request sets the scene, by the thing it reads,
    // stands where the request comes back to that thing (round 18): after the step whose result
    // is its question.
    QTest::newRow("document reader where its document comes back")
        << QStringLiteral("I photographed my fridge, 'fridge.jpg', and I also have a scanned "
                          "recipe card, 'card.png'. Please detect the items in the fridge, then "
                          "use the detected items as the question to the recipe card to see "
                          "which ingredients I already have.")
        << QStringList{QStringLiteral("Object Detection"),
                       QStringLiteral("Document Question Answering")}
        << LinkList{{0, 1}};
    QTest::newRow("document asked the transcribed question")
        << QStringLiteral("My landlord sent a scanned notice, 'notice.png'. Please transcribe my "
                          "voice note 'note.wav' and ask the notice that question, then summarize "
                          "the answer from the notice.")
        << QStringList{QStringLiteral("Automatic Speech Recognition"),
                       QStringLiteral("Document Question Answering"),
                       QStringLiteral("Summarization")}
        << LinkList{{0, 1}, {1, 2}};
    // An edit that names the generated picture ("the generated barn image": a result name with a
    // word between) takes its instruction from the answer before it, which nothing reads yet
    // (round 18).
    QTest::newRow("edit named picture in the answer's color")
        << QStringLiteral("Generate an image of 'a red barn in a wheat field'. Also, read this "
                          "note: 'The farmer painted the barn doors green last spring.' and "
                          "answer 'What color are the barn doors?'. Then edit the generated barn "
                          "image so its roof matches that color.")
        << QStringList{QStringLiteral("Text-to-Image"), QStringLiteral("Question Answering"),
                       QStringLiteral("Image Editing")}
        << LinkList{{0, 2}, {1, 2}};
    // "The same segmented image also": a branch beside the question, which takes no answer.
    QTest::newRow("the same image also edited")
        << QStringLiteral("Can you segment the scanned page 'contract.png'? Looking at that "
                          "segmented page, what is the signing date? And could the same "
                          "segmented image also be edited so the signature block is highlighted "
                          "in yellow?")
        << QStringList{QStringLiteral("Image Segmentation"),
                       QStringLiteral("Document Question Answering"),
                       QStringLiteral("Image Editing")}
        << LinkList{{0, 1}, {0, 2}};
}

void TestLocalPlanner::quotationsGoToTheStepsThatQuoteThem_data()
{
    // Each request, and for each planned task the quotations its text inputs take (lower-cased,
    // as the planner reads them), in argument order; a task whose texts all come from earlier
    // tasks has none.
    QTest::addColumn<QString>("request");
    QTest::addColumn<QList<QStringList>>("texts");
    // Each step takes the quotation in its own words, not the request's first one.
    QTest::newRow("prompt and article")
        << QStringLiteral("Summarize this article: 'The council voted to widen the bike lanes.' "
                          "and generate an image of 'a cat on a bicycle'.")
        << QList<QStringList>{{QStringLiteral("the council voted to widen the bike lanes.")},
                              {QStringLiteral("a cat on a bicycle")}};
    // The answering step takes its own question and the note before it, not the picture's
    // prompt; its two texts keep the request's order.
    QTest::newRow("question with the note before it")
        << QStringLiteral("Generate an image of 'a red barn in a wheat field'. Also, read this "
                          "note: 'The farmer painted the barn doors green last spring.' and "
                          "answer 'What color are the barn doors?'. Then edit the generated barn "
                          "image so its roof matches that color.")
        << QList<QStringList>{{QStringLiteral("a red barn in a wheat field")},
                              {QStringLiteral("the farmer painted the barn doors green last "
                                              "spring."),
                               QStringLiteral("what color are the barn doors?")},
                              {}};
    // A question about a result asks its own quoted question, not the edit's instruction.
    QTest::newRow("question after a quoted edit")
        << QStringLiteral("Estimate the depth of 'hall.jpg', then edit the depth map so that 'the "
                          "closest objects are red', and then answer 'Which object is red?' "
                          "about the edited image.")
        << QList<QStringList>{{},
                              {QStringLiteral("the closest objects are red")},
                              {QStringLiteral("which object is red?")}};
}

void TestLocalPlanner::quotationsGoToTheStepsThatQuoteThem()
{
    QFETCH(QString, request);
    QFETCH(QList<QStringList>, texts);
    const Result<Plan> plan = LocalPlanner(Catalog::builtin()).planNow(request);
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == texts.size(), qPrintable(describe(*plan)));
    for (int i = 0; i < texts.size(); ++i) {
        QStringList given;
        for (const TaskArg &arg : plan->tasks.at(i).args)
            if (!arg.isLink() && arg.type == QLatin1String("text"))
                given << arg.value;
        QCOMPARE(given, texts.at(i));
    }
}

void TestLocalPlanner::stepsLinkAsTheRequestNamesThem()
{
    QFETCH(QString, request);
    QFETCH(QStringList, tasks);
    QFETCH(LinkList, links);
    const Catalog &cat = Catalog::builtin();
    const Result<Plan> plan = LocalPlanner(cat).planNow(request);
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == tasks.size(), qPrintable(describe(*plan)));
    QHash<QString, int> index; // task id -> position in the plan
    for (int i = 0; i < tasks.size(); ++i) {
        QCOMPARE(plan->tasks.at(i).task, tasks.at(i));
        index.insert(plan->tasks.at(i).id, i);
    }
    LinkList planned;
    for (int i = 0; i < plan->tasks.size(); ++i)
        for (const TaskArg &arg : plan->tasks.at(i).args)
            if (arg.isLink())
                planned << qMakePair(index.value(arg.sourceTask, -1), i);
    std::sort(planned.begin(), planned.end());
    LinkList expected = links;
    std::sort(expected.begin(), expected.end());
    QCOMPARE(planned, expected);
    QVERIFY2(validatePlan(*plan, cat).isEmpty(),
             qPrintable(describeProblems(validatePlan(*plan, cat))));
}

void TestLocalPlanner::namedPhotoIsNotCaptured()
{
    // "I snapped a photo" with a file name is a photo the user has: nothing to capture.
    const Catalog &cat = Catalog::builtin();
    const Result<Plan> named = LocalPlanner(cat).planNow(QStringLiteral(
        "I snapped a picture last night. It is called 'street.jpg'. Please segment it."));
    QVERIFY2(named.ok(), qPrintable(named.error()));
    QVERIFY2(named->tasks.size() == 1, qPrintable(describe(*named)));
    QCOMPARE(named->tasks.first().task, QStringLiteral("Image Segmentation"));
    QCOMPARE(named->tasks.first().args.first().value, QStringLiteral("street.jpg"));
    // Asked to take one, the planner captures it first.
    const Result<Plan> take =
        LocalPlanner(cat).planNow(QStringLiteral("Take a photo and segment it into its objects."));
    QVERIFY2(take.ok(), qPrintable(take.error()));
    QVERIFY2(take->tasks.size() == 2, qPrintable(describe(*take)));
    QCOMPARE(take->tasks.first().task, QStringLiteral("Capture Image"));
    QCOMPARE(take->tasks.at(1).args.first().sourceTask, take->tasks.first().id);
}

void TestLocalPlanner::fileToSaveAsIsNotAnInput()
{
    // 'castle.png' is where the result goes: nothing reads it, no image step is added.
    const Catalog &cat = Catalog::builtin();
    const Result<Plan> plan = LocalPlanner(cat).planNow(
        QStringLiteral("Draw a castle at dawn and save it as 'castle.png'."));
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == 1, qPrintable(describe(*plan)));
    QCOMPARE(plan->tasks.first().task, QStringLiteral("Text-to-Image"));
}

void TestLocalPlanner::unreadInputFileGetsItsReader()
{
    // The lexicon without cues for speech recognition: a request that summarises a recording
    // still gets the step that turns the recording into text, fed into the summary.
    PlannerLexicon lex = PlannerLexicon::builtin();
    for (TaskCues &tc : lex.tasks)
        if (tc.task == QLatin1String("Automatic Speech Recognition"))
            tc.cues.clear();
    const Catalog &cat = Catalog::builtin();
    const LocalPlanner planner(cat, lex);
    const Result<Plan> plan =
        planner.planNow(QStringLiteral("Please summarize the lecture in 'lecture.wav'."));
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == 2, qPrintable(describe(*plan)));
    QCOMPARE(plan->tasks.at(0).task, QStringLiteral("Automatic Speech Recognition"));
    QCOMPARE(plan->tasks.at(0).args.first().value, QStringLiteral("lecture.wav"));
    QCOMPARE(plan->tasks.at(1).task, QStringLiteral("Summarization"));
    QCOMPARE(plan->tasks.at(1).args.first().sourceTask, plan->tasks.at(0).id);
    QVERIFY(validatePlan(*plan, cat).isEmpty());
    // The request's words choose among the readers of the medium: separating a voice from
    // noise is an audio-to-audio step, not speech recognition.
    PlannerLexicon noA2a = PlannerLexicon::builtin();
    for (TaskCues &tc : noA2a.tasks)
        if (tc.task == QLatin1String("Audio-to-Audio"))
            tc.cues.clear();
    const RequestReading r = LocalPlanner(cat, noA2a)
                                 .read(QStringLiteral("Summarize 'talk.wav' once the voice is "
                                                      "separated from the noise."));
    QStringList tasks;
    for (const auto &d : r.tasks)
        tasks << d.task;
    QVERIFY2(tasks.contains(QStringLiteral("Audio-to-Audio")), qPrintable(tasks.join(u',')));
}

void TestLocalPlanner::sequencedStepWithoutCueIsRead()
{
    // Without its cues, image-to-image is still read from the step's own words ("restyle"
    // names that kind only) because the request puts it in sequence with "then".
    PlannerLexicon lex = PlannerLexicon::builtin();
    for (TaskCues &tc : lex.tasks)
        if (tc.task == QLatin1String("Image-to-Image"))
            tc.cues.clear();
    const Catalog &cat = Catalog::builtin();
    const LocalPlanner planner(cat, lex);
    const Result<Plan> plan = planner.planNow(
        QStringLiteral("Restyle 'sketch.png' as a cartoon, then segment the result."));
    QVERIFY2(plan.ok(), qPrintable(plan.error()));
    QVERIFY2(plan->tasks.size() == 2, qPrintable(describe(*plan)));
    QCOMPARE(plan->tasks.at(0).task, QStringLiteral("Image-to-Image"));
    QCOMPARE(plan->tasks.at(1).task, QStringLiteral("Image Segmentation"));
    QCOMPARE(plan->tasks.at(1).args.first().sourceTask, plan->tasks.at(0).id);
    // Not without the sequence: a lone clause is left to the cues and the guess.
    const RequestReading lone =
        planner.read(QStringLiteral("Segment 'sketch.png' and restyle it as a cartoon."));
    for (const auto &d : lone.tasks)
        QVERIFY(d.task != QLatin1String("Image-to-Image"));
}

void TestLocalPlanner::brokenLexiconIsRejectedWithPath()
{
    const Result<PlannerLexicon> lex = PlannerLexicon::fromJson(
        R"({"threshold":0.8,"tasks":[{"task":"Translation","cues":[{"re":"transl(at","w":1}]}],"exclusions":[],
            "requires":{},"late_generators":[],"prefer_source":{},"per_source":[],"model_rules":[],"devices":[],
            "default_device":"Mobile phone"})",
        QStringLiteral("lexicon.json"));
    QVERIFY(!lex.ok());
    QVERIFY2(lex.error().startsWith(
                 QStringLiteral("lexicon.json: $.tasks[0].cues[0].re: invalid regular expression")),
             qPrintable(lex.error()));
    // A result name is a pattern too: a broken one is named by its task.
    const Result<PlannerLexicon> names = PlannerLexicon::fromJson(
        R"({"threshold":0.8,"tasks":[],"exclusions":[],"requires":{},"late_generators":[],
            "prefer_source":{},"per_source":[],"model_rules":[],"devices":[],
            "default_device":"Mobile phone","result_names":{"Summarization":"summar(y"}})",
        QStringLiteral("lexicon.json"));
    QVERIFY(!names.ok());
    QVERIFY2(names.error().contains(
                 QStringLiteral("$.result_names.Summarization: invalid regular expression")),
             qPrintable(names.error()));
}

void TestLocalPlanner::scoringIsMicroAveraged()
{
    const QSet<QString> vocab{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")};
    auto plan = [](const QStringList &tasks, bool chain) {
        Plan p;
        for (int i = 0; i < tasks.size(); ++i) {
            PlanTask t{
                QStringLiteral("t%1").arg(i), tasks.at(i), QString(), QString(), {}, QString()};
            if (chain && i > 0)
                t.args << TaskArg{QStringLiteral("text"), QString(),
                                  QStringLiteral("t%1").arg(i - 1)};
            p.tasks << t;
        }
        return p;
    };
    PlanningScore s;
    LabelledRequest l1{QStringLiteral("1"),
                       QStringLiteral("chain"),
                       QStringLiteral("x"),
                       {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("Unlisted")},
                       {{QStringLiteral("A"), QStringLiteral("B")}}};
    const Plan p1 = plan({QStringLiteral("A"), QStringLiteral("B")}, true);
    scorePlan(s, l1, &p1, vocab, 1.0);
    LabelledRequest l2{QStringLiteral("2"),
                       QStringLiteral("single"),
                       QStringLiteral("y"),
                       {QStringLiteral("C")},
                       {}};
    const Plan p2 = plan({QStringLiteral("A"), QStringLiteral("B")}, true);
    scorePlan(s, l2, &p2, vocab, 3.0);
    scorePlan(s, l2, nullptr, vocab, 2.0);
    // Nodes: tp 2 (A,B), fp 2 (A,B in sample 2), fn 1 + 1 (C twice); "Unlisted" counts for neither.
    QCOMPARE(s.nodeTp, 2);
    QCOMPARE(s.nodeFp, 2);
    QCOMPARE(s.nodeFn, 2);
    QCOMPARE(s.nodeF1(), 0.5);
    // Links: tp 1, fp 1, fn 0.
    QCOMPARE(s.linkF1(), 2.0 / 3.0);
    QCOMPARE(s.exact, 1); // sample 1: "Unlisted" counts for neither side, so it matches exactly
    QCOMPARE(s.failures, 1);
    QCOMPARE(s.medianMs(), 2.0);
}

void TestLocalPlanner::labelledRequestErrors()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"instruction\":\"x\",\"nodes\":[\"A\"],\"links\":[]}\n\nnot json\n{\"nodes\":[]}\n");
    f.close();
    const Result<QList<LabelledRequest>> r = readLabelledRequests(path);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(path + QStringLiteral(":3: not a JSON object")),
             qPrintable(r.error()));
    QVERIFY2(r.error().contains(path + QStringLiteral(":4: needs")), qPrintable(r.error()));
    QVERIFY(!readLabelledRequests(dir.filePath(QStringLiteral("missing.jsonl"))).ok());
}

void TestLocalPlanner::percentileIsInterpolated()
{
    // The scores use core/util/Stats.h's one definition (tested in tst_stats).
    PlanningScore s;
    s.latenciesMs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    QCOMPARE(s.medianMs(), 5.5);
    QVERIFY(qAbs(s.p95Ms() - 9.55) < 1e-12);
    QCOMPARE(PlanningScore().medianMs(), 0.0);
}

QTEST_GUILESS_MAIN(TestLocalPlanner)
#include "tst_local_planner.moc"
