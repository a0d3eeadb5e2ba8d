#include "app/console/ConsoleSshInteraction.h"

#include <QApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMutexLocker>
#include <QPushButton>
#include <QSemaphore>
#include <QThread>
#include <QVBoxLayout>

#include <memory>

namespace edgegpt {

ConsoleSshInteraction::ConsoleSshInteraction(QWidget *dialogParent, QObject *parent)
    : QObject(parent)
    , m_parent(dialogParent)
{}

void ConsoleSshInteraction::setScripted(bool scripted, bool acceptNewHostKeys)
{
    QMutexLocker lock(&m_mutex);
    m_scripted = scripted;
    m_acceptNew = acceptNewHostKeys;
}

bool ConsoleSshInteraction::isScripted() const
{
    QMutexLocker lock(&m_mutex);
    return m_scripted;
}

void ConsoleSshInteraction::cancel()
{
    QPointer<QWidget> open;
    {
        QMutexLocker lock(&m_mutex);
        m_cancelled = true;
        open = m_openDialog;
    }
    if (open)
        if (auto *dialog = qobject_cast<QDialog *>(open.data()))
            dialog->reject();
}

void ConsoleSshInteraction::reset()
{
    QMutexLocker lock(&m_mutex);
    m_cancelled = false;
}

bool ConsoleSshInteraction::isAcceptedOnce(const QString &fingerprint) const
{
    QMutexLocker lock(&m_mutex);
    return m_once.contains(fingerprint);
}

bool ConsoleSshInteraction::isRemembered(const QString &fingerprint) const
{
    QMutexLocker lock(&m_mutex);
    return m_remember.contains(fingerprint);
}

bool ConsoleSshInteraction::isChangedHostKey(const QString &message)
{
    return message.contains(QLatin1String("HOST KEY CHANGED"));
}

bool ConsoleSshInteraction::onGuiThread() const
{
    return QThread::currentThread() == thread();
}

namespace {

// A question handed to the GUI thread and its answer. Shared: the worker may stop waiting
// (cancelled) before the GUI thread gets to it.
struct Pending
{
    QSemaphore done;
    int choice = 0;
    bool given = false;
    QByteArray secret;
    ~Pending() { secret.fill('\0'); }
};

} // namespace

bool ConsoleSshInteraction::isCancelled() const
{
    QMutexLocker lock(&m_mutex);
    return m_cancelled;
}

// Runs `ask` on the GUI thread and waits for it without blocking that thread; gives up (false)
// when cancelled meanwhile, so that nothing waits on a GUI thread that is shutting down.
bool ConsoleSshInteraction::onGui(const std::function<void()> &ask, QSemaphore &done)
{
    if (onGuiThread()) {
        ask();
        return true;
    }
    QMetaObject::invokeMethod(this, ask, Qt::QueuedConnection);
    while (!done.tryAcquire(1, 100))
        if (isCancelled())
            return false;
    return true;
}

bool ConsoleSshInteraction::acceptNewHostKey(const HostKey &key)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return false;
        if (m_scripted) {
            if (m_acceptNew)
                m_remember.insert(key.fingerprint);
            return m_acceptNew;
        }
    }
    QMutexLocker one(&m_questionMutex);
    auto pending = std::make_shared<Pending>();
    const bool answered = onGui(
        [this, pending, key] {
            pending->choice = isCancelled() ? int(HostKeyChoice::Refuse)
                                            : hostKeyDialog(key.host, key.port, key.keyType,
                                                            key.fingerprint, key.knownHostsFile);
            pending->done.release();
        },
        pending->done);
    const int choice = answered ? pending->choice : int(HostKeyChoice::Refuse);
    QMutexLocker lock(&m_mutex);
    if (m_cancelled)
        return false;
    if (choice == int(HostKeyChoice::AcceptOnce))
        m_once.insert(key.fingerprint);
    else if (choice == int(HostKeyChoice::AcceptRemember))
        m_remember.insert(key.fingerprint);
    return choice != int(HostKeyChoice::Refuse);
}

bool ConsoleSshInteraction::askSecret(bool passphrase, const QString &what, SecretBytes &secret)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled || m_scripted)
            return false;
    }
    QMutexLocker one(&m_questionMutex);
    auto pending = std::make_shared<Pending>();
    const bool answered = onGui(
        [this, pending, passphrase, what] {
            pending->given = !isCancelled() && secretDialog(passphrase, what, pending->secret);
            pending->done.release();
        },
        pending->done);
    if (!answered || !pending->given || isCancelled())
        return false;
    secret.assign(pending->secret.constData(), pending->secret.size());
    return true;
}

bool ConsoleSshInteraction::askPassphrase(const QString &keyDescription, SecretBytes &secret)
{
    return askSecret(true, keyDescription, secret);
}

bool ConsoleSshInteraction::askPassword(const QString &userAtHost, SecretBytes &secret)
{
    return askSecret(false, userAtHost, secret);
}

