// A deterministic stand-in for libFuzzer, so that every build (GCC too) exercises the fuzz
// targets as a CTest test: it runs LLVMFuzzerTestOneInput on the target's seeds, every
// truncation of each seed, many fixed-seed random mutations of them and random byte strings.
// A target signals a bug by crashing or aborting, which fails the test.
//
//   <target>_replay                      the deterministic run (at least 20,000 inputs)
//   <target>_replay FILE|DIR...          runs the given inputs (e.g. a crash file libFuzzer wrote)
//   <target>_replay --write-corpus DIR   writes the seeds as files, a first corpus for libFuzzer
#include "FuzzSeeds.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

// A slow target (the planner reads each input twice, a few tenths of a millisecond a time) may
// ask for fewer mutations with EDGEGPT_REPLAY_MUTATIONS, keeping at least 20,000 inputs in all.
#ifndef EDGEGPT_REPLAY_MUTATIONS
#define EDGEGPT_REPLAY_MUTATIONS 100000
#endif
constexpr int kMutations = EDGEGPT_REPLAY_MUTATIONS;
constexpr int kRandomStrings = 5000;
constexpr size_t kMaxLength = 1 << 16;

size_t g_runs = 0;

void run(const std::string &input)
{
    // A copy of exactly the input's size, so that an over-read is an over-read (under ASan).
    std::vector<uint8_t> exact(input.begin(), input.end());
    LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
    ++g_runs;
}

// One of libFuzzer's kinds of mutation, chosen at random.
void mutate(std::string &s, const std::vector<std::string> &seeds, std::mt19937 &rng)
{
    auto below = [&rng](size_t n) { return n == 0 ? size_t(0) : size_t(rng() % n); };
    static const uint64_t interesting[] = {0,
                                           1,
                                           0xFF,
                                           0x7F,
                                           0x80,
                                           0xFFFF,
                                           0xFFFFFFFFu,
                                           0x7FFFFFFFu,
                                           0x7F800000u, // +inf as float
                                           0x7FC00000u, // NaN as float
                                           uint64_t(1) << 32,
                                           uint64_t(1) << 62,
                                           0x7FFFFFFFFFFFFFFFull,
                                           0xFFFFFFFFFFFFFFFFull};
    switch (rng() % 9) {
    case 0: // flip a bit
        if (!s.empty())
            s[below(s.size())] ^= char(1 << (rng() % 8));
        break;
    case 1: // set a random byte
        if (!s.empty())
            s[below(s.size())] = char(rng());
        break;
    case 2: // overwrite 1, 2, 4 or 8 bytes with an interesting little-endian value
        if (!s.empty()) {
            const size_t width = size_t(1) << (rng() % 4);
            const size_t at = below(s.size());
            const uint64_t v = interesting[below(std::size(interesting))];
            for (size_t i = 0; i < width && at + i < s.size(); ++i)
                s[at + i] = char((v >> (8 * i)) & 0xFF);
        }
        break;
    case 3: // insert random bytes
        if (s.size() < kMaxLength) {
            const size_t n = 1 + below(16);
            std::string bytes(n, '\0');
            for (char &c : bytes)
                c = char(rng());
            s.insert(below(s.size() + 1), bytes);
        }
        break;
    case 4: // erase a range
        if (!s.empty()) {
            const size_t at = below(s.size());
            s.erase(at, 1 + below(s.size() - at));
        }
        break;
    case 5: // duplicate a range
        if (!s.empty() && s.size() < kMaxLength) {
            const size_t at = below(s.size());
            const std::string part = s.substr(at, 1 + below(std::min<size_t>(64, s.size() - at)));
            s.insert(below(s.size() + 1), part);
        }
        break;
    case 6: // splice: our head, another seed's tail
        if (!seeds.empty()) {
            const std::string &other = seeds[below(seeds.size())];
            s = s.substr(0, below(s.size() + 1)) + other.substr(below(other.size() + 1));
        }
        break;
    case 7: // cut the end
        s.resize(below(s.size() + 1));
        break;
    default: // swap two bytes
        if (s.size() >= 2)
            std::swap(s[below(s.size())], s[below(s.size())]);
        break;
    }
}

int writeCorpus(const std::filesystem::path &dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::vector<std::string> seeds = edgegptFuzzSeeds();
    for (size_t i = 0; i < seeds.size(); ++i) {
        std::ofstream out(dir / ("seed-" + std::to_string(i)), std::ios::binary);
        out.write(seeds[i].data(), std::streamsize(seeds[i].size()));
        if (!out) {
            std::fprintf(stderr, "cannot write %s\n", (dir / std::to_string(i)).c_str());
            return 1;
        }
    }
    std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
    return 0;
}

void runFile(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::printf("running %s (%zu bytes)\n", file.c_str(), data.size());
    std::fflush(stdout);
    run(data);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 3 && std::strcmp(argv[1], "--write-corpus") == 0)
        return writeCorpus(argv[2]);
    if (argc > 1) {
        for (int i = 1; i < argc; ++i) {
            const std::filesystem::path p(argv[i]);
            if (std::filesystem::is_directory(p)) {
                for (const auto &entry : std::filesystem::directory_iterator(p))
                    if (entry.is_regular_file())
                        runFile(entry.path());
            } else {
                runFile(p);
            }
        }
        std::printf("ran %zu inputs\n", g_runs);
        return 0;
    }

    const auto start = std::chrono::steady_clock::now();
    const std::vector<std::string> seeds = edgegptFuzzSeeds();
    std::mt19937 rng(20240611u);

    // Each seed, then every prefix of it (long seeds: up to 512 cut points spread evenly).
    for (const std::string &seed : seeds) {
        run(seed);
        const size_t step = std::max<size_t>(1, seed.size() / 512);
        for (size_t n = 0; n < seed.size(); n += step)
            run(seed.substr(0, n));
    }
    // Stacked mutations of random seeds.
    for (int i = 0; i < kMutations; ++i) {
        std::string s = seeds.empty() ? std::string() : seeds[rng() % seeds.size()];
        const int stack = 1 + int(rng() % 4);
        for (int m = 0; m < stack; ++m)
            mutate(s, seeds, rng);
        run(s);
    }
    // Random byte strings.
    for (int i = 0; i < kRandomStrings; ++i) {
        std::string s(rng() % 512, '\0');
        for (char &c : s)
            c = char(rng());
        run(s);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("replayed %zu inputs (%zu seeds) in %.2f s\n", g_runs, seeds.size(), seconds);
    return 0;
}
