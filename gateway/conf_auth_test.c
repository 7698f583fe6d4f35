/* SPDX-License-Identifier: ISC */
/*
 * Login methods as ocserv writes them (auth, enable-auth) and sslgated's
 * per-group auth: what each combination requires, and the configurations
 * refused because a method would lack what it needs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "gateway/conf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

static char logged[8192];
static char dir[64];

static void capture(enum log_level level, const char *line, void *ctx)
{
	size_t used = strlen(logged);

	(void)ctx;
	snprintf(logged + used, sizeof(logged) - used, "%d: %s\n", (int)level, line);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Loads the pool line, the given lines and the per-group directory. */
static int load(struct gw_config **out, const char *lines)
{
	char text[2048];

	logged[0] = '\0';
	*out = NULL;
	snprintf(text, sizeof(text), "ipv4-network = 198.19.0.0/24\n"
		 "select-group = engineering\nselect-group = sales\n"
		 "config-per-group = %s/groups/\n%s", dir, lines);
	return gw_config_load_text(out, text, strlen(text), "t.conf");
}

static int setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/sslgate-confauth-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/groups", dir);
	mkdir(path, 0755);
	write_file("groups/engineering", "auth = \"certificate\"\n");
	write_file("groups/sales", "auth = \"certificate+plain\"\n");
	log_set_sink(capture, NULL, LOG_LEVEL_DEBUG);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void methods_by_group(void **state)
{
	struct gw_config *cfg;
	unsigned alt = 99;

	(void)state;
	assert_int_equal(load(&cfg, "auth = \"plain[passwd=/x]\"\nca-cert = /ca.pem\n"
			      "crl = /crl.pem\ncert-user-oid = SAN(rfc822name)\n"), 0);
	assert_int_equal(gw_config_auth(cfg, "", &alt), GW_AUTH_PASSWORD);
	assert_int_equal(alt, 0);
	assert_int_equal(gw_config_auth(cfg, "engineering", NULL), GW_AUTH_CERT);
	assert_int_equal(gw_config_auth(cfg, "sales", NULL), GW_AUTH_CERT | GW_AUTH_PASSWORD);
	assert_int_equal(gw_config_auth(cfg, "nobody-knows", NULL), GW_AUTH_PASSWORD);
	assert_string_equal(cfg->crl_file, "/crl.pem");
	assert_string_equal(cfg->cert_user_oid, "SAN(rfc822name)");
	assert_null(cfg->cert_group_oid);
	gw_config_free(cfg);
}

/* Two auth lines: both; enable-auth: either; an unknown alternative is only warned about. */
static void main_file_lines(void **state)
{
	struct gw_config *cfg;
	unsigned alt;

	(void)state;
	assert_int_equal(load(&cfg, "auth = \"plain[passwd=/x]\"\nauth = \"certificate\"\n"
			      "ca-cert = /ca.pem\n"), 0);
	assert_int_equal(cfg->auth_methods, GW_AUTH_CERT | GW_AUTH_PASSWORD);
	gw_config_free(cfg);
	assert_int_equal(load(&cfg, "auth = \"plain[passwd=/x]\"\nenable-auth = \"certificate\"\n"
			      "enable-auth = \"gssapi\"\nca-cert = /ca.pem\n"), 0);
	assert_int_equal(gw_config_auth(cfg, "", &alt), GW_AUTH_PASSWORD);
	assert_int_equal(alt, GW_AUTH_CERT);
	assert_non_null(strstr(logged, "t.conf:7: 'enable-auth' is not supported for \"gssapi\""));
	gw_config_free(cfg);
	/* the sales group's password needs the main file's password file */
	assert_int_equal(load(&cfg, "auth = \"certificate\"\nca-cert = /ca.pem\n"), VPN_ERR_INVALID);
	assert_non_null(strstr(logged, "a password login needs auth = \"plain[passwd=FILE]\""));
}

static void refusals(void **state)
{
	static const struct {
		const char *lines, *message;
	} cases[] = {
		{ "auth = \"plain[passwd=/x]\"\n", "certificate logins need ca-cert" },
		{ "auth = \"plain[passwd=/x]\"\nca-cert = /ca.pem\nauth = \"radius\"\n",
		  "t.conf:7: auth method 'radius' is not supported" },
		{ "auth = \"plain[passwd=/x]\"\nca-cert = /ca.pem\ncrl = /c\nca-cert = /ca.pem\n", NULL },
		{ "auth = \"plain[passwd=/x]\"\ncrl = /crl.pem\n", "crl needs ca-cert" },
		{ "ca-cert = /ca.pem\nauth = \"plain[foo=bar]\"\n",
		  "t.conf:6: auth = \"plain[...]\" needs passwd=FILE" },
		{ "ca-cert = /ca.pem\nauth = \"plain[passwd=]\"\n",
		  "t.conf:6: auth = \"plain[...]\" needs passwd=FILE" },
	};
	struct gw_config *cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = load(&cfg, cases[i].lines);

		if (cases[i].message == NULL) {
			assert_int_equal(rc, 0);
			gw_config_free(cfg);
			continue;
		}
		assert_int_equal(rc, VPN_ERR_INVALID);
		assert_non_null(strstr(logged, cases[i].message));
	}
	/* a group's own password line cannot name another file */
	write_file("groups/engineering", "auth = \"plain[passwd=/other]\"\n");
	assert_int_equal(load(&cfg, "auth = \"plain[passwd=/x]\"\nca-cert = /ca.pem\n"),
			 VPN_ERR_INVALID);
	assert_non_null(strstr(logged, "uses the main file's password file"));
	write_file("groups/engineering", "auth = \"certificate\"\n");
}

/* auth = "certificate" everywhere: no password file is needed or named. */
static void certificate_only(void **state)
{
	struct gw_config *cfg;

	(void)state;
	write_file("groups/sales", "auth = \"certificate\"\n");
	assert_int_equal(load(&cfg, "auth = \"certificate\"\nca-cert = /ca.pem\n"), 0);
	assert_int_equal(gw_config_auth(cfg, "", NULL), GW_AUTH_CERT);
	assert_null(cfg->passwd_file);
	assert_null(strstr(logged, "passwd"));
	gw_config_free(cfg);
	write_file("groups/sales", "auth = \"certificate+plain\"\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(methods_by_group),
		cmocka_unit_test(main_file_lines),
		cmocka_unit_test(refusals),
		cmocka_unit_test(certificate_only),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
