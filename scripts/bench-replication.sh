#!/usr/bin/env bash
# bench-replication.sh measures replication, Shoal against redis-server in
# the same run:
#   - lag: writes of SIZE bytes at RATE a second to a primary, lag p50/p99
#     of a probe as seen on its replica (scripts/repllag), for Shoal async,
#     Shoal sync and Redis;
#   - throughput: redis-benchmark SET rps with no replica, with one
#     replica (async), and for Shoal with one replica in sync mode;
#   - write latency: p50/p99 of SETs (redis-benchmark, -P 1) from 1 and
#     from LCLIENTS clients, with no replica, one async replica and one
#     sync replica (the time a sync-mode write waits for its replica).
#
# Settings, from the environment:
#   RATE=20000 SIZE=1024 DURATION=10s       the lag run
#   CLIENTS=50 REQUESTS=200000 PIPELINE=1 TSIZE=100   the throughput run
#   REDIS_SERVER=redis-server REDIS_BENCHMARK=redis-benchmark
#   LCLIENTS=10 LREQUESTS=50000                       the latency run
#   SECTIONS=lag,throughput,latency                   which runs to do
#   ROUNDS=1            how many times the throughput setups run, interleaved
#   SHOAL=path          a shoal binary to measure instead of this tree's
#   KEEP=1              keep logs
set -euo pipefail

RATE=${RATE:-20000}
SIZE=${SIZE:-1024}
DURATION=${DURATION:-10s}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200000}
PIPELINE=${PIPELINE:-1}
TSIZE=${TSIZE:-100}
SECTIONS=${SECTIONS:-lag,throughput,latency}
LCLIENTS=${LCLIENTS:-10}
LREQUESTS=${LREQUESTS:-50000}
ROUNDS=${ROUNDS:-1}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-repl.XXXXXX")

die() {
	echo "bench-replication: $*" >&2
	exit 1
}
# shellcheck source=lib.sh
source "$repo/scripts/lib.sh"

pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [[ -n ${KEEP:-} ]]; then
		echo "logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

echo "building shoal and repllag..." >&2
(cd "$repo" && go build -o "$work/repllag" ./scripts/repllag)
if [[ -n ${SHOAL:-} ]]; then
	cp "$SHOAL" "$work/shoal"
else
	(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)
fi

# section reports whether run $1 is among SECTIONS.
section() { [[ ,$SECTIONS, == *,$1,* ]]; }

# launch starts a server of kind $1 on port $2 with the flags after them.
launch() {
	local kind=$1 port=$2
	shift 2
	if [[ $kind == shoal ]]; then
		"$work/shoal" server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --metrics-addr "" \
			--dir "$work" "$@" >>"$work/shoal-$port.log" 2>&1 &
	else
		"$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
			--dir "$work" --logfile "$work/redis-$port.log" "$@" >/dev/null 2>&1 &
	fi
	pids+=($!)
	wait_ready "$port" $! || die "$kind on $port did not start"
}

# pair starts a primary (flags $2) and, unless $3 is "none", a replica of
# it; it sets pport and rport.
pair() {
	local kind=$1 pflags=$2 replica=${3:-one}
	pport=$(free_port)
	# shellcheck disable=SC2086
	launch "$kind" "$pport" $pflags
	rport=
	if [[ $replica == none ]]; then
		return
	fi
	rport=$(free_port)
	launch "$kind" "$rport" --replicaof 127.0.0.1 "$pport"
	for _ in $(seq 200); do
		[[ $(redis-cli -p "$rport" info replication | tr -d '\r' | grep master_link_status) == *up ]] && return
		sleep 0.1
	done
	die "$kind replica did not link"
}

stop_all() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
}

sets() {
	"$REDIS_BENCHMARK" -p "$pport" -t set -n "$REQUESTS" -c "$CLIENTS" -P "$PIPELINE" -d "$TSIZE" -r 100000 -q |
		tr '\r' '\n' | awk '/SET:/ {print $2}' | tail -1
}

