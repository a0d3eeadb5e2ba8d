// The catalog: everything a planner may use — task kinds, AI models, devices, edge servers and
// the cloud — loaded from JSON files (resources/catalog/ by default) and validated on load.
#pragma once

#include "core/util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgegpt {

// One kind of AI task (or sensing step) with the data types it consumes and produces.
struct TaskKind
{
    QString id; // canonical name, e.g. "Image Classification" (TaskBench spelling)
    QString description;
    QString phrase;          // how the paper's text format says it, e.g. "Monitor the heart rate"
    QStringList aliases;     // other names people and LLMs use, e.g. "Image Captioning"
    QStringList inputTypes;  // positional inputs: "image", "text", "audio", "video", "signal"
    QStringList outputTypes; // outputs, same vocabulary
    bool sensing = false;    // a pure sensing step: runs on a device's sensor, no AI model
    QString source;          // "paper", "taskbench" or "both"
};

// An expert model that performs one task kind.
struct AiModel
{
    QString name;              // e.g. "google/vit-base-patch16-224" or "ViT"
    QString task;              // TaskKind::id it performs
    double parametersM = 0;    // millions of parameters
    double gflops = 0;         // approximate GFLOPs per inference
    double memoryMb = 0;       // memory to hold it for inference
    double accuracy = 0;       // the figure it is known for, as a fraction (see accuracyMetric)
    QString accuracyMetric;    // what `accuracy` measures, e.g. "ImageNet top-1"
    QStringList deviceClasses; // DeviceClass names that can run it
    QStringList aliases;       // short names, e.g. "ViT"
    QString source;            // where the figures come from
};

// A place that runs tasks: an edge device, an edge server or the cloud.
struct Device
{
    enum class Tier { Device, EdgeServer, Cloud };
    QString name; // e.g. "Mobile phone"
    Tier tier = Tier::Device;
    QString deviceClass;      // e.g. "mobile", "jetson", "edge-server", "cloud"
    QStringList sensors;      // e.g. "camera", "heart-rate", "wifi", "microphone"
    double computeGflops = 0; // sustained throughput it is credited with (FP16/FP32 mix)
    double memoryMb = 0;
    QStringList aliases; // how requests refer to it: "my car", "my watch", "this browser"
    // The fleet host classes (a fleet file's "class") that stand for it when a plan is deployed:
    // a task on this device goes to every fleet host of one of these classes whose role matches
    // the tier (docs/fleet-format.md, "Placement"). Empty: no host stands for it.
    QStringList hostClasses;
};

QString tierName(Device::Tier tier);

class Catalog
{
public:
    // Loads tasks.json, models.json and devices.json from a folder (a path or a ":/…" resource).
    // Every problem names the file and the JSON path, e.g. "models.json: $.models[3].task: …".
    static Result<Catalog> loadFromDirectory(const QString &dir);
    // The catalog shipped in resources/catalog (compiled in).
    static Result<Catalog> loadDefault();
    // The built-in catalog, loaded once; aborts with a message if the shipped files are broken
    // (a build defect, caught by the unit tests).
    static const Catalog &builtin();

    const QList<TaskKind> &tasks() const { return m_tasks; }
    const QList<AiModel> &models() const { return m_models; }
    const QList<Device> &devices() const { return m_devices; }

    // Look-ups accept the canonical name, an alias or the phrase, case-insensitively.
    const TaskKind *task(const QString &nameOrAlias) const;
    const AiModel *model(const QString &nameOrAlias) const;
    const Device *device(const QString &nameOrAlias) const;

    QList<const AiModel *> modelsForTask(const QString &taskId) const;
    QList<const Device *> devicesInTier(Device::Tier tier) const;
    bool canRun(const AiModel &model, const Device &device) const;

    // The loaders' building blocks, public so that tests can feed in a document they write.
    Result<void> addTasks(const QByteArray &json, const QString &fileName);
    Result<void> addModels(const QByteArray &json, const QString &fileName);
    Result<void> addDevices(const QByteArray &json, const QString &fileName);
    // Cross-checks between files: every model's task and device classes exist.
    Result<void> crossCheck() const;

private:
    void reindex();

    QList<TaskKind> m_tasks;
    QList<AiModel> m_models;
    QList<Device> m_devices;
    QHash<QString, int> m_taskIndex; // lower-cased name/alias/phrase -> index
    QHash<QString, int> m_modelIndex;
    QHash<QString, int> m_deviceIndex;
};

} // namespace edgegpt
