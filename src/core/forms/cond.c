/*
 * cond.c -- the condition language of procedure definitions: a tokenizer
 * and a recursive-descent parser into a small tree, and its evaluator.
 *
 * Grammar (README.md has the full description):
 *   expr    := and_e ( "or" and_e )*
 *   and_e   := not_e ( "and" not_e )*
 *   not_e   := "not" not_e | cmp
 *   cmp     := primary [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) primary
 *                      | "in" primary | "not" "in" primary ]
 *   primary := INT | STRING | "true" | "false" | "null" | NAME
 *            | FUNC "(" [ expr ( "," expr )* ] ")" | "(" expr ")"
 *            | "[" [ expr ( "," expr )* ] "]"
 *   NAME    := IDENT ( "." IDENT )*      IDENT := [A-Za-z_][A-Za-z0-9_]*
 * Comparisons do not chain (a < b < c is a syntax error).
 *
 * Invariants: the source is at most FORMS_COND_MAX_LEN bytes, nesting (of
 * parentheses, lists, calls and "not") at most FORMS_COND_MAX_DEPTH, so
 * both parsing and evaluation use bounded stack; the tree is immutable
 * after parsing and may be evaluated from several threads at once (the
 * evaluator's scratch space is on its own stack).  Evaluation never fails:
 * a comparison between values of different kinds is false.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/forms/forms.h"
#include "core/forms/forms_int.h"
#include "jp/date.h"
#include "jp/text.h"

enum tok {
	T_EOF, T_INT, T_STR, T_NAME, T_LP, T_RP, T_LB, T_RB, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
	T_AND, T_OR, T_NOT, T_IN, T_TRUE, T_FALSE, T_NULL,
};

enum node_kind {
	N_LIT, N_NAME, N_NOT, N_AND, N_OR, N_CMP, N_IN, N_NOTIN, N_CALL,
	N_LIST,
};

enum fn_id {
	F_IS_EMPTY, F_AGE_ON, F_TODAY, F_COUNT, F_LEN, F_ANY, F_ALL,
	F_NENDO_START, F_ADD_DAYS,
};

static const struct {
	const char *name;
	enum fn_id id;
	int nargs;
	int makes_date;     /* returns a date string (needs a slot) */
} fns[] = {
	{ "is_empty", F_IS_EMPTY, 1, 0 },
	{ "age_on", F_AGE_ON, 2, 0 },
	{ "today", F_TODAY, 0, 1 },
	{ "count", F_COUNT, 1, 0 },
	{ "len", F_LEN, 1, 0 },
	{ "any", F_ANY, 2, 0 },
	{ "all", F_ALL, 2, 0 },
	{ "nendo_start", F_NENDO_START, 1, 1 },
	{ "add_days", F_ADD_DAYS, 2, 1 },
};
#define NFNS ((int)(sizeof fns / sizeof fns[0]))

#define MAX_SLOTS 128

struct forms_cond {
	enum node_kind kind;
	enum tok op;                  /* N_CMP                          */
	struct forms_val lit;         /* N_LIT                          */
	const char *name;             /* N_NAME                         */
	enum fn_id fn;                /* N_CALL                         */
	int slot;                     /* N_CALL that makes a date       */
	struct forms_cond **kids;
	int nkids;
	int col;                      /* 1-based column, for messages   */
};

struct parser {
	struct arena *a;
	const char *src;
	size_t len, pos;
	/* current token */
	enum tok t;
	size_t tstart;
	int64_t tint;
	char *tstr;                   /* T_STR value, T_NAME text        */
	int depth;
	int slots;
	struct err *e;
};

