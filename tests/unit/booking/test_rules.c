/*
 * test_rules.c -- the rules of facility reservations as data
 * (src/svc/booking/rules.c, booking.h "Rules as data"):
 *   - the shipped default (デモ区, Suginami's pattern) and a second ward's
 *     rules (tests/data/booking/rules-other.conf: Kodaira's and Theatre
 *     Fonte's patterns) parse to the values they say;
 *   - every refusal of the parser: unknown, repeated, missing key, value
 *     out of range, round out of order, bad kind code, too many kinds,
 *     too long, not UTF-8, and each consistency check (with its line);
 *   - every cap and deadline at its boundary instants, 23:59:59 and
 *     00:00:00 JST (or the set minute and the second before): entry
 *     window, draw, confirming, first come, キャンセル枠 opening, hold,
 *     payment, free cancellation and the fee; a day past a month's end;
 *   - the stored text on the database MADOGUCHI_TEST_DB names (SQLite or
 *     PostgreSQL): the default when none, save and load round trip, a bad
 *     text refused with nothing written, one row per municipality.
 * Instants are made from jp/date.h (jp_jst_midnight), not typed in.
 */
#include "t.h"
#include "tdb.h"

#include "web/app.h"
#include "core/tenant/tenant.h"
#include "svc/booking/booking.h"

static struct tdb db;

#define T1 "139998"
#define T2 "131059"

static struct jp_date D(int y, int m, int d)
{
	return (struct jp_date){ y, m, d };
}

/* y-m-d hh:mm:ss JST */
static int64_t J(int y, int m, int d, int hh, int mm, int ss)
{
	return jp_jst_midnight(D(y, m, d)) + hh * 3600 + mm * 60 + ss;
}

/* the last second of y-m-d JST (23:59:59) */
static int64_t LAST(int y, int m, int d)
{
	return J(y, m, d, 23, 59, 59);
}

static char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	*n = fread(buf, 1, sizeof buf - 1, f);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

static struct booking_rules rules, other;

static void test_default(void)
{
	struct err e = { 0 };
	T_REQUIRE(booking_rules_parse(&rules, booking_rules_default, strlen(booking_rules_default), &e) == 0);
	T_EQ_INT(rules.nkinds, 3);
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	const struct booking_rule *hall = booking_rule_find(&rules, "hall");
	const struct booking_rule *sports = booking_rule_find(&rules, "sports");
	T_REQUIRE(room && hall && sports);
	T_CHECK(booking_rule_find(&rules, "pool") == NULL);
	T_EQ_STR(room->name_ja, "集会室");
	T_EQ_STR(room->name_en, "Meeting rooms");
	T_EQ_INT(room->open_months_before, 2);
	T_EQ_INT(room->open_day, 27);
	T_EQ_INT(room->open_min, 9 * 60);
	T_EQ_INT(room->who, BOOKING_WHO_SAZANKA | BOOKING_WHO_WARD | BOOKING_WHO_OUTSIDE);
	T_EQ_INT(room->hold_minutes, 15);
	T_EQ_INT(room->cancel_min, -1);
	T_EQ_INT(room->cancel_one_per_group, 0);
	T_EQ_INT(room->nrounds, 2);
	const struct booking_round_rule *r1 = &room->rounds[0], *r2 = &room->rounds[1];
	T_EQ_STR(r1->name_ja, "1次 優先団体抽選");
	T_EQ_INT(r1->who, BOOKING_WHO_SAZANKA);
	T_EQ_INT(r1->months_before, 3);
	T_EQ_INT(r1->entry_from_day, 15);
	T_EQ_INT(r1->entry_to_day, 23);
	T_EQ_INT(r1->choices_max, 3);
	T_EQ_INT(r1->alloc, BOOKING_ALLOC_ORDER);
	T_EQ_STR(r2->name_ja, "2次 一般抽選");
	T_EQ_INT(r2->who, BOOKING_WHO_SAZANKA | BOOKING_WHO_WARD);
	T_EQ_INT(r2->months_before, 2);
	T_EQ_INT(r2->entry_from_day, 1);
	T_EQ_INT(r2->entry_to_day, 9);
	/* 区外 may book 空き枠 only: in no round */
	for (int k = 0; k < rules.nkinds; k++)
		for (int i = 0; i < rules.kinds[k].nrounds; i++)
			T_CHECK(!(rules.kinds[k].rounds[i].who & BOOKING_WHO_OUTSIDE));
	T_EQ_INT(hall->open_months_before, 7);
	T_EQ_INT(hall->nrounds, 2);
	T_EQ_INT(hall->rounds[0].months_before, 8);
	T_EQ_INT(hall->rounds[1].months_before, 7);
	T_EQ_INT(sports->cancel_min, 8 * 60 + 30);
	T_EQ_INT(sports->cancel_one_per_group, 1);
	T_EQ_INT(sports->fair_pool_seconds, 5);
	T_EQ_INT(sports->nrounds, 2);
	T_EQ_INT(sports->rounds[0].alloc, BOOKING_ALLOC_PER_SLOT);
	/* a parse with CRLF lines and a BOM gives the same rules */
	size_t n = strlen(booking_rules_default);
	char *crlf = malloc(2 * n + 4), *q = crlf;
	T_REQUIRE(crlf);
	memcpy(q, "\xEF\xBB\xBF", 3);
	q += 3;
	for (size_t i = 0; i < n; i++) {
		if (booking_rules_default[i] == '\n')
			*q++ = '\r';
		*q++ = booking_rules_default[i];
	}
	struct booking_rules *again = malloc(sizeof *again);
	T_REQUIRE(again);
	T_EQ_INT(booking_rules_parse(again, crlf, (size_t)(q - crlf), &e), 0);
	T_CHECK(memcmp(again, &rules, sizeof rules) == 0);
	free(again);
	free(crlf);
}

