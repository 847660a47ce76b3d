/*
 * util.h -- small things every module needs: clocks, random tokens, hex,
 * constant-time comparison, bounded integer parsing.
 */
#ifndef MADOGUCHI_BASE_UTIL_H
#define MADOGUCHI_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct err;

/* now_ms -- wall clock, milliseconds since the Unix epoch (UTC). */
int64_t now_ms(void);
/* mono_ms -- monotonic clock in milliseconds, for durations. */
int64_t mono_ms(void);
/* mono_us -- monotonic clock in microseconds. */
int64_t mono_us(void);

/* random_bytes -- fill p with n bytes from the kernel CSPRNG (getrandom).
 * Returns 0 or ERR_IO. */
int random_bytes(void *p, size_t n);

/* random_token -- `nbytes` random bytes as lowercase hex into out, which
 * must hold 2*nbytes+1 bytes.  Returns 0 or ERR_IO. */
int random_token(char *out, size_t nbytes);

/* hex_encode -- 2n+1 bytes are written to out (NUL-terminated). */
void hex_encode(char *out, const void *p, size_t n);
/* hex_decode -- decode exactly 2*n hex digits from s into out[n].
 * Returns 0 or ERR_INVALID. */
int hex_decode(void *out, size_t n, const char *s);

/* ct_equal -- compare n bytes in time independent of the content. */
int ct_equal(const void *a, const void *b, size_t n);

/* parse_i64 -- the whole of s as a decimal integer within [min, max].
 * No leading '+', spaces or trailing garbage.  0 or ERR_INVALID. */
int parse_i64(int64_t *out, const char *s, int64_t min, int64_t max);

/* keyfile_read_line -- the first line of a key file that is not blank or
 * a '#' comment, without its newline, into out[cap].  The file must not be
 * readable or writable by group or others (ERR_DENIED: chmod 600).
 * ERR_NOTFOUND, ERR_IO, ERR_INVALID (no key line, or longer than cap-1).
 * The line buffer is wiped. */
int keyfile_read_line(char *out, size_t cap, const char *path, struct err *e);

#endif
