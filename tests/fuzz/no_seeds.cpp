// The seeds of a fuzz target that has no <name>_seeds.cpp: none (the replay driver then runs
// random byte strings only).
#include "FuzzSeeds.h"

std::vector<std::string> edgegptFuzzSeeds()
{
    return {};
}
