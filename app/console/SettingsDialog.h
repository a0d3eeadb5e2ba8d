// The console's settings: the LLM endpoint (base URL, model, timeout; the API key for this
// session only — it is read from OPENAI_API_KEY and never written to the settings file, since
// Debian has no Qt keychain package, so this build has no keychain to keep it in), the interface
// language, the demo fleet's model folder and the model bindings file.
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
    // demoModelDir: the folder set so far ("" = the default, DemoController::defaultModelDir()).
    SettingsDialog(const LlmConfig &config, const QString &language, const QString &demoModelDir,
                   QWidget *parent = nullptr);

    LlmConfig config() const;
    QString language() const;
    QString demoModelDir() const; // "" = the default
    // The model bindings file (docs/models.md, "Model bindings"); "" = the built-in bindings.
    void setBindingsFile(const QString &path);
    QString bindingsFile() const;

private:
    LlmConfig m_config;
    QLineEdit *m_baseUrl;
    QLineEdit *m_model;
    QLineEdit *m_apiKey;
    QSpinBox *m_timeout;
    QSpinBox *m_demonstrations;
    QComboBox *m_language;
    QLineEdit *m_modelDir;
    QLineEdit *m_bindingsFile;
    QLabel *m_keySource;
};

} // namespace edgegpt
