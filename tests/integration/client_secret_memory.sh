#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Where the --passwd-on-stdin password lives in sslgate's memory. The
# client is given, on standard input, a password of its own (a fixed
# prefix and 24 random hex digits) and a second line after it. Its memory is
# then read whole (every readable private mapping, through /proc/PID/mem,
# the client stopped meanwhile) and the password's random part counted:
# a block freed unwiped keeps it even when the allocator has written its
# own pointers over the block's first 16 bytes (the prefix is longer).
#   login    the TCP handshake to the gateway held back, so the client has
#            read its stdin and waits with its XML parser child alive:
#            stdin read up to the password's LF and no further (the second
#            line is still unread), one copy in the client (main's
#            struct stdin_secrets, which the login borrows), none in the
#            parser child (forked before stdin was read);
#   tunnel   the tunnel up over DTLS and a ping through it: no copy left
#            (the login wiped main's once it answered the password field;
#            the answer form, the XML body, the request and the heap strings
#            of the reply are all wiped);
#   TLS only UDP to the gateway blocked: once the first DTLS attempt is
#            given up, none either.
# Before the password was read from the descriptor, stdio's 4 KiB block
# of standard input (heap) kept a second copy for the whole session, and
# main's copy stayed until the client exited.

set -u
GATEWAY_KIND=sslgated
: "${SG_TEST_TIMEOUT:=180}"
SECRET=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
TEST_PASS=sslgate-memory-canary-$SECRET
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/sslgate_client.sh"
require_cmd ping od

# Before the login: one copy, main's struct stdin_secrets (client/main.c).
# The login borrows it and wipes it once it has answered the password field
# (nothing reads it again: a refused cookie ends the session, a reconnect
# presents the cookie only), so a logged-in client holds none.
COPIES_BEFORE_LOGIN=1
COPIES_LOGGED_IN=0

# copies PID LABEL: the occurrences of the password's random part in PID's
# memory (every readable private mapping but a sanitizer's shadow, read by
# secret_scan.py), PID stopped while it is read; each is logged with its
# mapping, as a whole copy or the remains of one.
copies() {
	local pid=$1 n
	kill -STOP "$pid"
	n=$(SCAN_PASSWORD=$TEST_PASS SCAN_SECRET=$SECRET \
		"$SG_PYTHON" "$SG_LIB/secret_scan.py" --label "$2" "$pid")
	kill -CONT "$pid"
	log "$2: $n copies of the password"
	echo "${n:-none}"
}

# parser_child PID: the client's one child, the XML parser.
parser_child() {
	local kids
	kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
	[ -n "$kids" ] && [ "$(wc -w <<<"$kids")" = 1 ] && echo "${kids// /}"
}

stdin_pos() {
	awk '/^pos:/ { print $2 }' "/proc/$1/fdinfo/0" 2>/dev/null
}

# start_client: sslgate with --passwd-on-stdin, its stdin a file holding
# the password line and one more (unlinked once open, as client_start does).
start_client() {
	local in=$SG_SCRATCH/stdin fd
	(umask 077 && printf '%s\n%s\n' "$TEST_PASS" "not-for-sslgate" >"$in")
	exec {fd}<"$in"
	rm -f "$in"
	_client_args 0
	spawn_in_ns --stdin "/dev/fd/$fd" "$NS_CLI" client0 \
		"$CLIENT_BIN" "${CLIENT_ARGS[@]}" "$GW_URL"
	exec {fd}<&-
	PID=$SPAWN_PID
}

# The client has read its password line (or, reading ahead, more).
# shellcheck disable=SC2317 # called through wait_until
has_read_password() {
	local pos
	pos=$(stdin_pos "$PID")
	[ "${pos:-0}" -ge "$(( ${#TEST_PASS} + 1 ))" ] && parser_child "$PID" >/dev/null
}

tunnel_and_ping() {
	wait_tunnel 0 20 || fail "$1: no tunnel"
	wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "$1: no echo through the tunnel"
}

stop_client() {
	kill -TERM "$PID"
	wait_exit client0 10 || fail "the client did not exit after SIGTERM"
}

netns_up
pki_make
gateway_start
[ ${#TEST_PASS} -ge 24 ] || fail "the password must be distinctive"

# login: the gateway drops the client's SYNs until the scan is done.
_ipt -I INPUT 1 -p tcp --dport "$GW_PORT" --syn -m comment --comment sslgate-syn-hold -j DROP
start_client
wait_until 10 has_read_password || fail "login: the client did not read its password"
child=$(parser_child "$PID")
login_copies=$(copies "$PID" login)
assert_eq 0 "$(copies "$child" login-parser)" "login: copies in the parser child"
assert_eq "$(( ${#TEST_PASS} + 1 ))" "$(stdin_pos "$PID")" "login: stdin read past the LF"
assert_eq "$COPIES_BEFORE_LOGIN" "$login_copies" "login: copies in the client"
_ipt -D INPUT -p tcp --dport "$GW_PORT" --syn -m comment --comment sslgate-syn-hold -j DROP

# tunnel: up, DTLS too, one echo through it.
tunnel_and_ping tunnel
client_wait_log 0 'DTLS: connecting -> up' 10 || fail "tunnel: DTLS did not come up"
assert_eq "$(( ${#TEST_PASS} + 1 ))" "$(stdin_pos "$PID")" "tunnel: stdin read past the password"
assert_eq "$COPIES_LOGGED_IN" "$(copies "$PID" tunnel)" "tunnel: copies in the client"
stop_client

# TLS only: the first DTLS attempt (35 s) given up.
netns_block_udp
start_client
tunnel_and_ping tls-only
client_wait_log 0 'DTLS: connecting -> waiting' 45 || fail "TLS only: DTLS was not given up"
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "TLS only: no echo through the tunnel"
assert_eq "$COPIES_LOGGED_IN" "$(copies "$PID" tls-only)" "TLS only: copies in the client"
stop_client
netns_unblock_udp

gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "the password on stdin: read to its LF only, one copy in the client, none in the parser child"
exit 0
