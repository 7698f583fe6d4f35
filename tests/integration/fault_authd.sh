#!/bin/bash
# SPDX-License-Identifier: ISC
#
# authd killed (SIGKILL) while openconnect holds a tunnel: the parent starts
# a new authd and renews the workers (gateway/parent/authd_respawn.c). The
# established tunnel keeps passing traffic through its draining worker, a
# new login and a CONNECT with its cookie work against the new authd, and
# the tunnel's old cookie is refused (what a restart costs, by design).
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
GW_EXTRA_CONF="workers = 2"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
require_cmd "$PROBE"

# authd_pid: the last "authd started (pid N)" of the gateway log
authd_pid() { sed -n 's/.*authd started (pid \([0-9]*\)).*/\1/p' "$GW_LOG" | tail -n 1; }
# shellcheck disable=SC2317 # called through wait_until
authd_restarted() { [ "$(grep -c 'authd started (pid' "$GW_LOG")" -ge 2 ]; }
# login USER PASS GROUP: openconnect --authenticate; prints the webvpn cookie
login() {
	printf '%s\n' "$2" | in_ns "$NS_CLI" timeout 20 /usr/sbin/openconnect --authenticate \
		--protocol=anyconnect --servercert "$SERVER_PIN" --user "$1" --passwd-on-stdin \
		--non-inter --authgroup "$3" "$GW_URL" 2>>"$SG_SCRATCH/auth.log" |
		grep '^COOKIE=' | tr -d "'" | tr ';' '\n' | sed -n 's/^ *\(COOKIE=\)\{0,1\}webvpn=//p'
}
# probe SCENARIO COOKIE: one sg-probe line
probe() {
	in_ns "$NS_CLI" timeout 20 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
		--ca "$PKI_DIR/ca.pem" --timeout 3000 --cookie "$2" "$1"
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
# no chroot for the workers (/ instead): LeakSanitizer needs /proc to check
# them when they stop (ASan builds); the chroot is tested elsewhere
sed -i -e 's|^chroot-dir = .*|chroot-dir = /|' \
	-e "s|^user-profile = .*|user-profile = $GW_DIR/chroot/profile.xml|" "$GW_CONF"
gateway_start
GW_LOG=$(log_of gateway)
watch_log "$SG_SCRATCH/auth.log" auth
parent=$(pid_of gateway)
wait_until 5 grep -q 'worker 1: serving' "$GW_LOG" || fail "the gateway's workers did not start"

client_start 0
wait_tunnel 0 || fail "openconnect got no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel before the fault"
OLD_COOKIE=$(login "$TEST_USER2" "$TEST_PASS2" sales)
[ -n "$OLD_COOKIE" ] || fail "no cookie for bob before the fault"

# ---- the fault ------------------------------------------------------------------------
old=$(authd_pid)
{ [ -n "$old" ] && kill -0 "$old"; } || fail "no authd PID in the gateway log"
log "killing authd (pid $old)"
kill -KILL "$old"
wait_until 10 authd_restarted || fail "authd was not restarted"
new=$(authd_pid)
assert_ne "$old" "$new" "authd's PID after the restart"
assert_grep "$GW_LOG" 'authd restarted' "gateway log (the restart)"
assert_grep "$GW_LOG" 'worker [0-9]+: authd closed its socket: draining' "gateway log (draining)"
is_running gateway || fail "sslgated stopped when authd died"
assert_eq "$parent" "$(pid_of gateway)" "the parent's PID"

# ---- the established tunnel, a new login, a new tunnel ------------------------------------
ping_ok "$NS_CLI" "$ADDR_LAN" 5 || fail "alice's tunnel stopped passing traffic after the restart"
is_running client0 || fail "openconnect (alice) exited"
NEW_COOKIE=$(login "$TEST_USER2" "$TEST_PASS2" sales)
[ -n "$NEW_COOKIE" ] || fail "no login after the restart"
assert_match "$(probe cstp-dpd "$NEW_COOKIE")" 'outcome=frames .*alive=yes' \
	"a tunnel with a cookie of the new authd"
# what the restart costs: the old authd's cookies are gone
assert_match "$(probe cookie-given "$OLD_COOKIE")" 'outcome=http status=401 ' \
	"a cookie minted before the restart"
sleep 2
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "alice's tunnel stopped passing traffic at the end"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|runtime error:' "gateway log (sanitizers)"
client_stop 0
gateway_stop
# workers stop in order on SIGTERM (LeakSanitizer runs in them in ASan builds)
refute_grep "$GW_LOG" 'worker [0-9]+ \(pid [0-9]+\) was killed by signal 15' "gateway log after stopping"
assert_grep "$GW_LOG" 'worker [0-9]+: SIGTERM: closing' "gateway log (a worker's orderly stop)"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: |leak check skipped' \
	"gateway log after stopping (sanitizers)"
exit 0
