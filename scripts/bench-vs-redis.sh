#!/usr/bin/env bash
# bench-vs-redis.sh runs the same redis-benchmark workloads against a Shoal
# node and a real redis-server on this machine for several rounds, and
# prints the median throughput and latency of each, Shoal's throughput as
# a ratio of Redis's, and each server's CPU time per request. Each test
# runs on one server and then at once on the other, and the ratio is the
# median of those pairs: a pair's runs are seconds apart, and this
# machine's speed drifts by a fifth or more within a minute. Tests run one
# at a time, so that the CPU time is known per test: on a machine shared
# with other work it is steadier than throughput.
#
# Both servers run on free loopback ports without persistence
# (--save "" --appendonly no) and are stopped when the script exits.
#
# Settings, from the environment:
#   ROUNDS=3                  rounds; each runs every workload on both servers
#   TESTS=set,get,incr,mset,lpush,rpop,sadd,hset,zadd,lrange_100
#                             redis-benchmark -t list (tests whose command
#                             Shoal lacks are skipped with a warning)
#   EVALSHA=1                 also run EVALSHA of EVALSHA_SCRIPT (default: an
#                             INCR of a random key) when both servers script
#   PIPELINES="1 16"          redis-benchmark -P values
#   CLIENTS=50                redis-benchmark -c
#   SIZE=100                  value size in bytes, redis-benchmark -d
#   KEYSPACE=100000           random keys, redis-benchmark -r
#   REQUESTS=100000           requests per test without pipelining (-n)
#   REQUESTS_PIPELINED=500000   requests per test when pipelining
#   REDIS_SERVER=redis-server REDIS_BENCHMARK=redis-benchmark  binaries
#   SHOAL_ARGS=""             extra flags for shoal server, e.g. "--io-threads 1"
#   SERVER_CPUS="" CLIENT_CPUS=""  CPU lists (taskset -c) for both servers
#                             and for redis-benchmark, e.g. SERVER_CPUS=1
#                             CLIENT_CPUS=0: each server gets the same
#                             cores and the load generator never takes
#                             them (Shoal's event loops default to the
#                             CPUs it may use)
#   KEEP=1                    keep the raw CSV results and logs
#
# The defaults take a few minutes (under five on a 4-core machine); lower
# REQUESTS and REQUESTS_PIPELINED for a quicker, noisier look.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
TESTS=${TESTS:-set,get,incr,mset,lpush,rpop,sadd,hset,zadd,lrange_100}
EVALSHA=${EVALSHA:-1}
EVALSHA_SCRIPT=${EVALSHA_SCRIPT:-"return redis.call('INCR', KEYS[1])"}
PIPELINES=${PIPELINES:-"1 16"}
CLIENTS=${CLIENTS:-50}
SIZE=${SIZE:-100}
KEYSPACE=${KEYSPACE:-100000}
REQUESTS=${REQUESTS:-100000}
REQUESTS_PIPELINED=${REQUESTS_PIPELINED:-500000}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_BENCHMARK=${REDIS_BENCHMARK:-redis-benchmark}
server_on=()
[[ -z ${SERVER_CPUS:-} ]] || server_on=(taskset -c "$SERVER_CPUS")
client_on=()
[[ -z ${CLIENT_CPUS:-} ]] || client_on=(taskset -c "$CLIENT_CPUS")

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/shoal-bench.XXXXXX")
pids=()

cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n ${KEEP:-} ]]; then
		echo "results and logs kept in $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "bench-vs-redis: $*" >&2
	exit 1
}

for bin in go "$REDIS_SERVER" "$REDIS_BENCHMARK" redis-cli; do
	command -v "$bin" >/dev/null || die "$bin not found in PATH"
