/*
 * audit_key.c -- the Ed25519 key that signs audit checkpoints: generate,
 * parse from hex, load from and save to a key file.  See audit.h.
 *
 * Invariants: a struct audit_key always holds a keypair derived from one
 * 32-byte seed (crypto_sign_seed_keypair); seeds and file contents are
 * wiped (sodium_memzero) before their buffers are released.  A key file is
 * written once (O_EXCL), mode 0600, and fsync'd.
 */
#include "core/audit/audit_int.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_rc;

static void sodium_start(void)
{
	sodium_rc = sodium_init() < 0 ? ERR_INTERNAL : 0;
}

int audit_sodium_init(struct err *e)
{
	pthread_once(&sodium_once, sodium_start);
	return sodium_rc ? err_set(e, sodium_rc, "libsodium failed to start")
			 : 0;
}

static int from_seed(struct audit_key *out, const unsigned char seed[32],
		     struct err *e)
{
	int rc = audit_sodium_init(e);
	if (rc)
		return rc;
	crypto_sign_seed_keypair(out->pk, out->sk, seed);
	return 0;
}

int audit_key_generate(struct audit_key *out, struct err *e)
{
	unsigned char seed[32];
	if (random_bytes(seed, sizeof seed))
		return err_set(e, ERR_IO, "no random bytes from the kernel");
	int rc = from_seed(out, seed, e);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

/* the 64 hex digits of s[0..n), white space around them allowed */
static int parse_seed(unsigned char seed[32], const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n != 64)
		return ERR_INVALID;
	char hex[65];
	memcpy(hex, s, 64);
	hex[64] = '\0';
	int rc = hex_decode(seed, 32, hex) ? ERR_INVALID : 0;
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int audit_key_from_hex(struct audit_key *out, const char *s, struct err *e)
{
	unsigned char seed[32];
	if (!s || strlen(s) > 256 || parse_seed(seed, s, strlen(s)))
		return err_set(e, ERR_INVALID,
			       "audit key must be 64 hex digits (a 32-byte seed)");
	int rc = from_seed(out, seed, e);
	sodium_memzero(seed, sizeof seed);
	return rc;
}

int audit_key_load(struct audit_key *out, const char *path, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);   /* symlinks ok: k8s secrets */
	if (fd < 0)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
			       "cannot open audit key file: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_IO, "audit key file is not a regular file");
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		close(fd);
		return err_set(e, ERR_DENIED,
			       "audit key file is accessible by others (chmod 600)");
	}
	if (st.st_size > AUDIT_KEYFILE_MAX) {
		close(fd);
		return err_set(e, ERR_LIMIT, "audit key file larger than %d bytes",
			       AUDIT_KEYFILE_MAX);
	}
	char buf[AUDIT_KEYFILE_MAX + 1];
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = err_set(e, ERR_IO, "cannot read audit key file: %s",
					 strerror(errno));
			close(fd);
			sodium_memzero(buf, sizeof buf);
			return rc;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof buf - 1) {
			close(fd);
			sodium_memzero(buf, sizeof buf);
			return err_set(e, ERR_LIMIT, "audit key file too large");
		}
	}
	close(fd);
	buf[len] = '\0';
	int rc = err_set(e, ERR_INVALID,
			 "audit key file has no line of 64 hex digits");
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		size_t i = 0;
		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i < n && line[i] != '#') {
			unsigned char seed[32];
			if (parse_seed(seed, line, n) == 0) {
				err_clear(e);
				rc = from_seed(out, seed, e);
			}
			sodium_memzero(seed, sizeof seed);
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	sodium_memzero(buf, sizeof buf);
	return rc;
}

int audit_key_save(const struct audit_key *k, const char *path, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		      0600);
	if (fd < 0)
		return err_set(e, errno == EEXIST ? ERR_CONFLICT : ERR_IO,
			       "cannot create audit key file: %s", strerror(errno));
	char text[256], seed_hex[65], pk_hex[65];
	/* libsodium's Ed25519 secret key is seed || public key */
	hex_encode(seed_hex, k->sk, 32);
	audit_key_public_hex(pk_hex, k);
	int n = snprintf(text, sizeof text,
			 "# madoguchi audit signing key (Ed25519 seed). Keep secret.\n"
			 "# public key: %s\n%s\n", pk_hex, seed_hex);
	sodium_memzero(seed_hex, sizeof seed_hex);
	int rc = 0;
	ssize_t w = write(fd, text, (size_t)n);
	if (w != n || fsync(fd) != 0)
		rc = err_set(e, ERR_IO, "cannot write audit key file: %s",
			     strerror(errno));
	sodium_memzero(text, sizeof text);
	if (close(fd) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "cannot close audit key file: %s",
			     strerror(errno));
	if (rc)
		unlink(path);
	return rc;
}

void audit_key_public_hex(char out[AUDIT_PK_HEX], const struct audit_key *k)
{
	hex_encode(out, k->pk, 32);
}

int audit_public_key_from_hex(unsigned char pk[32], const char *s,
			      struct err *e)
{
	if (!s || strlen(s) != 64 || hex_decode(pk, 32, s))
		return err_set(e, ERR_INVALID,
			       "public key must be 64 hex digits");
	return 0;
}

void audit_key_wipe(struct audit_key *k)
{
	sodium_memzero(k, sizeof *k);
}
