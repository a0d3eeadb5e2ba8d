// Fuzz target for the local planner's reader (docs/local-planner.md): a request is text from
// outside (the console's request bar, `edgegpt plan`, a benchmark file). Arbitrary text must
// give a valid plan or a one-line refusal, never a crash, and the same plan every time (the
// planner is deterministic). The reader's quotation, sentence and clause arithmetic is where a
// slip would show: positions past the end, empty sentences, quotes inside quotes.
#include "core/catalog/Catalog.h"
#include "core/plan/PlanValidator.h"
#include "core/planner/LocalPlanner.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace edgegpt;

namespace {

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz_local_planner: invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Requests are sentences, not documents: longer inputs only slow the fuzzer down.
    if (size > 4096)
        return 0;
    static const LocalPlanner planner(Catalog::builtin());
    const QString request =
        QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Result<Plan> plan = planner.planNow(request);
    if (plan) {
        check(!plan->tasks.isEmpty(), "a plan has a task");
        check(validatePlan(*plan, Catalog::builtin()).isEmpty(), "a plan is valid");
        const Result<Plan> again = planner.planNow(request);
        check(again && again->tasks == plan->tasks, "the same request gives the same plan");
    } else {
        check(!plan.error().isEmpty() && !plan.error().contains(QLatin1Char('\n')),
              "a refusal is one line");
    }
    return 0;
}
