// FlPanel: the console's federated-learning dock (docs/console.md, "Federated learning"). A
// request and the tuning's settings (planner, attempts, devices, rounds, images per device, α,
// time budget); Start runs `edgegpt fl tune … --json` as a child process (FlTuneProcess) and the
// panel fills as its lines arrive: each attempt's accuracy per round (FlCurveChart, one line per
// attempt), the attempts' configurations side by side with their results (the best one marked),
// the devices that took part in each round and those left out, and fl tune's own messages.
// Stop ends fl tune with its running attempt and that attempt's agents. Nothing here blocks.
#pragma once

#include "app/console/FlTuneProcess.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTreeWidget;

namespace edgegpt {

class FlCurveChart;

class FlPanel : public QWidget
{
    Q_OBJECT
public:
    // Rows of the configurations table (one column per attempt).
    enum Row {
        ModelRow,
        WidthRow,
        OptimizerRow,
        LrRow,
        LocalEpochsRow,
        BatchRow,
        RoundsRow,
        ClassBalancedRow,
        ReasonRow,
        AccuracyRow,
        SecondsRow,
        SizeRow,
        ResultRow,
        RowCount
    };
    // Columns of the participation list (one row per attempt and round).
    enum ParticipationColumn {
        AttemptColumn,
        RoundColumn,
        ReportedColumn,
        LeftOutColumn,
        RoundAccuracyColumn,
        RoundTimeColumn,
        ParticipationColumnCount
    };

    // `settings` (may be null) keeps the fields between runs of the console.
    explicit FlPanel(QSettings *settings, QWidget *parent = nullptr);

    // The request as the fields say.
    FlTuneRequest tuneRequest() const;
    // Arguments added to fl tune's (e.g. --test-samples 200, --threads 2).
    void setExtraArguments(const QStringList &args) { m_extraArguments = args; }

    // Starts fl tune with the fields' values (the edgegpt program as DemoController::findCli
    // finds it); false with the reason in the status when it cannot.
    bool start();
    void stop();
    bool isRunning() const;

    FlTuneProcess *process() const { return m_process; }
    FlCurveChart *curves() const { return m_curves; }
    QTableWidget *configTable() const { return m_table; }
    QTreeWidget *participation() const { return m_participation; }
    QPlainTextEdit *output() const { return m_output; }
    QLineEdit *requestEdit() const { return m_request; }
    QComboBox *plannerBox() const { return m_planner; }
    QSpinBox *attemptsBox() const { return m_attempts; }
    QSpinBox *devicesBox() const { return m_devices; }
    QSpinBox *roundsBox() const { return m_rounds; }
    QSpinBox *samplesBox() const { return m_samples; }
    QDoubleSpinBox *alphaBox() const { return m_alpha; }
    QSpinBox *budgetBox() const { return m_budget; }
    QLineEdit *workDirEdit() const { return m_workDir; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    QString statusText() const;
    // The column of attempt k in the configurations table; -1 when it has none.
    int columnOf(int attempt) const { return m_columns.value(attempt, -1); }
    int bestAttempt() const { return m_best; }
    int malformedLines() const { return m_malformed; }

Q_SIGNALS:
    void status(const QString &text, bool busy);
    void logLine(const QString &text);
    void tuningFinished(bool ok);

private:
    void onEvent(const FlTuneEvent &e);
    void onFinished(int exitCode, bool stopped, bool crashed);
    int column(int attempt);
    void fillConfig(int column, const QJsonObject &config);
    void fitColumn(int column);
    void setCell(int row, int column, const QString &text);
    void setStatus(const QString &text, bool busy);
    void appendOutput(const QString &text);
    void clearResults();
    void readSettings();
    void writeSettings() const;
    void updateButtons();

    QSettings *m_settings;
    FlTuneProcess *m_process;
    QStringList m_extraArguments;
    QLineEdit *m_request;
    QComboBox *m_planner;
    QSpinBox *m_attempts;
    QSpinBox *m_devices;
    QSpinBox *m_rounds;
    QSpinBox *m_samples;
    QDoubleSpinBox *m_alpha;
    QSpinBox *m_budget;
    QLineEdit *m_workDir;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_status;
    FlCurveChart *m_curves;
    QTabWidget *m_tabs;
    QTableWidget *m_table;
    QTreeWidget *m_participation;
    QPlainTextEdit *m_output;
    QHash<int, int> m_columns; // attempt → table column
    int m_best = 0;
    int m_malformed = 0;
    QString m_lastError;
};

} // namespace edgegpt
