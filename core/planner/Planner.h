// The planner interface: a request in, a validated Plan out, asynchronously and cancellable.
// Two implementations: LocalPlanner (embedded, deterministic, no network) and LlmPlanner (any
// OpenAI-compatible chat-completions endpoint).
#pragma once

#include "core/catalog/Catalog.h"
#include "core/plan/Plan.h"
#include "core/util/Result.h"

#include <QObject>
#include <QPointer>

namespace edgegpt {

// One planning request in flight. Emits exactly one of finished() or failed() (unless cancelled,
// after which it emits nothing), then deletes itself later.
class PlanningJob : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    // Stops the work; no signal follows. Safe to call at any time, also after the end.
    virtual void cancel() = 0;
    bool isDone() const { return m_done; }

Q_SIGNALS:
    void finished(const edgegpt::Plan &plan);
    void failed(const QString &message);
    // A line for a status bar: "asking gpt-4o (attempt 2 of 2)…".
    void progress(const QString &status);

protected:
    // Implementations end through these so that the one-signal rule holds.
    void finish(const Plan &plan);
    void fail(const QString &message);
    bool m_done = false;
    bool m_cancelled = false;
};

class Planner : public QObject
{
    Q_OBJECT
public:
    explicit Planner(const Catalog &catalog, QObject *parent = nullptr)
        : QObject(parent)
        , m_catalog(catalog)
    {}
    ~Planner() override = default;

    virtual QString name() const = 0; // "local", "llm"
    // Starts planning `request`. The job is a child of the planner; connect before returning to
    // the event loop.
    virtual PlanningJob *plan(const QString &request) = 0;

    const Catalog &catalog() const { return m_catalog; }

private:
    Catalog m_catalog;
};

// Runs a planner to completion in a local event loop (for the command line and tests).
// `timeoutMs` bounds the wait; on timeout the job is cancelled and an error returned.
Result<Plan> planAndWait(Planner &planner, const QString &request, int timeoutMs = 120000);

} // namespace edgegpt

Q_DECLARE_METATYPE(edgegpt::Plan)
