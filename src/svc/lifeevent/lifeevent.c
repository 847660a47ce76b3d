/*
 * lifeevent.c -- life-event files: the schema check, loading a directory,
 * the decision (which procedures apply after the interview) and the
 * answers shared with each procedure.  See lifeevent.h for the format and
 * the invariants.
 */
#include "svc/lifeevent/lifeevent.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_decref_cb(void *p)
{
	json_decref(p);
}

static int valid_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > FORMS_ID_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* a text object {ja, en, ja-easy?}: ja and en required, each non-empty
 * and at most FORMS_TEXT_MAX bytes, no other key */
static int get_text(struct forms_text *t, const json_t *v, const char *path,
		    int required, struct err *e)
{
	memset(t, 0, sizeof *t);
	if (!v) {
		if (required)
			return err_set(e, ERR_INVALID, "%s: missing", path);
		return 0;
	}
	if (!json_is_object(v))
		return err_set(e, ERR_INVALID, "%s: must be an object {ja, en}", path);
	const char *k;
	json_t *x;
	json_object_foreach((json_t *)v, k, x) {
		const char *s = json_string_value(x);
		if (!s || !s[0] || strlen(s) > FORMS_TEXT_MAX)
			return err_set(e, ERR_INVALID, "%s.%s: must be a non-empty string"
				       " of at most %d bytes", path, k, FORMS_TEXT_MAX);
		if (strcmp(k, "ja") == 0)
			t->ja = s;
		else if (strcmp(k, "en") == 0)
			t->en = s;
		else if (strcmp(k, "ja-easy") == 0)
			t->ja_easy = s;
		else
			return err_set(e, ERR_INVALID, "%s: unknown key \"%.32s\"", path, k);
	}
	if (!t->ja || !t->en)
		return err_set(e, ERR_INVALID, "%s: ja and en are required", path);
	return 0;
}

struct ref_check {
	const struct forms_def *d;
	const char *bad;
};

static int ref_known(const char *name, int scoped, const char *group, void *arg)
{
	(void)scoped;
	(void)group;
	struct ref_check *rc = arg;
	char top[FORMS_ID_MAX + 1];
	size_t n = strcspn(name, ".");
	if (n > FORMS_ID_MAX)
		n = FORMS_ID_MAX;
	memcpy(top, name, n);
	top[n] = 0;
	if (scoped || forms_def_field(rc->d, top))
		return 0;
	rc->bad = name;
	return 1;
}

