/* SPDX-License-Identifier: ISC */
/*
 * Logging. The library never writes to stderr itself: it calls the sink the
 * program installed (stderr, syslog, a test buffer). One line per event.
 */
#ifndef BASE_LOG_H
#define BASE_LOG_H

enum log_level {
	LOG_LEVEL_ERR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

typedef void (*log_sink_fn)(enum log_level level, const char *line, void *ctx);

/* Installs the sink and the most verbose level that reaches it. */
void log_set_sink(log_sink_fn sink, void *ctx, enum log_level max_level);
void log_set_level(enum log_level max_level);
int log_is_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_LEVEL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* A sink that writes "[level] line" to stderr, with an optional timestamp. */
void log_sink_stderr(enum log_level level, const char *line, void *ctx);

#endif
