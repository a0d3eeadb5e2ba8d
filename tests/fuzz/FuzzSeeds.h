// The seeds of a fuzz target: valid (or nearly valid) inputs that replay_main.cpp runs, cuts and
// mutates, and that `<target>_replay --write-corpus DIR` writes out as libFuzzer's first corpus.
// A target `<name>` provides them in `<name>_seeds.cpp`; without that file it has none.
#pragma once

#include <string>
#include <vector>

std::vector<std::string> edgegptFuzzSeeds();
