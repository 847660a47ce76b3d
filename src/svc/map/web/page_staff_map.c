/*
 * page_staff_map.c -- the staff's layer editor (permission map.admin):
 *
 *   GET  /staff/map                 the layers in order, with move up /
 *                                   down and remove buttons
 *   GET  /staff/map/new             the form, empty
 *   POST /staff/map                 add a layer (last)
 *   GET  /staff/map/{id}/edit       the form
 *   POST /staff/map/{id}            save
 *   POST /staff/map/{id}/move       dir=up|down
 *   POST /staff/map/{id}/delete     remove
 *
 * Invariants: the rules of a layer are the domain's (map_layer_check);
 * a dataset layer is saved only when its source can be read as features
 * (so a typo in a dataset's name is answered in the form, not on the
 * map); a refused form comes back 422 with what was typed and the error
 * summary linking to the field; every write is one transaction with its
 * audit record (map.layer_create, _update, _move, _delete: the layer's
 * id, nothing else).
 */
#include "web/app.h"
#include "web/ui.h"
#include "core/audit/audit.h"
#include "svc/map/map.h"
#include "svc/map/web/map_web.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *T(struct http_req *r, const char *id)
{
	return html_t(app_req(r)->lang, id);
}

static int not_found(struct http_req *r)
{
	return app_send_error(r, ERR_NOTFOUND, "map.error.layer", "map: no such layer");
}

static int id_param(int64_t *id, struct http_req *r)
{
	const char *s = http_param(r, "id");
	return s && parse_i64(id, s, 1, INT64_MAX) == 0 ? 0 : ERR_NOTFOUND;
}

static const char *const kind_ids[] = { NULL, "map.kind.points", "map.kind.lines", "map.kind.polygons",
					"map.kind.choropleth" };
static const char *const kind_codes[] = { NULL, "points", "lines", "polygons", "choropleth" };
static const char *const marker_codes[] = { NULL, "circle", "square", "triangle" };
static const char *const marker_ids[] = { NULL, "map.marker.circle", "map.marker.square", "map.marker.triangle" };

int page_staff_map(struct http_req *r)
{
	struct app_req *q = app_req(r);
	struct map_layer *ls;
	int n;
	struct err e;
	int rc = map_layers_list(&ls, &n, r->arena, app_store(r), q->tenant.code, 1, &e);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	struct html_page p;
	struct buf b;
	app_page_open(&b, &p, r, T(r, "map.staff.title"), NULL, NULL);
	if (http_param(r, "saved"))
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", T(r, "map.staff.saved"));
	if (http_param(r, "deleted"))
		html_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s</p></div>", T(r, "map.staff.deleted"));
	html_printf(&b, "<p>%s</p><p><a class=\"button\" href=\"/staff/map/new\">%s</a> <a href=\"/map\">%s</a></p>",
		    T(r, "map.staff.intro"), T(r, "map.staff.new"), T(r, "map.staff.view"));
	if (n == 0) {
		html_printf(&b, "<p>%s</p>", T(r, "map.none"));
		return app_page_send(r, 200, &b, &p);
	}
	html_printf(&b, "<table class=\"map-staff-layers\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead><tbody>",
		    T(r, "map.staff.title"), T(r, "map.field.position"), T(r, "map.field.name_ja"),
		    T(r, "map.field.source"), T(r, "map.field.kind"), T(r, "map.staff.actions"));
	for (int i = 0; i < n; i++) {
		const struct map_layer *l = &ls[i];
		html_printf(&b, "<tr><td>%d</td><td><a href=\"/staff/map/%lld/edit\">%s</a>", l->position,
			    (long long)l->id, l->name_ja);
		if (l->staff_only)
			html_printf(&b, " <span class=\"tag\">%s</span>", T(r, "map.staff.only_tag"));
		if (!l->on_default)
			html_printf(&b, " <span class=\"tag\">%s</span>", T(r, "map.staff.off_tag"));
		html_printf(&b, "</td><td>%s</td><td>%s</td><td class=\"map-staff-actions\">",
			    l->source == MAP_SRC_URL ? l->url : l->dataset, T(r, kind_ids[l->kind]));
		static const char *const dirs[] = { "up", "down" };
		for (int d = 0; d < 2; d++)
			if ((d == 0 && i > 0) || (d == 1 && i < n - 1))
				html_printf(&b, "<form method=\"post\" action=\"/staff/map/%lld/move\">"
					    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
					    "<input type=\"hidden\" name=\"dir\" value=\"%s\">"
					    "<button type=\"submit\" class=\"button-secondary\" aria-label=\"%s\">%s</button></form>",
					    (long long)l->id, q->csrf, dirs[d],
					    arena_printf(r->arena, T(r, d ? "map.staff.down_of" : "map.staff.up_of"), l->name_ja),  /* checksrc: fmt-ok */
					    T(r, d ? "map.staff.down" : "map.staff.up"));
		html_printf(&b, "<form method=\"post\" action=\"/staff/map/%lld/delete\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			    "<button type=\"submit\" class=\"button-secondary\" aria-label=\"%s\">%s</button></form></td></tr>",
			    (long long)l->id, q->csrf,
			    arena_printf(r->arena, T(r, "map.staff.delete_of"), l->name_ja),  /* checksrc: fmt-ok */
			    T(r, "map.staff.delete"));
	}
	buf_puts(&b, "</tbody></table>");
	return app_page_send(r, 200, &b, &p);
}

