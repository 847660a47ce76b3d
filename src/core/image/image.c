/*
 * image.c -- image_process (image.h has the contract): sniff, check the
 * header's limits, decode with libjpeg-turbo or libpng, read the EXIF
 * (orientation, GPS) with libexif, resize by area averaging, orient,
 * encode anew.
 *
 * Invariants:
 *   - no pixel buffer is allocated before the header's edges and pixel
 *     count passed the limits;
 *   - both libraries report errors by longjmp: the function that calls
 *     setjmp modifies no local of its own after it; everything to free
 *     lives in a struct owned by its caller (struct work), freed once by
 *     work_done whatever path was taken;
 *   - the encoders are given pixels only: nothing of the input's
 *     metadata reaches them.
 */
#include "core/image/image.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <libexif/exif-data.h>

/* everything an image_process call allocates */
struct work {
	const unsigned char *in;
	size_t n, off;               /* PNG reading position          */
	struct image_limits lim;
	int max_edge;
	/* decoded pixels */
	unsigned char *pix;
	int w, h, ch;                /* ch: 3 (RGB) or 4 (RGBA)       */
	unsigned char **rows;        /* PNG row pointers              */
	unsigned char *row;          /* one JPEG CMYK row             */
	float *acc;                  /* the resizer's row             */
	unsigned char *tmp;          /* the resized or oriented copy  */
	/* EXIF */
	int orientation;
	struct image_gps gps;
	int src_w, src_h;
	/* encoded output */
	unsigned char *out;
	size_t out_len, out_cap;
	unsigned long jpeg_len;
	unsigned char *jpeg_buf;   /* libjpeg's while encoding (jpeg_encode) */
	/* a library's error */
	int code;
	char msg[JMSG_LENGTH_MAX];
};

static void work_done(struct work *w)
{
	free(w->pix);
	free(w->rows);
	free(w->row);
	free(w->acc);
	free(w->tmp);
	free(w->out);
	memset(w, 0, sizeof *w);
}

enum image_format image_sniff(const void *p, size_t n)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
	const unsigned char *b = p;
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return IMAGE_JPEG;
	if (n >= 8 && !memcmp(b, png_sig, 8))
		return IMAGE_PNG;
	return IMAGE_NONE;
}

/* ---- EXIF ---- */

/* degrees, minutes, seconds (3 rationals) and a reference letter into
 * millionths of a degree; 0 or -1 when malformed */
static int gps_coord(int64_t *out, ExifEntry *v, ExifEntry *ref, ExifByteOrder bo, double max, char pos, char neg)
{
	if (!v || !ref || v->format != EXIF_FORMAT_RATIONAL || v->components != 3 || v->size < 24 ||
	    ref->format != EXIF_FORMAT_ASCII || ref->size < 1)
		return -1;
	double part[3];
	for (int i = 0; i < 3; i++) {
		ExifRational q = exif_get_rational(v->data + 8 * i, bo);
		if (!q.denominator)
			return -1;
		part[i] = (double)q.numerator / (double)q.denominator;
	}
	if (part[1] >= 60.0 || part[2] >= 60.0)
		return -1;
	double deg = part[0] + part[1] / 60.0 + part[2] / 3600.0;
	if (!(deg <= max))
		return -1;
	char r = (char)ref->data[0];
	if (r != pos && r != neg)
		return -1;
	int64_t e6 = (int64_t)llround(deg * 1e6);
	*out = r == neg ? -e6 : e6;
	return 0;
}

/* read the orientation and the GPS position of an EXIF block (d starts
 * with "Exif\0\0" then the TIFF header); nothing read is no error */
static void exif_read(struct work *w, const unsigned char *d, size_t n)
{
	if (n < 14 || n > 0xffff * 64u)
		return;
	ExifData *ed = exif_data_new();
	if (!ed)
		return;
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(ed, d, (unsigned int)n);
	ExifByteOrder bo = exif_data_get_byte_order(ed);
	ExifEntry *o = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
	if (o && o->format == EXIF_FORMAT_SHORT && o->components >= 1 && o->size >= 2) {
		int v = exif_get_short(o->data, bo);
		if (v >= 1 && v <= 8)
			w->orientation = v;
	}
	ExifContent *g = ed->ifd[EXIF_IFD_GPS];
	int64_t lat, lon;
	if (g && !gps_coord(&lat, exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE),
			    exif_content_get_entry(g, EXIF_TAG_GPS_LATITUDE_REF), bo, 90.0, 'N', 'S') &&
	    !gps_coord(&lon, exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE),
		       exif_content_get_entry(g, EXIF_TAG_GPS_LONGITUDE_REF), bo, 180.0, 'E', 'W')) {
		w->gps.present = 1;
		w->gps.lat_e6 = lat;
		w->gps.lon_e6 = lon;
	}
	exif_data_unref(ed);
}

