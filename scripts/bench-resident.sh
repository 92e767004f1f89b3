#!/usr/bin/env bash
# bench-resident.sh measures GET and SET latency on Shoal and on a real
# redis-server while each holds a large keyspace: it loads KEYS keys
# (16-byte names key:000000000000..., VALUE-byte values) into a fresh server
# of each kind, one server at a time, then runs `shoal bench` against it
# at pipeline 1, first all GETs then all SETs, uniform over the loaded
# keys, and prints p50/p99/p99.9 (HDR histogram) with Shoal's figures as
# a ratio of Redis's.
#
# It also reports:
#   - RSS per key: the growth of the server's resident set (VmRSS in
#     /proc/PID/status) over the load, divided by KEYS, and likewise
#     INFO used_memory;
#   - Shoal's GC CPU share in each phase: the Go runtime's CPU estimates on
#     Shoal's /metrics (started with --metrics-addr on a free port), scraped
#     before and after; go_cpu_classes_gc_total_cpu_seconds_total over the
#     CPU the process used, go_cpu_classes_total_cpu_seconds_total minus
#     go_cpu_classes_idle_cpu_seconds_total.
#
# The runtime updates those estimates at the end of each GC cycle only. So
# each phase starts with MEMORY PURGE on both servers (on Shoal a full
# collection, which starts the measure with the phase, and a return of
# free pages to the OS; on Redis a purge of jemalloc's dirty pages), and
# the measure ends with the last cycle that completed in the phase: it
# covers whole cycles, and the table says how many and over how long ("-"
# when none completed: the heap never reached the next GC's trigger).
# With millions of keys a phase may see no cycle at all, as the heap must
# grow by as much as it holds first (GOGC=100), so the table also gives a
# projection: what the purge's full collection cost, repeated each time
# the phase's allocation rate (from go_memstats_alloc_bytes_total) would
# grow the heap to the next GC's trigger (go_memstats_next_gc_bytes), as a
# share of the CPU the process used (process_cpu_seconds_total).
#
# Settings, from the environment:
#   KEYS=10000000             keys to load
#   DURATION=30               seconds each of GET and SET is measured
#   CLIENTS=50                connections of shoal bench
#   VALUE=100                 value bytes
#   REDIS_SERVER=redis-server binary to compare with
#   SHOAL_ARGS=""             extra flags for shoal server
#   KEEP=1                    keep the JSON reports and logs
#
# Memory: one server at a time, about 3 GB for Shoal at the default KEYS
# (2 GB for Redis). Loading 10 M keys takes under a minute per server.
set -euo pipefail

KEYS=${KEYS:-10000000}
DURATION=${DURATION:-30}
CLIENTS=${CLIENTS:-50}
VALUE=${VALUE:-100}
REDIS_SERVER=${REDIS_SERVER:-redis-server}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench-resident.XXXXXX")
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
	echo "bench-resident: $*" >&2
	exit 1
}

for bin in go "$REDIS_SERVER" redis-cli awk jq curl; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done
[[ -r /proc/self/status ]] || die "needs /proc to read the servers' resident set"
for v in KEYS CLIENTS VALUE; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
[[ $DURATION =~ ^[0-9]+(\.[0-9]+)?(s|ms|m)?$ ]] || die "DURATION must be seconds (30) or a duration (30s, 2m)"

# runtime_stats prints, from Shoal's /metrics, in this order: GC CPU
# seconds, total and idle CPU seconds (the runtime's /cpu/classes
# estimates), GC cycles completed, bytes allocated so far, heap in use,
# the heap size that triggers the next GC, the process's CPU seconds and
# GOMAXPROCS.
runtime_stats() {
	curl -fsS "http://127.0.0.1:$metrics_port/metrics" | awk '
		BEGIN {
			n = split("go_cpu_classes_gc_total_cpu_seconds_total go_cpu_classes_total_cpu_seconds_total " \
				"go_cpu_classes_idle_cpu_seconds_total go_gc_cycles_total_gc_cycles_total go_memstats_alloc_bytes_total " \
				"go_memstats_heap_alloc_bytes go_memstats_next_gc_bytes process_cpu_seconds_total " \
				"go_sched_gomaxprocs_threads", names, " ")
		}
		{ v[$1] = $2 }
		END {
			for (i = 1; i <= n; i++) {
				if (!(names[i] in v)) exit 1
				printf "%s%s", v[names[i]], i < n ? " " : "\n"
			}
		}' || die "Shoal's /metrics on port $metrics_port lacks the Go runtime's metrics"
}

