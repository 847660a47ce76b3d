/*
 * server.c -- the listener and its acceptor thread, worker threads with
 * one libh2o event loop each, graceful stop, and the request pipeline:
 *
 *   accept (acceptor thread: to the worker with the fewest connections)
 *   -> h2o parses -> on_req: request id, arena, decode path ->
 *   static asset? -> route lookup (404/405) -> hooks.prepare (tenant) ->
 *   declared parameters only, validated (400) -> hooks.authorize (401/403)
 *   -> CSRF on state-changing methods (403) -> handler -> access log line,
 *   metrics.
 *
 * Why one acceptor: a handler may block its loop (a group commit waits a
 * few milliseconds for the disk), so the connections must be spread
 * evenly over the loops.  With one SO_REUSEPORT socket per loop the
 * kernel hashes connections to loops, and 64 keep-alive connections on
 * 64 loops left some loops with three or four and others with none
 * (bench/submit.sh: the slowest client completed a third of the fastest
 * one's submissions, and the p99 was three times the p50).  The acceptor
 * hands each new connection to the loop that has the fewest open
 * (counted up on hand-off, down when h2o closes the socket), as the
 * least-connections balancing of nginx and h2o's own server.
 *
 * Invariants: a handler runs on the loop of the thread the connection was
 * handed to, with that thread's context; the request arena is released
 * with h2o's request pool (a shared allocation whose dispose frees it), so
 * anything handed to h2o from the arena outlives the response.  The main
 * thread only waits for signals; SIGTERM and SIGINT are blocked in the
 * workers.
 */
#include "http/http.h"
#include "http/http_int.h"
#include "base/log.h"
#include "base/util.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <arpa/inet.h>
#include <unistd.h>

struct worker {
	struct http_server *srv;
	int index;
	pthread_t thread;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept_ctx;
	void *thread_ctx;
	int started, failed;
	h2o_multithread_receiver_t deferred_rx;   /* completed http_defer work */
	h2o_multithread_receiver_t accept_rx;     /* connections from the acceptor */
	atomic_int conns;                         /* open connections handed here */
};

/* a connection on its way from the acceptor to a worker */
struct handoff {
	h2o_multithread_message_t msg;   /* first: the message is the hand-off */
	int fd;
	socklen_t addrlen;
	struct sockaddr_storage addr;
};

/* One deferred piece of work (http_defer).  Two references: the pool's
 * completion, and the request's arena (which goes away early when the
 * client disconnects).  Both are released on the loop thread. */
struct deferral {
	h2o_multithread_message_t msg;   /* first: the message is the deferral */
	struct deferral *next;           /* pool queue                          */
	struct worker *w;
	struct http_req *r;              /* NULL once the request is gone       */
	void (*work)(void *arg, void *pool_ctx);
	int (*done)(struct http_req *r, void *arg);
	void (*discard)(void *arg);      /* instead of done: request gone  */
	void *arg;
	int refs;
};

struct pool_thread {
	struct http_server *srv;
	pthread_t thread;
	void *ctx;
	int index;
};

struct http_server {
	struct http_config cfg;
	const struct http_route *routes;
	int nroutes;
	struct http_router *router;      /* routes' trie, built once at start */
	struct http_hooks hooks;
	void *app;
	h2o_globalconf_t gconf;
	SSL_CTX *ssl_ctx;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char addr_text[80];
	int nthreads;
	struct worker *workers;
	int listen_fd;                   /* -1 until http_server_run */
	pthread_t acceptor;
	int acceptor_started;
	atomic_int acceptor_done;        /* no hand-off comes after this */
	unsigned next_worker;            /* acceptor only: where ties start */
	atomic_int stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready_count;
	struct http_assets *assets;
	/* the blocking pool of http_defer */
	int npool;
	struct pool_thread *pool;
	pthread_mutex_t pool_lock;
	pthread_cond_t pool_cond;
	struct deferral *pool_head, *pool_tail;
	int pool_stop;
};

struct dispatch_handler {
	h2o_handler_t super;
	struct http_server *srv;
};

