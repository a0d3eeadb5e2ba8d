#include "models/ModelStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QSaveFile>
#include <QStandardPaths>

namespace edgegpt {

namespace {

constexpr char kMetaKey[] = "edgegpt.meta";
constexpr qint64 kMaxModelJsonBytes = 4 * 1024 * 1024;

// Writes the named parameters and buffers of `net` (all, or only `names`) plus a JSON record.
Result<void> writeArchive(SplitNet &net, const QStringList &names, const QJsonObject &meta,
                          const QString &path)
{
    try {
        torch::serialize::OutputArchive archive;
        const QSet<QString> wanted(names.begin(), names.end());
        for (const auto &p : net->named_parameters())
            if (wanted.contains(QString::fromStdString(p.key())))
                archive.write(p.key(), p.value(), /*is_buffer=*/false);
        for (const auto &b : net->named_buffers())
            if (wanted.contains(QString::fromStdString(b.key())))
                archive.write(b.key(), b.value(), /*is_buffer=*/true);
        archive.write(
            kMetaKey,
            c10::IValue(QJsonDocument(meta).toJson(QJsonDocument::Compact).toStdString()));
        // Land under a temporary name and rename: a reader never sees half a file.
        const QString tmp = path + QStringLiteral(".part");
        archive.save_to(tmp.toStdString());
        QFile::remove(path);
        if (!QFile::rename(tmp, path))
            return Result<void>::failure(QStringLiteral("cannot write %1").arg(path));
    } catch (const c10::Error &e) {
        return Result<void>::failure(QStringLiteral("cannot write %1: %2")
                                         .arg(path, QString::fromUtf8(e.what_without_backtrace())));
    }
    return {};
}

// Reads the record and the named tensors from `path` into `net`.
Result<QJsonObject> readArchive(const QString &path, SplitNet *net, const QStringList *names)
{
    using R = Result<QJsonObject>;
    if (!QFileInfo(path).isFile())
        return R::failure(QStringLiteral("%1 does not exist").arg(path));
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path.toStdString());
        c10::IValue metaValue;
        if (!archive.try_read(kMetaKey, metaValue) || !metaValue.isString())
            return R::failure(QStringLiteral("%1 is not an EdgeGPT model file (no %2 record)")
                                  .arg(path, QLatin1String(kMetaKey)));
        QJsonParseError error;
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromStdString(metaValue.toStringRef()), &error);
        if (!doc.isObject())
            return R::failure(QStringLiteral("%1: its record is not a JSON object").arg(path));
        if (net && names) {
            torch::NoGradGuard noGrad;
            auto params = (*net)->named_parameters();
            auto buffers = (*net)->named_buffers();
            for (const QString &name : *names) {
                const std::string key = name.toStdString();
                torch::Tensor *target = params.find(key);
                const bool isBuffer = target == nullptr;
                if (!target)
                    target = buffers.find(key);
                torch::Tensor stored;
                if (!target || !archive.try_read(key, stored, isBuffer))
                    return R::failure(
                        QStringLiteral("%1 lacks the weights \"%2\"").arg(path, name));
                if (stored.sizes() != target->sizes() ||
                    stored.scalar_type() != target->scalar_type())
                    return R::failure(
                        QStringLiteral("%1: \"%2\" has the wrong shape").arg(path, name));
                target->copy_(stored);
            }
        }
        return doc.object();
    } catch (const c10::Error &e) {
        return R::failure(QStringLiteral("%1 is corrupt or not a model file: %2")
                              .arg(path, QString::fromUtf8(e.what_without_backtrace())
                                             .section(QLatin1Char('\n'), 0, 0)));
    } catch (const std::exception &e) {
        return R::failure(QStringLiteral("%1 is corrupt or not a model file: %2")
                              .arg(path, QString::fromUtf8(e.what())));
    }
}

Result<SplitNet> netFromMeta(const QJsonObject &meta, const QString &path)
{
    const Result<ModelSpec> spec =
        ModelSpec::fromJson(meta.value(QStringLiteral("spec")).toObject());
    if (!spec)
        return Result<SplitNet>::failure(path + QStringLiteral(": ") + spec.error());
    try {
        SplitNet net(*spec);
        net->eval();
        return net;
    } catch (const std::exception &e) {
        return Result<SplitNet>::failure(
            QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what())));
    }
}

QStringList allStateNames(SplitNet &net)
{
    QStringList names;
    for (const auto &p : net->named_parameters())
        names << QString::fromStdString(p.key());
    for (const auto &b : net->named_buffers())
        names << QString::fromStdString(b.key());
    return names;
}

} // namespace

QJsonArray splitTable(SplitNet &net)
{
    const std::vector<BlockCost> costs = net->costs();
    const auto shapes = net->featureShapes();
    qint64 total = 0;
    for (const BlockCost &c : costs)
        total += c.macs;
    QJsonArray table;
    qint64 head = 0;
    for (int s = 0; s <= net->blockCount(); ++s) {
        if (s > 0)
            head += costs.at(std::size_t(s - 1)).macs;
        QJsonArray shape;
        qint64 elements = 1;
        for (int64_t d : shapes.at(std::size_t(s))) {
            shape.append(qint64(d));
            elements *= d;
        }
        table.append(QJsonObject{{QStringLiteral("name"), net->splitNames().at(s)},
                                 {QStringLiteral("index"), s},
                                 {QStringLiteral("feature_shape"), shape},
                                 {QStringLiteral("feature_elements"), elements},
                                 {QStringLiteral("bottleneck"), s == net->bottleneckSplit()},
                                 {QStringLiteral("head_macs"), head},
                                 {QStringLiteral("tail_macs"), total - head}});
    }
    return table;
}

