/*
 * blobs.c -- the bytes of attachments on SQLite, as files beside the
 * database (<database>.files/<2 hex>/<sha256>), not in it.
 *
 * Why: SQLite has one writer, and a 200 KB attachment written into the
 * database is about 50 pages, each written to the write-ahead log and
 * later copied by a checkpoint: ~300 system calls inside the one writer's
 * lock for every upload (measured with bench/submit.sh: the group
 * commit's leader was busy 96% of the time, 7.2 ms per commit).  Written
 * as a file, an upload costs one write and one fdatasync outside that
 * lock, and the row in apply_files holds the metadata only.  PostgreSQL
 * keeps the bytes in its table (several servers share no directory).
 * The bytes bypass the page cache (direct I/O, see write_direct) where
 * the file system allows it.
 *
 * Invariants:
 * - a file is named by the SHA-256 of its bytes and written whole before
 *   its name exists (temporary file, fdatasync, rename, fsync of the
 *   directory): a name that exists holds complete bytes, and a row is
 *   inserted only after its file is durable (so a receipt number still
 *   implies a durable attachment);
 * - a row whose data column is empty and size > 0 has its bytes here; a
 *   row with the bytes in the column (an older database, a restored
 *   backup) is read from the column;
 * - bytes are checked against their SHA-256 when read: a damaged file is
 *   an error, never other bytes; an upload of bytes whose file exists
 *   checks that file too and writes it again when damaged;
 * - a file is removed only inside a write transaction that found no row
 *   naming it, and only when older than APPLY_BLOB_GRACE_S (an upload
 *   writes its file before its row); the upload checks again inside its
 *   own write transaction that the file is there (see files.c), so the
 *   two never cross.
 */
#include "svc/apply/apply_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define APPLY_BLOB_GRACE_S 3600

