/* SPDX-License-Identifier: ISC */
/*
 * RFC 6265 section 5.1.1: split the text at delimiters, then take the first
 * token that looks like a time, a day, a month and a year, in that order.
 */
#include "lib/http/cookie_date.h"

#include <stdbool.h>
#include <strings.h>
#include <time.h>

#include "lib/base/err.h"

struct date_parts {
	bool has_time, has_day, has_month, has_year;
	int hour, minute, second, day, month, year;
};

static bool is_delimiter(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
	       (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * min..max digits at *pos, not followed by another digit; moves *pos past
 * them.
 */
static bool take_number(struct str_view tok, size_t *pos, size_t min,
			size_t max, int *out)
{
	size_t start = *pos;
	int v = 0;

	while (*pos < tok.len && is_digit(tok.ptr[*pos]) && *pos - start <= max)
		v = v * 10 + (tok.ptr[(*pos)++] - '0');
	if (*pos - start < min || *pos - start > max)
		return false;
	*out = v;
	return true;
}

/* hh:mm:ss, one or two digits each, then nothing or a non-digit. */
static bool take_time(struct date_parts *d, struct str_view tok)
{
	size_t pos = 0;

	return take_number(tok, &pos, 1, 2, &d->hour) &&
	       pos < tok.len && tok.ptr[pos++] == ':' &&
	       take_number(tok, &pos, 1, 2, &d->minute) &&
	       pos < tok.len && tok.ptr[pos++] == ':' &&
	       take_number(tok, &pos, 1, 2, &d->second);
}

static bool take_month(struct date_parts *d, struct str_view tok)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";

	if (tok.len < 3)
		return false;
	for (int i = 0; i < 12; i++) {
		if (strncasecmp(tok.ptr, names + 3 * i, 3) == 0) {
			d->month = i;
			return true;
		}
	}
	return false;
}

static void take_token(struct date_parts *d, struct str_view tok)
{
	size_t day_pos = 0, year_pos = 0;

	if (!d->has_time && take_time(d, tok))
		d->has_time = true;
	else if (!d->has_day && take_number(tok, &day_pos, 1, 2, &d->day))
		d->has_day = true;
	else if (!d->has_month && take_month(d, tok))
		d->has_month = true;
	else if (!d->has_year && take_number(tok, &year_pos, 2, 4, &d->year))
		d->has_year = true;
}

static bool is_valid(struct date_parts *d)
{
	if (d->year >= 70 && d->year <= 99)
		d->year += 1900;
	else if (d->year >= 0 && d->year <= 69)
		d->year += 2000;
	return d->has_time && d->has_day && d->has_month && d->has_year &&
	       d->day >= 1 && d->day <= 31 && d->year >= 1601 &&
	       d->hour <= 23 && d->minute <= 59 && d->second <= 59;
}

int http_cookie_date_parse(int64_t *out, struct str_view text)
{
	struct date_parts d = { 0 };
	struct tm tm = { 0 };
	size_t i = 0, start;

	while (i < text.len) {
		while (i < text.len && is_delimiter((unsigned char)text.ptr[i]))
			i++;
		start = i;
		while (i < text.len && !is_delimiter((unsigned char)text.ptr[i]))
			i++;
		if (i > start)
			take_token(&d, (struct str_view){ text.ptr + start, i - start });
	}
	if (!is_valid(&d))
		return VPN_ERR_INVALID;
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month;
	tm.tm_mday = d.day;
	tm.tm_hour = d.hour;
	tm.tm_min = d.minute;
	tm.tm_sec = d.second;
	*out = (int64_t)timegm(&tm);
	return 0;
}
