#include "PlannerChoice.h"

#include "core/planner/LocalPlanner.h"

namespace edgegpt::cli {

void PlannerChoice::addOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("planner"),
                      QStringLiteral("local (embedded, the default) or llm (OPENAI_BASE_URL)"),
                      QStringLiteral("local|llm"), QStringLiteral("local")});
}

Result<PlannerChoice> PlannerChoice::fromParser(const QCommandLineParser &parser)
{
    const QString name = parser.value(QStringLiteral("planner"));
    PlannerChoice choice;
    if (name == QLatin1String("local")) {
        choice.planner = std::make_unique<LocalPlanner>(Catalog::builtin());
        return choice;
    }
    return Result<PlannerChoice>::failure(
        QStringLiteral("unknown planner \"%1\" (expected local or llm)").arg(name));
}

} // namespace edgegpt::cli