static void test_other_ward(void)
{
	struct err e = { 0 };
	size_t n;
	char *text = read_file("tests/data/booking/rules-other.conf", &n);
	T_REQUIRE(text);
	T_REQUIRE(booking_rules_parse(&other, text, n, &e) == 0);
	T_EQ_INT(other.nkinds, 2);
	const struct booking_rule *room = booking_rule_find(&other, "room");
	const struct booking_rule *th = booking_rule_find(&other, "theatre");
	T_REQUIRE(room && th);
	T_EQ_STR(room->name_ja, "公民館");
	T_EQ_INT(room->who, BOOKING_WHO_WARD);
	T_EQ_INT(room->pay_before_days, 7);
	T_EQ_INT(room->pay_days, 400);
	T_EQ_INT(room->cancel_min, -1);
	T_EQ_INT(room->fair_pool_seconds, 0); /* not given: 0 */
	T_EQ_INT(room->nrounds, 1);
	T_EQ_INT(room->rounds[0].draw_day, 20);
	T_EQ_INT(room->rounds[0].draw_min, 0);
	T_EQ_INT(room->rounds[0].choices_max, 1);
	T_EQ_INT(room->rounds[0].confirm_days, 8);
	T_EQ_INT(room->rounds[0].alloc, BOOKING_ALLOC_PER_SLOT);
	T_EQ_INT(th->rounds[0].choices_max, 8);
	T_EQ_INT(th->rounds[0].entries_cap, 12);
	T_EQ_INT(th->rounds[0].wins_cap, 12);
	T_EQ_INT(th->rounds[0].months_before, 12);
	T_EQ_INT(th->rounds[0].draw_min, 13 * 60 + 30);
	T_EQ_INT(th->open_min, 0);
	T_EQ_INT(th->cancel_min, 9 * 60);
	T_EQ_INT(th->cancel_one_per_group, 0);
	T_EQ_INT(th->who, BOOKING_WHO_WARD | BOOKING_WHO_OUTSIDE);

	/* Kodaira: confirmed by the month's end -- every month, the draw on
	 * the 20th and confirming until the end of the 28th */
	for (int m = 1; m <= 12; m++) {
		int64_t from, to, draw, confirm;
		int use = 202700 + m;
		T_EQ_INT(booking_round_times(&room->rounds[0], use, &from, &to, &draw, &confirm, &e), 0);
		int py = m == 1 ? 2026 : 2027, pm = m == 1 ? 12 : m - 1;
		T_EQ_INT(draw, jp_jst_midnight(D(py, pm, 20)));
		T_EQ_INT(confirm, jp_jst_midnight(jp_date_add_days(D(py, pm, 20), 9)));
		T_CHECK(confirm <= jp_jst_midnight(D(2027, m, 1)));
	}
	/* pay 7 days before use: until 23:59:59 of day - 8 */
	int64_t by = booking_pay_by(room, D(2027, 5, 20), J(2027, 4, 25, 12, 0, 0));
	T_EQ_INT(by, jp_jst_midnight(D(2027, 5, 13)));
	T_CHECK(LAST(2027, 5, 12) < by);
	T_CHECK(J(2027, 5, 13, 0, 0, 0) >= by);
}

/* ------------------------------------------------------------------ */
/* Refusals                                                            */

static const char BASE[] =
	"[k]\n"                         /* 1 */
	"name_ja = 部屋\n"              /* 2 */
	"name_en = Room\n"              /* 3 */
	"open_months_before = 2\n"      /* 4 */
	"open_day = 27\n"               /* 5 */
	"open_time = 09:00\n"           /* 6 */
	"who = ward, outside\n"         /* 7 */
	"hold_minutes = 15\n"           /* 8 */
	"pay_days = 7\n"                /* 9 */
	"pay_before_days = 3\n"         /* 10 */
	"cancel_time = 08:30\n"         /* 11 */
	"cancel_free_days = 7\n"        /* 12 */
	"cancel_fee_percent = 50\n"     /* 13 */
	"days_ahead_max = 400\n"        /* 14 */
	"[k round 1]\n"                 /* 15 */
	"name_ja = 抽選\n"              /* 16 */
	"name_en = Lottery\n"           /* 17 */
	"who = ward\n"                  /* 18 */
	"months_before = 2\n"           /* 19 */
	"entry_from_day = 1\n"          /* 20 */
	"entry_to_day = 9\n"            /* 21 */
	"draw_day = 12\n"               /* 22 */
	"draw_time = 10:00\n"           /* 23 */
	"entries_cap = 5\n"             /* 24 */
	"wins_cap = 2\n"                /* 25 */
	"choices_max = 3\n"             /* 26 */
	"confirm_days = 10\n"           /* 27 */
	"allocation = order\n";         /* 28 */

/* BASE with edits, each "N=text" (line N replaced), "N+text" (a line
 * inserted after line N; 0 before the first) or "N-" (line N removed) */
static char *edit(const char *const *edits, int nedits)
{
	static char out[1 << 17];
	size_t o = 0;
	const char *p = BASE;
	for (int line = 0;; line++) {
		const char *nl = line ? strchr(p, '\n') : p - 1;
		int keep = 1;
		for (int i = 0; line && i < nedits; i++) {
			int n = atoi(edits[i]);
			const char *op = edits[i] + strspn(edits[i], "0123456789");
			if (n == line && (*op == '=' || *op == '-'))
				keep = 0;
		}
		if (line && keep) {
			memcpy(out + o, p, (size_t)(nl - p) + 1);
			o += (size_t)(nl - p) + 1;
		}
		for (int i = 0; i < nedits; i++) {
			int n = atoi(edits[i]);
			const char *op = edits[i] + strspn(edits[i], "0123456789");
			if (n == line && (*op == '=' || *op == '+'))
				o += (size_t)sprintf(out + o, "%s\n", op + 1);
		}
		if (line)
			p = nl + 1;
		if (!*p)
			break;
	}
	out[o] = '\0';
	return out;
}

