// Availability-aware planning: a step after any planner. Where a task's model is not runnable here
// (it has no binding, core/catalog/ModelBindings.h) and a runnable task answers the request as
// well, the plan uses the runnable one — as HuggingGPT chooses among the models it has available.
//
// Today's rule: a Visual Question Answering or Image-to-Text task on an image, whose question asks
// what kind / type / category / class of thing the image shows ("What kind of clothing is in this
// picture?", "which category does this item belong to"), is image classification as much as it is
// VQA. When its model is not runnable and a bound image classification model can run on the same
// device, the task becomes Image Classification with that model: same id, same device, its image
// input and the links from it kept (the question itself is no input of a classifier). A question
// that asks anything else as well ("what color is the shirt and is the person smiling?") stays VQA.
//
// Every substitution is recorded in the plan's provenance.notes, so that the plan text, the JSON
// and the console can show it. `edgegpt bench planning` does not apply this step: it scores the
// planner against TaskBench's own task lists.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/catalog/ModelBindings.h"
#include "core/plan/Plan.h"

#include <QString>
#include <QStringList>

namespace edgegpt {

// The plan with the substitutions above; each one also appended to *notes when given. `request`
// is the operator's words (empty: plan.request). A plan needing no change comes back equal.
Plan applyAvailability(const Plan &plan, const QString &request, const ModelBindings &bindings,
                       const Catalog &catalog, QStringList *notes = nullptr);

// True when `question` asks only what kind / type / category / class of thing something is (the
// question an image classifier answers), and no other question besides.
bool asksOnlyForKindOfThing(const QString &question);

} // namespace edgegpt
