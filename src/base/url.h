/*
 * url.h -- the check of a provider's base URL given by the operator
 * (--sms-url, --line-url, --pay-card-url, the notify channel page): one
 * rule for every caller, so that what one option accepts another does not
 * refuse.
 */
#ifndef MADOGUCHI_BASE_URL_H
#define MADOGUCHI_BASE_URL_H

#include <stddef.h>

/* url_base_ok -- 0 when v is an http:// or https:// URL with a host, of
 * printable ASCII (no space, control or non-ASCII byte), without quotes,
 * '<', '>', '\\', a query ('?') or a fragment ('#'), and at most max bytes
 * long (a base URL: the caller appends paths to it); ERR_INVALID
 * otherwise, and for NULL. */
int url_base_ok(const char *v, size_t max);

/* url_trim_slashes -- drop the trailing '/' characters of s in place (a
 * base URL kept without them, so that paths are joined with one '/'). */
void url_trim_slashes(char *s);

#endif
