#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate against Debian's ocserv (issue 4, "Done when", first item): log in
# choosing the group by name and by its display alias, get the pool address,
# the group's routes and the pushed DNS through Debian's unmodified
# vpnc-script, ping the lan host and move a file both ways with matching
# SHA-256. Then SIGTERM: the client says goodbye, the script undoes its work
# and no tun, address, route or resolv.conf entry is left. Also the -v log:
# every phase by name, no password, no cookie. Last, --authenticate prints
# what front ends read and --cookie-on-stdin connects with that cookie, and
# --background returns once the tunnel is up, leaving a --pid-file.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping sha256sum occtl

PAYLOAD=$SG_SCRATCH/payload
sha() { sha256sum "$1" | cut -d' ' -f1; }
host_resolv_before=$(sha /etc/resolv.conf 2>/dev/null)
cli_resolv=/etc/netns/$NS_CLI/resolv.conf

transfer() {
	local tag=$1 want
	want=$(sha "$PAYLOAD")
	lan_tcp_sink "sink-$tag" 5001 "$SG_SCRATCH/up-$tag"
	tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$PAYLOAD" || fail "$tag: upload failed"
	wait_exit "sink-$tag" 10 || fail "$tag: lan sink did not finish"
	assert_eq "$want" "$(sha "$SG_SCRATCH/up-$tag")" "$tag: sha256 of the upload"
	lan_tcp_source "source-$tag" 5002 "$PAYLOAD"
	tcp_recv "$NS_CLI" "$ADDR_LAN" 5002 "$SG_SCRATCH/down-$tag" || fail "$tag: download failed"
	assert_eq "$want" "$(sha "$SG_SCRATCH/down-$tag")" "$tag: sha256 of the download"
}

# terminate ID: SIGTERM to the client by its PID, its exit status in EXIT_CODE.
terminate() {
	kill -TERM "$(pid_of "client$1")"
	wait_exit "client$1" 10 || fail "client $1 did not exit after SIGTERM"
}

routes() {
	in_ns "$NS_CLI" ip -4 route show dev "$(client_ifname 0)" 2>/dev/null
}

_has_route() {
	[[ $(routes) =~ $1 ]]
}

# nothing_left: no tun, no route through it, the namespace's resolv.conf back.
nothing_left() {
	refute in_ns "$NS_CLI" ip link show dev "$(client_ifname 0)" 2>/dev/null
	refute_grep <(in_ns "$NS_CLI" ip -4 route) 'sgc0|198\.19\.10\.' "client routes"
	refute_grep "$cli_resolv" "nameserver $ADDR_LAN" "client resolv.conf"
	refute ping_ok "$NS_CLI" "$ADDR_LAN"
}

# session TAG GROUP ROUTE-REGEX: one routed session, checked, then SIGTERM.
session() {
	local tag=$1 group=$2 want_route=$3 log0
	CLIENT_AUTHGROUP=$group client_start 0
	log0=$(log_of client0)
	wait_tunnel 0 20 || fail "$tag: no tunnel"
	assert_match "$TUNNEL_ADDR" '^198\.19\.10\.[0-9]+$' "$tag: tunnel address in the pool"
	# The address comes first in the vpnc-script, routes and DNS after it.
	wait_until 5 _has_route "$want_route"
	assert_match "$(routes)" "$want_route" "$tag: route pushed by the group"
	wait_until 5 grep -q "^nameserver $ADDR_LAN" "$cli_resolv"
	assert_grep "$cli_resolv" "^nameserver $ADDR_LAN" "$tag: DNS written by vpnc-script"
	assert_grep "$cli_resolv" '^search sslgate.test' "$tag: default domain"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$tag: no ping reply from the lan host"
	transfer "$tag"
	assert_match "$(gateway_ctl show users)" "$TEST_USER .*$TUNNEL_ADDR" "$tag: occtl show users"
	terminate 0
	assert_eq 0 "$EXIT_CODE" "$tag: exit status after SIGTERM"
	nothing_left
	# The phases of the seed, by name, and what the gateway saw of our goodbye.
	local p
	for p in 'RESOLVE -> TLS' 'TLS -> GROUP' 'GROUP -> AUTH' 'AUTH -> DOWNLOAD' \
		'DOWNLOAD -> CONNECT' 'CONNECT -> TUNNEL' 'TUNNEL -> CLOSING' 'CLOSING -> DONE'; do
		assert_grep "$log0" "phase $p" "$tag: client log"
	done
	assert_grep "$log0" "GROUP: $group chosen|GROUP: [a-z]+ chosen \\($group\\)" "$tag: group in the log"
	assert_grep "$log0" 'vpnc-script: reason=disconnect' "$tag: client log"
	refute_grep "$log0" "$TEST_PASS" "$tag: password in the log"
	cp "$log0" "$SG_SCRATCH/client-$tag.log"
}

