// JsonReader: typed access to an untrusted JSON document that collects every problem with the
// file name and the JSON path it concerns ("models.json: $.models[3].gflops: expected a number").
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace edgegpt {

class JsonReader
{
public:
    explicit JsonReader(QString fileName)
        : m_file(std::move(fileName))
    {}

    // Parses `bytes`; on a syntax error records it (with the byte offset) and returns false.
    bool parse(const QByteArray &bytes, QJsonValue *root);

    // Field readers. `path` is the path of `obj`; missing required fields and wrong types are
    // recorded; the fallback is returned so that reading can go on and report everything.
    QString string(const QJsonObject &obj, const QString &path, const QString &key,
                   bool required = true, const QString &fallback = {});
    double number(const QJsonObject &obj, const QString &path, const QString &key,
                  bool required = true, double fallback = 0);
    bool boolean(const QJsonObject &obj, const QString &path, const QString &key, bool fallback);
    QStringList stringList(const QJsonObject &obj, const QString &path, const QString &key,
                           bool required = true);
    QJsonArray array(const QJsonObject &obj, const QString &path, const QString &key,
                     bool required = true);
    QJsonObject object(const QJsonValue &value, const QString &path);

    void error(const QString &path, const QString &message);
    bool hasErrors() const { return !m_errors.isEmpty(); }
    const QStringList &errors() const { return m_errors; }
    QString joinedErrors() const { return m_errors.join(QLatin1Char('\n')); }

    static QString child(const QString &path, const QString &key)
    {
        return path + QLatin1Char('.') + key;
    }
    static QString index(const QString &path, qsizetype i)
    {
        return path + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
    }

private:
    QString m_file;
    QStringList m_errors;
};

} // namespace edgegpt
