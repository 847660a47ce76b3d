/*
 * dcat.c -- the catalog as RDF: DCAT-AP (Turtle and JSON-LD) and the
 * schema.org Dataset of a dataset page, built from package dicts
 * (opendata_package), so the three outputs and the CKAN API never differ.
 *
 * URIs (as ckanext-dcat): catalog <base/catalog>, dataset
 * <base/dataset/NAME>, distribution <base/dataset/NAME/resource/ID>,
 * publisher <base/organization/NAME>.  DCAT-AP 3 mandatory properties are
 * always written (catalog title, description, publisher; dataset title,
 * description; distribution accessURL).  Literals are escaped for Turtle
 * (\\ \" \n \r \t and other control characters as \uXXXX); IRIs taken from
 * data have the characters Turtle forbids percent-encoded.
 * Paging: OPENDATA_DCAT_PAGE datasets a page, with Hydra paging terms
 * (as ckanext-dcat: hydra:PagedCollection, first/last/next/previous as
 * strings, totalItems).
 */
#include "svc/opendata/opendata.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *js(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static void lit(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_printf(b, "\\u%04X", *p);
			else
				buf_putc(b, (char)*p);
		}
	}
	buf_putc(b, '"');
}

static void iri(struct buf *b, const char *s)
{
	buf_putc(b, '<');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || strchr("<>\"{}|^`\\", *p))
			buf_printf(b, "%%%02X", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '>');
}

static const char prefixes[] =
	"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
	"@prefix dct: <http://purl.org/dc/terms/> .\n"
	"@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
	"@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n"
	"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
	"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
	"@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n\n";

static char *uri_of(const struct opendata_ctx *c, const char *kind, const char *name)
{
	size_t n = strlen(c->base) + strlen(kind) + strlen(name) + 4;
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "%s/%s/%s", c->base, kind, name);
	return u;
}