struct refusal {
	const char *why;
	const char *edits[4];
	int code;
	long line;
};

static const struct refusal refusals[] = {
	{ "unknown key", { "9=pay_dayz = 7" }, ERR_INVALID, 9 },
	{ "a round's key in a kind", { "9=draw_day = 7" }, ERR_INVALID, 9 },
	{ "repeated key", { "9+pay_days = 8" }, ERR_INVALID, 10 },
	{ "repeated round key", { "28+allocation = order" }, ERR_INVALID, 29 },
	{ "missing kind key", { "14-" }, ERR_INVALID, 1 },
	{ "missing name_en", { "3-" }, ERR_INVALID, 1 },
	{ "missing round key", { "28-" }, ERR_INVALID, 15 },
	{ "empty value", { "7=who =" }, ERR_INVALID, 7 },
	{ "open_day 32", { "5=open_day = 32" }, ERR_INVALID, 5 },
	{ "open_day 0", { "5=open_day = 0" }, ERR_INVALID, 5 },
	{ "open_months_before 25", { "4=open_months_before = 25" }, ERR_INVALID, 4 },
	{ "negative", { "8=hold_minutes = -1" }, ERR_INVALID, 8 },
	{ "hold 0", { "8=hold_minutes = 0" }, ERR_INVALID, 8 },
	{ "not a number", { "8=hold_minutes = 15min" }, ERR_INVALID, 8 },
	{ "fee percent 101", { "13=cancel_fee_percent = 101" }, ERR_INVALID, 13 },
	{ "fair pool 61", { "14+fair_pool_seconds = 61" }, ERR_INVALID, 15 },
	{ "choices 0", { "26=choices_max = 0" }, ERR_INVALID, 26 },
	{ "choices 9", { "26=choices_max = 9" }, ERR_INVALID, 26 },
	{ "entries cap 0", { "24=entries_cap = 0" }, ERR_INVALID, 24 },
	{ "months_before 0", { "19=months_before = 0" }, ERR_INVALID, 19 },
	{ "time 24:00", { "6=open_time = 24:00" }, ERR_INVALID, 6 },
	{ "time 9:00", { "6=open_time = 9:00" }, ERR_INVALID, 6 },
	{ "time 09:60", { "23=draw_time = 09:60" }, ERR_INVALID, 23 },
	{ "open_time none", { "6=open_time = none" }, ERR_INVALID, 6 },
	{ "cancel_time bad", { "11=cancel_time = never" }, ERR_INVALID, 11 },
	{ "who unknown", { "7=who = ward, city" }, ERR_INVALID, 7 },
	{ "who twice", { "7=who = ward, ward" }, ERR_INVALID, 7 },
	{ "who empty item", { "18=who = ward,," }, ERR_INVALID, 18 },
	{ "yes/no", { "11+cancel_one_per_group = maybe" }, ERR_INVALID, 12 },
	{ "allocation", { "28=allocation = random" }, ERR_INVALID, 28 },
	{ "round 2 first", { "15=[k round 2]" }, ERR_INVALID, 15 },
	{ "round 0", { "15=[k round 0]" }, ERR_INVALID, 15 },
	{ "round 5", { "15=[k round 5]" }, ERR_LIMIT, 15 },
	{ "round of another kind", { "15=[j round 1]" }, ERR_INVALID, 15 },
	{ "round before its kind", { "0+[k round 1]" }, ERR_INVALID, 1 },
	{ "round twice", { "28+[k round 1]" }, ERR_INVALID, 29 },
	{ "section word", { "15=[k rounds 1]" }, ERR_INVALID, 15 },
	{ "section unclosed", { "15=[k round 1" }, ERR_INVALID, 15 },
	{ "kind code upper case", { "1=[Room]" }, ERR_INVALID, 1 },
	{ "kind code symbol", { "1=[k!]" }, ERR_INVALID, 1 },
	{ "kind code empty", { "1=[]" }, ERR_INVALID, 1 },
	{ "kind twice", { "28+[k]" }, ERR_INVALID, 29 },
	{ "key before a section", { "0+hold_minutes = 15" }, ERR_INVALID, 1 },
	{ "no =", { "8=hold_minutes 15" }, ERR_INVALID, 8 },
	{ "control character", { "3=name_en = Ro\x01om" }, ERR_INVALID, 3 },
	{ "not UTF-8", { "3=name_en = Ro\xFFom" }, ERR_INVALID, 3 },
	{ "not UTF-8 (overlong)", { "17=name_en = \xC0\xAF" }, ERR_INVALID, 17 },
	/* consistency */
	{ "entries end before they begin", { "20=entry_from_day = 10" }, ERR_INVALID, 21 },
	{ "draw in the window", { "22=draw_day = 9" }, ERR_INVALID, 22 },
	{ "draw in February's window",
	  { "21=entry_to_day = 28", "22=draw_day = 30", "4=open_months_before = 1", "5=open_day = 1" },
	  ERR_INVALID, 22 },
	{ "wins cap above entries cap", { "25=wins_cap = 6" }, ERR_INVALID, 25 },
	{ "confirming into the month of use", { "27=confirm_days = 60" }, ERR_INVALID, 27 },
	{ "confirming into the month of use (February)",
	  { "4=open_months_before = 1", "5=open_day = 28", "19=months_before = 1", "27=confirm_days = 17" },
	  ERR_INVALID, 27 },
	{ "first come before the draw", { "5=open_day = 11" }, ERR_INVALID, 5 },
	{ "first come a minute before the draw", { "5=open_day = 12", "6=open_time = 09:59" }, ERR_INVALID, 5 },
	{ "first come in an earlier month", { "4=open_months_before = 3" }, ERR_INVALID, 5 },
	{ "one per group without openings", { "11=cancel_time = none", "11+cancel_one_per_group = yes" },
	  ERR_INVALID, 12 },
	{ "round 2 entries before round 1's draw",
	  { "28+[k round 2]\nname_ja = 2次\nname_en = Round 2\nwho = ward\nmonths_before = 2\n"
	    "entry_from_day = 11\nentry_to_day = 12\ndraw_day = 14\ndraw_time = 10:00\nentries_cap = 5\n"
	    "wins_cap = 2\nchoices_max = 3\nconfirm_days = 3\nallocation = order" },
	  ERR_INVALID, 34 },
};

