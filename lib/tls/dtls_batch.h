/* SPDX-License-Identifier: ISC */
/*
 * Private to lib/tls: what a DTLS session's transport (dtls_conn.c) asks of
 * the datagram batch (dtls_batch.c). The public half, and the rules on who
 * may hold what in a batch, are in dtls.h.
 *
 * Ownership: the batch borrows the session whose datagrams it holds; the
 * session borrows its batch (c->batch) and leaves it (dtls_batch_leave)
 * before it goes or moves to another.
 */
#ifndef TLS_DTLS_BATCH_H
#define TLS_DTLS_BATCH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/tls/tls_internal.h"

/*
 * A full queue, or an earlier ICMP unreachable reported now: a lost
 * datagram, counted on either path, never a failed socket.
 */
static inline bool dtls_batch_is_drop_errno(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ECONNREFUSED;
}

/* How a new session's corked runs may leave on fd, at either end (see dtls_batch.c). */
enum dtls_gso dtls_batch_gso_for(int fd);

/* Holds one datagram of a corked session; false when it has to go out on its own. */
bool dtls_batch_hold(struct dtls_conn *c, const void *data, size_t len);
/* Sends what c holds in its batch, if anything; what cannot leave is dropped and counted. */
void dtls_batch_flush(struct dtls_conn *c);
/* c stops using its batch: what it holds leaves, what it has not read is dropped. */
void dtls_batch_leave(struct dtls_conn *c);

/* Whether c's next datagram comes from the batch rather than from recv(). */
bool dtls_batch_is_reading(const struct dtls_conn *c);
/*
 * c's next datagram, at most len bytes of it, refilling the batch when c's
 * share is used up: its length, or -1 with errno (EAGAIN: none waiting).
 * Only when dtls_batch_is_reading(c).
 */
ssize_t dtls_batch_pull(struct dtls_conn *c, void *data, size_t len);
/* Datagrams the batch holds for c that c has not pulled yet. */
size_t dtls_batch_pending(const struct dtls_conn *c);

#endif
