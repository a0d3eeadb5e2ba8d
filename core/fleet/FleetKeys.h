// FleetKeys: which TLS-PSK keys each host of a fleet holds (docs/deploy.md, "Keys").
//
// The connections of a fleet are: each device to its edge (or cloud) host, and the console to
// every agent. Deploy derives each connection's key from the fleet secret (Keyring::derive) and
// gives every host a key file (agent.keys, 0600) with the keys of its own connections only:
//   - a device: device:D -> its edge, and console -> device:D;
//   - an edge or cloud host: each of its devices -> it, and console -> it.
// The console's own keys (console -> every agent) go to a console key file beside the fleet
// file (FLEET.console.keys, 0600), which `edgegpt fleet run/status` and the console use.
#pragma once

#include "core/fleet/Fleet.h"
#include "core/protocol/Keyring.h"
#include "core/util/Result.h"

namespace edgegpt {

// "role:name" of a fleet host, and of the console.
QString hostCredential(const FleetHost &host);
QString consoleCredential();

// The key file of one host (self = its credential).
Keyring hostKeyring(const Fleet &fleet, const FleetHost &host, const QByteArray &fleetSecret);
// The console's keys: console -> every host of the fleet (self = console:console).
Keyring consoleKeyring(const Fleet &fleet, const QByteArray &fleetSecret);

// FLEET.console.keys beside FLEET.token (the token file's name without ".token"), else
// TOKENFILE.console.keys.
QString consoleKeyFilePath(const QString &tokenFile);
// Writes the console key file for the fleet (mode 0600, replaced atomically).
Result<void> writeConsoleKeyFile(const QString &path, const Fleet &fleet,
                                 const QByteArray &fleetSecret);
// What a console connects with: the console key file beside the token file when it exists, else
// the fleet secret of the token file (which derives the same keys).
Result<Keyring> loadConsoleKeys(const QString &tokenFile);

} // namespace edgegpt
