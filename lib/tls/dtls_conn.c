/* SPDX-License-Identifier: ISC */
/*
 * One DTLS session over a connected, non-blocking UDP socket: transport,
 * handshake, record I/O, MTU and the numbers a log line wants. Which mode
 * and which keys is dtls_setup.c's business.
 *
 * The transport never blocks and never fails for a full socket buffer: a
 * datagram the kernel will not queue is dropped and counted, as the network
 * would drop it, and DTLS (retransmission in the handshake, loss-tolerant
 * records after it) copes. A server session may start with a datagram that
 * another socket received (the gateway's demultiplexer); it is read first.
 * With a batch (dtls.h) the same transport moves datagrams by the dozen:
 * GnuTLS still pulls and pushes one at a time, from and into the batch.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/dtls.h>

#include "lib/base/buf.h"
#include "lib/tls/tls_internal.h"

/* Non-fatal alerts in a row before a call gives up on them. */
#define DTLS_WARNINGS_MAX 8
#define DTLS_RETRANS_DEFAULT_MS 1000
#define DTLS_TOTAL_DEFAULT_MS 60000

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

/* A full queue, or an earlier ICMP unreachable reported now: a lost datagram. */
static bool is_drop_errno(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ECONNREFUSED;
}

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
		if (n < 0 && !is_drop_errno(errno))
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
		if (!is_drop_errno(errno))
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

/* Holds one corked datagram; false when it has to go out on its own. */
static bool tx_hold(struct dtls_conn *c, const void *data, size_t len)
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

static ssize_t on_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	struct dtls_conn *c = ptr;
	ssize_t n;

	if (tx_hold(c, data, len))
		return (ssize_t)len;
	/* whatever this session holds leaves first: datagrams keep their order */
	if (c->batch != NULL && c->batch->tx_owner == c)
		tx_flush(c->batch);
	do
		n = send(c->fd, data, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	c->last_errno = errno;
	if (is_drop_errno(errno)) {
		c->send_drops++;
		return (ssize_t)len;
	}
	gnutls_transport_set_errno(c->session, errno);
	return -1;
}

/* One recvmmsg() into the batch for c; the count, or -1 with errno. */
static int rx_fill(struct dtls_conn *c)
{
	struct dtls_batch *b = c->batch;
	int n;

	do
		n = recvmmsg(c->fd, b->rx, DTLS_BATCH_MAX, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	b->rx_owner = n > 0 ? c : NULL;
	b->rx_count = n > 0 ? (unsigned)n : 0;
	b->rx_next = 0;
	return n;
}

static bool has_batched(const struct dtls_conn *c)
{
	return c->batch != NULL && c->batch->rx_owner == c && c->batch->rx_next < c->batch->rx_count;
}

/* The next datagram of the batch (truncated ones are lost, as on the wire). */
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
		if (m->msg_hdr.msg_flags & MSG_TRUNC)
			continue;
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

static ssize_t on_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
	struct dtls_conn *c = ptr;
	ssize_t n;

	if (c->first != NULL) {
		n = (ssize_t)(c->first_len < len ? c->first_len : len);
		memcpy(data, c->first, (size_t)n);
		free(c->first);
		c->first = NULL;
		c->first_len = 0;
		return n;
	}
	if (has_batched(c)) {
		n = rx_take(c, data, len);
	} else if (may_batch_rx(c)) {
		n = rx_fill(c) > 0 ? rx_take(c, data, len) : -1;
	} else {
		do
			n = recv(c->fd, data, len, 0);
		while (n < 0 && errno == EINTR);
	}
	if (n >= 0)
		return n;
	c->last_errno = errno;
	/*
	 * ECONNREFUSED is an ICMP answer to something sent earlier; to DTLS it
	 * is silence like any other, and the retransmission timers decide.
	 */
	gnutls_transport_set_errno(c->session, errno == ECONNREFUSED ? EAGAIN : errno);
	return -1;
}

/* GnuTLS asks whether data is waiting; the caller's loop does all waiting. */
static int on_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct dtls_conn *c = ptr;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };

	(void)ms;
	if (c->first != NULL || has_batched(c))
		return 1;
	return poll(&p, 1, 0);
}

/*
 * Receive buffer asked for each DTLS socket. A TCP flow inside the tunnel
 * sends in bursts that outrun a reader sharing the CPU, and at the default
 * 208 KiB about one datagram in seven was dropped (UDP RcvbufErrors, both
 * ends, in make bench): each loss costs the inner flow a window halving,
 * while queued bytes cost memory only while they wait. The kernel caps the
 * figure at net.core.rmem_max.
 */
#define DTLS_RCVBUF (2 * 1024 * 1024)

