/*
 * link.c -- a resident's SMS number and LINE user id (notify_contacts)
 * and the one-time codes that verify them (notify_link_codes), and the
 * LINE webhook events seen (notify_line_events).  See notify.h.
 *
 * Invariants: a code is kept only as its SHA-256 (hex); it is used at
 * most once, expires NOTIFY_LINK_TTL seconds after it was made, and a new
 * code for the same account and channel ends the older ones; an SMS code
 * allows NOTIFY_LINK_TRIES wrong guesses, then it is spent.  A contact
 * exists only verified.  A LINE user id is linked to one account of a
 * municipality at a time (linking it again moves it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/util.h"
#include "store/store.h"
#include "svc/notify/notify.h"

static const char code_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";   /* no 0/O, 1/I */

static int own_begin(struct store *s, int *own, struct err *e)
{
	*own = !store_in_tx(s);
	return *own ? store_begin(s, e) : 0;
}

static int own_end(struct store *s, int own, int rc, struct err *e)
{
	if (!own)
		return rc;
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	int c = store_commit(s, e);
	return c ? c : rc;
}

static void code_hash(char out[65], const char *tenant, const char *code)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)tenant, strlen(tenant));
	crypto_hash_sha256_update(&st, (const unsigned char *)":", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)code, strlen(code));
	crypto_hash_sha256_final(&st, h);
	hex_encode(out, h, sizeof h);
}

int notify_link_code_valid(enum notify_channel ch, const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (ch == NOTIFY_SMS) {
		if (n != NOTIFY_SMS_CODE_LEN)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (code[i] < '0' || code[i] > '9')
				return 0;
		return 1;
	}
	if (n != NOTIFY_LINE_CODE_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr(code_alphabet, code[i]) || !code[i])
			return 0;
	return 1;
}

int notify_link_code_new(char *code, struct store *s, const char *tenant, int64_t account,
			 enum notify_channel ch, const char *target, int64_t now, struct err *e)
{
	code[0] = 0;
	if (account <= 0 || (ch != NOTIFY_SMS && ch != NOTIFY_LINE))
		return err_set(e, ERR_INVALID, "notify: account or channel");
	if (ch == NOTIFY_SMS && !notify_phone_valid(target))
		return err_set(e, ERR_INVALID, "notify: the number is not E.164");
	int len = ch == NOTIFY_SMS ? NOTIFY_SMS_CODE_LEN : NOTIFY_LINE_CODE_LEN;
	for (int i = 0; i < len; i++)
		code[i] = ch == NOTIFY_SMS ? (char)('0' + randombytes_uniform(10))
					   : code_alphabet[randombytes_uniform(sizeof code_alphabet - 1)];
	code[len] = 0;
	char h[65];
	code_hash(h, tenant, code);
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	/* older codes of the account and channel end here */
	struct store_val o[] = { sv_int(now), sv_text(tenant), sv_int(account),
				 sv_text(notify_channel_name(ch)) };
	rc = store_exec(s, "UPDATE notify_link_codes SET used_at = $1 WHERE tenant = $2 AND account = $3"
			" AND channel = $4 AND used_at IS NULL", o, SV_N(o), e);
	if (rc >= 0) {
		struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)),
					 sv_text(h), target ? sv_text(target) : sv_null(),
					 sv_int(now + NOTIFY_LINK_TTL), sv_int(now) };
		rc = store_exec(s, "INSERT INTO notify_link_codes (tenant, account, channel, code_hash, target,"
				" attempts, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
				v, SV_N(v), e);
	}
	rc = own_end(s, own, rc < 0 ? rc : 0, e);
	if (rc)
		code[0] = 0;
	return rc;
}

