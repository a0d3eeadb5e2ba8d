// DemoPanel: the strip above the charts that runs the local demo fleet — its state, Start/Stop,
// the link-rate slider (100–500 KB/s, applied live to the device agent's uplink), what the
// device chose (split, bytes and latency of the last inference) and, when the model is missing,
// a button to train it with a progress bar. The device speed choice (presets from public figures,
// the presenter setting by default, or a custom factor) says plainly which factor the device
// agent runs at; under the slider, the split the model's profile predicts at the slider's rate
// ("expected", and the rate at which that changes) next to the one the agent reports ("in use").
#pragma once

#include "app/console/DemoController.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;

namespace edgegpt {

class DemoPanel : public QWidget
{
    Q_OBJECT
public:
    DemoPanel(DemoController *demo, MetricsStore *store, QWidget *parent = nullptr);

    QSlider *linkSlider() const { return m_slider; }
    QPushButton *startStopButton() const { return m_startStop; }
    QPushButton *trainButton() const { return m_train; }
    // The device speed presets (item data: DeviceSpeed::key()) and the custom factor.
    QComboBox *deviceSpeedBox() const { return m_speedBox; }
    QDoubleSpinBox *customFactorBox() const { return m_factorBox; }
    // "emulated: device ×2 (presenter setting)", for tests.
    QString speedText() const;
    // The readout next to the slider ("split fc1 · 312 B · 41.2 ms"), for tests.
    QString readout() const;
    // Under the slider: "expected at 250 KB/s: input … · in use: input", as plain text.
    QString forecastText() const;

private:
    void onState(DemoController::State state);
    void refreshReadout();
    void refreshForecast();
    void showSpeed(const DeviceSpeed &speed);
    void applySpeedChoice();

    DemoController *m_demo;
    MetricsStore *m_store;
    QLabel *m_dot;
    QLabel *m_state;
    QPushButton *m_startStop;
    QPushButton *m_train;
    QProgressBar *m_progress;
    QSlider *m_slider;
    QLabel *m_rate;
    QLabel *m_applied;
    QLabel *m_readout;
    QComboBox *m_speedBox;
    QDoubleSpinBox *m_factorBox;
    QLabel *m_speedLabel;
    QLabel *m_forecast;
    quint64 m_readVersion = ~quint64(0);
};

} // namespace edgegpt
