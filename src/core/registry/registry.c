/*
 * registry.c -- the resident registry subset: schema, checks on the way
 * in, listing, account links, and the JSON record the prefill reads.
 *
 * Invariants: every stored value is already in the form forms_validate
 * normalises answers to (so a prefilled answer validates unchanged and a
 * read-only answer can be compared byte for byte at submit); the 個人番号
 * lives in registry_my_numbers and is read by the JSON record only; no
 * error detail quotes a stored or given value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth/auth.h"
#include "core/tenant/tenant.h"
#include "base/util.h"
#include "jp/address.h"
#include "jp/checkdigit.h"
#include "jp/date.h"
#include "jp/text.h"
#include "core/registry/registry.h"

static const struct store_migration registry_migrations[] = {
	{ 1, "registry persons, my numbers and account links",
	  "CREATE TABLE registry_persons ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " household TEXT NOT NULL,"
	  " seq INTEGER NOT NULL,"
	  " relationship TEXT NOT NULL,"
	  " family TEXT NOT NULL,"
	  " given TEXT,"
	  " family_kana TEXT NOT NULL,"
	  " given_kana TEXT,"
	  " birth_date TEXT NOT NULL,"
	  " sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),"
	  " postal_code TEXT NOT NULL,"
	  " pref TEXT NOT NULL,"
	  " city TEXT NOT NULL,"
	  " street TEXT NOT NULL,"
	  " building TEXT,"
	  " moved_in TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, code));"
	  "CREATE INDEX registry_persons_household ON registry_persons (tenant, household, seq);"
	  "CREATE TABLE registry_my_numbers ("
	  " person_id BIGINT PRIMARY KEY REFERENCES registry_persons(id),"
	  " my_number TEXT NOT NULL);"
	  "CREATE TABLE registry_links ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " resident_id BIGINT NOT NULL REFERENCES residents(id),"
	  " person_id BIGINT NOT NULL REFERENCES registry_persons(id),"
	  " linked_at BIGINT NOT NULL,"
	  " UNIQUE (resident_id),"
	  " UNIQUE (person_id))" },
	{ 2, "one-time codes that link an account to a person (linkcode.c)",
	  "CREATE TABLE registry_link_codes ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " person_id BIGINT NOT NULL REFERENCES registry_persons(id),"
	  " code_hash TEXT NOT NULL UNIQUE,"      /* SHA-256 of the code, hex */
	  " delivery TEXT NOT NULL CHECK (delivery IN ('counter', 'letter')),"
	  " issued_by BIGINT NOT NULL,"           /* the staff account        */
	  " created_at BIGINT NOT NULL,"
	  " expires_at BIGINT NOT NULL,"
	  " used_at BIGINT,"
	  " used_by BIGINT);"
	  "CREATE INDEX registry_link_codes_person ON registry_link_codes (tenant, person_id);"
	  "CREATE TABLE registry_link_attempts ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL,"
	  " resident_id BIGINT NOT NULL,"
	  " at BIGINT NOT NULL);"
	  "CREATE INDEX registry_link_attempts_who ON registry_link_attempts (tenant, resident_id, at);"
	  "CREATE TABLE registry_link_letters ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code_id BIGINT NOT NULL REFERENCES registry_link_codes(id),"
	  " person_id BIGINT NOT NULL REFERENCES registry_persons(id),"
	  " state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'printed')),"
	  " created_at BIGINT NOT NULL)" },
};

const struct store_module_schema registry_schema = {
	"registry", registry_migrations,
	(int)(sizeof registry_migrations / sizeof registry_migrations[0])
};

/* ---- checks ---- */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int text_ok(const char *s, size_t maxchars)
{
	if (!s || !*s || utf8_chars(s) > maxchars ||
	    jp_text_utf8_validate(NULL, s, strlen(s), NULL) != 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int kana_ok(const char *s)
{
	return text_ok(s, 100) && jp_text_is_katakana(NULL, s, strlen(s), NULL) == 0;
}

static int date_ok(const char *s)
{
	struct jp_date d;
	return s && jp_date_parse_iso(&d, s, NULL) == 0;
}

static int code_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > REGISTRY_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || c == '-'))
			return 0;
	}
	return 1;
}

/* normalised copy of an address line (malloc'd) or NULL */
static char *addr_norm(const char *s)
{
	char *o = NULL;
	if (jp_address_normalize(&o, s, strlen(s), NULL) != 0)
		return NULL;
	return o;
}

