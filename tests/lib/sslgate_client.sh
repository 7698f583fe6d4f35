# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The start of every test that runs our client, sslgate, in NS_CLI against a
# gateway in NS_GW. It sources the harness, skips on a machine that cannot
# run the test, and gives the client a home of its own in the scratch
# directory (its preferences and stored profiles go there, not to root's
# home). A test sets its GW_* and CLIENT_* knobs and those below first,
# sources this file, then requires what else it uses:
#
#   GW_DPD=3
#   . "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
#   require_cmd ping occtl
#
#   GATEWAY_KIND      the gateway a plain run uses: ocserv (default: Debian's,
#                     with occtl) or sslgated (the build's, with sslgatectl).
#                     SSLGATE_GATEWAY_BIN and GATEWAY_CTL_BIN, when set, win
#                     over it (tests/integration/client_sslgated.sh runs the
#                     ocserv tests against sslgated that way).
#
#   REQUIRE_VPNC_SCRIPT  1: skip without $VPNC_SCRIPT, which session 0 runs
#                     (Debian's vpnc-scripts); 0: do not check, for a test
#                     whose clients run no such script (CLIENT_SETUP=builtin)
#                     (default 1)
#
# Every test skips without root, the gateway, the built client, Debian's
# vpnc-script (see above), /dev/net/tun, or ip iptables ss python3 certtool
# openssl ocpasswd (the harness writes the password file with it, for either
# gateway).

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${GATEWAY_KIND:=ocserv}"
: "${REQUIRE_VPNC_SCRIPT:=1}"
case $GATEWAY_KIND in
ocserv)
	GATEWAY_BIN=${SSLGATE_GATEWAY_BIN:-/usr/sbin/ocserv}
	;;
sslgated)
	GATEWAY_BIN=${SSLGATE_GATEWAY_BIN:-$SSLGATE_BUILD/gateway/sslgated}
	: "${GATEWAY_CTL_BIN:=$SSLGATE_BUILD/ctl/sslgatectl}"
	;;
*)
	fail "GATEWAY_KIND is ocserv or sslgated, not '$GATEWAY_KIND'"
	;;
esac
. "$SG_LIB/ocserv.sh"
. "$SG_LIB/openconnect.sh"
CLIENT_BIN=$SSLGATE_BUILD/client/sslgate

require_root
require_cmd ip iptables ss python3 certtool openssl ocpasswd
command -v "$GATEWAY_BIN" >/dev/null 2>&1 || skip "no gateway ($GATEWAY_BIN)"
[ -x "$CLIENT_BIN" ] || skip "sslgate is not built ($CLIENT_BIN)"
if [ "$REQUIRE_VPNC_SCRIPT" = 1 ]; then
	[ -x "$VPNC_SCRIPT" ] || skip "missing $VPNC_SCRIPT (vpnc-scripts)"
fi
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

export HOME=$SG_SCRATCH/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
