/*
 * test_def.c -- the schema check of procedure definitions: a good
 * definition parses into the expected structure, and each kind of bad
 * definition is refused with a message that names the place and the
 * problem.
 */
#include "t.h"

#include "core/forms/forms.h"

#define HEAD "{\"format\":\"madoguchi-procedure/1\",\"id\":\"test-proc\"," \
	     "\"title\":{\"ja\":\"試験\",\"en\":\"Test\"},\"department\":\"kuminka\"," \
	     "\"retention_years\":5,\"target_days\":14,"
#define P1 "{\"id\":\"p1\",\"title\":{\"ja\":\"一\",\"en\":\"One\"},\"fields\":["
#define P2 "{\"id\":\"p2\",\"title\":{\"ja\":\"二\",\"en\":\"Two\"},\"fields\":["
#define P3 "{\"id\":\"p3\",\"title\":{\"ja\":\"三\",\"en\":\"Three\"},\"fields\":["
#define L ",\"label\":{\"ja\":\"項目\",\"en\":\"Item\"}"
#define YN(id) "{\"id\":\"" id "\",\"type\":\"yes_no\"" L "}"
#define TX(id) "{\"id\":\"" id "\",\"type\":\"text\"" L "}"

static struct arena *A;

static int parse(const char *json, char *detail, size_t n)
{
	struct forms_def *d;
	struct err e;
	err_clear(&e);
	int rc = forms_def_parse(&d, A, json, strlen(json), &e);
	snprintf(detail, n, "%s", e.detail);
	if (rc)
		printf("#   -> %s\n", e.detail);
	return rc;
}

#define BAD(json, want)                                                     \
	do {                                                                \
		char d_[ERR_DETAIL_MAX];                                    \
		int rc_ = parse(json, d_, sizeof d_);                       \
		T_CHECK(rc_ == ERR_INVALID || rc_ == ERR_LIMIT);            \
		if (!strstr(d_, want))                                      \
			T_FAIL_("detail \"%s\" lacks \"%s\"", d_, want);    \
	} while (0)

static void test_good(void)
{
	const char *j = HEAD
		"\"fee\":{\"amount_yen\":300,\"timing\":\"before_submit\"},"
		"\"signature\":\"required\","
		"\"exits\":[{\"id\":\"no\",\"title\":{\"ja\":\"対象外\",\"en\":\"Not eligible\"},"
		"\"body\":{\"ja\":\"窓口へ\",\"en\":\"Visit us\",\"ja-easy\":\"まどぐち へ\"}}],"
		"\"pages\":[" P1 YN("a") "," TX("b") "]}," P2
		"{\"id\":\"c\",\"type\":\"group\"" L ",\"min_items\":1,\"max_items\":3,\"fields\":["
		"{\"id\":\"birth\",\"type\":\"date\"" L ",\"required\":true},"
		"{\"id\":\"note\",\"type\":\"text\"" L ",\"show_if\":\"age_on(birth, today()) < 3 and a\"}]},"
		"{\"id\":\"k\",\"type\":\"checkboxes\"" L ",\"options\":["
		"{\"value\":\"x\",\"label\":{\"ja\":\"エックス\",\"en\":\"X\"}},"
		"{\"value\":\"y\",\"label\":{\"ja\":\"ワイ\",\"en\":\"Y\"}}],\"max_selected\":1}]}],"
		"\"routes\":[{\"from\":\"p1\",\"if\":\"a == false\",\"goto\":\"exit:no\"}],"
		"\"checks\":[{\"field\":\"b\",\"when\":\"a\",\"assert\":\"len(b) > 1\","
		"\"message\":{\"ja\":\"短い\",\"en\":\"Too short\"}}]}";
	struct forms_def *d;
	struct err e;
	int rc = forms_def_parse(&d, A, j, strlen(j), &e);
	if (rc)
		printf("# %s\n", e.detail);
	T_REQUIRE(rc == 0);
	T_EQ_STR(d->id, "test-proc");
	T_EQ_INT(d->npages, 2);
	T_EQ_INT(d->fee_yen, 300);
	T_EQ_STR(d->signature, "required");
	T_EQ_INT(d->nstates, 0);   /* none named: every state of the workflow (apply) */
	T_CHECK(d->staff_states == NULL);
	T_EQ_INT(d->nroutes, 1);
	T_EQ_INT(d->routes[0].to, FORMS_GOTO_EXIT);
	T_EQ_STR(d->exits[0].body.ja_easy, "まどぐち へ");
	const struct forms_field *c = forms_def_field(d, "c");
	T_REQUIRE(c);
	T_EQ_INT(c->type, FORMS_T_GROUP);
	T_EQ_INT(c->nfields, 2);
	T_EQ_INT(c->max_items, 3);
	T_EQ_INT(forms_def_field(d, "k")->noptions, 2);
	T_EQ_INT(forms_def_page_index(d, "p2"), 1);
	T_EQ_STR(forms_type_name(FORMS_T_BANK_ACCOUNT), "bank_account");
}

