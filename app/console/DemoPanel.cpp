#include "app/console/DemoPanel.h"

#include "app/console/AgentMetricsFeed.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTimer>

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

    auto *rateTitle = new QLabel(tr("Uplink"), this);
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
    });
    connect(m_demo, &DemoController::linkRateApplied, this, [this](double kbps) {
        m_applied->setText(tr("in effect: %1 KB/s").arg(kbps, 0, 'f', 0));
    });

    m_readout = new QLabel(this);
    m_readout->setObjectName(QStringLiteral("demoReadout"));
    m_readout->setTextFormat(Qt::RichText);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(8);
    layout->addWidget(m_dot);
    layout->addWidget(m_state);
    layout->addWidget(m_startStop);
    layout->addWidget(m_train);
    layout->addWidget(m_progress);
    layout->addSpacing(16);
    layout->addWidget(rateTitle);
    layout->addWidget(m_slider);
    layout->addWidget(m_rate);
    layout->addWidget(m_applied);
    layout->addSpacing(16);
    layout->addWidget(m_readout, 1);
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
