// edgegpt plan "REQUEST" [--planner local|llm] [--format text|json]
#include "CliCommand.h"
#include "PlannerChoice.h"

#include "core/plan/PlanFormat.h"

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

    int planningExit = ExitOk;
    const std::optional<Plan> plan = planRequest(parser, positional.first(), &planningExit);
    if (!plan)
        return planningExit;
    if (format == QLatin1String("json"))
        printOut(QString::fromUtf8(planToJson(*plan)));
    else
        printOut(planToText(*plan, Catalog::builtin()));
    return ExitOk;
}

const CliCommandRegistration registration(
    {QStringLiteral("plan"), QStringLiteral("plan a request: tasks, models and devices"), runPlan});

} // namespace
} // namespace edgegpt::cli