static struct ui_field field(struct http_req *r, const char *name, const char *label_id, const char *value,
			     const struct map_problem *prob)
{
	int bad = prob && strcmp(prob->field, name) == 0;
	return (struct ui_field){
		.name = name, .id = arena_printf(r->arena, "map-%s", name), .label = T(r, label_id),
		.value = value, .lang = app_req(r)->lang, .error = bad ? T(r, prob->msg) : NULL,
	};
}

static const char *itoa_a(struct http_req *r, int v)
{
	return arena_printf(r->arena, "%d", v);
}

static int render_form(struct http_req *r, int status, const struct map_layer *l, const struct map_problem *prob)
{
	struct app_req *q = app_req(r);
	struct html_page p;
	struct buf b;
	char fid[40] = "";
	if (prob)
		snprintf(fid, sizeof fid, "map-%s", prob->field);
	app_page_open(&b, &p, r, T(r, l->id ? "map.staff.edit" : "map.staff.new"), prob ? fid : NULL,
		      prob ? T(r, prob->msg) : NULL);
	if (l->id)
		html_printf(&b, "<form method=\"post\" action=\"/staff/map/%lld\" class=\"form\" novalidate>", (long long)l->id);
	else
		buf_puts(&b, "<form method=\"post\" action=\"/staff/map\" class=\"form\" novalidate>");
	html_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", q->csrf);
	struct ui_field f = field(r, "name_ja", "map.field.name_ja", l->name_ja, prob);
	f.required = 1;
	f.maxlength = MAP_NAME_MAX;
	ui_input(&b, &f);
	f = field(r, "name_en", "map.field.name_en", l->name_en, prob);
	f.maxlength = MAP_NAME_MAX;
	ui_input(&b, &f);
	const struct ui_option sources[] = { { "dataset", T(r, "map.source.dataset") }, { "url", T(r, "map.source.url") } };
	f = field(r, "source", "map.field.source", l->source == MAP_SRC_URL ? "url" : "dataset", prob);
	f.hint = T(r, "map.hint.source");
	ui_select(&b, &f, sources, 2, NULL);
	f = field(r, "dataset", "map.field.dataset", l->dataset, prob);
	f.hint = T(r, "map.hint.dataset");
	f.verbatim = 1;
	f.maxlength = MAP_DATASET_MAX;
	ui_input(&b, &f);
	f = field(r, "resource", "map.field.resource", l->resource, prob);
	f.hint = T(r, "map.hint.resource");
	f.maxlength = MAP_RESOURCE_MAX;
	ui_input(&b, &f);
	f = field(r, "url", "map.field.url", l->url, prob);
	f.hint = T(r, "map.hint.url");
	f.verbatim = 1;
	f.maxlength = MAP_URL_MAX;
	ui_input(&b, &f);
	struct ui_option crs[40];
	int nc = 0;
	crs[nc++] = (struct ui_option){ "4326", T(r, "map.crs.4326") };
	crs[nc++] = (struct ui_option){ "6668", T(r, "map.crs.6668") };
	static const char *const roman[] = { "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
					     "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX" };
	for (int z = 0; z < 19; z++)
		crs[nc++] = (struct ui_option){ arena_printf(r->arena, "%d", 6669 + z),
						arena_printf(r->arena, T(r, "map.crs.plane2011"), roman[z], 6669 + z) };  /* checksrc: fmt-ok */
	for (int z = 0; z < 19; z++)
		crs[nc++] = (struct ui_option){ arena_printf(r->arena, "%d", 2443 + z),
						arena_printf(r->arena, T(r, "map.crs.plane2000"), roman[z], 2443 + z) };  /* checksrc: fmt-ok */
	f = field(r, "crs", "map.field.crs", itoa_a(r, l->crs ? l->crs : MAP_CRS_DEFAULT), prob);
	f.hint = T(r, "map.hint.crs");
	ui_select(&b, &f, crs, nc, NULL);
	struct ui_option kinds[4];
	for (int k = 1; k <= 4; k++)
		kinds[k - 1] = (struct ui_option){ kind_codes[k], T(r, kind_ids[k]) };
	f = field(r, "kind", "map.field.kind", kind_codes[l->kind >= 1 && l->kind <= 4 ? l->kind : 1], prob);
	ui_select(&b, &f, kinds, 4, NULL);
	f = field(r, "color", "map.field.color", l->color && *l->color ? l->color : "#1a5fb4", prob);
	f.type = "color";
	f.hint = T(r, "map.hint.color");
	ui_input(&b, &f);
	struct ui_option marks[3];
	for (int k = 1; k <= 3; k++)
		marks[k - 1] = (struct ui_option){ marker_codes[k], T(r, marker_ids[k]) };
	f = field(r, "marker", "map.field.marker", marker_codes[l->marker >= 1 && l->marker <= 3 ? l->marker : 1], prob);
	ui_select(&b, &f, marks, 3, NULL);
	f = field(r, "line_width", "map.field.line_width", itoa_a(r, l->line_width), prob);
	f.type = "number";
	f.unit = "px";
	f.control_class = "input-short";
	ui_input(&b, &f);
	f = field(r, "fill_opacity", "map.field.fill_opacity", itoa_a(r, l->fill_opacity), prob);
	f.type = "number";
	f.unit = "%";
	f.control_class = "input-short";
	ui_input(&b, &f);
	f = field(r, "name_prop", "map.field.name_prop", l->name_prop, prob);
	f.hint = T(r, "map.hint.name_prop");
	f.maxlength = MAP_PROP_MAX;
	ui_input(&b, &f);
	f = field(r, "addr_prop", "map.field.addr_prop", l->addr_prop, prob);
	f.maxlength = MAP_PROP_MAX;
	ui_input(&b, &f);
	html_printf(&b, "<h2>%s</h2><p>%s</p>", T(r, "map.kind.choropleth"), T(r, "map.hint.choropleth"));
	f = field(r, "value_prop", "map.field.value_prop", l->value_prop, prob);
	f.maxlength = MAP_PROP_MAX;
	ui_input(&b, &f);
	f = field(r, "breaks", "map.field.breaks", l->breaks, prob);
	f.hint = T(r, "map.hint.breaks");
	f.maxlength = MAP_BREAKS_TEXT_MAX;
	ui_input(&b, &f);
	f = field(r, "join_dataset", "map.field.join_dataset", l->join_dataset, prob);
	f.hint = T(r, "map.hint.join_dataset");
	f.verbatim = 1;
	f.maxlength = MAP_DATASET_MAX;
	ui_input(&b, &f);
	f = field(r, "join_key", "map.field.join_key", l->join_key, prob);
	f.maxlength = MAP_PROP_MAX;
	ui_input(&b, &f);
	f = field(r, "join_col", "map.field.join_col", l->join_col, prob);
	f.maxlength = MAP_PROP_MAX;
	ui_input(&b, &f);
	f = field(r, "on_default", "map.field.on_default", NULL, NULL);
	ui_checkbox(&b, &f, l->on_default);
	f = field(r, "staff_only", "map.field.staff_only", NULL, NULL);
	ui_checkbox(&b, &f, l->staff_only);
	html_printf(&b, "<div class=\"button-group\"><button type=\"submit\" class=\"button\">%s</button></div></form>"
		    "<p><a href=\"/staff/map\">%s</a></p>", T(r, "map.staff.save"), T(r, "map.staff.back"));
	return app_page_send(r, status, &b, &p);
}