/* ---- limits ---- */

static int check_header(struct work *w, uint64_t width, uint64_t height, struct err *e)
{
	if (width < 1 || height < 1)
		return err_set(e, ERR_INVALID, "image: no pixels");
	if (width > (uint64_t)w->lim.max_edge || height > (uint64_t)w->lim.max_edge)
		return err_set(e, ERR_LIMIT, "image: %llu x %llu px, an edge over %d", (unsigned long long)width,
			       (unsigned long long)height, w->lim.max_edge);
	if (width * height > w->lim.max_pixels)
		return err_set(e, ERR_LIMIT, "image: %llu x %llu px, over %llu pixels", (unsigned long long)width,
			       (unsigned long long)height, (unsigned long long)w->lim.max_pixels);
	w->src_w = (int)width;
	w->src_h = (int)height;
	return 0;
}

/* ---- JPEG ---- */

struct jerr {
	struct jpeg_error_mgr pub;
	struct jpeg_progress_mgr progress;
	jmp_buf jb;
	struct work *w;
};

static void j_error_exit(j_common_ptr c)
{
	struct jerr *je = (struct jerr *)c->err;
	(*c->err->format_message)(c, je->w->msg);
	/* past IMAGE_JPEG_MEM_MAX (libjpeg asks for a backing store it does
	 * not have) or out of memory: too large, not unreadable */
	int code = c->err->msg_code;
	if (!je->w->code)
		je->w->code = code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY ? ERR_LIMIT : ERR_INVALID;
	longjmp(je->jb, 1);
}

/* warnings: an image that ends early or whose data stops short is
 * refused rather than shown half grey; others (a stray byte before a
 * marker) are let through as the library recovers them */
static void j_emit(j_common_ptr c, int level)
{
	if (level >= 0)
		return;
	int code = c->err->msg_code;
	if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC) {
		struct jerr *je = (struct jerr *)c->err;
		(*c->err->format_message)(c, je->w->msg);
		je->w->code = ERR_INVALID;
		longjmp(je->jb, 1);
	}
	c->err->num_warnings++;
}

static void j_progress(j_common_ptr c)
{
	if (!c->is_decompressor)
		return;
	struct jerr *je = (struct jerr *)c->err;
	if (((j_decompress_ptr)c)->input_scan_number > IMAGE_JPEG_SCANS_MAX) {
		snprintf(je->w->msg, sizeof je->w->msg, "more than %d scans", IMAGE_JPEG_SCANS_MAX);
		je->w->code = ERR_LIMIT;
		longjmp(je->jb, 1);
	}
}

/* the header's checks happen here, between reading the header and
 * decoding: a nonzero return stops before any pixel */
