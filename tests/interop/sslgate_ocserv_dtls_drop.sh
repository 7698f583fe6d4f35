#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate when UDP to the gateway is dropped in mid-session (issue 5, "Done
# when", fourth item): with DTLS up and DPD at GW_DPD seconds, the block
# makes the client's DTLS DPD fail; ping works again over TLS within the
# DPD interval plus a margin, the session is never reconnected, and once
# UDP is let through again the next hello of the new attempt brings DTLS
# back: a transfer then goes over UDP again. Run for PSK-NEGOTIATE and for
# Cisco DTLS 1.2 resumption (a resumed session resumed once more), and once
# more with ocserv's default DPD of 30 s: the pings going out with nothing
# coming back make the client probe at once, and its unanswered DPD request,
# not the DPD interval, ends the DTLS channel.
# SSLGATE_GATEWAY_BIN runs it against sslgated.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping sha256sum

GW_DPD=4
MARGIN=4          # the client's 2 s grace, the first TLS round trip, the ping's own wait
PAYLOAD=$SG_SCRATCH/payload
PAYLOAD_BYTES=262144
sha() { sha256sum "$1" | cut -d' ' -f1; }

upload() {
	local tag=$1
	lan_tcp_sink "sink-$tag" 5001 "$SG_SCRATCH/up-$tag"
	tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$PAYLOAD" || fail "$tag: upload failed"
	wait_exit "sink-$tag" 10 || fail "$tag: lan sink did not finish"
	assert_eq "$(sha "$PAYLOAD")" "$(sha "$SG_SCRATCH/up-$tag")" "$tag: sha256 of the upload"
}

_dtls_ups() {
	[ "$(grep -c 'phase TUNNEL -> DTLS_UP' "$1")" -ge "$2" ]
}

# drop TAG DTLS_PSK [DPD WHY]: one session, UDP cut and restored; WHY (an
# ERE) is in the client's line about the dead channel.
drop() {
	local tag=$1 psk=$2 GW_DPD=${3:-$GW_DPD} why=${4:-DTLS: dead peer detected on DTLS}
	local log0 t0 t1 took before after
	GW_DPD=$GW_DPD GW_DTLS_PSK=$psk ocserv_write_conf
	gateway_start
	client_start 0
	log0=$(log_of client0)
	wait_tunnel 0 20 || fail "$tag: no tunnel"
	wait_until 15 grep -Eq 'DTLS: connected|answered without DTLS' "$log0"
	if grep -q 'the gateway answered without DTLS' "$log0"; then
		skip "gateway DTLS not available: $(basename "$GATEWAY_BIN")'s CONNECT answer has no X-DTLS-* headers"
	fi
	assert_grep "$log0" 'phase TUNNEL -> DTLS_UP' "$tag: client log"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$tag: no ping over DTLS"

	netns_block_udp
	t0=$(date +%s.%N)
	wait_until $((GW_DPD + MARGIN + 2)) ping_ok "$NS_CLI" "$ADDR_LAN" ||
		fail "$tag: no ping within $((GW_DPD + MARGIN + 2)) s of the UDP cut"
	t1=$(date +%s.%N)
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	log "$tag: ping answered again $took s after the UDP cut (DPD $GW_DPD s)"
	awk -v d="$took" -v m=$((GW_DPD + MARGIN)) 'BEGIN { exit !(d <= m) }' ||
		fail "$tag: TLS took over after $took s, more than DPD $GW_DPD + $MARGIN s"
	assert_grep "$log0" "$why" "$tag: client log"
	assert_grep "$log0" 'phase DTLS_UP -> TUNNEL' "$tag: client log"
	upload "$tag-tls"

	netns_unblock_udp
	wait_until 25 _dtls_ups "$log0" 2 || fail "$tag: DTLS did not come back after UDP was restored"
	before=$(netns_udp_packets)
	upload "$tag-dtls"
	after=$(netns_udp_packets)
	log "$tag: $((after - before)) datagrams for the upload after DTLS came back"
	[ $((after - before)) -ge $((PAYLOAD_BYTES / 1500)) ] || fail "$tag: the upload did not go over DTLS"
	refute_grep "$log0" 'phase .* -> RECONNECT' "$tag: client log"
	assert_eq 1 "$(grep -c 'phase GROUP -> AUTH' "$log0")" "$tag: logins"
	client_stop 0
	cp "$log0" "$SG_SCRATCH/client-$tag.log"
	gateway_stop
}

netns_up
pki_make
head -c "$PAYLOAD_BYTES" /dev/urandom >"$PAYLOAD"
drop psk true
drop dtls12 false
drop quiet true 30 'DTLS: dead peer detected on DTLS .data went out, DPD unanswered.'
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "UDP cut in mid-session: data on TLS within DPD + $MARGIN s, back on DTLS after UDP returned"
exit 0
