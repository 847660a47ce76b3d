/*
 * notify.h -- the notification service's message templates (issue 20,
 * "Notifications" item 5).  Domain code only: no HTTP.
 *
 * A template belongs to one municipality (tenant) and has a stable id, a
 * slug such as "apply.state_changed" or "waste.reminder", a channel
 * (e-mail now; sms and line keep their place), the names of the values
 * the sending code gives (its fields, fixed by the code, not by staff),
 * and per language -- ja, en, ja-easy (やさしい日本語) -- a subject and a
 * body.  Code that sends names a template and gives values; it never
 * writes the text itself.
 *
 * Versions.  Saving a template's texts adds a version (author, time,
 * note); the newest version is in force; every older one is kept.  A save
 * names the version it was edited from, and is refused (ERR_CONFLICT)
 * when another was saved meanwhile.
 *
 * Placeholders are written ((name)) (GOV.UK Notify style), name being
 * [a-z][a-z0-9_]* of at most NOTIFY_NAME_MAX bytes.  Every "((" in a text
 * must open one; a template's texts may only use its fields
 * (notify_check).  Rendering takes name/value pairs and refuses a value
 * missing for a placeholder of the text and a name the template has no
 * field for.  Values go in as plain text (bodies are text/plain); one
 * that lands in a subject must hold no control character at all (CR and
 * LF would start a header: refused, never stripped), one in a body none
 * but tab and LF.
 *
 * Languages.  ja is required (subject and body); en and ja-easy are
 * written whole (subject and body) or left empty, and an empty one falls
 * back to ja (ja-easy -> ja, en -> ja) when rendering.
 */
#ifndef MADOGUCHI_SVC_NOTIFY_H
#define MADOGUCHI_SVC_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct store;

#define NOTIFY_SLUG_MAX 64        /* bytes: [a-z0-9_] words joined by '.'  */
#define NOTIFY_SUBJECT_MAX 200    /* bytes of a subject as written (UTF-8) */
#define NOTIFY_BODY_MAX 8000      /* bytes of a body as written            */
#define NOTIFY_NOTE_MAX 200       /* bytes of a version's note             */
#define NOTIFY_AUTHOR_MAX 100     /* bytes of a version's author           */
#define NOTIFY_NAME_MAX 32        /* bytes of a placeholder's name         */
#define NOTIFY_FIELDS_MAX 16      /* distinct names a template may use     */
#define NOTIFY_USES_MAX 64        /* placeholders in one text              */
#define NOTIFY_VALUE_MAX 8000     /* bytes of one value (a list of lines)   */
#define NOTIFY_VALUES_MAX 32      /* pairs one render takes                */
#define NOTIFY_LIST_MAX 200       /* templates or versions one list gives  */

enum notify_channel { NOTIFY_EMAIL = 0, NOTIFY_SMS, NOTIFY_LINE };
/* the order of enum html_lang: a page passes its language through */
enum notify_lang { NOTIFY_JA = 0, NOTIFY_EN = 1, NOTIFY_JA_EASY = 2 };
#define NOTIFY_NLANG 3

/* "email", "sms", "line" / parse: -1 for anything else */
const char *notify_channel_name(enum notify_channel c);
int notify_channel_parse(const char *s);
/* "ja", "en", "ja-easy" / parse: -1 for anything else */
const char *notify_lang_code(enum notify_lang l);
int notify_lang_parse(const char *s);

struct notify_text {
	const char *subject;        /* one line; "" or NULL: none          */
	const char *body;
};

/* one version of a template (notify_get: the one in force) */
struct notify_template {
	const char *slug;
	enum notify_channel channel;
	const char *fields;         /* the names the code gives, space separated */
	struct notify_text text[NOTIFY_NLANG];   /* by enum notify_lang    */
	int version;                /* 1, 2, ...; 0: none stored yet        */
	const char *author;         /* who saved it ("(default)", a login)  */
	const char *note;           /* why ("" allowed)                     */
	int64_t created_at;         /* seconds since the epoch              */
};

struct notify_value {
	const char *name, *value;
};

/* what notify_check / notify_render_text found wrong: the field (for a
 * page: "subject_ja", "body_en", "note", "values", ...) and the message
 * in Japanese and English, naming the placeholder when there is one */
struct notify_problem {
	char field[24];
	char ja[700], en[700];
};

/* notify_slug_valid -- 1 for words of [a-z0-9_] joined by single dots,
 * starting with a letter, at most NOTIFY_SLUG_MAX bytes */
int notify_slug_valid(const char *s);
/* notify_name_valid -- 1 for a placeholder name ([a-z][a-z0-9_]*, at most
 * NOTIFY_NAME_MAX bytes) */
int notify_name_valid(const char *s);

/* notify_placeholders -- the distinct names of the ((name)) placeholders
 * of text, in order of first use, written to names (each at most
 * NOTIFY_NAME_MAX + 1 bytes); returns how many (0..max), or ERR_INVALID
 * with *p set ("((" opening no valid placeholder, or more than max names
 * or NOTIFY_USES_MAX uses).  p->field is left as it was: the caller names
 * the text. */
