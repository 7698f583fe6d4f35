/* SPDX-License-Identifier: ISC */
/*
 * One TLS session over a non-blocking socket, for either side: transport,
 * handshake, record I/O, corking, renegotiation and the keying-material
 * exporter. Where a session starts (credentials, names, trust) is in
 * tls_server.c and tls_client.c.
 *
 * The transport is ours, not GnuTLS's: corked records are kept as
 * ciphertext in c->out and leave in one send() on uncork. gnutls_record_cork
 * cannot be used because it joins the plaintext of several writes into one
 * record, and CSTP needs one frame per record (PROTOCOL.md §7.1).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <gnutls/crypto.h>

#include "lib/base/err.h"
#include "lib/tls/tls_internal.h"

/* Non-fatal alerts in a row before a call gives up on them. */
#define TLS_WARNINGS_MAX 8
/* run_handshake(): a renegotiation paused for a data record to be read. */
#define HANDSHAKE_GOT_DATA 1

int tls_global_init(void)
{
	if (gnutls_check_version("3.7.0") == NULL)
		return VPN_ERR_TLS;
	return gnutls_global_init() == 0 ? 0 : VPN_ERR_TLS;
}

void tls_global_cleanup(void)
{
	gnutls_global_deinit();
}

static ssize_t io_failed(struct tls_conn *c)
{
	gnutls_transport_set_errno(c->session, errno);
	c->last_errno = errno;
	return -1;
}

/* Sends what was held back; 0 once c->out is empty, else -1 with errno. */
static int flush_out(struct tls_conn *c)
{
	while (c->out_pos < c->out_end) {
		ssize_t n = send(c->fd, c->out + c->out_pos, c->out_end - c->out_pos,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		c->out_pos += (size_t)n;
	}
	c->out_pos = 0;
	c->out_end = 0;
	return 0;
}

/* Room for len more bytes in c->out, growing up to TLS_CORK_MAX. */
static int reserve(struct tls_conn *c, size_t len)
{
	size_t cap = c->out_cap ? c->out_cap : 16384;
	uint8_t *grown;

	if (c->out_end + len > TLS_CORK_MAX && flush_out(c) != 0)
		return -1;
	if (c->out_pos > 0) {
		memmove(c->out, c->out + c->out_pos, c->out_end - c->out_pos);
		c->out_end -= c->out_pos;
		c->out_pos = 0;
	}
	if (c->out_end + len > TLS_CORK_MAX) {
		errno = EAGAIN;
		return -1;
	}
	while (cap < c->out_end + len)
		cap *= 2;
	if (cap > c->out_cap) {
		grown = realloc(c->out, cap);
		if (grown == NULL)
			return -1;
		c->out = grown;
		c->out_cap = cap;
	}
	return 0;
}

static ssize_t on_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
	struct tls_conn *c = ptr;
	struct msghdr msg = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt };
	size_t total = 0;
	ssize_t n;

	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (c->is_corked && reserve(c, total) == 0) {
		for (int i = 0; i < iovcnt; i++) {
			memcpy(c->out + c->out_end, iov[i].iov_base, iov[i].iov_len);
			c->out_end += iov[i].iov_len;
		}
		return (ssize_t)total;
	}
	/* not corked, or no room: what is held back must leave first */
	if (flush_out(c) != 0)
		return io_failed(c);
	do
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? io_failed(c) : n;
}

/* Hands GnuTLS what an earlier recv() brought; the buffer goes once it is empty. */
static size_t take_ahead(struct tls_conn *c, void *data, size_t len)
{
	size_t n = c->in_end - c->in_pos;

	if (n > len)
		n = len;
	memcpy(data, c->in + c->in_pos, n);
	c->in_pos += n;
	if (c->in_pos == c->in_end) {
		/* Idle sessions hold no read buffer: memory per session stays small. */
		free(c->in);
		c->in = NULL;
		c->in_pos = c->in_end = 0;
	}
	return n;
}

static ssize_t recv_some(struct tls_conn *c, void *data, size_t len)
{
	ssize_t n;

	do
		n = recv(c->fd, data, len, 0);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * GnuTLS asks for a record's 5-byte header, then for its body: two recv()
 * per record. Reading ahead, one recv() brings as many records as the
 * socket holds, and later pulls are served from memory.
 */
static ssize_t on_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
	struct tls_conn *c = ptr;
	ssize_t n;

	if (c->in_pos < c->in_end)
		return (ssize_t)take_ahead(c, data, len);
	if (!c->is_read_ahead || len >= TLS_READ_AHEAD) {
		n = recv_some(c, data, len);
		return n < 0 ? io_failed(c) : n;
	}
	if (c->in == NULL && (c->in = malloc(TLS_READ_AHEAD)) == NULL) {
		n = recv_some(c, data, len);
		return n < 0 ? io_failed(c) : n;
	}
	n = recv_some(c, c->in, TLS_READ_AHEAD);
	if (n <= 0) {
		free(c->in);
		c->in = NULL;
		return n < 0 ? io_failed(c) : 0;
	}
	c->in_pos = 0;
	c->in_end = (size_t)n;
	return (ssize_t)take_ahead(c, data, len);
}

