/* SPDX-License-Identifier: ISC */
/*
 * Datagram batches below GnuTLS (dtls.h): recvmmsg() fills a batch with one
 * session's datagrams, which GnuTLS then pulls one at a time; a corked
 * session's records wait in it and leave in one sendmmsg(), runs of equal
 * datagrams as one segmented message (UDP GSO) where the kernel takes it.
 * The session's transport (dtls_conn.c) calls in through dtls_batch.h.
 */
#include "lib/tls/dtls_batch.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/dtls.h>


/*
 * UDP segmentation offload (linux/udp.h): one sendmsg() carries a run of
 * equal datagrams (the last may be shorter) through the stack as one buffer
 * and the kernel cuts it late; the peer receives ordinary datagrams. The
 * kernel takes at most 64 segments (UDP_MAX_SEGMENTS on older kernels) and
 * one UDP length's worth of payload, headers included.
 */
#define DTLS_GSO_SEGMENTS_MAX 64
#define DTLS_GSO_BYTES_MAX 65000

/* Scratch for one loop's sessions; see dtls.h for who may hold what. */
struct dtls_batch {
	struct dtls_conn *rx_owner;   /* borrowed: whose datagrams rx holds */
	unsigned rx_count, rx_next;
	struct mmsghdr rx[DTLS_BATCH_MAX];
	struct iovec rx_iov[DTLS_BATCH_MAX];
	struct dtls_conn *tx_owner;   /* borrowed: whose datagrams wait in tx */
	unsigned tx_count;
	unsigned long tx_messages;    /* messages handed to the kernel, ever */
	struct mmsghdr tx[DTLS_BATCH_MAX];
	struct iovec tx_iov[DTLS_BATCH_MAX];
	/* one message per run of equal datagrams; its iov points into tx_iov */
	struct mmsghdr gso[DTLS_BATCH_MAX];
	unsigned gso_first[DTLS_BATCH_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		size_t align;         /* a cmsghdr's */
	} gso_cmsg[DTLS_BATCH_MAX];
	uint8_t rx_data[DTLS_BATCH_MAX][DTLS_BATCH_SLOT];
	uint8_t tx_data[DTLS_BATCH_MAX][DTLS_BATCH_SLOT];
};

/*
 * Sends held datagrams [from, to) one message each. false when the socket
 * took no more (full, or failed for good): what was left is counted dropped.
 */
