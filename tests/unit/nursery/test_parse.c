/*
 * test_parse.c -- the line format: bad input refused with the right line
 * number and code; encodings (UTF-8 with/without BOM, CP932, neither);
 * tabs and quotes; rule tables and household scores.
 */
#include "t.h"

#include "svc/nursery/nursery.h"

static const char *const HEAD =
	"# comment\n"
	"N,N1,1,1,1,1,1,1\n"       /* line 2 */
	"N,N2,1,1,1,1,1,1\n";      /* line 3 */

/* parse HEAD + body; return the error code, and the line in *line */
static int bad(const char *body, long *line)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%s%s", HEAD, body);
	struct nursery_instance *in = NULL;
	struct err e;
	err_clear(&e);
	int rc = nursery_instance_parse(&in, buf, strlen(buf), &e);
	*line = e.line;
	if (rc && e.detail[0] == '\0')
		printf("# no detail for code %d\n", rc);
	nursery_instance_free(in);
	return rc;
}

static void test_good(void)
{
	long line;
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1,N2\n", &line), 0);
	/* tab separated, quotes, CRLF, trailing empty fields from Excel */
	T_EQ_INT(bad("C\tA\t-\t1\t10\t1\t0\t1\t-\tN1\r\n"
		     "C,\"B\",-,1,10,1,0,2,-,\"N2\",,,\r\n",
		     &line),
		 0);
}

