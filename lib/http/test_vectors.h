/* SPDX-License-Identifier: ISC */
/*
 * Real HTTP exchanges between openconnect 9.01-3 and ocserv 1.1.6 (Debian 12,
 * GnuTLS 3.7.9), captured in the project's lab on 2026-11-27, with CRLF
 * restored on head lines. Secrets are replaced by <...> placeholders; bodies
 * are byte-exact for the Content-Length they came with. Shared by the tests
 * of lib/http/ (each includes what it uses).
 */
#ifndef HTTP_TEST_VECTORS_H
#define HTTP_TEST_VECTORS_H

/* openconnect 9.01 first POST / with the init XML (vectors/01) */
static const char V01_HEAD[] =
	"POST / HTTP/1.1\r\n"
	"Host: gw.vpnlab.test\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Accept: */*\r\n"
	"Accept-Encoding: identity\r\n"
	"X-Transcend-Version: 1\r\n"
	"X-Aggregate-Auth: 1\r\n"
	"X-Support-HTTP-Auth: true\r\n"
	"X-AnyConnect-STRAP-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-AnyConnect-STRAP-DH-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-Pad: 000000000000000\r\n"
	"Content-Type: application/xml; charset=utf-8\r\n"
	"Content-Length: 369\r\n"
	"\r\n";
static const char V01_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\"><version who=\"vpn"
	"\">v9.01-3</version><device-id>linux-64</device-id><capabilities><auth-method>single-sign-"
	"on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method></capabilitie"
	"s><group-access>https://gw.vpnlab.test/</group-access></config-auth>\n";

/* openconnect 9.01 second init with <group-select>, to /auth (vectors/03) */
static const char V03_HEAD[] =
	"POST /auth HTTP/1.1\r\n"
	"Host: gw.vpnlab.test\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Accept: */*\r\n"
	"Accept-Encoding: identity\r\n"
	"X-Transcend-Version: 1\r\n"
	"X-Aggregate-Auth: 1\r\n"
	"X-Support-HTTP-Auth: true\r\n"
	"X-AnyConnect-STRAP-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-AnyConnect-STRAP-DH-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-Pad: 00000000000000000000000000000000000\r\n"
	"Content-Type: application/xml; charset=utf-8\r\n"
	"Content-Length: 413\r\n"
	"\r\n";
static const char V03_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\"><version who=\"vpn"
	"\">v9.01-3</version><device-id>linux-64</device-id><capabilities><auth-method>single-sign-"
	"on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method></capabilitie"
	"s><group-access>https://gw.vpnlab.test/auth</group-access><group-select>engineering</group"
	"-select></config-auth>\n";

/* openconnect 9.01 auth-reply carrying the username (vectors/04) */
static const char V04_HEAD[] =
	"POST /auth HTTP/1.1\r\n"
	"Host: gw.vpnlab.test\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Accept: */*\r\n"
	"Accept-Encoding: identity\r\n"
	"X-Transcend-Version: 1\r\n"
	"X-Aggregate-Auth: 1\r\n"
	"X-Support-HTTP-Auth: true\r\n"
	"X-AnyConnect-STRAP-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-AnyConnect-STRAP-DH-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-Pad: 0000000000000000000000000000000000000000000000\r\n"
	"Content-Type: application/xml; charset=utf-8\r\n"
	"Content-Length: 402\r\n"
	"\r\n";