static void test_json_and_top(void)
{
	BAD("{", "JSON error");
	BAD("[]", "must be a JSON object");
	BAD("{\"format\":\"x/1\"}", "format: must be");
	BAD(HEAD "\"pages\":[" P1 "]}], \"colour\":1}", "unknown key \"colour\"");
	BAD("{\"format\":\"madoguchi-procedure/1\",\"id\":\"Bad Id\"}", "\"id\" must be");
	BAD(HEAD "\"pages\":[]}", "pages: must be a non-empty array");
	BAD("{\"format\":\"madoguchi-procedure/1\",\"id\":\"x\",\"title\":{\"ja\":\"a\"}}",
	    "missing \"en\"");
	BAD("{\"format\":\"madoguchi-procedure/1\",\"id\":\"x\",\"title\":{\"ja\":\"a\",\"en\":\"b\",\"fr\":\"c\"}}",
	    "unknown key \"fr\"");
	BAD(HEAD "\"signature\":\"maybe\",\"pages\":[" P1 "]}]}", "\"signature\" must be one of");
	BAD(HEAD "\"fee\":{\"amount_yen\":-1},\"pages\":[" P1 "]}]}", "\"amount_yen\" must be an integer");
	BAD(HEAD "\"staff_states\":[\"in_review\"],\"pages\":[" P1 "]}]}", "must include \"received\"");
	BAD(HEAD "\"staff_states\":[\"received\",\"received\"],\"pages\":[" P1 "]}]}", "duplicate state");
	BAD("{\"format\":\"madoguchi-procedure/1\",\"id\":\"x\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},"
	    "\"department\":\"d\",\"target_days\":3,\"pages\":[]}", "missing \"retention_years\"");
	/* duplicate keys are refused by the JSON reader itself */
	BAD("{\"id\":\"a\",\"id\":\"b\"}", "duplicate");
}

static void test_fields(void)
{
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"txt\"" L "}]}]}",
	    "pages[0].fields[0]: unknown field type \"txt\" (field \"a\")");
	BAD(HEAD "\"pages\":[" P1 TX("a") "," YN("a") "]}]}",
	    "pages[0].fields[1]: duplicate field id \"a\"");
	BAD(HEAD "\"pages\":[" P1 TX("a") "]}," P2 YN("a") "]}]}",
	    "pages[1].fields[0]: duplicate field id \"a\"");
	BAD(HEAD "\"pages\":[" P1 "]}," "{\"id\":\"p1\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},\"fields\":[]}]}",
	    "pages[1]: duplicate page id \"p1\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"text\"" L ",\"max_lenght\":3}]}]}",
	    "unknown key \"max_lenght\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"yes_no\"" L ",\"options\":[]}]}]}",
	    "unknown key \"options\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"radio\"" L "}]}]}",
	    "missing \"options\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"radio\"" L ",\"options\":["
	    "{\"value\":\"x\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}},"
	    "{\"value\":\"x\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}}]}]}]}",
	    "options[1]: duplicate option value \"x\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"text\"" L ",\"pattern\":\"([a-\"}]}]}",
	    "not a valid POSIX extended regular expression");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"text\"" L ",\"min_length\":5,\"max_length\":2}]}]}",
	    "\"min_length\" is greater than \"max_length\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"integer\"" L ",\"min\":5,\"max\":2}]}]}",
	    "\"min\" is greater than \"max\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"date\"" L ",\"display\":\"lunar\"}]}]}",
	    "\"display\" must be one of");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"date\"" L ",\"min\":\"2026-02-30\"}]}]}",
	    "\"min\" must be a date");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"file\"" L "}]}]}",
	    "\"accept\" must list");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"file\"" L ",\"accept\":[\"pdf\"]}]}]}",
	    "accept[0] is not a MIME type");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"file\"" L ",\"accept\":[\"application/pdf\"],"
	    "\"max_bytes\":999999999999}]}]}", "\"max_bytes\" must be an integer");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"group\"" L ",\"fields\":[]}]}]}",
	    "a group needs at least one field");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"group\"" L ",\"min_items\":4,\"max_items\":2,"
	    "\"fields\":[" TX("x") "]}]}]}", "\"min_items\" is greater than \"max_items\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"g1\",\"type\":\"group\"" L ",\"fields\":["
	    "{\"id\":\"g2\",\"type\":\"group\"" L ",\"fields\":["
	    "{\"id\":\"g3\",\"type\":\"group\"" L ",\"fields\":[" TX("x") "]}]}]}]}]}",
	    "groups nested deeper than 2");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"info\"}]}]}", "missing \"text\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"info\",\"required\":true,"
	    "\"text\":{\"ja\":\"a\",\"en\":\"b\"}}]}]}", "info field takes no answer");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"text\"}]}]}", "missing \"label\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"a\",\"type\":\"text\"" L ",\"required\":\"yes\"}]}]}",
	    "\"required\" must be true or false");
	BAD(HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L ",\"required\":true,"
	    "\"required_if\":\"a\"}]}]}", "\"required\": true and \"required_if\" together");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"1a\",\"type\":\"text\"" L "}]}]}", "\"id\" must be");
}

