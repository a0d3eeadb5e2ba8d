#include "core/catalog/Catalog.h"

#include "core/util/JsonReader.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>

#include <cstdio>
#include <cstdlib>

namespace edgegpt {

namespace {

const QStringList kDataTypes = {QStringLiteral("text"), QStringLiteral("image"),
                                QStringLiteral("audio"), QStringLiteral("video"),
                                QStringLiteral("signal")};

QString key(const QString &s)
{
    return s.trimmed().toLower();
}

Result<QByteArray> readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(
            QStringLiteral("%1: cannot open: %2").arg(path, f.errorString()));
    // Catalog files are small; refuse anything absurd rather than read it whole.
    if (f.size() > 16 * 1024 * 1024)
        return Result<QByteArray>::failure(QStringLiteral("%1: larger than 16 MiB").arg(path));
    return f.readAll();
}

// Reads the top-level object of a catalog file and its array `arrayKey`.
bool readTop(JsonReader &r, const QByteArray &json, const QString &arrayKey, QJsonArray *out)
{
    QJsonValue root;
    if (!r.parse(json, &root))
        return false;
    const QJsonObject top = r.object(root, QStringLiteral("$"));
    *out = r.array(top, QStringLiteral("$"), arrayKey);
    return !r.hasErrors();
}

void checkTypes(JsonReader &r, const QStringList &types, const QString &path)
{
    for (qsizetype i = 0; i < types.size(); ++i)
        if (!kDataTypes.contains(types.at(i)))
            r.error(JsonReader::index(path, i),
                    QStringLiteral("unknown data type \"%1\" (expected one of %2)")
                        .arg(types.at(i), kDataTypes.join(QStringLiteral(", "))));
}

} // namespace

QString tierName(Device::Tier tier)
{
    switch (tier) {
    case Device::Tier::Device:
        return QStringLiteral("device");
    case Device::Tier::EdgeServer:
        return QStringLiteral("edge-server");
    case Device::Tier::Cloud:
        return QStringLiteral("cloud");
    }
    return {};
}

Result<void> Catalog::addTasks(const QByteArray &json, const QString &fileName)
{
    JsonReader r(fileName);
    QJsonArray arr;
    if (!readTop(r, json, QStringLiteral("tasks"), &arr))
        return Result<void>::failure(r.joinedErrors());
    QList<TaskKind> added;
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.tasks"), i);
        const QJsonObject o = r.object(arr.at(i), path);
        TaskKind t;
        t.id = r.string(o, path, QStringLiteral("id"));
        t.description = r.string(o, path, QStringLiteral("description"), false);
        t.phrase = r.string(o, path, QStringLiteral("phrase"), false);
        t.aliases = r.stringList(o, path, QStringLiteral("aliases"), false);
        t.inputTypes = r.stringList(o, path, QStringLiteral("input-type"));
        t.outputTypes = r.stringList(o, path, QStringLiteral("output-type"));
        t.sensing = r.boolean(o, path, QStringLiteral("sensing"), false);
        t.source = r.string(o, path, QStringLiteral("source"), false);
        checkTypes(r, t.inputTypes, JsonReader::child(path, QStringLiteral("input-type")));
        checkTypes(r, t.outputTypes, JsonReader::child(path, QStringLiteral("output-type")));
        if (t.outputTypes.isEmpty())
            r.error(JsonReader::child(path, QStringLiteral("output-type")),
                    QStringLiteral("a task must produce at least one output"));
        if (t.id.trimmed().isEmpty())
            r.error(JsonReader::child(path, QStringLiteral("id")), QStringLiteral("empty"));
        else if (task(t.id) || std::any_of(added.cbegin(), added.cend(), [&](const TaskKind &a) {
                     return key(a.id) == key(t.id);
                 }))
            r.error(JsonReader::child(path, QStringLiteral("id")),
                    QStringLiteral("duplicate task \"%1\"").arg(t.id));
        added << t;
    }
    if (r.hasErrors())
        return Result<void>::failure(r.joinedErrors());
    m_tasks << added;
    reindex();
    return {};
}

