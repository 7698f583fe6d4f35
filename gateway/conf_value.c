/* SPDX-License-Identifier: ISC */
/* Value parsers and messages for the configuration loader. */
#include "gateway/conf_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/base/log.h"

__attribute__((format(printf, 3, 0)))
static void report(struct conf_loader *l, enum log_level level, const char *fmt, va_list ap)
{
	char text[768];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (l->line)
		log_msg(level, "%s:%u: %s", l->file, l->line, text);
	else
		log_msg(level, "%s: %s", l->file, text);
}

void conf_error(struct conf_loader *l, const char *fmt, ...)
{
	va_list ap;

	l->errors++;
	va_start(ap, fmt);
	report(l, LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_loader *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(l, LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

int conf_parse_bool(struct conf_loader *l, const char *value, bool *out)
{
	if (strcasecmp(value, "true") == 0 || strcasecmp(value, "yes") == 0 ||
	    strcmp(value, "1") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(value, "false") == 0 || strcasecmp(value, "no") == 0 ||
	    strcmp(value, "0") == 0) {
		*out = false;
		return 0;
	}
	conf_error(l, "'%s' is not true or false", value);
	return -1;
}

int conf_parse_uint(struct conf_loader *l, const char *value, unsigned max, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno || v > max) {
		conf_error(l, "'%s' is not a number from 0 to %u", value, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static bool parse_addr(const char *s, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->bytes) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->bytes) == 1) {
		out->family = AF_INET6;
		return true;
	}
	return false;
}

int conf_parse_addr(struct conf_loader *l, const char *value, struct net_addr *out)
{
	if (!parse_addr(value, out)) {
		conf_error(l, "'%s' is not an IP address", value);
		return -1;
	}
	return 0;
}

/* The length of a contiguous IPv4 mask; -1 when it has holes. */
static int mask_len(const struct net_addr *m)
{
	uint32_t v = (uint32_t)m->bytes[0] << 24 | (uint32_t)m->bytes[1] << 16 |
		     (uint32_t)m->bytes[2] << 8 | m->bytes[3];
	int n = 0;

	while (n < 32 && (v & (UINT32_C(1) << (31 - n))))
		n++;
	if (n < 32 && (v << n) != 0)
		return -1;
	return n;
}

static bool parse_len(const char *s, const struct net_addr *a, unsigned *out)
{
	unsigned max = a->family == AF_INET ? 32 : 128;
	struct net_addr mask;
	unsigned long v;
	char *end;
	int n;

	if (a->family == AF_INET && strchr(s, '.')) {
		if (!parse_addr(s, &mask) || mask.family != AF_INET || (n = mask_len(&mask)) < 0)
			return false;
		*out = (unsigned)n;
		return true;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

int conf_parse_prefix(struct conf_loader *l, const char *value, struct net_prefix *out)
{
	char buf[128];
	char *slash;

	if (strlen(value) >= sizeof(buf))
		goto bad;
	strcpy(buf, value);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (!parse_addr(buf, &out->addr))
		goto bad;
	out->len = out->addr.family == AF_INET ? 32 : 128;
	if (slash && !parse_len(slash + 1, &out->addr, &out->len))
		goto bad;
	return 0;
bad:
	conf_error(l, "'%s' is not an address prefix (ADDR/LEN or ADDR/MASK)", value);
	return -1;
}

int conf_set_string(struct conf_loader *l, char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy) {
		conf_error(l, "out of memory");
		return -1;
	}
	free(*field);
	*field = copy;
	return 0;
}

bool conf_value_is_on(const char *value)
{
	if (strcasecmp(value, "false") == 0 || strcasecmp(value, "no") == 0)
		return false;
	for (const char *p = value; *p; p++)
		if (*p != '0')
			return true;
	return false;
}