static int contact_set(struct store *s, const char *tenant, int64_t account, enum notify_channel ch,
		       const char *address, int64_t now, struct err *e)
{
	struct store_val d[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)),
				 sv_text(address) };
	/* this account's old one, and the same LINE id at another account (a
	 * LINE user links one account; a phone number may be a family's, so
	 * verifying it at one account leaves it at another) */
	int rc = store_exec(s, "DELETE FROM notify_contacts WHERE tenant = $1 AND channel = $3"
			    " AND (account = $2 OR (channel = 'line' AND address = $4))", d, SV_N(d), e);
	if (rc < 0)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)),
				 sv_text(address), sv_int(now) };
	rc = store_exec(s, "INSERT INTO notify_contacts (tenant, account, channel, address, verified_at)"
			" VALUES ($1, $2, $3, $4, $5)", v, SV_N(v), e);
	return rc < 0 ? rc : 0;
}

int notify_link_codes_recent(struct store *s, const char *tenant, int64_t account,
			     enum notify_channel ch, int64_t since, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)),
				 sv_int(since) };
	int64_t n = 0;
	int rc = store_query_int(&n, s, "SELECT COUNT(*) FROM notify_link_codes WHERE tenant = $1"
				 " AND account = $2 AND channel = $3 AND created_at >= $4", v, SV_N(v), e);
	return rc ? rc : (int)n;
}

int notify_line_link(int64_t *account, struct store *s, const char *tenant, const char *code,
		     const char *user_id, int64_t now, struct err *e)
{
	*account = 0;
	if (!notify_link_code_valid(NOTIFY_LINE, code) || !notify_line_id_valid(user_id))
		return err_set(e, ERR_NOTFOUND, "notify: no such code");
	char h[65];
	code_hash(h, tenant, code);
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(h), sv_int(now) };
	struct store_rows *r;
	int64_t id = 0, acct = 0;
	rc = store_query(&r, s, "SELECT id, account FROM notify_link_codes WHERE tenant = $1"
			 " AND channel = 'line' AND code_hash = $2 AND used_at IS NULL AND expires_at > $3",
			 v, SV_N(v), e);
	if (rc == 0) {
		rc = store_rows_next(r, e);
		if (rc == 1) {
			id = store_col_int(r, 0);
			acct = store_col_int(r, 1);
			rc = 0;
		} else if (rc == 0) {
			rc = err_set(e, ERR_NOTFOUND, "notify: no such code");
		}
		store_rows_free(r);
	}
	if (rc == 0) {
		struct store_val u[] = { sv_int(now), sv_int(id) };
		rc = store_exec(s, "UPDATE notify_link_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
				u, SV_N(u), e);
		rc = rc == 1 ? 0 : rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "notify: no such code");
	}
	if (rc == 0)
		rc = contact_set(s, tenant, acct, NOTIFY_LINE, user_id, now, e);
	rc = own_end(s, own, rc, e);
	if (rc == 0)
		*account = acct;
	return rc;
}

