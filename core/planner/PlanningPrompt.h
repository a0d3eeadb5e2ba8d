// The planning prompt of the EdgeGPT paper: a fixed prefix with slots for the request, the
// available tasks, the edge device list, the edge server list and the expert model list, followed
// by the k demonstrations most similar to the request (resources/demos/demonstrations.json).
#pragma once

#include "core/catalog/Catalog.h"
#include "core/plan/PlanValidator.h"
#include "core/util/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace edgegpt {

struct Demonstration
{
    QString request;
    QJsonObject plan; // {"tasks":[…]} in the plan format
};

class DemonstrationLibrary
{
public:
    static Result<DemonstrationLibrary> fromJson(const QByteArray &json, const QString &fileName);
    static const DemonstrationLibrary &builtin();

    const QList<Demonstration> &all() const { return m_demos; }
    // The k most similar to the request by TF-IDF-weighted cosine over words; ties keep file
    // order, so the choice is deterministic.
    QList<Demonstration> nearest(const QString &request, int k) const;

private:
    QList<Demonstration> m_demos;
};

class PlanningPrompt
{
public:
    PlanningPrompt(const Catalog &catalog, const DemonstrationLibrary &demos, int k);

    // The chat messages ({"role","content"} objects) for a request.
    QJsonArray messages(const QString &request) const;
    // The follow-up turn after an invalid plan: the answer, then a user turn quoting the problems.
    static QJsonArray correction(const QJsonArray &messages, const QString &answer,
                                 const QList<PlanProblem> &problems);

    QString systemPrompt() const; // the fixed prefix with the catalog slots filled

private:
    const Catalog &m_catalog;
    const DemonstrationLibrary &m_demos;
    int m_k;
};

} // namespace edgegpt
