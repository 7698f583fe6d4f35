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
 * With a batch (dtls.h, dtls_batch.c) the same transport moves datagrams by
 * the dozen: GnuTLS still pulls and pushes one at a time, from and into it.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/dtls.h>

#include "lib/base/buf.h"
#include "lib/tls/dtls_batch.h"
#include "lib/tls/tls_internal.h"

/* Non-fatal alerts in a row before a call gives up on them. */
#define DTLS_WARNINGS_MAX 8
#define DTLS_RETRANS_DEFAULT_MS 1000
#define DTLS_TOTAL_DEFAULT_MS 60000

static ssize_t on_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
	struct dtls_conn *c = ptr;
	ssize_t n;

	if (dtls_batch_hold(c, data, len))
		return (ssize_t)len;
	/* whatever this session holds leaves first: datagrams keep their order */
	dtls_batch_flush(c);
	do
		n = send(c->fd, data, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	c->last_errno = errno;
	if (dtls_batch_is_drop_errno(errno)) {
		c->send_drops++;
		return (ssize_t)len;
	}
	gnutls_transport_set_errno(c->session, errno);
	return -1;
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
	if (dtls_batch_is_reading(c)) {
		n = dtls_batch_pull(c, data, len);
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
	if (c->first != NULL || dtls_batch_pending(c) > 0)
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
	c->gso = dtls_batch_gso_for(fd);
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
		if (n == GNUTLS_E_AGAIN && dtls_batch_pending(c) > 0)
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
	return gnutls_record_check_pending(c->session) + dtls_batch_pending(c);
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

unsigned dtls_conn_rx_oversize(const struct dtls_conn *c)
{
	return c->rx_oversize;
}

size_t dtls_conn_rx_oversize_first_len(const struct dtls_conn *c)
{
	return c->rx_oversize_first_len;
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

void dtls_conn_set_batch(struct dtls_conn *c, struct dtls_batch *b, bool is_rx)
{
	dtls_batch_leave(c);
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
	dtls_batch_flush(c);
	return c->has_send_failed ? VPN_ERR_TLS : 0;
}
