/*
 * test_builder.c -- the procedure builder's edit operations (edit.c) and
 * the version diff (diff.c), on documents only (no database): each
 * operation changes what it says and nothing else, refusals name their
 * reason and leave the document as it was, a condition built from pickers
 * parses back into the same pickers and is checked like any other (a
 * later field is refused), a page route from pickers is added (its
 * condition checked like a field's: an answer of a later page refused, a
 * loop refused) and deleted, and the diff names added / removed / moved /
 * changed pages and fields in words.
 */
#include "t.h"

#include "core/forms/forms.h"

static const char *BASE =
	"{\"format\":\"madoguchi-procedure/1\",\"id\":\"test-proc\","
	"\"title\":{\"ja\":\"試験\",\"en\":\"Test\"},\"department\":\"shimin\","
	"\"retention_years\":5,\"target_days\":7,\"pages\":[{\"id\":\"p1\","
	"\"title\":{\"ja\":\"一\",\"en\":\"One\"},\"fields\":[{\"id\":\"a\",\"type\":\"text\","
	"\"label\":{\"ja\":\"エー\",\"en\":\"A\"}},{\"id\":\"b\",\"type\":\"text\","
	"\"label\":{\"ja\":\"ビー\",\"en\":\"B\"}}]}]}";

static json_t *load(const char *s)
{
	return json_loads(s, 0, NULL);
}

static const char *fid(const json_t *doc, int page, int i)
{
	const json_t *p = json_array_get(json_object_get(doc, "pages"), (size_t)page);
	return json_string_value(json_object_get(json_array_get(json_object_get(p, "fields"),
								 (size_t)i), "id"));
}

static void test_add_and_move(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *doc = load(BASE), *out = NULL;
	struct forms_edit ed = { .op = FORMS_EDIT_ADD_FIELD, .page = "p1", .type = "radio",
				 .label = { "種別", "Kind", NULL }, .required = 1,
				 .options = "dog: 犬 / Dog\ncat: 猫 / Cat" };
	T_EQ_INT(forms_edit(&out, a, doc, &ed, &e), 0);
	T_REQUIRE(out);
	T_EQ_STR(ed.done_id, "field_1");
	T_EQ_STR(fid(out, 0, 2), "field_1");
	const json_t *f = json_array_get(json_object_get(json_array_get(json_object_get(out, "pages"), 0),
							 "fields"), 2);
	T_EQ_INT(json_array_size(json_object_get(f, "options")), 2);
	T_CHECK(json_is_true(json_object_get(f, "required")));
	/* the original is untouched */
	T_EQ_INT(json_array_size(json_object_get(json_array_get(json_object_get(doc, "pages"), 0),
						 "fields")), 2);
	/* move it up: before b */
	json_t *moved = NULL;
	struct forms_edit mv = { .op = FORMS_EDIT_MOVE, .field = "field_1", .delta = -1 };
	T_EQ_INT(forms_edit(&moved, a, out, &mv, &e), 0);
	T_EQ_STR(fid(moved, 0, 1), "field_1");
	T_EQ_STR(fid(moved, 0, 2), "b");
	/* the first cannot move up */
	json_t *none = NULL;
	struct forms_edit top = { .op = FORMS_EDIT_MOVE, .field = "a", .delta = -1 };
	T_EQ_INT(forms_edit(&none, a, moved, &top, &e), ERR_INVALID);
	T_EQ_STR(top.why, "cannot_move");
	T_CHECK(none == NULL);
	json_decref(moved);
	json_decref(out);
	json_decref(doc);
	arena_free(a);
}

