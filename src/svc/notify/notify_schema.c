/*
 * notify_schema.c -- the "notify" schema: each municipality's message
 * templates and every version of their texts.
 *
 * Invariants: (tenant, slug) is unique; a template's versions count 1, 2,
 * 3 ... without gaps ((template_id, version) unique) and the template's
 * `version` is the newest, the one in force; versions are never updated
 * or deleted (the history); ja's subject and body are never empty
 * (notify_check).  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/notify/notify.h"

static const struct store_migration notify_migrations[] = {
	{ 1, "message templates and their versions",
	  "CREATE TABLE notify_templates ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " slug TEXT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'line')),"
	  " fields TEXT NOT NULL,"
	  " version INTEGER NOT NULL CHECK (version >= 1),"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, slug));"
	  "CREATE TABLE notify_template_versions ("
	  " id {{ID}},"
	  " template_id BIGINT NOT NULL REFERENCES notify_templates(id),"
	  " version INTEGER NOT NULL CHECK (version >= 1),"
	  " subject_ja TEXT NOT NULL,"
	  " body_ja TEXT NOT NULL,"
	  " subject_en TEXT NOT NULL DEFAULT '',"
	  " body_en TEXT NOT NULL DEFAULT '',"
	  " subject_easy TEXT NOT NULL DEFAULT '',"
	  " body_easy TEXT NOT NULL DEFAULT '',"
	  " author TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (template_id, version))" },
	/* residents' subscriptions (subscribe.c): one row per account, topic
	 * and channel; address is the account's verified e-mail when it
	 * subscribed (kept fresh by the next save on My page); token (64 hex
	 * digits, random) is the one-click unsubscribe link's */
	{ 2, "subscriptions",
	  "CREATE TABLE notify_subscriptions ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " account BIGINT NOT NULL,"
	  " topic TEXT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('email')),"
	  " address TEXT NOT NULL,"
	  " lang TEXT NOT NULL CHECK (lang IN ('ja', 'en', 'ja-easy')),"
	  " token TEXT NOT NULL UNIQUE,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, account, topic, channel));"
	  "CREATE INDEX notify_subscriptions_topic ON notify_subscriptions (tenant, topic, lang)" },
	/* messages of the SMS and LINE channels (message.c): one row each;
	 * state queued -> sending -> delivered | failed | bounced (final);
	 * next_attempt_at NULL once the provider has it or it is final;
	 * last_error a code, never personal data */
	{ 3, "SMS and LINE messages, verified numbers and LINE ids, link codes, LINE events",
	  "CREATE TABLE notify_messages ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " channel TEXT NOT NULL CHECK (channel IN ('sms', 'line')),"
	  " recipient TEXT NOT NULL,"
	  " template TEXT NOT NULL,"
	  " lang TEXT NOT NULL CHECK (lang IN ('ja', 'en', 'ja-easy')),"
	  " body TEXT NOT NULL,"
	  " segments INTEGER NOT NULL DEFAULT 1,"
	  " priority INTEGER NOT NULL DEFAULT 0,"
	  " state TEXT NOT NULL DEFAULT 'queued'"
	  "  CHECK (state IN ('queued', 'sending', 'delivered', 'failed', 'bounced')),"
	  " provider_id TEXT,"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " next_attempt_at BIGINT,"
	  " claimed_by TEXT,"
	  " last_error TEXT,"
	  " created_at BIGINT NOT NULL,"
	  " sent_at BIGINT,"
	  " done_at BIGINT);"
	  "CREATE INDEX notify_messages_due ON notify_messages (channel, state, priority, next_attempt_at);"
	  "CREATE INDEX notify_messages_provider ON notify_messages (channel, provider_id);"
	  "CREATE INDEX notify_messages_tenant ON notify_messages (tenant, id);"
	  /* a resident's SMS number or LINE user id, once verified (SMS: a
	   * code sent to the number typed; LINE: a one-time code the
	   * resident sends to the ward's official account) */
	  "CREATE TABLE notify_contacts ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " account BIGINT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('sms', 'line')),"
	  " address TEXT NOT NULL,"
	  " verified_at BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, account, channel));"
	  /* one-time codes: only their hash is kept; single use, expiring */
	  "CREATE TABLE notify_link_codes ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " account BIGINT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('sms', 'line')),"
	  " code_hash TEXT NOT NULL,"
	  " target TEXT,"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " expires_at BIGINT NOT NULL,"
	  " used_at BIGINT,"
	  " created_at BIGINT NOT NULL);"
	  "CREATE INDEX notify_link_codes_hash ON notify_link_codes (tenant, channel, code_hash);"
	  "CREATE INDEX notify_link_codes_account ON notify_link_codes (tenant, account, channel);"
	  /* the LINE webhook's events seen (webhookEventId): a replay is refused */
	  "CREATE TABLE notify_line_events ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " event_id TEXT NOT NULL,"
	  " received_at BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, event_id))" },
	/* webhooks to staff systems (hooks.c, hooks_send.c): endpoints (the
	 * secret sealed, never deleted: disabled), the events each wants, one
	 * delivery per event and endpoint (its body as sent, the same on
	 * every attempt), every attempt with its status */
	{ 4, "webhook endpoints and deliveries",
	  "CREATE TABLE notify_hook_endpoints ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " url TEXT NOT NULL,"
	  " note TEXT NOT NULL DEFAULT '',"
	  " secret_box TEXT NOT NULL,"
	  " enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " secret_at BIGINT NOT NULL);"
	  "CREATE INDEX notify_hook_endpoints_tenant ON notify_hook_endpoints (tenant);"
	  "CREATE TABLE notify_hook_events ("
	  " endpoint_id BIGINT NOT NULL REFERENCES notify_hook_endpoints(id),"
	  " type TEXT NOT NULL,"
	  " PRIMARY KEY (endpoint_id, type));"
	  "CREATE TABLE notify_hook_deliveries ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " endpoint_id BIGINT NOT NULL REFERENCES notify_hook_endpoints(id),"
	  " msg_id TEXT NOT NULL,"
	  " type TEXT NOT NULL,"
	  " body TEXT NOT NULL,"
	  " state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'failed')),"
	  " attempts INTEGER NOT NULL DEFAULT 0,"
	  " next_attempt_at BIGINT,"
	  " claimed_by TEXT,"
	  " last_status INTEGER NOT NULL DEFAULT 0,"
	  " last_error TEXT NOT NULL DEFAULT '',"
	  " created_at BIGINT NOT NULL,"
	  " delivered_at BIGINT,"
	  " UNIQUE (endpoint_id, msg_id));"
	  "CREATE INDEX notify_hook_deliveries_due ON notify_hook_deliveries (state, next_attempt_at);"
	  "CREATE INDEX notify_hook_deliveries_tenant ON notify_hook_deliveries (tenant, endpoint_id);"
	  "CREATE INDEX notify_hook_deliveries_claim ON notify_hook_deliveries (claimed_by);"
	  "CREATE TABLE notify_hook_attempts ("
	  " delivery_id BIGINT NOT NULL REFERENCES notify_hook_deliveries(id),"
	  " n INTEGER NOT NULL,"
	  " at BIGINT NOT NULL,"
	  " status INTEGER NOT NULL,"
	  " error TEXT NOT NULL DEFAULT '',"
	  " PRIMARY KEY (delivery_id, n))" },
	/* topics by SMS and LINE (subscribe.c): one row per account, topic
	 * and channel, its own unsubscribe token; the number or LINE id is
	 * not copied: the fan-out joins notify_contacts when it queues, so a
	 * number changed or removed on My page is followed.  A table of its
	 * own because SQLite cannot widen notify_subscriptions' CHECK without
	 * rebuilding it (and renumbering its rows on PostgreSQL).
	 * address_at: when the e-mail address was last saved by the resident;
	 * the outbox skips an address that hard-bounced after it */
	{ 5, "subscriptions by SMS and LINE; when an e-mail subscription's address was saved",
	  "CREATE TABLE notify_channel_subs ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " account BIGINT NOT NULL,"
	  " topic TEXT NOT NULL,"
	  " channel TEXT NOT NULL CHECK (channel IN ('sms', 'line')),"
	  " lang TEXT NOT NULL CHECK (lang IN ('ja', 'en', 'ja-easy')),"
	  " token TEXT NOT NULL UNIQUE,"
	  " created_at BIGINT NOT NULL,"
	  " UNIQUE (tenant, account, topic, channel));"
	  "CREATE INDEX notify_channel_subs_topic ON notify_channel_subs (tenant, topic, channel, lang);"
	  "ALTER TABLE notify_subscriptions ADD COLUMN address_at BIGINT NOT NULL DEFAULT 0;"
	  /* rows made before: their address was saved when they were made */
	  "UPDATE notify_subscriptions SET address_at = created_at" },
	/* the areas (地区) of a municipality's disaster alerts: a resident
	 * chooses one on My page ("disaster.<code>"), staff send to one
	 * (area.c); pos keeps the order staff added them in */
	{ 6, "areas of disaster alerts",
	  "CREATE TABLE notify_areas ("
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " code TEXT NOT NULL,"
	  " name_ja TEXT NOT NULL,"
	  " name_en TEXT,"
	  " pos BIGINT NOT NULL,"
	  " PRIMARY KEY (tenant, code));"
	  /* the codes residents typed before there was a list become areas
	   * (named by their code; staff rename them): no subscription is left
	   * naming an area the municipality does not have */
	  "INSERT INTO notify_areas (tenant, code, name_ja, pos)"
	  " SELECT DISTINCT tenant, substr(topic, 10), substr(topic, 10), 0 FROM"
	  " (SELECT tenant, topic FROM notify_subscriptions UNION SELECT tenant, topic FROM notify_channel_subs) t"
	  " WHERE substr(topic, 1, 9) = 'disaster.' AND length(topic) > 9" },
	/* a resident's own messages of a subscription carry its one-click
	 * link (NOTIFY_UNSUBSCRIBE_URL): the templates a municipality stored
	 * before get the field, so that staff can place ((unsubscribe_url))
	 * in their text (the shipped text has it; a stored one is the
	 * municipality's words and is not rewritten) */
	{ 7, "the unsubscribe link's field in the templates of a resident's own messages",
	  "UPDATE notify_templates SET fields = fields || ' unsubscribe_url'"
	  " WHERE slug IN ('waste.reminder', 'sms.apply_state', 'line.apply_state', 'sms.waste_reminder',"
	  " 'line.waste_reminder') AND ' ' || fields || ' ' NOT LIKE '% unsubscribe_url %'" },
};

const struct store_module_schema notify_schema = {
	"notify", notify_migrations,
	(int)(sizeof notify_migrations / sizeof notify_migrations[0])
};
