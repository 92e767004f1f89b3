#!/usr/bin/env bash
# bench-aof.sh measures what the append-only log costs: SET throughput with
# appendonly yes (appendfsync everysec, and always) relative to no
# persistence, for Shoal and for redis-server with the same settings, in
# the same run, alternating servers round by round. It prints the median
# throughput of each and the persistence overhead (1 - with/without).
#
# Settings, from the environment:
#   ROUNDS=3            rounds; each runs every mode on both servers
#   MODES="everysec always"   appendfsync values measured besides "off"
#   PIPELINES="1 16"    redis-benchmark -P values
#   CLIENTS=50 SIZE=100 KEYSPACE=100000
#   REQUESTS=200000     SETs per measurement (-n)
#   REDIS_SERVER=redis-server REDIS_BENCHMARK=redis-benchmark
#   SHOAL_ARGS=""       extra flags for shoal server
#   KEEP=1              keep logs and raw results
set -euo pipefail

ROUNDS=${ROUNDS:-3}
MODES=${MODES:-"everysec always"}
PIPELINES=${PIPELINES:-"1 16"}
CLIENTS=${CLIENTS:-50}
SIZE=${SIZE:-100}
KEYSPACE=${KEYSPACE:-100000}
REQUESTS=${REQUESTS:-200000}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-aof.XXXXXX")

die() {
	echo "bench-aof: $*" >&2
	exit 1
}
# shellcheck source=lib.sh
source "$repo/scripts/lib.sh"

cleanup() {
	stop_server
	if [[ -n ${KEEP:-} ]]; then
		echo "results and logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

# measure prints the SET rps of the server started with the flags after
# $1 (kind), at pipeline $2... and stops it.
measure() {
	local kind=$1 mode=$2 pipeline=$3 dir
	dir=$work/data-$kind-$mode
	rm -rf "$dir"
	mkdir -p "$dir"
	if [[ $mode == off ]]; then
		start_server "$kind" --dir "$dir"
	else
		start_server "$kind" --dir "$dir" --appendonly yes --appendfsync "$mode"
	fi
	"$REDIS_BENCHMARK" -h 127.0.0.1 -p "$server_port" -t set -c "$CLIENTS" -d "$SIZE" -r "$KEYSPACE" \
		-n "$REQUESTS" -P "$pipeline" --csv 2>>"$work/benchmark.log" |
		awk -F, -v k="$kind" -v m="$mode" -v p="$pipeline" 'NR > 1 { gsub(/"/, "", $2); print k "," m "," p "," $2 }' \
			>>"$work/results.csv"
	if [[ $mode != off ]] && [[ $(info_field "$server_port" aof_enabled) != 1 ]]; then
		die "$kind did not report aof_enabled:1 with appendonly yes"
	fi
	stop_server
	rm -rf "$dir"
}

for round in $(seq "$ROUNDS"); do
	for pipeline in $PIPELINES; do
		for mode in off $MODES; do
			for kind in shoal redis; do
				echo "round $round/$ROUNDS: $kind -P $pipeline appendfsync $mode" >&2
				measure "$kind" "$mode" "$pipeline"
			done
		done
	done
done

[[ -s $work/results.csv ]] || die "redis-benchmark produced no results; see $work/benchmark.log"

awk -F, -v modes="off $MODES" -v pipelines="$PIPELINES" '
	function median(key,    n, i, j, t, v) {
		n = split(vals[key], v, " ")
		for (i = 1; i <= n; i++)
			for (j = i + 1; j <= n; j++)
				if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
		return v[int((n + 1) / 2)]
	}
	{ vals[$1 SUBSEP $2 SUBSEP $3] = vals[$1 SUBSEP $2 SUBSEP $3] " " $4 }
	END {
		nm = split(modes, m, " ")
		np = split(pipelines, p, " ")
		printf "%-10s %4s %12s %12s %9s %12s %12s %9s %7s\n", "appendfsync", "-P", "shoal rps", "shoal off", "overhead",
			"redis rps", "redis off", "overhead", "ratio"
		for (i = 1; i <= np; i++)
			for (j = 1; j <= nm; j++) {
				s = median("shoal" SUBSEP m[j] SUBSEP p[i]); s0 = median("shoal" SUBSEP "off" SUBSEP p[i])
				r = median("redis" SUBSEP m[j] SUBSEP p[i]); r0 = median("redis" SUBSEP "off" SUBSEP p[i])
				printf "%-10s %4s %12.0f %12.0f %8.1f%% %12.0f %12.0f %8.1f%% %7.2f\n", m[j], p[i], s, s0,
					100 * (1 - s / s0), r, r0, 100 * (1 - r / r0), s / r
			}
		print "(medians of the rounds; overhead = 1 - rps with the log / rps without; ratio = shoal rps / redis rps)"
	}' "$work/results.csv"
