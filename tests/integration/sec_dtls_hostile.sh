#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Hostile datagrams against sslgated's DTLS port (docs/security.md rows
# 23-25) while openconnect holds a DTLS session as alice: garbage, a
# truncated hello, hellos for sessions nobody has (PSK and legacy shapes),
# forged epoch-1 records. Checked: silence for each; alice's DTLS session
# not disturbed (no second "Established DTLS" in her log, her pings keep
# crossing UDP); no worker crashed or restarted.
# Then alice's own PSK hello (her X-DTLS-App-ID, which every hello carries
# in clear) once and five times from the probe's address: the gateway may
# start a handshake beside her link, but her link must stay and keep
# carrying her pings, since only a completed handshake (the PSK proves the
# sender) may replace it. A failure is a gap; SG_SEC_LENIENT=1 only logs it.
set -u
GW_DTLS=1 GW_CERT_AUTH=0
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
require_cmd "$PROBE"

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GW_LOG=$(log_of gateway)
parent=$(pid_of gateway)
wait_until 5 test "$(pgrep -P "$parent" | wc -l)" -ge 2 || fail "no gateway children"
CHILDREN_BEFORE=$(pgrep -P "$parent" | sort -n | tr '\n' ' ')

client_start 0
wait_tunnel 0 || fail "openconnect got no tunnel"
client_wait_log 0 'Established DTLS connection' 15 || fail "no DTLS session for alice"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel"
CLOG=$(log_of client0)
APP_ID=$(sed -n 's/.*X-DTLS-App-ID: \([0-9a-fA-F]*\).*/\1/p' "$CLOG" | tail -n 1)
[ -n "$APP_ID" ] || fail "no X-DTLS-App-ID in openconnect's log"

RESULTS=$SG_SCRATCH/results.txt
# probe SCENARIO...: appends its lines to RESULTS
probe() {
	in_ns "$NS_CLI" timeout 60 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
		--ca "$PKI_DIR/ca.pem" --timeout 2000 --dtls-id "$APP_ID" "$@" >>"$RESULTS" 2>&1 ||
		{ cat "$RESULTS" >&2; fail "sg-probe failed"; }
}
watch_log "$RESULTS" results
probe udp-garbage dtls-hello-unknown dtls-hello-unknown-legacy dtls-hello-truncated \
	dtls-appdata-forged
line() { grep -E "^probe scenario=$1 " "$RESULTS" || fail "no line for $1"; }
for s in udp-garbage dtls-hello-unknown dtls-hello-unknown-legacy dtls-hello-truncated \
	dtls-appdata-forged; do
	assert_match "$(line "$s")" 'outcome=(silent|refused) ' "$s"
done
# alice's session, untouched: the same DTLS session carries her pings
UDP_BEFORE=$(netns_udp_packets)
ping_ok "$NS_CLI" "$ADDR_LAN" 5 || fail "alice's tunnel stopped passing traffic"
(( $(netns_udp_packets) >= UDP_BEFORE + 5 )) ||
	fail "alice's pings did not cross UDP ($UDP_BEFORE -> $(netns_udp_packets) datagrams)"
assert_eq 1 "$(grep -c 'Established DTLS connection' "$CLOG")" \
	"DTLS handshakes of alice (a replayed hello must not replace her session)"
refute_grep "$CLOG" 'DTLS Dead Peer Detection detected dead peer' "alice's client log"

# ---- alice's own hello from another address: her link must stay ------------------------
probe dtls-hello-known dtls-hello-replay
line dtls-hello-known >/dev/null
line dtls-hello-replay >/dev/null
UDP_BEFORE=$(netns_udp_packets)
if ! ping_ok "$NS_CLI" "$ADDR_LAN" 5 || (( $(netns_udp_packets) < UDP_BEFORE + 5 )); then
	log "GAP: a replayed DTLS hello naming alice's session cut her DTLS traffic"
	[ "${SG_SEC_LENIENT:-0}" = 1 ] || fail "gap: replayed hello cuts a live DTLS session"
fi
assert_eq 1 "$(grep -c 'Established DTLS connection' "$CLOG")" \
	"DTLS handshakes of alice (her own hello replayed must not replace her session)"
refute_grep "$CLOG" 'DTLS Dead Peer Detection detected dead peer' "alice's client log"
is_running gateway || fail "sslgated died"
assert_eq "$CHILDREN_BEFORE" "$(pgrep -P "$parent" | sort -n | tr '\n' ' ')" \
	"gateway children (a crash would have been restarted with a new PID)"
longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$GW_LOG")
(( longest <= 1024 )) || fail "a gateway log line is $longest bytes long"
client_stop 0
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log (sanitizers)"
exit 0
