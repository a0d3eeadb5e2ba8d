// UntrainedModel: see UntrainedModel.h.
#include "models/UntrainedModel.h"

#include "models/ModelStore.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonObject>

#include <torch/torch.h>

namespace edgegpt {

Result<qint64> saveUntrainedModel(const ModelSpec &spec, std::uint64_t seed, const QString &dir)
{
    torch::manual_seed(seed);
    SplitNet net(spec);
    net->eval();
    const QJsonObject meta{
        {QStringLiteral("name"), spec.name()},
        {QStringLiteral("untrained"), true},
        {QStringLiteral("seed"), qint64(seed)},
        {QStringLiteral("libtorch"), QStringLiteral("%1.%2.%3")
                                         .arg(TORCH_VERSION_MAJOR)
                                         .arg(TORCH_VERSION_MINOR)
                                         .arg(TORCH_VERSION_PATCH)},
        {QStringLiteral("created"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("splits"), splitTable(net)},
    };
    const Result<void> saved = ModelStore::save(net, meta, dir);
    if (!saved)
        return Result<qint64>::failure(saved.error());
    return QFileInfo(dir + QStringLiteral("/model.pt")).size();
}

} // namespace edgegpt
