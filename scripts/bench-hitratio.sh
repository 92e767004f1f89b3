#!/usr/bin/env bash
# bench-hitratio.sh compares the GET hit ratio of Shoal and of a real
# redis-server used as a cache that holds a tenth of its working set, under
# each eviction policy in POLICIES, on the same Zipfian trace.
#
# The working set is KEYS keys (key:000000000000...) of VALUE bytes. For
# each server:
#   1. A fresh server without maxmemory: used_memory empty, then after
#      loading every key (redis-cli --pipe). The difference is what the
#      working set takes on that server.
#   2. For each policy, a fresh server with maxmemory = its empty
#      used_memory + 10 % of that difference (each server from its own
#      measurement, so each holds about a tenth of its own working set) and
#      maxmemory-policy set to the policy. Starting empty, `shoal bench`
#      plays a cache-aside client (--on-miss set: GET, and SET the key when
#      the GET misses; plus READ_RATIO's share of plain SETs) with Zipfian
#      keys: a warm-up pass of WARMUP requests (seed SEED+1), then the
#      measured pass of REQUESTS requests (seed SEED). With a fixed seed each
#      client sends the same keys to both servers.
# It prints the measured pass's GET hit ratio for each server and policy
# and Shoal's minus Redis's, in percentage points, with the keys each
# server held at the end. Redis counts its clients' buffers in used_memory,
# and so against maxmemory, where Shoal does not (docs/memory.md): Redis
# holds a little fewer keys for it.
#
# Servers run one at a time on free loopback ports, without persistence,
# and are stopped on exit.
#
# Settings, from the environment:
#   KEYS=1000000              working set, keys
#   VALUE=100                 value bytes
#   REQUESTS=2000000          requests of the measured pass (GETs and SETs;
#                             the SETs after a miss come on top)
#   WARMUP=$REQUESTS          requests of the warm-up pass
#   POLICIES="allkeys-lru allkeys-lfu"
#   ZIPF_S=1.1                Zipf exponent (> 1); the larger, the hotter the hot keys
#   READ_RATIO=90%            share of GETs; the rest are SETs
#   CACHE_PERCENT=10          maxmemory as a percentage of the working set
#   CLIENTS=10 PIPELINE=16    shoal bench's connections and pipeline depth
#   SEED=1                    the measured pass's seed
#   MAXMEMORY_FROM=own        own: each server's maxmemory from its own
#                             working-set figure (the policies compared at
#                             about equal key counts); redis: both from
#                             Redis's (the same memory for both, so Shoal
#                             holds as many more keys as its keys are smaller)
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
#   KEEP=1                    keep the JSON reports and logs
set -euo pipefail

KEYS=${KEYS:-1000000}
VALUE=${VALUE:-100}
REQUESTS=${REQUESTS:-2000000}
WARMUP=${WARMUP:-$REQUESTS}
POLICIES=${POLICIES:-"allkeys-lru allkeys-lfu"}
ZIPF_S=${ZIPF_S:-1.1}
READ_RATIO=${READ_RATIO:-90%}
CACHE_PERCENT=${CACHE_PERCENT:-10}
CLIENTS=${CLIENTS:-10}
PIPELINE=${PIPELINE:-16}
SEED=${SEED:-1}
MAXMEMORY_FROM=${MAXMEMORY_FROM:-own}
REDIS_SERVER=${REDIS_SERVER:-redis-server}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-hitratio.XXXXXX")
# shellcheck source=scripts/lib.sh
source "$repo/scripts/lib.sh"

cleanup() {
	stop_server
	if [[ -n ${KEEP:-} ]]; then
		echo "reports and logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench-hitratio: $*" >&2
	exit 1
}

[[ $MAXMEMORY_FROM == own || $MAXMEMORY_FROM == redis ]] || die "MAXMEMORY_FROM must be own or redis"
for bin in go "$REDIS_SERVER" redis-cli awk jq; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done
for v in KEYS VALUE REQUESTS WARMUP CLIENTS PIPELINE SEED CACHE_PERCENT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
((CACHE_PERCENT < 100)) || die "CACHE_PERCENT must be below 100"
for policy in $POLICIES; do
	case $policy in
	allkeys-lru | allkeys-lfu | allkeys-random) ;;
	*) die "policy $policy: want allkeys-lru, allkeys-lfu or allkeys-random (the keys have no TTL)" ;;
	esac
done

# working_set sets empty to a fresh server of kind $1's used_memory, and
# dataset to what loading the working set added to it.
working_set() {
	local full
	start_server "$1"
	empty=$(info_field "$server_port" used_memory)
	load_keys "$server_port" "$KEYS" "$VALUE"
	full=$(info_field "$server_port" used_memory)
	stop_server
	dataset=$((full - empty))
}

