#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate with UDP to the gateway dropped from the start (issue 5, "Done
# when", third item; PROTOCOL.md §8.7): the tunnel comes up over TLS, the
# DTLS ClientHellos leave at about 0, 1, 3, 7, 15 and 31 s (timed from the
# client's own packets, captured in its namespace), then the adapter gets
# X-CSTP-MTU, the vpnc-script hears a reconnect (no new TLS handshake, no
# login), and ping and a TCP transfer work over TLS.
# SSLGATE_GATEWAY_BIN runs it against sslgated.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping sha256sum tcpdump awk

PAYLOAD=$SG_SCRATCH/payload
CAPTURE=$SG_SCRATCH/hellos.txt
WANT_AT=(0 1 3 7 15 31)   # seconds after the first hello
SLACK=0.6                 # timers, scheduling and capture, per hello
sha() { sha256sum "$1" | cut -d' ' -f1; }

netns_up
pki_make
head -c 262144 /dev/urandom >"$PAYLOAD"
GW_DTLS_PSK=true ocserv_write_conf
gateway_start
netns_block_udp

# Only the client's datagrams to the gateway's port: the hellos.
spawn_in_ns "$NS_CLI" capture tcpdump -i eth0 -n -l -tt -U "udp and dst host $ADDR_GW and dst port $GW_PORT"
CAPLOG=$(log_of capture)
wait_until 5 grep -q 'listening on' "$CAPLOG" || fail "tcpdump did not start"

client_start 0
log0=$(log_of client0)
wait_tunnel 0 20 || fail "no tunnel over TLS while UDP is blocked"
wait_until 5 grep -Eq 'DTLS: attempt 1|answered without DTLS' "$log0"
if grep -q 'the gateway answered without DTLS' "$log0"; then
	skip "gateway DTLS not available: $(basename "$GATEWAY_BIN")'s CONNECT answer has no X-DTLS-* headers"
fi
# TLS carries the data while DTLS tries.
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "no ping over TLS during the DTLS attempt"

wait_until 45 grep -q 'DTLS: no answer to the DTLS handshake' "$log0" ||
	fail "the client did not give DTLS up within 45 s"
stop_proc capture 5
grep -E '^[0-9]+\.[0-9]+ IP ' "$CAPLOG" | awk '{ print $1 }' >"$CAPTURE"
n=$(wc -l <"$CAPTURE")
log "hellos at (s after the first): $(awk 'NR == 1 { t0 = $1 } { printf "%.2f ", $1 - t0 }' "$CAPTURE")"
assert_eq "${#WANT_AT[@]}" "$n" "ClientHellos sent in the attempt"
i=0
while read -r t; do
	[ "$i" = 0 ] && t0=$t
	awk -v t="$t" -v t0="$t0" -v want="${WANT_AT[$i]}" -v slack="$SLACK" \
		'BEGIN { d = t - t0 - want; exit !(d < slack && d > -slack) }' ||
		fail "hello $((i + 1)) at $(awk -v t="$t" -v t0="$t0" 'BEGIN { print t - t0 }') s, want ${WANT_AT[$i]} s"
	i=$((i + 1))
done <"$CAPTURE"

# Then the TLS figure on the adapter, shown as a reconnect; no new login.
cstp_mtu=$(sed -nE 's/.*CONNECT: tun .*, MTU ([0-9]+),.*/\1/p' "$log0" | head -n1)
[ -n "$cstp_mtu" ] || fail "no CONNECT line with the MTU in the client log"
wait_until 5 grep -q "reconnect: tun $(client_ifname 0) MTU $cstp_mtu for data over TLS" "$log0" ||
	fail "no reconnect line for the TLS MTU"
assert_eq "$cstp_mtu" "$(in_ns "$NS_CLI" cat "/sys/class/net/$(client_ifname 0)/mtu")" "tun MTU = X-CSTP-MTU"
assert_grep "$log0" 'vpnc-script: reason=reconnect' "client log"
assert_eq 1 "$(grep -c 'phase RESOLVE -> TLS' "$log0")" "TLS handshakes"
assert_eq 1 "$(grep -c 'phase GROUP -> AUTH' "$log0")" "logins"
refute_grep "$log0" 'phase .* -> DTLS_UP' "client log"

wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "no ping over TLS after the fallback"
lan_tcp_sink sink 5001 "$SG_SCRATCH/up"
tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$PAYLOAD" || fail "upload over TLS failed"
wait_exit sink 10 || fail "lan sink did not finish"
assert_eq "$(sha "$PAYLOAD")" "$(sha "$SG_SCRATCH/up")" "sha256 of the upload over TLS"
assert_eq 0 "$(netns_udp_packets)" "datagrams past the block"

client_stop 0
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "UDP blocked: hellos at 0, 1, 3, 7, 15, 31 s, then X-CSTP-MTU and data over TLS"
exit 0
