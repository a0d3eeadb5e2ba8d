// Fuzz target for what the TLS layer parses from outside (docs/protocol.md, "Transport
// security"): a PSK identity or identity hint from the wire (PeerCredential::parse, before any
// key is looked up) and a key file (Keyring::parseKeyFile). Arbitrary bytes must give a
// credential or a key file, or a one-line error, never a crash; what parses must hold its
// invariants (a known shape, 32-byte keys) and a parsed key file must write and parse again to
// the same keys.
#include "core/protocol/Keyring.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace edgegpt;

namespace {

void check(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz_keyring: invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    // As a TLS identity (at most 255 bytes arrive that way; the parser must not care).
    const Result<PeerCredential> c = PeerCredential::parse(QString::fromUtf8(bytes));
    if (c) {
        check(!c->isEmpty(), "a parsed credential has a role and a name");
        check(c->name.size() <= 64, "a name is at most 64 characters");
        const Result<PeerCredential> again = PeerCredential::parse(c->toString());
        check(again && again->toString() == c->toString(), "a credential parses to itself");
    } else {
        check(!c.error().isEmpty() && !c.error().contains(QLatin1Char('\n')),
              "a refusal is one line");
    }

    // As a key file.
    const Result<Keyring> k = Keyring::parseKeyFile(bytes);
    if (k) {
        check(!k->holdsFleetSecret(), "a key file holds no fleet secret");
        check(!k->pairs().isEmpty() && !k->self().isEmpty(), "a key file has keys and a self");
        for (const QString &pair : k->pairs()) {
            const QStringList both = pair.split(QLatin1Char(' '));
            check(both.size() == 2, "a pair is client and server");
            const std::optional<QByteArray> key = k->key(both[0], both[1]);
            check(key && key->size() == Keyring::keyBytes, "every key is 32 bytes");
        }
        const Result<Keyring> again = Keyring::parseKeyFile(k->toKeyFile());
        check(again && again->pairs() == k->pairs() && again->self() == k->self(),
              "a key file writes and parses again to the same keys");
    } else {
        check(!k.error().isEmpty(), "a refusal says why");
    }
    return 0;
}
