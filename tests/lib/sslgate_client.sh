# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The start of every test that runs our client, sslgate, in NS_CLI against a
# gateway in NS_GW: Debian's ocserv, or the program SSLGATE_GATEWAY_BIN
# names (tests/integration/client_sslgated.sh runs the same checks against
# sslgated that way). It sources the harness, skips on a machine that
# cannot run the test, and gives the client a home of its own in the
# scratch directory (its preferences and stored profiles go there, not to
# root's home). A test sets its GW_* and CLIENT_* knobs first, sources this
# file, then requires what else it uses:
#
#   GW_DPD=3
#   . "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
#   require_cmd ping occtl

GATEWAY_BIN=${SSLGATE_GATEWAY_BIN:-/usr/sbin/ocserv}
. "$(dirname "${BASH_SOURCE[0]}")/ocserv.sh"
. "$SG_LIB/openconnect.sh"
CLIENT_BIN=$SSLGATE_BUILD/client/sslgate

require_root
require_cmd ip iptables ss python3 certtool openssl ocpasswd "$GATEWAY_BIN"
[ -x "$CLIENT_BIN" ] || skip "sslgate is not built ($CLIENT_BIN)"
[ -x "$VPNC_SCRIPT" ] || skip "missing $VPNC_SCRIPT (vpnc-scripts)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

export HOME=$SG_SCRATCH/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
