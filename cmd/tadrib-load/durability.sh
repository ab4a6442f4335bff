#!/usr/bin/env bash
# durability.sh — run "tadrib-load quiz" against a Tadrib server on PostgreSQL
# and, while the trainees autosave, restart PostgreSQL once and SIGKILL the
# server once (then start it again with the same environment). At the end the
# tool's verdict says whether every answer acknowledged with 204 is saved and
# every trainee could submit; its exit status is this script's.
#
# It only touches what it names: the PostgreSQL cluster $PG_VERSION/$PG_CLUSTER
# on $PG_PORT (never 5432), the database $DB in it (dropped and created
# afresh), and the server process it starts itself. Everything is bounded in
# time. Run it from anywhere, as a user that may run pg_ctlcluster (root or
# postgres):
#
#   cmd/tadrib-load/durability.sh
#   TRAINEES=200 RATE=0.5 DURATION=60s cmd/tadrib-load/durability.sh
#
# Output: the load report on stdout and in $OUT/load.txt; the server's logs in
# $OUT/server-1.log (before the kill) and $OUT/server-2.log (after); a summary
# of the faults and of the server's 5xx log lines at the end.
set -euo pipefail

PG_VERSION=${PG_VERSION:-15}
PG_CLUSTER=${PG_CLUSTER:-load}
PG_PORT=${PG_PORT:-5433}
DB=${DB:-tadrib_durability}
ADDR=${ADDR:-127.0.0.1:18090}
TRAINEES=${TRAINEES:-200}
RATE=${RATE:-0.5}
DURATION=${DURATION:-60s}
# The attempts start (and are submitted) within SPIKE. Before ddf9553, 32 or
# more starts at once deadlocked the server's PostgreSQL pool (README.md,
# "Server problems found"): SPIKE=4s kept those builds out of it.
SPIKE=${SPIKE:-1s}
PG_RESTART_AFTER=${PG_RESTART_AFTER:-15} # seconds into the autosave phase
KILL_AFTER=${KILL_AFTER:-20}             # seconds after the PostgreSQL restart
OUT=${OUT:-/tmp/tadrib-durability}
SERVER=${SERVER:-/tmp/tadrib-q}
LOAD=${LOAD:-/tmp/tadrib-load}
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@durability.test}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-Durability-admin-1}

if [[ "$PG_PORT" == 5432 ]]; then
	echo "durability.sh: refusing to use port 5432 (the main cluster); use a separate cluster" >&2
	exit 2
fi
case "$ADDR" in 127.*|localhost:*) ;; *) echo "durability.sh: ADDR must be a loopback address" >&2; exit 2 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$OUT"
log() { printf '%s durability: %s\n' "$(date +%T.%N | cut -c1-12)" "$*" | tee -a "$OUT/events.txt" >&2; }
: >"$OUT/events.txt"

if [[ ! -x "$SERVER" || "${BUILD:-1}" == 1 ]]; then
	log "building $SERVER and $LOAD"
	(cd "$root" && go build -o "$SERVER" ./cmd/tadrib && go build -o "$LOAD" ./cmd/tadrib-load)
fi

pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { echo "durability.sh: nothing answers on 127.0.0.1:$PG_PORT (pg_ctlcluster $PG_VERSION $PG_CLUSTER start)" >&2; exit 2; }
dropdb --if-exists -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB"
createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB"

export TADRIB_LOG_LEVEL=warn TADRIB_RATE_AUTH=100000 TADRIB_ADDR="$ADDR"
export TADRIB_ADMIN_EMAIL="$ADMIN_EMAIL" TADRIB_ADMIN_PASSWORD="$ADMIN_PASSWORD"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB?sslmode=disable"

server_pid=""
load_pid=""
cleanup() {
	[[ -n "$load_pid" ]] && kill "$load_pid" 2>/dev/null || true
	[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT

# start_server N: start the server (log $OUT/server-N.log), wait until ready.
start_server() {
	"$SERVER" >"$OUT/server-$1.log" 2>&1 &
	server_pid=$!
	local t0=$SECONDS
	until curl -fs -o /dev/null "http://$ADDR/readyz"; do
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "durability.sh: the server exited; its log:" >&2
			cat "$OUT/server-$1.log" >&2
			exit 1
		fi
		if ((SECONDS - t0 > 60)); then
			echo "durability.sh: the server is not ready after 60s" >&2
			exit 1
		fi
		sleep 0.05
	done
}

t=$(date +%s.%N)
start_server 1
log "server started (pid $server_pid), ready in $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5)s"

# The load, bounded: registration, the autosave phase, submits and checks.
timeout 1200 "$LOAD" quiz -url "http://$ADDR" -admin-email "$ADMIN_EMAIL" -admin-password "$ADMIN_PASSWORD" \
	-trainees "$TRAINEES" -rate "$RATE" -d "$DURATION" -spike "$SPIKE" >"$OUT/load.txt" 2>"$OUT/load.err" &
load_pid=$!
log "load started (pid $load_pid): $TRAINEES trainees, $RATE saves/s each, for $DURATION"

# Wait for the autosave phase (registration first: ~50 ms of argon2id each).
t0=$SECONDS
until grep -q "autosave phase started" "$OUT/load.err" 2>/dev/null; do
	if ! kill -0 "$load_pid" 2>/dev/null; then
		echo "durability.sh: the load ended before the autosave phase:" >&2
		cat "$OUT/load.err" >&2
		exit 1
	fi
	if ((SECONDS - t0 > 900)); then
		echo "durability.sh: no autosave phase after 900s" >&2
		exit 1
	fi
	sleep 0.2
done
log "autosave phase started"

sleep "$PG_RESTART_AFTER"
log "restarting PostgreSQL ($PG_VERSION/$PG_CLUSTER)"
t=$(date +%s.%N)
pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
log "PostgreSQL restarted in $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5)s"

sleep "$KILL_AFTER"
log "SIGKILL to the server (pid $server_pid)"
t=$(date +%s.%N)
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
start_server 2
log "server started again (pid $server_pid), ready $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5)s after the kill"

rc=0
wait "$load_pid" || rc=$?
load_pid=""
log "load finished with exit status $rc"
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

cat "$OUT/load.txt"
echo
echo "== faults"
cat "$OUT/events.txt"
echo "== server responses with a 5xx status, from its request log (both runs)"
for f in "$OUT"/server-1.log "$OUT"/server-2.log; do
	for st in 500 503; do
		n=$(grep '"msg":"request",' "$f" | grep -c "\"status\":$st[,}]" || true)
		printf '%s: status %s: %s\n' "$(basename "$f")" "$st" "$n"
	done
done
if grep -h '"msg":"request failed"' "$OUT"/server-*.log | grep -q '"status":500[,}]'; then
	echo "first 500s:"
	grep -h '"msg":"request failed"' "$OUT"/server-*.log | grep '"status":500[,}]' | head -5
fi
exit "$rc"
