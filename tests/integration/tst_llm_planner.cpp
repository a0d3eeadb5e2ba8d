// The LLM planner end to end against an OpenAI-compatible HTTP server that this test runs on
// 127.0.0.1: a JSON answer, a fenced answer, the paper's text format, a HuggingGPT task list, an
// invalid plan then a corrected one, 429 then success, a timeout, 401, 404, a refused connection
// and garbage. Every exchange is bounded in time.
#include "core/plan/PlanValidator.h"
#include "core/planner/LlmPlanner.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace edgegpt;

namespace {

struct Scripted
{
    int status = 200;
    QByteArray body;
    QByteArray extraHeaders;
    bool silent = false; // never answer (for the timeout)
};

struct Received
{
    QByteArray method, path;
    QHash<QByteArray, QByteArray> headers; // lower-cased names
    QJsonObject body;
};

// A minimal HTTP/1.1 server: reads one request per connection (headers + Content-Length body),
// answers with the next scripted response and closes.
class FakeOpenAi : public QObject
{
public:
    FakeOpenAi()
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                s->setParent(this);
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
    }
    QString baseUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort());
    }
    QList<Scripted> script;
    QList<Received> received;

    static QByteArray chat(const QString &content, int promptTokens = 100,
                           int completionTokens = 20)
    {
        const QJsonObject o{{QStringLiteral("id"), QStringLiteral("chatcmpl-test")},
                            {QStringLiteral("model"), QStringLiteral("test-model")},
                            {QStringLiteral("choices"),
                             QJsonArray{QJsonObject{
                                 {QStringLiteral("index"), 0},
                                 {QStringLiteral("message"),
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                              {QStringLiteral("content"), content}}}}}},
                            {QStringLiteral("usage"),
                             QJsonObject{{QStringLiteral("prompt_tokens"), promptTokens},
                                         {QStringLiteral("completion_tokens"), completionTokens}}}};
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype headerEnd = buf.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        Received r;
        const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        r.method = first.value(0);
        r.path = first.value(1);
        for (int i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                r.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                 lines.at(i).mid(colon + 1).trimmed());
        }
        const int length = r.headers.value("content-length").toInt();
        if (buf.size() < headerEnd + 4 + length)
            return; // wait for the rest of the body
        r.body = QJsonDocument::fromJson(buf.mid(headerEnd + 4, length)).object();
        received << r;
        m_buffers.remove(s);
        const Scripted answer =
            script.isEmpty()
                ? Scripted{500, "{\"error\":{\"message\":\"script empty\"}}", {}, false}
                : script.takeFirst();
        if (answer.silent)
            return;
        QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status) +
                              " X\r\n"
                              "Content-Type: application/json\r\nConnection: close\r\n" +
                              answer.extraHeaders +
                              "Content-Length: " + QByteArray::number(answer.body.size()) +
                              "\r\n\r\n" + answer.body;
        s->write(response);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

const char *kValidPlan =
    R"({"tasks":[{"id":"t1","task":"Capture Image","model":null,"device":"Vehicle","args":[]},)"
    R"({"id":"t2","task":"Image-to-Text","model":"Salesforce/blip-image-captioning-base","device":"Vehicle",)"
    R"("args":[{"type":"image","from":"t1"}]}]})";

} // namespace

class TestLlmPlanner : public QObject
{
    Q_OBJECT
private:
    LlmConfig config(const FakeOpenAi &server)
    {
        LlmConfig c;
        c.baseUrl = server.baseUrl();
        c.apiKey = QStringLiteral("sk-test-123");
        c.model = QStringLiteral("test-model");
        c.timeoutMs = 3000;
        c.backoffMs = 50;
        c.maxRetries = 2;
        return c;
    }
    Result<Plan> plan(FakeOpenAi &server,
                      const QString &request = QStringLiteral("What's in the front of my car?"),
                      LlmConfig *override = nullptr)
    {
        LlmPlanner planner(Catalog::builtin(), override ? *override : config(server));
        return planAndWait(planner, request, 20000);
    }

private Q_SLOTS:
    void jsonAnswerAndTheRequestItSent()
    {
        FakeOpenAi server;
        server.script << Scripted{
            200, FakeOpenAi::chat(QString::fromLatin1(kValidPlan), 1234, 56), {}, false};
        const Result<Plan> p = plan(server);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->tasks.size(), 2);
        QCOMPARE(p->tasks.at(1).args.first().sourceTask, QStringLiteral("t1"));
        QCOMPARE(p->provenance.planner, QStringLiteral("llm"));
        QCOMPARE(p->provenance.promptTokens, 1234);
        QCOMPARE(p->provenance.completionTokens, 56);
        QCOMPARE(p->provenance.attempts, 1);
        QVERIFY(p->provenance.latencyMs > 0);
        QCOMPARE(p->request, QStringLiteral("What's in the front of my car?"));

