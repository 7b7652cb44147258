#!/usr/bin/env bash
# Benchmark of `attrib brevo ingest`: 1,000,000 Brevo transactional webhook
# events into 250,000 recipient rows (issue 5), then 1,000,000 marketing-
# campaign events over 200,000 recipient rows of 10 campaigns (issue 11), on
# a private embedded server.
#
# Prints events per second (target: at least 50,000/s), the peak resident
# memory of attrib, and the ratio against a baseline run here on the same
# file: psql \copy of the raw lines into a one-column temporary table (the
# cost of just moving the bytes into PostgreSQL). Last, for each kind, a
# floor: PostgreSQL alone writing again the recipient rows the ingestion
# changed (an UPDATE of the same values), which any ingestion must pay.
#
#   benches/brevo_ingest.sh                          # both, 1,000,000 events each
#   EVENTS=200000 VARIANTS=marketing benches/brevo_ingest.sh    # smaller, one kind
#
# Needs: cargo, psql, GNU time (/usr/bin/time). Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=${EVENTS:-1000000}
COMMUNICATIONS=${COMMUNICATIONS:-10}
# Per communication: 250,000 transactional recipient rows, 200,000 marketing.
RECIPIENTS=${RECIPIENTS:-25000}
MARKETING_RECIPIENTS=${MARKETING_RECIPIENTS:-20000}
VARIANTS=${VARIANTS:-transactional marketing}
DATA=${BENCH_DATA:-bench-data}
HOME_DIR=$(mktemp -d /tmp/attrib-bench-XXXXXX)
chmod 755 "$HOME_DIR"
BIN=target/release/attrib

cargo build --release --quiet --bin attrib --example gen_brevo
attrib() { "$BIN" --home "$HOME_DIR" "$@"; }
cleanup() { attrib db stop >/dev/null 2>&1 || true; rm -rf "$HOME_DIR"; }
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
attrib db start --quiet
attrib migrate --quiet
URL=$(attrib db url 2>/dev/null)
psql "$URL" -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO events (name, slug, starts_on) VALUES ('Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17');
INSERT INTO campaigns (name, event_id, campaign_type, status) VALUES ('Bench 2026', 1, 'registration', 'active');
SQL

run_ingest() {
    local label=$1 file=$2 baseline=$3
    local start end took rss
    start=$(now)
    /usr/bin/time -f "%M" -o "$HOME_DIR/rss" "$BIN" --home "$HOME_DIR" brevo ingest "$file" \
        --unmatched "$HOME_DIR/unmatched.jsonl" --format json > "$HOME_DIR/summary.json"
    end=$(now)
    took=$(elapsed "$start" "$end")
    rss=$(cat "$HOME_DIR/rss")
    printf '%-40s %8.2f s  %9.0f events/s  %5.2fx the psql \\copy baseline  peak RSS %d MiB\n' \
        "$label" "$took" "$(echo "$EVENTS / $took" | bc -l)" "$(echo "$took / $baseline" | bc -l)" $((rss / 1024))
}

offset=0
for variant in $VARIANTS; do
    dir="$DATA/brevo-$variant"
    if [[ $variant == marketing ]]; then
        per=$MARKETING_RECIPIENTS
        target/release/examples/gen_brevo --marketing --events "$EVENTS" --communications "$COMMUNICATIONS" \
            --recipients "$per" --out "$dir"
    else
        per=$RECIPIENTS
        target/release/examples/gen_brevo --events "$EVENTS" --communications "$COMMUNICATIONS" \
            --recipients "$per" --out "$dir"
    fi
    EVENTS_FILE="$dir/events.jsonl"
    echo "== $variant: $(du -h "$EVENTS_FILE" | cut -f1), $(wc -l < "$EVENTS_FILE") events"
    start=$(now)
    for n in $(seq 1 "$COMMUNICATIONS"); do
        if [[ $variant == marketing ]]; then id=(--brevo-campaign-id $((500 + n))); else id=(--brevo-template-id $((1000 + n))); fi
        attrib comms add --campaign bench-2026 --channel email --title "Bench $variant email $n" \
            "${id[@]}" --sent-at "2026-02-03 09:30" >/dev/null
        attrib recipients import --communication "$((offset + n))" "$dir/recipients-$n.csv" --quiet
    done
    offset=$((offset + COMMUNICATIONS))
    echo "recipients: $((COMMUNICATIONS * per)) rows of $variant emails loaded in $(printf '%.1f' "$(elapsed "$start" "$(now)")") s"

    # Baseline: the bytes alone, into PostgreSQL (CSV mode with characters
    # that never occur, so that every line is one field, untouched).
    start=$(now)
    psql "$URL" -q -v ON_ERROR_STOP=1 \
        -c "CREATE TEMP TABLE raw_events (line text)" \
        -c "\\copy raw_events FROM '$EVENTS_FILE' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
    baseline=$(elapsed "$start" "$(now)")
    printf '%-40s %8.2f s  %9.0f events/s\n' "baseline (psql \\copy)" "$baseline" "$(echo "$EVENTS / $baseline" | bc -l)"
    run_ingest "attrib brevo ingest ($variant)" "$EVENTS_FILE" "$baseline"
    tr -d ' \n' < "$HOME_DIR/summary.json"; echo
    run_ingest "again (nothing changes)" "$EVENTS_FILE" "$baseline"
    tr -d ' \n' < "$HOME_DIR/summary.json"; echo

    # A floor under any ingestion into this schema: PostgreSQL alone writing
    # the recipient rows the first ingestion changed again (each new row
    # version goes into the table's indexes and the WAL), durable.
    start=$(now)
    rows=$(psql "$URL" -Atq -v ON_ERROR_STOP=1 -c "WITH w AS (UPDATE communication_recipients
        SET status = status, sent_at = sent_at, metadata = metadata
        WHERE communication_id > $((offset - COMMUNICATIONS)) AND communication_id <= $offset
          AND metadata ? 'brevo_events' RETURNING 1) SELECT count(*) FROM w")
    floor=$(elapsed "$start" "$(now)")
    printf '%-40s %8.2f s  %9s           %5.2fx the psql \\copy baseline  (%s rows)\n' \
        "floor: PostgreSQL rewriting those rows" "$floor" "" "$(echo "$floor / $baseline" | bc -l)" "$rows"
done
echo "statuses: $(psql "$URL" -Atc "SELECT string_agg(status || '=' || n, ' ' ORDER BY n DESC) FROM (SELECT status, count(*) n FROM communication_recipients GROUP BY status) s")"
