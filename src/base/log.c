/*
 * log.c -- logfmt lines with the thread's request id; see log.h.
 */
#include "base/log.h"
#include "base/err.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = 2;
static enum log_level log_min = LOG_INFO;
static _Thread_local char log_req[40];

int log_open(const char *path)
{
	if (!path || strcmp(path, "-") == 0) {
		log_fd = 2;
		return 0;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return ERR_IO;
	log_fd = fd;
	return 0;
}

void log_set_level(enum log_level min)
{
	log_min = min;
}

void log_set_request_id(const char *id)
{
	if (!id) {
		log_req[0] = '\0';
		return;
	}
	snprintf(log_req, sizeof log_req, "%s", id);
}

const char *log_request_id(void)
{
	return log_req[0] ? log_req : NULL;
}

/* append s quoted and escaped into out[*n..cap) */
static void put_escaped(char *out, size_t *n, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	if (*n + 1 < cap)
		out[(*n)++] = '"';
	for (; *s && *n + 6 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[(*n)++] = '\\';
			out[(*n)++] = (char)c;
		} else if (c == '\n') {
			out[(*n)++] = '\\';
			out[(*n)++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			out[(*n)++] = '\\';
			out[(*n)++] = 'x';
			out[(*n)++] = hex[c >> 4];
			out[(*n)++] = hex[c & 15];
		} else {
			out[(*n)++] = (char)c;
		}
	}
	if (*n + 1 < cap)
		out[(*n)++] = '"';
}

void log_write(enum log_level lv, const char *msg, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	if (lv < log_min)
		return;
	char line[4096];
	size_t n = 0;
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n += strftime(line, sizeof line, "ts=%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n, ".%03ldZ level=%s",
			      ts.tv_nsec / 1000000, names[lv]);
	if (log_req[0])
		n += (size_t)snprintf(line + n, sizeof line - n, " req=%s",
				      log_req);
	n += (size_t)snprintf(line + n, sizeof line - n, " msg=");
	put_escaped(line, &n, sizeof line, msg);
	va_list ap;
	va_start(ap, msg);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		if (!k)
			break;
		const char *v = va_arg(ap, const char *);
		if (n + strlen(k) + 4 >= sizeof line)
			break;
		line[n++] = ' ';
		memcpy(line + n, k, strlen(k));
		n += strlen(k);
		line[n++] = '=';
		put_escaped(line, &n, sizeof line, v ? v : "");
	}
	va_end(ap);
	if (n >= sizeof line - 1)
		n = sizeof line - 2;
	line[n++] = '\n';
	ssize_t w = write(log_fd, line, n);
	(void)w;
}
