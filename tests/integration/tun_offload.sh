#!/bin/bash
# SPDX-License-Identifier: ISC
#
# lib/net/offload.h against the real kernel: two tun devices opened with
# IFF_VNET_HDR and TSO, relayed by sg-tun-offload (split every frame read,
# checksum every segment, coalesce what it writes), carry 4 MiB each way
# between a host and a routed lan host:
#
#  NS_A                     NS_R (router)                        NS_L
#  sgoa0 198.18.100.1 ~relay~ sgob0 198.18.100.2
#                           r0 198.18.101.1/24 ─veth─ e0 198.18.101.2/24
#
# A -> L: TSO frames from A's own TCP; merged frames forwarded by R to the veth.
# L -> A: frames R forwards from the veth; merged frames delivered to A's TCP.
# Passes when both files arrive intact, the kernel gave super packets, every
# segment's checksums were right, and the writes really were merged.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/netns.sh"
require_root
require_cmd ip sha256sum
RELAY=$SSLGATE_BUILD/tests/tools/sg-tun-offload
[ -x "$RELAY" ] || skip "no $RELAY"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# field NAME KEY: KEY=value from the relay's report line for device NAME.
field() {
	sed -n "s/^$1: .*\b$2=\([0-9]*\).*/\1/p" "$(log_of relay)"
}

NS_A=${SG_NS_PREFIX}$$-a
NS_R=${SG_NS_PREFIX}$$-r
NS_L=${SG_NS_PREFIX}$$-l
netns_add "$NS_A"
netns_add "$NS_R"
netns_add "$NS_L"
netns_veth "$NS_R" r0 198.18.101.1/24 "$NS_L" e0 198.18.101.2/24
in_ns "$NS_L" ip route add default via 198.18.101.1
in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
# No IPv6 chatter (router solicitations) while one tun is up and the other not yet.
for ns in "$NS_A" "$NS_R"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

spawn_in_ns "$NS_A" relay "$RELAY" sgoa0 "/run/netns/$NS_R" sgob0 60
wait_until 5 grep -q '^ready' "$(log_of relay)" || {
	wait_exit relay 1 && [ "$EXIT_CODE" = 77 ] && skip "kernel refuses tun offloads"
	fail "relay did not start"
}
in_ns "$NS_A" ip addr add 198.18.100.1/32 dev sgoa0
in_ns "$NS_A" ip link set sgoa0 up
in_ns "$NS_A" ip route add 198.18.101.0/24 dev sgoa0 src 198.18.100.1
in_ns "$NS_R" ip addr add 198.18.100.2/32 dev sgob0
in_ns "$NS_R" ip link set sgob0 up
in_ns "$NS_R" ip route add 198.18.100.1/32 dev sgob0
in_ns "$NS_R" sysctl -qw net.ipv4.conf.sgob0.rp_filter=0
assert ping_ok "$NS_A" 198.18.101.2 3

head -c 4194304 /dev/urandom >"$SG_SCRATCH/payload"
listen_start "$NS_L" sink-l tcp-sink 198.18.101.2 5001 "$SG_SCRATCH/at-l" 20
tcp_send "$NS_A" 198.18.101.2 5001 "$SG_SCRATCH/payload" 20 || fail "A -> L send failed"
wait_exit sink-l 20 || fail "L's sink did not finish"
assert_eq "$(sha "$SG_SCRATCH/payload")" "$(sha "$SG_SCRATCH/at-l")" "sha256 A -> L"
log "4 MiB A -> L intact"

listen_start "$NS_A" sink-a tcp-sink 198.18.100.1 5002 "$SG_SCRATCH/at-a" 20
tcp_send "$NS_L" 198.18.100.1 5002 "$SG_SCRATCH/payload" 20 || fail "L -> A send failed"
wait_exit sink-a 20 || fail "A's sink did not finish"
assert_eq "$(sha "$SG_SCRATCH/payload")" "$(sha "$SG_SCRATCH/at-a")" "sha256 L -> A"
log "4 MiB L -> A intact"

stop_proc relay
log "relay: $(tr '\n' ' ' <"$(log_of relay)")"
for dev in sgoa0 sgob0; do
	assert_eq 0 "$(field $dev invalid)" "$dev frames the splitter refused"
	assert_eq 0 "$(field $dev bad_csum)" "$dev segments with a bad checksum"
	(($(field $dev gso_frames) > 0)) || fail "$dev: the kernel gave no super packet"
	(($(field $dev max_frame) > 10000)) || fail "$dev: largest frame $(field $dev max_frame)"
	# What A's TCP (sgoa0) sent went out merged to sgob0 and the other way.
	(($(field $dev written_frames) * 4 < $(field $dev written_packets))) ||
		fail "$dev: $(field $dev written_packets) packets in $(field $dev written_frames) frames"
	assert_eq 0 "$(field $dev dropped)" "$dev writes the kernel refused"
done
log "frames split into valid packets and merged writes accepted, both ways"