static void test_refusals(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *doc = load(BASE), *out = NULL;
	struct forms_edit taken = { .op = FORMS_EDIT_ADD_FIELD, .page = "p1", .type = "text",
				    .id = "a", .label = { "x", "x", NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &taken, &e), ERR_INVALID);
	T_EQ_STR(taken.why, "id_taken");
	struct forms_edit bad = { .op = FORMS_EDIT_ADD_FIELD, .page = "p1", .type = "text",
				  .id = "Bad-Id", .label = { "x", "x", NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &bad, &e), ERR_INVALID);
	T_EQ_STR(bad.why, "id_bad");
	struct forms_edit type = { .op = FORMS_EDIT_ADD_FIELD, .page = "p1", .type = "group",
				   .label = { "x", "x", NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &type, &e), ERR_INVALID);
	T_EQ_STR(type.why, "type_unknown");
	struct forms_edit nolabel = { .op = FORMS_EDIT_FIELD, .field = "a", .label = { "エー", "", NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &nolabel, &e), ERR_INVALID);
	T_EQ_STR(nolabel.why, "label_missing");
	struct forms_edit halfhint = { .op = FORMS_EDIT_FIELD, .field = "a", .label = { "エー", "A", NULL },
				       .hint = { "説明", NULL, NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &halfhint, &e), ERR_INVALID);
	T_EQ_STR(halfhint.why, "hint_half");
	struct forms_edit last = { .op = FORMS_EDIT_DELETE, .page = "p1" };
	T_EQ_INT(forms_edit(&out, a, doc, &last, &e), ERR_INVALID);
	T_EQ_STR(last.why, "last_page");
	struct forms_edit dept = { .op = FORMS_EDIT_META, .label = { "試験", "Test", NULL },
				   .department = "Shimin Ka" };
	T_EQ_INT(forms_edit(&out, a, doc, &dept, &e), ERR_INVALID);
	T_EQ_STR(dept.why, "dept_bad");
	T_CHECK(out == NULL);
	json_decref(doc);
	arena_free(a);
}

/* the やさしい日本語 text a label had stays when the builder edits ja/en */
static void test_keeps_easy(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *doc = load(BASE), *out = NULL;
	json_t *lab = json_object_get(json_array_get(json_object_get(json_array_get(
		json_object_get(doc, "pages"), 0), "fields"), 0), "label");
	json_object_set_new(lab, "ja-easy", json_string("えー"));
	struct forms_edit ed = { .op = FORMS_EDIT_FIELD, .field = "a", .label = { "エー２", "A2", NULL } };
	T_EQ_INT(forms_edit(&out, a, doc, &ed, &e), 0);
	T_REQUIRE(out);
	const json_t *nl = json_object_get(json_array_get(json_object_get(json_array_get(
		json_object_get(out, "pages"), 0), "fields"), 0), "label");
	T_EQ_STR(json_string_value(json_object_get(nl, "ja")), "エー２");
	T_EQ_STR(json_string_value(json_object_get(nl, "ja-easy")), "えー");
	json_decref(out);
	json_decref(doc);
	arena_free(a);
}

static void test_condition(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *doc = load(BASE), *out = NULL;
	/* b shown only when a has a value */
	struct forms_edit c = { .op = FORMS_EDIT_CONDITION, .field = "b", .cond_field = "a",
				.cond_op = "filled" };
	T_EQ_INT(forms_edit(&out, a, doc, &c, &e), 0);
	T_REQUIRE(out);
	struct forms_def *d = NULL;
	T_EQ_INT(forms_def_from_json(&d, a, out, &e), 0);
	T_REQUIRE(d);
	const struct forms_field *b = forms_def_field(d, "b");
	T_EQ_STR(b->show_if_src, "not is_empty(a)");
	json_t *ans = json_object();
	struct jp_date today = { 2026, 4, 1 };
	T_EQ_INT(forms_field_shown(b, ans, NULL, today), 0);
	json_object_set_new(ans, "a", json_string("x"));
	T_EQ_INT(forms_field_shown(b, ans, NULL, today), 1);
	json_decref(ans);
	struct forms_cond_pick pk;
	T_EQ_INT(forms_cond_pickers(&pk, b->show_if_src), 0);
	T_EQ_STR(pk.field, "a");
	T_EQ_STR(pk.op, "filled");
	/* eq with a quote in the value: escaped, and read back */
	json_t *eq = NULL;
	struct forms_edit c2 = { .op = FORMS_EDIT_CONDITION, .field = "b", .cond_field = "a",
				 .cond_op = "eq", .cond_value = "it's" };
	T_EQ_INT(forms_edit(&eq, a, doc, &c2, &e), 0);
	T_REQUIRE(eq);
	const char *src = json_string_value(json_object_get(
		json_array_get(json_object_get(json_array_get(json_object_get(eq, "pages"), 0), "fields"), 1),
		"show_if"));
	T_EQ_STR(src, "a == 'it\\'s'");
	T_EQ_INT(forms_cond_pickers(&pk, src), 0);
	T_EQ_STR(pk.value, "it's");
	T_EQ_STR(pk.op, "eq");
	/* a reads b, which comes later: refused by the schema check */
	json_t *late = NULL;
	struct forms_edit c3 = { .op = FORMS_EDIT_CONDITION, .field = "a", .cond_field = "b",
				 .cond_op = "filled" };
	T_EQ_INT(forms_edit(&late, a, doc, &c3, &e), ERR_INVALID);
	T_EQ_STR(c3.why, "cond_later");
	T_CHECK(late == NULL);
	/* an unknown operator */
	struct forms_edit c4 = { .op = FORMS_EDIT_CONDITION, .field = "b", .cond_field = "a",
				 .cond_op = "like" };
	T_EQ_INT(forms_edit(&late, a, doc, &c4, &e), ERR_INVALID);
	T_EQ_STR(c4.why, "cond_op");
	/* clearing it */
	json_t *clear = NULL;
	struct forms_edit c5 = { .op = FORMS_EDIT_CONDITION, .field = "b", .cond_field = "" };
	T_EQ_INT(forms_edit(&clear, a, out, &c5, &e), 0);
	char *txt = clear ? json_dumps(clear, JSON_COMPACT) : NULL;
	T_CHECK(txt && !strstr(txt, "show_if"));
	free(txt);
	json_decref(clear);
	json_decref(eq);
	json_decref(out);
	json_decref(doc);
	arena_free(a);
}