static void test_prefill_and_events(void)
{
	const char *j = HEAD "\"life_events\":[\"move_in\",\"birth\"],\"pages\":[" P1
		"{\"id\":\"n\",\"type\":\"name_jp\"" L ",\"prefill\":{\"source\":\"juki\",\"path\":\"name\"}},"
		"{\"id\":\"t\",\"type\":\"phone\"" L ",\"prefill\":{\"source\":\"previous_submission\"}},"
		"{\"id\":\"a\",\"type\":\"address_jp\"" L ",\"prefill\":{\"source\":\"juki\",\"path\":\"household.address\",\"editable\":true}}"
		"]}]}";
	struct forms_def *d;
	struct err e;
	int rc = forms_def_parse(&d, A, j, strlen(j), &e);
	if (rc)
		printf("# %s\n", e.detail);
	T_REQUIRE(rc == 0);
	T_EQ_INT(d->nlife_events, 2);
	T_EQ_STR(d->life_events[1], "birth");
	const struct forms_field *n = forms_def_field(d, "n"), *t = forms_def_field(d, "t"),
				 *a = forms_def_field(d, "a");
	T_EQ_STR(n->prefill_source, "juki");
	T_EQ_STR(n->prefill_path, "name");
	T_EQ_INT(n->prefill_editable, 0);          /* registry data is read-only */
	T_EQ_INT(t->prefill_editable, 1);
	T_CHECK(t->prefill_path == NULL);
	T_EQ_INT(a->prefill_editable, 1);
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"n\",\"type\":\"text\"" L ",\"prefill\":{\"source\":\"facebook\",\"path\":\"x\"}}]}]}",
	    "pages[0].fields[0].prefill: \"source\" must be one of");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"n\",\"type\":\"text\"" L ",\"prefill\":{\"source\":\"juki\"}}]}]}",
	    "prefill: missing \"path\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"n\",\"type\":\"text\"" L ",\"prefill\":{\"source\":\"juki\",\"path\":\"a..b\"}}]}]}",
	    "\"path\" must be a dotted name");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"f\",\"type\":\"file\"" L ",\"accept\":[\"image/png\"],"
	    "\"prefill\":{\"source\":\"staff\",\"path\":\"x\"}}]}]}", "a file field cannot be prefilled");
	BAD(HEAD "\"life_events\":[\"birth\",\"birth\"],\"pages\":[" P1 "]}]}", "duplicate event \"birth\"");
	BAD(HEAD "\"life_events\":\"birth\",\"pages\":[" P1 "]}]}", "life_events: must be an array");
}

