/* SPDX-License-Identifier: ISC */
/*
 * Test support for the worker, linked into its unit tests only: a worker
 * built from an ocserv.conf like the lab's, with socketpairs standing in
 * for authd, the parent and the tun device, and one session driven
 * without TLS (bytes in through s->in, records out of s->out). The test
 * plays authd and the parent by reading and answering their messages.
 */
#ifndef GATEWAY_WORKER_TESTENV_H
#define GATEWAY_WORKER_TESTENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/privsep/msg.h"
#include "gateway/worker/session.h"
#include "gateway/worker/worker_internal.h"

struct gw_config;

struct testenv {
	char dir[64];                /* scratch dir: config-per-group files */
	struct gw_config *cfg;       /* owned */
	struct worker w;
	int authd_peer;              /* the test's end of each socketpair */
	int parent_peer;
	int tun_peer;                /* SOCK_DGRAM: one datagram per packet */
	struct session *s;           /* the session under test (owned by w) */
	uint8_t cookie[MSG_COOKIE_LEN];          /* the last one issued */
	uint8_t session_id[MSG_SESSION_ID_LEN];  /* and its session */
	uint8_t logins;                          /* numbers the cookies */
};

/* The lab's profile.xml; ocserv advertised SHA-1 C540...71F9 for it (vector 06). */
extern const char testenv_lab_profile[];
#define TESTENV_PROFILE_SHA1 "C54090310389BE94B95DD234707D5E2B0FDD71F9"

/* Only the scratch dir and the config (for a worker_main of the test's own). 0 or -1. */
int testenv_config(struct testenv *t, const char *extra);
/* extra: config lines appended to the lab-like ocserv.conf (may be NULL). 0 or -1. */
int testenv_setup(struct testenv *t, const char *extra);
void testenv_teardown(struct testenv *t);
/* A fresh session from 198.18.1.2:40000, already past the TLS phase. */
void testenv_new_session(struct testenv *t);

/* Appends bytes to the session's input and runs its phase handler. */
void testenv_feed(struct testenv *t, const void *data, size_t len);
/* The same, one byte at a time: every split point of the input. */
void testenv_feed_bytewise(struct testenv *t, const void *data, size_t len);
/* Pops every queued record into out (NUL-terminated); returns the byte count. */
size_t testenv_output(struct testenv *t, char *out, size_t cap);
/* Number of records queued (one TLS record each). */
size_t testenv_records(const struct testenv *t);

/* Runs the loop for at most ms milliseconds (or one round when ms is 0). */
void testenv_run(struct testenv *t, int ms);
/* Receives one message from the worker on a peer socket (1 s bound); its length or -1. */
ssize_t testenv_recv(int fd, void *buf, size_t cap);
/* Sends a message to the worker and lets the loop read it. */
void testenv_send(struct testenv *t, int fd, const void *msg, size_t len);

/* Plays authd for one MSG_AUTH_PASSWORD: checks it came, answers with status. */
void testenv_answer_password(struct testenv *t, uint32_t status, uint32_t delay_ms,
			     struct msg_auth_password *out_req);
/* Plays authd for one MSG_COOKIE_CHECK. */
void testenv_answer_cookie(struct testenv *t, uint32_t status, struct msg_cookie_check *out_req);
/* Plays the parent for one MSG_LEASE_REQUEST: 198.19.10.50/24. */
void testenv_answer_lease(struct testenv *t, struct msg_lease_request *out_req);

/* openconnect 9.01's XML bodies (vectors 01, 03, 04, 06). */
extern const char testenv_oc_init[];
extern const char testenv_oc_init_group[];
extern const char testenv_oc_username[];
extern const char testenv_oc_password[];   /* password "correct-horse" */
/* openconnect's POST to path with one of the bodies above; returns its length. */
size_t testenv_oc_post(char *out, size_t cap, const char *path, const char *body);
/* openconnect's CONNECT (vector 07) with the given cookie. */
size_t testenv_oc_connect(char *out, size_t cap, const uint8_t cookie[MSG_COOKIE_LEN]);

/* The whole login and CONNECT of openconnect 9.01 (vectors 01-07), ending in TUNNEL. */
void testenv_login_and_connect(struct testenv *t);

/* An HTTP request with headers (CRLF added) and a body; returns its length. */
size_t testenv_request(char *out, size_t cap, const char *head_lines, const char *body);

#endif
