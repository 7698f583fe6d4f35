#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgated -t: the harness's realistic ocserv.conf (the one ocserv itself
# accepts) loads unchanged, with exactly one warning per setting sslgated
# does not support; a broken file is refused with FILE:LINE for every error;
# the built-in configuration passes without writing anything.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
: "${GATEWAY_BIN:=$SSLGATE_BUILD/gateway/sslgated}"
. "$SSLGATE_SRC/tests/lib/ocserv.sh"
require_root
require_cmd certtool ocpasswd
[ -x "$GATEWAY_BIN" ] || skip "sslgated not built ($GATEWAY_BIN)"

OUT=$SG_SCRATCH/t.out
watch_log "$OUT" "sslgated -t"

# count FILE ERE: lines of FILE matching ERE
count() { grep -Ec -- "$2" "$1"; }

# --- the realistic file ------------------------------------------------------------
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
if command -v ocserv >/dev/null; then
	ocserv -t -c "$GW_CONF" >"$SG_SCRATCH/ocserv-t.out" 2>&1 ||
		fail "the reference ocserv rejects the harness config"
fi
"$GATEWAY_BIN" -t -c "$GW_CONF" >"$OUT" 2>&1 || fail "sslgated -t rejected $GW_CONF"
assert_grep "$OUT" "configuration OK"
refute_grep "$OUT" '^error' "sslgated -t output"
# DTLS is implemented: its settings apply silently (docs/gateway-config.md, "DTLS")
for key in dtls-legacy dtls-psk; do
	assert_eq 0 "$(count "$OUT" "'$key'")" "messages about $key"
done
# settings that are off, or need nothing, are not mentioned
# (the client-certificate settings apply: docs/gateway-config.md, "Client certificates")
for key in rate-limit-ms try-mtu-discovery ping-leases max-ban-score socket-file \
	enable-auth cert-user-oid cert-group-oid crl; do
	assert_eq 0 "$(count "$OUT" "'$key'")" "messages about $key"
done

# --- errors, each with its line -------------------------------------------------------
BAD=$SG_SCRATCH/bad.conf
cat >"$BAD" <<-EOF
	auth = "plain[passwd=$GW_DIR/ocpasswd]"
	auth = "radius[config=/x]"
	tcp-port = https
	a-setting-nobody-knows = 1
	restrict-user-to-ports = "tcp(443)"
	ipv4-network = $POOL_CIDR
EOF
"$GATEWAY_BIN" -t -c "$BAD" >"$OUT" 2>&1 && fail "sslgated -t accepted $BAD"
assert_grep "$OUT" "^error: $BAD:2: auth method 'radius' is not supported"
assert_grep "$OUT" "^error: $BAD:3: 'https' is not a number"
assert_grep "$OUT" "^warning: $BAD:4: unknown setting 'a-setting-nobody-knows'"
assert_grep "$OUT" "^error: $BAD:5: 'restrict-user-to-ports' is not supported"
assert_grep "$OUT" "configuration has errors"

# --- syntax: the reader stops at the line it cannot read --------------------------------
printf 'auth = "plain[passwd=/x]"\nipv4-network = %s\nno equals sign here\n' "$POOL_CIDR" >"$BAD"
"$GATEWAY_BIN" -t -c "$BAD" >"$OUT" 2>&1 && fail "sslgated -t accepted a line without '='"
assert_grep "$OUT" "$BAD:3: "

# --- the built-in configuration ----------------------------------------------------------
had_state=0
[ -e /var/lib/sslgated ] && had_state=1
"$GATEWAY_BIN" -t >"$OUT" 2>&1 || fail "the built-in configuration fails -t"
assert_grep "$OUT" "built-in: configuration OK"
[ "$had_state" = 1 ] || [ ! -e /var/lib/sslgated ] || fail "-t wrote /var/lib/sslgated"

"$GATEWAY_BIN" --help | grep -q -- '-t, --test-config' || fail "--help does not list -t"
assert_match "$("$GATEWAY_BIN" -v)" '^sslgated [0-9]' "sslgated -v"
log "sslgated -t accepts the ocserv.conf, names what it ignores, and points at bad lines"
exit 0
