// Loading the console's translations (compiled into the program from translations/*.ts) and
// Qt's own, by language code.
#pragma once

#include <QString>
#include <QStringList>

class QCoreApplication;

namespace edgegpt {

// "en", "zh_CN", "ko".
QStringList availableLanguages();
// The language to use: `requested` when given, else the system locale when we have it, else en.
QString chooseLanguage(const QString &requested);
// Installs the translators for `language` on the application (none for "en"); returns whether
// the console's own translation was found.
bool installTranslations(QCoreApplication *app, const QString &language);

} // namespace edgegpt
