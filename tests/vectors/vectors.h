/* SPDX-License-Identifier: ISC */
/*
 * The real exchanges the project tests against, each written once: traffic
 * seen between Debian 12's openconnect 9.01-3 (client) and ocserv 1.1.6
 * (gateway), GnuTLS 3.7.9, captured in the project's lab on 2026-11-27, with
 * CRLF restored on head lines. Secrets are replaced by <...> placeholders;
 * bodies are byte-exact for the Content-Length they came with. Vector n is
 * the lab's capture n (01..10).
 *
 * Test-only and header-only: every test program that includes it gets its
 * own static copies, and an unused one costs nothing (C only warns about
 * unused static constants in the file being compiled, not in its headers).
 * openconnect's requests and ocserv's CONNECT answers are also macros of
 * line groups, so that a test can take the X-CSTP-* lines alone, put a key
 * or secret of its own in a request, or build a variant from the real lines
 * instead of retyping them.
 */
#ifndef TESTS_VECTORS_VECTORS_H
#define TESTS_VECTORS_VECTORS_H

/*
 * openconnect 9.01's login POSTs (vectors/01, 03, 04): the same head lines
 * but for the path, the STRAP keys (placeholders in the capture) and the
 * X-Pad length, and the same XML up to </capabilities>.
 */
#define V01_STRAP_KEY "<BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>"
#define V01_POST_LINES(path, strap_key, pad) \
	"POST " path " HTTP/1.1\r\n" \
	"Host: gw.vpnlab.test\r\n" \
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n" \
	"Accept: */*\r\n" \
	"Accept-Encoding: identity\r\n" \
	"X-Transcend-Version: 1\r\n" \
	"X-Aggregate-Auth: 1\r\n" \
	"X-Support-HTTP-Auth: true\r\n" \
	"X-AnyConnect-STRAP-Pubkey: " strap_key "\r\n" \
	"X-AnyConnect-STRAP-DH-Pubkey: " strap_key "\r\n" \
	"X-Pad: " pad "\r\n" \
	"Content-Type: application/xml; charset=utf-8\r\n"
#define V01_PAD "000000000000000"
/* A whole captured head: the lines above and the body's length. */
#define V01_POST_HEAD(path, pad, body_len) \
	V01_POST_LINES(path, V01_STRAP_KEY, pad) "Content-Length: " body_len "\r\n\r\n"
#define V01_XML_START(type) \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<config-auth client=\"vpn\" type=\"" type "\" aggregate-auth-version=\"2\">" \
	"<version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id>" \
	"<capabilities><auth-method>single-sign-on-v2</auth-method>" \
	"<auth-method>single-sign-on-external-browser</auth-method></capabilities>"

/* The first POST / with the init XML (vectors/01). */
#define V01_BODY_TEXT V01_XML_START("init") \
	"<group-access>https://gw.vpnlab.test/</group-access></config-auth>\n"
static const char V01_HEAD[] = V01_POST_HEAD("/", V01_PAD, "369");
static const char V01_BODY[] = V01_BODY_TEXT;

/* The second init with <group-select>, to /auth (vectors/03). */
#define V03_BODY_TEXT V01_XML_START("init") \
	"<group-access>https://gw.vpnlab.test/auth</group-access>" \
	"<group-select>engineering</group-select></config-auth>\n"
static const char V03_HEAD[] =
	V01_POST_HEAD("/auth", "00000000000000000000000000000000000", "413");
static const char V03_BODY[] = V03_BODY_TEXT;

/* The auth-reply carrying the username (vectors/04). */
#define V04_BODY_TEXT V01_XML_START("auth-reply") \
	"<auth><username>alice</username></auth>" \
	"<group-select>engineering</group-select></config-auth>\n"
static const char V04_HEAD[] =
	V01_POST_HEAD("/auth", "0000000000000000000000000000000000000000000000", "402");
static const char V04_BODY[] = V04_BODY_TEXT;

/* ocserv 1.1.6 first auth-request, username and group_list (vectors/02) */
static const char V02_HEAD[] =
	"HTTP/1.1 200 OK\r\n"
	"Set-Cookie: webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnl"
	"y\r\n"
	"Content-Type: text/xml\r\n"
	"Content-Length: 496\r\n"
	"X-Transcend-Version: 1\r\n"
	"\r\n";
static const char V02_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-request\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"main\">\n"
	"<message>Please enter your username.</message>\n"
	"<form method=\"post\" action=\"/auth\">\n"
	"<input type=\"text\" name=\"username\" label=\"Username:\" />\n"
	"<select name=\"group_list\" label=\"Group:\">\n"
	"<option>DEFAULT</option>\n"
	"<option value=\"engineering\">Engineering - full LAN</option>\n"
	"<option value=\"sales\">Sales - LAN host only</option>\n"
	"</select>\n"
	"</form></auth>\n"
	"</config-auth>";

