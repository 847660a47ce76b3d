/*
 * test_states.c -- the states of a submission are defined once
 * (src/svc/apply/workflow.c: apply_states and the transition table):
 * a procedure definition without staff_states names none of its own
 * (src/core/forms keeps no list: NULL, 0, meaning every state), and every
 * place that names them agrees with that list -- the
 * residents' texts in the catalog ("apply.st.<id>", ja, en and やさしい
 * 日本語), the states staff may move to (each a known, non-final state's
 * successor), and the final states have no successor.
 */
#include "t.h"

#include <jansson.h>

#include "base/arena.h"
#include "core/forms/forms.h"
#include "html/html.h"
#include "svc/apply/apply.h"
#include "web/app.h"

static void test_definition_without_states_names_none(void)
{
	struct arena *a = arena_new(1u << 20);
	T_REQUIRE(a);
	json_error_t je;
	json_t *doc = json_load_file("data/procedures/event-moushikomi.json", 0, &je);
	T_REQUIRE(doc);
	json_object_del(doc, "staff_states");
	struct forms_def *d;
	struct err e;
	T_EQ_INT(forms_def_from_json(&d, a, doc, &e), 0);
	T_REQUIRE(d);
	T_EQ_INT(d->nstates, 0);
	T_CHECK(d->staff_states == NULL);
	json_decref(doc);
	arena_free(a);
}

static void test_every_state_has_resident_texts(void)
{
	for (int i = 0; i < apply_nstates; i++) {
		char id[64];
		snprintf(id, sizeof id, "apply.st.%s", apply_states[i].id);
		const struct html_msg *m = html_msg_find(id);
		T_CHECK(m != NULL);
		if (!m) {
			printf("# no catalog text %s\n", id);
			continue;
		}
		T_CHECK(m->ja && *m->ja && m->en && *m->en && m->easy && *m->easy);
		T_CHECK(apply_states[i].ja && *apply_states[i].ja && apply_states[i].en &&
			*apply_states[i].en);
	}
}

static void test_transitions_use_known_states(void)
{
	const char *next[APPLY_STATES_NEXT_MAX];
	int any = 0;
	for (int i = 0; i < apply_nstates; i++) {
		int n = apply_next_states(next, APPLY_STATES_NEXT_MAX, apply_states[i].id);
		T_CHECK(n >= 0 && n <= APPLY_STATES_NEXT_MAX);
		if (apply_states[i].final)
			T_EQ_INT(n, 0);
		for (int k = 0; k < n; k++) {
			T_CHECK(apply_state_find(next[k]) != NULL);
			T_CHECK(strcmp(next[k], apply_states[i].id) != 0);
			any++;
		}
	}
	T_CHECK(any >= 8);
	T_CHECK(apply_state_find("lottery_won") == NULL);
	T_EQ_INT(apply_next_states(next, APPLY_STATES_NEXT_MAX, "no-such-state"), 0);
	/* received may go to in_review; a returned submission only comes back
	 * by the resident's resubmission, not by staff */
	int n = apply_next_states(next, APPLY_STATES_NEXT_MAX, "received");
	int found = 0;
	for (int k = 0; k < n; k++)
		found |= strcmp(next[k], "in_review") == 0;
	T_CHECK(found);
	T_EQ_INT(apply_next_states(next, APPLY_STATES_NEXT_MAX, "returned"), 0);
}

int main(void)
{
	/* apply's rows come with its descriptor, as the server loads them */
	struct err e;
	if (app_catalogs_load(&e)) {
		printf("# catalogs: %s\n", e.detail);
		return 1;
	}
	T_RUN(test_definition_without_states_names_none);
	T_RUN(test_every_state_has_resident_texts);
	T_RUN(test_transitions_use_known_states);
	return t_done();
}
