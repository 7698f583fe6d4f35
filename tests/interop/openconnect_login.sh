#!/bin/bash
# SPDX-License-Identifier: ISC
#
# Debian's openconnect logs in to sslgated with a password (--authgroup
# engineering, TLS only) and the tunnel works as the vpnc-script set it up:
# a pool address, the lan route and the pushed DNS in the client namespace,
# ping and a 4 MiB transfer each way with matching SHA-256 to the lan host.
# The complete document advertises the profile, and what the downloader
# serves for openconnect's cookie has exactly that SHA-1. Logging out ends
# the session on the gateway's side; the control tool lists a session and
# disconnects it (openconnect then quits).

set -u
GW_DTLS=0 GW_CERT_AUTH=0 CLIENT_NO_DTLS=1
. "${SSLGATE_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/sslgated_openconnect.sh"
require_cmd sha1sum sha256sum
GW_LOG=$SG_SCRATCH/gateway.log

sha() { "$1" <"$2" | cut -d' ' -f1; }

# The profile as the downloader serves it to a holder of COOKIE (a webvpn value).
fetch_profile() {
	in_ns "$NS_CLI" "$SG_PYTHON" - "$ADDR_GW" "$GW_NAME" "$PKI_DIR/ca.pem" "$1" "$2" <<-'PY'
		import socket, ssl, sys
		addr, name, ca, cookie, out = sys.argv[1:6]
		ctx = ssl.create_default_context(cafile=ca)
		with socket.create_connection((addr, 443), timeout=10) as raw:
		    with ctx.wrap_socket(raw, server_hostname=name) as s:
		        s.sendall(("GET /profiles/profile.xml HTTP/1.1\r\nHost: %s\r\n"
		                   "Cookie: webvpn=%s\r\nConnection: close\r\n\r\n" % (name, cookie)).encode())
		        data = b""
		        while True:
		            chunk = s.recv(65536)
		            if not chunk:
		                break
		            data += chunk
		head, _, body = data.partition(b"\r\n\r\n")
		if not head.startswith(b"HTTP/1.1 200 "):
		    sys.exit("downloader said: %r" % head.split(b"\r\n")[0])
		open(out, "wb").write(body)
	PY
}

netns_up
pki_make
ocserv_write_conf
gateway_start
watch_log "$(log_of gateway)" gateway
refute ping_ok "$NS_CLI" "$ADDR_LAN"

# --- login, address, routes, DNS -------------------------------------------------
CLIENT_VERBOSE=-vv client_start 0 --dump-http-traffic
wait_tunnel 0 20 || fail "no tunnel"
assert_match "$TUNNEL_ADDR" '^198\.19\.10\.[0-9]+$' "tunnel address in the pool"
CLOG=$(log_of client0)
assert_grep "$CLOG" 'Got CONNECT response: HTTP/1.1 200 CONNECTED' "CONNECT status line"
assert_match "$(in_ns "$NS_CLI" ip -4 route show "$NET_LAN")" "dev $(client_ifname 0)" \
	"route to the lan through the tunnel"
assert_grep "/etc/netns/$NS_CLI/resolv.conf" "^nameserver $ADDR_LAN\$" "pushed DNS server"
assert_grep "/etc/netns/$NS_CLI/resolv.conf" '^search .*sslgate\.test' "pushed default domain"

# --- traffic: ping and a transfer each way ------------------------------------------
ping_ok "$NS_CLI" "$ADDR_LAN" 3 || fail "no ping reply from the lan host"
head -c 4194304 /dev/urandom >"$SG_SCRATCH/payload"
want=$(sha sha256sum "$SG_SCRATCH/payload")
lan_tcp_sink sink 5001 "$SG_SCRATCH/up"
tcp_send "$NS_CLI" "$ADDR_LAN" 5001 "$SG_SCRATCH/payload" || fail "upload failed"
wait_exit sink 20 || fail "lan sink did not finish"
assert_eq "$want" "$(sha sha256sum "$SG_SCRATCH/up")" "sha256 of the upload"
lan_tcp_source source 5002 "$SG_SCRATCH/payload"
tcp_recv "$NS_CLI" "$ADDR_LAN" 5002 "$SG_SCRATCH/down" || fail "download failed"
assert_eq "$want" "$(sha sha256sum "$SG_SCRATCH/down")" "sha256 of the download"

# --- the profile: advertised hash = served bytes = the file ------------------------
advertised=$(grep -o '<hash type="sha1">[0-9A-Fa-f]*' "$CLOG" | head -n1 | sed 's/.*>//')
assert_match "$advertised" '^[0-9A-F]{40}$' "profile SHA-1 in the complete document"
assert_eq "$advertised" "$(sha sha1sum "$GW_DIR/chroot/profile.xml" | tr a-f A-F)" \
	"advertised SHA-1 against the configured file"
auth_out=$(printf '%s\n' "$TEST_PASS" | in_ns "$NS_CLI" timeout 20 "$CLIENT_BIN" \
	--protocol=anyconnect --non-inter --authenticate --passwd-on-stdin --user "$TEST_USER" \
	--authgroup engineering --servercert "$SERVER_PIN" "$GW_URL" 2>/dev/null)
# COOKIE='openconnect_strapkey=...; webvpn=HEX' (openconnect keeps its STRAP key beside it)
cookie=$(sed -n "s/^COOKIE='.*webvpn=\\([0-9a-f]*\\).*'\$/\\1/p" <<<"$auth_out")
assert_match "$cookie" '^[0-9a-f]{64}$' "cookie from openconnect --authenticate"
fetch_profile "$cookie" "$SG_SCRATCH/profile.got" || fail "profile download failed"
assert_eq "$advertised" "$(sha sha1sum "$SG_SCRATCH/profile.got" | tr a-f A-F)" \
	"SHA-1 of the downloaded profile"
fetch_profile 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff \
	"$SG_SCRATCH/profile.bad" && fail "the profile was served for an unknown cookie"

# --- logout ends the session -------------------------------------------------------
client_stop 0
wait_until 5 grep -Eq 'closed in TUNNEL: client disconnected \(logout\)' "$(log_of gateway)" ||
	fail "the gateway did not log the logout"
refute ping_ok "$NS_CLI" "$ADDR_LAN"

# --- the control tool sees a session and ends it -------------------------------------
if [ -x "$GATEWAY_CTL_BIN" ]; then
	client_start 1
	wait_tunnel 1 20 || fail "second session: no tunnel"
	assert_match "$(gateway_ctl show users)" "$TEST_USER.*$TUNNEL_ADDR" "sslgatectl show users"
	gateway_ctl disconnect user "$TEST_USER" >/dev/null || fail "sslgatectl disconnect user failed"
	wait_exit client1 10 || fail "openconnect still running after the disconnect"
	wait_until 5 grep -q 'closed in TUNNEL: disconnected by the administrator' "$(log_of gateway)" ||
		fail "the gateway did not log the administrator's disconnect"
else
	log "no $GATEWAY_CTL_BIN: control tool checks skipped"
fi
gateway_stop
netns_down
leftovers=$(netns_leftovers) || fail "left behind: $leftovers"
log "openconnect logged in, carried traffic and got the advertised profile"
exit 0
