/*
 * subscribe.c -- residents' subscriptions to topics, the one-click
 * unsubscribe token, quiet hours, and the fan-out of one template to a
 * topic's subscribers (issue 20, "Notifications" item 7).  See notify.h.
 *
 * Invariants: one row per (tenant, account, topic, channel); the token is
 * 32 random bytes as 64 lower-case hex digits, unique, never reused (a new
 * subscription gets a new one); address is a valid address
 * (mail_addr_valid) at the time of subscribing.  The fan-out is one
 * INSERT ... SELECT per language (mail_enqueue_bulk), all in one
 * transaction: every subscriber is queued, or none.
 */
#include "svc/notify/notify.h"
#include "core/mail/mail.h"
#include "base/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int notify_topic_valid(const char *t)
{
	if (!t || strlen(t) > NOTIFY_TOPIC_MAX || !notify_slug_valid(t))
		return 0;
	if (strcmp(t, "news") == 0 || strcmp(t, "waste.reminder") == 0 || strcmp(t, "apply.state") == 0)
		return 1;
	/* news.<category>, disaster.<area>: one word after the dot */
	const char *rest = strncmp(t, "news.", 5) == 0 ? t + 5
			   : strncmp(t, "disaster.", 9) == 0 ? t + 9 : NULL;
	return rest && *rest && !strchr(rest, '.');
}

int notify_token_valid(const char *t)
{
	if (!t || strlen(t) != NOTIFY_TOKEN_HEX)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int64_t notify_quiet_until(int64_t now)
{
	const int64_t jst = 9 * 3600, day = 86400;
	int64_t local = now + jst;
	int64_t sod = ((local % day) + day) % day;   /* seconds since 00:00 JST */
	int64_t midnight = local - sod - jst;         /* 00:00 JST as UTC seconds */
	if (sod >= NOTIFY_QUIET_FROM * 3600)
		return midnight + day + NOTIFY_QUIET_TO * 3600;
	if (sod < NOTIFY_QUIET_TO * 3600)
		return midnight + NOTIFY_QUIET_TO * 3600;
	return 0;
}

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

int notify_subscribe(struct store *s, const struct notify_sub_in *in, int64_t now, struct err *e)
{
	if (!notify_topic_valid(in->topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (!mail_addr_valid(in->address))
		return err_set(e, ERR_INVALID, "notify: address invalid");
	const char *lang = in->lang ? in->lang : "ja";
	if (notify_lang_parse(lang) < 0)
		return err_set(e, ERR_INVALID, "notify: language invalid");
	if (in->account <= 0)
		return err_set(e, ERR_INVALID, "notify: account invalid");
	char token[NOTIFY_TOKEN_HEX + 1];
	if (random_token(token, NOTIFY_TOKEN_HEX / 2))
		return err_set(e, ERR_IO, "notify: no random bytes");
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	/* already subscribed: the address and language follow the account's */
	struct store_val u[] = { sv_text(in->address), sv_text(lang), sv_text(in->tenant),
				 sv_int(in->account), sv_text(in->topic) };
	rc = store_exec(s, "UPDATE notify_subscriptions SET address = $1, lang = $2"
			" WHERE tenant = $3 AND account = $4 AND topic = $5 AND channel = 'email'",
			u, SV_N(u), e);
	if (rc == 0) {
		struct store_val v[] = { sv_text(in->tenant), sv_int(in->account), sv_text(in->topic),
					 sv_text(in->address), sv_text(lang), sv_text(token), sv_int(now) };
		rc = store_exec(s, "INSERT INTO notify_subscriptions (tenant, account, topic, channel,"
				" address, lang, token, created_at)"
				" VALUES ($1, $2, $3, 'email', $4, $5, $6, $7)", v, SV_N(v), e);
		rc = rc < 0 ? rc : 1;
	} else if (rc > 0) {
		rc = 0;
	}
	return own_end(s, own, rc, e);
}

int notify_unsubscribe(struct store *s, const char *tenant, int64_t account, const char *topic,
		       struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic) };
	return store_exec(s, "DELETE FROM notify_subscriptions WHERE tenant = $1 AND account = $2"
			  " AND topic = $3", v, SV_N(v), e);
}

int notify_subscriptions(struct store *s, const char *tenant, int64_t account,
			 int (*fn)(const struct notify_sub *sub, void *arg), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, topic, channel, address, lang, created_at"
			     " FROM notify_subscriptions WHERE tenant = $1 AND account = $2"
			     " ORDER BY topic LIMIT 100", v, SV_N(v), e);
	if (rc)
		return rc;
	int n = 0;
	while ((rc = store_rows_next(r, e)) == 1) {
		struct notify_sub sub = {
			.id = store_col_int(r, 0), .tenant = tenant, .account = account,
			.topic = store_col_text(r, 1), .channel = store_col_text(r, 2),
			.address = store_col_text(r, 3), .lang = store_col_text(r, 4),
			.created_at = store_col_int(r, 5),
		};
		n++;
		if (fn && fn(&sub, arg))
			break;
	}
	store_rows_free(r);
	return rc < 0 ? rc : n;
}

