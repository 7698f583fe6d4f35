/* SPDX-License-Identifier: ISC */
/*
 * The login's aggregate-auth documents are parsed in a child process.
 * libxml2 on Debian brings ICU and with it libstdc++, which glibc never
 * unloads, so a client that parsed in-process kept ~1.3 MiB of libraries
 * mapped for the life of its tunnel; and the XML comes from the network,
 * so the code that reads it is better kept away from the process that
 * holds the tunnel, its keys and the tun device.
 *
 * The child is forked from the client, loads libxml2, closes every
 * descriptor but its socket and stderr, and runs under its own seccomp
 * filter (sandbox_seccomp_parser: no new socket, no send to an address,
 * no exec, no files, no ptrace). It reads
 * documents from a socketpair ([u32 length][bytes]), parses each with
 * auth_xml_read() and answers [u32 length][i32 result][payload]: the doc
 * in the flat encoding of lib/auth/doc_wire.h, or auth_xml_read's error
 * text. It exits when the socket closes. The parent checks every answer as
 * hostile input: the child has just parsed what a gateway sent.
 *
 * Ownership: struct auth_parser is caller storage holding the parent's
 * end of the socket and the child's pid. Secrets (the final document
 * carries the session token) are wiped from the buffers of both sides.
 */
#ifndef CLIENT_AUTH_PARSER_H
#define CLIENT_AUTH_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/auth/doc.h"
#include "lib/auth/xml.h"

/* A document takes milliseconds; this only bounds a child that hangs. */
#define AUTH_PARSER_TIMEOUT_MS 10000

struct auth_parser {
	int fd;         /* our end of the socketpair; -1 while no child runs */
	pid_t pid;      /* the child until reaped (it may be dying, fd -1); 0 when none */
	int timeout_ms; /* per document, AUTH_PARSER_TIMEOUT_MS unless a test says */
	bool is_once;   /* forked before any secret existed: never forked again */
};

void auth_parser_init(struct auth_parser *p);

/*
 * Forks the child unless one runs (reaping a stopped one first). It loads libxml2 at once, so starting
 * it before a request is sent overlaps the load with the round trip.
 * 0, or VPN_ERR_IO with err (may be NULL) saying why.
 */
int auth_parser_start(struct auth_parser *p, struct auth_xml_error *err);

/*
 * The client's way: forks the child now, at start-up, and never again.
 * A fork copies the whole address space, so a child forked during the
 * login would hold the password, the TLS session's keys and the random
 * generator's state. sslgate's main() calls this before it reads standard
 * input, before TLS is initialised and before --background's fork ends,
 * so at fork time the child's memory holds: the command line and the
 * environment (a --key-password or -C cookie given as an argument is
 * there, as it is in /proc/PID/cmdline for every local user; main() starts
 * no child when a cookie is given), the parsed options, the log settings
 * and glibc's state; no password, cookie from standard input, TLS
 * context, key or random state. The child outlives every later prompt
 * and is stopped after the login's last document; a later start or
 * parse does not fork (a reconnect presents the cookie and parses no
 * XML): it fails with VPN_ERR_IO and err saying why.
 */
int auth_parser_start_once(struct auth_parser *p, struct auth_xml_error *err);

/*
 * Parses body[0..len) in the child (started first if none runs) into out,
 * which must be freshly initialised. Returns what auth_xml_read() would:
 * 0, or VPN_ERR_INVALID / VPN_ERR_TOO_BIG when the document is refused,
 * err saying why. Any other negative value means the parser failed, not
 * the document: the child died, hung, sent an answer that does not pass
 * the checks, or could not load libxml2. err then names the cause and the
 * child has been stopped (the next call starts a new one).
 */
int auth_parser_parse(struct auth_parser *p, struct auth_doc *out, const void *body,
		      size_t len, struct auth_xml_error *err);

/*
 * Ends the child, if one runs, without waiting for it to go: it is killed
 * and reaped now if already gone, else by the next start or stop (or it
 * stays a zombie until the client exits). fd is -1 afterwards.
 */
void auth_parser_stop(struct auth_parser *p);

#endif
