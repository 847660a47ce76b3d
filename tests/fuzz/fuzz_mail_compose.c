/*
 * fuzz_mail_compose.c -- libFuzzer target for message composition
 * (src/core/mail/mail_compose.c): the input is split at NUL bytes into
 * recipient, subject, body and display name.  Either composition refuses
 * it, or the message it writes has exactly our nine header fields (no
 * caller's byte started a line of its own), CRLF line ends only, folded
 * lines only inside our fields, Subject lines of at most 76 characters
 * whose encoded-words decode back to the subject exactly, and a body of
 * base64 lines of at most 76 characters that decodes to the body with LF
 * made CRLF.  Seeds: tests/fuzz/corpus/mail_compose/.
 */
#include <assert.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mail/mail.h"

static const char *const fields[] = {
	"Date: ", "From: ", "To: ", "Subject: ", "Message-ID: ", "MIME-Version: ",
	"Content-Type: ", "Content-Transfer-Encoding: ", "Auto-Submitted: ",
};

/* decode the unfolded encoded-words of a Subject value into out */
static size_t subject_decode(const char *v, size_t n, unsigned char *out, size_t cap)
{
	size_t o = 0;
	if (n < 2 || strncmp(v, "=?", 2) != 0) {
		assert(n <= cap);
		memcpy(out, v, n);
		return n;
	}
	size_t i = 0;
	while (i < n) {
		while (i < n && v[i] == ' ')
			i++;
		if (i >= n)
			break;
		assert(n - i > 12 && strncmp(v + i, "=?UTF-8?B?", 10) == 0);
		const char *s = v + i + 10;
		const char *q = memchr(s, '?', n - (size_t)(s - v));
		assert(q && q[1] == '=');
		size_t bin;
		assert(sodium_base642bin(out + o, cap - o, s, (size_t)(q - s), NULL, &bin, NULL,
					 sodium_base64_VARIANT_ORIGINAL) == 0);
		o += bin;
		i = (size_t)(q + 2 - v);
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 70000)
		return 0;
	char *buf = malloc(size + 4);
	memcpy(buf, data, size);
	memset(buf + size, 0, 4);
	const char *part[4] = { buf, "", "", NULL };
	size_t k = 1;
	for (size_t i = 0; i < size && k < 4; i++)
		if (buf[i] == '\0')
			part[k++] = buf + i + 1;
	struct mail_msg m = { .from = "noreply@demo-ku.example.jp", .to = part[0],
			      .subject = part[1], .body = part[2], .from_name = part[3],
			      .date = 1795000000 };
	char *msg = NULL;
	size_t len = 0;
	if (mail_compose(&msg, &len, &m, NULL) != 0) {
		assert(msg == NULL);
		free(buf);
		return 0;
	}
	assert(mail_addr_valid(m.to));
	assert(strlen(msg) == len);
	const char *body = strstr(msg, "\r\n\r\n");
	assert(body);
	body += 4;
	/* headers: our fields only, each once, folds only as continuations */
	int seen[9] = { 0 };
	int cur = -1;
	char unfolded[4096];
	size_t ulen = 0;
	for (const char *p = msg; p < body - 2;) {
		const char *eol = strstr(p, "\r\n");
		assert(eol && eol < body);
		size_t l = (size_t)(eol - p);
		for (size_t i = 0; i < l; i++)
			assert(p[i] >= 0x20 && p[i] <= 0x7e);
		if (p[0] == ' ') {
			assert(cur >= 0);
			if (cur == 3) {
				assert(l <= 76);
				assert(ulen + l < sizeof unfolded);
				memcpy(unfolded + ulen, p, l);
				ulen += l;
			}
		} else {
			cur = -1;
			for (int f = 0; f < 9; f++)
				if (strncmp(p, fields[f], strlen(fields[f])) == 0)
					cur = f;
			assert(cur >= 0 && !seen[cur]);
			seen[cur] = 1;
			if (cur == 3) {
				assert(l <= 76);
				ulen = l - 9;
				memcpy(unfolded, p + 9, ulen);
			}
		}
		p = eol + 2;
	}
	for (int f = 0; f < 9; f++)
		assert(seen[f]);
	unsigned char subj[MAIL_SUBJECT_MAX + 1];
	size_t sl = subject_decode(unfolded, ulen, subj, sizeof subj);
	assert(sl == strlen(m.subject) && memcmp(subj, m.subject, sl) == 0);
	/* body: base64 lines, decoding to the canonical form */
	size_t blen = strlen(m.body);
	unsigned char *want = malloc(blen * 2 + 1), *got = malloc(blen * 2 + 64);
	size_t wl = 0, gl = 0;
	for (size_t i = 0; i < blen; i++) {
		if (m.body[i] == '\r')
			continue;
		if (m.body[i] == '\n')
			want[wl++] = '\r';
		want[wl++] = (unsigned char)m.body[i];
	}
	for (const char *p = body; *p;) {
		const char *eol = strstr(p, "\r\n");
		assert(eol && eol - p <= 76);
		size_t bin;
		assert(sodium_base642bin(got + gl, blen * 2 + 64 - gl, p, (size_t)(eol - p), NULL, &bin,
					 NULL, sodium_base64_VARIANT_ORIGINAL) == 0);
		gl += bin;
		p = eol + 2;
	}
	assert(gl == wl && memcmp(got, want, wl) == 0);
	free(want);
	free(got);
	free(msg);
	free(buf);
	return 0;
}
