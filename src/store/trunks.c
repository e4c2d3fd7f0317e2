/* The trunks, numbers and routes tables: add, delete and list in id order. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/trunks.h"

#define TERMINATED(r, f) (memchr((r)->f, '\0', sizeof((r)->f)) != NULL)

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static struct db_value opt_id(int64_t id)
{
	return id ? DBV_INT(id) : DBV_NULL;
}

/* EEXIST from a UNIQUE violation; a FOREIGN KEY failure (unknown tenant/trunk) as ENOENT. */
static int insert(struct db *db, const char *sql, const struct db_value *p, size_t n, int64_t *id)
{
	int rc = db_exec(db, sql, p, n);

	if (rc == EIO && strstr(db_errmsg(db), "FOREIGN KEY"))
		return ENOENT;
	if (!rc)
		*id = db_last_insert_id(db);
	return rc;
}

static int deleted(struct db *db, int rc)
{
	return rc ? rc : db_changes(db) ? 0 : ENOENT;
}

int store_trunk_add(struct db *db, struct store_trunk_row *r)
{
	if (!TERMINATED(r, name) || !TERMINATED(r, host) || !TERMINATED(r, transport) ||
	    !TERMINATED(r, domain) || !TERMINATED(r, username) || !TERMINATED(r, password) ||
	    !TERMINATED(r, caller_id))
		return EOVERFLOW;
	if (!r->name[0] || !r->host[0])
		return EINVAL;
	r->created_at = now_s();
	struct db_value p[] = {
		DBV_INT(r->tenant_id),	DBV_TEXT(r->name),	   DBV_TEXT(r->host),
		DBV_TEXT(r->transport), DBV_TEXT(r->domain),	   DBV_TEXT(r->username),
		DBV_TEXT(r->password),	DBV_INT(r->do_register), DBV_INT(r->expires),
		DBV_TEXT(r->caller_id), DBV_INT(r->created_at),
	};
	return insert(db,
		      "INSERT INTO trunks (tenant_id, name, host, transport, domain, username, "
		      "password, register, expires, caller_id, created_at) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      p, sizeof(p) / sizeof(p[0]), &r->id);
}

int store_trunk_del(struct db *db, int64_t tenant_id, const char *name)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name) };
	return deleted(db, db_exec(db, "DELETE FROM trunks WHERE tenant_id = ? AND name = ?", p, 2));
}

struct list_ctx {
	void *fn, *arg;
};

static int trunk_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_trunk_row r = { 0 };

	if (row->ncols != 12)
		return EPROTO;
	r.id = c[0].i;
	r.tenant_id = c[1].i;
	r.do_register = c[8].i != 0;
	r.expires = (int)c[9].i;
	r.created_at = c[11].i;
	if (db_value_copy(&c[2], r.name, sizeof(r.name)) ||
	    db_value_copy(&c[3], r.host, sizeof(r.host)) ||
	    db_value_copy(&c[4], r.transport, sizeof(r.transport)) ||
	    db_value_copy(&c[5], r.domain, sizeof(r.domain)) ||
	    db_value_copy(&c[6], r.username, sizeof(r.username)) ||
	    db_value_copy(&c[7], r.password, sizeof(r.password)) ||
	    db_value_copy(&c[10], r.caller_id, sizeof(r.caller_id)))
		return EOVERFLOW;
	return ((store_trunk_fn *)ctx->fn)(&r, ctx->arg);
}

int store_trunk_list(struct db *db, store_trunk_fn *fn, void *arg)
{
	struct list_ctx ctx = { (void *)fn, arg };
	return db_query(db,
			"SELECT id, tenant_id, name, host, transport, domain, username, password, "
			"register, expires, caller_id, created_at FROM trunks ORDER BY id",
			NULL, 0, trunk_row, &ctx);
}

int store_number_add(struct db *db, struct store_number_row *r)
{
	if (!TERMINATED(r, number) || !TERMINATED(r, extension))
		return EOVERFLOW;
	if (!r->number[0] || !r->extension[0])
		return EINVAL;
	r->created_at = now_s();
	struct db_value p[] = { DBV_INT(r->tenant_id), DBV_TEXT(r->number), opt_id(r->trunk_id),
				DBV_TEXT(r->extension), DBV_INT(r->created_at) };
	return insert(db,
		      "INSERT INTO numbers (tenant_id, number, trunk_id, extension, created_at) "
		      "VALUES (?, ?, ?, ?, ?)",
		      p, 5, &r->id);
}

int store_number_del(struct db *db, const char *number)
{
	struct db_value p[] = { DBV_TEXT(number) };
	return deleted(db, db_exec(db, "DELETE FROM numbers WHERE number = ?", p, 1));
}

static int number_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_number_row r = { 0 };

	if (row->ncols != 7)
		return EPROTO;
	r.scenario_id = c[6].type == DB_NULL ? 0 : c[6].i;
	r.id = c[0].i;
	r.tenant_id = c[1].i;
	r.trunk_id = c[3].type == DB_NULL ? 0 : c[3].i;
	r.created_at = c[5].i;
	if (db_value_copy(&c[2], r.number, sizeof(r.number)) ||
	    db_value_copy(&c[4], r.extension, sizeof(r.extension)))
		return EOVERFLOW;
	return ((store_number_fn *)ctx->fn)(&r, ctx->arg);
}

int store_number_list(struct db *db, store_number_fn *fn, void *arg)
{
	struct list_ctx ctx = { (void *)fn, arg };
	return db_query(db,
			"SELECT id, tenant_id, number, trunk_id, extension, created_at, scenario_id "
			"FROM numbers "
			"ORDER BY id",
			NULL, 0, number_row, &ctx);
}

int store_route_add(struct db *db, struct store_route_row *r)
{
	if (!TERMINATED(r, prefix) || !TERMINATED(r, prepend) || !TERMINATED(r, caller_id))
		return EOVERFLOW;
	r->created_at = now_s();
	struct db_value p[] = { DBV_INT(r->tenant_id), DBV_TEXT(r->prefix), DBV_INT(r->trunk_id),
				DBV_INT(r->strip),     DBV_TEXT(r->prepend), DBV_TEXT(r->caller_id),
				DBV_INT(r->created_at) };
	return insert(db,
		      "INSERT INTO routes (tenant_id, prefix, trunk_id, strip, prepend, caller_id, "
		      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		      p, 7, &r->id);
}

int store_route_del(struct db *db, int64_t tenant_id, const char *prefix)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(prefix) };
	return deleted(db, db_exec(db, "DELETE FROM routes WHERE tenant_id = ? AND prefix = ?", p, 2));
}

static int route_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_route_row r = { 0 };

	if (row->ncols != 8)
		return EPROTO;
	r.id = c[0].i;
	r.tenant_id = c[1].i;
	r.trunk_id = c[3].i;
	r.strip = (int)c[4].i;
	r.created_at = c[7].i;
	if (db_value_copy(&c[2], r.prefix, sizeof(r.prefix)) ||
	    db_value_copy(&c[5], r.prepend, sizeof(r.prepend)) ||
	    db_value_copy(&c[6], r.caller_id, sizeof(r.caller_id)))
		return EOVERFLOW;
	return ((store_route_fn *)ctx->fn)(&r, ctx->arg);
}

int store_route_list(struct db *db, store_route_fn *fn, void *arg)
{
	struct list_ctx ctx = { (void *)fn, arg };
	return db_query(db,
			"SELECT id, tenant_id, prefix, trunk_id, strip, prepend, caller_id, created_at "
			"FROM routes ORDER BY id",
			NULL, 0, route_row, &ctx);
}
