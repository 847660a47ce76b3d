/*
 * test_image.c -- core/image: image_process on real pictures.  Two are
 * files made with exiftool (tests/data/image/README.md): a JPEG with EXIF
 * GPS and orientation 6, a PNG with an eXIf chunk, orientation 8 and a
 * position in the south-west.  The others are made here: JPEGs by
 * libjpeg, PNGs byte by byte (so a header can claim any size and a chunk
 * can carry any text).  Outputs are decoded again with libjpeg and
 * libpng to check their pixels, and searched for any trace of the
 * input's metadata.
 */
#include "t.h"

#include "core/image/image.h"

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#ifndef TEST_DATA
#define TEST_DATA "tests/data/image/"
#endif

/* ---- helpers ---- */

static unsigned char *slurp(const char *name, size_t *n)
{
	char path[256];
	snprintf(path, sizeof path, "%s%s", TEST_DATA, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *p = malloc(1 << 20);
	*n = fread(p, 1, 1 << 20, f);
	fclose(f);
	return p;
}

static int has(const unsigned char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, needle, k))
			return 1;
	return 0;
}

/* a JPEG of w x h whose left half is red and right half blue (or all
 * one grey when grey >= 0) */
static unsigned char *make_jpeg(size_t *n, int w, int h, int grey, int progressive)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr je;
	unsigned char *out = NULL;
	unsigned long len = 0;
	c.err = jpeg_std_error(&je);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &len);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 95, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	unsigned char *row = malloc((size_t)w * 3);
	for (int x = 0; x < w; x++) {
		int red = x < w / 2;
		row[3 * x] = (unsigned char)(grey >= 0 ? grey : red ? 220 : 20);
		row[3 * x + 1] = (unsigned char)(grey >= 0 ? grey : 20);
		row[3 * x + 2] = (unsigned char)(grey >= 0 ? grey : red ? 20 : 220);
	}
	while (c.next_scanline < c.image_height) {
		JSAMPROW r = row;
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	*n = len;
	return out;
}

/* decode a JPEG to RGB; NULL when it is not one */
static unsigned char *unjpeg(const unsigned char *p, size_t n, int *w, int *h)
{
	struct jpeg_decompress_struct c;
	struct jpeg_error_mgr je;
	c.err = jpeg_std_error(&je);
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, p, (unsigned long)n);
	jpeg_read_header(&c, TRUE);
	c.out_color_space = JCS_RGB;
	jpeg_start_decompress(&c);
	*w = (int)c.output_width;
	*h = (int)c.output_height;
	unsigned char *pix = malloc((size_t)*w * (size_t)*h * 3);
	while (c.output_scanline < c.output_height) {
		JSAMPROW r = pix + (size_t)c.output_scanline * (size_t)*w * 3;
		jpeg_read_scanlines(&c, &r, 1);
	}
	jpeg_finish_decompress(&c);
	jpeg_destroy_decompress(&c);
	return pix;
}

/* decode a PNG to RGBA with libpng's simplified API */
static unsigned char *unpng(const unsigned char *p, size_t n, int *w, int *h)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, p, n))
		return NULL;
	im.format = PNG_FORMAT_RGBA;
	unsigned char *pix = malloc(PNG_IMAGE_SIZE(im));
	if (!png_image_finish_read(&im, NULL, pix, 0, NULL)) {
		free(pix);
		return NULL;
	}
	*w = (int)im.width;
	*h = (int)im.height;
	return pix;
}

/* a PNG built byte by byte: IHDR as given (width and height may lie),
 * optionally a tEXt chunk, IDAT of the rows given (or of nothing) */
struct pngw {
	unsigned char *p;
	size_t n;
};

static void put32(unsigned char *d, uint32_t v)
{
	d[0] = (unsigned char)(v >> 24);
	d[1] = (unsigned char)(v >> 16);
	d[2] = (unsigned char)(v >> 8);
	d[3] = (unsigned char)v;
}

static void chunk(struct pngw *o, const char *type, const unsigned char *d, size_t n)
{
	o->p = realloc(o->p, o->n + n + 12);
	unsigned char *q = o->p + o->n;
	put32(q, (uint32_t)n);
	memcpy(q + 4, type, 4);
	if (n)
		memcpy(q + 8, d, n);
	put32(q + 8 + n, (uint32_t)crc32(0, q + 4, (uInt)(n + 4)));
	o->n += n + 12;
}