        QCOMPARE(server.received.size(), 1);
        const Received &r = server.received.first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer sk-test-123"));
        QCOMPARE(r.body.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
        const QJsonArray messages = r.body.value(QStringLiteral("messages")).toArray();
        QVERIFY(messages.size() >= 4);
        const QString system =
            messages.first().toObject().value(QStringLiteral("content")).toString();
        QVERIFY(system.contains(QStringLiteral("Edge devices:")));
        QVERIFY(system.contains(QStringLiteral("Wearable device")));
        QVERIFY(system.contains(QStringLiteral("Edge server (RTX 3090)")));
        QVERIFY(system.contains(QStringLiteral("Salesforce/blip-vqa-base")));
        QCOMPARE(messages.last().toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("What's in the front of my car?"));
        // The nearest demonstration is the paper's own car example.
        QCOMPARE(messages.at(1).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("What's in the front of my car?"));
        QCOMPARE(messages.at(2).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
    }

    void fencedAnswer()
    {
        FakeOpenAi server;
        server.script << Scripted{200,
                                  FakeOpenAi::chat(QStringLiteral("Here is the plan:\n```json\n") +
                                                   QString::fromLatin1(kValidPlan) +
                                                   QStringLiteral("\n```\nEnjoy!")),
                                  {},
                                  false};
        const Result<Plan> p = plan(server);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->tasks.at(0).task, QStringLiteral("Capture Image"));
    }

