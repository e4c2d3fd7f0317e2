/*
 * Call detail records: searchable by time, number, direction and disposition,
 * newest first; exported as Asterisk Master.csv or JSON. Read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "store/cdr_csv.h"
#include "store/cdrs.h"
#include "store/db.h"

#define BIG INT64_MAX
#define EXPORT_MAX_ROWS 100000


static bool cdr_where(struct api_ctx *c, struct buf *where, struct db_value *p, size_t *np,
		      char *texts, size_t textlen)
{
	const char *num = json_string_value(json_object_get(c->query, "number"));

	if (!api_time_range(c, "start_at", where, p, np))
		return false;
	if (num) {
		if (strlen(num) + 1 > textlen) {
			api_fail(c, 400, "invalid_query", "number is too long");
			return false;
		}
		memcpy(texts, num, strlen(num) + 1);
		buf_puts(where, " AND (caller = ? OR callee = ?)");
		p[(*np)++] = DBV_TEXT(texts);
		p[(*np)++] = DBV_TEXT(texts);
	}
	return true;
}

static const char *const cdr_params[] = { "from", "to", "number", NULL };

static const struct api_field cdr_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "call_id", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 255 },
	{ .name = "uuid", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "caller", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 128 },
	{ .name = "caller_name", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 128 },
	{ .name = "callee", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 128 },
	{ .name = "direction", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 16 },
	{ .name = "start_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "answer_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "end_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "duration_s", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "billsec", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "disposition", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 16 },
	{ .name = "hangup_cause", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 64 },
	{ .name = "hangup_side", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 16 },
	{ .name = "codec", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 32 },
	{ .name = "trunk", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "mos_a", .type = FT_REAL, .flags = FF_RO },
	{ .name = "mos_b", .type = FT_REAL, .flags = FF_RO },
	{ .name = "loss_a", .type = FT_REAL, .flags = FF_RO },
	{ .name = "loss_b", .type = FT_REAL, .flags = FF_RO },
	{ .name = "jitter_a_ms", .type = FT_REAL, .flags = FF_RO },
	{ .name = "jitter_b_ms", .type = FT_REAL, .flags = FF_RO },
	{ .name = "rtp_stats", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 256 },
	{ .name = "recording", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 96 },
	{ .name = NULL },
};

const struct api_resource api_res_cdrs = {
	.name = "cdrs", .table = "cdrs", .object = "CDR", .tenant_col = "tenant_id",
	.fields = cdr_fields, .ops = ACT_LIST | ACT_GET, .sort_default = "-start_at",
	.list_where = cdr_where, .list_params = cdr_params, .changes = -1,
};

/* ---- export ---- */

struct export {
	struct buf out;
	bool json;
	size_t rows;
	char tenant[64];
};

static int export_row(const struct store_cdr_row *r, void *arg)
{
	struct export *e = arg;

	if (e->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:s}", "id",
				      (json_int_t)r->id, "uuid", r->uuid, "caller", r->caller,
				      "callee", r->callee, "direction", r->direction, "start_at",
				      (json_int_t)r->start_at, "end_at", (json_int_t)r->end_at,
				      "duration_s", (json_int_t)r->duration_s, "billsec",
				      (json_int_t)r->billsec, "disposition", r->disposition);
		char *s = json_dumps(o, JSON_COMPACT);
		buf_printf(&e->out, "%s%s", e->rows ? ",\n" : "", s);
		free(s);
		json_decref(o);
	} else {
		store_cdr_csv_line(r, e->tenant, &e->out);
	}
	return ++e->rows >= EXPORT_MAX_ROWS;
}

static int name_row(const struct db_row *row, void *arg)
{
	db_value_copy(&row->cols[0], arg, 64);
	return 1;
}

static void export_op(struct db *db, struct api_ctx *c)
{
	struct export *e = c->extra;
	struct buf where;
	struct db_value p[16];
	size_t np = 0;
	char num[128];

	buf_init(&where, 0);
	api_scope_where(c, "tenant_id", &where, p, &np);
	db_query(db, "SELECT name FROM tenants WHERE id = ?", (struct db_value[]){ DBV_INT(c->scope) },
		 1, name_row, e->tenant);
	if (cdr_where(c, &where, p, &np, num, sizeof(num))) {
		buf_puts(&where, " ORDER BY start_at, id");
		if (e->json)
			buf_puts(&e->out, "[");
		store_cdr_select(db, where.data, p, np, export_row, e);
		if (e->json)
			buf_puts(&e->out, "]\n");
		c->status = 200;
		/* a bulk read of call records is a sensitive read: audited */
		json_t *what = json_pack("{s:I,s:s}", "rows", (json_int_t)e->rows, "format",
					 e->json ? "json" : "csv");
		json_object_update(what, c->query);
		api_audit(db, c, c->scope, "export", "cdrs", "", NULL, what);
		json_decref(what);
	}
	buf_free(&where);
}

static void export_free(void *arg)
{
	struct export *e = arg;
	buf_free(&e->out);
	free(e);
}

static void export_live(struct api_ctx *c)
{
	struct export *e = c->extra;

	http_reply_header(c->r, "Content-Disposition",
			  e->json ? "attachment; filename=cdrs.json" : "attachment; filename=Master.csv");
	http_reply(c->r, 200, e->json ? "application/json" : "text/csv; charset=utf-8",
		   e->out.data ? e->out.data : "", e->out.len);
	c->status = 0;
	api_ctx_done(c);
}

void api_cdrs_export(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *fmt;
	struct export *e;

	if (!c)
		return;
	fmt = json_string_value(json_object_get(c->query, "format"));
	e = calloc(1, sizeof(*e));
	buf_init(&e->out, 64u << 20);
	e->json = fmt && !strcmp(fmt, "json");
	c->extra = e;
	c->extra_free = export_free;
	c->res = &api_res_cdrs;
	c->act = ACT_LIST;
	c->db_fn = export_op;
	c->live_fn = export_live;
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "csv")) {
		api_fail(c, 400, "invalid_query", "format is csv or json");
		api_reply(c);
		return;
	}
	api_run(c);
}
