#include "core/planner/LlmConfig.h"

#include <QProcessEnvironment>
#include <QSettings>

namespace edgegpt {

QUrl LlmConfig::chatCompletionsUrl() const
{
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QStringLiteral("/chat/completions"));
}

LlmConfig LlmConfig::fromEnvironment()
{
    LlmConfig c;
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.value(QStringLiteral("OPENAI_BASE_URL")).isEmpty())
        c.baseUrl = env.value(QStringLiteral("OPENAI_BASE_URL"));
    c.apiKey = env.value(QStringLiteral("OPENAI_API_KEY"));
    if (!env.value(QStringLiteral("EDGEGPT_LLM_MODEL")).isEmpty())
        c.model = env.value(QStringLiteral("EDGEGPT_LLM_MODEL"));
    return c;
}

void LlmConfig::readSettings(const QSettings &s)
{
    baseUrl = s.value(QStringLiteral("llm/base_url"), baseUrl).toString();
    model = s.value(QStringLiteral("llm/model"), model).toString();
    timeoutMs = s.value(QStringLiteral("llm/timeout_ms"), timeoutMs).toInt();
    demonstrations = s.value(QStringLiteral("llm/demonstrations"), demonstrations).toInt();
}

void LlmConfig::writeSettings(QSettings &s) const
{
    s.setValue(QStringLiteral("llm/base_url"), baseUrl);
    s.setValue(QStringLiteral("llm/model"), model);
    s.setValue(QStringLiteral("llm/timeout_ms"), timeoutMs);
    s.setValue(QStringLiteral("llm/demonstrations"), demonstrations);
}

void LlmConfig::addCommandLineOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("llm-base-url"),
                      QStringLiteral("OpenAI-compatible endpoint (default: OPENAI_BASE_URL)"),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("llm-model"),
                      QStringLiteral("model name (default: EDGEGPT_LLM_MODEL)"),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("llm-timeout"),
                      QStringLiteral("seconds to wait for each answer (default 60)"),
                      QStringLiteral("S")});
}

Result<void> LlmConfig::applyCommandLine(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("llm-base-url")))
        baseUrl = parser.value(QStringLiteral("llm-base-url"));
    if (parser.isSet(QStringLiteral("llm-model")))
        model = parser.value(QStringLiteral("llm-model"));
    if (parser.isSet(QStringLiteral("llm-timeout"))) {
        bool ok = false;
        const double s = parser.value(QStringLiteral("llm-timeout")).toDouble(&ok);
        if (!ok || s <= 0 || s > 3600)
            return Result<void>::failure(
                QStringLiteral("--llm-timeout takes seconds between 0 and 3600"));
        timeoutMs = int(s * 1000);
    }
    const QUrl url(baseUrl);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return Result<void>::failure(
            QStringLiteral("the LLM base URL \"%1\" is not an http(s) URL").arg(baseUrl));
    if (model.trimmed().isEmpty())
        return Result<void>::failure(
            QStringLiteral("no LLM model name (set EDGEGPT_LLM_MODEL or --llm-model)"));
    return {};
}

Result<LlmConfig> LlmConfig::resolve(const QCommandLineParser &parser)
{
    LlmConfig c = fromEnvironment();
    // One settings file for the CLI and the console: ~/.config/EdgeGPT/edgegpt.conf.
    const QSettings settings(QStringLiteral("EdgeGPT"), QStringLiteral("edgegpt"));
    c.readSettings(settings);
    // The environment names the endpoint explicitly: it wins over a saved one.
    const LlmConfig env = fromEnvironment();
    const QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    if (e.contains(QStringLiteral("OPENAI_BASE_URL")))
        c.baseUrl = env.baseUrl;
    if (e.contains(QStringLiteral("EDGEGPT_LLM_MODEL")))
        c.model = env.model;
    const Result<void> applied = c.applyCommandLine(parser);
    if (!applied)
        return Result<LlmConfig>::failure(applied.error());
    return c;
}

} // namespace edgegpt