static int has(const struct forms_change *c, int n, enum forms_change_kind k, const char *what,
	       const char *id, const char *prop)
{
	for (int i = 0; i < n; i++)
		if (c[i].kind == k && !strcmp(c[i].what, what) && !strcmp(c[i].id, id) &&
		    ((!prop && !c[i].prop) || (prop && c[i].prop && !strcmp(c[i].prop, prop))))
			return 1;
	return 0;
}

static void test_diff(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *v1 = load(BASE), *v2 = NULL, *t = NULL;
	struct forms_edit ops[] = {
		{ .op = FORMS_EDIT_ADD_PAGE, .id = "p2", .label = { "二", "Two", NULL } },
		{ .op = FORMS_EDIT_ADD_FIELD, .page = "p2", .type = "date", .id = "c",
		  .label = { "日付", "Date", NULL } },
		{ .op = FORMS_EDIT_DELETE, .field = "a" },
		{ .op = FORMS_EDIT_FIELD, .field = "b", .label = { "ビー２", "B", NULL }, .required = 1 },
		{ .op = FORMS_EDIT_META, .label = { "試験その二", "Test", NULL } },
	};
	v2 = json_deep_copy(v1);
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		T_EQ_INT(forms_edit(&t, a, v2, &ops[i], &e), 0);
		T_REQUIRE(t);
		json_decref(v2);
		v2 = t;
	}
	struct forms_change *c;
	int trunc = -1;
	int n = forms_diff(&c, &trunc, a, v1, v2, &e);
	T_EQ_INT(trunc, 0);
	T_CHECK(has(c, n, FORMS_CH_ADDED, "page", "p2", NULL));
	T_CHECK(has(c, n, FORMS_CH_ADDED, "field", "c", NULL));
	T_CHECK(has(c, n, FORMS_CH_REMOVED, "field", "a", NULL));
	T_CHECK(has(c, n, FORMS_CH_CHANGED, "field", "b", "label"));
	T_CHECK(has(c, n, FORMS_CH_CHANGED, "field", "b", "required"));
	T_CHECK(has(c, n, FORMS_CH_CHANGED, "procedure", "test-proc", "title"));
	T_EQ_INT(n, 6);
	/* the same document: no change; key order does not count */
	json_t *same = load("{\"id\":\"test-proc\",\"format\":\"madoguchi-procedure/1\","
			    "\"department\":\"shimin\",\"title\":{\"en\":\"Test\",\"ja\":\"試験\"},"
			    "\"target_days\":7,\"retention_years\":5,\"pages\":[{\"title\":{\"en\":\"One\","
			    "\"ja\":\"一\"},\"id\":\"p1\",\"fields\":[{\"id\":\"a\",\"type\":\"text\","
			    "\"label\":{\"ja\":\"エー\",\"en\":\"A\"}},{\"id\":\"b\",\"type\":\"text\","
			    "\"label\":{\"ja\":\"ビー\",\"en\":\"B\"}}]}]}");
	T_EQ_INT(forms_diff(&c, &trunc, a, v1, same, &e), 0);
	/* a field moved to another page */
	json_t *mv = load(BASE), *mv2 = NULL;
	struct forms_edit ap = { .op = FORMS_EDIT_ADD_PAGE, .id = "p2", .label = { "二", "Two", NULL } };
	T_EQ_INT(forms_edit(&mv2, a, mv, &ap, &e), 0);
	json_t *pages = json_object_get(mv2, "pages");
	json_t *fb = json_incref(json_array_get(json_object_get(json_array_get(pages, 0), "fields"), 1));
	json_array_remove(json_object_get(json_array_get(pages, 0), "fields"), 1);
	json_array_append_new(json_object_get(json_array_get(pages, 1), "fields"), fb);
	n = forms_diff(&c, &trunc, a, mv, mv2, &e);
	T_CHECK(has(c, n, FORMS_CH_MOVED, "field", "b", NULL));
	json_decref(mv);
	json_decref(mv2);
	json_decref(same);
	json_decref(v1);
	json_decref(v2);
	arena_free(a);
}

