#include "app/console/SettingsDialog.h"

#include "app/console/DemoController.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace edgegpt {

SettingsDialog::SettingsDialog(const LlmConfig &config, const QString &language,
                               const QString &demoModelDir, QWidget *parent)
    : QDialog(parent)
    , m_config(config)
{
    setWindowTitle(tr("Settings"));
    auto *llm = new QGroupBox(tr("LLM planner (OpenAI-compatible endpoint)"), this);
    auto *form = new QFormLayout(llm);
    m_baseUrl = new QLineEdit(config.baseUrl, llm);
    m_baseUrl->setObjectName(QStringLiteral("baseUrlEdit"));
    m_baseUrl->setPlaceholderText(QStringLiteral("http://localhost:8080/v1"));
    m_model = new QLineEdit(config.model, llm);
    m_model->setObjectName(QStringLiteral("modelEdit"));
    m_apiKey = new QLineEdit(config.apiKey, llm);
    m_apiKey->setObjectName(QStringLiteral("apiKeyEdit"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_apiKey->setPlaceholderText(tr("from OPENAI_API_KEY"));
    m_keySource = new QLabel(llm);
    m_keySource->setWordWrap(true);
    m_keySource->setStyleSheet(QStringLiteral("color: #56616e;"));
    m_keySource->setText(
        qEnvironmentVariableIsSet("OPENAI_API_KEY")
            ? tr("The key comes from the OPENAI_API_KEY environment variable: this system has no "
                 "keychain the "
                 "console can use, so keys are never written to the settings. A key typed here is "
                 "used until "
                 "the console closes.")
            : tr("No OPENAI_API_KEY in the environment. This system has no keychain the console "
                 "can use, so "
                 "keys are never written to the settings: set OPENAI_API_KEY before starting the "
                 "console, or "
                 "type a key here for this session. Local servers usually need none."));
    m_timeout = new QSpinBox(llm);
    m_timeout->setRange(1, 600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setValue(config.timeoutMs / 1000);
    m_demonstrations = new QSpinBox(llm);
    m_demonstrations->setRange(0, 16);
    m_demonstrations->setValue(config.demonstrations);
    form->addRow(tr("Base URL"), m_baseUrl);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("API key"), m_apiKey);
    form->addRow(QString(), m_keySource);
    form->addRow(tr("Timeout"), m_timeout);
    form->addRow(tr("Demonstrations"), m_demonstrations);

    auto *ui = new QGroupBox(tr("Interface"), this);
    auto *uiForm = new QFormLayout(ui);
    m_language = new QComboBox(ui);
    m_language->setObjectName(QStringLiteral("languageBox"));
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->addItem(QStringLiteral("한국어"), QStringLiteral("ko"));
    m_language->setCurrentIndex(qMax(0, m_language->findData(language)));
    uiForm->addRow(tr("Language"), m_language);
    auto *restart = new QLabel(tr("A new language applies the next time the console starts."), ui);
    restart->setStyleSheet(QStringLiteral("color: #56616e;"));
    uiForm->addRow(QString(), restart);

    auto *demo = new QGroupBox(tr("Demo fleet"), this);
    auto *demoForm = new QFormLayout(demo);
    auto *dirRow = new QHBoxLayout();
    m_modelDir = new QLineEdit(demoModelDir, demo);
    m_modelDir->setObjectName(QStringLiteral("modelDirEdit"));
    m_modelDir->setPlaceholderText(DemoController::defaultModelDir());
    m_modelDir->setMinimumWidth(320);
    auto *browse = new QPushButton(tr("Browse…"), demo);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Model folder"),
            m_modelDir->text().isEmpty() ? DemoController::defaultModelDir() : m_modelDir->text());
        if (!dir.isEmpty())
            m_modelDir->setText(dir);
    });
    dirRow->addWidget(m_modelDir, 1);
    dirRow->addWidget(browse);
    demoForm->addRow(tr("Model folder"), dirRow);
    auto *dirNote =
        new QLabel(tr("A model trained by edgegpt train, with the profile.json of edgegpt bench "
                      "coinference. Empty: the folder those commands use by default."),
                   demo);
    dirNote->setWordWrap(true);
    dirNote->setStyleSheet(QStringLiteral("color: #56616e;"));
    demoForm->addRow(QString(), dirNote);

    auto *models = new QGroupBox(tr("Model bindings"), this);
    auto *modelsForm = new QFormLayout(models);
    auto *bindingsRow = new QHBoxLayout();
    m_bindingsFile = new QLineEdit(models);
    m_bindingsFile->setObjectName(QStringLiteral("bindingsFileEdit"));
    m_bindingsFile->setPlaceholderText(
        tr("built-in: image classification by the fashion-mnist cnn"));
    m_bindingsFile->setMinimumWidth(320);
    auto *browseBindings = new QPushButton(tr("Browse…"), models);
    connect(browseBindings, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Model bindings file"), m_bindingsFile->text(), tr("JSON files (*.json)"));
        if (!file.isEmpty())
            m_bindingsFile->setText(file);
    });
    bindingsRow->addWidget(m_bindingsFile, 1);
    bindingsRow->addWidget(browseBindings);
    modelsForm->addRow(tr("Bindings file"), bindingsRow);
    auto *bindingsNote =
        new QLabel(tr("Which runnable model serves each catalog model. The graph marks stand-ins "
                      "and tasks not runnable here, and planning prefers tasks that run. Empty: "
                      "the built-in bindings."),
                   models);
    bindingsNote->setWordWrap(true);
    bindingsNote->setStyleSheet(QStringLiteral("color: #56616e;"));
    modelsForm->addRow(QString(), bindingsNote);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        const QUrl url(m_baseUrl->text().trimmed());
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            m_baseUrl->setFocus();
            m_baseUrl->setStyleSheet(QStringLiteral("border: 1px solid #d62d20;"));
            m_baseUrl->setToolTip(tr("Enter an http:// or https:// address."));
            return;
        }
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(llm);
    layout->addWidget(ui);
    layout->addWidget(demo);
    layout->addWidget(models);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

LlmConfig SettingsDialog::config() const
{
    LlmConfig c = m_config;
    c.baseUrl = m_baseUrl->text().trimmed();
    c.model = m_model->text().trimmed();
    c.apiKey = m_apiKey->text();
    c.timeoutMs = m_timeout->value() * 1000;
    c.demonstrations = m_demonstrations->value();
    return c;
}

QString SettingsDialog::demoModelDir() const
{
    return m_modelDir->text().trimmed();
}

void SettingsDialog::setBindingsFile(const QString &path)
{
    m_bindingsFile->setText(path);
}

QString SettingsDialog::bindingsFile() const
{
    return m_bindingsFile->text().trimmed();
}

QString SettingsDialog::language() const
{
    return m_language->currentData().toString();
}

} // namespace edgegpt
