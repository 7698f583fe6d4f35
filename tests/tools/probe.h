/* SPDX-License-Identifier: ISC */
/*
 * sg-probe: a hostile client for sslgated (and any AnyConnect gateway). It
 * runs named scenarios, each on a fresh connection, and prints one line per
 * scenario saying what the gateway did:
 *
 *   probe scenario=http-dup-cl outcome=http status=400 reason="Bad Request"
 *         sent=93 recv=120 ms=3 [key=value ...]
 *
 * outcome is one of: http (an HTTP answer came), alert (a TLS alert or TLS
 * failure), closed (orderly close with no answer), reset, timeout (still
 * open when the scenario's time ran out), refused, silent (UDP: no answer),
 * datagram (UDP: an answer), frames (CSTP: frames came back), records
 * (raw TLS records other than an alert came back), error (the probe itself
 * could not set up; exit status 2).
 *
 * Everything is bounded: each scenario has a deadline (--timeout), a byte
 * budget, and slow senders a number of steps. Valid message parts are built
 * with the library's writers (lib/http, lib/auth, lib/cstp) so that only
 * the hostile part differs from what real clients send.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_client_ctx;
struct tls_conn;

struct probe_opts {
	const char *host;       /* numeric address of the gateway */
	unsigned port;          /* TCP */
	unsigned udp_port;      /* DTLS; 0: same as port */
	const char *sni;        /* name the certificate must carry */
	const char *ca_file;    /* the test CA: the gateway's chain must lead to it */
	const char *cert_file;  /* optional client certificate */
	const char *key_file;
	const char *cookie;     /* a webvpn cookie for CONNECT scenarios */
	const char *dtls_id;    /* hex X-DTLS-App-ID / Session-ID for UDP scenarios */
	unsigned timeout_ms;    /* per scenario */
	unsigned slow_steps;    /* slowloris: bytes sent, one per slow_gap_ms */
	unsigned slow_gap_ms;
	size_t body_bytes;      /* oversized body: most bytes sent */
	unsigned flood_headers; /* header flood: header lines sent */
	size_t line_bytes;      /* oversized request line: target length */
};

enum probe_outcome {
	PROBE_HTTP,
	PROBE_ALERT,
	PROBE_CLOSED,
	PROBE_RESET,
	PROBE_TIMEOUT,
	PROBE_REFUSED,
	PROBE_SILENT,
	PROBE_DATAGRAM,
	PROBE_FRAMES,
	PROBE_RECORDS,
	PROBE_ERROR,
};

/* What one scenario saw; printed as one line by probe_result_print(). */
struct probe_result {
	enum probe_outcome outcome;
	int status;              /* HTTP status, 0 when none */
	char reason[96];         /* HTTP reason phrase */
	char detail[160];        /* alert text, frame types, why an error */
	char extra[256];         /* " key=value" pairs a scenario adds */
	uint64_t sent, recv;     /* bytes written and read (plaintext on TLS) */
	uint64_t started_ms;
};

const char *probe_outcome_name(enum probe_outcome o);
void probe_result_start(struct probe_result *r);
/* Appends " key=value" (value quoted when it holds blanks) to r->extra. */
void probe_result_add(struct probe_result *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void probe_result_detail(struct probe_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void probe_result_print(const struct probe_result *r, const char *scenario);

uint64_t probe_now_ms(void);

/* A scenario: fills r from a fresh connection; returns nothing, r says all. */
typedef void (*probe_fn)(const struct probe_opts *o, struct probe_result *r);

enum {
	PROBE_NEEDS_COOKIE = 1u << 0,  /* --cookie: a valid webvpn cookie */
	PROBE_NEEDS_DTLS_ID = 1u << 1, /* --dtls-id: a live session's DTLS id */
};

struct probe_scenario {
	const char *name;
	const char *what;     /* one line for --list */
	unsigned needs;       /* PROBE_NEEDS_*: skipped without them */
	probe_fn run;
};

/* Each group's table, ended by a NULL name. */
extern const struct probe_scenario probe_tls_raw_scenarios[];
extern const struct probe_scenario probe_http_scenarios[];
extern const struct probe_scenario probe_xml_scenarios[];
extern const struct probe_scenario probe_connect_scenarios[];
extern const struct probe_scenario probe_cstp_scenarios[];
extern const struct probe_scenario probe_udp_scenarios[];

#endif
