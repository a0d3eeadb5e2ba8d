#include "core/util/JsonReader.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace edgegpt {

bool JsonReader::parse(const QByteArray &bytes, QJsonValue *root)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError) {
        error(QStringLiteral("$"),
              QStringLiteral("invalid JSON at byte %1: %2").arg(err.offset).arg(err.errorString()));
        return false;
    }
    *root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    return true;
}

void JsonReader::error(const QString &path, const QString &message)
{
    m_errors << (m_file.isEmpty() ? QString() : m_file + QStringLiteral(": ")) + path +
                    QStringLiteral(": ") + message;
}

QString JsonReader::string(const QJsonObject &obj, const QString &path, const QString &key,
                           bool required, const QString &fallback)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            error(child(path, key), QStringLiteral("missing (expected a string)"));
        return fallback;
    }
    if (!v.isString()) {
        error(child(path, key), QStringLiteral("expected a string"));
        return fallback;
    }
    return v.toString();
}

double JsonReader::number(const QJsonObject &obj, const QString &path, const QString &key,
                          bool required, double fallback)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            error(child(path, key), QStringLiteral("missing (expected a number)"));
        return fallback;
    }
    if (!v.isDouble()) {
        error(child(path, key), QStringLiteral("expected a number"));
        return fallback;
    }
    return v.toDouble();
}

bool JsonReader::boolean(const QJsonObject &obj, const QString &path, const QString &key,
                         bool fallback)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool()) {
        error(child(path, key), QStringLiteral("expected true or false"));
        return fallback;
    }
    return v.toBool();
}

QStringList JsonReader::stringList(const QJsonObject &obj, const QString &path, const QString &key,
                                   bool required)
{
    QStringList out;
    const QJsonValue v = obj.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            error(child(path, key), QStringLiteral("missing (expected an array of strings)"));
        return out;
    }
    if (!v.isArray()) {
        error(child(path, key), QStringLiteral("expected an array of strings"));
        return out;
    }
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!a.at(i).isString())
            error(index(child(path, key), i), QStringLiteral("expected a string"));
        else
            out << a.at(i).toString();
    }
    return out;
}

QJsonArray JsonReader::array(const QJsonObject &obj, const QString &path, const QString &key,
                             bool required)
{
    const QJsonValue v = obj.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            error(child(path, key), QStringLiteral("missing (expected an array)"));
        return {};
    }
    if (!v.isArray()) {
        error(child(path, key), QStringLiteral("expected an array"));
        return {};
    }
    return v.toArray();
}

QJsonObject JsonReader::object(const QJsonValue &value, const QString &path)
{
    if (!value.isObject()) {
        error(path, QStringLiteral("expected an object"));
        return {};
    }
    return value.toObject();
}

} // namespace edgegpt
