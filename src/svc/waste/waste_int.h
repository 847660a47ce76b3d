/*
 * waste_int.h -- private to src/svc/waste: the size rules (items.c) and
 * the matcher's prepared keys (match.c).
 */
#ifndef MADOGUCHI_SVC_WASTE_INT_H
#define MADOGUCHI_SVC_WASTE_INT_H

#include "svc/waste/waste.h"

/* waste_rule_parse -- s ("width_cm<=100", "60<width_cm<=100", "seats==1",
 * "" for none) into r; 0 or -1 when it does not parse */
int waste_rule_parse(struct waste_rule *r, const char *s);
/* waste_rule_holds -- 1 when v satisfies r (always for no rule) */
int waste_rule_holds(const struct waste_rule *r, double v);

/* waste_keys_build -- every name of every item (base name, kana,
 * aliases) as the matcher's loose key (match.c) */
int waste_keys_build(struct waste_items *w, struct err *e);

/* the staff permissions of the service: bookings, calendars and route
 * lists; the item master */
#define WASTE_PERM_STAFF "waste.staff"
#define WASTE_PERM_MASTER "waste.master"
/* the 清掃事務所's role in the demo ward (demo.c), held by demo-machi */
#define WASTE_DEMO_ROLE "seisou-jimusho"

/* waste_demo -- the demo ward's areas, 町丁目, calendars and staff role,
 * then each part's own demo (demo.c) */
int waste_demo(struct store *s, const char *tenant, struct err *e);

#endif