int apply_blob_dir(char *out, size_t cap, const struct store *s)
{
	if (store_kind(s) != STORE_SQLITE)
		return 0;
	const char *url = store_url_redacted(s);
	if (strncmp(url, "sqlite:", 7) != 0)
		return 0;
	const char *path = url + 7;
	if (!*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return 0;
	if ((size_t)snprintf(out, cap, "%s.files", path) >= cap)
		return 0;
	return 1;
}

static int valid_sha(const char *sha)
{
	return sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
}

static void blob_path(char *out, size_t cap, const char *dir, const char *sha)
{
	snprintf(out, cap, "%s/%.2s/%s", dir, sha, sha);
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir that is durable: the new entry's parent is synced */
static int mkdir_durable(const char *path, const char *parent)
{
	if (mkdir(path, 0700) == 0)
		return fsync_dir(parent);
	return errno == EEXIST ? 0 : -1;
}

static int io_err(struct err *e, const char *what)
{
	int saved = errno;
	return err_set(e, saved == ENOSPC || saved == EDQUOT ? ERR_FULL : ERR_IO,
		       "apply: attachment store: %s: %s", what, strerror(saved));
}

int apply_blob_exists(const char *dir, const char *sha, size_t n)
{
	char path[APPLY_BLOB_PATH_MAX];
	blob_path(path, sizeof path, dir, sha);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == n;
}

/* the file of sha holds exactly its bytes (a damaged file of the right
 * size is written again by the next upload of the same bytes) */
static int blob_intact(const char *dir, const char *sha, size_t n)
{
	struct arena *a = arena_new(n + 4096);
	if (!a)
		return 0;
	const void *bytes;
	int ok = apply_blob_read(&bytes, a, dir, sha, n, NULL) == 0;
	arena_free(a);
	return ok;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *q = p;
	while (n) {
		ssize_t w = write(fd, q, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

/* from the start of an empty file, through the page cache */
static int write_buffered(int fd, const void *p, size_t n)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_DIRECT && fcntl(fd, F_SETFL, fl & ~O_DIRECT) < 0))
		return -1;
	if (lseek(fd, 0, SEEK_SET) != 0 || ftruncate(fd, 0) != 0)
		return -1;
	return write_all(fd, p, n);
}

/* Direct I/O, around the page cache: an attachment is written once and
 * read rarely, so copying it into the page cache only evicts the
 * database's pages (and, on the development machine's VM, where the host
 * takes back freed memory, each new cache page costs a host fault: the
 * copy was a third of the server's CPU; see docs/performance.md).  The
 * bytes go through this thread's aligned bounce buffer in
 * BLOB_DIRECT_CHUNK pieces, the last block padded with zeros and the
 * file cut back to its size.  -1 (the file then holds nothing certain)
 * where the file system refuses direct I/O: the caller writes
 * through the page cache instead. */
#define BLOB_DIRECT_ALIGN 4096
#define BLOB_DIRECT_CHUNK (1u << 20)

static _Thread_local unsigned char *bounce;
static pthread_key_t bounce_key;
static pthread_once_t bounce_once = PTHREAD_ONCE_INIT;

static void bounce_key_init(void)
{
	(void)pthread_key_create(&bounce_key, free);   /* at the thread's end */
}

static int write_direct(int fd, const void *p, size_t n)
{
	if (n < BLOB_DIRECT_ALIGN)
		return -1;      /* one block: not worth a second open mode */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0)
		return -1;
	if (!bounce) {
		void *b;
		if (pthread_once(&bounce_once, bounce_key_init) != 0 ||
		    posix_memalign(&b, BLOB_DIRECT_ALIGN, BLOB_DIRECT_CHUNK) != 0)
			return -1;
		bounce = b;
		(void)pthread_setspecific(bounce_key, b);
	}
	const unsigned char *q = p;
	size_t left = n;
	while (left) {
		size_t take = left < BLOB_DIRECT_CHUNK ? left : BLOB_DIRECT_CHUNK;
		size_t whole = (take + BLOB_DIRECT_ALIGN - 1) & ~(size_t)(BLOB_DIRECT_ALIGN - 1);
		memcpy(bounce, q, take);
		memset(bounce + take, 0, whole - take);
		if (write_all(fd, bounce, whole) != 0)
			return -1;
		q += take;
		left -= take;
	}
	return ftruncate(fd, (off_t)n);
}

int apply_blob_write(const char *dir, const char *sha, const void *p, size_t n,
		     struct err *e)
{
	if (!valid_sha(sha))
		return err_set(e, ERR_INVALID, "apply: bad attachment hash");
	if (apply_blob_exists(dir, sha, n) && blob_intact(dir, sha, n))
		return 0;    /* the same bytes, written whole earlier */
	char sub[APPLY_BLOB_PATH_MAX], path[APPLY_BLOB_PATH_MAX], tmp[APPLY_BLOB_PATH_MAX];
	snprintf(sub, sizeof sub, "%s/%.2s", dir, sha);
	blob_path(path, sizeof path, dir, sha);
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.tmp-%.16s-XXXXXX", sub, sha) >= sizeof tmp)
		return err_set(e, ERR_LIMIT, "apply: attachment store path too long");
	char parent[APPLY_BLOB_PATH_MAX];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	else
		snprintf(parent, sizeof parent, "%s", slash ? "/" : ".");
	if (mkdir_durable(dir, parent) || mkdir_durable(sub, dir))
		return io_err(e, "cannot create the directory");
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return io_err(e, "cannot create a file");
	if (write_direct(fd, p, n) != 0 && write_buffered(fd, p, n) != 0) {
		int rc = io_err(e, "cannot write");
		close(fd);
		unlink(tmp);
		return rc;
	}
	if (fdatasync(fd) != 0) {
		int rc = io_err(e, "cannot sync");
		close(fd);
		unlink(tmp);
		return rc;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		int rc = io_err(e, "cannot rename");
		unlink(tmp);
		return rc;
	}
	if (fsync_dir(sub) != 0)
		return io_err(e, "cannot sync the directory");
	return 0;
}

int apply_blob_read(const void **out, struct arena *a, const char *dir, const char *sha,
		    size_t n, struct err *e)
{
	*out = NULL;
	if (!valid_sha(sha))
		return err_set(e, ERR_INVALID, "apply: bad attachment hash");
	char path[APPLY_BLOB_PATH_MAX];
	blob_path(path, sizeof path, dir, sha);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
			? err_set(e, ERR_IO, "apply: attachment %.12s… is missing from %s", sha, dir)
			: io_err(e, "cannot open");
	unsigned char *buf = arena_alloc(a, n ? n : 1);
	if (!buf) {
		close(fd);
		return err_set(e, ERR_NOMEM, "apply: arena full");
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	char check[65];
	forms_sha256_hex(check, buf, got);
	if (got != n || strcmp(check, sha) != 0)
		return err_set(e, ERR_IO, "apply: attachment %.12s… is damaged (%zu of %zu bytes,"
			       " other content)", sha, got, n);
	*out = buf;
	return 0;
}

/* the files of one subdirectory that no row names and that are old
 * enough, removed inside one write transaction */
static int gc_subdir(int64_t *removed, struct store *s, const char *dir, const char *name,
		     time_t cutoff, struct err *e)
{
	char sub[APPLY_BLOB_PATH_MAX];
	if ((size_t)snprintf(sub, sizeof sub, "%s/%s", dir, name) >= sizeof sub)
		return 0;
	DIR *d = opendir(sub);
	if (!d)
		return 0;
	int rc = store_begin(s, e), any = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char path[APPLY_BLOB_PATH_MAX + 256];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", sub, de->d_name) >= sizeof path)
			continue;
		struct stat st;
		if (de->d_name[0] == '.' && strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_mtime > cutoff)
			continue;
		if (strncmp(de->d_name, ".tmp-", 5) != 0) {   /* a temporary file left by a crash */
			if (!valid_sha(de->d_name))
				continue;
			int64_t n = 0;
			struct store_val v[] = { sv_text(de->d_name) };
			if ((rc = store_query_int(&n, s, "SELECT count(*) FROM apply_files"
						  " WHERE sha256 = $1", v, 1, e)))
				break;
			if (n)
				continue;
		}
		if (unlink(path) == 0) {
			any = 1;
			(*removed)++;
		}
	}
	closedir(d);
	if (rc == 0)
		rc = store_commit(s, e);   /* nothing written: ends the lock */
	else
		store_rollback(s);
	if (rc == 0 && any)
		fsync_dir(sub);
	return rc;
}

int apply_files_collect(int64_t *removed, struct store *s, int64_t now, struct err *e)
{
	*removed = 0;
	char dir[APPLY_BLOB_PATH_MAX];
	if (!apply_blob_dir(dir, sizeof dir, s))
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL)
		if (strlen(de->d_name) == 2 && strspn(de->d_name, "0123456789abcdef") == 2)
			rc = gc_subdir(removed, s, dir, de->d_name, (time_t)(now - APPLY_BLOB_GRACE_S), e);
	closedir(d);
	return rc;
}

