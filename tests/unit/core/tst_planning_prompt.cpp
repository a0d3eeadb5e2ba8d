// The LLM planning prompt: every shipped demonstration is a valid plan, the nearest ones are the
// relevant ones, and the prompt carries the paper's slots (tasks, devices, servers, models).
#include "core/plan/PlanFormat.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/PlanningPrompt.h"

#include <QJsonDocument>
#include <QTest>

using namespace edgegpt;

class TestPlanningPrompt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyDemonstrationIsAValidPlan()
    {
        const DemonstrationLibrary &demos = DemonstrationLibrary::builtin();
        QVERIFY(demos.all().size() >= 8);
        for (const Demonstration &d : demos.all()) {
            const Result<Plan> plan = planFromJsonObject(d.plan);
            QVERIFY2(plan.ok(), qPrintable(d.request + QStringLiteral(": ") + plan.error()));
            const QList<PlanProblem> problems = validatePlan(*plan, Catalog::builtin());
            QVERIFY2(problems.isEmpty(),
                     qPrintable(d.request + QStringLiteral(": ") + describeProblems(problems)));
        }
    }

    void nearestDemonstrationsAreRelevantAndDeterministic()
    {
        const DemonstrationLibrary &demos = DemonstrationLibrary::builtin();
        const QList<Demonstration> near =
            demos.nearest(QStringLiteral("Monitor my heart rate and tell my mood"), 2);
        QCOMPARE(near.size(), 2);
        const QString top = QString::fromUtf8(QJsonDocument(near.first().plan).toJson());
        QVERIFY2(top.contains(QStringLiteral("Heart")) || top.contains(QStringLiteral("Mood")),
                 qPrintable(top));
        const QList<Demonstration> again =
            demos.nearest(QStringLiteral("Monitor my heart rate and tell my mood"), 2);
        QCOMPARE(again.first().request, near.first().request);
        QCOMPARE(demos.nearest(QStringLiteral("anything"), 0).size(), 0);
        QCOMPARE(demos.nearest(QStringLiteral("anything"), 1000).size(), demos.all().size());
    }

    void promptHasThePapersSlots()
    {
        const PlanningPrompt prompt(Catalog::builtin(), DemonstrationLibrary::builtin(), 3);
        const QString system = prompt.systemPrompt();
        QVERIFY(system.contains(QStringLiteral("Visual Question Answering")));
        QVERIFY(system.contains(QStringLiteral("Wearable device")));
        QVERIFY(system.contains(QStringLiteral("Edge server (RTX 3090)")));
        QVERIFY(system.contains(QStringLiteral("dandelin/vilt-b32-finetuned-vqa")) ||
                system.contains(QStringLiteral("Salesforce/blip-vqa-base")));
        const QJsonArray messages =
            prompt.messages(QStringLiteral("What's in the front of my car?"));
        QVERIFY(messages.size() >= 2);
        QCOMPARE(messages.first().toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("system"));
        const QJsonObject last = messages.last().toObject();
        QCOMPARE(last.value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QVERIFY(last.value(QStringLiteral("content"))
                    .toString()
                    .contains(QStringLiteral("front of my car")));
    }

    void correctionQuotesTheProblems()
    {
        const PlanningPrompt prompt(Catalog::builtin(), DemonstrationLibrary::builtin(), 1);
        const QJsonArray messages = prompt.messages(QStringLiteral("caption a photo"));
        PlanProblem problem;
        problem.kind = PlanProblem::Kind::UnknownModel;
        problem.taskId = QStringLiteral("t2");
        problem.message = QStringLiteral("task t2: unknown AI model \"blip-xl\"");
        const QJsonArray next =
            PlanningPrompt::correction(messages, QStringLiteral("{\"tasks\":[]}"), {problem});
        QCOMPARE(next.size(), messages.size() + 2);
        QCOMPARE(next.at(next.size() - 2).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
        QVERIFY(next.last()
                    .toObject()
                    .value(QStringLiteral("content"))
                    .toString()
                    .contains(QStringLiteral("blip-xl")));
    }

    void malformedDemonstrationFileIsRejectedWithItsPath()
    {
        const auto bad = DemonstrationLibrary::fromJson("{\"demonstrations\":[{\"request\":3}]}",
                                                        QStringLiteral("demos.json"));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("demos.json")), qPrintable(bad.error()));
        QVERIFY(!DemonstrationLibrary::fromJson("not json", QStringLiteral("x.json")).ok());
    }
};

QTEST_GUILESS_MAIN(TestPlanningPrompt)
#include "tst_planning_prompt.moc"
