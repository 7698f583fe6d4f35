#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate's built-in network setup (--net-setup=builtin) against sslgated
# (or, with SSLGATE_GATEWAY_BIN, another gateway): no vpnc-script runs, yet
# the tun gets the pushed address (a /32, as vpnc-script makes it), MTU,
# the netmask and split-include routes, a host route keeping the gateway
# off the tunnel, and the pushed DNS server and domain in the namespace's
# resolv.conf; the lan host answers through the tunnel. A reconnect keeps
# it all. After SIGTERM and after SIGINT the routes of both families and
# resolv.conf are exactly as before, byte for byte. Last, a gateway that
# pushes no route: the client routes everything into the tunnel (in front
# of the namespace's own default route, which comes back untouched).

# shellcheck source-path=SCRIPTDIR/../lib
set -u
GATEWAY_KIND=sslgated
CLIENT_SETUP=builtin
# No session runs a vpnc-script.
REQUIRE_VPNC_SCRIPT=0
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping
cli_resolv=/etc/netns/$NS_CLI/resolv.conf
TUN=$(client_ifname 0)

# Everything the client may change, as the test sees it from outside.
system_state() {
	in_ns "$NS_CLI" ip -4 route show table all
	in_ns "$NS_CLI" ip -6 route show table all
	in_ns "$NS_CLI" ip -o addr show
}

# jq-free reading of ip -j: python3 prints what the expression yields.
ipj() {
	local expr=$1
	shift
	in_ns "$NS_CLI" ip -j "$@" | python3 -c "import json, sys; d = json.load(sys.stdin); print($expr)"
}

# pushed_mtu: the X-CSTP-MTU the client logged from the CONNECT answer.
pushed_mtu() {
	sed -n 's/.*CONNECT: tun .* MTU \([0-9]*\),.*/\1/p' "$(log_of client0)" | tail -n1
}

# check_configured TAG: what the gateway pushed is what the system has.
check_configured() {
	local tag=$1 addr routes
	wait_tunnel 0 20 || fail "$tag: no tunnel"
	addr=$TUNNEL_ADDR
	assert_match "$addr" '^198\.19\.10\.[0-9]+$' "$tag: address from the pool"
	assert_eq "$addr/32" "$(ipj '[a["local"] + "/" + str(a["prefixlen"]) for a in d[0]["addr_info"] if a["family"] == "inet"][0]' addr show dev "$TUN")" "$tag: address as a /32"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$tag: no ping reply through the tunnel"
	assert_eq "$(pushed_mtu)" "$(ipj 'd[0]["mtu"]' link show dev "$TUN")" "$tag: tun MTU"
	routes=$(ipj '" ".join(sorted(r["dst"] + ":" + str(r["protocol"]) for r in d))' -4 route show dev "$TUN")
	assert_eq "$NET_LAN:85 $POOL_CIDR:85" "$routes" "$tag: routes through the tun (split-include, netmask)"
	assert_eq "$ADDR_GW" "$(ipj 'd[0]["dst"]' -4 route show proto 85 dev eth0)" "$tag: gateway host route"
	assert_grep "$cli_resolv" "^nameserver $ADDR_LAN\$" "$tag: DNS"
	assert_grep "$cli_resolv" '^search (old.test )?sslgate.test$' "$tag: default domain"
	assert_grep "$cli_resolv" '^# sslgate test namespace' "$tag: the old lines stay"
	refute_grep "$(log_of client0)" 'vpnc-script' "$tag: no script ran"
}

# stop_with SIG TAG: the client ends on SIG with status 0 and leaves nothing.
stop_with() {
	local sig=$1 tag=$2 pid
	pid=$(pid_of client0)
	kill "-$sig" "$pid"
	wait_exit client0 10 || fail "$tag: client did not exit after SIG$sig"
	assert_eq 0 "$EXIT_CODE" "$tag: exit status after SIG$sig"
	refute in_ns "$NS_CLI" ip link show dev "$TUN" 2>/dev/null
	assert_eq "$before" "$(system_state)" "$tag: routes and addresses after SIG$sig"
	cmp -s "$SG_SCRATCH/resolv.before" "$cli_resolv" || fail "$tag: resolv.conf not restored byte for byte"
	[ ! -e "/run/sslgate/resolv.conf-backup.$pid" ] || fail "$tag: the resolv.conf backup is left"
	refute ping_ok "$NS_CLI" "$ADDR_LAN"
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
gateway_start
# A resolv.conf with more than the harness's one line: kept lines, old search.
printf '# sslgate test namespace, no final newline\nsearch old.test\noptions ndots:1' >"$cli_resolv"
cp "$cli_resolv" "$SG_SCRATCH/resolv.before"
# eth0's IPv6 link-local address settles (duplicate detection) before the snapshot
# shellcheck disable=SC2317 # called through wait_until
_settled() { ! in_ns "$NS_CLI" ip -6 addr show | grep -q tentative; }
wait_until 5 _settled || log "eth0's link-local address still tentative"
before=$(system_state)

# DTLS session: configured, then the TLS connection is cut from the client's
# side; it reconnects with the same settings and everything stays.
client_start 0 --reconnect-timeout 30
check_configured dtls
assert_grep "$cli_resolv" '^search old.test sslgate.test$' "dtls: old search domain first"
in_ns "$NS_CLI" ss -K dst "$ADDR_GW" dport = "$GW_PORT" >/dev/null 2>&1 ||
	fail "cannot cut the TLS connection (ss -K)"
client_wait_log 0 'reconnected to .* with the same session cookie' 30 || fail "no reconnect"
check_configured reconnect
stop_with TERM dtls

# TLS only, ended by Ctrl-C.
CLIENT_NO_DTLS=1 client_start 0
check_configured tls
stop_with INT tls

# No route pushed: the default route goes into the tunnel, the gateway stays outside.
gateway_stop
sed -i '/^route = /d' "$GW_CONF" "$GW_DIR"/config-per-group/*
gateway_start
client_start 0
wait_tunnel 0 20 || fail "full tunnel: no tunnel"
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "full tunnel: no ping reply"
assert_eq "$TUN" "$(ipj 'd[0]["dev"]' -4 route show default)" "full tunnel: first default route"
assert_eq "eth0" "$(ipj 'd[0]["dev"]' -4 route get "$ADDR_GW")" "full tunnel: the gateway's path"
stop_with TERM full-tunnel

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "the built-in setup configures what the gateway pushed and undoes all of it"
exit 0
