#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate's DTLS against Debian's ocserv (issue 5, "Done when", second
# item), one session per mode:
#   psk       dtls-psk = true: PSK-NEGOTIATE, key exported from the TLS session
#   dtls12    dtls-psk = false: Cisco DTLS 1.2 resumption (X-DTLS12-CipherSuite)
#   legacy09  dtls-psk = false, --dtls-ciphers AES256-SHA: Cisco's DTLS 0.9
# Each: the tunnel comes up over TLS, DTLS follows (the -v log shows the
# phase change and the cipher), a 1 MiB upload and download over the tunnel
# arrive intact, and the gateway's UDP port counts at least the upload's
# datagrams: the data went over DTLS, whatever either peer's log says.
# SSLGATE_GATEWAY_BIN runs it against sslgated
# (tests/integration/sslgate_sslgated_dtls.sh).

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping sha256sum

PAYLOAD=$SG_SCRATCH/payload
PAYLOAD_BYTES=1048576
sha() { sha256sum "$1" | cut -d' ' -f1; }

transfer() {
	local tag=$1 want
	want=$(sha "$PAYLOAD")
	lan_tcp_sink "sink-$tag" 5001 "$SG_SCRATCH/up-$tag"
	tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$PAYLOAD" || fail "$tag: upload failed"
	wait_exit "sink-$tag" 10 || fail "$tag: lan sink did not finish"
	assert_eq "$want" "$(sha "$SG_SCRATCH/up-$tag")" "$tag: sha256 of the upload"
	lan_tcp_source "source-$tag" 5002 "$PAYLOAD"
	tcp_recv "$NS_CLI" "$ADDR_LAN" 5002 "$SG_SCRATCH/down-$tag" || fail "$tag: download failed"
	assert_eq "$want" "$(sha "$SG_SCRATCH/down-$tag")" "$tag: sha256 of the download"
}

# A gateway that answers CONNECT without X-DTLS-* has no DTLS to test.
no_dtls_skip() {
	if grep -q 'the gateway answered without DTLS' "$1"; then
		skip "gateway DTLS not available: $(basename "$GATEWAY_BIN")'s CONNECT answer has no X-DTLS-* headers"
	fi
}

# mode TAG DTLS_PSK CIPHER_ERE [CLIENT ARGS...]: one session in one DTLS mode.
mode() {
	local tag=$1 psk=$2 want=$3 log0 mtu before after need
	shift 3
	GW_DTLS_PSK=$psk ocserv_write_conf
	gateway_start
	client_start 0 "$@"
	log0=$(log_of client0)
	wait_tunnel 0 20 || fail "$tag: no tunnel"
	wait_until 15 grep -Eq 'DTLS: connected|answered without DTLS' "$log0"
	no_dtls_skip "$log0"
	assert_grep "$log0" 'phase TUNNEL -> DTLS_UP' "$tag: client log"
	assert_grep "$log0" "DTLS: connected \\($want" "$tag: DTLS mode and cipher"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$tag: no ping reply over DTLS"
	mtu=$(in_ns "$NS_CLI" cat "/sys/class/net/$(client_ifname 0)/mtu")
	assert_grep "$log0" "DTLS: connected .* tunnel MTU $mtu\$" "$tag: tun MTU is the DTLS MTU"
	before=$(netns_udp_packets)
	transfer "$tag"
	after=$(netns_udp_packets)
	need=$((PAYLOAD_BYTES / mtu))
	log "$tag: $((after - before)) datagrams to the gateway's UDP port (upload needs >= $need)"
	[ $((after - before)) -ge "$need" ] || fail "$tag: the upload did not go over DTLS"
	refute_grep "$log0" 'DTLS: .*(lost|dead|failed|no answer)' "$tag: client log"
	client_stop 0
	cp "$log0" "$SG_SCRATCH/client-$tag.log"
	gateway_stop
}

netns_up
pki_make
head -c "$PAYLOAD_BYTES" /dev/urandom >"$PAYLOAD"

mode psk true 'psk mode, \(DTLS1\.2\)-\(PSK\)-'
mode dtls12 false 'resume mode, \(DTLS1\.2\)-'
mode legacy09 false 'resume mode, \(DTLS0\.9\)-.*\(AES-256-CBC\)' --dtls-ciphers AES256-SHA

netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "sslgate carries data over DTLS with $(basename "$GATEWAY_BIN") in PSK, DTLS 1.2 and DTLS 0.9 modes"
exit 0