static unsigned char *make_png(size_t *n, uint32_t w, uint32_t h, int ctype, const unsigned char *raw, size_t rawn,
			       const char *text)
{
	struct pngw o = { NULL, 0 };
	o.p = malloc(8);
	memcpy(o.p, "\x89PNG\r\n\x1a\n", 8);
	o.n = 8;
	unsigned char ihdr[13];
	put32(ihdr, w);
	put32(ihdr + 4, h);
	ihdr[8] = 8;
	ihdr[9] = (unsigned char)ctype;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	chunk(&o, "IHDR", ihdr, 13);
	if (text)
		chunk(&o, "tEXt", (const unsigned char *)text, strlen(text));
	uLongf zn = compressBound((uLong)rawn);
	unsigned char *z = malloc(zn);
	compress(z, &zn, raw, (uLong)rawn);
	chunk(&o, "IDAT", z, zn);
	free(z);
	chunk(&o, "IEND", NULL, 0);
	*n = o.n;
	return o.p;
}

/* ---- tests ---- */

/* the exiftool JPEG: 96 x 48, red left half, blue right, orientation 6
 * (turn 90 degrees clockwise), GPS 35.699444 N 139.636389 E */
static void test_jpeg_exif_gps_orientation(void)
{
	size_t n;
	unsigned char *in = slurp("gps-orient6.jpg", &n);
	T_REQUIRE(in);
	T_CHECK(has(in, n, "Exif"));   /* the search below can find it */
	T_CHECK(has(in, n, "madoguchi test"));
	struct image_out o;
	struct err e;
	T_EQ_INT(image_process(&o, in, n, 1600, NULL, &e), 0);
	T_REQUIRE(o.data);
	T_EQ_INT(o.format, IMAGE_JPEG);
	T_EQ_STR(o.mime, "image/jpeg");
	T_EQ_INT(image_sniff(o.data, o.len), IMAGE_JPEG);
	T_EQ_INT(o.src_width, 96);
	T_EQ_INT(o.src_height, 48);
	T_EQ_INT(o.orientation, 6);
	T_EQ_INT(o.width, 48);   /* upright: tall */
	T_EQ_INT(o.height, 96);
	T_CHECK(o.gps.present);
	T_CHECK(llabs(o.gps.lat_e6 - 35699444) <= 1);
	T_CHECK(llabs(o.gps.lon_e6 - 139636389) <= 1);
	/* nothing of the metadata stored */
	T_CHECK(!has(o.data, o.len, "Exif"));
	T_CHECK(!has(o.data, o.len, "madoguchi test"));
	T_CHECK(!has(o.data, o.len, "demo fixture"));
	int w, h;
	unsigned char *px = unjpeg(o.data, o.len, &w, &h);
	T_REQUIRE(px);
	T_EQ_INT(w, 48);
	T_EQ_INT(h, 96);
	/* the left (red) half turned clockwise is the top */
	const unsigned char *top = px + ((size_t)10 * 48 + 24) * 3, *bot = px + ((size_t)85 * 48 + 24) * 3;
	T_CHECK(top[0] > 170 && top[2] < 70);
	T_CHECK(bot[2] > 170 && bot[0] < 70);
	free(px);
	/* processed again: the same size, nothing to turn, no position */
	struct image_out o2;
	T_EQ_INT(image_process(&o2, o.data, o.len, 1600, NULL, &e), 0);
	T_EQ_INT(o2.orientation, 1);
	T_EQ_INT(o2.width, 48);
	T_EQ_INT(o2.height, 96);
	T_CHECK(!o2.gps.present);
	image_out_done(&o2);
	image_out_done(&o);
	free(in);
}

/* the exiftool PNG: 40 x 20, opaque green left half, transparent right,
 * eXIf with orientation 8 (turn 90 degrees anticlockwise) and 12.5 S
 * 45.25 W */
static void test_png_exif(void)
{
	size_t n;
	unsigned char *in = slurp("exif-orient8.png", &n);
	T_REQUIRE(in);
	T_CHECK(has(in, n, "eXIf"));
	struct image_out o;
	struct err e;
	T_EQ_INT(image_process(&o, in, n, 1600, NULL, &e), 0);
	T_REQUIRE(o.data);
	T_EQ_INT(o.format, IMAGE_PNG);
	T_EQ_STR(o.mime, "image/png");
	T_EQ_INT(o.orientation, 8);
	T_EQ_INT(o.width, 20);
	T_EQ_INT(o.height, 40);
	T_CHECK(o.gps.present);
	T_EQ_INT(o.gps.lat_e6, -12500000);
	T_EQ_INT(o.gps.lon_e6, -45250000);
	T_CHECK(!has(o.data, o.len, "eXIf"));
	T_CHECK(!has(o.data, o.len, "Exif"));
	T_EQ_INT(o.data[25], 6);   /* IHDR colour type: RGBA kept */
	int w, h;
	unsigned char *px = unpng(o.data, o.len, &w, &h);
	T_REQUIRE(px);
	T_EQ_INT(w, 20);
	T_EQ_INT(h, 40);
	/* the left (opaque) half turned anticlockwise is the bottom */
	const unsigned char *top = px + ((size_t)5 * 20 + 10) * 4, *bot = px + ((size_t)35 * 20 + 10) * 4;
	T_EQ_INT(top[3], 0);
	T_EQ_INT(bot[3], 255);
	T_EQ_INT(bot[1], 160);
	free(px);
	image_out_done(&o);
	free(in);
}

