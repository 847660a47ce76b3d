/*
 * log.h -- the operator's log: one line per event, logfmt, on stderr (or a
 * file given at start-up).
 *
 *   ts=2026-11-22T21:30:00.123Z level=info req=8f3a1c2d msg="..." k=v ...
 *
 * Every line carries the request id of the calling thread when there is one
 * (log_set_request_id(), set by the HTTP layer for the duration of a
 * request), so that all lines of one request can be found together.
 * Values are escaped: CR, LF, quotes and control characters never reach the
 * log raw (no log injection).  Personal data is never passed to the log:
 * ids, counts and codes only.  Thread-safe: a line is written with a single
 * write(2).
 */
#ifndef MADOGUCHI_BASE_LOG_H
#define MADOGUCHI_BASE_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* log_open -- set the destination: NULL or "-" for stderr, else a file
 * opened for append.  Call at start-up only.  Returns 0 or ERR_IO. */
int log_open(const char *path);
void log_set_level(enum log_level min);

/* log_set_request_id -- the id printed as req= by this thread, or NULL. */
void log_set_request_id(const char *id);
const char *log_request_id(void);

/* log_write -- msg is a fixed English text; kv is "key", "value" pairs
 * ended by NULL, each value escaped. */
void log_write(enum log_level lv, const char *msg, ...)
	__attribute__((sentinel));

#define log_info(...) log_write(LOG_INFO, __VA_ARGS__, (const char *)0)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__, (const char *)0)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__, (const char *)0)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__, (const char *)0)

#endif
