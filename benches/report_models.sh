#!/usr/bin/env bash
# Benchmark of the attribution models and the HTML report (issue 7). Not a
# test: it prints figures.
#
#   benches/report_models.sh              # build, generate once, measure
#   RUNS=11 benches/report_models.sh      # more runs per figure (median shown)
#
# On the large dataset of benches/gen_large_dataset.sql (20 events, 200
# campaigns, 2,000 communications, 5,000,000 recipient rows, 1,000,000
# tickets, 300,000 contacts), with the server already running, for the four
# 2026 events (200,000 tickets, 1,000,000 recipient rows):
#   1. attrib report --event 2026 --compare-models          (the comparison)
#   2. the same for one event (attrib reads several events concurrently,
#      psql one statement after the other: one event compares like for like)
#   3. attrib report --event 2026 --compare-models --format json
#                                         (every section and the models)
# each against psql running the very same statements with the same
# parameters (written by attrib itself with the hidden --emit-psql FILE), in
# one read-only transaction like attrib's. Targets: within 1.25x of psql,
# and under 2 s. Then, for information, the HTML page (every section, the
# models, the timeline and the charts) and its size.
#
# The dataset is the one benches/report.sh generates, in
# ${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-report}-large; it is generated here
# if missing (several minutes). A copy of such a directory works too.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
LARGE_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-report}-large
PSQL=${PSQL:-psql}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet
ATTRIB=$PWD/target/release/attrib

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs "$@" once, stdout discarded, and prints the wall time in ms.
time_once() {
    local t0 t1
    t0=$(now_ms)
    "$@" > /dev/null
    t1=$(now_ms)
    echo $(( t1 - t0 ))
}

if [[ ! -f $LARGE_HOME/.generated ]]; then
    echo "Generating the dataset in $LARGE_HOME (once, several minutes) ..."
    "$ATTRIB" --quiet --home "$LARGE_HOME" db start
    "$ATTRIB" --quiet --home "$LARGE_HOME" migrate > /dev/null
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -f benches/gen_large_dataset.sql "$("$ATTRIB" --home "$LARGE_HOME" db url)" > /dev/null
    touch "$LARGE_HOME/.generated"
fi

echo "== Machine"
echo "  $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $("$PSQL" --version), attrib $("$ATTRIB" --version | cut -d' ' -f2) (release build), $RUNS runs per figure, median shown"

"$ATTRIB" --quiet --home "$LARGE_HOME" db start
URL=$("$ATTRIB" --home "$LARGE_HOME" db url)
report() { "$ATTRIB" --quiet --home "$LARGE_HOME" report "$@"; }

# compare NAME ARGS...: attrib report ARGS against psql running its statements.
compare() {
    local name=$1; shift
    local script=$WORK/$name.sql
    report "$@" --emit-psql "$script" > "$WORK/$name.out"
    # Warm-up (caches), then alternate the two so that both see the same noise.
    time_once report "$@" > /dev/null
    time_once "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -f "$script" "$URL" > /dev/null
    : > "$WORK/$name.attrib"; : > "$WORK/$name.psql"
    for _ in $(seq "$RUNS"); do
        time_once report "$@" >> "$WORK/$name.attrib"
        time_once "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -f "$script" "$URL" >> "$WORK/$name.psql"
    done
    local a p ratio
    a=$(median < "$WORK/$name.attrib")
    p=$(median < "$WORK/$name.psql")
    ratio=$(awk -v a="$a" -v p="$p" 'BEGIN { printf "%.2f", a / p }')
    echo
    echo "== attrib report $*, server running"
    echo "  attrib: $a ms   (runs: $(paste -sd' ' "$WORK/$name.attrib"))"
    echo "  psql:   $p ms   (runs: $(paste -sd' ' "$WORK/$name.psql"))   same queries and parameters"
    echo "  ratio:  ${ratio}x   (target <= 1.25x; and attrib < 2000 ms: $( (( ${a%.*} < 2000 )) && echo met || echo MISSED))"
}

compare compare --event 2026 --compare-models
# One event: no concurrency between events for attrib either.
compare one --event data-ai-day-durban-2026 --compare-models
compare json --event 2026 --compare-models --format json

# The HTML page: every section, the models, the timeline, the charts.
: > "$WORK/html.ms"
report --event 2026 --format html --out "$WORK/report.html"
for _ in $(seq "$RUNS"); do
    time_once report --event 2026 --format html --out "$WORK/report.html" >> "$WORK/html.ms"
done
echo
echo "== attrib report --event 2026 --format html (4 events), server running"
echo "  attrib: $(median < "$WORK/html.ms") ms   (runs: $(paste -sd' ' "$WORK/html.ms")), page $(( $(stat -c %s "$WORK/report.html") / 1024 )) KiB"

"$ATTRIB" --quiet --home "$LARGE_HOME" db stop