/* ---- backups: the bytes go into the dump ---- */

int apply_backup_blob(void *arg, const char *table, struct store_rows *r, int col,
		      void **p, size_t *n, struct err *e)
{
	struct store *s = arg;
	*p = NULL;
	*n = 0;
	char dir[APPLY_BLOB_PATH_MAX];
	if (strcmp(table, "apply_files") != 0 || strcmp(store_col_name(r, col), "data") != 0 ||
	    !apply_blob_dir(dir, sizeof dir, s))
		return 0;
	const char *sha = NULL;
	int64_t size = -1;
	for (int i = 0; i < store_rows_ncols(r); i++) {
		if (strcmp(store_col_name(r, i), "sha256") == 0)
			sha = store_col_text(r, i);
		else if (strcmp(store_col_name(r, i), "size") == 0)
			size = store_col_int(r, i);
	}
	if (!sha || size < 0)
		return err_set(e, ERR_INTERNAL, "apply_files without sha256 or size");
	if (size == 0)
		return 0;
	struct arena *a = arena_new((size_t)size + 4096);
	if (!a)
		return err_set(e, ERR_NOMEM, "out of memory");
	const void *bytes = NULL;
	int rc = apply_blob_read(&bytes, a, dir, sha, (size_t)size, e);
	if (rc == 0 && !(*p = malloc((size_t)size)))
		rc = err_set(e, ERR_NOMEM, "out of memory");
	if (rc == 0) {
		memcpy(*p, bytes, (size_t)size);
		*n = (size_t)size;
	}
	arena_free(a);
	return rc;
}