int notify_placeholders(char names[][NOTIFY_NAME_MAX + 1], int max, const char *text,
			struct notify_problem *p);

/* notify_check -- 0, or ERR_INVALID with *p naming the first problem:
 * the slug, channel and fields well-formed (each field a valid name, at
 * most NOTIFY_FIELDS_MAX); the Japanese subject and body required (spaces
 * alone are not a text); en and ja-easy whole or empty; every text
 * well-formed UTF-8 within its limit, subjects without control
 * characters, bodies without any but tab, CR and LF; every placeholder
 * well-formed and one of the fields; author and note within their
 * limits. */
int notify_check(const struct notify_template *t, struct notify_problem *p);

/* a rendered message, its texts in the arena */
struct notify_message {
	const char *subject, *body;
	enum notify_lang lang;      /* the language the text was in (after fallback) */
	int version;                /* 0: the shipped default (none stored)   */
	enum notify_channel channel;
};

/* notify_render_text -- t's text in l (falling back to ja when l's body
 * is empty) with each ((name)) replaced by its value.  ERR_INVALID with
 * *p: a value missing for a placeholder of that text, a value's name not
 * among t's fields (or given twice), more than NOTIFY_VALUES_MAX values, a
 * value over NOTIFY_VALUE_MAX bytes or not UTF-8, a control character in
 * a value that lands in the subject (any) or the body (any but tab, LF);
 * ERR_NOMEM. */
int notify_render_text(struct notify_message *out, struct arena *a,
		       const struct notify_template *t, enum notify_lang l,
		       const struct notify_value *vals, int n, struct notify_problem *p);

/* ---- stored templates ---- */

/* notify_get -- the version in force of template slug of tenant (version
 * 0: the newest), or that version; its texts in a.  ERR_NOTFOUND. */
int notify_get(struct notify_template *out, struct arena *a, struct store *s,
	       const char *tenant, const char *slug, int version, struct err *e);

/* notify_create -- a new template of tenant with version 1 of its texts
 * (t->slug, channel, fields, text, author, note); notify_check first
 * (ERR_INVALID, the field in e's detail); ERR_CONFLICT when the tenant has
 * that slug already.  Joins the caller's transaction, else its own. */
int notify_create(struct store *s, const char *tenant, const struct notify_template *t,
		  int64_t now, struct err *e);

/* notify_save -- a new version of template t->slug of tenant with t's
 * texts, author and note (channel and fields stay the stored ones: the
 * code decides them); base is the version the texts were edited from:
 * ERR_CONFLICT when the version in force is another one by then.  The
 * check is notify_check's with the stored fields: ERR_INVALID with *p (p
 * may be NULL).  *version gets the new version's number.  ERR_NOTFOUND.
 * Joins the caller's transaction, else its own. */
int notify_save(int *version, struct store *s, const char *tenant,
		const struct notify_template *t, int base, int64_t now,
		struct notify_problem *p, struct err *e);

/* notify_list -- tenant's templates by slug, each in force (texts
 * included); fn sees each (strings valid during the call).  Returns how
 * many (at most NOTIFY_LIST_MAX) or a negative ERR_*. */
int notify_list(struct store *s, const char *tenant,
		void (*fn)(const struct notify_template *t, void *arg), void *arg,
		struct err *e);

/* notify_history -- the versions of template slug of tenant, newest
 * first (at most NOTIFY_LIST_MAX), texts included.  Returns how many or a
 * negative ERR_* (ERR_NOTFOUND: no such template). */
int notify_history(struct store *s, const char *tenant, const char *slug,
		   void (*fn)(const struct notify_template *t, void *arg), void *arg,
		   struct err *e);

/* notify_render -- notify_get (in force) then notify_render_text into
 * out (texts in a).  A municipality with no stored template of a shipped
 * id (notify_defaults) gets the shipped text (out->version 0), so that a
 * sender works before anyone installed or edited it.  ERR_NOTFOUND (an id
 * neither stored nor shipped); ERR_INVALID with the problem's English
 * text in e's detail (a placeholder's name, never a value). */
int notify_render(struct notify_message *out, struct arena *a, struct store *s,
		  const char *tenant, const char *slug, const char *lang,
		  const struct notify_value *vals, int n, struct err *e);

/* the value name of a message's one-click unsubscribe link
 * (link_base/unsubscribe/{token}): a topic's fan-out sets it itself; a
 * resident's own message gets it from notify_own_unsubscribe (e-mail) or
 * notify_account_channels (SMS, LINE) */
#define NOTIFY_UNSUBSCRIBE_URL "unsubscribe_url"

/* notify_template_fields -- slug's fields (the stored template's, else
 * the shipped one's) as " a b c " (space-padded, for strstr of " name ")
 * into fields; ERR_NOTFOUND when there is no such template. */
