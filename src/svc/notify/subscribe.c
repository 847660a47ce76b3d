/*
 * subscribe.c -- residents' subscriptions to topics, the one-click
 * unsubscribe token, quiet hours, and the fan-out of one template to a
 * topic's subscribers (issue 20, "Notifications" item 7).  See notify.h.
 *
 * Invariants: one row per (tenant, account, topic, channel), e-mail in
 * notify_subscriptions, SMS and LINE in notify_channel_subs; the token is
 * 32 random bytes as 64 lower-case hex digits, unique, never reused (a new
 * subscription gets a new one); an e-mail address is a valid address
 * (mail_addr_valid) at the time of subscribing; an SMS or LINE
 * subscription is made only while the account has that channel's verified
 * contact, which the fan-out joins when it queues.  The fan-out is one
 * INSERT ... SELECT per channel and language, all in one transaction:
 * every subscriber is queued, or none.
 */
#include "svc/notify/notify.h"
#include "core/mail/mail.h"
#include "base/util.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct notify_category notify_categories[] = {
	{ "kurashi", "notify.category.kurashi" },     /* くらし・手続き       */
	{ "kosodate", "notify.category.kosodate" },   /* 子育て・教育         */
	{ "fukushi", "notify.category.fukushi" },     /* 健康・福祉           */
	{ "bosai", "notify.category.bosai" },         /* 防災・安全           */
	{ "kankyo", "notify.category.kankyo" },       /* 環境・ごみ           */
	{ "bunka", "notify.category.bunka" },         /* 文化・スポーツ・イベント */
	{ "jigyosha", "notify.category.jigyosha" },   /* 事業者向け           */
};
const int notify_ncategories = (int)(sizeof notify_categories / sizeof notify_categories[0]);

const struct notify_category *notify_category_find(const char *code)
{
	for (int i = 0; code && i < notify_ncategories; i++)
		if (strcmp(code, notify_categories[i].code) == 0)
			return &notify_categories[i];
	return NULL;
}