netns_up
pki_make
head -c 1048576 /dev/urandom >"$PAYLOAD"
refute ping_ok "$NS_CLI" "$ADDR_LAN"
gateway_start

session by-name engineering "^$(echo "$NET_LAN" | sed 's/\./\\./g') "
session by-alias "Sales - LAN host only" "^${ADDR_LAN//./\\.} "
# The profile came with the first login and was current for the second.
assert_grep "$SG_SCRATCH/client-by-name.log" 'downloaded the profile /profiles/profile.xml'
assert_grep "$SG_SCRATCH/client-by-alias.log" 'stored profile is current'
[ -s "$HOME/.config/sslgate/profiles/gw.sslgate.test_443/profile.xml" ] ||
	fail "no profile in the preferences directory"

# --authenticate: what NetworkManager's openconnect plugin reads, then a
# connection with that cookie and no login.
out=$(printf '%s\n' "$TEST_PASS" | in_ns "$NS_CLI" "$CLIENT_BIN" --authenticate --non-inter \
	--passwd-on-stdin -u "$TEST_USER" --authgroup engineering --servercert "$SERVER_PIN" \
	"$GW_URL" 2>"$SG_SCRATCH/authenticate.log") || fail "--authenticate failed"
watch_log "$SG_SCRATCH/authenticate.log" authenticate
assert_match "$out" "COOKIE='[A-Za-z0-9+/=]+'" "--authenticate cookie"
assert_match "$out" "HOST='$GW_NAME'" "--authenticate host"
assert_match "$out" "FINGERPRINT='${SERVER_PIN//+/\\+}'" "--authenticate fingerprint"
cookie=$(sed -n "s/^COOKIE='\\(.*\\)'\$/\\1/p" <<<"$out")
printf '%s\n' "$cookie" >"$SG_SCRATCH/cookie"
spawn_in_ns --stdin "$SG_SCRATCH/cookie" "$NS_CLI" client0 "$CLIENT_BIN" --cookie-on-stdin \
	--non-inter --servercert "$SERVER_PIN" -i "$(client_ifname 0)" -s "$VPNC_SCRIPT" -v "$GW_URL"
rm -f "$SG_SCRATCH/cookie"
wait_tunnel 0 20 || fail "--cookie-on-stdin: no tunnel"
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "--cookie-on-stdin: no ping reply"
refute_grep "$(log_of client0)" 'phase .* -> (GROUP|AUTH)' "cookie session log"
assert_grep "$(log_of client0)" 'phase TLS -> CONNECT' "cookie session log"
refute_grep "$(log_of client0)" "$cookie" "cookie session log"
client_stop 0
nothing_left

# --background returns once the tunnel is up; --pid-file names the process that stays.
bg_pid=$SG_SCRATCH/background.pid
printf '%s\n' "$TEST_PASS" | in_ns "$NS_CLI" "$CLIENT_BIN" -b --pid-file "$bg_pid" --non-inter \
	--passwd-on-stdin -u "$TEST_USER" --authgroup engineering --servercert "$SERVER_PIN" \
	-i "$(client_ifname 0)" -s "$VPNC_SCRIPT" "$GW_URL" 2>"$SG_SCRATCH/background.log" ||
	fail "--background: exit status $?"
watch_log "$SG_SCRATCH/background.log" background
pid=$(cat "$bg_pid") || fail "--background: no pid file"
on_exit kill -TERM "$pid"
kill -0 "$pid" || fail "--background: the session is not running"
client_addr 0 >/dev/null || fail "--background: no tunnel when it returned"
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "--background: no ping reply"
kill -TERM "$pid"
wait_until 10 eval '! kill -0 '"$pid"' 2>/dev/null' || fail "--background: still running after SIGTERM"
[ -e "$bg_pid" ] && fail "--background: the pid file is left behind"
nothing_left

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
assert_eq "$host_resolv_before" "$(sha /etc/resolv.conf 2>/dev/null)" "host /etc/resolv.conf"
log "sslgate connects to $(basename "$GATEWAY_BIN") by group name and alias, and leaves nothing behind"
exit 0
