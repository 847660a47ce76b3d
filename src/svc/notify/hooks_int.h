/*
 * hooks_int.h -- what hooks.c and hooks_send.c share inside the
 * notification service: the sealed secret and the outcome of an attempt.
 */
#ifndef MADOGUCHI_SVC_NOTIFY_HOOKS_INT_H
#define MADOGUCHI_SVC_NOTIFY_HOOKS_INT_H

#include "svc/notify/notify.h"

/* hooks_unseal -- the secret text ("whsec_...") sealed in box (base64 of
 * nonce, MAC and ciphertext) under key; ERR_INVALID when it does not
 * open (another deployment's key, a damaged row) */
int hooks_unseal(char out[NOTIFY_HOOK_SECRET_TEXT], const unsigned char key[NOTIFY_HOOK_KEY_LEN],
		 const char *box, struct err *e);

/* hooks_post -- one attempt: POST body to url with the three Standard
 * Webhooks headers; *status gets the HTTP status (0: none), error a short
 * English reason when there was no 2xx ("" otherwise).  Returns 1 for a
 * 2xx, else 0. */
int hooks_post(int *status, char *error, size_t cap, const char *url, const char *msg_id,
	       int64_t timestamp, const char *signature, const char *body, int flags);

#endif