/* near misses: the edges the checks must let through */
static const struct refusal accepted[] = {
	{ "as is", { NULL }, 0, 0 },
	{ "entries of one day", { "20=entry_from_day = 9" }, 0, 0 },
	{ "the draw the day after, at 00:00", { "22=draw_day = 10", "23=draw_time = 00:00" }, 0, 0 },
	{ "entries to the 27th, drawn the 28th",
	  { "21=entry_to_day = 27", "22=draw_day = 28", "4=open_months_before = 1", "5=open_day = 1" }, 0, 0 },
	{ "the draw day past February's end",
	  { "22=draw_day = 31", "4=open_months_before = 1", "5=open_day = 1" }, 0, 0 },
	{ "first come at the draw", { "5=open_day = 12", "6=open_time = 10:00" }, 0, 0 },
	{ "confirming to the 1st (February)",
	  { "4=open_months_before = 1", "5=open_day = 28", "19=months_before = 1", "27=confirm_days = 16" }, 0,
	  0 },
	{ "round 2 entries from round 1's draw (00:00)",
	  { "23=draw_time = 00:00",
	    "28+[k round 2]\nname_ja = 2次\nname_en = Round 2\nwho = ward\nmonths_before = 2\n"
	    "entry_from_day = 12\nentry_to_day = 14\ndraw_day = 15\ndraw_time = 10:00\nentries_cap = 5\n"
	    "wins_cap = 2\nchoices_max = 3\nconfirm_days = 3\nallocation = order" },
	  0, 0 },
	{ "optional keys", { "14+fair_pool_seconds = 60", "14+cancel_one_per_group = yes" }, 0, 0 },
	{ "comments and blanks", { "0+# x", "0+", "3+   # indented", "14+  " }, 0, 0 },
};

static int nedits(const struct refusal *r)
{
	int n = 0;
	while (n < 4 && r->edits[n])
		n++;
	return n;
}

