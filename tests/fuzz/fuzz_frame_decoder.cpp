// Fuzz target for FrameReader (and the message schemas behind it): arbitrary bytes, fed whole and
// in pieces, must give frames or a one-line error, never a crash, an over-read (ASan in the
// libFuzzer build) or more buffered than one frame. Reading in pieces must give the same frames
// and the same verdict as reading at once, and every decoded frame must encode and decode again
// to an equal frame.
//
// An input that starts with 0xFF is a stream whose CRCs are recomputed before it is read, so
// that mutations get past the checksums into the CBOR parser and the message schemas.
#include "core/fl/FlConfig.h"
#include "core/protocol/Frame.h"
#include "core/protocol/Messages.h"

#include <zlib.h>

#include <QtEndian>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace edgegpt;

namespace {

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz_frame_decoder: invariant broken: %s\n", what);
        std::abort();
    }
}

FrameLimits limits()
{
    FrameLimits l;
    l.maxFrameBytes = 256 * 1024; // small: a fuzzer's inputs are small anyway
    l.maxControlBytes = 64 * 1024;
    return l;
}

struct Outcome
{
    std::vector<Frame> frames;
    FrameReader::Failure failure = FrameReader::Failure::None;
};

Outcome read(const char *data, size_t size, size_t piece)
{
    FrameReader reader(limits());
    Outcome out;
    for (size_t at = 0; at < size; at += piece) {
        const size_t n = size - at < piece ? size - at : piece;
        reader.feed(data + at, qint64(n));
        check(reader.bufferedBytes() <= limits().maxFrameBytes, "buffered more than a frame");
        check(!reader.failed() || reader.bufferedBytes() == 0, "kept bytes after failing");
        while (reader.hasFrame())
            out.frames.push_back(reader.takeFrame());
    }
    reader.finish();
    check(reader.failed() == !reader.error().isEmpty(), "failure without message");
    check(!reader.error().contains(QLatin1Char('\n')), "multi-line error");
    out.failure = reader.failure();
    return out;
}

void parseMessage(const Frame &f)
{
    // The schemas must accept or refuse any map without crashing; the result is not checked.
    switch (f.type) {
    case FrameType::Hello:
        (void)HelloMessage::fromCbor(f.control);
        break;
    case FrameType::Challenge:
        (void)ChallengeMessage::fromCbor(f.control);
        break;
    case FrameType::Response:
        (void)ResponseMessage::fromCbor(f.control);
        break;
    case FrameType::Ok:
        (void)OkMessage::fromCbor(f.control);
        break;
    case FrameType::Error:
        (void)ErrorMessage::fromCbor(f.control);
        break;
    case FrameType::Ping:
    case FrameType::Pong:
        (void)PingMessage::fromCbor(f.control);
        break;
    case FrameType::InferRequest:
        (void)InferRequestMessage::fromCbor(f.control);
        break;
    case FrameType::InferResult:
        (void)InferResultMessage::fromCbor(f.control);
        break;
    case FrameType::MetricsSubscribe:
        (void)MetricsSubscribeMessage::fromCbor(f.control);
        break;
    case FrameType::MetricsUpdate:
        (void)MetricsUpdateMessage::fromCbor(f.control);
        break;
    case FrameType::LinkSettings:
    case FrameType::LinkSettingsAck:
        // Parsing and applying must refuse out-of-range values, never crash.
        if (const Result<LinkSettingsMessage> m = LinkSettingsMessage::fromCbor(f.control))
            (void)m->applyTo(LinkSettings{});
        break;
    case FrameType::RunInputs:
        (void)RunInputsMessage::fromCbor(f.control);
        break;
    case FrameType::RunInputsAck:
        (void)RunInputsAckMessage::fromCbor(f.control);
        break;
    case FrameType::RunResult:
        (void)RunResultMessage::fromCbor(f.control);
        break;
    case FrameType::RunDone:
    case FrameType::StopInputsAck:
        (void)RunDoneMessage::fromCbor(f.control);
        break;
    case FrameType::StopInputs:
    case FrameType::StatusRequest:
        (void)EmptyMessage::fromCbor(f.control);
        break;
    case FrameType::StatusReply:
        (void)StatusReplyMessage::fromCbor(f.control);
        break;
    case FrameType::FlJoin:
        (void)FlJoinMessage::fromCbor(f.control);
        break;
    case FrameType::FlRound:
        (void)FlRoundMessage::fromCbor(f.control);
        break;
    case FrameType::FlUpdate:
        (void)FlUpdateMessage::fromCbor(f.control);
        break;
    }
}

// Rewrites the header and body CRC of every frame whose bytes are all there.
void repairCrcs(std::vector<char> &b)
{
    const auto crc = [](const char *p, size_t n) {
        return quint32(crc32_z(0L, reinterpret_cast<const Bytef *>(p), z_size_t(n)));
    };
    size_t at = 0;
    while (b.size() - at >= size_t(frame_format::headerBytes)) {
        char *h = b.data() + at;
        qToBigEndian<quint32>(crc(h, 20), h + 20);
        const quint64 body =
            quint64(qFromBigEndian<quint32>(h + 12)) + qFromBigEndian<quint32>(h + 16);
        if (body + frame_format::overheadBytes > b.size() - at)
            return;
        char *p = h + frame_format::headerBytes;
        qToBigEndian<quint32>(crc(p, size_t(body)), p + body);
        at += size_t(body) + frame_format::overheadBytes;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = reinterpret_cast<const char *>(data);
    std::vector<char> repaired;
    if (size > 0 && data[0] == 0xFF) {
        repaired.assign(bytes + 1, bytes + size);
        repairCrcs(repaired);
        bytes = repaired.data();
        size = repaired.size();
        data = reinterpret_cast<const uint8_t *>(bytes);
    }
    const Outcome whole = read(bytes, size, size == 0 ? 1 : size);
    // The piece size comes from the input, so the fuzzer explores splits too.
    const size_t piece = size == 0 ? 1 : 1 + data[0] % 37;
    const Outcome pieces = read(bytes, size, piece);
    check(whole.failure == pieces.failure, "verdict depends on how the bytes arrive");
    check(whole.frames.size() == pieces.frames.size(), "frame count depends on the pieces");
    for (size_t i = 0; i < whole.frames.size(); ++i) {
        const Frame &f = whole.frames[i];
        parseMessage(f);
        const Result<QByteArray> again = encodeFrame(f, limits());
        check(again.ok(), "a decoded frame does not encode");
        const Result<QByteArray> fromPieces = encodeFrame(pieces.frames[i], limits());
        check(fromPieces.ok() && *fromPieces == *again, "frame depends on the pieces");
        FrameReader reader(limits());
        check(reader.feed(*again), "a re-encoded frame does not decode");
        // Compared as bytes, not with Frame::operator==: a mutated double may be NaN, which
        // equals nothing, itself included.
        check(reader.hasFrame(), "re-encoded frame differs");
        const Result<QByteArray> twice = encodeFrame(reader.takeFrame(), limits());
        check(twice.ok() && *twice == *again, "re-encoded frame differs");
    }
    return 0;
}
