/* SPDX-License-Identifier: ISC */
/*
 * sslgate-tls-floor: the smallest honest TLS client, for the bench's memory
 * figure (bench/lib/fig_memory.sh). It connects to a numeric address (no
 * resolver is loaded), makes one GnuTLS client session with the system's
 * default priorities, verifies the gateway's certificate against a CA file
 * and the expected name as the real clients do, completes one handshake,
 * prints one line, and holds the session until SIGTERM or --hold seconds.
 * Its RSS is what GnuTLS and libc alone cost a client on this machine:
 * the floor under sslgate's RSS target (docs/performance.md).
 *
 * This file is the one place outside lib/tls/ that includes a GnuTLS
 * header, on purpose: it must not link the project's library, whose other
 * modules and its TLS seam would add pages of their own to the figure it
 * exists to measure.
 *
 * Exit: 0 after holding, 1 when a step failed (named on stderr), 2 on bad
 * arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "sslgate-tls-floor"
#define HOLD_DEFAULT_S 60
#define HOLD_MAX_S 86400
/* Bounds on the two network steps, so a silent peer cannot hang a bench. */
#define CONNECT_TIMEOUT_S 10
#define HANDSHAKE_TIMEOUT_MS 10000
/* Non-fatal returns (interrupts, warning alerts) one handshake may see. */
#define HANDSHAKE_TRIES_MAX 100

enum floor_exit {
	FLOOR_EXIT_OK = 0,
	FLOOR_EXIT_FAILED = 1,
	FLOOR_EXIT_USAGE = 2,
};

/* Everything is borrowed from argv. */
struct floor_args {
	const char *address;
	const char *port_text;
	const char *ca_file;
	const char *name; /* checked against the certificate; the address by default */
	unsigned long hold_s;
	struct sockaddr_storage peer;
	socklen_t peer_len;
};

static void usage(FILE *out)
{
	fputs("Usage: " PROG " [--hold SECONDS] [--name NAME] ADDRESS PORT CA_FILE\n"
	      "  ADDRESS        the gateway's numeric IPv4 or IPv6 address\n"
	      "  CA_FILE        PEM file of the CAs the gateway's certificate must chain to\n"
	      "  --name NAME    name the certificate must carry, sent as SNI unless an\n"
	      "                 address (default: ADDRESS)\n"
	      "  --hold SECONDS hold the session at most this long (default 60); SIGTERM\n"
	      "                 or SIGINT ends it sooner\n", out);
}

static int bad_arg(const char *what, const char *text)
{
	fprintf(stderr, "%s: bad %s '%s' (--help for usage)\n", PROG, what, text);
	return -1;
}

static int parse_number(const char *text, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;
	unsigned long v;

	if (text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_peer(struct floor_args *a)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->peer;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->peer;
	unsigned long port;

	if (parse_number(a->port_text, 1, 65535, &port) < 0)
		return bad_arg("port (1-65535)", a->port_text);
	memset(&a->peer, 0, sizeof(a->peer));
	if (inet_pton(AF_INET, a->address, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		a->peer_len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, a->address, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		a->peer_len = sizeof(*v6);
	} else {
		return bad_arg("address (numeric IPv4 or IPv6, no names)", a->address);
	}
	return 0;
}

static int parse_args(struct floor_args *a, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "hold", required_argument, NULL, 'H' },
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	a->hold_s = HOLD_DEFAULT_S;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'H' && parse_number(optarg, 1, HOLD_MAX_S, &a->hold_s) < 0)
			return bad_arg("--hold (1-86400 seconds)", optarg);
		if (opt == 'n')
			a->name = optarg;
		if (opt == 'h') {
			usage(stdout);
			exit(FLOOR_EXIT_OK);
		}
		if (opt == '?') {
			usage(stderr);
			return -1;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "%s: expected ADDRESS PORT CA_FILE, got %d arguments\n", PROG,
			argc - optind);
		usage(stderr);
		return -1;
	}
	a->address = argv[optind];
	a->port_text = argv[optind + 1];
	a->ca_file = argv[optind + 2];
	if (a->name == NULL)
		a->name = a->address;
	if (a->name[0] == '\0')
		return bad_arg("--name", a->name);
	return parse_peer(a);
}

/* A connected TCP socket, or -1 after saying why. */
static int connect_peer(const struct floor_args *a)
{
	struct timeval tv = { .tv_sec = CONNECT_TIMEOUT_S };
	int fd, err;

	fd = socket(a->peer.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", PROG, strerror(errno));
		return -1;
	}
	/* On Linux a send timeout bounds connect() too (it then fails EINPROGRESS). */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0 &&
	    connect(fd, (const struct sockaddr *)&a->peer, a->peer_len) == 0)
		return fd;
	err = errno;
	fprintf(stderr, "%s: connect to %s port %s failed: %s\n", PROG, a->address,
		a->port_text, err == EINPROGRESS ? "no answer within 10 s" : strerror(err));
	close(fd);
	return -1;
}

