/*
 * group.c -- groups (団体登録) for facility reservations: a resident
 * registers a group with its members, staff approve or reject it; a
 * person (the same kana and birth day) in two groups is shown to staff,
 * for that is the main way lotteries are gamed (booking.h "Groups").
 *
 * Members are personal data: the functions that return them are read by
 * pages that audit the read (web/).  The kana is kept folded (NFKC,
 * hiragana to katakana) and without spaces, so 「デモ　タロウ」,
 * 「でもたろう」 and 「ﾃﾞﾓﾀﾛｳ」 are one person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jp/text.h"
#include "store/store.h"
#include "svc/booking/booking_int.h"

static const char *const kind_codes[] = { NULL, "sazanka", "ward", "outside" };
static const char *const state_codes[] = { NULL, "pending", "approved", "rejected" };

const char *booking_group_kind_code(enum booking_group_kind k)
{
	return k >= BOOKING_GROUP_SAZANKA && k <= BOOKING_GROUP_OUTSIDE ? kind_codes[k] : "";
}

int booking_group_kind_parse(const char *s)
{
	for (int i = 1; s && i <= BOOKING_GROUP_OUTSIDE; i++)
		if (!strcmp(s, kind_codes[i]))
			return i;
	return 0;
}

int booking_who_of(enum booking_group_kind k)
{
	/* a さざんかーど group is also a group of the ward (2次 takes both) */
	return k == BOOKING_GROUP_SAZANKA ? BOOKING_WHO_SAZANKA | BOOKING_WHO_WARD
	     : k == BOOKING_GROUP_WARD ? BOOKING_WHO_WARD : BOOKING_WHO_OUTSIDE;
}

static int state_parse(const char *s)
{
	for (int i = 1; s && i <= BOOKING_GROUP_REJECTED; i++)
		if (!strcmp(s, state_codes[i]))
			return i;
	return 0;
}

/* the kana of a member as kept: folded (jp_text_fold: NFKC, hiragana to
 * katakana), without spaces; -1 unless it is katakana (and the long-vowel
 * mark) only */
static int kana_key(char out[BOOKING_NAME_MAX + 1], const char *in)
{
	char *norm = NULL;
	if (!booking_text_ok(in, 1, BOOKING_NAME_MAX, 0) || jp_text_fold(&norm, in, strlen(in), NULL))
		return -1;
	size_t nn = strlen(norm);
	size_t o = 0;
	int rc = 0;
	for (size_t i = 0; i < nn && rc == 0;) {
		unsigned char c = (unsigned char)norm[i];
		if (c == ' ') {
			i++;
			continue;
		}
		/* katakana U+30A1..U+30FC: E3 82 A1..E3 83 BC */
		if (c == 0xE3 && i + 2 < nn) {
			unsigned cp = ((unsigned)(c & 0x0F) << 12) | ((unsigned)(norm[i + 1] & 0x3F) << 6) |
				      (unsigned)(norm[i + 2] & 0x3F);
			if (cp == 0x3000) {
				i += 3;
				continue;
			}
			if (cp >= 0x30A1 && cp <= 0x30FC && o + 3 <= BOOKING_NAME_MAX) {
				memcpy(out + o, norm + i, 3);
				o += 3;
				i += 3;
				continue;
			}
		}
		rc = -1;
	}
	free(norm);
	out[o] = 0;
	return rc == 0 && o > 0 ? 0 : -1;
}

