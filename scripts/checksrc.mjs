#!/usr/bin/env node
/* checksrc.mjs -- the module rules of src/ (ARCHITECTURE.md, issue 13),
 * checked by reading the source, without a compiler (make check-src).
 *
 *   node scripts/checksrc.mjs [DIR]      DIR defaults to ./src
 *
 * Prints each violation as "path:line: rule: message" (path from DIR's
 * parent, e.g. src/svc/apply/web/x.c:12) and exits 1; with none, prints
 * "check-src: N files, all rules hold" and exits 0; 2 on a usage error.
 * There is no allowlist: a violation is fixed in the code.
 *
 * The layout: foundations src/base, jp, store, http (libh2o glue), html
 * (page writer), pdf; shared domain modules src/core/<m>; one folder per
 * service src/svc/<m> (domain code at its top, public header <m>.h, pages
 * and API in web/); the shell src/web; the command line src/cli.  A module
 * is src/<m> for the foundations, web and cli, src/core/<m> and src/svc/<m>
 * (web/ included).  Includes are written from src/ ("core/auth/auth.h").
 *
 * Rules, and why:
 *
 *  h2o            Only src/http includes <h2o.h> or "h2o/..." and only it
 *                 names an h2o_ or H2O_ identifier in code (comments and
 *                 strings do not count).  libh2o stays behind one glue
 *                 layer, so that it can be upgraded or replaced in one
 *                 folder and the rest never depends on its request struct.
 *  pdf            Only src/pdf includes Cairo or Pango (<cairo.h>,
 *                 <cairo-pdf.h>, <pango/...>): every PDF is written
 *                 through pdf/pdf.h, so there is one writer, with one set
 *                 of limits and one page flow, and not a copy per service
 *                 (issue 13: there were three).
 *  web-only       Only web folders (src/web, src/svc/<m>/web), src/http,
 *                 src/html and src/cli include "http/..." or "html/...".
 *                 Domain code knows no HTTP: it is tested, reused by the
 *                 CLI and jobs, and reviewed without a request in mind.
 *  service-deps   A file of src/svc/A including "svc/B/..." (B != A) uses
 *                 exactly "svc/B/B.h", B's public header, and A's
 *                 README.md names svc/B (or B) on its "May use:" line; the
 *                 same for src/core/A and "core/B/...".  Every svc and core
 *                 module has a README.md with a "May use:" line.  No cycle
 *                 among svc and core modules (one include of it is named).
 *                 A service's dependencies stay few, declared and visible,
 *                 and one service can be read, moved or removed alone.
 *  core-no-svc    Nothing in src/core, base, jp, store, http, html, pdf
 *                 includes "svc/..." or "web/...": the layers point down.
 *  web-no-svc     Nothing in src/web includes "svc/...": the shell knows
 *                 the services only through the generated descriptor list,
 *                 so adding a service does not touch the shell.
 *  web-no-sql     No file of a web folder (src/web, src/svc/<m>/web)
 *                 calls store_query, store_query_int, store_query_text or
 *                 store_exec (in code: comments and strings do not count).
 *                 A page goes through its domain's functions, which own the
 *                 SQL, its limits and its tests; the page keeps HTTP only.
 *                 (Transactions, store_begin/commit, stay with the page.)
 *  table-owner    A table (CREATE TABLE in a module's .c) is touched by
 *                 SQL only in that module: a C string literal (adjacent
 *                 literals joined) elsewhere with FROM (and each table of
 *                 a FROM list), JOIN, INTO, UPDATE, DELETE FROM, ALTER/DROP
 *                 TABLE, TRUNCATE or CREATE INDEX ... ON and the table's
 *                 name (a whole word, maybe quoted; keywords in any case)
 *                 is a violation; REFERENCES (a foreign key) is allowed.
 *                 A table created by two modules is one too (the lower
 *                 layer's is taken as the owner: foundations, core, svc,
 *                 then the rest).  The CLI is not exempt.  Other modules
 *                 go through the owner's API, so a schema change stays
 *                 inside one module.  SQL assembled at run time (a table
 *                 name through %s) is not seen.
 *  html-printf    html_printf(buf, "fmt", args...) with a literal format
 *                 (adjacent literals joined, over any lines) has as many
 *                 arguments as conversions, and only the conversions
 *                 src/html/html.c's html_printf implements: %s (escaped),
 *                 %S (raw), %d, %ld, %lld, %zu, and %% (no argument).  Any
 *                 other '%' is a violation (html_printf would print it
 *                 as text).  A format that is not a literal is a violation
 *                 unless a line of its call has the block comment
 *                 checksrc: fmt-ok (a format checked by hand).
 *                 Argument types are NOT checked (that needs a compiler);
 *                 the count and the conversions are.  html_printf is
 *                 variadic without a format attribute (%S is not printf's),
 *                 so the compiler checks none of this.
 *  header-comment Every .c and .h opens (first non-blank line) with a /*
 *                 comment saying what it does and its invariants.
 *
 * The scanner is line-oriented and simple: it blanks comments (block and
 * line) and the insides of string and character literals, keeping lines
 * and columns, and keeps the literals' decoded text aside.  Preprocessor
 * conditionals are not evaluated: an #if 0 block is checked like the rest.
 */
