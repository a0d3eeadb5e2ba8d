#include "app/console/Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace edgegpt {

QStringList availableLanguages()
{
    return {QStringLiteral("en"), QStringLiteral("zh_CN"), QStringLiteral("ko")};
}

QString chooseLanguage(const QString &requested)
{
    if (availableLanguages().contains(requested))
        return requested;
    const QLocale system;
    if (system.language() == QLocale::Chinese)
        return QStringLiteral("zh_CN");
    if (system.language() == QLocale::Korean)
        return QStringLiteral("ko");
    return QStringLiteral("en");
}

bool installTranslations(QCoreApplication *app, const QString &language)
{
    if (language.isEmpty() || language == QLatin1String("en"))
        return true;
    auto *own = new QTranslator(app);
    const bool found = own->load(QStringLiteral(":/i18n/edgegpt_%1.qm").arg(language));
    if (found)
        app->installTranslator(own);
    else
        delete own;
    // Qt's own strings (standard buttons, context menus), when the system has them.
    auto *qt = new QTranslator(app);
    if (qt->load(QStringLiteral("qtbase_%1").arg(language),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app->installTranslator(qt);
    else
        delete qt;
    return found;
}

} // namespace edgegpt