static int perr(struct parser *p, size_t at, const char *msg)
{
	return err_set(p->e, ERR_INVALID, "condition: column %zu: %s", at + 1,
		       msg);
}

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* lex -- read the next token into p->t. */
static int lex(struct parser *p)
{
	const char *s = p->src;
	while (p->pos < p->len && (s[p->pos] == ' ' || s[p->pos] == '\t' ||
				   s[p->pos] == '\n' || s[p->pos] == '\r'))
		p->pos++;
	p->tstart = p->pos;
	if (p->pos >= p->len) {
		p->t = T_EOF;
		return 0;
	}
	char c = s[p->pos];
	char n = p->pos + 1 < p->len ? s[p->pos + 1] : 0;
	switch (c) {
	case '(': p->t = T_LP; p->pos++; return 0;
	case ')': p->t = T_RP; p->pos++; return 0;
	case '[': p->t = T_LB; p->pos++; return 0;
	case ']': p->t = T_RB; p->pos++; return 0;
	case ',': p->t = T_COMMA; p->pos++; return 0;
	case '=':
		if (n != '=')
			return perr(p, p->pos, "'=' is not an operator (use '==')");
		p->t = T_EQ; p->pos += 2; return 0;
	case '!':
		if (n != '=')
			return perr(p, p->pos, "'!' is not an operator (use 'not' or '!=')");
		p->t = T_NE; p->pos += 2; return 0;
	case '<':
		if (n == '=') { p->t = T_LE; p->pos += 2; } else { p->t = T_LT; p->pos++; }
		return 0;
	case '>':
		if (n == '=') { p->t = T_GE; p->pos += 2; } else { p->t = T_GT; p->pos++; }
		return 0;
	default:
		break;
	}
	if ((c >= '0' && c <= '9') || (c == '-' && n >= '0' && n <= '9')) {
		int neg = c == '-';
		size_t i = p->pos + (size_t)neg;
		uint64_t v = 0;
		int nd = 0;
		while (i < p->len && s[i] >= '0' && s[i] <= '9') {
			if (++nd > 18)
				return perr(p, p->pos, "number too long (at most 18 digits)");
			v = v * 10 + (uint64_t)(s[i] - '0');
			i++;
		}
		if (i < p->len && (is_ident(s[i]) || s[i] == '.'))
			return perr(p, p->pos, "malformed number (integers only)");
		p->tint = neg ? -(int64_t)v : (int64_t)v;
		p->t = T_INT;
		p->pos = i;
		return 0;
	}
	if (c == '"' || c == '\'') {
		char q = c;
		size_t i = p->pos + 1;
		char *out = arena_alloc(p->a, p->len - p->pos + 1);
		if (!out)
			return err_set(p->e, ERR_NOMEM, "condition: arena full");
		size_t o = 0;
		for (;;) {
			if (i >= p->len)
				return perr(p, p->pos, "unterminated string");
			char ch = s[i];
			if (ch == q) {
				i++;
				break;
			}
			if ((unsigned char)ch < 0x20)
				return perr(p, i, "control character in string");
			if (ch == '\\') {
				char x = i + 1 < p->len ? s[i + 1] : 0;
				if (x == '\\' || x == '"' || x == '\'')
					out[o++] = x;
				else if (x == 'n')
					out[o++] = '\n';
				else
					return perr(p, i, "unknown escape in string (\\\\ \\\" \\' \\n)");
				i += 2;
				continue;
			}
			out[o++] = ch;
			i++;
		}
		out[o] = 0;
		if (memchr(out, 0, o))
			return perr(p, p->pos, "NUL in string");
		if (jp_text_utf8_validate(NULL, out, o, NULL) != 0)
			return perr(p, p->pos, "string is not valid UTF-8");
		p->tstr = out;
		p->t = T_STR;
		p->pos = i;
		return 0;
	}
	if (is_ident_start((unsigned char)c)) {
		size_t i = p->pos;
		for (;;) {
			if (i >= p->len || !is_ident_start((unsigned char)s[i]))
				return perr(p, i, "expected a name after '.'");
			while (i < p->len && is_ident((unsigned char)s[i]))
				i++;
			if (i < p->len && s[i] == '.') {
				i++;
				continue;
			}
			break;
		}
		size_t n0 = i - p->pos;
		static const struct { const char *w; enum tok t; } kw[] = {
			{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT },
			{ "in", T_IN }, { "true", T_TRUE }, { "false", T_FALSE },
			{ "null", T_NULL },
		};
		for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
			if (strlen(kw[k].w) == n0 && memcmp(kw[k].w, s + p->pos, n0) == 0) {
				p->t = kw[k].t;
				p->pos = i;
				return 0;
			}
		if (n0 > FORMS_PATH_MAX)
			return perr(p, p->pos, "name too long");
		p->tstr = arena_strndup(p->a, s + p->pos, n0);
		if (!p->tstr)
			return err_set(p->e, ERR_NOMEM, "condition: arena full");
		p->t = T_NAME;
		p->pos = i;
		return 0;
	}
	if ((unsigned char)c >= 0x80)
		return perr(p, p->pos, "unexpected non-ASCII character (quote text in \"...\")");
	char m[64];
	snprintf(m, sizeof m, "unexpected character '%c'", c);
	return perr(p, p->pos, m);
}