static void test_refusals(void)
{
	long line;
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1,N9\n", &line), ERR_NOTFOUND);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1\nC,B,-,1,10,1,0,1,-,N2,N1,N2\n",
		     &line),
		 ERR_INVALID);
	T_EQ_INT(line, 5); /* duplicate preference */
	T_EQ_INT(bad("C,A,-,6,10,1,0,1,-,N1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4); /* age out of range */
	T_EQ_INT(bad("C,A,-,-1,10,1,0,1,-,N1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("F,H,same,2\nC,A,H,1,10,1,0,1,-,N1\n", &line),
		 ERR_INVALID);
	T_EQ_INT(line, 4); /* family missing a child: the F line */
	T_EQ_INT(bad("C,A,H,1,10,1,0,1,-,N1\n", &line), ERR_NOTFOUND);
	T_EQ_INT(line, 4); /* unknown family */
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1\nC,A,-,1,10,1,0,1,-,N2\n", &line),
		 ERR_INVALID);
	T_EQ_INT(line, 5); /* duplicate child */
	T_EQ_INT(bad("N,N1,1,1,1,1,1,1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4); /* duplicate nursery */
	T_EQ_INT(bad("C,A,-,1,ten,1,0,1,-,N1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,N1,N1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4); /* current nursery among preferences */
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,N7,N1\n", &line), ERR_NOTFOUND);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1\nB,A,N2,1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 5); /* bonus for an unlisted nursery */
	T_EQ_INT(bad("C,A,-,1,10,1,0,1,-,N1\nB,Z,N1,1\n", &line), ERR_NOTFOUND);
	T_EQ_INT(line, 5);
	T_EQ_INT(bad("X,whatever\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("N,N3,1,1,1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("N,N3,1,1,1,1,1,1,0-9\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	T_EQ_INT(bad("C,\"A,-,1\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
	/* joint lists: wrong length, unlisted nursery, mode mismatch */
	T_EQ_INT(bad("F,H,joint,2\nC,A,H,1,10,1,0,1,-,N1\n"
		     "C,B,H,1,10,1,0,1,-,N1\nJ,H,N1\n",
		     &line),
		 ERR_INVALID);
	T_EQ_INT(line, 7);
	T_EQ_INT(bad("F,H,joint,2\nC,A,H,1,10,1,0,1,-,N1\n"
		     "C,B,H,1,10,1,0,1,-,N1\nJ,H,N1,N2\n",
		     &line),
		 ERR_INVALID);
	T_EQ_INT(line, 7);
	T_EQ_INT(bad("F,H,same,2\nC,A,H,1,10,1,0,1,-,N1\n"
		     "C,B,H,1,10,1,0,1,-,N1\nJ,H,N1,N1\n",
		     &line),
		 ERR_INVALID);
	T_EQ_INT(line, 7);
	T_EQ_INT(bad("F,H,joint,2\nC,A,H,1,10,1,0,1,-,N1\n"
		     "C,B,H,1,10,1,0,1,-,N1\n",
		     &line),
		 ERR_INVALID);
	T_EQ_INT(line, 4); /* joint family without a J line */
	T_EQ_INT(bad("F,H,sometimes,2\n", &line), ERR_INVALID);
	T_EQ_INT(line, 4);
}

static void test_encodings(void)
{
	/* UTF-8 with BOM, Japanese ids */
	const char *u8 = "\xef\xbb\xbfN,さくら,1,1,1,1,1,1\n"
			 "C,児童1,-,1,10,1,0,1,-,さくら\n";
	struct nursery_instance *in = NULL;
	T_EQ_INT(nursery_instance_parse(&in, u8, strlen(u8), NULL), 0);
	T_REQUIRE(in);
	T_EQ_INT(nursery_instance_find_fac(in, "さくら"), 0);
	nursery_instance_free(in);
	/* the same in CP932: さくら = 82b3 82ad 82e7, 児童 = 8e99 93b6 */
	const char *sj = "N,\x82\xb3\x82\xad\x82\xe7,1,1,1,1,1,1\n"
			 "C,\x8e\x99\x93\xb6" "1,-,1,10,1,0,1,-,"
			 "\x82\xb3\x82\xad\x82\xe7\n";
	in = NULL;
	T_EQ_INT(nursery_instance_parse(&in, sj, strlen(sj), NULL), 0);
	T_REQUIRE(in);
	T_EQ_INT(nursery_instance_find_fac(in, "さくら"), 0);
	T_EQ_INT(nursery_instance_find_child(in, "児童1"), 0);
	nursery_instance_free(in);
	/* neither: refused with the line of the bad byte */
	const char *bin = "N,N1,1,1,1,1,1,1\nN,N2,1,1,1,1,1,1\nN,\x80\xff,1\n";
	struct err e;
	err_clear(&e);
	in = NULL;
	T_EQ_INT(nursery_instance_parse(&in, bin, strlen(bin), &e),
		 ERR_INVALID);
	T_EQ_INT(e.line, 3);
	T_CHECK(in == NULL);
}

static void test_rules(void)
{
	struct nursery_rules *r = NULL;
	struct err e;
	err_clear(&e);
	T_REQUIRE(nursery_rules_load(&r, "data/nursery/suginami.rules", &e) == 0);
	struct nursery_guardian g[2] = {
		{ "work", 20, 8 },
		{ "work", 20, 8 },
	};
	int score, rank;
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 2 },
				     NULL), 0);
	T_EQ_INT(score, 40);
	T_EQ_INT(rank, 1);
	g[1] = (struct nursery_guardian){ "work", 16, 5 };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 2 },
				     NULL), 0);
	T_EQ_INT(score, 34);  /* 20 + 14 */
	/* single parent working full time: + absent guardian + 4 */
	const char *adj[] = { "single_parent_20d", "reentry_leave" };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 1,
							     .adjust = adj, .nadjust = 2 },
				     NULL), 0);
	T_EQ_INT(score, 20 + 20 + 4 + 10);
	g[1] = (struct nursery_guardian){ "illness", 0, 0 };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 2 },
				     NULL), 0);
	T_EQ_INT(rank, 2);  /* the weaker reason decides the tie-break */
	const char *unk[] = { "lottery_win" };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 2,
							     .adjust = unk, .nadjust = 1 },
				     NULL),
		 ERR_NOTFOUND);
	g[0] = (struct nursery_guardian){ "astronaut", 20, 8 };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = g, .nguardians = 2 },
				     NULL),
		 ERR_NOTFOUND);
	nursery_rules_free(r);
	/* the second ward: the lower guardian decides, doubled */
	T_REQUIRE(nursery_rules_load(&r, "data/nursery/shinagawa.rules", &e) == 0);
	struct nursery_guardian h[2] = { { "work", 20, 8 }, { "work", 12, 4 } };
	T_EQ_INT(nursery_rules_score(&score, &rank, r,
				     &(struct nursery_household){ .guardians = h, .nguardians = 2 },
				     NULL), 0);
	T_EQ_INT(score, 28);  /* 2 x 14 */
	nursery_rules_free(r);
	/* malformed table: line number */
	const char *badt = "name x\ncombine sum\nbase work 20 8 twenty 1\n";
	err_clear(&e);
	T_EQ_INT(nursery_rules_parse(&r, badt, strlen(badt), &e), ERR_INVALID);
	T_EQ_INT(e.line, 3);
}

