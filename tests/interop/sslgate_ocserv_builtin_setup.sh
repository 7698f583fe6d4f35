#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate's built-in network setup against Debian's ocserv: the checks of
# tests/integration/client_builtin_setup.sh (pushed address, MTU, routes,
# DNS; a reconnect; nothing left after SIGTERM and SIGINT; a full tunnel
# when no route is pushed) with the real gateway in sslgated's place.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
[ -x /usr/sbin/ocserv ] || { echo "sslgate_ocserv_builtin_setup: no ocserv" >&2; exit 77; }
SSLGATE_GATEWAY_BIN=/usr/sbin/ocserv GATEWAY_CTL_BIN=occtl \
	exec bash "$SSLGATE_SRC/tests/integration/client_builtin_setup.sh"
