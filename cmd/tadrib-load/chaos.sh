#!/usr/bin/env bash
# chaos.sh — the chaos exam (issue 14, point 3). The production topology on
# one machine: a PostgreSQL cluster of its own, PgBouncer in transaction mode
# in front of it, two tadrib nodes on PgBouncer (TADRIB_DB_POOL=transaction)
# and HAProxy in front of the nodes (cmd/tadrib-load/topology). T trainees
# take a timed quiz through HAProxy ("tadrib-load quiz") while a chaos
# schedule, at random moments of the autosave phase, SIGKILLs a node K times
# (it is started again at once), restarts PostgreSQL M times and restarts
# PgBouncer once. Then:
#   - the load's own check: every answer acknowledged with 204 is saved;
#   - "tadrib-load check" on the database: trainees with two attempts in
#     progress, duplicate attempt numbers, answers stored after deadline +
#     grace, grades different from a re-grade of the stored answers;
#   - the nodes' logs: responses with a 5xx status other than 503.
# The exit status is 0 only when all of these are zero.
#
# It only touches what it names: the cluster $PG_VERSION/$PG_CLUSTER on
# $PG_PORT (created with trust authentication if it does not exist; never
# 5432), PgBouncer on $PGB_PORT, the processes it starts. Run it as root (or
# a user that may run pg_ctlcluster):
#
#   cmd/tadrib-load/chaos.sh
#   TRAINEES=300 DURATION=90s KILLS=3 PG_RESTARTS=2 SEED=7 cmd/tadrib-load/chaos.sh
#
# ENGINE=sqlite runs the same exam on the embedded engine: one node on a
# SQLite file behind HAProxy, killed KILLS times (no PostgreSQL, no PgBouncer).
set -euo pipefail

ENGINE=${ENGINE:-postgres}
PG_VERSION=${PG_VERSION:-15}
PG_CLUSTER=${PG_CLUSTER:-chaos}
PG_PORT=${PG_PORT:-5434}
PGB_PORT=${PGB_PORT:-6434}
DB=${DB:-tadrib_chaos}
FRONT=${FRONT:-127.0.0.1:18190}
NODE1=${NODE1:-127.0.0.1:18191}
NODE2=${NODE2:-127.0.0.1:18192}
TRAINEES=${TRAINEES:-150}
RATE=${RATE:-0.5}
DURATION=${DURATION:-60s}
TIME_LIMIT=${TIME_LIMIT:-600}
KILLS=${KILLS:-2}
PG_RESTARTS=${PG_RESTARTS:-1}
SEED=${SEED:-$RANDOM}
OUT=${OUT:-/tmp/tadrib-chaos}
SERVER=${SERVER:-/tmp/tadrib-chaos-server}
LOAD=${LOAD:-/tmp/tadrib-chaos-load}
ADMIN_EMAIL=admin@chaos.test
ADMIN_PASSWORD=Chaos-admin-password-1

