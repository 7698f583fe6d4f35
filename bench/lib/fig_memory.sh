# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Memory with real clients: the gateway's process tree idle, with one
# session and with BENCH_SESSIONS sessions (one client process each; every
# session but 0 uses the harness's no-route script, so they share the client
# namespace), and one client's RSS, PSS and private memory. Per session =
# (with N - idle) / N.
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

fig_memory() {
	local pair=$1 gw mem0 mem1 memn i n up why r p stoppers=()
	gw=$(gateway_pid)
	sleep 1
	mem0=$(tree_mem_kib "$gw")
	read -r r p n <<<"$mem0"
	fig "$pair" gw_rss_idle_kib "$r" KiB "" "$n processes"
	fig "$pair" gw_pss_idle_kib "$p" KiB "" "$n processes"
	if ! client_up 0 "$BENCH_CONNECT_MAX"; then
		why=$(client_fail_reason 0)
		client_stop 0
		for n in gw_rss_per_session_1_kib gw_pss_per_session_1_kib \
			gw_rss_per_session_n_kib gw_pss_per_session_n_kib \
			client_rss_kib client_pss_kib client_private_kib; do
			na "$pair" "$n" KiB "$why"
		done
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
