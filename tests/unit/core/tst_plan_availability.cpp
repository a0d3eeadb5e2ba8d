// Availability-aware planning: a VQA (or captioning) task whose question asks only what kind of
// thing the image shows becomes image classification with a bound model when its own model is not
// runnable here; every other question, a bound VQA model, or no runnable classifier leaves the
// plan as it was.
#include "core/plan/PlanFormat.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/PlanAvailability.h"

#include <QTest>

using namespace edgegpt;

namespace {

const QString kClothing = QStringLiteral("What kind of clothing is in this picture?");

// Capture an image on the phone, answer the question about it, translate the answer.
Plan vqaPlan(const QString &question, bool questionAsValue = true)
{
    Plan p;
    p.request = question;
    p.tasks << PlanTask{QStringLiteral("t1"),
                        QStringLiteral("Capture Image"),
                        QString(),
                        QStringLiteral("Mobile phone"),
                        {},
                        QString()};
    p.tasks << PlanTask{
        QStringLiteral("t2"),
        QStringLiteral("Visual Question Answering"),
        QStringLiteral("Salesforce/blip-vqa-base"),
        QStringLiteral("Mobile phone"),
        {TaskArg{QStringLiteral("image"), QString(), QStringLiteral("t1")},
         TaskArg{QStringLiteral("text"), questionAsValue ? question : QString(), QString()}},
        QStringLiteral("Answer the question")};
    p.tasks << PlanTask{QStringLiteral("t3"),
                        QStringLiteral("Translation"),
                        QStringLiteral("t5-small"),
                        QStringLiteral("Cloud"),
                        {TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t2")}},
                        QString()};
    p.provenance.planner = QStringLiteral("local");
    return p;
}

} // namespace

class TestPlanAvailability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void kindQuestions_data();
    void kindQuestions();
    void clothingQuestionBecomesClassification();
    void questionFromTheRequestWhenTheInputIsEmpty();
    void genuineVqaStays();
    void compoundRequestStays();
    void boundVqaModelStays();
    void noRunnableClassifierOnTheDevice();
    void captioningAskedForTheKind();
    void questionFromAnotherTaskStays();
};

void TestPlanAvailability::kindQuestions_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<bool>("kind");
    QTest::newRow("clothing") << kClothing << true;
    QTest::newRow("shoe") << "what type of shoe is this" << true;
    QTest::newRow("category") << "Which category does this item belong to?" << true;
    QTest::newRow("class") << "What class is this object?" << true;
    QTest::newRow("sort, curly apostrophe") << "What sort of garment’s this?" << true;
    QTest::newRow("garment") << "What garment is shown here?" << true;
    QTest::newRow("preamble") << "Look at photo.png: what kind of bag is it?" << true;
    QTest::newRow("tell me") << "Tell me what kind of clothing this is." << true;
    QTest::newRow("color and smiling")
        << "what color is the shirt and is the person smiling?" << false;
    QTest::newRow("kind and color") << "What kind of shoe is this and what color is it?" << false;
    QTest::newRow("kind, how many") << "What type of fruit is this? How many are there?" << false;
    QTest::newRow("how many kinds") << "How many kinds of fruit are in the bowl?" << false;
    QTest::newRow("where") << "Where was this picture taken?" << false;
    QTest::newRow("what is written") << "What is written on the sign?" << false;
    QTest::newRow("yes/no") << "Is there a dog in the picture?" << false;
    QTest::newRow("no question") << "Describe the picture" << false;
    QTest::newRow("empty") << "" << false;
}

void TestPlanAvailability::kindQuestions()
{
    QFETCH(QString, question);
    QFETCH(bool, kind);
    QCOMPARE(asksOnlyForKindOfThing(question), kind);
}

