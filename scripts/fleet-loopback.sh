#!/usr/bin/env bash
# The real-fleet path end to end on one machine: two real OpenSSH servers on 127.0.0.1 (a
# jetson-nano device host and an rtx-3090 edge host, keys generated in a temporary folder), a
# plan, the dry-run manifest, deploy, `fleet run` on Fashion-MNIST test images at the hosts' own
# speed (no emulation), `fleet status` with metrics, then stop. It is what docs/benchmarks.md
# ("A real fleet on loopback") was measured with. Needs a build (scripts/build.sh) and the
# default model (edgegpt run trains it on first use). Usage:
#   bash scripts/fleet-loopback.sh [IMAGES]      (default 50 images)
#   EMULATE=1 bash scripts/fleet-loopback.sh     (the device host emulates a Jetson Nano:
#                                                 model x150.76, codecs x4, 300 KB/s uplink)
# Everything it starts is stopped on exit; nothing leaves 127.0.0.1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
edgegpt="$build/app/cli/edgegpt"
count="${1:-50}"
work="$(mktemp -d /tmp/edgegpt-fleet.XXXXXX)"
pids=()
cleanup() {
    "$edgegpt" fleet stop --fleet "$work/fleet.json" --ssh-config "$work/ssh_config" \
        --known-hosts "$work/known_hosts" >/dev/null 2>&1 || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

[ -x /usr/sbin/sshd ] || { echo "needs openssh-server (/usr/sbin/sshd)" >&2; exit 1; }
mkdir -p /run/sshd 2>/dev/null || true
ssh-keygen -q -t ed25519 -N '' -C edgegpt-loopback -f "$work/id" >/dev/null
: >"$work/known_hosts"
: >"$work/ssh_config"
for h in jetson rtx; do
    d="$work/sshd-$h"; mkdir -p "$d"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" >/dev/null
    port="$(free_port)"
    cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $work/id.pub
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
LogLevel ERROR
Subsystem sftp internal-sftp
EOF
    /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>"$d/sshd.log" &
    pids+=($!)
    echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$d/host_key.pub")" >>"$work/known_hosts"
    cat >>"$work/ssh_config" <<EOF
Host $h
    HostName 127.0.0.1
    Port $port
    User $(id -un)
    IdentityFile $work/id
EOF
done
sleep 1

device_port="$(free_port)"; edge_port="$(free_port)"
emulate=""
if [ "${EMULATE:-0}" = 1 ]; then
    emulate='"emulate": {"slowdown": 150.76, "codec_slowdown": 4, "link": {"rate_kbps": 300}},'
fi
cat >"$work/fleet.json" <<EOF
{"hosts": [
  {"name": "jetson-1", "ssh": "jetson", "role": "device", "class": "jetson-nano",
   "dir": "$work/hosts/jetson-1", "agent_port": $device_port, "agent_listen": "127.0.0.1",
   $emulate "input": "fashion-mnist"},
  {"name": "rtx-1", "ssh": "rtx", "role": "edge", "class": "rtx-3090",
   "dir": "$work/hosts/rtx-1", "agent_port": $edge_port, "agent_listen": "127.0.0.1",
   "preload": true}
]}
EOF
ssh_opts=(--ssh-config "$work/ssh_config" --identity "$work/id" --known-hosts "$work/known_hosts")

# A plan whose image classification runs on the Jetson Nano (the local planner puts the clothing
# request on a phone; the operator moves it to the fleet's device class, as in the console).
"$edgegpt" plan "Classify the clothing in this picture" --format json |
    python3 -c 'import json,sys; p=json.load(sys.stdin)
for t in p["tasks"]: t["device"]="Jetson Nano"
print(json.dumps(p))' >"$work/plan.json"

echo "== dry run"
"$edgegpt" deploy --fleet "$work/fleet.json" --plan "$work/plan.json" --dry-run --json "${ssh_opts[@]}"
echo "== deploy"
start=$(date +%s.%N)
"$edgegpt" deploy --fleet "$work/fleet.json" --plan "$work/plan.json" "${ssh_opts[@]}"
echo "deploy took $(echo "$(date +%s.%N) - $start" | bc) s"
echo "== fleet run ($count images)"
"$edgegpt" fleet run --fleet "$work/fleet.json" --count "$count" --json "${ssh_opts[@]}" |
    tee "$work/run.jsonl" | tail -n 3
python3 - "$work/run.jsonl" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
res = [r for r in rows if "total_ms" in r and r.get("total_ms") is not None]
if res:
    for k in ("device_ms", "encode_ms", "transfer_ms", "edge_ms", "total_ms"):
        v = sorted(r[k] for r in res if r.get(k) is not None)
        if v:
            print(f"{k}: median {statistics.median(v):.3f} ms, p95 {v[int(0.95*(len(v)-1))]:.3f} ms")
    print("splits:", sorted({r["split"] for r in res}), "emulated:", sorted({r["emulated"] for r in res}))
EOF
echo "== fleet status"
"$edgegpt" fleet status --fleet "$work/fleet.json" --json "${ssh_opts[@]}"
