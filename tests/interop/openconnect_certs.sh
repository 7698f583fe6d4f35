#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Client certificates with Debian's openconnect (-c/-k) against sslgated.
# The engineering group logs in by certificate alone, the sales group by
# certificate then password (per-group auth lines); the user is the CN.
# openconnect sends the password round on a new connection: the group comes
# back in the webvpncontext cookie. A cookie from a certificate login
# reconnects without the certificate. Without a
# certificate, with one from a CA the gateway does not trust, and with a
# revoked one, openconnect is refused and prints why, and the gateway logs it.
# Then the gateway restarts certificate-only (no plain auth, no password
# file): alice still gets her tunnel and nothing in the log names a file.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# refused ID WHAT MESSAGE LOGGED: session ID ends without a tunnel; openconnect
# printed MESSAGE and the gateway logged LOGGED.
refused() {
	wait_exit "client$1" 30 || fail "$2: client still running"
	assert_ne 0 "$EXIT_CODE" "$2: client exit status"
	assert_grep "$(log_of "client$1")" "$3" "$2: the message openconnect shows"
	refute client_addr "$1"
	wait_until 5 grep -q "$4" "$GLOG" || fail "$2: the gateway did not log '$4'"
}

netns_up
pki_make
GW_EXTRA_CONF=$(printf '%s\n' "ca-cert = $PKI_DIR/ca.pem" "crl = $PKI_DIR/crl.pem" \
	"cert-user-oid = 2.5.4.3")
ocserv_write_conf
echo 'auth = "certificate"' >>"$GW_DIR/config-per-group/engineering"
echo 'auth = "certificate+plain"' >>"$GW_DIR/config-per-group/sales"
gateway_start
GLOG=$(log_of gateway)

# --- certificate only: no password is asked ------------------------------------------
CLIENT_PASS='' CLIENT_CERT=$PKI_DIR/alice.pem CLIENT_KEY=$PKI_DIR/alice-key.pem client_start 0
wait_tunnel 0 20 || fail "alice by certificate: no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "alice by certificate cannot reach the lan"
refute_grep "$(log_of client0)" "Password:" "a certificate-only login asked for a password"
wait_until 5 grep -q "login: user 'alice' group 'engineering'" "$GLOG" ||
	fail "authd did not log alice's certificate login"
client_stop 0

# --- the cookie alone reconnects: no certificate on the later connections ---------------
cookie=$(in_ns "$NS_CLI" /usr/sbin/openconnect --protocol=anyconnect --non-inter --authenticate \
	--servercert "$SERVER_PIN" --authgroup engineering -c "$PKI_DIR/alice.pem" \
	-k "$PKI_DIR/alice-key.pem" "$GW_URL" </dev/null 2>"$SG_SCRATCH/authenticate.log" |
	sed -n "s/^COOKIE='\(.*\)'$/\1/p")
[ -n "$cookie" ] || fail "openconnect --authenticate with alice's certificate printed no cookie"
CLIENT_PASS='' client_start 0 --cookie "$cookie"
wait_tunnel 0 20 || fail "the cookie of a certificate login, without the certificate: no tunnel"
client_stop 0

# --- certificate then password ---------------------------------------------------------
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales \
	CLIENT_CERT=$PKI_DIR/bob.pem CLIENT_KEY=$PKI_DIR/bob-key.pem client_start 1
wait_tunnel 1 20 || fail "bob by certificate and password: no tunnel"
client_stop 1
# the right certificate with the wrong password is not enough
CLIENT_USER=$TEST_USER2 CLIENT_PASS=wrong-password CLIENT_AUTHGROUP=sales \
	CLIENT_CERT=$PKI_DIR/bob.pem CLIENT_KEY=$PKI_DIR/bob-key.pem client_start 1
refused 1 "bob with a wrong password" "Login failed" "login failed: user 'bob'"

# --- refusals ------------------------------------------------------------------------
CLIENT_PASS='' client_start 2
refused 2 "no certificate" "Certificate refused: this login needs a client certificate" \
	"needs a client certificate and none was presented"

CLIENT_PASS='' CLIENT_CERT=$PKI_DIR/stranger.pem CLIENT_KEY=$PKI_DIR/stranger-key.pem \
	client_start 3
refused 3 "another CA" "Certificate refused: the certificate is not issued by a trusted CA" \
	"CN=alice.*not issued by a trusted CA"

CLIENT_USER=mallory CLIENT_PASS='' CLIENT_CERT=$PKI_DIR/mallory.pem \
	CLIENT_KEY=$PKI_DIR/mallory-key.pem client_start 4
refused 4 "revoked" "Certificate refused: the certificate is revoked" \
	"CN=mallory.*the certificate is revoked"

gateway_stop

# --- a certificate-only gateway: no password file anywhere -------------------------------
sed -i 's/^auth = "plain\[.*\]"$/auth = "certificate"/' "$GW_CONF"
sed -i 's/^auth = "certificate+plain"$/auth = "certificate"/' "$GW_DIR/config-per-group/sales"
refute_grep "$GW_CONF" "passwd" "the certificate-only config"
gateway_start
GLOG=$(log_of gateway)
CLIENT_PASS='' CLIENT_CERT=$PKI_DIR/alice.pem CLIENT_KEY=$PKI_DIR/alice-key.pem client_start 0
wait_tunnel 0 20 || fail "alice on a certificate-only gateway: no tunnel"
client_stop 0
gateway_stop
refute_grep "$GLOG" "\(null\)|could not open|^error:" "the certificate-only gateway's log"
assert_grep "$GLOG" "no password file \(certificate logins only\)"
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "certificate logins (alone and with a password) work; missing, foreign and revoked certificates are refused"
exit 0
