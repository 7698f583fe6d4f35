/* SPDX-License-Identifier: ISC */
/*
 * What a session still has to send: a FIFO of records, each of which goes
 * out as exactly one TLS record (one CSTP frame, or one piece of an HTTP
 * response). Records come from a per-worker pool so the data path does not
 * call malloc per packet once it is warm.
 *
 * Ownership: a record belongs to whoever holds it; outq_push hands it to the
 * queue, outq_pop hands it back, outq_rec_put returns it to the pool (and
 * wipes it first when it was marked as holding a secret, e.g. a cookie).
 */
#ifndef GATEWAY_WORKER_OUTQ_H
#define GATEWAY_WORKER_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a CSTP header and the largest tunnel packet a tun gives us. */
#define OUTQ_REC_CAP (8 + 2048)
/* Largest single record: the TLS maximum plaintext. */
#define OUTQ_REC_MAX 16384
/* Records kept for reuse per pool; the rest are freed. */
#define OUTQ_POOL_KEEP 1024

struct outq_rec {
	struct outq_rec *next;
	size_t len;
	size_t cap;
	bool has_secret;   /* wipe before reuse */
	uint8_t data[];
};

struct outq_pool {
	struct outq_rec *free;   /* owned: records of OUTQ_REC_CAP ready for reuse */
	size_t free_count;
};

struct outq {
	struct outq_rec *head;   /* owned */
	struct outq_rec *tail;   /* borrowed: last of the chain */
	size_t count;
	size_t bytes;
};

void outq_pool_init(struct outq_pool *pool);
void outq_pool_cleanup(struct outq_pool *pool);
/* A record with room for at least cap bytes (<= OUTQ_REC_MAX), len 0; NULL when out of memory. */
struct outq_rec *outq_rec_get(struct outq_pool *pool, size_t cap);
void outq_rec_put(struct outq_pool *pool, struct outq_rec *rec);

void outq_init(struct outq *q);
void outq_push(struct outq *q, struct outq_rec *rec);
/* The oldest record, still queued; NULL when empty. */
struct outq_rec *outq_peek(const struct outq *q);
/* Removes and returns the oldest record; NULL when empty. */
struct outq_rec *outq_pop(struct outq *q);
/* Returns every queued record to the pool. */
void outq_clear(struct outq *q, struct outq_pool *pool);

/*
 * Queues data as as many records as it takes (each <= OUTQ_REC_MAX), for
 * byte streams such as HTTP responses. 0 or VPN_ERR_NOMEM.
 */
int outq_push_bytes(struct outq *q, struct outq_pool *pool, const void *data, size_t len,
		     bool has_secret);

#endif
