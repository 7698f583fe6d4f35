/* SPDX-License-Identifier: ISC */
/* Typed getters over config entries, with located error messages. */
#include "lib/config/get.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "lib/base/err.h"

int config_get_error(const struct config_kv *kv, const struct config_entry *e,
		     struct config_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return VPN_ERR_INVALID;
	n = snprintf(err->text, sizeof(err->text), "%s:%u: %s: ", config_kv_name(kv), e->line,
		     e->key);
	if (n < 0 || (size_t)n >= sizeof(err->text))
		return VPN_ERR_INVALID;
	va_start(ap, fmt);
	vsnprintf(err->text + n, sizeof(err->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return VPN_ERR_INVALID;
}

int config_get_bool(const struct config_kv *kv, const struct config_entry *e, bool *out,
		    struct config_err *err)
{
	if (strcasecmp(e->value, "true") == 0 || strcasecmp(e->value, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(e->value, "false") == 0 || strcasecmp(e->value, "no") == 0) {
		*out = false;
		return 0;
	}
	return config_get_error(kv, e, err, "expected true, false, yes or no, got '%.64s'",
				e->value);
}

int config_get_uint(const struct config_kv *kv, const struct config_entry *e,
		    unsigned long min, unsigned long max, unsigned long *out,
		    struct config_err *err)
{
	unsigned long v = 0;
	const char *p = e->value;

	if (*p == '\0')
		return config_get_error(kv, e, err, "expected a number, got nothing");
	for (; *p; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (*p < '0' || *p > '9')
			return config_get_error(kv, e, err, "expected a number, got '%.64s'",
						e->value);
		if (digit > max || v > (max - digit) / 10)
			goto range;
		v = v * 10 + digit;
	}
	if (v < min)
		goto range;
	*out = v;
	return 0;
range:
	return config_get_error(kv, e, err, "%.64s is outside %lu..%lu", e->value, min, max);
}
