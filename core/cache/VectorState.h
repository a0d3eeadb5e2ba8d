// clearUpperVectorState(): ends a "dirty upper" AVX state left on this thread by code run before
// (in `edgegpt` something in the libraries' start-up leaves it; measured 2026-12-06). While it
// is dirty, every switch between legacy-SSE and AVX code costs a state save or restore, and
// libm's pow and exp are both (an SSE wrapper around an FMA kernel): the simulator, which calls
// them a few times per request, ran 9 times slower (a million LC requests: 5.5 s of CPU instead
// of 0.6 s). VZEROUPPER clears the state; it is executed only where the CPU has AVX.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

namespace edgegpt::cache {

__attribute__((target("avx"))) inline void zeroUpperAvx()
{
    _mm256_zeroupper();
}

inline void clearUpperVectorState()
{
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx)
        zeroUpperAvx();
}

} // namespace edgegpt::cache
#else
namespace edgegpt::cache {
inline void clearUpperVectorState() {}
} // namespace edgegpt::cache
#endif