Result<void> Catalog::addModels(const QByteArray &json, const QString &fileName)
{
    JsonReader r(fileName);
    QJsonArray arr;
    if (!readTop(r, json, QStringLiteral("models"), &arr))
        return Result<void>::failure(r.joinedErrors());
    QList<AiModel> added;
    QSet<QString> seen;
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.models"), i);
        const QJsonObject o = r.object(arr.at(i), path);
        AiModel m;
        m.name = r.string(o, path, QStringLiteral("name"));
        m.task = r.string(o, path, QStringLiteral("task"));
        m.parametersM = r.number(o, path, QStringLiteral("parameters_m"));
        m.gflops = r.number(o, path, QStringLiteral("gflops"));
        m.memoryMb = r.number(o, path, QStringLiteral("memory_mb"));
        m.accuracy = r.number(o, path, QStringLiteral("accuracy"), false);
        m.accuracyMetric = r.string(o, path, QStringLiteral("accuracy_metric"), false);
        m.deviceClasses = r.stringList(o, path, QStringLiteral("device_classes"));
        m.aliases = r.stringList(o, path, QStringLiteral("aliases"), false);
        m.source = r.string(o, path, QStringLiteral("source"), false);
        if (m.parametersM < 0 || m.gflops < 0 || m.memoryMb < 0)
            r.error(path,
                    QStringLiteral("parameters_m, gflops and memory_mb must not be negative"));
        if (m.accuracy < 0 || m.accuracy > 1)
            r.error(JsonReader::child(path, QStringLiteral("accuracy")),
                    QStringLiteral("must be a fraction in [0, 1]"));
        if (m.deviceClasses.isEmpty())
            r.error(JsonReader::child(path, QStringLiteral("device_classes")),
                    QStringLiteral("a model must run on at least one device class"));
        if (model(m.name) || seen.contains(key(m.name)))
            r.error(JsonReader::child(path, QStringLiteral("name")),
                    QStringLiteral("duplicate model \"%1\"").arg(m.name));
        seen.insert(key(m.name));
        added << m;
    }
    if (r.hasErrors())
        return Result<void>::failure(r.joinedErrors());
    m_models << added;
    reindex();
    return {};
}

