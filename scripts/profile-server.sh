#!/usr/bin/env bash
# Where a request's time goes on the server: the sled store against the in-memory map (S1's
# ceiling), the same default-mix workload, the server pinned to core 1 and the client to core 0.
# For each backend: the server's CPU time per request over a 20 s window of the measured phase,
# and perf's CPU samples over the same window, grouped by thread and by the crate of the
# sampled function. Writes results/profile.md. Needs perf (apt-get install linux-perf).
#
#   bash scripts/profile-server.sh        # SESSIONS=100000 WINDOW=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-100000}
WINDOW=${WINDOW:-20}
OUT=${OUT:-results/profile.md}
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)"; exit 1; }

cargo build --release -q -p loadgen
BIN=target/release/loadgen
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
TICKS=$(getconf CLK_TCK)

# CPU seconds (user + system) the process has used, all threads.
cpu_seconds() { awk -v t="$TICKS" '{printf "%.3f", ($14 + $15) / t}' "/proc/$1/stat"; }

profile() {
  local backend=$1 log="$WORK/$1.serve" run="$WORK/$1.run"
  $BIN serve --backend "$backend" --addr 127.0.0.1:0 --pin-core 1 >"$log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$log" && break; sleep 0.1; done
  local addr
  addr=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$log" | head -1)
  [ -n "$addr" ] || { echo "the $backend server did not start"; cat "$log"; exit 1; }
  # The login phase takes under 10 s on this machine; the window starts after it and the
  # warm-up, and ends before the measured phase does.
  $BIN --target "http://$addr" --sessions "$SESSIONS" --warmup 2 --duration $((WINDOW + 25)) \
    --results "$WORK/$backend" >"$run" 2>&1 &
  local client=$!
  sleep 15
  local cpu_before
  cpu_before=$(cpu_seconds "$server")
  perf record -q -e cpu-clock -F 999 -p "$server" -o "$WORK/$backend.perf" -- sleep "$WINDOW" \
    2>/dev/null
  local cpu_after
  cpu_after=$(cpu_seconds "$server")
  wait "$client" || { echo "the $backend run failed"; cat "$run"; exit 1; }
  kill "$server"
  wait "$server" 2>/dev/null || true
  local rps
  rps=$(sed -n 's/^| throughput | \([0-9]*\) req\/s |$/\1/p' "$WORK/$backend/latest.md")
  echo "$backend $rps $cpu_before $cpu_after" >>"$WORK/figures"
  perf report -q -i "$WORK/$backend.perf" --no-children --sort comm --stdio 2>/dev/null \
    >"$WORK/$backend.threads"
  perf report -q -i "$WORK/$backend.perf" --no-children --sort sym --stdio 2>/dev/null \
    >"$WORK/$backend.syms"
}

profile sled
profile memory

python3 - "$WORK" "$OUT" "$SESSIONS" "$WINDOW" <<'EOF'
import re, sys, platform, subprocess, datetime
work, out, sessions, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

# The component a sampled function belongs to, by the first path segment of its name.
GROUPS = [
    ("sled (the tree, its pages, epochs, log)", ("sled::", "core::ptr::drop_in_place<sled::")),
    ("the sled store (actix_session_sled)", ("actix_session_sled::",)),
    ("the record cache (quick_cache)", ("quick_cache::",)),
    ("the in-memory map (conformance::memory)", ("conformance::",)),
    ("actix-session middleware and cookie crypto", ("actix_session::", "cookie::", "aes_gcm", "aes::", "hmac::", "sha2::", "ghash", "polyval", "base64::")),
    ("actix-web, actix-http, actix-server", ("actix_web::", "actix_http::", "actix_server::", "actix_service::", "actix_router::", "actix_rt::", "actix_codec::")),
    ("tokio, mio", ("tokio::", "mio::")),
    ("serde_json, postcard", ("serde_json::", "postcard::", "serde::")),
    ("allocator, memcpy, memset (libc)", ("malloc", "free", "_int_", "__memset", "__memmove", "__memcpy", "realloc", "cfree", "calloc")),
    ("kernel (network, scheduling)", ("[k]",)),
]

