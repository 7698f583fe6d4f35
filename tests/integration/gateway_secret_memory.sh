#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Where a user's password lives in sslgated's memory after a login. Each
# stage below sends a password of its own (a fixed prefix and 24 random hex
# digits, last); then every sslgated process (the parent, authd and each
# worker: the process tree under the gateway's PID) is read whole (every
# readable private mapping, through /proc/PID/mem, the process stopped
# meanwhile) and the password's random part counted, each hit printed with
# its mapping and what holds it:
#   tunnel   Debian's openconnect logs alice in (the password round, over
#            TLS), sends CONNECT on the same connection, brings DTLS up and
#            pings through it. Her password is padded so that it ends
#            further into the auth-reply request than the CONNECT request
#            that follows reaches: a request left in the session's input
#            buffer would survive it.
#   login    openconnect --authenticate logs bob in and hangs up: the
#            session, its input buffer and its TLS session are freed.
#   refused  a POST whose chunked body holds a password is refused (411)
#            and its connection closed unread.
# What is asserted:
#   parent, authd: no copy at all, in every stage (authd wipes the login
#     message, crypt's data and the password file entry; the privsep
#     channels wipe what they carried).
#   workers: at most one copy on the heap, GnuTLS's. Each record's
#     plaintext is decrypted into a block of GnuTLS's own (an mbuffer),
#     freed unwiped once read (the last ones by gnutls_deinit); the record
#     that carried the password leaves at most that one copy, which stays
#     until the allocator hands the block out again. Our own buffers hold
#     none: a served request is wiped out of the session's input buffer
#     (http_serve.c), the whole buffer again when the session is freed
#     (session.c: a refused request is never "served"); the login's fields,
#     the message to authd and libxml2's blocks are wiped as well. While
#     the session lives (tunnel) the one copy allowed must also sit in a
#     GnuTLS record block: the input buffer is alive then, so nothing of
#     GnuTLS's can have been allocated over it.
#   worker stacks: none. A refused request's tail used to show up there in
#     some runs: the loader's lazy-binding resolver saved the vector
#     registers, still holding what memcpy last moved, on the first call
#     into GnuTLS after it (gnutls_bye); the programs are linked with
#     -z now since (meson.build).
# Telling GnuTLS's blocks from ours is a heuristic (tests/lib/secret_scan.py
# --holders), printed with each hit: the hit lies in the data of a block
# that starts with GnuTLS 3.7's record header (struct mbuffer_st), found
# from the header's own pointer to its data or, once the allocator has
# reused that word, by walking glibc's heap. It says where a copy sits now,
# not who wrote it: a later GnuTLS block allocated over a freed buffer of
# ours looks the same. Hence the bound of one heap copy per worker, which
# holds whoever wrote it.

set -u
: "${SG_TEST_TIMEOUT:=180}"
random_part() {
	od -An -tx1 -N12 /dev/urandom | tr -d ' \n'
}
SECRET1=$(random_part) SECRET2=$(random_part) SECRET3=$(random_part)
# 180 bytes of padding put alice's random part well past the end of
# openconnect's CONNECT request (about 1 KiB) in the input buffer.
PAD=$(printf 'p%.0s' {1..180})
TEST_PASS=sslgated-memory-canary-$PAD-$SECRET1
TEST_PASS2=sslgated-memory-canary-$SECRET2
REFUSED_PASS=sslgated-memory-canary-$SECRET3
REQUIRE_CMDS="ip iptables ping ss certtool ocpasswd od /usr/sbin/openconnect"
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd "$SG_PYTHON"

# copies PID LABEL PASSWORD SECRET: prints "OURS GNUTLS STACK", the
# occurrences of SECRET (PASSWORD's random part) in PID's memory, PID
# stopped meanwhile: outside any GnuTLS record buffer, in one, and on a stack.
# A mapping of 1 GiB or more, a sanitizer's shadow, is left out.
copies() {
	local pid=$1 label=$2 out c
	kill -STOP "$pid" || fail "$label: pid $pid is gone"
	out=$(SCAN_PASSWORD=$3 SCAN_SECRET=$4 \
		"$SG_PYTHON" "$SG_LIB/secret_scan.py" --holders --label "$label" "$pid")
	kill -CONT "$pid"
	read -r -a c <<<"${out:-none none none}"
	log "$label: copies of the password: ${c[0]} ours or unknown, ${c[1]} in GnuTLS's" \
		"record buffers, ${c[2]} on a stack"
	echo "${out:-none none none}"
}

# processes: the gateway's processes as "ROLE PID" lines, from its log (a
# respawned child: its last start).
processes() {
	local gw
	gw=$(pid_of gateway) || fail "no gateway pid"
	echo "parent $gw"
	sed -nE 's/.*authd started \(pid ([0-9]+)\).*/authd \1/p
		s/.*worker ([0-9]+) started \(pid ([0-9]+)\).*/worker\1 \2/p' "$GWLOG" |
		awk '{ last[$1] = $2 } END { for (r in last) print r, last[r] }'
}

