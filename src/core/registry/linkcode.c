/*
 * linkcode.c -- linking a resident's account to their registry person by a
 * one-time code that staff issue (at the counter, or by letter to the
 * registered address), and the staff's search of persons.
 *
 * Invariants: the code is 12 symbols of a 32-letter alphabet without 0/O
 * and 1/I (60 bits), written ABCD-EFGH-JKLM; only its SHA-256 is stored,
 * so a database read does not give usable codes; a code is used at most
 * once (the UPDATE that marks it used is conditional on used_at IS NULL,
 * in the transaction that links); it expires REGISTRY_CODE_TTL after
 * issue; a new code for a person withdraws the person's unused ones (they
 * expire now); every refused try (unknown, expired, used) is counted per
 * account and the REGISTRY_CODE_TRIES-th in REGISTRY_CODE_WINDOW seconds
 * refuses further tries before the code is even looked at.  No error
 * detail contains the code, a name or an address.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "jp/text.h"
#include "core/registry/registry.h"

static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static void hash_hex(char out[65], const char *code12)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)code12, 12);
	for (size_t i = 0; i < sizeof h; i++)
		sprintf(out + 2 * i, "%02x", h[i]);
	out[64] = 0;
}

/* the 12 symbols of a typed code (spaces, hyphens and case ignored;
 * full-width letters and digits folded); 0 when it is not a code */
static int normalise(char out[13], const char *typed)
{
	char *n = NULL;
	if (!typed || strlen(typed) > 64 || jp_text_nfkc(&n, typed, strlen(typed), NULL))
		return 0;
	int k = 0, ok = 1;
	for (const char *p = n; *p && ok; p++) {
		char c = (char)toupper((unsigned char)*p);
		if (c == '-' || c == ' ')
			continue;
		if (k == 12 || !strchr(alphabet, c) || !c)
			ok = 0;
		else
			out[k++] = c;
	}
	free(n);
	out[k] = 0;
	return ok && k == 12;
}

int registry_code_issue(char code[REGISTRY_CODE_LEN + 1], struct store *s, const char *tenant,
			const char *person_code, enum registry_delivery how,
			int64_t issued_by, int64_t now, struct err *e)
{
	char raw[13];
	unsigned char rnd[12];
	if (random_bytes(rnd, sizeof rnd))
		return err_set(e, ERR_INTERNAL, "link code: no randomness");
	for (int i = 0; i < 12; i++)
		raw[i] = alphabet[rnd[i] & 31];
	raw[12] = 0;
	sodium_memzero(rnd, sizeof rnd);
	char hx[65];
	hash_hex(hx, raw);
	int own = !store_in_tx(s);
	int rc;
	if (own && (rc = store_begin(s, e)))
		return rc;
	int64_t pid = 0;
	struct store_val k[] = { sv_text(tenant), sv_text(person_code) };
	rc = store_query_int(&pid, s, "SELECT id FROM registry_persons WHERE tenant = $1"
			     " AND code = $2", k, 2, e);
	if (rc == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "link code: no such person");
	if (rc)
		goto fail;
	/* the person's unused codes end now */
	struct store_val w[] = { sv_int(now), sv_text(tenant), sv_int(pid) };
	if ((rc = store_exec(s, "UPDATE registry_link_codes SET expires_at = $1 WHERE tenant = $2"
			     " AND person_id = $3 AND used_at IS NULL AND expires_at > $1", w, 3, e)) < 0)
		goto fail;
	struct store_val ins[] = { sv_text(tenant), sv_int(pid), sv_text(hx),
				   sv_text(how == REGISTRY_BY_LETTER ? "letter" : "counter"),
				   sv_int(issued_by), sv_int(now), sv_int(now + REGISTRY_CODE_TTL) };
	if ((rc = store_exec(s, "INSERT INTO registry_link_codes (tenant, person_id, code_hash,"
			     " delivery, issued_by, created_at, expires_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7)", ins, 7, e)) < 0)
		goto fail;
	if (how == REGISTRY_BY_LETTER) {
		int64_t cid = 0;
		struct store_val hv[] = { sv_text(hx) };
		if ((rc = store_query_int(&cid, s, "SELECT id FROM registry_link_codes"
					  " WHERE code_hash = $1", hv, 1, e)))
			goto fail;
		struct store_val lv[] = { sv_text(tenant), sv_int(cid), sv_int(pid), sv_int(now) };
		if ((rc = store_exec(s, "INSERT INTO registry_link_letters (tenant, code_id, person_id,"
				     " created_at) VALUES ($1, $2, $3, $4)", lv, 4, e)) < 0)
			goto fail;
	}
	if (own && (rc = store_commit(s, e)))
		return rc;
	snprintf(code, REGISTRY_CODE_LEN + 1, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	sodium_memzero(raw, sizeof raw);
	return 0;
fail:
	if (own)
		store_rollback(s);
	sodium_memzero(raw, sizeof raw);
	return rc;
}

int registry_letter_printed(struct store *s, const char *tenant, const char *person_code,
			    struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(person_code) };
	return store_exec(s, "UPDATE registry_link_letters SET state = 'printed' WHERE tenant = $1"
			  " AND state = 'queued' AND person_id = (SELECT id FROM registry_persons"
			  " WHERE tenant = $1 AND code = $2)", v, 2, e);
}

/* a refused try, in its own transaction so that it survives the caller's
 * rollback */
