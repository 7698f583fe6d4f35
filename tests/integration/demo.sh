#!/bin/bash
# SPDX-License-Identifier: ISC
#
# `make demo`, run the way a new user runs it but without a terminal:
# scripts/demo.sh with our programs must print the client's phase moves (and
# the gateway's), a pin the client saw exactly as the gateway logged it, ping
# replies from the lan host through the tunnel and a rate each way, within
# 30 s, and leave nothing behind. Interrupted with SIGINT to its process group
# (what Ctrl-C sends) while traffic flows, it must still tear everything
# down. DEMO_PEERS=reference (Debian's ocserv and openconnect) must still
# get a tunnel, replies and rates.
#
# "Nothing left behind" is checked from outside, not taken from the demo's word:
# while it runs, the test notes the inodes of its three namespaces and the
# PIDs inside them; afterwards no process may sit in those namespaces or in
# the demo's process group, none of those PIDs may still be the same
# process, and no namespace, /etc/netns directory, veth, scratch file or
# vpnc-script state file of the run remains.

# shellcheck disable=SC2317 # functions run from on_exit and wait_until
. "$SSLGATE_SRC/tests/lib/common.sh"
require_root
require_cmd ip iptables ping ss iperf3 certtool ocpasswd occtl python3 \
	/usr/sbin/ocserv /usr/sbin/openconnect
for prog in gateway/sslgated gateway/sslgate-passwd client/sslgate ctl/sslgatectl; do
	[ -x "$SSLGATE_BUILD/$prog" ] || skip "$prog not built"
done
[ -x /usr/share/vpnc-scripts/vpnc-script ] || skip "missing vpnc-scripts"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

ADDR_LAN=198.18.2.2     # the demo's lan host (tests/lib/netns.sh)
DEMO_TMP=$SG_SCRATCH/tmp
DEMO_PID=
DEMO_RUNS=0
mkdir -p "$DEMO_TMP"
chmod 755 "$DEMO_TMP"

# start_time PID: the process's start time (field 22 of its stat), or
# nothing once it is gone or a zombie.
start_time() {
	local stat fields
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	read -ra fields <<<"${stat##*) }"
	[[ ${fields[0]} == [ZX] ]] || echo "${fields[19]}"
}

# A demo still running when the test ends is stopped by its PID and given
# time for its own teardown.
stop_demo() {
	[ -n "$DEMO_PID" ] && kill -0 "$DEMO_PID" 2>/dev/null || return 0
	kill -TERM "$DEMO_PID"
	wait_until 20 _demo_gone
}
_demo_gone() {
	! kill -0 "$DEMO_PID" 2>/dev/null
}
on_exit stop_demo

# start_demo [VAR=VALUE...]: scripts/demo.sh in the background, in a process
# group of its own (job control makes SIGINT reach it as it would from a
# terminal), stdin closed, its scratch directory under DEMO_TMP, its output
# in a new file OUT.
start_demo() {
	DEMO_RUNS=$((DEMO_RUNS + 1))
	OUT=$SG_SCRATCH/demo$DEMO_RUNS.out
	: >"$OUT"
	watch_log "$OUT" "demo run $DEMO_RUNS ($*)"
	set -m
	env "$@" TMPDIR="$DEMO_TMP" bash "$SSLGATE_SRC/scripts/demo.sh" "$SSLGATE_BUILD" \
		</dev/null >"$OUT" 2>&1 &
	DEMO_PID=$!
	set +m
	DEMO_T0=$SECONDS
	log "demo started (pid $DEMO_PID) $*"
}