static int check_person(const struct registry_person *p, struct err *e)
{
	if (!code_ok(p->code))
		return err_set(e, ERR_INVALID, "person: code must be 1-%d of [A-Za-z0-9-]",
			       REGISTRY_CODE_MAX);
	if (!code_ok(p->household))
		return err_set(e, ERR_INVALID, "person: household must be 1-%d of [A-Za-z0-9-]",
			       REGISTRY_CODE_MAX);
	if (p->seq < 1 || p->seq > REGISTRY_HOUSEHOLD_MAX)
		return err_set(e, ERR_INVALID, "person: seq must be 1-%d", REGISTRY_HOUSEHOLD_MAX);
	if (!text_ok(p->relationship, 16))
		return err_set(e, ERR_INVALID, "person: bad relationship");
	if (!text_ok(p->family, 50) || (p->given && !text_ok(p->given, 50)))
		return err_set(e, ERR_INVALID, "person: bad name");
	if (!kana_ok(p->family_kana) || (p->given && !kana_ok(p->given_kana)) ||
	    (!p->given && p->given_kana))
		return err_set(e, ERR_INVALID, "person: furigana must be full-width katakana");
	if (!date_ok(p->birth_date))
		return err_set(e, ERR_INVALID, "person: bad birth date");
	if (p->moved_in && !date_ok(p->moved_in))
		return err_set(e, ERR_INVALID, "person: bad moved-in date");
	if (!p->sex || (strcmp(p->sex, "male") && strcmp(p->sex, "female")))
		return err_set(e, ERR_INVALID, "person: sex must be male or female");
	char pc[JP_POSTAL_SIZE];
	if (!p->postal_code || jp_postal_normalize(pc, sizeof pc, p->postal_code, NULL) != 0 ||
	    strcmp(pc, p->postal_code) != 0)
		return err_set(e, ERR_INVALID, "person: postal code must be written 123-4567");
	if (!text_ok(p->pref, 4) || !text_ok(p->city, 200) || !text_ok(p->street, 200) ||
	    (p->building && !text_ok(p->building, 200)))
		return err_set(e, ERR_INVALID, "person: bad address");
	if (p->my_number && jp_mynumber_validate(p->my_number, NULL) != 0)
		return err_set(e, ERR_INVALID, "person: my number is not 12 digits with a valid check digit");
	return 0;
}

int registry_person_add(int64_t *id, struct store *s, const char *tenant,
			const struct registry_person *p, struct err *e)
{
	if (id)
		*id = 0;
	int rc = check_person(p, e);
	if (rc)
		return rc;
	char *street = addr_norm(p->street);
	char *building = p->building ? addr_norm(p->building) : NULL;
	if (!street || (p->building && !building)) {
		free(street);
		free(building);
		return err_set(e, ERR_INVALID, "person: bad address");
	}
	int own = !store_in_tx(s);
	int64_t pid = 0;
	if (own && (rc = store_begin(s, e)))
		goto out;
	if ((rc = tenant_exists(s, tenant, e)) < 0)
		goto fail;
	if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "person: no tenant %.8s", tenant);
		goto fail;
	}
	struct store_val v[] = {
		sv_text(tenant), sv_text(p->code), sv_text(p->household), sv_int(p->seq),
		sv_text(p->relationship), sv_text(p->family), sv_text(p->given),
		sv_text(p->family_kana), sv_text(p->given_kana), sv_text(p->birth_date),
		sv_text(p->sex), sv_text(p->postal_code), sv_text(p->pref), sv_text(p->city),
		sv_text(street), sv_text(building), sv_text(p->moved_in),
		sv_int(now_ms() / 1000),
	};
	rc = store_exec(s, "INSERT INTO registry_persons (tenant, code, household, seq,"
			" relationship, family, given, family_kana, given_kana, birth_date, sex,"
			" postal_code, pref, city, street, building, moved_in, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
			" $15, $16, $17, $18)", v, SV_N(v), e);
	if (rc < 0) {
		if (rc == ERR_CONFLICT)
			err_set(e, ERR_CONFLICT, "person: code exists");
		goto fail;
	}
	struct store_val k[] = { sv_text(tenant), sv_text(p->code) };
	if ((rc = store_query_int(&pid, s, "SELECT id FROM registry_persons WHERE tenant = $1"
				  " AND code = $2", k, 2, e)))
		goto fail;
	if (p->my_number) {
		struct store_val m[] = { sv_int(pid), sv_text(p->my_number) };
		if ((rc = store_exec(s, "INSERT INTO registry_my_numbers (person_id, my_number)"
				     " VALUES ($1, $2)", m, 2, e)) < 0)
			goto fail;
	}
	if (own && (rc = store_commit(s, e)))
		goto out;
	if (id)
		*id = pid;
	rc = 0;
	goto out;