static bool tx_send_plain(struct dtls_batch *b, struct dtls_conn *c, unsigned from, unsigned to)
{
	unsigned i = from;

	while (i < to) {
		int n = sendmmsg(c->fd, b->tx + i, to - i, MSG_NOSIGNAL);

		if (n > 0) {
			b->tx_messages += (unsigned)n;
			i += (unsigned)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		c->last_errno = errno;
		if (n < 0 && errno == EMSGSIZE) {
			/* the path shrank under this one datagram; the rest may pass */
			c->send_drops++;
			i++;
			continue;
		}
		if (n < 0 && !dtls_batch_is_drop_errno(errno))
			c->has_send_failed = true;
		c->send_drops += to - i;
		return false;
	}
	return true;
}

/* Datagrams in gso message k. */
static unsigned gso_count(const struct dtls_batch *b, unsigned k)
{
	return (unsigned)b->gso[k].msg_hdr.msg_iovlen;
}

/* Makes gso message k of count datagrams from first, segmented when count > 1. */
static void gso_set(struct dtls_batch *b, unsigned k, unsigned first, unsigned count)
{
	struct msghdr *h = &b->gso[k].msg_hdr;
	struct cmsghdr *cm;
	uint16_t seg = (uint16_t)b->tx_iov[first].iov_len;

	memset(h, 0, sizeof(*h));
	h->msg_iov = &b->tx_iov[first];
	h->msg_iovlen = count;
	b->gso_first[k] = first;
	if (count < 2)
		return;
	h->msg_control = b->gso_cmsg[k].buf;
	h->msg_controllen = sizeof(b->gso_cmsg[k].buf);
	cm = CMSG_FIRSTHDR(h);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
}

/* Cuts the held datagrams into runs of equal size; the number of messages. */
static unsigned gso_plan(struct dtls_batch *b)
{
	unsigned k = 0, i = 0;

	while (i < b->tx_count) {
		size_t seg = b->tx_iov[i].iov_len, total = seg;
		unsigned j = i + 1;

		while (j < b->tx_count && j - i < DTLS_GSO_SEGMENTS_MAX &&
		       b->tx_iov[j].iov_len <= seg && total + b->tx_iov[j].iov_len <= DTLS_GSO_BYTES_MAX) {
			total += b->tx_iov[j++].iov_len;
			if (b->tx_iov[j - 1].iov_len < seg)
				break; /* only the last segment may be short */
		}
		gso_set(b, k++, i, j - i);
		i = j;
	}
	return k;
}

/* The kernel (or this socket, or its route) will not segment for us. */
static bool is_gso_refusal(int err)
{
	return err == EIO || err == EINVAL || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

/*
 * Sends the held datagrams in segmented messages. Returns where plain
 * sending takes over: b->tx_count when all went (or were dropped), or the
 * first datagram of the message the kernel refused to segment on the first
 * try; that refusal is remembered and no datagram is lost to it.
 */
static unsigned tx_send_gso(struct dtls_batch *b, struct dtls_conn *c)
{
	unsigned count = gso_plan(b), k = 0;

	while (k < count) {
		unsigned first = b->gso_first[k];
		bool is_seg = gso_count(b, k) > 1;
		int n = sendmmsg(c->fd, b->gso + k, count - k, MSG_NOSIGNAL);

		if (n > 0) {
			b->tx_messages += (unsigned)n;
			for (unsigned m = k; m < k + (unsigned)n; m++)
				if (gso_count(b, m) > 1)
					c->gso = DTLS_GSO_WORKS;
			k += (unsigned)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (is_seg && is_gso_refusal(errno) && c->gso != DTLS_GSO_WORKS) {
			c->gso = DTLS_GSO_REFUSED;
			return first;
		}
		if (is_seg && (is_gso_refusal(errno) || errno == EMSGSIZE)) {
			/* it worked before: the path changed (MTU); this run goes plain */
			if (!tx_send_plain(b, c, first, first + gso_count(b, k)))
				break;
			k++;
			continue;
		}
		c->last_errno = errno;
		if (errno == EMSGSIZE) {
			c->send_drops += gso_count(b, k++);
			continue;
		}
		if (!dtls_batch_is_drop_errno(errno))
			c->has_send_failed = true;
		c->send_drops += b->tx_count - first;
		return b->tx_count;
	}
	/* a plain run that stopped: the datagrams after it are dropped too */
	if (k < count)
		c->send_drops += b->tx_count - (b->gso_first[k] + gso_count(b, k));
	return b->tx_count;
}

/* Sends the held datagrams on their session's socket; what cannot leave is dropped. */
static void tx_flush(struct dtls_batch *b)
{
	struct dtls_conn *c = b->tx_owner;
	unsigned from = 0;

	if (c != NULL && b->tx_count > 0) {
		if (c->gso == DTLS_GSO_UNTRIED || c->gso == DTLS_GSO_WORKS)
			from = tx_send_gso(b, c);
		if (from < b->tx_count)
			(void)tx_send_plain(b, c, from, b->tx_count);
	}
	b->tx_count = 0;
	b->tx_owner = NULL;
}

bool dtls_batch_hold(struct dtls_conn *c, const void *data, size_t len)
{
	struct dtls_batch *b = c->batch;

	if (b == NULL || !c->is_corked || len > DTLS_BATCH_SLOT)
		return false;
	if ((b->tx_owner != NULL && b->tx_owner != c) || b->tx_count == DTLS_BATCH_MAX)
		tx_flush(b);
	memcpy(b->tx_data[b->tx_count], data, len);
	b->tx_iov[b->tx_count].iov_len = len;
	b->tx_count++;
	b->tx_owner = c;
	return true;
}

void dtls_batch_flush(struct dtls_conn *c)
{
	if (c->batch != NULL && c->batch->tx_owner == c)
		tx_flush(c->batch);
}

void dtls_batch_leave(struct dtls_conn *c)
{
	dtls_batch_flush(c);
	if (c->batch != NULL && c->batch->rx_owner == c)
		c->batch->rx_owner = NULL; /* unread datagrams of a session that goes: dropped */
}

/* One recvmmsg() into the batch for c; the count, or -1 with errno. */
static int rx_fill(struct dtls_conn *c)
{
	struct dtls_batch *b = c->batch;
	int n;

	/* MSG_TRUNC: a datagram longer than its slot reports its real length */
	do
		n = recvmmsg(c->fd, b->rx, DTLS_BATCH_MAX, MSG_DONTWAIT | MSG_TRUNC, NULL);
	while (n < 0 && errno == EINTR);
	b->rx_owner = n > 0 ? c : NULL;
	b->rx_count = n > 0 ? (unsigned)n : 0;
	b->rx_next = 0;
	return n;
}

size_t dtls_batch_pending(const struct dtls_conn *c)
{
	const struct dtls_batch *b = c->batch;

	return b != NULL && b->rx_owner == c ? b->rx_count - b->rx_next : 0;
}

/*
 * A datagram longer than its slot: the peer sends past the MTU the slots
 * were sized for (a client on a link with a larger MTU, probing it). It
 * is lost, as a truncated datagram would be on the wire, and counted; the
 * first one's size is kept for the owner, who knows the peer, to log.
 */
static void on_oversize(struct dtls_conn *c, size_t len)
{
	if (c->rx_oversize++ == 0)
		c->rx_oversize_first_len = len;
}

/* The next datagram of the batch that fitted its slot. */
static ssize_t rx_take(struct dtls_conn *c, void *data, size_t len)
{
	struct dtls_batch *b = c->batch;

	while (b->rx_next < b->rx_count) {
		struct mmsghdr *m = &b->rx[b->rx_next];
		uint8_t *slot = b->rx_data[b->rx_next];
		size_t n = m->msg_len < len ? m->msg_len : len;

		b->rx_next++;
		if (b->rx_next == b->rx_count)
			b->rx_owner = NULL;
		if (m->msg_hdr.msg_flags & MSG_TRUNC) {
			on_oversize(c, m->msg_len);
			continue;
		}
		memcpy(data, slot, n);
		return (ssize_t)n;
	}
	errno = EAGAIN;
	return -1;
}

/* Batched reads only once the session runs with an MTU the slots hold. */
static bool may_batch_rx(const struct dtls_conn *c)
{
	return c->batch != NULL && c->is_batch_rx && c->is_handshake_done &&
	       gnutls_dtls_get_mtu(c->session) <= DTLS_BATCH_SLOT;
}

bool dtls_batch_is_reading(const struct dtls_conn *c)
{
	return dtls_batch_pending(c) > 0 || may_batch_rx(c);
}

ssize_t dtls_batch_pull(struct dtls_conn *c, void *data, size_t len)
{
	if (dtls_batch_pending(c) == 0 && rx_fill(c) <= 0)
		return -1;
	return rx_take(c, data, len);
}

/*
 * Segmented sends only on UDP sockets: elsewhere the cmsg is ignored and one
 * datagram would leave. Either end segments: the receiving kernel cuts the
 * buffer before the socket (udp_rcv_segment), so a peer that knows nothing
 * of GSO, such as ocserv, still reads one datagram per record.
 */
enum dtls_gso dtls_batch_gso_for(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 || proto != IPPROTO_UDP)
		return DTLS_GSO_REFUSED;
	return DTLS_GSO_UNTRIED;
}

int dtls_batch_new(struct dtls_batch **out)
{
	struct dtls_batch *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return VPN_ERR_NOMEM;
	for (unsigned i = 0; i < DTLS_BATCH_MAX; i++) {
		b->rx_iov[i].iov_base = b->rx_data[i];
		b->rx_iov[i].iov_len = DTLS_BATCH_SLOT;
		b->rx[i].msg_hdr.msg_iov = &b->rx_iov[i];
		b->rx[i].msg_hdr.msg_iovlen = 1;
		b->tx_iov[i].iov_base = b->tx_data[i];
		b->tx[i].msg_hdr.msg_iov = &b->tx_iov[i];
		b->tx[i].msg_hdr.msg_iovlen = 1;
	}
	*out = b;
	return 0;
}

unsigned long dtls_batch_tx_messages(const struct dtls_batch *b)
{
	return b->tx_messages;
}

void dtls_batch_free(struct dtls_batch *b)
{
	if (b == NULL)
		return;
	tx_flush(b);
	free(b);
}

