/* SPDX-License-Identifier: ISC */
/* One-line answers from standard input, echo off for secrets on a terminal. */
#include "client/prompt.h"

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
