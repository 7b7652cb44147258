#!/usr/bin/env bash
# Benchmark of `attrib report` (issue 4). Not a test: it prints figures.
#
#   benches/report.sh            # build, generate once, measure
#   RUNS=11 benches/report.sh    # more runs per figure (median is printed)
#
# 1. Large dataset (benches/gen_large_dataset.sql: 20 events, 200 campaigns,
#    2,000 communications, 5,000,000 recipient rows, 1,000,000 tickets,
#    300,000 contacts), server already running (`attrib db start`):
#    `attrib report --event 2026 --format json` against psql running the very
#    same queries with the same parameters (written by the report itself with
#    the hidden --emit-psql FILE), in one read-only transaction like the
#    report's. Targets: attrib within 1.25x of psql, and under 2 s.
# 2. Sample-sized dataset (one event of about 1,500 tickets, a few
#    campaigns), server stopped: the report including the embedded server's
#    start and stop. Target: under 1.5 s.
#
# The datasets are generated once into $ATTRIB_BENCH_HOME (default
# /tmp/attrib-bench-report-*) and reused; delete the directories to start
# over. Generating the large one takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-7}
LARGE_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-report}-large
SMALL_HOME=${ATTRIB_BENCH_HOME:-/tmp/attrib-bench-report}-small
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

# generate HOME [psql -v settings...]: the dataset, once.
generate() {
    local home=$1; shift
    if [[ -f $home/.generated ]]; then return; fi
    echo "Generating the dataset in $home (once) ..."
    "$ATTRIB" --quiet --home "$home" db start
    "$ATTRIB" --quiet --home "$home" migrate > /dev/null
    local started; started=$(now_ms)
    "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@" -f benches/gen_large_dataset.sql "$("$ATTRIB" --home "$home" db url)" > "$WORK/generate.log"
    echo "  generated in $(( ($(now_ms) - started) / 1000 )) s:"
    grep -A 2 '^ *events |' "$WORK/generate.log" | sed 's/^/    /'
    touch "$home/.generated"
}

echo "== Machine"
echo "  $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $("$PSQL" --version), attrib $("$ATTRIB" --version | cut -d' ' -f2) (release build), $RUNS runs per figure, median shown"

# 1. Large dataset, server running.
generate "$LARGE_HOME"
"$ATTRIB" --quiet --home "$LARGE_HOME" db start
URL=$("$ATTRIB" --home "$LARGE_HOME" db url)
"$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json --emit-psql "$WORK/report.sql" > "$WORK/report.json"
events=$(grep -c '"slug": "data-ai-day' "$WORK/report.json" || true)

# Warm-up (caches), then alternate the two so that both see the same noise.
time_once "$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json > /dev/null
time_once "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -f "$WORK/report.sql" "$URL" > /dev/null
: > "$WORK/attrib.ms"; : > "$WORK/psql.ms"
for _ in $(seq "$RUNS"); do
    time_once "$ATTRIB" --quiet --home "$LARGE_HOME" report --event 2026 --format json >> "$WORK/attrib.ms"
    time_once "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -f "$WORK/report.sql" "$URL" >> "$WORK/psql.ms"
done
attrib_ms=$(median < "$WORK/attrib.ms")
psql_ms=$(median < "$WORK/psql.ms")
ratio=$(awk -v a="$attrib_ms" -v p="$psql_ms" 'BEGIN { printf "%.2f", a / p }')
echo
echo "== Large dataset: attrib report --event 2026 --format json ($events events), server running"
echo "  attrib: $attrib_ms ms   (runs: $(paste -sd' ' "$WORK/attrib.ms"))"
echo "  psql:   $psql_ms ms   (runs: $(paste -sd' ' "$WORK/psql.ms"))   same queries and parameters"
echo "  ratio:  ${ratio}x   (target <= 1.25x; and attrib < 2000 ms: $( (( ${attrib_ms%.*} < 2000 )) && echo met || echo MISSED))"
"$ATTRIB" --quiet --home "$LARGE_HOME" db stop

# 2. Sample-sized dataset, embedded server started and stopped by the report.
generate "$SMALL_HOME" -v events=2 -v campaigns_per_event=5 -v communications_per_campaign=4 \
    -v recipients=4000 -v tickets=3000 -v contacts=2500
"$ATTRIB" --quiet --home "$SMALL_HOME" db stop
: > "$WORK/small.ms"
for _ in $(seq "$RUNS"); do
    time_once "$ATTRIB" --quiet --home "$SMALL_HOME" report --event data-ai-day-johannesburg-2026 --format json >> "$WORK/small.ms"
done
small_ms=$(median < "$WORK/small.ms")
echo
echo "== Sample-sized dataset (1 event, 1,500 tickets, 5 campaigns): server start + report + stop"
echo "  attrib: $small_ms ms   (runs: $(paste -sd' ' "$WORK/small.ms"))   (target < 1500 ms: $( (( ${small_ms%.*} < 1500 )) && echo met || echo MISSED))"

# 3. The real sample data: the steps `attrib demo` shows (it prints each
#    command line it runs), replayed into the default database of a fresh
#    home, then `attrib report --event 2026` with the embedded server's start
#    and stop, as an organiser runs it.
SAMPLE_HOME=$WORK/sample-home
chmod 755 "$WORK"   # the server account (postgres, when run as root) must reach the homes
"$ATTRIB" --home "$WORK/demo-home" demo --keep-files "$WORK/samples" 2> "$WORK/demo.log" > /dev/null
(
    cd "$WORK/samples"
    sed -n 's/^  \$ attrib //p' "$WORK/demo.log" | grep -v '^report ' | while IFS= read -r step; do
        eval "\"\$ATTRIB\" --quiet --home \"\$SAMPLE_HOME\" $step" > /dev/null
    done
)
"$ATTRIB" --quiet --home "$WORK/demo-home" db stop 2> /dev/null || true
: > "$WORK/sample.ms"
for _ in $(seq "$RUNS"); do
    time_once "$ATTRIB" --quiet --home "$SAMPLE_HOME" report --event 2026 >> "$WORK/sample.ms"
done
sample_ms=$(median < "$WORK/sample.ms")
echo
echo "== The sample data (attrib demo's files and steps), attrib report --event 2026: server start + report + stop"
echo "  attrib: $sample_ms ms   (runs: $(paste -sd' ' "$WORK/sample.ms"))   (target < 1500 ms: $( (( ${sample_ms%.*} < 1500 )) && echo met || echo MISSED))"