static void test_refusals(void)
{
	struct booking_rules *r = malloc(sizeof *r);
	T_REQUIRE(r);
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		const struct refusal *f = &refusals[i];
		char *text = edit(f->edits, nedits(f));
		struct err e = { 0 };
		memset(r, 0xA5, sizeof *r);
		int rc = booking_rules_parse(r, text, strlen(text), &e);
		if (rc != f->code || e.line != f->line)
			T_FAIL_("%s: got %d at line %ld (%s), want %d at line %ld", f->why, rc, e.line, e.detail,
				f->code, f->line);
		T_EQ_INT(r->nkinds, 0); /* nothing half-parsed */
	}
	for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
		const struct refusal *f = &accepted[i];
		char *text = edit(f->edits, nedits(f));
		struct err e = { 0 };
		int rc = booking_rules_parse(r, text, strlen(text), &e);
		if (f->code == 0 && rc != 0)
			T_FAIL_("%s: refused at line %ld: %s", f->why, e.line, e.detail);
		if (f->code != 0 && rc == 0)
			T_FAIL_("%s: accepted", f->why);
	}
	/* a round without its keys: the round's lines removed entirely */
	{
		char *text = edit((const char *const[]){ "15-", "16-", "17-", "18-", }, 4);
		/* lines 19.. are now keys of the kind: refused as unknown */
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, strlen(text), &e), ERR_INVALID);
		T_EQ_INT(e.line, 15);
	}
	/* a name of BOOKING_NAME_MAX bytes, and one byte more */
	{
		char line[BOOKING_NAME_MAX + 32];
		int n = sprintf(line, "3=name_en = ");
		memset(line + n, 'x', BOOKING_NAME_MAX);
		line[n + BOOKING_NAME_MAX] = '\0';
		char *text = edit((const char *const[]){ line }, 1);
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, strlen(text), &e), 0);
		T_EQ_INT(strlen(r->kinds[0].name_en), BOOKING_NAME_MAX);
		line[n + BOOKING_NAME_MAX] = 'x';
		line[n + BOOKING_NAME_MAX + 1] = '\0';
		text = edit((const char *const[]){ line }, 1);
		T_EQ_INT(booking_rules_parse(r, text, strlen(text), &e), ERR_LIMIT);
		T_EQ_INT(e.line, 3);
	}
	/* a kind without rounds (first come only) */
	{
		char text[1024];
		snprintf(text, sizeof text, "%.*s", (int)(strstr(BASE, "[k round 1]") - BASE), BASE);
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, strlen(text), &e), 0);
		T_EQ_INT(r->kinds[0].nrounds, 0);
	}
	/* empty and blank texts */
	{
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, "", 0, &e), ERR_INVALID);
		T_EQ_INT(e.line, 1);
		T_EQ_INT(booking_rules_parse(r, "# only\n\n", 8, &e), ERR_INVALID);
		T_EQ_INT(e.line, 2);
	}
	/* a NUL inside the text */
	{
		char text[sizeof BASE];
		memcpy(text, BASE, sizeof BASE);
		text[strchr(text, '\n') - text + 3] = '\0'; /* within line 2 */
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, sizeof BASE - 1, &e), ERR_INVALID);
		T_EQ_INT(e.line, 2);
	}
	/* 16 kinds are fine, the 17th is refused at its section's line */
	{
		static char text[1 << 17];
		size_t o = 0;
		const char *kind_part = BASE + 4; /* after "[k]\n", up to the round */
		int kind_len = (int)(strstr(BASE, "[k round 1]") - kind_part);
		for (int k = 0; k < BOOKING_KINDS_MAX + 1; k++)
			o += (size_t)sprintf(text + o, "[k%d]\n%.*s", k, kind_len, kind_part);
		struct err e = { 0 };
		size_t sixteen = (size_t)(strstr(text, "[k16]") - text);
		T_EQ_INT(booking_rules_parse(r, text, sixteen, &e), 0);
		T_EQ_INT(r->nkinds, BOOKING_KINDS_MAX);
		T_EQ_INT(booking_rules_parse(r, text, o, &e), ERR_LIMIT);
		T_EQ_INT(e.line, BOOKING_KINDS_MAX * 14 + 1);
	}
	/* BOOKING_RULES_MAX bytes are fine, one more is refused */
	{
		static char text[BOOKING_RULES_MAX + 2];
		size_t o = (size_t)sprintf(text, "%s", BASE);
		while (o < BOOKING_RULES_MAX) {
			size_t left = BOOKING_RULES_MAX - o;
			size_t n = left > 80 ? 80 : left;
			memset(text + o, '#', n - 1);
			text[o + n - 1] = '\n';
			o += n;
		}
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, BOOKING_RULES_MAX, &e), 0);
		text[BOOKING_RULES_MAX] = '\n';
		T_EQ_INT(booking_rules_parse(r, text, BOOKING_RULES_MAX + 1, &e), ERR_LIMIT);
		T_CHECK(e.line > 28);
	}
	/* a line longer than the parser's buffer */
	{
		static char text[4096];
		int n = sprintf(text, "[k]\nname_ja = ");
		memset(text + n, 'x', 2000);
		text[n + 2000] = '\0';
		struct err e = { 0 };
		T_EQ_INT(booking_rules_parse(r, text, strlen(text), &e), ERR_LIMIT);
		T_EQ_INT(e.line, 2);
	}
	free(r);
}

/* ------------------------------------------------------------------ */
/* Times at their boundary instants                                    */

/* a window [from, to) open at t */
static int open_at(int64_t from, int64_t to, int64_t t)
{
	return from <= t && t < to;
}

static void test_round_times(void)
{
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	T_REQUIRE(room);
	struct err e = { 0 };
	int64_t from, to, draw, confirm;
	/* room 1次 for April 2027: entries 15th-23rd January, drawn the 25th
	 * 10:00, confirmed by the end of the 30th */
	T_EQ_INT(booking_round_times(&room->rounds[0], 202704, &from, &to, &draw, &confirm, &e), 0);
	T_EQ_INT(from, jp_jst_midnight(D(2027, 1, 15)));
	T_EQ_INT(to, jp_jst_midnight(D(2027, 1, 24)));
	T_EQ_INT(draw, J(2027, 1, 25, 10, 0, 0));
	T_EQ_INT(confirm, jp_jst_midnight(D(2027, 1, 31)));
	T_CHECK(!open_at(from, to, LAST(2027, 1, 14)));
	T_CHECK(open_at(from, to, J(2027, 1, 15, 0, 0, 0)));
	T_CHECK(open_at(from, to, LAST(2027, 1, 23)));
	T_CHECK(!open_at(from, to, J(2027, 1, 24, 0, 0, 0)));
	/* confirming: open at 23:59:59 of the 30th, over at 00:00:00 of the 31st */
	T_CHECK(LAST(2027, 1, 30) < confirm);
	T_CHECK(J(2027, 1, 31, 0, 0, 0) >= confirm);
	/* 2次 for April: 1st-9th February, after 1次's draw */
	int64_t from2, to2, draw2, confirm2;
	T_EQ_INT(booking_round_times(&room->rounds[1], 202704, &from2, &to2, &draw2, &confirm2, &e), 0);
	T_EQ_INT(from2, jp_jst_midnight(D(2027, 2, 1)));
	T_EQ_INT(to2, jp_jst_midnight(D(2027, 2, 10)));
	T_CHECK(!open_at(from2, to2, LAST(2027, 1, 31)));
	T_CHECK(open_at(from2, to2, J(2027, 2, 1, 0, 0, 0)));
	T_CHECK(open_at(from2, to2, LAST(2027, 2, 9)));
	T_CHECK(!open_at(from2, to2, J(2027, 2, 10, 0, 0, 0)));
	T_EQ_INT(confirm2, jp_jst_midnight(D(2027, 2, 23)));
	T_CHECK(LAST(2027, 2, 22) < confirm2 && J(2027, 2, 23, 0, 0, 0) >= confirm2);
	T_CHECK(from2 >= draw);
	/* the year turns: hall 1次 for August 2027 enters in December 2026 */
	const struct booking_rule *hall = booking_rule_find(&rules, "hall");
	T_REQUIRE(hall);
	T_EQ_INT(booking_round_times(&hall->rounds[0], 202708, &from, &to, &draw, &confirm, &e), 0);
	T_EQ_INT(from, jp_jst_midnight(D(2026, 12, 15)));
	T_EQ_INT(to, jp_jst_midnight(D(2026, 12, 24)));

	/* a day past a month's end is its last day: drawn on the "31st" */
	struct booking_round_rule rr = { .months_before = 1, .entry_from_day = 1, .entry_to_day = 10,
					 .draw_day = 31, .draw_min = 0, .confirm_days = 0 };
	T_EQ_INT(booking_round_times(&rr, 202703, NULL, NULL, &draw, &confirm, &e), 0);
	T_EQ_INT(draw, jp_jst_midnight(D(2027, 2, 28)));
	T_EQ_INT(confirm, jp_jst_midnight(D(2027, 3, 1)));
	T_EQ_INT(booking_round_times(&rr, 202803, NULL, NULL, &draw, &confirm, &e), 0);
	T_EQ_INT(draw, jp_jst_midnight(D(2028, 2, 29)));
	T_EQ_INT(booking_round_times(&rr, 202705, NULL, NULL, &draw, NULL, &e), 0);
	T_EQ_INT(draw, jp_jst_midnight(D(2027, 4, 30)));
	T_EQ_INT(booking_round_times(&rr, 202708, NULL, NULL, &draw, NULL, &e), 0);
	T_EQ_INT(draw, jp_jst_midnight(D(2027, 7, 31)));
	/* bad months */
	T_EQ_INT(booking_round_times(&rr, 202713, &from, &to, &draw, &confirm, &e), ERR_INVALID);
	T_EQ_INT(booking_round_times(&rr, 202700, &from, &to, &draw, &confirm, &e), ERR_INVALID);
	T_EQ_INT(booking_round_times(&rr, 2027, &from, &to, &draw, &confirm, &e), ERR_INVALID);
	T_EQ_INT(booking_round_times(&rr, -202701, &from, &to, &draw, &confirm, &e), ERR_INVALID);
}

