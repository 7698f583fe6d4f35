/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"

static void reader_stops_at_end(void **state)
{
	static const uint8_t bytes[] = { 0x53, 0x54, 0x46, 0x01, 0x00, 0x10 };
	struct guarded g;
	struct buf_reader r;
	uint32_t magic;
	uint16_t len;
	uint8_t extra;

	(void)state;
	assert_int_equal(guarded_init(&g, bytes, sizeof(bytes)), 0);
	buf_reader_init(&r, g.data, sizeof(bytes));
	assert_true(buf_read_be32(&r, &magic));
	assert_int_equal(magic, 0x53544601);
	assert_true(buf_read_be16(&r, &len));
	assert_int_equal(len, 16);
	assert_false(buf_read_u8(&r, &extra));
	assert_int_equal(buf_reader_left(&r), 0);
	guarded_cleanup(&g);
}

static void writer_error_is_sticky(void **state)
{
	uint8_t out[6];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	buf_write_be32(&w, 0x53544601);
	assert_int_equal(buf_writer_error(&w), 0);
	buf_write_be32(&w, 1); /* does not fit */
	buf_write_u8(&w, 7);   /* would fit, but the error is sticky */
	assert_int_equal(buf_writer_error(&w), VPN_ERR_TOO_BIG);
	assert_int_equal(w.len, 4);
}

static void printf_counts_without_nul(void **state)
{
	char out[8];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	buf_printf(&w, "%d", 1434);
	assert_int_equal(w.len, 4);
	buf_printf(&w, "%s", "abcd"); /* needs 5 with the NUL, 4 are left */
	assert_int_equal(buf_writer_error(&w), VPN_ERR_TOO_BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_stops_at_end),
		cmocka_unit_test(writer_error_is_sticky),
		cmocka_unit_test(printf_counts_without_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
