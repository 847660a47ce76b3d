/*
 * buf.h -- a growable byte buffer with a hard size limit (curl's dynbuf).
 *
 * The content is always NUL-terminated.  Every buffer has a `max` (bytes of
 * content, not counting the NUL); an append that would pass it fails with
 * ERR_LIMIT and leaves the content as it was.  An allocation failure gives
 * ERR_NOMEM.  buf_done() releases the memory; a buffer may be reused after
 * buf_reset().
 */
#ifndef MADOGUCHI_BASE_BUF_H
#define MADOGUCHI_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* NUL-terminated content, or NULL while empty */
	size_t len;   /* bytes of content                            */
	size_t cap;   /* bytes allocated                             */
	size_t max;   /* limit on len                                */
};

void buf_init(struct buf *b, size_t max);
void buf_done(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* buf_cstr -- the content, "" when empty (never NULL). */
const char *buf_cstr(const struct buf *b);
/* buf_steal -- hand the malloc'd content to the caller (who frees it);
 * the buffer is left empty.  Never NULL on success (NULL on ERR_NOMEM). */
char *buf_steal(struct buf *b);

#endif
