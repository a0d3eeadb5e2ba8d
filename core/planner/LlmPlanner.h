// LlmPlanner: plans with any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI,
// llama.cpp's server, Ollama, vLLM). Sends the paper's prompt (PlanningPrompt), reads the answer
// (parsePlanAnswer), validates it against the catalog and, when it is invalid, asks once more
// quoting the problems. Retries 429 and 5xx with exponential backoff (Retry-After wins); 401, 404,
// timeouts and unreadable answers end the job with a one-line reason. Runs on the caller's event
// loop; nothing blocks.
#pragma once

#include "core/planner/LlmConfig.h"
#include "core/planner/Planner.h"
#include "core/planner/PlanningPrompt.h"

class QNetworkAccessManager;

namespace edgegpt {

class LlmPlanner : public Planner
{
    Q_OBJECT
public:
    LlmPlanner(const Catalog &catalog, LlmConfig config, QObject *parent = nullptr);
    ~LlmPlanner() override;

    QString name() const override { return QStringLiteral("llm"); }
    PlanningJob *plan(const QString &request) override;

    const LlmConfig &config() const { return m_config; }

private:
    LlmConfig m_config;
    QNetworkAccessManager *m_network;
    PlanningPrompt m_prompt;
};

} // namespace edgegpt
