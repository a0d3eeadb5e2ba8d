#include "PlannerChoice.h"

#include "CliCommand.h"

#include "core/catalog/Catalog.h"
#include "core/plan/PlanValidator.h"

#include "core/planner/LlmPlanner.h"
#include "core/planner/LocalPlanner.h"
#include "core/planner/PlanAvailability.h"

namespace edgegpt::cli {

void PlannerChoice::addOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("planner"),
         QStringLiteral("local (embedded, the default) or llm (an OpenAI-compatible endpoint: "
                        "OPENAI_BASE_URL, OPENAI_API_KEY, EDGEGPT_LLM_MODEL)"),
         QStringLiteral("local|llm"), QStringLiteral("local")});
    LlmConfig::addCommandLineOptions(parser);
}

Result<PlannerChoice> PlannerChoice::fromParser(const QCommandLineParser &parser)
{
    const QString name = parser.value(QStringLiteral("planner"));
    PlannerChoice choice;
    if (name == QLatin1String("local")) {
        choice.planner = std::make_unique<LocalPlanner>(Catalog::builtin());
        return choice;
    }
    if (name == QLatin1String("llm")) {
        Result<LlmConfig> config = LlmConfig::resolve(parser);
        if (!config)
            return Result<PlannerChoice>::failure(config.error());
        // Room for every retry and the correction round; each request has its own timeout.
        choice.timeoutMs = (config->maxRetries + 3) * config->timeoutMs +
                           (config->maxRetries + 1) * config->maxBackoffMs;
        choice.planner = std::make_unique<LlmPlanner>(Catalog::builtin(), *config);
        return choice;
    }
    return Result<PlannerChoice>::failure(
        QStringLiteral("unknown planner \"%1\" (expected local or llm)").arg(name));
}

std::optional<Plan> planRequest(const QCommandLineParser &parser, const QString &request,
                                int *exitCode)
{
    Result<PlannerChoice> choice = PlannerChoice::fromParser(parser);
    if (!choice) {
        *exitCode = fail(ExitUsage, choice.error());
        return std::nullopt;
    }
    Result<Plan> plan = planAndWait(*choice->planner, request, choice->timeoutMs);
    if (!plan) {
        *exitCode = fail(ExitPlanningFailed, plan.error());
        return std::nullopt;
    }
    const QList<PlanProblem> problems = validatePlan(*plan, Catalog::builtin());
    if (!problems.isEmpty()) {
        *exitCode =
            fail(ExitPlanningFailed,
                 QStringLiteral("the plan is invalid: ") +
                     describeProblems(problems).replace(QLatin1Char('\n'), QStringLiteral("; ")));
        return std::nullopt;
    }
    return std::move(*plan);
}

bool applyAvailabilityOption(const QCommandLineParser &parser, const QString &request,
                             const ModelBindings &bindings, const Catalog &catalog,
                             std::optional<Plan> &plan, int *exitCode)
{
    if (parser.isSet(QStringLiteral("no-availability")))
        return true;
    const Plan available = applyAvailability(*plan, request, bindings, catalog, nullptr);
    const QList<PlanProblem> problems = validatePlan(available, catalog);
    if (!problems.isEmpty()) {
        *exitCode =
            fail(ExitPlanningFailed,
                 QStringLiteral("the plan for what runs here is invalid: ") +
                     describeProblems(problems).replace(QLatin1Char('\n'), QStringLiteral("; ")));
        return false;
    }
    plan = available;
    return true;
}

} // namespace edgegpt::cli
