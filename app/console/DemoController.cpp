#include "app/console/DemoController.h"

#include "app/console/AgentMetricsFeed.h"
#include "core/fleet/LocalFleet.h"
#include "core/placement/SplitProfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

namespace edgegpt {

const QString DemoController::deviceAgentName = QStringLiteral("local-device");
const QString DemoController::edgeAgentName = QStringLiteral("local-edge");

namespace {
constexpr int kProgressMax = 1000;
constexpr int kTrainShare = 900; // of kProgressMax: training; the rest is the split profile
} // namespace

QString DemoController::describeEvent(const QJsonObject &o)
{
    const QString event = o.value(QStringLiteral("event")).toString();
    auto num = [&o](const char *key, int decimals) {
        return QString::number(o.value(QLatin1String(key)).toDouble(), 'f', decimals);
    };
    if (event == QLatin1String("split")) {
        QString text = tr("split %1").arg(o.value(QStringLiteral("split")).toString());
        if (!o.value(QStringLiteral("codec")).toString().isEmpty())
            text += QStringLiteral(" (%1)").arg(o.value(QStringLiteral("codec")).toString());
        if (o.contains(QStringLiteral("expected_ms")))
            text +=
                tr(": %1 ms expected at %2 KB/s").arg(num("expected_ms", 1), num("rate_kbps", 0));
        if (o.contains(QStringLiteral("why")))
            text += QStringLiteral(" — ") + o.value(QStringLiteral("why")).toString();
        return text;
    }
    if (event == QLatin1String("link"))
        return tr("uplink %1 KB/s, delay %2 ms, jitter %3 ms, loss %4 (set by %5)")
            .arg(num("rate_kbps", 0), num("delay_ms", 0), num("jitter_ms", 0), num("loss", 3),
                 o.value(QStringLiteral("source")).toString());
    if (event == QLatin1String("edge_lost"))
        return tr("lost the edge: %1").arg(o.value(QStringLiteral("error")).toString());
    if (event == QLatin1String("edge_back"))
        return tr("the edge is back");
    if (event == QLatin1String("error"))
        return tr("error: %1").arg(o.value(QStringLiteral("error")).toString());
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

DemoController::DemoController(MetricsStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_modelDir(defaultModelDir())
    , m_fleet(new LocalFleet(this))
    , m_deviceFeed(new AgentMetricsFeed(store, deviceAgentName, this))
    , m_edgeFeed(new AgentMetricsFeed(store, edgeAgentName, this))
{
    m_linkDebounce.setSingleShot(true);
    m_linkDebounce.setInterval(120); // a dragged slider sends one request per pause, not per pixel
    connect(&m_linkDebounce, &QTimer::timeout, this, &DemoController::sendLinkRate);

    connect(m_fleet, &LocalFleet::started, this, &DemoController::onFleetStarted);
    connect(m_fleet, &LocalFleet::failed, this, [this](const QString &message) {
        m_deviceFeed->stop();
        m_edgeFeed->stop();
        Q_EMIT logLine(tr("Demo fleet: %1").arg(message));
        setState(State::Failed, tr("The demo fleet failed: %1").arg(message));
        Q_EMIT fleetChanged();
    });
    connect(m_fleet, &LocalFleet::stopped, this, [this] {
        if (m_state == State::Stopping || m_state == State::Running) {
            setState(State::Idle, tr("Demo fleet stopped."));
            Q_EMIT fleetChanged();
        }
    });
    connect(m_fleet, &LocalFleet::agentLog, this, [this](const QString &role, const QString &line) {
        if (line.contains(QLatin1String(" debug: ")))
            return; // probes and per-request detail: the charts show them
        // "2026-12-01T20:16:21.740Z local-edge info: …": the log has its own time.
        static const QRegularExpression stamp(
            QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\\s+"));
        QString text = line;
        text.remove(stamp);
        Q_EMIT logLine(QStringLiteral("[%1] %2").arg(role, text));
    });
    connect(m_fleet, &LocalFleet::agentLine, this,
            [this](const QString &role, const QString &line) {
                // The device prints one JSON line per inference (the charts have those); the log
                // keeps the events: split decisions, link changes.
                const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
                if (o.contains(QStringLiteral("event")))
                    Q_EMIT logLine(QStringLiteral("[%1] %2").arg(role, describeEvent(o)));
            });
    connect(m_fleet, &LocalFleet::agentExited, this, [this](const QString &role, int code) {
        Q_EMIT logLine(tr("[%1] exited with code %2").arg(role).arg(code));
        if (m_state == State::Running) {
            m_deviceFeed->stop();
            m_edgeFeed->stop();
            m_fleet->stop();
            setState(State::Failed,
                     tr("The %1 agent ended (code %2); see the log. Start the demo again to retry.")
                         .arg(role)
                         .arg(code));
        }
        Q_EMIT fleetChanged();
    });
    for (AgentMetricsFeed *feed : {m_deviceFeed, m_edgeFeed}) {
        connect(feed, &AgentMetricsFeed::subscribed, this, [this, feed] {
            Q_EMIT logLine(
                tr("Receiving metrics from %1 at %2.").arg(feed->agentName(), feed->address()));
            Q_EMIT fleetChanged();
            if (feed == m_deviceFeed)
                sendLinkRate();
        });
        connect(feed, &AgentMetricsFeed::connectionLost, this,
                [this, feed](const QString &message) {
                    if (m_state == State::Running)
                        Q_EMIT logLine(
                            tr("Metrics of %1: %2 (retrying)").arg(feed->agentName(), message));
                    Q_EMIT fleetChanged();
                });
        connect(feed, &AgentMetricsFeed::requestFailed, this,
                [this](const QString &message) { Q_EMIT logLine(message); });
    }
    connect(m_deviceFeed, &AgentMetricsFeed::linkSettingsApplied, this,
            [this](const LinkSettings &s) {
                m_appliedRate = s.rateKBps;
                Q_EMIT logLine(
                    tr("The device's uplink now runs at %1 KB/s.").arg(s.rateKBps, 0, 'f', 0));
                Q_EMIT linkRateApplied(s.rateKBps);
            });
    QString lastSplit;
    connect(m_deviceFeed, &AgentMetricsFeed::updateReceived, this, [this, lastSplit]() mutable {
        if (m_deviceFeed->lastSplit() != lastSplit) {
            lastSplit = m_deviceFeed->lastSplit();
            Q_EMIT fleetChanged();
        }
    });
}

DemoController::~DemoController()
{
    if (m_training) {
        m_training->disconnect(this);
        m_training->kill();
        m_training->waitForFinished(2000);
    }
    // LocalFleet's destructor kills what is left of the agents.
}

QString DemoController::defaultModelDir()
{
    return LocalFleet::defaultModelDirectory(QStringLiteral("cnn"));
}

void DemoController::setModelDir(const QString &dir)
{
    m_modelDir = dir.isEmpty() ? defaultModelDir() : dir;
}

QString DemoController::modelProblem() const
{
    return LocalFleet::modelDirectoryProblem(m_modelDir);
}

Result<QString> DemoController::findCli()
{
    const QString env =
        QProcessEnvironment::systemEnvironment().value(QStringLiteral("EDGEGPT_CLI"));
    QStringList tried;
    if (!env.isEmpty()) {
        if (QFileInfo(env).isExecutable())
            return env;
        return Result<QString>::failure(
            tr("EDGEGPT_CLI names %1, which is not a program").arg(env));
    }
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString &rel :
         {QStringLiteral("edgegpt"), QStringLiteral("../cli/edgegpt"),
          QStringLiteral("../app/cli/edgegpt"), QStringLiteral("../../app/cli/edgegpt")}) {
        const QString path = QDir::cleanPath(here + QLatin1Char('/') + rel);
        tried.append(path);
        if (QFileInfo(path).isExecutable() && !QFileInfo(path).isDir())
            return path;
    }
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("edgegpt"));
    if (!onPath.isEmpty())
        return onPath;
    tried.append(tr("PATH"));
    return Result<QString>::failure(tr("the edgegpt command line was not found (looked in %1)")
                                        .arg(tried.join(QStringLiteral(", "))));
}

void DemoController::setState(State state, const QString &text, bool busy)
{
    m_state = state;
    Q_EMIT status(text, busy);
    Q_EMIT stateChanged(state);
}

void DemoController::setLinkRate(double rateKBps)
{
    m_linkRate = qBound(minLinkRateKBps, rateKBps, maxLinkRateKBps);
    if (m_state == State::Running)
        m_linkDebounce.start();
}

void DemoController::sendLinkRate()
{
    if (!m_deviceFeed->isSubscribed())
        return; // sent once the device's connection is up
    if (qFuzzyCompare(m_appliedRate, m_linkRate))
        return;
    const Result<void> sent = m_deviceFeed->setLinkRate(m_linkRate);
    if (!sent)
        Q_EMIT logLine(tr("Cannot change the link rate: %1").arg(sent.error()));
}

void DemoController::start()
{
    if (m_state == State::Running || m_state == State::Starting || m_state == State::Training)
        return;
    if (m_state == State::Stopping) {
        Q_EMIT status(tr("The demo fleet is still stopping; start it again in a moment."), false);
        return;
    }
    const QString problem = modelProblem();
    if (!problem.isEmpty()) {
        Q_EMIT logLine(tr("Demo model in %1: %2").arg(m_modelDir, problem));
        setState(State::NeedsModel,
                 tr("The demo needs a trained model in %1. Train it (Demo ▸ Train the demo model) "
                    "or choose another folder in the settings.")
                     .arg(m_modelDir));
        return;
    }
    const Result<QString> agent = LocalFleet::findAgent();
    if (!agent) {
        Q_EMIT logLine(agent.error());
        setState(State::Failed, tr("The demo cannot start: %1").arg(agent.error()));
        return;
    }
    LocalFleetOptions options;
    options.agentPath = *agent;
    options.modelDir = m_modelDir;
    options.device.ratePerSecond = m_inputRate;
    options.device.split = QStringLiteral("auto");
    options.device.link.rateKBps = m_linkRate;
    options.device.listen = true;
    const Result<SplitProfile> profile =
        SplitProfile::load(m_modelDir + QStringLiteral("/profile.json"));
    QStringList splits;
    if (profile)
        for (const SplitPointProfile &p : profile->splits)
            splits.append(p.name);
    m_deviceFeed->setSplitOrder(splits);
    m_edgeFeed->setSplitOrder(splits);
    m_edgeFeed->setRecordRequests(false);
    Q_EMIT splitNamesChanged(splits);
    m_appliedRate = m_linkRate; // the device starts at this rate
    m_store->clear();
    setState(State::Starting, tr("Starting the local edge and device agents…"), true);
    Q_EMIT logLine(tr("Starting the demo fleet: %1 with the model in %2, uplink %3 KB/s.")
                       .arg(*agent, m_modelDir)
                       .arg(m_linkRate, 0, 'f', 0));
    m_fleet->start(options);
}

void DemoController::onFleetStarted()
{
    const QByteArray secret = m_fleet->tokenSecret();
    m_edgeFeed->start(m_fleet->host(), m_fleet->edgePort(), secret);
    Q_EMIT linkRateApplied(m_appliedRate); // the device agent was started with it
    if (m_fleet->devicePort())
        m_deviceFeed->start(m_fleet->host(), m_fleet->devicePort(), secret);
    setState(State::Running,
             tr("Demo running: the device agent sends %1 inputs a second to the edge agent over "
                "a %2 KB/s uplink.")
                 .arg(m_inputRate, 0, 'f', 0)
                 .arg(m_linkRate, 0, 'f', 0));
    Q_EMIT fleetChanged();
}

void DemoController::stop()
{
    if (m_state == State::Training) {
        cancelTraining();
        return;
    }
    m_linkDebounce.stop();
    m_deviceFeed->stop();
    m_edgeFeed->stop();
    if (m_state == State::Running || m_state == State::Starting) {
        setState(State::Stopping, tr("Stopping the demo fleet…"), true);
        m_fleet->stop();
    } else if (m_state == State::Failed || m_state == State::NeedsModel) {
        m_fleet->stop();
        setState(State::Idle, tr("Demo stopped."));
    }
    Q_EMIT fleetChanged();
}

void DemoController::train(Training kind)
{
    if (m_state == State::Training)
        return;
    if (m_state == State::Running || m_state == State::Starting) {
        Q_EMIT status(tr("Stop the demo before training a new model."), false);
        return;
    }
    const Result<QString> cli = findCli();
    if (!cli) {
        setState(State::Failed, tr("Cannot train: %1").arg(cli.error()));
        return;
    }
    const bool quick = kind == Training::Quick;
    const bool haveModel = QFileInfo(m_modelDir + QStringLiteral("/model.pt")).isFile() &&
                           QFileInfo(m_modelDir + QStringLiteral("/model.json")).isFile();
    m_trainingSteps.clear();
    if (!haveModel) {
        QStringList train = {QStringLiteral("train"), QStringLiteral("--model"),
                             QStringLiteral("cnn"), QStringLiteral("--out"), m_modelDir};
        if (quick)
            train << QStringLiteral("--epochs") << QStringLiteral("1") << QStringLiteral("--limit")
                  << QStringLiteral("6000");
        m_trainingSteps.append(train);
    }
    m_trainingSteps.append({QStringLiteral("bench"), QStringLiteral("coinference"),
                            QStringLiteral("--model-dir"), m_modelDir, QStringLiteral("--images"),
                            quick ? QStringLiteral("300") : QStringLiteral("1000"),
                            QStringLiteral("--out"), m_modelDir + QStringLiteral("/bench")});
    m_trainingStepsTotal = int(m_trainingSteps.size());
    m_trainingStep = 0;
    m_cancelled = false;
    Q_EMIT logLine(tr("Training the demo model in %1 with %2.").arg(m_modelDir, *cli));
    setState(State::Training, tr("Training the demo model…"), true);
    Q_EMIT progress(0, kProgressMax);
    runTrainingStep();
}

void DemoController::runTrainingStep()
{
    const Result<QString> cli = findCli();
    if (!cli) {
        setState(State::Failed, tr("Cannot train: %1").arg(cli.error()));
        return;
    }
    const QStringList args = m_trainingSteps.at(m_trainingStep);
    auto *p = new QProcess(this);
    m_training = p;
    m_trainingOutput.clear();
    m_lastTrainingLine.clear();
    p->setProcessChannelMode(QProcess::MergedChannels);
    connect(p, &QProcess::readyRead, this, &DemoController::onTrainingOutput);
    connect(p, &QProcess::finished, this, &DemoController::onTrainingFinished);
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            m_training = nullptr;
            p->deleteLater();
            setState(State::Failed, tr("Cannot start %1: %2").arg(p->program(), p->errorString()));
        }
    });
    Q_EMIT logLine(QStringLiteral("$ edgegpt %1").arg(args.join(QLatin1Char(' '))));
    p->start(*cli, args);
}

