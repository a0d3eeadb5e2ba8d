// Plans: validation reports each kind of problem on the task or link it concerns; JSON and the
// paper's text format round-trip.
#include "core/plan/PlanFormat.h"
#include "core/plan/PlanValidator.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace edgegpt;

namespace {

// The paper's "What's in front of my car?" plan.
Plan carPlan()
{
    Plan p;
    p.request = QStringLiteral("What's in the front of my car?");
    p.tasks << PlanTask{QStringLiteral("t1"),
                        QStringLiteral("Capture Image"),
                        QString(),
                        QStringLiteral("Vehicle"),
                        {},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("t2"),
                        QStringLiteral("Image-to-Text"),
                        QStringLiteral("Salesforce/blip-image-captioning-base"),
                        QStringLiteral("Vehicle"),
                        {TaskArg{QStringLiteral("image"), QString(), QStringLiteral("t1")}},
                        QString()};
    return p;
}

bool hasProblem(const QList<PlanProblem> &problems, PlanProblem::Kind kind, const QString &task)
{
    for (const PlanProblem &p : problems)
        if (p.kind == kind && p.taskId == task)
            return true;
    return false;
}

} // namespace

class TestPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validPlanHasNoProblems();
    void unknownNames();
    void modelTaskAndDeviceMismatch();
    void sensingRules();
    void cycleIsReportedOnItsLinks();
    void typeMismatchAndUnknownSource();
    void duplicateIdsAndArgumentCount();
    void topologicalOrder();
    void jsonRoundTrip();
    void jsonErrorsNameThePath();
    void textRoundTripKeepsLinks();
    void readsThePapersTextFormat();
    void textErrors();
    void textMarksWhatRunsHere();
    void jsonBindingIsOutputOnly();
    void notesRoundTrip();
};

void TestPlan::validPlanHasNoProblems()
{
    const QList<PlanProblem> problems = validatePlan(carPlan(), Catalog::builtin());
    QVERIFY2(problems.isEmpty(), qPrintable(describeProblems(problems)));
}

void TestPlan::unknownNames()
{
    Plan p = carPlan();
    p.tasks[1].task = QStringLiteral("Telepathy");
    p.tasks[1].model = QStringLiteral("gpt-9");
    p.tasks[0].device = QStringLiteral("Toaster");
    const QList<PlanProblem> problems = validatePlan(p, Catalog::builtin());
    QVERIFY(hasProblem(problems, PlanProblem::Kind::UnknownTask, QStringLiteral("t2")));
    QVERIFY(hasProblem(problems, PlanProblem::Kind::UnknownModel, QStringLiteral("t2")));
    QVERIFY(hasProblem(problems, PlanProblem::Kind::UnknownDevice, QStringLiteral("t1")));
}

void TestPlan::modelTaskAndDeviceMismatch()
{
    Plan p = carPlan();
    p.tasks[1].model = QStringLiteral("ViT"); // classifies, does not caption
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::ModelTaskMismatch,
                       QStringLiteral("t2")));
    p = carPlan();
    p.tasks[1].device = QStringLiteral("Wearable device"); // too small for BLIP
    const QList<PlanProblem> problems = validatePlan(p, Catalog::builtin());
    QVERIFY(hasProblem(problems, PlanProblem::Kind::ModelDeviceMismatch, QStringLiteral("t2")));
    QCOMPARE(problems.size(), 1);
}

void TestPlan::sensingRules()
{
    Plan p = carPlan();
    p.tasks[0].model = QStringLiteral("ViT");
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::ModelOnSensingStep,
                       QStringLiteral("t1")));
    p = carPlan();
    p.tasks[0].device = QStringLiteral("Wi-Fi router"); // no camera
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::SensorMissing,
                       QStringLiteral("t1")));
    // An edge server has no sensors at all, listed or not: it cannot capture an image.
    p = carPlan();
    p.tasks[0].device = QStringLiteral("Edge server (RTX 3090)");
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::SensorMissing,
                       QStringLiteral("t1")));
    p = carPlan();
    p.tasks[1].model.clear();
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::MissingModel,
                       QStringLiteral("t2")));
}

void TestPlan::cycleIsReportedOnItsLinks()
{
    Plan p;
    p.tasks << PlanTask{QStringLiteral("a"),
                        QStringLiteral("Translation"),
                        QStringLiteral("t5-small"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("b")}},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("b"),
                        QStringLiteral("Summarization"),
                        QStringLiteral("facebook/bart-large-cnn"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("a")}},
                        QString()};
    const QList<PlanProblem> problems = validatePlan(p, Catalog::builtin());
    int cycles = 0;
    for (const PlanProblem &pr : problems)
        if (pr.kind == PlanProblem::Kind::Cycle) {
            ++cycles;
            QVERIFY(pr.concernsLink());
        }
    QCOMPARE(cycles, 2);
    QVERIFY(p.topologicalOrder().isEmpty());
}

