/* CDRs in Asterisk's Master.csv format (cdr_csv column order, UTC times). */
#ifndef STORE_CDR_CSV_H
#define STORE_CDR_CSV_H

#include "core/buf.h"
#include "store/cdrs.h"

/* Appends one CSV line for r; tenant is the accountcode column. */
void store_cdr_csv_line(const struct store_cdr_row *r, const char *tenant, struct buf *out);

#endif
