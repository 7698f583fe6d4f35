/* SPDX-License-Identifier: ISC */
/*
 * CONNECT answers of ocserv 1.1.6 captured in a test network: PSK mode
 * (vector 08: only X-CSTP-MTU, 1434) and legacy mode (vector 09: X-DTLS-MTU
 * and X-CSTP-MTU, both 1434), plus broken variants a gateway may send.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "client/settings.h"
#include "lib/base/err.h"

#define HEAD_START \
	"HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\nX-CSTP-Server-Name: ocserv 1.1.6\r\n" \
	"X-CSTP-Hostname: vm\r\nX-CSTP-DPD: 30\r\nX-CSTP-Default-Domain: vpnlab.test\r\n" \
	"X-CSTP-Address: 198.19.10.50\r\nX-CSTP-Netmask: 255.255.255.0\r\n" \
	"X-CSTP-Split-Include: 198.18.2.0/255.255.255.0\r\nX-CSTP-Tunnel-All-DNS: false\r\n" \
	"X-CSTP-Client-Bypass-Protocol: false\r\nX-CSTP-Keepalive: 32400\r\n" \
	"X-CSTP-Idle-Timeout: none\r\nX-CSTP-Smartcard-Removal-Disconnect: true\r\n" \
	"X-CSTP-Rekey-Time: 172801\r\nX-CSTP-Rekey-Method: ssl\r\nX-CSTP-Session-Timeout: 0\r\n" \
	"X-CSTP-Session-Timeout-Remaining: 0\r\nX-CSTP-Disconnected-Timeout: none\r\n" \
	"X-CSTP-Keep: true\r\nX-CSTP-TCP-Keepalive: true\r\nX-CSTP-License: accept\r\n" \
	"X-DTLS-DPD: 30\r\nX-DTLS-Port: 443\r\nX-DTLS-Rekey-Time: 172811\r\n" \
	"X-DTLS-Rekey-Method: ssl\r\nX-DTLS-Keepalive: 32400\r\n"

static const char psk[] = HEAD_START
	"X-DTLS-App-ID: 769234bc77c65d92bbede8f6761244ba97c49d084a095deeaa640b9701592bbe\r\n"
	"X-DTLS-CipherSuite: PSK-NEGOTIATE\r\nX-CSTP-Base-MTU: 1500\r\nX-CSTP-MTU: 1434\r\n\r\n";
static const char legacy_dtls_mtu_only[] = HEAD_START
	"X-DTLS-Session-ID: b89eaf66174e4aef16cc1643219d6c60667a6fe88c8b8d31693ebda524a4d932\r\n"
	"X-DTLS12-CipherSuite: AES256-GCM-SHA384\r\nX-DTLS-MTU: 1434\r\nX-CSTP-Base-MTU: 1500\r\n\r\n";
static const char no_mtu[] = HEAD_START "\r\n";
static const char compressed[] = HEAD_START "X-CSTP-MTU: 1434\r\nX-CSTP-Content-Encoding: lzs\r\n\r\n";
static const char no_address[] = "HTTP/1.1 200 CONNECTED\r\nX-CSTP-MTU: 1434\r\n\r\n";

static void ocserv_psk_answer(void **state)
{
	struct settings st;
	const char *why = NULL;
	char addr[NET_ADDR_STRLEN];

	(void)state;
	settings_init(&st);
	assert_int_equal(settings_take(&st, psk, strlen(psk), &why), 0);
	assert_int_equal(st.mtu, 1434);
	assert_true(st.cstp.has_address);
	net_addr_format(&st.cstp.address, addr, sizeof(addr));
	assert_string_equal(addr, "198.19.10.50");
	assert_int_equal(st.cstp.dpd.value, 30);
	assert_int_equal(st.cstp.keepalive.value, 32400);
	assert_true(st.cstp.idle_timeout.is_none);
	assert_int_equal(st.cstp.routes.count, 1);
	/* every X-CSTP-* line for CISCO_CSTP_OPTIONS, in wire order, no X-DTLS-* */
	assert_non_null(strstr(st.cstp_options, "X-CSTP-Version=1\nX-CSTP-Server-Name=ocserv 1.1.6\n"));
	assert_non_null(strstr(st.cstp_options, "X-CSTP-Split-Include=198.18.2.0/255.255.255.0\n"));
	assert_non_null(strstr(st.cstp_options, "X-CSTP-MTU=1434\n"));
	assert_null(strstr(st.cstp_options, "X-DTLS"));
	settings_cleanup(&st);
}

static void dtls_mtu_when_no_cstp_mtu(void **state)
{
	struct settings st;
	const char *why = NULL;

	(void)state;
	settings_init(&st);
	assert_int_equal(settings_take(&st, legacy_dtls_mtu_only, strlen(legacy_dtls_mtu_only), &why), 0);
	assert_int_equal(st.mtu, 1434);
	settings_cleanup(&st);
}

static void unusable_answers(void **state)
{
	struct settings st;
	const char *why = NULL;

	(void)state;
	settings_init(&st);
	assert_int_equal(settings_take(&st, no_mtu, strlen(no_mtu), &why), VPN_ERR_INVALID);
	assert_string_equal(why, "no usable MTU in the answer");
	assert_int_equal(settings_take(&st, compressed, strlen(compressed), &why), VPN_ERR_INVALID);
	assert_string_equal(why, "the gateway chose a compression we did not offer");
	assert_int_equal(settings_take(&st, no_address, strlen(no_address), &why), VPN_ERR_INVALID);
	assert_string_equal(why, "no tunnel address in the answer");
	settings_cleanup(&st);
}

/* An ASA squeezes a whole document onto X-CSTP-Post-Auth-XML; it may hold the cookie. */
static void long_post_auth_xml(void **state)
{
	static char head[32768];
	struct settings st;
	const char *why = NULL;
	size_t n;

	(void)state;
	n = (size_t)snprintf(head, sizeof(head), "HTTP/1.1 200 CONNECTED\r\nX-CSTP-Address: 198.19.10.50\r\n"
			     "X-CSTP-Post-Auth-XML: <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
			     "<config-auth client=\"vpn\" type=\"complete\"><session-token>SECRET</session-token>"
			     "<custom-attr>");
	memset(head + n, 'a', 12000);
	n += 12000;
	n += (size_t)snprintf(head + n, sizeof(head) - n,
			      "</custom-attr></config-auth>\r\nX-CSTP-MTU: 1367\r\n\r\n");
	settings_init(&st);
	assert_int_equal(settings_take(&st, head, n, &why), 0);
	assert_int_equal(st.mtu, 1367);
	assert_true(st.cstp.post_auth_xml.len > 12000);
	assert_null(strstr(st.cstp_options, "SECRET"));
	settings_cleanup(&st);
}

static void same_addresses(void **state)
{
	struct settings a, b;
	const char *why;

	(void)state;
	settings_init(&a);
	settings_init(&b);
	assert_int_equal(settings_take(&a, psk, strlen(psk), &why), 0);
	assert_int_equal(settings_take(&b, legacy_dtls_mtu_only, strlen(legacy_dtls_mtu_only), &why), 0);
	assert_true(settings_same_addresses(&a, &b));
	b.mtu = 1400;
	assert_false(settings_same_addresses(&a, &b));
	settings_cleanup(&a);
	settings_cleanup(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocserv_psk_answer),
		cmocka_unit_test(dtls_mtu_when_no_cstp_mtu),
		cmocka_unit_test(unusable_answers),
		cmocka_unit_test(long_post_auth_xml),
		cmocka_unit_test(same_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
