/*
 * arena.c -- region allocator: a list of chunks, bump allocation inside the
 * newest chunk, large requests in chunks of their own.  See arena.h.
 */
#include "base/arena.h"
#include "base/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192
#define ARENA_ALIGN 16
#define ARENA_DEFAULT_MAX (64u << 20)

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *data;
};

struct arena {
	struct chunk *chunks;
	struct cleanup *cleanups;
	size_t total, max;
};

struct arena *arena_new(size_t max_bytes)
{
	struct arena *a = calloc(1, sizeof *a);
	if (a)
		a->max = max_bytes ? max_bytes : ARENA_DEFAULT_MAX;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct cleanup *c = a->cleanups; c; c = c->next)
		c->fn(c->data);
	for (struct chunk *c = a->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need < n || need > a->max - a->total || a->total > a->max)
		return NULL;
	struct chunk *c = a->chunks;
	if (!c || c->size - c->used < need) {
		size_t size = need > ARENA_CHUNK / 2 ? need : ARENA_CHUNK;
		struct chunk *nc = malloc(sizeof *nc + size);
		if (!nc)
			return NULL;
		nc->size = size;
		nc->used = 0;
		if (size == need && c) {
			/* a big block: keep the current chunk on top for small ones */
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->chunks = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

int arena_cleanup_add(struct arena *a, void (*fn)(void *), void *data)
{
	/* the node lives in the arena itself, so it goes with the chunks */
	struct cleanup *c = arena_alloc(a, sizeof *c);
	if (!c) {
		fn(data);
		return ERR_NOMEM;
	}
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
