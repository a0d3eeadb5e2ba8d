// The --planner option shared by `plan`, `run` and `bench planning`: the embedded local planner
// or an OpenAI-compatible LLM endpoint.
#pragma once

#include "core/planner/Planner.h"

#include <QCommandLineParser>

#include <memory>

namespace edgegpt::cli {

struct PlannerChoice
{
    std::unique_ptr<Planner> planner;
    int timeoutMs = 120000;

    static void addOptions(QCommandLineParser &parser);
    static Result<PlannerChoice> fromParser(const QCommandLineParser &parser);
};

} // namespace edgegpt::cli
