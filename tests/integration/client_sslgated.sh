#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Both sides ours: the client acceptance checks that run against Debian's
# ocserv (tests/interop/sslgate_ocserv_*.sh) run again with sslgated in its
# place, reading the same ocserv.conf: groups by name and alias, routes and
# DNS through Debian's vpnc-script, ping and TCP, SIGTERM cleanup,
# --authenticate and --cookie-on-stdin; trust and pins; the profile
# downloader; failed logins; reconnect after a cut; hundreds of pushed
# split routes. Each check builds and tears down its own namespaces.

set -u
: "${SSLGATE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SSLGATE_BUILD:=$SSLGATE_SRC/build}"
export SSLGATE_SRC SSLGATE_BUILD
SSLGATE_GATEWAY_BIN=$SSLGATE_BUILD/gateway/sslgated
GATEWAY_CTL_BIN=$SSLGATE_BUILD/ctl/sslgatectl
export SSLGATE_GATEWAY_BIN GATEWAY_CTL_BIN

[ "$(id -u)" = 0 ] || { echo "client_sslgated: needs root" >&2; exit 77; }
[ -x "$SSLGATE_GATEWAY_BIN" ] || { echo "client_sslgated: sslgated is not built" >&2; exit 77; }
[ -x "$SSLGATE_BUILD/client/sslgate" ] || { echo "client_sslgated: sslgate is not built" >&2; exit 77; }

status=0
for check in connect trust profile login reconnect routes; do
	echo "== sslgate against sslgated: $check" >&2
	bash "$SSLGATE_SRC/tests/interop/sslgate_ocserv_$check.sh"
	rc=$?
	case $rc in
	0) ;;
	77) echo "client_sslgated: $check skipped" >&2 ;;
	*) echo "client_sslgated: $check FAILED ($rc)" >&2; status=1 ;;
	esac
done
exit $status
