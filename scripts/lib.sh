# lib.sh holds what the benchmark scripts share: finding a free loopback
# port and waiting for a server on it. Source it; it needs die() defined.

# free_port prints a loopback port nothing listens on, below Linux's
# ephemeral range so that no outgoing connection holds it either.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

# wait_ready waits until the server on port $1 answers PING. It fails if
# process $2 (when given) exits, or after 20 s.
wait_ready() {
	for _ in $(seq 200); do
		if [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]]; then
			return 0
		fi
		if [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# The helpers below run one server at a time. They use, from the script:
# $work (a temporary directory: the shoal binary, logs), $REDIS_SERVER, and
# SHOAL_ARGS (extra flags for shoal server). start_server sets server_pid
# and server_port, and metrics_port when shoal_metrics is set.
server_pid=
server_port=
metrics_port=
shoal_metrics=

# start_server starts a fresh server of kind $1 (shoal or redis) on a free
# loopback port, without persistence, with the flags that follow (both
# kinds take --maxmemory and --maxmemory-policy). Shoal serves /metrics on
# a free port of its own when shoal_metrics is set, and none otherwise. A
# server that does not come up (another process took a port first) is
# retried on other ports. Call it directly, not in $(...), so that the
# variables it sets stay set.
start_server() {
	local kind=$1 metrics_addr=
	shift
	for _ in 1 2 3; do
		server_port=$(free_port)
		if [[ $kind == shoal ]]; then
			metrics_port=
			if [[ -n $shoal_metrics ]]; then
				metrics_port=$(free_port)
				metrics_addr=127.0.0.1:$metrics_port
			fi
			# shellcheck disable=SC2086 # SHOAL_ARGS is a list of flags
			"$work/shoal" server --port "$server_port" --bind 127.0.0.1 --save "" --appendonly no \
				--metrics-addr "$metrics_addr" ${SHOAL_ARGS:-} "$@" >>"$work/shoal.log" 2>&1 &
		else
			"$REDIS_SERVER" --port "$server_port" --bind 127.0.0.1 --save "" --appendonly no \
				--daemonize no --logfile "$work/redis.log" "$@" >/dev/null 2>&1 &
		fi
		server_pid=$!
		if wait_ready "$server_port" "$server_pid"; then
			return
		fi
		stop_server
	done
	die "$kind did not start; see $work/$kind.log"
}

# stop_server stops the server start_server started, if any.
stop_server() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}

# rss prints the resident set of the server, in bytes.
rss() {
	awk '/^VmRSS:/ { printf "%.0f\n", $2 * 1024 }' "/proc/$server_pid/status"
}

# info_field prints field $2 of INFO on the server on port $1.
info_field() {
	redis-cli -p "$1" info | awk -F: -v f="$2" '$1 == f { sub(/\r/, "", $2); print $2 }'
}

# load_commands writes the RESP of $1 SETs: key:%012d (16 bytes, the names
# redis-benchmark and shoal bench use), each set to $2 bytes, with EX 3600
# when $3 is "ttl".
load_commands() {
	awk -v n="$1" -v size="$2" -v ttl="${3:-}" 'BEGIN {
		v = sprintf("%" size "s", ""); gsub(/ /, "v", v)
		for (i = 0; i < n; i++) {
			k = sprintf("key:%012d", i)
			if (ttl == "ttl")
				printf "*5\r\n$3\r\nSET\r\n$16\r\n%s\r\n$%d\r\n%s\r\n$2\r\nEX\r\n$4\r\n3600\r\n", k, size, v
			else
				printf "*3\r\n$3\r\nSET\r\n$16\r\n%s\r\n$%d\r\n%s\r\n", k, size, v
		}
	}'
}

# load_keys loads $2 keys of $3-byte values (with a TTL when $4 is "ttl")
# into the server on port $1 through redis-cli --pipe, and checks that the
# server then holds exactly that many keys.
load_keys() {
	local port=$1 keys=$2 n
	load_commands "$keys" "$3" "${4:-}" | redis-cli -p "$port" --pipe >>"$work/pipe.log" 2>&1 ||
		die "loading keys on port $port failed; see $work/pipe.log"
	n=$(redis-cli -p "$port" dbsize)
	[[ $n == "$keys" ]] || die "the server on port $port holds $n keys after the load, want $keys"
}
