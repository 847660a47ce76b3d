/*
 * test_mutate.c -- robustness of the schema check: every shipped
 * definition, mutated thousands of times at the JSON level (a key
 * removed, a value replaced by another type, an id or a condition
 * changed), is either accepted or refused with ERR_INVALID / ERR_LIMIT
 * and a detail; accepted mutants then validate a few answer sets without
 * failing.  Deterministic (a fixed LCG), so a failure reproduces; run
 * under `make SAN=1` it is a cheap memory-safety check of def.c and
 * answers.c.
 */
#include "t.h"

#include <dirent.h>
#include <unistd.h>

#include "core/forms/forms.h"

#define MUTANTS_PER_FILE 400

static uint64_t rng = 88172645463325252ULL;

static uint32_t next(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng >> 33);
}

struct slot {
	json_t *parent;      /* object or array */
	const char *key;     /* object member, or NULL for an array index */
	size_t index;
};

static void collect(json_t *v, struct slot *s, int *n, int max)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach(v, k, c) {
			if (*n < max)
				s[(*n)++] = (struct slot){ v, k, 0 };
			collect(c, s, n, max);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c) {
			if (*n < max)
				s[(*n)++] = (struct slot){ v, NULL, i };
			collect(c, s, n, max);
		}
	}
}

static json_t *replacement(void)
{
	static const char *const strs[] = {
		"x", "", "a == 1", "not_a_field", "text", "group", "exit:nope", "end",
		"p1", "2026-02-30", "((", "age_on(x, today())", "application/pdf", "ja",
	};
	switch (next() % 8) {
	case 0: return json_integer((json_int_t)(next() % 5) - 1);
	case 1: return json_integer(99999999999LL);
	case 2: return json_true();
	case 3: return json_null();
	case 4: return json_array();
	case 5: return json_object();
	default: return json_string(strs[next() % (sizeof strs / sizeof strs[0])]);
	}
}

static int mutate(json_t *doc)
{
	struct slot s[4096];
	int n = 0;
	collect(doc, s, &n, 4096);
	if (n == 0)
		return 0;
	struct slot *t = &s[next() % (uint32_t)n];
	int del = next() % 3 == 0;
	if (t->key) {
		if (del)
			json_object_del(t->parent, t->key);
		else
			json_object_set_new(t->parent, t->key, replacement());
	} else {
		if (del)
			json_array_remove(t->parent, t->index);
		else if (next() % 2)
			json_array_set_new(t->parent, t->index, replacement());
		else   /* duplicate an element: duplicate ids */
			json_array_append(t->parent, json_array_get(t->parent, t->index));
	}
	return 1;
}

static void test_mutants(void)
{
	const char *dirs[] = { "data/procedures", "../data/procedures", "../../data/procedures" };
	const char *dir = NULL;
	for (size_t i = 0; i < 3 && !dir; i++)
		if (access(dirs[i], R_OK) == 0)
			dir = dirs[i];
	T_REQUIRE(dir);
	DIR *dh = opendir(dir);
	T_REQUIRE(dh);
	struct dirent *de;
	int files = 0, accepted = 0, refused = 0, bad = 0;
	json_t *answer_sets[3];
	answer_sets[0] = json_object();
	answer_sets[1] = json_loads("{\"applicant_name\":{\"family\":\"区民\",\"family_kana\":\"クミン\"},"
				    "\"applicant_birth\":\"2000-01-01\",\"children\":[{}],\"x\":[1]}", 0, NULL);
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char p[512];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		json_t *orig = json_load_file(p, JSON_REJECT_DUPLICATES, NULL);
		if (!orig)
			continue;
		files++;
		for (int m = 0; m < MUTANTS_PER_FILE; m++) {
			json_t *doc = json_deep_copy(orig);
			int k = 1 + (int)(next() % 3);
			for (int i = 0; i < k; i++)
				mutate(doc);
			struct arena *a = arena_new(0);
			struct forms_def *d = NULL;
			struct err e;
			err_clear(&e);
			int rc = forms_def_from_json(&d, a, doc, &e);
			if (rc == 0) {
				accepted++;
				answer_sets[2] = doc;
				for (int i = 0; i < 3; i++) {
					struct forms_result r;
					if (forms_validate(&r, a, d, answer_sets[i], (struct jp_date){ 2026, 11, 22 }, &e) != 0)
						bad++;
				}
			} else if ((rc == ERR_INVALID || rc == ERR_LIMIT) && e.detail[0]) {
				refused++;
			} else {
				bad++;
				printf("# %s mutant %d: rc %d detail \"%s\"\n", de->d_name, m, rc, e.detail);
			}
			arena_free(a);
			json_decref(doc);
		}
		json_decref(orig);
	}
	closedir(dh);
	json_decref(answer_sets[0]);
	json_decref(answer_sets[1]);
	printf("# %d files, %d mutants accepted, %d refused\n", files, accepted, refused);
	T_CHECK(files >= 30);
	T_CHECK(refused > 0 && accepted > 0);
	T_EQ_INT(bad, 0);
}

int main(void)
{
	T_RUN(test_mutants);
	return t_done();
}
