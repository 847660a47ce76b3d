/*
 * registry.h -- the demo ward's resident registry (住民基本台帳, a small
 * fictional subset): persons grouped in households, the link between a
 * resident's online account and their person, and the JSON record the
 * once-only prefill reads (src/core/forms/prefill.c).
 *
 * Invariants:
 * - A stored person passed registry_person_add's checks: names non-empty,
 *   フリガナ in full-width katakana, ISO dates that exist, sex "male" or
 *   "female", a 7-digit postal code as "166-8570", a prefecture, city and
 *   street, street and building normalised by jp_address_normalize, a
 *   個人番号 of 12 digits with a valid check digit (or none).  So the JSON
 *   record equals what forms_validate makes of the same answers
 *   (name_jp, date, address_jp, my_number normalised forms).
 * - The 個人番号 is kept in its own table (registry_my_numbers) that only
 *   registry_person_json reads: listings (registry_list) never carry it,
 *   and no error detail ever contains it, a name, an address or a date.
 * - A resident account is linked to at most one person, a person to at
 *   most one account.
 * - No HTTP, no logging, no exit (a domain module: base, jp, store,
 *   jansson).
 *
 * Limits: names 50 characters, フリガナ 100, city / street / building
 * 200, relationship 16 characters, person and household codes 1-32 of
 * [A-Za-z0-9-]; a household has at most REGISTRY_HOUSEHOLD_MAX members
 * (more are not returned).
 */
#ifndef MADOGUCHI_REGISTRY_REGISTRY_H
#define MADOGUCHI_REGISTRY_REGISTRY_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

#define REGISTRY_CODE_MAX 32
#define REGISTRY_HOUSEHOLD_MAX 30

extern const struct store_module_schema registry_schema;

/* One person as stored.  Strings are borrowed (input) or valid during a
 * listing callback (output). */
struct registry_person {
	int64_t id;                    /* output only                       */
	const char *code;              /* person code (住民票コード-like)    */
	const char *household;         /* household code                    */
	int seq;                       /* order in the household, 1 = head  */
	const char *relationship;      /* to the head: 世帯主, 妻, 夫, 子 ... */
	const char *family, *given;    /* kanji (given may be NULL)         */
	const char *family_kana, *given_kana;
	const char *birth_date;        /* YYYY-MM-DD                        */
	const char *sex;               /* "male" / "female"                 */
	const char *postal_code, *pref, *city, *street, *building;
	const char *moved_in;          /* YYYY-MM-DD, or NULL               */
	const char *my_number;         /* input only; NULL: none            */
	int64_t resident_id;           /* output: the linked account, 0 none */
};

/*
 * registry_person_add -- check and store a person of tenant.  ERR_INVALID
 * (the detail names the bad part, never its value) when a check of the
 * header fails; ERR_CONFLICT when the code exists; ERR_NOTFOUND for an
 * unknown tenant.  Runs in the caller's transaction if one is open.
 */
int registry_person_add(int64_t *id, struct store *s, const char *tenant,
			const struct registry_person *p, struct err *e);

/* registry_list -- the tenant's persons by household and seq, without
 * their 個人番号; calls fn per person; returns the count. */
int registry_list(struct store *s, const char *tenant,
		  void (*fn)(const struct registry_person *p, void *arg),
		  void *arg, struct err *e);

/*
 * registry_link -- link a resident account of tenant to the person with
 * this code (replacing the account's previous link).  ERR_NOTFOUND for an
 * unknown person or account; ERR_CONFLICT when the person is linked to
 * another account.  registry_unlink removes an account's link (0 also
 * when there was none).
 */
int registry_link(struct store *s, const char *tenant, int64_t resident_id,
		  const char *person_code, int64_t now, struct err *e);
int registry_unlink(struct store *s, const char *tenant, int64_t resident_id,
		    struct err *e);

