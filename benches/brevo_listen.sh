#!/usr/bin/env bash
# Benchmark of `attrib brevo listen` (issue 12), on this machine's loopback
# only, bounded in count and time, with the embedded server (durable).
#
# 1. 100,000 single-event POSTs from 32 concurrent connections
#    (examples/brevo_load.rs). Target: at least 3,000 events/s, p99 under
#    250 ms, and every answer 200 in the database afterwards (counted).
#    Also printed: how many accepted events were still in the inbox, not
#    yet applied, when the load ended, and how long SIGTERM took to apply
#    them and exit.
#    Baseline, in the same run: `brevo ingest` of the same events as one
#    file into a second embedded server (the file path's throughput).
# 2. For the floor: the same POSTs with a wrong token, answered 401 before
#    any database work (what HTTP and the load generator alone reach here).
# 3. A run killed with SIGKILL part-way: every event answered 200 before the
#    kill must be in the database afterwards (applied, waiting, or in the
#    inbox); the listener started again then applies the inbox.
#
#   benches/brevo_listen.sh
#   REQUESTS=20000 CONNECTIONS=16 benches/brevo_listen.sh
#
# Needs: cargo, psql. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-100000}
CONNECTIONS=${CONNECTIONS:-32}
MAX_SECONDS=${MAX_SECONDS:-300}
PORT=${PORT:-18787}
HOME_DIR=$(mktemp -d /tmp/attrib-bench-XXXXXX)
BASE_DIR=$(mktemp -d /tmp/attrib-bench-XXXXXX)
chmod 755 "$HOME_DIR" "$BASE_DIR"
BIN=target/release/attrib
LOAD=target/release/examples/brevo_load
export ATTRIB_WEBHOOK_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
LISTENER=

cargo build --release --quiet --bin attrib --example brevo_load
attrib() { "$BIN" --home "$HOME_DIR" "$@"; }
cleanup() {
    [[ -n $LISTENER ]] && kill "$LISTENER" 2>/dev/null || true
    attrib db stop >/dev/null 2>&1 || true
    "$BIN" --home "$BASE_DIR" db stop >/dev/null 2>&1 || true
    rm -rf "$HOME_DIR" "$BASE_DIR"
}
trap cleanup EXIT
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

