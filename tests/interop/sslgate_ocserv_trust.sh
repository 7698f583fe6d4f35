#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Server trust (issue 4, item 1) against Debian's ocserv, whose certificate
# comes from the test CA that the system store does not hold:
#  - without a pin or --cafile the certificate is refused, and the message
#    names its pin-sha256 so the user can pin it;
#  - a pin of another key is refused; the certificate's SHA-1 (the legacy
#    form) and --cafile with the test CA are accepted;
#  - answering "yes" at the prompt stores the key in the preferences
#    directory, and the next, non-interactive, connection warns and goes on.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping

PINS=$HOME/.config/sslgate/servers/gw.sslgate.test_443

# run NAME STDIN-TEXT ARGS...: sslgate in the client namespace with the
# password (and whatever else) on stdin; the tunnel goes to sgc0.
run() {
	local name=$1 input=$2
	shift 2
	printf '%s' "$input" >"$SG_SCRATCH/$name.in"
	spawn_in_ns --stdin "$SG_SCRATCH/$name.in" "$NS_CLI" "$name" "$CLIENT_BIN" \
		--passwd-on-stdin -u "$TEST_USER" --authgroup engineering -i sgc0 \
		-s "$SG_LIB/vpnc-script-noroute.sh" -v "$@" "$GW_URL"
}

# refused NAME ERE: the client ended on its own, non-zero, without a tunnel, saying ERE.
refused() {
	wait_exit "$1" 20 || fail "$1: still running"
	assert_ne 0 "$EXIT_CODE" "$1: exit status"
	assert_grep "$(log_of "$1")" "$2" "$1: log"
	refute_grep "$(log_of "$1")" 'phase TLS -> GROUP' "$1: log"
}

_has_addr() {
	in_ns "$NS_CLI" ip -4 -o addr show dev sgc0 2>/dev/null | grep -q inet
}

# accepted NAME: the tunnel came up; stop it.
accepted() {
	wait_until 20 _has_addr ||
		fail "$1: no tunnel"
	stop_proc "$1" 10
	wait_until 5 _tun_gone 0
}

netns_up
pki_make
gateway_start
pin=${SERVER_PIN//+/\\+}

run untrusted "$TEST_PASS"$'\n' --non-inter
refused untrusted "verify failed"
assert_grep "$(log_of untrusted)" "add --servercert $pin" "untrusted: the pin is named"

run wrong-pin "$TEST_PASS"$'\n' --non-inter --servercert "$(pki_pin "$PKI_DIR/other-ca.pem")"
refused wrong-pin "does not match --servercert; its key is $pin"

sha1=$(openssl x509 -in "$PKI_DIR/server.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
run sha1-pin "$TEST_PASS"$'\n' --non-inter --servercert "$sha1"
accepted sha1-pin

run cafile "$TEST_PASS"$'\n' --non-inter --cafile "$PKI_DIR/ca.pem"
accepted cafile
refute_grep "$(log_of cafile)" 'not trusted' "cafile: log"

[ -e "$PINS" ] && fail "a pin was stored before anyone accepted one"
run said-no "$TEST_PASS"$'\n'"no"$'\n'
refused said-no "verify failed"
[ -e "$PINS" ] && fail "a refused key was stored"

run said-yes "$TEST_PASS"$'\n'"yes"$'\n'
accepted said-yes
assert_grep "$(log_of said-yes)" "Enter 'yes' to accept" "said-yes: the question"
assert_grep "$PINS" "^$pin\$" "stored pins"

run remembered "$TEST_PASS"$'\n' --non-inter
accepted remembered
assert_grep "$(log_of remembered)" "warning: .*not trusted.*you accepted $pin before" "remembered: warning"

# An explicit pin still wins over what was remembered.
run pin-wins "$TEST_PASS"$'\n' --non-inter --servercert "$(pki_pin "$PKI_DIR/other-ca.pem")"
refused pin-wins "does not match --servercert"

gateway_stop
netns_down
log "untrusted and wrongly pinned servers are refused; an accepted key warns every time"
exit 0