static int resolve_listen(struct http_server *srv, const char *listen,
			  struct err *e)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return err_set(e, ERR_INVALID, "listen address must be HOST:PORT");
	int64_t port;
	if (parse_i64(&port, colon + 1, 0, 65535))
		return err_set(e, ERR_INVALID, "bad port in listen address");
	size_t hl = (size_t)(colon - listen);
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *res;
	char portstr[8];
	snprintf(portstr, sizeof portstr, "%d", (int)port);
	int rc = getaddrinfo(host[0] ? host : NULL, portstr, &hints, &res);
	if (rc)
		return err_set(e, ERR_INVALID, "cannot resolve %s: %s", host,
			       gai_strerror(rc));
	memcpy(&srv->addr, res->ai_addr, res->ai_addrlen);
	srv->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int open_listener(struct http_server *srv, struct err *e)
{
	int fd = socket(srv->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(e, ERR_IO, "socket: %s", strerror(errno));
	int on = 1;
	/* SO_REUSEADDR only (a restart binds while old connections are in
	 * TIME_WAIT); without SO_REUSEPORT a second server of the same user
	 * cannot share the port and answer a part of the connections from
	 * its own database: its start fails here */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&srv->addr, srv->addrlen) != 0) {
		int saved = errno;
		close(fd);
		return err_set(e, ERR_IO, "cannot listen on %s: %s%s", srv->cfg.listen,
			       strerror(saved), saved == EADDRINUSE
			       ? " (another server is listening there)" : "");
	}
	if (listen(fd, 4096) != 0) {
		int saved = errno;
		close(fd);
		return err_set(e, ERR_IO, "listen: %s", strerror(saved));
	}
	return fd;
}

/* on the worker's loop (h2o's on_close): a connection handed here closed */
static void on_conn_closed(void *p)
{
	struct worker *w = p;
	atomic_fetch_sub(&w->conns, 1);
}

