#include "core/protocol/Frame.h"

#include <QCborParserError>
#include <QCborValue>
#include <QtEndian>

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace edgegpt {

namespace {

quint32 crc32Of(const char *data, qint64 size)
{
    return quint32(crc32_z(0L, reinterpret_cast<const Bytef *>(data), z_size_t(size)));
}

quint32 readU32(const char *p)
{
    return qFromBigEndian<quint32>(p);
}

QString hexBytes(const char *p, int n)
{
    return QString::fromLatin1(QByteArray(p, n).toHex());
}

} // namespace

QString frameTypeName(quint8 type)
{
    switch (FrameType(type)) {
    case FrameType::Hello:
        return QStringLiteral("hello");
    case FrameType::Challenge:
        return QStringLiteral("challenge");
    case FrameType::Response:
        return QStringLiteral("response");
    case FrameType::Ok:
        return QStringLiteral("ok");
    case FrameType::Error:
        return QStringLiteral("error");
    case FrameType::Ping:
        return QStringLiteral("ping");
    case FrameType::Pong:
        return QStringLiteral("pong");
    case FrameType::InferRequest:
        return QStringLiteral("infer-request");
    case FrameType::InferResult:
        return QStringLiteral("infer-result");
    case FrameType::MetricsSubscribe:
        return QStringLiteral("metrics-subscribe");
    case FrameType::MetricsUpdate:
        return QStringLiteral("metrics-update");
    case FrameType::LinkSettings:
        return QStringLiteral("link-settings");
    case FrameType::LinkSettingsAck:
        return QStringLiteral("link-settings-ack");
    case FrameType::RunInputs:
        return QStringLiteral("run-inputs");
    case FrameType::RunInputsAck:
        return QStringLiteral("run-inputs-ack");
    case FrameType::RunResult:
        return QStringLiteral("run-result");
    case FrameType::RunDone:
        return QStringLiteral("run-done");
    case FrameType::StopInputs:
        return QStringLiteral("stop-inputs");
    case FrameType::StopInputsAck:
        return QStringLiteral("stop-inputs-ack");
    case FrameType::StatusRequest:
        return QStringLiteral("status-request");
    case FrameType::StatusReply:
        return QStringLiteral("status-reply");
    case FrameType::FlJoin:
        return QStringLiteral("fl-join");
    case FrameType::FlRound:
        return QStringLiteral("fl-round");
    case FrameType::FlUpdate:
        return QStringLiteral("fl-update");
    }
    return QString();
}

bool isKnownFrameType(quint8 type)
{
    return !frameTypeName(type).isEmpty();
}

bool isHandshakeFrameType(FrameType type)
{
    return type == FrameType::Hello || type == FrameType::Challenge ||
           type == FrameType::Response || type == FrameType::Ok || type == FrameType::Error;
}

Result<QByteArray> encodeFrame(const Frame &frame, const FrameLimits &limits)
{
    using namespace frame_format;
    // An empty map is sent as no bytes at all: most replies carry nothing but their type.
    const QByteArray control =
        frame.control.isEmpty()
            ? QByteArray()
            // A double that a float32 or float16 holds exactly takes 5 or 3 bytes, not 9.
            : QCborValue(frame.control)
                  .toCbor(QCborValue::EncodingOptions(QCborValue::UseFloat) |
                          QCborValue::UseFloat16);
    const qint64 total = qint64(overheadBytes) + control.size() + frame.payload.size();
    if (control.size() > limits.maxControlBytes)
        return Result<QByteArray>::failure(
            QStringLiteral("%1 frame: control map of %2 bytes exceeds the limit of %3")
                .arg(frameTypeName(quint8(frame.type)))
                .arg(control.size())
                .arg(limits.maxControlBytes));
    if (total > limits.maxFrameBytes)
        return Result<QByteArray>::failure(
            QStringLiteral("%1 frame of %2 bytes exceeds the limit of %3")
                .arg(frameTypeName(quint8(frame.type)))
                .arg(total)
                .arg(limits.maxFrameBytes));
    if (!isKnownFrameType(quint8(frame.type)))
        return Result<QByteArray>::failure(
            QStringLiteral("unknown frame type %1").arg(int(frame.type)));

    QByteArray out(qsizetype(total), Qt::Uninitialized);
    char *p = out.data();
    std::memcpy(p, magic, 4);
    p[4] = char(version);
    p[5] = char(frame.type);
    qToBigEndian<quint16>(0, p + 6);
    qToBigEndian<quint32>(frame.requestId, p + 8);
    qToBigEndian<quint32>(quint32(control.size()), p + 12);
    qToBigEndian<quint32>(quint32(frame.payload.size()), p + 16);
    qToBigEndian<quint32>(crc32Of(p, 20), p + 20);
    char *body = p + headerBytes;
    if (!control.isEmpty())
        std::memcpy(body, control.constData(), size_t(control.size()));
    if (!frame.payload.isEmpty())
        std::memcpy(body + control.size(), frame.payload.constData(), size_t(frame.payload.size()));
    const qint64 bodyBytes = control.size() + frame.payload.size();
    qToBigEndian<quint32>(crc32Of(body, bodyBytes), body + bodyBytes);
    return out;
}

FrameReader::FrameReader(const FrameLimits &limits)
    : m_limits(limits)
{}

void FrameReader::fail(Failure failure, const QString &message)
{
    m_failure = failure;
    m_error = message;
    // Nothing after a bad frame can be trusted; drop what is held.
    m_buffer = QByteArray();
    m_frameBytes = 0;
}

// Checks magic and version as soon as their bytes are there, so that a stream of garbage (or an
// HTTP request on the wrong port) is refused at its first bytes instead of after a header.
bool FrameReader::checkHeaderPrefix()
{
    using namespace frame_format;
    const qint64 n = std::min<qint64>(m_buffer.size(), 4);
    if (std::memcmp(m_buffer.constData(), magic, size_t(n)) != 0) {
        const int shown = int(std::min<qint64>(m_buffer.size(), 4));
        fail(Failure::BadMagic,
             QStringLiteral("bad magic 0x%1 at stream offset %2 (expected 0x%3 'EGPF'): not an "
                            "EdgeGPT frame stream")
                 .arg(hexBytes(m_buffer.constData(), shown))
                 .arg(m_offset)
                 .arg(hexBytes(magic, shown)));
        return false;
    }
    if (m_buffer.size() > 4 && quint8(m_buffer[4]) != version) {
        fail(Failure::UnsupportedVersion,
             QStringLiteral("unsupported frame version %1 (this side speaks version %2)")
                 .arg(quint8(m_buffer[4]))
                 .arg(version));
        return false;
    }
    return true;
}

bool FrameReader::checkHeader()
{
    using namespace frame_format;
    const char *p = m_buffer.constData();
    const quint32 headerCrc = readU32(p + 20);
    if (crc32Of(p, 20) != headerCrc) {
        fail(Failure::HeaderCrcMismatch,
             QStringLiteral("header CRC mismatch at stream offset %1 (computed 0x%2, header says "
                            "0x%3)")
                 .arg(m_offset)
                 .arg(crc32Of(p, 20), 8, 16, QLatin1Char('0'))
                 .arg(headerCrc, 8, 16, QLatin1Char('0')));
        return false;
    }
    const quint16 flags = qFromBigEndian<quint16>(p + 6);
    if (flags != 0) {
        fail(Failure::BadFlags, QStringLiteral("frame flags 0x%1 set; version 1 defines none")
                                    .arg(flags, 4, 16, QLatin1Char('0')));
        return false;
    }
    const quint8 type = quint8(p[5]);
    if (!isKnownFrameType(type)) {
        fail(Failure::UnknownType, QStringLiteral("unknown frame type %1").arg(type));
        return false;
    }
    const qint64 controlBytes = readU32(p + 12);
    const qint64 payloadBytes = readU32(p + 16);
    // 64-bit sums: two 32-bit lengths cannot overflow them.
    const qint64 total = qint64(overheadBytes) + controlBytes + payloadBytes;
    if (controlBytes > m_limits.maxControlBytes) {
        fail(Failure::Oversized,
             QStringLiteral("%1 frame announces a control map of %2 bytes, more than the limit "
                            "of %3")
                 .arg(frameTypeName(type))
                 .arg(controlBytes)
                 .arg(m_limits.maxControlBytes));
        return false;
    }
    if (total > m_limits.maxFrameBytes) {
        fail(Failure::Oversized,
             QStringLiteral("%1 frame announces %2 bytes, more than the limit of %3")
                 .arg(frameTypeName(type))
                 .arg(total)
                 .arg(m_limits.maxFrameBytes));
        return false;
    }
    m_frameBytes = total;
    return true;
}

bool FrameReader::finishFrame()
{
    using namespace frame_format;
    const char *p = m_buffer.constData();
    const qint64 controlBytes = readU32(p + 12);
    const qint64 bodyBytes = m_frameBytes - overheadBytes;
    const quint32 stated = readU32(p + headerBytes + bodyBytes);
    const quint32 computed = crc32Of(p + headerBytes, bodyBytes);
    const quint8 type = quint8(p[5]);
    if (stated != computed) {
        fail(Failure::CrcMismatch,
             QStringLiteral("%1 frame at stream offset %2: CRC mismatch (computed 0x%3, frame "
                            "says 0x%4)")
                 .arg(frameTypeName(type))
                 .arg(m_offset)
                 .arg(computed, 8, 16, QLatin1Char('0'))
                 .arg(stated, 8, 16, QLatin1Char('0')));
        return false;
    }
    Frame frame;
    frame.type = FrameType(type);
    frame.requestId = readU32(p + 8);
    if (controlBytes > 0) {
        const QByteArray cbor = QByteArray::fromRawData(p + headerBytes, qsizetype(controlBytes));
        QCborParserError parseError;
        const QCborValue value = QCborValue::fromCbor(cbor, &parseError);
        if (parseError.error != QCborError::NoError || !value.isMap()) {
            fail(Failure::BadControl,
                 QStringLiteral("%1 frame at stream offset %2: control is not a CBOR map (%3)")
                     .arg(frameTypeName(type))
                     .arg(m_offset)
                     .arg(parseError.error != QCborError::NoError
                              ? parseError.errorString()
                              : QStringLiteral("a single CBOR map expected")));
            return false;
        }
        // fromCbor() stops after the first value; trailing bytes would be smuggled data.
        if (parseError.offset != qsizetype(controlBytes)) {
            fail(Failure::BadControl,
                 QStringLiteral("%1 frame at stream offset %2: %3 bytes after the control map")
                     .arg(frameTypeName(type))
                     .arg(m_offset)
                     .arg(controlBytes - parseError.offset));
            return false;
        }
        frame.control = value.toMap();
    }
    frame.payload = QByteArray(p + headerBytes + controlBytes, qsizetype(bodyBytes - controlBytes));
    m_frames.push_back(std::move(frame));
    m_offset += m_frameBytes;
    m_buffer.clear();
    m_frameBytes = 0;
    return true;
}

bool FrameReader::feed(const char *data, qint64 size)
{
    using namespace frame_format;
    while (size > 0 && !failed()) {
        // Take only what the current stage needs, so the buffer never holds more than one frame.
        const qint64 want = m_frameBytes > 0 ? m_frameBytes : headerBytes;
        const qint64 take = std::min<qint64>(size, want - m_buffer.size());
        m_buffer.append(data, qsizetype(take));
        data += take;
        size -= take;
        if (m_frameBytes == 0) {
            if (!checkHeaderPrefix())
                break;
            if (m_buffer.size() == headerBytes && !checkHeader())
                break;
        }
        if (m_frameBytes > 0 && m_buffer.size() == m_frameBytes && !finishFrame())
            break;
    }
    return !failed();
}

void FrameReader::finish()
{
    if (failed() || m_buffer.isEmpty())
        return;
    const qint64 have = m_buffer.size();
    const qint64 want = m_frameBytes > 0 ? m_frameBytes : frame_format::headerBytes;
    fail(Failure::Truncated,
         QStringLiteral("stream ended inside a frame at offset %1 (%2 of %3 %4 bytes)")
             .arg(m_offset)
             .arg(have)
             .arg(want)
             .arg(m_frameBytes > 0 ? QStringLiteral("frame") : QStringLiteral("header")));
}

Frame FrameReader::takeFrame()
{
    Frame f = std::move(m_frames.front());
    m_frames.pop_front();
    return f;
}

} // namespace edgegpt