static void test_conditions(void)
{
	BAD(HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"c == 1\"}]}]}",
	    "pages[0].fields[1].show_if: unknown field \"c\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"a\"}," YN("a") "]}]}",
	    "\"a\" is answered later");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"b == 'x'\"}]}]}",
	    "\"b\" is answered later");
	BAD(HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"a = true\"}]}]}",
	    "pages[0].fields[1].show_if: condition: column 3");
	BAD(HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L ",\"required_if\":\"nope(a)\"}]}]}",
	    "unknown function nope()");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"n\",\"type\":\"name_jp\"" L "},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"n.middle == 'x'\"}]}]}",
	    "a name_jp field has no part \"middle\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"i\",\"type\":\"info\",\"text\":{\"ja\":\"a\",\"en\":\"b\"}},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"is_empty(i)\"}]}]}",
	    "info field and has no answer");
	/* page show_if reads only earlier pages */
	BAD(HEAD "\"pages\":[" P1 YN("a") "]},"
	    "{\"id\":\"p2\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},\"show_if\":\"c\",\"fields\":[" YN("c") "]}]}",
	    "pages[1].show_if: \"c\" is answered later");
	/* a group's fields see earlier siblings only, and any() sees the group */
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"g\",\"type\":\"group\"" L ",\"fields\":["
	    "{\"id\":\"x\",\"type\":\"text\"" L ",\"show_if\":\"y\"}," YN("y") "]}]}]}",
	    "\"y\" is answered later in the group");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"g\",\"type\":\"group\"" L ",\"fields\":[" YN("y") "]},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"any(g, z)\"}]}]}",
	    "\"z\" is not a field of group \"g\"");
	char d[ERR_DETAIL_MAX];
	T_EQ_INT(parse(HEAD "\"pages\":[" P1 "{\"id\":\"g\",\"type\":\"group\"" L ",\"fields\":[" YN("y") "]},"
		       "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"any(g, y) and count(g) > 1\"}]}]}",
		       d, sizeof d), 0);
	/* checks may read any field, in any order */
	T_EQ_INT(parse(HEAD "\"pages\":[" P1 TX("a") "," TX("b") "]}],"
		       "\"checks\":[{\"field\":\"a\",\"assert\":\"a != b\","
		       "\"message\":{\"ja\":\"同じ\",\"en\":\"Same\"}}]}", d, sizeof d), 0);
	BAD(HEAD "\"pages\":[" P1 TX("a") "]}],\"checks\":[{\"field\":\"zz\",\"assert\":\"true\","
	    "\"message\":{\"ja\":\"a\",\"en\":\"b\"}}]}", "checks[0]: \"field\": unknown field \"zz\"");
	/* literals must be able to match the field they are compared with */
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"r\",\"type\":\"radio\"" L ",\"options\":["
	    "{\"value\":\"work\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}}]},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"r == 'wrk'\"}]}]}",
	    "\"r\" has no option \"wrk\"");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"r\",\"type\":\"checkboxes\"" L ",\"options\":["
	    "{\"value\":\"sofa\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}}]},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"'bed' in r\"}]}]}",
	    "\"r\" has no option \"bed\"");
	BAD(HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"a == 'yes'\"}]}]}",
	    "\"a\" (yes_no) is compared with a string, which it can never equal");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"n\",\"type\":\"integer\"" L "},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"n > '3'\"}]}]}",
	    "\"n\" (integer) is compared with a string");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"d\",\"type\":\"date\"" L "},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"d < '2026/4/1'\"}]}]}",
	    "\"d\" is a date: compare it with 'YYYY-MM-DD'");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"nm\",\"type\":\"name_jp\"" L "},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"nm == 'x'\"}]}]}",
	    "\"nm\" is a name_jp answer: compare one of its parts");
	BAD(HEAD "\"pages\":[" P1 "{\"id\":\"g\",\"type\":\"group\"" L ",\"fields\":[" YN("y") "]},"
	    "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"any(g, y == 1)\"}]}]}",
	    "\"y\" (yes_no) is compared with an integer");
	T_EQ_INT(parse(HEAD "\"pages\":[" P1 "{\"id\":\"r\",\"type\":\"select\"" L ",\"options\":["
		       "{\"value\":\"a\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}},"
		       "{\"value\":\"b\",\"label\":{\"ja\":\"a\",\"en\":\"b\"}}]},"
		       "{\"id\":\"b\",\"type\":\"text\"" L ",\"show_if\":\"r in ['a', 'b'] and r != null\"}]}]}",
		       d, sizeof d), 0);
	/* a condition too long */
	char big[FORMS_COND_MAX_LEN + 600];
	int n = snprintf(big, sizeof big, HEAD "\"pages\":[" P1 YN("a") ",{\"id\":\"b\",\"type\":\"text\"" L
			 ",\"show_if\":\"a");
	for (int i = 0; i < FORMS_COND_MAX_LEN / 8; i++)
		n += snprintf(big + n, sizeof big - (size_t)n, " or a   ");
	snprintf(big + n, sizeof big - (size_t)n, "\"}]}]}");
	BAD(big, "longer than 1024 bytes");
}

