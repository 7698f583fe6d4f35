/* SPDX-License-Identifier: ISC */
/*
 * resolv.conf for the built-in setup. The expected files are what Debian's
 * vpnc-script (modify_resolvconf_generic) writes for the same old file,
 * servers and domain, with our mark line in place of its three: the test
 * namespaces' file, a typical host file, one without a final newline. Then
 * apply and restore on files in a private directory: the original comes
 * back byte for byte, a manager's symbolic link is never touched, and a
 * file someone else rewrote meanwhile is left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/setup_resolv.h"
#include "lib/base/err.h"
#include "lib/base/testutil.h"

#define MARK SETUP_RESOLV_MARK "\n"

static struct net_addr dns[2];

static int setup(void **state)
{
	(void)state;
	net_addr_parse(&dns[0], "198.18.2.53", 11);
	net_addr_parse(&dns[1], "2001:db8::53", 12);
	return 0;
}

/* Builds from old (behind a guard page, so no byte past it is read). */
static void check_build(const char *old, size_t n_dns, const char *domain, const char *expected)
{
	char out[4096];
	struct buf_writer w;
	struct guarded g;

	assert_int_equal(guarded_init(&g, old, strlen(old)), 0);
	buf_writer_init(&w, out, sizeof(out));
	setup_resolv_build(&w, (const char *)g.data, strlen(old), dns, n_dns, domain);
	assert_int_equal(buf_writer_error(&w), 0);
	assert_int_equal(w.len, strlen(expected));
	assert_memory_equal(out, expected, w.len);
	guarded_cleanup(&g);
}

static void namespace_file(void **state)
{
	(void)state;
	/* tests/lib/netns.sh writes this into every namespace */
	check_build("# sslgate test namespace sg1-cli: no DNS server\n", 1, "vpnlab.test",
		    MARK "# sslgate test namespace sg1-cli: no DNS server\n"
			 "nameserver 198.18.2.53\nsearch vpnlab.test\n");
}

static void host_file(void **state)
{
	(void)state;
	/* servers go, options stay, old domains (both keywords) go before the pushed one */
	check_build("nameserver 10.0.0.1\nsearch a.example  b.example\noptions edns0\n"
		    "domain c.example\nnameserver 10.0.0.2\n",
		    2, "vpnlab.test",
		    MARK "options edns0\nnameserver 198.18.2.53\nnameserver 2001:db8::53\n"
			 "search a.example b.example c.example vpnlab.test\n");
	/* no pushed domain, old search kept; "nameservers" is not "nameserver" */
	check_build("search a.example\nnameservers x", 1, "",
		    MARK "nameservers x\nnameserver 198.18.2.53\nsearch a.example\n");
}

static void too_big(void **state)
{
	char out[64];
	struct buf_writer w;

	(void)state;
	buf_writer_init(&w, out, sizeof(out));
	setup_resolv_build(&w, "", 0, dns, 2, "vpnlab.test");
	assert_int_equal(buf_writer_error(&w), VPN_ERR_TOO_BIG);
}

struct dir {
	char path[64], conf[96], backup[96];
	struct setup_resolv_paths paths;
};

static void dir_init(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/sslgate-resolv-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->conf, sizeof(d->conf), "%s/resolv.conf", d->path);
	snprintf(d->backup, sizeof(d->backup), "%s/backup", d->path);
	d->paths.conf = d->conf;
	d->paths.backup = d->backup;
}

static void dir_cleanup(struct dir *d)
{
	unlink(d->conf);
	unlink(d->backup);
	assert_int_equal(rmdir(d->path), 0); /* nothing else was left there */
}

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static size_t get(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(out, 1, cap, f);
	fclose(f);
	return n;
}

static void apply_then_restore(void **state)
{
	/* no final newline, a NUL byte: restored exactly, not as the builder reads it */
	static const char old[] = "search old.example\noptions ndots:2\0x\n# end";
	char now[4096];
	struct dir d;
	size_t n;

	(void)state;
	dir_init(&d);
	put(d.conf, old, sizeof(old) - 1);
	assert_int_equal(setup_resolv_apply(&d.paths, dns, 1, "vpnlab.test"), 0);
	n = get(d.conf, now, sizeof(now));
	assert_true(n > strlen(MARK) && memcmp(now, MARK, strlen(MARK)) == 0);
	assert_non_null(memmem(now, n, "nameserver 198.18.2.53\nsearch old.example vpnlab.test\n", 54));
	assert_int_equal(get(d.backup, now, sizeof(now)), sizeof(old) - 1);
	assert_int_equal(setup_resolv_restore(&d.paths, dns, 1, "vpnlab.test"), 0);
	n = get(d.conf, now, sizeof(now));
	assert_int_equal(n, sizeof(old) - 1);
	assert_memory_equal(now, old, n);
	assert_int_equal(access(d.backup, F_OK), -1); /* the backup is gone */
	assert_int_equal(setup_resolv_restore(&d.paths, dns, 1, "vpnlab.test"), VPN_ERR_NOT_FOUND);
	dir_cleanup(&d);
}

static void changed_meanwhile(void **state)
{
	char now[256];
	struct dir d;

	(void)state;
	dir_init(&d);
	put(d.conf, "nameserver 10.0.0.1\n", 20);
	assert_int_equal(setup_resolv_apply(&d.paths, dns, 1, ""), 0);
	put(d.conf, "nameserver 10.9.9.9\n", 20); /* a DHCP client, say */
	assert_int_equal(setup_resolv_restore(&d.paths, dns, 1, ""), VPN_ERR_INVALID);
	assert_int_equal(get(d.conf, now, sizeof(now)), 20);
	assert_memory_equal(now, "nameserver 10.9.9.9\n", 20);
	dir_cleanup(&d);
}

static void manager_link_untouched(void **state)
{
	char target[128], now[64];
	struct dir d;

	(void)state;
	dir_init(&d);
	snprintf(target, sizeof(target), "%s/stub-resolv.conf", d.path);
	put(target, "nameserver 127.0.0.53\n", 22);
	assert_int_equal(symlink(target, d.conf), 0);
	assert_int_equal(setup_resolv_apply(&d.paths, dns, 1, ""), VPN_ERR_UNSUPPORTED);
	assert_int_equal(get(target, now, sizeof(now)), 22);
	assert_memory_equal(now, "nameserver 127.0.0.53\n", 22);
	assert_int_equal(access(d.backup, F_OK), -1);
	unlink(target);
	dir_cleanup(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(namespace_file),
		cmocka_unit_test(host_file),
		cmocka_unit_test(too_big),
		cmocka_unit_test(apply_then_restore),
		cmocka_unit_test(changed_meanwhile),
		cmocka_unit_test(manager_link_untouched),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