int notify_template_fields(char fields[NOTIFY_VALUE_MAX], struct arena *a, struct store *s, const char *tenant,
			   const char *slug, struct err *e);

/* notify_email -- render template_id (an e-mail template) of tenant (as
 * notify_render: the shipped text when none is stored) in
 * lang ("ja", "en", "ja-easy"; NULL: ja) with the values and queue it for
 * `to` in the outbox (src/core/mail, mail_enqueue_id), in the caller's
 * open transaction.  A value NOTIFY_UNSUBSCRIBE_URL goes in the text when
 * the template has that field (a template stored before the field was
 * shipped renders without it) and, when it is a subscription's one-click
 * link (http(s), ending in /unsubscribe/{token}), becomes the message's
 * List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).  Then, in the caller's
 * open transaction (else its own); *mail_id gets the outbox id whose state
 * (queued, sent, failed) the caller can ask the outbox for.  ERR_NOTFOUND
 * (no such template), ERR_INVALID (a channel other than e-mail, a value
 * refused as in notify_render_text, an address or message the outbox
 * refuses), ERR_LIMIT, ERR_DB. */
int notify_email(struct store *s, const char *tenant, const char *template_id,
		 const char *lang, const char *to, const struct notify_value *vals, int n,
		 int64_t *mail_id, struct err *e);

/* ---- subscriptions (subscribe.c) ----
 *
 * A resident (account) subscribes to topics, each with a channel (e-mail,
 * the account's verified address copied in; SMS or LINE, the verified
 * contact joined when sending):
 *   news, news.<category>   news (all, or of one of notify_categories)
 *   waste.reminder          their bulky-waste collection-day reminders
 *   disaster.<area>         disaster alerts for an area of the
 *                           municipality's list (notify_areas)
 *   apply.state             the state of their applications
 * notify_topic_valid -- 1 for one of these forms (a category must be in
 * notify_categories; an area is any [a-z0-9_] word here, the list is
 * notify_subscribe's to check).
 * Each subscription has a token (NOTIFY_TOKEN_HEX random hex digits): the
 * one-click unsubscribe link /unsubscribe/{token} of every message sent
 * for it works from the link alone. */
#define NOTIFY_TOPIC_MAX 64
#define NOTIFY_TOKEN_HEX 64
/* quiet hours, JST: nothing but emergencies is sent from 21:00 to 08:00 */
#define NOTIFY_QUIET_FROM 21
#define NOTIFY_QUIET_TO 8

int notify_topic_valid(const char *topic);
/* 1 for 64 lower-case hex digits */
int notify_token_valid(const char *token);
/* notify_quiet_until -- 0 when now (seconds) is outside quiet hours, else
 * the end of them (the next 08:00 JST) */
int64_t notify_quiet_until(int64_t now);

struct notify_sub_in {
	const char *tenant;
	int64_t account;
	const char *topic;
	const char *address;       /* e-mail: the account's verified address;
				      SMS, LINE: unused (the verified number
				      or LINE id is read when sending) */
	const char *lang;          /* "ja", "en", "ja-easy"; NULL: ja */
	enum notify_channel channel;   /* NOTIFY_EMAIL (0), NOTIFY_SMS, NOTIFY_LINE */
};
struct notify_sub {
	int64_t id;
	const char *tenant;
	int64_t account;
	const char *topic, *channel, *address, *lang;   /* address "" for SMS, LINE */
	int64_t created_at;
};
/* notify_subscribe -- subscribe (1: new) or refresh address and language
 * of an existing subscription (0), on in->channel.  By SMS or LINE the
 * account must have that channel's verified contact (notify_contacts):
 * ERR_DENIED otherwise.  disaster.<code>: the municipality must have area
 * code (ERR_NOTFOUND).  ERR_INVALID.  Caller's transaction or its own. */
int notify_subscribe(struct store *s, const struct notify_sub_in *in, int64_t now, struct err *e);
/* notify_unsubscribe -- remove account's subscriptions to topic on every
 * channel; returns how many rows went. */
int notify_unsubscribe(struct store *s, const char *tenant, int64_t account, const char *topic,
		       struct err *e);
/* notify_unsubscribe_channel -- remove account's subscription to topic on
 * one channel; returns how many rows went (0 or 1). */
int notify_unsubscribe_channel(struct store *s, const char *tenant, int64_t account, const char *topic,
			       enum notify_channel ch, struct err *e);
/* notify_subscriptions -- account's subscriptions by topic, then channel
 * (at most 100 of each kind); returns how many or a negative ERR_*. */
int notify_subscriptions(struct store *s, const char *tenant, int64_t account,
			 int (*fn)(const struct notify_sub *sub, void *arg), void *arg, struct err *e);
/* notify_token_find -- the subscription of an unsubscribe token (topic
 * copied into topic, out->channel a static name); ERR_NOTFOUND for a
 * malformed or unknown token or another municipality's. */
