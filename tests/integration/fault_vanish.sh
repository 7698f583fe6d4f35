#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Clients that vanish at each phase, and an outer link cut, with short
# timeouts (DPD 2 s, auth-timeout 4 s, cookie-timeout 5 s):
#   mid-TLS      a truncated ClientHello, then nothing: closed at the 30 s
#                handshake deadline
#   mid-auth     TLS done, no request: closed at auth-timeout
#   after auth   a login whose cookie is never used: the session ends at
#                cookie-timeout and the cookie is refused afterwards
#   in tunnel    openconnect's packets dropped, then the process killed:
#                dead peer after three DPD intervals, then the session and
#                its address lease end at cookie-timeout
#   link cut     the outer link of a live openconnect dropped: its DPD
#                notices, it reconnects with its cookie on a new connection
#                and the gateway drops the old one for the new (or as a dead
#                peer); traffic passes again
# "Vanish" is a drop rule in the client's namespace for that one connection,
# so no FIN or RST tells the gateway anything.
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1 GW_DPD=2
GW_EXTRA_CONF="auth-timeout = 4
cookie-timeout = 5"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
require_cmd openssl "$PROBE"

client_port() {
	in_ns "$NS_CLI" ss -Htnp state established "( dport = :$GW_PORT )" |
		grep "pid=$(pid_of "client$1")," | awk '{ n = split($3, a, ":"); print a[n]; exit }'
}
# cut PORT: drop the client's connection from that local port, both ways
cut() {
	in_ns "$NS_CLI" iptables -I OUTPUT -p tcp --sport "$1" -j DROP &&
		in_ns "$NS_CLI" iptables -I INPUT -p tcp --dport "$1" -j DROP
}
probe() {
	in_ns "$NS_CLI" timeout 20 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
		--ca "$PKI_DIR/ca.pem" --timeout 3000 "$@"
}
# session_of USER: the id of USER's last session in authd's log lines
session_of() {
	sed -n "s/.*authd: login: user '$1' .*, session \\([0-9]*\\).*/\\1/p" "$GW_LOG" | tail -n 1
}
# shellcheck disable=SC2317 # called through wait_until
gw_log_has() { grep -Eq -- "$1" "$GW_LOG"; }

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GW_LOG=$(log_of gateway)
T0=$SECONDS

# ---- mid-TLS: 30 s, so it runs beside everything else -----------------------------------
spawn_in_ns "$NS_CLI" probe-tls timeout 50 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" \
	--sni "$GW_NAME" --ca "$PKI_DIR/ca.pem" --timeout 40000 tls-hello-truncated

# ---- mid-auth: TLS up, then silence ----------------------------------------------------------
spawn_in_ns "$NS_CLI" idle-tls timeout 30 bash -c "sleep 25 | openssl s_client -quiet \
	-connect $ADDR_GW:$GW_PORT -servername $GW_NAME -CAfile $PKI_DIR/ca.pem"

# ---- after auth, before CONNECT: a cookie nobody uses ------------------------------------------
auth=$(printf '%s\n' "$TEST_PASS2" | in_ns "$NS_CLI" timeout 20 /usr/sbin/openconnect \
	--authenticate --protocol=anyconnect --servercert "$SERVER_PIN" --user "$TEST_USER2" \
	--passwd-on-stdin --non-inter --authgroup sales "$GW_URL" 2>/dev/null)
BOB_COOKIE=$(grep '^COOKIE=' <<<"$auth" | tr -d "'" | tr ';' '\n' |
	sed -n 's/^ *\(COOKIE=\)\{0,1\}webvpn=//p')
[ -n "$BOB_COOKIE" ] || fail "no cookie for bob"
BOB_SESSION=$(session_of "$TEST_USER2")

# ---- in the tunnel: alice vanishes; bob's link is cut --------------------------------------------
client_start 0
wait_tunnel 0 || fail "no tunnel for alice"
ALICE_SESSION=$(session_of "$TEST_USER")
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales client_start 1
wait_tunnel 1 || fail "no tunnel for bob"
PORT0=$(client_port 0) PORT1=$(client_port 1)
{ [ -n "$PORT0" ] && [ -n "$PORT1" ]; } || fail "no client ports"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "no traffic through alice's tunnel"
T_CUT=$SECONDS
cut "$PORT0" || fail "cannot drop alice's connection"
kill -KILL "$(pid_of client0)"
cut "$PORT1" || fail "cannot drop bob's connection"
log "alice (session $ALICE_SESSION, port $PORT0) vanished, bob's link (port $PORT1) cut"

# ---- what the gateway does, each within its deadline ------------------------------------------
wait_until 12 gw_log_has "user $TEST_USER: closed in TUNNEL: dead peer" ||
	fail "alice's vanishing was not noticed"
log "alice's dead peer seen $((SECONDS - T_CUT)) s after the cut (3 x DPD = 6 s)"
wait_until 12 gw_log_has "session $ALICE_SESSION: address lease freed" ||
	fail "alice's address lease was not freed"
assert_grep "$GW_LOG" "session $ALICE_SESSION of '$TEST_USER' ends" "gateway log (alice's session)"
wait_until 10 grep -q 'Dead Peer Detection detected dead peer' "$(log_of client1)" ||
	fail "openconnect (bob) did not notice the link cut"
wait_until 10 gw_log_has "$PORT1 user $TEST_USER2: closed in TUNNEL: (dead peer|replaced by a reconnect)" ||
	fail "the gateway kept bob's cut connection"
wait_until 10 in_ns "$NS_CLI" ping -n -q -c 1 -W 1 -I "$(client_ifname 1)" "$ADDR_LAN" \
	>/dev/null 2>&1 || fail "no traffic through bob's tunnel after the reconnect"
wait_until 10 gw_log_has "session $BOB_SESSION of '$TEST_USER2' ends" ||
	fail "bob's unused cookie did not expire"
assert_match "$(probe --cookie "$BOB_COOKIE" cookie-given)" 'outcome=http status=401 ' \
	"bob's cookie after cookie-timeout"
wait_until 10 gw_log_has 'closed in AUTH: authentication timed out' ||
	fail "the silent TLS client was not closed at auth-timeout"
wait_exit probe-tls 45 || fail "the gateway kept the truncated handshake open"
assert_match "$(cat "$(log_of probe-tls)")" 'outcome=(closed|reset|alert) ' "the truncated handshake"
assert_grep "$GW_LOG" 'closed in TLS: TLS handshake timed out' "gateway log (mid-TLS)"
log "all phases reclaimed in $((SECONDS - T0)) s"
is_running gateway || fail "sslgated died"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|runtime error:' "gateway log (sanitizers)"
client_stop 1
gateway_stop
exit 0
