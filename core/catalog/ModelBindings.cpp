#include "core/catalog/ModelBindings.h"

#include "core/fleet/LocalFleet.h"
#include "core/util/JsonReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <cstdio>
#include <cstdlib>

namespace edgegpt {

namespace {

const QString kFormat = QStringLiteral("edgegpt-bindings");
constexpr int kVersion = 1;
const QString kTrainedPrefix = QStringLiteral("trained:");

void rejectUnknownKeys(JsonReader &r, const QJsonObject &o, const QString &path,
                       const QStringList &known)
{
    for (auto it = o.begin(); it != o.end(); ++it)
        if (!known.contains(it.key()))
            r.error(JsonReader::child(path, it.key()),
                    QStringLiteral("unknown key (expected one of %1)")
                        .arg(known.join(QStringLiteral(", "))));
}

} // namespace

bool ModelBindings::isValidName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

Result<ModelBindings> ModelBindings::parse(const QByteArray &json, const QString &fileName,
                                           const QString &baseDir, const Catalog &catalog)
{
    JsonReader r(fileName);
    QJsonValue root;
    if (!r.parse(json, &root))
        return Result<ModelBindings>::failure(r.joinedErrors());
    const QString top = QStringLiteral("$");
    if (!root.isObject())
        return Result<ModelBindings>::failure(
            QStringLiteral("%1: $: expected a bindings object").arg(fileName));
    const QJsonObject o = root.toObject();
    rejectUnknownKeys(r, o, top,
                      {QStringLiteral("format"), QStringLiteral("version"),
                       QStringLiteral("bindings"), QStringLiteral("comment")});
    const QString format = r.string(o, top, QStringLiteral("format"));
    if (!format.isEmpty() && format != kFormat)
        r.error(QStringLiteral("$.format"), QStringLiteral("expected \"%1\"").arg(kFormat));
    const double version = r.number(o, top, QStringLiteral("version"), true, kVersion);
    if (version != kVersion)
        r.error(QStringLiteral("$.version"),
                QStringLiteral("unsupported bindings version %1 (this program reads %2)")
                    .arg(version)
                    .arg(kVersion));
    const QJsonArray arr = r.array(o, top, QStringLiteral("bindings"));

    ModelBindings out;
    out.fileName = fileName;
    out.baseDir = baseDir;
    QSet<QString> names;
    QHash<QString, QString> modelOwner; // lower-cased catalog model -> path that binds it
    QHash<QString, QString> taskOwner;  // task id -> path that binds it
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.bindings"), i);
        const QJsonObject b = r.object(arr.at(i), path);
        if (!arr.at(i).isObject())
            continue;
        rejectUnknownKeys(r, b, path,
                          {QStringLiteral("name"), QStringLiteral("models"), QStringLiteral("task"),
                           QStringLiteral("dir"), QStringLiteral("stand_in"),
                           QStringLiteral("comment")});
        ModelBinding binding;
        binding.name = r.string(b, path, QStringLiteral("name"));
        const QString namePath = JsonReader::child(path, QStringLiteral("name"));
        if (b.value(QStringLiteral("name")).isString()) {
            if (!isValidName(binding.name))
                r.error(namePath,
                        QStringLiteral("\"%1\" is not a model name (lower-case letters, digits, "
                                       "'.', '_' and '-', at most 64, starting with a letter or "
                                       "digit)")
                            .arg(binding.name));
            else if (names.contains(binding.name))
                r.error(namePath, QStringLiteral("duplicate binding \"%1\"").arg(binding.name));
            names.insert(binding.name);
        }

        const bool hasModels = b.contains(QStringLiteral("models"));
        const bool hasTask = b.contains(QStringLiteral("task"));
        if (!hasModels && !hasTask)
            r.error(path, QStringLiteral("a binding names the catalog models it serves "
                                         "(\"models\") or their task (\"task\")"));
        const QStringList models = r.stringList(b, path, QStringLiteral("models"), false);
        const QString modelsPath = JsonReader::child(path, QStringLiteral("models"));
        if (hasModels && b.value(QStringLiteral("models")).isArray() &&
            b.value(QStringLiteral("models")).toArray().isEmpty())
            r.error(modelsPath, QStringLiteral("empty"));
        for (qsizetype m = 0; m < models.size(); ++m) {
            const QString mpath = JsonReader::index(modelsPath, m);
            const AiModel *model = catalog.model(models.at(m));
            if (!model) {
                r.error(mpath, QStringLiteral("unknown catalog model \"%1\"").arg(models.at(m)));
                continue;
            }
            const QString key = model->name.toLower();
            if (modelOwner.contains(key)) {
                r.error(mpath, QStringLiteral("\"%1\" is already bound by %2")
                                   .arg(model->name, modelOwner.value(key)));
                continue;
            }
            modelOwner.insert(key, mpath);
            binding.models << model->name;
        }
        if (hasTask) {
            const QString taskPath = JsonReader::child(path, QStringLiteral("task"));
            const QString taskName = r.string(b, path, QStringLiteral("task"));
            const TaskKind *kind = catalog.task(taskName);
            if (!b.value(QStringLiteral("task")).isString()) {
                // reported by the reader
            } else if (!kind) {
                r.error(taskPath, QStringLiteral("unknown task \"%1\"").arg(taskName));
            } else if (kind->sensing) {
                r.error(taskPath,
                        QStringLiteral("\"%1\" is a sensing step and has no model").arg(kind->id));
            } else if (catalog.modelsForTask(kind->id).isEmpty()) {
                r.error(taskPath,
                        QStringLiteral("the catalog has no model for \"%1\"").arg(kind->id));
            } else if (taskOwner.contains(kind->id)) {
                r.error(taskPath, QStringLiteral("\"%1\" is already bound by %2")
                                      .arg(kind->id, taskOwner.value(kind->id)));
            } else {
                taskOwner.insert(kind->id, taskPath);
                binding.task = kind->id;
            }
        }

        binding.dir = r.string(b, path, QStringLiteral("dir"));
        const QString dirPath = JsonReader::child(path, QStringLiteral("dir"));
        if (b.value(QStringLiteral("dir")).isString()) {
            if (binding.dir.trimmed().isEmpty()) {
                r.error(dirPath, QStringLiteral("empty"));
            } else if (binding.dir.startsWith(kTrainedPrefix)) {
                const QString trained = binding.dir.mid(kTrainedPrefix.size());
                if (!isValidName(trained))
                    r.error(dirPath, QStringLiteral("\"%1\" is not a trained model's name (as "
                                                    "edgegpt train --model names it)")
                                         .arg(trained));
            }
        }
        binding.standIn = r.string(b, path, QStringLiteral("stand_in"), false);
        out.bindings << binding;
    }
    if (r.hasErrors())
        return Result<ModelBindings>::failure(r.joinedErrors());
    return out;
}