static struct forms_cond *node(struct parser *p, enum node_kind k, size_t at)
{
	struct forms_cond *c = arena_alloc(p->a, sizeof *c);
	if (!c) {
		err_set(p->e, ERR_NOMEM, "condition: arena full");
		return NULL;
	}
	c->kind = k;
	c->col = (int)at + 1;
	return c;
}

static int add_kid(struct parser *p, struct forms_cond *c, struct forms_cond *k)
{
	if ((c->nkids & 3) == 0) {
		struct forms_cond **n = arena_alloc(p->a, sizeof *n * (size_t)(c->nkids + 4));
		if (!n)
			return err_set(p->e, ERR_NOMEM, "condition: arena full");
		if (c->nkids)
			memcpy(n, c->kids, sizeof *n * (size_t)c->nkids);
		c->kids = n;
	}
	c->kids[c->nkids++] = k;
	return 0;
}

static int parse_expr(struct forms_cond **out, struct parser *p);

static int enter(struct parser *p)
{
	if (++p->depth > FORMS_COND_MAX_DEPTH)
		return err_set(p->e, ERR_LIMIT,
			       "condition: column %zu: nested deeper than %d",
			       p->tstart + 1, FORMS_COND_MAX_DEPTH);
	return 0;
}

/* parse_seq -- expr ("," expr)* up to `close`, which is consumed. */
static int parse_seq(struct forms_cond *c, struct parser *p, enum tok close,
		     int max)
{
	int rc;
	if (p->t == close)
		return lex(p);
	for (;;) {
		struct forms_cond *k;
		if ((rc = parse_expr(&k, p)) || (rc = add_kid(p, c, k)))
			return rc;
		if (c->nkids > max)
			return err_set(p->e, ERR_LIMIT,
				       "condition: column %zu: more than %d items",
				       p->tstart + 1, max);
		if (p->t == T_COMMA) {
			if ((rc = lex(p)))
				return rc;
			continue;
		}
		if (p->t == close)
			return lex(p);
		return perr(p, p->tstart, close == T_RP ? "expected ',' or ')'"
							: "expected ',' or ']'");
	}
}

static int parse_primary(struct forms_cond **out, struct parser *p)
{
	int rc;
	size_t at = p->tstart;
	struct forms_cond *c;
	switch (p->t) {
	case T_INT:
	case T_STR:
	case T_TRUE:
	case T_FALSE:
	case T_NULL:
		if (!(c = node(p, N_LIT, at)))
			return ERR_NOMEM;
		if (p->t == T_INT)
			c->lit = (struct forms_val){ .kind = FORMS_V_INT, .i = p->tint };
		else if (p->t == T_STR)
			c->lit = (struct forms_val){ .kind = FORMS_V_STR, .s = p->tstr };
		else if (p->t == T_NULL)
			c->lit = (struct forms_val){ .kind = FORMS_V_NULL };
		else
			c->lit = (struct forms_val){ .kind = FORMS_V_BOOL,
						     .i = p->t == T_TRUE };
		*out = c;
		return lex(p);
	case T_NAME: {
		const char *name = p->tstr;
		if ((rc = lex(p)))
			return rc;
		if (p->t != T_LP) {
			if (!(c = node(p, N_NAME, at)))
				return ERR_NOMEM;
			c->name = name;
			*out = c;
			return 0;
		}
		int f = -1;
		for (int i = 0; i < NFNS; i++)
			if (strcmp(fns[i].name, name) == 0)
				f = i;
		if (f < 0) {
			char m[FORMS_PATH_MAX + 64];
			snprintf(m, sizeof m, "unknown function %s()", name);
			return perr(p, at, m);
		}
		if (!(c = node(p, N_CALL, at)))
			return ERR_NOMEM;
		c->fn = fns[f].id;
		c->slot = -1;
		if (fns[f].makes_date) {
			if (p->slots >= MAX_SLOTS)
				return err_set(p->e, ERR_LIMIT, "condition: too many calls");
			c->slot = p->slots++;
		}
		if ((rc = enter(p)) || (rc = lex(p)) ||
		    (rc = parse_seq(c, p, T_RP, 8)))
			return rc;
		p->depth--;
		if (c->nkids != fns[f].nargs) {
			char m[128];
			snprintf(m, sizeof m, "%s() takes %d argument%s, not %d",
				 fns[f].name, fns[f].nargs,
				 fns[f].nargs == 1 ? "" : "s", c->nkids);
			return perr(p, at, m);
		}
		if ((c->fn == F_ANY || c->fn == F_ALL) && c->kids[0]->kind != N_NAME)
			return perr(p, at, "the first argument of any()/all() must be a group field");
		*out = c;
		return 0;
	}
	case T_LP:
		if ((rc = enter(p)) || (rc = lex(p)) || (rc = parse_expr(out, p)))
			return rc;
		p->depth--;
		if (p->t != T_RP)
			return perr(p, p->tstart, "expected ')'");
		return lex(p);
	case T_LB:
		if (!(c = node(p, N_LIST, at)))
			return ERR_NOMEM;
		if ((rc = enter(p)) || (rc = lex(p)) ||
		    (rc = parse_seq(c, p, T_RB, FORMS_COND_MAX_LIST)))
			return rc;
		p->depth--;
		*out = c;
		return 0;
	case T_EOF:
		return perr(p, at, "unexpected end of condition");
	default:
		return perr(p, at, "expected a value, a name, a function or '('");
	}
}

