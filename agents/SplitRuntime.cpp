// SplitRuntime: see SplitRuntime.h. The loader (QLibrary); no LibTorch here.
#include "agents/SplitRuntime.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLibrary>

namespace edgegpt {

QString runtimeFileName()
{
    return QStringLiteral(EDGEGPT_RUNTIME_FILE_NAME);
}

QString defaultRuntimeFile()
{
    return QCoreApplication::applicationDirPath() + QLatin1Char('/') + runtimeFileName();
}

Result<std::unique_ptr<SplitRuntime>> loadSplitRuntime(const QString &file, const QString &modelDir)
{
    using R = Result<std::unique_ptr<SplitRuntime>>;
    const QString path = QFileInfo(file).absoluteFilePath();
    if (!QFileInfo(path).isFile())
        return R::failure(QStringLiteral("the model runtime %1 does not exist (it is built and "
                                         "deployed next to edgegpt-agent; --runtime FILE names "
                                         "another)")
                              .arg(path));
    // Never unloaded: LibTorch does not survive being unloaded, and the runtime lives as long as
    // the agent.
    QLibrary library(path);
    if (!library.load())
        return R::failure(QStringLiteral("cannot load the model runtime %1: %2")
                              .arg(path, library.errorString()));
    const auto interfaceOf = reinterpret_cast<EdgegptSplitRuntimeInterfaceFn>(
        library.resolve("edgegpt_split_runtime_interface"));
    const auto create = reinterpret_cast<EdgegptCreateSplitRuntimeFn>(
        library.resolve("edgegpt_create_split_runtime"));
    if (!interfaceOf || !create)
        return R::failure(
            QStringLiteral("%1 is not an EdgeGPT model runtime (no edgegpt_split_runtime_interface "
                           "or edgegpt_create_split_runtime)")
                .arg(path));
    const int version = interfaceOf();
    if (version != kSplitRuntimeInterface)
        return R::failure(QStringLiteral("the model runtime %1 has interface %2, this agent needs "
                                         "%3: deploy the runtime built with this agent")
                              .arg(path)
                              .arg(version)
                              .arg(kSplitRuntimeInterface));
    std::unique_ptr<SplitRuntime> runtime(
        create(kSplitRuntimeInterface, modelDir.toUtf8().constData()));
    if (!runtime)
        return R::failure(
            QStringLiteral("the model runtime %1 refused to start for %2").arg(path, modelDir));
    return R(std::move(runtime));
}

} // namespace edgegpt
