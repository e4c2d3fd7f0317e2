/* The tenants table: ensure, find, list and delete. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/tenants.h"

#define TENANT_COLS "id, name, domain, created_at"

static int tenant_from_row(const struct db_row *row, struct store_tenant_row *t)
{
	if (row->ncols != 4)
		return EPROTO;
	t->id = row->cols[0].i;
	t->created_at = row->cols[3].i;
	if (db_value_copy(&row->cols[1], t->name, sizeof(t->name)) ||
	    db_value_copy(&row->cols[2], t->domain, sizeof(t->domain)))
		return EOVERFLOW;
	return 0;
}

/* Row callback for single-row lookups: fills *arg and stops with -1 ("found"). */
static int tenant_one(const struct db_row *row, void *arg)
{
	int rc = tenant_from_row(row, arg);

	return rc ? rc : -1;
}

static int tenant_find_by(struct db *db, const char *sql, struct db_value key,
			  struct store_tenant_row *out)
{
	int rc = db_query(db, sql, &key, 1, tenant_one, out);

	if (rc == -1)
		return 0;
	return rc ? rc : ENOENT;
}

int store_tenant_find(struct db *db, const char *domain, struct store_tenant_row *out)
{
	return tenant_find_by(db, "SELECT " TENANT_COLS " FROM tenants WHERE domain = ?",
			      DBV_TEXT(domain), out);
}

int store_tenant_find_id(struct db *db, int64_t id, struct store_tenant_row *out)
{
	return tenant_find_by(db, "SELECT " TENANT_COLS " FROM tenants WHERE id = ?", DBV_INT(id),
			      out);
}

int store_tenant_ensure(struct db *db, const char *name, const char *domain, int64_t *id)
{
	struct store_tenant_row t;
	struct db_value p[3] = { DBV_TEXT(name), DBV_TEXT(domain), DBV_INT((int64_t)time(NULL)) };
	int rc;

	if (!*name || !*domain)
		return EINVAL;
	if (strlen(name) >= sizeof(t.name) || strlen(domain) >= sizeof(t.domain))
		return EOVERFLOW;
	rc = tenant_find_by(db, "SELECT " TENANT_COLS " FROM tenants WHERE name = ?", p[0], &t);
	if (rc == 0) {
		if (strcmp(t.domain, domain) != 0)
			return EEXIST;
		*id = t.id;
		return 0;
	}
	if (rc != ENOENT)
		return rc;
	rc = db_exec(db, "INSERT INTO tenants (name, domain, created_at) VALUES (?, ?, ?)", p, 3);
	if (!rc)
		*id = db_last_insert_id(db);
	return rc;
}

struct tenant_list_ctx {
	store_tenant_fn *fn;
	void *arg;
};

static int tenant_each(const struct db_row *row, void *arg)
{
	struct tenant_list_ctx *ctx = arg;
	struct store_tenant_row t;
	int rc = tenant_from_row(row, &t);

	return rc ? rc : ctx->fn(&t, ctx->arg);
}

int store_tenant_list(struct db *db, store_tenant_fn *fn, void *arg)
{
	struct tenant_list_ctx ctx = { fn, arg };

	return db_query(db, "SELECT " TENANT_COLS " FROM tenants ORDER BY id", NULL, 0,
			tenant_each, &ctx);
}

int store_tenant_del(struct db *db, int64_t id)
{
	struct db_value p[] = { DBV_INT(id) };
	int rc = db_exec(db, "DELETE FROM tenants WHERE id = ?", p, 1);

	if (!rc && db_changes(db) == 0)
		rc = ENOENT;
	return rc;
}