void TestPlanAvailability::clothingQuestionBecomesClassification()
{
    const Catalog &c = Catalog::builtin();
    const Plan planned = vqaPlan(kClothing);
    QStringList notes;
    const Plan p = applyAvailability(planned, kClothing, ModelBindings::builtIn(), c, &notes);
    QCOMPARE(p.tasks.size(), 3);
    const PlanTask &t = p.tasks.at(1);
    QCOMPARE(t.id, QStringLiteral("t2"));
    QCOMPARE(t.task, QStringLiteral("Image Classification"));
    QVERIFY(ModelBindings::builtIn().isRunnable(t.model, c));
    QCOMPARE(c.model(t.model)->task, QStringLiteral("Image Classification"));
    QCOMPARE(t.device, QStringLiteral("Mobile phone"));
    // The image input and every link kept; the question is no input of a classifier.
    QCOMPARE(t.args.size(), 1);
    QCOMPARE(t.args.first(), (TaskArg{QStringLiteral("image"), QString(), QStringLiteral("t1")}));
    QCOMPARE(p.links(), planned.links());
    QCOMPARE(p.tasks.at(0), planned.tasks.at(0));
    QCOMPARE(p.tasks.at(2), planned.tasks.at(2));
    const QList<PlanProblem> problems = validatePlan(p, c);
    QVERIFY2(problems.isEmpty(), qPrintable(describeProblems(problems)));
    // Recorded where it can be shown.
    QCOMPARE(notes.size(), 1);
    QVERIFY2(
        notes.first().contains(
            QStringLiteral("planned image classification (%1) instead of visual question answering "
                           "(Salesforce/blip-vqa-base): runnable here")
                .arg(t.model)),
        qPrintable(notes.first()));
    QCOMPARE(p.provenance.notes, notes);
    QCOMPARE(p.provenance.planner, QStringLiteral("local"));
    QVERIFY(planToText(p, c, ModelBindings::builtIn())
                .contains(QStringLiteral("\n# t2: planned image classification")));
}

void TestPlanAvailability::questionFromTheRequestWhenTheInputIsEmpty()
{
    const Plan p = applyAvailability(vqaPlan(kClothing, false), QString(), ModelBindings::builtIn(),
                                     Catalog::builtin());
    QCOMPARE(p.tasks.at(1).task, QStringLiteral("Image Classification"));
}

void TestPlanAvailability::genuineVqaStays()
{
    const QString q = QStringLiteral("what color is the shirt and is the person smiling?");
    const Plan planned = vqaPlan(q);
    QStringList notes;
    const Plan p =
        applyAvailability(planned, q, ModelBindings::builtIn(), Catalog::builtin(), &notes);
    QCOMPARE(p, planned);
    QVERIFY(notes.isEmpty());
}

void TestPlanAvailability::compoundRequestStays()
{
    // The task's own question asks for the kind, but the request asks more than that.
    const Plan planned = vqaPlan(QStringLiteral("what kind of shoe is this"));
    const Plan p =
        applyAvailability(planned, QStringLiteral("What kind of shoe is this, and who made it?"),
                          ModelBindings::builtIn(), Catalog::builtin());
    QCOMPARE(p, planned);
}

void TestPlanAvailability::boundVqaModelStays()
{
    const Result<ModelBindings> b = ModelBindings::parse(
        R"({"format":"edgegpt-bindings","version":1,"bindings":[
            {"name":"cnn","task":"Image Classification","dir":"trained:cnn"},
            {"name":"vqa","models":["Salesforce/blip-vqa-base"],"dir":"/m/vqa"}]})",
        QStringLiteral("b.json"), QStringLiteral("/m"));
    QVERIFY2(b.ok(), qPrintable(b.error()));
    const Plan planned = vqaPlan(kClothing);
    QCOMPARE(applyAvailability(planned, kClothing, *b, Catalog::builtin()), planned);
}