void DemoController::onTrainingOutput()
{
    if (!m_training)
        return;
    m_trainingOutput += m_training->readAll();
    static const QRegularExpression epochRe(
        QStringLiteral("epoch (\\d+)/(\\d+)\\s+batch (\\d+)/(\\d+)"));
    int newline;
    while ((newline = int(m_trainingOutput.indexOf('\n'))) >= 0) {
        const QString line = QString::fromUtf8(m_trainingOutput.left(newline)).trimmed();
        m_trainingOutput.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        m_lastTrainingLine = line;
        const QRegularExpressionMatch m = epochRe.match(line);
        const bool training = m_trainingSteps.at(m_trainingStep).first() == QLatin1String("train");
        if (m.hasMatch() && training) {
            const double epoch = m.captured(1).toDouble(), epochs = m.captured(2).toDouble();
            const double batch = m.captured(3).toDouble(), batches = m.captured(4).toDouble();
            const double done = ((epoch - 1) + batch / qMax(1.0, batches)) / qMax(1.0, epochs);
            Q_EMIT progress(int(done * kTrainShare), kProgressMax);
            Q_EMIT status(tr("Training the demo model: %1").arg(line), true);
        } else {
            Q_EMIT logLine(line);
            if (!training)
                Q_EMIT status(tr("Measuring the model's split profile: %1").arg(line), true);
        }
    }
}