void TestPlan::typeMismatchAndUnknownSource()
{
    Plan p = carPlan();
    p.tasks << PlanTask{QStringLiteral("t3"),
                        QStringLiteral("Automatic Speech Recognition"),
                        QStringLiteral("facebook/wav2vec2-base-960h"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("audio"), QString(), QStringLiteral("t2")}},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("t4"),
                        QStringLiteral("Translation"),
                        QStringLiteral("t5-small"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t99")}},
                        QString()};
    const QList<PlanProblem> problems = validatePlan(p, Catalog::builtin());
    QVERIFY(hasProblem(problems, PlanProblem::Kind::TypeMismatch, QStringLiteral("t3")));
    QVERIFY(hasProblem(problems, PlanProblem::Kind::UnknownSource, QStringLiteral("t4")));
    for (const PlanProblem &pr : problems)
        if (pr.kind == PlanProblem::Kind::TypeMismatch)
            QCOMPARE(pr.link.from, QStringLiteral("t2"));
}

void TestPlan::duplicateIdsAndArgumentCount()
{
    Plan p = carPlan();
    p.tasks[1].id = QStringLiteral("t1");
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::DuplicateId,
                       QStringLiteral("t1")));
    p = carPlan();
    p.tasks[1].args.clear();
    QVERIFY(hasProblem(validatePlan(p, Catalog::builtin()), PlanProblem::Kind::ArgumentCount,
                       QStringLiteral("t2")));
    QVERIFY(hasProblem(validatePlan(Plan{}, Catalog::builtin()), PlanProblem::Kind::EmptyPlan,
                       QString()));
}

void TestPlan::topologicalOrder()
{
    Plan p = carPlan();
    std::swap(p.tasks[0], p.tasks[1]);
    QCOMPARE(p.topologicalOrder(), (QStringList{QStringLiteral("t1"), QStringLiteral("t2")}));
    QCOMPARE(p.nextTaskId(), QStringLiteral("t3"));
}

void TestPlan::jsonRoundTrip()
{
    Plan p = carPlan();
    p.tasks[1].description = QStringLiteral("Describe the road");
    p.provenance.planner = QStringLiteral("llm");
    p.provenance.llmModel = QStringLiteral("gpt-4o");
    p.provenance.latencyMs = 512.5;
    p.provenance.promptTokens = 1200;
    p.provenance.completionTokens = 80;
    p.provenance.attempts = 2;
    const Result<Plan> back = planFromJson(planToJson(p));
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(*back, p);
}

void TestPlan::jsonErrorsNameThePath()
{
    Result<Plan> r =
        planFromJson(R"({"version":1,"tasks":[{"id":"t1","task":"Translation","device":"Cloud",
        "args":[{"type":"text","from":"t0","value":"x"}]},{"id":"t2","device":3}]})");
    QVERIFY(!r.ok());
    QVERIFY2(r.error().contains(QStringLiteral("$.tasks[0].args[0]: an input has either")),
             qPrintable(r.error()));
    QVERIFY2(r.error().contains(QStringLiteral("$.tasks[1].task: missing")), qPrintable(r.error()));
    QVERIFY2(r.error().contains(QStringLiteral("$.tasks[1].device: expected a string")),
             qPrintable(r.error()));
    r = planFromJson(R"({"version":7,"tasks":[]})");
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("unsupported plan format version 7")));
    QVERIFY(!planFromJson("[1,2]").ok());
    QVERIFY(!planFromJson("{not json").ok());
}

void TestPlan::textRoundTripKeepsLinks()
{
    // A DAG: two tasks feed the third.
    Plan p;
    p.tasks << PlanTask{QStringLiteral("t1"),
                        QStringLiteral("Image Classification"),
                        QStringLiteral("google/vit-base-patch16-224"),
                        QStringLiteral("Mobile phone"),
                        {TaskArg{QStringLiteral("image"), QStringLiteral("x.jpg"), QString()}},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("t2"),
                        QStringLiteral("Translation"),
                        QStringLiteral("t5-small"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QStringLiteral("Hallo"), QString()}},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("t3"),
                        QStringLiteral("Question Answering"),
                        QStringLiteral("deepset/roberta-base-squad2"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t1")},
                         TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t2")}},
                        QString()};
    const QString text = planToText(p, Catalog::builtin());
    QVERIFY2(
        text.contains(QStringLiteral(
            "{Task 3: Answer a question about the text, {AI model: deepset/roberta-base-squad2}, "
            "{Edge device: Cloud}, {Inputs: Task 1, Task 2}}")),
        qPrintable(text));
    const Result<Plan> back = planFromText(text, Catalog::builtin());
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(back->tasks.size(), 3);
    QCOMPARE(back->links(), p.links());
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(back->tasks.at(i).task, p.tasks.at(i).task);
        QCOMPARE(back->tasks.at(i).model, p.tasks.at(i).model);
        QCOMPARE(back->tasks.at(i).device, p.tasks.at(i).device);
    }
}

