#!/bin/bash
# SPDX-License-Identifier: ISC
#
# A dropped TCP connection does not end the session: the kernel of the
# gateway's namespace destroys the TLS connection (ss -K: both ends see a
# reset), openconnect reconnects with its cookie without logging in again,
# gets the same address back and the tunnel carries traffic. The gateway
# logs the drop as the connection's end, not a logout.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# The client's source port of its TLS connection to the gateway.
client_port() {
	in_ns "$NS_CLI" ss -Htn state established "dst $ADDR_GW:$GW_PORT" |
		awk '{ n = split($3, a, ":"); print a[n]; exit }'
}

# A second CONNECT came in on a new connection.
_reconnected() {
	[ "$(grep -c 'tunnel up for user' "$GLOG")" -ge 2 ]
}

# Destroys the gateway's socket of that connection (SOCK_DESTROY).
drop_connection() {
	in_ns "$NS_GW" ss -K -tn state established "src $ADDR_GW:$GW_PORT" \
		"dst $ADDR_CLI:$1" >/dev/null 2>&1
}

netns_up
pki_make
ocserv_write_conf
gateway_start
GLOG=$(log_of gateway)

client_start 0
wait_tunnel 0 20 || fail "no tunnel"
first=$TUNNEL_ADDR
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "no ping before the drop"
port=$(client_port)
assert_match "$port" '^[0-9]+$' "client TLS source port"
logins=$(grep -c 'logged in' "$GLOG")

drop_connection "$port"
wait_until 10 grep -Eq 'closed in TUNNEL' "$GLOG" || fail "the gateway did not notice the drop"
refute_grep "$GLOG" 'closed in TUNNEL: client disconnected \(logout\)' "gateway log"
wait_until 40 _reconnected || fail "openconnect did not reconnect"
wait_until 10 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "no ping after the reconnect"
assert_eq "$first" "$(client_addr 0)" "tunnel address after the reconnect"
assert_eq "$logins" "$(grep -c 'logged in' "$GLOG")" "password logins (a reconnect needs none)"
assert_eq 2 "$(grep -c 'tunnel up for user' "$GLOG")" "tunnels brought up"
client_stop 0
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "openconnect reconnected with its cookie and kept $first"
exit 0