# cache_pass runs one cache-aside pass of $2 requests with seed $3 against
# the server on port $1 and writes shoal bench's JSON report to $4.
cache_pass() {
	"$work/shoal" bench --addr "127.0.0.1:$1" --clients "$CLIENTS" --pipeline "$PIPELINE" --requests "$2" \
		--keys "$KEYS" --key-dist "zipf:$ZIPF_S" --read-ratio "$READ_RATIO" --on-miss set \
		--value-size "$VALUE" --seed "$3" --json --quiet >"$4" 2>>"$work/bench.log" ||
		die "shoal bench failed on port $1; see $work/bench.log"
	jq -e '.errors == 0' "$4" >/dev/null || die "errors on port $1: $(jq -r .first_error "$4")"
}

# measure runs the warm-up and measured passes on a fresh server of kind
# $1 with maxmemory $2 and policy $3, and appends "kind policy maxmemory
# keys evicted hit_ratio" to results.
measure() {
	local kind=$1 maxmemory=$2 policy=$3 json=$work/$1-$3.json keys evicted
	start_server "$kind" --maxmemory "$maxmemory" --maxmemory-policy "$policy"
	echo "  $kind $policy: warm-up, $WARMUP requests..." >&2
	cache_pass "$server_port" "$WARMUP" $((SEED + 1)) "$work/$kind-$policy-warmup.json"
	echo "  $kind $policy: measuring, $REQUESTS requests..." >&2
	cache_pass "$server_port" "$REQUESTS" "$SEED" "$json"
	keys=$(redis-cli -p "$server_port" dbsize)
	evicted=$(info_field "$server_port" evicted_keys)
	stop_server
	echo "$kind $policy $maxmemory $keys $evicted $(jq -r .hit_ratio "$json")" >>"$work/results"
	echo "  $kind $policy: hit ratio $(jq -r .hit_ratio "$json"), $keys keys held, $evicted evicted" >&2
}

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

echo "working set: $KEYS keys of $VALUE B; cache: $CACHE_PERCENT % of it; zipf:$ZIPF_S, $READ_RATIO GET, SET on a miss" >&2
for kind in redis shoal; do
	echo "  $kind: measuring the working set..." >&2
	working_set "$kind"
	((dataset > 0)) || die "$kind: loading the working set added $dataset B to used_memory"
	if [[ $kind == redis ]]; then
		redis_dataset=$dataset
	fi
	if [[ $MAXMEMORY_FROM == redis ]]; then
		maxmemory=$((empty + redis_dataset * CACHE_PERCENT / 100))
	else
		maxmemory=$((empty + dataset * CACHE_PERCENT / 100))
	fi
	echo "  $kind: used_memory $empty B empty, +$dataset B with the working set: maxmemory $maxmemory" >&2
	echo "$kind $empty $dataset" >>"$work/sets"
	for policy in $POLICIES; do
		measure "$kind" "$maxmemory" "$policy"
	done
done

awk -v keys="$KEYS" -v value="$VALUE" -v requests="$REQUESTS" -v warmup="$WARMUP" -v s="$ZIPF_S" \
	-v reads="$READ_RATIO" -v pct="$CACHE_PERCENT" -v policies="$POLICIES" \
	-v from="$([[ $MAXMEMORY_FROM == redis ]] && echo "as it takes on Redis, for both" || echo "as it takes on each server")" '
	FILENAME ~ /sets$/ { empty[$1] = $2; dataset[$1] = $3; next }
	{ k = $1 SUBSEP $2; maxmem[k] = $3; held[k] = $4; evicted[k] = $5; hit[k] = $6 }
	END {
		printf "working set %d keys of %d B; maxmemory = empty used_memory + %d %% of the working set'"'"'s (%s);\n", keys, value, pct, from
		printf "cache-aside (GET, SET on a miss), %s GET, zipf:%s; %d warm-up requests, then %d measured\n\n", reads, s, warmup, requests
		print "| policy | server | working set MB | maxmemory MB | keys held | evicted, both passes | GET hit ratio |"
		print "|---|---|---:|---:|---:|---:|---:|"
		n = split(policies, p, " ")
		for (i = 1; i <= n; i++) {
			split("redis shoal", kinds, " ")
			for (j = 1; j <= 2; j++) {
				kd = kinds[j]; k = kd SUBSEP p[i]
				printf "| %s | %s | %.1f | %.1f | %d (%.1f %%) | %d | %.2f %% |\n", p[i], kd, dataset[kd] / 1e6, maxmem[k] / 1e6,
					held[k], 100 * held[k] / keys, evicted[k], 100 * hit[k]
			}
			printf "| %s | shoal - redis | | | | | %+.2f pp |\n", p[i], 100 * (hit["shoal", p[i]] - hit["redis", p[i]])
		}
	}' "$work/sets" "$work/results"
