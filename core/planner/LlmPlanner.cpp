#include "core/planner/LlmPlanner.h"

#include "core/planner/PlanAnswerParser.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace edgegpt {

namespace {

// Bounds what we read from an endpoint: a plan is a few kilobytes.
constexpr qint64 kMaxAnswerBytes = 4 * 1024 * 1024;

QString shortBody(const QByteArray &body)
{
    // OpenAI-style {"error":{"message":…}} when present, else the start of the body.
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QString message =
        o.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    if (!message.isEmpty())
        return message.simplified().left(200);
    return QString::fromUtf8(body.left(200)).simplified();
}

class LlmPlanningJob : public PlanningJob
{
public:
    LlmPlanningJob(QObject *parent, QNetworkAccessManager *network, const LlmConfig &config,
                   const Catalog &catalog, const PlanningPrompt &prompt, const QString &request)
        : PlanningJob(parent)
        , m_network(network)
        , m_config(config)
        , m_catalog(catalog)
        , m_request(request)
    {
        m_messages = prompt.messages(request);
        m_clock.start();
        m_timeout.setSingleShot(true);
        connect(&m_timeout, &QTimer::timeout, this, [this] {
            m_timedOut = true;
            if (m_reply)
                m_reply->abort();
        });
        QTimer::singleShot(0, this, [this] { send(); });
    }

    void cancel() override
    {
        m_cancelled = true;
        m_timeout.stop();
        if (m_reply)
            m_reply->abort();
        deleteLater();
    }

private:
    void send()
    {
        if (m_cancelled)
            return;
        ++m_httpAttempts;
        Q_EMIT progress(
            QStringLiteral("asking %1 at %2%3…")
                .arg(m_config.model, m_config.chatCompletionsUrl().host(),
                     m_retries ? QStringLiteral(" (retry %1)").arg(m_retries) : QString()));
        QNetworkRequest req(m_config.chatCompletionsUrl());
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!m_config.apiKey.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + m_config.apiKey.toUtf8());
        req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
        const QJsonObject body{{QStringLiteral("model"), m_config.model},
                               {QStringLiteral("messages"), m_messages},
                               {QStringLiteral("temperature"), 0}};
        m_timedOut = false;
        m_reply = m_network->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        m_reply->setReadBufferSize(0);
        connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64) {
            if (received > kMaxAnswerBytes && m_reply)
                m_reply->abort();
        });
        connect(m_reply, &QNetworkReply::finished, this,
                [this, reply = m_reply] { onFinished(reply); });
        m_timeout.start(m_config.timeoutMs);
    }

    void onFinished(QNetworkReply *reply)
    {
        m_timeout.stop();
        reply->deleteLater();
        if (m_cancelled)
            return;
        const QString url = m_config.chatCompletionsUrl().toString();
        if (m_timedOut) {
            fail(QStringLiteral("no answer from %1 within %2 s")
                     .arg(url)
                     .arg(m_config.timeoutMs / 1000.0));
            return;
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->isOpen() ? reply->read(kMaxAnswerBytes) : QByteArray();
        if (status == 0) {
            fail(QStringLiteral("cannot reach %1: %2").arg(url, reply->errorString()));
            return;
        }
        if (status == 429 || status >= 500) {
            if (m_retries >= m_config.maxRetries) {
                fail(QStringLiteral("%1 answered HTTP %2 %3 times; giving up (%4)")
                         .arg(url)
                         .arg(status)
                         .arg(m_retries + 1)
                         .arg(shortBody(body)));
                return;
            }
            int delay = std::min(m_config.backoffMs << m_retries, m_config.maxBackoffMs);
            bool ok = false;
            const int retryAfter = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
            if (ok && retryAfter >= 0)
                delay = std::min(retryAfter * 1000, m_config.maxBackoffMs);
            ++m_retries;
            Q_EMIT progress(QStringLiteral("HTTP %1 from the endpoint; retrying in %2 s")
                                .arg(status)
                                .arg(delay / 1000.0));
            QTimer::singleShot(delay, this, [this] { send(); });
            return;
        }
        if (status == 401 || status == 403) {
            fail(QStringLiteral(
                     "the endpoint refused the API key (HTTP %1): check OPENAI_API_KEY (%2)")
                     .arg(status)
                     .arg(shortBody(body)));
            return;
        }
        if (status == 404) {
            fail(QStringLiteral(
                     "HTTP 404 from %1: check OPENAI_BASE_URL (it should end in /v1) and the "
                     "model name \"%2\"")
                     .arg(url, m_config.model));
            return;
        }
        if (status != 200) {
            fail(QStringLiteral("HTTP %1 from %2: %3").arg(status).arg(url, shortBody(body)));
            return;
        }
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        const QJsonObject usage = answer.value(QStringLiteral("usage")).toObject();
        m_promptTokens += usage.value(QStringLiteral("prompt_tokens")).toInt();
        m_completionTokens += usage.value(QStringLiteral("completion_tokens")).toInt();
        const QString content = answer.value(QStringLiteral("choices"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toObject()
                                    .value(QStringLiteral("content"))
                                    .toString();
        if (content.isEmpty()) {
            fail(QStringLiteral("the endpoint's answer has no choices[0].message.content: %1")
                     .arg(shortBody(body)));
            return;
        }
        ++m_planAttempts;
        Result<Plan> plan = parsePlanAnswer(content, m_catalog);
        if (!plan) {
            fail(plan.error());
            return;
        }
        const QList<PlanProblem> problems = validatePlan(*plan, m_catalog);
        if (!problems.isEmpty()) {
            if (m_planAttempts >= 2) {
                fail(QStringLiteral("the corrected plan is still invalid: %1")
                         .arg(describeProblems(problems).replace(QLatin1Char('\n'),
                                                                 QStringLiteral("; "))));
                return;
            }
            Q_EMIT progress(QStringLiteral("the plan has %1 problem(s); asking for a correction")
                                .arg(problems.size()));
            m_messages = PlanningPrompt::correction(m_messages, content, problems);
            m_retries = 0;
            send();
            return;
        }
        plan->request = m_request;
        plan->provenance.planner = QStringLiteral("llm");
        plan->provenance.llmModel = answer.value(QStringLiteral("model")).toString(m_config.model);
        plan->provenance.latencyMs = m_clock.nsecsElapsed() / 1e6;
        plan->provenance.promptTokens = m_promptTokens;
        plan->provenance.completionTokens = m_completionTokens;
        plan->provenance.attempts = m_planAttempts;
        finish(*plan);
    }

    QNetworkAccessManager *m_network;
    LlmConfig m_config;
    const Catalog &m_catalog;
    QString m_request;
    QJsonArray m_messages;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timeout;
    QElapsedTimer m_clock;
    bool m_timedOut = false;
    int m_retries = 0;
    int m_httpAttempts = 0;
    int m_planAttempts = 0;
    int m_promptTokens = 0;
    int m_completionTokens = 0;
};

} // namespace

LlmPlanner::LlmPlanner(const Catalog &catalog, LlmConfig config, QObject *parent)
    : Planner(catalog, parent)
    , m_config(std::move(config))
    , m_network(new QNetworkAccessManager(this))
    , m_prompt(this->catalog(), DemonstrationLibrary::builtin(), m_config.demonstrations)
{}

LlmPlanner::~LlmPlanner() = default;

PlanningJob *LlmPlanner::plan(const QString &request)
{
    return new LlmPlanningJob(this, m_network, m_config, catalog(), m_prompt, request);
}

} // namespace edgegpt