static int jpeg_decode_body(struct work *w, j_decompress_ptr ci, struct err *e)
{
	jpeg_save_markers(ci, JPEG_APP0 + 1, 0xffff);
	jpeg_read_header(ci, TRUE);
	int rc = check_header(w, ci->image_width, ci->image_height, e);
	if (rc)
		return rc;
	for (jpeg_saved_marker_ptr m = ci->marker_list; m; m = m->next)
		if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && !memcmp(m->data, "Exif\0\0", 6)) {
			exif_read(w, m->data, m->data_length);
			break;
		}
	/* the smallest DCT scale whose long edge still covers max_edge */
	unsigned long lng = ci->image_width > ci->image_height ? ci->image_width : ci->image_height;
	unsigned int denom = 8;
	while (denom > 1 && (lng + denom - 1) / denom < (unsigned long)w->max_edge)
		denom /= 2;
	ci->scale_num = 1;
	ci->scale_denom = denom;
	int cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
	ci->out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
	jpeg_start_decompress(ci);
	if ((int)ci->output_components != (cmyk ? 4 : 3))
		return err_set(e, ERR_INVALID, "image: JPEG of %d components", ci->output_components);
	w->w = (int)ci->output_width;
	w->h = (int)ci->output_height;
	w->ch = 3;
	w->pix = malloc((size_t)w->w * (size_t)w->h * 3);
	if (cmyk)
		w->row = malloc((size_t)w->w * 4);
	if (!w->pix || (cmyk && !w->row))
		return err_set(e, ERR_NOMEM, "image: no memory for %d x %d px", w->w, w->h);
	while (ci->output_scanline < ci->output_height) {
		unsigned char *dst = w->pix + (size_t)ci->output_scanline * (size_t)w->w * 3;
		JSAMPROW rp = cmyk ? w->row : dst;
		if (jpeg_read_scanlines(ci, &rp, 1) != 1)
			return err_set(e, ERR_INVALID, "image: JPEG rows stopped short");
		if (cmyk) {
			/* Adobe's files store CMYK inverted (255: no ink) */
			int inv = ci->saw_Adobe_marker;
			for (int x = 0; x < w->w; x++) {
				unsigned c = w->row[4 * x], m = w->row[4 * x + 1], y = w->row[4 * x + 2], k = w->row[4 * x + 3];
				if (!inv) {
					c = 255 - c;
					m = 255 - m;
					y = 255 - y;
					k = 255 - k;
				}
				dst[3 * x] = (unsigned char)(c * k / 255);
				dst[3 * x + 1] = (unsigned char)(m * k / 255);
				dst[3 * x + 2] = (unsigned char)(y * k / 255);
			}
		}
	}
	jpeg_finish_decompress(ci);
	return 0;
}

static int jpeg_decode(struct work *w, struct err *e)
{
	struct jpeg_decompress_struct ci;
	struct jerr je;
	memset(&ci, 0, sizeof ci);
	ci.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = j_error_exit;
	je.pub.emit_message = j_emit;
	je.progress.progress_monitor = j_progress;
	je.w = w;
	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&ci);
		return err_set(e, w->code, "image: JPEG: %s", w->msg);
	}
	jpeg_create_decompress(&ci);
	/* libjpeg's own memory capped: a multi-scan (progressive) JPEG keeps
	 * the whole image's coefficients, about 6 to 8 bytes a pixel whatever
	 * the decoding scale, so a small upload could claim hundreds of MB;
	 * past the cap libjpeg stops with an error (no backing store) */
	ci.mem->max_memory_to_use = IMAGE_JPEG_MEM_MAX;
	ci.progress = &je.progress;
	jpeg_mem_src(&ci, w->in, (unsigned long)w->n);
	int rc = jpeg_decode_body(w, &ci, e);
	jpeg_destroy_decompress(&ci);
	return rc;
}

