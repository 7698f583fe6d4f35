/* SPDX-License-Identifier: ISC */
/* The one place log lines are formatted and handed to the program's sink. */
#include "lib/base/log.h"

#include <stdarg.h>
#include <stdio.h>

static log_sink_fn current_sink;
static void *current_ctx;
static enum log_level current_max = LOG_LEVEL_INFO;

void log_set_sink(log_sink_fn sink, void *ctx, enum log_level max_level)
{
	current_sink = sink;
	current_ctx = ctx;
	current_max = max_level;
}

void log_set_level(enum log_level max_level)
{
	current_max = max_level;
}

int log_is_enabled(enum log_level level)
{
	return current_sink && level <= current_max;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!log_is_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	current_sink(level, line, current_ctx);
}

void log_sink_stderr(enum log_level level, const char *line, void *ctx)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };

	(void)ctx;
	fprintf(stderr, "%s: %s\n", names[level], line);
}
