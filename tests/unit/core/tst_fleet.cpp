// Fleet files (docs/fleet-format.md): the issue's example parses; every mistake is named with its
// JSON path; SSH targets (alias or user@host:port); the agent's configuration per host.
#include "core/fleet/Deployment.h"
#include "core/fleet/Fleet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace edgegpt;

class TestFleet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesTheDocumentedExample()
    {
        const QByteArray json =
            R"({"hosts":[{"name":"jetson-1","ssh":"jetson-1","role":"device","class":"jetson-nano","dir":"/home/nvidia/edgegpt"},{"name":"rtx-1","ssh":"rtx-1","role":"edge","class":"rtx-3090","dir":"/opt/edgegpt"}]})";
        const Result<Fleet> fleet =
            Fleet::parse(json, QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->hosts.size(), 2);
        const FleetHost &j = fleet->hosts.at(0);
        QCOMPARE(j.name, QStringLiteral("jetson-1"));
        QCOMPARE(j.target.host, QStringLiteral("jetson-1"));
        QVERIFY(j.target.user.isEmpty());
        QCOMPARE(j.target.port, 0);
        QCOMPARE(j.role, QStringLiteral("device"));
        QCOMPARE(j.hostClass, QStringLiteral("jetson-nano"));
        QCOMPARE(j.dir, QStringLiteral("/home/nvidia/edgegpt"));
        QCOMPARE(j.agentPort, Fleet::defaultAgentPort);
        QCOMPARE(fleet->host(QStringLiteral("rtx-1"))->dir, QStringLiteral("/opt/edgegpt"));
        QVERIFY(!fleet->host(QStringLiteral("nope")));
    }

    void theShippedExampleLoads()
    {
        const Result<Fleet> fleet =
            Fleet::load(QStringLiteral(EDGEGPT_SOURCE_DIR "/resources/fleets/example.json"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QVERIFY(fleet->hosts.size() >= 2);
        // The token file defaults to FLEET.token beside the fleet file.
        QVERIFY(fleet->tokenFile.endsWith(QLatin1String("/resources/fleets/example.token")));
    }

    void sshTargets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("alias") << "jetson-1"
                               << ""
                               << "jetson-1" << 0;
        QTest::newRow("user@host") << "nvidia@10.0.0.5"
                                   << "nvidia"
                                   << "10.0.0.5" << 0;
        QTest::newRow("user@host:port") << "me@127.0.0.1:2222"
                                        << "me"
                                        << "127.0.0.1" << 2222;
        QTest::newRow("host:port") << "box.lan:22"
                                   << ""
                                   << "box.lan" << 22;
        QTest::newRow("[v6]:port") << "root@[::1]:2200"
                                   << "root"
                                   << "::1" << 2200;
        QTest::newRow("bare v6") << "fe80::1"
                                 << ""
                                 << "fe80::1" << 0;
    }
    void sshTargets()
    {
        QFETCH(QString, text);
        const Result<SshTarget> t = SshTarget::parse(text);
        QVERIFY2(t.ok(), qPrintable(t.error()));
        QTEST(t->user, "user");
        QTEST(t->host, "host");
        QTEST(t->port, "port");
        // It writes back to something that parses to the same thing.
        const Result<SshTarget> again = SshTarget::parse(t->toString());
        QVERIFY(again.ok());
        QCOMPARE(again->host, t->host);
        QCOMPARE(again->port, t->port);
    }

    void badSshTargets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("port 0") << "a@b:0";
        QTest::newRow("port too big") << "b:70000";
        QTest::newRow("port text") << "b:ssh";
        QTest::newRow("shell") << "a@b;reboot";
        QTest::newRow("space") << "my host";
        QTest::newRow("bad user") << "-oProxyCommand=x@h";
        QTest::newRow("open bracket") << "[::1:22";
    }
    void badSshTargets()
    {
        QFETCH(QString, text);
        QVERIFY(!SshTarget::parse(text).ok());
    }

    void everyProblemIsNamedWithItsPath()
    {
        const QByteArray json = R"({"hosts":[
            {"name":"a","ssh":"a","role":"device","class":"x","dir":"/d"},
            {"name":"a","ssh":"b c","role":"phone","class":"x","dir":"relative/dir"},
            {"name":"c","ssh":"c","role":"edge","class":"x","dir":"/opt/../etc","agent_port":0},
            {"ssh":"d","role":"edge","class":"x","dir":"/d"},
            {"name":"e","ssh":"a","role":"edge","class":"x","dir":"/d/"}
        ]})";
        const Result<Fleet> fleet =
            Fleet::parse(json, QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY(!fleet.ok());
        const QString e = fleet.error();
        QVERIFY2(e.contains(QLatin1String("$.hosts[1].name")) &&
                     e.contains(QLatin1String("used by an earlier host")),
                 qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[1].ssh")), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[1].role")), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[1].dir")), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[2].dir")), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[2].agent_port")), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String("$.hosts[3].name")), qPrintable(e));
        // Same ssh and same dir (after the trailing slash) would deploy into one directory twice.
        QVERIFY2(e.contains(QLatin1String("$.hosts[4]: another host has the same ssh and dir")),
                 qPrintable(e));
        QVERIFY(e.contains(QLatin1String("f.json")));
    }

    void refusesNonsense()
    {
        QVERIFY(!Fleet::parse("", QStringLiteral("f"), {}).ok());
        QVERIFY(!Fleet::parse("[]", QStringLiteral("f"), {}).ok());
        QVERIFY(!Fleet::parse(R"({"hosts":[]})", QStringLiteral("f"), {}).ok());
        QVERIFY(!Fleet::parse(R"({"hosts":[1]})", QStringLiteral("f"), {}).ok());
        QVERIFY(!Fleet::parse(R"({"hosts":{"a":1}})", QStringLiteral("f"), {}).ok());
        QVERIFY(!Fleet::load(QStringLiteral("/nonexistent/fleet.json")).ok());
    }

    void tokenFileIsRelativeToTheFleetFile()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("lab.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"token_file":"secrets/lab.token","hosts":[{"name":"a","ssh":"u@h:2","role":"edge","class":"c","dir":"/d","agent_port":9000,"agent_address":"10.0.0.9"}]})");
        f.close();
        const Result<Fleet> fleet = Fleet::load(f.fileName());
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->tokenFile, dir.filePath(QStringLiteral("secrets/lab.token")));
        QCOMPARE(fleet->hosts.first().agentPort, 9000);
        QCOMPARE(fleet->hosts.first().agentAddress, QStringLiteral("10.0.0.9"));
        QCOMPARE(fleet->path, QFileInfo(f.fileName()).absoluteFilePath());
    }

    void agentListenAddress()
    {
        // Default: every interface; an IP address keeps the agent there; anything else is named.
        Result<Fleet> fleet = Fleet::parse(
            R"({"hosts":[{"name":"a","ssh":"a","role":"edge","class":"c","dir":"/d"},
                         {"name":"b","ssh":"b","role":"edge","class":"c","dir":"/d",
                          "agent_listen":"127.0.0.1","agent_port":7600,"preload":true},
                         {"name":"c","ssh":"c","role":"edge","class":"c","dir":"/d",
                          "agent_listen":"::1"}]})",
            QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->hosts.at(0).agentListen, QStringLiteral("0.0.0.0"));
        QCOMPARE(fleet->hosts.at(1).agentListen, QStringLiteral("127.0.0.1"));
        QVERIFY(!fleet->hosts.at(0).preload);
        QVERIFY(fleet->hosts.at(1).preload);
        DeploymentSpec spec;
        auto listen = [&](int i) {
            return QJsonDocument::fromJson(agentConfigJson(fleet->hosts.at(i), spec))
                .object()
                .value(QStringLiteral("listen"))
                .toString();
        };
        QCOMPARE(listen(1), QStringLiteral("127.0.0.1:7600"));
        QCOMPARE(listen(2), QStringLiteral("[::1]:7411"));
        fleet = Fleet::parse(
            R"({"hosts":[{"name":"a","ssh":"a","role":"edge","class":"c","dir":"/d",
                          "agent_listen":"my-host"}]})",
            QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY(!fleet.ok());
        QVERIFY2(fleet.error().contains(QLatin1String("$.hosts[0].agent_listen")),
                 qPrintable(fleet.error()));
    }

    void edgeEndpointIsADevicesOwnDialAddress()
    {
        // A device may dial its edge somewhere else than the edge listens (a port forward, a
        // tunnel, the tests' relay): HOST:PORT or [IPv6]:PORT, devices only.
        Result<Fleet> fleet = Fleet::parse(
            R"({"hosts":[{"name":"e","ssh":"e","role":"edge","class":"c","dir":"/d"},
                         {"name":"d","ssh":"d","role":"device","class":"c","dir":"/d",
                          "edge_endpoint":"gw.example:17411"},
                         {"name":"d6","ssh":"d6","role":"device","class":"c","dir":"/d",
                          "edge_endpoint":"[fe80::1]:22"}]})",
            QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->hosts.at(0).edgeEndpoint, QString());
        QCOMPARE(fleet->hosts.at(1).edgeEndpoint, QStringLiteral("gw.example:17411"));
        QCOMPARE(fleet->hosts.at(2).edgeEndpoint, QStringLiteral("[fe80::1]:22"));
        for (const char *bad : {R"("role":"device","edge_endpoint":"gw.example")",
                                R"("role":"device","edge_endpoint":"gw:0")",
                                R"("role":"device","edge_endpoint":"gw:70000")",
                                R"("role":"device","edge_endpoint":"a b:1")",
                                R"("role":"edge","edge_endpoint":"gw:1")"}) {
            fleet = Fleet::parse(
                QByteArray(R"({"hosts":[{"name":"a","ssh":"a","class":"c","dir":"/d",)") + bad +
                    "}]}",
                QStringLiteral("f.json"), QStringLiteral("/x"));
            QVERIFY2(!fleet.ok(), bad);
            QVERIFY2(fleet.error().contains(QLatin1String("$.hosts[0].edge_endpoint")),
                     qPrintable(fleet.error()));
        }
    }

    void flPortIsAnAggregatorsPort()
    {
        // `fl run --fleet`'s aggregator port on an edge (or cloud) host; 0 when not written
        // (fl run then takes agent_port + 1).
        Result<Fleet> fleet = Fleet::parse(
            R"({"hosts":[{"name":"e","ssh":"e","role":"edge","class":"c","dir":"/d",
                          "fl_port":17500},
                         {"name":"d","ssh":"d","role":"device","class":"c","dir":"/d"}]})",
            QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->hosts.at(0).flPort, 17500);
        QCOMPARE(fleet->hosts.at(1).flPort, 0);
        for (const char *bad : {R"("role":"edge","fl_port":0)", R"("role":"cloud","fl_port":70000)",
                                R"("role":"device","fl_port":17500)"}) {
            fleet = Fleet::parse(
                QByteArray(R"({"hosts":[{"name":"a","ssh":"a","class":"c","dir":"/d",)") + bad +
                    "}]}",
                QStringLiteral("f.json"), QStringLiteral("/x"));
            QVERIFY2(!fleet.ok(), bad);
            QVERIFY2(fleet.error().contains(QLatin1String("$.hosts[0].fl_port")),
                     qPrintable(fleet.error()));
        }
    }

    void agentConfiguration()
    {
        FleetHost h;
        h.name = QStringLiteral("rtx-1");
        h.role = QStringLiteral("edge");
        h.hostClass = QStringLiteral("rtx-3090");
        h.agentPort = 7500;
        DeploymentSpec spec;
        spec.name = QStringLiteral("demo");
        spec.planFile = QStringLiteral("/tmp/p.json");
        spec.files.append(
            {QStringLiteral("/m/model.json"), QStringLiteral("models/cnn/model.json"), 0644});
        spec.hostFiles[QStringLiteral("rtx-1")].append(
            {QStringLiteral("/m/tail-b2.pt"), QStringLiteral("models/cnn/tail-b2.pt"), 0644});
        const QJsonObject o =
            QJsonDocument::fromJson(agentConfigJson(h, spec, QStringLiteral("10.0.0.2:7411")))
                .object();
        // Exactly the agent's keys (agents/AgentConfig.h refuses others).
        QCOMPARE(o.keys(), (QStringList{QStringLiteral("edge"), QStringLiteral("listen"),
                                        QStringLiteral("models_dir"), QStringLiteral("name"),
                                        QStringLiteral("role"), QStringLiteral("token_file")}));
        QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("rtx-1"));
        QCOMPARE(o.value(QStringLiteral("role")).toString(), QStringLiteral("edge"));
        QCOMPARE(o.value(QStringLiteral("listen")).toString(), QStringLiteral("0.0.0.0:7500"));
        QCOMPARE(o.value(QStringLiteral("edge")).toString(), QStringLiteral("10.0.0.2:7411"));
        QCOMPARE(o.value(QStringLiteral("models_dir")).toString(), QStringLiteral("models"));
        // No emulation unless the fleet file asks for it.
        QVERIFY(!o.contains(QStringLiteral("emulate")));
        // The host's own key file (per-pair TLS keys, docs/deploy.md), not the fleet secret.
        QCOMPARE(o.value(QStringLiteral("token_file")).toString(), QStringLiteral("agent.keys"));
        QVERIFY(!QJsonDocument::fromJson(agentConfigJson(h, spec))
                     .object()
                     .contains(QStringLiteral("edge")));
        // The token itself is never in the configuration.
        QVERIFY(!agentConfigJson(h, spec).contains("secret"));
        // "preload": true in the fleet file reaches an edge's agent.json (a device has no use
        // for it).
        h.preload = true;
        QVERIFY(QJsonDocument::fromJson(agentConfigJson(h, spec))
                    .object()
                    .value(QStringLiteral("preload"))
                    .toBool());
        h.role = QStringLiteral("device");
        QVERIFY(!QJsonDocument::fromJson(agentConfigJson(h, spec))
                     .object()
                     .contains(QStringLiteral("preload")));
        h.role = QStringLiteral("edge");
        h.preload = false;

        // What was deployed goes to deployment.json.
        spec.agentVersion = QStringLiteral("edgegpt-agent 0.1.0");
        const QJsonObject m = QJsonDocument::fromJson(deploymentManifestJson(h, spec)).object();
        QCOMPARE(m.value(QStringLiteral("format")).toString(),
                 QStringLiteral("edgegpt-deployment"));
        QCOMPARE(m.value(QStringLiteral("deployment")).toString(), QStringLiteral("demo"));
        QCOMPARE(m.value(QStringLiteral("host")).toString(), QStringLiteral("rtx-1"));
        QCOMPARE(m.value(QStringLiteral("class")).toString(), QStringLiteral("rtx-3090"));
        QCOMPARE(m.value(QStringLiteral("agent_version")).toString(),
                 QStringLiteral("edgegpt-agent 0.1.0"));
        QCOMPARE(m.value(QStringLiteral("plan")).toString(), QStringLiteral("plan.json"));
        QCOMPARE(m.value(QStringLiteral("files")).toArray().size(), 2);
    }

    // A device's agent.json: it waits to be asked, runs the model and split the manifest gave
    // it, reads the fleet file's input and listens (for consoles and `fleet run`); the fleet
    // file's emulate object goes in as written.
    void deviceAgentConfiguration()
    {
        const Result<Fleet> fleet = Fleet::parse(
            R"({"hosts":[{"name":"j1","ssh":"j1","role":"device","class":"jetson-nano","dir":"/d",
                          "agent_port":7600,"input":"/data/images",
                          "emulate":{"slowdown":150.76,"codec_slowdown":4,
                                     "link":{"rate_kbps":100,"delay_ms":5,"jitter_ms":1,"loss":0.01}}},
                         {"name":"e1","ssh":"e1","role":"edge","class":"rtx-3090","dir":"/d",
                          "emulate":{"slowdown":2}}]})",
            QStringLiteral("f.json"), QStringLiteral("/x"));
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        const FleetHost &j = fleet->hosts.at(0);
        QCOMPARE(j.input, QStringLiteral("/data/images"));
        QCOMPARE(j.emulate.value(QStringLiteral("slowdown")).toDouble(), 150.76);
        DeploymentSpec spec;
        spec.hostRuns.insert(QStringLiteral("j1"),
                             {QStringLiteral("fashion-mnist-cnn"), QStringLiteral("auto")});
        QJsonObject o =
            QJsonDocument::fromJson(agentConfigJson(j, spec, QStringLiteral("10.0.0.2:7411")))
                .object();
        QCOMPARE(o.value(QStringLiteral("start")).toString(), QStringLiteral("on-request"));
        QCOMPARE(o.value(QStringLiteral("model")).toString(), QStringLiteral("fashion-mnist-cnn"));
        QCOMPARE(o.value(QStringLiteral("models_dir")).toString(), QStringLiteral("models"));
        QCOMPARE(o.value(QStringLiteral("input")).toString(), QStringLiteral("/data/images"));
        QCOMPARE(o.value(QStringLiteral("listen")).toString(), QStringLiteral("0.0.0.0:7600"));
        QVERIFY(!o.contains(QStringLiteral("split"))); // auto is the agent's default
        QCOMPARE(o.value(QStringLiteral("emulate")).toObject(), j.emulate);
        QCOMPARE(o.value(QStringLiteral("emulate"))
                     .toObject()
                     .value(QStringLiteral("link"))
                     .toObject()
                     .value(QStringLiteral("loss"))
                     .toDouble(),
                 0.01);
        // A device that sends images to a task on its edge runs at the input split.
        spec.hostRuns[QStringLiteral("j1")].split = QStringLiteral("input");
        o = QJsonDocument::fromJson(agentConfigJson(j, spec)).object();
        QCOMPARE(o.value(QStringLiteral("split")).toString(), QStringLiteral("input"));
        // An edge: models_dir and its emulation, none of a device's keys.
        const QJsonObject e =
            QJsonDocument::fromJson(agentConfigJson(fleet->hosts.at(1), spec)).object();
        QCOMPARE(e.value(QStringLiteral("models_dir")).toString(), QStringLiteral("models"));
        QCOMPARE(e.value(QStringLiteral("emulate")).toObject().value(QStringLiteral("slowdown")),
                 QJsonValue(2));
        for (const char *key : {"start", "model", "input", "split", "edge"})
            QVERIFY2(!e.contains(QLatin1String(key)), key);
    }

    void emulationAndInputAreChecked()
    {
        const QByteArray bad = R"({"hosts":[
            {"name":"d1","ssh":"d1","role":"device","class":"x","dir":"/d",
             "emulate":{"slowdown":0.5,"codec_slowdown":"fast","warp":1,
                        "link":{"rate_kbps":-1,"delay_ms":70000,"jitter_ms":1,"loss":1.5,"mtu":1}}},
            {"name":"e1","ssh":"e1","role":"edge","class":"x","dir":"/d",
             "emulate":{"link":{"delay_ms":1}},"input":"fashion-mnist"},
            {"name":"d2","ssh":"d2","role":"device","class":"x","dir":"/d","emulate":[1],
             "input":"images/../x"},
            {"name":"d3","ssh":"d3","role":"device","class":"x","dir":"/e","input":"relative"}]})";
        const Result<Fleet> refused = Fleet::parse(bad, QStringLiteral("f.json"), {});
        QVERIFY(!refused.ok());
        const QString e = refused.error();
        for (const char *expected :
             {"f.json: $.hosts[0].emulate.slowdown: 0.5 is out of range (1..10000",
              "$.hosts[0].emulate.codec_slowdown: expected a number",
              "$.hosts[0].emulate.warp: unknown key",
              "$.hosts[0].emulate.link.rate_kbps: -1 is out of range",
              "$.hosts[0].emulate.link.delay_ms: 70000 is out of range (0..60000)",
              "$.hosts[0].emulate.link.loss: 1.5 is out of range (0..1)",
              "$.hosts[0].emulate.link.mtu: unknown key",
              "$.hosts[1].emulate.link: only a device shapes its link",
              "$.hosts[1].input: only a device takes inputs",
              "$.hosts[2].emulate: expected an object",
              "$.hosts[2].input: \"images/../x\": expected fashion-mnist",
              "$.hosts[3].input: \"relative\": expected"})
            QVERIFY2(e.contains(QLatin1String(expected)),
                     qPrintable(expected + (QLatin1Char('\n') + e)));
        QVERIFY2(!e.contains(QLatin1String("jitter_ms")), qPrintable(e));
        // Without emulate and input, nothing is set (native speed, the agent's default input).
        const Result<Fleet> plain = Fleet::parse(
            R"({"hosts":[{"name":"d","ssh":"d","role":"device","class":"x","dir":"/d"}]})",
            QStringLiteral("f.json"), {});
        QVERIFY2(plain.ok(), qPrintable(plain.error()));
        QVERIFY(plain->hosts.at(0).emulate.isEmpty());
        QVERIFY(plain->hosts.at(0).input.isEmpty());
    }

    void devicesFindTheirEdge()
    {
        const QByteArray json = R"({"hosts":[
            {"name":"d1","ssh":"d1","role":"device","class":"x","dir":"/d"},
            {"name":"c1","ssh":"c1","role":"cloud","class":"x","dir":"/d"},
            {"name":"e1","ssh":"e1","role":"edge","class":"x","dir":"/d"},
            {"name":"d2","ssh":"d2","role":"device","class":"x","dir":"/d","edge":"c1"}]})";
        const Result<Fleet> fleet = Fleet::parse(json, QStringLiteral("f"), {});
        QVERIFY2(fleet.ok(), qPrintable(fleet.error()));
        QCOMPARE(fleet->edgeFor(fleet->hosts.at(0))->name, QStringLiteral("e1")); // first edge
        QCOMPARE(fleet->edgeFor(fleet->hosts.at(3))->name, QStringLiteral("c1")); // named
        QVERIFY(!fleet->edgeFor(fleet->hosts.at(2)));                             // not a device

        const QByteArray bad = R"({"hosts":[
            {"name":"d1","ssh":"d1","role":"device","class":"x","dir":"/d","edge":"d2"},
            {"name":"d2","ssh":"d2","role":"device","class":"x","dir":"/d","edge":"nope"},
            {"name":"e1","ssh":"e1","role":"edge","class":"x","dir":"/d","edge":"d1"}]})";
        const Result<Fleet> refused = Fleet::parse(bad, QStringLiteral("f"), {});
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("$.hosts[0].edge: \"d2\" is a device")),
                 qPrintable(refused.error()));
        QVERIFY(refused.error().contains(QLatin1String("$.hosts[1].edge: \"nope\" is not a host")));
        QVERIFY(refused.error().contains(QLatin1String("$.hosts[2].edge: only a device")));
    }

    void deploymentNames()
    {
        QVERIFY(isValidDeploymentName(QStringLiteral("default")));
        QVERIFY(isValidDeploymentName(QStringLiteral("demo-2.b_c")));
        QVERIFY(!isValidDeploymentName(QStringLiteral("")));
        QVERIFY(!isValidDeploymentName(QStringLiteral("..")));
        QVERIFY(!isValidDeploymentName(QStringLiteral("a/b")));
        QVERIFY(!isValidDeploymentName(QStringLiteral("a b")));
        QCOMPARE(hostStateName(HostState::Unreachable), QStringLiteral("unreachable"));
    }
};

QTEST_GUILESS_MAIN(TestFleet)
#include "tst_fleet.moc"