/* a PNG's text chunk is dropped; an opaque RGBA becomes RGB; area
 * averaging to the exact mean */
static void test_png_resize_and_text(void)
{
	/* 4 x 2 RGBA: the left 2 x 2 block 0 and 100, the right 200 and 250 */
	unsigned char raw[2 * (1 + 16)];
	static const unsigned char v[2][4] = { { 0, 100, 200, 250 }, { 100, 0, 250, 200 } };
	for (int y = 0; y < 2; y++) {
		raw[y * 17] = 0;
		for (int x = 0; x < 4; x++) {
			unsigned char *q = raw + y * 17 + 1 + x * 4;
			q[0] = q[1] = q[2] = v[y][x];
			q[3] = 255;
		}
	}
	size_t n;
	unsigned char *in = make_png(&n, 4, 2, 6, raw, sizeof raw, "Comment\0secret-address-1-2-3");
	struct image_out o;
	struct err e;
	T_EQ_INT(image_process(&o, in, n, 2, NULL, &e), 0);
	T_REQUIRE(o.data);
	T_EQ_INT(o.width, 2);
	T_EQ_INT(o.height, 1);
	T_EQ_INT(o.orientation, 1);
	T_CHECK(!o.gps.present);
	T_EQ_INT(o.data[25], 2);   /* RGB: the alpha was opaque everywhere */
	T_CHECK(!has(o.data, o.len, "secret"));
	T_CHECK(!has(o.data, o.len, "tEXt"));
	int w, h;
	unsigned char *px = unpng(o.data, o.len, &w, &h);
	T_REQUIRE(px);
	T_EQ_INT(px[0], 50);
	T_EQ_INT(px[4], 225);
	free(px);
	image_out_done(&o);
	free(in);
}

/* the long edge to max_edge, the ratio kept; never enlarged; a big JPEG
 * decoded at a DCT scale still comes out at the exact size */
static void test_sizes(void)
{
	static const struct { int w, h, max, ow, oh; } c[] = {
		{ 400, 100, 100, 100, 25 }, { 401, 100, 100, 100, 25 }, { 30, 90, 60, 20, 60 },
		{ 40, 30, 100, 40, 30 },    { 2000, 1000, 200, 200, 100 }, { 1999, 3, 100, 100, 1 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t n;
		unsigned char *in = make_jpeg(&n, c[i].w, c[i].h, 128, (int)(i & 1));
		struct image_out o;
		struct err e;
		T_EQ_INT(image_process(&o, in, n, c[i].max, NULL, &e), 0);
		T_EQ_INT(o.width, c[i].ow);
		T_EQ_INT(o.height, c[i].oh);
		int w, h;
		unsigned char *px = o.data ? unjpeg(o.data, o.len, &w, &h) : NULL;
		if (px) {
			T_EQ_INT(w, c[i].ow);
			T_EQ_INT(h, c[i].oh);
			T_CHECK(abs(px[0] - 128) <= 3);
			free(px);
		}
		image_out_done(&o);
		free(in);
	}
}

/* cut short: refused, never padded */
static void test_truncated(void)
{
	size_t n;
	unsigned char *in = slurp("gps-orient6.jpg", &n);
	T_REQUIRE(in);
	struct image_out o;
	struct err e;
	T_EQ_INT(image_process(&o, in, n * 3 / 4, 100, NULL, &e), ERR_INVALID);
	T_CHECK(o.data == NULL);
	T_EQ_INT(image_process(&o, in, 300, 100, NULL, &e), ERR_INVALID);
	T_EQ_INT(image_process(&o, in, 3, 100, NULL, &e), ERR_INVALID);
	free(in);
	/* a big JPEG cut in its data */
	unsigned char *big = make_jpeg(&n, 600, 400, -1, 0);
	T_EQ_INT(image_process(&o, big, n / 2, 100, NULL, &e), ERR_INVALID);
	free(big);
	in = slurp("exif-orient8.png", &n);
	T_REQUIRE(in);
	T_EQ_INT(image_process(&o, in, n - 12, 100, NULL, &e), ERR_INVALID); /* no IEND */
	T_EQ_INT(image_process(&o, in, n / 2, 100, NULL, &e), ERR_INVALID);
	T_EQ_INT(image_process(&o, in, 20, 100, NULL, &e), ERR_INVALID);
	/* a flipped byte in the IHDR: its CRC fails */
	in[18] ^= 1;
	T_EQ_INT(image_process(&o, in, n, 100, NULL, &e), ERR_INVALID);
	free(in);
}

/* not an image, whatever it is called */
static void test_not_image(void)
{
	static const char *bad[] = { "GIF89a\x01\x00\x01\x00", "%PDF-1.4\n", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
				     "hello.jpg", "\xff\xd8", "\x89PNG\r\n\x1a" };
	struct image_out o;
	struct err e;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		T_EQ_INT(image_process(&o, bad[i], strlen(bad[i]), 100, NULL, &e), ERR_INVALID);
		T_EQ_INT(image_sniff(bad[i], strlen(bad[i])), IMAGE_NONE);
	}
	T_EQ_INT(image_process(&o, "", 0, 100, NULL, &e), ERR_INVALID);
	/* a JPEG's magic and then nothing of a JPEG */
	T_EQ_INT(image_process(&o, "\xff\xd8\xff\xe0 nothing here at all", 24, 100, NULL, &e), ERR_INVALID);
	size_t n;
	unsigned char *in = make_jpeg(&n, 8, 8, 0, 0);
	T_EQ_INT(image_process(&o, in, n, 0, NULL, &e), ERR_INVALID);
	T_EQ_INT(image_process(&o, in, n, IMAGE_EDGE_OUT_MAX + 1, NULL, &e), ERR_INVALID);
	free(in);
}

