/*
 * dept.h -- the public header of the departments service (src/svc/dept):
 * the departments (課) of a municipality as data, and the rule that an
 * application must reach someone.
 *
 * A department is a row per (tenant, code): code (what a procedure names
 * in its "department" field, [a-z0-9-], at most DEPT_CODE_MAX bytes),
 * names in Japanese and English, contact (phone, e-mail, place), an
 * optional parent department.  Which roles own its inbox is not stored
 * here: a role owns it when it holds the permission dept.<code> ('-'
 * written '_'), the permission the inbox itself reads (src/svc/apply);
 * dept_owner_set adds or removes it, so there is one truth.
 *
 * A department is *routed* when at least one active member of staff can
 * read its applications: applications.read and dept.<code> or dept.all
 * (auth_dept_readers).  dept_check_routed is the rule publishing calls
 * (src/svc/procedures: procedures_publish), so the CLI and the editor
 * refuse the same way.
 *
 * Errors: ERR_INVALID (a field breaks a limit or a code is malformed),
 * ERR_NOTFOUND, ERR_DENIED (dept_check_routed: nobody can read it).
 */
#ifndef MADOGUCHI_SVC_DEPT_H
#define MADOGUCHI_SVC_DEPT_H

#include <stdint.h>

#include "base/err.h"

struct store;
struct store_module_schema;

#define DEPT_CODE_MAX 48        /* = APPLY_DEPT_MAX                     */
#define DEPT_NAME_MAX 200       /* bytes, each name                     */
#define DEPT_PHONE_MAX 32
#define DEPT_EMAIL_MAX 254
#define DEPT_PLACE_MAX 200
#define DEPT_LIST_MAX 500       /* departments a tenant lists at most   */
#define DEPT_ROLES_MAX 32       /* owner roles shown per department     */

/* the catalog id of the refusal to publish (ja, en, ja-easy; one %s: the
 * department's code and name), for pages that call procedures_publish */
#define DEPT_MSG_UNROUTED "dept.error.unrouted"

struct dept {
	char code[DEPT_CODE_MAX + 1];
	char name_ja[DEPT_NAME_MAX + 1];
	char name_en[DEPT_NAME_MAX + 1];
	char phone[DEPT_PHONE_MAX + 1];
	char email[DEPT_EMAIL_MAX + 1];
	char place[DEPT_PLACE_MAX + 1];
	char parent[DEPT_CODE_MAX + 1];   /* "" : none                      */
};

extern const struct store_module_schema dept_schema;

/* dept_code_ok -- 0 when code is 1..DEPT_CODE_MAX of [a-z0-9-] */
int dept_code_ok(const char *code);
/* dept_perm -- "dept.<code>" with '-' written '_' into out (at least
 * DEPT_CODE_MAX + 6 bytes); ERR_INVALID for a bad code */
int dept_perm(char *out, size_t cap, const char *code);
/* dept_check -- ERR_INVALID with the field's name in e->detail when d
 * breaks a rule (code, names: name_ja required, limits, e-mail shape,
 * parent not itself) */
int dept_check(const struct dept *d, struct err *e);
/* dept_put -- insert or update d for tenant (after dept_check; a parent
 * must exist in the tenant: ERR_INVALID).  *created = 1 for a new row. */
int dept_put(int *created, struct store *s, const char *tenant, const struct dept *d,
	     int64_t now, struct err *e);
/* dept_get -- ERR_NOTFOUND when tenant has no such department */
int dept_get(struct dept *out, struct store *s, const char *tenant, const char *code,
	     struct err *e);
/* dept_list -- fn for each department of tenant, by code (at most
 * DEPT_LIST_MAX); the number listed or < 0 */
int dept_list(struct store *s, const char *tenant,
	      void (*fn)(const struct dept *d, void *arg), void *arg, struct err *e);

/* dept_readers -- *staff = active staff who can read code's applications,
 * *roles = roles holding dept.<code> (NULL: not asked) */
int dept_readers(int64_t *staff, int64_t *roles, struct store *s, const char *tenant,
		 const char *code, struct err *e);
/* dept_check_routed -- 0 when someone can read code's applications;
 * ERR_DENIED (detail names the code) when nobody can; ERR_NOTFOUND when
 * tenant is no municipality */
int dept_check_routed(struct store *s, const char *tenant, const char *code, struct err *e);

/* dept_owner_roles -- the roles of tenant holding dept.<code>, their
 * names into names (max of them, AUTH_ROLE_MAX + 1 bytes each via
 * the caller's buffer of DEPT_ROLE_NAME bytes); the number, or < 0 */
#define DEPT_ROLE_NAME 65
int dept_owner_roles(char (*names)[DEPT_ROLE_NAME], int max, struct store *s,
		     const char *tenant, const char *code, struct err *e);
/* dept_owner_set -- give (on = 1) or take (0) role the permission
 * dept.<code>; ERR_NOTFOUND for an unknown role.  *changed = 1 when
 * something changed (the caller audits). */
int dept_owner_set(int *changed, struct store *s, const char *tenant, const char *code,
		   const char *role, int on, struct err *e);

#endif
