#include "app/console/DemoPanel.h"

#include "app/console/AgentMetricsFeed.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QVBoxLayout>

namespace edgegpt {

namespace {
QString dotStyle(const char *color)
{
    return QStringLiteral(
               "QLabel { background: %1; border-radius: 6px; min-width: 12px; max-width: 12px; "
               "min-height: 12px; max-height: 12px; }")
        .arg(QLatin1String(color));
}
} // namespace

DemoPanel::DemoPanel(DemoController *demo, MetricsStore *store, QWidget *parent)
    : QWidget(parent)
    , m_demo(demo)
    , m_store(store)
{
    setObjectName(QStringLiteral("demoPanel"));
    m_dot = new QLabel(this);
    m_dot->setStyleSheet(dotStyle("#9aa5b1"));
    m_state = new QLabel(tr("Demo fleet: stopped"), this);
    m_state->setObjectName(QStringLiteral("demoState"));
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);

    m_startStop = new QPushButton(tr("Start demo"), this);
    m_startStop->setObjectName(QStringLiteral("demoStartStop"));
    m_startStop->setToolTip(tr("Start or stop the local device and edge agents"));
    connect(m_startStop, &QPushButton::clicked, this, [this] {
        const DemoController::State s = m_demo->state();
        if (s == DemoController::State::Running || s == DemoController::State::Starting ||
            s == DemoController::State::Training)
            m_demo->stop();
        else
            m_demo->start();
    });