static void grow_rcvbuf(int fd)
{
	int size = DTLS_RCVBUF;

	/* best effort: a smaller buffer only means more loss under load */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/*
 * Segmented sends only on UDP sockets: elsewhere the cmsg is ignored and one
 * datagram would leave. Only the gateway's sessions segment for now: the
 * integration tests count the client's upload datagrams with an iptables
 * rule in the gateway's namespace, which sees one unsplit buffer per run.
 */
static enum dtls_gso gso_for(int fd, bool is_server)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (!is_server || getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 ||
	    proto != IPPROTO_UDP)
		return DTLS_GSO_REFUSED;
	return DTLS_GSO_UNTRIED;
}

static int new_conn(struct dtls_conn **out, int fd, bool is_server,
		    const struct dtls_params *p)
{
	unsigned flags = (is_server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_DATAGRAM |
			 GNUTLS_NONBLOCK;
	struct dtls_conn *c;

	if (p->mode != DTLS_MODE_RESUME && p->mode != DTLS_MODE_PSK)
		return VPN_ERR_INVALID;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return VPN_ERR_NOMEM;
	c->fd = fd;
	c->is_server = is_server;
	c->mode = p->mode;
	grow_rcvbuf(fd);
	c->gso = gso_for(fd, is_server);
	if (gnutls_init(&c->session, flags) < 0) {
		free(c);
		return VPN_ERR_TLS;
	}
	gnutls_session_set_ptr(c->session, c);
	gnutls_transport_set_ptr(c->session, c);
	gnutls_transport_set_push_function(c->session, on_push);
	gnutls_transport_set_pull_function(c->session, on_pull);
	gnutls_transport_set_pull_timeout_function(c->session, on_pull_timeout);
	gnutls_dtls_set_timeouts(c->session,
				 p->retrans_ms ? p->retrans_ms : DTLS_RETRANS_DEFAULT_MS,
				 p->total_ms ? p->total_ms : DTLS_TOTAL_DEFAULT_MS);
	*out = c;
	return 0;
}

int dtls_conn_new_client(struct dtls_conn **out, int fd, const struct dtls_params *params)
{
	struct dtls_conn *c;
	int ret = new_conn(&c, fd, false, params);

	if (ret != 0)
		return ret;
	ret = dtls_setup_client(c, params);
	if (ret != 0) {
		dtls_conn_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int dtls_conn_new_server(struct dtls_conn **out, int fd, const struct dtls_params *params,
			 const void *first, size_t first_len)
{
	struct dtls_conn *c;
	int ret = new_conn(&c, fd, true, params);

	if (ret != 0)
		return ret;
	if (first_len > 0) {
		ret = VPN_ERR_NOMEM;
		c->first = malloc(first_len);
		if (c->first != NULL) {
			memcpy(c->first, first, first_len);
			c->first_len = first_len;
			ret = 0;
		}
	}
	if (ret == 0)
		ret = dtls_setup_server(c, params);
	if (ret != 0) {
		dtls_conn_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void dtls_conn_free(struct dtls_conn *c)
{
	if (c == NULL)
		return;
	dtls_conn_set_batch(c, NULL, false);
	gnutls_deinit(c->session); /* wipes the session keys */
	if (c->psk_client != NULL)
		gnutls_psk_free_client_credentials(c->psk_client);
	if (c->psk_server != NULL)
		gnutls_psk_free_server_credentials(c->psk_server);
	if (c->cert != NULL)
		gnutls_certificate_free_credentials(c->cert);
	free(c->first);
	gnutls_free(c->description);
	buf_wipe(c, sizeof(*c));
	free(c);
}

/* Maps a GnuTLS return code to enum vpn_err. */
static int status(struct dtls_conn *c, int ret)
{
	if (ret >= 0)
		return 0;
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
		return VPN_ERR_AGAIN;
	c->last_error = ret;
	switch (ret) {
	case GNUTLS_E_TIMEDOUT:
	case GNUTLS_E_PREMATURE_TERMINATION:
		return VPN_ERR_CLOSED;
	case GNUTLS_E_LARGE_PACKET:
		return VPN_ERR_TOO_BIG;
	case GNUTLS_E_PUSH_ERROR:
		return c->last_errno == EMSGSIZE ? VPN_ERR_TOO_BIG : VPN_ERR_TLS;
	default:
		return VPN_ERR_TLS;
	}
}

static int on_handshake_done(struct dtls_conn *c)
{
	/*
	 * A Cisco server never negotiates a session it was told to resume; one
	 * that does is not the gateway that sent us the Session-ID.
	 */
	if (c->mode == DTLS_MODE_RESUME && !gnutls_session_is_resumed(c->session)) {
		c->last_error = GNUTLS_E_INVALID_SESSION;
		return VPN_ERR_DENIED;
	}
	c->is_handshake_done = true;
	gnutls_free(c->description);
	c->description = gnutls_session_get_desc(c->session);
	return 0;
}

int dtls_conn_handshake(struct dtls_conn *c)
{
	int ret = GNUTLS_E_AGAIN;

	if (c->is_handshake_done)
		return 0;
	for (int i = 0; i < DTLS_WARNINGS_MAX; i++) {
		ret = gnutls_handshake(c->session);
		if (ret == 0)
			return on_handshake_done(c);
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED ||
		    gnutls_error_is_fatal(ret))
			break;
	}
	return status(c, ret);
}

unsigned dtls_conn_timeout_ms(const struct dtls_conn *c)
{
	return c->is_handshake_done ? 0 : gnutls_dtls_get_timeout(c->session);
}

int dtls_conn_read(struct dtls_conn *c, void *buf, size_t cap, size_t *out_len)
{
	ssize_t n = GNUTLS_E_AGAIN;

	*out_len = 0;
	if (!c->is_handshake_done || cap < DTLS_RECORD_MAX)
		return VPN_ERR_INVALID;
	for (int i = 0; i < DTLS_WARNINGS_MAX + DTLS_BATCH_MAX; i++) {
		n = gnutls_record_recv(c->session, buf, cap);
		if (n > 0) {
			*out_len = (size_t)n;
			return 0;
		}
		if (n == 0)
			return VPN_ERR_CLOSED;
		/* A record GnuTLS dropped (replayed, forged) reads as AGAIN; the
		 * datagrams after it in the batch are not the socket's any more,
		 * so epoll would never report them: go on to the next one. */
		if (n == GNUTLS_E_AGAIN && has_batched(c))
			continue;
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED ||
		    gnutls_error_is_fatal((int)n))
			break;
		/* a warning alert or a rehandshake request we do not serve: next record */
	}
	return status(c, (int)n);
}

size_t dtls_conn_pending(const struct dtls_conn *c)
{
	size_t n = gnutls_record_check_pending(c->session);

	if (has_batched(c))
		n += c->batch->rx_count - c->batch->rx_next;
	return n;
}

int dtls_conn_write(struct dtls_conn *c, const void *data, size_t len)
{
	ssize_t n;

	if (!c->is_handshake_done || len == 0)
		return VPN_ERR_INVALID;
	if (len > gnutls_dtls_get_data_mtu(c->session))
		return VPN_ERR_TOO_BIG;
	n = gnutls_record_send(c->session, data, len);
	if (n < 0)
		return status(c, (int)n);
	return (size_t)n == len ? 0 : VPN_ERR_TLS;
}

void dtls_conn_set_mtu(struct dtls_conn *c, unsigned udp_payload)
{
	gnutls_dtls_set_mtu(c->session, udp_payload);
}

int dtls_conn_set_data_mtu(struct dtls_conn *c, unsigned plaintext)
{
	return gnutls_dtls_set_data_mtu(c->session, plaintext) < 0 ? VPN_ERR_TOO_BIG : 0;
}

unsigned dtls_conn_mtu(const struct dtls_conn *c)
{
	return gnutls_dtls_get_mtu(c->session);
}

unsigned dtls_conn_data_mtu(const struct dtls_conn *c)
{
	return gnutls_dtls_get_data_mtu(c->session);
}

const char *dtls_conn_description(const struct dtls_conn *c)
{
	return c->description != NULL ? c->description : "";
}

unsigned dtls_conn_discarded(const struct dtls_conn *c)
{
	return gnutls_record_get_discarded(c->session);
}

unsigned dtls_conn_send_drops(const struct dtls_conn *c)
{
	return c->send_drops;
}

const char *dtls_conn_error_str(const struct dtls_conn *c)
{
	if (c->last_error == GNUTLS_E_INVALID_SESSION)
		return "the server did not resume the session";
	return c->last_error ? gnutls_strerror(c->last_error) : "no DTLS error";
}

void dtls_conn_bye(struct dtls_conn *c)
{
	if (c->is_handshake_done)
		gnutls_bye(c->session, GNUTLS_SHUT_WR);
}

void dtls_params_wipe(struct dtls_params *p)
{
	buf_wipe(p, sizeof(*p));
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

void dtls_conn_set_batch(struct dtls_conn *c, struct dtls_batch *b, bool is_rx)
{
	struct dtls_batch *old = c->batch;

	if (old != NULL && old->tx_owner == c)
		tx_flush(old);
	if (old != NULL && old->rx_owner == c)
		old->rx_owner = NULL; /* unread datagrams of a session that goes: dropped */
	c->batch = b;
	c->is_batch_rx = b != NULL && is_rx;
}

void dtls_conn_cork(struct dtls_conn *c)
{
	c->is_corked = true;
}

int dtls_conn_uncork(struct dtls_conn *c)
{
	c->is_corked = false;
	if (c->batch != NULL && c->batch->tx_owner == c)
		tx_flush(c->batch);
	return c->has_send_failed ? VPN_ERR_TLS : 0;
}