int opendata_dcat_dataset_ttl(struct buf *b, const struct opendata_ctx *c, json_t *pkg,
			      int with_prefixes)
{
	if (with_prefixes)
		buf_puts(b, prefixes);
	char *ds = uri_of(c, "dataset", js(pkg, "name"));
	json_t *org = json_object_get(pkg, "organization");
	char *pub = uri_of(c, "organization", js(org, "name"));
	if (!ds || !pub) {
		free(ds);
		free(pub);
		return ERR_NOMEM;
	}
	iri(b, ds);
	buf_puts(b, " a dcat:Dataset ;\n  dct:identifier ");
	lit(b, js(pkg, "id"));
	buf_puts(b, " ;\n  dct:title ");
	lit(b, js(pkg, "title"));
	buf_puts(b, "@ja ;\n");
	if (*js(pkg, "title_en")) {
		buf_puts(b, "  dct:title ");
		lit(b, js(pkg, "title_en"));
		buf_puts(b, "@en ;\n");
	}
	buf_puts(b, "  dct:description ");
	lit(b, *js(pkg, "notes") ? js(pkg, "notes") : js(pkg, "title"));
	buf_puts(b, "@ja ;\n");
	json_t *tags = json_object_get(pkg, "tags");
	for (size_t i = 0; i < json_array_size(tags); i++) {
		buf_puts(b, "  dcat:keyword ");
		lit(b, js(json_array_get(tags, i), "name"));
		buf_puts(b, "@ja ;\n");
	}
	buf_puts(b, "  dct:publisher ");
	iri(b, pub);
	buf_puts(b, " ;\n  dct:issued ");
	lit(b, js(pkg, "metadata_created"));
	buf_puts(b, "^^xsd:dateTime ;\n  dct:modified ");
	lit(b, js(pkg, "metadata_modified"));
	buf_puts(b, "^^xsd:dateTime ;\n  dcat:landingPage ");
	iri(b, ds);
	buf_puts(b, " ;\n");
	if (*js(pkg, "license_url")) {
		buf_puts(b, "  dct:license ");
		iri(b, js(pkg, "license_url"));
		buf_puts(b, " ;\n");
	}
	buf_puts(b, "  dct:rights ");
	lit(b, js(pkg, "license_title"));
	buf_puts(b, "@ja ;\n");
	if (*js(pkg, "url")) {
		buf_puts(b, "  dct:source ");
		iri(b, js(pkg, "url"));
		buf_puts(b, " ;\n");
	}
	if (*js(pkg, "frequency")) {
		buf_puts(b, "  dct:accrualPeriodicity [ a dct:Frequency ; rdfs:label ");
		lit(b, js(pkg, "frequency"));
		buf_puts(b, "@ja ] ;\n");
	}
	if (*js(pkg, "spatial")) {
		buf_puts(b, "  dct:spatial [ a dct:Location ; rdfs:label ");
		lit(b, js(pkg, "spatial"));
		buf_puts(b, "@ja ] ;\n");
	}
	if (*js(pkg, "temporal_start") || *js(pkg, "temporal_end")) {
		buf_puts(b, "  dct:temporal [ a dct:PeriodOfTime");
		if (*js(pkg, "temporal_start")) {
			buf_puts(b, " ; dcat:startDate ");
			lit(b, js(pkg, "temporal_start"));
			buf_puts(b, "^^xsd:date");
		}
		if (*js(pkg, "temporal_end")) {
			buf_puts(b, " ; dcat:endDate ");
			lit(b, js(pkg, "temporal_end"));
			buf_puts(b, "^^xsd:date");
		}
		buf_puts(b, " ] ;\n");
	}
	if (*js(pkg, "maintainer")) {
		buf_puts(b, "  dcat:contactPoint [ a vcard:Kind ; vcard:fn ");
		lit(b, js(pkg, "maintainer"));
		if (*js(pkg, "maintainer_email")) {
			char *m = malloc(strlen(js(pkg, "maintainer_email")) + 8);
			if (m) {
				sprintf(m, "mailto:%s", js(pkg, "maintainer_email"));
				buf_puts(b, " ; vcard:hasEmail ");
				iri(b, m);
				free(m);
			}
		}
		buf_puts(b, " ] ;\n");
	}
	if (*js(pkg, "conforms_to")) {
		buf_puts(b, "  dct:conformsTo [ a dct:Standard ; rdfs:label ");
		lit(b, js(pkg, "conforms_to"));
		buf_puts(b, " ] ;\n");
	}
	json_t *res = json_object_get(pkg, "resources");
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *r = json_array_get(res, i);
		char *d = malloc(strlen(ds) + strlen(js(r, "id")) + 16);
		if (!d)
			continue;
		sprintf(d, "%s/resource/%s", ds, js(r, "id"));
		buf_puts(b, "  dcat:distribution ");
		iri(b, d);
		buf_puts(b, " ;\n");
		free(d);
	}
	buf_puts(b, "  dct:language <http://publications.europa.eu/resource/authority/language/JPN> .\n\n");
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *r = json_array_get(res, i);
		char *d = malloc(strlen(ds) + strlen(js(r, "id")) + 16);
		if (!d)
			continue;
		sprintf(d, "%s/resource/%s", ds, js(r, "id"));
		iri(b, d);
		free(d);
		buf_puts(b, " a dcat:Distribution ;\n  dct:title ");
		lit(b, js(r, "name"));
		buf_puts(b, " ;\n  dcat:accessURL ");
		iri(b, js(r, "url"));
		buf_puts(b, " ;\n  dcat:downloadURL ");
		iri(b, js(r, "url"));
		buf_puts(b, " ;\n  dct:format ");
		lit(b, js(r, "format"));
		buf_puts(b, " ;\n  dcat:mediaType <http://www.iana.org/assignments/media-types/");
		buf_puts(b, js(r, "mimetype"));
		buf_printf(b, "> ;\n  dcat:byteSize \"%lld\"^^xsd:nonNegativeInteger ;\n",
			   (long long)json_integer_value(json_object_get(r, "size")));
		if (*js(pkg, "license_url")) {
			buf_puts(b, "  dct:license ");
			iri(b, js(pkg, "license_url"));
			buf_puts(b, " ;\n");
		}
		buf_puts(b, "  dct:modified ");
		lit(b, js(r, "last_modified"));
		buf_puts(b, "^^xsd:dateTime .\n\n");
	}
	iri(b, pub);
	buf_puts(b, " a foaf:Agent ;\n  foaf:name ");
	lit(b, js(org, "title"));
	buf_puts(b, "@ja .\n\n");
	free(ds);
	free(pub);
	return 0;
}

/* total datasets and the last page */
static int paging(long *total, long *last, const struct opendata_ctx *c, struct err *e)
{
	struct opendata_query q = { .rows = 0 };
	json_t *res = NULL;
	int rc = opendata_search(&res, c, &q, e);
	if (rc)
		return rc;
	*total = (long)json_integer_value(json_object_get(res, "count"));
	*last = *total ? (*total + OPENDATA_DCAT_PAGE - 1) / OPENDATA_DCAT_PAGE : 1;
	json_decref(res);
	return 0;
}

