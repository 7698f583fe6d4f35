/* SPDX-License-Identifier: ISC */
/*
 * Questions to the user on the terminal, openconnect's way: the question
 * goes to stderr, the answer is one line of standard input (so a password
 * and a "yes" can be piped in, in order), echo off for secrets when stdin
 * is a terminal. --non-inter forbids asking at all.
 *
 * The lines given on standard input before anything is asked
 * (--passwd-on-stdin, --cookie-on-stdin) are read from the descriptor, not
 * through stdio: a stdio stream reads a whole block ahead into a heap
 * buffer nobody wipes, and the secret would sit there for the session.
 */
#ifndef CLIENT_PROMPT_H
#define CLIENT_PROMPT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* A line longer than this is refused, not cut. */
#define PROMPT_LINE_MAX 1024

/*
 * Writes question to stderr and reads one line from in into out (without
 * its line end). 0; VPN_ERR_CLOSED at end of input; VPN_ERR_TOO_BIG for a
 * longer line (the rest of it is consumed); VPN_ERR_IO on a read error.
 * With is_secret the terminal does not echo and out must be wiped by the caller.
 */
int prompt_line(FILE *in, const char *question, bool is_secret, char *out, size_t out_len);

/* Reads one line without asking anything, through stdio. */
int prompt_read_line(FILE *in, char *out, size_t out_len);

/*
 * Reads one line from fd straight into out, one read(2) per byte, so that
 * nothing past its LF leaves the kernel: the next lines stay for whoever
 * reads fd (or a stdio stream on it that has not read yet) afterwards. A
 * CR before the LF is dropped; a last line without LF counts.
 *
 * 0 with out holding the line and its NUL; VPN_ERR_CLOSED at the end of
 * input before any byte; VPN_ERR_TOO_BIG for a line of out_len bytes or
 * more and VPN_ERR_INVALID for one holding a NUL byte (either line is read
 * to its end, so the next line is still the next); VPN_ERR_IO on a read
 * error, or with errno EINTR when a signal came while *stop was set (a
 * signal with stop NULL or *stop clear is waited through). On failure out
 * is wiped; on success the caller owns and wipes it.
 */
int prompt_read_fd_line(int fd, const volatile sig_atomic_t *stop, char *out, size_t out_len);

#endif