static int on_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct tls_conn *c = ptr;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	int timeout = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms;

	if (c->in_pos < c->in_end)
		return 1;
	return poll(&p, 1, timeout);
}

int tls_conn_setup(struct tls_conn *c, int fd)
{
	c->fd = fd;
	gnutls_transport_set_ptr(c->session, c);
	gnutls_transport_set_vec_push_function(c->session, on_push);
	gnutls_transport_set_pull_function(c->session, on_pull);
	gnutls_transport_set_pull_timeout_function(c->session, on_pull_timeout);
	/* the phase deadlines of the caller's loop bound the handshake */
	gnutls_handshake_set_timeout(c->session, 0);
	return 0;
}

void tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	gnutls_deinit(c->session); /* wipes the session keys */
	gnutls_free(c->description);
	free(c->ident_error);
	free(c->out);
	free(c->in);
	free(c);
}

static bool is_reset(int err)
{
	return err == EPIPE || err == ECONNRESET || err == ENOTCONN;
}

/* Maps a GnuTLS return code to enum vpn_err and notes which way to wait. */
static int status(struct tls_conn *c, int ret)
{
	if (ret >= 0)
		return 0;
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
		c->wants_write = gnutls_record_get_direction(c->session) == 1;
		return VPN_ERR_AGAIN;
	}
	c->last_error = ret;
	if (ret == GNUTLS_E_PREMATURE_TERMINATION)
		return VPN_ERR_CLOSED;
	if ((ret == GNUTLS_E_PUSH_ERROR || ret == GNUTLS_E_PULL_ERROR) && is_reset(c->last_errno))
		return VPN_ERR_CLOSED;
	return VPN_ERR_TLS;
}

static void on_handshake_done(struct tls_conn *c)
{
	c->is_handshake_done = true;
	c->is_rehandshaking = false;
	gnutls_free(c->description);
	c->description = gnutls_session_get_desc(c->session);
}

/* Runs gnutls_handshake, stepping over warning alerts: 0, HANDSHAKE_GOT_DATA or vpn_err. */
static int run_handshake(struct tls_conn *c)
{
	int ret = GNUTLS_E_AGAIN;

	for (int i = 0; i < TLS_WARNINGS_MAX; i++) {
		ret = gnutls_handshake(c->session);
		if (ret == 0) {
			on_handshake_done(c);
			return 0;
		}
		if (ret == GNUTLS_E_GOT_APPLICATION_DATA)
			return HANDSHAKE_GOT_DATA;
		if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED ||
		    gnutls_error_is_fatal(ret))
			break;
	}
	return status(c, ret);
}

int tls_conn_handshake(struct tls_conn *c)
{
	int ret;

	if (c->is_handshake_done && !c->is_rehandshaking)
		return 0;
	ret = run_handshake(c);
	return ret == HANDSHAKE_GOT_DATA ? VPN_ERR_AGAIN : ret;
}

bool tls_conn_wants_write(const struct tls_conn *c)
{
	return c->wants_write;
}

int tls_conn_rekey(struct tls_conn *c)
{
	int ret;

	if (!c->is_handshake_done)
		return VPN_ERR_INVALID;
	if (gnutls_protocol_get_version(c->session) == GNUTLS_TLS1_3) {
		/* no renegotiation in 1.3: new traffic keys, the peer's too */
		ret = gnutls_session_key_update(c->session, GNUTLS_KU_PEER);
		return status(c, ret);
	}
	if (c->is_server) {
		/* HelloRequest; the client's answer arrives through tls_conn_read */
		ret = gnutls_rehandshake(c->session);
		return status(c, ret);
	}
	c->is_rehandshaking = true;
	ret = run_handshake(c);
	return ret == HANDSHAKE_GOT_DATA ? VPN_ERR_AGAIN : ret;
}

static int read_record(struct tls_conn *c, void *buf, size_t cap, size_t *out_len)
{
	ssize_t n = GNUTLS_E_AGAIN;

	for (int i = 0; i < TLS_WARNINGS_MAX; i++) {
		n = gnutls_record_recv(c->session, buf, cap);
		if (n > 0) {
			*out_len = (size_t)n;
			return 0;
		}
		if (n == 0)
			return VPN_ERR_CLOSED;
		if (n == GNUTLS_E_REHANDSHAKE) {
			/* the peer asks for a rekey (PROTOCOL.md §7.6): do it now */
			int ret;

			c->is_rehandshaking = true;
			ret = run_handshake(c);
			if (ret < 0)
				return ret;
			continue;
		}
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED ||
		    gnutls_error_is_fatal((int)n))
			break;
	}
	return status(c, (int)n);
}