fail:
	if (own)
		store_rollback(s);
out:
	free(street);
	free(building);
	return rc;
}

/* ---- reading ---- */

#define PERSON_COLS \
	"p.id, p.code, p.household, p.seq, p.relationship, p.family, p.given," \
	" p.family_kana, p.given_kana, p.birth_date, p.sex, p.postal_code, p.pref," \
	" p.city, p.street, p.building, p.moved_in"

static const char *opt_col(const struct store_rows *r, int c)
{
	return store_col_isnull(r, c) ? NULL : store_col_text(r, c);
}

static void person_of_row(struct registry_person *p, const struct store_rows *r)
{
	memset(p, 0, sizeof *p);
	p->id = store_col_int(r, 0);
	p->code = store_col_text(r, 1);
	p->household = store_col_text(r, 2);
	p->seq = (int)store_col_int(r, 3);
	p->relationship = store_col_text(r, 4);
	p->family = store_col_text(r, 5);
	p->given = opt_col(r, 6);
	p->family_kana = store_col_text(r, 7);
	p->given_kana = opt_col(r, 8);
	p->birth_date = store_col_text(r, 9);
	p->sex = store_col_text(r, 10);
	p->postal_code = store_col_text(r, 11);
	p->pref = store_col_text(r, 12);
	p->city = store_col_text(r, 13);
	p->street = store_col_text(r, 14);
	p->building = opt_col(r, 15);
	p->moved_in = opt_col(r, 16);
}

int registry_list(struct store *s, const char *tenant,
		  void (*fn)(const struct registry_person *p, void *arg),
		  void *arg, struct err *e)
{
	struct store_rows *r;
	struct store_val t[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT " PERSON_COLS ", l.resident_id"
			     " FROM registry_persons p LEFT JOIN registry_links l"
			     " ON l.person_id = p.id"
			     " WHERE p.tenant = $1 ORDER BY p.household, p.seq, p.id", t, 1, e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct registry_person p;
		person_of_row(&p, r);
		p.resident_id = store_col_isnull(r, 17) ? 0 : store_col_int(r, 17);
		if (fn)
			fn(&p, arg);
		n++;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int registry_link(struct store *s, const char *tenant, int64_t resident_id,
		  const char *person_code, int64_t now, struct err *e)
{
	int64_t pid = 0, other = 0;
	int own = !store_in_tx(s);
	int rc;
	if (own && (rc = store_begin(s, e)))
		return rc;
	struct store_val k[] = { sv_text(tenant), sv_text(person_code) };
	rc = store_query_int(&pid, s, "SELECT id FROM registry_persons WHERE tenant = $1"
			     " AND code = $2", k, 2, e);
	if (rc == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "link: no such person");
	if (rc)
		goto fail;
	char email[AUTH_EMAIL_MAX + 1];
	int active;
	if ((rc = auth_resident_get(email, &active, s, tenant, resident_id, e)) == ERR_NOTFOUND)
		err_set(e, ERR_NOTFOUND, "link: no such resident account");
	explicit_bzero(email, sizeof email);
	if (rc)
		goto fail;
	struct store_val pv[] = { sv_int(pid) };
	rc = store_query_int(&other, s, "SELECT resident_id FROM registry_links"
			     " WHERE person_id = $1", pv, 1, e);
	if (rc == 0 && other != resident_id) {
		rc = err_set(e, ERR_CONFLICT, "link: the person is linked to another account");
		goto fail;
	}
	if (rc && rc != ERR_NOTFOUND)
		goto fail;
	struct store_val d[] = { sv_int(resident_id) };
	if ((rc = store_exec(s, "DELETE FROM registry_links WHERE resident_id = $1", d, 1, e)) < 0)
		goto fail;
	struct store_val ins[] = { sv_text(tenant), sv_int(resident_id), sv_int(pid), sv_int(now) };
	if ((rc = store_exec(s, "INSERT INTO registry_links (tenant, resident_id, person_id,"
			     " linked_at) VALUES ($1, $2, $3, $4)", ins, 4, e)) < 0)
		goto fail;
	if (own && (rc = store_commit(s, e)))
		return rc;
	return 0;
fail:
	if (own)
		store_rollback(s);
	return rc;
}

int registry_unlink(struct store *s, const char *tenant, int64_t resident_id,
		    struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(resident_id) };
	int rc = store_exec(s, "DELETE FROM registry_links WHERE tenant = $1 AND resident_id = $2",
			    v, 2, e);
	return rc < 0 ? rc : 0;
}

/* ---- the JSON record ---- */

static json_t *name_json(const struct registry_person *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "family", json_string(p->family));
	json_object_set_new(o, "family_kana", json_string(p->family_kana));
	if (p->given) {
		json_object_set_new(o, "given", json_string(p->given));
		json_object_set_new(o, "given_kana", json_string(p->given_kana));
	}
	return o;
}

