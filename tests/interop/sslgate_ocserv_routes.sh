#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Many pushed routes: the engineering group gets ROUTES_COUNT `route =`
# lines and three `no-route` lines, one X-CSTP-Split-Include/-Exclude header
# each in the CONNECT answer (as an ASA pushing hundreds of split routes
# does). sslgate must connect, and every route must reach the client's
# routing table: through --net-setup=builtin, then through Debian's
# vpnc-script (includes on the tun, excludes via the outside link).
#
# How many: ocserv 1.1.6 has no count bound of its own for `route` (its
# config reader grows the list as lines come; the fixed DEFAULT_CONFIG_ENTRIES
# of 96 stopped applying to routes in 0.10.6), so the bound is the client's:
# 512 header lines per answer (client/conn.h). ocserv's answer here has 29
# other lines, so 470 includes + 3 excludes fit with room to spare. sslgated
# refuses more than 512 route and no-route lines together (what one CONNECT
# answer carries); tests/integration/client_sslgated.sh runs this against it.

set -u
: "${ROUTES_COUNT:=470}"
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping python3

# Route k: a /28 in 198.19.100.0 - 198.19.131.255, clear of the pool.
route_of() {
	echo "198.19.$((100 + $1 / 16)).$(($1 % 16 * 16))/28"
}
NO_ROUTES=(198.19.200.0/24 198.19.201.0/24 198.19.202.0/24)

write_group() {
	local k
	{
		echo "route = $NET_LAN"
		for ((k = 0; k < ROUTES_COUNT - 1; k++)); do
			echo "route = $(route_of "$k")"
		done
		for k in "${NO_ROUTES[@]}"; do
			echo "no-route = $k"
		done
	} >"$GW_DIR/config-per-group/engineering"
}

# The routes the client namespace has, as "dst dev" lines, from ip -j route.
table() {
	in_ns "$NS_CLI" ip -j -4 route show | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["dst"], r.get("dev", ""))'
}

# count_in TABLE DEV LIST...: how many of LIST are in TABLE on DEV.
count_in() {
	local table=$1 dev=$2 n=0 p
	shift 2
	for p in "$@"; do
		grep -qxF "$p $dev" <<<"$table" && n=$((n + 1))
	done
	echo "$n"
}

# _all_routes_in DEV N: DEV has N pushed routes, besides the route to the
# pool's network (the netmask) both setups put there first; waiting for N in
# all let the check run one split route early while the script was still
# adding them, under load.
_all_routes_in() {
	[ "$(in_ns "$NS_CLI" ip -4 route show dev "$1" | wc -l)" -gt "$2" ]
}

# session TAG: connect, wait for the routes, count them, check the lan, stop.
session() {
	local tag=$1 tun t want=() k
	tun=$(client_ifname 0)
	want+=("$NET_LAN")
	for ((k = 0; k < ROUTES_COUNT - 1; k++)); do
		want+=("$(route_of "$k")")
	done
	client_start 0
	wait_tunnel 0 30 || fail "$tag: no tunnel with $ROUTES_COUNT routes pushed"
	# Debian's vpnc-script adds one route per fork of ip: give it time.
	wait_until 60 _all_routes_in "$tun" "$ROUTES_COUNT" || log "$tag: routes still coming"
	t=$(table)
	assert_eq "$ROUTES_COUNT" "$(count_in "$t" "$tun" "${want[@]}")" "$tag: split-include routes on $tun"
	assert_eq "${#NO_ROUTES[@]}" "$(count_in "$t" eth0 "${NO_ROUTES[@]}")" \
		"$tag: split-exclude routes via eth0"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$tag: no ping reply from the lan host"
	assert_grep "$(log_of client0)" 'phase CONNECT -> TUNNEL' "$tag: client log"
	client_stop 0
	t=$(table)
	assert_eq 0 "$(count_in "$t" "$tun" "${want[@]}")" "$tag: routes left after disconnect"
}

netns_up
pki_make
ocserv_write_conf
write_group
gateway_start

CLIENT_SETUP=builtin session builtin
CLIENT_SETUP=script session vpnc-script

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "sslgate took $ROUTES_COUNT split routes and ${#NO_ROUTES[@]} excludes from $(basename "$GATEWAY_BIN")"
exit 0