int notify_token_find(struct notify_sub *out, char topic[NOTIFY_TOPIC_MAX + 1], struct store *s,
		      const char *tenant, const char *token, struct err *e);
/* notify_unsubscribe_token -- end the subscription of token; ERR_NOTFOUND */
int notify_unsubscribe_token(struct store *s, const char *tenant, const char *token, struct err *e);
/* notify_topic_count -- how many subscribe to topic, every channel */
int notify_topic_count(struct store *s, const char *tenant, const char *topic, struct err *e);
/* The categories (分野) of the news topic: "news.<code>" is the topic of
 * one, and svc/news files its notices under them.  A fixed list, the
 * sections a municipality's site usually has; kept here because a
 * subscription names one.  Labels are message ids ("notify.category.<code>",
 * in ja, en and やさしい日本語). */
#define NOTIFY_CATEGORY_MAX 16      /* bytes of a category's code          */
struct notify_category {
	const char *code;           /* "kurashi": [a-z]+, the topic's word    */
	const char *label_id;       /* "notify.category.kurashi"            */
};
extern const struct notify_category notify_categories[];
extern const int notify_ncategories;
/* notify_category_find -- the category of code, or NULL */
const struct notify_category *notify_category_find(const char *code);

/* The areas (地区) of disaster alerts, per municipality: a resident
 * subscribes to one ("disaster.<code>"), staff send an alert to one.
 * Invariant: a subscription to disaster.<code> is made only while the
 * municipality has area code (notify_subscribe), and an area is removed
 * only while nobody subscribes to it (area.c). */
#define NOTIFY_AREA_MAX 32          /* bytes of a code: [a-z0-9_]          */
#define NOTIFY_AREA_NAME_MAX 120    /* bytes of a name (40 characters)     */
#define NOTIFY_AREAS_MAX 200        /* areas of one municipality           */
struct notify_area {
	const char *code;           /* "chuo"                               */
	const char *name_ja;        /* "中央地区"                            */
	const char *name_en;        /* "Central"; NULL or "": none          */
	int64_t subscribers;        /* (notify_areas_each) residents who
				       take its alerts, on any channel     */
};
/* notify_area_code_valid -- 1 when code is 1..NOTIFY_AREA_MAX of [a-z0-9_] */
int notify_area_code_valid(const char *code);
/* notify_area_put -- add area a->code or rename it: 1 added, 0 renamed;
 * ERR_INVALID (code, a name empty, too long, not UTF-8 or with a control
 * character), ERR_LIMIT (NOTIFY_AREAS_MAX reached). */
int notify_area_put(struct store *s, const char *tenant, const struct notify_area *a, struct err *e);
/* notify_area_remove -- remove it: 0; ERR_NOTFOUND; ERR_CONFLICT while
 * someone subscribes to its alerts (*subscribers says how many
 * residents).  In the caller's transaction (which must then roll back on
 * an error) or its own. */
int notify_area_remove(int64_t *subscribers, struct store *s, const char *tenant, const char *code,
		       struct err *e);
/* notify_areas_each -- fn for each area of tenant in the order added
 * (texts live until fn returns; fn non-zero stops); how many, or ERR_*. */
int notify_areas_each(struct store *s, const char *tenant, int (*fn)(const struct notify_area *a, void *arg),
		      void *arg, struct err *e);
/* notify_areas_import -- the areas of a CSV file (UTF-8 with or without
 * BOM, or CP932 as Excel writes it; at most NOTIFY_AREAS_FILE_MAX bytes):
 * a header line, then one area a line -- code, Japanese name and, if
 * any, English name -- each added or renamed as notify_area_put, all or
 * none (the caller's transaction or its own).  out->added, out->renamed;
 * on ERR_INVALID or ERR_LIMIT out->bad_line is the file's line (0: the
 * file as a whole) and out->bad names what: "csv", "columns", "code",
 * "name_ja", "name_en", "twice", "limit", "empty". */
#define NOTIFY_AREAS_FILE_MAX (64u << 10)
struct notify_areas_import {
	int added, renamed;
	long bad_line;
	const char *bad;
};
int notify_areas_import(struct notify_areas_import *out, struct store *s, const char *tenant, const char *data,
			size_t len, struct err *e);

/* notify_area_name -- area code's name in lang ("en": name_en when
 * written) into out (at least NOTIFY_AREA_NAME_MAX + 1 bytes);
 * ERR_NOTFOUND. */
int notify_area_name(char *out, struct store *s, const char *tenant, const char *code, const char *lang,
		     struct err *e);

/* notify_topic_counts -- how many would receive a fan-out to topic (and,
 * also not NULL, to also as notify_fanout's f->also: each account once per
 * channel), by channel (n[NOTIFY_EMAIL], n[NOTIFY_SMS], n[NOTIFY_LINE]):
 * e-mail subscribers but an address that hard-bounced since it was saved
 * (the fan-out skips it), SMS and LINE subscribers with their contact
 * verified.  0 or a negative
 * ERR_* (ERR_INVALID: also not a topic, or topic itself). */
