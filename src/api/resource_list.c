/* Lists of table-backed resources: tenant scope, ?field= filters, ?sort=, limit/offset pages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"

#define LIST_MAX_LIMIT 500
#define LIST_MAX_OFFSET 1000000
#define LIST_TEXTS 2048

struct list_q {
	struct api_ctx *c;
	struct buf where;
	struct db_value p[DB_MAX_PARAMS];
	size_t np;
	char texts[LIST_TEXTS]; /* copies of filter values the params point into */
	size_t tlen;
	long limit, offset;
	const struct api_field *sort;
	bool desc, bad;
};

static const struct api_field *field_named(const struct api_resource *res, const char *name)
{
	for (const struct api_field *f = res->fields; f->name; f++)
		if (!strcmp(f->name, name) && !(f->flags & (FF_SECRET | FF_INTERNAL | FF_WRITEONLY)))
			return f;
	return NULL;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool sort_param(struct list_q *q, const char *v)
{
	bool desc = v && *v == '-';
	const struct api_field *f = v ? field_named(q->c->res, v + desc) : NULL;

	if (!f || !(f->flags & FF_SORT)) {
		api_fail(q->c, 400, "invalid_query", "cannot sort %s by '%.64s'", q->c->res->name,
			 v ? v : "");
		return false;
	}
	q->sort = f;
	q->desc = desc;
	return true;
}

static bool filter_param(struct list_q *q, const struct api_field *f, const char *v)
{
	long n;
	size_t len = strlen(v);

	if (q->np + 1 >= DB_MAX_PARAMS - 4)
		return false;
	if (f->type == FT_TEXT) {
		if (q->tlen + len + 1 > sizeof(q->texts))
			return false;
		memcpy(q->texts + q->tlen, v, len + 1);
		q->p[q->np++] = DBV_TEXT(q->texts + q->tlen);
		q->tlen += len + 1;
	} else if (f->type == FT_BOOL && (!strcmp(v, "true") || !strcmp(v, "false"))) {
		q->p[q->np++] = DBV_INT(!strcmp(v, "true"));
	} else if (f->type == FT_INT && parse_long(v, INT32_MIN, INT64_MAX >> 1, &n)) {
		q->p[q->np++] = DBV_INT(n);
	} else {
		return false;
	}
	buf_printf(&q->where, " AND %s = ?", f->name);
	return true;
}

static bool own_param(const struct api_resource *res, const char *key)
{
	for (const char *const *p = res->list_params; p && *p; p++)
		if (!strcmp(*p, key))
			return true;
	return false;
}

static void query_one(struct list_q *q, const char *key, const char *value)
{
	const struct api_field *f;

	if (q->bad)
		return;
	if (!strcmp(key, "limit"))
		q->bad = !parse_long(value, 1, LIST_MAX_LIMIT, &q->limit);
	else if (!strcmp(key, "offset"))
		q->bad = !parse_long(value, 0, LIST_MAX_OFFSET, &q->offset);
	else if (!strcmp(key, "sort"))
		q->bad = !sort_param(q, value);
	else if (!strcmp(key, "tenant_id"))
		return; /* the scope, decided in api.c */
	else if ((f = field_named(q->c->res, key)) && (f->flags & FF_FILTER))
		q->bad = !value || !filter_param(q, f, value);
	else if (own_param(q->c->res, key))
		return; /* the resource's list_where reads it */
	else
		q->bad = true;
	if (q->bad && q->c->status < 400)
		api_fail(q->c, 400, "invalid_query", "bad query parameter '%.64s' (limit is 1-%d)",
			 key, LIST_MAX_LIMIT);
}

static void run_query(struct db *db, struct list_q *q)
{
	struct api_ctx *c = q->c;
	struct buf sql;
	bool more;

	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT ");
	for (const struct api_field *f = c->res->fields, *first = f; f->name; f++)
		if (!(f->flags & (FF_SECRET | FF_INTERNAL | FF_WRITEONLY)))
			buf_printf(&sql, "%s%s", f == first ? "" : ", ", f->name);
	buf_printf(&sql, " FROM %s WHERE %s ORDER BY %s %s, id %s LIMIT ? OFFSET ?", c->res->table,
		   q->where.data, q->sort->name, q->desc ? "DESC" : "ASC", q->desc ? "DESC" : "ASC");
	q->p[q->np++] = DBV_INT(q->limit + 1);
	q->p[q->np++] = DBV_INT(q->offset);
	buf_init(&c->text, 0);
	buf_puts(&c->text, "{\"items\":[");
	api_res_rows_text(db, c->res, sql.data, q->p, q->np, (size_t)q->limit, &c->text, &more);
	buf_free(&sql);
	buf_printf(&c->text, "],\"limit\":%ld,\"offset\":%ld,\"has_more\":%s}", q->limit,
		   q->offset, more ? "true" : "false");
	c->status = 200;
}

/* "col = ?" for a tenant, so the planner can use the tenant's index; "1" for the operator. */
void api_scope_where(const struct api_ctx *c, const char *col, struct buf *where,
		     struct db_value *p, size_t *np)
{
	if (!c->scope) {
		buf_puts(where, "1");
		return;
	}
	buf_printf(where, "%s = ?", col);
	p[(*np)++] = DBV_INT(c->scope);
}

void api_res_list_run(struct db *db, struct api_ctx *c)
{
	struct list_q q = { .c = c, .limit = 50 };
	const char *def = c->res->sort_default ? c->res->sort_default : "id";

	buf_init(&q.where, 0);
	api_scope_where(c, c->res->tenant_col, &q.where, q.p, &q.np);
	q.desc = *def == '-';
	q.sort = field_named(c->res, def + q.desc);
	const char *key;
	json_t *v;
	json_object_foreach(c->query, key, v) query_one(&q, key, json_string_value(v));
	if (!q.bad && c->res->list_where &&
	    !c->res->list_where(c, &q.where, q.p, &q.np, q.texts + q.tlen, sizeof(q.texts) - q.tlen))
		q.bad = true;
	if (!q.bad)
		run_query(db, &q);
	buf_free(&q.where);
}