int notify_token_find(struct notify_sub *out, char topic[NOTIFY_TOPIC_MAX + 1], struct store *s,
		      const char *tenant, const char *token, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!notify_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	struct store_val v[] = { sv_text(tenant), sv_text(token) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, account, topic FROM notify_subscriptions"
			     " WHERE tenant = $1 AND token = $2", v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		out->id = store_col_int(r, 0);
		out->account = store_col_int(r, 1);
		snprintf(topic, NOTIFY_TOPIC_MAX + 1, "%s", store_col_text(r, 2));
		out->topic = topic;
		out->tenant = tenant;
		rc = 0;
	} else if (rc == 0) {
		rc = err_set(e, ERR_NOTFOUND, "notify: no such token");
	}
	store_rows_free(r);
	return rc;
}

int notify_unsubscribe_token(struct store *s, const char *tenant, const char *token, struct err *e)
{
	if (!notify_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	struct store_val v[] = { sv_text(tenant), sv_text(token) };
	int rc = store_exec(s, "DELETE FROM notify_subscriptions WHERE tenant = $1 AND token = $2",
			    v, SV_N(v), e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	return rc < 0 ? rc : 0;
}

int notify_topic_count(struct store *s, const char *tenant, const char *topic, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(topic) };
	int64_t n = 0;
	int rc = store_query_int(&n, s, "SELECT COUNT(*) FROM notify_subscriptions"
				 " WHERE tenant = $1 AND topic = $2", v, SV_N(v), e);
	return rc ? rc : (int)n;
}

/* ---- fan-out ---- */

int notify_fanout(int64_t *queued, struct store *s, const char *tenant, const struct notify_fanout *f,
		  int64_t now, struct err *e)
{
	*queued = 0;
	if (!notify_topic_valid(f->topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (f->n < 0 || f->n >= NOTIFY_VALUES_MAX)
		return err_set(e, ERR_LIMIT, "notify: too many values");
	char base[MAIL_LINK_MAX + 1];
	if (!f->link_base || snprintf(base, sizeof base, "%s/unsubscribe/", f->link_base) >= (int)sizeof base)
		return err_set(e, ERR_INVALID, "notify: link base invalid");
	/* the link goes where the template says ((unsubscribe_url)): rendered
	 * with a random marker, the body is cut there into head and tail */
	char marker[41] = "U";
	if (random_token(marker + 1, 16))
		return err_set(e, ERR_IO, "notify: no random bytes");
	struct notify_value vals[NOTIFY_VALUES_MAX];
	for (int i = 0; i < f->n; i++)
		vals[i] = f->vals[i];
	vals[f->n] = (struct notify_value){ "unsubscribe_url", marker };
	int64_t not_before = f->priority >= MAIL_PRIORITY_EMERGENCY ? 0 : notify_quiet_until(now);
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	int own, rc = own_begin(s, &own, e);
	for (int l = 0; rc == 0 && l < NOTIFY_NLANG; l++) {
		struct notify_message m;
		const char *code = notify_lang_code((enum notify_lang)l);
		rc = notify_render(&m, a, s, tenant, f->template_id, code, vals, f->n + 1, e);
		if (rc == 0 && m.channel != NOTIFY_EMAIL)
			rc = err_set(e, ERR_INVALID, "notify: %s is not an e-mail template", f->template_id);
		char *cut = rc == 0 ? strstr(m.body, marker) : NULL;
		if (rc == 0 && (!cut || strstr(cut + 1, marker) || strstr(m.subject, marker)))
			rc = err_set(e, ERR_INVALID, "notify: %s must place ((unsubscribe_url)) once, in the body",
				     f->template_id);
		if (rc)
			break;
		*cut = '\0';
		struct store_val p[] = { sv_text(tenant), sv_text(f->topic), sv_text(code) };
		int64_t n = 0;
		rc = mail_enqueue_bulk(&n, s, &(struct mail_bulk){
			.tenant = tenant, .subject = m.subject, .body_head = m.body,
			.body_tail = cut + strlen(marker), .link_base = base,
			.priority = f->priority, .not_before = not_before,
			.select_sql = "SELECT address AS recipient, token FROM notify_subscriptions"
				      " WHERE tenant = $1 AND topic = $2 AND lang = $3 AND channel = 'email'",
			.params = p, .nparams = SV_N(p) }, now, e);
		*queued += n;
	}
	arena_free(a);
	rc = own_end(s, own, rc, e);
	if (rc)
		*queued = 0;
	return rc;
}

/* ---- one resident's choice, for senders of their own messages ---- */

int notify_subscription_lang(char lang[8], struct store *s, const char *tenant, int64_t account,
			     const char *topic, struct err *e)
{
	snprintf(lang, 8, "ja");
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT lang FROM notify_subscriptions"
			     " WHERE tenant = $1 AND account = $2 AND topic = $3 AND channel = 'email'",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1 && notify_lang_parse(store_col_text(r, 0)) >= 0)
		snprintf(lang, 8, "%s", store_col_text(r, 0));
	store_rows_free(r);
	return rc;
}
