/*
 * Speech usage of a tenant per day or month (UTC): sums of the usage_records ledger the job
 * queue writes, by operation and backend. ?from= and ?to= (Unix ms) narrow the records.
 */
#include <stdio.h>
#include <string.h>

#include "api/resource.h"
#include "store/db.h"

#define USAGE_MAX_ROWS 5000 /* periods x tenants x ops: a generous cap on one answer */

static int usage_row(const struct db_row *row, void *arg)
{
	json_t *items = arg;
	const struct db_value *v = row->cols;

	json_array_append_new(
		items,
		json_pack("{s:s%,s:I,s:s%,s:s%,s:I,s:f,s:f,s:I,s:I,s:I,s:I}", "period", v[0].s ? v[0].s : "",
			  v[0].len, "tenant_id", (json_int_t)v[1].i, "op", v[2].s ? v[2].s : "", v[2].len,
			  "backend", v[3].s ? v[3].s : "", v[3].len, "jobs", (json_int_t)v[4].i,
			  "recognized_seconds", (double)v[5].i / 1000.0, "synthesized_seconds",
			  (double)v[6].i / 1000.0, "synthesized_chars", (json_int_t)v[7].i,
			  "summaries", (json_int_t)v[8].i, "llm_prompt_tokens", (json_int_t)v[9].i,
			  "llm_completion_tokens", (json_int_t)v[10].i));
	return 0;
}

static void usage_op(struct db *db, struct api_ctx *c)
{
	const char *period = json_string_value(json_object_get(c->query, "period"));
	const char *fmt;
	struct db_value p[4];
	size_t np = 0;
	struct buf sql;
	json_t *items;

	period = period ? period : "day";
	fmt = !strcmp(period, "day") ? "%Y-%m-%d" : !strcmp(period, "month") ? "%Y-%m" : NULL;
	if (!fmt) {
		api_fail(c, 400, "invalid_query", "period is day or month");
		return;
	}
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT strftime('%s', at / 1000, 'unixepoch') AS period, tenant_id, op, "
			 "backend, COUNT(*), SUM(recognized_ms), SUM(synthesized_ms), "
			 "SUM(synthesized_chars), SUM(summaries), SUM(llm_prompt_tokens), "
			 "SUM(llm_completion_tokens) FROM usage_records WHERE ", fmt);
	api_scope_where(c, "tenant_id", &sql, p, &np);
	if (!api_time_range(c, "at", &sql, p, &np)) {
		buf_free(&sql);
		return;
	}
	buf_printf(&sql, " GROUP BY period, tenant_id, op, backend "
			 "ORDER BY period, tenant_id, op, backend LIMIT %d", USAGE_MAX_ROWS);
	items = json_array();
	if (db_query(db, sql.data, p, np, usage_row, items)) {
		json_decref(items);
		api_fail(c, 500, "internal", "cannot sum the usage: %s", db_errmsg(db));
	} else {
		c->result = json_pack("{s:s,s:o}", "period", period, "items", items);
		c->status = 200;
	}
	buf_free(&sql);
}

void api_usage_route(struct http_req *r, void *arg)
{
	static const char *const known[] = { "period", "from", "to", "tenant_id", NULL };
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *k;
	json_t *v;

	if (!c)
		return;
	c->perm = "usage";
	c->act = ACT_LIST;
	c->db_fn = usage_op;
	json_object_foreach(c->query, k, v) {
		bool ok = false;
		for (const char *const *q = known; *q; q++)
			ok |= !strcmp(*q, k);
		if (!ok) {
			api_fail(c, 400, "invalid_query", "unknown parameter '%s'", k);
			api_reply(c);
			return;
		}
	}
	api_run(c);
}
