/*
 * map_schema.c -- the "map" schema: the layers of each municipality's map.
 *
 * Invariants (map_layer_check keeps them; the CHECKs repeat the simple
 * ones): source is 'dataset' or 'url'; kind is one of points, lines,
 * polygons, choropleth; position runs 1..n per tenant without gaps
 * (map_layer_save, _delete, _move).  Depends on the core schema (tenants).
 */
#include "store/store.h"
#include "svc/map/map.h"

static const struct store_migration map_migrations[] = {
	{ 1, "map layers",
	  "CREATE TABLE map_layers ("
	  " id {{ID}},"
	  " tenant TEXT NOT NULL REFERENCES tenants(code),"
	  " name_ja TEXT NOT NULL,"
	  " name_en TEXT NOT NULL DEFAULT '',"
	  " source TEXT NOT NULL CHECK (source IN ('dataset', 'url')),"
	  " dataset TEXT NOT NULL DEFAULT '',"
	  " resource TEXT NOT NULL DEFAULT '',"
	  " url TEXT NOT NULL DEFAULT '',"
	  " crs INTEGER NOT NULL DEFAULT 4326,"
	  " kind TEXT NOT NULL CHECK (kind IN ('points', 'lines', 'polygons', 'choropleth')),"
	  " color TEXT NOT NULL,"
	  " marker TEXT NOT NULL DEFAULT 'circle',"
	  " line_width INTEGER NOT NULL DEFAULT 2,"
	  " fill_opacity INTEGER NOT NULL DEFAULT 40,"
	  " name_prop TEXT NOT NULL DEFAULT '',"
	  " addr_prop TEXT NOT NULL DEFAULT '',"
	  " value_prop TEXT NOT NULL DEFAULT '',"
	  " breaks TEXT NOT NULL DEFAULT '',"
	  " join_dataset TEXT NOT NULL DEFAULT '',"
	  " join_key TEXT NOT NULL DEFAULT '',"
	  " join_col TEXT NOT NULL DEFAULT '',"
	  " position INTEGER NOT NULL,"
	  " on_default INTEGER NOT NULL DEFAULT 1 CHECK (on_default IN (0, 1)),"
	  " staff_only INTEGER NOT NULL DEFAULT 0 CHECK (staff_only IN (0, 1)),"
	  " created_at BIGINT NOT NULL,"
	  " updated_at BIGINT NOT NULL);"
	  "CREATE INDEX map_layers_order ON map_layers (tenant, position)" },
};

const struct store_module_schema map_schema = {
	"map", map_migrations,
	(int)(sizeof map_migrations / sizeof map_migrations[0])
};
