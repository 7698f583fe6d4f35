#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Hostile and broken input against sslgated while Debian's openconnect has a
# session up: a raw TLS probe sends a bare-LF request, an oversized header,
# an entity-expansion ("billion laughs") document, an oversized and a deeply
# nested document, a CONNECT with an unknown cookie, and, after a real login
# and CONNECT, garbage on the CSTP channel. Each gets a clear error status
# (or the empty DISCONNECT), each leaves one log line naming its session
# and the problem, and openconnect's session keeps passing traffic after
# every one of them.

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"

# The probe: one connection per case, prints the first line of the answer
# (or the first frame, hex) and exits.
write_probe() {
	cat >"$SG_SCRATCH/probe.py" <<-'PY'
		import re, socket, ssl, sys
		addr, name, ca, case, user, password = sys.argv[1:7]

		def connect():
		    ctx = ssl.create_default_context(cafile=ca)
		    raw = socket.create_connection((addr, 443), timeout=10)
		    return ctx.wrap_socket(raw, server_hostname=name)

		def answer(s):
		    data = b""
		    while b"\r\n\r\n" not in data:
		        chunk = s.recv(65536)
		        if not chunk:
		            break
		        data += chunk
		    head, _, rest = data.partition(b"\r\n\r\n")
		    m = re.search(rb"(?i)content-length: *(\d+)", head)
		    need = int(m.group(1)) if m else 0
		    while len(rest) < need:
		        chunk = s.recv(65536)
		        if not chunk:
		            break
		        rest += chunk
		    return head.decode("latin-1"), rest

		def post(s, body, path="/"):
		    s.sendall(b"POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: probe\r\nContent-Length: %d\r\n\r\n"
		              % (path.encode(), name.encode(), len(body)) + body)
		    return answer(s)

		XML = b'<?xml version="1.0" encoding="UTF-8"?>\n'

		def login(s):
		    post(s, XML + b'<config-auth client="vpn" type="init"><group-select>engineering</group-select></config-auth>')
		    post(s, XML + b'<config-auth client="vpn" type="auth-reply"><auth><username>%s</username></auth>'
		         b'<group-select>engineering</group-select></config-auth>' % user.encode(), "/auth")
		    head, _ = post(s, XML + b'<config-auth client="vpn" type="auth-reply"><auth><password>%s</password>'
		                   b'</auth></config-auth>' % password.encode(), "/auth")
		    return re.search(r"Set-Cookie: webvpn=([0-9a-f]+)", head).group(1)

		def connect_tunnel(s, cookie):
		    s.sendall(b"CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: %s\r\nCookie: webvpn=%s\r\n"
		              b"X-CSTP-Version: 1\r\nX-CSTP-Base-MTU: 1500\r\n\r\n" % (name.encode(), cookie.encode()))
		    return answer(s)[0]

		s = connect()
		if case == "bare-lf":
		    s.sendall(b"GET / HTTP/1.1\nHost: x\n\n")
		    print(answer(s)[0].split("\r\n")[0])
		elif case == "big-header":
		    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
		    print(answer(s)[0].split("\r\n")[0])
		elif case == "entities":
		    body = (XML + b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;'
		            b'&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
		            b'<config-auth client="vpn" type="init">&lol3;</config-auth>')
		    print(post(s, body)[0].split("\r\n")[0])
		elif case == "big-xml":
		    # The gateway answers from the head alone and closes: a body sent after
		    # that would only earn a reset that can swallow the answer.
		    s.sendall(b"POST / HTTP/1.1\r\nHost: %s\r\nContent-Length: 70000\r\n\r\n" % name.encode()
		              + XML + b'<config-auth client="vpn" type="init"><!--')
		    print(answer(s)[0].split("\r\n")[0])
		elif case == "deep-xml":
		    body = XML + b'<config-auth client="vpn" type="init">' + b"<a>" * 100 + b"</a>" * 100 + b"</config-auth>"
		    print(post(s, body)[0].split("\r\n")[0])
		elif case == "bad-cookie":
		    print(connect_tunnel(s, "ab" * 32).split("\r\n")[0])
		elif case == "garbage-cstp":
		    head = connect_tunnel(s, login(s))
		    assert head.startswith("HTTP/1.1 200 CONNECTED"), head
		    s.sendall(b"\x00\x01 this is not a CSTP frame")
		    print(s.recv(64).hex())
		PY
}

# probe CASE: the probe's output line, from the client namespace.
probe() {
	in_ns "$NS_CLI" timeout 20 "$SG_PYTHON" "$SG_SCRATCH/probe.py" "$ADDR_GW" "$GW_NAME" \
		"$PKI_DIR/ca.pem" "$1" "$TEST_USER" "$TEST_PASS" 2>"$SG_SCRATCH/probe-$1.err"
}

# check CASE EXPECTED-ERE GATEWAY-LOG-ERE: the answer, the log line, and the
# session of openconnect still working.
check() {
	local got
	got=$(probe "$1")
	assert_match "$got" "$2" "$1: answer"
	wait_until 5 grep -Eq -- "$3" "$GLOG" || fail "$1: no gateway log line matching /$3/"
	ping_ok "$NS_CLI" "$ADDR_LAN" 1 || fail "$1: openconnect's session stopped passing traffic"
	log "$1: $got"
}

netns_up
pki_make
ocserv_write_conf
gateway_start
GLOG=$(log_of gateway)
write_probe
client_start 0
wait_tunnel 0 20 || fail "no tunnel"
ping_ok "$NS_CLI" "$ADDR_LAN" 2 || fail "no ping before the probes"

check bare-lf '^HTTP/1\.1 400 ' 'w[0-9]+/s[0-9]+ .*bad HTTP request: .*LF'
check big-header '^HTTP/1\.1 431 ' 'w[0-9]+/s[0-9]+ .*bad HTTP request: '
check entities '^HTTP/1\.1 400 ' 'w[0-9]+/s[0-9]+ .*bad login document: .*DOCTYPE'
check big-xml '^HTTP/1\.1 413 ' 'w[0-9]+/s[0-9]+ .*bad HTTP request: .*(large|long)'
check deep-xml '^HTTP/1\.1 400 ' 'w[0-9]+/s[0-9]+ .*bad login document: .*(deep|depth|nest)'
check bad-cookie '^HTTP/1\.1 401 Cookie is not acceptable$' \
	'w[0-9]+/s[0-9]+ .*CONNECT with an unknown or expired cookie'
check garbage-cstp '^5354460100000500$' 'w[0-9]+/s[0-9]+ .*garbage on the CSTP channel: header 00 01 20 74'

client_stop 0
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "every malformed input was refused and logged; the good session kept working"
exit 0
