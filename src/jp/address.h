/*
 * address.h -- 郵便番号, telephone numbers and the numbers in a Japanese
 * street address (丁目・番地・号).
 *
 * Postal codes and phone numbers are short: their input is at most
 * JP_CONTACT_INPUT_MAX bytes (ERR_LIMIT beyond), their output goes into a
 * caller buffer (JP_POSTAL_SIZE / JP_PHONE_SIZE bytes always suffice).
 * jp_address_normalize takes at most JP_ADDRESS_MAX bytes and returns a
 * malloc'd string (free()).  Input must be UTF-8 (ERR_INVALID otherwise).
 * Error details never repeat the input (it is personal data).
 */
#ifndef MADOGUCHI_JP_ADDRESS_H
#define MADOGUCHI_JP_ADDRESS_H

#include <stddef.h>

#include "base/err.h"

#define JP_CONTACT_INPUT_MAX 64
#define JP_POSTAL_SIZE 9          /* "166-8570" and NUL */
#define JP_PHONE_SIZE 16          /* "090-1234-5678" and NUL, with room */
#define JP_ADDRESS_MAX 1024

/*
 * jp_postal_normalize -- "166-8570" from 「〒１６６－８５７０」, "166-8570",
 * "1668570", "〒 166 8570": ASCII or full-width digits, an optional leading
 * 〒, spaces around, and at most one separator (a dash look-alike or a
 * space) which must come after the third digit.  Exactly 7 digits:
 * 6 or 8 are ERR_INVALID.  (Whether the code exists is not checked: that
 * needs Japan Post's KEN_ALL data.)
 */
int jp_postal_normalize(char *buf, size_t size, const char *in,
			struct err *e);

enum jp_phone_kind {
	JP_PHONE_LANDLINE = 1,    /* 0AB-CDE-FGHJ, 10 digits              */
	JP_PHONE_MOBILE,          /* 070 / 080 / 090, 11 digits            */
	JP_PHONE_IP,              /* 050, 11 digits                        */
	JP_PHONE_FREEDIAL,        /* 0120 (10 digits), 0800 (11 digits)    */
	JP_PHONE_NAVIDIAL,        /* 0570, 10 digits                       */
};

/*
 * jp_phone_normalize -- canonical form of a Japanese phone number.
 * Accepts ASCII or full-width digits, the dash look-alikes (- － ‐ ― ー
 * − ...), spaces, one pair of parentheses ("03(1234)5678",
 * "(03)1234-5678") and an international +81 prefix (with an optional
 * "(0)"), which becomes the leading 0.  Valid numbers:
 *   mobile 070/080/090 and IP 050: 11 digits;
 *   free dial 0120: 10 digits, 0800: 11 digits; navi dial 0570: 10;
 *   other numbers starting 0 followed by 1-9: landline, 10 digits.
 * (00 international prefix, 020 M2M/pager and any other length are
 * ERR_INVALID.)
 * Output: the digits grouped with "-".  The input's grouping is kept when
 * it has three groups that are valid for the kind (landline: area code
 * 2-5 digits with its 0, exchange 1-4, subscriber 4, area + exchange = 6;
 * mobile and IP 3-4-4; 0120 and 0570 4-3-3; 0800 4-3-4).  Otherwise the
 * standard grouping is used where it does not depend on the area code
 * (mobile, IP, free and navi dial, and 03/06 landlines: 2-4-4), and plain
 * digits for other landlines (their split needs the MIC area code table).
 * *kind (if not NULL) gets the kind.
 */
int jp_phone_normalize(char *buf, size_t size, enum jp_phone_kind *kind,
		       const char *in, struct err *e);

/*
 * jp_address_normalize -- normalise the numbers of an address line:
 *   - full-width digits to ASCII (「１丁目」 to 「1丁目」);
 *   - kanji numerals right before 丁目, 番地, 号, or 番 (when 番 is not
 *     part of a place name such as 一番町, i.e. is followed by the end, a
 *     digit, 号, の, a space or a dash) to Arabic: 「三丁目」 to 「3丁目」,
 *     「十二番地」 to 「12番地」, 「二十三号」 to 「23号」;
 *   - a dash look-alike between two digits (- － ‐ ― ー − ...) to "-":
 *     「１－２－３」 and 「1ー2ー3」 to 「1-2-3」.
 * Everything else (place names, 外字, IVS) is kept byte for byte.
 */
int jp_address_normalize(char **out, const char *in, size_t len,
			 struct err *e);

#endif