static void test_generator_rules(void)
{
	/* the generator scores households with the table it is given */
	struct nursery_rules *r = NULL;
	T_REQUIRE(nursery_rules_load(&r, "data/nursery/shinagawa.rules", NULL) == 0);
	struct nursery_gen_opts o;
	nursery_gen_opts_init(&o);
	o.preset = "small";
	o.rules = r;
	struct nursery_instance *in = NULL;
	T_REQUIRE(nursery_gen_run(&in, &o, NULL) == 0);
	int top = 0;
	for (int c = 0; c < in->nchild; c++)
		if (in->child[c].score == 40)
			top++;
	T_CHECK(top > in->nchild / 5); /* many households tie at 2 x 20 */
	nursery_instance_free(in);
	nursery_rules_free(r);
}

/* H lines: household data scored with the rule table */
static void test_households(void)
{
	struct nursery_rules *r = NULL;
	T_REQUIRE(nursery_rules_load(&r, "data/nursery/suginami.rules", NULL) == 0);
	const char *txt =
		"N,N1,1,1,1,1,1,1\n"
		"F,H1,same,2\n"
		"C,A,H1,1,*,*,3,7,-,N1\n"
		"C,B,H1,2,*,*,3,7,-,N1\n"
		"C,S,-,1,*,*,2,9,-,N1\n"
		"C,T,-,1,33,1,2,9,-,N1\n"
		"H,H1,work,20,8,care,0,0,reentry_leave\n"
		"H,S,work,20,8\n";
	struct nursery_instance *in = NULL;
	struct err e;
	err_clear(&e);
	T_REQUIRE(nursery_instance_parse_rules(&in, txt, strlen(txt), r, &e) == 0);
	T_EQ_INT(in->child[0].score, 20 + 18 + 10);
	T_EQ_INT(in->child[0].tb[0], 3);        /* care is rank 3 */
	T_EQ_INT(in->child[1].score, 48);
	T_EQ_INT(in->child[2].score, 40);       /* one guardian + absent */
	T_EQ_INT(in->child[3].score, 33);       /* given, untouched */
	nursery_instance_free(in);
	/* without a rule table, H lines are refused with their line */
	err_clear(&e);
	in = NULL;
	T_EQ_INT(nursery_instance_parse(&in, txt, strlen(txt), &e), ERR_INVALID);
	T_EQ_INT(e.line, 7);
	/* "*" without an H line */
	const char *miss = "N,N1,1,1,1,1,1,1\nC,A,-,1,*,1,3,7,-,N1\n";
	err_clear(&e);
	T_EQ_INT(nursery_instance_parse_rules(&in, miss, strlen(miss), r, &e),
		 ERR_INVALID);
	T_EQ_INT(e.line, 2);
	/* unknown adjustment code */
	const char *adj = "N,N1,1,1,1,1,1,1\nC,A,-,1,*,*,3,7,-,N1\n"
			  "H,A,work,20,8,-,,,lottery_win\n";
	err_clear(&e);
	T_EQ_INT(nursery_instance_parse_rules(&in, adj, strlen(adj), r, &e),
		 ERR_INVALID);
	T_EQ_INT(e.line, 3);
	nursery_rules_free(r);
}

/* the shipped examples: the CP932 copy reads as the UTF-8 original */
static void test_example_files(void)
{
	struct nursery_instance *a = NULL, *b = NULL;
	struct err e;
	err_clear(&e);
	T_REQUIRE(nursery_instance_load(&a, "tests/data/nursery/example.csv",
					&e) == 0);
	T_REQUIRE(nursery_instance_load(&b,
					"tests/data/nursery/example-cp932.csv",
					&e) == 0);
	char *sa = NULL, *sb = NULL;
	size_t la = 0, lb = 0;
	FILE *f = open_memstream(&sa, &la);
	nursery_instance_write(a, f, NULL);
	fclose(f);
	f = open_memstream(&sb, &lb);
	nursery_instance_write(b, f, NULL);
	fclose(f);
	T_CHECK(la == lb && memcmp(sa, sb, la) == 0);
	T_CHECK(strstr(sa, "N,さくら保育園,2,1,0,0,0,0,0-1\n") != NULL);
	T_EQ_INT(a->nchild, 7);
	T_EQ_INT(a->nfac, 3);
	free(sa);
	free(sb);
	nursery_instance_free(a);
	nursery_instance_free(b);
	T_REQUIRE(nursery_instance_load(&a, "tests/data/nursery/nostable.csv",
					&e) == 0);
	T_EQ_INT(a->nchild, 3);
	nursery_instance_free(a);
}

int main(void)
{
	T_RUN(test_example_files);
	T_RUN(test_households);
	T_RUN(test_good);
	T_RUN(test_refusals);
	T_RUN(test_encodings);
	T_RUN(test_rules);
	T_RUN(test_generator_rules);
	return t_done();
}
