#!/usr/bin/env bash
# Benchmark of `attrib summary` (issue 6). Not a test: it prints figures.
#
#   benches/summary.sh            # build, generate once, measure
#   RUNS=11 benches/summary.sh    # more runs per figure (median is printed)
#
# 1. The report's large dataset (benches/gen_large_dataset.sql: 20 events,
#    1,000,000 tickets, 5,000,000 recipient rows), server already running:
#    `attrib summary --event 2026 --format json` over the last 24 hours and
#    the last 7 days, "now" pinned inside the 2026 ticket sales, against
#    `attrib report --event 2026 --format json` on the same data, the weekly
#    job the daily summary sits beside (the baseline; the ratio is printed).
#    The issue sets no target; a daily summary should cost well under the
#    report.
# 2. A sample-sized dataset (about 1,500 tickets an event), server stopped:
#    the summary including the embedded server's start and stop, as cron
#    runs it.
#
# The datasets are generated once into $ATTRIB_BENCH_HOME (default
# /tmp/attrib-bench-summary-*) and reused; delete the directories to start
# over. Generating the large one takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
LARGE_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-summary}-large
SMALL_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-summary}-small
PSQL=${PSQL:-psql}
# Inside the sales of the 2026-11-15 event (tickets are bought in the 120
# days before each event).
NOW=${NOW:-2026-10-01T08:00:00+02:00}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet
ATTRIB=$PWD/target/release/attrib

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs "$@" once, stdout discarded, and prints the wall time in ms. Exit
# code 3 (data needs attention) is a success here.
time_once() {
    local t0 t1 rc=0
    t0=$(now_ms)
    "$@" > /dev/null || rc=$?
    t1=$(now_ms)
    if (( rc != 0 && rc != 3 )); then echo "failed ($rc): $*" >&2; exit 1; fi
    echo $(( t1 - t0 ))
}

# generate HOME [psql -v settings...]: the dataset, once.
generate() {
    local home=$1; shift
    if [[ -f $home/.generated ]]; then return; fi
    echo "Generating the dataset in $home (once) ..."
    "$ATTRIB" --quiet --home "$home" db start
    "$ATTRIB" --quiet --home "$home" migrate > /dev/null
    local started; started=$(now_ms)
    "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@" -f benches/gen_large_dataset.sql "$("$ATTRIB" --home "$home" db url)" > "$WORK/generate.log"
    echo "  generated in $(( ($(now_ms) - started) / 1000 )) s"
    touch "$home/.generated"
}

# measure NAME COMMAND...: RUNS timings into $WORK/NAME.ms.
measure() {
    local name=$1; shift
    time_once "$@" >> "$WORK/$name.ms"
}

echo "== Machine"
echo "  $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $("$PSQL" --version), attrib $("$ATTRIB" --version | cut -d' ' -f2) (release build), $RUNS runs per figure, median shown"

# 1. Large dataset, server running.
generate "$LARGE_HOME"
"$ATTRIB" --quiet --home "$LARGE_HOME" db start
day=("$ATTRIB" --quiet --home "$LARGE_HOME" summary --event 2026 --format json --now "$NOW" --since 24h)
week=("$ATTRIB" --quiet --home "$LARGE_HOME" summary --event 2026 --format json --now "$NOW" --since 7d)
report=("$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json)
"${day[@]}" > "$WORK/day.json" || true
# Each event's own count follows its starts_on.
new=$(grep -A1 '"starts_on"' "$WORK/day.json" | grep -o '"new_registrations": [0-9]*' | awk '{ s += $2 } END { print s + 0 }')
# Warm-up (caches), then alternate so that all three see the same noise.
time_once "${report[@]}" > /dev/null; time_once "${day[@]}" > /dev/null; time_once "${week[@]}" > /dev/null
for _ in $(seq "$RUNS"); do
    measure report "${report[@]}"
    measure day "${day[@]}"
    measure week "${week[@]}"
done
report_ms=$(median < "$WORK/report.ms")
day_ms=$(median < "$WORK/day.ms")
week_ms=$(median < "$WORK/week.ms")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "== Large dataset (4 events in 2026, 200,000 tickets, 1,000,000 recipient rows), server running, now $NOW"
echo "  summary --since 24h: $day_ms ms   (runs: $(paste -sd' ' "$WORK/day.ms"))   $new new registrations"
echo "  summary --since 7d:  $week_ms ms   (runs: $(paste -sd' ' "$WORK/week.ms"))"
echo "  report (baseline):   $report_ms ms   (runs: $(paste -sd' ' "$WORK/report.ms"))"
echo "  ratio summary/report: $(ratio "$day_ms" "$report_ms")x (24h), $(ratio "$week_ms" "$report_ms")x (7d)"
"$ATTRIB" --quiet --home "$LARGE_HOME" db stop

# 2. Sample-sized dataset, embedded server started and stopped by the summary.
generate "$SMALL_HOME" -v events=2 -v campaigns_per_event=5 -v communications_per_campaign=4 \
    -v recipients=4000 -v tickets=3000 -v contacts=2500
"$ATTRIB" --quiet --home "$SMALL_HOME" db stop
: > "$WORK/small.ms"
for _ in $(seq "$RUNS"); do
    measure small "$ATTRIB" --quiet --home "$SMALL_HOME" summary --event data-ai-day-johannesburg-2026 \
        --now 2026-01-15T08:00:00+02:00 --since 7d --out "$WORK/out/{event}-{date}.md"
done
small_ms=$(median < "$WORK/small.ms")
echo
echo "== Sample-sized dataset (1 event, 1,500 tickets, 5 campaigns): server start + summary to a file + stop"
echo "  attrib: $small_ms ms   (runs: $(paste -sd' ' "$WORK/small.ms"))"
