// The console's command line: edgegpt-console [--demo] [--request TEXT] [--screenshot FILE]
// [--quit-after SECONDS] [--fleet FILE] [--plan FILE] [--model-dir DIR] [--language CODE]
// [--settings FILE] [--deploy] [--run] [--ssh-config FILE] [--identity FILE]
// [--known-hosts FILE] [--accept-new-host-key].
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
    // Scripted fleet work, without a person: deploy the plan to the fleet, then run its
    // devices; no dialogs (unknown host keys refused unless acceptNewHostKey, no secrets asked).
    bool deploy = false;
    bool run = false;
    QString sshConfig, identity, knownHosts;
    bool acceptNewHostKey = false;

    // Parses arguments (argv[0] included). Help and version are answered by the caller.
    static Result<ConsoleOptions> parse(const QStringList &arguments);
};

} // namespace edgegpt