int page_staff_map_new(struct http_req *r)
{
	struct map_layer l = { .source = MAP_SRC_DATASET, .crs = MAP_CRS_DEFAULT, .kind = MAP_POINTS,
			       .color = "#1a5fb4", .marker = MAP_MARK_CIRCLE, .line_width = 2, .fill_opacity = 40,
			       .on_default = 1 };
	return render_form(r, 200, &l, NULL);
}

int page_staff_map_edit(struct http_req *r)
{
	int64_t id;
	struct map_layer l;
	struct err e;
	if (id_param(&id, r))
		return not_found(r);
	int rc = map_layer_get(&l, r->arena, app_store(r), app_req(r)->tenant.code, id, &e);
	if (rc == ERR_NOTFOUND)
		return not_found(r);
	if (rc)
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return render_form(r, 200, &l, NULL);
}

static int code_of(const char *const *codes, int n, const char *s)
{
	for (int i = 1; s && i < n; i++)
		if (strcmp(codes[i], s) == 0)
			return i;
	return 0;
}

static const char *P(struct http_req *r, const char *name)
{
	const char *v = http_param(r, name);
	return v ? v : "";
}

static int audit(struct http_req *r, struct store *s, const char *action, int64_t id, struct err *e)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	struct app_actor a;
	app_actor_of(&a, r);
	return app_audit_as(s, &app_of(r)->audit, &a,
			    &(struct app_audit_entry){ .action = action, .object_type = "map.layer", .object_id = ids,
						       .result = AUDIT_R_OK }, e);
}