    m_train = new QPushButton(tr("Train the demo model"), this);
    m_train->setObjectName(QStringLiteral("demoTrain"));
    m_train->setToolTip(
        tr("Runs edgegpt train and edgegpt bench coinference into the model folder"));
    auto *trainMenu = new QMenu(m_train);
    trainMenu->addAction(tr("Full training (4 epochs, a few minutes)"), this,
                         [this] { m_demo->train(DemoController::Training::Full); });
    trainMenu->addAction(tr("Quick training (1 epoch on 6000 images, about a minute)"), this,
                         [this] { m_demo->train(DemoController::Training::Quick); });
    m_train->setMenu(trainMenu);
    m_train->hide();
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("demoProgress"));
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    connect(m_demo, &DemoController::progress, this, [this](int value, int maximum) {
        m_progress->setRange(0, maximum);
        m_progress->setValue(value);
    });

    auto *rateTitle = new QLabel(tr("Uplink (emulated)"), this);
    rateTitle->setFont(bold);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("linkRateSlider"));
    m_slider->setRange(int(DemoController::minLinkRateKBps), int(DemoController::maxLinkRateKBps));
    m_slider->setSingleStep(10);
    m_slider->setPageStep(50);
    m_slider->setTickInterval(50);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setMinimumWidth(260);
    m_slider->setValue(int(m_demo->linkRate()));
    m_slider->setToolTip(tr("The device agent's uplink rate, changed live (100–500 KB/s)"));
    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("linkRateLabel"));
    m_rate->setMinimumWidth(90);
    QFont big = m_rate->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_rate->setFont(big);
    m_applied = new QLabel(this);
    m_applied->setStyleSheet(QStringLiteral("color: #56616e;"));
    auto showRate = [this](int v) { m_rate->setText(tr("%1 KB/s").arg(v)); };
    showRate(m_slider->value());
    connect(m_slider, &QSlider::valueChanged, this, [this, showRate](int v) {
        showRate(v);
        m_demo->setLinkRate(v);
        refreshForecast();
    });
    connect(m_demo, &DemoController::linkRateApplied, this, [this](double kbps) {
        m_applied->setText(tr("in effect: %1 KB/s").arg(kbps, 0, 'f', 0));
    });

    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("demoReadout"));
    m_readout->setTextFormat(Qt::RichText);

    // The device's speed: this computer runs the device agent, made slower on purpose. The
    // figures are public FP32 peaks (DeviceSpeed in DemoController.h, docs/console.md).
    auto *speedTitle = new QLabel(tr("Device speed"), this);
    speedTitle->setFont(bold);
    m_speedBox = new QComboBox(this);
    m_speedBox->setObjectName(QStringLiteral("deviceSpeedBox"));
    m_speedBox->addItem(tr("Jetson Nano (GPU 150.8× slower than an RTX 3090; image always sent)"),
                        QStringLiteral("jetson-nano"));
    m_speedBox->setItemData(
        0,
        tr("RTX 3090 35.58 TFLOPS / Jetson Nano 0.236 TFLOPS (FP32 peaks); codecs 4× slower on "
           "its 1.43 GHz Cortex-A57. Sending the image wins at every rate of the slider."),
        Qt::ToolTipRole);
    m_speedBox->addItem(tr("Jetson AGX Orin (6.7×: 35.58 / 5.32 TFLOPS)"),
                        QStringLiteral("jetson-orin"));
    m_speedBox->setItemData(1,
                            tr("RTX 3090 35.58 TFLOPS / Jetson AGX Orin 64GB 5.32 TFLOPS (FP32 "
                               "peaks); codecs 2× slower on its 2.2 GHz Cortex-A78AE."),
                            Qt::ToolTipRole);
    m_speedBox->addItem(tr("Presenter: tuned to this computer"), QStringLiteral("presenter"));
    m_speedBox->setItemData(
        2,
        tr("Not a real board: model and codecs both slowed by the factor at which this model's "
           "best split changes near %1 KB/s, given this computer's measured round trip and codec "
           "times (about 2× on an idle machine). The label says which factor runs.")
            .arg(DemoController::presenterTargetKBps(), 0, 'f', 0),
        Qt::ToolTipRole);
    m_speedBox->addItem(tr("Custom factor"), QStringLiteral("custom"));
    m_speedBox->setItemData(
        3, tr("Model compute and codecs both this many times slower than this computer."),
        Qt::ToolTipRole);
    // Closed, the box shows the start of the choice (the label next to it says the factor); open,
    // each choice in full.
    m_speedBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_speedBox->setMinimumContentsLength(34);
    m_speedBox->view()->setMinimumWidth(m_speedBox->view()->sizeHintForColumn(0) + 24);
    m_speedBox->setToolTip(tr("How much slower than this computer the device agent runs; "
                              "changing it restarts only the device agent"));
    m_factorBox = new QDoubleSpinBox(this);
    m_factorBox->setObjectName(QStringLiteral("deviceFactorBox"));
    m_factorBox->setRange(DeviceSpeed::minFactor, DeviceSpeed::maxFactor);
    m_factorBox->setDecimals(1);
    m_factorBox->setSingleStep(0.1);
    m_factorBox->setPrefix(tr("×"));
    m_factorBox->setToolTip(
        tr("Custom factor: the device is this many times slower than the edge"));
    m_speedLabel = new QLabel(this);
    m_speedLabel->setObjectName(QStringLiteral("deviceSpeedLabel"));
    m_speedLabel->setStyleSheet(QStringLiteral("QLabel { color: #8a4b00; font-weight: bold; }"));
    connect(m_speedBox, &QComboBox::currentIndexChanged, this, &DemoPanel::applySpeedChoice);
    connect(m_factorBox, &QDoubleSpinBox::valueChanged, this, &DemoPanel::applySpeedChoice);
    connect(m_demo, &DemoController::deviceSpeedChanged, this, &DemoPanel::showSpeed);

    m_forecast = new QLabel(this);
    m_forecast->setObjectName(QStringLiteral("demoForecast"));
    m_forecast->setTextFormat(Qt::RichText);
    // A long line must not widen the window: it is clipped on a narrow one.
    m_forecast->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    connect(m_demo, &DemoController::forecastChanged, this, &DemoPanel::refreshForecast);
    connect(m_demo, &DemoController::splitInUseChanged, this, &DemoPanel::refreshForecast);
    showSpeed(m_demo->deviceSpeed());

    auto *top = new QHBoxLayout;
    top->setSpacing(8);
    top->addWidget(m_dot);
    top->addWidget(m_state);
    top->addWidget(m_startStop);
    top->addWidget(m_train);
    top->addWidget(m_progress);
    top->addSpacing(16);
    top->addWidget(speedTitle);
    top->addWidget(m_speedBox);
    top->addWidget(m_factorBox);
    top->addWidget(m_speedLabel);
    top->addStretch(1);

    // The uplink row, and under the slider what the profile expects and what the agent uses.
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    grid->addWidget(rateTitle, 0, 0);
    grid->addWidget(m_slider, 0, 1);
    grid->addWidget(m_rate, 0, 2);
    grid->addWidget(m_applied, 0, 3);
    grid->addItem(new QSpacerItem(16, 0), 0, 4);
    grid->addWidget(m_readout, 0, 5);
    grid->setColumnStretch(5, 1);
    grid->addWidget(m_forecast, 1, 1, 1, 5);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addLayout(grid);
    setStyleSheet(
        QStringLiteral("QWidget#demoPanel { background: #eef3f8; border: 1px solid #d5dde6; "
                       "border-radius: 6px; }"));
    setAttribute(Qt::WA_StyledBackground);

    connect(m_demo, &DemoController::stateChanged, this, &DemoPanel::onState);
    auto *timer = new QTimer(this);
    timer->setInterval(250);
    connect(timer, &QTimer::timeout, this, &DemoPanel::refreshReadout);
    timer->start();
    onState(m_demo->state());
}