/* limits from the header, before decoding: the bombs are answered fast
 * with ERR_LIMIT (a decoded 60,000 x 60,000 would be 14 GB) */
static void test_limits(void)
{
	struct image_out o;
	struct err e;
	unsigned char raw[1 + 3] = { 0, 1, 2, 3 };
	size_t n;
	/* edges over the limit */
	unsigned char *in = make_png(&n, 60000, 60000, 2, raw, sizeof raw, NULL);
	T_EQ_INT(image_process(&o, in, n, 100, NULL, &e), ERR_LIMIT);
	T_CHECK(strstr(e.detail, "edge") != NULL);
	free(in);
	/* edges within, pixels over */
	in = make_png(&n, 15000, 15000, 2, raw, sizeof raw, NULL);
	T_EQ_INT(image_process(&o, in, n, 100, NULL, &e), ERR_LIMIT);
	T_CHECK(strstr(e.detail, "pixels") != NULL);
	free(in);
	/* a JPEG whose frame header claims 30,000 x 30,000 */
	in = make_jpeg(&n, 16, 16, 50, 0);
	size_t sof = 0;
	for (size_t i = 2; i + 9 < n; i++)
		if (in[i] == 0xff && (in[i + 1] == 0xc0 || in[i + 1] == 0xc2)) {
			sof = i;
			break;
		}
	T_REQUIRE(sof);
	in[sof + 5] = 30000 >> 8;
	in[sof + 6] = 30000 & 0xff;
	in[sof + 7] = 30000 >> 8;
	in[sof + 8] = 30000 & 0xff;
	T_EQ_INT(image_process(&o, in, n, 100, NULL, &e), ERR_LIMIT);
	free(in);
	/* the caller's limits */
	in = slurp("gps-orient6.jpg", &n);
	T_REQUIRE(in);
	T_EQ_INT(image_process(&o, in, n, 100, &(struct image_limits){ .max_bytes = n - 1 }, &e), ERR_LIMIT);
	T_EQ_INT(image_process(&o, in, n, 100, &(struct image_limits){ .max_edge = 95 }, &e), ERR_LIMIT);
	T_EQ_INT(image_process(&o, in, n, 100, &(struct image_limits){ .max_pixels = 96 * 48 - 1 }, &e), ERR_LIMIT);
	T_EQ_INT(image_process(&o, in, n, 100, &(struct image_limits){ .max_pixels = 96 * 48, .max_edge = 96 }, &e), 0);
	image_out_done(&o);
	image_out_done(&o);  /* twice: a no-op */
	image_out_done(NULL);
	free(in);
}

int main(void)
{
	T_RUN(test_jpeg_exif_gps_orientation);
	T_RUN(test_png_exif);
	T_RUN(test_png_resize_and_text);
	T_RUN(test_sizes);
	T_RUN(test_truncated);
	T_RUN(test_not_image);
	T_RUN(test_limits);
	return t_done();
}