# check_all STAGE PASSWORD SECRET: no copy at all in the parent
# and authd. In a worker, at most one on the heap (GnuTLS's plaintext of the
# record that carried the password), and none that is not in a GnuTLS
# record buffer while the session that received it is alive (stage tunnel);
# none on its stack. Every child of
# the gateway is scanned (the log names them, /proc must agree).
check_all() {
	local stage=$1 role pid n=0 ours gnutls stack kids gw
	gw=$(pid_of gateway)
	kids=" $(cat "/proc/$gw/task/"*/children 2>/dev/null) "
	while read -r role pid; do
		[ "$role" = parent ] || [[ $kids == *" $pid "* ]] ||
			fail "$stage: $role (pid $pid) is not a child of the gateway"
		read -r ours gnutls stack <<<"$(copies "$pid" "$stage: $role" "$2" "$3")"
		case $role in
		parent | authd)
			assert_eq 0 "$((ours + gnutls + stack))" "$stage: copies in $role"
			;;
		*)
			[ "$((ours + gnutls))" -le 1 ] ||
				fail "$stage: $((ours + gnutls)) copies on $role's heap (GnuTLS's: 1 at most)"
			[ "$stage" != tunnel ] ||
				assert_eq 0 "$ours" "$stage: copies in $role outside GnuTLS's record buffers"
			assert_eq 0 "$stack" "$stage: copies on $role's stack"
			;;
		esac
		n=$((n + 1))
	done < <(processes)
	assert_eq "$(wc -w <<<"$kids")" "$((n - 1))" "$stage: the gateway's children scanned"
}

# refused_post PASSWORD: a login POST with a chunked body, which the gateway
# refuses (411) before reading the body; waits for the answer.
refused_post() {
	in_ns "$NS_CLI" "$SG_PYTHON" - "$ADDR_GW" "$GW_NAME" "$PKI_DIR/ca.pem" "$1" <<-'PY'
		import socket, ssl, sys
		addr, name, ca, password = sys.argv[1:5]
		body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" "
		        "type=\"auth-reply\"><auth><password>%s</password></auth></config-auth>"
		        % password).encode()
		ctx = ssl.create_default_context(cafile=ca)
		with socket.create_connection((addr, 443), timeout=10) as raw:
		    with ctx.wrap_socket(raw, server_hostname=name) as s:
		        s.sendall(b"POST / HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n"
		                  b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
		                  b"%x\r\n%s\r\n0\r\n\r\n" % (name.encode(), len(body), body))
		        answer = s.recv(4096)
		if not answer.startswith(b"HTTP/1.1 411 "):
		    sys.exit("the gateway said: %r" % answer.split(b"\r\n")[0])
	PY
}

netns_up
pki_make
ocserv_write_conf
gateway_start
GWLOG=$(log_of gateway)
for s in "$SECRET1" "$SECRET2" "$SECRET3"; do
	[ ${#s} = 24 ] || fail "the passwords must be distinctive"
done

# tunnel: alice logged in, CONNECT, DTLS up, one echo through the tunnel.
client_start 0
wait_tunnel 0 20 || fail "tunnel: no tunnel"
client_wait_log 0 'Established DTLS connection' 10 || fail "tunnel: DTLS did not come up"
wait_until 8 ping_ok "$NS_CLI" "$ADDR_LAN" || fail "tunnel: no echo through the tunnel"
assert_grep "$GWLOG" "user alice logged in"
check_all tunnel "$TEST_PASS" "$SECRET1"

# login: bob logs in and hangs up; his session is freed.
CLIENT_USER=$TEST_USER2 CLIENT_PASS=$TEST_PASS2 CLIENT_AUTHGROUP=sales \
	client_start 1 --authenticate
wait_exit client1 20 || fail "login: openconnect --authenticate did not finish"
assert_eq 0 "$EXIT_CODE" "login: exit status of openconnect --authenticate"
assert_grep "$(log_of client1)" "^COOKIE="
wait_until 5 grep -q "user bob: closed in AUTH" "$GWLOG" ||
	fail "login: the gateway did not close bob's session"
check_all login "$TEST_PASS2" "$SECRET2"

# refused: the request is answered 411 and its connection closed.
refused_post "$REFUSED_PASS" || fail "refused: no 411"
wait_until 5 grep -q "chunked request bodies are not accepted" "$GWLOG" ||
	fail "refused: not logged"
sleep 1 # the closed session lingers 0.5 s before it is freed
check_all refused "$REFUSED_PASS" "$SECRET3"

client_stop 0
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "no copy of a password in sslgated's own buffers after a tunnel, a login and a refusal"
exit 0
