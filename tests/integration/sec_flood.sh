#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Floods against sslgated (one worker, max-handshakes = 20, max-same-clients
# = 1) while openconnect holds a tunnel as alice:
#   - 60 TCP connections opened at once and left silent (no ClientHello):
#     the worker holds 20 in its TLS phase and closes the other 40 at once
#     (seen from the flooder as an immediate EOF), logging the count once;
#     alice's pings all pass during the flood
#   - the flood gone, a new login works again (the cap is released)
#   - a second login of alice is refused (max-same-clients)
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
# one source floods: the per-source cap is off here (sec_flood_source.sh tests it)
GW_EXTRA_CONF="workers = 1
max-handshakes = 20
max-handshakes-per-ip = 0"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

FLOOD=60 CAP=20
# login USER PASS GROUP: openconnect --authenticate; prints the webvpn cookie
login() {
	printf '%s\n' "$2" | in_ns "$NS_CLI" timeout 20 /usr/sbin/openconnect --authenticate \
		--protocol=anyconnect --servercert "$SERVER_PIN" --user "$1" --passwd-on-stdin \
		--non-inter --authgroup "$3" "$GW_URL" 2>>"$SG_SCRATCH/auth.log" |
		grep '^COOKIE=' | tr -d "'" | tr ';' '\n' | sed -n 's/^ *\(COOKIE=\)\{0,1\}webvpn=//p'
}

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
sed -i 's/^max-same-clients = .*/max-same-clients = 1/' "$GW_CONF"
grep -q '^max-same-clients = 1$' "$GW_CONF" || fail "cannot set max-same-clients"
gateway_start
GW_LOG=$(log_of gateway)
watch_log "$SG_SCRATCH/auth.log" auth

client_start 0
wait_tunnel 0 || fail "openconnect got no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel before the flood"

# ---- the flood: FLOOD silent connections from one bash, each checked for EOF ------------
in_ns "$NS_CLI" ping -n -i 0.1 -c 60 -W 1 "$ADDR_LAN" >"$SG_SCRATCH/ping.txt" 2>&1 &
PINGER=$!
on_exit "kill $PINGER 2>/dev/null"
# shellcheck disable=SC2016 # the inner bash expands its own variables
# prints "open=N closed=M": closed = the gateway ended it within 1 s (EOF)
in_ns "$NS_CLI" timeout 30 bash -c '
	fds=()
	for ((i = 0; i < '"$FLOOD"'; i++)); do
		exec {fd}<>"/dev/tcp/'"$ADDR_GW/$GW_PORT"'" || exit 2
		fds+=("$fd")
	done
	sleep 1
	open=0 closed=0
	for fd in "${fds[@]}"; do
		if read -r -t 0.05 -u "$fd" _; [ $? -gt 128 ]; then
			open=$((open + 1))
		else
			closed=$((closed + 1))
		fi
	done
	echo "open=$open closed=$closed"
	sleep 4' >"$SG_SCRATCH/flood.txt" 2>&1
cat "$SG_SCRATCH/flood.txt"
watch_log "$SG_SCRATCH/flood.txt" flood
wait "$PINGER"
watch_log "$SG_SCRATCH/ping.txt" ping
[[ $(cat "$SG_SCRATCH/flood.txt") =~ open=([0-9]+)\ closed=([0-9]+) ]] || fail "the flood did not report"
assert_eq "$CAP" "${BASH_REMATCH[1]}" "flood connections the gateway kept (max-handshakes)"
assert_eq "$((FLOOD - CAP))" "${BASH_REMATCH[2]}" "flood connections shed at once"
grep -q ' 60 received' "$SG_SCRATCH/ping.txt" || fail "alice lost pings during the flood"
assert_grep "$GW_LOG" "worker 0: shed $((FLOOD - CAP)) new connection\\(s\\) in the last second \\($((FLOOD - CAP)) in all\\)" \
	"gateway log (the shed count)"
(( $(grep -c 'shed [0-9]* new connection' "$GW_LOG") == 1 )) || fail "more than one log line for one flood"

# ---- afterwards: the cap is released; alice may not log in twice ---------------------------
[ -n "$(login "$TEST_USER2" "$TEST_PASS2" sales)" ] || fail "no login after the flood"
[ -z "$(login "$TEST_USER" "$TEST_PASS" engineering)" ] ||
	fail "alice logged in a second time (max-same-clients = 1)"
assert_grep "$GW_LOG" "too many sessions" "gateway log (max-same-clients)"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through alice's tunnel at the end"
is_running gateway || fail "sslgated died"
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|runtime error:' "gateway log (sanitizers)"
client_stop 0
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log after stopping (sanitizers)"
exit 0
