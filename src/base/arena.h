/*
 * arena.h -- region allocator with cleanup handlers (nginx's pool, h2o's
 * req->pool, PostgreSQL's memory contexts).
 *
 * Everything a request (or a CLI run, or a job) allocates comes from one
 * arena and is released at once by arena_free(); resources that are not
 * memory (a database result, a file) register a cleanup handler, which
 * arena_free() runs in reverse order of registration.  Nothing allocated
 * from an arena is freed by hand.
 *
 * Limit: an arena refuses to grow past the `max_bytes` given at creation
 * (0 = 64 MiB); allocation then returns NULL, which callers turn into
 * ERR_LIMIT or ERR_NOMEM.  Not thread-safe: one arena, one thread.
 */
#ifndef MADOGUCHI_BASE_ARENA_H
#define MADOGUCHI_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(size_t max_bytes);
void arena_free(struct arena *a);

/* arena_alloc -- n bytes aligned for any type, zeroed; NULL past the limit. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* arena_cleanup_add -- run fn(data) when the arena is freed.  Returns 0,
 * or ERR_NOMEM (fn is then run at once, so nothing leaks). */
int arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data);

/* arena_used -- bytes handed out so far (for limits and metrics). */
size_t arena_used(const struct arena *a);

#endif
