#include "app/console/FlTuneProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTimer>

#include <cerrno>
#include <csignal>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace edgegpt {

namespace {

bool isCount(const QJsonValue &v, int min)
{
    return v.isDouble() && v.toDouble() == double(qint64(v.toDouble())) && v.toDouble() >= min;
}

} // namespace

FlTuneEvent FlTuneEvent::parse(const QByteArray &line)
{
    FlTuneEvent e;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed(), &error);
    if (error.error != QJsonParseError::NoError) {
        e.error = FlTuneProcess::tr("not JSON (%1)").arg(error.errorString());
        return e;
    }
    if (!doc.isObject()) {
        e.error = FlTuneProcess::tr("not a JSON object");
        return e;
    }
    const QJsonObject o = doc.object();
    auto number = [&o](const char *key) { return o.value(QLatin1String(key)).isDouble(); };
    if (o.contains(QStringLiteral("best_attempt"))) {
        if (!isCount(o.value(QStringLiteral("best_attempt")), 0) || !number("best_accuracy") ||
            !number("baseline_accuracy")) {
            e.error = FlTuneProcess::tr("a final line without a numeric best_attempt, "
                                        "best_accuracy and baseline_accuracy");
            return e;
        }
        e.kind = Kind::Best;
        e.bestAttempt = o.value(QStringLiteral("best_attempt")).toInt();
        e.bestAccuracy = o.value(QStringLiteral("best_accuracy")).toDouble();
        e.baselineAccuracy = o.value(QStringLiteral("baseline_accuracy")).toDouble();
        return e;
    }
    if (!o.contains(QStringLiteral("attempt"))) {
        e.error = FlTuneProcess::tr("not a line of fl tune's output (no attempt or best_attempt)");
        return e;
    }
    if (!isCount(o.value(QStringLiteral("attempt")), 0)) {
        e.error = FlTuneProcess::tr("attempt is not a count");
        return e;
    }
    e.attempt = o.value(QStringLiteral("attempt")).toInt();
    if (o.contains(QStringLiteral("round"))) {
        const QJsonValue left = o.value(QStringLiteral("left_out"));
        const QJsonValue sent = o.value(QStringLiteral("sent_to"));
        if (!isCount(o.value(QStringLiteral("round")), 1) || !number("accuracy") ||
            !isCount(o.value(QStringLiteral("devices")), 0) ||
            (!left.isUndefined() && !left.isArray()) ||
            (!sent.isUndefined() && !isCount(sent, 0))) {
            e.error = FlTuneProcess::tr("a round line without a round from 1, a numeric accuracy "
                                        "and a device count");
            return e;
        }
        e.kind = Kind::Round;
        e.round.attempt = e.attempt;
        e.round.round = o.value(QStringLiteral("round")).toInt();
        e.round.accuracy = o.value(QStringLiteral("accuracy")).toDouble();
        e.round.loss = o.value(QStringLiteral("loss")).toDouble();
        e.round.devices = o.value(QStringLiteral("devices")).toInt();
        e.round.sentTo = sent.isUndefined() ? -1 : sent.toInt();
        for (const QJsonValue &d : left.toArray())
            e.round.leftOut << d.toString();
        e.round.roundMs = o.value(QStringLiteral("round_ms")).toDouble();
        return e;
    }
    if (o.value(QStringLiteral("start")).toBool()) {
        if (!o.value(QStringLiteral("config")).isObject()) {
            e.error = FlTuneProcess::tr("an attempt's start without its config");
            return e;
        }
        e.kind = Kind::AttemptStart;
        e.config = o.value(QStringLiteral("config")).toObject();
        return e;
    }
    if (o.contains(QStringLiteral("final_accuracy"))) {
        if (!o.value(QStringLiteral("config")).isObject() || !number("final_accuracy") ||
            !number("seconds") || !number("model_bytes")) {
            e.error = FlTuneProcess::tr("an attempt line without its config, final_accuracy, "
                                        "seconds and model_bytes");
            return e;
        }
        e.kind = Kind::Attempt;
        e.config = o.value(QStringLiteral("config")).toObject();
        e.finalAccuracy = o.value(QStringLiteral("final_accuracy")).toDouble();
        e.seconds = o.value(QStringLiteral("seconds")).toDouble();
        e.modelBytes = qint64(o.value(QStringLiteral("model_bytes")).toDouble());
        for (const QJsonValue &v : o.value(QStringLiteral("curve")).toArray())
            e.curve << v.toDouble();
        e.error = o.value(QStringLiteral("error")).toString();
        return e;
    }
    e.error = FlTuneProcess::tr("an attempt line that is neither a start, a round nor a result");
    return e;
}

QList<QByteArray> FlTuneLineBuffer::append(const QByteArray &data)
{
    QList<QByteArray> lines;
    qsizetype from = 0;
    while (from < data.size()) {
        const qsizetype nl = data.indexOf('\n', from);
        const qsizetype end = nl < 0 ? data.size() : nl;
        if (!m_skipping) {
            m_pending.append(data.constData() + from, end - from);
            if (m_pending.size() > m_maxLine) {
                m_pending.clear();
                m_skipping = true;
                ++m_overlong;
            }
        }
        if (nl < 0)
            break;
        if (!m_skipping && !m_pending.trimmed().isEmpty())
            lines << m_pending;
        m_pending.clear();
        m_skipping = false;
        from = nl + 1;
    }
    return lines;
}

void FlTuneLineBuffer::clear()
{
    m_pending.clear();
    m_skipping = false;
}