int booking_group_add(int64_t *id, struct store *s, const char *tenant, const struct booking_group *g,
		      int64_t now, struct err *e)
{
	*id = 0;
	if (!booking_text_ok(g->name, 1, BOOKING_NAME_MAX, 0))
		return err_set(e, ERR_INVALID, "group: name");
	if (!booking_group_kind_code(g->kind)[0])
		return err_set(e, ERR_INVALID, "group: kind");
	if (g->leader <= 0)
		return err_set(e, ERR_INVALID, "group: leader");
	if (g->nmembers < 1 || g->nmembers > BOOKING_MEMBERS_MAX)
		return err_set(e, ERR_INVALID, "group: 1 to %d members", BOOKING_MEMBERS_MAX);
	struct jp_date today = jp_jst_date(now);
	char (*keys)[BOOKING_NAME_MAX + 1] = calloc((size_t)g->nmembers, sizeof *keys);
	if (!keys)
		return err_set(e, ERR_NOMEM, "group");
	int rc = 0;
	for (int i = 0; rc == 0 && i < g->nmembers; i++) {
		const struct booking_member *m = &g->members[i];
		if (!booking_text_ok(m->name, 1, BOOKING_NAME_MAX, 0))
			rc = err_set(e, ERR_INVALID, "group: member %d's name", i + 1);
		else if (kana_key(keys[i], m->kana))
			rc = err_set(e, ERR_INVALID, "group: member %d's kana (katakana)", i + 1);
		else if (!jp_date_valid(m->birth) || jp_date_cmp(m->birth, today) >= 0 || m->birth.y < 1900)
			rc = err_set(e, ERR_INVALID, "group: member %d's birth day", i + 1);
		for (int j = 0; rc == 0 && j < i; j++)
			if (!strcmp(keys[j], keys[i]) && !jp_date_cmp(g->members[j].birth, m->birth))
				rc = err_set(e, ERR_INVALID, "group: member %d twice", i + 1);
	}
	int own = 0;
	if (rc == 0)
		rc = booking_tx_begin(s, &own, e);
	if (rc == 0) {
		struct store_val v[] = { sv_text(tenant), sv_text(g->name), sv_text(booking_group_kind_code(g->kind)),
					 sv_int(g->leader), sv_int(now) };
		rc = store_exec(s, "INSERT INTO booking_groups (tenant, name, kind, state, leader, created_at)"
				   " VALUES ($1, $2, $3, 'pending', $4, $5)", v, SV_N(v), e);
		struct store_val k[] = { sv_text(tenant), sv_int(g->leader), sv_int(now) };
		if (rc >= 0)
			rc = store_query_int(id, s, "SELECT max(id) FROM booking_groups WHERE tenant = $1 AND leader = $2"
						   " AND created_at = $3", k, 3, e);
		for (int i = 0; rc == 0 && i < g->nmembers; i++) {
			const struct booking_member *m = &g->members[i];
			struct store_val w[] = { sv_text(tenant), sv_int(*id), sv_int(i + 1), sv_text(m->name),
						 sv_text(keys[i]), sv_int(jp_date_to_days(m->birth)) };
			rc = store_exec(s, "INSERT INTO booking_members (tenant, grp, seq, name, kana, birth)"
					   " VALUES ($1, $2, $3, $4, $5, $6)", w, SV_N(w), e);
			rc = rc < 0 ? rc : 0;
		}
		rc = booking_tx_end(s, own, rc, e);
	}
	free(keys);
	if (rc)
		*id = 0;
	return rc;
}

static void group_read(struct booking_group *g, struct store_rows *r)
{
	memset(g, 0, sizeof *g);
	g->id = store_col_int(r, 0);
	snprintf(g->name, sizeof g->name, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
	g->kind = (enum booking_group_kind)booking_group_kind_parse(store_col_text(r, 2));
	g->state = (enum booking_group_state)state_parse(store_col_text(r, 3));
	g->leader = store_col_int(r, 4);
	g->created_at = store_col_int(r, 5);
}

static int members_read(struct booking_group *g, struct store *s, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_int(g->id) };
	int rc = store_query(&r, s, "SELECT name, kana, birth FROM booking_members WHERE grp = $1 ORDER BY seq",
			     p, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1 && g->nmembers < BOOKING_MEMBERS_MAX) {
		struct booking_member *m = &g->members[g->nmembers++];
		snprintf(m->name, sizeof m->name, "%s", store_col_text(r, 0) ? store_col_text(r, 0) : "");
		snprintf(m->kana, sizeof m->kana, "%s", store_col_text(r, 1) ? store_col_text(r, 1) : "");
		m->birth = jp_date_from_days((long)store_col_int(r, 2));
	}
	store_rows_free(r);
	return rc < 0 ? rc : 0;
}

#define GROUP_COLS "id, name, kind, state, leader, created_at"

