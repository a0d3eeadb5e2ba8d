// The --planner option shared by `plan`, `run` and `bench planning`: the embedded local planner
// or an OpenAI-compatible LLM endpoint.
#pragma once

#include "core/catalog/ModelBindings.h"
#include "core/planner/Planner.h"

#include <QCommandLineParser>

#include <memory>
#include <optional>

namespace edgegpt::cli {

struct PlannerChoice
{
    std::unique_ptr<Planner> planner;
    int timeoutMs = 120000;

    static void addOptions(QCommandLineParser &parser);
    static Result<PlannerChoice> fromParser(const QCommandLineParser &parser);
};

// Plans `request` with the planner the command line chose and validates the plan against the
// built-in catalog, as `plan` and `run` both do. On failure it prints the one-line reason and
// sets *exitCode (a usage error, or planning failed).
std::optional<Plan> planRequest(const QCommandLineParser &parser, const QString &request,
                                int *exitCode);

// Unless --no-availability was given: the plan with what runs here in view (applyAvailability,
// core/planner/PlanAvailability.h), validated again. On an invalid result it prints the one-line
// reason and returns false with *exitCode set (planning failed); `plan` and `run` both use it.
bool applyAvailabilityOption(const QCommandLineParser &parser, const QString &request,
                             const ModelBindings &bindings, const Catalog &catalog,
                             std::optional<Plan> &plan, int *exitCode);

} // namespace edgegpt::cli
