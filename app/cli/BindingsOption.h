// The --bindings FILE option shared by `plan`, `run` (and `deploy`): which runnable model serves
// each catalog model (core/catalog/ModelBindings.h; docs/models.md, "Model bindings"). Without it
// the compiled-in default applies.
#pragma once

#include "core/catalog/ModelBindings.h"

#include <QCommandLineParser>

namespace edgegpt::cli {

struct BindingsOption
{
    static void addOptions(QCommandLineParser &parser);
    // The file given with --bindings (errors name the file and the JSON path), else the default.
    static Result<ModelBindings> read(const QCommandLineParser &parser);
};

} // namespace edgegpt::cli
