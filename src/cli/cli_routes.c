/*
 * cli_routes.c -- `madoguchi routes [--json]`: print the route table
 * (method, pattern, permission, kind, flags).  The HTTP tests build their
 * "every route as every role" checks from it, so a new route is covered
 * the day it is added.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cli/cli.h"

int cli_routes(int argc, char **argv)
{
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	if (argc > 1 && !json) {
		fprintf(cli_is_help(argv[1]) ? stdout : stderr,
			"usage: madoguchi routes [--json]\n");
		return cli_is_help(argv[1]) ? CLI_OK : CLI_USAGE;
	}
	if (json)
		printf("[");
	for (int i = 0; i < app_nroutes; i++) {
		const struct http_route *r = &app_routes[i];
		const char *perm = r->permission ? r->permission : "public";
		if (json)
			printf("%s\n{\"method\":\"%s\",\"pattern\":\"%s\",\"permission\":\"%s\","
			       "\"kind\":\"%s\",\"csrf\":%s,\"tenant\":%s,\"name\":\"%s\"}",
			       i ? "," : "", r->method, r->pattern, perm,
			       r->kind == HTTP_KIND_JSON ? "json" : r->kind == HTTP_KIND_TEXT ? "text" : "html",
			       (r->flags & HTTP_ROUTE_NO_CSRF) ? "false" : "true",
			       (r->flags & HTTP_ROUTE_NO_TENANT) ? "false" : "true",
			       r->name ? r->name : "");
		else
			printf("%-6s %-32s %s\n", r->method, r->pattern, perm);
	}
	if (json)
		printf("\n]\n");
	return CLI_OK;
}
