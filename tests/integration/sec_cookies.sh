#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Cookies that must no longer open a tunnel, each tried on CONNECT with
# sg-probe: one past cookie-timeout (3 s here), one replayed after its
# session logged out (CSTP DISCONNECT 0xb0), one whose user was
# disconnected with sslgatectl, and another user's: alice logs in on a
# connection and sends CONNECT on it with bob's cookie. Each gets 401 and a
# log line; a fresh cookie still gets 200 (with sg-probe, and on alice's
# logged-in connection with her own), so the 401s are not the tools' doing.
set -u
GW_DTLS=0 GW_CERT_AUTH=0
GW_EXTRA_CONF="cookie-timeout = 3"
# openconnect only logs in (--authenticate): no tunnel, no vpnc-script
REQUIRE_CMDS="ip python3 certtool ocpasswd /usr/sbin/openconnect"
REQUIRE_VPNC_SCRIPT=0
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
require_cmd "$PROBE" "$GATEWAY_CTL_BIN"

login() {
	printf '%s\n' "$2" | in_ns "$NS_CLI" timeout 20 /usr/sbin/openconnect --authenticate \
		--protocol=anyconnect --servercert "$SERVER_PIN" --user "$1" --passwd-on-stdin \
		--non-inter --authgroup "$3" "$GW_URL" 2>>"$SG_SCRATCH/auth.log" |
		grep '^COOKIE=' | tr -d "'" | tr ';' '\n' | sed -n 's/^ *\(COOKIE=\)\{0,1\}webvpn=//p'
}
probe() {
	in_ns "$NS_CLI" timeout 20 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
		--ca "$PKI_DIR/ca.pem" --timeout 3000 --cookie "$1" "${@:2}"
}
# refused WHAT COOKIE: CONNECT answered 401 and one more gateway log line about it
refused() {
	local before out
	before=$(grep -cE "$REFUSAL_RE" "$GW_LOG")
	out=$(probe "$2" cookie-given)
	assert_match "$out" 'outcome=http status=401 ' "CONNECT with $1"
	wait_until 3 test "$(grep -cE "$REFUSAL_RE" "$GW_LOG")" -gt "$before" ||
		fail "no gateway log line for $1"
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GW_LOG=$(log_of gateway)
watch_log "$SG_SCRATCH/auth.log" auth
# the worker's line (authd logs one too: "cookie from ADDR: unknown or expired")
REFUSAL_RE='CONNECT with an unknown or expired cookie'

EXPIRED=$(login "$TEST_USER2" "$TEST_PASS2" sales)
LOGGED_OUT=$(login "$TEST_USER2" "$TEST_PASS2" sales)
{ [ -n "$EXPIRED" ] && [ -n "$LOGGED_OUT" ]; } || fail "no cookies for bob"
assert_match "$(probe "$LOGGED_OUT" cstp-logout)" 'end=closed' "the logout"
refused "a cookie replayed after its logout" "$LOGGED_OUT"
sleep 4
refused "a cookie past cookie-timeout" "$EXPIRED"

FRESH=$(login "$TEST_USER" "$TEST_PASS" engineering)
TERMINATED=$(login "$TEST_USER2" "$TEST_PASS2" sales)
{ [ -n "$FRESH" ] && [ -n "$TERMINATED" ]; } || fail "no cookies for the second round"
# bob has no tunnel, so sslgatectl (like occtl) reports failure; authd ends
# the session all the same, which is what matters here
gateway_ctl disconnect user "$TEST_USER2" >"$SG_SCRATCH/ctl.txt" 2>&1
watch_log "$SG_SCRATCH/ctl.txt" sslgatectl
wait_until 3 grep -q "of '$TEST_USER2' ends: disconnected by the administrator" "$GW_LOG" ||
	fail "authd did not end bob's session on sslgatectl disconnect"
refused "a cookie of a user disconnected with sslgatectl" "$TERMINATED"
assert_match "$(probe "$FRESH" cookie-given)" 'outcome=http status=200 ' \
	"CONNECT with a fresh cookie (control)"

BOB=$(login "$TEST_USER2" "$TEST_PASS2" sales)
[ -n "$BOB" ] || fail "no cookie for bob (third round)"
# login_connect COOKIE: alice logs in, then CONNECT on the same connection
login_connect() {
	in_ns "$NS_CLI" timeout 20 python3 "$SSLGATE_SRC/tests/tools/sg-login-connect.py" \
		"$ADDR_GW" "$GW_NAME" "$PKI_DIR/ca.pem" "$TEST_USER" "$TEST_PASS" engineering "$1"
}
assert_eq "login=200 connect=401" "$(login_connect "$BOB")" "alice's connection with bob's cookie"
assert_grep "$GW_LOG" "CONNECT with another user's cookie \(logged in here as $TEST_USER, cookie of $TEST_USER2\)" \
	"gateway log (another user's cookie)"
assert_eq "login=200 connect=200" "$(login_connect -)" "alice's connection with her own cookie (control)"

is_running gateway || fail "sslgated died"
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log (sanitizers)"
exit 0
