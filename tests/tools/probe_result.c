/* SPDX-License-Identifier: ISC */
/* The one line each scenario prints, and the clock it is timed with. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tests/tools/probe.h"

static const char *const outcome_names[] = {
	[PROBE_HTTP] = "http",       [PROBE_ALERT] = "alert",
	[PROBE_CLOSED] = "closed",   [PROBE_RESET] = "reset",
	[PROBE_TIMEOUT] = "timeout", [PROBE_REFUSED] = "refused",
	[PROBE_SILENT] = "silent",   [PROBE_DATAGRAM] = "datagram",
	[PROBE_FRAMES] = "frames",   [PROBE_RECORDS] = "records",
	[PROBE_ERROR] = "error",
};

const char *probe_outcome_name(enum probe_outcome o)
{
	return (size_t)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ?
	       outcome_names[o] : "?";
}

uint64_t probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void probe_result_start(struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = PROBE_ERROR;
	r->started_ms = probe_now_ms();
}

/* Keeps a value on one line and free of quotes, whatever the peer sent. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || *s == '"')
			*s = '?';
}

void probe_result_add(struct probe_result *r, const char *key, const char *fmt, ...)
{
	char value[128];
	size_t used = strlen(r->extra);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	sanitize(value);
	snprintf(r->extra + used, sizeof(r->extra) - used,
		 strpbrk(value, " =") || value[0] == '\0' ? " %s=\"%s\"" : " %s=%s", key, value);
}

void probe_result_detail(struct probe_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	sanitize(r->detail);
}

void probe_result_print(const struct probe_result *r, const char *scenario)
{
	char reason[sizeof(r->reason)];

	memcpy(reason, r->reason, sizeof(reason));
	reason[sizeof(reason) - 1] = '\0';
	sanitize(reason);
	printf("probe scenario=%s outcome=%s status=%d reason=\"%s\" sent=%llu recv=%llu ms=%llu"
	       " detail=\"%s\"%s\n",
	       scenario, probe_outcome_name(r->outcome), r->status, reason,
	       (unsigned long long)r->sent, (unsigned long long)r->recv,
	       (unsigned long long)(probe_now_ms() - r->started_ms), r->detail, r->extra);
	fflush(stdout);
}
