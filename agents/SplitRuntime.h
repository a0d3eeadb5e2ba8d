// SplitRuntime: what an agent needs from a model, without LibTorch. The agent executable does not
// link LibTorch (loading its ~300 shared libraries and running their static initialisers costs
// about half a second of CPU, seconds on a Jetson, before the agent could answer a handshake);
// the model runtime is a plugin, libedgegpt-runtime.so (agents/TorchRuntime.cpp: ModelRunner and
// SplitCodec), built and deployed next to edgegpt-agent and loaded by the inference thread at
// the first job that needs a model (InferenceThread::runtime()).
//
// The plugin exports two C functions:
//   int edgegpt_split_runtime_interface(void)  the interface version it was built with
//   edgegpt::SplitRuntime *edgegpt_create_split_runtime(int interfaceVersion,
//                                                       const char *modelDirUtf8)
// The loader calls the second only when the first says kSplitRuntimeInterface. Both sides are
// built from this header by the same compiler with the same Qt: the object is used through its
// virtual functions and deleted through its virtual destructor; the plugin is never unloaded.
#pragma once

#include "core/protocol/Messages.h"
#include "core/util/Result.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <memory>

namespace edgegpt {

// Bump on any change of SplitRuntime or the structs below.
// 2: head() takes the image's channel count (grey or RGB; the model's metadata says which).
constexpr int kSplitRuntimeInterface = 2;

struct RuntimeCacheCounters
{
    qint64 hits = 0;
    qint64 misses = 0;
    qint64 loads = 0;
    qint64 evictions = 0;
};

struct HeadOutput
{
    QByteArray payload;    // the encoded feature (or image, at the split "input")
    qint64 predicted = -1; // with an empty codec (the split is the model's output): the class
    double modelMs = 0;    // the head's compute, as measured here (not stretched)
    double encodeMs = 0;   // the codec's, likewise
};

struct TailOutput
{
    InferResultMessage result; // the class, its label and the top 3; the times are below
    double decodeMs = 0;       // measured, not stretched
    double modelMs = 0;
};

class SplitRuntime
{
public:
    virtual ~SplitRuntime() = default;
    // "edgegpt-runtime 0.1.0 (LibTorch 1.13.1)".
    virtual QString version() const = 0;
    // Intra-op threads for the thread that calls head() and tail().
    virtual void setThreads(int threads) = 0;
    // Runs the head of the model on one width×height 8-bit image of `channels` channels (1: grey,
    // 3: RGB, interleaved; models/ModelInput.h) up to `split` and encodes the feature with
    // `codec` (a FeatureCodec name; at "input" an input codec: no model). The image must be of
    // the model's shape (model.json; 28×28 grey for a model trained here), else an error says
    // which it takes. An empty codec means the split is the model's output: the answer is the
    // predicted class instead of a payload.
    virtual Result<HeadOutput> head(const uint8_t *pixels, int width, int height, int channels,
                                    const QString &split, const QString &codec) = 0;
    // Decodes a request's payload (SplitCodec) and runs the tail from `split`; the label is the
    // class name from the model's metadata.
    virtual Result<TailOutput> tail(const QString &split, const QString &codec,
                                    const QByteArray &payload) = 0;
    // The model cache's counters so far (ModelRunner's LRU of model parts).
    virtual RuntimeCacheCounters counters() const = 0;
};

// The plugin's file name, and where the agent looks for it without --runtime: next to the
// running executable (QCoreApplication::applicationDirPath()).
QString runtimeFileName();
QString defaultRuntimeFile();

// Loads the plugin `file` and creates its runtime for `modelDir`. Every way this can fail (no
// such file, not a shared library, not ours, another interface version, the plugin's own error)
// is an error that says which, never a crash.
Result<std::unique_ptr<SplitRuntime>> loadSplitRuntime(const QString &file,
                                                       const QString &modelDir);

} // namespace edgegpt

extern "C" {
using EdgegptSplitRuntimeInterfaceFn = int (*)();
using EdgegptCreateSplitRuntimeFn = edgegpt::SplitRuntime *(*)(int interfaceVersion,
                                                               const char *modelDirUtf8);
}