import fs from 'node:fs';
import path from 'node:path';

const t0 = process.hrtime.bigint();
const root = path.resolve(process.argv[2] || 'src');
if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
	console.error(`checksrc: ${process.argv[2] || 'src'}: not a directory`);
	process.exit(2);
}
const shown = (rel) => path.join(path.basename(root), rel);	/* src/... */

const FOUNDATIONS = ['base', 'jp', 'store', 'http', 'html', 'pdf'];
/* html_printf's conversions (src/html/html.c): letters after '%' */
const HTML_CONVERSIONS = ['s', 'S', 'd', 'ld', 'lld', 'zu'];

const violations = [];
const report = (rel, line, rule, msg) => violations.push({ rel, line, rule, msg });

/* ---- the tree ---- */

function walk(dir, out) {
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) walk(p, out);
		else if (e.isFile()) out.push(path.relative(root, p).split(path.sep).join('/'));
	}
	return out;
}
const all = walk(root, []).sort();
const sources = all.filter((f) => /\.[ch]$/.test(f));

/* the module of a path inside the tree: "core/auth", "svc/apply", "base" */
function moduleOf(rel) {
	const p = rel.split('/');
	if ((p[0] === 'core' || p[0] === 'svc') && p.length >= 3) return `${p[0]}/${p[1]}`;
	return p.length >= 2 ? p[0] : '';
}
const isWeb = (rel) => rel.startsWith('web/') || /^svc\/[^/]+\/web\//.test(rel);
const top = (rel) => rel.split('/')[0];

/* ---- the scanner ---- */

/* Blank comments (in both views) and literal insides (in code only) with
 * spaces, newlines kept; collect string literals with their decoded text. */
const SIMPLE_ESC = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
const blankOut = (s) => (s.includes('\n') ? s.replace(/[^\n]/g, ' ') : ' '.repeat(s.length));
const countNl = (s) => { let c = 0; for (let k = s.indexOf('\n'); k >= 0; k = s.indexOf('\n', k + 1)) c++; return c; };

function decode(raw) {	/* the inside of a literal, escapes resolved */
	if (!raw.includes('\\')) return raw;
	return raw.replace(/\\(?:\n|x([0-9a-fA-F]+)|([0-7]{1,3})|([^]))/g, (m, hex, oct, ch) => {
		if (hex) return String.fromCharCode(parseInt(hex, 16) & 0xff);
		if (oct) return String.fromCharCode(parseInt(oct, 8) & 0xff);
		if (ch === undefined) return '';	/* a continued line */
		return SIMPLE_ESC[ch] ?? ch;
	});
}

