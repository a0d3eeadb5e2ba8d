// ConsoleSshInteraction: how the console answers what an SSH connection asks (SshInteraction),
// with dialogs on the GUI thread and never a terminal.
//
// The questions come from FleetOperation's worker threads. Each one is posted to the GUI thread
// and the worker waits for the answer (checking every 100 ms whether it was cancelled), while the
// GUI thread keeps running its event loop (the dialog's own). Many hosts may ask at once: one
// dialog at a time, the rest wait. cancel() releases every waiting worker with "no".
//   - An unknown host key: a dialog (objectName "hostKeyDialog") with the host, the key type and
//     its SHA-256 fingerprint, and three buttons: Refuse ("refuseButton"), Accept once
//     ("acceptOnceButton": the key is trusted for this console session and is not written to the
//     known_hosts file) and Accept and remember ("acceptRememberButton": recorded in known_hosts).
//   - A key passphrase or a password: a dialog ("passphraseDialog" / "passwordDialog") with a
//     password field ("secretEdit"); Cancel declines. The text is copied into the caller's
//     SecretBytes and the field is cleared.
// Scripted use (--deploy without a person): no dialogs; new host keys are accepted only when
// the caller said so (--accept-new-host-key), and no passphrase or password is given.
// A changed host key is never asked about: SshSession refuses it, and the console shows the
// refusal (hostKeyChangedMessage) without any way to accept it.
#pragma once

#include "core/fleet/SshSession.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>

class QSemaphore;

namespace edgegpt {

class ConsoleSshInteraction : public QObject, public SshInteraction
{
    Q_OBJECT
public:
    enum class HostKeyChoice { Refuse, AcceptOnce, AcceptRemember };

    // Dialogs are parented to `dialogParent` (may be null). Create on the GUI thread.
    explicit ConsoleSshInteraction(QWidget *dialogParent, QObject *parent = nullptr);

    // No dialogs: accept new host keys or not, never a secret.
    void setScripted(bool scripted, bool acceptNewHostKeys = false);
    bool isScripted() const;
    // Declines every question from now on (and closes an open dialog) until reset().
    void cancel();
    void reset();

    // Fingerprints accepted for this session only, and those to be remembered.
    bool isAcceptedOnce(const QString &fingerprint) const;
    bool isRemembered(const QString &fingerprint) const;

    // SshInteraction: called on worker threads (or the GUI thread: answered directly).
    bool acceptNewHostKey(const HostKey &key) override;
    bool askPassphrase(const QString &keyDescription, SecretBytes &secret) override;
    bool askPassword(const QString &userAtHost, SecretBytes &secret) override;

    // The text shown for a refused changed host key (a report message from SshSession).
    static bool isChangedHostKey(const QString &message);

Q_SIGNALS:
    // A question was asked or answered, for the log (never carries a secret).
    void note(const QString &text);

private:
    int hostKeyDialog(const QString &host, int port, const QString &keyType,
                      const QString &fingerprint, const QString &knownHostsFile);
    // Fills `secret`; returns whether the person gave one.
    bool secretDialog(bool passphrase, const QString &what, QByteArray &secret);
    bool askSecret(bool passphrase, const QString &what, SecretBytes &secret);
    bool onGui(const std::function<void()> &ask, QSemaphore &done);
    bool onGuiThread() const;
    bool isCancelled() const;

    QPointer<QWidget> m_parent;
    mutable QMutex m_mutex; // the fields below
    QMutex m_questionMutex; // one question at a time
    bool m_scripted = false;
    bool m_acceptNew = false;
    bool m_cancelled = false;
    QSet<QString> m_once;     // fingerprints
    QSet<QString> m_remember; // fingerprints
    QPointer<QWidget> m_openDialog;
};

} // namespace edgegpt
