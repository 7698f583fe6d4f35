#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Established tunnels first in line for CPU (docs/security.md, issue 8): one
# worker holds openconnect's tunnel (alice, TLS only) while sslgate-load, in
# the same client namespace, floods that worker with complete TLS handshakes
# and logins (bob; FLOOD_PAR at a time for FLOOD_S seconds). The worker's
# loop serves ready tunnel descriptors before a small budget of handshake
# and login work, so:
#   - no ping through alice's tunnel is lost during the flood, and the
#     tunnel is still there afterwards (same client process, traffic passes);
#   - the flood was real: logins completed while the pings ran.
# It prints the ping RTT median and p99 idle and under the flood; timing is
# reported, never asserted (the machine may be busy).
set -u
: "${LOAD_BIN:=$SSLGATE_BUILD/bench/sslgate-load}"
: "${FLOOD_S:=10}" "${FLOOD_PAR:=48}" "${PINGS:=300}"
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
# one source floods on purpose here: its per-source cap is sec_flood_source's business
GW_EXTRA_CONF="workers = 1
max-handshakes-per-ip = 0"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd jq
[ -x "$LOAD_BIN" ] || skip "load generator not built ($LOAD_BIN)"

# rtt FILE: "median p99" of the ping replies in FILE (ms)
rtt() {
	grep -o 'time=[0-9.]*' "$1" | cut -d= -f2 | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- -"; exit }
			m = int((NR + 1) / 2); p = int(NR * 0.99 + 0.999)
			if (p > NR) p = NR
			print v[m], v[p]
		}'
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
# every login may keep its session: none is refused for a count, each costs its full price
sed -i 's/^max-clients = .*/max-clients = 0/' "$GW_CONF"
grep -q '^max-clients = 0$' "$GW_CONF" || fail "cannot set max-clients"
gateway_start
GW_LOG=$(log_of gateway)

client_start 0
wait_tunnel 0 || fail "openconnect got no tunnel"
CLIENT_PID=$(pid_of client0)
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel before the flood"
in_ns "$NS_CLI" ping -n -i 0.02 -c 100 -W 2 "$ADDR_LAN" >"$SG_SCRATCH/ping-idle.txt" 2>&1
watch_log "$SG_SCRATCH/ping-idle.txt" ping-idle

# ---- the flood: complete handshakes and logins, bounded in time -----------------------------
pass=$SG_SCRATCH/bob.pass
(umask 077 && printf '%s\n' "$TEST_PASS2" >"$pass")
exec {pfd}<"$pass"
rm -f "$pass"
spawn_in_ns --stdin "/dev/fd/$pfd" "$NS_CLI" flood "$LOAD_BIN" \
	--server "$ADDR_GW:$GW_PORT" --host "$GW_NAME" --pin "$SERVER_PIN" \
	--user "$TEST_USER2" --group sales --logins --duration "$FLOOD_S" --parallel "$FLOOD_PAR"
exec {pfd}<&-
sleep 1
# PINGS at 50 per second: inside the flood's FLOOD_S seconds
in_ns "$NS_CLI" ping -n -i 0.02 -c "$PINGS" -W 2 "$ADDR_LAN" >"$SG_SCRATCH/ping-flood.txt" 2>&1
watch_log "$SG_SCRATCH/ping-flood.txt" ping-flood
is_running flood || fail "the flood ended before the pings did (raise FLOOD_S)"
wait_exit flood $((FLOOD_S + 30)) || fail "the load generator did not finish"
LOG_FLOOD=$(log_of flood)
LOGINS=$(grep '"event": *"done"' "$LOG_FLOOD" | tail -n1 | jq -r '.logins // 0')
RATE=$(grep '"event": *"done"' "$LOG_FLOOD" | tail -n1 | jq -r '.rate // 0')
FAILED=$(grep '"event": *"done"' "$LOG_FLOOD" | tail -n1 | jq -r '.failed // 0')

read -r IDLE_MED IDLE_P99 < <(rtt "$SG_SCRATCH/ping-idle.txt")
read -r FLOOD_MED FLOOD_P99 < <(rtt "$SG_SCRATCH/ping-flood.txt")
echo "flood: $LOGINS logins ($RATE/s, $FAILED failed), $FLOOD_PAR at a time, ${FLOOD_S}s, one worker"
echo "rtt idle:  median ${IDLE_MED} ms, p99 ${IDLE_P99} ms"
echo "rtt flood: median ${FLOOD_MED} ms, p99 ${FLOOD_P99} ms ($(grep -o '[0-9]* received' "$SG_SCRATCH/ping-flood.txt"))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

(( ${LOGINS%.*} > 0 )) || fail "no login completed: the flood did not reach the worker"
grep -q " $PINGS received" "$SG_SCRATCH/ping-flood.txt" || fail "alice lost pings during the flood"
is_running client0 && [ "$(pid_of client0)" = "$CLIENT_PID" ] || fail "alice's client is gone"
refute_grep "$GW_LOG" "user $TEST_USER: closed" "gateway log (alice's session closed)"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel after the flood"
is_running gateway || fail "sslgated died"
client_stop 0
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log after stopping (sanitizers)"
exit 0