def group_of(sym):
    name = re.sub(r"^\[[.k]\]\s+", "", sym)
    if sym.startswith("[k]"):
        return GROUPS[-1][0]
    name = name.lstrip("<")
    for label, prefixes in GROUPS[:-1]:
        if any(name.startswith(p) for p in prefixes):
            return label
    return "other"

def parse(path):
    rows = []
    for line in open(path):
        m = re.match(r"\s*([\d.]+)%\s+(.*\S)", line)
        if m:
            rows.append((float(m.group(1)), m.group(2)))
    return rows

figures = {}
for line in open(f"{work}/figures"):
    backend, rps, before, after = line.split()
    figures[backend] = (int(rps), float(after) - float(before))

backends = ["sled", "memory"]
shares = {b: {} for b in backends}
threads = {b: parse(f"{work}/{b}.threads") for b in backends}
for b in backends:
    for pct, sym in parse(f"{work}/{b}.syms"):
        g = group_of(sym)
        shares[b][g] = shares[b].get(g, 0.0) + pct

def cpu_us_per_request(b):
    rps, cpu = figures[b]
    return cpu / (rps * window) * 1e6

rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
with open(out, "w") as f:
    f.write("# Where a request's time goes on the server\n\n")
    f.write(f"Command: `bash scripts/profile-server.sh` (SESSIONS={sessions}, WINDOW={window}; release build). "
            f"Machine: {platform.machine()}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, "
            f"linux; {rustc}. Date: {datetime.date.today()}.\n\n")
    f.write("Each backend's example server ran alone on core 1 (`loadgen serve --pin-core 1`), driven by "
            "`loadgen --target` on core 0 with the default mix and 64 connections. Over a "
            f"{window} s window inside the measured phase: the server's CPU time (all its threads, "
            "from /proc) and perf's CPU-clock samples at 999 Hz.\n\n")
    f.write("| | sled | memory | sled / memory |\n|---|---|---|---|\n")
    s, m = figures["sled"][0], figures["memory"][0]
    f.write(f"| throughput (req/s) | {s} | {m} | {s / m:.2f} |\n")
    cs, cm = cpu_us_per_request("sled"), cpu_us_per_request("memory")
    f.write(f"| server CPU per request (µs) | {cs:.1f} | {cm:.1f} | {cs / cm:.2f} |\n\n")
    f.write("## Server CPU samples by component (% of the server's samples)\n\n")
    f.write("| component | sled | memory | sled, µs per request | memory, µs per request |\n|---|---|---|---|---|\n")
    labels = [g[0] for g in GROUPS] + ["other"]
    for g in labels:
        a, b = shares["sled"].get(g, 0.0), shares["memory"].get(g, 0.0)
        if a < 0.05 and b < 0.05:
            continue
        f.write(f"| {g} | {a:.1f} | {b:.1f} | {a / 100 * cs:.2f} | {b / 100 * cm:.2f} |\n")
    f.write("\n## Server CPU samples by thread (%)\n\n| thread | sled | memory |\n|---|---|---|\n")
    names = sorted({t for b in backends for _, t in threads[b]})
    for t in names:
        a = sum(p for p, n in threads["sled"] if n == t)
        b = sum(p for p, n in threads["memory"] if n == t)
        f.write(f"| {t} | {a:.1f} | {b:.1f} |\n")
    f.write("\n## The sled server's 25 hottest functions (% of its samples)\n\n| % | function |\n|---|---|\n")
    for pct, sym in parse(f"{work}/sled.syms")[:25]:
        f.write(f"| {pct:.2f} | `{sym.replace('|', '/')[:140]}` |\n")
print(f"wrote {out}")
EOF
