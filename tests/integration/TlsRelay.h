// TlsRelay: a man in the middle for the tests of TLS (docs/protocol.md, "Transport security"). A
// QTcpServer on loopback that forwards every connection to a target port, records every byte it
// passes, and on the client-to-server direction cuts the stream into TLS records (5-byte header:
// type, version, length) so that it can tamper with the k-th application-data record (type 23)
// of the first connection (or of the next one after arm()): flip a byte of it, send it twice
// (replay), hold it and send it after the next one (reorder), or put a forged record of the same
// length before it (inject). Other connections pass untouched. dropConnections() cuts every
// connection, so that a peer that reconnects comes through again (the deployed device does).
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtEndian>

class TlsRelay : public QObject
{
public:
    enum class Attack { None, Flip, Replay, Reorder, Inject };

    TlsRelay(quint16 targetPort, Attack attack = Attack::None, int attackAt = 1)
        : m_target(targetPort)
        , m_attack(attack)
        , m_attackAt(attackAt)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *in = m_server.nextPendingConnection()) {
                const bool first = m_connections++ == m_attackConnection;
                auto *out = new QTcpSocket(in);
                auto *pending = new QByteArray;
                out->connectToHost(QHostAddress::LocalHost, m_target);
                connect(in, &QTcpSocket::readyRead, out, [this, in, out, pending, first] {
                    const QByteArray b = in->readAll();
                    recorded += b;
                    if (!first || m_attack == Attack::None) {
                        out->write(b);
                        return;
                    }
                    *pending += b;
                    forwardRecords(*pending, out);
                });
                connect(out, &QTcpSocket::readyRead, in, [this, in, out] {
                    const QByteArray b = out->readAll();
                    recorded += b;
                    in->write(b);
                });
                connect(in, &QObject::destroyed, this, [pending] { delete pending; });
                connect(in, &QTcpSocket::disconnected, out, &QTcpSocket::disconnectFromHost);
                connect(out, &QTcpSocket::disconnected, in, &QTcpSocket::disconnectFromHost);
            }
        });
        m_server.listen(QHostAddress::LocalHost);
    }

    quint16 port() const { return m_server.serverPort(); }
    // Attacks the next connection (the k-th application-data record of it), not the first.
    void arm(Attack attack, int attackAt)
    {
        m_attack = attack;
        m_attackAt = attackAt;
        m_attackConnection = m_connections;
        m_appRecords = 0;
        m_done = false;
        m_held.clear();
    }
    // Closes every connection passing through (both sides see the peer go).
    void dropConnections()
    {
        for (QTcpSocket *in : m_server.findChildren<QTcpSocket *>(Qt::FindDirectChildrenOnly)) {
            for (QTcpSocket *out : in->findChildren<QTcpSocket *>())
                out->abort();
            in->abort();
        }
    }
    // Whether the attack has been carried out (the k-th record was seen and tampered with).
    bool attacked() const { return m_done; }
    int connections() const { return m_connections; }

    QByteArray recorded; // every byte, both directions, all connections

private:
    void forwardRecords(QByteArray &pending, QTcpSocket *out)
    {
        while (pending.size() >= 5) {
            const int length = qFromBigEndian<quint16>(pending.constData() + 3);
            if (pending.size() < 5 + length)
                return;
            QByteArray record = pending.left(5 + length);
            pending.remove(0, 5 + length);
            const bool appData = quint8(record[0]) == 23;
            if (appData && !m_done)
                ++m_appRecords;
            if (m_held.size() > 0) {
                // Reorder: the next record goes first, then the held one.
                out->write(record);
                out->write(m_held);
                m_held.clear();
                m_done = true;
                continue;
            }
            if (!appData || m_done || m_appRecords != m_attackAt) {
                out->write(record);
                continue;
            }
            switch (m_attack) {
            case Attack::Flip:
                record[record.size() / 2 + 2] = char(record[record.size() / 2 + 2] ^ 0x01);
                out->write(record);
                m_done = true;
                break;
            case Attack::Replay:
                out->write(record);
                out->write(record);
                m_done = true;
                break;
            case Attack::Reorder:
                m_held = record;
                break;
            case Attack::Inject: {
                // A record of the right type and length whose content the relay made up.
                QByteArray forged = record;
                for (qsizetype i = 5; i < forged.size(); ++i)
                    forged[i] = char(i * 37);
                out->write(forged);
                out->write(record);
                m_done = true;
                break;
            }
            case Attack::None:
                out->write(record);
                break;
            }
        }
    }

    QTcpServer m_server;
    quint16 m_target;
    Attack m_attack;
    int m_attackAt;
    int m_connections = 0;
    int m_attackConnection = 0;
    int m_appRecords = 0;
    bool m_done = false;
    QByteArray m_held;
};
