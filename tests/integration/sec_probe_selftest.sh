#!/bin/bash
# SPDX-License-Identifier: ISC
# sg-probe against sg-probe-target (tests/tools), before any gateway exists:
# each scenario must report what the target really did. The target logs its
# own decisions ("target[pid]: http invalid: 400 conflicting Content-Length"),
# the gateway namespace's firewall counts the datagrams that arrived, and the
# expected HTTP reasons are the ones lib/http gives for those inputs, so a
# probe that sends the wrong bytes or misreads the answer fails here.
. "$SSLGATE_SRC/tests/lib/netns.sh"
. "$SSLGATE_SRC/tests/lib/pki.sh"
require_root
PROBE=$SSLGATE_BUILD/tests/tools/sg-probe
TARGET=$SSLGATE_BUILD/tests/tools/sg-probe-target
require_cmd "$PROBE" "$TARGET" certtool

COOKIE=c2VsZnRlc3QtY29va2llLW9mLXRoZS1wcm9iZS10YXJnZXQ=
DTLS_ID=$(printf '%064x' 0 | tr 0 7)   # 32 bytes 0x77
HEAD_MS=2000                          # the target's head and handshake timeout

netns_up
pki_make
spawn_in_ns "$NS_GW" target "$TARGET" --listen "$ADDR_GW" --port "$GW_PORT" \
	--cert "$PKI_DIR/server.pem" --key "$PKI_DIR/server-key.pem" \
	--cookie "$COOKIE" --dtls-id "$DTLS_ID" --head-timeout-ms "$HEAD_MS" \
	--conn-timeout-ms 15000 --lifetime-s 100
TARGET_LOG=$(log_of target)
wait_until 5 grep -q listening "$TARGET_LOG" || fail "target did not start"

probe() {
	in_ns "$NS_CLI" timeout 90 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" --sni "$GW_NAME" \
		--ca "$PKI_DIR/ca.pem" "$@"
}

# ---- the probe refuses a gateway the test CA did not sign -----------------------
out=$(probe --ca "$PKI_DIR/other-ca.pem" --timeout 3000 http-get-404)
rc=$?
assert_eq 2 "$rc" "exit status with an untrusted CA"
assert_match "$out" 'outcome=error .*detail="gateway certificate not trusted' "untrusted CA"

# ---- every group at once, one probe per group (keeps the test short) -------------
udp_before=$(netns_udp_packets)
for g in tls http xml connect cstp udp; do
	spawn_in_ns "$NS_CLI" "probe-$g" timeout 90 "$PROBE" --host "$ADDR_GW" --port "$GW_PORT" \
		--sni "$GW_NAME" --ca "$PKI_DIR/ca.pem" --cookie "$COOKIE" --dtls-id "$DTLS_ID" \
		--timeout 2500 --slow-gap-ms 400 --slow-steps 40 --body-bytes 2097152 "$g"
done
for g in tls http xml connect cstp udp; do
	wait_exit "probe-$g" 95 || fail "probe-$g did not finish"
	assert_eq 0 "$EXIT_CODE" "probe-$g exit status"
done
RESULTS=$SG_SCRATCH/results.txt
cat "$(log_of probe-tls)" "$(log_of probe-http)" "$(log_of probe-xml)" \
	"$(log_of probe-connect)" "$(log_of probe-cstp)" "$(log_of probe-udp)" >"$RESULTS"
watch_log "$RESULTS" results

# line SCENARIO: the probe's line for it
line() {
	grep -E "^probe scenario=$1 " "$RESULTS" || fail "no line for $1"
}

# expect SCENARIO ERE...: its line matches every ERE
expect() {
	local s=$1 l
	shift
	l=$(line "$s")
	for re in "$@"; do
		[[ $l =~ $re ]] || fail "$s: '$l' does not match /$re/"
	done
}

# target_saw ERE [MIN]: the target logged at least MIN (1) matching lines
target_saw() {
	local n
	n=$(grep -cE -- "$1" "$TARGET_LOG")
	(( n >= ${2:-1} )) || fail "target log has $n lines matching /$1/, want >= ${2:-1}"
}

