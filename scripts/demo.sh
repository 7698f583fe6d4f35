#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The demo: a gateway and a client in three network namespaces (the tests'
# topology), a session through the tunnel to a host behind the gateway, a
# file moved both ways with its checksum, the gateway's session list, and
# everything removed again. Run as root:  ./scripts/demo.sh [BUILDDIR]
#
# It runs sslgated and sslgate from BUILDDIR (default build/) when they are
# built; until then, or with DEMO_PEERS=reference, Debian's ocserv and
# openconnect stand in (they read the same config and take the same options).
# GATEWAY_BIN / CLIENT_BIN override either. DEMO_PAUSE=1 waits for Enter
# (at most 10 minutes) before tearing down, to look around.
set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" 2>/dev/null && pwd) || BUILD=${1:-$SRC/build}
export SSLGATE_SRC=$SRC SSLGATE_BUILD=$BUILD
: "${DEMO_PEERS:=ours}"
: "${DEMO_PAUSE:=0}"
[ "$DEMO_PAUSE" = 1 ] && export SG_TEST_TIMEOUT=900

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi

# pick VAR OURS REFERENCE: our program when built (and wanted), else the peer.
pick() {
	local var=$1 ours=$2 ref=$3
	[ -n "${!var:-}" ] && return
	if [ "$DEMO_PEERS" != reference ] && [ -x "$ours" ]; then
		printf -v "$var" %s "$ours"
	else
		printf -v "$var" %s "$ref"
	fi
}
pick GATEWAY_BIN "$BUILD/gateway/sslgated" /usr/sbin/ocserv
pick CLIENT_BIN "$BUILD/client/sslgate" /usr/sbin/openconnect
if [ "$GATEWAY_BIN" = "$BUILD/gateway/sslgated" ] && [ -x "$BUILD/ctl/sslgatectl" ]; then
	GATEWAY_CTL_BIN=$BUILD/ctl/sslgatectl
fi

. "$SRC/tests/lib/ocserv.sh"
. "$SRC/tests/lib/openconnect.sh"

step() {
	printf '\n== %s\n' "$*"
}
sha() {
	sha256sum "$1" | cut -d' ' -f1
}

step "gateway: $GATEWAY_BIN"
echo "   client:  $CLIENT_BIN"
netns_up 2>/dev/null
cat <<-EOF
	   $NS_CLI  $ADDR_CLI  --  $ADDR_GW  $NS_GW  $ADDR_GW_LAN  --  $ADDR_LAN  $NS_LAN
	   the client has no way to the lan host but the tunnel (pool $POOL_CIDR)
EOF
if ping_ok "$NS_CLI" "$ADDR_LAN"; then
	fail "the lan host answers without a tunnel"
fi
echo "   ping $ADDR_LAN from the client: no answer, as it should be"

step "certificates and $GW_CONF"
pki_make 2>/dev/null
ocserv_write_conf
echo "   server pin $SERVER_PIN"
gateway_start 2>/dev/null

step "client connects as $TEST_USER to $GW_URL (group engineering)"
client_start 0 2>/dev/null
wait_tunnel 0 20 2>/dev/null || fail "no tunnel"
echo "   tunnel $(client_ifname 0) has $TUNNEL_ADDR; routes in the client namespace:"
in_ns "$NS_CLI" ip route | sed 's/^/     /'

step "through the tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no ping reply through the tunnel"
echo "   ping $ADDR_LAN: answered"
head -c 8388608 /dev/urandom >"$SG_SCRATCH/payload"
lan_tcp_sink sink 5001 "$SG_SCRATCH/received" 2>/dev/null
t0=${EPOCHREALTIME/./}
tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$SG_SCRATCH/payload" || fail "upload failed"
wait_exit sink 20 || fail "the lan host did not receive everything"
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
[ "$(sha "$SG_SCRATCH/payload")" = "$(sha "$SG_SCRATCH/received")" ] || fail "checksum mismatch"
echo "   8 MiB to the lan host in ${ms} ms, sha256 matches"
echo "   datagrams the gateway received on UDP $GW_PORT: $(netns_udp_packets) (DTLS when > 0)"

step "sessions on the gateway"
gateway_ctl show users 2>&1 | sed 's/^/   /'

if [ "$DEMO_PAUSE" = 1 ]; then
	step "look around, e.g.: ip netns exec $NS_CLI ping $ADDR_LAN   (Enter to finish)"
	read -r -t 600 || true
fi

step "teardown"
client_stop 0 2>/dev/null
gateway_stop 2>/dev/null
netns_down 2>/dev/null
if leftovers=$(netns_leftovers); then
	echo "   nothing left behind"
else
	fail "left behind: $leftovers"
fi
