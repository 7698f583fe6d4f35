/* SPDX-License-Identifier: ISC */
/* One-line answers from standard input, echo off for secrets on a terminal. */
#include "client/prompt.h"

#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

int prompt_read_line(FILE *in, char *out, size_t out_len)
{
	size_t n = 0;
	int c;
	bool is_too_long = false;

	while ((c = getc(in)) != EOF && c != '\n') {
		if (n + 1 < out_len)
			out[n++] = (char)c;
		else
			is_too_long = true;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	if (is_too_long) {
		buf_wipe(out, out_len);
		return VPN_ERR_TOO_BIG;
	}
	if (c == EOF && n == 0)
		return ferror(in) ? VPN_ERR_IO : VPN_ERR_CLOSED;
	return 0;
}

/* One byte into *out: 1, 0 at the end of input, -1 on an error (errno says). */
static int read_byte(int fd, const volatile sig_atomic_t *stop, char *out)
{
	for (;;) {
		ssize_t n = read(fd, out, 1);

		if (n >= 0)
			return (int)n;
		if (errno != EINTR || (stop && *stop))
			return -1;
	}
}

/*
 * Consumes the rest of a refused line, a byte at a time through *spill
 * (which held a byte of it already), and wipes *spill.
 */
static int drop_line(int fd, const volatile sig_atomic_t *stop, char *spill, int ret)
{
	int got;

	while ((got = read_byte(fd, stop, spill)) == 1 && *spill != '\n')
		;
	buf_wipe(spill, 1);
	return got < 0 ? VPN_ERR_IO : ret;
}

/* The line is out[0..n): a CR that ended it goes, the NUL comes. */
static int end_line(char *out, size_t n)
{
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	return 0;
}

/*
 * out holds n bytes and room for the NUL only: the line fits if what
 * follows is its end (LF, CR LF, or the end of input, after a CR or not);
 * otherwise it is too long and the rest of it is consumed.
 */
static int end_of_full_line(int fd, const volatile sig_atomic_t *stop, char *out, size_t n)
{
	char spill = 0;
	int got = read_byte(fd, stop, &spill);
	bool has_cr = got == 1 && spill == '\r';

	if (has_cr)
		got = read_byte(fd, stop, &spill);
	if (got < 0)
		return VPN_ERR_IO;
	if (got == 1 && spill != '\n')
		return drop_line(fd, stop, &spill, VPN_ERR_TOO_BIG);
	if (!has_cr)
		return end_line(out, n);
	out[n] = '\0';
	return 0;
}

static int read_line(int fd, const volatile sig_atomic_t *stop, char *out, size_t out_len)
{
	size_t n;
	int got;

	for (n = 0; n + 1 < out_len; n++) {
		got = read_byte(fd, stop, &out[n]);
		if (got < 0)
			return VPN_ERR_IO;
		if (got == 0)
			return n == 0 ? VPN_ERR_CLOSED : end_line(out, n);
		if (out[n] == '\n')
			return end_line(out, n);
		if (out[n] == '\0')
			return drop_line(fd, stop, &out[n], VPN_ERR_INVALID);
	}
	return end_of_full_line(fd, stop, out, n);
}

int prompt_read_fd_line(int fd, const volatile sig_atomic_t *stop, char *out, size_t out_len)
{
	int ret;

	if (out_len == 0)
		return VPN_ERR_TOO_BIG;
	ret = read_line(fd, stop, out, out_len);
	if (ret != 0)
		buf_wipe(out, out_len);
	return ret;
}

int prompt_line(FILE *in, const char *question, bool is_secret, char *out, size_t out_len)
{
	struct termios saved;
	struct termios quiet;
	int fd = fileno(in);
	bool is_quiet = false;
	int ret;

	fputs(question, stderr);
	fflush(stderr);
	if (is_secret && isatty(fd) && tcgetattr(fd, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		is_quiet = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	ret = prompt_read_line(in, out, out_len);
	if (is_quiet) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	return ret;
}
