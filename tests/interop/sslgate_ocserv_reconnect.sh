#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Losing the network (issue 4, item 5) against Debian's ocserv with a short
# DPD: the outer link is cut for a few seconds; the client notices (DPD),
# keeps the tun device and its configuration, and once the link is back
# reconnects with the same cookie (no new login) and gets the same address;
# traffic flows again. Then, with the link cut for longer than
# --reconnect-timeout, the client gives up and restores the system.

set -u
GW_DPD=3
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping occtl

ipt() { in_ns "$NS_GW" iptables -w 10 "$@"; }
# The cut is on the gateway's outer interface, both ways; the client's own
# interface and routes stay as they are, as when a Wi-Fi link stalls.
cut_link() {
	ipt -I INPUT 1 -i out0 -j DROP
	ipt -I OUTPUT 1 -o out0 -j DROP
	on_exit heal_link
}
heal_link() {
	ipt -D INPUT -i out0 -j DROP 2>/dev/null
	ipt -D OUTPUT -o out0 -j DROP 2>/dev/null
	return 0
}
count() { grep -Ec -- "$2" "$1"; }

netns_up
pki_make
gateway_start

client_start 0 --reconnect-timeout 60
log0=$(log_of client0)
wait_tunnel 0 20 || fail "no tunnel"
addr=$TUNNEL_ADDR
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "no ping before the cut"
logins=$(count "$log0" 'AUTH: POST')

cut_link
client_wait_log 0 'lost the gateway: dead peer detected' 15 || fail "the client did not notice the cut"
sleep 2
heal_link
client_wait_log 0 'reconnected to .* with the same session cookie' 30 || fail "no reconnect"
assert_eq "$addr" "$(client_addr 0)" "address after the reconnect"
assert_eq "$logins" "$(count "$log0" 'AUTH: POST')" "login requests after the reconnect"
assert_grep "$log0" 'phase RECONNECT -> RESOLVE' "client log"
assert_grep "$log0" 'vpnc-script: reason=attempt-reconnect' "client log"
assert_grep "$log0" 'vpnc-script: reason=reconnect' "client log"
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "no ping after the reconnect"
client_stop 0
refute client_addr 0

# A cut longer than the reconnect timeout: the client ends and cleans up.
client_start 0 --reconnect-timeout 4
wait_tunnel 0 20 || fail "no second tunnel"
cut_link
client_wait_log 0 'lost the gateway' 15 || fail "the client did not notice the second cut"
wait_exit client0 30 || fail "the client kept trying past --reconnect-timeout"
assert_ne 0 "$EXIT_CODE" "exit status after giving up"
assert_grep "$(log_of client0)" 'could not reconnect within --reconnect-timeout'
assert_grep "$(log_of client0)" 'vpnc-script: reason=disconnect'
wait_until 5 _tun_gone 0 || fail "tun left behind after giving up"
refute_grep <(in_ns "$NS_CLI" ip -4 route) 'sgc0' "client routes"
heal_link

gateway_stop
netns_down
log "after a cut the tunnel came back with the same cookie and address; past the timeout it ended cleanly"
exit 0
