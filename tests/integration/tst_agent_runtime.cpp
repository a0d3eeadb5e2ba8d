// The agent without LibTorch, as real processes on 127.0.0.1: `edgegpt-agent --version` loads no
// LibTorch; an edge agent that listens, and one a console (not a device) has shaken hands with,
// has not mapped it (/proc/PID/maps); once it served a device it has, with the runtime plugin; a
// device that sends its images never loads it; a runtime that is missing or is not a runtime is
// an error answer for each request while the agent keeps serving.
#include "AgentLines.h"
#include "agents/SplitRuntime.h"
#include "core/protocol/Handshake.h"
#include "core/protocol/PeerConnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace edgegpt;

namespace {

QString runtimePath()
{
    return QFileInfo(agentPath()).absolutePath() + QStringLiteral("/libedgegpt-runtime.so");
}

QByteArray maps(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/maps").arg(pid));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestAgentRuntime : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_model, m_token;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    std::vector<std::unique_ptr<PeerConnection>> m_consoles;

    // Starts an agent; with `port`, waits for "listening HOST:PORT" and returns the port.
    QProcess *start(const QStringList &args, quint16 *port = nullptr,
                    const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_processes.push_back(std::make_unique<QProcess>());
        QProcess *p = m_processes.back().get();
        p->setProcessEnvironment(env);
        p->start(agentPath(), args);
        if (!p->waitForStarted(5000))
            return nullptr;
        if (port)
            *port = waitForListening(*p);
        return p;
    }
    QStringList edgeArgs(const QStringList &more = {})
    {
        return QStringList{QStringLiteral("--role"),       QStringLiteral("edge"),
                           QStringLiteral("--listen"),     QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--token-file"), m_token,
                           QStringLiteral("--model-dir"),  m_model} +
               more;
    }
    QStringList deviceArgs(quint16 edgePort, const QString &split, const QString &codec, int count)
    {
        return {QStringLiteral("--role"),       QStringLiteral("device"),
                QStringLiteral("--edge"),       QStringLiteral("127.0.0.1:%1").arg(edgePort),
                QStringLiteral("--token-file"), m_token,
                QStringLiteral("--model-dir"),  m_model,
                QStringLiteral("--split"),      split,
                QStringLiteral("--codec"),      codec,
                QStringLiteral("--count"),      QString::number(count),
                QStringLiteral("--slowdown"),   QStringLiteral("1")};
    }
    // Runs a device to its end: its exit code (-1: crashed or killed) and its stdout.
    QByteArray runDevice(const QStringList &args, int *code,
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                         QByteArray *err = nullptr)
    {
        QProcess *p = start(args, nullptr, env);
        if (!p) {
            *code = -1;
            return {};
        }
        if (!p->waitForFinished(60000)) {
            p->kill();
            p->waitForFinished();
            *code = -1;
        } else {
            *code = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1;
        }
        if (err)
            *err = p->readAllStandardError();
        return p->readAllStandardOutput();
    }
    // An authenticated console (role "console", as the deployment's probe) to an agent's port.
    bool shakeHandsAsConsole(quint16 port)
    {
        const Result<Keyring> token = Keyring::load(m_token);
        if (!token)
            return false;
        PeerConnection::Options options;
        options.keys = *token;
        options.identity = {QStringLiteral("test-console"), QStringLiteral("console")};
        auto *console =
            PeerConnection::connectToHost(QStringLiteral("127.0.0.1"), port, options, this);
        m_consoles.emplace_back(console);
        QSignalSpy ready(console, &PeerConnection::ready);
        return ready.wait(5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFileInfo(agentPath()).isExecutable());
        QVERIFY2(QFileInfo(runtimePath()).isFile(), qPrintable(runtimePath()));
        QVERIFY(m_dir.isValid());
        // A small model: the answers are not the point here, loading what runs it is.
        m_model = m_dir.filePath(QStringLiteral("cnn"));
        QProcess train;
        train.start(QStringLiteral(EDGEGPT_CLI_PATH),
                    {QStringLiteral("train"), QStringLiteral("--epochs"), QStringLiteral("1"),
                     QStringLiteral("--limit"), QStringLiteral("200"), QStringLiteral("--out"),
                     m_model});
        QVERIFY(train.waitForFinished(180000));
        QVERIFY2(train.exitCode() == 0, train.readAllStandardError().constData());
        m_token = m_dir.filePath(QStringLiteral("token"));
        QFile f(m_token);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(32, 'k').toBase64() + '\n');
        f.close();
        QVERIFY(QFile::setPermissions(m_token, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    }
    void cleanup()
    {
        m_consoles.clear();
        for (auto &p : m_processes) {
            p->kill();
            p->waitForFinished(3000);
        }
        m_processes.clear();
    }

    // The dynamic loader's own account of every library it loads (LD_DEBUG=libs), dlopen too.
    void versionLoadsNoLibTorch()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("libs"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(agentPath(), {QStringLiteral("--version")});
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("edgegpt-agent "));
        const QByteArray loaded = p.readAllStandardError();
        QVERIFY2(loaded.contains("libQt6Core"), loaded.left(400).constData()); // LD_DEBUG works
        QVERIFY2(!loaded.contains("libtorch"), loaded.constData());
        QVERIFY(!loaded.contains("libedgegpt-runtime"));
    }

    void runtimeVersionLoadsIt()
    {
        QProcess p;
        p.start(agentPath(), {QStringLiteral("--runtime-version")});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QByteArray out = p.readAllStandardOutput().trimmed();
        QVERIFY2(out.startsWith("edgegpt-runtime " EDGEGPT_VERSION " (LibTorch ") &&
                     out.endsWith(QByteArray(QByteArray(" interface ") +
                                             QByteArray::number(kSplitRuntimeInterface))),
                 out.constData());
    }

    void edgeLoadsTheRuntimeOnlyForADevice()
    {
        quint16 port = 0;
        QProcess *edge = start(edgeArgs(), &port);
        QVERIFY(edge && port > 0);
        const qint64 pid = edge->processId();
        QVERIFY(maps(pid).contains("libQt6Network")); // the maps are readable
        QVERIFY2(!maps(pid).contains("libtorch"), "libtorch mapped by an edge that only listens");
        QVERIFY(!maps(pid).contains("libedgegpt-runtime"));

        // A console's handshake (as a deployment's probe) is no reason to load it.
        QVERIFY(shakeHandsAsConsole(port));
        QTest::qWait(500);
        QVERIFY2(!maps(pid).contains("libtorch"), "libtorch mapped after a console's handshake");

        // A device that sends its images needs no model itself (LD_DEBUG: it loads no LibTorch);
        // the edge loads the runtime to answer it.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("libs"));
        int code = -1;
        QByteArray loaded;
        const QByteArray out =
            runDevice(deviceArgs(port, QStringLiteral("input"), QStringLiteral("png"), 3), &code,
                      env, &loaded);
        QVERIFY2(code == 0, out.constData());
        int answered = 0;
        for (const QJsonObject &l : jsonLines(out))
            answered += l.value(QStringLiteral("ok")).toBool() ? 1 : 0;
        QCOMPARE(answered, 3);
        QVERIFY(loaded.contains("libQt6Core"));
        QVERIFY2(!loaded.contains("libtorch"), "a device at the split input loaded LibTorch");
        const QByteArray after = maps(pid);
        QVERIFY2(after.contains("libtorch_cpu"), "the edge answered without LibTorch?");
        QVERIFY(after.contains("libedgegpt-runtime.so"));
        QVERIFY(edge->state() == QProcess::Running);
    }

    // A device with a split after the input runs the head itself: it loads the runtime then.
    void preloadLoadsItBeforeSayingWhereItListens()
    {
        // --preload (local fleets): the "listening" line comes once the model is loaded, so the
        // first device's first answer does not wait for LibTorch.
        quint16 port = 0;
        QProcess *edge = start(edgeArgs({QStringLiteral("--preload")}), &port);
        QVERIFY(edge && port > 0);
        const QByteArray mapped = maps(edge->processId());
        QVERIFY2(mapped.contains("libtorch_cpu"), "no libtorch when a preloading edge listens");
        QVERIFY(mapped.contains("libedgegpt-runtime"));
    }

    void deviceWithAHeadLoadsTheRuntime()
    {
        quint16 port = 0;
        QVERIFY(start(edgeArgs(), &port) && port > 0);
        QProcess *device =
            start(deviceArgs(port, QStringLiteral("conv1"), QStringLiteral("f32-z3"), 0) +
                  QStringList{QStringLiteral("--rate"), QStringLiteral("5")});
        QVERIFY(device);
        QTRY_VERIFY_WITH_TIMEOUT(maps(device->processId()).contains("libtorch_cpu"), 20000);
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += device->readAllStandardOutput()).contains("\"ok\":true"),
                                 20000);
    }

    void aMissingOrWrongRuntimeIsAnErrorAnswer_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing") << QStringLiteral("no-such-dir/libedgegpt-runtime.so")
                                 << QStringLiteral("does not exist");
        QTest::newRow("not a library")
            << QStringLiteral("garbage.so") << QStringLiteral("cannot load the model runtime");
        // A real shared library that is not ours: Qt Core, as this test has it mapped.
        QTest::newRow("not a runtime")
            << QStringLiteral("qtcore") << QStringLiteral("is not an EdgeGPT model runtime");
    }
    void aMissingOrWrongRuntimeIsAnErrorAnswer()
    {
        QFETCH(QString, runtime);
        QFETCH(QString, message);
        QString file = m_dir.filePath(runtime);
        if (runtime == QLatin1String("qtcore")) {
            for (const QByteArray &line : maps(QCoreApplication::applicationPid()).split('\n'))
                if (line.contains("/libQt6Core.so"))
                    file = QString::fromLocal8Bit(line.mid(line.indexOf('/')));
            QVERIFY2(QFileInfo(file).isFile(), qPrintable(file));
        }
        if (runtime == QLatin1String("garbage.so")) {
            QFile g(file);
            QVERIFY(g.open(QIODevice::WriteOnly));
            g.write(QByteArray(4096, '\x7f'));
        }
        quint16 port = 0;
        QProcess *edge = start(edgeArgs({QStringLiteral("--runtime"), file}), &port);
        QVERIFY(edge && port > 0);
        int code = -1;
        const QByteArray out =
            runDevice(deviceArgs(port, QStringLiteral("input"), QStringLiteral("png"), 2), &code);
        QCOMPARE(code, 1); // every request failed
        int failed = 0;
        for (const QJsonObject &l : jsonLines(out)) {
            if (!l.contains(QStringLiteral("ok")))
                continue;
            QVERIFY(!l.value(QStringLiteral("ok")).toBool());
            const QString error = l.value(QStringLiteral("error")).toString();
            QVERIFY2(error.startsWith(QLatin1String("edge: bad-request: ")) &&
                         error.contains(message) && error.contains(file),
                     qPrintable(error));
            ++failed;
        }
        QCOMPARE(failed, 2);
        // The edge is still there, still answers a handshake, and said why in its log.
        QVERIFY(edge->state() == QProcess::Running);
        QVERIFY(shakeHandsAsConsole(port));
        QByteArray log;
        QTRY_VERIFY2_WITH_TIMEOUT((log += edge->readAllStandardError()).contains(message.toUtf8()),
                                  log.constData(), 5000);

        // The same on a device that runs a head: its requests fail with the reason.
        const QByteArray deviceOut =
            runDevice(deviceArgs(port, QStringLiteral("conv1"), QStringLiteral("f32-z3"), 2) +
                          QStringList{QStringLiteral("--runtime"), file},
                      &code);
        QCOMPARE(code, 1);
        int deviceFailed = 0;
        for (const QJsonObject &l : jsonLines(deviceOut))
            if (l.contains(QStringLiteral("ok"))) {
                QVERIFY(!l.value(QStringLiteral("ok")).toBool());
                QVERIFY2(l.value(QStringLiteral("error")).toString().contains(message),
                         qPrintable(l.value(QStringLiteral("error")).toString()));
                ++deviceFailed;
            }
        QCOMPARE(deviceFailed, 2);
    }
};

QTEST_GUILESS_MAIN(TestAgentRuntime)
#include "tst_agent_runtime.moc"
