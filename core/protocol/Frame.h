// The framed wire protocol between the console and the agents and between agents (byte layout in
// docs/protocol.md). A frame is a fixed 24-byte header (magic, version, type, flags, request id,
// control and payload lengths, header CRC-32), a CBOR control map, an opaque payload (e.g. a
// FeatureCodec tensor) and a CRC-32 of control + payload. All integers are big-endian.
//
// FrameReader treats its input as hostile: it accepts arbitrary chunks, checks every field as soon
// as the bytes that hold it have arrived (a 4 GiB announcement is refused from the header alone,
// before anything is allocated), never buffers more than one frame and stops at the first bad
// byte with a one-line error: a byte stream cannot be resynchronised after a bad frame.
#pragma once

#include "core/util/Result.h"

#include <QByteArray>
#include <QCborMap>
#include <QString>

#include <deque>

namespace edgegpt {

enum class FrameType : quint8 {
    Hello = 1,     // client -> server: protocol version, name, role, client nonce
    Challenge = 2, // server -> client: server nonce
    Response = 3,  // client -> server: the client's HMAC proof
    Ok = 4,        // server -> client: the server's HMAC proof; both sides are authenticated
    Error = 5,     // either way: code + message; answers a request (by id) or ends a connection
    Ping = 6,
    Pong = 7,
    InferRequest = 16, // a feature (FeatureCodec payload) to run through the tail of a model
    InferResult = 17,  // the class, top-k scores and timings of one request
    MetricsSubscribe = 32,
    MetricsUpdate = 33,
    LinkSettings = 34,    // console -> device agent: change its shaped uplink while it runs
    LinkSettingsAck = 35, // device agent -> console (same id): the settings now in effect
    RunInputs = 40,       // console -> device agent: run N inputs (or continuous at a rate)
    RunInputsAck = 41,    // device agent -> console (same id): accepted
    RunResult = 42,       // device agent -> console (the run's id): one input's answer
    RunDone = 43,         // device agent -> console (the run's id): the N are done
    StopInputs = 44,      // console -> device agent: stop the run in progress
    StopInputsAck = 45,   // device agent -> console (same id): stopped
    StatusRequest = 48,   // console -> any agent: what it reports about itself
    StatusReply = 49,     // agent -> console (same id)
    FlJoin = 56,          // federated learning, device -> aggregator: its shard (docs/federated.md)
    FlRound = 57,         // aggregator -> device: a round's settings and the global weights
    FlUpdate = 58,        // device -> aggregator (the round's id): its trained weights' update
};

// The type's name as written in docs/protocol.md and in error messages ("infer-request"); an
// empty string for a value that is not a FrameType.
QString frameTypeName(quint8 type);
bool isKnownFrameType(quint8 type);
// Hello, Challenge, Response, Ok and Error: the only frames accepted before authentication.
bool isHandshakeFrameType(FrameType type);

struct Frame
{
    FrameType type = FrameType::Ping;
    // Chosen by the side that sends a request; a reply (result, error, pong) echoes it. 0 means
    // "not tied to a request".
    quint32 requestId = 0;
    QCborMap control;
    QByteArray payload;

    bool operator==(const Frame &o) const
    {
        return type == o.type && requestId == o.requestId && control == o.control &&
               payload == o.payload;
    }
    bool operator!=(const Frame &o) const { return !(*this == o); }
};

struct FrameLimits
{
    static constexpr qint64 defaultMaxFrameBytes = 16 * 1024 * 1024;
    static constexpr qint64 defaultMaxControlBytes = 1024 * 1024;
    // The whole frame: header, control, payload and trailer.
    qint64 maxFrameBytes = defaultMaxFrameBytes;
    // The CBOR control map alone (it is decoded into a tree of values, so keep it small).
    qint64 maxControlBytes = defaultMaxControlBytes;
};

namespace frame_format {
constexpr char magic[4] = {'E', 'G', 'P', 'F'};
constexpr quint8 version = 1;
constexpr int headerBytes = 24;
constexpr int trailerBytes = 4;
constexpr int overheadBytes = headerBytes + trailerBytes;
// Between agents every frame travels in TLS (PeerConnection, ECDHE-PSK-CHACHA20-POLY1305): each
// write becomes records of at most 16 KiB of plaintext, each adding a 5-byte header and a 16-byte
// Poly1305 tag. An unshaped frame is one write.
constexpr int tlsRecordOverheadBytes = 5 + 16;
constexpr int tlsRecordMaxPlaintext = 16384;
} // namespace frame_format

// The frame's bytes, or an error if it does not fit the limits (a programming error of the sender
// or a payload that needs a larger limit).
Result<QByteArray> encodeFrame(const Frame &frame, const FrameLimits &limits = {});

class FrameReader
{
public:
    enum class Failure {
        None,
        BadMagic,
        UnsupportedVersion,
        HeaderCrcMismatch,
        BadFlags,
        UnknownType,
        Oversized,
        CrcMismatch,
        BadControl,
        Truncated,
    };

    explicit FrameReader(const FrameLimits &limits = {});

    // Appends bytes from the stream and decodes every frame they complete (see next()). Once the
    // reader has failed it ignores everything; returns false then.
    bool feed(const char *data, qint64 size);
    bool feed(const QByteArray &bytes) { return feed(bytes.constData(), bytes.size()); }
    // The end of the stream: a partial frame left over becomes a Truncated failure.
    void finish();

    bool hasFrame() const { return !m_frames.empty(); }
    // The oldest decoded frame not taken yet (call only when hasFrame()).
    Frame takeFrame();
    qint64 pendingFrames() const { return qint64(m_frames.size()); }

    bool failed() const { return m_failure != Failure::None; }
    Failure failure() const { return m_failure; }
    // One line, e.g. "frame announces 4294967323 bytes, more than the limit of 16777216".
    const QString &error() const { return m_error; }

    // Bytes of the frame in progress held in memory (at most the frame's announced size, which
    // is at most maxFrameBytes).
    qint64 bufferedBytes() const { return m_buffer.size(); }
    // Whether the stream is between two frames (nothing partial buffered).
    bool atFrameBoundary() const { return m_buffer.isEmpty(); }
    const FrameLimits &limits() const { return m_limits; }
    // New limits for the frames whose header has not been read yet (e.g. larger ones once the
    // peer is authenticated).
    void setLimits(const FrameLimits &limits) { m_limits = limits; }

private:
    bool checkHeaderPrefix();
    bool checkHeader();
    bool finishFrame();
    void fail(Failure failure, const QString &message);

    FrameLimits m_limits;
    QByteArray m_buffer;
    // The size of the frame in progress once its header has been checked, else 0.
    qint64 m_frameBytes = 0;
    qint64 m_offset = 0; // stream offset of the frame in progress, for messages
    std::deque<Frame> m_frames;
    Failure m_failure = Failure::None;
    QString m_error;
};

} // namespace edgegpt