void TestPlan::readsThePapersTextFormat()
{
    // Exactly as the paper prints it (REFERENCE.md §1): a task where the model goes, no inputs.
    const Result<Plan> p = planFromText(
        QStringLiteral(
            "{Task 1: Monitor the heart rate, {AI model: NA}, {Edge device: Wearable device}}\n"
            "{Task 2: Predict mood from the heart rate, {AI model: Mood classification}, {Edge "
            "device: Mobile phone}}"),
        Catalog::builtin());
    QVERIFY2(p.ok(), qPrintable(p.error()));
    QCOMPARE(p->tasks.at(0).task, QStringLiteral("Heart-Rate Monitoring"));
    QVERIFY(p->tasks.at(0).model.isEmpty());
    QCOMPARE(p->tasks.at(1).task, QStringLiteral("Mood Classification"));
    QVERIFY(Catalog::builtin().model(p->tasks.at(1).model));
    QCOMPARE(p->links().size(), 1); // inferred from the types: signal -> signal
    QCOMPARE(p->links().first().from, QStringLiteral("t1"));
    const QList<PlanProblem> problems = validatePlan(*p, Catalog::builtin());
    QVERIFY2(problems.isEmpty(), qPrintable(describeProblems(problems)));
}

void TestPlan::textErrors()
{
    Result<Plan> r =
        planFromText(QStringLiteral("Sure! Here is the plan:\n{Task 1: Classify the image, {AI "
                                    "model: ViT}, {Edge device: Mobile phone}}"),
                     Catalog::builtin(), true);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().startsWith(QStringLiteral("line 1: not a task line")),
             qPrintable(r.error()));
    r = planFromText(QStringLiteral("Sure! Here is the plan:\n{Task 1: Classify the image, {AI "
                                    "model: ViT}, {Edge device: Mobile phone}}"),
                     Catalog::builtin(), false);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(r->tasks.first().model, QStringLiteral("google/vit-base-patch16-224"));
    r = planFromText(
        QStringLiteral("{Task 1: Juggle three balls, {AI model: NA}, {Edge device: Mobile phone}}"),
        Catalog::builtin());
    QVERIFY(!r.ok());
    QVERIFY(r.error().contains(QStringLiteral("no task kind matches")));
    QVERIFY(!planFromText(QString(), Catalog::builtin()).ok());
}

void TestPlan::textMarksWhatRunsHere()
{
    // A classifier (bound to the testbed's network by default) after a captioner (not bound).
    Plan p;
    p.tasks << PlanTask{QStringLiteral("t1"),
                        QStringLiteral("Image Classification"),
                        QStringLiteral("google/vit-base-patch16-224"),
                        QStringLiteral("Mobile phone"),
                        {TaskArg{QStringLiteral("image"), QStringLiteral("x.jpg"), QString()}},
                        QString()};
    p.tasks << PlanTask{QStringLiteral("t2"),
                        QStringLiteral("Image-to-Text"),
                        QStringLiteral("Salesforce/blip-image-captioning-base"),
                        QStringLiteral("Edge server (RTX 3090)"),
                        {TaskArg{QStringLiteral("image"), QStringLiteral("x.jpg"), QString()}},
                        QString()};
    p.provenance.notes << QStringLiteral("t1: a note");
    const Catalog &c = Catalog::builtin();
    const ModelBindings &b = ModelBindings::builtIn();
    const QString text = planToText(p, c, b);
    QVERIFY2(text.contains(QStringLiteral(
                 "{AI model: google/vit-base-patch16-224 (stand-in: fashion-mnist cnn)}")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(
                 "{AI model: Salesforce/blip-image-captioning-base (not runnable here)}")),
             qPrintable(text));
    QVERIFY2(text.endsWith(QStringLiteral("\n# t1: a note")), qPrintable(text));
    // Without bindings: no marks, no notes (the paper's format as before).
    QVERIFY(!planToText(p, c).contains(QStringLiteral("stand-in")));
    QVERIFY(!planToText(p, c).contains(QLatin1Char('#')));
    QCOMPARE(bindingMark(QString(), c, b), QString());
    // The reader takes the marked text back as the same plan (marks and notes skipped).
    const Result<Plan> back = planFromText(text, c);
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(back->tasks.size(), 2);
    QCOMPARE(back->tasks.at(0).model, p.tasks.at(0).model);
    QCOMPARE(back->tasks.at(1).model, p.tasks.at(1).model);
    QCOMPARE(back->tasks.at(1).task, p.tasks.at(1).task);
    // A user's binding without a stand-in: the model runs as itself, no mark.
    const Result<ModelBindings> own = ModelBindings::parse(
        R"({"format":"edgegpt-bindings","version":1,"bindings":[
            {"name":"blip","models":["Salesforce/blip-image-captioning-base"],"dir":"/m/blip"}]})",
        QStringLiteral("own.json"), QStringLiteral("/m"));
    QVERIFY2(own.ok(), qPrintable(own.error()));
    const QString ownText = planToText(p, c, *own);
    QVERIFY2(ownText.contains(QStringLiteral("google/vit-base-patch16-224 (not runnable here)")),
             qPrintable(ownText));
    QVERIFY2(ownText.contains(QStringLiteral("{AI model: Salesforce/blip-image-captioning-base}")),
             qPrintable(ownText));
}

