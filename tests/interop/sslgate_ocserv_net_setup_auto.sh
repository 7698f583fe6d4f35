#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate's default network setup against Debian's ocserv: the checks of
# tests/integration/client_net_setup_auto.sh (built-in on a plain host, the
# vpnc-script when resolv.conf is a DNS manager's link or a hook waits in
# /etc/vpnc/connect.d) with the real gateway in sslgated's place.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
[ -x /usr/sbin/ocserv ] || { echo "sslgate_ocserv_net_setup_auto: no ocserv" >&2; exit 77; }
SSLGATE_GATEWAY_BIN=/usr/sbin/ocserv GATEWAY_CTL_BIN=occtl \
	exec bash "$SSLGATE_SRC/tests/integration/client_net_setup_auto.sh"