int notify_topic_valid(const char *t)
{
	if (!t || strlen(t) > NOTIFY_TOPIC_MAX || !notify_slug_valid(t))
		return 0;
	if (strcmp(t, "news") == 0 || strcmp(t, "waste.reminder") == 0 || strcmp(t, "apply.state") == 0 ||
	    strcmp(t, "booking.result") == 0)
		return 1;
	/* news.<category>: one of notify_categories; disaster.<area>: one
	 * word after the dot (the municipality's list is notify_subscribe's
	 * and the pages' to check) */
	if (strncmp(t, "news.", 5) == 0)
		return notify_category_find(t + 5) != NULL;
	const char *rest = strncmp(t, "disaster.", 9) == 0 ? t + 9 : NULL;
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

static const char *channel_of(int ch)
{
	return notify_channel_name((enum notify_channel)ch);
}

/* an SMS or LINE subscription (the contact must be verified) */
static int subscribe_short(struct store *s, const struct notify_sub_in *in, const char *lang,
			   const char *token, int64_t now, struct err *e)
{
	struct store_val c[] = { sv_text(in->tenant), sv_int(in->account), sv_text(channel_of(in->channel)) };
	int64_t have = 0;
	int rc = store_query_int(&have, s, "SELECT COUNT(*) FROM notify_contacts WHERE tenant = $1"
				 " AND account = $2 AND channel = $3", c, SV_N(c), e);
	if (rc)
		return rc;
	if (!have)
		return err_set(e, ERR_DENIED, "notify: no verified %s contact", channel_of(in->channel));
	struct store_val u[] = { sv_text(lang), sv_text(in->tenant), sv_int(in->account),
				 sv_text(in->topic), sv_text(channel_of(in->channel)) };
	rc = store_exec(s, "UPDATE notify_channel_subs SET lang = $1 WHERE tenant = $2 AND account = $3"
			" AND topic = $4 AND channel = $5", u, SV_N(u), e);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	struct store_val v[] = { sv_text(in->tenant), sv_int(in->account), sv_text(in->topic),
				 sv_text(channel_of(in->channel)), sv_text(lang), sv_text(token), sv_int(now) };
	rc = store_exec(s, "INSERT INTO notify_channel_subs (tenant, account, topic, channel, lang, token,"
			" created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", v, SV_N(v), e);
	return rc < 0 ? rc : 1;
}

int notify_subscribe(struct store *s, const struct notify_sub_in *in, int64_t now, struct err *e)
{
	if (!notify_topic_valid(in->topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (in->channel != NOTIFY_EMAIL && in->channel != NOTIFY_SMS && in->channel != NOTIFY_LINE)
		return err_set(e, ERR_INVALID, "notify: channel invalid");
	if (in->channel == NOTIFY_EMAIL && !mail_addr_valid(in->address))
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
	/* an area's alerts: only an area the municipality has (area.c); the
	 * row is held to the commit, so notify_area_remove cannot take it
	 * away in between */
	if (strncmp(in->topic, "disaster.", 9) == 0) {
		struct store_val a[] = { sv_text(in->tenant), sv_text(in->topic + 9) };
		rc = store_exec(s, "UPDATE notify_areas SET pos = pos WHERE tenant = $1 AND code = $2", a, SV_N(a), e);
		if (rc == 0)
			rc = err_set(e, ERR_NOTFOUND, "notify: no such area");
		if (rc < 0)
			return own_end(s, own, rc, e);
	}
	if (in->channel != NOTIFY_EMAIL)
		return own_end(s, own, subscribe_short(s, in, lang, token, now, e), e);
	/* already subscribed: the address and language follow the account's,
	 * and a bounce before this save no longer stops the mail */
	struct store_val u[] = { sv_text(in->address), sv_text(lang), sv_text(in->tenant),
				 sv_int(in->account), sv_text(in->topic), sv_int(now) };
	rc = store_exec(s, "UPDATE notify_subscriptions SET address = $1, lang = $2, address_at = $6"
			" WHERE tenant = $3 AND account = $4 AND topic = $5 AND channel = 'email'",
			u, SV_N(u), e);
	if (rc == 0) {
		struct store_val v[] = { sv_text(in->tenant), sv_int(in->account), sv_text(in->topic),
					 sv_text(in->address), sv_text(lang), sv_text(token), sv_int(now) };
		rc = store_exec(s, "INSERT INTO notify_subscriptions (tenant, account, topic, channel,"
				" address, lang, token, created_at, address_at)"
				" VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $7)", v, SV_N(v), e);
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
	int own, rc = own_begin(s, &own, e);
	if (rc)
		return rc;
	int a = store_exec(s, "DELETE FROM notify_subscriptions WHERE tenant = $1 AND account = $2"
			   " AND topic = $3", v, SV_N(v), e);
	int b = a < 0 ? a : store_exec(s, "DELETE FROM notify_channel_subs WHERE tenant = $1"
				       " AND account = $2 AND topic = $3", v, SV_N(v), e);
	return own_end(s, own, a < 0 ? a : b < 0 ? b : a + b, e);
}

int notify_unsubscribe_channel(struct store *s, const char *tenant, int64_t account, const char *topic,
			       enum notify_channel ch, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic), sv_text(channel_of(ch)) };
	return store_exec(s, ch == NOTIFY_EMAIL
			  ? "DELETE FROM notify_subscriptions WHERE tenant = $1 AND account = $2"
			    " AND topic = $3 AND channel = $4"
			  : "DELETE FROM notify_channel_subs WHERE tenant = $1 AND account = $2"
			    " AND topic = $3 AND channel = $4", v, SV_N(v), e);
}

int notify_subscriptions(struct store *s, const char *tenant, int64_t account,
			 int (*fn)(const struct notify_sub *sub, void *arg), void *arg, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_int(account) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT id, topic, channel, address, lang, created_at FROM"
			     " (SELECT id, topic, channel, address, lang, created_at FROM notify_subscriptions"
			     "  WHERE tenant = $1 AND account = $2"
			     "  UNION ALL SELECT id, topic, channel, '', lang, created_at FROM notify_channel_subs"
			     "  WHERE tenant = $1 AND account = $2) x"
			     " ORDER BY topic, channel LIMIT 300", v, SV_N(v), e);
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

/* the table of a token: 1 e-mail, 2 SMS/LINE, 0 none */
static int token_table(struct notify_sub *out, char topic[NOTIFY_TOPIC_MAX + 1], struct store *s,
		       const char *tenant, const char *token, struct err *e)
{
	static const char *const q[2] = {
		"SELECT id, account, topic, channel FROM notify_subscriptions WHERE tenant = $1 AND token = $2",
		"SELECT id, account, topic, channel FROM notify_channel_subs WHERE tenant = $1 AND token = $2",
	};
	struct store_val v[] = { sv_text(tenant), sv_text(token) };
	for (int t = 0; t < 2; t++) {
		struct store_rows *r;
		int rc = store_query(&r, s, q[t], v, SV_N(v), e);
		if (rc)
			return rc;
		rc = store_rows_next(r, e);
		if (rc == 1) {
			int ch = notify_channel_parse(store_col_text(r, 3));
			out->id = store_col_int(r, 0);
			out->account = store_col_int(r, 1);
			snprintf(topic, NOTIFY_TOPIC_MAX + 1, "%s", store_col_text(r, 2));
			out->topic = topic;
			out->tenant = tenant;
			out->channel = channel_of(ch < 0 ? NOTIFY_EMAIL : ch);
			out->address = "";
		}
		store_rows_free(r);
		if (rc != 0)
			return rc < 0 ? rc : t + 1;
	}
	return 0;
}

int notify_token_find(struct notify_sub *out, char topic[NOTIFY_TOPIC_MAX + 1], struct store *s,
		      const char *tenant, const char *token, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!notify_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	int rc = token_table(out, topic, s, tenant, token, e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	return rc < 0 ? rc : 0;
}

int notify_unsubscribe_token(struct store *s, const char *tenant, const char *token, struct err *e)
{
	if (!notify_token_valid(token))
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	struct store_val v[] = { sv_text(tenant), sv_text(token) };
	int rc = store_exec(s, "DELETE FROM notify_subscriptions WHERE tenant = $1 AND token = $2",
			    v, SV_N(v), e);
	if (rc == 0)
		rc = store_exec(s, "DELETE FROM notify_channel_subs WHERE tenant = $1 AND token = $2",
				v, SV_N(v), e);
	if (rc == 0)
		return err_set(e, ERR_NOTFOUND, "notify: no such token");
	return rc < 0 ? rc : 0;
}

int notify_topic_count(struct store *s, const char *tenant, const char *topic, struct err *e)
{
	struct store_val v[] = { sv_text(tenant), sv_text(topic) };
	int64_t n = 0;
	int rc = store_query_int(&n, s, "SELECT (SELECT COUNT(*) FROM notify_subscriptions"
				 " WHERE tenant = $1 AND topic = $2) + (SELECT COUNT(*) FROM notify_channel_subs"
				 " WHERE tenant = $1 AND topic = $2)", v, SV_N(v), e);
	return rc ? rc : (int)n;
}

/* the SQL that excludes, from the subscribers of a fan-out's second topic
 * (f->also), the accounts that take the first on the same channel: they
 * get it once, by the first */
#define NOT_FIRST(tbl, first) " AND NOT EXISTS (SELECT 1 FROM " tbl " y WHERE y.tenant = x.tenant" \
			      " AND y.account = x.account AND y.channel = x.channel AND y.topic = " first ")"

int notify_topic_counts(int64_t n[3], struct store *s, const char *tenant, const char *topic,
			const char *also, struct err *e)
{
	n[0] = n[1] = n[2] = 0;
	if (also && (!notify_topic_valid(also) || strcmp(also, topic) == 0))
		return err_set(e, ERR_INVALID, "notify: second topic invalid");
	struct store_val v[] = { sv_text(tenant), sv_text(topic), sv_text(also) };
	/* by e-mail: not an address that hard-bounced since it was saved,
	 * which the fan-out skips */
	int rc = store_query_int(&n[NOTIFY_EMAIL], s, also
				 ? "SELECT COUNT(*) FROM notify_subscriptions x WHERE x.tenant = $1"
				   " AND (x.topic = $2 OR (x.topic = $3" NOT_FIRST("notify_subscriptions", "$2") "))"
				   " AND NOT " MAIL_SQL_BOUNCED("x.tenant", "x.address", "x.address_at")
				 : "SELECT COUNT(*) FROM notify_subscriptions x WHERE x.tenant = $1 AND x.topic = $2"
				   " AND NOT " MAIL_SQL_BOUNCED("x.tenant", "x.address", "x.address_at"),
				 v, also ? 3 : 2, e);
	for (int ch = NOTIFY_SMS; rc == 0 && ch <= NOTIFY_LINE; ch++) {
		struct store_val w[] = { sv_text(tenant), sv_text(topic), sv_text(channel_of(ch)), sv_text(also) };
		rc = store_query_int(&n[ch], s, also
				     ? "SELECT COUNT(*) FROM notify_channel_subs x"
				       " JOIN notify_contacts c ON c.tenant = x.tenant AND c.account = x.account"
				       " AND c.channel = x.channel WHERE x.tenant = $1 AND x.channel = $3"
				       " AND (x.topic = $2 OR (x.topic = $4" NOT_FIRST("notify_channel_subs", "$2") "))"
				     : "SELECT COUNT(*) FROM notify_channel_subs x"
				       " JOIN notify_contacts c ON c.tenant = x.tenant AND c.account = x.account"
				       " AND c.channel = x.channel"
				       " WHERE x.tenant = $1 AND x.topic = $2 AND x.channel = $3", w, also ? 4 : 3, e);
	}
	return rc;
}

int notify_topic_templates(const char *ids[3], const char *topic, struct err *e)
{
	if (!notify_topic_valid(topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (strcmp(topic, "news") == 0 || strncmp(topic, "news.", 5) == 0) {
		ids[NOTIFY_EMAIL] = "news.notice";
		ids[NOTIFY_SMS] = "sms.topic";
		ids[NOTIFY_LINE] = "line.topic";
		return 0;
	}
	if (strncmp(topic, "disaster.", 9) == 0) {
		ids[NOTIFY_EMAIL] = "disaster.alert";
		ids[NOTIFY_SMS] = "sms.topic_alert";
		ids[NOTIFY_LINE] = "line.topic_alert";
		return 0;
	}
	return err_set(e, ERR_INVALID, "notify: %s is not fanned out", topic);
}

/* ---- fan-out ---- */

/* vals whose name is a field of the template (space-separated, padded) */
static int values_for(struct notify_value *out, const char *fields, const struct notify_value *vals, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		char probe[NOTIFY_NAME_MAX + 3];
		if (snprintf(probe, sizeof probe, " %s ", vals[i].name) < (int)sizeof probe &&
		    strstr(fields, probe))
			out[k++] = vals[i];
	}
	return k;
}

/* the template rendered in l with the marker in place of the link, cut
 * there into *head and *tail; ERR_INVALID unless the link is once in the
 * body (and nowhere in the subject) */
static int render_cut(struct notify_message *m, const char **tail, struct arena *a, struct store *s,
		      const char *tenant, const char *slug, enum notify_channel want, int l,
		      const struct notify_value *vals, int n, const char *marker, struct err *e)
{
	char fields[NOTIFY_VALUE_MAX];
	struct notify_value mine[NOTIFY_VALUES_MAX];
	int rc = notify_template_fields(fields, a, s, tenant, slug, e);
	if (rc)
		return rc;
	int k = values_for(mine, fields, vals, n);
	rc = notify_render(m, a, s, tenant, slug, notify_lang_code((enum notify_lang)l), mine, k, e);
	if (rc == 0 && m->channel != want)
		return err_set(e, ERR_INVALID, "notify: %s is not a template of the %s channel", slug,
			       notify_channel_name(want));
	char *cut = rc == 0 ? strstr(m->body, marker) : NULL;
	if (rc == 0 && (!cut || strstr(cut + 1, marker) || strstr(m->subject, marker)))
		rc = err_set(e, ERR_INVALID, "notify: %s must place ((unsubscribe_url)) once, in the body", slug);
	if (rc)
		return rc;
	*cut = '\0';
	*tail = cut + strlen(marker);
	return 0;
}

/* a text on channel ch within its limit (an SMS 10 segments, a LINE
 * message 5,000 characters; e-mail's are the outbox's): the fan-out and its
 * preview judge by this one rule.  *segments (may be NULL) the SMS
 * segments it costs, else 1. */
static int text_fits(int *segments, enum notify_channel ch, const char *slug, const char *text, struct err *e)
{
	int units = notify_sms_units(text);
	if (segments)
		*segments = ch == NOTIFY_SMS && units >= 0 ? notify_sms_segments(text) : 1;
	if (units < 0)
		return err_set(e, ERR_INVALID, "notify: the text is not UTF-8");
	if (ch == NOTIFY_SMS && units > NOTIFY_SMS_UNITS_MAX)
		return err_set(e, ERR_LIMIT, "notify: %s makes an SMS of %d units with its link (at most %d)",
			       slug, units, NOTIFY_SMS_UNITS_MAX);
	if (ch == NOTIFY_LINE && units > NOTIFY_LINE_TEXT_MAX)
		return err_set(e, ERR_LIMIT, "notify: %s makes a LINE text over %d characters", slug,
			       NOTIFY_LINE_TEXT_MAX);
	return 0;
}

/* the template of each channel: the fan-out's own, else the topic's */
static void channel_templates(const char *ids[3], const struct notify_fanout *f)
{
	ids[NOTIFY_EMAIL] = f->template_id;
	ids[NOTIFY_SMS] = f->sms_id;
	ids[NOTIFY_LINE] = f->line_id;
	const char *shipped[3];
	if (notify_topic_templates(shipped, f->topic, NULL) == 0)
		for (int c = 0; c < 3; c++)
			if (!ids[c])
				ids[c] = shipped[c];
}

/* the SMS or LINE messages of one language: head + link + tail to every
 * subscriber of topic on the channel whose contact is verified (first not
 * NULL: but those who take first there, who had it by first) */
#define FANOUT_SHORT_SQL \
	"INSERT INTO notify_messages (tenant, channel, recipient, template, lang," \
	" body, segments, priority, state, attempts, next_attempt_at, created_at)" \
	" SELECT x.tenant, x.channel, c.address, CAST($5 AS TEXT), x.lang," \
	" CAST($6 AS TEXT) || CAST($7 AS TEXT) || x.token || CAST($8 AS TEXT)," \
	" CAST($9 AS INTEGER), CAST($10 AS INTEGER), 'queued', 0, CAST($11 AS BIGINT)," \
	" CAST($12 AS BIGINT)" \
	" FROM notify_channel_subs x JOIN notify_contacts c ON c.tenant = x.tenant" \
	" AND c.account = x.account AND c.channel = x.channel" \
	" WHERE x.tenant = $1 AND x.topic = $2 AND x.channel = $3 AND x.lang = $4"

static int fanout_short(int64_t *n, struct store *s, const char *tenant, const struct notify_fanout *f,
			const char *topic, const char *first, enum notify_channel ch, const char *slug, int l, const char *head, const char *tail,
			const char *base, int64_t due, int64_t now, struct err *e)
{
	/* every link is as long (the token has a fixed length): the units and
	 * segments of one message are every message's */
	char probe[MAIL_LINK_MAX + NOTIFY_TOKEN_HEX + 1];
	snprintf(probe, sizeof probe, "%s%0*d", base, NOTIFY_TOKEN_HEX, 0);
	size_t len = strlen(head) + strlen(probe) + strlen(tail);
	char *text = malloc(len + 1);
	if (!text)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	snprintf(text, len + 1, "%s%s%s", head, probe, tail);
	int segments;
	int rc = text_fits(&segments, ch, slug, text, e);
	free(text);
	if (rc)
		return rc;
	struct store_val v[] = { sv_text(tenant), sv_text(topic), sv_text(notify_channel_name(ch)),
				 sv_text(notify_lang_code((enum notify_lang)l)), sv_text(slug),
				 sv_text(head), sv_text(base), sv_text(tail), sv_int(segments),
				 sv_int(f->priority >= MAIL_PRIORITY_EMERGENCY ? 1 : 0), sv_int(due),
				 sv_int(now), sv_text(first) };
	rc = store_exec(s, first ? FANOUT_SHORT_SQL NOT_FIRST("notify_channel_subs", "$13") : FANOUT_SHORT_SQL,
			v, first ? SV_N(v) : SV_N(v) - 1, e);
	if (rc < 0)
		return rc;
	*n = rc;
	return 0;
}

/* an e-mail subscriber of topic $2 in language $3 (x: the subscription) */
#define EMAIL_SUBS_SQL "SELECT x.address AS recipient, x.token, x.address_at AS since" \
		       " FROM notify_subscriptions x" \
		       " WHERE x.tenant = $1 AND x.topic = $2 AND x.lang = $3 AND x.channel = 'email'"

/* f->also, when set, must be another topic sent with the same templates
 * (news and news.<category>) */
static int also_invalid(const struct notify_fanout *f)
{
	if (!f->also)
		return 0;
	const char *a[3], *b[3];
	if (!notify_topic_valid(f->also) || strcmp(f->also, f->topic) == 0 ||
	    notify_topic_templates(a, f->topic, NULL) || notify_topic_templates(b, f->also, NULL))
		return 1;
	for (int c = 0; c < 3; c++)
		if (strcmp(a[c], b[c]) != 0)
			return 1;
	return 0;
}

int notify_fanout(int64_t *queued, struct store *s, const char *tenant, const struct notify_fanout *f,
		  int64_t now, struct err *e)
{
	*queued = 0;
	if (f->per_channel)
		f->per_channel[0] = f->per_channel[1] = f->per_channel[2] = 0;
	if (!notify_topic_valid(f->topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (f->n < 0 || f->n >= NOTIFY_VALUES_MAX)
		return err_set(e, ERR_LIMIT, "notify: too many values");
	if (also_invalid(f))
		return err_set(e, ERR_INVALID, "notify: second topic invalid");
	const char *ids[3];
	channel_templates(ids, f);
	if (!ids[NOTIFY_EMAIL])
		return err_set(e, ERR_INVALID, "notify: no template for %s", f->topic);
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
	int64_t by[3] = { 0, 0, 0 };
	struct arena *a = arena_new(1u << 20);
	if (!a)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	int own, rc = own_begin(s, &own, e);
	for (int l = 0; rc == 0 && l < NOTIFY_NLANG; l++) {
		struct notify_message m;
		const char *tail;
		const char *code = notify_lang_code((enum notify_lang)l);
		rc = render_cut(&m, &tail, a, s, tenant, ids[NOTIFY_EMAIL], NOTIFY_EMAIL, l, vals, f->n + 1,
				marker, e);
		if (rc)
			break;
		/* the topic's subscribers, then the second topic's who do not
		 * take the first: each once */
		for (int second = 0; rc == 0 && second <= (f->also != NULL); second++) {
			struct store_val p[] = { sv_text(tenant), sv_text(second ? f->also : f->topic), sv_text(code),
						 sv_text(f->topic) };
			int64_t n = 0;
			rc = mail_enqueue_bulk(&n, s, &(struct mail_bulk){
				.tenant = tenant, .subject = m.subject, .body_head = m.body,
				.body_tail = tail, .link_base = base,
				.priority = f->priority, .not_before = not_before,
				.select_sql = second ? EMAIL_SUBS_SQL NOT_FIRST("notify_subscriptions", "$4")
						     : EMAIL_SUBS_SQL,
				.params = p, .nparams = second ? 4 : 3, .skip_bounced = 1 }, now, e);
			by[NOTIFY_EMAIL] += n;
		}
	}
	/* SMS and LINE: only when someone has the channel (a topic nobody
	 * takes by SMS needs no SMS template) */
	int64_t have[3] = { 0, 0, 0 };
	if (rc == 0)
		rc = notify_topic_counts(have, s, tenant, f->topic, f->also, e);
	int64_t due = not_before > now ? not_before : now;
	for (int ch = NOTIFY_SMS; rc == 0 && ch <= NOTIFY_LINE; ch++) {
		if (!have[ch] || (f->off & (1u << ch)))
			continue;
		if (!ids[ch]) {
			rc = err_set(e, ERR_INVALID, "notify: no %s template for %s", notify_channel_name(ch),
				     f->topic);
			break;
		}
		for (int l = 0; rc == 0 && l < NOTIFY_NLANG; l++) {
			struct notify_message m;
			const char *tail;
			rc = render_cut(&m, &tail, a, s, tenant, ids[ch], (enum notify_channel)ch, l, vals,
					f->n + 1, marker, e);
			for (int second = 0; rc == 0 && second <= (f->also != NULL); second++) {
				int64_t n = 0;
				rc = fanout_short(&n, s, tenant, f, second ? f->also : f->topic,
						  second ? f->topic : NULL, (enum notify_channel)ch, ids[ch], l,
						  m.body, tail, base, due, now, e);
				by[ch] += n;
			}
		}
	}
	if (rc == 0 && by[NOTIFY_SMS] + by[NOTIFY_LINE] > 0)
		rc = notify_wake(s, due, e);
	arena_free(a);
	rc = own_end(s, own, rc, e);
	if (rc == 0) {
		*queued = by[0] + by[1] + by[2];
		if (f->per_channel)
			memcpy(f->per_channel, by, sizeof by);
	}
	return rc;
}

int notify_fanout_render(struct notify_message out[3], struct arena *a, struct store *s, const char *tenant,
			 const struct notify_fanout *f, const char *lang, struct err *e)
{
	int l = notify_lang_parse(lang ? lang : "ja");
	if (l < 0)
		return err_set(e, ERR_INVALID, "notify: language invalid");
	if (!notify_topic_valid(f->topic))
		return err_set(e, ERR_INVALID, "notify: topic invalid");
	if (f->n < 0 || f->n >= NOTIFY_VALUES_MAX)
		return err_set(e, ERR_LIMIT, "notify: too many values");
	const char *ids[3];
	channel_templates(ids, f);
	/* a sample link as long as a real one, placed as the fan-out places it */
	const char *link = arena_printf(a, "%s/unsubscribe/%0*d", f->link_base ? f->link_base : "",
					NOTIFY_TOKEN_HEX, 0);
	if (!link)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	struct notify_value vals[NOTIFY_VALUES_MAX];
	for (int i = 0; i < f->n; i++)
		vals[i] = f->vals[i];
	vals[f->n] = (struct notify_value){ "unsubscribe_url", link };
	int rc = 0;
	for (int ch = 0; rc == 0 && ch < 3; ch++) {
		const char *tail;
		if (!ids[ch]) {
			rc = err_set(e, ERR_INVALID, "notify: no %s template for %s",
				     notify_channel_name((enum notify_channel)ch), f->topic);
			break;
		}
		rc = render_cut(&out[ch], &tail, a, s, tenant, ids[ch], (enum notify_channel)ch, l, vals, f->n + 1,
				link, e);
		if (rc)
			break;
		out[ch].body = arena_printf(a, "%s%s%s", out[ch].body, link, tail);
		if (!out[ch].body)
			rc = err_set(e, ERR_NOMEM, "notify: no memory");
		else if (ch == NOTIFY_EMAIL && strlen(out[ch].subject) > MAIL_SUBJECT_MAX)
			rc = err_set(e, ERR_LIMIT, "notify: the subject is over %d bytes", MAIL_SUBJECT_MAX);
		else if (ch != NOTIFY_EMAIL)
			rc = text_fits(NULL, (enum notify_channel)ch, ids[ch], out[ch].body, e);
	}
	return rc;
}

/* ---- one resident's choice, for senders of their own messages ---- */

int notify_subscription_lang(char lang[8], struct store *s, const char *tenant, int64_t account,
			     const char *topic, struct err *e)
{
	snprintf(lang, 8, "ja");
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT lang, 1 FROM notify_subscriptions"
			     " WHERE tenant = $1 AND account = $2 AND topic = $3 AND channel = 'email'"
			     " UNION ALL SELECT lang, 2 FROM notify_channel_subs"
			     " WHERE tenant = $1 AND account = $2 AND topic = $3 ORDER BY 2 LIMIT 1",
			     v, SV_N(v), e);
	if (rc)
		return rc;
	rc = store_rows_next(r, e);
	if (rc == 1) {
		if (notify_lang_parse(store_col_text(r, 0)) >= 0)
			snprintf(lang, 8, "%s", store_col_text(r, 0));
		rc = (int)store_col_int(r, 1);
	}
	store_rows_free(r);
	return rc;
}

int notify_own_unsubscribe(char *out, size_t cap, struct store *s, const char *tenant, int64_t account,
			   const char *topic, const char *link_base, struct err *e)
{
	out[0] = '\0';
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic) };
	char *token = NULL;
	int rc = store_query_text(&token, s, "SELECT token FROM notify_subscriptions WHERE tenant = $1"
				  " AND account = $2 AND topic = $3 AND channel = 'email'", v, SV_N(v), e);
	if (rc == 0 && !token)
		rc = err_set(e, ERR_NOTFOUND, "notify: not subscribed by e-mail");
	if (rc == 0 && (!link_base || snprintf(out, cap, "%s/unsubscribe/%s", link_base, token) >= (int)cap)) {
		out[0] = '\0';
		rc = err_set(e, ERR_LIMIT, "notify: link base too long");
	}
	free(token);
	return rc;
}

/* the same values in every language (notify_account_channels) */
struct fixed_values {
	const struct notify_value *vals;
	int n;
};

static int fixed_values(void *arg, const char *lang, const struct notify_value **vals, int *n)
{
	(void)lang;
	const struct fixed_values *f = arg;
	*vals = f->vals;
	*n = f->n;
	return 0;
}

int notify_account_channels(int *queued, struct store *s, const char *tenant, int64_t account, const char *topic,
			    const char *sms_id, const char *line_id, const struct notify_value *vals, int n,
			    const char *link_base, int priority, int64_t now, struct err *e)
{
	*queued = 0;
	if (n < 0 || n >= NOTIFY_VALUES_MAX)
		return err_set(e, ERR_LIMIT, "notify: too many values");
	struct fixed_values f = { vals, n };
	return notify_account_channels_each(queued, s, tenant, account, topic, sms_id, line_id, fixed_values, &f,
					    link_base, priority, now, e);
}

int notify_account_channels_each(int *queued, struct store *s, const char *tenant, int64_t account,
				 const char *topic, const char *sms_id, const char *line_id,
				 notify_values_fn values, void *arg, const char *link_base, int priority,
				 int64_t now, struct err *e)
{
	*queued = 0;
	struct store_val v[] = { sv_text(tenant), sv_int(account), sv_text(topic) };
	struct store_rows *r;
	int rc = store_query(&r, s, "SELECT x.channel, x.lang, c.address, x.token FROM notify_channel_subs x"
			     " JOIN notify_contacts c ON c.tenant = x.tenant AND c.account = x.account"
			     " AND c.channel = x.channel WHERE x.tenant = $1 AND x.account = $2 AND x.topic = $3"
			     " ORDER BY x.channel", v, SV_N(v), e);
	if (rc)
		return rc;
	struct { int ch; char lang[8]; char to[64]; char token[NOTIFY_TOKEN_HEX + 1]; } to[2];
	int k = 0;
	while ((rc = store_rows_next(r, e)) == 1 && k < 2) {
		int ch = notify_channel_parse(store_col_text(r, 0));
		if (ch != NOTIFY_SMS && ch != NOTIFY_LINE)
			continue;
		to[k].ch = ch;
		snprintf(to[k].lang, sizeof to[k].lang, "%s", store_col_text(r, 1));
		snprintf(to[k].to, sizeof to[k].to, "%s", store_col_text(r, 2));
		snprintf(to[k].token, sizeof to[k].token, "%s", store_col_text(r, 3));
		k++;
	}
	store_rows_free(r);
	if (rc < 0)
		return rc;
	struct arena *a = arena_new(64 * 1024);
	if (!a)
		return err_set(e, ERR_NOMEM, "notify: no memory");
	rc = 0;
	for (int i = 0; rc == 0 && i < k; i++) {
		const char *slug = to[i].ch == NOTIFY_SMS ? sms_id : line_id;
		if (!slug)
			continue;
		char fields[NOTIFY_VALUE_MAX];
		struct notify_value mine[NOTIFY_VALUES_MAX];
		rc = notify_template_fields(fields, a, s, tenant, slug, e);
		if (rc)
			break;
		/* the values in this subscription's language, and its own link
		 * when the template has the field */
		const struct notify_value *vals = NULL;
		int n = 0;
		if ((rc = values(arg, to[i].lang, &vals, &n)))
			break;
		if (n < 0 || n >= NOTIFY_VALUES_MAX) {
			rc = err_set(e, ERR_LIMIT, "notify: too many values");
			break;
		}
		struct notify_value all[NOTIFY_VALUES_MAX];
		memcpy(all, vals, (size_t)n * sizeof *vals);
		int na = n;
		if (link_base) {
			const char *link = arena_printf(a, "%s/unsubscribe/%s", link_base, to[i].token);
			if (!link) {
				rc = err_set(e, ERR_NOMEM, "notify: no memory");
				break;
			}
			all[na++] = (struct notify_value){ NOTIFY_UNSUBSCRIBE_URL, link };
		}
		int m = values_for(mine, fields, all, na);
		int64_t id;
		rc = notify_send(&id, s, tenant, &(struct notify_send){
			.channel = (enum notify_channel)to[i].ch, .recipient = to[i].to, .template_id = slug,
			.lang = to[i].lang, .vals = mine, .n = m, .priority = priority }, now, e);
		if (rc == 0)
			(*queued)++;
	}
	arena_free(a);
	explicit_bzero(to, sizeof to);
	return rc;
}
