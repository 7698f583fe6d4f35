/* SPDX-License-Identifier: ISC */
/*
 * Broken CSTP framing inside an open tunnel (--cookie must be valid). The
 * probe sends one bad record, collects the frames the gateway sends back
 * for a second, and, if the tunnel is still open, checks that it still
 * answers a DPD with its payload echoed (alive=yes). Fatal framing errors
 * (wrong magic, byte 7, a length that disagrees with the record) should end
 * the tunnel; an unknown type or a junk packet should not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cstp/frame.h"
#include "tests/tools/probe_tunnel.h"

/* The DPD payload of vector 10 [E]: ocserv echoed it byte for byte. */
static const char dpd_payload[] = "hello-dpd-payload-0123456789";

struct frames_seen {
	char types[96];
	bool has_echo;        /* a DPD-RESP carrying dpd_payload */
	unsigned count;
};

static void note_frames(struct frames_seen *f, const uint8_t *rec, size_t len)
{
	size_t pos = 0, used;
	struct cstp_frame fr;
	size_t n;

	while (pos < len) {
		used = strlen(f->types);
		if (cstp_frame_decode(&fr, &n, rec + pos, len - pos,
				      CSTP_FRAME_DEFAULT_MAX_PAYLOAD) != PARSE_DONE) {
			snprintf(f->types + used, sizeof(f->types) - used, "%sjunk", used ? "," : "");
			return;
		}
		snprintf(f->types + used, sizeof(f->types) - used, "%s%s", used ? "," : "",
			 cstp_type_name(fr.type));
		if (fr.type == CSTP_TYPE_DPD_RESP && fr.payload_len == sizeof(dpd_payload) - 1 &&
		    memcmp(fr.payload, dpd_payload, fr.payload_len) == 0)
			f->has_echo = true;
		f->count++;
		pos += n;
	}
}

/* Reads records for wait_ms; r keeps how the wait ended (timeout = still open). */
static void collect(struct probe_conn *c, struct frames_seen *f, unsigned wait_ms)
{
	uint64_t until = probe_now_ms() + wait_ms;
	uint8_t rec[16384 + 64];

	while (probe_now_ms() < until) {
		ssize_t n = probe_recv(c, rec, sizeof(rec), (unsigned)(until - probe_now_ms()));

		if (n <= 0)
			return;
		note_frames(f, rec, (size_t)n);
	}
	c->r->outcome = PROBE_TIMEOUT;
}

static int send_dpd(struct probe_conn *c)
{
	uint8_t frame[64];
	struct buf_writer w;

	buf_writer_init(&w, frame, sizeof(frame));
	cstp_frame_write(&w, CSTP_TYPE_DPD_REQ, dpd_payload, sizeof(dpd_payload) - 1);
	return probe_send(c, frame, w.len);
}

/* Sends bad (one record), reports what came back and whether the tunnel lives. */
static void hostile_record(const struct probe_opts *o, struct probe_result *r,
			   const uint8_t *bad, size_t len)
{
	struct probe_http_answer *a = malloc(sizeof(*a));
	struct frames_seen f = { "", false, 0 };
	struct probe_conn c;

	if (!a)
		return;
	if (probe_tunnel_open(&c, o, r, a) == 0 && probe_send(&c, bad, len) == 0) {
		enum probe_outcome end;

		collect(&c, &f, 1000);
		end = r->outcome;
		if (end == PROBE_TIMEOUT) {
			struct frames_seen g = { "", false, 0 };

			if (send_dpd(&c) == 0)
				collect(&c, &g, 2000);
			probe_result_add(r, "alive", "%s", g.has_echo ? "yes" : "no");
		}
		probe_result_add(r, "end", "%s", probe_outcome_name(end));
		if (f.count > 0) {
			r->outcome = PROBE_FRAMES;
			probe_result_detail(r, "%s", f.types);
		} else {
			r->outcome = end;
		}
	}
	probe_conn_close(&c);
	free(a);
}

