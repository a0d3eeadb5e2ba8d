// Internal to core/codec: per-thread zstd contexts, so that encoding a small feature tensor does
// not allocate and free a compression context (hundreds of KiB) on every call. zstd is a PRIVATE
// dependency of edgegpt_core: include this only from .cpp files.
#pragma once

#include <zstd.h>

namespace edgegpt::codec_detail {

struct ZstdContexts
{
    ZSTD_CCtx *compress = nullptr;
    ZSTD_DCtx *decompress = nullptr;
    ZstdContexts() = default;
    ZstdContexts(const ZstdContexts &) = delete;
    ZstdContexts &operator=(const ZstdContexts &) = delete;
    ~ZstdContexts()
    {
        ZSTD_freeCCtx(compress);
        ZSTD_freeDCtx(decompress);
    }
};

inline ZstdContexts &threadZstd()
{
    thread_local ZstdContexts contexts;
    return contexts;
}

// The calling thread's compression context (created on first use), or nullptr if zstd could not
// allocate one.
inline ZSTD_CCtx *threadCompressContext()
{
    ZstdContexts &c = threadZstd();
    if (!c.compress)
        c.compress = ZSTD_createCCtx();
    return c.compress;
}

inline ZSTD_DCtx *threadDecompressContext()
{
    ZstdContexts &c = threadZstd();
    if (!c.decompress)
        c.decompress = ZSTD_createDCtx();
    return c.decompress;
}

} // namespace edgegpt::codec_detail
