#!/bin/bash
# SPDX-License-Identifier: ISC
#
# SIGHUP reload under traffic: openconnect (alice) pings the lan host 10
# times a second while the gateway gets three SIGHUPs a second apart; not
# one ping may be lost, the tunnel keeps its TCP connection and its
# (draining) worker, and new workers take a new login.
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
GW_EXTRA_CONF="workers = 2"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# the gateway-side process and client port of alice's connection
conn() {
	in_ns "$NS_GW" ss -Htnp state established "( sport = :$GW_PORT )" |
		awk '{ print $4, $0 }' | sed -n 's/^[^ ]*:\([0-9]*\) .*pid=\([0-9]*\),.*/\1 \2/p'
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GW_LOG=$(log_of gateway)
parent=$(pid_of gateway)
client_start 0
wait_tunnel 0 || fail "openconnect got no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through the tunnel before the reload"
BEFORE=$(conn)
[ -n "$BEFORE" ] || fail "cannot see alice's connection on the gateway"

in_ns "$NS_CLI" ping -n -i 0.1 -c 50 -W 1 "$ADDR_LAN" >"$SG_SCRATCH/ping.txt" 2>&1 &
PINGER=$!
on_exit "kill $PINGER 2>/dev/null"
for i in 1 2 3; do
	sleep 1
	kill -HUP "$parent"
done
wait "$PINGER"
watch_log "$SG_SCRATCH/ping.txt" ping
grep -q ' 50 received' "$SG_SCRATCH/ping.txt" || fail "pings lost across the reloads"
(( $(grep -c 're-read the configuration; draining' "$GW_LOG") >= 2 )) ||
	fail "the workers were not renewed"
assert_eq "$BEFORE" "$(conn)" "alice's connection (client port, worker pid) across the reloads"
is_running client0 || fail "openconnect exited"
auth=$(printf '%s\n' "$TEST_PASS2" | in_ns "$NS_CLI" timeout 20 /usr/sbin/openconnect \
	--authenticate --protocol=anyconnect --servercert "$SERVER_PIN" --user "$TEST_USER2" \
	--passwd-on-stdin --non-inter --authgroup sales "$GW_URL" 2>/dev/null)
grep -q '^COOKIE=' <<<"$auth" || fail "no login after the reloads"
is_running gateway || fail "sslgated died"
assert_eq "$parent" "$(pid_of gateway)" "the parent's PID"
client_stop 0
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log (sanitizers)"
exit 0