Result<void> Catalog::addDevices(const QByteArray &json, const QString &fileName)
{
    JsonReader r(fileName);
    QJsonArray arr;
    if (!readTop(r, json, QStringLiteral("devices"), &arr))
        return Result<void>::failure(r.joinedErrors());
    QList<Device> added;
    QSet<QString> seen;
    for (qsizetype i = 0; i < arr.size(); ++i) {
        const QString path = JsonReader::index(QStringLiteral("$.devices"), i);
        const QJsonObject o = r.object(arr.at(i), path);
        Device d;
        d.name = r.string(o, path, QStringLiteral("name"));
        const QString tier = r.string(o, path, QStringLiteral("tier"));
        if (tier == QLatin1String("device"))
            d.tier = Device::Tier::Device;
        else if (tier == QLatin1String("edge-server"))
            d.tier = Device::Tier::EdgeServer;
        else if (tier == QLatin1String("cloud"))
            d.tier = Device::Tier::Cloud;
        else if (!tier.isEmpty())
            r.error(JsonReader::child(path, QStringLiteral("tier")),
                    QStringLiteral("expected \"device\", \"edge-server\" or \"cloud\", got \"%1\"")
                        .arg(tier));
        d.deviceClass = r.string(o, path, QStringLiteral("class"));
        d.sensors = r.stringList(o, path, QStringLiteral("sensors"), false);
        d.computeGflops = r.number(o, path, QStringLiteral("compute_gflops"));
        d.memoryMb = r.number(o, path, QStringLiteral("memory_mb"));
        d.aliases = r.stringList(o, path, QStringLiteral("aliases"), false);
        d.hostClasses = r.stringList(o, path, QStringLiteral("host_classes"), false);
        for (qsizetype c = 0; c < d.hostClasses.size(); ++c) {
            // The fleet file's rule for a class name (core/fleet/Fleet.cpp).
            static const QRegularExpression classRe(
                QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
            if (!classRe.match(d.hostClasses.at(c)).hasMatch())
                r.error(
                    JsonReader::index(JsonReader::child(path, QStringLiteral("host_classes")), c),
                    QStringLiteral("\"%1\": use letters, digits, '.', '_' or '-' (at most 64)")
                        .arg(d.hostClasses.at(c)));
        }
        if (d.computeGflops <= 0)
            r.error(JsonReader::child(path, QStringLiteral("compute_gflops")),
                    QStringLiteral("must be positive"));
        if (device(d.name) || seen.contains(key(d.name)))
            r.error(JsonReader::child(path, QStringLiteral("name")),
                    QStringLiteral("duplicate device \"%1\"").arg(d.name));
        seen.insert(key(d.name));
        added << d;
    }
    if (r.hasErrors())
        return Result<void>::failure(r.joinedErrors());
    m_devices << added;
    reindex();
    return {};
}

Result<void> Catalog::crossCheck() const
{
    QStringList errors;
    QSet<QString> classes;
    for (const Device &d : m_devices)
        classes.insert(d.deviceClass);
    for (qsizetype i = 0; i < m_models.size(); ++i) {
        const AiModel &m = m_models.at(i);
        const QString path = QStringLiteral("models: $.models[%1]").arg(i);
        const TaskKind *t = task(m.task);
        if (!t)
            errors << QStringLiteral("%1.task: model \"%2\" names unknown task \"%3\"")
                          .arg(path, m.name, m.task);
        else if (t->sensing)
            errors << QStringLiteral("%1.task: \"%2\" is a sensing step and takes no model")
                          .arg(path, m.task);
        for (const QString &c : m.deviceClasses)
            if (!classes.contains(c))
                errors
                    << QStringLiteral("%1.device_classes: no device has class \"%2\"").arg(path, c);
    }
    if (!errors.isEmpty())
        return Result<void>::failure(errors.join(QLatin1Char('\n')));
    return {};
}

Result<Catalog> Catalog::loadFromDirectory(const QString &dirPath)
{
    Catalog c;
    QStringList errors;
    const QDir dir(dirPath);
    struct Kind
    {
        QString pattern;
        Result<void> (Catalog::*add)(const QByteArray &, const QString &);
    };
    const Kind kinds[] = {{QStringLiteral("tasks*.json"), &Catalog::addTasks},
                          {QStringLiteral("devices*.json"), &Catalog::addDevices},
                          {QStringLiteral("models*.json"), &Catalog::addModels}};
    for (const Kind &k : kinds) {
        const QStringList files = dir.entryList({k.pattern}, QDir::Files, QDir::Name);
        if (files.isEmpty())
            errors << QStringLiteral("%1: no %2 file").arg(dirPath, k.pattern);
        for (const QString &name : files) {
            const Result<QByteArray> bytes = readFile(dir.filePath(name));
            if (!bytes) {
                errors << bytes.error();
                continue;
            }
            const Result<void> added = (c.*k.add)(*bytes, name);
            if (!added)
                errors << added.error();
        }
    }
    if (errors.isEmpty()) {
        const Result<void> checked = c.crossCheck();
        if (!checked)
            errors << checked.error();
    }
    if (!errors.isEmpty())
        return Result<Catalog>::failure(errors.join(QLatin1Char('\n')));
    return c;
}

Result<Catalog> Catalog::loadDefault()
{
    return loadFromDirectory(QStringLiteral(":/catalog"));
}

const Catalog &Catalog::builtin()
{
    static const Catalog catalog = [] {
        Result<Catalog> c = loadDefault();
        if (!c) {
            std::fprintf(stderr, "edgegpt: the built-in catalog is broken:\n%s\n",
                         qPrintable(c.error()));
            std::abort();
        }
        return std::move(c).value();
    }();
    return catalog;
}

void Catalog::reindex()
{
    m_taskIndex.clear();
    m_modelIndex.clear();
    m_deviceIndex.clear();
    // Canonical names first so that an alias never shadows another entry's name.
    for (int i = 0; i < m_tasks.size(); ++i)
        m_taskIndex.insert(key(m_tasks.at(i).id), i);
    for (int i = 0; i < m_tasks.size(); ++i) {
        const TaskKind &t = m_tasks.at(i);
        if (!t.phrase.isEmpty() && !m_taskIndex.contains(key(t.phrase)))
            m_taskIndex.insert(key(t.phrase), i);
        for (const QString &a : t.aliases)
            if (!m_taskIndex.contains(key(a)))
                m_taskIndex.insert(key(a), i);
    }
    for (int i = 0; i < m_models.size(); ++i)
        m_modelIndex.insert(key(m_models.at(i).name), i);
    for (int i = 0; i < m_models.size(); ++i)
        for (const QString &a : m_models.at(i).aliases)
            if (!m_modelIndex.contains(key(a)))
                m_modelIndex.insert(key(a), i);
    for (int i = 0; i < m_devices.size(); ++i)
        m_deviceIndex.insert(key(m_devices.at(i).name), i);
    for (int i = 0; i < m_devices.size(); ++i)
        for (const QString &a : m_devices.at(i).aliases)
            if (!m_deviceIndex.contains(key(a)))
                m_deviceIndex.insert(key(a), i);
}

const TaskKind *Catalog::task(const QString &name) const
{
    const auto it = m_taskIndex.constFind(key(name));
    return it == m_taskIndex.cend() ? nullptr : &m_tasks.at(*it);
}

const AiModel *Catalog::model(const QString &name) const
{
    const auto it = m_modelIndex.constFind(key(name));
    return it == m_modelIndex.cend() ? nullptr : &m_models.at(*it);
}

const Device *Catalog::device(const QString &name) const
{
    const auto it = m_deviceIndex.constFind(key(name));
    return it == m_deviceIndex.cend() ? nullptr : &m_devices.at(*it);
}

QList<const AiModel *> Catalog::modelsForTask(const QString &taskId) const
{
    QList<const AiModel *> out;
    const TaskKind *t = task(taskId);
    if (!t)
        return out;
    for (const AiModel &m : m_models)
        if (task(m.task) == t)
            out << &m;
    return out;
}

QList<const Device *> Catalog::devicesInTier(Device::Tier tier) const
{
    QList<const Device *> out;
    for (const Device &d : m_devices)
        if (d.tier == tier)
            out << &d;
    return out;
}

bool Catalog::canRun(const AiModel &model, const Device &device) const
{
    return model.deviceClasses.contains(device.deviceClass);
}

} // namespace edgegpt
