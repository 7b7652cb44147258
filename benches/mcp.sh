#!/usr/bin/env bash
# Benchmark of `attrib mcp` (issue 14). Not a test: it prints figures.
#
#   benches/mcp.sh             # build, generate once (as benches/report.sh), measure
#   RUNS=11 benches/mcp.sh     # more runs per figure (median is printed)
#
# On the large dataset of benches/report.sh (benches/gen_large_dataset.sql,
# generated once into the same $ATTRIB_BENCH_HOME-large directory and
# shared with it), server running (`attrib db start`): the time of a
# `registrations_report` tool call for --event 2026, measured from an MCP
# client (examples/mcp_client.rs, rmcp's client: request sent to result
# parsed, one session, calls one after another), against
# `attrib report --event 2026 --format json` run as a command. Both in one
# run, alternating. Target: the tool call within 1.1x of the command.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
LARGE_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-report}-large
PSQL=${PSQL:-psql}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet --bin attrib --example mcp_client
ATTRIB=$PWD/target/release/attrib
CLIENT=$PWD/target/release/examples/mcp_client

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The dataset, once (as benches/report.sh makes it).
if [[ ! -f $LARGE_HOME/.generated ]]; then
    echo "Generating the dataset in $LARGE_HOME (once) ..."
    "$ATTRIB" --quiet --home "$LARGE_HOME" db start
    "$ATTRIB" --quiet --home "$LARGE_HOME" migrate > /dev/null
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -f benches/gen_large_dataset.sql "$("$ATTRIB" --home "$LARGE_HOME" db url)" > "$WORK/generate.log"
    touch "$LARGE_HOME/.generated"
fi

echo "== Machine"
echo "  $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  attrib $("$ATTRIB" --version | cut -d' ' -f2) (release build), $RUNS runs per figure, median shown"

"$ATTRIB" --quiet --home "$LARGE_HOME" db start
"$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json > "$WORK/report.json"
events=$(grep -c '"slug": "data-ai-day' "$WORK/report.json" || true)
bytes=$(wc -c < "$WORK/report.json")

# Warm-up (caches, the server's first session), then alternate: one tool
# call in a session of its own per round, as many rounds as RUNS, so that
# both see the same noise. The client prints each call's time.
: > "$WORK/report.ms"; : > "$WORK/tool.ms"
"$CLIENT" 1 registrations_report '{"event":"2026"}' -- "$ATTRIB" --quiet --home "$LARGE_HOME" mcp > /dev/null
for _ in $(seq "$RUNS"); do
    t0=$(now_ms)
    "$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json > /dev/null
    echo $(( $(now_ms) - t0 )) >> "$WORK/report.ms"
    "$CLIENT" 1 registrations_report '{"event":"2026"}' -- "$ATTRIB" --quiet --home "$LARGE_HOME" mcp >> "$WORK/tool.ms"
done
# And RUNS calls in one session, as an assistant makes them.
"$CLIENT" "$RUNS" registrations_report '{"event":"2026"}' -- "$ATTRIB" --quiet --home "$LARGE_HOME" mcp > "$WORK/session.ms"

report_ms=$(median < "$WORK/report.ms")
tool_ms=$(median < "$WORK/tool.ms")
session_ms=$(median < "$WORK/session.ms")
ratio=$(awk -v t="$tool_ms" -v r="$report_ms" 'BEGIN { printf "%.2f", t / r }')
session_ratio=$(awk -v t="$session_ms" -v r="$report_ms" 'BEGIN { printf "%.2f", t / r }')
echo
echo "== Large dataset: registrations_report {\"event\":\"2026\"} ($events events, $bytes bytes of JSON), server running"
echo "  attrib report --format json:    $report_ms ms   (runs: $(paste -sd' ' "$WORK/report.ms"))   whole process"
echo "  tool call, first of a session:  $tool_ms ms   (runs: $(paste -sd' ' "$WORK/tool.ms"))   from the client"
echo "  tool call, one session:         $session_ms ms   (runs: $(paste -sd' ' "$WORK/session.ms"))"
echo "  ratio:  ${ratio}x first call, ${session_ratio}x in a session   (target <= 1.1x: $(awk -v r="$ratio" 'BEGIN { print (r <= 1.1) ? "met" : "MISSED" }'))"
"$ATTRIB" --quiet --home "$LARGE_HOME" db stop
