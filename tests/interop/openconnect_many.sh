#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Twenty openconnect sessions at once against sslgated, each with its own
# tun in the client namespace: every one gets its own pool address and
# carries a ping to the lan host (a policy route per session sends the ping
# from that address through that tun). Then clients die abruptly: one in
# the tunnel (SIGKILL) and a raw TLS client stalled half-way through its
# login; the gateway frees both (logged), the control tool no longer lists
# the killed session, and the other nineteen keep carrying traffic.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1 CLIENT_VERBOSE=
: "${SESSIONS:=20}"
SG_TEST_TIMEOUT=240
# every session here is ID 1 or later: the no-route script, never vpnc-script
REQUIRE_VPNC_SCRIPT=0
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

declare -A ADDR

# route_session ID: traffic from the session's address leaves through its tun.
route_session() {
	in_ns "$NS_CLI" ip rule add from "${ADDR[$1]}" table $((100 + $1)) &&
		in_ns "$NS_CLI" ip route add default dev "$(client_ifname "$1")" table $((100 + $1))
}

session_pings() {
	in_ns "$NS_CLI" ping -n -q -c 1 -W 2 -I "${ADDR[$1]}" "$ADDR_LAN" >/dev/null 2>&1
}

# A TLS client that sends the init POST, reads the form, and then waits.
write_stalled_login() {
	cat >"$SG_SCRATCH/stalled.py" <<-'PY'
		import socket, ssl, sys, time
		addr, name, ca = sys.argv[1:4]
		ctx = ssl.create_default_context(cafile=ca)
		s = ctx.wrap_socket(socket.create_connection((addr, 443), timeout=10), server_hostname=name)
		body = b'<?xml version="1.0" encoding="UTF-8"?>\n<config-auth client="vpn" type="init"><group-access>https://gw/</group-access></config-auth>'
		s.sendall(b"POST / HTTP/1.1\r\nHost: gw\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
		print("got", s.recv(65536).split(b"\r\n")[0].decode(), flush=True)
		time.sleep(60)
	PY
}

netns_up
pki_make
ocserv_write_conf
gateway_start
GLOG=$(log_of gateway)

for ((i = 1; i <= SESSIONS; i++)); do
	client_start "$i"
done
for ((i = 1; i <= SESSIONS; i++)); do
	wait_tunnel "$i" 30 || fail "session $i: no tunnel"
	ADDR[$i]=$TUNNEL_ADDR
	route_session "$i" || fail "session $i: cannot add its policy route"
done
assert_eq "$SESSIONS" "$(printf '%s\n' "${ADDR[@]}" | sort -u | wc -l)" "distinct pool addresses"
for ((i = 1; i <= SESSIONS; i++)); do
	session_pings "$i" || fail "session $i (${ADDR[$i]}): no ping reply"
done
log "$SESSIONS sessions carry traffic"

# --- abrupt ends ------------------------------------------------------------------
write_stalled_login
spawn_in_ns "$NS_CLI" stalled "$SG_PYTHON" "$SG_SCRATCH/stalled.py" "$ADDR_GW" "$GW_NAME" \
	"$PKI_DIR/ca.pem"
wait_until 10 grep -q '^got HTTP/1.1 200' "$(log_of stalled)" || fail "stalled login got no form"
kill -KILL "$(pid_of stalled)"
wait_until 10 grep -Eq 'closed in AUTH: client closed the connection' "$GLOG" ||
	fail "the gateway kept the connection of the client killed during its login"

victim=$SESSIONS
kill -KILL "$(pid_of "client$victim")"
wait_until 10 grep -Eq "user $TEST_USER: closed in TUNNEL: client closed the connection" "$GLOG" ||
	fail "the gateway did not free the killed client's session"
if [ -x "$GATEWAY_CTL_BIN" ]; then
	refute_grep <(gateway_ctl show users) "${ADDR[$victim]}[^0-9]" "sslgatectl show users"
fi
for ((i = 1; i < SESSIONS; i++)); do
	session_pings "$i" || fail "session $i: no ping after the others died"
done
for ((i = 1; i < SESSIONS; i++)); do
	stop_proc "client$i" 10
done
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "$SESSIONS sessions at once; killed clients were freed, the rest kept working"
exit 0
