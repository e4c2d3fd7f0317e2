/* The audit log as a read-only resource, newest first, with a time range. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"

#define BIG INT64_MAX

static bool ms_param(struct api_ctx *c, const char *key, int64_t *out)
{
	const char *v = json_string_value(json_object_get(c->query, key));
	char *end;

	*out = -1;
	if (!v)
		return true;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || *end || !*v || *out < 0) {
		api_fail(c, 400, "invalid_query", "%s must be Unix milliseconds", key);
		return false;
	}
	return true;
}

/* ?from= and ?to= (Unix ms) on the column col: shared with CDRs. */
bool api_time_range(struct api_ctx *c, const char *col, struct buf *where, struct db_value *p,
		    size_t *np)
{
	int64_t from, to;

	if (!ms_param(c, "from", &from) || !ms_param(c, "to", &to))
		return false;
	if (from >= 0) {
		buf_printf(where, " AND %s >= ?", col);
		p[(*np)++] = DBV_INT(from);
	}
	if (to >= 0) {
		buf_printf(where, " AND %s < ?", col);
		p[(*np)++] = DBV_INT(to);
	}
	return true;
}

static bool audit_where(struct api_ctx *c, struct buf *where, struct db_value *p, size_t *np,
			char *texts, size_t textlen)
{
	return api_time_range(c, "at", where, p, np);
}

static const char *const audit_params[] = { "from", "to", NULL };

static const struct api_field audit_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "user_id", .type = FT_INT, .flags = FF_RO | FF_FILTER, .min = 0, .max = BIG },
	{ .name = "actor", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "ip", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "user_agent", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 256 },
	{ .name = "action", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "object_type", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "object_id", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 64 },
	{ .name = "before", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "after", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "hash", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 64 },
	{ .name = NULL },
};

const struct api_resource api_res_audit = {
	.name = "audit", .table = "audit_log", .object = "audit entry", .tenant_col = "tenant_id",
	.fields = audit_fields, .ops = ACT_LIST | ACT_GET, .sort_default = "-id",
	.list_where = audit_where, .list_params = audit_params, .changes = -1,
};
