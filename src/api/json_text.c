/*
 * Rows rendered straight to JSON text on the store thread: a page of CDRs is
 * a few hundred values, and building a jansson tree for it (allocated on one
 * thread, freed on another) cost more than the query. Strings are escaped and
 * invalid UTF-8 (a caller name from a phone) becomes U+FFFD.
 */
#include <stdio.h>
#include <string.h>

#include "api/resource.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t left)
{
	size_t n = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
			: (p[0] & 0xf8) == 0xf0 ? 4 : 0;

	if (!n || n > left || (n == 2 && p[0] < 0xc2) || (n == 4 && p[0] > 0xf4))
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) || (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

void api_utf8_clean(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		size_t n = p[i] ? utf8_seq(p + i, len - i) : 0;
		buf_append(b, n ? (const char *)p + i : "\xef\xbf\xbd", n ? n : 3);
		i += n ? n : 1;
	}
}

void api_json_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_puts(b, "\"");
	for (size_t i = 0; i < len;) {
		size_t run = 0;
		while (i + run < len && p[i + run] >= 0x20 && p[i + run] < 0x80 && p[i + run] != '"' &&
		       p[i + run] != '\\')
			run++;
		if (run) {
			buf_append(b, p + i, run);
			i += run;
			continue;
		}
		size_t n = utf8_seq(p + i, len - i);
		if (!n) {
			buf_puts(b, "\xef\xbf\xbd");
			i++;
		} else if (p[i] == '"' || p[i] == '\\') {
			buf_printf(b, "\\%c", p[i++]);
		} else if (p[i] < 0x20) {
			buf_printf(b, "\\u%04x", p[i++]);
		} else {
			buf_append(b, p + i, n);
			i += n;
		}
	}
	buf_puts(b, "\"");
}

/* Integers and keys without printf: the page renderer's hot path. */
static void put_int(struct buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void put_key(struct buf *b, const char *name, bool first)
{
	size_t n = strlen(name);

	buf_reserve(b, n + 4);
	if (!first)
		b->data[b->len++] = ',';
	b->data[b->len++] = '"';
	memcpy(b->data + b->len, name, n);
	b->len += n;
	b->data[b->len++] = '"';
	b->data[b->len++] = ':';
	b->data[b->len] = '\0';
}

struct text_rows {
	const struct api_resource *res;
	struct buf *out;
	size_t rows, last_start; /* where the newest row began (to drop the look-ahead row) */
};

static int row_text(const struct db_row *row, void *arg)
{
	struct text_rows *t = arg;
	size_t i = 0;
	bool first = true;

	t->last_start = t->out->len;
	buf_puts(t->out, t->rows++ ? ",{" : "{");
	for (const struct api_field *f = t->res->fields; f->name && i < row->ncols; f++) {
		const struct db_value *v;
		if (f->flags & (FF_SECRET | FF_INTERNAL | FF_WRITEONLY))
			continue;
		v = &row->cols[i++];
		put_key(t->out, f->name, first);
		first = false;
		if (v->type == DB_NULL)
			buf_puts(t->out, "null");
		else if (f->type == FT_BOOL)
			buf_puts(t->out, v->i ? "true" : "false");
		else if (f->type == FT_INT || (f->type == FT_REAL && v->type == DB_INT))
			put_int(t->out, v->i);
		else if (f->type == FT_REAL)
			buf_append(t->out, v->s, v->len); /* SQLite's decimal text is a JSON number */
		else
			api_json_escape(t->out, v->s ? v->s : "", v->len);
	}
	buf_puts(t->out, "}");
	return 0;
}

int api_res_rows_text(struct db *db, const struct api_resource *res, const char *sql,
		      const struct db_value *p, size_t np, size_t keep, struct buf *out,
		      bool *more)
{
	struct text_rows t = { .res = res, .out = out };
	int rc = db_query(db, sql, p, np, row_text, &t);

	*more = t.rows > keep;
	if (*more)
		out->len = t.last_start; /* the look-ahead row only said there is more */
	if (out->data)
		out->data[out->len] = '\0';
	return rc;
}
