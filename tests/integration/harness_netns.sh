#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Proves the test harness itself (tests/lib), with no VPN involved: the
# topology isolates the lan host, forwards and masquerades only tunnel
# devices, blocks UDP on demand, serves bulk transfers, makes a PKI the real
# tools accept, writes an ocserv.conf ocserv accepts, and its teardown leaves
# nothing behind and touches nothing it did not start.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/ocserv.sh"
require_root
require_cmd ip iptables ping ss python3 certtool openssl iperf3 sha256sum ocserv ocpasswd

sha() { sha256sum "$1" | cut -d' ' -f1; }
# shellcheck disable=SC2317 # called through assert/refute
verify() { openssl verify -CAfile "$PKI_DIR/ca.pem" "$@" >/dev/null 2>&1; }
# shellcheck disable=SC2317
p12_opens() { openssl pkcs12 -in "$PKI_DIR/alice.p12" -passin "pass:$1" -noout 2>/dev/null; }
nat_packets() {
	in_ns "$NS_GW" iptables -w 10 -t nat -L POSTROUTING -v -x -n |
		awk '/MASQUERADE/ { n += $1 } END { print n + 0 }'
}

# ---- topology ------------------------------------------------------------------
netns_up
for ns in "$NS_CLI" "$NS_GW" "$NS_LAN"; do
	assert_match "$ns" "^${SG_NS_PREFIX}$$-(cli|gw|lan)$" "namespace name"
	assert [ -e "/run/netns/$ns" ]
done
assert_match "$(in_ns "$NS_GW" ip -4 -o addr show dev out0)" "inet $ADDR_GW/24" "gateway outside address"
assert_match "$(in_ns "$NS_GW" ip -4 -o addr show dev lan0)" "inet $ADDR_GW_LAN/24" "gateway lan address"
assert_match "$(in_ns "$NS_CLI" ip -o link show dev eth0)" "mtu 1500 " "client MTU"
assert_match "$(in_ns "$NS_LAN" ip -o link show dev eth0)" "mtu 1500 " "lan MTU"
assert_eq "$ADDR_GW" "$(in_ns "$NS_CLI" getent hosts "$GW_NAME" | awk '{print $1}')" \
	"$GW_NAME in the client namespace"
refute getent hosts "$GW_NAME"

assert ping_ok "$NS_CLI" "$ADDR_GW"
assert ping_ok "$NS_GW" "$ADDR_LAN"
drops0=$(netns_forward_drops)
refute ping_ok "$NS_CLI" "$ADDR_LAN"
refute ping_ok "$NS_LAN" "$ADDR_CLI"
# Dropped by the gateway's FORWARD policy, not lost for want of a route.
(($(netns_forward_drops) >= drops0 + 2)) || fail "FORWARD drops: $drops0 -> $(netns_forward_drops)"
log "client cannot reach the lan host (FORWARD drops $drops0 -> $(netns_forward_drops))"

# A device named like a gateway's tun (vpns9) may reach the lan, masqueraded.
NS_TUN=${SG_NS_PREFIX}$$-tun
netns_add "$NS_TUN"
netns_veth "$NS_GW" vpns9 198.19.10.1/24 "$NS_TUN" eth0 198.19.10.9/24
in_ns "$NS_TUN" ip route add default via 198.19.10.1
nat0=$(nat_packets)
assert ping_ok "$NS_TUN" "$ADDR_LAN" 2
(($(nat_packets) > nat0)) || fail "pool traffic was not masqueraded"
log "tunnel-named device reaches the lan host, masqueraded"

# ---- UDP block -------------------------------------------------------------------
listen_start "$NS_GW" udp-sink udp-sink "$ADDR_GW" "$GW_PORT" "$SG_SCRATCH/udp.txt" 15
netns_block_udp
udp_send "$NS_CLI" "$ADDR_GW" "$GW_PORT" "while-blocked"
wait_until 1 [ "$(netns_udp_drops)" -ge 1 ] || fail "block rule dropped nothing"
sleep 0.3
refute_grep "$SG_SCRATCH/udp.txt" while-blocked "UDP sink"
netns_unblock_udp
assert_eq 0 "$(netns_udp_drops)" "drops after unblock (rule removed)"
udp_send "$NS_CLI" "$ADDR_GW" "$GW_PORT" "after-unblock"
wait_until 3 grep -q after-unblock "$SG_SCRATCH/udp.txt" || fail "datagram lost after unblock"
(($(netns_udp_packets) >= 1)) || fail "UDP counter did not count the delivered datagram"
refute_grep "$SG_SCRATCH/udp.txt" while-blocked "UDP sink"
stop_proc udp-sink
log "UDP block drops, unblock delivers"

