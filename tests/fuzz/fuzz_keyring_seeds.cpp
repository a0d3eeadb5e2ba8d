// Seeds for fuzz_keyring: credentials as they travel, and a key file as deploy writes it.
#include "FuzzSeeds.h"

std::vector<std::string> edgegptFuzzSeeds()
{
    const std::string key(64, 'a');
    return {"device:jetson-1", "console:console", "edge:rtx-1", "fl-edge:e.1_x",
            "edgegpt-keys 1\n# comment\nself device:jetson-1\n"
            "key console:console device:jetson-1 " +
                key + "\nkey device:jetson-1 edge:rtx-1 " + key + "\n"};
}