int notify_topic_counts(int64_t n[3], struct store *s, const char *tenant, const char *topic,
			const char *also, struct err *e);

/* notify_topic_templates -- the shipped templates a fan-out to topic uses
 * on each channel: news and news.<category> "news.notice", "sms.topic",
 * "line.topic"; disaster.<area> "disaster.alert", "sms.topic_alert",
 * "line.topic_alert".  0, or ERR_INVALID for another topic (a resident's
 * own messages are not fanned out). */
int notify_topic_templates(const char *ids[3], const char *topic, struct err *e);

/* One message to every subscriber of a topic (notify_fanout). */
struct notify_fanout {
	const char *topic;
	const char *template_id;   /* an e-mail template with the field
				      unsubscribe_url, used once in its body;
				      NULL: notify_topic_templates' */
	const struct notify_value *vals;   /* the other values; each channel's
					      template takes those it has a
					      field for */
	int n;
	int priority;              /* MAIL_PRIORITY_NORMAL: held in quiet
				      hours; MAIL_PRIORITY_EMERGENCY: sent at
				      once, before everything else queued */
	const char *link_base;     /* https://host: links are
				      link_base/unsubscribe/{token} */
	const char *sms_id, *line_id;   /* the SMS and LINE templates (with
				      unsubscribe_url once in the body);
				      NULL: notify_topic_templates' */
	int64_t *per_channel;      /* NULL, or 3 counts filled by channel */
	unsigned off;              /* channels not to queue on, as bits
				      1 << NOTIFY_SMS, 1 << NOTIFY_LINE (a
				      server without that provider: a message
				      queued there would go days later when
				      it is switched on) */
	const char *also;          /* NULL, or a second topic sent with the
				      same templates (a notice of category
				      K: "news.K" and also "news"); its
				      subscribers get the message too, and
				      one who takes both on a channel gets
				      it once there, with the first topic's
				      unsubscribe link */
};
/* notify_channels_off -- the channels this server does not send on (no
 * provider configured: `serve` without --sms-* or --line-*), as
 * notify_fanout's off bits; for the pages that send (web/page_channels.c
 * knows the options). */
unsigned notify_channels_off(void);

/* notify_fanout -- queue one message per subscriber of f->topic, each in
 * the subscriber's language with their unsubscribe link: by e-mail in the
 * body and in List-Unsubscribe, one INSERT ... SELECT per language into
 * the outbox (an address that hard-bounced since the resident saved it is
 * skipped); by SMS and LINE one INSERT ... SELECT per language into
 * notify_messages, joined with the verified contacts.  All in one
 * transaction (the caller's or its own).  *queued gets how many.
 * ERR_INVALID (topic, template without ((unsubscribe_url)) once in the
 * body, values), ERR_LIMIT (an SMS over 10 segments with its link),
 * ERR_NOTFOUND (template), ERR_DB. */
int notify_fanout(int64_t *queued, struct store *s, const char *tenant, const struct notify_fanout *f,
		  int64_t now, struct err *e);

/* notify_fanout_render -- what notify_fanout would send on each channel
 * in lang (out[NOTIFY_EMAIL], out[NOTIFY_SMS], out[NOTIFY_LINE]; texts in
 * a), with a sample unsubscribe link as long as a real one: for staff to
 * check before sending.  The same errors as notify_fanout (ERR_LIMIT: an
 * SMS over 10 segments with its link), whoever subscribes. */
int notify_fanout_render(struct notify_message out[3], struct arena *a, struct store *s, const char *tenant,
			 const struct notify_fanout *f, const char *lang, struct err *e);

/* notify_subscription_lang -- whether account subscribes to topic: 1 by
 * e-mail, 2 by SMS or LINE only, with the subscription's language in lang
 * ("ja", "en", "ja-easy"); 0 (lang "ja") when not; a negative ERR_*.  For
 * the senders of a resident's own messages (an application's state, their
 * bulky-waste reminder), which follow the choice made on My page. */
int notify_subscription_lang(char lang[8], struct store *s, const char *tenant, int64_t account,
			     const char *topic, struct err *e);

/* notify_own_unsubscribe -- the one-click link that ends account's
 * e-mail subscription to topic, link_base + "/unsubscribe/" + its token,
 * into out (cap bytes, at least MAIL_LINK_MAX + 1); ERR_NOTFOUND when not
 * subscribed by e-mail, ERR_LIMIT when it does not fit. */
int notify_own_unsubscribe(char *out, size_t cap, struct store *s, const char *tenant, int64_t account,
			   const char *topic, const char *link_base, struct err *e);

