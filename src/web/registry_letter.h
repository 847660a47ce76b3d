/*
 * registry_letter.h -- the letter that carries a registry link code to the
 * registered address (issue 14): an A4 PDF whose address block sits in
 * the window of a 長形3号 envelope (the sheet folded in three), then the
 * ward, the code, how to use it, its expiry in JST with 和暦, and the
 * warning that the ward never asks for the code.
 *
 * The code exists in plain text only while the issuing request runs
 * (only its hash is stored, src/core/registry/linkcode.c): the PDF is
 * made for that request and sent as its answer; nothing keeps it.
 */
#ifndef MADOGUCHI_WEB_REGISTRY_LETTER_H
#define MADOGUCHI_WEB_REGISTRY_LETTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* What the letter says; every string UTF-8, none NULL (building may be
 * ""), all copied into the caller's storage (the job of a deferred
 * request).  Lengths are bounded by the registry's limits. */
struct registry_letter {
	char postal[16];          /* 139-9981                          */
	char address[640];        /* 東京都デモ区日之出町1丁目2番3号    */
	char building[210];
	char name[210];           /* 日之出 太郎                       */
	char ward_ja[201], ward_en[201];
	char base[600];           /* the public URL (app_mail_link_base) */
	char code[16];            /* ABCD-EFGH-JKLM                    */
	int64_t expires_at;       /* seconds, UTC                      */
	int64_t issued_at;
};

/* registry_letter_pdf -- the letter as PDF bytes (*pdf malloc'd, the
 * caller frees and wipes).  Slow (fonts, layout): run it off the event
 * loop.  ERR_* from src/pdf. */
int registry_letter_pdf(char **pdf, size_t *len, const struct registry_letter *l, struct err *e);

#endif
