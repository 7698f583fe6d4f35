/* SPDX-License-Identifier: ISC */
/*
 * Loading a configuration: defaults, the main file line by line, the files
 * it names, then the checks that need the whole picture (users exist, a
 * pool exists, paths resolve). Errors are counted, not fatal on the spot, so
 * one `sslgated -t` run reports every problem with its line.
 */
#include "gateway/conf_internal.h"

#include <grp.h>
#include <libgen.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/base/err.h"
#include "lib/base/log.h"
#include "lib/config/kv.h"
#include "lib/tls/tls.h"

static int set_defaults(struct gw_config *cfg)
{
	static const struct { size_t offset; const char *value; } strings[] = {
		{ offsetof(struct gw_config, run_as_user), "nobody" },
		{ offsetof(struct gw_config, run_as_group), "nogroup" },
		{ offsetof(struct gw_config, authd_user), "nobody" },
		{ offsetof(struct gw_config, authd_group), "nogroup" },
		{ offsetof(struct gw_config, ctl_socket), "/run/sslgated.socket" },
		{ offsetof(struct gw_config, state_dir), "/var/lib/sslgated" },
		{ offsetof(struct gw_config, device), "vpns%d" },
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		char **field = (char **)((char *)cfg + strings[i].offset);

		*field = strdup(strings[i].value);
		if (!*field)
			return VPN_ERR_NOMEM;
	}
	cfg->is_ctl_enabled = true;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->tcp_port = 443;
	cfg->is_cisco_compat = true;
	cfg->auth_timeout_s = 240;
	cfg->request_timeout_s = 10;
	cfg->max_handshakes = 256;
	cfg->max_handshakes_per_ip = 32;
	cfg->cookie_timeout_s = 300;
	cfg->max_ban_score = 80;
	cfg->ban_reset_time_s = 1200;
	cfg->min_reauth_time_s = 300;
	cfg->ban_points_wrong_password = 10;
	cfg->ban_points_connection = 1;
	cfg->rekey_time_s = 172800;
	cfg->rekey_method = GW_REKEY_SSL;
	cfg->switch_to_tcp_timeout_s = 25;
	cfg->is_dtls_legacy = true;
	cfg->is_dtls_psk = true;
	cfg->is_predictable_ips = true;
	conf_net_init(&cfg->global);
	cfg->global.keepalive_s = 32400;
	cfg->global.dpd_s = 90;
	cfg->global.mobile_dpd_s = 1800;
	cfg->global.ipv6_subnet_prefix = 128;
	conf_net_init(&cfg->default_group);
	conf_net_init(&cfg->default_user);
	return 0;
}

/* Reports a key sslgated does not do, once per key. */
static void unsupported(struct conf_loader *l, size_t index, const struct conf_key *k,
			bool is_error)
{
	if (is_error) {
		conf_error(l, "'%s' is not supported: %s", k->name, k->why);
		return;
	}
	if (l->warned[index])
		return;
	l->warned[index] = true;
	conf_warn(l, "'%s' is not supported and is ignored: %s", k->name, k->why);
}

int conf_apply_entry(struct conf_loader *l, const struct config_entry *e)
{
	const struct conf_key *k;
	size_t index;

	l->line = e->line;
	k = conf_key_find(e->key, &index);
	if (!k) {
		conf_warn(l, "unknown setting '%s' is ignored", e->key);
		return 0;
	}
	if (!(k->scope & (l->is_main ? CONF_MAIN : CONF_PER))) {
		conf_warn(l, "'%s' is not allowed in this file and is ignored", k->name);
		return 0;
	}
	switch (k->support) {
	case CONF_APPLY:
		return k->apply(l, e->value);
	case CONF_IGNORE:
		log_debug("%s:%u: '%s' has no use in sslgated", l->file, l->line, k->name);
		return 0;
	case CONF_WARN:
		unsupported(l, index, k, false);
		return 0;
	case CONF_ERROR:
		unsupported(l, index, k, true);
		return -1;
	case CONF_WARN_IF_ON:
	case CONF_ERROR_IF_ON:
		if (k->apply && k->apply(l, e->value) < 0)
			return -1;
		if (conf_value_is_on(e->value))
			unsupported(l, index, k, k->support == CONF_ERROR_IF_ON);
		return 0;
	}
	return 0;
}

/* ocserv's [vhost:NAME] sections: refused once each, their lines skipped. */
static void refuse_section(struct conf_loader *l, const struct config_entry *e,
			   const char **last)
{
	if (*last && strcmp(*last, e->section) == 0)
		return;
	*last = e->section;
	l->line = e->line;
	conf_error(l, "section [%s] (its first setting is here) is not supported: its settings "
		   "would apply to every client", e->section);
}

