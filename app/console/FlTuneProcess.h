// FlTuneProcess: `edgegpt fl tune … --json` as a child process of the console (docs/console.md,
// "Federated learning"). Its stdout is read as it comes, split into lines by a bounded buffer and
// parsed into events (an attempt starts, one of its rounds ends, it ends, the best attempt);
// a line that is not one of those is reported, never fatal. Its stderr lines are passed on as
// they are. Nothing blocks: the process runs in its own process group, and stop() sends SIGTERM
// to the whole group (fl tune, its running `fl run` and that run's agents), SIGKILL after a grace
// period.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>

class QTimer;

namespace edgegpt {

// One round of one attempt, as fl tune's round line reports it.
struct FlTuneRound
{
    int attempt = 0;
    int round = 0;
    double accuracy = 0; // fraction
    double loss = 0;
    int devices = 0; // devices whose update was averaged
    int sentTo = -1; // devices the round was sent to; -1: not reported
    QStringList leftOut;
    double roundMs = 0;
};

// One line of `fl tune --json`, parsed.
struct FlTuneEvent
{
    enum class Kind {
        Invalid,      // not a line of fl tune's --json output; `error` says why
        AttemptStart, // {"attempt":k,"start":true,"config":{…}}
        Round,        // {"attempt":k,"round":r,"accuracy",…}
        Attempt,      // {"attempt":k,"config":{…},"final_accuracy","seconds","model_bytes",…}
        Best,         // {"best_attempt":k,"best_accuracy","baseline_accuracy"}
    };
    Kind kind = Kind::Invalid;
    int attempt = -1;
    QJsonObject config; // AttemptStart, Attempt: the proposal
    FlTuneRound round;  // Round
    double finalAccuracy = 0;
    double seconds = 0;
    qint64 modelBytes = 0;
    QList<double> curve; // Attempt: accuracy per round (when the line carries it)
    QString error;       // Attempt: why it failed; Invalid: what is wrong with the line
    int bestAttempt = 0;
    double bestAccuracy = 0;
    double baselineAccuracy = 0;

    static FlTuneEvent parse(const QByteArray &line);
};

// Splits a byte stream into lines, holding at most `maxLine` bytes of an unfinished line: a
// longer one is dropped up to its end and counted in overlongDropped().
class FlTuneLineBuffer
{
public:
    explicit FlTuneLineBuffer(int maxLine = 64 * 1024)
        : m_maxLine(maxLine)
    {}
    // The complete lines in `data` (and before it), without their '\n'; empty lines skipped.
    QList<QByteArray> append(const QByteArray &data);
    int overlongDropped() const { return m_overlong; }
    qsizetype pendingSize() const { return m_pending.size(); }
    void clear();

private:
    int m_maxLine;
    QByteArray m_pending;
    bool m_skipping = false; // inside an overlong line, dropping up to its '\n'
    int m_overlong = 0;
};

// What the panel asks fl tune for.
struct FlTuneRequest
{
    QString request;
    QString planner = QStringLiteral("local"); // local | llm
    int attempts = 4;
    int devices = 10;
    int rounds = 3;
    int samplesPerDevice = 200;
    double alpha = 0.5;
    double budgetS = 0; // 0: none
    QString workDir;    // "": fl tune's default (the models folder's fl-tune)
    QStringList extraArguments;

    // fl tune's arguments (after the program), --json included.
    QStringList arguments() const;
};

class FlTuneProcess : public QObject
{
    Q_OBJECT
public:
    explicit FlTuneProcess(QObject *parent = nullptr);
    ~FlTuneProcess() override; // stops a running tune and waits for it (a few seconds at most)

    // Starts `program fl tune …`; false (and failed()) when one is already running.
    bool start(const QString &program, const FlTuneRequest &request);
    // SIGTERM to the process group, SIGKILL after graceMs; finished() follows.
    void stop(int graceMs = 3000);
    bool isRunning() const;
    bool isStopping() const { return m_stopping; }
    qint64 processGroup() const { return m_pgid; }
    QStringList lastArguments() const { return m_arguments; }

    // Feeds stdout bytes as the process would (tests; the process's output takes this path).
    void consumeOutput(const QByteArray &data);

Q_SIGNALS:
    void started();
    void event(const edgegpt::FlTuneEvent &event);
    void malformedLine(const QString &line, const QString &why);
    void errorLine(const QString &line); // fl tune's stderr, one line at a time
    // exitCode: the process's code; stopped: ended by stop(); crashed: killed by a signal
    void finished(int exitCode, bool stopped, bool crashed);
    void failed(const QString &message); // could not start

private:
    void onStdout();
    void onStderr();
    void onFinished(int code, QProcess::ExitStatus status);
    void signalGroup(int sig);

    QPointer<QProcess> m_process;
    FlTuneLineBuffer m_out;
    FlTuneLineBuffer m_err;
    QTimer *m_killTimer;
    qint64 m_pgid = 0;
    bool m_stopping = false;
    int m_reportedOverlong = 0;
    QStringList m_arguments;
};

} // namespace edgegpt
