#!/usr/bin/env bash
# bench-snapshot.sh measures a BGSAVE under writes, on Shoal and on a real
# redis-server: it loads KEYS keys of VALUE bytes, starts `shoal bench`
# writing SETs to those keys, runs BGSAVE, and reports the save's wall
# time, the peak extra resident memory while it ran (VmRSS sampled every
# 20 ms; for Redis the parent's plus the forked child's), and the
# writers' latency during the save (the writer is stopped when it ends).
#
# Settings, from the environment:
#   KEYS=5000000              keys loaded
#   VALUE=100                 value bytes
#   CLIENTS=10                writer connections (pipeline 1)
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
#   SERVERS="shoal redis"     which servers to measure
set -euo pipefail

KEYS=${KEYS:-5000000}
VALUE=${VALUE:-100}
CLIENTS=${CLIENTS:-10}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
SERVERS=${SERVERS:-shoal redis}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-snapshot.XXXXXX")

die() {
	echo "bench-snapshot: $*" >&2
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

# rss_kb prints the resident set of process $1 and of its children (a
# forked Redis child), in kB.
rss_kb() {
	local total=0 pid kb
	for pid in "$1" $(pgrep -P "$1" || true); do
		kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}

in_progress() {
	redis-cli -p "$1" info persistence | awk -F: '/^rdb_bgsave_in_progress:/ { print $2+0 }'
}

results=()
for kind in $SERVERS; do
	mkdir -p "$work/dir-$kind"
	start_server "$kind" --dir "$work/dir-$kind"
	port=$server_port
	echo "$kind on :$port: loading $KEYS keys of $VALUE bytes..." >&2
	"$work/shoal" bench --addr "127.0.0.1:$port" --keys "$KEYS" --value-size "$VALUE" --prefill \
		--clients 8 --pipeline 64 --requests 1 --quiet >/dev/null
	[[ $(redis-cli -p "$port" dbsize) -ge $KEYS ]] || die "$kind: keys missing after the load"
	sleep 2
	base=$(rss_kb "$server_pid")
	"$work/shoal" bench --addr "127.0.0.1:$port" --keys "$KEYS" --value-size "$VALUE" --clients "$CLIENTS" \
		--pipeline 1 --read-ratio 0% --duration 600s --json --quiet >"$work/writer.json" &
	writer=$!
	sleep 1
	start=$(date +%s%3N)
	[[ $(redis-cli -p "$port" bgsave) == "Background saving started" ]] || die "$kind: BGSAVE refused"
	peak=$base
	while (($(in_progress "$port") == 1)); do
		kb=$(rss_kb "$server_pid")
		((kb > peak)) && peak=$kb
		sleep 0.02
	done
	wall=$(($(date +%s%3N) - start))
	kill -INT "$writer"
	wait "$writer" || true
	status=$(redis-cli -p "$port" info persistence | awk -F: '/^rdb_last_bgsave_status:/ { sub("\r", "", $2); print $2 }')
	[[ $status == ok ]] || die "$kind: BGSAVE failed"
	size=$(stat -c %s "$work/dir-$kind/dump.rdb")
	read -r ops p50 p99 p999 < <(awk '
		/"ops_per_sec"/ && !ops { gsub(/[^0-9.]/, "", $2); ops = $2 }
		/"latency_us"/ { inlat = 1 }
		inlat && /"p50"/ { gsub(/[^0-9.]/, "", $2); p50 = $2 }
		inlat && /"p99"/ { gsub(/[^0-9.]/, "", $2); p99 = $2 }
		inlat && /"p99_9"/ { gsub(/[^0-9.]/, "", $2); p999 = $2; inlat = 0 }
		END { printf "%d %.3f %.3f %.3f\n", ops, p50 / 1000, p99 / 1000, p999 / 1000 }
	' "$work/writer.json")
	results+=("$kind $wall $((size / 1048576)) $((base / 1024)) $(((peak - base) / 1024)) $ops $p50 $p99 $p999")
	stop_server
done

printf 'BGSAVE of %s keys of %s bytes, under SETs from %s clients (-P 1)\n' "$KEYS" "$VALUE" "$CLIENTS"
printf '%-8s %8s %8s %9s %10s | %9s %7s %7s %7s\n' server wall_ms file_MB rss_MB extra_MB set_rps p50 p99 p99.9
for r in "${results[@]}"; do
	# shellcheck disable=SC2086 # r is a list of fields
	printf '%-8s %8s %8s %9s %10s | %9s %7s %7s %7s\n' $r
done
echo "(latencies in ms, of the writes while the save ran; extra = peak RSS during the save - RSS before)"
