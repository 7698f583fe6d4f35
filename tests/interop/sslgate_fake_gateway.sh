#!/bin/bash
# SPDX-License-Identifier: ISC
#
# sslgate against a small fake gateway of this test's own (Python's ssl
# module, canned answers, one scenario per run), for what a real gateway
# does not do on request:
#  - hostile or broken answers (malformed XML, an entity bomb, oversized
#    headers, a body cut short, not HTTP at all, CONNECT answered without an
#    MTU, with a redirect, with HTTP/1.0, with a broken CSTP frame, with 503):
#    each ends with a clear error and a plain exit status, never a crash (the
#    same script in the ASan build turns any memory error into a failure);
#  - the ASA's way of login failure (200, <error id="88"> and the form again)
#    followed by a successful retry, the opaque echoed, the session cookie
#    taken from <session-token>; then the data channel: a DPD request the
#    client must echo, then the gateway's DISCONNECT.

set -u
. "${SSLGATE_SRC:-$(dirname "$0")/../..}/tests/lib/netns.sh"
. "$SG_LIB/pki.sh"
CLIENT_BIN=$SSLGATE_BUILD/client/sslgate
require_root
require_cmd ip python3 certtool openssl
[ -x "$CLIENT_BIN" ] || skip "sslgate is not built ($CLIENT_BIN)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

export HOME=$SG_SCRATCH/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"
FAKE=$SG_SCRATCH/fakegw.py

cat >"$FAKE" <<'PY'
# The fake gateway: fakegw.py ADDR PORT CERT KEY SCENARIO. Serves connections
# one after the other until killed; every socket operation times out.
import socket, ssl, struct, sys

addr, port, cert, key, scenario = sys.argv[1:6]
OCSERV_FORM = b'''<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request">
<version who="sg">0.1(1)</version>
<auth id="main">
<message>Please enter your username.</message>
<form method="post" action="/auth">
<input type="text" name="username" label="Username:" />
</form></auth>
</config-auth>
'''
ASA_FORM = '''<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="auth-request" aggregate-auth-version="2">
<opaque is-for="sg"><tunnel-group>ENG</tunnel-group><group-alias>eng</group-alias><aggauth-handle>42</aggauth-handle><config-hash>1</config-hash></opaque>
<auth id="main"><title>Login</title>
<message>Please enter your username and password.</message>
{error}
<form>
<input type="text" name="username" label="Username:"></input>
<input type="password" name="password" label="Password:"></input>
<select name="group_list" label="GROUP:"><option selected="true">eng</option><option>ops</option></select>
</form></auth></config-auth>
'''
ASA_COMPLETE = b'''<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="complete" aggregate-auth-version="2">
<session-id>4096</session-id>
<session-token>FAKE-TOKEN@4096@ABCDEF</session-token>
<auth id="success"><message id="0" param1="" param2=""></message></auth>
</config-auth>
'''
CONNECT_OK = (b'HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\nX-CSTP-Address: 198.19.10.77\r\n'
              b'X-CSTP-Netmask: 255.255.255.0\r\nX-CSTP-DPD: 30\r\nX-CSTP-Keepalive: 20\r\n'
              b'X-CSTP-MTU: 1399\r\n')

def answer(status, body=b'', extra=b''):
    return (b'HTTP/1.1 ' + status + b'\r\nContent-Type: text/xml\r\n' + extra +
            b'Content-Length: %d\r\n\r\n' % len(body) + body)

def read_request(s):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None, None
        data += chunk
    head, _, body = data.partition(b'\r\n\r\n')
    length = 0
    for line in head.split(b'\r\n')[1:]:
        name, _, value = line.partition(b':')
        if name.strip().lower() == b'content-length':
            length = int(value)
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return head, body

def frame(kind, payload=b''):
    return b'STF\x01' + struct.pack('>HBB', len(payload), kind, 0) + payload

def log(text):
    print(text, flush=True)