Result<ModelBindings> ModelBindings::load(const QString &path, const Catalog &catalog)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<ModelBindings>::failure(
            QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    if (f.size() > 4 * 1024 * 1024)
        return Result<ModelBindings>::failure(QStringLiteral("%1: larger than 4 MiB").arg(path));
    return parse(f.readAll(), path, QFileInfo(path).absolutePath(), catalog);
}

const ModelBindings &ModelBindings::builtIn()
{
    static const ModelBindings bindings = [] {
        const QString path = QStringLiteral(":/bindings/default.json");
        Result<ModelBindings> b = load(path, Catalog::builtin());
        if (!b) {
            std::fprintf(stderr, "edgegpt: the built-in model bindings are broken:\n%s\n",
                         qPrintable(b.error()));
            std::abort();
        }
        return std::move(b).value();
    }();
    return bindings;
}

const ModelBinding *ModelBindings::forModel(const QString &catalogModel,
                                            const Catalog &catalog) const
{
    if (catalogModel.trimmed().isEmpty())
        return nullptr;
    const AiModel *model = catalog.model(catalogModel);
    const QString name = model ? model->name : catalogModel.trimmed();
    for (const ModelBinding &b : bindings)
        for (const QString &m : b.models)
            if (m.compare(name, Qt::CaseInsensitive) == 0)
                return &b;
    if (!model)
        return nullptr;
    const TaskKind *kind = catalog.task(model->task);
    for (const ModelBinding &b : bindings)
        if (!b.task.isEmpty() && kind && catalog.task(b.task) == kind)
            return &b;
    return nullptr;
}

bool ModelBindings::isRunnable(const QString &catalogModel, const Catalog &catalog) const
{
    return forModel(catalogModel, catalog) != nullptr;
}

QString ModelBindings::trainedName(const ModelBinding &binding)
{
    return binding.dir.startsWith(kTrainedPrefix) ? binding.dir.mid(kTrainedPrefix.size())
                                                  : QString();
}

QString ModelBindings::directoryOf(const ModelBinding &binding) const
{
    const QString trained = trainedName(binding);
    if (!trained.isEmpty())
        return LocalFleet::defaultModelDirectory(trained);
    if (QDir::isAbsolutePath(binding.dir))
        return QDir::cleanPath(binding.dir);
    const QString base = baseDir.isEmpty() ? QDir::currentPath() : baseDir;
    return QDir::cleanPath(QDir(base).absoluteFilePath(binding.dir));
}

const ModelBinding *ModelBindings::byName(const QString &name) const
{
    for (const ModelBinding &b : bindings)
        if (b.name == name)
            return &b;
    return nullptr;
}

} // namespace edgegpt
