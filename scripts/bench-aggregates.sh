#!/usr/bin/env bash
# bench-aggregates.sh measures what small aggregates cost in memory on
# Shoal and on a real redis-server: for each shape it loads KEYS keys, each
# holding ELEMENTS small elements, into a fresh server of each kind, and
# prints the bytes per element that used_memory and the resident set
# (VmRSS) grew by, right after the load and after MEMORY PURGE (on Shoal a
# garbage collection: aggregates are Go objects, and under GOGC=100 the heap
# runs up to twice the live data between collections), MEMORY USAGE of one
# key, and Shoal's figures as a ratio of Redis's. Small aggregates are where the compact encodings (listpack,
# intset) matter: most keys of a cache that holds hashes or sets are small.
#
# Shapes: hash (field:N -> 8-byte values), set of integers, set of 8-byte
# strings, list of 8-byte strings, sorted set (member:N with scores; only
# when Shoal has ZADD).
#
# Settings, from the environment:
#   KEYS=100000               keys per shape
#   ELEMENTS=10               elements per key
#   SHAPES="hash intset set list zset"
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
set -euo pipefail

KEYS=${KEYS:-100000}
ELEMENTS=${ELEMENTS:-10}
SHAPES=${SHAPES:-"hash intset set list zset"}
REDIS_SERVER=${REDIS_SERVER:-redis-server}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-aggregates.XXXXXX")
server_pid=
shoal_metrics=

die() {
	echo "bench-aggregates: $*" >&2
	exit 1
}

# shellcheck source=scripts/lib.sh
source "$repo/scripts/lib.sh"

cleanup() {
	stop_server
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for bin in go "$REDIS_SERVER" redis-cli awk; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

# commands prints the RESP of the commands that build shape $1.
commands() {
	awk -v shape="$1" -v n="$KEYS" -v e="$ELEMENTS" '
		function bulk(s) { return sprintf("$%d\r\n%s\r\n", length(s), s) }
		BEGIN {
			for (i = 0; i < n; i++) {
				key = sprintf("%s:%012d", shape, i)
				if (shape == "hash") { cmd = "HSET"; args = 2 * e }
				else if (shape == "zset") { cmd = "ZADD"; args = 2 * e }
				else if (shape == "list") { cmd = "RPUSH"; args = e }
				else { cmd = "SADD"; args = e }
				out = sprintf("*%d\r\n", args + 2) bulk(cmd) bulk(key)
				for (j = 0; j < e; j++) {
					if (shape == "hash") out = out bulk(sprintf("field:%d", j)) bulk(sprintf("v%07d", j))
					else if (shape == "zset") out = out bulk(j * 1.5) bulk(sprintf("member:%d", j))
					else if (shape == "intset") out = out bulk(i * e + j)
					else out = out bulk(sprintf("e%07d", j))
				}
				printf "%s", out
			}
		}'
}

printf '%-8s %-18s %12s %12s %12s %12s\n' shape server "used B/elem" "RSS B/elem" "after purge" "MEMORY USAGE" >"$work/table"
for shape in $SHAPES; do
	for kind in redis shoal; do
		start_server "$kind"
		probe=ZADD
		[[ $shape == zset ]] || probe=PING
		if [[ -z $(redis-cli -p "$server_port" command info "$probe" | head -1) ]]; then
			echo "  $kind has no ZADD: skipping $shape" >&2
			stop_server
			continue 2
		fi
		sleep 0.3
		rss0=$(rss)
		used0=$(info_field "$server_port" used_memory)
		commands "$shape" | redis-cli -p "$server_port" --pipe >/dev/null
		rss1=$(rss)
		used1=$(info_field "$server_port" used_memory)
		redis-cli -p "$server_port" memory purge >/dev/null
		sleep 0.3
		rss2=$(rss)
		usage=$(redis-cli -p "$server_port" memory usage "$shape:000000000000")
		enc=$(redis-cli -p "$server_port" object encoding "$shape:000000000000")
		stop_server
		elems=$((KEYS * ELEMENTS))
		printf '%-8s %-18s %12.1f %12.1f %12.1f %12s\n' "$shape" "$kind($enc)" \
			"$(awk -v a="$used1" -v b="$used0" -v n="$elems" 'BEGIN { print (a - b) / n }')" \
			"$(awk -v a="$rss1" -v b="$rss0" -v n="$elems" 'BEGIN { print (a - b) / n }')" \
			"$(awk -v a="$rss2" -v b="$rss0" -v n="$elems" 'BEGIN { print (a - b) / n }')" "$usage" >>"$work/table"
	done
done
echo "$KEYS keys per shape, $ELEMENTS elements each"
awk '
	NR == 1 { print; next }
	{ print; key = $1; if ($2 ~ /^redis/) { ru[key] = $3; rr[key] = $4; rp[key] = $5; rm[key] = $6 }
	  else if (key in ru) printf "%-8s %-18s %12.2f %12.2f %12.2f %12.2f\n", key, "shoal/redis", $3 / ru[key], $4 / rr[key], $5 / rp[key], $6 / rm[key] }
' "$work/table"
