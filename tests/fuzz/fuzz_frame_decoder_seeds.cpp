// Seeds for fuzz_frame_decoder: one valid frame of every type carrying its message schema, an
// empty frame and a stream of several frames, each also behind the CRC-repair marker.
#include "FuzzSeeds.h"

#include "core/protocol/Frame.h"
#include "core/protocol/Messages.h"

using namespace edgegpt;

namespace {

std::string bytesOf(const Frame &f)
{
    const Result<QByteArray> r = encodeFrame(f);
    return r.ok() ? std::string(r->constData(), size_t(r->size())) : std::string();
}

} // namespace

std::vector<std::string> edgegptFuzzSeeds()
{
    std::vector<std::string> seeds;
    HelloMessage hello;
    hello.name = QStringLiteral("device-1");
    hello.role = QStringLiteral("device");
    hello.nonce = QByteArray(handshakeNonceBytes, 'n');
    ChallengeMessage challenge;
    challenge.nonce = QByteArray(handshakeNonceBytes, 's');
    ResponseMessage response;
    response.proof = QByteArray(32, 'p');
    OkMessage ok;
    ok.proof = QByteArray(32, 'q');
    ok.name = QStringLiteral("edge-1");
    ErrorMessage error{QStringLiteral("bad-frame"), QStringLiteral("CRC mismatch")};
    PingMessage ping;
    ping.sentMs = 123456;
    InferRequestMessage req;
    req.model = QStringLiteral("splitnet");
    req.split = QStringLiteral("block2");
    req.codec = QStringLiteral("q8-tensor-z3");
    req.encodeMs = 0.5;
    InferResultMessage res;
    res.classIndex = 4;
    res.topK = {{4, 0.8}, {2, 0.1}};
    res.edgeComputeMs = 3;
    MetricsSubscribeMessage sub;
    MetricsUpdateMessage up;
    up.timeMs = 1000;
    RequestMetrics q;
    q.requestId = 3;
    q.totalMs = 9;
    q.bytes = 100;
    up.requests.append(q);
    LinkSettingsMessage link;
    link.rateKBps = 250;
    link.loss = 0.01;
    RunInputsMessage runInputs;
    runInputs.count = 5;
    runInputs.ratePerSecond = 2;
    RunInputsAckMessage runAck;
    runAck.accepted = 5;
    RunResultMessage runResult;
    runResult.index = 2;
    runResult.input = QStringLiteral("0003.png");
    runResult.model = QStringLiteral("fashion-mnist-cnn");
    runResult.ok = true;
    runResult.predicted = 7;
    runResult.label = QStringLiteral("Sneaker");
    runResult.split = QStringLiteral("fc1");
    runResult.codec = QStringLiteral("q8-tensor-z3");
    runResult.deviceMs = 1.5;
    runResult.totalMs = 4;
    RunDoneMessage runDone;
    runDone.answered = 5;
    StatusReplyMessage status;
    status.role = QStringLiteral("edge");
    status.requests = 12;
    status.medianMs = 3.5;
    status.models = {QStringLiteral("cnn"), QStringLiteral("resnet")};

    std::string stream;
    for (const Frame &f : {makeFrame(FrameType::Hello, hello, 0),
                           makeFrame(FrameType::Challenge, challenge, 0),
                           makeFrame(FrameType::Response, response, 0),
                           makeFrame(FrameType::Ok, ok, 0),
                           makeFrame(FrameType::Error, error, 7),
                           makeFrame(FrameType::Ping, ping, 8),
                           makeFrame(FrameType::Pong, ping, 8),
                           makeFrame(FrameType::InferRequest, req, 9, QByteArray(64, '\x11')),
                           makeFrame(FrameType::InferResult, res, 9),
                           makeFrame(FrameType::MetricsSubscribe, sub, 10),
                           makeFrame(FrameType::MetricsUpdate, up, 0),
                           makeFrame(FrameType::LinkSettings, link, 11),
                           makeFrame(FrameType::LinkSettingsAck, link, 11),
                           makeFrame(FrameType::RunInputs, runInputs, 12),
                           makeFrame(FrameType::RunInputsAck, runAck, 12),
                           makeFrame(FrameType::RunResult, runResult, 12),
                           makeFrame(FrameType::RunDone, runDone, 12),
                           makeFrame(FrameType::StopInputs, EmptyMessage{}, 13),
                           makeFrame(FrameType::StopInputsAck, runDone, 13),
                           makeFrame(FrameType::StatusRequest, EmptyMessage{}, 14),
                           makeFrame(FrameType::StatusReply, status, 14)}) {
        seeds.push_back(bytesOf(f));
        stream += seeds.back();
    }
    seeds.push_back(stream);
    // The same with the "repair my CRCs" marker (see fuzz_frame_decoder.cpp), one per frame too.
    const size_t frames = seeds.size();
    for (size_t i = 0; i < frames; ++i)
        seeds.push_back("\xFF" + seeds[i]);
    Frame empty;
    empty.type = FrameType::Pong;
    seeds.push_back(bytesOf(empty));
    return seeds;
}