static int record_of(json_t **out, struct store *s, const char *tenant,
		     const char *where, struct store_val key, struct err *e)
{
	*out = NULL;
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT " PERSON_COLS " FROM registry_persons p %s", where);
	struct store_val v[] = { sv_text(tenant), key };
	struct store_rows *r;
	int rc = store_query(&r, s, sql, v, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc <= 0) {
		store_rows_free(r);
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "registry: no linked record");
	}
	struct registry_person p;
	person_of_row(&p, r);
	int64_t pid = p.id;
	json_t *o = json_object();
	char *household = strdup(p.household);
	json_object_set_new(o, "name", name_json(&p));
	json_object_set_new(o, "birth_date", json_string(p.birth_date));
	json_object_set_new(o, "sex", json_string(p.sex));
	json_t *ad = json_object();
	json_object_set_new(ad, "postal_code", json_string(p.postal_code));
	json_object_set_new(ad, "pref", json_string(p.pref));
	json_object_set_new(ad, "city", json_string(p.city));
	json_object_set_new(ad, "street", json_string(p.street));
	if (p.building)
		json_object_set_new(ad, "building", json_string(p.building));
	json_object_set_new(o, "address", ad);
	if (p.moved_in)
		json_object_set_new(o, "moved_in", json_string(p.moved_in));
	json_object_set_new(o, "relationship", json_string(p.relationship));
	store_rows_free(r);
	if (!household) {
		json_decref(o);
		return err_set(e, ERR_NOMEM, "registry: out of memory");
	}
	/* the 個人番号, read here only */
	char *mn = NULL;
	struct store_val pv[] = { sv_int(pid) };
	rc = store_query_text(&mn, s, "SELECT my_number FROM registry_my_numbers"
			      " WHERE person_id = $1", pv, 1, e);
	if (rc == 0 && mn) {
		json_object_set_new(o, "my_number", json_string(mn));
		explicit_bzero(mn, strlen(mn));
	}
	free(mn);
	if (rc && rc != ERR_NOTFOUND)
		goto fail;
	/* the household, head first */
	struct store_val hv[] = { sv_text(tenant), sv_text(household) };
	if ((rc = store_query(&r, s, "SELECT " PERSON_COLS " FROM registry_persons p"
			      " WHERE p.tenant = $1 AND p.household = $2 ORDER BY p.seq, p.id",
			      hv, 2, e)))
		goto fail;
	json_t *hh = json_array();
	json_object_set_new(o, "household", hh);
	while ((rc = store_rows_next(r, e)) == 1) {
		if (json_array_size(hh) >= REGISTRY_HOUSEHOLD_MAX)
			continue;
		struct registry_person m;
		person_of_row(&m, r);
		json_t *mo = json_object();
		json_object_set_new(mo, "name", name_json(&m));
		json_object_set_new(mo, "relationship", json_string(m.relationship));
		json_object_set_new(mo, "birth_date", json_string(m.birth_date));
		json_object_set_new(mo, "sex", json_string(m.sex));
		json_object_set_new(mo, "self", json_boolean(m.id == pid));
		json_array_append_new(hh, mo);
	}
	store_rows_free(r);
	if (rc < 0)
		goto fail;
	/* the children of the household (relationship 子, not the person):
	 * what the child-rearing procedures prefill */
	json_t *ch = json_array();
	size_t i;
	json_t *mo;
	json_array_foreach(hh, i, mo) {
		const char *rel = json_string_value(json_object_get(mo, "relationship"));
		if (rel && strcmp(rel, "子") == 0 && !json_is_true(json_object_get(mo, "self")))
			json_array_append(ch, mo);
	}
	json_object_set_new(o, "children", ch);
	free(household);
	*out = o;
	return 0;
fail:
	free(household);
	json_decref(o);
	return rc;
}

int registry_person_json(json_t **out, struct store *s, const char *tenant,
			 int64_t resident_id, struct err *e)
{
	return record_of(out, s, tenant,
			 "JOIN registry_links l ON l.person_id = p.id"
			 " WHERE p.tenant = $1 AND l.resident_id = $2",
			 sv_int(resident_id), e);
}

int registry_person_json_by_code(json_t **out, struct store *s,
				 const char *tenant, const char *code,
				 struct err *e)
{
	return record_of(out, s, tenant, "WHERE p.tenant = $1 AND p.code = $2",
			 sv_text(code), e);
}
