/* SPDX-License-Identifier: ISC */
/* The per-session send queue and the worker's pool of record buffers. */
#include "gateway/worker/outq.h"

#include <stdlib.h>
#include <string.h>

#include "lib/base/buf.h"
#include "lib/base/err.h"

void outq_pool_init(struct outq_pool *pool)
{
	pool->free = NULL;
	pool->free_count = 0;
}

void outq_pool_cleanup(struct outq_pool *pool)
{
	while (pool->free) {
		struct outq_rec *rec = pool->free;

		pool->free = rec->next;
		free(rec);
	}
	pool->free_count = 0;
}

struct outq_rec *outq_rec_get(struct outq_pool *pool, size_t cap)
{
	struct outq_rec *rec;

	if (cap > OUTQ_REC_MAX)
		return NULL;
	if (cap <= OUTQ_REC_CAP && pool->free) {
		rec = pool->free;
		pool->free = rec->next;
		pool->free_count--;
	} else {
		/* Small records are made full size so they can be pooled later. */
		size_t alloc = cap <= OUTQ_REC_CAP ? OUTQ_REC_CAP : cap;

		rec = malloc(sizeof(*rec) + alloc);
		if (!rec)
			return NULL;
		rec->cap = alloc;
	}
	rec->next = NULL;
	rec->len = 0;
	rec->has_secret = false;
	return rec;
}

void outq_rec_put(struct outq_pool *pool, struct outq_rec *rec)
{
	if (!rec)
		return;
	if (rec->has_secret)
		buf_wipe(rec->data, rec->len);
	if (rec->cap != OUTQ_REC_CAP || pool->free_count >= OUTQ_POOL_KEEP) {
		free(rec);
		return;
	}
	rec->next = pool->free;
	pool->free = rec;
	pool->free_count++;
}

void outq_init(struct outq *q)
{
	q->head = NULL;
	q->tail = NULL;
	q->count = 0;
	q->bytes = 0;
}

void outq_push(struct outq *q, struct outq_rec *rec)
{
	rec->next = NULL;
	if (q->tail)
		q->tail->next = rec;
	else
		q->head = rec;
	q->tail = rec;
	q->count++;
	q->bytes += rec->len;
}

struct outq_rec *outq_peek(const struct outq *q)
{
	return q->head;
}

struct outq_rec *outq_pop(struct outq *q)
{
	struct outq_rec *rec = q->head;

	if (!rec)
		return NULL;
	q->head = rec->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	q->bytes -= rec->len;
	rec->next = NULL;
	return rec;
}

void outq_clear(struct outq *q, struct outq_pool *pool)
{
	struct outq_rec *rec;

	while ((rec = outq_pop(q)) != NULL)
		outq_rec_put(pool, rec);
}

int outq_push_bytes(struct outq *q, struct outq_pool *pool, const void *data, size_t len,
		    bool has_secret)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t n = len < OUTQ_REC_MAX ? len : OUTQ_REC_MAX;
		struct outq_rec *rec = outq_rec_get(pool, n);

		if (!rec)
			return VPN_ERR_NOMEM;
		memcpy(rec->data, p, n);
		rec->len = n;
		rec->has_secret = has_secret;
		outq_push(q, rec);
		p += n;
		len -= n;
	}
	return 0;
}
