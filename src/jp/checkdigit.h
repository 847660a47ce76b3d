/*
 * checkdigit.h -- check digits of Japanese public identifiers:
 *   全国地方公共団体コード (local government code, 5 digits + check),
 *   個人番号 (My Number, 11 digits + check),
 *   法人番号 (corporate number, check + 12 digits),
 *   GS1 modulus 10 (JAN codes, the コンビニ payment-slip barcode),
 *   Luhn (the numbers madoguchi gives).
 *
 * Inputs are exactly the ASCII digits, no spaces or hyphens (normalise
 * first with jp_text_zen_to_han_ascii and strip separators); at most
 * JP_CHECKDIGIT_INPUT_MAX bytes are examined (ERR_LIMIT beyond).
 *
 * My Number is personal data of the strictest kind: no function here puts
 * it (or any digit of it) into an error detail, and jp_mynumber_mask is
 * the only form in which it may be shown or logged.
 */
#ifndef MADOGUCHI_JP_CHECKDIGIT_H
#define MADOGUCHI_JP_CHECKDIGIT_H

#include <stddef.h>

#include "base/err.h"

#define JP_CHECKDIGIT_INPUT_MAX 64
/* Buffer size for jp_mynumber_mask: 12 characters and the NUL. */
#define JP_MYNUMBER_MASK_SIZE 13

/*
 * jp_lgcode_check_digit -- check digit of a 5-digit 団体コード: digits
 * weighted 6,5,4,3,2; check = (11 - sum mod 11) mod 10.
 */
int jp_lgcode_check_digit(int *out, const char *code5, struct err *e);

/*
 * jp_lgcode_validate -- 0 if code6 is 6 digits whose first two name a
 * prefecture (01..47) and whose last is the right check digit, else
 * ERR_INVALID.
 */
int jp_lgcode_validate(const char *code6, struct err *e);

/*
 * jp_mynumber_check_digit -- check digit for the first 11 digits of a
 * 個人番号: with P_n the n-th digit from the right (n = 1..11) and
 * Q_n = n + 1 for n <= 6, n - 5 for n >= 7, r = sum(P_n Q_n) mod 11,
 * check = 0 if r <= 1 else 11 - r (行政手続における特定の個人を識別するための
 * 番号の利用等に関する法律施行令 8条).
 */
int jp_mynumber_check_digit(int *out, const char *first11, struct err *e);

/* jp_mynumber_validate -- 0 if s is 12 digits with the right check digit. */
int jp_mynumber_validate(const char *s, struct err *e);

/*
 * jp_mynumber_mask -- "********1234": eight asterisks and the last four
 * digits, into buf (JP_MYNUMBER_MASK_SIZE bytes).  If s is not 12 ASCII
 * digits, writes "************" (nothing of the input) and returns
 * ERR_INVALID.  The check digit is not verified (a mistyped number is
 * masked as well).  ERR_LIMIT if size is too small.
 */
int jp_mynumber_mask(char *buf, size_t size, const char *s, struct err *e);

/*
 * jp_corpnum_check_digit -- check digit of a 法人番号 from its last 12
 * digits: with P_n the n-th digit from the right and Q_n = 1 for odd n,
 * 2 for even n, check = 9 - (sum(P_n Q_n) mod 9).
 */
int jp_corpnum_check_digit(int *out, const char *base12, struct err *e);

/* jp_corpnum_validate -- 0 if s is 13 digits whose FIRST digit is the
 * right check digit of the other twelve. */
int jp_corpnum_validate(const char *s, struct err *e);

/*
 * jp_gs1_check_digit -- the GS1 modulus-10 check digit of n digits (1 ..
 * JP_CHECKDIGIT_INPUT_MAX - 1): weights 3, 1, 3, 1, ... from the rightmost
 * digit; check = (10 - sum mod 10) mod 10.  JAN/GTIN codes and the 44
 * digits of the コンビニ payment-slip barcode (GS1-128, AI 91) end with it.
 */
int jp_gs1_check_digit(int *out, const char *digits, size_t n, struct err *e);

/*
 * jp_luhn_digit -- the Luhn (ISO/IEC 7812-1 Annex B) check digit of the
 * n ASCII digits at d (the caller has checked they are digits): every
 * second digit from the rightmost doubled, 9 taken from a product over
 * 9; check = (10 - sum mod 10) mod 10.  The numbers madoguchi gives
 * (bulky-waste bookings, payments) end with it, so a mistyped digit is
 * caught.
 */
int jp_luhn_digit(const char *d, size_t n);

#endif
