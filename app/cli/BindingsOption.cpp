#include "BindingsOption.h"

namespace edgegpt::cli {

void BindingsOption::addOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("bindings"),
                      QStringLiteral("model bindings file: which runnable model serves each "
                                     "catalog model (default: the built-in one, "
                                     "resources/bindings/default.json; docs/models.md)"),
                      QStringLiteral("FILE")});
}

Result<ModelBindings> BindingsOption::read(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("bindings")))
        return ModelBindings::builtIn();
    const QString path = parser.value(QStringLiteral("bindings"));
    if (path.isEmpty())
        return Result<ModelBindings>::failure(QStringLiteral("--bindings needs a file"));
    return ModelBindings::load(path);
}

} // namespace edgegpt::cli
