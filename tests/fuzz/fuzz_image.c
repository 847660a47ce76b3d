/*
 * fuzz_image.c -- libFuzzer target for core/image's decoder entry point,
 * image_process (JPEG and PNG decoding, the EXIF reader, resizing,
 * orientation, encoding).  The first byte picks the long edge asked for
 * (1..256); limits are kept small (1 MB, 2,048 px an edge, 1 M pixels) so
 * that runs stay fast.  Invariants: an accepted input gives a non-empty
 * output of the input's format, of at most the edge asked for, which
 * decodes again to the size it states, and holds no "Exif"; a refused
 * one leaves nothing to free; a GPS position is on the Earth.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int edge = 1 + data[0];
	struct image_limits lim = { .max_bytes = 1u << 20, .max_edge = 2048, .max_pixels = 1u << 20 };
	struct image_out o;
	struct err e;
	int rc = image_process(&o, data + 1, size - 1, edge, &lim, &e);
	if (rc) {
		assert(rc < 0);
		assert(o.data == NULL && o.len == 0);
		return 0;
	}
	assert(o.data && o.len > 0);
	assert(o.format == image_sniff(data + 1, size - 1));
	assert(image_sniff(o.data, o.len) == o.format);
	assert(o.width >= 1 && o.height >= 1 && o.width <= edge && o.height <= edge);
	assert(o.orientation >= 1 && o.orientation <= 8);
	/* no EXIF block: its header is "Exif" and two zero bytes (the four
	 * letters alone occur in compressed data by chance) */
	assert(!memmem(o.data, o.len, "Exif\0\0", 6));
	if (o.gps.present)
		assert(o.gps.lat_e6 >= -90000000 && o.gps.lat_e6 <= 90000000 && o.gps.lon_e6 >= -180000000 &&
		       o.gps.lon_e6 <= 180000000);
	/* the output decodes again, to the size it says */
	struct image_out again;
	rc = image_process(&again, o.data, o.len, 256, NULL, &e);
	assert(rc == 0);
	assert(again.width == o.width && again.height == o.height);
	image_out_done(&again);
	image_out_done(&o);
	return 0;
}