static void test_first_come(void)
{
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	T_REQUIRE(room);
	/* 空き枠 of April 2027 from 09:00 on 27 February */
	int64_t t = booking_first_come_opens(room, D(2027, 4, 10));
	T_EQ_INT(t, J(2027, 2, 27, 9, 0, 0));
	T_EQ_INT(booking_first_come_opens(room, D(2027, 4, 30)), t); /* the whole month at once */
	T_CHECK(J(2027, 2, 27, 8, 59, 59) < t);
	T_CHECK(J(2027, 2, 27, 9, 0, 0) >= t);
	/* the demo's last draw of April is before it */
	int64_t draw;
	T_EQ_INT(booking_round_times(&room->rounds[1], 202704, NULL, NULL, &draw, NULL, NULL), 0);
	T_CHECK(draw <= t);
	/* opening at 00:00 (the second ward's theatre): 20th, 12 months before */
	const struct booking_rule *th = booking_rule_find(&other, "theatre");
	T_REQUIRE(th);
	t = booking_first_come_opens(th, D(2028, 3, 5));
	T_EQ_INT(t, jp_jst_midnight(D(2027, 3, 20)));
	T_CHECK(LAST(2027, 3, 19) < t);
	T_CHECK(J(2027, 3, 20, 0, 0, 0) >= t);
	/* open_day 31 in February: its last day */
	struct booking_rule r = *room;
	r.open_day = 31;
	r.open_months_before = 1;
	r.open_min = 0;
	T_EQ_INT(booking_first_come_opens(&r, D(2027, 3, 15)), jp_jst_midnight(D(2027, 2, 28)));
	T_EQ_INT(booking_first_come_opens(&r, D(2028, 3, 15)), jp_jst_midnight(D(2028, 2, 29)));
	T_EQ_INT(booking_first_come_opens(&r, D(2027, 5, 15)), jp_jst_midnight(D(2027, 4, 30)));
	T_EQ_INT(booking_first_come_opens(&r, D(2027, 1, 15)), jp_jst_midnight(D(2026, 12, 31)));
}

static void test_cancel_opening(void)
{
	const struct booking_rule *sports = booking_rule_find(&rules, "sports");
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	T_REQUIRE(sports && room);
	int64_t at = J(2027, 3, 10, 8, 30, 0), before = J(2027, 3, 9, 8, 30, 0);
	T_EQ_INT(booking_cancel_opening(sports, J(2027, 3, 10, 8, 29, 59)), before);
	T_EQ_INT(booking_cancel_opening(sports, J(2027, 3, 10, 8, 30, 0)), at);
	T_EQ_INT(booking_cancel_opening(sports, LAST(2027, 3, 10)), at);
	T_EQ_INT(booking_cancel_opening(sports, J(2027, 3, 11, 0, 0, 0)), at);
	T_EQ_INT(booking_cancel_opening(sports, J(2027, 3, 10, 0, 0, 0)), before);
	/* across a month and a year */
	T_EQ_INT(booking_cancel_opening(sports, J(2027, 1, 1, 0, 0, 0)), J(2026, 12, 31, 8, 30, 0));
	/* rooms have none */
	T_EQ_INT(booking_cancel_opening(room, at), 0);
	/* at 00:00 (a rule with the opening at midnight) */
	struct booking_rule r = *sports;
	r.cancel_min = 0;
	T_EQ_INT(booking_cancel_opening(&r, LAST(2027, 3, 10)), jp_jst_midnight(D(2027, 3, 10)));
	T_EQ_INT(booking_cancel_opening(&r, J(2027, 3, 11, 0, 0, 0)), jp_jst_midnight(D(2027, 3, 11)));
}