int lifeevent_parse(struct lifeevent **out, struct arena *a, const char *json,
		    size_t len, struct err *e)
{
	*out = NULL;
	if (len > LIFEEVENT_MAX_BYTES)
		return err_set(e, ERR_LIMIT, "life event: more than %u bytes",
			       LIFEEVENT_MAX_BYTES);
	json_error_t je;
	json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return err_set(e, ERR_INVALID, "life event: line %d: %.80s", je.line, je.text);
	if (arena_cleanup_add(a, json_decref_cb, doc)) {
		json_decref(doc);
		return err_set(e, ERR_NOMEM, "life event: arena full");
	}
	if (!json_is_object(doc))
		return err_set(e, ERR_INVALID, "life event: must be a JSON object");
	const char *k;
	json_t *v;
	json_object_foreach(doc, k, v) {
		if (strcmp(k, "format") && strcmp(k, "id") && strcmp(k, "title") &&
		    strcmp(k, "description") && strcmp(k, "interview") &&
		    strcmp(k, "procedures"))
			return err_set(e, ERR_INVALID, "life event: unknown key \"%.32s\"", k);
	}
	const char *fmt = json_string_value(json_object_get(doc, "format"));
	if (!fmt || strcmp(fmt, LIFEEVENT_FORMAT))
		return err_set(e, ERR_INVALID, "format: must be \"%s\"", LIFEEVENT_FORMAT);
	struct lifeevent *le = arena_alloc(a, sizeof *le);
	if (!le)
		return err_set(e, ERR_NOMEM, "life event: arena full");
	memset(le, 0, sizeof *le);
	le->id = json_string_value(json_object_get(doc, "id"));
	if (!le->id || !valid_code(le->id) || strchr(le->id, '-'))
		return err_set(e, ERR_INVALID, "id: 1-64 of [a-z0-9_] starting with a letter");
	int rc;
	if ((rc = get_text(&le->title, json_object_get(doc, "title"), "title", 1, e)) ||
	    (rc = get_text(&le->description, json_object_get(doc, "description"),
			   "description", 0, e)))
		return rc;

	/* the interview: a procedure definition made of its pages */
	json_t *iv = json_object_get(doc, "interview");
	if (!json_is_object(iv) || json_object_size(iv) != 1 ||
	    !json_is_array(json_object_get(iv, "pages")))
		return err_set(e, ERR_INVALID, "interview: must be {\"pages\": [...]}");
	json_t *def = json_pack("{s:s, s:s+, s:O, s:s, s:i, s:i, s:O}",
				"format", FORMS_FORMAT, "id", "life-event-", le->id,
				"title", json_object_get(doc, "title"),
				"department", "counter", "retention_years", 1,
				"target_days", 1, "pages", json_object_get(iv, "pages"));
	if (!def)
		return err_set(e, ERR_NOMEM, "life event: out of memory");
	rc = forms_def_from_json(&le->interview, a, def, e);
	json_decref(def);
	if (rc) {
		char d[ERR_DETAIL_MAX];
		memcpy(d, e ? e->detail : "", e ? sizeof d : 1);
		d[sizeof d - 12] = 0; /* room for the prefix */
		return err_set(e, rc, "interview: %s", d);
	}

	json_t *procs = json_object_get(doc, "procedures");
	size_t np = json_array_size(procs);
	if (!json_is_array(procs) || np == 0)
		return err_set(e, ERR_INVALID, "procedures: must be a non-empty array");
	if (np > LIFEEVENT_MAX_PROCEDURES)
		return err_set(e, ERR_LIMIT, "procedures: more than %d", LIFEEVENT_MAX_PROCEDURES);
	le->procedures = arena_alloc(a, np * sizeof *le->procedures);
	if (!le->procedures)
		return err_set(e, ERR_NOMEM, "life event: arena full");
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_array_get(procs, i);
		struct lifeevent_procedure *lp = &le->procedures[i];
		memset(lp, 0, sizeof *lp);
		if (!json_is_object(p))
			return err_set(e, ERR_INVALID, "procedures[%zu]: must be an object", i);
		json_object_foreach(p, k, v) {
			if (strcmp(k, "code") && strcmp(k, "when") && strcmp(k, "why"))
				return err_set(e, ERR_INVALID, "procedures[%zu]: unknown key"
					       " \"%.32s\"", i, k);
		}
		lp->code = json_string_value(json_object_get(p, "code"));
		if (!lp->code || !valid_code(lp->code))
			return err_set(e, ERR_INVALID, "procedures[%zu].code: not a procedure code", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(le->procedures[j].code, lp->code) == 0)
				return err_set(e, ERR_INVALID, "procedures[%zu].code: \"%s\""
					       " listed twice", i, lp->code);
		char path[64];
		snprintf(path, sizeof path, "procedures[%zu].why", i);
		if ((rc = get_text(&lp->why, json_object_get(p, "why"), path, 1, e)))
			return rc;
		json_t *w = json_object_get(p, "when");
		if (w) {
			lp->when_src = json_string_value(w);
			if (!lp->when_src)
				return err_set(e, ERR_INVALID, "procedures[%zu].when: must be"
					       " a condition string", i);
			struct err ce;
			err_clear(&ce);
			if ((rc = forms_cond_parse(&lp->when, a, lp->when_src, &ce)))
				return err_set(e, rc, "procedures[%zu].when: %s", i, ce.detail);
			struct ref_check chk = { le->interview, NULL };
			if (forms_cond_refs(lp->when, ref_known, &chk))
				return err_set(e, ERR_INVALID, "procedures[%zu].when: \"%.64s\""
					       " is not an interview field", i, chk.bad);
		}
	}
	le->nprocedures = (int)np;
	*out = le;
	return 0;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int lifeevent_load_dir(struct lifeevent ***out, struct arena *a,
		       const char *dir, struct err *e)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, ERR_NOTFOUND, "life events: cannot open %s: %s", dir,
			       strerror(errno));
	char *names[LIFEEVENT_MAX_EVENTS];
	int n = 0, rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.')
			continue;
		if (n >= LIFEEVENT_MAX_EVENTS) {
			rc = err_set(e, ERR_LIMIT, "life events: more than %d files in %s",
				     LIFEEVENT_MAX_EVENTS, dir);
			break;
		}
		names[n++] = arena_strdup(a, de->d_name);
	}
	closedir(d);
	if (rc)
		return rc;
	qsort(names, (size_t)n, sizeof names[0], by_name);
	struct lifeevent **evs = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *evs);
	if (!evs)
		return err_set(e, ERR_NOMEM, "life events: arena full");
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "rb");
		if (!f)
			return err_set(e, ERR_NOTFOUND, "%s: %s", names[i], strerror(errno));
		char *buf = malloc(LIFEEVENT_MAX_BYTES + 1);
		size_t len = buf ? fread(buf, 1, LIFEEVENT_MAX_BYTES + 1, f) : 0;
		fclose(f);
		if (!buf)
			return err_set(e, ERR_NOMEM, "life events: out of memory");
		struct err pe;
		err_clear(&pe);
		rc = lifeevent_parse(&evs[i], a, buf, len, &pe);
		free(buf);
		if (rc)
			return err_set(e, rc, "%s: %s", names[i], pe.detail);
		for (int j = 0; j < i; j++)
			if (strcmp(evs[j]->id, evs[i]->id) == 0)
				return err_set(e, ERR_INVALID, "%s: id \"%s\" used twice",
					       names[i], evs[i]->id);
	}
	*out = evs;
	return n;
}

