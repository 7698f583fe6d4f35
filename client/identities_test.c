/* SPDX-License-Identifier: ISC */
/*
 * Identities from the command line: --certificate/--sslkey pairs by
 * position, a directory expanded in name order with the key files found
 * beside each certificate, and the bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/identities.h"
#include "client/options.h"
#include "lib/base/err.h"

static char dir[64];

static void touch(const char *name)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static int setup(void **state)
{
	static const char *const names[] = { "a.pem", "a-key.pem", "b.p12", "c.crt", "c.key",
					     "d.pem", "notes.txt", ".hidden.pem" };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sslgate-ids-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		touch(names[i]);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void parse(struct options *o, int argc, char **argv)
{
	char err[256] = "";

	assert_int_equal(options_parse(o, argc, argv, err, sizeof(err)), 0);
}

static void pairs_by_position(void **state)
{
	char *argv[] = { "sslgate", "-c", "one.pem", "-k", "one-key.pem", "--certificate=two.p12",
			 "-c", "pkcs11:token=t;object=x", "-p", "secret", "gw.example" };
	struct identities ids;
	struct options o;

	(void)state;
	parse(&o, 11, argv);
	assert_string_equal(o.key_password, "secret");
	assert_int_equal(identities_collect(&ids, &o, NULL), 0);
	assert_int_equal(ids.n, 3);
	assert_string_equal(ids.list[0].cert, "one.pem");
	assert_string_equal(ids.list[0].key, "one-key.pem");
	assert_string_equal(ids.list[1].cert, "two.p12");
	assert_null(ids.list[1].key);
	assert_string_equal(ids.list[2].cert, "pkcs11:token=t;object=x");
	assert_null(ids.list[2].key);
	identities_cleanup(&ids);
}

static void directory_in_name_order(void **state)
{
	char *argv[] = { "sslgate", "-c", dir, "gw.example" };
	char want[128];
	struct identities ids;
	struct options o;

	(void)state;
	parse(&o, 4, argv);
	assert_int_equal(identities_collect(&ids, &o, NULL), 0);
	/* a.pem (+a-key.pem), b.p12, c.crt (+c.key), d.pem (key inside) */
	assert_int_equal(ids.n, 4);
	snprintf(want, sizeof(want), "%s/a.pem", dir);
	assert_string_equal(ids.list[0].cert, want);
	snprintf(want, sizeof(want), "%s/a-key.pem", dir);
	assert_string_equal(ids.list[0].key, want);
	snprintf(want, sizeof(want), "%s/b.p12", dir);
	assert_string_equal(ids.list[1].cert, want);
	assert_null(ids.list[1].key);
	snprintf(want, sizeof(want), "%s/c.key", dir);
	assert_string_equal(ids.list[2].key, want);
	snprintf(want, sizeof(want), "%s/d.pem", dir);
	assert_string_equal(ids.list[3].cert, want);
	assert_null(ids.list[3].key);
	identities_cleanup(&ids);
}

static void bounds(void **state)
{
	char *more_keys[] = { "sslgate", "-c", "a.pem", "-k", "a.key", "-k", "b.key", "gw" };
	char *argv[2 + 2 * (OPTIONS_MAX_CERTS + 1)];
	char err[256] = "";
	const char *why = NULL;
	struct identities ids;
	struct options o;
	int argc = 1;

	(void)state;
	parse(&o, 8, more_keys);
	assert_int_equal(identities_collect(&ids, &o, &why), VPN_ERR_INVALID);
	assert_string_equal(why, "b.key");
	identities_cleanup(&ids);

	argv[0] = "sslgate";
	for (int i = 0; i <= OPTIONS_MAX_CERTS; i++) {
		argv[argc++] = "-c";
		argv[argc++] = "x.pem";
	}
	argv[argc++] = "gw";
	assert_int_not_equal(options_parse(&o, argc, argv, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "too many --certificate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pairs_by_position),
		cmocka_unit_test(directory_in_name_order),
		cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
