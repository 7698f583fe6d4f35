#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The downloader (issue 4, item 4) against Debian's ocserv, which advertises
# its profile in the complete document (/profiles/profile.xml and its SHA-1):
#  - the first login downloads it into the preferences directory;
#  - the next finds its copy current and downloads nothing;
#  - a changed profile on the gateway is downloaded again;
#  - when the downloader's own TLS connection cannot be made, the connection
#    is abandoned with a clear message (the profile is mandatory), and the
#    stored copy is left as it was.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping sha1sum
STORED=$HOME/.config/sslgate/profiles/gw.sslgate.test_443/profile.xml
CLIENT_SCRIPT=$SG_LIB/vpnc-script-noroute.sh
export CLIENT_SCRIPT

# login TAG: one session that must come up; then stopped.
login() {
	client_start 0
	wait_tunnel 0 20 || fail "$1: no tunnel"
	client_stop 0
	cp "$(log_of client0)" "$SG_SCRATCH/client-$1.log"
}

same_file() {
	cmp -s "$1" "$2" || fail "$3: $1 and $2 differ"
}

netns_up
pki_make
gateway_start
served=$GW_DIR/chroot/profile.xml

login first
assert_grep "$SG_SCRATCH/client-first.log" 'downloaded the profile /profiles/profile.xml'
same_file "$served" "$STORED" "first download"
assert_eq 600 "$(stat -c %a "$STORED")" "mode of the stored profile"

login again
assert_grep "$SG_SCRATCH/client-again.log" 'stored profile is current'
refute_grep "$SG_SCRATCH/client-again.log" 'downloaded the profile'

# ocserv hashes the file for each login, other gateways when they start.
sed -i 's|<HostName>sslgate test sales</HostName>|<HostName>sslgate test sales, renamed</HostName>|' "$served"
gateway_stop
gateway_start
login changed
assert_grep "$SG_SCRATCH/client-changed.log" 'downloaded the profile /profiles/profile.xml'
same_file "$served" "$STORED" "changed profile"
kept=$(sha1sum <"$STORED")

# The downloader's connection is the second TCP connection: refuse it.
echo '<!-- changed once more -->' >>"$served"
gateway_stop
gateway_start
ipt() { in_ns "$NS_GW" iptables -w 10 "$@"; }
ipt -I INPUT 1 -p tcp --syn --dport "$GW_PORT" -m recent --name sgdl --set -j ACCEPT
ipt -I INPUT 1 -p tcp --syn --dport "$GW_PORT" -m recent --name sgdl --rcheck -j REJECT \
	--reject-with tcp-reset
client_start 0
wait_exit client0 30 || fail "unreachable profile: the client is still running"
assert_ne 0 "$EXIT_CODE" "unreachable profile: exit status"
log0=$(log_of client0)
assert_grep "$log0" 'error: profile download failed: /profiles/profile.xml: no connection'
assert_grep "$log0" "error: the gateway's profile is mandatory and could not be downloaded"
refute_grep "$log0" 'phase DOWNLOAD -> CONNECT'
refute client_addr 0
assert_eq "$kept" "$(sha1sum <"$STORED")" "the stored profile after a failed download"

gateway_stop
netns_down
log "the profile is downloaded when missing or changed, and its absence aborts the connection"
exit 0