/*
 * registry_person_json -- the registry record of the person linked to the
 * resident account, in the shape the definitions' prefill paths read:
 *   {"name": {"family", "given", "family_kana", "given_kana"},   (name_jp)
 *    "birth_date": "YYYY-MM-DD", "sex": "male"|"female",
 *    "address": {"postal_code", "pref", "city", "street", "building"},
 *    "moved_in": "YYYY-MM-DD", "relationship": "世帯主",
 *    "my_number": "12 digits",
 *    "household": [{"name": {...}, "relationship", "birth_date", "sex",
 *                   "self": true|false}, ...]}      (head first)
 * Keys without a value are left out (no "given" for a person without a
 * given name, no "building", no "my_number").  *out is a new reference
 * (caller json_decref's it, and should wipe nothing: jansson owns it).
 * ERR_NOTFOUND when the account has no linked record.
 */
int registry_person_json(json_t **out, struct store *s, const char *tenant,
			 int64_t resident_id, struct err *e);

/* registry_person_json_by_code -- the same record for a person code (the
 * counter, 書かない窓口; the CLI).  ERR_NOTFOUND when absent. */
int registry_person_json_by_code(json_t **out, struct store *s,
				 const char *tenant, const char *code,
				 struct err *e);

/* ---- linking by a one-time code (linkcode.c) ----
 *
 * Staff issue a code for a person (handed over at the counter, shown
 * once, or sent by letter to the registered address: a letter record is
 * queued); the resident types it on their My page and their account is
 * linked to that person.  Only the code's SHA-256 is stored; a code
 * expires (REGISTRY_CODE_TTL), is used once, and issuing a new one for a
 * person withdraws the person's unused ones.  A resident has at most
 * REGISTRY_CODE_TRIES wrong or refused tries per REGISTRY_CODE_WINDOW
 * seconds (ERR_LIMIT after, without looking at the code).
 */
#define REGISTRY_CODE_LEN 14            /* "ABCD-EFGH-JKLM": 12 of 32 symbols */
#define REGISTRY_CODE_TTL (14 * 86400)   /* seconds                        */
#define REGISTRY_CODE_TRIES 5
#define REGISTRY_CODE_WINDOW 3600
enum registry_delivery { REGISTRY_AT_COUNTER = 0, REGISTRY_BY_LETTER = 1 };
/* registry_code_issue -- a new code for the person with person_code,
 * written to code (REGISTRY_CODE_LEN + 1 bytes); issued_by is the staff
 * account.  By letter, a letter record is queued (registry_letter_*).
 * ERR_NOTFOUND for an unknown person. */
int registry_code_issue(char code[REGISTRY_CODE_LEN + 1], struct store *s, const char *tenant,
			const char *person_code, enum registry_delivery how,
			int64_t issued_by, int64_t now, struct err *e);
/* registry_letter_printed -- the person's queued letters are printed:
 * their notice was made (the PDF answered the issuing request, which
 * alone knew the code).  Returns how many rows changed. */
int registry_letter_printed(struct store *s, const char *tenant, const char *person_code,
			    struct err *e);
/* registry_code_redeem -- link resident_id to the person of code.
 * ERR_LIMIT: too many tries now; ERR_NOTFOUND: no such code (a try);
 * ERR_DENIED: expired or used (a try); ERR_CONFLICT: the person is linked
 * to another account.  *person_code (REGISTRY_CODE_MAX + 1, may be NULL)
 * gets the linked person's code, for the audit record. */
int registry_code_redeem(char *person_code, struct store *s, const char *tenant,
			 int64_t resident_id, const char *code, int64_t now, struct err *e);
/* registry_find -- persons whose name or フリガナ contains text (kana
 * folded), at most max, without their 個人番号; returns the count. */
int registry_find(struct store *s, const char *tenant, const char *text, int max,
		  void (*fn)(const struct registry_person *p, void *arg), void *arg,
		  struct err *e);
/*
 * registry_demo_seed -- the fictional households of デモ区 (see
 * src/core/registry/README.md): adds the persons that are missing, so running
 * it twice changes nothing.  *added (if not NULL) counts the new persons.
 */
int registry_demo_seed(int *added, struct store *s, const char *tenant,
		       struct err *e);

#endif
