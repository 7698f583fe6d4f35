#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The harness's acceptance test: Debian's openconnect against Debian's ocserv,
# through tests/lib, with none of our programs involved. If this fails, the
# machine or the harness is broken, not sslgate. Three sessions in turn:
# TLS only, DTLS with PSK-NEGOTIATE, and legacy Cisco DTLS. Each must get a
# pool address, ping the lan host through the tunnel and move a file both
# ways with matching SHA-256; the gateway's UDP counter tells which transport
# carried it, without trusting either peer's log.

set -u
GATEWAY_BIN=/usr/sbin/ocserv
CLIENT_BIN=/usr/sbin/openconnect
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/ocserv.sh"
# shellcheck source=tests/lib/openconnect.sh
. "$SG_LIB/openconnect.sh"
require_root
require_cmd ip iptables ping ss python3 certtool openssl sha256sum "$GATEWAY_BIN" \
	ocpasswd occtl "$CLIENT_BIN"
[ -x "$VPNC_SCRIPT" ] || skip "missing $VPNC_SCRIPT (vpnc-scripts)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

PAYLOAD=$SG_SCRATCH/payload
PAYLOAD_BYTES=2097152
sha() { sha256sum "$1" | cut -d' ' -f1; }
host_resolv_before=$(sha /etc/resolv.conf 2>/dev/null)

# transfer TAG: the payload up to the lan host and back down, over whatever
# route the client namespace has to it (the tunnel).
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

# session TAG DTLS(0|1) [CLIENT-ARGS...]: one routed session through the
# tunnel, checked end to end, then stopped.
session() {
	local tag=$1 dtls=$2 udp0 udp1 log0
	shift 2
	udp0=$(netns_udp_packets)
	CLIENT_NO_DTLS=$((!dtls)) client_start 0 "$@"
	log0=$(log_of client0)
	wait_tunnel 0 20 || fail "$tag: no tunnel"
	assert_match "$TUNNEL_ADDR" '^198\.19\.10\.[0-9]+$' "$tag: tunnel address in the pool"
	if ((dtls)); then
		client_wait_log 0 'Established DTLS connection' 10 || fail "$tag: DTLS not established"
	fi
	ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "$tag: no ping reply from the lan host"
	transfer "$tag"
	assert_match "$(gateway_ctl show users)" "$TEST_USER .*$TUNNEL_ADDR" "$tag: occtl show users"
	udp1=$(netns_udp_packets)
	if ((dtls)); then
		# 2 MiB up in ~1.4 kB datagrams; the rest is ACKs for the download.
		((udp1 - udp0 >= 1000)) || fail "$tag: only $((udp1 - udp0)) datagrams to the gateway"
	else
		assert_eq "$udp0" "$udp1" "$tag: datagrams to the gateway with --no-dtls"
		refute_grep "$log0" 'Established DTLS' "$tag: client log"
	fi
	log "$tag: ok ($((udp1 - udp0)) datagrams to the gateway)"
	cp "$log0" "$SG_SCRATCH/client-$tag.log"
	client_stop 0
	refute is_running client0
}

netns_up
pki_make
head -c "$PAYLOAD_BYTES" /dev/urandom >"$PAYLOAD"
refute ping_ok "$NS_CLI" "$ADDR_LAN"

gateway_start
session tls 0
session dtls-psk 1
assert_grep "$SG_SCRATCH/client-dtls-psk.log" 'DTLS connection.*\(PSK\)' "PSK-NEGOTIATE cipher"

# Legacy Cisco DTLS: the gateway stops offering PSK-NEGOTIATE.
gateway_stop
GW_DTLS_PSK=false ocserv_write_conf
gateway_start
session dtls-legacy 1
assert_grep "$SG_SCRATCH/client-dtls-legacy.log" 'X-DTLS12-CipherSuite: ' "legacy DTLS offer"
refute_grep "$SG_SCRATCH/client-dtls-legacy.log" 'DTLS connection.*\(PSK\)' "legacy DTLS cipher"

# Certificate login, no password: the test CA's alice gets in; the revoked
# mallory and alice's namesake from the unrelated CA are turned away.
cert_login() {
	CLIENT_PASS='' CLIENT_NO_DTLS=1 CLIENT_CERT=$PKI_DIR/$1.pem CLIENT_KEY=$PKI_DIR/$1-key.pem \
		client_start 1
}
cert_login alice
wait_tunnel 1 10 || fail "certificate login: no tunnel"
client_stop 1
for who in mallory stranger; do
	cert_login "$who"
	wait_exit client1 10 || fail "$who: client still running"
	assert_ne 0 "$EXIT_CODE" "$who: client exit status"
	refute client_addr 1
done
log "certificate login: alice accepted, mallory and stranger refused"

# After the last session the lan is unreachable again.
refute ping_ok "$NS_CLI" "$ADDR_LAN"
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
assert_eq "$host_resolv_before" "$(sha /etc/resolv.conf 2>/dev/null)" "host /etc/resolv.conf"
log "reference peers interoperate through the harness"
exit 0