def tunnel(s, first):
    # A DPD request the client must echo, then the end of the session.
    s.sendall(first)
    s.sendall(frame(3, b'fake-dpd-probe'))
    s.settimeout(5)
    got = b''
    try:
        while True:
            # Skip whatever else the client sends (data packets) until the echo.
            while len(got) >= 8 and len(got) >= 8 + struct.unpack('>H', got[4:6])[0]:
                n = 8 + struct.unpack('>H', got[4:6])[0]
                if got[:n] == frame(4, b'fake-dpd-probe'):
                    log('dpd echoed')
                    s.sendall(frame(5))
                    return
                got = got[n:]
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    log('dpd not echoed')
    s.sendall(frame(5))

def on_connect(s, req):
    if scenario == 'connect-no-mtu':
        s.sendall(b'HTTP/1.1 200 CONNECTED\r\nX-CSTP-Address: 198.19.10.77\r\n\r\n')
    elif scenario == 'connect-redirect':
        s.sendall(b'HTTP/1.1 302 Found\r\nLocation: https://elsewhere.test/\r\nContent-Length: 0\r\n\r\n')
    elif scenario == 'connect-http10':
        s.sendall(CONNECT_OK.replace(b'HTTP/1.1', b'HTTP/1.0') + b'\r\n')
    elif scenario == 'connect-bad-frame':
        s.sendall(CONNECT_OK + b'\r\n')
        s.sendall(b'XXXXXXXXXXXXXXXXXXXXXXXX')
    elif scenario == 'connect-503':
        s.sendall(b'HTTP/1.1 503 Service Unavailable\r\nX-Reason: no addresses left in the pool\r\nContent-Length: 0\r\n\r\n')
    elif scenario == 'connect-huge-frame':
        s.sendall(CONNECT_OK + b'\r\n')
        s.sendall(b'STF\x01\xff\xff\x00\x00' + b'A' * 1000)
    else:
        tunnel(s, CONNECT_OK + b'X-CSTP-Banner: Welcome%20to%20the%20fake\r\n\r\n')

def on_post(s, head, body):
    if scenario == 'malformed-xml':
        s.sendall(answer(b'200 OK', b'<config-auth client="vpn" type="auth-request"><auth id="main"><form>'))
    elif scenario == 'entity-bomb':
        bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                b'<config-auth client="vpn" type="auth-request"><auth id="main">&lol2;</auth></config-auth>')
        s.sendall(answer(b'200 OK', bomb))
    elif scenario == 'huge-header':
        s.sendall(answer(b'200 OK', OCSERV_FORM, b'X-Filler: ' + b'a' * 100000 + b'\r\n'))
    elif scenario == 'many-headers':
        s.sendall(answer(b'200 OK', OCSERV_FORM, b''.join(b'X-H%d: v\r\n' % i for i in range(1000))))
    elif scenario == 'huge-body':
        s.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n<?xml')
    elif scenario == 'truncated':
        s.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<?xml version="1.0"?><config-auth')
        s.close()
    elif scenario == 'not-http':
        s.sendall(b'\x16\x03\x01 this is not an answer\r\n\r\n')
    elif scenario == 'asa-retry':
        if b'type="init"' in body:
            s.sendall(answer(b'200 OK', ASA_FORM.format(error='').encode()))
        elif b'<opaque is-for="sg"><tunnel-group>ENG' not in body:
            s.sendall(answer(b'200 OK', b'<?xml version="1.0"?><config-auth client="vpn" type="auth-request"><auth id="main"><error>opaque not echoed</error></auth></config-auth>'))
        elif b'<password>right</password>' in body and b'<group-select>eng</group-select>' in body:
            s.sendall(answer(b'200 OK', ASA_COMPLETE))
        else:
            err = '<error id="88" param1="" param2="">Login failed.</error>'
            s.sendall(answer(b'200 OK', ASA_FORM.format(error=err).encode()))
    else:
        s.sendall(answer(b'404 Not found'))

def serve(s):
    while True:
        head, body = read_request(s)
        if head is None:
            return
        log(head.split(b'\r\n')[0].decode())
        if head.startswith(b'CONNECT'):
            on_connect(s, head)
            return
        on_post(s, head, body)
        if scenario in ('truncated',):
            return

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, int(port)))
srv.listen(4)
log('listening')
while True:
    conn, _ = srv.accept()
    conn.settimeout(10)
    try:
        with ctx.wrap_socket(conn, server_side=True) as s:
            serve(s)
    except (OSError, ssl.SSLError) as e:
        log('connection ended: %s' % e)
