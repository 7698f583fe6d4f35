/* SPDX-License-Identifier: ISC */
/*
 * Error and parse-result codes shared by the whole library.
 * Library functions return 0 on success or a negative enum vpn_err value;
 * resumable parsers return an enum parse_result and report the bytes they
 * consumed through an out parameter.
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

enum vpn_err {
	VPN_OK = 0,
	VPN_ERR_NOMEM = -1,     /* allocation failed */
	VPN_ERR_INVALID = -2,   /* malformed input */
	VPN_ERR_TOO_BIG = -3,   /* input or output past a configured bound */
	VPN_ERR_IO = -4,        /* system call failed; errno is meaningful */
	VPN_ERR_AGAIN = -5,     /* would block; try again when ready */
	VPN_ERR_CLOSED = -6,    /* peer closed the connection */
	VPN_ERR_TLS = -7,       /* TLS/DTLS failure */
	VPN_ERR_NOT_FOUND = -8, /* lookup found nothing */
	VPN_ERR_DENIED = -9,    /* authentication or permission refused */
	VPN_ERR_UNSUPPORTED = -10,
};

enum parse_result {
	PARSE_DONE = 0,      /* a whole unit was parsed */
	PARSE_NEED_MORE = 1, /* input ends inside a unit; call again with more */
	PARSE_INVALID = 2,   /* input can never become valid */
};

/* A short static string for an error code, for log lines. */
const char *vpn_err_str(int err);

#endif
