#!/bin/sh
# Starts Debian's PgBouncer (apt-get install pgbouncer) in transaction mode on
# 127.0.0.1:$LISTEN_PORT in front of the PostgreSQL on 127.0.0.1:$PG_PORT, with trust
# authentication for the user postgres (a test machine's set-up: a real
# deployment uses auth_type = scram-sha-256 and an auth_file of its own).
# PgBouncer refuses to run as root: as root, it runs as the user postgres.
# Usage: [PG_PORT=5432] [LISTEN_PORT=6432] start-pgbouncer.sh [DIR]
# (DIR default /tmp/tadrib-pgbouncer)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/tadrib-pgbouncer}
bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
mkdir -p "$dir"
pg_port=${PG_PORT:-5432}
listen_port=${LISTEN_PORT:-6432}
sed -e "s#@DIR@#$dir#g" -e "s#@PG_PORT@#$pg_port#" -e "s#@LISTEN_PORT@#$listen_port#" "$here/pgbouncer.ini" >"$dir/pgbouncer.ini"
echo '"postgres" ""' >"$dir/userlist.txt"
if [ -f "$dir/pgbouncer.pid" ] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; then
	kill "$(cat "$dir/pgbouncer.pid")"
	sleep 1
fi
if [ "$(id -u)" = 0 ]; then
	chown -R postgres "$dir"
	su postgres -s /bin/sh -c "$bin -d $dir/pgbouncer.ini"
else
	"$bin" -d "$dir/pgbouncer.ini"
fi
for _ in 1 2 3 4 5 6 7 8 9 10; do
	pg_isready -q -h 127.0.0.1 -p "$listen_port" && exit 0
	sleep 1
done
echo "PgBouncer does not answer on 127.0.0.1:$listen_port (log: $dir/pgbouncer.log)" >&2
exit 1