static void test_hold_pay(void)
{
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	T_REQUIRE(room);
	/* a hold of 15 minutes crosses midnight */
	T_EQ_INT(booking_hold_until(room, LAST(2027, 3, 1)), J(2027, 3, 2, 0, 14, 59));
	T_EQ_INT(booking_hold_until(room, J(2027, 3, 2, 0, 0, 0)), J(2027, 3, 2, 0, 15, 0));
	/* pay within 14 days of confirming: by the end of day + 14; a
	 * confirmation at 23:59:59 and one at 00:00:00 fall on two days */
	int64_t a = booking_pay_by(room, D(2027, 5, 30), LAST(2027, 3, 1));
	int64_t b = booking_pay_by(room, D(2027, 5, 30), J(2027, 3, 2, 0, 0, 0));
	T_EQ_INT(a, jp_jst_midnight(D(2027, 3, 16)));
	T_EQ_INT(b, jp_jst_midnight(D(2027, 3, 17)));
	T_CHECK(LAST(2027, 3, 15) < a && J(2027, 3, 16, 0, 0, 0) >= a);
	/* ... and 7 days before use, whichever is earlier: use on 20 March,
	 * pay by the end of the 12th */
	int64_t c = booking_pay_by(room, D(2027, 3, 20), J(2027, 3, 2, 12, 0, 0));
	T_EQ_INT(c, jp_jst_midnight(D(2027, 3, 13)));
	T_CHECK(LAST(2027, 3, 12) < c && J(2027, 3, 13, 0, 0, 0) >= c);
	/* the two limits meet: use on the 23rd, confirmed on the 1st */
	T_EQ_INT(booking_pay_by(room, D(2027, 3, 23), J(2027, 3, 1, 9, 0, 0)), jp_jst_midnight(D(2027, 3, 16)));
	/* booked late (after day - 7): an hour to pay */
	int64_t now = J(2027, 3, 18, 10, 0, 0);
	T_EQ_INT(booking_pay_by(room, D(2027, 3, 20), now), now + 3600);
	/* confirmed at 23:30 on the limit's last day: 30 minutes left, so
	 * the hour; at 22:59:59 the limit itself */
	now = J(2027, 3, 12, 23, 30, 0);
	T_EQ_INT(booking_pay_by(room, D(2027, 3, 20), now), now + 3600);
	now = J(2027, 3, 12, 22, 59, 59);
	T_EQ_INT(booking_pay_by(room, D(2027, 3, 20), now), jp_jst_midnight(D(2027, 3, 13)));
}

static void test_cancel_fee(void)
{
	const struct booking_rule *room = booking_rule_find(&rules, "room");
	const struct booking_rule *sports = booking_rule_find(&rules, "sports");
	T_REQUIRE(room && sports);
	/* room: free until 7 days before use (the end of the 13th for the
	 * 20th), then half the fee, rounded down */
	struct jp_date day = D(2027, 3, 20);
	T_EQ_INT(booking_cancel_free_until(room, day), jp_jst_midnight(D(2027, 3, 13)));
	T_EQ_INT(booking_cancel_fee(room, day, 1235, LAST(2027, 3, 12)), 0);
	T_EQ_INT(booking_cancel_fee(room, day, 1235, J(2027, 3, 13, 0, 0, 0)), 617);
	T_EQ_INT(booking_cancel_fee(room, day, 1235, J(2027, 3, 20, 12, 0, 0)), 617);
	T_EQ_INT(booking_cancel_fee(room, day, 0, J(2027, 3, 20, 12, 0, 0)), 0);
	/* sports: free until 3 days before, then the whole fee */
	T_EQ_INT(booking_cancel_fee(sports, day, 4400, LAST(2027, 3, 16)), 0);
	T_EQ_INT(booking_cancel_fee(sports, day, 4400, J(2027, 3, 17, 0, 0, 0)), 4400);
	/* across the year: use on 2 January, free until the end of 26 December */
	T_EQ_INT(booking_cancel_free_until(room, D(2027, 1, 2)), jp_jst_midnight(D(2026, 12, 26)));
	T_EQ_INT(booking_cancel_fee(room, D(2027, 1, 2), 999, LAST(2026, 12, 25)), 0);
	T_EQ_INT(booking_cancel_fee(room, D(2027, 1, 2), 999, J(2026, 12, 26, 0, 0, 0)), 499);
	/* the second ward's theatre keeps 30% from 90 days before */
	const struct booking_rule *th = booking_rule_find(&other, "theatre");
	T_REQUIRE(th);
	struct jp_date show = D(2027, 6, 30);
	int64_t until = booking_cancel_free_until(th, show);
	T_EQ_INT(until, jp_jst_midnight(jp_date_add_days(show, -90)));
	T_EQ_INT(booking_cancel_fee(th, show, 100001, until - 1), 0);
	T_EQ_INT(booking_cancel_fee(th, show, 100001, until), 30000);
}

/* ------------------------------------------------------------------ */
/* The stored text                                                     */

static struct store *open_db(void)
{
	struct store *s;
	struct err e;
	if (store_open(&s, db.url, &e) != 0) {
		printf("# open: %s\n", e.detail);
		exit(1);
	}
	return s;
}

static void setup(void)
{
	struct store *s = open_db();
	struct err e;
	int applied = 0;
	struct tenant t1 = { .code = T1, .name_ja = "デモ区", .name_en = "Demo Ward" };
	struct tenant t2 = { .code = T2, .name_ja = "テスト市", .name_en = "Test City" };
	if (app_migrate(s, &applied, &e) || tenant_add(s, &t1, &e) || tenant_add(s, &t2, &e)) {
		printf("Bail out! setup: %s\n", e.detail);
		exit(1);
	}
	store_close(s);
}

