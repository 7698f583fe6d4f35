# SPDX-License-Identifier: ISC
# shellcheck shell=bash
#
# Time-to-traffic figures of a pairing: connect time (client start to the
# first echo answered through the tunnel) with each client's default
# network setup, and for sslgate also through the vpnc-script
# (--net-setup=script); the same with UDP to the gateway dropped from the
# start, and the outage when UDP is dropped mid-session.
# Settings: BENCH_TRIES, BENCH_CONNECT_MAX, BENCH_FALLBACK_MAX.

# _connect_setup: which setup the last sslgate run logged it chose, for the note.
_connect_setup() {
	sed -n 's/.*network setup: \([a-z-]*\),.*/\1/p' "$(log_of client0)" 2>/dev/null | tail -n1
}

# _connect_median PAIR NAME: median connect time over BENCH_TRIES of
# client_up with the settings in effect (CLIENT_NO_DTLS, CLIENT_SETUP). A
# failed try counts as a failure, never as a value.
_connect_median() {
	local pair=$1 name=$2 i vals=() why='' setup=''
	for ((i = 0; i < BENCH_TRIES; i++)); do
		if client_up 0 "$BENCH_CONNECT_MAX"; then
			vals+=("$UP_MS")
		else
			why=$(client_fail_reason 0)
		fi
		setup=$(_connect_setup)
		client_stop 0
		sleep 0.5
	done
	if [ ${#vals[@]} -eq 0 ]; then
		na "$pair" "$name" ms "no try reached the lan host: $why"
		return
	fi
	fig "$pair" "$name" "$(printf '%s\n' "${vals[@]}" | median)" ms \
		"$(join_csv "${vals[@]}")" "${#vals[@]}/$BENCH_TRIES tries${setup:+, $setup setup}"
}

# fig_connect PAIR: connect times with DTLS and with --no-dtls, each client
# as a user runs it (openconnect through Debian's vpnc-script, sslgate with
# its default, which picks the built-in setup in the bench's namespaces);
# for sslgate also through the vpnc-script, as figures of their own.
fig_connect() {
	local pair=$1 mode no_dtls
	for mode in dtls tls; do
		no_dtls=0
		[ "$mode" = tls ] && no_dtls=1
		if [ "$(pair_client "$pair")" != sslgate ]; then
			CLIENT_NO_DTLS=$no_dtls CLIENT_SETUP=script \
				_connect_median "$pair" "connect_${mode}_ms"
			na "$pair" "connect_script_${mode}_ms" ms \
				"$(pair_client "$pair") has no other setup than its script"
			continue
		fi
		CLIENT_NO_DTLS=$no_dtls CLIENT_SETUP=default _connect_median "$pair" "connect_${mode}_ms"
		CLIENT_NO_DTLS=$no_dtls CLIENT_SETUP=script \
			_connect_median "$pair" "connect_script_${mode}_ms"
	done
}

# fig_udp_blocked PAIR: UDP to the gateway's port dropped before the client
# starts; the time to a working tunnel (over TLS, necessarily), measured as
# the connect time is (the median of BENCH_TRIES, each client with its
# default setup) since the target compares the two.
fig_udp_blocked() {
	local pair=$1 drops0 setup=script
	[ "$(pair_client "$pair")" = sslgate ] && setup=default
	drops0=$(netns_udp_drops)
	netns_block_udp
	CLIENT_NO_DTLS=0 CLIENT_SETUP=$setup _connect_median "$pair" udp_blocked_connect_ms
	log "  $pair: $(($(netns_udp_drops) - drops0)) datagrams dropped while UDP was blocked"
	netns_unblock_udp
}

# Replies in a `ping -D` log as "epoch_seconds seq" lines.
_echo_replies() {
	sed -n 's/^\[\([0-9.]*\)\].*icmp_seq=\([0-9]*\) .*time=.*/\1 \2/p' "$1"
}

# _outage LOG T_BLOCK_S: the longest silence between two replies once UDP
# was blocked at T_BLOCK_S, in ms, and "recovered" when replies came back
# after it (a silence is anything over 3 echo intervals).
_outage() {
	_echo_replies "$1" | awk -v tb="$2" '
		{ if (have && $1 > tb && $1 - prev > gap) gap = $1 - prev
		  if (have && $1 > tb && $1 - prev > 0.3) back = 1
		  prev = $1; have = 1 }
		END { printf "%d %s\n", gap * 1000, back ? "recovered" : "silent" }'
}

# _outage_settled LOG T_BLOCK_S: replies came back after a silence and have
# kept coming for a second.
_outage_settled() {
	local gap state last
	read -r gap state < <(_outage "$1" "$2")
	[ "$state" = recovered ] || return 1
	last=$(_echo_replies "$1" | tail -n1 | cut -d' ' -f1)
	awk -v l="$last" -v tb="$2" -v g="$gap" 'BEGIN { exit !(l - tb > g / 1000 + 1) }'
}

# _outage_none LOG T_BLOCK_S: 10 s after the block echoes still flow with no
# silence at all (a pairing that never depended on UDP at that moment, or
# one that moved over faster than the echo interval).
_outage_none() {
	local gap state last now
	read -r gap state < <(_outage "$1" "$2")
	[ "$state" = silent ] || return 1
	last=$(_echo_replies "$1" | tail -n1 | cut -d' ' -f1)
	now=$EPOCHREALTIME
	awk -v l="$last" -v tb="$2" -v n="$now" 'BEGIN { exit !(n - tb > 10 && n - l < 0.5) }'
}

# fig_udp_drop PAIR: a DTLS session carries echoes every 100 ms; UDP is then
# dropped and the figure is the longest silence before echoes flow again
# (over TLS once the client notices), bounded by BENCH_FALLBACK_MAX.
fig_udp_drop() {
	local pair=$1 plog udp0 udp1 tb t_end gap state
	if ! client_up 0 "$BENCH_CONNECT_MAX"; then
		na "$pair" udp_drop_outage_ms ms "$(client_fail_reason 0)"
		client_stop 0
		return
	fi
	dtls_wait 0
	plog=$(log_of outage-ping)
	spawn_in_ns "$NS_CLI" outage-ping ping -n -D -i 0.1 -w "$((BENCH_FALLBACK_MAX + 5))" "$ADDR_LAN"
	udp0=$(netns_udp_packets)
	sleep 1
	udp1=$(netns_udp_packets)
	if ((udp1 - udp0 < 5)); then
		na "$pair" udp_drop_outage_ms ms "the tunnel was not carrying traffic over DTLS"
		stop_proc outage-ping
		client_stop 0
		return
	fi
	tb=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.6f", t }')
	netns_block_udp
	t_end=$(($(now_us) + BENCH_FALLBACK_MAX * 1000000))
	while (($(now_us) < t_end)) && ! _outage_settled "$plog" "$tb" &&
		! _outage_none "$plog" "$tb"; do
		sleep 0.25
	done
	stop_proc outage-ping
	read -r gap state < <(_outage "$plog" "$tb")
	if [ "$state" = recovered ]; then
		fig "$pair" udp_drop_outage_ms "$gap" ms "" "$(netns_udp_drops) datagrams dropped"
	elif _echo_replies "$plog" | awk -v tb="$tb" '$1 > tb + 1 { found = 1 } END { exit !found }'; then
		# Echoes never stopped: the pairing moved over without a gap.
		fig "$pair" udp_drop_outage_ms "$gap" ms "" "no silence longer than 300 ms"
	else
		na "$pair" udp_drop_outage_ms ms "no traffic within ${BENCH_FALLBACK_MAX}s of the drop"
	fi
	client_stop 0
	netns_unblock_udp
}