const struct lifeevent *lifeevent_find(struct lifeevent *const *events, int n,
				       const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(events[i]->id, id) == 0)
			return events[i];
	return NULL;
}

int lifeevent_check_procedures(const struct lifeevent *le,
			       const struct forms_def *(*lookup)(const char *code, void *arg),
			       void *arg, struct err *e)
{
	for (int i = 0; i < le->nprocedures; i++) {
		const char *code = le->procedures[i].code;
		const struct forms_def *d = lookup(code, arg);
		if (!d)
			return err_set(e, ERR_INVALID, "%s: procedure %s is not published",
				       le->id, code);
		int listed = 0;
		for (int j = 0; j < d->nlife_events; j++)
			listed |= strcmp(d->life_events[j], le->id) == 0;
		if (!listed)
			return err_set(e, ERR_INVALID, "%s: procedure %s does not list the"
				       " life event in life_events", le->id, code);
		const struct forms_def *iv = le->interview;
		for (int p = 0; p < iv->npages; p++) {
			for (int f = 0; f < iv->pages[p].nfields; f++) {
				const struct forms_field *q = &iv->pages[p].fields[f];
				const struct forms_field *t = forms_def_field(d, q->id);
				if (t && t->type != q->type)
					return err_set(e, ERR_INVALID, "%s: field %s is %s in the"
						       " interview but %s in %s", le->id, q->id,
						       forms_type_name(q->type),
						       forms_type_name(t->type), code);
			}
		}
	}
	return 0;
}

int lifeevent_decide(struct lifeevent_choice **out, struct forms_result *r,
		     struct arena *a, const struct lifeevent *le,
		     const json_t *answers, struct jp_date today, struct err *e)
{
	*out = NULL;
	int rc = forms_validate(r, a, le->interview, answers, today, e);
	if (rc)
		return rc;
	if (r->nerrors > 0)
		return err_set(e, ERR_INVALID, "%s: %d interview answers need attention",
			       le->id, r->nerrors);
	struct lifeevent_choice *c = arena_alloc(a, (size_t)le->nprocedures * sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "life event: arena full");
	struct forms_env env = { r->answers, NULL, today };
	for (int i = 0; i < le->nprocedures; i++) {
		c[i].procedure = &le->procedures[i];
		c[i].applies = !le->procedures[i].when ||
			       forms_cond_eval(le->procedures[i].when, &env);
	}
	*out = c;
	return 0;
}

json_t *lifeevent_shared(struct arena *a, const struct lifeevent *le,
			 const json_t *answers, const struct forms_def *d)
{
	json_t *out = json_object();
	if (!out || arena_cleanup_add(a, json_decref_cb, out)) {
		json_decref(out);
		return NULL;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)answers, k, v) {
		const struct forms_field *q = forms_def_field(le->interview, k);
		const struct forms_field *t = forms_def_field(d, k);
		if (q && t && q->type == t->type)
			json_object_set(out, k, v);
	}
	return out;
}
