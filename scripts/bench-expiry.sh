#!/usr/bin/env bash
# bench-expiry.sh measures active expiry under load, on Shoal and on a real
# redis-server: it loads KEYS keys that all expire at the same instant and
# that nobody reads, then runs GETs on other, persistent keys with
# `shoal bench` before the instant and while the server reclaims the
# expired keys, and reports how fast they went (DBSIZE polled every 100 ms)
# and the GETs' latency percentiles in both windows.
#
# Settings, from the environment:
#   KEYS=1000000              keys that expire
#   LIVE=100000               persistent keys the GETs read
#   CLIENTS=50                bench connections (pipeline 1)
#   WINDOW=3                  seconds of each measured window
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
#   SERVERS="shoal redis"     which servers to measure
set -euo pipefail

KEYS=${KEYS:-1000000}
LIVE=${LIVE:-100000}
CLIENTS=${CLIENTS:-50}
WINDOW=${WINDOW:-3}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
SERVERS=${SERVERS:-shoal redis}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-expiry.XXXXXX")
server_pid=
shoal_metrics=

die() {
	echo "bench-expiry: $*" >&2
	exit 1
}

cleanup() {
	stop_server
	jobs -p | xargs -r kill 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for bin in go "$REDIS_SERVER" redis-cli awk; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done

# shellcheck source=scripts/lib.sh
source "$repo/scripts/lib.sh"

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

now_ms() { date +%s%3N; }

# bench runs WINDOW seconds of GETs on the live keys and prints
# "ops_per_sec p50 p99 p99.9" (latencies in ms).
bench() {
	"$work/shoal" bench --addr "127.0.0.1:$1" --clients "$CLIENTS" --pipeline 1 --keys "$LIVE" \
		--key-dist uniform --read-ratio 100% --duration "${WINDOW}s" --json --quiet >"$work/bench.json"
	awk '
		/"ops_per_sec"/ && !ops { gsub(/[^0-9.]/, "", $2); ops = $2 }
		/"latency_us"/ { inlat = 1 }
		inlat && /"p50"/ { gsub(/[^0-9.]/, "", $2); p50 = $2 }
		inlat && /"p99"/ { gsub(/[^0-9.]/, "", $2); p99 = $2 }
		inlat && /"p99_9"/ { gsub(/[^0-9.]/, "", $2); p999 = $2; inlat = 0 }
		END { printf "%d %.3f %.3f %.3f\n", ops, p50 / 1000, p99 / 1000, p999 / 1000 }
	' "$work/bench.json"
}

results=()
for kind in $SERVERS; do
	# Not in a $(...) subshell: start_server sets server_pid, which the
	# cleanup needs to stop the server.
	start_server "$kind"
	port=$server_port
	echo "$kind on :$port: $LIVE live keys, $KEYS keys expiring together..." >&2
	"$work/shoal" bench --addr "127.0.0.1:$port" --keys "$LIVE" --prefill --requests 1 --quiet >/dev/null
	# The expiry instant leaves time to load and to measure a window
	# before it.
	load_start=$(now_ms)
	at=$((load_start + 20000 + KEYS / 100))
	awk -v n="$KEYS" -v at="$at" 'BEGIN {
		v = sprintf("%0100d", 0)
		for (i = 0; i < n; i++) {
			k = sprintf("exp:%012d", i)
			printf "*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n$4\r\nPXAT\r\n$%d\r\n%s\r\n", length(k), k, v, length(at), at
		}
	}' | redis-cli -p "$port" --pipe >/dev/null
	total=$(redis-cli -p "$port" dbsize)
	[[ $total -ge $KEYS ]] || die "$kind: loaded $total keys"
	wait_for=$((at - $(now_ms) - WINDOW * 1000 - 1000))
	((wait_for > 0)) || die "loading took too long for the expiry instant; lower KEYS"
	sleep "$(awk -v ms="$wait_for" 'BEGIN { print ms / 1000 }')"
	read -r b_ops b_p50 b_p99 b_p999 < <(bench "$port")
	# Poll DBSIZE from the instant until only the live keys are left.
	sleep "$(awk -v ms="$((at - $(now_ms)))" 'BEGIN { print (ms > 0 ? ms / 1000 : 0) }')"
	(
		while (($(redis-cli -p "$port" dbsize) > LIVE)); do sleep 0.1; done
		now_ms >"$work/done"
	) &
	poller=$!
	read -r d_ops d_p50 d_p99 d_p999 < <(bench "$port")
	wait "$poller"
	reclaim_ms=$(($(cat "$work/done") - at))
	rate=$((KEYS * 1000 / (reclaim_ms > 0 ? reclaim_ms : 1)))
	results+=("$kind $reclaim_ms $rate $b_ops $b_p50 $b_p99 $b_p999 $d_ops $d_p50 $d_p99 $d_p999")
	stop_server
done

printf '%s keys expiring at one instant, GETs on %s other keys (%d clients, -P 1), %ss windows\n' "$KEYS" "$LIVE" "$CLIENTS" "$WINDOW"
printf '%-8s %10s %10s | %9s %7s %7s %7s | %9s %7s %7s %7s\n' server reclaim_ms keys/s before_rps p50 p99 p99.9 during_rps p50 p99 p99.9
for r in "${results[@]}"; do
	# shellcheck disable=SC2086 # r is a list of fields
	printf '%-8s %10s %10s | %9s %7s %7s %7s | %9s %7s %7s %7s\n' $r
done
echo "(latencies in ms; 'during' starts at the expiry instant)"