ms_of() {
	[[ $(line "$1") =~ \ ms=([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# ---- raw TLS ----------------------------------------------------------------------
expect tls-hello 'outcome=records' 'records=22'            # ServerHello is a handshake record
for s in tls-garbage tls-plain-http tls-record-oversize tls-record-empty; do
	expect "$s" 'outcome=(closed|reset|alert) '
done
target_saw 'tls handshake failed' 3
expect tls-hello-truncated 'outcome=closed ' 'cut=64/129'
ms=$(ms_of tls-hello-truncated)
(( ms >= HEAD_MS - 200 && ms < HEAD_MS + 2000 )) || fail "truncated hello closed after $ms ms"
target_saw 'tls handshake timeout'

# ---- HTTP: the reasons are lib/http's own, echoed by the target -------------------
expect http-get-404 'outcome=http status=404 reason="Not found"' 'after=open'
expect http-dup-cl 'status=400 reason="conflicting Content-Length"' 'after=closed'
target_saw 'http invalid: 400 conflicting Content-Length'
expect http-cl-chunked 'status=400 reason="Content-Length with Transfer-Encoding"' \
	'more_answers=0' 'after=closed'
refute_grep "$TARGET_LOG" 'http [A-Z]+ /smuggled' "target log (smuggled request)"
expect http-bare-lf 'status=400 reason="bare LF in head"'
expect http-negative-cl 'status=400 reason="malformed Content-Length"'
expect http-long-line 'status=431 ' 'line=65536'
expect http-header-flood 'status=431 ' 'headers=5000'
expect http-huge-cl 'status=413 reason="Content-Length too large"'
expect http-big-body 'status=413 ' 'body=2097152'
expect http-slowloris 'outcome=closed ' 'head_bytes=[0-9]+/[0-9]+'
ms=$(ms_of http-slowloris)
(( ms >= HEAD_MS - 200 && ms < HEAD_MS + 3000 )) || fail "slowloris cut after $ms ms"
[[ $(line http-slowloris) =~ head_bytes=([0-9]+)/([0-9]+) ]] &&
	(( BASH_REMATCH[1] < BASH_REMATCH[2] )) || fail "slowloris sent the whole head"

# ---- XML ----------------------------------------------------------------------------
expect xml-init 'status=200 ' 'leak=no'
expect xml-reply 'status=200 ' 'leak=no'
target_saw 'xml ok: init'
target_saw 'xml ok: auth-reply'
for s in bomb xxe deep utf16 latin1 bad-utf8; do
	expect "xml-$s" 'status=400 reason="Bad XML"' 'leak=no'
	expect "xml-$s-reply" 'status=400 reason="Bad XML"' 'leak=no'
done
expect xml-oversize 'status=413 '
target_saw 'xml (invalid input|too big)' 14

# ---- CONNECT and cookies -------------------------------------------------------------
for s in cookie-none cookie-forged cookie-empty cookie-oversize cookie-tampered \
	cookie-truncated cookie-doubled; do
	expect "$s" 'outcome=http status=401 reason="Cookie is not acceptable"' 'after=closed'
done
target_saw 'connect refused: cookie' 7
expect cookie-given 'status=200 reason="CONNECTED"' 'mtu=1390' 'address=198.19.10.2'
expect connect-mtu-0 'status=200 ' 'mtu=1390' 'base_mtu=1500'
expect connect-address-bogus 'status=200 ' 'address=198.19.10.2'

# ---- CSTP -------------------------------------------------------------------------------
expect cstp-dpd 'outcome=frames ' 'detail="DPD-RESP"' 'alive=yes'
for s in bad-magic bad-byte7 len-past-record coalesced; do
	expect "cstp-$s" 'outcome=frames ' 'detail="DISCONNECT"' 'end=closed'
done
target_saw 'cstp bad frame' 4
expect cstp-unknown-type 'outcome=timeout ' 'alive=yes'
target_saw 'cstp unknown len 3'
expect cstp-junk-data 'alive=yes'
target_saw 'cstp DATA len 200'
expect cstp-logout 'alive=yes'                 # the target does not implement logout
target_saw 'cstp DISCONNECT len 13'

# ---- UDP: the gateway's firewall counted what the probe says it sent ----------------------
for s in udp-garbage dtls-hello-unknown dtls-hello-unknown-legacy dtls-hello-truncated \
	dtls-appdata-forged; do
	expect "$s" 'outcome=silent ' 'answers=0'
done
expect dtls-hello-known 'outcome=datagram ' 'answers=1'
expect dtls-hello-replay 'outcome=datagram ' 'answers=5'
target_saw 'udp drop' 14
target_saw 'udp hello for the known session' 6
udp_after=$(netns_udp_packets)
# 8 garbage + 1 + 1 + 1 + 3 forged + 1 known + 5 replays
assert_eq 20 "$(( udp_after - udp_before ))" "datagrams counted by the gateway firewall"

# ---- nothing listening: refused, not a hang ---------------------------------------------
out=$(probe --port 4444 --timeout 2000 http-get-404 udp-garbage)
assert_match "$out" 'scenario=http-get-404 outcome=refused ' "TCP to a closed port"
assert_match "$out" 'scenario=udp-garbage outcome=(refused|silent) ' "UDP to a closed port"

is_running target || fail "the target died"
assert_eq 64 "$(grep -c "^probe scenario=" "$RESULTS")" "probe lines"
log "all 64 probe lines as expected"
exit 0