    void papersTextFormat()
    {
        FakeOpenAi server;
        server.script << Scripted{
            200,
            FakeOpenAi::chat(QStringLiteral(
                "{Task 1: Capture an image, {AI model: NA}, {Edge device: Vehicle}}\n"
                "{Task 2: Caption the image, {AI model: blip-image-captioning-base}, {Edge device: "
                "Vehicle}}")),
            {},
            false};
        const Result<Plan> p = plan(server);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->tasks.at(1).model, QStringLiteral("Salesforce/blip-image-captioning-base"));
        QCOMPARE(p->links().size(), 1);
    }

    void huggingGptTaskList()
    {
        FakeOpenAi server;
        static const char kTaskList[] =
            R"x([{"task":"automatic-speech-recognition","id":0,"dep":[-1],"args":{"audio":"talk.wav"},)x"
            R"x("model":"facebook/wav2vec2-base-960h","device":"Edge server (RTX 3090)"},)x"
            R"x({"task":"translation","id":1,"dep":[0],"args":{"text":"<GENERATED>-0"},)x"
            R"x("model":"t5-small","device":"Mobile phone"}])x";
        server.script << Scripted{200, FakeOpenAi::chat(QString::fromUtf8(kTaskList)), {}, false};
        const Result<Plan> p = plan(server, QStringLiteral("Transcribe talk.wav and translate it"));
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->tasks.at(0).task, QStringLiteral("Automatic Speech Recognition"));
        QCOMPARE(p->tasks.at(0).args.first().value, QStringLiteral("talk.wav"));
        QCOMPARE(p->tasks.at(1).args.first().sourceTask, QStringLiteral("t0"));
    }

    void invalidPlanThenCorrected()
    {
        FakeOpenAi server;
        const QString invalid =
            QString::fromLatin1(kValidPlan)
                .replace(QStringLiteral("Salesforce/blip-image-captioning-base"),
                         QStringLiteral("google/vit-base-patch16-224"));
        server.script << Scripted{200, FakeOpenAi::chat(invalid, 100, 10), {}, false}
                      << Scripted{200,
                                  FakeOpenAi::chat(QString::fromLatin1(kValidPlan), 150, 12),
                                  {},
                                  false};
        const Result<Plan> p = plan(server);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(p->provenance.attempts, 2);
        QCOMPARE(p->provenance.promptTokens, 250);
        QCOMPARE(server.received.size(), 2);
        const QJsonArray second =
            server.received.at(1).body.value(QStringLiteral("messages")).toArray();
        const QString quoted = second.last().toObject().value(QStringLiteral("content")).toString();
        QVERIFY2(quoted.contains(QStringLiteral("model \"google/vit-base-patch16-224\" does Image "
                                                "Classification, not Image-to-Text")),
                 qPrintable(quoted));
        QCOMPARE(second.at(second.size() - 2).toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("assistant"));
    }

    void stillInvalidAfterCorrectionFails()
    {
        FakeOpenAi server;
        const QString invalid = QString::fromLatin1(kValidPlan)
                                    .replace(QStringLiteral("Vehicle"), QStringLiteral("Toaster"));
        server.script << Scripted{200, FakeOpenAi::chat(invalid), {}, false}
                      << Scripted{200, FakeOpenAi::chat(invalid), {}, false};
        const Result<Plan> p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().startsWith(QStringLiteral("the corrected plan is still invalid")),
                 qPrintable(p.error()));
        QVERIFY(!p.error().contains(QLatin1Char('\n')));
    }

    void tooManyRequestsThenSuccess()
    {
        FakeOpenAi server;
        server.script << Scripted{429, "{\"error\":{\"message\":\"slow down\"}}", {}, false}
                      << Scripted{503, "{}", {}, false}
                      << Scripted{
                             200, FakeOpenAi::chat(QString::fromLatin1(kValidPlan)), {}, false};
        QElapsedTimer t;
        t.start();
        const Result<Plan> p = plan(server);
        QVERIFY2(p.ok(), qPrintable(p.error()));
        QCOMPARE(server.received.size(), 3);
        QVERIFY(t.elapsed() >= 50 + 100); // backoff doubled between the retries
    }

    void retryAfterIsHonouredAndRetriesAreBounded()
    {
        FakeOpenAi server;
        for (int i = 0; i < 3; ++i)
            server.script << Scripted{429, "{\"error\":{\"message\":\"quota\"}}",
                                      "Retry-After: 0\r\n", false};
        const Result<Plan> p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().contains(QStringLiteral("HTTP 429 3 times")), qPrintable(p.error()));
        QCOMPARE(server.received.size(), 3);
    }

    void timeout()
    {
        FakeOpenAi server;
        server.script << Scripted{200, QByteArray(), {}, true};
        LlmConfig c = config(server);
        c.timeoutMs = 300;
        QElapsedTimer t;
        t.start();
        const Result<Plan> p = plan(server, QStringLiteral("What's in the front of my car?"), &c);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().startsWith(QStringLiteral("no answer from http://127.0.0.1:")),
                 qPrintable(p.error()));
        QVERIFY(p.error().contains(QStringLiteral("within 0.3 s")));
        QVERIFY(t.elapsed() < 5000);
    }

    void unauthorized()
    {
        FakeOpenAi server;
        server.script << Scripted{
            401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}", {}, false};
        const Result<Plan> p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(
            p.error().startsWith(QStringLiteral("the endpoint refused the API key (HTTP 401)")),
            qPrintable(p.error()));
        QVERIFY(p.error().contains(QStringLiteral("Incorrect API key provided")));
        QVERIFY(!p.error().contains(QStringLiteral("sk-test-123"))); // never echo the key
        QCOMPARE(server.received.size(), 1);                         // no retry on 401
    }

    void notFound()
    {
        FakeOpenAi server;
        server.script << Scripted{404, "{}", {}, false};
        const Result<Plan> p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().startsWith(QStringLiteral("HTTP 404 from")), qPrintable(p.error()));
        QVERIFY(p.error().contains(QStringLiteral("OPENAI_BASE_URL")));
    }

    void garbage()
    {
        FakeOpenAi server;
        server.script << Scripted{
            200,
            FakeOpenAi::chat(QStringLiteral("I am sorry, I cannot help with that.")),
            {},
            false};
        Result<Plan> p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().startsWith(QStringLiteral("the answer is not a plan")),
                 qPrintable(p.error()));
        QVERIFY(!p.error().contains(QLatin1Char('\n')));

        server.script << Scripted{200, "<html>bad gateway</html>", {}, false};
        p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().contains(QStringLiteral("no choices[0].message.content")),
                 qPrintable(p.error()));

        server.script << Scripted{
            200,
            FakeOpenAi::chat(QStringLiteral("```json\n{\"tasks\": [ {\"id\": }\n```")),
            {},
            false};
        p = plan(server);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().contains(QStringLiteral("invalid JSON")), qPrintable(p.error()));
    }

    void connectionRefused()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        LlmConfig c;
        c.baseUrl = QStringLiteral("http://127.0.0.1:%1/v1").arg(port);
        c.timeoutMs = 3000;
        LlmPlanner planner(Catalog::builtin(), c);
        const Result<Plan> p = planAndWait(planner, QStringLiteral("Translate hi"), 10000);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().startsWith(QStringLiteral("cannot reach http://127.0.0.1:")),
                 qPrintable(p.error()));
    }

    void cancelledJobIsSilent()
    {
        FakeOpenAi server;
        server.script << Scripted{200, QByteArray(), {}, true};
        LlmPlanner planner(Catalog::builtin(), config(server));
        PlanningJob *job = planner.plan(QStringLiteral("Translate hi"));
        QSignalSpy finished(job, &PlanningJob::finished);
        QSignalSpy failed(job, &PlanningJob::failed);
        QTRY_COMPARE_WITH_TIMEOUT(server.received.size(), 1, 3000);
        job->cancel();
        QTest::qWait(100);
        QCOMPARE(finished.count() + failed.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLlmPlanner)
#include "tst_llm_planner.moc"
