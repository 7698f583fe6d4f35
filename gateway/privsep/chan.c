/* SPDX-License-Identifier: ISC */
/* A privsep socket in an event loop: checked reads, queued writes. */
#include "gateway/privsep/chan.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/privsep/msg.h"
#include "lib/base/buf.h"
#include "lib/base/err.h"
#include "lib/base/log.h"

struct chan_item {
	struct chan_item *next;
	int fd;
	size_t len;
	uint8_t data[];
};

static void on_event(struct event_io *io, unsigned events);

int chan_open(struct chan *c, struct event_loop *loop, int fd, const char *name,
	      chan_msg_fn on_msg, chan_closed_fn on_closed, void *owner)
{
	c->loop = loop;
	c->name = name;
	c->owner = owner;
	c->fd = fd;
	c->head = c->tail = NULL;
	c->queued = 0;
	c->invalid = 0;
	c->on_msg = on_msg;
	c->on_closed = on_closed;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (event_io_add(loop, &c->io, fd, EVENT_READ, on_event) < 0) {
		close(fd);
		c->fd = -1;
		return VPN_ERR_IO;
	}
	return 0;
}

bool chan_is_open(const struct chan *c)
{
	return c->fd >= 0;
}

static void drop_item(struct chan_item *it)
{
	if (it->fd >= 0)
		close(it->fd);
	/* queued messages may carry passwords or cookies */
	buf_wipe(it->data, it->len);
	free(it);
}

void chan_close(struct chan *c)
{
	if (c->fd < 0)
		return;
	event_io_del(c->loop, &c->io);
	close(c->fd);
	c->fd = -1;
	while (c->head) {
		struct chan_item *it = c->head;

		c->head = it->next;
		drop_item(it);
	}
	c->tail = NULL;
	c->queued = 0;
}

static void closed(struct chan *c)
{
	chan_close(c);
	if (c->on_closed)
		c->on_closed(c);
}

static int enqueue(struct chan *c, const void *msg, size_t len, int fd)
{
	struct chan_item *it;

	if (c->queued >= CHAN_QUEUE_MAX) {
		log_err("%s: send queue full, message dropped", c->name);
		return VPN_ERR_TOO_BIG;
	}
	it = malloc(sizeof(*it) + len);
	if (!it)
		return VPN_ERR_NOMEM;
	it->next = NULL;
	it->len = len;
	it->fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	memcpy(it->data, msg, len);
	if (c->tail)
		c->tail->next = it;
	else
		c->head = it;
	c->tail = it;
	if (c->queued++ == 0)
		event_io_modify(c->loop, &c->io, EVENT_READ | EVENT_WRITE);
	return 0;
}

int chan_send(struct chan *c, const void *msg, size_t len, int fd)
{
	int r;

	if (c->fd < 0)
		return VPN_ERR_CLOSED;
	if (c->head)
		return enqueue(c, msg, len, fd);
	r = msg_send(c->fd, msg, len, fd);
	if (r == VPN_ERR_AGAIN)
		return enqueue(c, msg, len, fd);
	if (r < 0)
		log_warn("%s: send failed: %s", c->name, vpn_err_str(r));
	return r;
}

static void flush(struct chan *c)
{
	while (c->head) {
		struct chan_item *it = c->head;
		int r = msg_send(c->fd, it->data, it->len, it->fd);

		if (r == VPN_ERR_AGAIN)
			return;
		c->head = it->next;
		if (!c->head)
			c->tail = NULL;
		c->queued--;
		drop_item(it);
		if (r < 0) {
			closed(c);
			return;
		}
	}
	event_io_modify(c->loop, &c->io, EVENT_READ);
}

static void read_burst(struct chan *c)
{
	uint8_t buf[MSG_MAX_SIZE];

	for (int i = 0; i < CHAN_READ_BURST && c->fd >= 0; i++) {
		size_t len;
		int fd, r = msg_recv(c->fd, buf, sizeof(buf), &len, &fd);

		if (r == VPN_ERR_AGAIN)
			break;
		if (r == VPN_ERR_CLOSED || r == VPN_ERR_IO) {
			closed(c);
			break;
		}
		if (r == 0)
			r = msg_check(buf, len);
		if (r < 0) {
			if (fd >= 0)
				close(fd);
			if (c->invalid++ < 10)
				log_warn("%s: dropped a malformed message", c->name);
			continue;
		}
		c->on_msg(c, buf, len, fd);
		buf_wipe(buf, len);
	}
}

static void on_event(struct event_io *io, unsigned events)
{
	struct chan *c = container_of(io, struct chan, io);

	if (events & EVENT_WRITE)
		flush(c);
	if (c->fd >= 0 && (events & (EVENT_READ | EVENT_ERROR)))
		read_burst(c);
}
