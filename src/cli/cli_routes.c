/*
 * cli_routes.c -- `madoguchi routes [--json]`: print the route table
 * (method, pattern, permission, kind, flags, and with --json each
 * route's declared parameters: name, where, limit, required).  The HTTP tests build their
 * "every route as every role" checks from it, so a new route is covered
 * the day it is added.
 */
#include <stdio.h>
#include <string.h>

#include "web/app.h"
#include "cli/cli.h"

static void print_params(const struct http_route *r)
{
	static const struct { int bit; const char *name; } wheres[] = {
		{ HTTP_PATH, "path" }, { HTTP_QUERY, "query" },
		{ HTTP_FORM, "form" }, { HTTP_FILE, "file" },
	};
	printf(",\"params\":[");
	int first = 1;
	for (const struct http_param_spec *ps = r->params; ps && ps->name; ps++) {
		printf("%s{\"name\":\"%s\",\"where\":[", first ? "" : ",", ps->name);
		int fw = 1;
		for (size_t i = 0; i < sizeof wheres / sizeof wheres[0]; i++)
			if (ps->where & wheres[i].bit) {
				printf("%s\"%s\"", fw ? "" : ",", wheres[i].name);
				fw = 0;
			}
		printf("],\"max_len\":%zu,\"required\":%s,\"multiline\":%s,\"validated\":%s}",
		       ps->max_len ? ps->max_len : (size_t)HTTP_MAX_PARAM_LEN,
		       (ps->flags & HTTP_PARAM_REQUIRED) ? "true" : "false",
		       (ps->flags & HTTP_PARAM_MULTILINE) ? "true" : "false",
		       ps->validate ? "true" : "false");
		first = 0;
	}
	printf("]");
}

int cli_routes(int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	if (argc > 1 && !json) {
		fprintf(cli_is_help(argv[1]) ? stdout : stderr,
			"usage: madoguchi routes [--json]\n");
		return cli_is_help(argv[1]) ? CLI_OK : CLI_USAGE;
	}
	const struct http_route *routes;
	struct err e;
	int nroutes = app_routes(&routes, &e);
	if (nroutes < 0)
		return cli_error(&e, "ルート表を作れませんでした", "could not build the route table");
	if (json)
		printf("[");
	for (int i = 0; i < nroutes; i++) {
		const struct http_route *r = &routes[i];
		const char *perm = r->permission ? r->permission : "public";
		if (json) {
			printf("%s\n{\"method\":\"%s\",\"pattern\":\"%s\",\"permission\":\"%s\","
			       "\"kind\":\"%s\",\"csrf\":%s,\"tenant\":%s,\"name\":\"%s\"",
			       i ? "," : "", r->method, r->pattern, perm,
			       r->kind == HTTP_KIND_JSON ? "json" : r->kind == HTTP_KIND_TEXT ? "text" : "html",
			       (r->flags & HTTP_ROUTE_NO_CSRF) ? "false" : "true",
			       (r->flags & HTTP_ROUTE_NO_TENANT) ? "false" : "true",
			       r->name ? r->name : "");
			print_params(r);
			printf("}");
		} else {
			printf("%-6s %-32s %s\n", r->method, r->pattern, perm);
		}
	}
	if (json)
		printf("\n]\n");
	return CLI_OK;
}
