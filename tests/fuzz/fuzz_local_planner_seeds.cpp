// Seeds for fuzz_local_planner: requests of the shapes the reader handles (quotations, files,
// sequenced steps, a quoted question, a scene-setting sentence), written for the fuzzer.
#include "FuzzSeeds.h"

std::vector<std::string> edgegptFuzzSeeds()
{
    return {"Translate 'good morning' into French",
            "I took a photo of a printed table, 'prices.jpg'. Please sharpen it first, then "
            "classify the table.",
            "Shorten this note: 'The shop opens at nine.' Then use the summary to answer 'When "
            "does it open?'",
            "Transcribe 'talk.wav', translate the transcript into German and read it aloud.",
            "Could you segment \"yard.png\" and, separately, estimate the depth of the original "
            "photo?",
            "I'd like a summary of 'shelf.jpg': detect the objects, then summarize them.",
            "''''?'.'?",
            "What's in front of my car?"};
}
