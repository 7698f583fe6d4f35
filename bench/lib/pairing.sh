# SPDX-License-Identifier: ISC
# shellcheck shell=bash disable=SC2034 # globals shared with run.sh and fig_*.sh
#
# The four pairings of one bench run and how each is brought up. A pairing
# is "<client>-<gateway>"; the programs plug in by path because ours take
# the same command lines and read the same ocserv.conf as the real peers.
# Starting a gateway or a client never ends the run: a pairing that cannot
# run is reported as n/a with the reason found here.
#
# Settings: OPENCONNECT_BIN, OCSERV_BIN (Debian's), SSLGATE_BIN, SSLGATED_BIN
# (from the build directory), BENCH_MAX_CLIENTS (max-clients in the config).

BENCH_ALL_PAIRS="openconnect-ocserv sslgate-sslgated openconnect-sslgated sslgate-ocserv"

pair_client() {
	echo "${1%-*}"
}

pair_gateway() {
	echo "${1#*-}"
}

# prog_bin NAME: the binary a program name stands for.
prog_bin() {
	case $1 in
	openconnect) echo "$OPENCONNECT_BIN" ;;
	ocserv) echo "$OCSERV_BIN" ;;
	sslgate) echo "$SSLGATE_BIN" ;;
	sslgated) echo "$SSLGATED_BIN" ;;
	*) return 1 ;;
	esac
}

# prog_missing NAME: print why the program cannot run; fail when it can.
prog_missing() {
	local bin
	bin=$(prog_bin "$1") || { echo "unknown program $1"; return 0; }
	[ -x "$bin" ] && return 1
	echo "$1 not built or not installed ($bin)"
}

# The tail of a log, as one short line for a reason.
_last_words() {
	[ -s "$1" ] || return 0
	grep -v '^[[:space:]]*$' "$1" | tail -n "${2:-1}" | cut -c1-160 | paste -sd'|'
}

# bench_conf: the gateway config for every pairing, from the harness, with
# room for the load generator's sessions.
bench_conf() {
	ocserv_write_conf
	sed -i "s/^max-clients = .*/max-clients = $BENCH_MAX_CLIENTS/" "$GW_CONF"
}

# bench_gateway_start NAME [CONF]: start gateway NAME with the harness (in
# a subshell, since the harness ends a test on failure and a bench must go
# on), from CONF (GW_CONF). 0 once it listens; otherwise BENCH_WHY says why
# and it returns 1. Not to be called in $(...): the gateway's bookkeeping
# must stay in this shell.
BENCH_GW_NAME=
BENCH_WHY=
bench_gateway_start() {
	local name=$1 conf=${2:-$GW_CONF} bin why
	BENCH_WHY=$(prog_missing "$name") && return 1
	bin=$(prog_bin "$name")
	if ! (GATEWAY_BIN=$bin GW_CONF=$conf gateway_start) >"$SG_SCRATCH/gw-start.out" 2>&1; then
		# the first complaint names the cause; the last is a summary
		why=$(grep -m1 -i error "$GW_DIR/conftest.log" 2>/dev/null | cut -c1-160)
		[ -n "$why" ] || why=$(_last_words "$GW_DIR/conftest.log")
		[ -n "$why" ] || why=$(_last_words "$(log_of gateway)" 2)
		[ -n "$why" ] || why=$(grep -o 'FAIL: .*' "$SG_SCRATCH/gw-start.out" | head -n1)
		stop_proc gateway
		BENCH_WHY="$name did not start: ${why:-no output}"
		return 1
	fi
	# The subshell's cleanup stack died with it; ours stops the gateway.
	on_exit stop_proc gateway
	BENCH_GW_NAME=$name
	log "gateway $name up (pid $(pid_of gateway))"
}

bench_gateway_stop() {
	[ -n "$BENCH_GW_NAME" ] || return 0
	gateway_stop
	BENCH_GW_NAME=
}

# fresh_gateway NAME [CONF]: gateway NAME restarted, so that one
# measurement does not inherit another's sessions, cookies or bans. On
# failure the gateway's status is n/a and it returns 1.
fresh_gateway() {
	bench_gateway_stop
	bench_gateway_start "$1" "${2:-}" && return 0
	na "gateway:$1" status "" "$BENCH_WHY"
	return 1
}

gateway_pid() {
	pid_of gateway
}

# client_use NAME: later client_start calls run program NAME.
client_use() {
	CLIENT_BIN=$(prog_bin "$1")
}

# client_fail_reason ID: why session ID did not come up, from its log.
client_fail_reason() {
	local why
	why=$(_last_words "$(log_of "client$1")")
	if is_running "client$1"; then
		echo "no tunnel within the time limit${why:+ (log: $why)}"
	else
		echo "client exited before the tunnel came up${why:+ (log: $why)}"
	fi
}

# ping_first NS HOST MAX_S: 0 once HOST answers one echo from NS, 1 after
# MAX_S. Echoes leave every 2 ms, so the answer is seen within 2 ms of
# the path opening; ping is run again at once if it gives up early (no
# route yet, or a route rewritten under it makes it exit with an error),
# from one shell inside the namespace: entering the namespace again for
# each try cost about 10 ms, longer than the client's own setup steps.
ping_first() {
	local ns=$1 host=$2 deadline
	deadline=$(($(date +%s) + $3))
	in_ns "$ns" sh -c '
		while [ "$(date +%s)" -le "$1" ]; do
			ping -n -q -i 0.002 -c 1 -w 1 "$2" >/dev/null 2>&1 && exit 0
			sleep 0.002
		done
		exit 1' sh "$deadline" "$host"
}

# client_up ID MAX_S: start session ID; UP_MS is the milliseconds from the
# start to the first echo answered by the lan host through the tunnel (only
# session 0 routes the lan into its tunnel). Returns 1 after MAX_S. Not to
# be called in $(...), for the same reason as bench_gateway_start.
UP_MS=
client_up() {
	local id=$1 max=$2 t0
	UP_MS=
	t0=$(now_us)
	client_start "$id"
	ping_first "$NS_CLI" "$ADDR_LAN" "$max" || return 1
	UP_MS=$(ms_since "$t0")
}

# dtls_wait ID: give the client up to 5 s to log its DTLS handshake (each
# program words it its own way); traffic goes over TLS until then.
dtls_wait() {
	client_wait_log "$1" 'DTLS (connection|session) (established|up)|Established DTLS|DTLS.*(connected|established)' 5 ||
		sleep 1
}
