/*
 * news_schema.c -- the "news" schema: the notices of each municipality.
 *
 * Invariants: state is one of draft, published, withdrawn, archived;
 * title_ja and body_ja are never empty (news_check); until_at, when set,
 * is after publish_at; category is NULL or a code of notify_categories
 * (news_check); indexed says what the site search holds of the
 * notice (news_index_sync, index.c).  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/news/news.h"

static const struct store_migration news_migrations[] = {
	{ 1, "news items",
	  "CREATE TABLE news_items ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " title_ja TEXT NOT NULL,"
	  " title_en TEXT,"
	  " body_ja TEXT NOT NULL,"
	  " body_en TEXT,"
	  " important INTEGER NOT NULL DEFAULT 0 CHECK (important IN (0, 1)),"
	  " publish_at BIGINT NOT NULL,"
	  " until_at BIGINT,"
	  " state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn', 'archived')),"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL,"
	  " CHECK (until_at IS NULL OR until_at > publish_at));"
	  "CREATE INDEX news_items_public ON news_items (tenant, state, publish_at)" },
	/* whether the site search holds the notice (index.c): 0 not, 1 yes
	 * with its current text, 2 yes but edited since */
	{ 2, "news items in the site search",
	  "ALTER TABLE news_items ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0"
	  " CHECK (indexed IN (0, 1, 2))" },
	/* the category (分野) of the notice, a code of notify_categories (news.h;
	 * news_check), NULL: none */
	{ 3, "news categories",
	  "ALTER TABLE news_items ADD COLUMN category TEXT" },
};

const struct store_module_schema news_schema = {
	"news", news_migrations,
	(int)(sizeof news_migrations / sizeof news_migrations[0])
};
