#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Group selection and refusals with Debian's openconnect against sslgated:
# --authgroup sales and the group URL https://gw/sales both land in the sales
# profile (only the lan host is routed, and only it is reachable); bob, who
# is in sales only, cannot pick engineering and openconnect shows why; a
# wrong password is refused with the "Login failed." message openconnect
# prints, and the gateway logs it.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# in_sales ID: the session got the sales profile: a host route to the lan
# host only, which answers; another lan address is not routed.
in_sales() {
	local routes
	routes=$(in_ns "$NS_CLI" ip -4 route show dev "$(client_ifname "$1")")
	assert_match "$routes" "^$ADDR_LAN " "sales route (the lan host only)"
	[[ $routes == *"$NET_LAN"* ]] && fail "sales session got the whole lan: $routes"
	ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "sales session cannot reach the lan host"
}

netns_up
pki_make
ocserv_write_conf
gateway_start
GLOG=$(log_of gateway)

# --- --authgroup sales ------------------------------------------------------------
CLIENT_AUTHGROUP=sales client_start 0
wait_tunnel 0 20 || fail "--authgroup sales: no tunnel"
in_sales 0
client_stop 0

# --- group URL, no --authgroup -------------------------------------------------------
CLIENT_AUTHGROUP='' CLIENT_URL="https://$GW_NAME/sales" client_start 0
wait_tunnel 0 20 || fail "group URL /sales: no tunnel"
in_sales 0
client_stop 0

# --- a group the user is not in ------------------------------------------------------
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=engineering client_start 1
wait_exit client1 20 || fail "bob in engineering: client still running"
assert_ne 0 "$EXIT_CODE" "bob in engineering: client exit status"
assert_grep "$(log_of client1)" "may not use the group 'engineering'" "message openconnect shows"
refute client_addr 1
wait_until 5 grep -q "user $TEST_USER2 may not use group engineering" "$GLOG" ||
	fail "the gateway did not log the refused group"
# ...while the group bob is in works
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales client_start 1
wait_tunnel 1 20 || fail "bob in sales: no tunnel"
client_stop 1

# --- a wrong password ------------------------------------------------------------------
CLIENT_PASS=not-the-password client_start 2
wait_exit client2 20 || fail "wrong password: client still running"
assert_ne 0 "$EXIT_CODE" "wrong password: client exit status"
assert_grep "$(log_of client2)" '^Login failed\.$' "openconnect shows the gateway's message"
refute client_addr 2
wait_until 5 grep -q "login failed for user $TEST_USER" "$GLOG" ||
	fail "the gateway did not log the failed login"

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "groups by option and URL, a refused group and a wrong password behave"
exit 0