static void test_routes(void)
{
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}],\"routes\":[{\"from\":\"px\",\"goto\":\"end\"}]}",
	    "routes[0]: \"from\": unknown page \"px\"");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}],\"routes\":[{\"from\":\"p1\",\"goto\":\"p9\"}]}",
	    "routes[0]: \"goto\": unknown page \"p9\"");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}],\"routes\":[{\"from\":\"p1\",\"goto\":\"exit:gone\"}]}",
	    "unknown exit \"gone\"");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}," P2 YN("b") "]}],"
	    "\"routes\":[{\"from\":\"p1\",\"if\":\"b\",\"goto\":\"end\"}]}",
	    "routes[0].if: \"b\" is answered later");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}," P2 YN("b") "]}," P3 YN("c") "]}],"
	    "\"routes\":[{\"from\":\"p3\",\"if\":\"c\",\"goto\":\"p1\"}]}",
	    "cycle in page routes: p1 -> p2 -> p3 -> p1");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}],\"routes\":[{\"from\":\"p1\",\"goto\":\"p1\"}]}",
	    "cycle in page routes: p1 -> p1");
	BAD(HEAD "\"pages\":[" P1 YN("a") "]}],\"exits\":[{\"id\":\"x\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},"
	    "\"body\":{\"ja\":\"a\",\"en\":\"b\"}},{\"id\":\"x\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},"
	    "\"body\":{\"ja\":\"a\",\"en\":\"b\"}}]}", "duplicate exit id \"x\"");
	char d[ERR_DETAIL_MAX];
	/* forward routes are fine */
	T_EQ_INT(parse(HEAD "\"pages\":[" P1 YN("a") "]}," P2 YN("b") "]}," P3 YN("c") "]}],"
		       "\"routes\":[{\"from\":\"p1\",\"if\":\"a\",\"goto\":\"p3\"},"
		       "{\"from\":\"p2\",\"goto\":\"end\"}]}", d, sizeof d), 0);
}

static void test_limits(void)
{
	/* more pages than allowed */
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_puts(&b, HEAD "\"pages\":[");
	for (int i = 0; i <= FORMS_MAX_PAGES; i++)
		buf_printf(&b, "%s{\"id\":\"p%d\",\"title\":{\"ja\":\"a\",\"en\":\"b\"},\"fields\":[]}",
			   i ? "," : "", i);
	buf_puts(&b, "]}");
	char d[ERR_DETAIL_MAX];
	T_EQ_INT(parse(b.data, d, sizeof d), ERR_LIMIT);
	buf_reset(&b);
	/* more fields than allowed */
	buf_puts(&b, HEAD "\"pages\":[" P1);
	for (int i = 0; i <= FORMS_MAX_FIELDS; i++)
		buf_printf(&b, "%s{\"id\":\"f%d\",\"type\":\"yes_no\"" L "}", i ? "," : "", i);
	buf_puts(&b, "]}]}");
	T_EQ_INT(parse(b.data, d, sizeof d), ERR_LIMIT);
	T_CHECK(strstr(d, "more than 500 fields"));
	buf_done(&b);
	struct forms_def *def;
	T_EQ_INT(forms_def_parse(&def, A, "{}", FORMS_DEF_MAX_BYTES + 1, NULL), ERR_LIMIT);
}

int main(void)
{
	A = arena_new(0);
	T_RUN(test_good);
	T_RUN(test_json_and_top);
	T_RUN(test_fields);
	T_RUN(test_prefill_and_events);
	T_RUN(test_conditions);
	T_RUN(test_routes);
	T_RUN(test_limits);
	arena_free(A);
	return t_done();
}