void TestPlanAvailability::noRunnableClassifierOnTheDevice()
{
    // Bindings without any classifier: nothing to substitute.
    const Result<ModelBindings> none = ModelBindings::parse(
        R"({"format":"edgegpt-bindings","version":1,"bindings":[
            {"name":"tr","models":["t5-small"],"dir":"/m/t5"}]})",
        QStringLiteral("b.json"), QStringLiteral("/m"));
    QVERIFY2(none.ok(), qPrintable(none.error()));
    const Plan planned = vqaPlan(kClothing);
    QCOMPARE(applyAvailability(planned, kClothing, *none, Catalog::builtin()), planned);

    // A bound classifier the task's device cannot run is no substitute either: on a smart speaker
    // (class iot) only microsoft/resnet-50 of the catalog's classifiers runs.
    const Catalog &c = Catalog::builtin();
    Plan onSpeaker = planned;
    onSpeaker.tasks[1].device = QStringLiteral("Smart speaker");
    QVERIFY(!c.canRun(*c.model(QStringLiteral("google/vit-base-patch16-224")),
                      *c.device(QStringLiteral("Smart speaker"))));
    const Result<ModelBindings> vit = ModelBindings::parse(
        R"({"format":"edgegpt-bindings","version":1,"bindings":[
            {"name":"vit","models":["google/vit-base-patch16-224"],"dir":"/m/vit"}]})",
        QStringLiteral("b.json"), QStringLiteral("/m"));
    QVERIFY2(vit.ok(), qPrintable(vit.error()));
    QCOMPARE(applyAvailability(onSpeaker, kClothing, *vit, c), onSpeaker);
    // The default binds every classifier: resnet-50 is chosen there.
    const Plan p = applyAvailability(onSpeaker, kClothing, ModelBindings::builtIn(), c);
    QCOMPARE(p.tasks.at(1).task, QStringLiteral("Image Classification"));
    QCOMPARE(p.tasks.at(1).model, QStringLiteral("microsoft/resnet-50"));
    QCOMPARE(p.tasks.at(1).device, QStringLiteral("Smart speaker"));
}

void TestPlanAvailability::captioningAskedForTheKind()
{
    Plan planned;
    planned.request = QStringLiteral("Which category does the item in shoe.png belong to?");
    planned.tasks << PlanTask{
        QStringLiteral("t1"),
        QStringLiteral("Image-to-Text"),
        QStringLiteral("Salesforce/blip-image-captioning-base"),
        QStringLiteral("Edge server (RTX 3090)"),
        {TaskArg{QStringLiteral("image"), QStringLiteral("shoe.png"), QString()}},
        QString()};
    const Plan p =
        applyAvailability(planned, planned.request, ModelBindings::builtIn(), Catalog::builtin());
    QCOMPARE(p.tasks.first().task, QStringLiteral("Image Classification"));
    QCOMPARE(p.tasks.first().args, planned.tasks.first().args);
    QCOMPARE(p.tasks.first().device, planned.tasks.first().device);
    QVERIFY2(p.provenance.notes.value(0).contains(QStringLiteral("instead of image-to-text")),
             qPrintable(p.provenance.notes.value(0)));

    // Captioning for a request that wants a caption stays captioning.
    planned.request = QStringLiteral("Describe shoe.png");
    QCOMPARE(
        applyAvailability(planned, planned.request, ModelBindings::builtIn(), Catalog::builtin()),
        planned);
}

void TestPlanAvailability::questionFromAnotherTaskStays()
{
    // The question is another task's output (a transcription): not ours to read.
    Plan planned = vqaPlan(kClothing);
    planned.tasks.insert(
        1, PlanTask{QStringLiteral("t4"),
                    QStringLiteral("Automatic Speech Recognition"),
                    QStringLiteral("facebook/wav2vec2-base-960h"),
                    QStringLiteral("Mobile phone"),
                    {TaskArg{QStringLiteral("audio"), QStringLiteral("q.wav"), QString()}},
                    QString()});
    planned.tasks[2].args[1] = TaskArg{QStringLiteral("text"), QString(), QStringLiteral("t4")};
    QCOMPARE(applyAvailability(planned, kClothing, ModelBindings::builtIn(), Catalog::builtin()),
             planned);
}

QTEST_GUILESS_MAIN(TestPlanAvailability)
#include "tst_plan_availability.moc"
