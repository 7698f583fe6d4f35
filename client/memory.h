/* SPDX-License-Identifier: ISC */
/*
 * The client's own memory: how the allocator is set up, and what is given
 * back once the login is over. A client lives for hours on a few
 * kilobytes of state; the login's documents, HTTP answers and TLS
 * handshakes leave freed heap behind that glibc keeps unless asked.
 */
#ifndef CLIENT_MEMORY_H
#define CLIENT_MEMORY_H

struct session;

/* Allocator settings for a small single-threaded program; main.c, first thing. */
void memory_setup(void);

/*
 * The tunnel is up: drops the login's state the session no longer needs
 * (the last auth document, libxml2 itself) and returns freed heap pages
 * to the system.
 */
void memory_release_login(struct session *s);

/*
 * Returns freed heap pages, the stack pages below the caller's frame and
 * the pages of the live frames above it that hold only zeros (untouched
 * parts of the session's buffers) to the system: after the login, after a
 * DTLS handshake. A page given back reads as zeros and comes back on the
 * first write. One thread only: nothing may write the stack meanwhile.
 */
void memory_trim(void);

#endif