static int is_cmp(enum tok t)
{
	return t == T_EQ || t == T_NE || t == T_LT || t == T_LE || t == T_GT ||
	       t == T_GE;
}

static int parse_cmp(struct forms_cond **out, struct parser *p)
{
	int rc;
	struct forms_cond *l, *r, *c;
	if ((rc = parse_primary(&l, p)))
		return rc;
	size_t at = p->tstart;
	enum node_kind k;
	enum tok op = p->t;
	if (is_cmp(op)) {
		k = N_CMP;
		if ((rc = lex(p)))
			return rc;
	} else if (op == T_IN) {
		k = N_IN;
		if ((rc = lex(p)))
			return rc;
	} else if (op == T_NOT) {
		/* "x not in y" */
		if ((rc = lex(p)))
			return rc;
		if (p->t != T_IN)
			return perr(p, p->tstart, "expected 'in' after 'not'");
		k = N_NOTIN;
		if ((rc = lex(p)))
			return rc;
	} else {
		*out = l;
		return 0;
	}
	if ((rc = parse_primary(&r, p)))
		return rc;
	if (is_cmp(p->t) || p->t == T_IN)
		return perr(p, p->tstart, "comparisons do not chain: use 'and' or parentheses");
	if (!(c = node(p, k, at)))
		return ERR_NOMEM;
	c->op = op;
	if ((rc = add_kid(p, c, l)) || (rc = add_kid(p, c, r)))
		return rc;
	*out = c;
	return 0;
}

static int parse_not(struct forms_cond **out, struct parser *p)
{
	int rc;
	if (p->t != T_NOT)
		return parse_cmp(out, p);
	size_t at = p->tstart;
	if ((rc = enter(p)) || (rc = lex(p)))
		return rc;
	struct forms_cond *k, *c;
	if ((rc = parse_not(&k, p)))
		return rc;
	p->depth--;
	if (!(c = node(p, N_NOT, at)) || add_kid(p, c, k))
		return ERR_NOMEM;
	*out = c;
	return 0;
}

static int parse_bin(struct forms_cond **out, struct parser *p, int is_or)
{
	int rc;
	struct forms_cond *l;
	if ((rc = is_or ? parse_bin(&l, p, 0) : parse_not(&l, p)))
		return rc;
	enum tok want = is_or ? T_OR : T_AND;
	if (p->t != want) {
		*out = l;
		return 0;
	}
	struct forms_cond *c = node(p, is_or ? N_OR : N_AND, p->tstart);
	if (!c || add_kid(p, c, l))
		return ERR_NOMEM;
	while (p->t == want) {
		struct forms_cond *r;
		if ((rc = lex(p)) || (rc = is_or ? parse_bin(&r, p, 0) : parse_not(&r, p)) ||
		    (rc = add_kid(p, c, r)))
			return rc;
	}
	*out = c;
	return 0;
}

static int parse_expr(struct forms_cond **out, struct parser *p)
{
	int rc;
	if ((rc = enter(p)))
		return rc;
	rc = parse_bin(out, p, 1);
	p->depth--;
	return rc;
}

