/* SPDX-License-Identifier: ISC */
/* Writing JSON in order, with escaping and commas handled here. */
#include "ctl/json.h"

#include <inttypes.h>
#include <string.h>

void ctl_json_init(struct ctl_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* Comma, new line and indent before a member, then its key. */
static void member(struct ctl_json *j, const char *key)
{
	if (j->depth > 0) {
		fputs(j->has_member[j->depth] ? ",\n" : "\n", j->out);
		j->has_member[j->depth] = true;
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->out);
	}
	if (key) {
		escaped(j->out, key);
		fputs(": ", j->out);
	}
}

static void open_level(struct ctl_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->out);
	if (j->depth + 1 < CTL_JSON_DEPTH)
		j->depth++;
	j->has_member[j->depth] = false;
}

static void close_level(struct ctl_json *j, char c)
{
	bool had = j->has_member[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had) {
		fputc('\n', j->out);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->out);
	}
	fputc(c, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void ctl_json_begin_object(struct ctl_json *j, const char *key)
{
	open_level(j, key, '{');
}

void ctl_json_end_object(struct ctl_json *j)
{
	close_level(j, '}');
}

void ctl_json_begin_array(struct ctl_json *j, const char *key)
{
	open_level(j, key, '[');
}

void ctl_json_end_array(struct ctl_json *j)
{
	close_level(j, ']');
}

void ctl_json_string(struct ctl_json *j, const char *key, const char *value)
{
	member(j, key);
	escaped(j->out, value ? value : "");
}

void ctl_json_uint(struct ctl_json *j, const char *key, uint64_t value)
{
	member(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void ctl_json_words(struct ctl_json *j, const char *key, const char *words)
{
	char word[256];

	ctl_json_begin_array(j, key);
	while (*words) {
		size_t n = strcspn(words, " ");

		if (n && n < sizeof(word)) {
			memcpy(word, words, n);
			word[n] = '\0';
			ctl_json_string(j, NULL, word);
		}
		words += n;
		while (*words == ' ')
			words++;
	}
	ctl_json_end_array(j);
}
