// `edgegpt fl tune --planner llm` against a local OpenAI-compatible server written here: the
// first answer is fenced JSON, the second plain JSON; each proposal is run with real agents, and
// the second prompt carries the first attempt's result (its accuracy, rounds, time and size). A
// garbage answer ends the command with one line. Tiny runs: 2 devices, 100 images, 1 round.
#include "CliProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Reads one request per connection (headers + Content-Length body), answers with the next
// scripted chat completion and closes.
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
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString baseUrl() const
    {
        return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort());
    }
    QStringList answers;         // the contents to answer with, in order
    QList<QJsonObject> requests; // the bodies received

private:
    void onData(QTcpSocket *s)
    {
        QByteArray &buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype headerEnd = buf.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        int length = 0;
        for (const QByteArray &line : buf.left(headerEnd).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toInt();
        if (buf.size() < headerEnd + 4 + length)
            return;
        requests << QJsonDocument::fromJson(buf.mid(headerEnd + 4, length)).object();
        m_buffers.remove(s);
        const QString content = answers.isEmpty() ? QStringLiteral("{}") : answers.takeFirst();
        const QJsonObject o{{QStringLiteral("choices"),
                             QJsonArray{QJsonObject{
                                 {QStringLiteral("index"), 0},
                                 {QStringLiteral("message"),
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                              {QStringLiteral("content"), content}}}}}}};
        const QByteArray body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        s->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                 "Content-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n" + body);
        s->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

// The CLI while this thread's event loop serves the fake endpoint.
CliOutcome runTune(FakeOpenAi &server, const QStringList &extra, const QString &workDir,
                   int timeoutMs)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPENAI_BASE_URL"), server.baseUrl());
    env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("test-key"));
    env.insert(QStringLiteral("EDGEGPT_LLM_MODEL"), QStringLiteral("test-model"));
    env.insert(QStringLiteral("EDGEGPT_AGENT"), QStringLiteral(EDGEGPT_AGENT_PATH));
    return runCliServing(
        QStringList{QStringLiteral("fl"), QStringLiteral("tune"),
                    QStringLiteral("a clothing classifier for a Jetson Nano, under 1 MB"),
                    QStringLiteral("--planner"), QStringLiteral("llm"), QStringLiteral("--devices"),
                    QStringLiteral("2"), QStringLiteral("--samples-per-device"),
                    QStringLiteral("100"), QStringLiteral("--test-samples"), QStringLiteral("200"),
                    QStringLiteral("--work-dir"), workDir, QStringLiteral("--json")} +
            extra,
        timeoutMs, env);
}

QString userPrompt(const QJsonObject &request)
{
    return request.value(QStringLiteral("messages"))
        .toArray()
        .last()
        .toObject()
        .value(QStringLiteral("content"))
        .toString();
}

} // namespace

class TestFlTune : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void secondPromptCarriesTheFirstAttempt()
    {
        FakeOpenAi server;
        server.answers << QStringLiteral(
                              "Let us start small.\n```json\n{\"model\":\"cnn\",\"width\":1,"
                              "\"optimizer\":\"sgd\",\"lr\":0.05,\"local_epochs\":1,\"batch\":20,"
                              "\"rounds\":1,\"alpha_aware\":false,\"reason\":\"baseline\"}\n```")
                       << QStringLiteral(
                              "{\"model\":\"cnn\",\"width\":1,\"optimizer\":\"sgd\",\"lr\":0.1,"
                              "\"local_epochs\":2,\"batch\":20,\"rounds\":1,\"alpha_aware\":true,"
                              "\"reason\":\"more local work\"}");
        QTemporaryDir dir;
        const CliOutcome r =
            runTune(server, {QStringLiteral("--attempts"), QStringLiteral("2")}, dir.path(), 90000);
        QVERIFY2(r.code == 0, r.err.constData());
        // The attempts' lines and the final one; between them, each attempt's start and rounds.
        QList<QJsonObject> lines, starts, rounds;
        for (const QByteArray &l : r.out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            QVERIFY2(!o.isEmpty(), l.constData());
            if (o.contains(QStringLiteral("start")))
                starts << o;
            else if (o.contains(QStringLiteral("round")))
                rounds << o;
            else
                lines << o;
        }
        QCOMPARE(lines.size(), 3);
        QCOMPARE(starts.size(), 2);
        QCOMPARE(starts[1].value(QStringLiteral("attempt")).toInt(), 2);
        QCOMPARE(starts[1].value(QStringLiteral("config")).toObject(),
                 lines[1].value(QStringLiteral("config")).toObject());
        QCOMPARE(rounds.size(), 2); // one round each
        for (int i = 0; i < 2; ++i) {
            const QJsonObject &round = rounds[i];
            QCOMPARE(round.value(QStringLiteral("attempt")).toInt(), i + 1);
            QCOMPARE(round.value(QStringLiteral("round")).toInt(), 1);
            QCOMPARE(round.value(QStringLiteral("devices")).toInt(), 2);
            QCOMPARE(round.value(QStringLiteral("sent_to")).toInt(), 2);
            QVERIFY(round.value(QStringLiteral("left_out")).isArray());
            QVERIFY(round.value(QStringLiteral("round_ms")).toDouble() > 0);
            // The attempt's curve is its rounds' accuracies.
            QCOMPARE(lines[i].value(QStringLiteral("curve")).toArray(),
                     QJsonArray{round.value(QStringLiteral("accuracy"))});
        }
        QCOMPARE(lines[0].value(QStringLiteral("attempt")).toInt(), 1);
        QCOMPARE(lines[1]
                     .value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("local_epochs"))
                     .toInt(),
                 2);
        const double first = lines[0].value(QStringLiteral("final_accuracy")).toDouble();
        QVERIFY2(first > 0.1, r.out.constData());
        QVERIFY(lines[0].value(QStringLiteral("model_bytes")).toInteger() > 10000);
        QVERIFY(lines[0].value(QStringLiteral("seconds")).toDouble() > 0);
        QCOMPARE(lines[2].value(QStringLiteral("baseline_accuracy")).toDouble(), first);
        QVERIFY(lines[2].contains(QStringLiteral("best_attempt")));
        // Two prompts; the second carries attempt 1's configuration and result.
        QCOMPARE(server.requests.size(), 2);
        QVERIFY(!userPrompt(server.requests[0]).contains(QStringLiteral("attempt 1")));
        const QString second = userPrompt(server.requests[1]);
        QVERIFY2(second.contains(QStringLiteral("attempt 1: cnn width 1, sgd lr 0.05")),
                 qPrintable(second));
        QVERIFY2(
            second.contains(QStringLiteral("reached %1% in 1 rounds").arg(first * 100, 0, 'f', 1)),
            qPrintable(second));
        QCOMPARE(server.requests[1].value(QStringLiteral("model")).toString(),
                 QStringLiteral("test-model"));
    }

    void garbageAnswerIsOneLine()
    {
        FakeOpenAi server;
        server.answers << QStringLiteral("I think a small CNN would do nicely.");
        QTemporaryDir dir;
        const CliOutcome r = runTune(server, {}, dir.path(), 20000);
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("not a JSON object"), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFlTune)
#include "tst_fl_tune.moc"
