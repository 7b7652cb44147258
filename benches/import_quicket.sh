#!/usr/bin/env bash
# Benchmark of `attrib import quicket` against PostgreSQL's own bulk load.
#
#   benches/import_quicket.sh [ROWS]        (default 1,000,000)
#
# In one run, on one generated file and one private server:
#   1. psql \copy of the file into an UNLOGGED table with the file's columns
#      (the raw speed of getting these bytes into PostgreSQL: the baseline);
#   2. attrib import quicket of the same file into an empty event (first
#      import), each time into a fresh copy of the migrated database;
#   3. the same import again (re-import: every ticket unchanged);
#   4. a newer export of the same sales: the same file with every 50th
#      ticket checked in (20,000 tickets, 2% of the lines, changed).
# Prints the timings, attrib's peak RSS and the time of each step (attrib -v).
#
# Last, it times what PostgreSQL alone takes to insert the contacts and
# tickets the first import created into new, empty tables with the same
# indexes, checks and foreign keys (INSERT ... SELECT from a copy, durable):
# the floor under any first import into this schema, whoever writes it.
# For comparison it also times the tickets into a table with no index and
# no key; and PostgreSQL alone updating the tickets the newer export
# changed, which with the re-import is the newer export's floor in attrib's
# design (every line read and compared, then the changes written).
#
# What the targets compare runs three times, and the fastest run counts:
# the baseline, the first import, the re-import and each of the floor's two
# inserts (the floor is the sum of the fastest of each, so it is never
# slower than any one run of both). The floor's runs alternate with the
# first imports (import, floor, import, floor, ...), in a database of their
# own, so that both meet the machine in the same moods. Shared virtual
# machines stall now and then, and a single run of a 25-second import moved
# its ratio by 0.1. Then
# every ratio, each on its own line, and a last line
# `first import: X.XXx of the floor`. Targets at 1,000,000 rows: first
# import <= 1.3x (baseline + floor), re-import <= 1.5x the baseline, the
# newer export <= 2.0x the baseline, peak RSS < 200 MB.
#
# Environment: BENCH_DIR (default ./bench-data) holds the generated file;
# BENCH_HOME (default /tmp/attrib-bench-home) the throwaway server, which is
# deleted before and after.
set -euo pipefail

ROWS=${1:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-$ROOT/bench-data}
HOME_DIR=${BENCH_HOME:-/tmp/attrib-bench-home}
FILE=$DIR/quicket_$ROWS.csv
ATTRIB=$ROOT/target/release/attrib

mkdir -p "$DIR"
echo "building (release)..." >&2
(cd "$ROOT" && cargo build --release --quiet --bin attrib --example gen_quicket)
if [[ ! -s $FILE ]]; then
    echo "generating $ROWS rows..." >&2
    "$ROOT/target/release/examples/gen_quicket" --rows "$ROWS" --out "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi

NEWER=$DIR/quicket_${ROWS}_newer.csv
if [[ ! -s $NEWER ]]; then
    echo "writing the newer export..." >&2
    python3 - "$FILE" "$NEWER.tmp" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as src, \
        open(sys.argv[2], "w", newline="", encoding="utf-8") as dst:
    rows = csv.reader(src)
    out = csv.writer(dst, lineterminator="\n")
    header = next(rows)
    out.writerow(header)
    checked, when = header.index("Checked in"), header.index("Checked in date")
    for i, row in enumerate(rows):
        if i % 50 == 0:
            row[checked], row[when] = "Yes", "2026-09-17 08:00"
        out.writerow(row)
PY
    mv "$NEWER.tmp" "$NEWER"
fi