setup() {  # the event, its campaign and the ten marketing emails
    local home=$1
    "$BIN" --home "$home" db start --quiet
    "$BIN" --home "$home" migrate --quiet
    psql "$("$BIN" --home "$home" db url 2>/dev/null)" -q -v ON_ERROR_STOP=1 <<'SQL'
INSERT INTO events (name, slug, starts_on) VALUES ('Data & AI Day 2026', 'data-ai-day-2026', '2026-09-17');
INSERT INTO campaigns (name, event_id, campaign_type, status) VALUES ('Bench 2026', 1, 'registration', 'active');
SQL
    for n in $(seq 1 10); do
        "$BIN" --home "$home" comms add --campaign bench-2026 --channel email --title "Bench email $n" \
            --brevo-campaign-id $((500 + n)) --sent-at "2026-02-03 09:00" >/dev/null
    done
}
stored() {  # events recorded in recipients' metadata, plus those waiting to match, plus
            # those accepted and not yet applied (a killed listener's inbox)
    psql "$1" -Atc "SELECT (SELECT coalesce(sum(jsonb_array_length(metadata -> 'brevo_events')), 0)
                            FROM communication_recipients) + (SELECT count(*) FROM attrib.brevo_waiting)
                            + (SELECT count(*) FROM attrib.brevo_inbox)"
}
start_listener() {
    : > "$HOME_DIR/listen.log"
    "$BIN" --home "$HOME_DIR" brevo listen --listen "127.0.0.1:$PORT" 2> "$HOME_DIR/listen.log" &
    LISTENER=$!
    for _ in $(seq 1 100); do
        grep -q "receiving Brevo webhooks" "$HOME_DIR/listen.log" 2>/dev/null && return
        sleep 0.1
    done
    echo "the listener did not start:"; cat "$HOME_DIR/listen.log"; exit 1
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
setup "$HOME_DIR"
setup "$BASE_DIR"
URL=$(attrib db url 2>/dev/null)

# Baseline: the same events, as one file, through brevo ingest.
"$LOAD" --print --requests "$REQUESTS" > "$BASE_DIR/events.jsonl"
start=$(now)
"$BIN" --home "$BASE_DIR" brevo ingest "$BASE_DIR/events.jsonl" --quiet
baseline=$(elapsed "$start" "$(now)")
printf '%-44s %8.2f s  %8.0f events/s\n' "baseline: brevo ingest of the same events" "$baseline" \
    "$(echo "$REQUESTS / $baseline" | bc -l)"

start_listener
line=$("$LOAD" --url "http://127.0.0.1:$PORT/brevo" --requests "$REQUESTS" \
    --connections "$CONNECTIONS" --seconds "$MAX_SECONDS")
behind=$(psql "$URL" -Atc "SELECT count(*) FROM attrib.brevo_inbox")
start=$(now)
kill -TERM "$LISTENER"; wait "$LISTENER" || { echo "listener exit $?"; exit 1; }; LISTENER=
echo "load: $line"
printf 'when the load ended: %s accepted events not yet applied; SIGTERM to exit (applying them): %.2f s\n' \
    "$behind" "$(elapsed "$start" "$(now)")"
ok=$(sed 's/.* ok \([0-9]*\) .*/\1/' <<< "$line")
took=$(sed 's/.* seconds \([0-9.]*\) .*/\1/' <<< "$line")
p99=$(sed 's/.* p99_ms \([0-9.]*\) .*/\1/' <<< "$line")
rate=$(echo "$ok / $took" | bc -l)
printf '%-44s %8.2f s  %8.0f events/s  %5.2fx the baseline'"'"'s time  p99 %.1f ms\n' \
    "brevo listen: $CONNECTIONS connections" "$took" "$rate" "$(echo "$took / $baseline" | bc -l)" "$p99"
in_db=$(stored "$URL")
echo "answered 200: $ok; in the database: $in_db"
printf 'target: >= 3000 events/s: %s; p99 < 250 ms: %s; every 200 stored: %s\n' \
    "$(echo "$rate >= 3000" | bc)" "$(echo "$p99 < 250" | bc)" "$( [[ $in_db -ge $ok ]] && echo 1 || echo 0)"

# The floor under any receiver on this machine: the same POSTs answered 401
# before any database work (HTTP and the load generator alone, sharing the
# same cores).
start_listener
line=$("$LOAD" --url "http://127.0.0.1:$PORT/brevo" --token "not-$ATTRIB_WEBHOOK_TOKEN" \
    --requests "$REQUESTS" --connections "$CONNECTIONS" --seconds "$MAX_SECONDS")
kill -TERM "$LISTENER"; wait "$LISTENER" || { echo "listener exit $?"; exit 1; }; LISTENER=
refused=$(sed 's/.* refused \([0-9]*\) .*/\1/' <<< "$line")
took401=$(sed 's/.* seconds \([0-9.]*\) .*/\1/' <<< "$line")
printf '%-44s %8.2f s  %8.0f requests/s  (brevo listen reached %.0f%% of it)\n' \
    "floor: HTTP alone, every POST answered 401" "$took401" "$(echo "$refused / $took401" | bc -l)" \
    "$(echo "100 * $rate / ($refused / $took401)" | bc -l)"

# Killed part-way: SIGKILL after a few seconds of load.
before=$(stored "$URL")
start_listener
"$LOAD" --url "http://127.0.0.1:$PORT/brevo" --requests "$REQUESTS" --first 10000000 \
    --connections "$CONNECTIONS" --seconds 60 --accepted "$HOME_DIR/accepted" > "$HOME_DIR/killed.txt" &
load=$!
sleep 3
kill -KILL "$LISTENER"; wait "$LISTENER" 2>/dev/null || true; LISTENER=
wait "$load" || true
accepted=$(tail -1 "$HOME_DIR/accepted")
after=$(stored "$URL")
echo "killed: $(cat "$HOME_DIR/killed.txt")"
echo "SIGKILL part-way: answered 200 before the kill: $accepted; found in the database: $((after - before))"
# The listener started again applies what the killed one accepted.
start_listener
kill -TERM "$LISTENER"; wait "$LISTENER" || { echo "listener exit $?"; exit 1; }; LISTENER=
echo "started again: $(psql "$URL" -Atc "SELECT count(*) FROM attrib.brevo_inbox") left to apply; \
found in the database: $(( $(stored "$URL") - before ))"