# gc_report reads three runtime_stats readings, before and after the
# MEMORY PURGE that starts a phase and after the phase, and the phase's
# wall time in seconds, and prints ten fields:
#   1-2  the GC's share of the CPU the process used, and of the CPU
#        GOMAXPROCS made available, measured ("-" when no cycle completed);
#   3-4  the cycles completed and the seconds the measure covers: from the
#        purge's collection to the end of the last cycle completed in the
#        phase (the runtime updates its CPU figures at the end of a cycle);
#   5-9  the projection: the CPU seconds of the purge's full collection,
#        the heap in use after it and the next GC's trigger (MB), the
#        phase's allocation rate (MB/s) and the seconds that rate takes to
#        reach the trigger;
#   10   the GC's projected share of the CPU used, with one such collection
#        every that many seconds.
gc_report() {
	echo "$1 $2 $3 $4" | awk '{
		for (i = 1; i <= 9; i++) { s0[i] = $i; s1[i] = $(i + 9); s2[i] = $(i + 18) }
		wall = $28
		gc = s2[1] - s1[1]; total = s2[2] - s1[2]; idle = s2[3] - s1[3]; cycles = s2[4] - s1[4]
		share = "-"; cap = "-"; window = 0
		if (cycles >= 1 && total > 0 && total - idle > 0) {
			share = sprintf("%.2f%%", 100 * gc / (total - idle))
			cap = sprintf("%.2f%%", 100 * gc / total)
			window = total / s2[9]
		} else
			gc = 0
		forced = s1[4] - s0[4]
		cost = forced > 0 ? (s1[1] - s0[1]) / forced : 0
		rate = (s2[5] - s1[5]) / wall
		grow = s1[7] - s1[6]
		period = rate > 0 ? grow / rate : 0
		cpu = (s2[8] - s1[8] - gc) / wall # the CPU the process used per second, its GC aside
		projected = "-"
		if (period > 0 && cost > 0 && cpu + cost / period > 0)
			projected = sprintf("%.2f%%", 100 * (cost / period) / (cpu + cost / period))
		printf "%s %s %d %.2f %.3f %.1f %.1f %.2f %.0f %s\n", share, cap, cycles, window,
			cost, s1[6] / 1e6, s1[7] / 1e6, rate / 1e6, period, projected
	}'
}

# run_phase measures workload $2 (get or set) on the server of kind $1 on
# port $3 and appends "kind workload ops/s p50 p99 p99.9" (latencies in ms)
# and, for Shoal, gc_report's fields to results.
run_phase() {
	local kind=$1 workload=$2 port=$3 ratio=0 json=$work/$1-$2.json s0= s1= s2= t0 gc=
	[[ $workload == set ]] || ratio=100%
	[[ $kind != shoal ]] || s0=$(runtime_stats)
	redis-cli -p "$port" memory purge >/dev/null
	[[ $kind != shoal ]] || s1=$(runtime_stats)
	echo "  $kind: ${workload^^} for $DURATION s..." >&2
	t0=$EPOCHREALTIME
	"$work/shoal" bench --addr "127.0.0.1:$port" --clients "$CLIENTS" --pipeline 1 --duration "$DURATION" \
		--keys "$KEYS" --key-dist uniform --read-ratio "$ratio" --value-size "$VALUE" --seed 1 --json --quiet \
		>"$json" 2>>"$work/bench.log" || die "shoal bench failed on $kind; see $work/bench.log"
	if [[ $kind == shoal ]]; then
		s2=$(runtime_stats)
		gc=$(gc_report "$s0" "$s1" "$s2" "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')")
		echo "  shoal: GC share of the CPU used, of GOMAXPROCS; cycles, over s; full-cycle CPU-s, heap MB, next GC MB, alloc MB/s, s per cycle; projected share:" >&2
		echo "    $gc" >&2
	fi
	jq -e '.errors == 0' "$json" >/dev/null || die "$kind answered errors: $(jq -r .first_error "$json")"
	if [[ $workload == get ]] && ! jq -e '.hit_ratio == 1' "$json" >/dev/null; then
		echo "  warning: $kind's GET hit ratio is $(jq .hit_ratio "$json"), not 1: keys are missing" >&2
	fi
	echo "$kind $workload $(jq -r '[.ops_per_sec, .latency_us.p50 / 1000, .latency_us.p99 / 1000,
		.latency_us.p99_9 / 1000] | map(tostring) | join(" ")' "$json") $gc" >>"$work/results"
}