/* ocserv 1.1.6 password form, first webvpncontext cookie (vectors/05) */
static const char V05_HEAD[] =
	"HTTP/1.1 200 OK\r\n"
	"Set-Cookie: webvpncontext=<SESSION-COOKIE>; Max-Age=300; Secure; HttpOnly\r\n"
	"Content-Type: text/xml\r\n"
	"Content-Length: 310\r\n"
	"X-Transcend-Version: 1\r\n"
	"\r\n";
static const char V05_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-request\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"main\">\n"
	"<message>Please enter your password.</message>\n"
	"<form method=\"post\" action=\"/auth\">\n"
	"<input type=\"password\" name=\"password\" label=\"Password:\" />\n"
	"</form></auth>\n"
	"</config-auth>";

/* ocserv 1.1.6 "complete" answer with its four Set-Cookie lines (vectors/06) */
static const char V06_HEAD[] =
	"HTTP/1.1 200 OK\r\n"
	"Connection: Keep-Alive\r\n"
	"Content-Type: text/xml\r\n"
	"Content-Length: 446\r\n"
	"X-Transcend-Version: 1\r\n"
	"Set-Cookie: webvpncontext=<SESSION-COOKIE>; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpn=<SESSION-COOKIE>; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly\r\n"
	"Set-Cookie: webvpnc=bu:/&p:t&iu:1/&sh:EBE6FA7C144165D9A6A68FBA4ABFC7B40BE844CF&lu:/+CSCOT+"
	"/translation-table?textdomain%3DAnyConnect%26type%3Dmanifest&fu:profiles%2Fprofile.xml&fh:"
	"C54090310389BE94B95DD234707D5E2B0FDD71F9; path=/; Secure; HttpOnly\r\n"
	"\r\n";
static const char V06_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"complete\">\n"
	"<version who=\"sg\">0.1(1)</version>\n"
	"<auth id=\"success\">\n"
	"<title>SSL VPN Service</title></auth>\n"
	"<config client=\"vpn\" type=\"private\"><vpn-profile-manifest><vpn rev=\"1.0\"><file type="
	"\"profile\" service-type=\"user\"><uri>/profiles/profile.xml</uri><hash type=\"sha1\">C540"
	"90310389BE94B95DD234707D5E2B0FDD71F9</hash></file></vpn></vpn-profile-manifest>\n"
	"</config></config-auth>";

/*
 * openconnect 9.01 CONNECT /CSCOSSLC/tunnel (vectors/07): the lines the HTTP
 * layer owns, then the X-CSTP-* / X-DTLS-* set with the master secret given
 * by the caller (96 upper-case hex digits; the capture has a placeholder).
 */
#define V07_START_LINE "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
#define V07_HTTP_LINES(cookie) \
	"Host: gw.vpnlab.test\r\n" \
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n" \
	"Cookie: webvpn=" cookie "\r\n"
#define V07_STRAP_LINES \
	"X-AnyConnect-STRAP-Verify: <BASE64 DER ECDSA-P256 signature>\r\n" \
	"X-AnyConnect-STRAP-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
#define V07_DTLS_CIPHERS \
	"PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC2-DTLS1_2-CHACHA20-POLY1305:" \
	"OC-DTLS1_2-AES128-GCM:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA"
#define V07_DTLS12_CIPHERS \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:" \
	"AES256-GCM-SHA384:AES128-GCM-SHA256:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:" \
	"AES256-SHA:AES128-SHA"
/* The X-CSTP/X-DTLS set; strap is V07_STRAP_LINES or "" (a test gateway
 * that does not check STRAP). */
#define V07_CSTP_LINES(strap, secret) \
	"X-CSTP-Version: 1\r\n" \
	"X-CSTP-Hostname: vm\r\n" \
	strap \
	"X-CSTP-Accept-Encoding: oc-lz4,lzs\r\n" \
	"X-CSTP-Base-MTU: 1500\r\n" \
	"X-CSTP-MTU: 1390\r\n" \
	"X-CSTP-Address-Type: IPv6,IPv4\r\n" \
	"X-CSTP-Full-IPv6-Capability: true\r\n" \
	"X-DTLS-Master-Secret: " secret "\r\n" \
	"X-DTLS-CipherSuite: " V07_DTLS_CIPHERS "\r\n" \
	"X-DTLS12-CipherSuite: " V07_DTLS12_CIPHERS "\r\n" \
	"X-DTLS-Accept-Encoding: oc-lz4,lzs\r\n"

static const char V07_HEAD[] =
	V07_START_LINE
	V07_HTTP_LINES("<SESSION-COOKIE>")
	V07_CSTP_LINES(V07_STRAP_LINES, "<96-UPPERCASE-HEX-DIGITS: 48 RANDOM BYTES>")
	"\r\n";

/*
 * ocserv 1.1.6 CONNECT answers: vectors/08 (dtls-psk = true, PSK-NEGOTIATE)
 * and vectors/09 (legacy, DTLS 1.2 chosen). Up to X-DTLS-Keepalive they
 * differ only in the rekey times ocserv derives from the connect time.
 */