int ConsoleSshInteraction::hostKeyDialog(const QString &host, int port, const QString &keyType,
                                         const QString &fingerprint, const QString &knownHostsFile)
{
    const QString where = port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
    QDialog dialog(m_parent);
    dialog.setObjectName(QStringLiteral("hostKeyDialog"));
    dialog.setWindowTitle(tr("Unknown host key"));
    dialog.setProperty("host", host);
    dialog.setProperty("port", port);
    dialog.setProperty("keyType", keyType);
    dialog.setProperty("fingerprint", fingerprint);
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro = new QLabel(
        tr("The console has never connected to %1 before and cannot tell whether it is the host "
           "you mean. Compare the fingerprint with the one its administrator gives you "
           "(ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub on the host).")
            .arg(where),
        &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    form->addRow(tr("Host:"), new QLabel(where, &dialog));
    form->addRow(tr("Key type:"), new QLabel(keyType, &dialog));
    auto *print = new QLabel(fingerprint, &dialog);
    print->setObjectName(QStringLiteral("fingerprintLabel"));
    print->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("SHA-256 fingerprint:"), print);
    form->addRow(tr("Remembered in:"), new QLabel(knownHostsFile, &dialog));
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(&dialog);
    QPushButton *refuse = buttons->addButton(tr("Refuse"), QDialogButtonBox::RejectRole);
    refuse->setObjectName(QStringLiteral("refuseButton"));
    QPushButton *once = buttons->addButton(tr("Accept once"), QDialogButtonBox::AcceptRole);
    once->setObjectName(QStringLiteral("acceptOnceButton"));
    once->setToolTip(tr("Trust this key until the console closes; known_hosts is not changed"));
    QPushButton *remember =
        buttons->addButton(tr("Accept and remember"), QDialogButtonBox::AcceptRole);
    remember->setObjectName(QStringLiteral("acceptRememberButton"));
    remember->setToolTip(tr("Record the key in %1").arg(knownHostsFile));
    refuse->setDefault(true);
    layout->addWidget(buttons);
    int choice = int(HostKeyChoice::Refuse);
    connect(once, &QPushButton::clicked, &dialog, [&] {
        choice = int(HostKeyChoice::AcceptOnce);
        dialog.accept();
    });
    connect(remember, &QPushButton::clicked, &dialog, [&] {
        choice = int(HostKeyChoice::AcceptRemember);
        dialog.accept();
    });
    connect(refuse, &QPushButton::clicked, &dialog, &QDialog::reject);
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return int(HostKeyChoice::Refuse);
        m_openDialog = &dialog;
    }
    Q_EMIT note(
        tr("Asking whether to trust the host key of %1 (%2 %3).").arg(where, keyType, fingerprint));
    const int result = dialog.exec();
    {
        QMutexLocker lock(&m_mutex);
        m_openDialog = nullptr;
    }
    if (result != QDialog::Accepted)
        choice = int(HostKeyChoice::Refuse);
    Q_EMIT note(choice == int(HostKeyChoice::Refuse) ? tr("Refused the host key of %1.").arg(where)
                : choice == int(HostKeyChoice::AcceptOnce)
                    ? tr("Accepted the host key of %1 for this session.").arg(where)
                    : tr("Accepted and remembered the host key of %1.").arg(where));
    return choice;
}

bool ConsoleSshInteraction::secretDialog(bool passphrase, const QString &what, QByteArray &secret)
{
    QDialog dialog(m_parent);
    dialog.setObjectName(passphrase ? QStringLiteral("passphraseDialog")
                                    : QStringLiteral("passwordDialog"));
    dialog.setWindowTitle(passphrase ? tr("Key passphrase") : tr("Password"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *label = new QLabel(passphrase ? tr("The passphrase of the key %1:").arg(what)
                                        : tr("The password of %1:").arg(what),
                             &dialog);
    label->setWordWrap(true);
    layout->addWidget(label);
    auto *edit = new QLineEdit(&dialog);
    edit->setObjectName(QStringLiteral("secretEdit"));
    edit->setEchoMode(QLineEdit::Password);
    layout->addWidget(edit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    {
        QMutexLocker lock(&m_mutex);
        if (m_cancelled)
            return false;
        m_openDialog = &dialog;
    }
    Q_EMIT note(passphrase ? tr("Asking for the passphrase of %1.").arg(what)
                           : tr("Asking for the password of %1.").arg(what));
    const bool ok = dialog.exec() == QDialog::Accepted;
    {
        QMutexLocker lock(&m_mutex);
        m_openDialog = nullptr;
    }
    if (ok)
        secret = edit->text().toUtf8();
    // Overwrite the field's text before the widget goes.
    edit->setText(QString(edit->text().size(), QLatin1Char(' ')));
    edit->clear();
    return ok;
}

} // namespace edgegpt
