/* Black and white lists of numbers, read whole for the node's cache. */
#include <errno.h>

#include "store/db.h"
#include "store/lists.h"

struct list_ctx {
	store_list_entry_fn *fn;
	void *arg;
};

static int entry_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_list_entry_row r = { 0 };

	if (row->ncols != 7)
		return EPROTO;
	r.tenant_id = c[0].i;
	r.list_id = c[1].i;
	r.number_id = c[5].type == DB_NULL ? 0 : c[5].i;
	if (db_value_copy(&c[2], r.name, sizeof(r.name)) ||
	    db_value_copy(&c[3], r.mode, sizeof(r.mode)) ||
	    db_value_copy(&c[4], r.action, sizeof(r.action)) ||
	    (c[6].type != DB_NULL && db_value_copy(&c[6], r.pattern, sizeof(r.pattern))))
		return EOVERFLOW;
	return ctx->fn(&r, ctx->arg);
}

int store_lists_all(struct db *db, store_list_entry_fn *fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	return db_query(db,
			"SELECT l.tenant_id, l.id, l.name, l.mode, l.action, l.number_id, e.pattern "
			"FROM number_lists l LEFT JOIN number_list_entries e ON e.list_id = l.id "
			"ORDER BY l.id, e.pattern",
			NULL, 0, entry_row, &ctx);
}
