// Where the LLM planner sends its requests. Read as the OpenAI SDKs read it: OPENAI_BASE_URL
// (e.g. http://localhost:8080/v1 for llama.cpp's server; requests go to {base}/chat/completions),
// OPENAI_API_KEY and EDGEGPT_LLM_MODEL. Precedence: command line, then environment, then the
// settings file, then the defaults. The API key is never written to the settings file.
#pragma once

#include "core/util/Result.h"

#include <QCommandLineParser>
#include <QString>
#include <QUrl>

class QSettings;

namespace edgegpt {

struct LlmConfig
{
    QString baseUrl = QStringLiteral("https://api.openai.com/v1");
    QString apiKey; // from the environment (or the console's keychain-less prompt); never saved
    QString model = QStringLiteral("gpt-4o-mini");
    int timeoutMs = 60000; // per HTTP request
    int maxRetries = 3;    // on 429 and 5xx
    int backoffMs = 1000;  // first retry delay; doubles each time; Retry-After wins
    int maxBackoffMs = 30000;
    int demonstrations = 4; // k nearest worked examples in the prompt

    QUrl chatCompletionsUrl() const;

    // Environment only.
    static LlmConfig fromEnvironment();
    // Settings keys: llm/base_url, llm/model, llm/timeout_ms, llm/demonstrations.
    void readSettings(const QSettings &settings);
    void writeSettings(QSettings &settings) const;

    static void addCommandLineOptions(QCommandLineParser &parser);
    // Applies --llm-base-url, --llm-model, --llm-timeout (seconds) when given.
    Result<void> applyCommandLine(const QCommandLineParser &parser);
    // Defaults < settings file < environment < command line.
    static Result<LlmConfig> resolve(const QCommandLineParser &parser);
};

} // namespace edgegpt