static const char V04_BODY[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\"><version who="
	"\"vpn\">v9.01-3</version><device-id>linux-64</device-id><capabilities><auth-method>single-"
	"sign-on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method></capabi"
	"lities><auth><username>alice</username></auth><group-select>engineering</group-select></co"
	"nfig-auth>\n";

/* openconnect 9.01 CONNECT /CSCOSSLC/tunnel (vectors/07) */
static const char V07_HEAD[] =
	"CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
	"Host: gw.vpnlab.test\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Cookie: webvpn=<SESSION-COOKIE>\r\n"
	"X-CSTP-Version: 1\r\n"
	"X-CSTP-Hostname: vm\r\n"
	"X-AnyConnect-STRAP-Verify: <BASE64 DER ECDSA-P256 signature>\r\n"
	"X-AnyConnect-STRAP-Pubkey: <BASE64 DER SubjectPublicKeyInfo, P-256, 124 chars>\r\n"
	"X-CSTP-Accept-Encoding: oc-lz4,lzs\r\n"
	"X-CSTP-Base-MTU: 1500\r\n"
	"X-CSTP-MTU: 1390\r\n"
	"X-CSTP-Address-Type: IPv6,IPv4\r\n"
	"X-CSTP-Full-IPv6-Capability: true\r\n"
	"X-DTLS-Master-Secret: <96-UPPERCASE-HEX-DIGITS: 48 RANDOM BYTES>\r\n"
	"X-DTLS-CipherSuite: PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC2-DTLS1_2-CHACHA20-POLY1305:OC-D"
	"TLS1_2-AES128-GCM:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA\r\n"
	"X-DTLS12-CipherSuite: ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-S"
	"HA384:AES128-GCM-SHA256:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA\r\n"
	"X-DTLS-Accept-Encoding: oc-lz4,lzs\r\n"
	"\r\n";

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

/* ocserv 1.1.6 CONNECT answer, PSK-NEGOTIATE (vectors/08) */
static const char V08_HEAD[] =
	"HTTP/1.1 200 CONNECTED\r\n"
	"X-CSTP-Version: 1\r\n"
	"X-CSTP-Server-Name: ocserv 1.1.6\r\n"
	"X-CSTP-Hostname: vm\r\n"
	"X-CSTP-DPD: 30\r\n"
	"X-CSTP-Default-Domain: vpnlab.test\r\n"
	"X-CSTP-Address: 198.19.10.50\r\n"
	"X-CSTP-Netmask: 255.255.255.0\r\n"
	"X-CSTP-Split-Include: 198.18.2.0/255.255.255.0\r\n"
	"X-CSTP-Tunnel-All-DNS: false\r\n"
	"X-CSTP-Client-Bypass-Protocol: false\r\n"
	"X-CSTP-Keepalive: 32400\r\n"
	"X-CSTP-Idle-Timeout: none\r\n"
	"X-CSTP-Smartcard-Removal-Disconnect: true\r\n"
	"X-CSTP-Rekey-Time: 172801\r\n"
	"X-CSTP-Rekey-Method: ssl\r\n"
	"X-CSTP-Session-Timeout: 0\r\n"
	"X-CSTP-Session-Timeout-Remaining: 0\r\n"
	"X-CSTP-Disconnected-Timeout: none\r\n"
	"X-CSTP-Keep: true\r\n"
	"X-CSTP-TCP-Keepalive: true\r\n"
	"X-CSTP-License: accept\r\n"
	"X-DTLS-DPD: 30\r\n"
	"X-DTLS-Port: 443\r\n"
	"X-DTLS-Rekey-Time: 172811\r\n"
	"X-DTLS-Rekey-Method: ssl\r\n"
	"X-DTLS-Keepalive: 32400\r\n"
	"X-DTLS-App-ID: 769234bc77c65d92bbede8f6761244ba97c49d084a095deeaa640b9701592bbe\r\n"
	"X-DTLS-CipherSuite: PSK-NEGOTIATE\r\n"
	"X-CSTP-Base-MTU: 1500\r\n"
	"X-CSTP-MTU: 1434\r\n"
	"\r\n";

/* ocserv 1.1.6 CONNECT answer, legacy DTLS 1.2 (vectors/09) */
static const char V09_HEAD[] =
	"HTTP/1.1 200 CONNECTED\r\n"
	"X-CSTP-Version: 1\r\n"
	"X-CSTP-Server-Name: ocserv 1.1.6\r\n"
	"X-CSTP-Hostname: vm\r\n"
	"X-CSTP-DPD: 30\r\n"
	"X-CSTP-Default-Domain: vpnlab.test\r\n"
	"X-CSTP-Address: 198.19.10.50\r\n"
	"X-CSTP-Netmask: 255.255.255.0\r\n"
	"X-CSTP-Split-Include: 198.18.2.0/255.255.255.0\r\n"
	"X-CSTP-Tunnel-All-DNS: false\r\n"
	"X-CSTP-Client-Bypass-Protocol: false\r\n"
	"X-CSTP-Keepalive: 32400\r\n"
	"X-CSTP-Idle-Timeout: none\r\n"
	"X-CSTP-Smartcard-Removal-Disconnect: true\r\n"
	"X-CSTP-Rekey-Time: 172813\r\n"
	"X-CSTP-Rekey-Method: ssl\r\n"
	"X-CSTP-Session-Timeout: 0\r\n"
	"X-CSTP-Session-Timeout-Remaining: 0\r\n"
	"X-CSTP-Disconnected-Timeout: none\r\n"
	"X-CSTP-Keep: true\r\n"
	"X-CSTP-TCP-Keepalive: true\r\n"
	"X-CSTP-License: accept\r\n"
	"X-DTLS-DPD: 30\r\n"
	"X-DTLS-Port: 443\r\n"
	"X-DTLS-Rekey-Time: 172823\r\n"
	"X-DTLS-Rekey-Method: ssl\r\n"
	"X-DTLS-Keepalive: 32400\r\n"
	"X-DTLS-Session-ID: b89eaf66174e4aef16cc1643219d6c60667a6fe88c8b8d31693ebda524a4d932\r\n"
	"X-DTLS12-CipherSuite: AES256-GCM-SHA384\r\n"
	"X-DTLS-MTU: 1434\r\n"
	"X-CSTP-Base-MTU: 1500\r\n"
	"X-CSTP-MTU: 1434\r\n"
	"\r\n";

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
