#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate with several client identities (PROTOCOL.md §1.3): given three
# certificates from three CAs, it sends the one the gateway's
# CertificateRequest asks for: Debian's ocserv (enable-auth = certificate,
# trusting other-ca) gets "stranger" (CN=alice), sslgated (trusting third-ca)
# gets carol, which logs in to a group that needs a certificate. With none
# the gateway accepts, sslgate names the CAs asked for and what it had, and
# shows the gateway's refusal after <client-cert-request/>. Then sslgate logs in with carol's key held in SoftHSM,
# through a pkcs11: URL and --key-password.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
OCSERV_BIN=${SSLGATE_GATEWAY_BIN:-/usr/sbin/ocserv}
SSLGATED_BIN=$SSLGATE_BUILD/gateway/sslgated
GW_DTLS=0 GW_CERT_AUTH=0
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
CLIENT_BIN=$SSLGATE_BUILD/client/sslgate
require_root
require_cmd ip iptables ss certtool openssl ocpasswd "$OCSERV_BIN"
[ -x "$CLIENT_BIN" ] || skip "sslgate is not built ($CLIENT_BIN)"
[ -x "$SSLGATED_BIN" ] || skip "sslgated is not built ($SSLGATED_BIN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

export HOME=$SG_SCRATCH/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"

# run NAME ARGS...: sslgate in NS_CLI, non-interactive, no password.
run() {
	local name=$1
	shift
	: >"$SG_SCRATCH/$name.in"
	spawn_in_ns --stdin "$SG_SCRATCH/$name.in" "$NS_CLI" "$name" "$CLIENT_BIN" \
		--servercert "$SERVER_PIN" -i sgc0 -s "$SG_LIB/vpnc-script-noroute.sh" -vv \
		--non-inter --authgroup engineering "$@" "$GW_URL"
}

# tunnel NAME: the session came up; then stop it.
tunnel() {
	wait_until 20 grep -q 'phase CONNECT -> TUNNEL' "$(log_of "$1")" ||
		fail "$1: no tunnel"
	stop_proc "$1" 10
}

# gateway CA BIN [GROUP-AUTH]: (re)start BIN trusting CA for client
# certificates; GROUP-AUTH: the engineering group's own auth line (sslgated).
gateway() {
	GATEWAY_BIN=$2
	GW_EXTRA_CONF=$(printf '%s\n' 'enable-auth = "certificate"' "ca-cert = $PKI_DIR/$1.pem" \
		"cert-user-oid = 2.5.4.3")
	ocserv_write_conf
	[ -n "${3:-}" ] && echo "auth = \"$3\"" >>"$GW_DIR/config-per-group/engineering"
	gateway_start
	GLOG=$(log_of gateway)
}

netns_up
pki_make
pki_make_third
THREE=(-c "$PKI_DIR/alice.pem" -k "$PKI_DIR/alice-key.pem"
	-c "$PKI_DIR/stranger.pem" -k "$PKI_DIR/stranger-key.pem"
	-c "$PKI_DIR/carol.pem" -k "$PKI_DIR/carol-key.pem")

# --- ocserv trusts other-ca: the stranger certificate goes --------------------------
gateway other-ca "$OCSERV_BIN"
run to_ocserv "${THREE[@]}"
tunnel to_ocserv
assert_grep "$(log_of to_ocserv)" "sent the client certificate $PKI_DIR/stranger.pem" \
	"to ocserv: the identity sent"
wait_until 5 grep -q "auth complete (with cert).*user 'alice'" "$GLOG" ||
	fail "ocserv did not log a certificate login of alice"
gateway_stop

# --- sslgated trusts third-ca and engineering needs a certificate: carol's goes ------
gateway third-ca "$SSLGATED_BIN" certificate
run to_sslgated "${THREE[@]}"
tunnel to_sslgated
assert_grep "$(log_of to_sslgated)" "sent the client certificate $PKI_DIR/carol.pem" \
	"to sslgated: the identity sent"
wait_until 5 grep -q "certificate login: user 'carol'" "$GLOG" ||
	fail "sslgated did not log carol's certificate login"

# --- none of them chains to what the gateway asks for ---------------------------------
run none -c "$PKI_DIR/alice.pem" -k "$PKI_DIR/alice-key.pem" \
	-c "$PKI_DIR/stranger.pem" -k "$PKI_DIR/stranger-key.pem"
wait_exit none 20 || fail "none: still running"
assert_ne 0 "$EXIT_CODE" "none: exit status"
assert_grep "$(log_of none)" "it asked for: CN=third test CA" "none: the CAs asked for"
assert_grep "$(log_of none)" "$PKI_DIR/stranger.pem \\(issued by CN=unrelated test CA" \
	"none: the identities available"
# the gateway asked in XML too (§4.6), heard <client-cert-fail/>, and said why
assert_grep "$(log_of none)" "Certificate refused: this login needs a client certificate" \
	"none: the gateway's message"
wait_until 5 grep -q "needs a client certificate and none was presented" "$GLOG" ||
	fail "sslgated did not log the login without a certificate"

# --- the key in a SoftHSM token --------------------------------------------------------
if command -v softhsm2-util >/dev/null && command -v p11tool >/dev/null; then
	pki_softhsm "$SG_SCRATCH/softhsm" carol 4321
	run hsm -c "pkcs11:token=sslgate;object=carol" --key-password 4321
	tunnel hsm
	assert_grep "$(log_of hsm)" "sent the client certificate pkcs11:token=sslgate;object=carol" \
		"hsm: the identity sent"
else
	log "softhsm2-util or p11tool missing: the PKCS#11 part is not run"
fi

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "sslgate picks the identity each gateway's CA list asks for, says why when none fits, and signs with a SoftHSM key"
exit 0