# measure loads the keys into a fresh server of kind $1, notes its RSS and
# used_memory per key, and runs both phases.
measure() {
	local kind=$1 port rss0 rss1 used0 used1 start
	start_server "$kind"
	port=$server_port
	sleep 0.5
	rss0=$(rss)
	used0=$(info_field "$port" used_memory)
	echo "  $kind: loading $KEYS keys..." >&2
	start=$SECONDS
	load_keys "$port" "$KEYS" "$VALUE"
	rss1=$(rss)
	used1=$(info_field "$port" used_memory)
	echo "  $kind: loaded in $((SECONDS - start)) s; RSS +$((rss1 - rss0)) B, used_memory +$((used1 - used0)) B" >&2
	echo "$kind $(((rss1 - rss0) / KEYS)) $(((used1 - used0) / KEYS))" >>"$work/memory"
	run_phase "$kind" get "$port"
	run_phase "$kind" set "$port"
	stop_server
}

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)
shoal_metrics=1

echo "$KEYS keys of $VALUE B, then GET and SET at pipeline 1, $CLIENTS clients, $DURATION s each; one server at a time" >&2
for kind in redis shoal; do
	measure "$kind"
done

awk -v keys="$KEYS" -v value="$VALUE" -v clients="$CLIENTS" -v duration="$DURATION" '
	FILENAME ~ /memory$/ { rss[$1] = $2; used[$1] = $3; next }
	{
		k = $1 SUBSEP $2
		ops[k] = $3; p50[k] = $4; p99[k] = $5; p999[k] = $6
		share[k] = $7; cycles[k] = $9; window[k] = $10; cost[k] = $11; heap[k] = $12; next_gc[k] = $13
		rate[k] = $14; period[k] = $15; projected[k] = $16
	}
	function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
	END {
		printf "%d keys (16-byte names, %d-byte values) resident; shoal bench, %d clients, pipeline 1, uniform keys, %s s per workload\n\n", keys, value, clients, duration
		print "| workload | server | ops/s | p50 ms | p99 ms | p99.9 ms | GC CPU share | GC cycles, over | GC CPU share, projected |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
		n = split("get set", w, " ")
		for (i = 1; i <= n; i++) {
			r = "redis" SUBSEP w[i]; s = "shoal" SUBSEP w[i]; W = toupper(w[i])
			printf "| %s | redis | %.0f | %.3f | %.3f | %.3f | | | |\n", W, ops[r], p50[r], p99[r], p999[r]
			over = cycles[s] > 0 ? cycles[s] ", " window[s] " s" : "0"
			printf "| %s | shoal | %.0f | %.3f | %.3f | %.3f | %s | %s | %s |\n", W, ops[s], p50[s], p99[s], p999[s],
				share[s], over, projected[s]
			printf "| %s | shoal/redis | %s | %s | %s | %s | | | |\n", W, ratio(ops[s], ops[r]),
				ratio(p50[s], p50[r]), ratio(p99[s], p99[r]), ratio(p999[s], p999[r])
		}
		print ""
		print "| bytes per key | redis | shoal | shoal/redis |"
		print "|---|---:|---:|---:|"
		printf "| RSS growth | %d | %d | %s |\n", rss["redis"], rss["shoal"], ratio(rss["shoal"], rss["redis"])
		printf "| used_memory growth | %d | %d | %s |\n", used["redis"], used["shoal"], ratio(used["shoal"], used["redis"])
		print ""
		print "GC CPU share: the GC'"'"'s share of the CPU Shoal used, measured over the GC cycles that completed in the phase"
		print "(the seconds from the MEMORY PURGE that starts the phase to the end of the last one; - when none completed)."
		print "Projected: the same share with one full collection (costing what the purge'"'"'s did) each time the phase'"'"'s"
		print "allocation rate grows the heap to the next GC'"'"'s trigger:"
		for (i = 1; i <= n; i++) {
			s = "shoal" SUBSEP w[i]
			printf "  %s: a full collection took %s CPU-s; heap %s MB, next GC at %s MB; %s MB/s allocated: one cycle every %s s\n",
				toupper(w[i]), cost[s], heap[s], next_gc[s], rate[s], period[s]
		}
	}' "$work/memory" "$work/results"
