// edgegpt plan "REQUEST" [--planner local|llm] [--format text|json] [--bindings FILE]
//              [--no-availability]
// Plans with the bindings in view (core/planner/PlanAvailability.h) unless --no-availability, and
// says what runs here: "(stand-in: …)" / "(not runnable here)" after each model in the text, a
// "binding" object per task in the JSON.
#include "BindingsOption.h"
#include "CliCommand.h"
#include "PlannerChoice.h"

#include "core/plan/PlanFormat.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/PlanAvailability.h"

#include <QCommandLineParser>

namespace edgegpt::cli {

namespace {

int runPlan(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Breaks a request into AI tasks and picks a model and a device for each."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("REQUEST"),
                                 QStringLiteral("what the operator asks for"));
    parser.addOption({QStringLiteral("format"), QStringLiteral("text (the paper's format) or json"),
                      QStringLiteral("text|json"), QStringLiteral("text")});
    parser.addOption(
        {QStringLiteral("no-availability"),
         QStringLiteral("keep the planner's plan as it is: do not replace a task whose model does "
                        "not run here by one that does and answers the request as well")});
    BindingsOption::addOptions(parser);
    PlannerChoice::addOptions(parser);
    if (!parser.parse(arguments))
        return fail(ExitUsage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printOut(parser.helpText());
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return fail(ExitUsage, QStringLiteral("plan takes exactly one REQUEST (quote it)"));
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("text") && format != QLatin1String("json"))
        return fail(ExitUsage, QStringLiteral("--format must be text or json"));
    const Result<ModelBindings> bindings = BindingsOption::read(parser);
    if (!bindings)
        return fail(ExitUsage, bindings.error());

    int planningExit = ExitOk;
    std::optional<Plan> plan = planRequest(parser, positional.first(), &planningExit);
    if (!plan)
        return planningExit;
    const Catalog &catalog = Catalog::builtin();
    if (!applyAvailabilityOption(parser, positional.first(), *bindings, catalog, plan,
                                 &planningExit))
        return planningExit;
    if (format == QLatin1String("json"))
        printOut(QString::fromUtf8(planToJson(*plan, catalog, *bindings)));
    else
        printOut(planToText(*plan, catalog, *bindings));
    return ExitOk;
}

const CliCommandRegistration registration(
    {QStringLiteral("plan"), QStringLiteral("plan a request: tasks, models and devices"), runPlan});

} // namespace
} // namespace edgegpt::cli