void DemoController::onTrainingFinished(int code, QProcess::ExitStatus exitStatus)
{
    QProcess *p = m_training;
    if (!p)
        return;
    onTrainingOutput();
    m_training = nullptr;
    p->deleteLater();
    if (m_cancelled) {
        setState(State::NeedsModel,
                 tr("Training cancelled; the demo still needs a trained model."));
        return;
    }
    if (exitStatus != QProcess::NormalExit || code != 0) {
        const QString why =
            m_lastTrainingLine.isEmpty() ? tr("exit code %1").arg(code) : m_lastTrainingLine;
        setState(State::Failed, tr("Training failed: %1").arg(why));
        return;
    }
    ++m_trainingStep;
    if (m_trainingStep < m_trainingStepsTotal) {
        Q_EMIT progress(kTrainShare, kProgressMax);
        Q_EMIT status(tr("Measuring the model's split profile…"), true);
        runTrainingStep();
        return;
    }
    Q_EMIT progress(kProgressMax, kProgressMax);
    Q_EMIT logLine(tr("The demo model is ready in %1.").arg(m_modelDir));
    setState(State::Idle, tr("The demo model is ready."));
    start();
}

void DemoController::cancelTraining()
{
    if (!m_training)
        return;
    m_cancelled = true;
    m_training->terminate();
    QPointer<QProcess> p = m_training;
    QTimer::singleShot(3000, this, [p] {
        if (p && p->state() != QProcess::NotRunning)
            p->kill();
    });
}

} // namespace edgegpt