static int jpeg_encode(struct work *w, const unsigned char *pix, int width, int height, struct err *e)
{
	struct jpeg_compress_struct ci;
	struct jerr je;
	memset(&ci, 0, sizeof ci);
	ci.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = j_error_exit;
	je.w = w;
	if (setjmp(je.jb)) {
		jpeg_destroy_compress(&ci);
		return err_set(e, ERR_INTERNAL, "image: JPEG encoder: %s", w->msg);
	}
	jpeg_create_compress(&ci);
	/* libjpeg keeps the growing buffer to itself until the end (it frees
	 * and replaces it as it grows): w->out takes it only once finished,
	 * so an error midway frees nothing stale (at worst the live buffer
	 * of an out-of-memory error is lost) */
	w->jpeg_buf = NULL;
	w->jpeg_len = 0;
	jpeg_mem_dest(&ci, &w->jpeg_buf, &w->jpeg_len);
	ci.image_width = (JDIMENSION)width;
	ci.image_height = (JDIMENSION)height;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, IMAGE_JPEG_QUALITY, TRUE);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < ci.image_height) {
		JSAMPROW rp = (JSAMPROW)(pix + (size_t)ci.next_scanline * (size_t)width * 3);
		jpeg_write_scanlines(&ci, &rp, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	w->out = w->jpeg_buf;
	w->jpeg_buf = NULL;
	w->out_len = w->jpeg_len;
	return 0;
}

/* ---- PNG ---- */

static void p_error(png_structp png, png_const_charp msg)
{
	struct work *w = png_get_error_ptr(png);
	snprintf(w->msg, sizeof w->msg, "%s", msg);
	if (!w->code)
		w->code = ERR_INVALID;
	png_longjmp(png, 1);
}

static void p_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void p_read(png_structp png, png_bytep out, size_t n)
{
	struct work *w = png_get_io_ptr(png);
	if (n > w->n - w->off)
		png_error(png, "truncated");
	memcpy(out, w->in + w->off, n);
	w->off += n;
}

static int png_decode_body(struct work *w, png_structp png, png_infop info, struct err *e)
{
	png_set_read_fn(png, w, p_read);
	png_set_chunk_cache_max(png, 128);
	/* no chunk is larger than the input: a length that lies costs nothing */
	png_set_chunk_malloc_max(png, w->n < IMAGE_PNG_CHUNK_MAX ? w->n : IMAGE_PNG_CHUNK_MAX);
	png_read_info(png, info);
	png_uint_32 width, height;
	int depth, type, interlace;
	png_get_IHDR(png, info, &width, &height, &depth, &type, &interlace, NULL, NULL);
	int rc = check_header(w, width, height, e);
	if (rc)
		return rc;
	png_set_expand(png);
	png_set_scale_16(png);
	png_set_gray_to_rgb(png);
	png_set_filler(png, 0xff, PNG_FILLER_AFTER);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)width * 4)
		return err_set(e, ERR_INVALID, "image: PNG rows of an unexpected size");
	w->w = (int)width;
	w->h = (int)height;
	w->ch = 4;
	w->pix = malloc((size_t)w->w * (size_t)w->h * 4);
	w->rows = malloc((size_t)w->h * sizeof *w->rows);
	if (!w->pix || !w->rows)
		return err_set(e, ERR_NOMEM, "image: no memory for %d x %d px", w->w, w->h);
	for (int y = 0; y < w->h; y++)
		w->rows[y] = w->pix + (size_t)y * (size_t)w->w * 4;
	png_read_image(png, w->rows);
	png_read_end(png, info);
#ifdef PNG_eXIf_SUPPORTED
	png_uint_32 nx = 0;
	png_bytep x = NULL;
	if (png_get_eXIf_1(png, info, &nx, &x) && x && nx >= 8 && nx <= IMAGE_PNG_CHUNK_MAX) {
		/* the chunk is the TIFF block alone: give libexif its header */
		unsigned char *d = malloc((size_t)nx + 6);
		if (d) {
			memcpy(d, "Exif\0\0", 6);
			memcpy(d + 6, x, nx);
			exif_read(w, d, (size_t)nx + 6);
			free(d);
		}
	}
#endif
	return 0;
}

static int png_decode(struct work *w, struct err *e)
{
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, w, p_error, p_warning);
	if (!png)
		return err_set(e, ERR_NOMEM, "image: PNG reader");
	png_infop info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return err_set(e, ERR_NOMEM, "image: PNG reader");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		return err_set(e, w->code, "image: PNG: %s", w->msg);
	}
	int rc = png_decode_body(w, png, info, e);
	png_destroy_read_struct(&png, &info, NULL);
	return rc;
}

static void p_write(png_structp png, png_bytep p, size_t n)
{
	struct work *w = png_get_io_ptr(png);
	if (n > w->out_cap - w->out_len) {
		size_t cap = w->out_cap ? w->out_cap : 65536;
		while (cap - w->out_len < n)
			cap *= 2;
		unsigned char *o = realloc(w->out, cap);
		if (!o)
			png_error(png, "no memory");
		w->out = o;
		w->out_cap = cap;
	}
	memcpy(w->out + w->out_len, p, n);
	w->out_len += n;
}

static void p_flush(png_structp png)
{
	(void)png;
}

static int png_encode_body(struct work *w, png_structp png, png_infop info, const unsigned char *pix, int width,
			   int height, int ch)
{
	png_set_write_fn(png, w, p_write, p_flush);
	png_set_compression_level(png, 6);
	png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
		     ch == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < height; y++)
		png_write_row(png, pix + (size_t)y * (size_t)width * (size_t)ch);
	png_write_end(png, NULL);
	return 0;
}

static int png_encode(struct work *w, const unsigned char *pix, int width, int height, int ch, struct err *e)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, w, p_error, p_warning);
	if (!png)
		return err_set(e, ERR_NOMEM, "image: PNG writer");
	png_infop info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return err_set(e, ERR_NOMEM, "image: PNG writer");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return err_set(e, ERR_INTERNAL, "image: PNG encoder: %s", w->msg);
	}
	int rc = png_encode_body(w, png, info, pix, width, height, ch);
	png_destroy_write_struct(&png, &info);
	return rc;
}

