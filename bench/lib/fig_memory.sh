# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Memory with real clients: the gateway's process tree idle, with one
# session and with BENCH_SESSIONS sessions (one client process each; every
# session but 0 uses the harness's no-route script, so they share the client
# namespace), and one client's RSS, PSS and private memory. Per session =
# (with N - idle) / N. Idle is a gateway restarted for this figure whose
# every worker has then served one session (_warm_up), so that what earlier
# figures did, and which worker the kernel gives a connection to, do not
# change what a session is found to cost.
# The load generator covers 100 and 1000 sessions (fig_load.sh).
# With sslgate as the client, the floor under its RSS: the same three
# figures of sslgate-tls-floor (bench/floor), a bare GnuTLS client held
# after one handshake with the pairing's gateway (docs/performance.md).

: "${FLOOR_BIN:=$SSLGATE_BUILD/bench/sslgate-tls-floor}"
FLOOR_FIGS="client_floor_rss_kib client_floor_pss_kib client_floor_private_kib"

# _mem_fig PAIR LABEL N MEM0 MEMN NOTE: per-session RSS and PSS figures.
_mem_fig() {
	local pair=$1 label=$2 n=$3 r0 p0 rn pn
	read -r r0 p0 _ <<<"$4"
	read -r rn pn _ <<<"$5"
	fig "$pair" "gw_rss_per_session_${label}_kib" $(((rn - r0) / n)) KiB "" "$6"
	fig "$pair" "gw_pss_per_session_${label}_kib" $(((pn - p0) / n)) KiB "" "$6"
}

_all_up() {
	local i
	for ((i = 1; i < $1; i++)); do
		client_addr "$i" >/dev/null || return 1
	done
}

# _client_mem_figs PAIR PID: the client's RSS, PSS and private memory.
_client_mem_figs() {
	local pair=$1 rss pss own why="one session, DTLS, after 3 echoes"
	rss=$(rss_kib "$2")
	read -r pss own _ <<<"$(proc_mem_kib "$2")"
	if [ -z "$rss" ] || [ -z "$own" ]; then
		na "$pair" client_rss_kib KiB "client gone"
		na "$pair" client_pss_kib KiB "client gone"
		na "$pair" client_private_kib KiB "client gone"
		return
	fi
	fig "$pair" client_rss_kib "$rss" KiB "" "$why"
	fig "$pair" client_pss_kib "$pss" KiB "" "$why"
	fig "$pair" client_private_kib "$own" KiB "" "$why; pages no other process maps"
}

# _mem_na PAIR REASON NAME...: the named KiB figures, n/a for REASON.
_mem_na() {
	local pair=$1 why=$2 n
	shift 2
	for n in "$@"; do
		na "$pair" "$n" KiB "$why"
	done
}

_floor_na() {
	local n
	for n in $FLOOR_FIGS; do
		na "$1" "$n" KiB "$2"
	done
}

_floor_said_done() {
	grep -q '^handshake done: ' "$(log_of floor)" 2>/dev/null || ! is_running floor
}

# _floor_figs PAIR: run the floor in the client namespace against the
# gateway, with the harness's CA and the name the clients use, and read its
# memory as _client_mem_figs reads the client's, once it has said its line.
_floor_figs() {
	local pair=$1 line rss pss own why
	if [ "$(pair_client "$pair")" != sslgate ]; then
		_floor_na "$pair" "measured in the pairings whose client is sslgate"
		return
	fi
	if [ ! -x "$FLOOR_BIN" ]; then
		_floor_na "$pair" "sslgate-tls-floor not built ($FLOOR_BIN)"
		return
	fi
	spawn_in_ns "$NS_CLI" floor "$FLOOR_BIN" --hold 60 --name "$GW_NAME" \
		"$ADDR_GW" "$GW_PORT" "$PKI_DIR/ca.pem"
	wait_until 15 _floor_said_done
	line=$(grep -m1 '^handshake done: ' "$(log_of floor)")
	if [ -n "$line" ] && is_running floor; then
		sleep 1
		rss=$(rss_kib "$(pid_of floor)")
		read -r pss own _ <<<"$(proc_mem_kib "$(pid_of floor)")"
	fi
	why=$(_last_words "$(log_of floor)")
	if [ -z "$line" ] && is_running floor; then
		why="no handshake within 15 s${why:+ (log: $why)}"
	else
		why="the floor did not hold a handshake (log: ${why:-none})"
	fi
	stop_proc floor
	if [ -z "$line" ] || [ -z "${rss:-}" ] || [ -z "${own:-}" ]; then
		_floor_na "$pair" "$why"
		return
	fi
	why="sslgate-tls-floor, GnuTLS and libc only, held after one handshake (${line#handshake done: })"
	fig "$pair" client_floor_rss_kib "$rss" KiB "" "$why"
	fig "$pair" client_floor_pss_kib "$pss" KiB "" "$why"
	fig "$pair" client_floor_private_kib "$own" KiB "" "$why; pages no other process maps"
}

# _acceptors PID: the processes under the gateway PID, not PID itself, that
# hold a listening socket of its TCP port: those the kernel gives new
# connections to, by a hash of the client's address and port (sslgated's
# workers, whose sockets the parent also holds). None for ocserv, whose
# main process accepts and forks a worker per connection.
_acceptors() {
	comm -12 <(tree_pids "$1" | grep -vx "$1" | sort) \
		<(port_pids "$NS_GW" "$GW_PORT" listening)
}