attrib() { "$ATTRIB" --home "$HOME_DIR" --quiet "$@"; }
stop() { attrib db stop >/dev/null 2>&1 || true; rm -rf "$HOME_DIR"; }
trap stop EXIT
stop
attrib db start
URL=$(attrib db url)
attrib migrate
attrib events add --name "Benchmark Day 2026" --starts-on 2026-09-17 --slug benchmark-day-2026
# The migrated database with its one empty event, kept as a template: every
# first import starts from a copy of it, as on a fresh install.
ADMIN_URL=${URL/\/attrib\?//postgres?}
psql -q -X "$ADMIN_URL" -c "CREATE DATABASE bench_fresh TEMPLATE attrib"
# No autovacuum in this private server: a million rows inserted make
# PostgreSQL (13 and later) VACUUM and ANALYZE the table about a minute
# later. With it on, the floor's tables were vacuumed during the floor's
# next run and during the next first import (seen with
# log_autovacuum_min_duration = 0 on 8 December): seconds of someone
# else's work in whichever run they met. attrib refreshes the
# statistics it needs itself (docs/import.md).
psql -q -X "$ADMIN_URL" -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()"

now() { date +%s.%N; }
seconds() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

# Shared virtual machines stall on I/O now and then: what the targets
# compare is run three times and the fastest run counts, so that one stall
# does not decide a ratio.
best() { printf '%s\n' "$@" | sort -n | head -1; }

# The baseline: an UNLOGGED table with one text column per column of the file.
columns=$(head -1 "$FILE" | tr -d '\r' | awk -F, '{for (i = 1; i <= NF; i++) printf "%sc%d text", (i > 1 ? ", " : ""), i}')
psql -q -X "$URL" -c "CREATE UNLOGGED TABLE bench_raw_copy ($columns)"
copy_runs=()
for _ in 1 2 3; do
    psql -q -X "$URL" -c "TRUNCATE bench_raw_copy" -c "CHECKPOINT"
    t0=$(now)
    psql -q -X "$URL" -c "\\copy bench_raw_copy FROM '$FILE' WITH (FORMAT csv, HEADER true)"
    t1=$(now)
    copy_runs+=("$(seconds "$t0" "$t1")")
done
copied=$(psql -qtAX "$URL" -c "SELECT count(*) FROM bench_raw_copy")
psql -q -X "$URL" -c "DROP TABLE bench_raw_copy" -c "CHECKPOINT"

run_import() {
    local log=$1 file=${2:-$FILE}
    /usr/bin/time -v -o "$log.time" "$ATTRIB" --home "$HOME_DIR" -v import quicket \
        --event benchmark-day-2026 --format json "$file" >"$log.json" 2>"$log.err"
}
# The floor: PostgreSQL alone inserting what the first import created into
# new tables like attrib's, in a copy of the database the first import
# left (bench_floor), so that the first import can start again from
# bench_fresh in between.
FLOOR_URL=${URL/\/attrib\?//bench_floor?}
timed() {
    local s e
    s=$(now)
    psql -q -X "$FLOOR_URL" -c "$1"
    e=$(now)
    seconds "$s" "$e"
}
make_floor_tables() {
    psql -q -X "$ADMIN_URL" -c "CREATE DATABASE bench_floor TEMPLATE attrib"
    psql -q -X "$FLOOR_URL" \
        -c "CREATE TABLE bench_src_contacts AS SELECT * FROM contacts" \
        -c "CREATE TABLE bench_src_tickets AS SELECT * FROM tickets" \
        -c "CREATE TABLE bench_contacts (LIKE contacts INCLUDING ALL, FOREIGN KEY (organisation_id) REFERENCES organisations (id))" \
        -c "CREATE TABLE bench_tickets (LIKE tickets INCLUDING ALL, FOREIGN KEY (event_id) REFERENCES events (id), FOREIGN KEY (contact_id) REFERENCES bench_contacts (id))" \
        -c "CREATE TABLE bench_bare_tickets (LIKE tickets)"
    # LIKE copies no storage parameters: give the copies attrib's (the free
    # room migration 011 leaves in each page of tickets).
    psql -q -X "$FLOOR_URL" -c "DO \$\$
        DECLARE r record;
        BEGIN
            FOR r IN SELECT c.relname, c.reloptions FROM pg_class AS c
                     WHERE c.relname IN ('contacts', 'tickets') AND c.reloptions IS NOT NULL LOOP
                EXECUTE format('ALTER TABLE %I SET (%s)', 'bench_' || r.relname,
                               array_to_string(r.reloptions, ', '));
            END LOOP;
        END \$\$"
}

first_runs=()
contacts_runs=()
tickets_runs=()
for run in 1 2 3; do
    if ((run > 1)); then
        psql -q -X "$ADMIN_URL" -c "DROP DATABASE attrib" -c "CREATE DATABASE attrib TEMPLATE bench_fresh"
    fi
    psql -q -X "$URL" -c "CHECKPOINT"
    t2=$(now)
    run_import "$DIR/first$run"
    t3=$(now)
    first_runs+=("$(seconds "$t2" "$t3")")
    if ((run == 1)); then
        make_floor_tables
    fi
    psql -q -X "$FLOOR_URL" -c "TRUNCATE bench_tickets, bench_contacts" -c "CHECKPOINT"
    contacts_runs+=("$(timed "INSERT INTO bench_contacts SELECT * FROM bench_src_contacts ORDER BY lower(email)")")
    psql -q -X "$FLOOR_URL" -c "CHECKPOINT"
    tickets_runs+=("$(timed "INSERT INTO bench_tickets SELECT * FROM bench_src_tickets")")
done
# The fastest run's logs are the ones reported.
fastest=$(for run in 1 2 3; do echo "${first_runs[run - 1]} $run"; done | sort -n | head -1 | cut -d' ' -f2)
for ext in json err time; do cp "$DIR/first$fastest.$ext" "$DIR/first.$ext"; done
again_runs=()
for _ in 1 2 3; do
    psql -q -X "$URL" -c "CHECKPOINT"
    t4=$(now)
    run_import "$DIR/again"
    t5=$(now)
    again_runs+=("$(seconds "$t4" "$t5")")
done
psql -q -X "$URL" -c "CHECKPOINT"
t6=$(now)
run_import "$DIR/newer" "$NEWER"
t7=$(now)

rss() { awk -F: '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1.time"; }
field() { grep -o "\"$2\": [0-9]*" "$1.json" | head -1 | awk '{print $2}'; }

copy_s=$(best "${copy_runs[@]}")
first_s=$(best "${first_runs[@]}")
again_s=$(best "${again_runs[@]}")
newer_s=$(seconds "$t6" "$t7")
echo
echo "file:              $FILE ($ROWS rows, $(du -h "$FILE" | cut -f1), $copied copied by psql)"
echo "machine:           $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "psql \\copy:        ${copy_s} s  (baseline: UNLOGGED table, text columns; fastest of ${copy_runs[*]} s)"
echo "import, first:     ${first_s} s  (fastest of ${first_runs[*]} s) created $(field "$DIR/first" tickets_created) tickets, $(field "$DIR/first" contacts_created) contacts; peak RSS $(rss "$DIR/first") MB"
echo "import, again:     ${again_s} s  (fastest of ${again_runs[*]} s) unchanged $(field "$DIR/again" tickets_unchanged) tickets; peak RSS $(rss "$DIR/again") MB"
echo "newer export:      ${newer_s} s  updated $(field "$DIR/newer" tickets_updated) tickets, unchanged $(field "$DIR/newer" tickets_unchanged); peak RSS $(rss "$DIR/newer") MB"
echo
echo "steps of the first import (attrib -v):"
grep -E ' ms$' "$DIR/first.err" | sed 's/^ *INFO */  /'
echo "steps of the re-import:"
grep -E ' ms$' "$DIR/again.err" | sed 's/^ *INFO */  /'
echo "steps of the newer export:"
grep -E ' ms$|lines differ' "$DIR/newer.err" | sed 's/^ *INFO */  /'

echo
echo "PostgreSQL alone, inserting what the first import created (INSERT ... SELECT into new tables like attrib's, durable):"
contacts_s=$(best "${contacts_runs[@]}")
tickets_s=$(best "${tickets_runs[@]}")
psql -q -X "$FLOOR_URL" -c "CHECKPOINT"
bare_s=$(timed "INSERT INTO bench_bare_tickets SELECT * FROM bench_src_tickets")
# The newer export's own writes: the 20,000 tickets it updated (updated_at
# moved past created_at), found by ticket number among the floor's copies
# and updated again by PostgreSQL alone.
psql -q -X "$URL" -c "\\copy (SELECT ticket_number, checked_in_at FROM tickets WHERE updated_at > created_at) TO '$DIR/changed.tsv'"
psql -q -X "$FLOOR_URL" \
    -c "CREATE TABLE bench_changed_numbers (ticket_number text, checked_in_at timestamptz)" \
    -c "\\copy bench_changed_numbers FROM '$DIR/changed.tsv'" \
    -c "CREATE TABLE bench_changed AS SELECT b.id, n.checked_in_at FROM bench_tickets AS b JOIN bench_changed_numbers AS n USING (ticket_number)" \
    -c "CHECKPOINT"
update_s=$(timed "UPDATE bench_tickets AS b SET checked_in = true, checked_in_at = c.checked_in_at, updated_at = now() FROM bench_changed AS c WHERE b.id = c.id")
changed=$(psql -qtAX "$FLOOR_URL" -c "SELECT count(*) FROM bench_changed")
floor_s=$(echo "$contacts_s + $tickets_s" | bc -l | xargs printf '%.2f')
indexes() { psql -qtAX "$FLOOR_URL" -c "SELECT count(*) FROM pg_index WHERE indrelid = '$1'::regclass"; }
echo "  $(field "$DIR/first" contacts_created) contacts, $(indexes bench_contacts) indexes and a foreign key:    ${contacts_s} s  (fastest of ${contacts_runs[*]} s)"
echo "  $(field "$DIR/first" tickets_created) tickets, $(indexes bench_tickets) indexes and two foreign keys:   ${tickets_s} s  (fastest of ${tickets_runs[*]} s)"
echo "  the floor under a first import:                     ${floor_s} s"
echo "  (the same tickets into a table with no index, no key: ${bare_s} s)"
copy_and_floor=$(echo "$copy_s + $floor_s" | bc -l | xargs printf '%.2f')
echo "  attrib's first import above baseline + floor:       $(echo "$first_s - $copy_and_floor" | bc -l | xargs printf '%.2f') s"
echo "  the $changed tickets the newer export updated, updated again by PostgreSQL alone: ${update_s} s"
newer_floor=$(echo "$again_s + $update_s" | bc -l | xargs printf '%.2f')
echo "  a newer export's floor in attrib's design: the re-import (reading and comparing every line) + those updates: ${newer_floor} s"

peak=$(printf '%s\n' "$(rss "$DIR/first")" "$(rss "$DIR/again")" "$(rss "$DIR/newer")" | sort -n | tail -1)
echo
echo "ratios (each against the baseline, ${copy_s} s, measured above in this run):"
echo "  floor / baseline:                      $(ratio "$floor_s" "$copy_s")x"
echo "  first import / baseline:               $(ratio "$first_s" "$copy_s")x"
echo "  first import / (baseline + floor):     $(ratio "$first_s" "$copy_and_floor")x  (target <= 1.30x)"
echo "  re-import / baseline:                  $(ratio "$again_s" "$copy_s")x  (target <= 1.50x)"
echo "  newer export / baseline:               $(ratio "$newer_s" "$copy_s")x  (target <= 2.00x)"
echo "  newer export's floor / baseline:       $(ratio "$newer_floor" "$copy_s")x  (re-import + PostgreSQL alone updating the changed tickets)"
echo "  peak RSS:                              ${peak} MB  (target < 200 MB)"
echo "first import: $(ratio "$first_s" "$copy_and_floor")x of the floor"