static int load_ca(gnutls_certificate_credentials_t cred, const char *ca_file)
{
	int n = gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM);

	if (n > 0)
		return 0;
	fprintf(stderr, "%s: cannot read a CA certificate from %s: %s\n", PROG, ca_file,
		n < 0 ? gnutls_strerror(n) : "no PEM certificate in it");
	return -1;
}

static int is_address(const char *name)
{
	unsigned char bin[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, bin) == 1 || inet_pton(AF_INET6, name, bin) == 1;
}

/* The session's settings: nothing a default client would not do. */
static int setup_session(gnutls_session_t s, gnutls_certificate_credentials_t cred,
			 const char *name, int fd)
{
	int ret = gnutls_set_default_priority(s);

	if (ret == 0)
		ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	if (ret == 0 && !is_address(name))
		ret = gnutls_server_name_set(s, GNUTLS_NAME_DNS, name, strlen(name));
	if (ret < 0) {
		fprintf(stderr, "%s: cannot set up the TLS session: %s\n", PROG,
			gnutls_strerror(ret));
		return -1;
	}
	/* The handshake fails unless the chain reaches CA_FILE and carries the name. */
	gnutls_session_set_verify_cert(s, name, 0);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, HANDSHAKE_TIMEOUT_MS);
	return 0;
}

static void report_verify_failure(gnutls_session_t s, const struct floor_args *a)
{
	unsigned status = gnutls_session_get_verify_cert_status(s);
	gnutls_datum_t text = { NULL, 0 };

	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) < 0) {
		fprintf(stderr, "%s: certificate verification failed (status 0x%x) for %s "
			"against %s\n", PROG, status, a->name, a->ca_file);
		return;
	}
	/* GnuTLS ends its sentences with a blank */
	while (text.size > 0 && text.data[text.size - 1] == ' ')
		text.data[--text.size] = '\0';
	fprintf(stderr, "%s: certificate verification failed for %s against %s: %s\n", PROG,
		a->name, a->ca_file, (const char *)text.data);
	gnutls_free(text.data);
}

static int handshake(gnutls_session_t s, const struct floor_args *a)
{
	int ret, tries = 0;

	do {
		ret = gnutls_handshake(s);
	} while (ret < 0 && !gnutls_error_is_fatal(ret) && ++tries < HANDSHAKE_TRIES_MAX);
	if (ret == 0)
		return 0;
	if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
		report_verify_failure(s, a);
	else
		fprintf(stderr, "%s: TLS handshake with %s port %s failed: %s\n", PROG,
			a->address, a->port_text, gnutls_strerror(ret));
	return -1;
}

/*
 * Blocks until SIGTERM or SIGINT, or for hold_s. The signals are blocked
 * before the line is printed, so one sent on seeing it is never lost.
 */
static void hold(gnutls_session_t s, unsigned long hold_s)
{
	struct timespec now, end, left;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("handshake done: %s, %s\n", gnutls_protocol_get_name(gnutls_protocol_get_version(s)),
	       gnutls_cipher_get_name(gnutls_cipher_get(s)));
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)hold_s;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0 || sigtimedwait(&set, NULL, &left) >= 0 || errno != EINTR)
			return;
	}
}

int main(int argc, char **argv)
{
	struct floor_args args = { 0 };
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t session = NULL;
	int fd = -1, status = FLOOR_EXIT_FAILED;

	if (parse_args(&args, argc, argv) < 0)
		return FLOOR_EXIT_USAGE;
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		fprintf(stderr, "%s: out of memory for TLS credentials\n", PROG);
		goto out;
	}
	if (load_ca(cred, args.ca_file) < 0)
		goto out;
	fd = connect_peer(&args);
	if (fd < 0)
		goto out;
	/* a gateway that has already closed must not end us with SIGPIPE at the bye */
	if (gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) < 0) {
		fprintf(stderr, "%s: cannot create a TLS session\n", PROG);
		goto out;
	}
	if (setup_session(session, cred, args.name, fd) < 0 || handshake(session, &args) < 0)
		goto out;
	hold(session, args.hold_s);
	/* close_notify only: the gateway need not answer before we go */
	gnutls_bye(session, GNUTLS_SHUT_WR);
	status = FLOOR_EXIT_OK;
out:
	if (session != NULL)
		gnutls_deinit(session);
	if (fd >= 0)
		close(fd);
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
	return status;
}