int forms_cond_parse(struct forms_cond **out, struct arena *a,
		     const char *src, struct err *e)
{
	*out = NULL;
	if (!src)
		return err_set(e, ERR_INVALID, "condition: missing");
	size_t len = strnlen(src, FORMS_COND_MAX_LEN + 1);
	if (len > FORMS_COND_MAX_LEN)
		return err_set(e, ERR_LIMIT, "condition: longer than %d bytes",
			       FORMS_COND_MAX_LEN);
	struct parser p = { .a = a, .src = src, .len = len, .e = e };
	int rc;
	if ((rc = lex(&p)))
		return rc;
	if (p.t == T_EOF)
		return perr(&p, 0, "empty condition");
	struct forms_cond *c;
	if ((rc = parse_expr(&c, &p)))
		return rc;
	if (p.t != T_EOF)
		return perr(&p, p.tstart, "unexpected text after the condition");
	*out = c;
	return 0;
}

/* ---- evaluation ---- */

struct ectx {
	const struct forms_env *env;
	const json_t *item;
	char slots[MAX_SLOTS][JP_DATE_ISO_SIZE];
};

struct forms_val forms_val_of_json(const json_t *j)
{
	struct forms_val v = { .kind = FORMS_V_NULL };
	if (!j)
		return v;
	switch (json_typeof(j)) {
	case JSON_TRUE: v.kind = FORMS_V_BOOL; v.i = 1; break;
	case JSON_FALSE: v.kind = FORMS_V_BOOL; v.i = 0; break;
	case JSON_INTEGER: v.kind = FORMS_V_INT; v.i = json_integer_value(j); break;
	case JSON_REAL: {
		double d = json_real_value(j);
		if (d >= -9e18 && d <= 9e18 && d == (double)(int64_t)d) {
			v.kind = FORMS_V_INT;
			v.i = (int64_t)d;
		}
		break;
	}
	case JSON_STRING: v.kind = FORMS_V_STR; v.s = json_string_value(j); break;
	case JSON_ARRAY: v.kind = FORMS_V_LIST; v.list = j; break;
	case JSON_OBJECT: v.kind = FORMS_V_OBJ; v.list = j; break;
	default: break;
	}
	return v;
}

/* lookup a dotted path in an object. */
static const json_t *path_get(const json_t *o, const char *name)
{
	char seg[FORMS_PATH_MAX + 1];
	const char *s = name;
	while (o && json_is_object(o)) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (n > FORMS_PATH_MAX)
			return NULL;
		memcpy(seg, s, n);
		seg[n] = 0;
		o = json_object_get(o, seg);
		if (!dot)
			return o;
		s = dot + 1;
	}
	return NULL;
}

static const json_t *lookup(const struct ectx *x, const char *name)
{
	if (x->item) {
		char first[FORMS_PATH_MAX + 1];
		size_t n = strcspn(name, ".");
		if (n <= FORMS_PATH_MAX) {
			memcpy(first, name, n);
			first[n] = 0;
			if (json_object_get(x->item, first))
				return path_get(x->item, name);
		}
	}
	return path_get(x->env->root, name);
}

int forms_val_equal(struct forms_val a, struct forms_val b)
{
	if (a.kind != b.kind)
		return 0;
	switch (a.kind) {
	case FORMS_V_NULL: return 1;
	case FORMS_V_BOOL:
	case FORMS_V_INT: return a.i == b.i;
	case FORMS_V_STR: return strcmp(a.s, b.s) == 0;
	default: return json_equal((json_t *)a.list, (json_t *)b.list);
	}
}

static int truthy(struct forms_val v)
{
	return v.kind == FORMS_V_BOOL && v.i;
}

static int parse_date(struct jp_date *d, struct forms_val v)
{
	return v.kind == FORMS_V_STR && jp_date_parse_iso(d, v.s, NULL) == 0;
}

static struct forms_val eval(struct ectx *x, const struct forms_cond *c);

static struct forms_val bool_val(int b)
{
	return (struct forms_val){ .kind = FORMS_V_BOOL, .i = b != 0 };
}

static struct forms_val date_val(struct ectx *x, int slot, struct jp_date d)
{
	if (slot < 0 || !jp_date_valid(d) ||
	    jp_date_format_iso(x->slots[slot], JP_DATE_ISO_SIZE, d, NULL) != 0)
		return (struct forms_val){ .kind = FORMS_V_NULL };
	return (struct forms_val){ .kind = FORMS_V_STR, .s = x->slots[slot] };
}

