// The console's command line: edgegpt-console [--demo] [--request TEXT] [--screenshot FILE]
// [--quit-after SECONDS] [--fleet FILE] [--plan FILE] [--model-dir DIR] [--language CODE]
// [--settings FILE].
#pragma once

#include "core/util/Result.h"

#include <QString>
#include <QStringList>

namespace edgegpt {

struct ConsoleOptions
{
    bool demo = false;
    QString request;
    QString screenshot;
    double quitAfterSeconds = -1;
    QString fleetFile;
    QString planFile;
    QString modelDir; // the demo fleet's trained model (default: the settings, then edgegpt's)
    double shotDelaySeconds = -1; // --screenshot: seconds of demo data before the picture (-1: 6)
    QString language;     // "en", "zh_CN", "ko"; empty: the settings, then the system locale
    QString settingsFile; // an INI file instead of the platform's settings (tests, kiosks)

    // Parses arguments (argv[0] included). Help and version are answered by the caller.
    static Result<ConsoleOptions> parse(const QStringList &arguments);
};

} // namespace edgegpt
