/* SPDX-License-Identifier: ISC */
/*
 * What the parent loads as root before any child drops privileges: the
 * server's certificate and key (often readable by root only) and the
 * profile XML that workers serve from memory (they run chrooted).
 */
#include "gateway/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/tls/tls.h"

static int load_profile(struct gw_config *cfg)
{
	int fd = open(cfg->profile_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > GW_PROFILE_MAX) {
		log_err("user-profile %s: cannot be read, or larger than %d bytes: %s",
			cfg->profile_path, GW_PROFILE_MAX, strerror(errno));
		if (fd >= 0)
			close(fd);
		return VPN_ERR_IO;
	}
	cfg->profile = malloc((size_t)st.st_size + 1);
	if (!cfg->profile) {
		close(fd);
		return VPN_ERR_NOMEM;
	}
	n = read(fd, cfg->profile, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		log_err("user-profile %s: short read", cfg->profile_path);
		return VPN_ERR_IO;
	}
	cfg->profile_len = (size_t)n;
	return 0;
}

/* With no server-cert, a self-signed one in state-dir, made once. */
static int selfsigned_paths(struct gw_config *cfg)
{
	char host[256] = "sslgated";

	if (asprintf(&cfg->server_cert, "%s/server-cert.pem", cfg->state_dir) < 0 ||
	    asprintf(&cfg->server_key, "%s/server-key.pem", cfg->state_dir) < 0)
		return VPN_ERR_NOMEM;
	if (access(cfg->server_cert, R_OK) == 0 && access(cfg->server_key, R_OK) == 0)
		return 0;
	if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST) {
		log_err("state-dir %s: %s", cfg->state_dir, strerror(errno));
		return VPN_ERR_IO;
	}
	gethostname(host, sizeof(host) - 1);
	if (tls_selfsigned_write(cfg->server_cert, cfg->server_key, host, 3650) < 0) {
		log_err("cannot write a self-signed certificate to %s", cfg->state_dir);
		return VPN_ERR_TLS;
	}
	log_info("no server-cert configured: wrote a self-signed certificate for %s to %s",
		 host, cfg->server_cert);
	return 0;
}

int gw_config_load_profile(struct gw_config *cfg)
{
	if (!cfg->profile_path || cfg->profile)
		return 0;
	return load_profile(cfg);
}

int gw_config_load_tls(struct gw_config *cfg)
{
	struct tls_server_config tc = { 0 };
	char pin[TLS_PIN_LEN];
	int r;

	if (cfg->tls)
		return 0;
	if (!cfg->server_cert) {
		r = selfsigned_paths(cfg);
		if (r < 0)
			return r;
	}
	tc.cert_file = cfg->server_cert;
	tc.key_file = cfg->server_key;
	tc.ca_file = cfg->ca_cert;
	tc.crl_file = cfg->crl_file;
	tc.priorities = cfg->tls_priorities;
	tc.is_tls12_max = cfg->is_cisco_compat;
	r = tls_server_ctx_new(&cfg->tls, &tc);
	if (r < 0) {
		log_err("cannot load server-cert %s and server-key %s%s%s%s%s", cfg->server_cert,
			cfg->server_key, cfg->ca_cert ? ", ca-cert " : "",
			cfg->ca_cert ? cfg->ca_cert : "", cfg->crl_file ? ", crl " : "",
			cfg->crl_file ? cfg->crl_file : "");
		return r;
	}
	tls_server_ctx_pin(cfg->tls, pin);
	log_info("server certificate %s, %s", cfg->server_cert, pin);
	return 0;
}

int gw_config_load_resources(struct gw_config *cfg)
{
	int r = gw_config_load_profile(cfg);

	return r < 0 ? r : gw_config_load_tls(cfg);
}
