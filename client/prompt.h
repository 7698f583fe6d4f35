/* SPDX-License-Identifier: ISC */
/*
 * Questions to the user on the terminal, openconnect's way: the question
 * goes to stderr, the answer is one line of standard input (so a password
 * and a "yes" can be piped in, in order), echo off for secrets when stdin
 * is a terminal. --non-inter forbids asking at all.
 */
#ifndef CLIENT_PROMPT_H
#define CLIENT_PROMPT_H

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

/* Reads one line without asking anything (--passwd-on-stdin, --cookie-on-stdin). */
int prompt_read_line(FILE *in, char *out, size_t out_len);

#endif
