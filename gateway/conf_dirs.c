/* SPDX-License-Identifier: ISC */
/*
 * Connection profiles and the files around the main one: select-group
 * lines, config-per-group and config-per-user directories (one file per
 * group or user, named after it) and the default-*-config files used when a
 * group or user has none. All are read at load (and reload) time.
 */
#include "gateway/conf_internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/base/err.h"

static struct gw_group *find_group(struct gw_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_groups; i++)
		if (strcmp(cfg->groups[i].name, name) == 0)
			return &cfg->groups[i];
	return NULL;
}

static struct gw_group *new_group(struct conf_loader *l, const char *name, size_t name_len)
{
	struct gw_config *cfg = l->cfg;
	struct gw_group *grown, *g;

	if (name_len == 0 || name_len >= GW_NAME_MAX) {
		conf_error(l, "group name '%.*s' is empty or longer than %d bytes", (int)name_len,
			   name, GW_NAME_MAX - 1);
		return NULL;
	}
	if (cfg->n_groups == GW_GROUPS_MAX) {
		conf_error(l, "more than %d groups", GW_GROUPS_MAX);
		return NULL;
	}
	grown = realloc(cfg->groups, (cfg->n_groups + 1) * sizeof(*grown));
	if (!grown)
		goto nomem;
	cfg->groups = grown;
	g = &cfg->groups[cfg->n_groups];
	memset(g, 0, sizeof(*g));
	conf_net_init(&g->net);
	g->name = strndup(name, name_len);
	if (!g->name)
		goto nomem;
	cfg->n_groups++;
	return g;
nomem:
	conf_error(l, "out of memory");
	return NULL;
}

int conf_add_group(struct conf_loader *l, const char *value)
{
	const char *open = strchr(value, '[');
	size_t name_len = open ? (size_t)(open - value) : strlen(value);
	struct gw_group *g;
	char name[GW_NAME_MAX];

	while (name_len && value[name_len - 1] == ' ')
		name_len--;
	if (name_len < sizeof(name)) {
		memcpy(name, value, name_len);
		name[name_len] = '\0';
		if (find_group(l->cfg, name)) {
			conf_warn(l, "select-group '%s' is listed twice", name);
			return 0;
		}
	}
	g = new_group(l, value, name_len);
	if (!g)
		return -1;
	g->is_offered = true;
	if (open) {
		const char *close = strrchr(open, ']');

		if (!close) {
			conf_error(l, "select-group '%s' has '[' without ']'", value);
			return -1;
		}
		g->label = strndup(open + 1, (size_t)(close - open - 1));
		if (!g->label)
			return conf_error(l, "out of memory"), -1;
	}
	return 0;
}

int conf_set_dir(struct conf_loader *l, const char *key, const char *value)
{
	struct conf_paths *p = l->paths;
	char **field = strcmp(key, "config-per-group") == 0 ? &p->per_group_dir
		: strcmp(key, "config-per-user") == 0 ? &p->per_user_dir
		: strcmp(key, "default-group-config") == 0 ? &p->default_group_file
		: &p->default_user_file;

	return conf_set_string(l, field, value);
}

int conf_load_net_file(struct conf_loader *parent, const char *path, struct gw_net_settings *net)
{
	struct conf_loader l = *parent;

	l.file = path;
	l.line = 0;
	l.is_main = false;
	l.net = net;
	l.errors = 0;
	conf_net_begin(&l);
	if (conf_load_entries(&l, path, NULL, 0) == 0)
		conf_net_finish(&l, net);
	parent->errors += l.errors;
	return l.errors ? -1 : 0;
}

/* Names of the regular files in dir, sorted so that loading is repeatable. */
static int list_dir(struct conf_loader *l, const char *dir, struct dirent ***out)
{
	int n = scandir(dir, out, NULL, alphasort);

	if (n < 0)
		conf_error(l, "cannot read the directory %s", dir);
	return n;
}

static bool is_config_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n < GW_NAME_MAX && d->d_name[n - 1] != '~' &&
	       (d->d_type == DT_REG || d->d_type == DT_UNKNOWN || d->d_type == DT_LNK);
}

static int load_group_dir(struct conf_loader *l, const char *dir)
{
	struct dirent **names;
	int n = list_dir(l, dir, &names);

	for (int i = 0; i < n; i++) {
		struct gw_group *g;
		char path[4096];

		if (is_config_name(names[i])) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			g = find_group(l->cfg, names[i]->d_name);
			if (!g)
				g = new_group(l, names[i]->d_name, strlen(names[i]->d_name));
			if (g) {
				g->has_file = true;
				conf_load_net_file(l, path, &g->net);
			}
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return 0;
}

static struct gw_user_config *new_user(struct conf_loader *l, const char *name)
{
	struct gw_config *cfg = l->cfg;
	struct gw_user_config *grown, *u;

	if (cfg->n_users == GW_USERS_MAX) {
		conf_error(l, "more than %d per-user files", GW_USERS_MAX);
		return NULL;
	}
	grown = realloc(cfg->users, (cfg->n_users + 1) * sizeof(*grown));
	if (!grown)
		return conf_error(l, "out of memory"), NULL;
	cfg->users = grown;
	u = &cfg->users[cfg->n_users];
	conf_net_init(&u->net);
	u->name = strdup(name);
	if (!u->name)
		return conf_error(l, "out of memory"), NULL;
	cfg->n_users++;
	return u;
}

static int load_user_dir(struct conf_loader *l, const char *dir)
{
	struct dirent **names;
	int n = list_dir(l, dir, &names);

	for (int i = 0; i < n; i++) {
		struct gw_user_config *u;
		char path[4096];

		if (is_config_name(names[i])) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			u = new_user(l, names[i]->d_name);
			if (u)
				conf_load_net_file(l, path, &u->net);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return 0;
}

int conf_load_dirs(struct conf_loader *l)
{
	struct conf_paths *p = l->paths;

	l->line = 0;
	if (p->per_group_dir)
		load_group_dir(l, p->per_group_dir);
	if (p->default_group_file)
		conf_load_net_file(l, p->default_group_file, &l->cfg->default_group);
	if (p->per_user_dir)
		load_user_dir(l, p->per_user_dir);
	if (p->default_user_file)
		conf_load_net_file(l, p->default_user_file, &l->cfg->default_user);
	return l->errors ? -1 : 0;
}
