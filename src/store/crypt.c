/*
 * crypt.c -- encrypted backup files: a stdio stream that encrypts what is
 * written to it (and one that decrypts what is read), with libsodium's
 * secretstream (XChaCha20-Poly1305).
 *
 * File format: "MGBK1\n", the 24-byte stream header, then chunks of
 * [4-byte big-endian length][ciphertext of at most CRYPT_CHUNK bytes of
 * plaintext + 17 bytes].  The last chunk carries the FINAL tag: a file cut
 * short, reordered or altered fails to decrypt, and the reader says so
 * (crypt->failed) instead of returning a shorter plaintext.
 */
#include "store/store.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define CRYPT_CHUNK 65536
#define CRYPT_MAGIC "MGBK1\n"

struct store_crypt {
	FILE *under;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char plain[CRYPT_CHUNK];
	size_t len, pos;
	int writing, final_seen, failed;
	char why[80];
};

static int write_chunk(struct store_crypt *c, unsigned char tag)
{
	unsigned char out[CRYPT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES];
	unsigned long long olen;
	crypto_secretstream_xchacha20poly1305_push(&c->st, out, &olen, c->plain, c->len,
						   NULL, 0, tag);
	unsigned char be[4] = { (unsigned char)(olen >> 24), (unsigned char)(olen >> 16),
				(unsigned char)(olen >> 8), (unsigned char)olen };
	c->len = 0;
	if (fwrite(be, 1, 4, c->under) != 4 || fwrite(out, 1, olen, c->under) != olen) {
		c->failed = 1;
		return -1;
	}
	return 0;
}

static ssize_t cw_write(void *cookie, const char *buf, size_t size)
{
	struct store_crypt *c = cookie;
	size_t done = 0;
	while (done < size) {
		size_t n = CRYPT_CHUNK - c->len;
		if (n > size - done)
			n = size - done;
		memcpy(c->plain + c->len, buf + done, n);
		c->len += n;
		done += n;
		if (c->len == CRYPT_CHUNK && write_chunk(c, 0))
			return -1;
	}
	return (ssize_t)size;
}

static int read_chunk(struct store_crypt *c)
{
	unsigned char be[4];
	size_t got = fread(be, 1, 4, c->under);
	if (got == 0) {
		snprintf(c->why, sizeof c->why, "the encrypted backup ends before its last chunk");
		return -1;
	}
	size_t clen = (size_t)be[0] << 24 | (size_t)be[1] << 16 | (size_t)be[2] << 8 | be[3];
	if (got != 4 || clen < crypto_secretstream_xchacha20poly1305_ABYTES ||
	    clen > CRYPT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES) {
		snprintf(c->why, sizeof c->why, "the encrypted backup is damaged");
		return -1;
	}
	unsigned char in[CRYPT_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES];
	if (fread(in, 1, clen, c->under) != clen) {
		snprintf(c->why, sizeof c->why, "the encrypted backup is cut short");
		return -1;
	}
	unsigned long long plen;
	unsigned char tag;
	if (crypto_secretstream_xchacha20poly1305_pull(&c->st, c->plain, &plen, &tag, in, clen,
						       NULL, 0) != 0) {
		snprintf(c->why, sizeof c->why, "decryption failed: wrong key, or the file was altered");
		return -1;
	}
	c->len = plen;
	c->pos = 0;
	if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
		c->final_seen = 1;
	return 0;
}

static ssize_t cr_read(void *cookie, char *buf, size_t size)
{
	struct store_crypt *c = cookie;
	if (c->failed) {
		errno = EIO;
		return -1;
	}
	size_t done = 0;
	while (done < size) {
		if (c->pos == c->len) {
			if (c->final_seen)
				break;
			if (read_chunk(c)) {
				c->failed = 1;
				errno = EIO;
				return done ? (ssize_t)done : -1;
			}
			continue;
		}
		size_t n = c->len - c->pos;
		if (n > size - done)
			n = size - done;
		memcpy(buf + done, c->plain + c->pos, n);
		c->pos += n;
		done += n;
	}
	return (ssize_t)done;
}

static int c_close(void *cookie)
{
	struct store_crypt *c = cookie;
	int rc = 0;
	if (c->writing && write_chunk(c, crypto_secretstream_xchacha20poly1305_TAG_FINAL))
		rc = -1;
	if (fclose(c->under) != 0)
		rc = -1;
	sodium_memzero(c->plain, sizeof c->plain);
	c->under = NULL;
	return rc;
}

int store_crypt_open(FILE **out, struct store_crypt **cp, FILE *under, int writing,
		     const unsigned char key[STORE_CRYPT_KEY], struct err *e)
{
	*out = NULL;
	*cp = NULL;
	if (sodium_init() < 0)
		return err_set(e, ERR_INTERNAL, "libsodium could not start");
	struct store_crypt *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->under = under;
	c->writing = writing;
	unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	if (writing) {
		crypto_secretstream_xchacha20poly1305_init_push(&c->st, hdr, key);
		if (fwrite(CRYPT_MAGIC, 1, 6, under) != 6 || fwrite(hdr, 1, sizeof hdr, under) != sizeof hdr) {
			free(c);
			return err_set(e, ERR_IO, "cannot write the backup file");
		}
	} else {
		char magic[6];
		if (fread(magic, 1, 6, under) != 6 || memcmp(magic, CRYPT_MAGIC, 6) != 0 ||
		    fread(hdr, 1, sizeof hdr, under) != sizeof hdr ||
		    crypto_secretstream_xchacha20poly1305_init_pull(&c->st, hdr, key) != 0) {
			free(c);
			return err_set(e, ERR_INVALID, "not an encrypted madoguchi backup");
		}
	}
	cookie_io_functions_t io = { .read = writing ? NULL : cr_read,
				     .write = writing ? cw_write : NULL, .close = c_close };
	FILE *f = fopencookie(c, writing ? "w" : "r", io);
	if (!f) {
		free(c);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	*out = f;
	*cp = c;
	return 0;
}

int store_crypt_failed(const struct store_crypt *c, const char **why)
{
	if (why)
		*why = c->why[0] ? c->why : "the encrypted backup could not be read";
	return c->failed || (!c->writing && !c->final_seen);
}

void store_crypt_free(struct store_crypt *c)
{
	free(c);
}

int store_is_encrypted_backup(FILE *f)
{
	char magic[6];
	size_t n = fread(magic, 1, 6, f);
	rewind(f);
	return n == 6 && memcmp(magic, CRYPT_MAGIC, 6) == 0;
}
