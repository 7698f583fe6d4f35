#!/bin/bash
# SPDX-License-Identifier: ISC
#
# The bench's memory floor, sslgate-tls-floor (bench/floor), against a
# running sslgated from the client namespace, as bench/lib/fig_memory.sh
# runs it:
#   - with the harness's CA and the gateway's name it prints its handshake
#     line (TLS 1.2: the harness's config turns 1.3 off) and holds the
#     session; its memory, read with bench/lib/procs.sh as the client's is,
#     is numbers with private <= PSS <= RSS; SIGTERM ends it with 0, and so
#     does the end of --hold;
#   - with another CA, or a name the certificate does not carry, it fails
#     naming the certificate verification;
#   - against a port nobody listens on it fails naming the connect;
#   - bad arguments are refused by name, before any network step.
set -u
SRC=${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${SSLGATE_BUILD:=$SRC/build}"
GATEWAY_BIN=$SSLGATE_BUILD/gateway/sslgated
FLOOR=$SSLGATE_BUILD/bench/sslgate-tls-floor
GW_DTLS=0
. "$SRC/tests/lib/ocserv.sh"
# shellcheck source=bench/lib/procs.sh
. "$SRC/bench/lib/procs.sh"
require_root
require_cmd ip ss certtool openssl ocpasswd timeout
[ -x "$GATEWAY_BIN" ] || skip "sslgated is not built ($GATEWAY_BIN)"
[ -x "$FLOOR" ] || skip "sslgate-tls-floor is not built ($FLOOR)"

OUT=$SG_SCRATCH/floor.out
watch_log "$OUT" "floor output"

# floor_run ARGS...: the floor in the client namespace (bounded: 30 s),
# output in OUT; RC is its exit status.
floor_run() {
	in_ns "$NS_CLI" timeout 30 "$FLOOR" "$@" >"$OUT" 2>&1
	RC=$?
}

# shellcheck disable=SC2317 # called by wait_until
_said_done() {
	grep -q '^handshake done: ' "$(log_of floor)" || ! is_running floor
}

# --- arguments: refused by name, exit 2, nothing opened ------------------------------
"$FLOOR" "$GW_NAME" 443 /dev/null >"$OUT" 2>&1
assert_eq 2 $? "exit status for a host name"
assert_grep "$OUT" "bad address \(numeric IPv4 or IPv6, no names\) 'gw\.sslgate\.test'"
"$FLOOR" 198.18.1.1 65536 /dev/null >"$OUT" 2>&1
assert_eq 2 $? "exit status for port 65536"
assert_grep "$OUT" "bad port \(1-65535\) '65536'"
"$FLOOR" --hold 0 198.18.1.1 443 /dev/null >"$OUT" 2>&1
assert_eq 2 $? "exit status for --hold 0"
assert_grep "$OUT" "bad --hold"
"$FLOOR" 198.18.1.1 443 >"$OUT" 2>&1
assert_eq 2 $? "exit status for a missing CA file argument"
assert_grep "$OUT" "expected ADDRESS PORT CA_FILE, got 2 arguments"

netns_up
# shellcheck disable=SC2119 # the default PKI_DIR
pki_make
ocserv_write_conf
gateway_start
watch_log "$(log_of gateway)" gateway
CA=$PKI_DIR/ca.pem

# --- a CA file that holds no certificate: named before connecting -------------------
floor_run "$ADDR_GW" "$GW_PORT" "$PKI_DIR/server-pin.txt"
assert_eq 1 "$RC" "exit status with a CA file without certificates"
assert_grep "$OUT" "cannot read a CA certificate from .*server-pin\.txt: no PEM certificate in it"

# --- one handshake, held; memory as the bench reads it -------------------------------
spawn_in_ns "$NS_CLI" floor "$FLOOR" --hold 60 --name "$GW_NAME" "$ADDR_GW" "$GW_PORT" "$CA"
wait_until 15 _said_done
is_running floor || fail "the floor exited instead of holding"
assert_grep "$(log_of floor)" '^handshake done: TLS1\.2, [A-Z0-9-]+$' "the floor's line"
sleep 1
is_running floor || fail "the floor did not hold its session"
pid=$(pid_of floor)
rss=$(rss_kib "$pid")
read -r pss own _ <<<"$(proc_mem_kib "$pid")"
assert_match "$rss" '^[0-9]+$' "the floor's RSS (KiB)"
assert_match "${pss:-}" '^[0-9]+$' "the floor's PSS (KiB)"
assert_match "${own:-}" '^[0-9]+$' "the floor's private memory (KiB)"
if [ "$own" -gt "$pss" ] || [ "$pss" -gt "$rss" ]; then
	fail "not private <= PSS <= RSS: $own, $pss, $rss KiB"
fi
# GnuTLS with its libraries is mapped: several MiB of RSS, not a few pages.
[ "$rss" -ge 2048 ] || fail "the floor's RSS is only $rss KiB: GnuTLS not loaded?"
log "floor after one handshake: RSS $rss, PSS $pss, private $own KiB ($(cat "$(log_of floor)"))"
kill -TERM "$pid"
wait_exit floor 5 || fail "the floor ignored SIGTERM"
assert_eq 0 "$EXIT_CODE" "the floor's exit status after SIGTERM"

# --- the hold is bounded ---------------------------------------------------------------
t0=$SECONDS
floor_run --hold 1 --name "$GW_NAME" "$ADDR_GW" "$GW_PORT" "$CA"
assert_eq 0 "$RC" "exit status after --hold 1"
assert_grep "$OUT" '^handshake done: TLS1\.2, '
[ $((SECONDS - t0)) -le 10 ] || fail "--hold 1 held $((SECONDS - t0)) s"

# --- verification: another CA, another name ---------------------------------------------
floor_run --hold 5 --name "$GW_NAME" "$ADDR_GW" "$GW_PORT" "$PKI_DIR/other-ca.pem"
assert_eq 1 "$RC" "exit status with another CA"
assert_grep "$OUT" "certificate verification failed for $GW_NAME against .*other-ca\.pem: .*issuer is unknown"
refute_grep "$OUT" '^handshake done'
floor_run --hold 5 --name other.sslgate.test "$ADDR_GW" "$GW_PORT" "$CA"
assert_eq 1 "$RC" "exit status with a name the certificate lacks"
assert_grep "$OUT" "certificate verification failed for other\.sslgate\.test against .*: .*name .*does not match"
# Without --name the address is checked: the certificate carries it (pki.sh).
floor_run --hold 1 "$ADDR_GW" "$GW_PORT" "$CA"
assert_eq 0 "$RC" "exit status checking the address"

# --- a port nobody listens on -----------------------------------------------------------
port=$((GW_PORT + 1))
_listening "$NS_GW" tcp "$port" && fail "port $port is in use in the gateway namespace"
floor_run --hold 5 "$ADDR_GW" "$port" "$CA"
assert_eq 1 "$RC" "exit status against a closed port"
assert_grep "$OUT" "connect to $ADDR_GW port $port failed: Connection refused"

is_running gateway || fail "the gateway died during the test"
exit 0
