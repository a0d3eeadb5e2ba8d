// The emulated device of the local demo and the benchmarks: how much slower than this machine a
// device agent on it runs when it stands for a Jetson Nano. Agents run at their host's own speed
// unless told otherwise (agents/AgentConfig.h, "emulate"); LocalFleet (`edgegpt run`,
// `edgegpt bench latency`, the console's demo) passes these figures explicitly and labels what it
// measures "emulated" (docs/agents.md, "Emulation").
#pragma once

namespace edgegpt {

// Public throughput figures (FP32): an RTX 3090 does 35.58 TFLOPS (NVIDIA's GA102 whitepaper),
// a Jetson Nano's 128-core Maxwell GPU 0.236 TFLOPS (NVIDIA's module data sheet: 472 GFLOPS at
// FP16, half at FP32). The emulated device runs its part this many times slower.
constexpr double kDefaultDeviceSlowdown = 35.58 / 0.236;
// Codecs (JPEG, zstd, quantisation) run on the device's CPU, not its GPU, so the GPU ratio above
// does not apply to them. A Jetson Nano's CPU is a 1.43 GHz Cortex-A57; against a desktop core of
// 3.5–4.5 GHz doing about 1.5× the work per clock that is roughly 3.7–4.7× slower single-threaded,
// so 4 (an estimate, not a measurement: docs/agents.md says how to measure a board).
constexpr double kDefaultDeviceCodecSlowdown = 4.0;

} // namespace edgegpt
