/* SPDX-License-Identifier: ISC */
/*
 * The connection profiles (groups) as clients see them: the group list of
 * the login form (ocserv's select-group / default-select-group), resolving
 * what a client picked (real name, or the label some Cisco clients send
 * instead, ocserv #267), and group URLs (/NAME). Read from the config; the
 * strings returned borrow from it.
 */
#ifndef GATEWAY_WORKER_GROUPS_H
#define GATEWAY_WORKER_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/strview.h"

struct worker;

#define GROUPS_MAX 64

struct group_choice {
	const char *name;    /* real group name; "" = the user's default group */
	const char *label;   /* what the list shows */
	bool has_value;      /* false: a bare <option>LABEL</option> (the default entry) */
};

/* The list in config order, the default entry first; returns how many (<= cap). */
size_t groups_list(const struct worker *w, struct group_choice *out, size_t cap);
/* A choice by its name or its label; false when nothing matches. */
bool groups_resolve(const struct worker *w, const char *text, struct group_choice *out);
/* The group a URL path names ("/sales"), when group URLs are on and it names one. */
bool groups_by_url(const struct worker *w, struct str_view path, struct group_choice *out);

#endif