/* ---- pixels ---- */

/* drop an alpha channel that is opaque everywhere */
static void drop_opaque_alpha(struct work *w)
{
	if (w->ch != 4)
		return;
	size_t np = (size_t)w->w * (size_t)w->h;
	for (size_t i = 0; i < np; i++)
		if (w->pix[4 * i + 3] != 255)
			return;
	for (size_t i = 0; i < np; i++) {
		w->pix[3 * i] = w->pix[4 * i];
		w->pix[3 * i + 1] = w->pix[4 * i + 1];
		w->pix[3 * i + 2] = w->pix[4 * i + 2];
	}
	w->ch = 3;
}

/* area-average w->pix (w x h) down to ow x oh into w->pix; colours
 * weighted by alpha (no dark fringes at transparent edges) */
static int resize(struct work *w, int ow, int oh, struct err *e)
{
	if (ow == w->w && oh == w->h)
		return 0;
	int ch = w->ch;
	double sx = (double)w->w / ow, sy = (double)w->h / oh;
	w->acc = malloc((size_t)w->w * (size_t)ch * sizeof *w->acc);
	w->tmp = malloc((size_t)ow * (size_t)oh * (size_t)ch);
	if (!w->acc || !w->tmp)
		return err_set(e, ERR_NOMEM, "image: no memory to resize");
	for (int oy = 0; oy < oh; oy++) {
		double y0 = oy * sy, y1 = (oy + 1) * sy;
		if (y1 > w->h)
			y1 = w->h;
		memset(w->acc, 0, (size_t)w->w * (size_t)ch * sizeof *w->acc);
		for (int y = (int)y0; y < w->h && y < y1; y++) {
			double top = y > y0 ? y : y0, bot = y + 1 < y1 ? y + 1 : y1;
			float wy = (float)(bot - top);
			const unsigned char *s = w->pix + (size_t)y * (size_t)w->w * (size_t)ch;
			float *a = w->acc;
			if (ch == 3)
				for (int i = 0; i < w->w * 3; i++)
					a[i] += s[i] * wy;
			else
				for (int x = 0; x < w->w; x++) {
					float al = s[4 * x + 3] * wy;
					a[4 * x] += s[4 * x] * al;
					a[4 * x + 1] += s[4 * x + 1] * al;
					a[4 * x + 2] += s[4 * x + 2] * al;
					a[4 * x + 3] += al;
				}
		}
		unsigned char *d = w->tmp + (size_t)oy * (size_t)ow * (size_t)ch;
		for (int ox = 0; ox < ow; ox++) {
			double x0 = ox * sx, x1 = (ox + 1) * sx;
			if (x1 > w->w)
				x1 = w->w;
			double sum[4] = { 0, 0, 0, 0 };
			for (int x = (int)x0; x < w->w && x < x1; x++) {
				double lft = x > x0 ? x : x0, rgt = x + 1 < x1 ? x + 1 : x1;
				double wx = rgt - lft;
				for (int c = 0; c < ch; c++)
					sum[c] += w->acc[(size_t)x * (size_t)ch + (size_t)c] * wx;
			}
			double area = (x1 - x0) * (y1 - y0);
			if (ch == 3) {
				for (int c = 0; c < 3; c++) {
					long v = lround(sum[c] / area);
					d[3 * ox + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
				}
			} else {
				for (int c = 0; c < 3; c++) {
					long v = sum[3] > 0 ? lround(sum[c] / sum[3]) : 0;
					d[4 * ox + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
				}
				long al = lround(sum[3] / area);
				d[4 * ox + 3] = (unsigned char)(al < 0 ? 0 : al > 255 ? 255 : al);
			}
		}
	}
	free(w->pix);
	w->pix = w->tmp;
	w->tmp = NULL;
	w->w = ow;
	w->h = oh;
	return 0;
}

/* turn w->pix upright by the EXIF orientation (1-8) */
static int orient(struct work *w, struct err *e)
{
	int o = w->orientation;
	if (o <= 1 || o > 8)
		return 0;
	int W = w->w, H = w->h, ch = w->ch;
	int swap = o >= 5;
	int ow = swap ? H : W, oh = swap ? W : H;
	w->tmp = malloc((size_t)W * (size_t)H * (size_t)ch);
	if (!w->tmp)
		return err_set(e, ERR_NOMEM, "image: no memory to orient");
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			int sx, sy;
			switch (o) {
			case 2: sx = W - 1 - x; sy = y; break;
			case 3: sx = W - 1 - x; sy = H - 1 - y; break;
			case 4: sx = x; sy = H - 1 - y; break;
			case 5: sx = y; sy = x; break;
			case 6: sx = y; sy = H - 1 - x; break;
			case 7: sx = W - 1 - y; sy = H - 1 - x; break;
			default: sx = W - 1 - y; sy = x; break; /* 8 */
			}
			memcpy(w->tmp + ((size_t)y * (size_t)ow + (size_t)x) * (size_t)ch,
			       w->pix + ((size_t)sy * (size_t)W + (size_t)sx) * (size_t)ch, (size_t)ch);
		}
	free(w->pix);
	w->pix = w->tmp;
	w->tmp = NULL;
	w->w = ow;
	w->h = oh;
	return 0;
}

/* the output's edges as stored (before orientation): the long edge at
 * most max_edge, the ratio kept */
static void target(int *ow, int *oh, int sw, int sh, int max_edge)
{
	if (sw <= max_edge && sh <= max_edge) {
		*ow = sw;
		*oh = sh;
		return;
	}
	if (sw >= sh) {
		*ow = max_edge;
		*oh = (int)(((int64_t)sh * max_edge + sw / 2) / sw);
	} else {
		*oh = max_edge;
		*ow = (int)(((int64_t)sw * max_edge + sh / 2) / sh);
	}
	if (*ow < 1)
		*ow = 1;
	if (*oh < 1)
		*oh = 1;
}

/* ---- the entry point ---- */

static int process(struct work *w, struct image_out *out, struct err *e)
{
	enum image_format f = image_sniff(w->in, w->n);
	if (f == IMAGE_NONE)
		return err_set(e, ERR_INVALID, "image: neither JPEG nor PNG");
	int rc = f == IMAGE_JPEG ? jpeg_decode(w, e) : png_decode(w, e);
	if (rc)
		return rc;
	drop_opaque_alpha(w);
	int ow, oh;
	target(&ow, &oh, w->src_w, w->src_h, w->max_edge);
	if ((rc = resize(w, ow, oh, e)) || (rc = orient(w, e)))
		return rc;
	free(w->acc);
	w->acc = NULL;
	rc = f == IMAGE_JPEG ? jpeg_encode(w, w->pix, w->w, w->h, e) : png_encode(w, w->pix, w->w, w->h, w->ch, e);
	if (rc)
		return rc;
	out->data = w->out;
	out->len = w->out_len;
	w->out = NULL;
	out->format = f;
	out->mime = f == IMAGE_JPEG ? "image/jpeg" : "image/png";
	out->width = w->w;
	out->height = w->h;
	out->src_width = w->src_w;
	out->src_height = w->src_h;
	out->orientation = w->orientation;
	out->gps = w->gps;
	return 0;
}

int image_process(struct image_out *out, const void *p, size_t n, int max_edge, const struct image_limits *lim,
		  struct err *e)
{
	memset(out, 0, sizeof *out);
	struct work w;
	memset(&w, 0, sizeof w);
	w.in = p;
	w.n = n;
	w.orientation = 1;
	if (lim)
		w.lim = *lim;
	if (!w.lim.max_bytes)
		w.lim.max_bytes = IMAGE_BYTES_MAX;
	if (!w.lim.max_edge)
		w.lim.max_edge = IMAGE_EDGE_IN_MAX;
	if (!w.lim.max_pixels)
		w.lim.max_pixels = IMAGE_PIXELS_MAX;
	if (max_edge < 1 || max_edge > IMAGE_EDGE_OUT_MAX)
		return err_set(e, ERR_INVALID, "image: max_edge %d out of 1..%d", max_edge, IMAGE_EDGE_OUT_MAX);
	if (!p || n == 0)
		return err_set(e, ERR_INVALID, "image: empty");
	if (n > w.lim.max_bytes)
		return err_set(e, ERR_LIMIT, "image: %zu bytes, over %zu", n, w.lim.max_bytes);
	w.max_edge = max_edge;
	int rc = process(&w, out, e);
	work_done(&w);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

void image_out_done(struct image_out *out)
{
	if (!out)
		return;
	free(out->data);
	memset(out, 0, sizeof *out);
}
