/*
 * h2o_bare.c -- the ceiling of bench/http.sh: a bare libh2o evloop server
 * on one thread that answers every request with a small fixed body, with
 * no routing, no database and no logging.  madoguchi's figures are
 * ratios against what this reaches in the same run on the same core.
 *
 *   build/bench/h2o_bare PORT
 */
#include <h2o.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static h2o_globalconf_t config;
static h2o_context_t ctx;
static h2o_accept_ctx_t accept_ctx;

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	(void)self;
	static const char body[] = "<!DOCTYPE html><html lang=\"ja\"><title>bare</title><p>ok</p></html>\n";
	req->res.status = 200;
	req->res.reason = "OK";
	req->res.content_length = sizeof body - 1;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
		       H2O_STRLIT("text/html; charset=utf-8"));
	h2o_send_inline(req, body, sizeof body - 1);
	return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	if (err)
		return;
	h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
	if (sock)
		h2o_accept(&accept_ctx, sock);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: h2o_bare PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	h2o_config_init(&config);
	h2o_hostconf_t *host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
	h2o_create_handler(path, sizeof(h2o_handler_t))->on_req = on_req;
	h2o_context_init(&ctx, h2o_evloop_create(), &config);
	accept_ctx.ctx = &ctx;
	accept_ctx.hosts = config.hosts;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4096)) {
		perror("listen");
		return 1;
	}
	h2o_socket_t *ls = h2o_evloop_socket_create(ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
	h2o_socket_read_start(ls, on_accept);
	while (h2o_evloop_run(ctx.loop, INT32_MAX) == 0)
		;
	return 0;
}