static void test_routes(void)
{
	struct arena *a = arena_new(0);
	struct err e;
	json_t *doc = load(BASE), *two = NULL, *three = NULL, *out = NULL, *none = NULL;
	/* pages p2 (field c) and p3 */
	struct forms_edit ap = { .op = FORMS_EDIT_ADD_PAGE, .id = "p2", .label = { "二", "Two", NULL } };
	T_EQ_INT(forms_edit(&two, a, doc, &ap, &e), 0);
	T_REQUIRE(two);
	struct forms_edit af = { .op = FORMS_EDIT_ADD_FIELD, .page = "p2", .type = "text", .id = "c",
				 .label = { "シー", "C", NULL } };
	T_EQ_INT(forms_edit(&three, a, two, &af, &e), 0);
	T_REQUIRE(three);
	/* after p1, when a == 'x', to the end */
	struct forms_edit r1 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p1", .go = "end", .cond_field = "a",
				 .cond_op = "eq", .cond_value = "x" };
	T_EQ_INT(forms_edit(&out, a, three, &r1, &e), 0);
	T_REQUIRE(out);
	struct forms_def *d = NULL;
	T_EQ_INT(forms_def_from_json(&d, a, out, &e), 0);
	T_REQUIRE(d);
	T_EQ_INT(d->nroutes, 1);
	T_EQ_INT(d->routes[0].from, 0);
	T_EQ_INT(d->routes[0].to, FORMS_GOTO_END);
	T_EQ_STR(d->routes[0].cond_src, "a == 'x'");
	/* a condition on c (answered on p2) for a route after p1: refused */
	struct forms_edit r2 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p1", .go = "end", .cond_field = "c",
				 .cond_op = "filled" };
	T_EQ_INT(forms_edit(&none, a, three, &r2, &e), ERR_INVALID);
	T_EQ_STR(r2.why, "cond_later");
	T_CHECK(none == NULL);
	/* to its own page, to no page */
	struct forms_edit r3 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p2", .go = "p2" };
	T_EQ_INT(forms_edit(&none, a, three, &r3, &e), ERR_INVALID);
	T_EQ_STR(r3.why, "cycle");
	struct forms_edit r4 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p1", .go = "p9" };
	T_EQ_INT(forms_edit(&none, a, three, &r4, &e), ERR_INVALID);
	T_EQ_STR(r4.why, "route_goto");
	/* p2 back to p1 while p1 always goes to p2: a loop, caught by the schema check */
	json_t *back = NULL;
	struct forms_edit r5 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p1", .go = "p2" };
	T_EQ_INT(forms_edit(&back, a, out, &r5, &e), 0);
	struct forms_edit r6 = { .op = FORMS_EDIT_ADD_ROUTE, .page = "p2", .go = "p1" };
	T_EQ_INT(forms_edit(&none, a, back, &r6, &e), ERR_INVALID);
	T_EQ_STR(r6.why, "cycle");
	/* deleted: the first route goes, the second stays */
	json_t *del = NULL;
	struct forms_edit rd = { .op = FORMS_EDIT_DELETE_ROUTE, .route = 0 };
	T_EQ_INT(forms_edit(&del, a, back, &rd, &e), 0);
	T_REQUIRE(del);
	T_EQ_INT(json_array_size(json_object_get(del, "routes")), 1);
	T_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(del, "routes"), 0), "goto")), "p2");
	struct forms_edit rx = { .op = FORMS_EDIT_DELETE_ROUTE, .route = 3 };
	T_EQ_INT(forms_edit(&none, a, back, &rx, &e), ERR_INVALID);
	T_EQ_STR(rx.why, "not_found");
	json_decref(del);
	json_decref(back);
	json_decref(out);
	json_decref(three);
	json_decref(two);
	json_decref(doc);
	arena_free(a);
}

int main(void)
{
	T_RUN(test_add_and_move);
	T_RUN(test_refusals);
	T_RUN(test_keeps_easy);
	T_RUN(test_condition);
	T_RUN(test_routes);
	T_RUN(test_diff);
	return t_done();
}
