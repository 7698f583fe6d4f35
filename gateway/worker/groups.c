/* SPDX-License-Identifier: ISC */
/* The group list and group choices, from select-group / default-select-group. */
#include "gateway/worker/groups.h"

#include <string.h>

#include "gateway/conf.h"
#include "gateway/worker/worker_internal.h"
#include "lib/http/url.h"

static void of_group(struct group_choice *out, const struct gw_group *g)
{
	out->name = g->name;
	out->label = g->label ? g->label : g->name;
	out->has_value = true;
}

size_t groups_list(const struct worker *w, struct group_choice *out, size_t cap)
{
	const struct gw_config *cfg = w->cfg;
	size_t n = 0;

	if (!cfg)
		return 0;
	/* The user's default group comes first when the config names that entry. */
	if (cfg->default_select_group && n < cap) {
		out[n].name = "";
		out[n].label = cfg->default_select_group;
		out[n].has_value = false;
		n++;
	}
	for (size_t i = 0; i < cfg->n_groups && n < cap; i++)
		if (cfg->groups[i].is_offered)
			of_group(&out[n++], &cfg->groups[i]);
	/* A default entry alone is no choice at all. */
	return n == 1 && !out[0].has_value ? 0 : n;
}

bool groups_resolve(const struct worker *w, const char *text, struct group_choice *out)
{
	const struct gw_config *cfg = w->cfg;

	if (!cfg)
		return false;
	if (cfg->default_select_group && strcmp(text, cfg->default_select_group) == 0) {
		out->name = "";
		out->label = cfg->default_select_group;
		out->has_value = false;
		return true;
	}
	for (size_t i = 0; i < cfg->n_groups; i++) {
		if (strcmp(text, cfg->groups[i].name) == 0) {
			of_group(out, &cfg->groups[i]);
			return true;
		}
	}
	/* Some Cisco clients send the label where the name belongs (ocserv #267). */
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct gw_group *g = &cfg->groups[i];

		if (g->is_offered && g->label && strcmp(text, g->label) == 0) {
			of_group(out, g);
			return true;
		}
	}
	return false;
}

bool groups_by_url(const struct worker *w, struct str_view path, struct group_choice *out)
{
	char name[GW_NAME_MAX * 3];
	struct str_view seg;
	size_t len = 0;

	if (!w->cfg || http_url_group(path, &seg) != 0)
		return false;
	/* Only a single segment: "/sales", not "/sales/x" nor "/+CSCOE+/...". */
	if (seg.len + 1 != path.len && !(seg.len + 2 == path.len && path.ptr[path.len - 1] == '/'))
		return false;
	if (http_url_decode(name, sizeof(name), &len, seg) != 0 || len != strlen(name))
		return false;
	return groups_resolve(w, name, out) && out->has_value;
}