int opendata_dcat_catalog_ttl(struct buf *b, const struct opendata_ctx *c, const char *title,
			      const char *publisher, long page, struct err *e)
{
	json_t *names = NULL;
	long total, last;
	if (page < 1)
		page = 1;
	int rc = paging(&total, &last, c, e);
	if (rc == 0)
		rc = opendata_package_list(&names, c, OPENDATA_DCAT_PAGE, (page - 1) * OPENDATA_DCAT_PAGE, e);
	if (rc)
		return rc;
	buf_puts(b, prefixes);
	buf_printf(b, "<%s/catalog.ttl?page=%ld> a hydra:PagedCollection ;\n  hydra:totalItems \"%ld\"^^xsd:integer ;\n"
		      "  hydra:itemsPerPage \"%d\"^^xsd:integer ;\n  hydra:firstPage \"%s/catalog.ttl?page=1\" ;\n"
		      "  hydra:lastPage \"%s/catalog.ttl?page=%ld\"",
		   c->base, page, total, OPENDATA_DCAT_PAGE, c->base, c->base, last);
	if (page < last)
		buf_printf(b, " ;\n  hydra:nextPage \"%s/catalog.ttl?page=%ld\"", c->base, page + 1);
	if (page > 1)
		buf_printf(b, " ;\n  hydra:previousPage \"%s/catalog.ttl?page=%ld\"", c->base, page - 1);
	buf_puts(b, " .\n\n");
	buf_printf(b, "<%s/catalog> a dcat:Catalog ;\n  dct:title ", c->base);
	lit(b, title);
	buf_puts(b, "@ja ;\n  dct:description ");
	lit(b, "オープンデータカタログ（CKAN API v3 互換、DCAT-AP） / Open data catalog (CKAN API v3 compatible, DCAT-AP)");
	buf_printf(b, " ;\n  dct:publisher <%s/#publisher> ;\n  foaf:homepage <%s/opendata> ;\n", c->base, c->base);
	for (size_t i = 0; i < json_array_size(names); i++) {
		buf_puts(b, "  dcat:dataset ");
		char *u = uri_of(c, "dataset", json_string_value(json_array_get(names, i)));
		if (u)
			iri(b, u);
		free(u);
		buf_puts(b, " ;\n");
	}
	buf_puts(b, "  dct:language <http://publications.europa.eu/resource/authority/language/JPN> .\n\n");
	buf_printf(b, "<%s/#publisher> a foaf:Agent ;\n  foaf:name ", c->base);
	lit(b, publisher);
	buf_puts(b, "@ja .\n\n");
	for (size_t i = 0; rc == 0 && i < json_array_size(names); i++) {
		json_t *pkg = NULL;
		rc = opendata_package(&pkg, c, json_string_value(json_array_get(names, i)), e);
		if (rc == 0)
			rc = opendata_dcat_dataset_ttl(b, c, pkg, 0);
		json_decref(pkg);
	}
	json_decref(names);
	return rc;
}

static json_t *ref(const char *id)
{
	return json_pack("{s:s}", "@id", id);
}

static json_t *langlit(const char *v, const char *lang)
{
	return json_pack("{s:s,s:s}", "@value", v, "@language", lang);
}

static json_t *typed(const char *v, const char *type)
{
	return json_pack("{s:s,s:s}", "@value", v, "@type", type);
}