static int save(struct http_req *r, int64_t id)
{
	struct app_req *q = app_req(r);
	struct store *s = app_store(r);
	struct err e;
	int64_t lw = -1, fo = -1, crs = 0;
	const char *src = P(r, "source");
	struct map_layer l = {
		.id = id, .name_ja = P(r, "name_ja"), .name_en = P(r, "name_en"),
		.source = strcmp(src, "url") == 0 ? MAP_SRC_URL : strcmp(src, "dataset") == 0 ? MAP_SRC_DATASET : 0,
		.dataset = P(r, "dataset"), .resource = P(r, "resource"), .url = P(r, "url"),
		.kind = (enum map_kind)code_of(kind_codes, 5, http_param(r, "kind")),
		.color = P(r, "color"), .marker = (enum map_marker)code_of(marker_codes, 4, http_param(r, "marker")),
		.name_prop = P(r, "name_prop"), .addr_prop = P(r, "addr_prop"), .value_prop = P(r, "value_prop"),
		.breaks = P(r, "breaks"), .join_dataset = P(r, "join_dataset"), .join_key = P(r, "join_key"),
		.join_col = P(r, "join_col"), .on_default = http_param(r, "on_default") != NULL,
		.staff_only = http_param(r, "staff_only") != NULL,
	};
	if (parse_i64(&crs, P(r, "crs"), 1, 99999) == 0)
		l.crs = (int)crs;
	if (parse_i64(&lw, P(r, "line_width"), 0, 1000) == 0)
		l.line_width = (int)lw;
	else
		l.line_width = -1;
	if (parse_i64(&fo, P(r, "fill_opacity"), 0, 1000) == 0)
		l.fill_opacity = (int)fo;
	else
		l.fill_opacity = -1;
	struct map_problem prob;
	if (map_layer_check(&l, &prob))
		return render_form(r, 422, &l, &prob);
	if (id) {
		struct map_layer old;
		int rc = map_layer_get(&old, r->arena, s, q->tenant.code, id, &e);
		if (rc == ERR_NOTFOUND)
			return not_found(r);
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	/* a dataset layer must be readable as features before it is saved */
	if (l.source == MAP_SRC_DATASET) {
		struct map_features fs;
		int rc = map_features_load(&fs, s, q->tenant.code, &l, &e);
		map_features_done(&fs);
		if (rc == ERR_NOTFOUND || rc == ERR_INVALID) {
			prob = (struct map_problem){ "dataset", rc == ERR_NOTFOUND ? "map.staff.error.dataset_missing"
										  : "map.staff.error.no_features" };
			return render_form(r, 422, &l, &prob);
		}
		if (rc)
			return http_send_error(r, rc, NULL, NULL, e.detail);
	}
	int64_t nid = 0;
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = map_layer_save(&nid, s, q->tenant.code, &l, &prob, app_now(), &e);
	if (rc == 0)
		rc = audit(r, s, id ? "map.layer_update" : "map.layer_create", nid, &e);
	if (rc) {
		store_rollback(s);
		if (rc == ERR_LIMIT) {
			prob = (struct map_problem){ "name_ja", "map.staff.error.too_many" };
			return render_form(r, 422, &l, &prob);
		}
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, arena_printf(r->arena, "/staff/map?saved=%lld", (long long)nid));
}

int page_staff_map_create(struct http_req *r)
{
	return save(r, 0);
}

int page_staff_map_save(struct http_req *r)
{
	int64_t id;
	return id_param(&id, r) ? not_found(r) : save(r, id);
}

static int change(struct http_req *r, int what)
{
	struct store *s = app_store(r);
	int64_t id;
	struct err e;
	if (id_param(&id, r))
		return not_found(r);
	int dir = 0;
	if (what == 0) {
		const char *d = P(r, "dir");
		dir = strcmp(d, "up") == 0 ? -1 : strcmp(d, "down") == 0 ? 1 : 0;
		if (!dir)
			return app_send_error(r, ERR_INVALID, "map.staff.error.dir", "map: dir");
	}
	int rc = store_begin(s, &e);
	if (rc == 0)
		rc = what == 0 ? map_layer_move(s, app_req(r)->tenant.code, id, dir, &e)
			       : map_layer_delete(s, app_req(r)->tenant.code, id, &e);
	if (rc == 0)
		rc = audit(r, s, what == 0 ? "map.layer_move" : "map.layer_delete", id, &e);
	if (rc) {
		store_rollback(s);
		return rc == ERR_NOTFOUND ? not_found(r) : http_send_error(r, rc, NULL, NULL, e.detail);
	}
	if ((rc = store_commit(s, &e)))
		return http_send_error(r, rc, NULL, NULL, e.detail);
	return http_redirect(r, 303, what == 0 ? "/staff/map" : "/staff/map?deleted=1");
}

int page_staff_map_move(struct http_req *r)
{
	return change(r, 0);
}

int page_staff_map_delete(struct http_req *r)
{
	return change(r, 1);
}
