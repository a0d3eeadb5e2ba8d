// How a fleet's `ssh` becomes a connection: the SSH config is applied first (Host aliases,
// HostName, User, Port), then what is written explicitly (user@host:port) wins, as with OpenSSH.
// Uses libssh's own parser on a config file in a temporary directory; connects nowhere.
#include "core/fleet/SshSession.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

class TestSshConfig : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SshOptions m_options;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile config(m_dir.filePath(QStringLiteral("config")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("Host jetson-1\n"
                     "    HostName 192.0.2.10\n"
                     "    User nvidia\n"
                     "    Port 2202\n"
                     "Host rtx-*\n"
                     "    User ops\n"
                     "Host rtx-1\n"
                     "    HostName 192.0.2.20\n"
                     "Host *\n"
                     "    Port 2299\n");
        config.close();
        m_options.configFile = config.fileName();
        m_options.knownHostsFile = m_dir.filePath(QStringLiteral("known_hosts"));
    }

    void aliasTakesEverythingFromTheConfig()
    {
        const Result<SshEndpoint> e =
            SshSession::resolve(QStringLiteral("jetson-1"), {}, 0, m_options);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->host, QStringLiteral("192.0.2.10"));
        QCOMPARE(e->user, QStringLiteral("nvidia"));
        QCOMPARE(e->port, 2202);
        QCOMPARE(e->display(), QStringLiteral("nvidia@192.0.2.10:2202"));
    }

    void firstMatchWinsAcrossPatterns()
    {
        const Result<SshEndpoint> e =
            SshSession::resolve(QStringLiteral("rtx-1"), {}, 0, m_options);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->host, QStringLiteral("192.0.2.20"));
        QCOMPARE(e->user, QStringLiteral("ops"));
        QCOMPARE(e->port, 2299); // from "Host *"
    }

    void explicitUserAndPortWinOverTheConfig()
    {
        const Result<SshEndpoint> e = SshSession::resolve(QStringLiteral("jetson-1"),
                                                          QStringLiteral("root"), 2222, m_options);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->host, QStringLiteral("192.0.2.10"));
        QCOMPARE(e->user, QStringLiteral("root"));
        QCOMPARE(e->port, 2222);
    }

    void unknownNamesKeepTheirName()
    {
        const Result<SshEndpoint> e =
            SshSession::resolve(QStringLiteral("127.0.0.1"), QStringLiteral("me"), 0, m_options);
        QVERIFY2(e.ok(), qPrintable(e.error()));
        QCOMPARE(e->host, QStringLiteral("127.0.0.1"));
        QCOMPARE(e->user, QStringLiteral("me"));
        QCOMPARE(e->port, 2299);
    }

    void missingFilesAreNamed()
    {
        SshOptions o = m_options;
        o.configFile = m_dir.filePath(QStringLiteral("nope"));
        Result<SshEndpoint> e = SshSession::resolve(QStringLiteral("jetson-1"), {}, 0, o);
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains(QLatin1String("does not exist")), qPrintable(e.error()));
        o = m_options;
        o.identityFile = m_dir.filePath(QStringLiteral("id_missing"));
        e = SshSession::resolve(QStringLiteral("jetson-1"), {}, 0, o);
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains(QLatin1String("identity file")), qPrintable(e.error()));
    }

    void connectingNowhereIsUnreachable()
    {
        // A port on loopback where nothing listens: refused at once, reported as unreachable.
        SshOptions o = m_options;
        o.connectTimeoutMs = 3000;
        NonInteractiveSsh nobody;
        SshSession s(o, &nobody);
        const Result<void> r = s.connect(QStringLiteral("127.0.0.1"), QStringLiteral("me"), 1);
        QVERIFY(!r.ok());
        QCOMPARE(int(s.failureKind()), int(SshSession::FailureKind::Unreachable));
        QVERIFY(!s.isConnected());
    }

    void shellQuoting()
    {
        QCOMPARE(SshSession::shellQuote(QStringLiteral("/opt/edge gpt")),
                 QStringLiteral("'/opt/edge gpt'"));
        QCOMPARE(SshSession::shellQuote(QStringLiteral("it's")), QStringLiteral("'it'\\''s'"));
    }

    void secretsAreWiped()
    {
        SecretBytes s;
        s.assign("hunter2", 7);
        QCOMPARE(s.size(), 7);
        s.wipe();
        QVERIFY(s.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSshConfig)
#include "tst_ssh_config.moc"