static void count_try(struct store *s, const char *tenant, int64_t resident_id, int64_t now)
{
	struct store_val v[] = { sv_text(tenant), sv_int(resident_id), sv_int(now) };
	store_exec(s, "INSERT INTO registry_link_attempts (tenant, resident_id, at)"
		   " VALUES ($1, $2, $3)", v, 3, NULL);
}

int registry_code_redeem(char *person_code, struct store *s, const char *tenant,
			 int64_t resident_id, const char *typed, int64_t now, struct err *e)
{
	int64_t tries = 0;
	struct store_val tv[] = { sv_text(tenant), sv_int(resident_id), sv_int(now - REGISTRY_CODE_WINDOW) };
	int rc = store_query_int(&tries, s, "SELECT count(*) FROM registry_link_attempts"
				 " WHERE tenant = $1 AND resident_id = $2 AND at > $3", tv, 3, e);
	if (rc)
		return rc;
	if (tries >= REGISTRY_CODE_TRIES)
		return err_set(e, ERR_LIMIT, "link code: too many tries");
	char raw[13], hx[65];
	if (!normalise(raw, typed)) {
		count_try(s, tenant, resident_id, now);
		return err_set(e, ERR_NOTFOUND, "link code: not a code");
	}
	hash_hex(hx, raw);
	sodium_memzero(raw, sizeof raw);
	if ((rc = store_begin(s, e)))
		return rc;
	struct store_rows *r;
	struct store_val hv[] = { sv_text(tenant), sv_text(hx) };
	if ((rc = store_query(&r, s, "SELECT c.id, c.expires_at, CASE WHEN c.used_at IS NULL THEN 0 ELSE 1 END, p.code"
			      " FROM registry_link_codes c JOIN registry_persons p ON p.id = c.person_id"
			      " WHERE c.tenant = $1 AND c.code_hash = $2", hv, 2, e)))
		goto fail;
	int64_t cid = 0, exp = 0, used = 0;
	char pcode[REGISTRY_CODE_MAX + 1] = "";
	if ((rc = store_rows_next(r, e)) == 1) {
		cid = store_col_int(r, 0);
		exp = store_col_int(r, 1);
		used = store_col_int(r, 2);
		snprintf(pcode, sizeof pcode, "%s", store_col_text(r, 3));
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	if (rc == 0 || used || exp <= now) {
		store_rollback(s);
		count_try(s, tenant, resident_id, now);
		return rc == 0 ? err_set(e, ERR_NOTFOUND, "link code: unknown")
			       : err_set(e, ERR_DENIED, "link code: expired or used");
	}
	struct store_val uv[] = { sv_int(now), sv_int(resident_id), sv_int(cid) };
	if ((rc = store_exec(s, "UPDATE registry_link_codes SET used_at = $1, used_by = $2"
			     " WHERE id = $3 AND used_at IS NULL", uv, 3, e)) < 0)
		goto fail;
	if (rc == 0) {          /* used meanwhile by another request */
		store_rollback(s);
		count_try(s, tenant, resident_id, now);
		return err_set(e, ERR_DENIED, "link code: expired or used");
	}
	if ((rc = registry_link(s, tenant, resident_id, pcode, now, e)))
		goto fail;
	if ((rc = store_commit(s, e)))
		return rc;
	if (person_code)
		snprintf(person_code, REGISTRY_CODE_MAX + 1, "%s", pcode);
	return 0;
fail:
	store_rollback(s);
	return rc;
}

/* ---- the staff's search ---- */

struct find_ctx {
	const char *text;       /* folded */
	int max, n;
	void (*fn)(const struct registry_person *p, void *arg);
	void *arg;
};

static int contains_folded(const char *hay, const char *needle)
{
	if (!hay)
		return 0;
	char *f = NULL;
	if (jp_text_fold(&f, hay, strlen(hay), NULL))
		return 0;
	int hit = strstr(f, needle) != NULL;
	free(f);
	return hit;
}

static void find_cb(const struct registry_person *p, void *arg)
{
	struct find_ctx *c = arg;
	if (c->n >= c->max)
		return;
	char full[512], kana[512];
	snprintf(full, sizeof full, "%s%s", p->family, p->given ? p->given : "");
	snprintf(kana, sizeof kana, "%s%s", p->family_kana, p->given_kana ? p->given_kana : "");
	if (contains_folded(full, c->text) || contains_folded(kana, c->text) ||
	    contains_folded(p->code, c->text)) {
		c->n++;
		c->fn(p, c->arg);
	}
}

int registry_find(struct store *s, const char *tenant, const char *text, int max,
		  void (*fn)(const struct registry_person *p, void *arg), void *arg,
		  struct err *e)
{
	if (!text || !*text || strlen(text) > 100)
		return err_set(e, ERR_INVALID, "find: text must be 1..100 bytes");
	char *f = NULL, *nospace;
	int rc = jp_text_fold(&f, text, strlen(text), e);
	if (rc)
		return rc;
	nospace = f;    /* 日之出 太郎 = 日之出太郎 */
	char *w = f;
	for (char *p = f; *p; p++)
		if (*p != ' ')
			*w++ = *p;
	*w = 0;
	struct find_ctx c = { nospace, max > 0 ? max : 20, 0, fn, arg };
	rc = registry_list(s, tenant, find_cb, &c, e);
	free(f);
	return rc < 0 ? rc : c.n;
}
