#!/bin/bash
# SPDX-License-Identifier: ISC
#
# max-handshakes-per-ip (docs/security.md, issue 8), one worker, cap 10:
#   - a second address of the client namespace (ADDR_FLOOD) opens FLOOD
#     silent TCP connections at once: the worker holds 10 in its TLS phase
#     and closes the others right after accept (an immediate EOF for the
#     flooder), logging the count and the address once;
#   - meanwhile openconnect, from the namespace's first address, still logs
#     in, gets a tunnel and passes traffic;
#   - the flood gone, ADDR_FLOOD may connect again (the count is released).
set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
GW_EXTRA_CONF="workers = 1
max-handshakes = 100
max-handshakes-per-ip = 10"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd "$SG_PYTHON"

FLOOD=30 CAP=10 ADDR_FLOOD=198.18.1.3
_in_test_range "$ADDR_FLOOD" || fail "ADDR_FLOOD outside 198.18.0.0/15"

# A flooder in python: N connections from SRC, at once, silent; after 1 s it
# prints "open=X closed=Y" (closed: EOF or reset from the gateway), then
# holds what is open for HOLD seconds. Every wait is bounded.
FLOODER='
import socket, sys, time
src, dst, port, n, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
socks = []
for _ in range(n):
    s = socket.socket()
    s.settimeout(5)
    s.bind((src, 0))
    s.connect((dst, port))
    socks.append(s)
time.sleep(1)
open_, closed = 0, 0
for s in socks:
    s.settimeout(0.05)
    try:
        closed += s.recv(1) == b""
    except socket.timeout:
        open_ += 1
    except OSError:
        closed += 1
print("open=%d closed=%d" % (open_, closed), flush=True)
time.sleep(hold)
'

# flood_result NAME: the "open=X closed=Y" line of that flooder, once printed
flood_result() {
	grep -Eo 'open=[0-9]+ closed=[0-9]+' "$(log_of "$1")" 2>/dev/null
}

netns_up
in_ns "$NS_CLI" ip addr add "$ADDR_FLOOD/24" dev eth0 || fail "cannot add $ADDR_FLOOD"
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
GW_LOG=$(log_of gateway)

# ---- one source floods past its cap ---------------------------------------------------------
spawn_in_ns "$NS_CLI" flood "$SG_PYTHON" -c "$FLOODER" "$ADDR_FLOOD" "$ADDR_GW" "$GW_PORT" "$FLOOD" 20
wait_until 10 flood_result flood || fail "the flooder did not report"
[[ $(flood_result flood) =~ open=([0-9]+)\ closed=([0-9]+) ]] || fail "the flood did not report"
assert_eq "$CAP" "${BASH_REMATCH[1]}" "flood connections the gateway kept (max-handshakes-per-ip)"
assert_eq "$((FLOOD - CAP))" "${BASH_REMATCH[2]}" "flood connections shed at once"

# ---- while it holds its cap, another address logs in and gets a tunnel -----------------------
client_start 0
wait_tunnel 0 || fail "openconnect (from $ADDR_CLI) got no tunnel while $ADDR_FLOOD flooded"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through the tunnel during the flood"
is_running flood || fail "the flooder ended early: the tunnel came after the flood"
wait_until 3 grep -q 'new connection(s) from' "$GW_LOG"
assert_grep "$GW_LOG" "worker 0: shed $((FLOOD - CAP)) new connection\\(s\\) from 1 source\\(s\\) in the last second \\($((FLOOD - CAP)) in all\\), most from $ADDR_FLOOD: $CAP of its connections" \
	"gateway log (the per-source shed count)"
(( $(grep -c 'new connection(s) from' "$GW_LOG") == 1 )) || fail "more than one log line for one flood"
refute_grep "$GW_LOG" "max-handshakes [0-9]" "gateway log (the global cap was not the one hit)"

# ---- the flood gone, its address may connect again -------------------------------------------
stop_proc flood
spawn_in_ns "$NS_CLI" again "$SG_PYTHON" -c "$FLOODER" "$ADDR_FLOOD" "$ADDR_GW" "$GW_PORT" 1 0
wait_until 10 flood_result again || fail "the second connection did not report"
assert_eq "open=1 closed=0" "$(flood_result again)" "a connection from $ADDR_FLOOD after the flood"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no traffic through the tunnel at the end"
is_running gateway || fail "sslgated died"
client_stop 0
gateway_stop
refute_grep "$GW_LOG" 'ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:|SUMMARY: ' \
	"gateway log after stopping (sanitizers)"
exit 0