int tls_conn_read(struct tls_conn *c, void *buf, size_t cap, size_t *out_len)
{
	int ret;

	*out_len = 0;
	if (!c->is_handshake_done || cap == 0)
		return VPN_ERR_INVALID;
	if (c->is_rehandshaking) {
		ret = run_handshake(c);
		if (ret < 0)
			return ret;
	}
	return read_record(c, buf, cap, out_len);
}

size_t tls_conn_pending(const struct tls_conn *c)
{
	return gnutls_record_check_pending(c->session) + (c->in_end - c->in_pos);
}

void tls_conn_set_read_ahead(struct tls_conn *c, bool is_on)
{
	c->is_read_ahead = is_on;
}

int tls_conn_write(struct tls_conn *c, const void *data, size_t len)
{
	ssize_t n;
	int ret;

	if (!c->is_handshake_done || len == 0)
		return VPN_ERR_INVALID;
	if (len > gnutls_record_get_max_size(c->session))
		return VPN_ERR_TOO_BIG;
	if (c->is_rehandshaking) {
		/* no record goes out under a half-done renegotiation */
		ret = run_handshake(c);
		if (ret == HANDSHAKE_GOT_DATA)
			return VPN_ERR_AGAIN; /* the reader must take it first */
		if (ret != 0)
			return ret;
	}
	n = gnutls_record_send(c->session, data, len);
	if (n < 0)
		return status(c, (int)n);
	/* len fits one record, so GnuTLS sends all of it or nothing */
	return (size_t)n == len ? 0 : VPN_ERR_TLS;
}

void tls_conn_cork(struct tls_conn *c)
{
	c->is_corked = true;
}

int tls_conn_uncork(struct tls_conn *c)
{
	c->is_corked = false;
	if (flush_out(c) == 0)
		return 0;
	c->last_errno = errno;
	if (errno == EAGAIN || errno == EWOULDBLOCK) {
		c->wants_write = true;
		return VPN_ERR_AGAIN;
	}
	return is_reset(errno) ? VPN_ERR_CLOSED : VPN_ERR_IO;
}

void tls_conn_bye(struct tls_conn *c)
{
	if (c->is_corked)
		tls_conn_uncork(c);
	if (c->is_handshake_done)
		gnutls_bye(c->session, GNUTLS_SHUT_WR);
}

int tls_conn_export_psk(struct tls_conn *c, uint8_t out[32])
{
	static const char label[] = "EXPORTER-openconnect-psk";

	if (!c->is_handshake_done)
		return VPN_ERR_INVALID;
	/*
	 * The plain PRF call, as both peers make it: RFC 5705 without a
	 * context for TLS 1.2, an empty context for TLS 1.3 (PROTOCOL.md §8.5).
	 */
	if (gnutls_prf(c->session, sizeof(label) - 1, label, 0, 0, NULL, 32, (char *)out) < 0)
		return VPN_ERR_TLS;
	return 0;
}

static unsigned explicit_iv_len(gnutls_cipher_algorithm_t cipher, bool is_tls13,
				unsigned block)
{
	if (is_tls13 || cipher == GNUTLS_CIPHER_CHACHA20_POLY1305)
		return 0; /* nonce derived from the sequence number */
	if (block > 1)
		return block; /* TLS 1.1+ CBC: a fresh IV per record */
	switch (cipher) {
	case GNUTLS_CIPHER_AES_128_GCM:
	case GNUTLS_CIPHER_AES_256_GCM:
	case GNUTLS_CIPHER_AES_128_CCM:
	case GNUTLS_CIPHER_AES_256_CCM:
	case GNUTLS_CIPHER_AES_128_CCM_8:
	case GNUTLS_CIPHER_AES_256_CCM_8:
		return 8; /* RFC 5288: 4 implicit salt + 8 explicit bytes */
	default:
		return 0;
	}
}

int tls_conn_cipher(const struct tls_conn *c, struct tls_cipher_info *out)
{
	gnutls_cipher_algorithm_t cipher = gnutls_cipher_get(c->session);
	gnutls_mac_algorithm_t mac = gnutls_mac_get(c->session);
	unsigned block = (unsigned)gnutls_cipher_get_block_size(cipher);

	if (!c->is_handshake_done)
		return VPN_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	out->is_tls13 = gnutls_protocol_get_version(c->session) == GNUTLS_TLS1_3;
	out->is_aead = mac == GNUTLS_MAC_AEAD;
	out->tag_len = out->is_aead ? (unsigned)gnutls_cipher_get_tag_size(cipher) : 0;
	out->mac_len = out->is_aead ? 0 : (unsigned)gnutls_hmac_get_len(mac);
	out->block_size = out->is_aead || block <= 1 ? 0 : block;
	out->is_etm = out->block_size > 0 && gnutls_session_etm_status(c->session) != 0;
	out->explicit_iv_len = explicit_iv_len(cipher, out->is_tls13, out->block_size);
	out->description = c->description ? c->description : "";
	return 0;
}

const char *tls_conn_error_str(const struct tls_conn *c)
{
	return c->last_error ? gnutls_strerror(c->last_error) : "no TLS error";
}
