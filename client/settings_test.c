/* SPDX-License-Identifier: ISC */
/*
 * CONNECT answers of ocserv 1.1.6 captured in a test network: PSK mode
 * (vector 08: only X-CSTP-MTU, 1434) and legacy mode (vector 09: X-DTLS-MTU
 * and X-CSTP-MTU, both 1434), plus broken variants a gateway may send, and
 * vector 08 grown to hundreds of split routes.
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
#include "tests/vectors/vectors.h"

/* Vector 08 up to its DTLS choice; the variants below end it otherwise. */
#define HEAD_START V08_09_STATUS_LINE V08_TUNNEL_LINES

static const char psk[] = HEAD_START V08_DTLS_LINES V08_MTU_LINES "\r\n";
/* Vector 09's DTLS choice and MTU lines without its X-CSTP-MTU. */
static const char legacy_dtls_mtu_only[] = HEAD_START V09_DTLS_LINES V09_DTLS_MTU_LINE
	V08_09_BASE_MTU_LINE "\r\n";
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

/* Route k of many_routes(): 198.18.0.128/25 upwards, apart from vector 08's /24. */
static void route_addr(char *out, size_t out_len, size_t k)
{
	snprintf(out, out_len, "198.%zu.%zu.128", 18 + k / 256, k % 256);
}

/* Vector 08 with extra split routes after its own, where ocserv writes routes. */
static size_t many_routes(char *out, size_t out_len, size_t extra)
{
	size_t n = (size_t)snprintf(out, out_len, "%s", HEAD_START);
	char addr[NET_ADDR_STRLEN];

	for (size_t k = 1; k <= extra; k++) {
		route_addr(addr, sizeof(addr), k);
		n += (size_t)snprintf(out + n, out_len - n,
				      "X-CSTP-Split-Include: %s/255.255.255.128\r\n", addr);
	}
	n += (size_t)snprintf(out + n, out_len - n, "%s", V08_DTLS_LINES V08_MTU_LINES "\r\n");
	assert_true(n < out_len);
	return n;
}

/* An ASA-sized split list: 300 routes, far past the 64 lines lib/http keeps inline. */
static void three_hundred_routes(void **state)
{
	static char head[64 * 1024];
	char addr[NET_ADDR_STRLEN], want[NET_ADDR_STRLEN], line[160];
	struct settings st;
	const char *why = NULL;
	size_t n = many_routes(head, sizeof(head), 299);

	(void)state;
	settings_init(&st);
	assert_int_equal(settings_take(&st, head, n, &why), 0);
	assert_int_equal(st.mtu, 1434);
	assert_int_equal(st.http.headers.count, 30 + 299);
	assert_int_equal(st.cstp.routes.count, 300);
	net_prefix_format(&st.cstp.routes.items[0].prefix, addr, sizeof(addr));
	assert_string_equal(addr, "198.18.2.0/24");
	for (size_t k = 1; k < 300; k++) {
		const struct cstp_route *r = &st.cstp.routes.items[k];

		assert_false(r->is_exclude);
		assert_int_equal(r->prefix.len, 25);
		net_addr_format(&r->prefix.addr, addr, sizeof(addr));
		route_addr(want, sizeof(want), k);
		assert_string_equal(addr, want);
	}
	/* The script's CISCO_CSTP_OPTIONS keep them all too, the last one included. */
	route_addr(want, sizeof(want), 299);
	snprintf(line, sizeof(line), "X-CSTP-Split-Include=%s/255.255.255.128\nX-CSTP-Base-MTU", want);
	assert_non_null(strstr(st.cstp_options, line));
	settings_cleanup(&st);

	/* 512 header lines is the client's bound (client/conn.h); 513 is refused. */
	n = many_routes(head, sizeof(head), 512 - 30);
	assert_int_equal(settings_take(&st, head, n, &why), 0);
	assert_int_equal(st.cstp.routes.count, 512 - 30 + 1);
	n = many_routes(head, sizeof(head), 512 - 30 + 1);
	assert_int_equal(settings_take(&st, head, n, &why), VPN_ERR_INVALID);
	assert_string_equal(why, "the answer's head does not parse");
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
		cmocka_unit_test(three_hundred_routes),
		cmocka_unit_test(same_addresses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