void DemoPanel::showSpeed(const DeviceSpeed &speed)
{
    const QSignalBlocker blockBox(m_speedBox);
    const QSignalBlocker blockFactor(m_factorBox);
    const int index = m_speedBox->findData(speed.key());
    m_speedBox->setCurrentIndex(index < 0 ? 0 : index);
    m_factorBox->setValue(speed.customFactor);
    m_factorBox->setVisible(speed.preset == DeviceSpeed::Preset::Custom);
    m_speedLabel->setText(tr("emulated: %1").arg(speed.label()));
    m_speedLabel->setToolTip(tr("The device agent runs with --slowdown %1 --codec-slowdown %2")
                                 .arg(speed.slowdown(), 0, 'g', 4)
                                 .arg(speed.codecSlowdown(), 0, 'g', 4));
    refreshForecast();
}

void DemoPanel::applySpeedChoice()
{
    DeviceSpeed speed;
    speed.preset = DeviceSpeed::presetFromKey(m_speedBox->currentData().toString());
    speed.customFactor = m_factorBox->value();
    m_factorBox->setVisible(speed.preset == DeviceSpeed::Preset::Custom);
    m_demo->setDeviceSpeed(speed);
}

QString DemoPanel::speedText() const
{
    return m_speedLabel->text();
}

QString DemoPanel::forecastText() const
{
    return QTextDocumentFragment::fromHtml(m_forecast->text()).toPlainText();
}

void DemoPanel::refreshForecast()
{
    QStringList parts;
    const Result<SplitForecast> f = m_demo->forecast(m_slider->value());
    if (!f) {
        parts.append(tr("expected: — (%1)").arg(f.error().toHtmlEscaped()));
    } else {
        QString expected = tr("expected at %1 KB/s: <b>%2</b>")
                               .arg(f->rateKBps, 0, 'f', 0)
                               .arg(f->best.split.toHtmlEscaped());
        if (!f->best.codec.isEmpty())
            expected += QStringLiteral(" <span style='color:#56616e'>%1</span>")
                            .arg(f->best.codec.toHtmlEscaped());
        expected += tr(" (%1 ms)").arg(f->best.expectedMs, 0, 'f', 1);
        m_forecast->setToolTip(
            tr("Expected: what the model's profile predicts at the slider's rate with the device "
               "speed (SplitPlanner), with a round trip of %1 ms (the device agent's measurement; "
               "0 until it reports one). In use: what the device agent reports it chose from its "
               "own estimate of the link, which follows the slider over a few seconds.")
                .arg(f->roundTripMs, 0, 'f', 1));
        QStringList changes;
        if (f->changesBelowKBps >= 0)
            changes.append(tr("<b>%1</b> at %2 KB/s and below")
                               .arg(f->splitBelow.toHtmlEscaped())
                               .arg(f->changesBelowKBps, 0, 'f', 0));
        if (f->changesAboveKBps >= 0)
            changes.append(tr("<b>%1</b> from %2 KB/s")
                               .arg(f->splitAbove.toHtmlEscaped())
                               .arg(f->changesAboveKBps, 0, 'f', 0));
        if (changes.isEmpty())
            changes.append(tr("the same over %1–%2 KB/s")
                               .arg(DemoController::minLinkRateKBps, 0, 'f', 0)
                               .arg(DemoController::maxLinkRateKBps, 0, 'f', 0));
        //: Between the expected split and where it changes ("…, input from 150 KB/s").
        const QString comma = tr(", ");
        parts.append(expected + comma + changes.join(comma));
    }
    const DemoController::State state = m_demo->state();
    if (state == DemoController::State::Running || state == DemoController::State::Starting) {
        const QString inUse = m_demo->splitInUse();
        if (inUse.isEmpty()) {
            parts.append(tr("in use: <span style='color:#56616e'>waiting for the device "
                            "agent</span>"));
        } else {
            QString text = tr("in use: <b>%1</b>").arg(inUse.toHtmlEscaped());
            if (!m_demo->codecInUse().isEmpty())
                text += QStringLiteral(" <span style='color:#56616e'>%1</span>")
                            .arg(m_demo->codecInUse().toHtmlEscaped());
            parts.append(text);
        }
    }
    m_forecast->setText(parts.join(QStringLiteral(" · ")));
}