size_t forms_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static struct forms_val call(struct ectx *x, const struct forms_cond *c)
{
	struct forms_val nul = { .kind = FORMS_V_NULL }, a, b;
	struct jp_date d1, d2;
	switch (c->fn) {
	case F_IS_EMPTY:
		a = eval(x, c->kids[0]);
		return bool_val(a.kind == FORMS_V_NULL ||
				(a.kind == FORMS_V_STR && a.s[0] == 0) ||
				(a.kind == FORMS_V_LIST && json_array_size(a.list) == 0) ||
				(a.kind == FORMS_V_OBJ && json_object_size(a.list) == 0));
	case F_AGE_ON:
		a = eval(x, c->kids[0]);
		b = eval(x, c->kids[1]);
		if (!parse_date(&d1, a) || !parse_date(&d2, b) || jp_date_cmp(d2, d1) < 0)
			return nul;
		return (struct forms_val){
			.kind = FORMS_V_INT,
			.i = d2.y - d1.y - (d2.m < d1.m || (d2.m == d1.m && d2.d < d1.d))
		};
	case F_TODAY:
		return date_val(x, c->slot, x->env->today);
	case F_COUNT:
		a = eval(x, c->kids[0]);
		return (struct forms_val){
			.kind = FORMS_V_INT,
			.i = a.kind == FORMS_V_LIST ? (int64_t)json_array_size(a.list) : 0
		};
	case F_LEN:
		a = eval(x, c->kids[0]);
		return (struct forms_val){
			.kind = FORMS_V_INT,
			.i = a.kind == FORMS_V_STR ? (int64_t)forms_utf8_chars(a.s) : 0
		};
	case F_ANY:
	case F_ALL: {
		a = eval(x, c->kids[0]);
		int want_all = c->fn == F_ALL;
		if (a.kind != FORMS_V_LIST)
			return bool_val(want_all);
		const json_t *saved = x->item;
		size_t i;
		json_t *it;
		int result = want_all;
		json_array_foreach(a.list, i, it) {
			x->item = it;
			int t = truthy(eval(x, c->kids[1]));
			if (want_all ? !t : t) {
				result = !want_all;
				break;
			}
		}
		x->item = saved;
		return bool_val(result);
	}
	case F_NENDO_START:
		a = eval(x, c->kids[0]);
		if (!parse_date(&d1, a))
			return nul;
		d2 = (struct jp_date){ d1.m >= 4 ? d1.y : d1.y - 1, 4, 1 };
		return date_val(x, c->slot, d2);
	case F_ADD_DAYS:
		a = eval(x, c->kids[0]);
		b = eval(x, c->kids[1]);
		if (!parse_date(&d1, a) || b.kind != FORMS_V_INT ||
		    b.i < -3660000 || b.i > 3660000)
			return nul;
		return date_val(x, c->slot, jp_date_add_days(d1, (long)b.i));
	}
	return nul;
}

static int member(struct ectx *x, struct forms_val v, const struct forms_cond *rhs)
{
	if (rhs->kind == N_LIST) {
		for (int i = 0; i < rhs->nkids; i++)
			if (forms_val_equal(v, eval(x, rhs->kids[i])))
				return 1;
		return 0;
	}
	struct forms_val r = eval(x, rhs);
	if (r.kind != FORMS_V_LIST)
		return 0;
	size_t i;
	json_t *it;
	json_array_foreach(r.list, i, it)
		if (forms_val_equal(v, forms_val_of_json(it)))
			return 1;
	return 0;
}