/* notify_account_channels -- a resident's own message on the SMS and
 * LINE channels they chose for topic: for each of account's subscriptions
 * to topic by SMS or LINE whose contact is verified, sms_id / line_id
 * (NULL: that channel not sent) rendered in the subscription's language
 * with the values it has a field for -- and, link_base not NULL, that
 * subscription's one-click link as NOTIFY_UNSUBSCRIBE_URL -- queued
 * (notify_send: held in quiet hours unless priority > 0).  *queued how
 * many (0 to 2).  The caller's transaction or its own per message.  The
 * errors of notify_send. */
int notify_account_channels(int *queued, struct store *s, const char *tenant, int64_t account, const char *topic,
			    const char *sms_id, const char *line_id, const struct notify_value *vals, int n,
			    const char *link_base, int priority, int64_t now, struct err *e);
/* notify_account_channels_each -- the same, with the values made for each
 * subscription's language ("ja", "en", "ja-easy") by values(arg, lang,
 * &vals, &n), so that names and dates read in the language of the
 * template they fill; valid until the next call.  A non-zero return of
 * values is returned. */
typedef int (*notify_values_fn)(void *arg, const char *lang, const struct notify_value **vals, int *n);
int notify_account_channels_each(int *queued, struct store *s, const char *tenant, int64_t account,
				 const char *topic, const char *sms_id, const char *line_id,
				 notify_values_fn values, void *arg, const char *link_base, int priority,
				 int64_t now, struct err *e);

/* ---- the defaults (defaults.c) ---- */

/* a template the platform ships: its texts for a new municipality, what
 * it is for (staff read it in the list), and sample values for the
 * editor's preview ("name=value" lines) */
struct notify_default {
	const char *slug;
	enum notify_channel channel;
	const char *fields;
	const char *about_ja, *about_en;
	const char *samples;
	struct notify_text text[NOTIFY_NLANG];
};
extern const struct notify_default notify_defaults[];
extern const int notify_ndefaults;
/* notify_default_find -- the default of slug, or NULL */
const struct notify_default *notify_default_find(const char *slug);

/* notify_install_defaults -- create each default template tenant lacks
 * (version 1, author "(default)"); templates it has stay as they are.
 * Returns how many were created or a negative ERR_*.  Joins the caller's
 * transaction, else its own. */
int notify_install_defaults(struct store *s, const char *tenant, int64_t now, struct err *e);

/* ---- messages of the SMS and LINE channels (message.c) ----
 *
 * One row per message (table notify_messages, migration 3): tenant,
 * channel (sms, line), recipient (an E.164 phone number or a LINE user
 * id), the template and language it was rendered from, the rendered text,
 * the lane (priority), the state, the provider's message id, attempts,
 * the next attempt, the last error as a code (never a number, an id or a
 * text), and times.  States:
 *
 *   queued --claim--> sending --provider accepted, receipt--> delivered
 *      ^                 |                               \--> bounced (undeliverable)
 *      |   transient     |                                \-> failed
 *      +-----------------+  (back-off, until NOTIFY_MSG_ATTEMPTS_MAX: failed)
 *                        \--provider refused the message--> failed
 *
 * delivered, failed and bounced are final: a later receipt changes
 * nothing (receipts are idempotent).  A message in `sending` without a
 * provider id is claimed by a delivery run; with one, the provider has
 * it and its receipt is awaited.  */
#define NOTIFY_SMS_UNITS_MAX 670  /* UTF-16 units (UCS-2): 10 segments of 67 */
#define NOTIFY_SMS_SEGMENT1 70    /* a message of one segment, UCS-2       */
#define NOTIFY_SMS_SEGMENTN 67    /* each segment of a concatenated one    */
#define NOTIFY_LINE_TEXT_MAX 5000 /* characters of a LINE text message     */
#define NOTIFY_PHONE_MAX 16       /* "+" and up to 15 digits (E.164)       */
#define NOTIFY_LINE_ID_LEN 33     /* "U" and 32 hex digits                 */
#define NOTIFY_RECIPIENT_MAX 64
#define NOTIFY_PROVIDER_ID_MAX 64
#define NOTIFY_CODE_MAX 40        /* a last error code: "sms 400 21211"    */
#define NOTIFY_MSG_ATTEMPTS_MAX 6
#define NOTIFY_MSG_RETRY_BASE 30  /* seconds before the 2nd attempt        */
#define NOTIFY_MSG_RETRY_CAP 3600
#define NOTIFY_MSG_BATCH 20
/* a claimed message is due again after this: longer than its batch can
 * take, every message to the provider's whole timeout (10 s), so that
 * no other runner takes and sends again a message still being sent (an
 * SMS has no retry key: it would reach the resident twice) */
#define NOTIFY_MSG_CLAIM_SECS 300

enum notify_state { NOTIFY_QUEUED = 0, NOTIFY_SENDING, NOTIFY_DELIVERED, NOTIFY_FAILED,
		    NOTIFY_BOUNCED };