int conf_load_entries(struct conf_loader *l, const char *path, const char *text, size_t len)
{
	unsigned flags = l->is_main ? 0 : CONFIG_KV_NO_SECTIONS;
	struct config_kv *kv = NULL;
	const struct config_entry *all;
	const char *last_section = NULL;
	struct config_err err;
	size_t n;
	int r;

	r = text ? config_kv_load_buffer(&kv, l->file, text, len, flags, &err)
		 : config_kv_load_file(&kv, path, flags, &err);
	if (r < 0) {
		l->errors++;
		log_err("%s", err.text);
		return r;
	}
	all = config_kv_entries(kv, &n);
	for (size_t i = 0; i < n; i++) {
		if (all[i].section[0])
			refuse_section(l, &all[i], &last_section);
		else
			conf_apply_entry(l, &all[i]);
	}
	l->line = 0;
	config_kv_free(kv);
	return 0;
}

static void check_account(struct conf_loader *l, const char *key, const char *user,
			  const char *group)
{
	if (!getpwnam(user))
		conf_error(l, "%s-user '%s' does not exist", key, user);
	if (!getgrnam(group))
		conf_error(l, "%s-group '%s' does not exist", key, group);
}

static bool has_pool(const struct gw_config *cfg)
{
	if (cfg->global.ipv4_pool.addr.family != AF_UNSPEC ||
	    cfg->global.ipv6_pool.addr.family != AF_UNSPEC)
		return true;
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (cfg->groups[i].net.set & (GW_SET_IPV4_POOL | GW_SET_IPV6_POOL))
			return true;
	return false;
}

/* user-profile is served as "/profiles/" + the value; the file is under chroot-dir. */
static int resolve_profile(struct conf_loader *l)
{
	struct gw_config *cfg = l->cfg;
	char *as_written = cfg->profile_uri, *dir = NULL;
	int n;

	cfg->profile_uri = NULL;
	if (!as_written)
		return 0;
	if (as_written[0] == '/') {
		cfg->profile_path = strdup(as_written);
	} else if (cfg->chroot_dir) {
		n = asprintf(&cfg->profile_path, "%s/%s", cfg->chroot_dir, as_written);
		if (n < 0)
			cfg->profile_path = NULL;
	} else {
		dir = strdup(cfg->path ? cfg->path : ".");
		n = dir ? asprintf(&cfg->profile_path, "%s/%s", dirname(dir), as_written) : -1;
		if (n < 0)
			cfg->profile_path = NULL;
	}
	n = asprintf(&cfg->profile_uri, "/profiles/%s", as_written);
	if (n < 0)
		cfg->profile_uri = NULL;
	free(dir);
	free(as_written);
	if (!cfg->profile_path || !cfg->profile_uri) {
		conf_error(l, "out of memory");
		return -1;
	}
	return 0;
}