static void dataset_nodes(json_t *graph, const struct opendata_ctx *c, json_t *pkg)
{
	char *ds = uri_of(c, "dataset", js(pkg, "name"));
	json_t *org = json_object_get(pkg, "organization");
	char *pub = uri_of(c, "organization", js(org, "name"));
	if (!ds || !pub) {
		free(ds);
		free(pub);
		return;
	}
	json_t *d = json_pack("{s:s,s:s,s:s}", "@id", ds, "@type", "dcat:Dataset", "dct:identifier", js(pkg, "id"));
	json_t *titles = json_array();
	json_array_append_new(titles, langlit(js(pkg, "title"), "ja"));
	if (*js(pkg, "title_en"))
		json_array_append_new(titles, langlit(js(pkg, "title_en"), "en"));
	json_object_set_new(d, "dct:title", titles);
	json_object_set_new(d, "dct:description", langlit(*js(pkg, "notes") ? js(pkg, "notes") : js(pkg, "title"), "ja"));
	json_t *kw = json_array();
	json_t *tags = json_object_get(pkg, "tags");
	for (size_t i = 0; i < json_array_size(tags); i++)
		json_array_append_new(kw, langlit(js(json_array_get(tags, i), "name"), "ja"));
	json_object_set_new(d, "dcat:keyword", kw);
	json_object_set_new(d, "dct:publisher", ref(pub));
	json_object_set_new(d, "dct:issued", typed(js(pkg, "metadata_created"), "xsd:dateTime"));
	json_object_set_new(d, "dct:modified", typed(js(pkg, "metadata_modified"), "xsd:dateTime"));
	json_object_set_new(d, "dcat:landingPage", ref(ds));
	if (*js(pkg, "license_url"))
		json_object_set_new(d, "dct:license", ref(js(pkg, "license_url")));
	if (*js(pkg, "spatial"))
		json_object_set_new(d, "dct:spatial", json_pack("{s:s,s:o}", "@type", "dct:Location", "rdfs:label",
								 langlit(js(pkg, "spatial"), "ja")));
	if (*js(pkg, "maintainer"))
		json_object_set_new(d, "dcat:contactPoint", json_pack("{s:s,s:s}", "@type", "vcard:Kind", "vcard:fn",
								      js(pkg, "maintainer")));
	json_t *dist = json_array();
	json_t *res = json_object_get(pkg, "resources");
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *r = json_array_get(res, i);
		char *u = malloc(strlen(ds) + strlen(js(r, "id")) + 16);
		if (!u)
			continue;
		sprintf(u, "%s/resource/%s", ds, js(r, "id"));
		json_array_append_new(dist, ref(u));
		char sz[32];
		snprintf(sz, sizeof sz, "%lld", (long long)json_integer_value(json_object_get(r, "size")));
		char *mt = malloc(strlen(js(r, "mimetype")) + 64);
		if (mt)
			sprintf(mt, "http://www.iana.org/assignments/media-types/%s", js(r, "mimetype"));
		json_t *n = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "@id", u, "@type", "dcat:Distribution",
				      "dct:title", js(r, "name"), "dcat:accessURL", ref(js(r, "url")),
				      "dcat:downloadURL", ref(js(r, "url")), "dct:format", js(r, "format"),
				      "dcat:mediaType", ref(mt ? mt : ""), "dcat:byteSize", typed(sz, "xsd:nonNegativeInteger"));
		if (n && *js(pkg, "license_url"))
			json_object_set_new(n, "dct:license", ref(js(pkg, "license_url")));
		json_array_append_new(graph, n);
		free(mt);
		free(u);
	}
	json_object_set_new(d, "dcat:distribution", dist);
	json_array_append_new(graph, d);
	json_array_append_new(graph, json_pack("{s:s,s:s,s:o}", "@id", pub, "@type", "foaf:Agent", "foaf:name",
					       langlit(js(org, "title"), "ja")));
	free(ds);
	free(pub);
}

static json_t *context(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "hydra", "http://www.w3.org/ns/hydra/core#",
			 "dcat", "http://www.w3.org/ns/dcat#",
			 "dct", "http://purl.org/dc/terms/", "foaf", "http://xmlns.com/foaf/0.1/",
			 "vcard", "http://www.w3.org/2006/vcard/ns#", "xsd", "http://www.w3.org/2001/XMLSchema#",
			 "rdfs", "http://www.w3.org/2000/01/rdf-schema#");
}

json_t *opendata_dcat_dataset_jsonld(const struct opendata_ctx *c, json_t *pkg)
{
	json_t *graph = json_array();
	dataset_nodes(graph, c, pkg);
	return json_pack("{s:o,s:o}", "@context", context(), "@graph", graph);
}