function scan(text) {
	const code = [], nc = [], lits = [];
	const n = text.length;
	const next = /["'/]/g;
	let i = 0, line = 1;
	for (;;) {
		next.lastIndex = i;
		const m = next.exec(text);
		if (!m) break;
		const j = m.index, c = m[0];
		if (j > i) { const t = text.slice(i, j); code.push(t); nc.push(t); line += countNl(t); }
		let end;
		if (c === '/') {
			if (text[j + 1] === '*') {
				end = text.indexOf('*/', j + 2);
				end = end < 0 ? n : end + 2;
			} else if (text[j + 1] === '/') {
				const r = /(?:\\\n|[^\n])*/y;
				r.lastIndex = j;
				r.exec(text);
				end = r.lastIndex;
			} else {
				code.push('/'); nc.push('/'); i = j + 1; continue;
			}
			const b = blankOut(text.slice(j, end));
			code.push(b); nc.push(b); line += countNl(b);
			i = end; continue;
		}
		/* a literal: up to its closing quote, or the end of the line */
		const r = c === '"' ? /(?:\\[^]|[^"\\\n])*/y : /(?:\\[^]|[^'\\\n])*/y;
		r.lastIndex = j + 1;
		r.exec(text);
		const inner = text.slice(j + 1, r.lastIndex);
		end = text[r.lastIndex] === c ? r.lastIndex + 1 : r.lastIndex;
		const whole = text.slice(j, end);
		code.push(c + blankOut(inner) + (end > r.lastIndex ? c : ''));
		nc.push(whole);
		if (c === '"') lits.push({ start: j, end, line, value: decode(inner) });
		line += countNl(inner);
		i = end;
	}
	if (i < n) { code.push(text.slice(i)); nc.push(text.slice(i)); }
	return { code: code.join(''), nc: nc.join(''), lits };
}

/* adjacent literals ("a" "b", over lines) joined: value, and each char's line */
function literalGroups(s) {
	const groups = [];
	let g = null;
	for (const l of s.lits) {
		if (g && /^\s*(?:u8|u|U|L)?$/.test(s.code.slice(g.end, l.start))) {
			g.segs.push({ off: g.value.length, line: l.line });
			g.value += l.value;
			g.end = l.end;
		} else {
			g = { start: l.start, end: l.end, value: l.value, segs: [{ off: 0, line: l.line }], line: l.line };
			groups.push(g);
		}
	}
	return groups;
}

/* the line of a joined group's character */
function segLine(segs, off) {
	let line = segs[0].line;
	for (const sg of segs) { if (sg.off > off) break; line = sg.line; }
	return line;
}

function lineStarts(text) {
	const a = [0];
	for (let i = 0; i < text.length; i++) if (text[i] === '\n') a.push(i + 1);
	return a;
}
function lineAt(starts, off) {
	let lo = 0, hi = starts.length - 1;
	while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= off) lo = mid; else hi = mid - 1; }
	return lo + 1;
}

/* ---- READMEs: the "May use:" line ---- */

function mayUse(mod) {
	const f = path.join(root, mod, 'README.md');
	if (!fs.existsSync(f)) return null;
	for (const raw of fs.readFileSync(f, 'utf8').split('\n')) {
		const m = /may\s+use\s*:(.*)$/i.exec(raw.replace(/[*`]/g, ''));
		if (!m) continue;
		return new Set(m[1].replace(/\([^)]*\)/g, '').split(/,|;|\band\b/)
			.map((x) => x.trim().toLowerCase().replace(/^src\//, '').replace(/[/.]+$/, ''))
			.filter(Boolean));
	}
	return null;
}

/* ---- pass 1: read and scan every source; tables and includes ---- */

const files = [];
const tables = new Map();	/* name (lower case) -> { mod, rel, line } */
const creates = [];
const CREATE_RE = /\bCREATE\s+(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`[]?([A-Za-z_]\w*)["`\]]?\s*(?:\(|AS\b)/gi;

for (const rel of sources) {
	const text = fs.readFileSync(path.join(root, rel), 'utf8');
	const s = scan(text);
	const f = { rel, mod: moduleOf(rel), text, s, groups: literalGroups(s), starts: lineStarts(text), includes: [] };
	s.nc.split('\n').forEach((l, k) => {
		const m = /^\s*#\s*include\s*([<"])([^>"]*)[>"]/.exec(l);
		if (m) f.includes.push({ line: k + 1, path: m[2], angle: m[1] === '<' });
	});
	if (rel.endsWith('.c')) {
		for (const g of f.groups) {
			for (const m of g.value.matchAll(CREATE_RE)) {
				creates.push({ name: m[1].toLowerCase(), shownName: m[1], mod: f.mod, rel, line: segLine(g.segs, m.index) });
			}
		}
	}
	files.push(f);
}

/* a table created by two modules: the lower layer's is the owner (the
 * foundations, then core, then the services, then web and cli) */
{
	const rank = (m) => (FOUNDATIONS.includes(m) ? 0 : m.startsWith('core/') ? 1 : m.startsWith('svc/') ? 2 : 3);
	const order = [...creates].sort((a, b) => rank(a.mod) - rank(b.mod) || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : a.line - b.line));
	for (const c of order) {
		const t = tables.get(c.name);
		if (!t) tables.set(c.name, c);
		else if (t.mod !== c.mod)
			report(c.rel, c.line, 'table-owner', `table ${c.shownName} is created here and in ${t.mod} (${shown(t.rel)}:${t.line}), its owner; one module owns a table`);
	}
}

/* ---- pass 2: the rules ---- */

const mayUseCache = new Map();
const mayUseOf = (mod) => { if (!mayUseCache.has(mod)) mayUseCache.set(mod, mayUse(mod)); return mayUseCache.get(mod); };
const edges = new Map();	/* "svc/a" -> Map("svc/b" -> {rel, line}) */

/* every svc and core module declares what it may use */
for (const mod of [...new Set(sources.map(moduleOf))].filter((m) => /^(svc|core)\//.test(m))) {
	if (!fs.existsSync(path.join(root, mod, 'README.md')))
		report(`${mod}/README.md`, 1, 'service-deps', `${shown(mod)} has no README.md (with a "May use:" line)`);
	else if (!mayUseOf(mod))
		report(`${mod}/README.md`, 1, 'service-deps', 'no "May use:" line (e.g. "May use: base, store, core/auth")');
}

const TABLE_USE_RE = new RegExp(
	'\\b(?:(FROM|JOIN|INTO|UPDATE|TRUNCATE(?:\\s+TABLE)?|(?:ALTER|DROP)\\s+TABLE(?:\\s+IF(?:\\s+NOT)?\\s+EXISTS)?)\\s+' +
	'|CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?["`]?\\w+["`]?\\s+ON\\s+)' +
	'(?:ONLY\\s+)?["`[]?([A-Za-z_]\\w*)', 'gi');
/* after "FROM t [alias]": ", t2 [alias]" ... */
const NOT_ALIAS = new Set(('where join left right inner outer cross full natural on using order group limit offset ' +
	'having union except intersect window returning set values for as').split(' '));

function tableUses(value) {
	const out = [];	/* { name, index } */
	for (const m of value.matchAll(TABLE_USE_RE)) {
		out.push({ name: m[2], index: m.index + m[0].length - m[2].length });
		if (!m[1] || m[1].toUpperCase() !== 'FROM') continue;
		let pos = m.index + m[0].length;
		for (;;) {
			const rest = value.slice(pos);
			const a = /^["`\]]?(?:\s+(?:AS\s+)?(\w+))?\s*,\s*["`[]?([A-Za-z_]\w*)/i.exec(rest);
			if (!a || (a[1] && NOT_ALIAS.has(a[1].toLowerCase()))) break;
			out.push({ name: a[2], index: pos + a[0].length - a[2].length });
			pos += a[0].length;
		}
	}
	return out;
}

function checkHtmlPrintf(f) {
	const { code } = f.s;
	const re = /\bhtml_printf\s*\(/g;
	for (const m of code.matchAll(re)) {
		/* a declaration or definition ("void html_printf(") is not a call */
		const before = /(\w+)\s*$/.exec(code.slice(Math.max(0, m.index - 40), m.index));
		if (before && !['return', 'else', 'do'].includes(before[1])) continue;
		const callLine = lineAt(f.starts, m.index);
		/* split the arguments at top-level commas (strings are blanked) */
		const args = [];
		let depth = 0, a = m.index + m[0].length, k = a;
		for (; k < code.length; k++) {
			const c = code[k];
			if (c === '(' || c === '[' || c === '{') depth++;
			else if (c === ')' || c === ']' || c === '}') {
				if (depth === 0) break;
				depth--;
			} else if (c === ',' && depth === 0) { args.push([a, k]); a = k + 1; }
		}
		if (k >= code.length) { report(f.rel, callLine, 'html-printf', 'html_printf( without its closing parenthesis'); continue; }
		if (code.slice(a, k).trim() || args.length) args.push([a, k]);
		const endLine = lineAt(f.starts, k);
		if (args.length < 2) { report(f.rel, callLine, 'html-printf', 'html_printf needs a buffer and a format'); continue; }
		const [fa, fb] = args[1];
		const lits = [];
		let lo = 0, hi = f.s.lits.length;	/* the first literal at or after fa */
		while (lo < hi) { const mid = (lo + hi) >> 1; if (f.s.lits[mid].start < fa) lo = mid + 1; else hi = mid; }
		for (let q = lo; q < f.s.lits.length && f.s.lits[q].end <= fb; q++) lits.push(f.s.lits[q]);
		const rest = lits.reduceRight((s, l) => s.slice(0, l.start - fa) + s.slice(l.end - fa), code.slice(fa, fb));
		if (!lits.length || rest.replace(/\b(?:u8|u|U|L)\b/g, '').trim() !== '') {
			const callText = f.text.slice(f.starts[callLine - 1], f.starts[endLine] ?? f.text.length);
			if (!/\/\*\s*checksrc:\s*fmt-ok\s*\*\//.test(callText))
				report(f.rel, callLine, 'html-printf', 'html_printf with a format that is not a string literal (its conversions cannot be checked; mark a checked call /* checksrc: fmt-ok */)');
			continue;
		}
		let fmt = '';
		const segs = [];
		for (const l of lits) { segs.push({ off: fmt.length, line: l.line }); fmt += l.value; }
		let want = 0, bad = false;
		for (let i = 0; i < fmt.length; i++) {
			if (fmt[i] !== '%') continue;
			if (fmt[i + 1] === '%') { i++; continue; }
			const conv = HTML_CONVERSIONS.find((c) => fmt.startsWith(c, i + 1));
			/* the longest that fits: "ld" before "lld" cannot clash, "l" alone is not one */
			if (conv) { want++; i += conv.length; continue; }
			const shownConv = /^%[-+ #0']*\d*(?:\.\d*)?[a-zA-Z]{0,3}/.exec(fmt.slice(i))[0];
			report(f.rel, segLine(segs, i), 'html-printf', `html_printf does not support "${shownConv}" (only %s %S %d %ld %lld %zu, and %% for a literal %)`);
			bad = true;
		}
		const have = args.length - 2;
		if (!bad && want !== have)
			report(f.rel, callLine, 'html-printf', `html_printf format has ${want} conversion${want === 1 ? '' : 's'} but ${have} argument${have === 1 ? '' : 's'}`);
	}
}

for (const f of files) {
	const { rel, mod } = f;
	const t = top(rel);

	/* header-comment */
	const first = f.text.split('\n').findIndex((l) => l.trim() !== '');
	if (first < 0 || !f.text.split('\n')[first].trimStart().startsWith('/*'))
		report(rel, first < 0 ? 1 : first + 1, 'header-comment', 'the file does not open with a /* comment saying what it does');

	/* includes */
	for (const inc of f.includes) {
		const p = inc.path, c0 = p.split('/')[0];
		const shownInc = inc.angle ? `<${p}>` : `"${p}"`;
		if ((p === 'h2o.h' || c0 === 'h2o') && t !== 'http')
			report(rel, inc.line, 'h2o', `includes ${shownInc}: only src/http knows libh2o`);
		if (inc.angle && (/^cairo[\w-]*\.h$/.test(p) || c0 === 'pango') && t !== 'pdf')
			report(rel, inc.line, 'pdf', `includes ${shownInc}: only src/pdf knows Cairo and Pango (write PDFs through pdf/pdf.h)`);
		if (inc.angle) continue;
		if ((c0 === 'http' || c0 === 'html') && p.includes('/') && !(isWeb(rel) || ['http', 'html', 'cli'].includes(t)))
			report(rel, inc.line, 'web-only', `includes ${shownInc}: domain code knows no HTTP or HTML (only web folders, src/http, src/html, src/cli)`);
		if ((c0 === 'svc' || c0 === 'web') && (t === 'core' || FOUNDATIONS.includes(t)))
			report(rel, inc.line, 'core-no-svc', `includes ${shownInc}: ${t === 'core' ? 'core modules' : 'foundations'} know no service and no shell`);
		if (c0 === 'svc' && t === 'web')
			report(rel, inc.line, 'web-no-svc', `includes ${shownInc}: the shell knows services only through the generated descriptor list`);
		const pp = p.split('/');
		if ((c0 === 'svc' || c0 === 'core') && pp.length >= 3 && /^(svc|core)\//.test(mod)) {
			const dep = `${c0}/${pp[1]}`;
			if (dep === mod) continue;
			if (!edges.has(mod)) edges.set(mod, new Map());
			if (!edges.get(mod).has(dep)) edges.get(mod).set(dep, { rel, line: inc.line });
			if (c0 !== top(mod)) continue;	/* svc->svc and core->core are rule 3's */
			if (p !== `${dep}/${pp[1]}.h`)
				report(rel, inc.line, 'service-deps', `includes "${p}", a private header of ${dep}: use its public header "${dep}/${pp[1]}.h"`);
			const mu = mayUseOf(mod);
			if (mu && !mu.has(dep) && !mu.has(pp[1]))
				report(rel, inc.line, 'service-deps', `${mod} uses ${dep}, but ${shown(mod)}/README.md's "May use:" line does not name it`);
		}
	}

	/* web-no-sql: a page runs no SQL of its own */
	if (isWeb(rel)) {
		for (const m of f.s.code.matchAll(/\b(store_query|store_query_int|store_query_text|store_exec)\s*\(/g))
			report(rel, lineAt(f.starts, m.index), 'web-no-sql', `calls ${m[1]}: a page runs no SQL of its own; call ${/^svc\//.test(mod) ? `a function of its domain (${shown(mod)}/)` : 'the header of the module that owns the table'}`);
	}

	/* h2o identifiers in code */
	if (t !== 'http' && /\b(?:h2o|H2O)_\w/.test(f.s.code)) {
		f.s.code.split('\n').forEach((l, k) => {
			if (/^\s*#\s*include\b/.test(l)) return;
			const ids = [...new Set(l.match(/\b(?:h2o|H2O)_\w+/g) || [])];
			if (ids.length) report(rel, k + 1, 'h2o', `names ${ids.join(', ')}: only src/http knows libh2o`);
		});
	}

	/* table-owner */
	if (rel.endsWith('.c')) {
		for (const g of f.groups) {
			const seen = new Set();
			for (const u of tableUses(g.value)) {
				const tb = tables.get(u.name.toLowerCase());
				if (!tb || tb.mod === mod) continue;
				const line = segLine(g.segs, u.index), key = `${line}/${u.name.toLowerCase()}`;
				if (seen.has(key)) continue;
				seen.add(key);
				report(rel, line, 'table-owner', `SQL on table ${u.name}, which belongs to ${tb.mod || '(top)'} (${shown(tb.rel)}:${tb.line}): go through its API`);
			}
		}
	}

	checkHtmlPrintf(f);
}

/* service-deps: a cycle among svc and core modules (each cycle once) */
{
	const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].sort();
	let index = 0;
	const idx = new Map(), low = new Map(), stack = [], on = new Set(), sccs = [];
	const strong = (v) => {
		idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
		for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
			if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
			else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
		}
		if (low.get(v) === idx.get(v)) {
			const c = [];
			let w;
			do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
			if (c.length > 1) sccs.push(c);
		}
	};
	for (const v of nodes) if (!idx.has(v)) strong(v);
	for (const scc of sccs) {
		const set = new Set(scc), start = [...scc].sort()[0];
		/* the shortest way from start back to it, inside the component */
		const prev = new Map([[start, null]]), q = [start];
		let cycle = null;
		while (q.length && !cycle) {
			const v = q.shift();
			for (const w of [...(edges.get(v)?.keys() ?? [])].sort()) {
				if (!set.has(w)) continue;
				if (w === start) { cycle = [start]; for (let x = v; x !== start; x = prev.get(x)) cycle.splice(1, 0, x); break; }
				if (!prev.has(w)) { prev.set(w, v); q.push(w); }
			}
		}
		cycle.push(start);
		const at = edges.get(cycle[0]).get(cycle[1]);
		const back = edges.get(cycle[cycle.length - 2]).get(start);
		report(at.rel, at.line, 'service-deps', `dependency cycle ${cycle.join(' -> ')} (this include, and back at ${shown(back.rel)}:${back.line})`);
	}
}

violations.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : 1)));
for (const v of violations) console.log(`${shown(v.rel)}:${v.line}: ${v.rule}: ${v.msg}`);
const nfiles = `${sources.length} file${sources.length === 1 ? '' : 's'}`;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
if (violations.length) {
	console.log(`check-src: ${nfiles}, ${violations.length} violation${violations.length === 1 ? '' : 's'} (${ms.toFixed(0)} ms)`);
	process.exit(1);
}
console.log(`check-src: ${nfiles}, all rules hold`);
