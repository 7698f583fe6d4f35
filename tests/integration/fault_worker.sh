#!/bin/bash
# SPDX-License-Identifier: ISC
#
# A worker killed (SIGKILL) under two openconnect sessions on different
# workers: the parent starts a new worker; the session on the other worker
# keeps passing traffic without a single lost ping (and keeps its TCP
# connection); the killed worker's session reconnects with its cookie (no
# new login: openconnect has no password left to send) and passes traffic
# again through the new worker.
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
GW_EXTRA_CONF="workers = 2"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# client_port ID: the local TCP port of the client's connection to the gateway
client_port() {
	in_ns "$NS_CLI" ss -Htnp state established "( dport = :$GW_PORT )" |
		grep "pid=$(pid_of "client$1")," | awk '{ n = split($3, a, ":"); print a[n]; exit }'
}
# server_pid PORT: the gateway process holding the connection from that client port
server_pid() {
	in_ns "$NS_GW" ss -Htnp state established "( sport = :$GW_PORT and dport = :$1 )" |
		sed -n 's/.*pid=\([0-9]*\),.*/\1/p' | head -n 1
}
# ping1 [COUNT]: pings from bob's tun (no route: the interface picks the path)
ping1() {
	in_ns "$NS_CLI" ping -n -q -i 0.2 -c "${1:-3}" -W 1 -I "$(client_ifname 1)" "$ADDR_LAN" \
		>/dev/null 2>&1
}
# shellcheck disable=SC2317 # called through wait_until
reconnected() {
	local port
	port=$(client_port 1)
	[ -n "$port" ] && [ "$port" != "$PORT1" ] && [ -n "$(server_pid "$port")" ]
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
# no chroot for the workers (/ instead): LeakSanitizer needs /proc to check
# them when they stop (ASan builds); the chroot is tested elsewhere
sed -i -e 's|^chroot-dir = .*|chroot-dir = /|' \
	-e "s|^user-profile = .*|user-profile = $GW_DIR/chroot/profile.xml|" "$GW_CONF"
gateway_start
GW_LOG=$(log_of gateway)
parent=$(pid_of gateway)
wait_until 5 grep -q 'worker 1: serving' "$GW_LOG" || fail "the gateway's workers did not start"

client_start 0
wait_tunnel 0 || fail "no tunnel for alice"
W0=$(server_pid "$(client_port 0)")
# bob until he lands on the other worker (the kernel spreads connections by hash)
for try in 1 2 3 4 5 6; do
	CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales client_start 1
	wait_tunnel 1 || fail "no tunnel for bob"
	PORT1=$(client_port 1)
	W1=$(server_pid "$PORT1")
	{ [ -n "$W0" ] && [ -n "$W1" ]; } || fail "cannot tell which worker holds a session"
	[ "$W0" != "$W1" ] && break
	log "bob landed on alice's worker ($W1), try $try"
	client_stop 1
done
[ "$W0" != "$W1" ] || skip "six connections in a row went to the same worker"
log "alice on worker pid $W0, bob on worker pid $W1 (client port $PORT1)"
PORT0=$(client_port 0)
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel"
ping1 3 || fail "no traffic through bob's tunnel"

# ---- the fault, with alice pinging all along -------------------------------------------
in_ns "$NS_CLI" ping -n -i 0.1 -c 80 -W 1 "$ADDR_LAN" >"$SG_SCRATCH/ping0.txt" 2>&1 &
PINGER=$!
on_exit "kill $PINGER 2>/dev/null"
sleep 1
log "killing worker pid $W1 (bob's)"
kill -KILL "$W1"
wait_until 10 grep -qE "worker [0-9]+ \\(pid $W1\\) was killed by signal 9" "$GW_LOG" ||
	fail "the parent did not notice the worker's death"
wait_until 15 reconnected || fail "bob's openconnect did not reconnect"
W1_NEW=$(server_pid "$(client_port 1)")
log "bob reconnected from port $(client_port 1) to worker pid $W1_NEW"
assert_ne "$W1" "$W1_NEW" "the worker serving bob after the fault"
[ "$(ps -o ppid= -p "$W1_NEW" | tr -d ' ')" = "$parent" ] || fail "bob's new worker is no child of the gateway"
wait_until 10 ping1 1 || fail "no traffic through bob's tunnel after the reconnect"
# a reconnect, not a new login: openconnect read its password once, at the start
refute_grep "$(log_of client1)" 'Failed to obtain WebVPN cookie|Login failed' "bob's client log"
wait "$PINGER"
watch_log "$SG_SCRATCH/ping0.txt" ping0
grep -q ' 80 received' "$SG_SCRATCH/ping0.txt" || fail "alice lost pings while bob's worker died"
assert_eq "$PORT0" "$(client_port 0)" "alice's TCP connection (the same one all along)"
assert_eq "$W0" "$(server_pid "$PORT0")" "the worker serving alice"

is_running gateway || fail "sslgated died"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|runtime error:' "gateway log (sanitizers)"
client_stop 1
client_stop 0
gateway_stop
# workers stop in order on SIGTERM (LeakSanitizer runs in them in ASan builds)
refute_grep "$GW_LOG" 'worker [0-9]+ \(pid [0-9]+\) was killed by signal 15' "gateway log after stopping"
assert_grep "$GW_LOG" 'worker [0-9]+: SIGTERM: closing' "gateway log (a worker's orderly stop)"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: |leak check skipped' \
	"gateway log after stopping (sanitizers)"
exit 0
