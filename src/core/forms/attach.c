/*
 * attach.c -- attachments of file fields: the type is decided by the
 * content's first bytes (never by the name or the browser's claim), the
 * size by the field's max_bytes, and the content is named by its SHA-256,
 * which is what a submission and its signature refer to.
 *
 * Invariants: an accepted file's metadata {name, type, size, sha256}
 * passes forms_validate for the same field; the stored name has no path,
 * no control characters and at most FORMS_FILE_NAME_MAX bytes of valid
 * UTF-8; error details never contain the file name (it may be personal).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/forms/forms.h"
#include "jp/text.h"

#define FORMS_FILE_NAME_MAX 255

static int starts(const unsigned char *p, size_t n, const char *sig, size_t len)
{
	return n >= len && memcmp(p, sig, len) == 0;
}

const char *forms_file_sniff(const void *data, size_t n)
{
	const unsigned char *p = data;
	if (starts(p, n, "%PDF-", 5))
		return "application/pdf";
	if (starts(p, n, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (starts(p, n, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6))
		return "image/gif";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
	    (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
	     memcmp(p + 8, "mif1", 4) == 0 || memcmp(p + 8, "msf1", 4) == 0))
		return "image/heic";
	if (starts(p, n, "PK\x03\x04", 4))
		return "application/zip";
	return NULL;
}

/* office documents are zip files: accept the zip when the field accepts one */
static int zip_family(const char *t)
{
	return strcasecmp(t, "application/zip") == 0 ||
	       strncasecmp(t, "application/vnd.openxmlformats-officedocument.", 46) == 0 ||
	       strncasecmp(t, "application/vnd.oasis.opendocument.", 35) == 0;
}

static const char *accepted(const struct forms_field *f, const char *sniffed)
{
	for (int i = 0; i < f->naccept; i++) {
		const char *a = f->accept[i];
		size_t n = strlen(a);
		if (!sniffed) {
			if (strcasecmp(a, "application/octet-stream") == 0)
				return "application/octet-stream";
			continue;
		}
		if (n >= 2 && strcmp(a + n - 2, "/*") == 0 && strncasecmp(sniffed, a, n - 1) == 0)
			return sniffed;
		if (strcasecmp(a, sniffed) == 0)
			return sniffed;
		if (strcmp(sniffed, "application/zip") == 0 && zip_family(a))
			return a;
	}
	return NULL;
}

/* clean_name -- base name, control characters dropped, cut at a UTF-8
 * boundary; "file" when nothing is left */
static void clean_name(char *out, size_t size, const char *name)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t o = 0, n = strlen(base);
	if (jp_text_utf8_validate(NULL, base, n, NULL) != 0)
		n = 0;
	for (size_t i = 0; i < n && o + 1 < size; i++) {
		unsigned char c = (unsigned char)base[i];
		if (c < 0x20 || c == 0x7f)
			continue;
		out[o++] = (char)c;
	}
	/* do not end inside a multi-byte character */
	while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80) {
		size_t start = o - 1;
		while (start > 0 && ((unsigned char)out[start] & 0xc0) == 0x80)
			start--;
		unsigned char lead = (unsigned char)out[start];
		size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (o - start == want)
			break;
		o = start;
	}
	if (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0xc0)
		o--;
	out[o] = 0;
	if (o == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		snprintf(out, size, "file");
}

int forms_file_accept(json_t **meta, const struct forms_field *f,
		      const char *name, const void *data, size_t n,
		      struct err *e)
{
	*meta = NULL;
	if (!f || f->type != FORMS_T_FILE)
		return err_set(e, ERR_INVALID, "attachment: not a file field");
	if (n == 0)
		return err_set(e, ERR_INVALID, "attachment for %s: empty file", f->id);
	if ((int64_t)n > f->max_bytes)
		return err_set(e, ERR_LIMIT, "attachment for %s: %zu bytes, limit %lld",
			       f->id, n, (long long)f->max_bytes);
	const char *sniffed = forms_file_sniff(data, n);
	const char *type = accepted(f, sniffed);
	if (!type)
		return err_set(e, ERR_INVALID, "attachment for %s: content is %s, not an accepted type",
			       f->id, sniffed ? sniffed : "unrecognised");
	char clean[FORMS_FILE_NAME_MAX + 1], sha[65], lower[128];
	clean_name(clean, sizeof clean, name);
	forms_sha256_hex(sha, data, n);
	snprintf(lower, sizeof lower, "%s", type);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	json_t *o = json_pack("{s:s, s:s, s:I, s:s}", "name", clean, "type", lower,
			      "size", (json_int_t)n, "sha256", sha);
	if (!o)
		return err_set(e, ERR_NOMEM, "attachment: out of memory");
	*meta = o;
	return 0;
}
