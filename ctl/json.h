/* SPDX-License-Identifier: ISC */
/*
 * A small JSON writer for sslgatectl: objects and arrays written in order
 * to a FILE, commas placed by the writer, strings escaped. Layout follows
 * occtl's (two-space indent, one member per line).
 */
#ifndef CTL_JSON_H
#define CTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_JSON_DEPTH 8

struct ctl_json {
	FILE *out;               /* borrowed */
	int depth;
	bool has_member[CTL_JSON_DEPTH];
};

void ctl_json_init(struct ctl_json *j, FILE *out);
/* key is NULL inside arrays and at the top. */
void ctl_json_begin_object(struct ctl_json *j, const char *key);
void ctl_json_end_object(struct ctl_json *j);
void ctl_json_begin_array(struct ctl_json *j, const char *key);
void ctl_json_end_array(struct ctl_json *j);
void ctl_json_string(struct ctl_json *j, const char *key, const char *value);
void ctl_json_uint(struct ctl_json *j, const char *key, uint64_t value);
/* Each word of a space-separated list becomes one string of an array. */
void ctl_json_words(struct ctl_json *j, const char *key, const char *words);

#endif
