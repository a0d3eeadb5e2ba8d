// The console's settings: the LLM endpoint (base URL, model, timeout; the API key for this
// session only — it is read from OPENAI_API_KEY and never written to the settings file, since
// this build has no keychain to keep it in) and the interface language.
#pragma once

#include "core/planner/LlmConfig.h"

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QLabel;

namespace edgegpt {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const LlmConfig &config, const QString &language, QWidget *parent = nullptr);

    LlmConfig config() const;
    QString language() const;

private:
    LlmConfig m_config;
    QLineEdit *m_baseUrl;
    QLineEdit *m_model;
    QLineEdit *m_apiKey;
    QSpinBox *m_timeout;
    QSpinBox *m_demonstrations;
    QComboBox *m_language;
    QLabel *m_keySource;
};

} // namespace edgegpt