int opendata_dcat_catalog_jsonld(json_t **out, const struct opendata_ctx *c, const char *title,
				 const char *publisher, long page, struct err *e)
{
	*out = NULL;
	json_t *names = NULL;
	long total, last;
	if (page < 1)
		page = 1;
	int rc = paging(&total, &last, c, e);
	if (rc == 0)
		rc = opendata_package_list(&names, c, OPENDATA_DCAT_PAGE, (page - 1) * OPENDATA_DCAT_PAGE, e);
	if (rc)
		return rc;
	json_t *graph = json_array();
	char pg[1300];
	snprintf(pg, sizeof pg, "%s/catalog.jsonld?page=%ld", c->base, page);
	char first[1300], lastp[1300], next[1300], prev[1300];
	snprintf(first, sizeof first, "%s/catalog.jsonld?page=1", c->base);
	snprintf(lastp, sizeof lastp, "%s/catalog.jsonld?page=%ld", c->base, last);
	snprintf(next, sizeof next, "%s/catalog.jsonld?page=%ld", c->base, page + 1);
	snprintf(prev, sizeof prev, "%s/catalog.jsonld?page=%ld", c->base, page - 1);
	json_t *hp = json_pack("{s:s,s:s,s:I,s:i,s:s,s:s}", "@id", pg, "@type", "hydra:PagedCollection",
			       "hydra:totalItems", (json_int_t)total, "hydra:itemsPerPage", OPENDATA_DCAT_PAGE,
			       "hydra:firstPage", first, "hydra:lastPage", lastp);
	if (hp && page < last)
		json_object_set_new(hp, "hydra:nextPage", json_string(next));
	if (hp && page > 1)
		json_object_set_new(hp, "hydra:previousPage", json_string(prev));
	json_array_append_new(graph, hp);
	char cat[1200], pub[1200], home[1200];
	snprintf(cat, sizeof cat, "%s/catalog", c->base);
	snprintf(pub, sizeof pub, "%s/#publisher", c->base);
	snprintf(home, sizeof home, "%s/opendata", c->base);
	json_t *dsl = json_array();
	for (size_t i = 0; rc == 0 && i < json_array_size(names); i++) {
		json_t *pkg = NULL;
		rc = opendata_package(&pkg, c, json_string_value(json_array_get(names, i)), e);
		if (rc)
			break;
		char *u = uri_of(c, "dataset", js(pkg, "name"));
		if (u)
			json_array_append_new(dsl, ref(u));
		free(u);
		dataset_nodes(graph, c, pkg);
		json_decref(pkg);
	}
	json_decref(names);
	json_array_append_new(graph, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "@id", cat, "@type", "dcat:Catalog",
		"dct:title", langlit(title, "ja"),
		"dct:description", langlit("オープンデータカタログ（CKAN API v3 互換、DCAT-AP）", "ja"),
		"dct:publisher", ref(pub), "foaf:homepage", ref(home), "dcat:dataset", dsl));
	json_array_append_new(graph, json_pack("{s:s,s:s,s:o}", "@id", pub, "@type", "foaf:Agent", "foaf:name",
					       langlit(publisher, "ja")));
	if (rc) {
		json_decref(graph);
		return rc;
	}
	*out = json_pack("{s:o,s:o}", "@context", context(), "@graph", graph);
	return *out ? 0 : ERR_NOMEM;
}

json_t *opendata_schemaorg(const struct opendata_ctx *c, json_t *pkg)
{
	char *ds = uri_of(c, "dataset", js(pkg, "name"));
	if (!ds)
		return NULL;
	json_t *kw = json_array();
	json_t *tags = json_object_get(pkg, "tags");
	for (size_t i = 0; i < json_array_size(tags); i++)
		json_array_append_new(kw, json_string(js(json_array_get(tags, i), "name")));
	json_t *dist = json_array();
	json_t *res = json_object_get(pkg, "resources");
	for (size_t i = 0; i < json_array_size(res); i++) {
		json_t *r = json_array_get(res, i);
		json_array_append_new(dist, json_pack("{s:s,s:s,s:s,s:s}", "@type", "DataDownload", "name", js(r, "name"),
						      "encodingFormat", js(r, "mimetype"), "contentUrl", js(r, "url")));
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:{s:s,s:s},s:s,s:s,s:b,s:o}",
		"@context", "https://schema.org/", "@type", "Dataset", "name", js(pkg, "title"),
		"description", *js(pkg, "notes") ? js(pkg, "notes") : js(pkg, "title"), "url", ds,
		"identifier", js(pkg, "id"), "keywords", kw,
		"creator", "@type", "Organization", "name", js(json_object_get(pkg, "organization"), "title"),
		"dateModified", js(pkg, "metadata_modified"), "datePublished", js(pkg, "metadata_created"),
		"isAccessibleForFree", 1, "distribution", dist);
	if (o && *js(pkg, "license_url"))
		json_object_set_new(o, "license", json_string(js(pkg, "license_url")));
	if (o && *js(pkg, "spatial"))
		json_object_set_new(o, "spatialCoverage", json_string(js(pkg, "spatial")));
	if (o && *js(pkg, "temporal_start"))
		json_object_set_new(o, "temporalCoverage",
				    json_pack("s++", js(pkg, "temporal_start"), "/",
					      *js(pkg, "temporal_end") ? js(pkg, "temporal_end") : ".."));
	free(ds);
	return o;
}
