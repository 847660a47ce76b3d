/*
 * disaster_int.h -- what the disaster service's domain files share and
 * nothing else includes: the text rule every stored text passes.
 */
#ifndef MADOGUCHI_SVC_DISASTER_INT_H
#define MADOGUCHI_SVC_DISASTER_INT_H

#include <stddef.h>

/* disaster_text_ok -- well-formed UTF-8, at most max bytes, no control
 * characters (C0, DEL) */
int disaster_text_ok(const char *s, size_t max);

#endif
