#!/bin/sh
# SPDX-License-Identifier: ISC
#
# A vpnc-script for extra sessions sharing one client namespace: it gives the
# tunnel device its address and MTU and touches nothing else (no routes, no
# DNS), so sessions do not fight over the routing table. The client removes
# the device when it exits, so disconnect has nothing to undo.
# Environment (set by the client): reason, TUNDEV, INTERNAL_IP4_ADDRESS,
# INTERNAL_IP4_MTU.

# shellcheck disable=SC2154 # reason comes from the client
if [ "$reason" = connect ]; then
	ip link set dev "$TUNDEV" mtu "${INTERNAL_IP4_MTU:-1400}" up || exit 1
	if [ -n "$INTERNAL_IP4_ADDRESS" ]; then
		ip addr add "$INTERNAL_IP4_ADDRESS/32" dev "$TUNDEV" || exit 1
	fi
fi
exit 0
