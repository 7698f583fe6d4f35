/* SPDX-License-Identifier: ISC */
/*
 * sslgate-passwd: ocpasswd's command line for ocserv-format password files,
 * usable on the same files as ocpasswd (and authd).
 *   sslgate-passwd [-c FILE] [-g GROUPS] [-l | -u | -d] USER
 * Without -l/-u/-d it sets USER's password: asked twice on a terminal,
 * else the first line of standard input. Unlike ocpasswd, a password change
 * without -g keeps the user's groups.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "gateway/authd/passwd.h"
#include "gateway/conf.h"
#include "gateway/passwd/edit.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"

#define PASSWORD_MAX 256

static void usage(FILE *out)
{
	fprintf(out, "Usage: sslgate-passwd [-c FILE] [-g GROUPS] [-l|-u|-d] USER\n"
		"  -c, --passwd FILE      the password file (default " GW_DEFAULT_PASSWD ")\n"
		"  -g, --groupname LIST   the user's groups, comma-separated\n"
		"  -l, --lock             lock the user\n"
		"  -u, --unlock           unlock the user\n"
		"  -d, --delete           delete the user\n");
}

/* One line of input, without its end; echo off on a terminal. */
static int read_line(const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	bool is_tty = isatty(STDIN_FILENO);
	size_t n;

	if (is_tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(out, (int)cap, stdin))
		out[0] = '\0';
	if (is_tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	return n ? 0 : -1;
}

static int get_password(char *out, size_t cap)
{
	char again[PASSWORD_MAX];
	int r = 0;

	if (read_line("Enter password: ", out, cap) < 0) {
		fprintf(stderr, "Please specify a password\n");
		return -1;
	}
	if (isatty(STDIN_FILENO)) {
		if (read_line("Re-enter password: ", again, sizeof(again)) < 0 ||
		    strcmp(out, again) != 0) {
			fprintf(stderr, "Passwords do not match\n");
			r = -1;
		}
		buf_wipe(again, sizeof(again));
	}
	return r;
}

static int report(int r, const char *path, const char *user)
{
	switch (r) {
	case 0: return 0;
	case VPN_ERR_AGAIN: fprintf(stderr, "file '%s' is locked.\n", path); break;
	case VPN_ERR_NOT_FOUND: fprintf(stderr, "user '%s' is not in '%s'\n", user, path); break;
	case VPN_ERR_INVALID: fprintf(stderr, "user or group names may not contain ':'\n"); break;
	default: fprintf(stderr, "Cannot write to '%s'.\n", path);
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "passwd", required_argument, NULL, 'c' },
		{ "groupname", required_argument, NULL, 'g' },
		{ "lock", no_argument, NULL, 'l' },
		{ "unlock", no_argument, NULL, 'u' },
		{ "delete", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct passwd_edit e = { .op = PASSWD_EDIT_SET };
	const char *path = GW_DEFAULT_PASSWD;
	char password[PASSWORD_MAX], hash[AUTHD_PASSWD_HASH_MAX] = "";
	int opt, r;

	while ((opt = getopt_long(argc, argv, "c:g:ludh", longs, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'g': e.groups = optarg; break;
		case 'l': e.op = PASSWD_EDIT_LOCK; break;
		case 'u': e.op = PASSWD_EDIT_UNLOCK; break;
		case 'd': e.op = PASSWD_EDIT_DELETE; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 1;
	}
	e.user = argv[optind];
	umask(066);
	if (e.op == PASSWD_EDIT_SET) {
		if (get_password(password, sizeof(password)) < 0 ||
		    passwd_edit_hash(password, hash, sizeof(hash)) < 0) {
			buf_wipe(password, sizeof(password));
			return 1;
		}
		buf_wipe(password, sizeof(password));
		e.hash = hash;
	}
	r = passwd_edit_apply(path, &e);
	buf_wipe(hash, sizeof(hash));
	return report(r, path, e.user);
}
