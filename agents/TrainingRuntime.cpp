// TrainingRuntime: see TrainingRuntime.h. The loader (QLibrary); no LibTorch here.
#include "agents/TrainingRuntime.h"

#include <QFileInfo>
#include <QLibrary>

namespace edgegpt {

Result<std::unique_ptr<TrainingRuntime>> loadTrainingRuntime(const QString &file)
{
    using R = Result<std::unique_ptr<TrainingRuntime>>;
    const QString path = QFileInfo(file).absoluteFilePath();
    if (!QFileInfo(path).isFile())
        return R::failure(QStringLiteral("the model runtime %1 does not exist (it is built and "
                                         "deployed next to edgegpt-agent)")
                              .arg(path));
    QLibrary library(path); // never unloaded, as the split runtime
    if (!library.load())
        return R::failure(QStringLiteral("cannot load the model runtime %1: %2")
                              .arg(path, library.errorString()));
    const auto interfaceOf = reinterpret_cast<EdgegptTrainingRuntimeInterfaceFn>(
        library.resolve("edgegpt_training_runtime_interface"));
    const auto create = reinterpret_cast<EdgegptCreateTrainingRuntimeFn>(
        library.resolve("edgegpt_create_training_runtime"));
    if (!interfaceOf || !create)
        return R::failure(QStringLiteral("%1 has no training runtime (no "
                                         "edgegpt_training_runtime_interface): deploy the runtime "
                                         "built with this agent")
                              .arg(path));
    const int version = interfaceOf();
    if (version != kTrainingRuntimeInterface)
        return R::failure(QStringLiteral("the training runtime in %1 has interface %2, this agent "
                                         "needs %3")
                              .arg(path)
                              .arg(version)
                              .arg(kTrainingRuntimeInterface));
    std::unique_ptr<TrainingRuntime> runtime(create(kTrainingRuntimeInterface));
    if (!runtime)
        return R::failure(QStringLiteral("the training runtime in %1 refused to start").arg(path));
    return R(std::move(runtime));
}

} // namespace edgegpt