static void check_whole(struct conf_loader *l)
{
	struct gw_config *cfg = l->cfg;
	struct stat st;

	l->line = 0;
	conf_auth_check(l);
	if (!has_pool(cfg))
		conf_error(l, "no ipv4-network or ipv6-network: clients would get no address");
	if ((cfg->server_cert == NULL) != (cfg->server_key == NULL))
		conf_error(l, "server-cert and server-key go together");
	check_account(l, "run-as", cfg->run_as_user, cfg->run_as_group);
	check_account(l, "authd", cfg->authd_user, cfg->authd_group);
	if (cfg->chroot_dir && (stat(cfg->chroot_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
		conf_error(l, "chroot-dir %s is not a directory", cfg->chroot_dir);
	if (cfg->default_select_group && strlen(cfg->default_select_group) >= GW_NAME_MAX)
		conf_error(l, "default-select-group is longer than %d bytes", GW_NAME_MAX - 1);
	resolve_profile(l);
}

static void free_paths(struct conf_paths *p)
{
	free(p->per_group_dir);
	free(p->per_user_dir);
	free(p->default_group_file);
	free(p->default_user_file);
}

int gw_config_load_text(struct gw_config **out, const char *text, size_t len, const char *name)
{
	struct conf_paths paths = { 0 };
	struct conf_loader l = { .file = name, .is_main = true, .paths = &paths };
	struct gw_config *cfg = calloc(1, sizeof(*cfg));
	int r = VPN_ERR_NOMEM;

	l.warned = calloc(conf_main_keys_count + conf_net_keys_count, sizeof(*l.warned));
	if (!cfg || !l.warned || set_defaults(cfg) < 0)
		goto out;
	l.cfg = cfg;
	l.net = &cfg->global;
	conf_net_begin(&l);
	conf_load_entries(&l, NULL, text, len);
	conf_net_finish(&l, &cfg->global);
	conf_load_dirs(&l);
	check_whole(&l);
	r = l.errors ? VPN_ERR_INVALID : 0;
	if (r == 0) {
		*out = cfg;
		cfg = NULL;
	}
out:
	if (r == VPN_ERR_NOMEM)
		log_err("%s: out of memory", name);
	gw_config_free(cfg);
	free_paths(&paths);
	free(l.warned);
	return r;
}

/*
 * The whole file, or its first CONFIG_KV_MAX_FILE + 1 bytes: one more than
 * the reader takes, so that it can say "too big". The buffer grows with
 * the file rather than starting at the limit: glibc answers a freed
 * megabyte by raising its mmap threshold, and every large calloc after
 * that (a worker's DTLS batch) is zeroed on the heap instead of mapped.
 */
static char *read_text(FILE *f, size_t *out_len)
{
	size_t cap = 4096, len = 0, n;
	char *text = malloc(cap), *grown;

	while (text && (n = fread(text + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len < cap || cap == CONFIG_KV_MAX_FILE + 1)
			continue;
		cap = 2 * cap < CONFIG_KV_MAX_FILE + 1 ? 2 * cap : CONFIG_KV_MAX_FILE + 1;
		grown = realloc(text, cap);
		if (!grown)
			free(text);
		text = grown;
	}
	*out_len = len;
	return text;
}

int gw_config_load(struct gw_config **out, const char *path)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;
	int r;

	if (!path)
		return gw_config_load_text(out, gw_config_default_text,
					   strlen(gw_config_default_text), "(built-in configuration)");
	f = fopen(path, "re");
	if (!f) {
		log_err("%s: cannot read the configuration: %s", path, strerror(errno));
		return VPN_ERR_IO;
	}
	text = read_text(f, &len);
	fclose(f);
	if (!text)
		return VPN_ERR_NOMEM;
	r = gw_config_load_text(out, text, len, path);
	free(text);
	if (r == 0) {
		(*out)->path = strdup(path);
		if (!(*out)->path) {
			gw_config_free(*out);
			*out = NULL;
			return VPN_ERR_NOMEM;
		}
	}
	return r;
}

static void free_strings(struct gw_config *cfg)
{
	char **strings[] = {
		&cfg->path, &cfg->run_as_user, &cfg->run_as_group, &cfg->authd_user,
		&cfg->authd_group, &cfg->chroot_dir, &cfg->pid_file, &cfg->ctl_socket,
		&cfg->state_dir, &cfg->device, &cfg->listen_host, &cfg->udp_listen_host,
		&cfg->server_cert, &cfg->server_key, &cfg->ca_cert, &cfg->tls_priorities,
		&cfg->crl_file, &cfg->cert_user_oid, &cfg->cert_group_oid,
		&cfg->passwd_file, &cfg->banner, &cfg->pre_login_banner,
		&cfg->default_select_group, &cfg->profile_path, &cfg->profile_uri,
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		free(*strings[i]);
}

void gw_config_free(struct gw_config *cfg)
{
	if (!cfg)
		return;
	free_strings(cfg);
	for (size_t i = 0; i < cfg->n_groups; i++) {
		free(cfg->groups[i].name);
		free(cfg->groups[i].label);
		conf_net_cleanup(&cfg->groups[i].net);
	}
	free(cfg->groups);
	for (size_t i = 0; i < cfg->n_users; i++) {
		free(cfg->users[i].name);
		conf_net_cleanup(&cfg->users[i].net);
	}
	free(cfg->users);
	conf_net_cleanup(&cfg->global);
	conf_net_cleanup(&cfg->default_group);
	conf_net_cleanup(&cfg->default_user);
	free(cfg->profile);
	tls_server_ctx_free(cfg->tls);
	free(cfg);
}

const struct gw_group *gw_config_group(const struct gw_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (strcmp(cfg->groups[i].name, name) == 0)
			return &cfg->groups[i];
	return NULL;
}

void gw_config_settings(const struct gw_config *cfg, const char *user, const char *group,
			struct gw_net_settings *out)
{
	const struct gw_group *g = group && group[0] ? gw_config_group(cfg, group) : NULL;
	const struct gw_user_config *u = NULL;

	*out = cfg->global;
	if (g && g->has_file)
		conf_net_overlay(out, &g->net);
	else
		conf_net_overlay(out, &cfg->default_group);
	for (size_t i = 0; user && i < cfg->n_users; i++)
		if (strcmp(cfg->users[i].name, user) == 0)
			u = &cfg->users[i];
	conf_net_overlay(out, u ? &u->net : &cfg->default_user);
}