PY

# scenario NAME ERE [CLIENT-ARGS...]: the fake gateway plays NAME; the client
# must end by itself with status 1 or 2 (not killed by a signal, no
# sanitizer report) and say ERE; no tun may be left.
scenario() {
	local name=$1 want=$2 log
	shift 2
	spawn_in_ns "$NS_GW" "fake-$name" python3 "$FAKE" "$ADDR_GW" "$GW_PORT" \
		"$PKI_DIR/server.pem" "$PKI_DIR/server-key.pem" "$name"
	wait_until 5 grep -q '^listening' "$(log_of "fake-$name")" || fail "$name: the fake did not listen"
	printf 'alice\nright\n' >"$SG_SCRATCH/$name.in"
	local inter=--non-inter
	[ "${NONINTER:-1}" = 1 ] || inter=-v
	spawn_in_ns --stdin "$SG_SCRATCH/$name.in" "$NS_CLI" "client-$name" "$CLIENT_BIN" \
		"$inter" --servercert "$SERVER_PIN" -i sgc0 -s "$SG_LIB/vpnc-script-noroute.sh" \
		-v "$@" "$GW_URL"
	wait_exit "client-$name" 40 || fail "$name: the client is still running"
	log=$(log_of "client-$name")
	[ "$EXIT_CODE" = 1 ] || [ "$EXIT_CODE" = 2 ] || fail "$name: exit status $EXIT_CODE"
	assert_grep "$log" "$want" "$name: client log"
	refute_grep "$log" 'Sanitizer|runtime error|Segmentation' "$name: client log"
	refute in_ns "$NS_CLI" ip link show dev sgc0 2>/dev/null
	stop_proc "fake-$name"
	log "$name: ended with status $EXIT_CODE"
}

LOGIN=(-u alice --passwd-on-stdin)
COOKIE=(--cookie FAKE-TOKEN@4096@ABCDEF)

netns_up
pki_make

scenario malformed-xml 'neither aggregate-auth XML nor a login form' "${LOGIN[@]}"
scenario entity-bomb 'neither aggregate-auth XML nor a login form' "${LOGIN[@]}"
scenario huge-header 'no usable answer from the gateway: ' "${LOGIN[@]}"
scenario many-headers 'no usable answer from the gateway: ' "${LOGIN[@]}"
scenario huge-body 'no usable answer from the gateway: ' "${LOGIN[@]}"
scenario truncated 'no usable answer from the gateway: the gateway closed the connection' "${LOGIN[@]}"
scenario not-http 'no usable answer from the gateway: ' "${LOGIN[@]}"
scenario connect-no-mtu 'CONNECT answer is unusable: no usable MTU' "${COOKIE[@]}"
scenario connect-redirect 'refused CONNECT: HTTP 302' "${COOKIE[@]}"
scenario connect-http10 'CONNECT answer is not a tunnel' "${COOKIE[@]}"
scenario connect-503 "the gateway's reason: no addresses left in the pool" "${COOKIE[@]}"
scenario connect-bad-frame 'malformed CSTP frame' "${COOKIE[@]}"
scenario connect-huge-frame 'malformed CSTP frame' "${COOKIE[@]}"

# ASA-style failure then success; the tunnel comes up and the gateway ends it.
# The first stdin line is the wrong password, the second answers the prompt.
NONINTER=0 scenario asa-retry 'session ended by the gateway' -u alice --passwd-on-stdin \
	--authgroup eng
log=$(log_of client-asa-retry)
assert_grep "$log" 'error: Login failed\.' "asa-retry: the gateway's error shown"
refute_grep "$log" 'opaque not echoed' "asa-retry: opaque"
assert_grep "$log" 'phase CONNECT -> TUNNEL' "asa-retry: tunnel"
assert_grep "$log" 'GROUP: eng chosen' "asa-retry: the selected=\"true\" group"
assert_grep "$(log_of fake-asa-retry)" '^dpd echoed$' "asa-retry: the DPD request echoed"
refute_grep "$log" 'FAKE-TOKEN' "asa-retry: the cookie in the log"

netns_down
log "hostile answers end cleanly; the ASA-style retry and the data channel work"
exit 0