# note_run: once traffic starts, the run's namespace inodes and PIDs inside.
note_run() {
	local ns
	wait_until 30 grep -q '^== through the tunnel' "$OUT" || fail "the demo never reached its traffic step"
	RUN_INODES=() RUN_PIDS=()
	for ns in cli gw lan; do
		ns=sg$DEMO_PID-$ns
		[ -e "/run/netns/$ns" ] || fail "no namespace $ns while the demo runs"
		RUN_INODES+=("$(stat -L -c %i "/run/netns/$ns")")
		mapfile -t -O "${#RUN_PIDS[@]}" RUN_PIDS < <(ip netns pids "$ns")
	done
	(( ${#RUN_PIDS[@]} >= 3 )) || fail "expected the gateway, the client and iperf3 in the namespaces"
	RUN_STARTS=()
	local pid
	for pid in "${RUN_PIDS[@]}"; do
		RUN_STARTS+=("$(start_time "$pid")")
	done
}

_group_gone() {
	! pgrep -g "$DEMO_PID" >/dev/null
}

# finish_demo TIMEOUT_S: wait for the demo to end; sets DEMO_RC, DEMO_SECONDS.
finish_demo() {
	wait_until "$1" _demo_gone || fail "the demo did not end within $1 s"
	wait "$DEMO_PID"
	DEMO_RC=$?
	DEMO_SECONDS=$((SECONDS - DEMO_T0))
	log "demo ended: status $DEMO_RC after $DEMO_SECONDS s"
}

# assert_nothing_left: nothing of the run remains, judged from outside.
assert_nothing_left() {
	local p ns i left
	for ns in cli gw lan; do
		[ -e "/run/netns/sg$DEMO_PID-$ns" ] && fail "namespace sg$DEMO_PID-$ns left behind"
		[ -e "/etc/netns/sg$DEMO_PID-$ns" ] && fail "/etc/netns/sg$DEMO_PID-$ns left behind"
	done
	ip -o link show | grep -q "alias sslgate-$DEMO_PID\$" && fail "a veth of the demo left behind"
	left=$(stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null |
		awk -v inodes="${RUN_INODES[*]}" 'BEGIN { split(inodes, a, " "); for (i in a) run[a[i]] = 1 }
			$1 in run { split($2, p, "/"); printf "%s ", p[3] }')
	[ -z "$left" ] || fail "processes still in a demo namespace: $left"
	# The demo's watchdog gets its SIGTERM as the demo exits: a moment to go.
	if ! wait_until 3 _group_gone; then
		fail "processes of the demo's process group still running: $(pgrep -g "$DEMO_PID" | tr '\n' ' ')"
	fi
	for i in "${!RUN_PIDS[@]}"; do
		p=${RUN_PIDS[i]}
		[ -n "${RUN_STARTS[i]}" ] && [ "$(start_time "$p")" = "${RUN_STARTS[i]}" ] &&
			fail "process $p ($(tr '\0' ' ' <"/proc/$p/cmdline")) outlived the demo"
		compgen -G "/var/run/vpnc/*.$p" >/dev/null && fail "vpnc-script state of pid $p left behind"
	done
	[ -z "$(ls -A "$DEMO_TMP")" ] || fail "files left in the demo's TMPDIR: $(ls -A "$DEMO_TMP")"
	assert_grep "$OUT" '^   processes stopped, namespaces and files removed: nothing left behind$'
}

# assert_traffic: ping replies from the lan host and a rate each way.
assert_traffic() {
	local n
	n=$(grep -c "^ *64 bytes from $ADDR_LAN: icmp_seq=" "$OUT")
	(( n >= 2 )) || fail "expected ping replies from $ADDR_LAN through the tunnel, got $n"
	assert_grep "$OUT" '^   upload .*: [0-9.]*[1-9][0-9.]* [KMG]bits/sec$' "the upload rate"
	assert_grep "$OUT" '^   download .*: [0-9.]*[1-9][0-9.]* [KMG]bits/sec$' "the download rate"
}

# The gateway logged its key's pin; the client was given it and saw that key.
assert_pin() {
	local logged given seen
	logged=$(grep -o 'server certificate .*, pin-sha256:[A-Za-z0-9+/=]*' "$OUT" | grep -o 'pin-sha256:.*')
	given=$(grep -o -- '--servercert pin-sha256:[A-Za-z0-9+/=]*' "$OUT" | cut -d' ' -f2)
	seen=$(grep -o 'TLS: server key pin-sha256:[A-Za-z0-9+/=]*' "$OUT" | cut -d' ' -f4)
	assert_match "$logged" '^pin-sha256:[A-Za-z0-9+/]{43}=$' "the gateway's logged pin"
	assert_eq "$logged" "$given" "the pin given to the client"
	assert_eq "$logged" "$seen" "the key the client saw"
}

# --- our programs, to the end -------------------------------------------------------
start_demo DEMO_PEERS=ours
note_run
finish_demo 45
assert_eq 0 "$DEMO_RC" "demo exit status"
(( DEMO_SECONDS <= 30 )) || fail "the demo took $DEMO_SECONDS s (at most 30)"
assert_grep "$OUT" '^== gateway: .*/gateway/sslgated$'
assert_grep "$OUT" '^     ipv4-network = 198\.19\.10\.0/24$' "the config on top of the built-in one"
assert_pin
for move in 'RESOLVE -> TLS' 'AUTH -> CONNECT' 'CONNECT -> TUNNEL' '[A-Z_]+ -> CLOSING' 'CLOSING -> DONE'; do
	assert_grep "$OUT" "^     \[[-0-9: ]+\] phase $move\$" "the client's phase move $move"
done
assert_grep "$OUT" ': CONNECT -> TUNNEL$' "the gateway's phase move to TUNNEL"
assert_traffic
assert_grep "$OUT" '^ +[0-9]+ +demo +.* 198\.19\.10\.[0-9]+ +vpns[0-9]+ ' "the session list"
assert_nothing_left

# --- interrupted while traffic flows --------------------------------------------------
start_demo DEMO_PEERS=ours
note_run
kill -INT -- "-$DEMO_PID"
finish_demo 20
assert_eq 130 "$DEMO_RC" "exit status after SIGINT"
assert_grep "$OUT" '^   interrupted$'
assert_grep "$OUT" '^== teardown$'
assert_nothing_left

# --- Debian's peers -------------------------------------------------------------------
start_demo DEMO_PEERS=reference
note_run
finish_demo 45
assert_eq 0 "$DEMO_RC" "demo exit status (reference peers)"
assert_grep "$OUT" '^== gateway: /usr/sbin/ocserv$'
assert_grep "$OUT" 'Configured as 198\.19\.10\.[0-9]+' "openconnect's tunnel"
assert_traffic
assert_nothing_left
exit 0