section lag && echo "== lag: $RATE writes/s of $SIZE bytes for $DURATION"
section lag && for setup in "shoal async:shoal:--replication-mode async" "shoal sync:shoal:--replication-mode sync" "redis:redis:"; do
	IFS=: read -r name kind flags <<<"$setup"
	pair "$kind" "$flags"
	printf '%-12s %s\n' "$name" "$("$work/repllag" -primary 127.0.0.1:"$pport" -replica 127.0.0.1:"$rport" \
		-rate "$RATE" -size "$SIZE" -d "$DURATION")"
	stop_all
done

# median prints the median of the numbers on stdin, one a line.
median() {
	sort -g | awk '{v[NR] = $1} END {if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

# The throughput setups run interleaved, ROUNDS times: on a shared machine
# throughput drifts by a third within minutes, so a share (with a replica
# over alone) means something only between neighbouring runs.
section throughput && echo "== SET throughput (redis-benchmark -c $CLIENTS -P $PIPELINE -d $TSIZE -n $REQUESTS), rps, $ROUNDS round(s)"
section throughput && for round in $(seq "$ROUNDS"); do
	for setup in "shoal, no replica:shoal::none" "shoal + 1 async:shoal:--replication-mode async:one" \
		"shoal + 1 sync:shoal:--replication-mode sync:one" "redis, no replica:redis::none" "redis + 1 replica:redis::one"; do
		IFS=: read -r name kind flags replica <<<"$setup"
		pair "$kind" "$flags" "$replica"
		"$REDIS_BENCHMARK" -p "$pport" -t set -n 50000 -q >/dev/null # warm-up
		rps=$(sets)
		printf '%-20s %s\n' "$name" "$rps"
		echo "$round:$name:$rps" >>"$work/throughput"
		stop_all
	done
done
section throughput && {
	echo "-- share of the rps alone kept with a replica: median over rounds (each round)"
	for pairing in "shoal async:shoal + 1 async:shoal, no replica" "shoal sync:shoal + 1 sync:shoal, no replica" \
		"redis:redis + 1 replica:redis, no replica"; do
		IFS=: read -r label with alone <<<"$pairing"
		shares=$(awk -F: -v with="$with" -v alone="$alone" '
			$2 == with {w[$1] = $3}
			$2 == alone {a[$1] = $3}
			END {for (r = 1; r in w; r++) if (a[r] > 0) printf "%.3f\n", w[r] / a[r]}' "$work/throughput")
		printf '%-12s %s (%s)\n' "$label" "$(median <<<"$shares")" "$(echo $shares)"
	done
}

# latency prints p50 and p99 (ms) of SETs from $1 clients without
# pipelining: redis-benchmark's CSV is test,rps,avg,min,p50,p95,p99,max.
latency() {
	"$REDIS_BENCHMARK" -p "$pport" -t set -n "$LREQUESTS" -c "$1" -P 1 -d "$TSIZE" -r 100000 --csv |
		tr -d '"' | awk -F, '/^SET/ {printf "rps=%.0f p50=%s p99=%s", $2, $5, $7}'
}

section latency || exit 0
echo "== SET latency (redis-benchmark -P 1 -d $TSIZE -n $LREQUESTS), ms"
for setup in "shoal, no replica:shoal::none" "shoal + 1 async:shoal:--replication-mode async:one" \
	"shoal + 1 sync:shoal:--replication-mode sync:one" "redis, no replica:redis::none" "redis + 1 replica:redis::one"; do
	IFS=: read -r name kind flags replica <<<"$setup"
	pair "$kind" "$flags" "$replica"
	printf '%-20s c=1 %s   c=%d %s\n' "$name" "$(latency 1)" "$LCLIENTS" "$(latency "$LCLIENTS")"
	stop_all
done