# ---- lan services ---------------------------------------------------------------------
head -c 1048576 /dev/urandom >"$SG_SCRATCH/payload"
lan_tcp_sink sink 5001 "$SG_SCRATCH/sunk"
tcp_send "$NS_GW" "$ADDR_LAN" 5001 "$SG_SCRATCH/payload" || fail "tcp_send failed"
wait_exit sink 10 || fail "sink did not finish"
assert_eq 0 "$EXIT_CODE" "sink exit status"
assert_eq "$(sha "$SG_SCRATCH/payload")" "$(sha "$SG_SCRATCH/sunk")" "sha256 gw -> lan"
lan_tcp_source source 5002 "$SG_SCRATCH/payload"
tcp_recv "$NS_GW" "$ADDR_LAN" 5002 "$SG_SCRATCH/fetched" || fail "tcp_recv failed"
assert_eq "$(sha "$SG_SCRATCH/payload")" "$(sha "$SG_SCRATCH/fetched")" "sha256 lan -> gw"
lan_iperf3_start
in_ns "$NS_GW" timeout 10 iperf3 -c "$ADDR_LAN" -p "$IPERF_PORT" -n 4M -J >"$SG_SCRATCH/iperf.json" ||
	fail "iperf3 run failed"
assert_grep "$SG_SCRATCH/iperf.json" '"bytes":[[:space:]]*4194304' "iperf3 result"
log "transfers to and from the lan host check out"

# ---- PKI ----------------------------------------------------------------------------------
pki_make
info=$(certtool -i --infile "$PKI_DIR/server.pem")
assert_match "$info" "DNSname: $GW_NAME" "server SAN DNS"
assert_match "$info" "IPAddress: $ADDR_GW" "server SAN IP"
# certtool computes the pin its own way; both must agree.
assert_eq "$(grep -o 'pin-sha256:[^[:space:]]*' <<<"$info" | head -n1)" "$SERVER_PIN" "server pin"
assert_eq "$SERVER_PIN" "$(cat "$PKI_DIR/server-pin.txt")" "server-pin.txt"
assert verify "$PKI_DIR/alice.pem"
assert verify "$PKI_DIR/bob.pem"
refute verify "$PKI_DIR/stranger.pem"
assert verify -crl_check -CRLfile "$PKI_DIR/crl.pem" "$PKI_DIR/alice.pem"
refute verify -crl_check -CRLfile "$PKI_DIR/crl.pem" "$PKI_DIR/mallory.pem"
assert_match "$(openssl x509 -in "$PKI_DIR/alice.pem" -noout -subject)" "OU = engineering, CN = alice"
assert p12_opens "$PKI_P12_PASS"
refute p12_opens wrong
assert_eq 600 "$(stat -c %a "$PKI_DIR/server-key.pem")" "server key mode"
log "PKI checks out"

# ---- ocserv.conf --------------------------------------------------------------------------
ocserv_write_conf
ocserv -t -c "$GW_CONF" >"$SG_SCRATCH/conftest.log" 2>&1 || { watch_log "$SG_SCRATCH/conftest.log"; fail "ocserv -t rejected the config"; }
assert_grep "$GW_CONF" "^ipv4-network = 198\.19\." "pool in 198.19.0.0/16"
assert_grep "$GW_DIR/ocpasswd" "^$TEST_USER:engineering,sales:" "ocpasswd entry"
log "ocserv accepts the generated config"

# ---- teardown --------------------------------------------------------------------------------
# A stray process inside a namespace (not spawned through the harness) goes
# with it; a process outside the namespaces is left alone.
in_ns "$NS_LAN" sleep 60 &
stray=$!
disown "$stray"
spawn bystander sleep 60
bystander=$SPAWN_PID
# The leftover check must see what is up now, or its silence proves nothing.
up_now=$(netns_leftovers) && fail "netns_leftovers reports nothing while the topology is up"
assert_match "$up_now" "netns $NS_GW" "leftovers while up"
assert_match "$up_now" "process bystander" "leftovers while up"
assert_eq 3 "$(in_ns "$NS_GW" ip -o link show | grep -c "alias sslgate-$$\$")" "tagged veth ends in the gateway (out0 lan0 vpns9)"
netns_down
wait_until 3 eval '! kill -0 '"$stray"' 2>/dev/null' || fail "process in a namespace survived teardown"
assert is_running bystander
stop_proc bystander
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
kill -0 "$bystander" 2>/dev/null && fail "bystander still running after stop_proc"
log "teardown left nothing behind"
exit 0
