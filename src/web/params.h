/*
 * params.h -- the shared parameter validators of route declarations
 * (struct http_param_spec.validate), for the shell's routes and every
 * service's.  Each takes the raw value and its length and returns 0 or
 * ERR_INVALID; none allocates.  A service writes its own validator only
 * for a shape no one else has (and says so beside it).
 */
#ifndef MADOGUCHI_WEB_PARAMS_H
#define MADOGUCHI_WEB_PARAMS_H

#include <stddef.h>

#include "http/http.h"

/* 1 to 18 ASCII digits (an id, a page number, a flag "1") */
int app_v_digits(const char *v, size_t n);
/* exactly "0" or "1" */
int app_v_01(const char *v, size_t n);
/* YYYY-MM-DD (digits in place; the calendar is the handler's) */
int app_v_date(const char *v, size_t n);
/* 64 lower-case hex digits (a SHA-256) */
int app_v_sha256(const char *v, size_t n);
/* a code: 1 to 64 of [a-z0-9_-] */
int app_v_code(const char *v, size_t n);
/* a code that starts with a letter: [a-z][a-z0-9_-]{0,63} */
int app_v_code_alpha(const char *v, size_t n);
/* an e-mail address as a login: 3 to AUTH_EMAIL_MAX bytes with an @ */
int app_v_email(const char *v, size_t n);
/* a local path only (http_local_path_ok): nothing another origin */
int app_v_local_path(const char *v, size_t n);
/* "ja", "en" or "ja-easy" */
int app_v_lang(const char *v, size_t n);

/* { "id", HTTP_PATH, 18, app_v_digits, required } */
extern const struct http_param_spec app_p_id[];

#endif