void TestPlan::jsonBindingIsOutputOnly()
{
    Plan p = carPlan();
    p.tasks[1].task = QStringLiteral("Image Classification");
    p.tasks[1].model = QStringLiteral("google/vit-base-patch16-224");
    p.tasks << PlanTask{QStringLiteral("t3"),
                        QStringLiteral("Translation"),
                        QStringLiteral("t5-small"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t2")}},
                        QString()};
    const QJsonObject o = planToJsonObject(p, Catalog::builtin(), ModelBindings::builtIn());
    const QJsonArray tasks = o.value(QStringLiteral("tasks")).toArray();
    QCOMPARE(tasks.size(), 3);
    QVERIFY(!tasks.at(0).toObject().contains(QStringLiteral("binding"))); // sensing step
    const QJsonObject bound = tasks.at(1).toObject().value(QStringLiteral("binding")).toObject();
    QCOMPARE(bound.value(QStringLiteral("name")).toString(), QStringLiteral("fashion-mnist-cnn"));
    QCOMPARE(bound.value(QStringLiteral("stand_in")).toString(),
             QStringLiteral("fashion-mnist cnn"));
    QCOMPARE(bound.value(QStringLiteral("runnable")).toBool(), true);
    const QJsonObject unbound = tasks.at(2).toObject().value(QStringLiteral("binding")).toObject();
    QVERIFY(unbound.value(QStringLiteral("name")).isNull());
    QVERIFY(unbound.value(QStringLiteral("stand_in")).isNull());
    QCOMPARE(unbound.value(QStringLiteral("runnable")).toBool(true), false);
    // The reader ignores "binding": the same plan comes back, and a plan without it reads too.
    const Result<Plan> back =
        planFromJson(planToJson(p, Catalog::builtin(), ModelBindings::builtIn()));
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(*back, p);
    const Result<Plan> plain = planFromJson(planToJson(p));
    QVERIFY2(plain.ok(), qPrintable(plain.error()));
    QCOMPARE(*plain, p);
    // Whatever a file says about bindings is not trusted on input.
    const Result<Plan> odd = planFromJson(
        R"({"version":1,"tasks":[{"id":"t1","task":"Translation","model":"t5-small","device":"Cloud",
        "args":[{"type":"text","value":"Hallo"}],"binding":{"name":"x","runnable":true}}]})");
    QVERIFY2(odd.ok(), qPrintable(odd.error()));
    QCOMPARE(odd->tasks.first().model, QStringLiteral("t5-small"));
}

void TestPlan::notesRoundTrip()
{
    Plan p = carPlan();
    p.provenance.planner = QStringLiteral("local");
    p.provenance.notes << QStringLiteral("t2: one") << QStringLiteral("t2: two");
    const QJsonObject prov = planToJsonObject(p).value(QStringLiteral("provenance")).toObject();
    QCOMPARE(prov.value(QStringLiteral("notes")).toArray().size(), 2);
    const Result<Plan> back = planFromJson(planToJson(p));
    QVERIFY2(back.ok(), qPrintable(back.error()));
    QCOMPARE(back->provenance.notes, p.provenance.notes);
    QCOMPARE(*back, p);
    // No notes: no key (older readers and files stay as they were).
    p.provenance.notes.clear();
    QVERIFY(!planToJsonObject(p)
                 .value(QStringLiteral("provenance"))
                 .toObject()
                 .contains(QStringLiteral("notes")));
}

QTEST_GUILESS_MAIN(TestPlan)
#include "tst_plan.moc"
