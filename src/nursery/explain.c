/*
 * explain.c -- placeholder.
 */
#include "nursery/nursery_int.h"

int nursery_explain_write_csv(const struct nursery_instance *in,
			      const int *assign, FILE *f, struct err *e)
{
	(void)in; (void)assign; (void)f;
	return err_set(e, ERR_UNAVAILABLE, "not yet");
}

int nursery_explain_write_cutoffs(const struct nursery_instance *in,
				  const int *assign, FILE *f, struct err *e)
{
	(void)in; (void)assign; (void)f;
	return err_set(e, ERR_UNAVAILABLE, "not yet");
}

int nursery_explain_write_letter_text(const struct nursery_instance *in,
				      const int *assign, int fam, FILE *f,
				      struct err *e)
{
	(void)in; (void)assign; (void)f; (void)fam;
	return err_set(e, ERR_UNAVAILABLE, "not yet");
}