/* "queued", "sending", "delivered", "failed", "bounced" / -1 */
const char *notify_state_name(enum notify_state s);
int notify_state_parse(const char *s);
/* 1 for delivered, failed, bounced */
int notify_state_final(enum notify_state s);
/* notify_state_step_ok -- 1 when a message may go from `from` to `to`
 * (the diagram above) */
int notify_state_step_ok(enum notify_state from, enum notify_state to);

/* notify_sms_units -- UTF-16 code units of a UTF-8 text (a character
 * outside the BMP counts 2), -1 for invalid UTF-8; notify_sms_segments --
 * the segments it is sent in as UCS-2: 1 up to 70 units, else
 * ceil(units / 67); 0 for the empty text, -1 invalid */
int notify_sms_units(const char *text);
int notify_sms_segments(const char *text);
/* an E.164 number: "+", a first digit 1-9, 8 to 15 digits in all */
int notify_phone_valid(const char *s);
/* a LINE user id: "U" and 32 lower-case hex digits */
int notify_line_id_valid(const char *s);
/* notify_backoff -- seconds to wait after the attempts-th failed attempt
 * (1, 2, ...): NOTIFY_MSG_RETRY_BASE * 2^(attempts-1), at most
 * NOTIFY_MSG_RETRY_CAP */
int64_t notify_backoff(int attempts);

struct notify_send {
	enum notify_channel channel;   /* NOTIFY_SMS or NOTIFY_LINE          */
	const char *recipient;         /* E.164 number / LINE user id        */
	const char *template_id;       /* a template of that channel         */
	const char *lang;              /* "ja", "en", "ja-easy"; NULL: ja    */
	const struct notify_value *vals;
	int n;
	int priority;                  /* 0 normal (held in quiet hours), 1 emergency */
};
/* notify_send -- render the template's body (its channel must be
 * s->channel; an SMS within NOTIFY_SMS_UNITS_MAX units, a LINE text within
 * NOTIFY_LINE_TEXT_MAX characters) and queue it, in the caller's
 * transaction (else its own), with a delivery job woken for it; a normal
 * message in quiet hours waits for their end.  *id gets the message id.
 * ERR_INVALID (recipient, channel, values), ERR_LIMIT (too long),
 * ERR_NOTFOUND (template), ERR_DB. */
int notify_send(int64_t *id, struct store *s, const char *tenant, const struct notify_send *m,
		int64_t now, struct err *e);

struct notify_msg {
	int64_t id;
	const char *tenant, *channel, *recipient, *template_id, *lang, *body;
	int segments, priority;
	enum notify_state state;
	const char *provider_id;       /* "" none yet                        */
	int attempts;
	int64_t next_attempt_at;       /* 0: none                            */
	const char *last_error;        /* "" none; a code, never personal    */
	int64_t created_at, sent_at, done_at;
};
/* notify_msg_get -- message id of tenant (strings in a); ERR_NOTFOUND */
int notify_msg_get(struct notify_msg *out, struct arena *a, struct store *s, const char *tenant,
		   int64_t id, struct err *e);
/* notify_msg_list -- tenant's messages newest first, of channel (NULL:
 * any) and state (NULL: any), at most limit (<= 200) from offset; fn sees
 * each.  Returns how many or a negative ERR_*. */
int notify_msg_list(struct store *s, const char *tenant, const char *channel, const char *state,
		    int limit, int offset, int (*fn)(const struct notify_msg *m, void *arg),
		    void *arg, struct err *e);

/* delivery (the job): claim a batch, send each outside any transaction,
 * record each outcome under the claim */
struct notify_claimed {
	int64_t id;
	char tenant[64];
	char recipient[NOTIFY_RECIPIENT_MAX + 1];
	char *body;                    /* malloc'd: notify_claimed_free       */
	int attempts, priority;
};
/* notify_msg_claim -- up to max messages of channel due at now, the
 * emergency lane first, then by when each became due: state sending,
 * claimed_by tok, due again after NOTIFY_MSG_CLAIM_SECS (a runner that
 * died leaves them to the next).  Commits the claim.  *n gets how many. */
int notify_msg_claim(struct notify_claimed *out, int *n, int max, struct store *s,
		     enum notify_channel ch, const char *tok, int64_t now, struct err *e);
void notify_claimed_free(struct notify_claimed *c, int n);
enum notify_outcome {
	NOTIFY_OUT_ACCEPTED,   /* the provider has it: await the receipt    */
	NOTIFY_OUT_RETRY,      /* transient: back-off, or failed after the last attempt */
	NOTIFY_OUT_REFUSED,    /* permanent: failed                         */
	NOTIFY_OUT_DEFER,      /* the provider unreachable: again after the base, no attempt charged */
};
/* notify_msg_outcome -- record one claimed message's outcome (only while
 * tok still holds it); provider_id for ACCEPTED, code (no personal data)
 * for the others. */
int notify_msg_outcome(struct store *s, int64_t id, const char *tok, enum notify_outcome o,
		       const char *provider_id, const char *code, int64_t now, struct err *e);
