// DemoPanel: the strip above the charts that runs the local demo fleet — its state, Start/Stop,
// the link-rate slider (100–500 KB/s, applied live to the device agent's uplink), what the
// device chose (split, bytes and latency of the last inference) and, when the model is missing,
// a button to train it with a progress bar.
#pragma once

#include "app/console/DemoController.h"

#include <QWidget>

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
    // The readout under the slider ("split fc1 · 312 B · 41.2 ms"), for tests.
    QString readout() const;

private:
    void onState(DemoController::State state);
    void refreshReadout();

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
    quint64 m_readVersion = ~quint64(0);
};

} // namespace edgegpt