static struct forms_val eval(struct ectx *x, const struct forms_cond *c)
{
	switch (c->kind) {
	case N_LIT:
		return c->lit;
	case N_NAME:
		return forms_val_of_json(lookup(x, c->name));
	case N_NOT:
		return bool_val(!truthy(eval(x, c->kids[0])));
	case N_AND:
		for (int i = 0; i < c->nkids; i++)
			if (!truthy(eval(x, c->kids[i])))
				return bool_val(0);
		return bool_val(1);
	case N_OR:
		for (int i = 0; i < c->nkids; i++)
			if (truthy(eval(x, c->kids[i])))
				return bool_val(1);
		return bool_val(0);
	case N_CMP: {
		struct forms_val a = eval(x, c->kids[0]), b = eval(x, c->kids[1]);
		if (c->op == T_EQ)
			return bool_val(forms_val_equal(a, b));
		if (c->op == T_NE)
			return bool_val(!forms_val_equal(a, b));
		int cmp;
		if (a.kind == FORMS_V_INT && b.kind == FORMS_V_INT)
			cmp = (a.i > b.i) - (a.i < b.i);
		else if (a.kind == FORMS_V_STR && b.kind == FORMS_V_STR)
			cmp = strcmp(a.s, b.s);
		else
			return bool_val(0);
		switch (c->op) {
		case T_LT: return bool_val(cmp < 0);
		case T_LE: return bool_val(cmp <= 0);
		case T_GT: return bool_val(cmp > 0);
		default: return bool_val(cmp >= 0);
		}
	}
	case N_IN:
		return bool_val(member(x, eval(x, c->kids[0]), c->kids[1]));
	case N_NOTIN:
		return bool_val(!member(x, eval(x, c->kids[0]), c->kids[1]));
	case N_CALL:
		return call(x, c);
	case N_LIST:
		break;
	}
	return (struct forms_val){ .kind = FORMS_V_NULL };
}

struct forms_val forms_cond_value(const struct forms_cond *c,
				  const struct forms_env *env)
{
	/* a date made by a function lives in the context's slots: copy it
	 * to a thread-local buffer that outlives the call */
	static __thread char out[JP_DATE_ISO_SIZE];
	struct ectx x;
	x.env = env;
	x.item = env->item;
	struct forms_val v = eval(&x, c);
	if (v.kind == FORMS_V_STR && v.s >= (const char *)x.slots &&
	    v.s < (const char *)x.slots + sizeof x.slots) {
		memcpy(out, v.s, JP_DATE_ISO_SIZE);
		v.s = out;
	}
	return v;
}

int forms_cond_eval(const struct forms_cond *c, const struct forms_env *env)
{
	struct ectx x;
	x.env = env;
	x.item = env->item;
	return truthy(eval(&x, c));
}

static int refs(const struct forms_cond *c, int scoped, const char *group,
		int (*fn)(const char *, int, const char *, void *), void *arg)
{
	int rc;
	if (c->kind == N_NAME)
		return fn(c->name, scoped, group, arg);
	if (c->kind == N_CALL && (c->fn == F_ANY || c->fn == F_ALL)) {
		if ((rc = refs(c->kids[0], scoped, group, fn, arg)))
			return rc;
		return refs(c->kids[1], 1, c->kids[0]->name, fn, arg);
	}
	for (int i = 0; i < c->nkids; i++)
		if ((rc = refs(c->kids[i], scoped, group, fn, arg)))
			return rc;
	return 0;
}

static int lits(const struct forms_cond *c, int scoped, const char *group,
		int (*fn)(const char *, int, const char *, const struct forms_val *, void *),
		void *arg)
{
	int rc;
	if (c->kind == N_CALL && (c->fn == F_ANY || c->fn == F_ALL))
		return lits(c->kids[1], 1, c->kids[0]->name, fn, arg);
	if (c->kind == N_CMP ||
	    c->kind == N_IN || c->kind == N_NOTIN) {
		const struct forms_cond *l = c->kids[0], *r = c->kids[1];
		if (l->kind == N_NAME && r->kind == N_LIT)
			return fn(l->name, scoped, group, &r->lit, arg);
		if (r->kind == N_NAME && l->kind == N_LIT)
			return fn(r->name, scoped, group, &l->lit, arg);
		if (c->kind != N_CMP && l->kind == N_NAME && r->kind == N_LIST) {
			for (int i = 0; i < r->nkids; i++)
				if (r->kids[i]->kind == N_LIT &&
				    (rc = fn(l->name, scoped, group, &r->kids[i]->lit, arg)))
					return rc;
			return 0;
		}
	}
	for (int i = 0; i < c->nkids; i++)
		if ((rc = lits(c->kids[i], scoped, group, fn, arg)))
			return rc;
	return 0;
}

int forms_cond_literals(const struct forms_cond *c,
			int (*fn)(const char *name, int scoped, const char *group,
				  const struct forms_val *lit, void *arg),
			void *arg)
{
	return lits(c, 0, NULL, fn, arg);
}

int forms_cond_refs(const struct forms_cond *c,
		    int (*fn)(const char *name, int scoped, const char *group,
			      void *arg),
		    void *arg)
{
	return refs(c, 0, NULL, fn, arg);
}

void forms_pathf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}