static size_t frame(uint8_t *out, size_t cap, uint8_t type, const void *payload, size_t len)
{
	struct buf_writer w;

	buf_writer_init(&w, out, cap);
	cstp_frame_write(&w, type, payload, len);
	return buf_writer_error(&w) ? 0 : w.len;
}

static void dpd(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[64];

	hostile_record(o, r, b, frame(b, sizeof(b), CSTP_TYPE_DPD_REQ, dpd_payload,
				      sizeof(dpd_payload) - 1));
}

static void bad_magic(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[64];
	size_t n = frame(b, sizeof(b), CSTP_TYPE_DPD_REQ, "abcd", 4);

	b[0] = 'X';
	hostile_record(o, r, b, n);
}

static void bad_byte7(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[64];
	size_t n = frame(b, sizeof(b), CSTP_TYPE_DPD_REQ, "abcd", 4);

	b[7] = 1;
	hostile_record(o, r, b, n);
}

/* The header claims 1000 payload bytes; the record holds 10. */
static void len_past_record(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[64];
	size_t n = frame(b, sizeof(b), CSTP_TYPE_DATA, "0123456789", 10);

	b[4] = 1000 >> 8;
	b[5] = 1000 & 0xff;
	hostile_record(o, r, b, n);
}

/* Two DPD frames in one record: ocserv 1.1.6 disconnects (PROTOCOL.md §7.1). */
static void coalesced(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[128];
	size_t n = frame(b, sizeof(b), CSTP_TYPE_DPD_REQ, "1234", 4);

	n += frame(b + n, sizeof(b) - n, CSTP_TYPE_DPD_REQ, "5678", 4);
	hostile_record(o, r, b, n);
}

/* Type 0x0b, payload "xyz": ocserv ignores it and the session goes on (vector 10). */
static void unknown_type(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[64];

	hostile_record(o, r, b, frame(b, sizeof(b), 0x0b, "xyz", 3));
}

/* A DATA frame whose payload is no IP packet. */
static void junk_data(const struct probe_opts *o, struct probe_result *r)
{
	uint8_t b[256], junk[200];

	memset(junk, 0xee, sizeof(junk));
	hostile_record(o, r, b, frame(b, sizeof(b), CSTP_TYPE_DATA, junk, sizeof(junk)));
}

/*
 * A user logout as openconnect sends it (reason 0xb0 + text, vector 10):
 * the gateway must end the session and the cookie with it, so a later
 * cookie-given with the same --cookie is a replayed cookie.
 */
static void logout(const struct probe_opts *o, struct probe_result *r)
{
	static const char text[] = "\xb0" "probe logout";
	uint8_t b[64];

	hostile_record(o, r, b, frame(b, sizeof(b), CSTP_TYPE_DISCONNECT, text, sizeof(text) - 1));
}

const struct probe_scenario probe_cstp_scenarios[] = {
	{ "cstp-dpd", "control: a DPD whose payload must come back", PROBE_NEEDS_COOKIE, dpd },
	{ "cstp-bad-magic", "a frame starting XTF instead of STF", PROBE_NEEDS_COOKIE, bad_magic },
	{ "cstp-bad-byte7", "a frame whose byte 7 is not zero", PROBE_NEEDS_COOKIE, bad_byte7 },
	{ "cstp-len-past-record", "a length past the end of the record", PROBE_NEEDS_COOKIE, len_past_record },
	{ "cstp-coalesced", "two frames in one record", PROBE_NEEDS_COOKIE, coalesced },
	{ "cstp-unknown-type", "type 0x0b with three bytes", PROBE_NEEDS_COOKIE, unknown_type },
	{ "cstp-junk-data", "a DATA frame that is not an IP packet", PROBE_NEEDS_COOKIE, junk_data },
	{ "cstp-logout", "DISCONNECT 0xb0: ends the session and its cookie", PROBE_NEEDS_COOKIE, logout },
	{ NULL, NULL, 0, NULL },
};