int booking_group_get(struct booking_group *out, struct store *s, const char *tenant, int64_t id,
		      struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant), sv_int(id) };
	int rc = store_query(&r, s, "SELECT " GROUP_COLS " FROM booking_groups WHERE tenant = $1 AND id = $2", p, 2, e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1)
		group_read(out, r);
	store_rows_free(r);
	if (rc != 1)
		return rc < 0 ? rc : err_set(e, ERR_NOTFOUND, "group: none");
	return members_read(out, s, e);
}

int booking_group_decide(struct store *s, const char *tenant, int64_t id, int approve, int64_t staff,
			 int64_t now, struct err *e)
{
	struct store_val p[] = { sv_text(tenant), sv_int(id), sv_text(approve ? "approved" : "rejected"),
				 sv_int(now), sv_int(staff) };
	int rc = store_exec(s, "UPDATE booking_groups SET state = $3, decided_at = $4, decided_by = $5"
			       " WHERE tenant = $1 AND id = $2", p, SV_N(p), e);
	return rc < 0 ? rc : rc == 0 ? err_set(e, ERR_NOTFOUND, "group: none") : 0;
}

int booking_groups_each(struct store *s, const char *tenant, int64_t leader, int state,
			int (*fn)(void *arg, const struct booking_group *g), void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	const char *st = state >= 1 && state <= BOOKING_GROUP_REJECTED ? state_codes[state] : "";
	struct store_val p[] = { sv_text(tenant), sv_int(leader), sv_text(st) };
	int rc = store_query(&r, s, "SELECT " GROUP_COLS " FROM booking_groups WHERE tenant = $1"
				    " AND ($2 = 0 OR leader = $2) AND ($3 = '' OR state = $3) ORDER BY id",
			     p, 3, e);
	if (rc)
		return rc;
	/* read all first (the members are read with the rows closed) */
	int cap = 64, n = 0;
	struct booking_group *gs = malloc((size_t)cap * sizeof *gs);
	while (gs && (rc = store_rows_next(r, e)) == 1) {
		if (n == cap) {
			if (cap >= 4096) {
				rc = err_set(e, ERR_LIMIT, "groups: too many to list");
				break;
			}
			struct booking_group *more = realloc(gs, (size_t)cap * 2 * sizeof *gs);
			if (!more) {
				rc = ERR_NOMEM;
				break;
			}
			gs = more;
			cap *= 2;
		}
		group_read(&gs[n++], r);
	}
	store_rows_free(r);
	if (!gs)
		return err_set(e, ERR_NOMEM, "groups");
	rc = rc < 0 ? rc : 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		rc = members_read(&gs[i], s, e);
		if (rc == 0)
			rc = fn(arg, &gs[i]);
	}
	free(gs);
	return rc;
}

int booking_members_shared(struct store *s, const char *tenant,
			   int (*fn)(void *arg, const char *kana, struct jp_date birth, int64_t group,
				     const char *group_name),
			   void *arg, struct err *e)
{
	struct store_rows *r = NULL;
	struct store_val p[] = { sv_text(tenant) };
	int rc = store_query(&r, s, "SELECT m.kana, m.birth, g.id, g.name FROM booking_members m"
				    " JOIN booking_groups g ON g.id = m.grp"
				    " WHERE m.tenant = $1 AND g.state <> 'rejected' AND (m.kana, m.birth) IN"
				    " (SELECT m2.kana, m2.birth FROM booking_members m2 JOIN booking_groups g2"
				    " ON g2.id = m2.grp WHERE m2.tenant = $1 AND g2.state <> 'rejected'"
				    " GROUP BY m2.kana, m2.birth HAVING count(DISTINCT m2.grp) > 1)"
				    " ORDER BY m.kana, m.birth, g.id",
			     p, 1, e);
	if (rc)
		return rc;
	while ((rc = store_rows_next(r, e)) == 1) {
		int frc = fn(arg, store_col_text(r, 0), jp_date_from_days((long)store_col_int(r, 1)),
			     store_col_int(r, 2), store_col_text(r, 3));
		if (frc) {
			rc = frc;
			break;
		}
	}
	store_rows_free(r);
	return rc < 0 ? rc : rc == 1 ? 0 : rc;
}
