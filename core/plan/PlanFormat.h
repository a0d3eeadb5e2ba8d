// Reading and writing plans: the JSON plan format (docs/plan-format.md) and the paper's text
// format, one task a line:
//   {Task 1: Monitor the heart rate, {AI model: NA}, {Edge device: Wearable device}}
// The text writer adds ", {Inputs: Task 1}" to tasks that consume earlier outputs so that a DAG
// survives a round trip; the reader accepts lines with or without it (without, each input is
// taken from the latest earlier task that produces its type).
#pragma once

#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/plan/Plan.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QJsonObject>

namespace edgegpt {

constexpr int kPlanFormatVersion = 1;

QJsonObject planToJsonObject(const Plan &plan);
QByteArray planToJson(const Plan &plan, bool indented = true);
// The same, with what runs here: each AI task gets
//   "binding": {"name": "fashion-mnist-cnn", "stand_in": "fashion-mnist cnn", "runnable": true}
// ({"name": null, "stand_in": null, "runnable": false} when its model has no binding). Output
// only: the reader ignores "binding".
QJsonObject planToJsonObject(const Plan &plan, const Catalog &catalog,
                             const ModelBindings &bindings);
QByteArray planToJson(const Plan &plan, const Catalog &catalog, const ModelBindings &bindings,
                      bool indented = true);
// Structural errors (not catalog validation) name the JSON path: "$.tasks[2].args[0].from: …".
Result<Plan> planFromJsonObject(const QJsonObject &object);
Result<Plan> planFromJson(const QByteArray &json);

QString planToText(const Plan &plan, const Catalog &catalog);
// The same, with what runs here: the model of an AI task is followed by "(stand-in: fashion-mnist
// cnn)" when a binding with a stand-in serves it, "(not runnable here)" when none does; the plan's
// provenance notes follow as "# …" lines. The reader skips both marks and "#" lines.
QString planToText(const Plan &plan, const Catalog &catalog, const ModelBindings &bindings);
// The mark planToText puts after a model: " (stand-in: …)", " (not runnable here)" or empty.
QString bindingMark(const QString &model, const Catalog &catalog, const ModelBindings &bindings);
// Task kinds, models and devices are resolved through the catalog (names, aliases, phrases, and
// a model named by its task, as the paper writes "{AI model: Mood classification}").
// Lines that are not task lines are errors when `strict`, skipped otherwise (an LLM's prose).
Result<Plan> planFromText(const QString &text, const Catalog &catalog, bool strict = true);

// Fills each input that has neither a value nor a source with the output of the latest earlier
// task that produces its type. Used by the text reader and by planners whose answers omit links.
void inferMissingLinks(Plan &plan, const Catalog &catalog);

} // namespace edgegpt