QStringList FlTuneRequest::arguments() const
{
    QStringList a{QStringLiteral("fl"),
                  QStringLiteral("tune"),
                  request,
                  QStringLiteral("--planner"),
                  planner,
                  QStringLiteral("--attempts"),
                  QString::number(attempts),
                  QStringLiteral("--devices"),
                  QString::number(devices),
                  QStringLiteral("--rounds"),
                  QString::number(rounds),
                  QStringLiteral("--samples-per-device"),
                  QString::number(samplesPerDevice),
                  QStringLiteral("--alpha"),
                  QString::number(alpha, 'g', 6)};
    if (budgetS > 0)
        a << QStringLiteral("--budget-s") << QString::number(budgetS, 'g', 8);
    if (!workDir.isEmpty())
        a << QStringLiteral("--work-dir") << workDir;
    a << extraArguments << QStringLiteral("--json");
    return a;
}

FlTuneProcess::FlTuneProcess(QObject *parent)
    : QObject(parent)
    , m_killTimer(new QTimer(this))
{
    m_killTimer->setSingleShot(true);
    connect(m_killTimer, &QTimer::timeout, this, [this] { signalGroup(SIGKILL); });
}

FlTuneProcess::~FlTuneProcess()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning) {
        signalGroup(SIGTERM);
        if (!m_process->waitForFinished(3000)) {
            signalGroup(SIGKILL);
            m_process->waitForFinished(1000);
        }
    }
    signalGroup(SIGKILL); // what is left of the group (an attempt's agents)
}

bool FlTuneProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

bool FlTuneProcess::start(const QString &program, const FlTuneRequest &request)
{
    if (isRunning()) {
        Q_EMIT failed(tr("a tuning is already running"));
        return false;
    }
    if (m_process)
        m_process->deleteLater();
    m_out.clear();
    m_err.clear();
    m_reportedOverlong = m_out.overlongDropped();
    m_stopping = false;
    m_pgid = 0;
    m_killTimer->stop();
    m_arguments = request.arguments();
    auto *p = new QProcess(this);
    m_process = p;
    p->setProcessChannelMode(QProcess::SeparateChannels);
#ifdef Q_OS_UNIX
    // Its own process group, so Stop reaches fl tune, its fl run and that run's agents at once;
    // and the console's death takes fl tune along.
    p->setChildProcessModifier([] {
        ::setpgid(0, 0);
#ifdef Q_OS_LINUX
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    });
#endif
    connect(p, &QProcess::started, this, [this, p] {
        m_pgid = p->processId();
        if (m_stopping) // Stop came while it was starting
            signalGroup(SIGTERM);
        Q_EMIT started();
    });
    connect(p, &QProcess::readyReadStandardOutput, this, &FlTuneProcess::onStdout);
    connect(p, &QProcess::readyReadStandardError, this, &FlTuneProcess::onStderr);
    connect(p, &QProcess::finished, this, &FlTuneProcess::onFinished);
    connect(p, &QProcess::errorOccurred, this, [this, p](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            Q_EMIT failed(tr("cannot start %1: %2").arg(p->program(), p->errorString()));
    });
    p->start(program, m_arguments);
    return true;
}

void FlTuneProcess::stop(int graceMs)
{
    if (!isRunning() || m_stopping)
        return;
    m_stopping = true;
    signalGroup(SIGTERM);
    m_killTimer->start(graceMs);
}

void FlTuneProcess::signalGroup(int sig)
{
#ifdef Q_OS_UNIX
    if (m_pgid > 0) {
        if (::kill(pid_t(-m_pgid), sig) != 0 && errno == ESRCH)
            m_pgid = 0; // the group is gone
    } else if (m_process && m_process->state() != QProcess::NotRunning && sig != 0) {
        // Not started yet (no group known): the process alone; started() signals the group.
        if (sig == SIGKILL)
            m_process->kill();
        else
            m_process->terminate();
    }
#else
    if (m_process && sig == SIGKILL)
        m_process->kill();
    else if (m_process)
        m_process->terminate();
#endif
}

void FlTuneProcess::consumeOutput(const QByteArray &data)
{
    const QList<QByteArray> lines = m_out.append(data);
    if (m_out.overlongDropped() != m_reportedOverlong) {
        m_reportedOverlong = m_out.overlongDropped();
        Q_EMIT malformedLine(QString(), tr("a line longer than 64 KiB was dropped"));
    }
    for (const QByteArray &line : lines) {
        const FlTuneEvent e = FlTuneEvent::parse(line);
        if (e.kind == FlTuneEvent::Kind::Invalid)
            Q_EMIT malformedLine(QString::fromUtf8(line.left(300)), e.error);
        else
            Q_EMIT event(e);
    }
}

void FlTuneProcess::onStdout()
{
    if (m_process)
        consumeOutput(m_process->readAllStandardOutput());
}

void FlTuneProcess::onStderr()
{
    if (!m_process)
        return;
    for (const QByteArray &line : m_err.append(m_process->readAllStandardError()))
        Q_EMIT errorLine(QString::fromUtf8(line).trimmed());
}

void FlTuneProcess::onFinished(int code, QProcess::ExitStatus status)
{
    onStdout();
    onStderr();
    // A last line without its '\n'.
    consumeOutput(QByteArrayLiteral("\n"));
    for (const QByteArray &line : m_err.append(QByteArrayLiteral("\n")))
        Q_EMIT errorLine(QString::fromUtf8(line).trimmed());
    const bool stopped = m_stopping;
    if (stopped) {
        // fl tune is gone; its attempt's agents got the same SIGTERM. Whatever of the group is
        // still there when the grace period ends gets SIGKILL (the timer keeps running).
        signalGroup(0);
        if (m_pgid == 0)
            m_killTimer->stop();
    } else {
        m_pgid = 0;
    }
    m_stopping = false;
    Q_EMIT finished(code, stopped, status != QProcess::NormalExit);
}

} // namespace edgegpt