int notify_sms_verify_code(struct store *s, const char *tenant, int64_t account, const char *code,
			   int64_t now, struct err *e)
{
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_int(now) };
	struct store_rows *r;
	int64_t id = 0;
	char hash[65] = "", target[NOTIFY_PHONE_MAX + 1] = "";
	int attempts = 0;
	rc = store_query(&r, s, "SELECT id, code_hash, target, attempts FROM notify_link_codes"
			 " WHERE tenant = $1 AND account = $2 AND channel = 'sms' AND used_at IS NULL"
			 " AND expires_at > $3 ORDER BY id DESC LIMIT 1", v, SV_N(v), e);
	if (rc == 0) {
		rc = store_rows_next(r, e);
		if (rc == 1) {
			id = store_col_int(r, 0);
			snprintf(hash, sizeof hash, "%s", store_col_text(r, 1));
			snprintf(target, sizeof target, "%s", store_col_text(r, 2));
			attempts = (int)store_col_int(r, 3);
			rc = 0;
		} else if (rc == 0) {
			rc = err_set(e, ERR_NOTFOUND, "notify: no code waits");
		}
		store_rows_free(r);
	}
	/* the guess counted first, atomically: the row is locked (PostgreSQL)
	 * or the database written by one at a time (SQLite), so guesses at
	 * the same moment cannot all read the same count and get past the
	 * limit; attempts is then this guess's number */
	if (rc == 0) {
		struct store_val g[] = { sv_int(id), sv_int(NOTIFY_LINK_TRIES) };
		rc = store_exec(s, "UPDATE notify_link_codes SET attempts = attempts + 1 WHERE id = $1"
				" AND used_at IS NULL AND attempts < $2", g, SV_N(g), e);
		if (rc == 0)
			rc = err_set(e, ERR_DENIED, "notify: the code is spent");
		else if (rc > 0) {
			int64_t n = 0;
			struct store_val q[] = { sv_int(id) };
			rc = store_query_int(&n, s, "SELECT attempts FROM notify_link_codes WHERE id = $1", q,
					     SV_N(q), e);
			attempts = (int)n - 1;
		}
	}
	if (rc == 0) {
		char h[65] = "";
		if (notify_link_code_valid(NOTIFY_SMS, code))
			code_hash(h, tenant, code);
		if (!h[0] || sodium_memcmp(h, hash, 64) != 0) {
			/* a wrong guess (counted above); the last one spends the code */
			struct store_val u[] = { sv_int(attempts + 1 >= NOTIFY_LINK_TRIES ? now : 0), sv_int(id) };
			rc = store_exec(s, "UPDATE notify_link_codes"
					" SET used_at = CASE WHEN $1 > 0 THEN $1 ELSE NULL END WHERE id = $2",
					u, SV_N(u), e);
			/* the count must stay even though the answer is "wrong" */
			if (rc >= 0 && own) {
				rc = store_commit(s, e);
				return rc ? rc : err_set(e, ERR_DENIED, "notify: the code is wrong");
			}
			rc = rc < 0 ? rc : err_set(e, ERR_DENIED, "notify: the code is wrong");
		} else {
			struct store_val u[] = { sv_int(now), sv_int(id) };
			rc = store_exec(s, "UPDATE notify_link_codes SET used_at = $1 WHERE id = $2"
					" AND used_at IS NULL", u, SV_N(u), e);
			if (rc == 0)
				rc = err_set(e, ERR_DENIED, "notify: the code is spent");
			if (rc > 0)
				rc = contact_set(s, tenant, account, NOTIFY_SMS, target, now, e);
		}
	}
	return own_end(s, own, rc, e);
}

int notify_contact_get(char *address, size_t cap, struct store *s, const char *tenant,
		       int64_t account, enum notify_channel ch, struct err *e)
{
	address[0] = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)) };
	char *t = NULL;
	int rc = store_query_text(&t, s, "SELECT address FROM notify_contacts WHERE tenant = $1"
				  " AND account = $2 AND channel = $3", v, SV_N(v), e);
	if (rc == 0 && t)
		snprintf(address, cap, "%s", t);
	free(t);
	return rc == ERR_NOTFOUND ? 0 : rc;   /* none: "" */
}

int notify_contact_remove(struct store *s, const char *tenant, int64_t account,
			  enum notify_channel ch, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(notify_channel_name(ch)) };
	return store_exec(s, "DELETE FROM notify_contacts WHERE tenant = $1 AND account = $2"
			  " AND channel = $3", v, SV_N(v), e);
}

int notify_line_unfollow(struct store *s, const char *tenant, const char *user_id, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(user_id) };
	return store_exec(s, "DELETE FROM notify_contacts WHERE tenant = $1 AND channel = 'line'"
			  " AND address = $2", v, SV_N(v), e);
}

int notify_line_event_seen(struct store *s, const char *tenant, const char *event_id, int64_t now,
			   struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(event_id), sv_int(now) };
	int rc = store_exec(s, "INSERT INTO notify_line_events (tenant, event_id, received_at)"
			    " VALUES ($1, $2, $3) ON CONFLICT (tenant, event_id) DO NOTHING",
			    v, SV_N(v), e);
	if (rc < 0)
		return rc;
	return rc == 0 ? 1 : 0;   /* 1: seen before */
}