static void test_store(void)
{
	struct store *s = open_db();
	struct err e = { 0 };
	char *text = NULL;
	struct booking_rules *r = malloc(sizeof *r);
	T_REQUIRE(r);
	/* none stored: the default */
	T_EQ_INT(booking_rules_text(&text, s, T1, &e), 0);
	T_EQ_STR(text, booking_rules_default);
	free(text);
	T_EQ_INT(booking_rules_load(r, s, T1, &e), 0);
	T_CHECK(memcmp(r, &rules, sizeof rules) == 0);

	/* saved: read back byte for byte, and loaded as the fixture */
	size_t n;
	char *fixture = read_file("tests/data/booking/rules-other.conf", &n);
	T_REQUIRE(fixture);
	char *mine = strdup(fixture);
	T_REQUIRE(mine);
	T_EQ_INT(booking_rules_save(s, T1, mine, 42, 1800000000, &e), 0);
	T_EQ_INT(booking_rules_text(&text, s, T1, &e), 0);
	T_EQ_STR(text, mine);
	free(text);
	T_EQ_INT(booking_rules_load(r, s, T1, &e), 0);
	T_CHECK(memcmp(r, &other, sizeof other) == 0);
	/* the other municipality still has the default */
	T_EQ_INT(booking_rules_text(&text, s, T2, &e), 0);
	T_EQ_STR(text, booking_rules_default);
	free(text);

	/* a bad text: refused with its line, nothing written */
	char *bad = edit((const char *const[]){ "26=choices_max = 9" }, 1);
	e = (struct err){ 0 };
	T_EQ_INT(booking_rules_save(s, T1, bad, 43, 1800000100, &e), ERR_INVALID);
	T_EQ_INT(e.line, 26);
	T_EQ_INT(booking_rules_text(&text, s, T1, &e), 0);
	T_EQ_STR(text, mine);
	free(text);

	/* saved again: replaced (one row), who and when recorded */
	T_EQ_INT(booking_rules_save(s, T1, booking_rules_default, 44, 1800000200, &e), 0);
	T_EQ_INT(booking_rules_text(&text, s, T1, &e), 0);
	T_EQ_STR(text, booking_rules_default);
	free(text);
	int64_t v;
	struct store_val p[] = { sv_text(T1) };
	T_EQ_INT(store_query_int(&v, s, "SELECT COUNT(*) FROM booking_rules WHERE tenant = $1", p, 1, &e), 0);
	T_EQ_INT(v, 1);
	T_EQ_INT(store_query_int(&v, s, "SELECT updated_by FROM booking_rules WHERE tenant = $1", p, 1, &e), 0);
	T_EQ_INT(v, 44);
	T_EQ_INT(store_query_int(&v, s, "SELECT updated_at FROM booking_rules WHERE tenant = $1", p, 1, &e), 0);
	T_EQ_INT(v, 1800000200);
	/* loads follow the stored text (parsed texts are kept in the process:
	 * a text seen before is not parsed again, a changed one is), also
	 * when more texts than are kept were seen in turn: BASE with
	 * choices_max 1..5, the fixture, then 1 and 5 again */
	static const int seq[] = { 1, 2, 3, 4, 5, 0, 1, 5, 0 };
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		char line[40];
		snprintf(line, sizeof line, "26=choices_max = %d", seq[i]);
		char *t = seq[i] ? strdup(edit((const char *const[]){ line }, 1)) : strdup(mine);
		T_REQUIRE(t);
		T_EQ_INT(booking_rules_save(s, T1, t, 45, 1800000300 + (int64_t)i, &e), 0);
		T_EQ_INT(booking_rules_load(r, s, T1, &e), 0);
		if (seq[i]) {
			const struct booking_rule *k = booking_rule_find(r, "k");
			T_EQ_INT(k ? k->rounds[0].choices_max : -1, seq[i]);
		} else {
			T_CHECK(memcmp(r, &other, sizeof other) == 0);
		}
		free(t);
	}
	T_EQ_INT(booking_rules_save(s, T1, booking_rules_default, 44, 1800000200, &e), 0);

	/* a stored text the parser refuses (written behind its back) is an
	 * error of load, not silently the default */
	struct store_val q[] = { sv_text("[k]\nname_ja = x\n"), sv_text(T2) };
	T_EQ_INT(store_exec(s, "INSERT INTO booking_rules (tenant, body, updated_at) VALUES ($2, $1, 0)", q, 2, &e),
		 1);
	e = (struct err){ 0 };
	T_EQ_INT(booking_rules_load(r, s, T2, &e), ERR_INVALID);
	T_EQ_INT(e.line, 1);
	/* an unknown municipality: the database refuses the row */
	T_CHECK(booking_rules_save(s, "999999", booking_rules_default, 1, 1, &e) < 0);
	T_EQ_INT(booking_rules_save(s, NULL, booking_rules_default, 1, 1, &e), ERR_INVALID);
	T_EQ_INT(booking_rules_save(s, T1, NULL, 1, 1, &e), ERR_INVALID);
	free(mine);
	free(r);
	store_close(s);
}

int main(void)
{
	tdb_begin(&db, "booking_rules");
	setup();
	T_RUN(test_default);
	T_RUN(test_other_ward);
	T_RUN(test_refusals);
	T_RUN(test_round_times);
	T_RUN(test_first_come);
	T_RUN(test_cancel_opening);
	T_RUN(test_hold_pay);
	T_RUN(test_cancel_fee);
	T_RUN(test_store);
	tdb_end(&db);
	return t_done();
}