done

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# preflight drops the tests whose command Shoal lacks, with a warning,
# instead of benchmarking error replies; it dies if none is left.
preflight() {
	local port=$1 test cmd kept=()
	for test in ${TESTS//,/ }; do
		case ${test,,} in
		lrange*) cmd=lrange ;;
		mset) cmd=mset ;;
		*) cmd=${test,,} ;;
		esac
		if [[ -z $(redis-cli -p "$port" command info "$cmd" 2>/dev/null | head -1) ]]; then
			echo "bench-vs-redis: Shoal does not have ${cmd^^} yet: skipping ${test}" >&2
			continue
		fi
		kept+=("$test")
	done
	((${#kept[@]} > 0)) || die "Shoal has none of the commands of TESTS=$TESTS"
	TESTS=$(IFS=,; echo "${kept[*]}")
}

# load_script loads EVALSHA's script on the server on port $1 and prints
# its SHA1, or nothing when the server has no scripting.
load_script() {
	local sha
	sha=$(redis-cli -p "$1" script load "$EVALSHA_SCRIPT" 2>/dev/null)
	if [[ $sha =~ ^[0-9a-f]{40}$ ]]; then
		echo "$sha"
	fi
}

echo "building shoal..." >&2
(cd "$repo" && go build -o "$work/shoal" ./cmd/shoal)

shoal_port=$(free_port)
# shellcheck disable=SC2086 # SHOAL_ARGS is a list of flags
"${server_on[@]}" "$work/shoal" server --port "$shoal_port" --bind 127.0.0.1 --save "" --appendonly no --metrics-addr "" ${SHOAL_ARGS:-} \
	>"$work/shoal.log" 2>&1 &
shoal_pid=$!
pids+=($!)
redis_port=$(free_port)
[[ $redis_port != "$shoal_port" ]] || redis_port=$(free_port)
"${server_on[@]}" "$REDIS_SERVER" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
	--daemonize no --logfile "$work/redis.log" >/dev/null 2>&1 &
redis_pid=$!
pids+=($!)
wait_ready "$shoal_port" || die "shoal did not start; see $work/shoal.log"
wait_ready "$redis_port" || die "redis-server did not start; see $work/redis.log"
preflight "$shoal_port"
sha=
if [[ $EVALSHA == 1 ]]; then
	sha=$(load_script "$shoal_port")
	if [[ -z $sha || $(load_script "$redis_port") != "$sha" ]]; then
		echo "bench-vs-redis: Shoal cannot run scripts yet: skipping EVALSHA" >&2
		sha=
	fi
fi

# cpu_ticks prints the CPU time (user + system, in clock ticks) process $1
# has used so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# measure runs redis-benchmark with the arguments after $1..$5 (server,
# its pid, pipeline, round, requests per test) and appends
# "server,pipeline,round,test,rps,p50,p99,cpu" lines, cpu being the
# server's CPU time per request of the run in microseconds (for LRANGE,
# its LPUSH fill included).
measure() {
	local server=$1 pid=$2 pipeline=$3 round=$4 reqs=$5 before after
	shift 5
	before=$(cpu_ticks "$pid")
	"${client_on[@]}" "$REDIS_BENCHMARK" --csv "$@" 2>>"$work/benchmark.log" >"$work/run.csv"
	after=$(cpu_ticks "$pid")
	awk -F'","' -v s="$server" -v p="$pipeline" -v r="$round" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
		NR > 1 { gsub(/"/, "", $1); gsub(/"/, "", $NF); row[++n] = s "," p "," r "," $1 "," $2 "," $5 "," $7 }
		END { for (i = 1; i <= n; i++) print row[i] "," (n * reqs > 0 ? sprintf("%.2f", ticks * 1e6 / hz / (n * reqs)) : "-") }
	' reqs="$reqs" "$work/run.csv" >>"$work/results.csv"
}

# run_test measures one test ($6; EVALSHA for the script) on one server.
run_test() {
	local server=$1 port=$2 pid=$3 pipeline=$4 round=$5 test=$6 n=$REQUESTS
	[[ $pipeline == 1 ]] || n=$REQUESTS_PIPELINED
	if [[ $test == EVALSHA ]]; then
		measure "$server" "$pid" "$pipeline" "$round" "$n" -h 127.0.0.1 -p "$port" -c "$CLIENTS" -r "$KEYSPACE" -n "$n" -P "$pipeline" \
			evalsha "$sha" 1 "counter:__rand_int__"
		sed -i '$ s/^\([^,]*,[^,]*,[^,]*\),[^,]*,/\1,EVALSHA,/' "$work/results.csv"
		return
	fi
	measure "$server" "$pid" "$pipeline" "$round" "$n" -h 127.0.0.1 -p "$port" -t "$test" -c "$CLIENTS" -d "$SIZE" \
		-r "$KEYSPACE" -n "$n" -P "$pipeline"
}

echo "shoal on :$shoal_port, redis-server on :$redis_port; $ROUNDS rounds of -t $TESTS at -P ${PIPELINES// /,}" >&2
tests=${TESTS//,/ }
[[ -z $sha ]] || tests="$tests EVALSHA"
for round in $(seq "$ROUNDS"); do
	# Each test runs on one server and then at once on the other, so that
	# the two runs of a pair are seconds apart: this machine's speed
	# drifts by a fifth or more within a minute. Which server goes first
	# alternates, so that neither always runs on a machine warmed (or
	# heated) by the other.
	order="shoal redis"
	((round % 2 == 1)) || order="redis shoal"
	for pipeline in $PIPELINES; do
		echo "round $round/$ROUNDS: -P $pipeline" >&2
		for test in $tests; do
			for server in $order; do
				port=$shoal_port pid=$shoal_pid
				[[ $server == shoal ]] || port=$redis_port pid=$redis_pid
				run_test "$server" "$port" "$pid" "$pipeline" "$round" "$test"
			done
		done
	done
done

[[ -s $work/results.csv ]] || die "redis-benchmark produced no results; see $work/benchmark.log"

# Report the median of the rounds for each workload, pipeline and server.
awk -F, '
	function median(key,    n, i, j, t, v) {
		n = split(vals[key], v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
		return n % 2 ? v[(n+1)/2] : (v[n/2] + v[n/2+1]) / 2
	}
	function add(key, x) { vals[key] = (key in vals) ? vals[key] " " x : x }
	{
		w = $4 SUBSEP $2
		if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
		add($1 SUBSEP w SUBSEP "rps", $5)
		add($1 SUBSEP w SUBSEP "p50", $6)
		add($1 SUBSEP w SUBSEP "p99", $7)
		add($1 SUBSEP w SUBSEP "cpu", $8)
		rps[$1 SUBSEP w SUBSEP $3] = $5
		if (!($3 in seenRound)) { seenRound[$3] = 1; rounds[++nr] = $3 }
	}
	END {
		fmt = "%-16s %3s %12s %12s %6s %10s %10s %10s %10s %9s %9s %6s\n"
		printf fmt, "workload", "-P", "shoal rps", "redis rps", "ratio", "shoal p50", "shoal p99", "redis p50", "redis p99", "shoal cpu", "redis cpu", "cpu r"
		for (i = 1; i <= nw; i++) {
			split(order[i], k, SUBSEP)
			s = median("shoal" SUBSEP order[i] SUBSEP "rps")
			r = median("redis" SUBSEP order[i] SUBSEP "rps")
			sc = median("shoal" SUBSEP order[i] SUBSEP "cpu")
			rc = median("redis" SUBSEP order[i] SUBSEP "cpu")
			# The ratio is the median of each round'"'"'s pair, the two runs
			# seconds apart, not the ratio of the medians.
			for (j = 1; j <= nr; j++) {
				a = "shoal" SUBSEP order[i] SUBSEP rounds[j]
				b = "redis" SUBSEP order[i] SUBSEP rounds[j]
				if ((a in rps) && (b in rps) && rps[b] > 0)
					add(order[i] SUBSEP "pair", rps[a] / rps[b])
			}
			pr = (order[i] SUBSEP "pair") in vals ? sprintf("%.2f", median(order[i] SUBSEP "pair")) : "-"
			printf fmt, k[1], k[2], sprintf("%.0f", s), sprintf("%.0f", r), pr,
				median("shoal" SUBSEP order[i] SUBSEP "p50"), median("shoal" SUBSEP order[i] SUBSEP "p99"),
				median("redis" SUBSEP order[i] SUBSEP "p50"), median("redis" SUBSEP order[i] SUBSEP "p99"),
				sc, rc, (sc > 0 ? sprintf("%.2f", rc / sc) : "-")
		}
		print "(medians of the rounds; ratio: the median of the rounds'"'"' shoal/redis pairs; latencies in ms;"
		print " cpu: the server'"'"'s CPU time per request in µs,"
		print " cpu r: redis-server'"'"'s over Shoal'"'"'s, above 1 when Shoal spends less; LRANGE'"'"'s includes its fill)"
	}' "$work/results.csv"
