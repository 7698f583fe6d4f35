/* SPDX-License-Identifier: ISC */
/*
 * The per-user preferences directory: what the user decided and what the
 * gateways handed out, never a secret (no password, no cookie).
 *
 *   $XDG_CONFIG_HOME/sslgate/  (else $HOME/.config/sslgate/), mode 0700
 *     servers/<host>_<port>            server pins the user accepted, one per line
 *     profiles/<host>_<port>/<name>    profiles downloaded from that gateway
 *
 * Server keys are "host:port" and become file names with anything but
 * [A-Za-z0-9.-] replaced, so a hostile host name cannot leave the directory.
 */
#ifndef CLIENT_PREFS_H
#define CLIENT_PREFS_H

#include <stdbool.h>
#include <stddef.h>

#define PREFS_PATH_MAX 512
/* A pins file larger than this is not ours; it is refused, not parsed. */
#define PREFS_PINS_MAX_BYTES 16384
/* The largest profile we keep (the HTTP layer bounds the download too). */
#define PREFS_PROFILE_MAX_BYTES (1024 * 1024)

struct prefs {
	char dir[PREFS_PATH_MAX];
};

/* From the environment; VPN_ERR_NOT_FOUND when neither variable is set. Creates nothing. */
int prefs_init(struct prefs *p);
/* At a given directory (tests, and callers with their own layout). */
int prefs_init_at(struct prefs *p, const char *dir);

/* "host:port" for the pins and profiles of one gateway. */
void prefs_server_key(char *out, size_t out_len, const char *host, unsigned port);

/* Whether pin was accepted before for server_key: 0 with *out_is_accepted, or an error. */
int prefs_pin_is_accepted(const struct prefs *p, const char *server_key, const char *pin,
			  bool *out_is_accepted);
/* Records pin for server_key (idempotent); creates the directories it needs. */
int prefs_pin_accept(const struct prefs *p, const char *server_key, const char *pin);

/*
 * Where the profile named by uri (its last path segment) from server_key
 * lives. VPN_ERR_INVALID when the URI has no usable file name.
 */
int prefs_profile_path(const struct prefs *p, const char *server_key, const char *uri,
		       char *out, size_t out_len);
/* Reads the stored profile into out (cap bytes): 0, VPN_ERR_NOT_FOUND, VPN_ERR_TOO_BIG. */
int prefs_profile_load(const struct prefs *p, const char *server_key, const char *uri,
		       void *out, size_t cap, size_t *out_len);
/* Replaces the stored profile atomically (temporary file, then rename). */
int prefs_profile_store(const struct prefs *p, const char *server_key, const char *uri,
			const void *data, size_t len);

#endif
