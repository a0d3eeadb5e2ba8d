#include "app/console/FlPanel.h"

#include "app/console/DemoController.h"
#include "widgets/FlCurveChart.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgegpt {

namespace {
const QColor kBestBackground(0xd9, 0xf2, 0xe3);
const QColor kBad(0xd6, 0x2d, 0x20);
const QColor kMuted(0x56, 0x61, 0x6e);
} // namespace

FlPanel::FlPanel(QSettings *settings, QWidget *parent)
    : QWidget(parent)
    , m_settings(settings)
    , m_process(new FlTuneProcess(this))
{
    setObjectName(QStringLiteral("flPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    // The request and the tuning's settings.
    m_request = new QLineEdit(this);
    m_request->setObjectName(QStringLiteral("flRequest"));
    m_request->setPlaceholderText(tr("What the model is for, e.g. a size limit"));
    m_request->setToolTip(tr("The request the planner reads, e.g. \"a clothing classifier for a "
                             "Jetson Nano, under 1 MB\""));
    m_planner = new QComboBox(this);
    m_planner->setObjectName(QStringLiteral("flPlanner"));
    m_planner->addItem(tr("Local rules"), QStringLiteral("local"));
    m_planner->addItem(tr("LLM"), QStringLiteral("llm"));
    m_planner->setToolTip(tr("Who proposes each configuration: our rule-based proposer, or the "
                             "LLM endpoint of the settings (OPENAI_BASE_URL)"));
    auto spin = [this](const char *name, int min, int max, int value, const QString &tip) {
        auto *s = new QSpinBox(this);
        s->setObjectName(QLatin1String(name));
        s->setRange(min, max);
        s->setValue(value);
        s->setToolTip(tip);
        return s;
    };
    m_attempts = spin("flAttempts", 1, 50, 4, tr("At most this many attempts"));
    m_devices = spin("flDevices", 1, 64, 10, tr("Device agents started for each attempt"));
    m_rounds = spin("flRounds", 1, 1000, 3, tr("The baseline's FedAvg rounds"));
    m_samples = spin("flSamples", 1, 60000, 200, tr("Training images on each device"));
    m_alpha = new QDoubleSpinBox(this);
    m_alpha->setObjectName(QStringLiteral("flAlpha"));
    m_alpha->setDecimals(2);
    m_alpha->setRange(0.01, 1000);
    m_alpha->setSingleStep(0.1);
    m_alpha->setValue(0.5);
    m_alpha->setToolTip(tr("Dirichlet α of the devices' class mix: small α, few classes each"));
    m_budget = spin("flBudget", 0, 86400, 0,
                    tr("Stop starting attempts after this many seconds; each attempt gets an "
                       "equal share (0: no limit)"));
    m_budget->setSuffix(tr(" s"));
    m_budget->setSpecialValueText(tr("no limit"));
    m_workDir = new QLineEdit(this);
    m_workDir->setObjectName(QStringLiteral("flWorkDir"));
    m_workDir->setPlaceholderText(tr("default: the models folder's fl-tune"));
    m_workDir->setToolTip(tr("Where the attempts' models are saved"));

    // Two label/field pairs a row, so the dock stays as narrow as the plan's.
    auto *form = new QGridLayout();
    form->setContentsMargins(0, 0, 0, 0);
    form->setHorizontalSpacing(6);
    form->setVerticalSpacing(3);
    auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    form->addWidget(label(tr("Request"), m_request), 0, 0);
    form->addWidget(m_request, 0, 1, 1, 3);
    form->addWidget(label(tr("Planner"), m_planner), 1, 0);
    form->addWidget(m_planner, 1, 1);
    form->addWidget(label(tr("Attempts"), m_attempts), 1, 2);
    form->addWidget(m_attempts, 1, 3);
    form->addWidget(label(tr("Devices"), m_devices), 2, 0);
    form->addWidget(m_devices, 2, 1);
    form->addWidget(label(tr("Rounds"), m_rounds), 2, 2);
    form->addWidget(m_rounds, 2, 3);
    form->addWidget(label(tr("Images each"), m_samples), 3, 0);
    form->addWidget(m_samples, 3, 1);
    form->addWidget(label(tr("α"), m_alpha), 3, 2);
    form->addWidget(m_alpha, 3, 3);
    form->addWidget(label(tr("Budget"), m_budget), 4, 0);
    form->addWidget(m_budget, 4, 1);
    form->addWidget(label(tr("Work folder"), m_workDir), 5, 0);
    form->addWidget(m_workDir, 5, 1, 1, 3);
    form->setColumnStretch(1, 1);
    form->setColumnStretch(3, 1);
    layout->addLayout(form);

    auto *buttons = new QHBoxLayout();
    m_start = new QPushButton(tr("Start tuning"), this);
    m_start->setObjectName(QStringLiteral("flStart"));
    m_start->setToolTip(tr("Run edgegpt fl tune with these settings"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("flStop"));
    m_stop->setToolTip(tr("End the tuning, its running attempt and that attempt's agents"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("flStatus"));
    m_status->setWordWrap(true);
    m_status->setStyleSheet(QStringLiteral("color: #56616e;"));
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_status, 1);
    layout->addLayout(buttons);

    // The results: the curves above, the tables below.
    auto *split = new QSplitter(Qt::Vertical, this);
    m_curves = new FlCurveChart(split);
    m_curves->setObjectName(QStringLiteral("flCurves"));
    m_tabs = new QTabWidget(split);
    m_table = new QTableWidget(RowCount, 0, m_tabs);
    m_table->setObjectName(QStringLiteral("flConfigTable"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setVerticalHeaderLabels(
        {tr("Model"), tr("Width"), tr("Optimizer"), tr("Learning rate"), tr("Local epochs"),
         tr("Batch"), tr("Rounds"), tr("Class-balanced loss"), tr("Reason"), tr("Final accuracy"),
         tr("Time"), tr("Model size"), tr("Result")});
    m_table->setWordWrap(true);
    m_participation = new QTreeWidget(m_tabs);
    m_participation->setObjectName(QStringLiteral("flParticipation"));
    m_participation->setRootIsDecorated(false);
    m_participation->setAlternatingRowColors(true);
    m_participation->setHeaderLabels({tr("Attempt"), tr("Round"), tr("Devices (reported / sent)"),
                                      tr("Left out"), tr("Accuracy"), tr("Round time")});
    m_output = new QPlainTextEdit(m_tabs);
    m_output->setObjectName(QStringLiteral("flOutput"));
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(2000);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_table, tr("Configurations"));
    m_tabs->addTab(m_participation, tr("Devices per round"));
    m_tabs->addTab(m_output, tr("Messages"));
    split->addWidget(m_curves);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_start, &QPushButton::clicked, this, [this] { start(); });
    connect(m_stop, &QPushButton::clicked, this, &FlPanel::stop);
    connect(m_request, &QLineEdit::returnPressed, this, [this] {
        if (!isRunning())
            start();
    });
    connect(m_process, &FlTuneProcess::event, this, &FlPanel::onEvent);
    connect(m_process, &FlTuneProcess::finished, this, &FlPanel::onFinished);
    connect(m_process, &FlTuneProcess::malformedLine, this,
            [this](const QString &line, const QString &why) {
                ++m_malformed;
                appendOutput(line.isEmpty() ? tr("Unreadable output: %1").arg(why)
                                            : tr("Unreadable output line (%1): %2").arg(why, line));
            });
    connect(m_process, &FlTuneProcess::errorLine, this, [this](const QString &line) {
        if (line.isEmpty())
            return;
        m_lastError = line;
        appendOutput(line);
        Q_EMIT logLine(tr("fl tune: %1").arg(line));
    });
    connect(m_process, &FlTuneProcess::failed, this, [this](const QString &message) {
        appendOutput(message);
        setStatus(tr("Cannot tune: %1").arg(message), false);
        Q_EMIT logLine(tr("Cannot tune: %1").arg(message));
        updateButtons();
        Q_EMIT tuningFinished(false);
    });
    readSettings();
    if (m_request->text().isEmpty())
        // The example, untranslated: it is what the planner reads ("under 1 MB").
        m_request->setText(QStringLiteral("a clothing classifier for a Jetson Nano, under 1 MB"));
    updateButtons();
    setStatus(tr("Set the request and press Start: each attempt trains with real device agents "
                 "on this computer."),
              false);
}

FlTuneRequest FlPanel::tuneRequest() const
{
    FlTuneRequest r;
    r.request = m_request->text().trimmed();
    r.planner = m_planner->currentData().toString();
    r.attempts = m_attempts->value();
    r.devices = m_devices->value();
    r.rounds = m_rounds->value();
    r.samplesPerDevice = m_samples->value();
    r.alpha = m_alpha->value();
    r.budgetS = m_budget->value();
    r.workDir = m_workDir->text().trimmed();
    r.extraArguments = m_extraArguments;
    return r;
}

bool FlPanel::start()
{
    if (isRunning())
        return false;
    const FlTuneRequest r = tuneRequest();
    if (r.request.isEmpty()) {
        setStatus(tr("Type a request first: what the model is for."), false);
        return false;
    }
    if (qint64(r.samplesPerDevice) * r.devices > 60000) {
        setStatus(tr("Devices × images each must be at most 60000 (the training set)."), false);
        return false;
    }
    const Result<QString> cli = DemoController::findCli();
    if (!cli) {
        setStatus(tr("Cannot tune: %1").arg(cli.error()), false);
        return false;
    }
    clearResults();
    writeSettings();
    if (!m_process->start(*cli, r))
        return false;
    const QString command = QStringLiteral("edgegpt ") + m_process->lastArguments().join(' ');
    appendOutput(QStringLiteral("$ ") + command);
    Q_EMIT logLine(tr("Federated tuning: %1").arg(command));
    setStatus(tr("Tuning started: asking the planner for the first configuration…"), true);
    updateButtons();
    return true;
}

void FlPanel::stop()
{
    if (!isRunning())
        return;
    setStatus(tr("Stopping the tuning and its agents…"), true);
    m_process->stop();
    updateButtons();
}

bool FlPanel::isRunning() const
{
    return m_process->isRunning();
}

QString FlPanel::statusText() const
{
    return m_status->text();
}

int FlPanel::column(int attempt)
{
    auto it = m_columns.constFind(attempt);
    if (it != m_columns.cend())
        return it.value();
    const int c = m_table->columnCount();
    m_table->insertColumn(c);
    m_table->setHorizontalHeaderItem(
        c, new QTableWidgetItem(attempt == 0 ? tr("Baseline") : tr("Attempt %1").arg(attempt)));
    m_columns.insert(attempt, c);
    return c;
}

void FlPanel::setCell(int row, int col, const QString &text)
{
    QTableWidgetItem *item = m_table->item(row, col);
    if (!item) {
        item = new QTableWidgetItem();
        m_table->setItem(row, col, item);
    }
    item->setText(text);
    item->setToolTip(text);
}

void FlPanel::fitColumn(int col)
{
    // As wide as the contents, at most 220 px: a long reason wraps.
    m_table->resizeColumnToContents(col);
    if (m_table->columnWidth(col) > 220)
        m_table->setColumnWidth(col, 220);
    m_table->resizeRowToContents(ReasonRow);
    m_table->resizeRowToContents(ResultRow);
}

void FlPanel::fillConfig(int col, const QJsonObject &c)
{
    setCell(ModelRow, col, c.value(QStringLiteral("model")).toString());
    setCell(WidthRow, col, QString::number(c.value(QStringLiteral("width")).toDouble(), 'g', 4));
    setCell(OptimizerRow, col, c.value(QStringLiteral("optimizer")).toString());
    setCell(LrRow, col, QString::number(c.value(QStringLiteral("lr")).toDouble(), 'g', 4));
    setCell(LocalEpochsRow, col, QString::number(c.value(QStringLiteral("local_epochs")).toInt()));
    setCell(BatchRow, col, QString::number(c.value(QStringLiteral("batch")).toInt()));
    setCell(RoundsRow, col, QString::number(c.value(QStringLiteral("rounds")).toInt()));
    setCell(ClassBalancedRow, col,
            c.value(QStringLiteral("alpha_aware")).toBool() ? tr("yes") : tr("no"));
    setCell(ReasonRow, col, c.value(QStringLiteral("reason")).toString());
    fitColumn(col);
}

void FlPanel::onEvent(const FlTuneEvent &e)
{
    switch (e.kind) {
    case FlTuneEvent::Kind::AttemptStart: {
        const int col = column(e.attempt);
        fillConfig(col, e.config);
        setCell(ResultRow, col, tr("running…"));
        const QString what = tr("%1, %2 lr %3")
                                 .arg(e.config.value(QStringLiteral("model")).toString(),
                                      e.config.value(QStringLiteral("optimizer")).toString())
                                 .arg(e.config.value(QStringLiteral("lr")).toDouble(), 0, 'g', 3);
        m_curves->setAttemptLabel(e.attempt, e.attempt == 0
                                                 ? tr("baseline: %1").arg(what)
                                                 : tr("%1: %2").arg(e.attempt).arg(what));
        const QString reason = e.config.value(QStringLiteral("reason")).toString();
        setStatus(e.attempt == 0 ? tr("Measuring the baseline: %1").arg(what)
                                 : tr("Attempt %1 of %2: %3")
                                       .arg(e.attempt)
                                       .arg(m_attempts->value())
                                       .arg(reason.isEmpty() ? what : reason),
                  true);
        Q_EMIT logLine(
            tr("Federated tuning, attempt %1: %2 (%3)").arg(e.attempt).arg(what, reason));
        break;
    }
    case FlTuneEvent::Kind::Round: {
        const FlTuneRound &r = e.round;
        m_curves->addPoint(r.attempt, r.round, r.accuracy);
        auto *item = new QTreeWidgetItem(m_participation);
        item->setText(AttemptColumn, r.attempt == 0 ? tr("baseline") : QString::number(r.attempt));
        item->setText(RoundColumn, QString::number(r.round));
        item->setText(ReportedColumn, r.sentTo >= 0 ? tr("%1 / %2").arg(r.devices).arg(r.sentTo)
                                                    : QString::number(r.devices));
        item->setText(LeftOutColumn,
                      r.leftOut.isEmpty() ? tr("none") : r.leftOut.join(QStringLiteral(", ")));
        item->setForeground(LeftOutColumn, r.leftOut.isEmpty() ? kMuted : kBad);
        item->setText(RoundAccuracyColumn, tr("%1%").arg(r.accuracy * 100, 0, 'f', 1));
        item->setText(RoundTimeColumn, tr("%1 s").arg(r.roundMs / 1000, 0, 'f', 1));
        item->setData(AttemptColumn, Qt::UserRole, r.attempt);
        m_participation->scrollToItem(item);
        setStatus(tr("Attempt %1, round %2: %3% with %4 device(s)%5")
                      .arg(r.attempt)
                      .arg(r.round)
                      .arg(r.accuracy * 100, 0, 'f', 1)
                      .arg(r.devices)
                      .arg(r.leftOut.isEmpty()
                               ? QString()
                               : tr("; left out: %1").arg(r.leftOut.join(QStringLiteral(", ")))),
                  true);
        break;
    }
    case FlTuneEvent::Kind::Attempt: {
        const int col = column(e.attempt);
        fillConfig(col, e.config);
        // A line from an fl tune without round lines: its curve is in the attempt's line.
        if (m_curves->points(e.attempt).isEmpty())
            for (int i = 0; i < e.curve.size(); ++i)
                m_curves->addPoint(e.attempt, i + 1, e.curve.at(i));
        const bool ok = e.error.isEmpty();
        setCell(AccuracyRow, col, ok ? tr("%1%").arg(e.finalAccuracy * 100, 0, 'f', 1) : tr("—"));
        setCell(SecondsRow, col, tr("%1 s").arg(e.seconds, 0, 'f', 1));
        setCell(SizeRow, col,
                e.modelBytes > 0
                    ? locale().formattedDataSize(e.modelBytes, 2, QLocale::DataSizeSIFormat)
                    : tr("—"));
        setCell(ResultRow, col, ok ? tr("done") : tr("failed: %1").arg(e.error));
        if (!ok)
            m_table->item(ResultRow, col)->setForeground(kBad);
        fitColumn(col);
        Q_EMIT logLine(
            ok ? tr("Federated tuning, attempt %1: %2% in %3 s")
                     .arg(e.attempt)
                     .arg(e.finalAccuracy * 100, 0, 'f', 1)
                     .arg(e.seconds, 0, 'f', 1)
               : tr("Federated tuning, attempt %1 failed: %2").arg(e.attempt).arg(e.error));
        break;
    }
    case FlTuneEvent::Kind::Best: {
        m_best = e.bestAttempt;
        m_curves->setBest(m_best);
        const int col = columnOf(m_best);
        if (col >= 0) {
            m_table->horizontalHeaderItem(col)->setText(tr("Attempt %1 ★ best").arg(m_best));
            for (int row = 0; row < RowCount; ++row) {
                if (!m_table->item(row, col))
                    setCell(row, col, QString());
                m_table->item(row, col)->setBackground(kBestBackground);
                QFont f = m_table->item(row, col)->font();
                f.setBold(true);
                m_table->item(row, col)->setFont(f);
            }
            fitColumn(col);
        }
        const QString text = tr("Best: attempt %1 with %2% (baseline %3%).")
                                 .arg(m_best)
                                 .arg(e.bestAccuracy * 100, 0, 'f', 1)
                                 .arg(e.baselineAccuracy * 100, 0, 'f', 1);
        appendOutput(text);
        Q_EMIT logLine(tr("Federated tuning: %1").arg(text));
        break;
    }
    case FlTuneEvent::Kind::Invalid:
        break;
    }
}

void FlPanel::onFinished(int exitCode, bool stopped, bool crashed)
{
    QString text;
    bool ok = false;
    if (stopped) {
        text = tr("Tuning stopped; its agents were ended.");
    } else if (crashed) {
        text = tr("fl tune crashed.");
    } else if (exitCode != 0) {
        text = m_lastError.isEmpty() ? tr("fl tune failed (exit %1).").arg(exitCode)
                                     : tr("fl tune failed: %1").arg(m_lastError);
    } else if (m_best > 0) {
        ok = true;
        text = tr("Tuning done: attempt %1 is the best (%2).")
                   .arg(m_best)
                   .arg(m_table->item(AccuracyRow, columnOf(m_best))
                            ? m_table->item(AccuracyRow, columnOf(m_best))->text()
                            : QString());
    } else {
        text = tr("fl tune ended without a result.");
    }
    // Attempts still "running" did not finish.
    for (auto it = m_columns.cbegin(); it != m_columns.cend(); ++it) {
        QTableWidgetItem *item = m_table->item(ResultRow, it.value());
        if (item && item->text() == tr("running…"))
            item->setText(stopped ? tr("stopped") : tr("did not finish"));
    }
    if (m_malformed > 0)
        text +=
            QLatin1Char(' ') + tr("%n unreadable output line(s), see Messages.", "", m_malformed);
    setStatus(text, false);
    appendOutput(text);
    Q_EMIT logLine(text);
    updateButtons();
    Q_EMIT tuningFinished(ok);
}

void FlPanel::setStatus(const QString &text, bool busy)
{
    m_status->setText(text);
    Q_EMIT status(text, busy);
}

void FlPanel::appendOutput(const QString &text)
{
    m_output->appendPlainText(text);
}

void FlPanel::clearResults()
{
    m_curves->clear();
    m_table->setColumnCount(0);
    m_participation->clear();
    m_output->clear();
    m_columns.clear();
    m_best = 0;
    m_malformed = 0;
    m_lastError.clear();
}

void FlPanel::updateButtons()
{
    const bool running = isRunning();
    m_start->setEnabled(!running);
    m_stop->setEnabled(running && !m_process->isStopping());
}

void FlPanel::readSettings()
{
    if (!m_settings)
        return;
    m_settings->beginGroup(QStringLiteral("fl"));
    m_request->setText(m_settings->value(QStringLiteral("request")).toString());
    const int planner = m_planner->findData(m_settings->value(QStringLiteral("planner")));
    if (planner >= 0)
        m_planner->setCurrentIndex(planner);
    m_attempts->setValue(m_settings->value(QStringLiteral("attempts"), 4).toInt());
    m_devices->setValue(m_settings->value(QStringLiteral("devices"), 10).toInt());
    m_rounds->setValue(m_settings->value(QStringLiteral("rounds"), 3).toInt());
    m_samples->setValue(m_settings->value(QStringLiteral("samples_per_device"), 200).toInt());
    m_alpha->setValue(m_settings->value(QStringLiteral("alpha"), 0.5).toDouble());
    m_budget->setValue(m_settings->value(QStringLiteral("budget_s"), 0).toInt());
    m_workDir->setText(m_settings->value(QStringLiteral("work_dir")).toString());
    m_settings->endGroup();
}

void FlPanel::writeSettings() const
{
    if (!m_settings)
        return;
    m_settings->beginGroup(QStringLiteral("fl"));
    m_settings->setValue(QStringLiteral("request"), m_request->text());
    m_settings->setValue(QStringLiteral("planner"), m_planner->currentData());
    m_settings->setValue(QStringLiteral("attempts"), m_attempts->value());
    m_settings->setValue(QStringLiteral("devices"), m_devices->value());
    m_settings->setValue(QStringLiteral("rounds"), m_rounds->value());
    m_settings->setValue(QStringLiteral("samples_per_device"), m_samples->value());
    m_settings->setValue(QStringLiteral("alpha"), m_alpha->value());
    m_settings->setValue(QStringLiteral("budget_s"), m_budget->value());
    m_settings->setValue(QStringLiteral("work_dir"), m_workDir->text());
    m_settings->endGroup();
}

} // namespace edgegpt
