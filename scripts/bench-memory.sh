#!/usr/bin/env bash
# bench-memory.sh measures what a key costs in memory on Shoal and on a
# real redis-server: it loads KEYS keys with 16-byte names and 100-byte
# values into a fresh server of each kind, without and then with a 1-hour
# TTL on every key (SET k v EX 3600), and prints the bytes per key each
# server reports (INFO used_memory) and really takes (growth of the
# process's resident set, VmRSS in /proc/PID/status), with Shoal's figures
# as a ratio of Redis's.
#
# RSS is read twice: right after the load, as an operator would see it,
# and after MEMORY PURGE, which on Shoal runs a garbage collection and
# returns free pages to the OS (Go's heap runs up to twice the live data
# between collections under GOGC=100), and on Redis asks jemalloc to purge
# its dirty pages. docs/memory.md explains the difference.
#
# Keys are exact (key:000000000000 ... in order, each written once), sent
# through redis-cli --pipe. Each measurement gets a server of its own on a
# free loopback port, without persistence; all are stopped on exit.
#
# Settings, from the environment:
#   KEYS=1000000              keys to load
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
#   KEEP=1                    keep the logs
#
# It needs Linux (/proc) and memory for both datasets at once in the worst
# case: about 1 GB at the default KEYS.
set -euo pipefail

KEYS=${KEYS:-1000000}
REDIS_SERVER=${REDIS_SERVER:-redis-server}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-memory.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$repo/scripts/lib.sh"

cleanup() {
	stop_server
	if [[ -n ${KEEP:-} ]]; then
		echo "logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench-memory: $*" >&2
	exit 1
}

for bin in go "$REDIS_SERVER" redis-cli awk; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done
[[ -r /proc/self/status ]] || die "needs /proc to read the servers' resident set"
[[ $KEYS =~ ^[1-9][0-9]*$ ]] || die "KEYS must be a positive integer"

# measure loads the keys into a fresh server of kind $1 (ttl mode $2) and
# appends "kind ttl used rss rss_purged" in bytes per key to results.
measure() {
	local kind=$1 ttl=$2 port rss0 used0 rss1 used1 rss2
	start_server "$kind"
	port=$server_port
	sleep 0.5
	rss0=$(rss)
	used0=$(info_field "$port" used_memory)
	load_keys "$port" "$KEYS" 100 "$ttl"
	rss1=$(rss)
	used1=$(info_field "$port" used_memory)
	redis-cli -p "$port" memory purge >/dev/null
	sleep 0.5
	rss2=$(rss)
	echo "$kind $ttl $(((used1 - used0) / KEYS)) $(((rss1 - rss0) / KEYS)) $(((rss2 - rss0) / KEYS))" >>"$work/results"
	echo "  $kind, $ttl: used_memory +$((used1 - used0)) B, RSS +$((rss1 - rss0)) B (+$((rss2 - rss0)) B after purge)" >&2
	stop_server
}

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

echo "loading $KEYS keys (16-byte names, 100-byte values) into a fresh server each time..." >&2
for ttl in nottl ttl; do
	for kind in redis shoal; do
		measure "$kind" "$ttl"
	done
done

awk -v keys="$KEYS" '
	{ used[$1, $2] = $3; rss[$1, $2] = $4; purged[$1, $2] = $5 }
	function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	END {
		printf "%d keys, 16-byte names, 100-byte values; bytes per key\n", keys
		fmt = "%-14s %-12s %12s %12s %18s\n"
		printf fmt, "TTL", "server", "used_memory", "RSS", "RSS after purge"
		n = split("nottl ttl", modes, " ")
		for (i = 1; i <= n; i++) {
			m = modes[i]
			label = m == "ttl" ? "EX 3600" : "none"
			printf fmt, label, "redis", used["redis", m], rss["redis", m], purged["redis", m]
			printf fmt, label, "shoal", used["shoal", m], rss["shoal", m], purged["shoal", m]
			printf fmt, label, "shoal/redis", ratio(used["shoal", m], used["redis", m]),
				ratio(rss["shoal", m], rss["redis", m]), ratio(purged["shoal", m], purged["redis", m])
		}
	}' "$work/results"