#define V08_09_STATUS_LINE "HTTP/1.1 200 CONNECTED\r\n"
#define V08_09_TUNNEL_LINES(cstp_rekey, dtls_rekey) \
	"X-CSTP-Version: 1\r\n" \
	"X-CSTP-Server-Name: ocserv 1.1.6\r\n" \
	"X-CSTP-Hostname: vm\r\n" \
	"X-CSTP-DPD: 30\r\n" \
	"X-CSTP-Default-Domain: vpnlab.test\r\n" \
	"X-CSTP-Address: 198.19.10.50\r\n" \
	"X-CSTP-Netmask: 255.255.255.0\r\n" \
	"X-CSTP-Split-Include: 198.18.2.0/255.255.255.0\r\n" \
	"X-CSTP-Tunnel-All-DNS: false\r\n" \
	"X-CSTP-Client-Bypass-Protocol: false\r\n" \
	"X-CSTP-Keepalive: 32400\r\n" \
	"X-CSTP-Idle-Timeout: none\r\n" \
	"X-CSTP-Smartcard-Removal-Disconnect: true\r\n" \
	"X-CSTP-Rekey-Time: " cstp_rekey "\r\n" \
	"X-CSTP-Rekey-Method: ssl\r\n" \
	"X-CSTP-Session-Timeout: 0\r\n" \
	"X-CSTP-Session-Timeout-Remaining: 0\r\n" \
	"X-CSTP-Disconnected-Timeout: none\r\n" \
	"X-CSTP-Keep: true\r\n" \
	"X-CSTP-TCP-Keepalive: true\r\n" \
	"X-CSTP-License: accept\r\n" \
	"X-DTLS-DPD: 30\r\n" \
	"X-DTLS-Port: 443\r\n" \
	"X-DTLS-Rekey-Time: " dtls_rekey "\r\n" \
	"X-DTLS-Rekey-Method: ssl\r\n" \
	"X-DTLS-Keepalive: 32400\r\n"
#define V08_09_BASE_MTU_LINE "X-CSTP-Base-MTU: 1500\r\n"

#define V08_APP_ID "769234bc77c65d92bbede8f6761244ba97c49d084a095deeaa640b9701592bbe"
#define V08_TUNNEL_LINES V08_09_TUNNEL_LINES("172801", "172811")
#define V08_DTLS_LINES \
	"X-DTLS-App-ID: " V08_APP_ID "\r\n" \
	"X-DTLS-CipherSuite: PSK-NEGOTIATE\r\n"
#define V08_MTU_LINES V08_09_BASE_MTU_LINE "X-CSTP-MTU: 1434\r\n"
/* Every header line of vectors/08, without the status line and blank line. */
#define V08_LINES V08_TUNNEL_LINES V08_DTLS_LINES V08_MTU_LINES

#define V09_SESSION_ID "b89eaf66174e4aef16cc1643219d6c60667a6fe88c8b8d31693ebda524a4d932"
#define V09_TUNNEL_LINES V08_09_TUNNEL_LINES("172813", "172823")
#define V09_DTLS_LINES \
	"X-DTLS-Session-ID: " V09_SESSION_ID "\r\n" \
	"X-DTLS12-CipherSuite: AES256-GCM-SHA384\r\n"
#define V09_DTLS_MTU_LINE "X-DTLS-MTU: 1434\r\n"
#define V09_MTU_LINES V09_DTLS_MTU_LINE V08_09_BASE_MTU_LINE "X-CSTP-MTU: 1434\r\n"
#define V09_LINES V09_TUNNEL_LINES V09_DTLS_LINES V09_MTU_LINES

static const char V08_HEAD[] = V08_09_STATUS_LINE V08_LINES "\r\n";
static const char V09_HEAD[] = V08_09_STATUS_LINE V09_LINES "\r\n";

/* ocserv 1.1.6 failures (vectors/10): wrong password, third attempt... */
static const char V10_AUTH_FAILED[] =
	"HTTP/1.1 401 Authentication failed\r\nContent-Length: 0\r\n\r\n";
/* ...CONNECT with an unknown cookie: no header lines at all... */
static const char V10_BAD_COOKIE[] =
	"HTTP/1.1 401 Cookie is not acceptable\r\n\r\n";
/* ...and an unknown path, "Content-length" spelled with a lower-case l. */
static const char V10_NOT_FOUND[] =
	"HTTP/1.1 404 Not found\r\nContent-length: 50\r\nConnection: close\r\n\r\n"
	"<html><body><h1>404 Not Found</h1></body></html>\r\n";
/* A CSTP DPD-REQ frame as openconnect sends it (vectors/10 [E]). */
static const char V10_CSTP_DPD_REQ[] = "STF\x01\x00\x00\x03\x00";

#endif