/* on the worker's loop: the connections the acceptor handed over */
static void on_handoff(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	struct worker *w = H2O_STRUCT_FROM_MEMBER(struct worker, accept_rx, rx);
	while (!h2o_linklist_is_empty(messages)) {
		struct handoff *h = H2O_STRUCT_FROM_MEMBER(struct handoff, msg.link, messages->next);
		h2o_linklist_unlink(&h->msg.link);
		int on = 1;
		setsockopt(h->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
		h2o_socket_t *sock = h2o_evloop_socket_create(w->ctx.loop, h->fd,
							      H2O_SOCKET_FLAG_IS_ACCEPTED_CONNECTION);
		h2o_socket_setpeername(sock, (struct sockaddr *)&h->addr, h->addrlen);
		sock->on_close.cb = on_conn_closed;
		sock->on_close.data = w;
		metrics_connection_opened();
		h2o_accept(&w->accept_ctx, sock);
		free(h);
	}
}

void http_worker_connections(const struct http_req *r, int *open, int *min, int *max)
{
	*open = *min = *max = 0;
	const struct worker *me = r ? r->worker : NULL;
	if (!me)
		return;
	const struct http_server *srv = me->srv;
	for (int i = 0; i < srv->nthreads; i++) {
		int n = atomic_load(&srv->workers[i].conns);
		*open += n;
		*min = i == 0 || n < *min ? n : *min;
		*max = i == 0 || n > *max ? n : *max;
	}
}

/* the worker with the fewest open connections; ties go round the
 * workers, so that an idle server spreads its first connections too */
static struct worker *least_loaded(struct http_server *srv)
{
	struct worker *best = NULL;
	int best_n = 0;
	unsigned start = srv->next_worker++;
	for (int k = 0; k < srv->nthreads; k++) {
		struct worker *w = &srv->workers[(start + (unsigned)k) % (unsigned)srv->nthreads];
		int n = atomic_load(&w->conns);
		if (!best || n < best_n) {
			best = w;
			best_n = n;
		}
	}
	return best;
}

/* the acceptor thread: accepts on the one listening socket and hands
 * each connection to a worker, until the server stops */
static void *acceptor_main(void *arg)
{
	struct http_server *srv = arg;
	int64_t warned_at = 0;
	while (!atomic_load(&srv->stopping)) {
		struct pollfd p = { .fd = srv->listen_fd, .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;     /* the stop flag is looked at every 100 ms */
		for (int i = 0; i < 64 && !atomic_load(&srv->stopping); i++) {
			struct handoff *h = calloc(1, sizeof *h);   /* the link unlinked */
			if (!h)
				break;
			h->addrlen = sizeof h->addr;
			h->fd = accept4(srv->listen_fd, (struct sockaddr *)&h->addr, &h->addrlen,
					SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (h->fd < 0) {
				int saved = errno;
				free(h);
				if (saved == EMFILE || saved == ENFILE || saved == ENOBUFS ||
				    saved == ENOMEM) {
					/* out of descriptors: the connection waits in
					 * the backlog; say so at most once a second */
					if (mono_ms() - warned_at >= 1000) {
						warned_at = mono_ms();
						log_warn("cannot accept a connection", "detail",
							 strerror(saved));
					}
					struct timespec ts = { 0, 10 * 1000 * 1000 };
					nanosleep(&ts, NULL);
				}
				break;   /* EAGAIN: nothing more pending */
			}
			struct worker *w = least_loaded(srv);
			atomic_fetch_add(&w->conns, 1);
			h2o_multithread_send_message(&w->accept_rx, &h->msg);
		}
	}
	atomic_store(&srv->acceptor_done, 1);
	return NULL;
}

static int conns_left(struct worker *w)
{
	return !h2o_linklist_is_empty(&w->ctx.http1._conns) ||
	       !h2o_linklist_is_empty(&w->ctx.http2._conns);
}

static void deferral_release(struct deferral *d)
{
	if (--d->refs == 0) {
		free(d->arg);
		free(d);
	}
}

/* the request's arena is going away (response sent, or client gone) */
static void deferral_request_gone(void *p)
{
	struct deferral *d = p;
	d->r = NULL;
	deferral_release(d);
}

/* on the loop thread: work finished in the pool */
static void on_deferred_done(h2o_multithread_receiver_t *rx, h2o_linklist_t *messages)
{
	(void)rx;
	while (!h2o_linklist_is_empty(messages)) {
		struct deferral *d = H2O_STRUCT_FROM_MEMBER(struct deferral, msg.link, messages->next);
		h2o_linklist_unlink(&d->msg.link);
		struct http_req *r = d->r;
		if (r) {
			log_set_request_id(r->request_id);
			r->deferred = 0;
			int rc = d->done(r, d->arg);
			http_finish_request(r, rc);
			log_set_request_id(NULL);
		} else if (d->discard) {
			d->discard(d->arg);
		}
		deferral_release(d);
	}
}

static void *pool_main(void *arg)
{
	struct pool_thread *pt = arg;
	struct http_server *srv = pt->srv;
	if (srv->hooks.thread_init)
		pt->ctx = srv->hooks.thread_init(srv->app, HTTP_POOL_INDEX + pt->index);
	for (;;) {
		pthread_mutex_lock(&srv->pool_lock);
		while (!srv->pool_head && !srv->pool_stop)
			pthread_cond_wait(&srv->pool_cond, &srv->pool_lock);
		struct deferral *d = srv->pool_head;
		if (d) {
			srv->pool_head = d->next;
			if (!srv->pool_head)
				srv->pool_tail = NULL;
		}
		pthread_mutex_unlock(&srv->pool_lock);
		if (!d)
			break; /* stopping and nothing queued */
		d->work(d->arg, pt->ctx);
		h2o_multithread_send_message(&d->w->deferred_rx, &d->msg);
	}
	if (srv->hooks.thread_done && pt->ctx)
		srv->hooks.thread_done(pt->ctx);
	return NULL;
}

int http_defer(struct http_req *r, void (*work)(void *arg, void *pool_ctx),
	       int (*done)(struct http_req *r, void *arg), const void *arg,
	       size_t arg_size)
{
	return http_defer_owned(r, work, done, NULL, arg, arg_size);
}

int http_defer_owned(struct http_req *r, void (*work)(void *arg, void *pool_ctx),
		     int (*done)(struct http_req *r, void *arg),
		     void (*discard)(void *arg), const void *arg, size_t arg_size)
{
	struct worker *w = r->worker;
	struct http_server *srv = w ? w->srv : NULL;
	if (!srv || srv->npool == 0)
		return ERR_UNAVAILABLE;
	struct deferral *d = calloc(1, sizeof *d);
	if (!d)
		return ERR_NOMEM;
	d->arg = malloc(arg_size ? arg_size : 1);
	if (!d->arg) {
		free(d);
		return ERR_NOMEM;
	}
	memcpy(d->arg, arg, arg_size);
	d->w = w;
	d->r = r;
	d->work = work;
	d->done = done;
	d->discard = discard;
	d->refs = 2;
	if (arena_cleanup_add(r->arena, deferral_request_gone, d) != 0) {
		/* the cleanup ran at once and dropped one reference */
		deferral_release(d);
		return ERR_NOMEM;
	}
	r->deferred = 1;
	pthread_mutex_lock(&srv->pool_lock);
	if (srv->pool_tail)
		srv->pool_tail->next = d;
	else
		srv->pool_head = d;
	srv->pool_tail = d;
	pthread_cond_signal(&srv->pool_cond);
	pthread_mutex_unlock(&srv->pool_lock);
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct http_server *srv = w->srv;
	char idx[12];
	snprintf(idx, sizeof idx, "%d", w->index);

	if (srv->hooks.thread_init) {
		w->thread_ctx = srv->hooks.thread_init(srv->app, w->index);
		if (!w->thread_ctx)
			w->failed = 1;
	}
	h2o_context_init(&w->ctx, h2o_evloop_create(), &srv->gconf);
	w->accept_ctx.ctx = &w->ctx;
	w->accept_ctx.hosts = srv->gconf.hosts;
	w->accept_ctx.ssl_ctx = srv->ssl_ctx;
	h2o_multithread_register_receiver(w->ctx.queue, &w->deferred_rx, on_deferred_done);
	h2o_multithread_register_receiver(w->ctx.queue, &w->accept_rx, on_handoff);
	pthread_mutex_lock(&srv->lock);
	srv->ready_count++;
	w->started = 1;
	pthread_cond_broadcast(&srv->cond);
	pthread_mutex_unlock(&srv->lock);
	if (w->failed)
		goto done;

	while (!atomic_load(&srv->stopping))
		h2o_evloop_run(w->ctx.loop, 100);

	/* graceful stop: no new connections (the acceptor ends within
	 * 100 ms; what it handed over before is taken), finish what is in
	 * flight */
	while (!atomic_load(&srv->acceptor_done))
		h2o_evloop_run(w->ctx.loop, 10);
	h2o_evloop_run(w->ctx.loop, 0);
	h2o_context_request_shutdown(&w->ctx);
	/* libh2o 2.2 leaves idle HTTP/1 keep-alive connections open on
	 * shutdown; a short request timeout closes them within a second of
	 * their last activity, while a connection still sending its request
	 * keeps its timer fresh and is served */
	if (w->ctx.http1.req_timeout.timeout > 1000)
		w->ctx.http1.req_timeout.timeout = 1000;
	uint64_t grace = srv->cfg.shutdown_grace_ms ? srv->cfg.shutdown_grace_ms : 10000;
	int64_t deadline = mono_ms() + (int64_t)grace;
	/* asked again each turn: a connection that finishes its request
	 * after the first call becomes idle and is closed by the next */
	while (conns_left(w) && mono_ms() < deadline) {
		h2o_evloop_run(w->ctx.loop, 50);
		h2o_context_request_shutdown(&w->ctx);
	}
	if (conns_left(w))
		log_warn("connections still open at the end of the grace period",
			 "thread", idx);
done:
	if (srv->hooks.thread_done && w->thread_ctx)
		srv->hooks.thread_done(w->thread_ctx);
	return NULL;
}

static int setup_tls(struct http_server *srv, struct err *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx)
		return err_set(e, ERR_INTERNAL, "SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ctx, srv->cfg.tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, srv->cfg.tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		char buf[200];
		ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
		SSL_CTX_free(ctx);
		return err_set(e, ERR_INVALID, "TLS certificate or key: %s", buf);
	}
	h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
	srv->ssl_ctx = ctx;
	return 0;
}

int http_server_new(struct http_server **out, const struct http_config *cfg,
		    const struct http_route *routes, int nroutes,
		    const struct http_hooks *hooks, void *app, struct err *e)
{
	*out = NULL;
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return err_set(e, ERR_NOMEM, "out of memory");
	srv->cfg = *cfg;
	srv->routes = routes;
	srv->nroutes = nroutes;
	srv->hooks = *hooks;
	srv->app = app;
	srv->listen_fd = -1;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_cond_init(&srv->cond, NULL);
	pthread_mutex_init(&srv->pool_lock, NULL);
	pthread_cond_init(&srv->pool_cond, NULL);
	int rc = http_route_table_check(routes, nroutes, e);
	if (rc == 0)
		rc = http_router_new(&srv->router, routes, nroutes, e);
	if (rc == 0)
		rc = resolve_listen(srv, cfg->listen ? cfg->listen : "127.0.0.1:8080", e);
	if (rc == 0 && cfg->tls_cert)
		rc = setup_tls(srv, e);
	if (rc == 0 && cfg->static_dir)
		rc = http_assets_load(&srv->assets, cfg->static_dir, e);
	if (rc) {
		http_server_free(srv);
		return rc;
	}
	srv->nthreads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (srv->nthreads < 1)
		srv->nthreads = 1;
	if (srv->nthreads > 256)
		srv->nthreads = 256;

	h2o_config_init(&srv->gconf);
	srv->gconf.server_name = h2o_iovec_init(H2O_STRLIT("madoguchi"));
	srv->gconf.max_request_entity_size = cfg->max_body ? cfg->max_body : HTTP_DEFAULT_MAX_BODY;
	srv->gconf.http1.req_timeout = cfg->request_timeout_ms ? cfg->request_timeout_ms : 30000;
	srv->gconf.http2.idle_timeout = cfg->idle_timeout_ms ? cfg->idle_timeout_ms : 60000;
	srv->gconf.http2.graceful_shutdown_timeout = cfg->shutdown_grace_ms ? cfg->shutdown_grace_ms : 10000;
	h2o_hostconf_t *host = h2o_config_register_host(&srv->gconf,
		h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
	struct dispatch_handler *h = (struct dispatch_handler *)
		h2o_create_handler(path, sizeof *h);
	h->super.on_req = http_dispatch;
	h->srv = srv;
	*out = srv;
	return 0;
}

/* the server that owns a request's handler */
struct http_server *http_server_of(h2o_handler_t *self)
{
	return ((struct dispatch_handler *)self)->srv;
}

struct worker_view http_worker_of(struct http_server *srv, h2o_context_t *ctx)
{
	/* every context of this server's handler is a worker's own (one
	 * request on a 64-thread server used to look through them all) */
	uintptr_t p = (uintptr_t)ctx - offsetof(struct worker, ctx);
	uintptr_t first = (uintptr_t)srv->workers;
	if (!srv->workers || p < first ||
	    p >= first + (size_t)srv->nthreads * sizeof *srv->workers ||
	    (p - first) % sizeof *srv->workers)
		return (struct worker_view){ NULL, -1, NULL };
	struct worker *w = &srv->workers[(p - first) / sizeof *srv->workers];
	return (struct worker_view){ w->thread_ctx, w->index, w };
}

const struct http_router *http_server_router(struct http_server *srv)
{
	return srv->router;
}

const struct http_hooks *http_server_hooks(struct http_server *srv)
{
	return &srv->hooks;
}

void *http_server_app(struct http_server *srv)
{
	return srv->app;
}

struct http_assets *http_server_assets(struct http_server *srv)
{
	return srv->assets;
}

const struct http_config *http_server_config(struct http_server *srv)
{
	return &srv->cfg;
}

int http_server_run(struct http_server *srv,
		    void (*ready_cb)(const char *addr, void *arg), void *arg,
		    struct err *e)
{
	sigset_t sigs, old;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	signal(SIGPIPE, SIG_IGN);
	int fd = open_listener(srv, e);
	if (fd < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return fd;     /* the error code, with its message in *e */
	}
	srv->listen_fd = fd;

	srv->workers = calloc((size_t)srv->nthreads, sizeof *srv->workers);
	srv->npool = srv->cfg.blocking_threads > 0 ? srv->cfg.blocking_threads : 2;
	srv->pool = calloc((size_t)srv->npool, sizeof *srv->pool);
	if (!srv->workers || !srv->pool) {
		close(srv->listen_fd);
		srv->listen_fd = -1;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < srv->npool; i++) {
		srv->pool[i].srv = srv;
		srv->pool[i].index = i;
		pthread_create(&srv->pool[i].thread, NULL, pool_main, &srv->pool[i]);
	}
	int created = 0;
	for (int i = 0; i < srv->nthreads; i++) {
		srv->workers[i].srv = srv;
		srv->workers[i].index = i;
		if (pthread_create(&srv->workers[i].thread, NULL, worker_main,
				   &srv->workers[i]) != 0)
			break;
		created++;
	}
	pthread_mutex_lock(&srv->lock);
	while (srv->ready_count < created)
		pthread_cond_wait(&srv->cond, &srv->lock);
	pthread_mutex_unlock(&srv->lock);

	int failed = created < srv->nthreads;
	for (int i = 0; i < created; i++)
		failed |= srv->workers[i].failed;
	int rc = 0;
	if (failed) {
		rc = err_set(e, ERR_IO, "could not start every worker on %s "
			     "(is the database reachable?)", srv->cfg.listen);
		atomic_store(&srv->stopping, 1);
		atomic_store(&srv->acceptor_done, 1);
	} else if (pthread_create(&srv->acceptor, NULL, acceptor_main, srv) != 0) {
		rc = err_set(e, ERR_NOMEM, "cannot start the acceptor thread");
		atomic_store(&srv->stopping, 1);
		atomic_store(&srv->acceptor_done, 1);
		failed = 1;
	} else {
		srv->acceptor_started = 1;
		snprintf(srv->addr_text, sizeof srv->addr_text, "%s://%s",
			 srv->ssl_ctx ? "https" : "http", srv->cfg.listen);
		char n[12];
		snprintf(n, sizeof n, "%d", srv->nthreads);
		log_info("listening", "addr", srv->addr_text, "threads", n);
		if (ready_cb)
			ready_cb(srv->addr_text, arg);
		while (!atomic_load(&srv->stopping)) {
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			int sig = sigtimedwait(&sigs, NULL, &ts);
			if (sig == SIGTERM || sig == SIGINT) {
				log_info("stopping: finishing requests in flight",
					 "signal", sig == SIGTERM ? "TERM" : "INT");
				atomic_store(&srv->stopping, 1);
			}
		}
	}
	if (srv->acceptor_started)
		pthread_join(srv->acceptor, NULL);
	for (int i = 0; i < created; i++)
		pthread_join(srv->workers[i].thread, NULL);
	close(srv->listen_fd);
	srv->listen_fd = -1;
	/* the pool stops after the loops: a request in flight may still have
	 * needed it during the grace period */
	pthread_mutex_lock(&srv->pool_lock);
	srv->pool_stop = 1;
	pthread_cond_broadcast(&srv->pool_cond);
	pthread_mutex_unlock(&srv->pool_lock);
	for (int i = 0; i < srv->npool; i++)
		pthread_join(srv->pool[i].thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!failed)
		log_info("stopped");
	return rc;
}

void http_server_stop(struct http_server *srv)
{
	atomic_store(&srv->stopping, 1);
}

void http_server_free(struct http_server *srv)
{
	if (!srv)
		return;
	/* the h2o contexts are not disposed: the process is ending, and
	 * h2o_context_dispose asserts on connections cut by the grace limit */
	free(srv->workers);
	free(srv->pool);
	pthread_mutex_destroy(&srv->pool_lock);
	pthread_cond_destroy(&srv->pool_cond);
	if (srv->ssl_ctx)
		SSL_CTX_free(srv->ssl_ctx);
	http_assets_free(srv->assets);
	http_router_free(srv->router);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->cond);
	free(srv);
}