/* notify_msg_receipt -- the provider's receipt for its message
 * provider_id of channel ch: to is delivered, failed or bounced; only a
 * message in `sending` moves (a repeated or late receipt changes nothing:
 * *changed 0).  ERR_NOTFOUND when tenant has no such message. */
int notify_msg_receipt(int *changed, struct store *s, const char *tenant, enum notify_channel ch,
		       const char *provider_id, enum notify_state to, const char *code, int64_t now,
		       struct err *e);
/* notify_msg_next_due -- the earliest next attempt of a queued message of
 * channel ch (0: none) */
int notify_msg_next_due(int64_t *at, struct store *s, enum notify_channel ch, struct err *e);
/* the delivery job's kind (woken by notify_send) */
#define NOTIFY_DELIVER_JOB "notify.deliver"
/* notify_wake -- a queued delivery job due by at (seconds), submitted
 * when there is none; in the caller's transaction */
int notify_wake(struct store *s, int64_t at, struct err *e);

/* ---- a resident's SMS number and LINE id, verified (link.c) ----
 * SMS: the resident types a number on My page; a code (6 digits) is sent
 * to it by SMS and typed back (notify_sms_verify_code).  LINE: My page
 * shows a code (8 characters of A-Z and 2-9 without look-alikes); the
 * resident sends it to the ward's official account, and the signed
 * webhook's message event carries the user id and the code
 * (notify_line_link).  Codes: kept as a hash, single use, expiring after
 * NOTIFY_LINK_TTL, a new one ends the older; an SMS code allows
 * NOTIFY_LINK_TRIES wrong guesses. */
#define NOTIFY_SMS_CODE_LEN 6
#define NOTIFY_LINE_CODE_LEN 8
#define NOTIFY_LINK_TTL 900
#define NOTIFY_LINK_TRIES 5
int notify_link_code_valid(enum notify_channel ch, const char *code);
/* notify_link_code_new -- a new code for account and channel (SMS: target
 * is the number to verify) into code (NOTIFY_LINE_CODE_LEN + 1 bytes) */
int notify_link_code_new(char *code, struct store *s, const char *tenant, int64_t account,
			 enum notify_channel ch, const char *target, int64_t now, struct err *e);
/* notify_link_codes_recent -- how many codes account had made for ch
 * since then (a limit on SMS codes sent: each costs and reaches a phone) */
#define NOTIFY_SMS_CODES_PER_HOUR 5
#define NOTIFY_LINE_CODES_PER_HOUR 10   /* link codes an account makes an hour */
int notify_link_codes_recent(struct store *s, const char *tenant, int64_t account,
			     enum notify_channel ch, int64_t since, struct err *e);
/* notify_line_link -- the code sent from user_id: its account gets that
 * LINE id (*account).  ERR_NOTFOUND: no such code (used, expired, never
 * made, malformed) */
int notify_line_link(int64_t *account, struct store *s, const char *tenant, const char *code,
		     const char *user_id, int64_t now, struct err *e);
/* notify_sms_verify_code -- the code typed back: the number is verified.
 * ERR_NOTFOUND (no code waits), ERR_DENIED (wrong; counted) */
int notify_sms_verify_code(struct store *s, const char *tenant, int64_t account, const char *code,
			   int64_t now, struct err *e);
/* the verified number / LINE id of an account ("" none) */
int notify_contact_get(char *address, size_t cap, struct store *s, const char *tenant,
		       int64_t account, enum notify_channel ch, struct err *e);
int notify_contact_remove(struct store *s, const char *tenant, int64_t account,
			  enum notify_channel ch, struct err *e);
/* a user who blocked the official account: their LINE id is unlinked */
int notify_line_unfollow(struct store *s, const char *tenant, const char *user_id, struct err *e);
/* notify_line_event_seen -- record a webhook event id: 0 new, 1 seen before */
int notify_line_event_seen(struct store *s, const char *tenant, const char *event_id, int64_t now,
			   struct err *e);

/* ---- a resident closes their account (erase.c) ----
 * notify_account_forget -- what the service holds only because of
 * account goes, in the caller's transaction (else its own): its
 * subscriptions, its verified SMS number and LINE id, its link codes; a
 * message to one of its numbers or ids (or a number it asked a code for)
 * still `queued` becomes `failed` with the code "account closed" (a
 * verification code's text blanked), unless another account of tenant
 * has that number or id verified.  Messages `sending` or final stay: the
 * record of what the ward sent.  out (may be NULL) gets the counts.  The
 * svc.h account_closed hook of the service (service.c). */
struct notify_forgotten {
	int subscriptions, contacts, codes, messages;
};
int notify_account_forget(struct notify_forgotten *out, struct store *s, const char *tenant,
			  int64_t account, int64_t now, struct err *e);

extern const struct store_module_schema notify_schema;

#include "svc/notify/notify_hooks.h"   /* webhooks to staff systems */

#endif
