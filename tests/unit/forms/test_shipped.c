/*
 * test_shipped.c -- every procedure definition shipped in data/procedures
 * passes the schema check, its id matches its file name, there are at
 * least 30 of them with at least 10 titled in やさしい日本語, and a few
 * realistic submissions validate (or are refused) as a resident would
 * expect.
 */
#include "t.h"

#include <dirent.h>
#include <unistd.h>

#include "core/forms/forms.h"

static const char *dir;
static struct arena *A;
static const struct jp_date TODAY = { 2026, 11, 22 };

static const char *find_dir(void)
{
	static const char *const c[] = { "data/procedures", "../data/procedures",
					 "../../data/procedures", "../../../data/procedures" };
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		if (access(c[i], R_OK) == 0)
			return c[i];
	return NULL;
}

static struct forms_def *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[FORMS_DEF_MAX_BYTES + 1];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct forms_def *d;
	struct err e;
	if (forms_def_parse(&d, A, buf, n, &e) != 0) {
		printf("# %s: %s\n", name, e.detail);
		return NULL;
	}
	return d;
}

static void test_all_valid(void)
{
	DIR *dh = opendir(dir);
	T_REQUIRE(dh);
	struct dirent *de;
	int n = 0, ok = 0, easy = 0, fields = 0;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		n++;
		struct forms_def *d = load(de->d_name);
		if (!d) {
			T_FAIL_("%s does not pass the schema check", de->d_name);
			continue;
		}
		if (strncmp(d->id, de->d_name, l - 5) != 0 || strlen(d->id) != l - 5)
			T_FAIL_("%s: id %s does not match the file name", de->d_name, d->id);
		ok++;
		easy += d->title.ja_easy != NULL;
		struct forms_column *cols;
		struct err ce;
		int nc = forms_columns(&cols, A, d, &ce);
		if (nc <= 0)
			T_FAIL_("%s: no export columns (%s)", de->d_name, ce.detail);
		for (int p = 0; p < d->npages; p++)
			fields += d->pages[p].nfields;
	}
	closedir(dh);
	printf("# %d definitions, %d valid, %d with やさしい日本語, %d top-level fields\n",
	       n, ok, easy, fields);
	T_CHECK(n >= 30);
	T_EQ_INT(ok, n);
	T_CHECK(easy >= 10);
}

static struct forms_result R;

static int validate(const struct forms_def *d, const char *json)
{
	struct err e;
	int rc = forms_validate_text(&R, A, d, json, strlen(json), TODAY, &e);
	for (int i = 0; i < R.nerrors; i++)
		printf("#   %s %s: %s\n", R.errors[i].path, R.errors[i].code, R.errors[i].en);
	return rc;
}

static const char *code_at(const char *path)
{
	for (int i = 0; i < R.nerrors; i++)
		if (strcmp(R.errors[i].path, path) == 0)
			return R.errors[i].code;
	return "(none)";
}

#define APPLICANT \
	"\"applicant_name\":{\"family\":\"区民\",\"given\":\"花子\",\"family_kana\":\"クミン\",\"given_kana\":\"ハナコ\"}," \
	"\"applicant_birth\":\"昭和60年4月1日\"," \
	"\"applicant_address\":{\"postal_code\":\"1660001\",\"pref\":\"東京都\",\"city\":\"デモ区\",\"street\":\"中央一丁目2番3号\"}," \
	"\"applicant_phone\":\"090-1234-5678\""

#define FILEREF(n) "{\"name\":\"" n "\",\"type\":\"image/jpeg\",\"size\":123456," \
	"\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}"

static void test_juminhyo(void)
{
	struct forms_def *d = load("juminhyo-yuso.json");
	T_REQUIRE(d);
	T_EQ_INT(d->fee_yen, 300);
	T_EQ_INT(validate(d, "{" APPLICANT ",\"relation\":\"self\",\"id_document\":" FILEREF("id.jpg") ","
			  "\"kind\":\"juminhyo\",\"scope\":\"all\",\"items\":[\"zokugara\"],\"copies\":\"２\","
			  "\"purpose\":\"pension\"}"), 0);
	T_EQ_INT(R.nerrors, 0);
	/* an agent asking for the My Number: refused by the cross-field check */
	T_EQ_INT(validate(d, "{" APPLICANT ",\"relation\":\"agent\",\"id_document\":" FILEREF("id.jpg") ","
			  "\"power_of_attorney\":" FILEREF("inin.jpg") ","
			  "\"kind\":\"juminhyo\",\"scope\":\"all\",\"items\":[\"my_number\"],\"copies\":1,"
			  "\"purpose\":\"other\"}"), 0);
	T_EQ_STR(code_at("items"), "check");
	T_EQ_STR(code_at("purpose_other"), "required");
}

static void test_jidou_teate_exit(void)
{
	struct forms_def *d = load("jidou-teate-nintei.json");
	T_REQUIRE(d);
	T_EQ_STR(d->signature, "required");
	T_EQ_INT(validate(d, "{\"is_public_servant\":true}"), 0);
	T_CHECK(R.exit >= 0);
	T_EQ_STR(d->exits[R.exit].id, "public_servant");
	T_CHECK(d->exits[R.exit].title.ja_easy != NULL);
}

static void test_gan_kenshin(void)
{
	struct forms_def *d = load("gan-kenshin.json");
	T_REQUIRE(d);
	/* a man asking for a breast screening */
	T_EQ_INT(validate(d, "{" APPLICANT ",\"sex\":\"male\",\"tests\":[\"lung\",\"breast\"],\"clinic\":\"デモ診療所\"}"), 0);
	T_EQ_STR(code_at("tests"), "check");
	/* the question for women is hidden for men, and asked of women */
	T_EQ_INT(validate(d, "{" APPLICANT ",\"sex\":\"female\",\"tests\":[\"breast\"],\"clinic\":\"デモ診療所\"}"), 0);
	T_EQ_STR(code_at("received_last_year"), "required");
	/* under 20 at the start of the fiscal year: exit */
	T_EQ_INT(validate(d, "{\"applicant_name\":{\"family\":\"区民\",\"family_kana\":\"クミン\"},"
			  "\"applicant_birth\":\"2010-01-01\","
			  "\"applicant_address\":{\"pref\":\"東京都\",\"city\":\"デモ区\",\"street\":\"1-2-3\"},"
			  "\"applicant_phone\":\"0312345678\",\"sex\":\"female\"}"), 0);
	T_CHECK(R.exit >= 0);
}

int main(void)
{
	dir = find_dir();
	if (!dir) {
		printf("not ok 1 - data/procedures not found\n1..1\n");
		return 1;
	}
	A = arena_new(256u << 20);
	T_RUN(test_all_valid);
	T_RUN(test_juminhyo);
	T_RUN(test_jidou_teate_exit);
	T_RUN(test_gan_kenshin);
	arena_free(A);
	return t_done();
}