# _warm_up PID: session 0, with DTLS and three echoes as the one-session
# reading has it, opened and closed until every acceptor of the gateway PID
# has held one; at least WARM_MIN times, at most 8 per acceptor. A worker's
# first session maps into it some 4.4 MiB of library pages (libcrypto,
# libxml2, GnuTLS, gmp) that its parent already holds, and keeps about
# 250 KiB of heap: RSS counts that once per worker, not per session, and a
# reading taken after one earlier session found it or not by the toss of
# the hash (docs/performance.md). ocserv's sec-mod instances, also picked
# per connection, cannot be seen from outside: after four sessions a cold
# one meets the measured session one run in 16 (two instances), not in 2.
# WARM_SESSIONS says how many it took; returns 1 with WARM_WHY.
WARM_MIN=4
WARM_SESSIONS=0
WARM_WHY=
_warm_up() {
	local gw=$1 max pid left served=" "
	WARM_SESSIONS=0
	max=$((8 * $(_acceptors "$gw" | wc -l)))
	((max > WARM_MIN)) || max=$WARM_MIN
	while :; do
		left=
		for pid in $(_acceptors "$gw"); do
			[[ $served == *" $pid "* ]] || left+=" $pid"
		done
		((WARM_SESSIONS >= WARM_MIN)) && [ -z "$left" ] && return 0
		if ((WARM_SESSIONS >= max)); then
			WARM_WHY="process(es)$left took none of $WARM_SESSIONS warm-up sessions"
			return 1
		fi
		WARM_SESSIONS=$((WARM_SESSIONS + 1))
		if ! client_up 0 "$BENCH_CONNECT_MAX"; then
			WARM_WHY="warm-up session: $(client_fail_reason 0)"
			client_stop 0
			return 1
		fi
		dtls_wait 0
		ping_ok "$NS_CLI" "$ADDR_LAN" 3
		for pid in $(port_pids "$NS_GW" "$GW_PORT" established); do
			served+="$pid "
		done
		client_stop 0
	done
}

MEM_GW_FIGS="gw_rss_idle_kib gw_pss_idle_kib gw_rss_per_session_1_kib
gw_pss_per_session_1_kib gw_rss_per_session_n_kib gw_pss_per_session_n_kib"
MEM_CLIENT_FIGS="client_rss_kib client_pss_kib client_private_kib"

fig_memory() {
	local pair=$1 gw mem0 mem1 memn i n up why r p r0 p0 stoppers=()
	# shellcheck disable=SC2086 # the lists are words
	if ! fresh_gateway "$(pair_gateway "$pair")"; then
		_mem_na "$pair" "$BENCH_WHY" $MEM_GW_FIGS $MEM_CLIENT_FIGS
		return
	fi
	gw=$(gateway_pid)
	sleep 1
	read -r r0 p0 _ <<<"$(tree_mem_kib "$gw")"
	if ! _warm_up "$gw"; then
		# shellcheck disable=SC2086
		_mem_na "$pair" "$WARM_WHY" $MEM_GW_FIGS $MEM_CLIENT_FIGS
		_floor_figs "$pair"
		return
	fi
	sleep 1
	mem0=$(tree_mem_kib "$gw")
	read -r r p n <<<"$mem0"
	why="$n processes, after $WARM_SESSIONS warm-up sessions (as started: RSS $r0, PSS $p0 KiB)"
	fig "$pair" gw_rss_idle_kib "$r" KiB "" "$why"
	fig "$pair" gw_pss_idle_kib "$p" KiB "" "$why"
	if ! client_up 0 "$BENCH_CONNECT_MAX"; then
		why=$(client_fail_reason 0)
		client_stop 0
		# shellcheck disable=SC2086
		_mem_na "$pair" "$why" gw_rss_per_session_1_kib gw_pss_per_session_1_kib \
			gw_rss_per_session_n_kib gw_pss_per_session_n_kib $MEM_CLIENT_FIGS
		_floor_figs "$pair"
		return
	fi
	dtls_wait 0
	ping_ok "$NS_CLI" "$ADDR_LAN" 3
	sleep 1
	mem1=$(tree_mem_kib "$gw")
	_mem_fig "$pair" 1 1 "$mem0" "$mem1" "$(echo "$mem1" | cut -d' ' -f3) processes"
	_client_mem_figs "$pair" "$(pid_of client0)"
	n=$BENCH_SESSIONS
	for ((i = 1; i < n; i++)); do
		client_start "$i"
		sleep 0.1
	done
	wait_until 60 _all_up "$n"
	up=1
	for ((i = 1; i < n; i++)); do
		client_addr "$i" >/dev/null && up=$((up + 1))
	done
	sleep 2
	memn=$(tree_mem_kib "$gw")
	if ((up > 1)); then
		_mem_fig "$pair" n "$up" "$mem0" "$memn" \
			"$up/$n sessions up, $(echo "$memn" | cut -d' ' -f3) processes"
	else
		na "$pair" gw_rss_per_session_n_kib KiB "only session 0 came up"
		na "$pair" gw_pss_per_session_n_kib KiB "only session 0 came up"
	fi
	# In parallel: each stop may wait seconds for a client to log out.
	for ((i = n - 1; i >= 0; i--)); do
		client_stop "$i" >/dev/null 2>&1 &
		stoppers+=($!)
	done
	wait "${stoppers[@]}"
	# Last, so that its connection touches none of the gateway's figures.
	_floor_figs "$pair"
}
