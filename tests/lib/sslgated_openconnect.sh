# SPDX-License-Identifier: ISC
# shellcheck shell=bash source-path=SCRIPTDIR
#
# The start of every test that runs our gateway in NS_GW and Debian's
# openconnect in NS_CLI: the harness (ocserv.sh for the gateway, its config
# and PKI; openconnect.sh for the clients) and the checks that skip the test
# on a machine that cannot run it. A test sets its GW_* and CLIENT_* knobs
# first, then sources this file, then requires what else it uses:
#
#   GW_DTLS=0 CLIENT_NO_DTLS=1
#   . "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
#   require_cmd python3
#
# GATEWAY_BIN and GATEWAY_CTL_BIN default to the build's sslgated and
# sslgatectl; a test may point GATEWAY_BIN elsewhere before sourcing.
#
# Every test skips without root, the built sslgated or /dev/net/tun. What
# else it needs defaults to what openconnect tunnels need; a test that runs
# other tools, or no tunnel through Debian's vpnc-script, says so before
# sourcing (and adds the rest after, as above):
#
#   REQUIRE_CMDS       the programs it runs, names or paths (default:
#                      ip iptables ping ss certtool ocpasswd /usr/sbin/openconnect)
#   REQUIRE_VPNC_SCRIPT  1: skip without $VPNC_SCRIPT, which session 0 runs
#                      (Debian's vpnc-scripts); 0: do not check (default 1)

. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
: "${GATEWAY_BIN:=$SSLGATE_BUILD/gateway/sslgated}"
: "${GATEWAY_CTL_BIN:=$SSLGATE_BUILD/ctl/sslgatectl}"
: "${REQUIRE_CMDS:=ip iptables ping ss certtool ocpasswd /usr/sbin/openconnect}"
: "${REQUIRE_VPNC_SCRIPT:=1}"
. "$SG_LIB/ocserv.sh"
. "$SG_LIB/openconnect.sh"

require_root
# shellcheck disable=SC2086 # a list of words
require_cmd $REQUIRE_CMDS
[ -x "$GATEWAY_BIN" ] || skip "sslgated not built ($GATEWAY_BIN)"
if [ "$REQUIRE_VPNC_SCRIPT" = 1 ]; then
	[ -x "$VPNC_SCRIPT" ] || skip "missing $VPNC_SCRIPT (vpnc-scripts)"
fi
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