[[ "$PG_PORT" != 5432 ]] || { echo "chaos.sh: refusing port 5432 (the main cluster)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rm -rf "$OUT" && mkdir -p "$OUT"
log() { printf '%s chaos: %s\n' "$(date +%T.%N | cut -c1-12)" "$*" | tee -a "$OUT/events.txt" >&2; }

log "building $SERVER and $LOAD"
(cd "$root" && go build -o "$SERVER" ./cmd/tadrib && go build -o "$LOAD" ./cmd/tadrib-load)

# --- PostgreSQL, PgBouncer ----------------------------------------------------
if [[ $ENGINE == sqlite ]]; then
	PG_RESTARTS=0
	NODE2=$NODE1 # one node: HAProxy's two server lines name it twice
elif ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$PG_CLUSTER"; then
	log "creating cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT (trust authentication, loopback only)"
	pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-local=trust --auth-host=trust >/dev/null
fi
if [[ $ENGINE == postgres ]]; then
	pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start 2>/dev/null || true
	for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
	dropdb --if-exists -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB"
	createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB"
	PG_PORT=$PG_PORT LISTEN_PORT=$PGB_PORT "$here/topology/start-pgbouncer.sh" "$OUT/pgbouncer"
fi

# --- The nodes and HAProxy ------------------------------------------------------
export TADRIB_LOG_LEVEL=info TADRIB_RATE_AUTH=100000 TADRIB_DB_POOL=transaction TADRIB_TRUSTED_PROXIES=127.0.0.1
export TADRIB_ADMIN_EMAIL=$ADMIN_EMAIL TADRIB_ADMIN_PASSWORD=$ADMIN_PASSWORD
export TADRIB_SECRET=chaos-secret-0123456789abcdef-0123456789
if [[ $ENGINE == postgres ]]; then
	export DATABASE_URL="postgres://postgres@127.0.0.1:$PGB_PORT/$DB?sslmode=disable"
	check_db=(-database-url "postgres://postgres@127.0.0.1:$PG_PORT/$DB?sslmode=disable")
else
	unset DATABASE_URL TADRIB_DB_POOL
	export TADRIB_DB_PATH=$OUT/tadrib.db
	check_db=(-sqlite "$TADRIB_DB_PATH")
fi
"$SERVER" keygen -o "$OUT/signing-key.pem" >/dev/null 2>&1
export TADRIB_SIGNING_KEY_FILE=$OUT/signing-key.pem

declare -A pid addr runs
addr[1]=$NODE1 addr[2]=$NODE2 runs[1]=0 runs[2]=0
# spawn N starts node N in the background; ready N waits until it answers.
spawn() {
	runs[$1]=$((runs[$1] + 1))
	TADRIB_ADDR=${addr[$1]} "$SERVER" >>"$OUT/node$1.log" 2>&1 &
	pid[$1]=$!
}
ready() {
	local t0=$SECONDS
	until curl -fs -o /dev/null "http://${addr[$1]}/readyz"; do
		kill -0 "${pid[$1]}" 2>/dev/null || { echo "chaos.sh: node $1 exited:" >&2; tail -n 20 "$OUT/node$1.log" >&2; exit 1; }
		((SECONDS - t0 < 60)) || { echo "chaos.sh: node $1 not ready after 60 s" >&2; exit 1; }
		sleep 0.05
	done
}
haproxy_pid=""
load_pid=""
cleanup() {
	for p in "$load_pid" "${pid[1]:-}" "${pid[2]:-}" "$haproxy_pid"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
	[[ -f "$OUT/pgbouncer/pgbouncer.pid" ]] && kill "$(cat "$OUT/pgbouncer/pgbouncer.pid")" 2>/dev/null || true
	wait 2>/dev/null || true
}
trap cleanup EXIT

# Both nodes start together on the empty database, through PgBouncer.
spawn 1
[[ $ENGINE == sqlite ]] || spawn 2
ready 1
[[ $ENGINE == sqlite ]] || ready 2
log "nodes up: ${pid[1]} on $NODE1, ${pid[2]} on $NODE2"
sed -e "s#@FRONT@#$FRONT#" -e "s#@NODE1@#$NODE1#" -e "s#@NODE2@#$NODE2#" "$here/topology/haproxy.cfg" >"$OUT/haproxy.cfg"
haproxy -db -f "$OUT/haproxy.cfg" >"$OUT/haproxy.log" 2>&1 &
haproxy_pid=$!
until curl -fs -o /dev/null "http://$FRONT/readyz"; do sleep 0.1; done

# --- The load and the chaos -----------------------------------------------------
timeout 1800 "$LOAD" quiz -url "http://$FRONT" -admin-email "$ADMIN_EMAIL" -admin-password "$ADMIN_PASSWORD" \
	-trainees "$TRAINEES" -rate "$RATE" -d "$DURATION" -time-limit "$TIME_LIMIT" >"$OUT/load.txt" 2>"$OUT/load.err" &
load_pid=$!
until grep -q "autosave phase started" "$OUT/load.err" 2>/dev/null; do
	kill -0 "$load_pid" 2>/dev/null || { echo "chaos.sh: the load ended before the autosave phase:" >&2; cat "$OUT/load.err" >&2; exit 1; }
	sleep 0.2
done
log "autosave phase started: $TRAINEES trainees, $DURATION, chaos seed $SEED"

# The schedule: K kills, M PostgreSQL restarts and one PgBouncer restart at
# random seconds within the first 80 % of the autosave phase, in time order.
secs=${DURATION%s}
RANDOM=$SEED
schedule=$( {
	for _ in $(seq "$KILLS"); do echo "$((RANDOM % (secs * 8 / 10) + 1)) kill"; done
	for _ in $(seq "$PG_RESTARTS"); do echo "$((RANDOM % (secs * 8 / 10) + 1)) pg"; done
	[[ $ENGINE == sqlite ]] || echo "$((RANDOM % (secs * 8 / 10) + 1)) pgbouncer"
} | sort -n)
elapsed=0
victim=1
while read -r at what; do
	((at > elapsed)) && sleep $((at - elapsed))
	elapsed=$at
	case $what in
	kill)
		log "t+${at}s SIGKILL node $victim (pid ${pid[$victim]})"
		kill -9 "${pid[$victim]}"
		wait "${pid[$victim]}" 2>/dev/null || true
		spawn "$victim"
		ready "$victim"
		log "node $victim back (pid ${pid[$victim]})"
		[[ $ENGINE == sqlite ]] || victim=$((3 - victim))
		;;
	pg)
		log "t+${at}s restarting PostgreSQL"
		pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart
		log "PostgreSQL back"
		;;
	pgbouncer)
		log "t+${at}s restarting PgBouncer"
		PG_PORT=$PG_PORT LISTEN_PORT=$PGB_PORT "$here/topology/start-pgbouncer.sh" "$OUT/pgbouncer"
		log "PgBouncer back"
		;;
	esac
done <<<"$schedule"

rc=0
wait "$load_pid" || rc=$?
load_pid=""
log "load finished with exit status $rc"

# --- The checks ----------------------------------------------------------------
check_rc=0
"$LOAD" check "${check_db[@]}" >"$OUT/check.txt" 2>&1 || check_rc=$?
server5xx=$(grep -h '"msg":"request"' "$OUT"/node*.log | grep -E '"status":5[0-9][0-9]' | grep -vc '"status":503' || true)

cat "$OUT/load.txt"
echo
echo "== chaos (seed $SEED)"
cat "$OUT/events.txt"
echo
echo "== database check"
cat "$OUT/check.txt"
echo
echo "== summary"
printf 'engine %s, trainees %s, autosave %s, node kills %s, PostgreSQL restarts %s, PgBouncer restarts %s\n' \
	"$ENGINE" "$TRAINEES" "$DURATION" "$KILLS" "$PG_RESTARTS" "$([[ $ENGINE == postgres ]] && echo 1 || echo 0)"
printf 'load verdict (acknowledged answers all saved): %s\n' "$([[ $rc == 0 ]] && echo PASS || echo FAIL)"
printf 'server responses 5xx other than 503: %s\n' "$server5xx"
printf 'node runs: node1 %s, node2 %s\n' "${runs[1]}" "${runs[2]}"
printf 'database check: %s\n' "$([[ $check_rc == 0 ]] && echo PASS || echo FAIL)"
[[ $rc == 0 && $check_rc == 0 && $server5xx == 0 ]]