void DemoPanel::onState(DemoController::State state)
{
    using S = DemoController::State;
    m_train->setVisible(state == S::NeedsModel ||
                        (state == S::Failed && !m_demo->modelProblem().isEmpty()));
    m_progress->setVisible(state == S::Training);
    m_startStop->setEnabled(state != S::Stopping);
    m_startStop->setText(state == S::Running || state == S::Starting ? tr("Stop demo")
                         : state == S::Training                      ? tr("Cancel training")
                                                                     : tr("Start demo"));
    switch (state) {
    case S::Idle:
        m_state->setText(tr("Demo fleet: stopped"));
        m_dot->setStyleSheet(dotStyle("#9aa5b1"));
        break;
    case S::NeedsModel:
        m_state->setText(tr("Demo fleet: needs a trained model"));
        m_dot->setStyleSheet(dotStyle("#e0a11f"));
        break;
    case S::Training:
        m_state->setText(tr("Demo fleet: training the model"));
        m_dot->setStyleSheet(dotStyle("#3d8bd9"));
        break;
    case S::Starting:
        m_state->setText(tr("Demo fleet: starting"));
        m_dot->setStyleSheet(dotStyle("#3d8bd9"));
        break;
    case S::Running:
        m_state->setText(tr("Demo fleet: running"));
        m_dot->setStyleSheet(dotStyle("#1f9d55"));
        break;
    case S::Stopping:
        m_state->setText(tr("Demo fleet: stopping"));
        m_dot->setStyleSheet(dotStyle("#9aa5b1"));
        break;
    case S::Failed:
        m_state->setText(tr("Demo fleet: failed"));
        m_dot->setStyleSheet(dotStyle("#d62d20"));
        break;
    }
    refreshReadout();
    refreshForecast();
}

QString DemoPanel::readout() const
{
    return m_readout->text();
}

void DemoPanel::refreshReadout()
{
    const quint64 version = m_store->version();
    if (version == m_readVersion)
        return;
    m_readVersion = version;
    const QString agent = DemoController::deviceAgentName;
    const QVector<QPointF> total = m_store->points(agent, MetricSeries::TotalMs);
    const QVector<QPointF> bytes = m_store->points(agent, MetricSeries::BytesPerInference);
    const QString split = m_demo->deviceFeed()->lastSplit();
    if (total.isEmpty() && split.isEmpty()) {
        m_readout->setText(
            m_demo->isRunning()
                ? tr("<span style='color:#56616e'>waiting for the first inference…</span>")
                : QString());
        return;
    }
    QStringList parts;
    if (!split.isEmpty())
        parts.append(tr("split <b>%1</b>").arg(split.toHtmlEscaped()));
    if (!bytes.isEmpty())
        parts.append(tr("<b>%1</b> B per inference").arg(qint64(bytes.last().y())));
    if (!total.isEmpty())
        parts.append(tr("<b>%1</b> ms end to end").arg(total.last().y(), 0, 'f', 1));
    const double estimate = m_demo->deviceFeed()->lastLinkRateKBps();
    if (estimate >= 0)
        parts.append(tr("link estimate <b>%1</b> KB/s").arg(estimate, 0, 'f', 0));
    m_readout->setText(parts.join(QStringLiteral(" · ")));
}

} // namespace edgegpt
