/*
 * image.h -- uploaded photos made safe to store and show: JPEG and PNG
 * only, checked, oriented, resized, re-encoded without metadata; the
 * EXIF GPS position read before it is dropped.
 *
 * Contract of image_process:
 *   - the format is known by the bytes (JPEG: FF D8 FF; PNG: its 8-byte
 *     signature), never by a name or a declared type; anything else is
 *     ERR_INVALID;
 *   - limits are checked before the pixels are decoded: the input's bytes,
 *     each edge and the pixel count as the header states them (a
 *     decompression bomb, a few KB claiming 60,000 x 60,000, is refused
 *     from its header, ERR_LIMIT); a progressive JPEG of more than
 *     IMAGE_JPEG_SCANS_MAX scans is refused while decoding (ERR_LIMIT);
 *      PNG chunks are capped (the input's size and IMAGE_PNG_CHUNK_MAX bytes,
 *     128 ancillary);
 *   - a truncated or corrupt image is ERR_INVALID (a JPEG that ends early
 *     is refused, not padded with grey);
 *   - the EXIF orientation (1-8, JPEG APP1 or PNG eXIf) is applied to the
 *     pixels: the output is upright and needs no tag;
 *   - the output's long edge is at most max_edge, the aspect ratio kept
 *     (each edge rounded, at least 1); an image already within it keeps
 *     its size (never enlarged);
 *   - the output is encoded anew from the pixels (a JPEG as a baseline
 *     JPEG of quality IMAGE_JPEG_QUALITY with a JFIF header only; a PNG
 *     as an 8-bit RGB or RGBA PNG with the chunks IHDR, IDAT, IEND only):
 *     no EXIF, XMP, ICC profile, comment or text chunk of the input
 *     survives in it;
 *   - the GPS position of the EXIF (latitude, longitude with their N/S,
 *     E/W references, as degrees, minutes and seconds rationals) is
 *     returned in out->gps, checked to be a point on the Earth (|lat| <=
 *     90, |lon| <= 180, minutes and seconds < 60, no zero denominator);
 *     an absent or malformed position is gps.present = 0, never an error
 *     (the picture is still good).  It is personal data where a resident
 *     took the photo: the caller decides what to keep, never logs it.
 * Memory: about 4 bytes a decoded pixel (a JPEG is decoded at the
 * smallest 1/2, 1/4 or 1/8 scale still at least max_edge, so a 48 MP
 * photo for a 1600 px copy decodes 3 MP), the resized copy, and the
 * output.  Thread-safe (no global state); never logs.
 */
#ifndef MADOGUCHI_CORE_IMAGE_IMAGE_H
#define MADOGUCHI_CORE_IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define IMAGE_BYTES_MAX (20u << 20)       /* input bytes, default        */
#define IMAGE_EDGE_IN_MAX 20000           /* input edge, default         */
#define IMAGE_PIXELS_MAX 50000000ull      /* input pixels, default       */
#define IMAGE_EDGE_OUT_MAX 8192           /* the max_edge asked for      */
#define IMAGE_JPEG_SCANS_MAX 256          /* progressive JPEG scans      */
#define IMAGE_JPEG_MEM_MAX (256L << 20)   /* libjpeg's memory, bytes     */
#define IMAGE_PNG_CHUNK_MAX (8u << 20)    /* one PNG chunk's bytes       */
#define IMAGE_JPEG_QUALITY 85

enum image_format { IMAGE_NONE = 0, IMAGE_JPEG = 1, IMAGE_PNG = 2 };

/* The caller's limits; a zero member takes the default above. */
struct image_limits {
	size_t max_bytes;
	int max_edge;          /* each input edge                    */
	uint64_t max_pixels;   /* input width x height               */
};

/* An EXIF GPS position in millionths of a degree (south and west
 * negative). */
struct image_gps {
	int present;
	int64_t lat_e6, lon_e6;
};

struct image_out {
	unsigned char *data;   /* the encoded output (malloc: image_out_done) */
	size_t len;
	enum image_format format;   /* the input's format is kept            */
	const char *mime;           /* "image/jpeg" or "image/png"           */
	int width, height;          /* of the output, upright                */
	int src_width, src_height;  /* of the input as its header states     */
	int orientation;            /* the EXIF orientation applied, 1-8     */
	struct image_gps gps;
};

/* image_sniff -- IMAGE_JPEG or IMAGE_PNG by the first bytes, else
 * IMAGE_NONE. */
enum image_format image_sniff(const void *p, size_t n);

/* image_process -- check, decode, orient, resize to max_edge
 * (1..IMAGE_EDGE_OUT_MAX) and re-encode n bytes at p into *out (zeroed
 * first; on error it holds nothing to free).  lim may be NULL (the
 * defaults).  Errors: ERR_INVALID (not JPEG or PNG, corrupt, truncated,
 * a kind the library cannot read, max_edge out of range), ERR_LIMIT
 * (bytes, an edge, pixels, scans), ERR_NOMEM; e->detail says which, in
 * English, without the image's content. */
int image_process(struct image_out *out, const void *p, size_t n, int max_edge,
		  const struct image_limits *lim, struct err *e);

/* image_out_done -- free out's data and zero it; NULL or a zeroed out is
 * a no-op. */
void image_out_done(struct image_out *out);

#endif