QString ModelStore::defaultDirectory(const QString &modelName)
{
    QString root =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_MODEL_DIR"));
    if (root.isEmpty())
        root = QDir::homePath() + QStringLiteral("/.local/share/edgegpt/models");
    return root + QLatin1Char('/') + QString(modelName).replace(QLatin1Char(':'), QLatin1Char('-'));
}

bool ModelStore::exists(const QString &dir)
{
    return QFileInfo(dir + QStringLiteral("/model.pt")).isFile() &&
           QFileInfo(dir + QStringLiteral("/model.json")).isFile();
}

Result<void> ModelStore::save(SplitNet &net, const QJsonObject &meta, const QString &dir)
{
    if (!QDir().mkpath(dir))
        return Result<void>::failure(QStringLiteral("cannot create %1").arg(dir));
    QJsonObject record = meta;
    record.insert(QStringLiteral("spec"), net->spec().toJson());
    const Result<void> weights =
        writeArchive(net, allStateNames(net), record, dir + QStringLiteral("/model.pt"));
    if (!weights)
        return weights;
    QSaveFile json(dir + QStringLiteral("/model.json"));
    if (!json.open(QIODevice::WriteOnly))
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(json.fileName()));
    json.write(QJsonDocument(record).toJson());
    if (!json.commit())
        return Result<void>::failure(QStringLiteral("cannot write %1").arg(json.fileName()));
    return {};
}

Result<StoredModel> ModelStore::load(const QString &dir)
{
    using R = Result<StoredModel>;
    const QString weights = dir + QStringLiteral("/model.pt");
    QFile json(dir + QStringLiteral("/model.json"));
    if (!json.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("no trained model in %1 (run `edgegpt train`)").arg(dir));
    const QJsonDocument doc = QJsonDocument::fromJson(json.read(kMaxModelJsonBytes));
    if (!doc.isObject())
        return R::failure(QStringLiteral("%1 is not a JSON object").arg(json.fileName()));
    Result<SplitNet> net = netFromMeta(doc.object(), json.fileName());
    if (!net)
        return R::failure(net.error());
    const QStringList names = allStateNames(*net);
    const Result<QJsonObject> read = readArchive(weights, &*net, &names);
    if (!read)
        return R::failure(read.error());
    StoredModel m;
    m.net = *net;
    m.net->eval();
    m.meta = doc.object();
    return m;
}

Result<void> ModelStore::exportSplit(SplitNet &net, const QString &split, const QString &dir)
{
    const int s = net->splitIndex(split);
    if (s < 0)
        return Result<void>::failure(QStringLiteral("no split \"%1\" (splits: %2)")
                                         .arg(split, net->splitNames().join(QStringLiteral(", "))));
    if (!QDir().mkpath(dir))
        return Result<void>::failure(QStringLiteral("cannot create %1").arg(dir));
    const auto shapes = net->featureShapes();
    QJsonArray shape;
    for (int64_t d : shapes.at(std::size_t(s)))
        shape.append(qint64(d));
    for (bool headPart : {true, false}) {
        QJsonObject meta{
            {QStringLiteral("format"), QStringLiteral("edgegpt-model-part")},
            {QStringLiteral("version"), 1},
            {QStringLiteral("spec"), net->spec().toJson()},
            {QStringLiteral("split"), split},
            {QStringLiteral("split_index"), s},
            {QStringLiteral("role"), headPart ? QStringLiteral("head") : QStringLiteral("tail")},
            {QStringLiteral("feature_shape"), shape}};
        const QString path =
            QStringLiteral("%1/%2-%3.pt")
                .arg(dir, headPart ? QStringLiteral("head") : QStringLiteral("tail"), split);
        const Result<void> written = writeArchive(net, net->stateNames(s, headPart), meta, path);
        if (!written)
            return written;
    }
    return {};
}

Result<ModelPart> ModelStore::loadPart(const QString &path)
{
    using R = Result<ModelPart>;
    const Result<QJsonObject> meta = readArchive(path, nullptr, nullptr);
    if (!meta)
        return R::failure(meta.error());
    if (meta->value(QStringLiteral("format")).toString() != QLatin1String("edgegpt-model-part") ||
        meta->value(QStringLiteral("version")).toInt() != 1)
        return R::failure(
            QStringLiteral("%1 is not a model part of a version this program reads").arg(path));
    Result<SplitNet> net = netFromMeta(*meta, path);
    if (!net)
        return R::failure(net.error());
    ModelPart part;
    part.net = *net;
    part.split = (*net)->splitIndex(meta->value(QStringLiteral("split")).toString());
    part.isHead = meta->value(QStringLiteral("role")).toString() == QLatin1String("head");
    if (part.split < 0)
        return R::failure(QStringLiteral("%1 names an unknown split").arg(path));
    const QStringList names = part.net->stateNames(part.split, part.isHead);
    const Result<QJsonObject> loaded = readArchive(path, &part.net, &names);
    if (!loaded)
        return R::failure(loaded.error());
    part.net->eval();
    part.meta = *meta;
    return part;
}

} // namespace edgegpt
