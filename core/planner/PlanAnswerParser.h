// Reading an LLM's answer as a plan. Accepted, in this order of preference:
//  - JSON in the plan format (docs/plan-format.md);
//  - a HuggingGPT-style task list [{"task":…,"id":…,"dep":[…],"args":{…},"model":…,"device":…}]
//    ("<GENERATED>-N" in args and the dep list make the links);
//  - the paper's text format, one task a line.
// The JSON may sit in a ``` code fence or among prose. Names are normalised through the catalog
// (aliases, HuggingFace spellings such as "image-to-text"); unknown names are kept for the
// validator to report.
#pragma once

#include "core/catalog/Catalog.h"
#include "core/plan/Plan.h"
#include "core/util/Result.h"

namespace edgegpt {

Result<Plan> parsePlanAnswer(const QString &answer, const Catalog &catalog);

// The JSON document inside an answer: the content of the first ```json (or ```) fence, else the
// span from the first '{' or '[' to the last matching bracket. Empty when there is none.
QString extractJson(const QString &answer);

} // namespace edgegpt
