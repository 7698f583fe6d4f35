/* SPDX-License-Identifier: ISC */
/*
 * CLOSING: the one way out. When we end a live tunnel the gateway is told
 * (DISCONNECT, reason 0xb0 "user", which also invalidates the cookie), then
 * the vpnc-script undoes its work and the tun device goes; the process's
 * exit code follows openconnect's (0 when asked to stop, 2 when the cookie
 * was rejected, 1 for other failures).
 */
#include <string.h>

#include "client/link.h"
#include "client/netcfg.h"
#include "client/phases.h"
#include "lib/base/log.h"
#include "lib/cstp/frame.h"

#define BYE_TEXT "Aborted by caller"
#define BYE_WAIT_MS 2000

static void say_goodbye(struct session *s)
{
	uint8_t frame[CSTP_FRAME_HEADER_LEN + 1 + sizeof(BYE_TEXT)];
	uint8_t payload[1 + sizeof(BYE_TEXT) - 1];
	struct conn_wait w = { .deadline_ms = session_now_ms() + BYE_WAIT_MS };
	struct buf_writer bw;

	payload[0] = CSTP_REASON_USER;
	memcpy(payload + 1, BYE_TEXT, sizeof(BYE_TEXT) - 1);
	buf_writer_init(&bw, frame, sizeof(frame));
	if (cstp_frame_write(&bw, CSTP_TYPE_DISCONNECT, payload, sizeof(payload)) == 0 &&
	    conn_write_record(&s->conn, frame, bw.len, &w) == 0)
		log_debug("CLOSING: told the gateway we are leaving");
}

enum session_phase closing_run(struct session *s)
{
	bool is_tunnel_up = s->tunnel.tun_fd >= 0;

	if (is_tunnel_up && s->conn.is_open && !s->tunnel.is_ended_by_gateway)
		say_goodbye(s);
	conn_close(&s->conn, true);
	netcfg_down(s);
	if (!s->close_reason || (s->stop && *s->stop))
		s->exit_code = 0;
	else if (s->exit_code == 0)
		s->exit_code = 1;
	return SESSION_PHASE_DONE;
}
