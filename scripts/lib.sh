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
