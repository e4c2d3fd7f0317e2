/* The db interface: picks a driver from the URL and forwards every call to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

static const struct db_driver *const db_drivers[] = { &db_sqlite_driver };

/* "scheme:rest" with a known scheme, else a plain path for SQLite. */
static const struct db_driver *db_pick(const char *url, const char **target)
{
	for (size_t i = 0; i < sizeof(db_drivers) / sizeof(db_drivers[0]); i++) {
		size_t n = strlen(db_drivers[i]->scheme);
		if (strncmp(url, db_drivers[i]->scheme, n) == 0 && url[n] == ':') {
			*target = url + n + 1;
			return db_drivers[i];
		}
	}
	if (strncmp(url, "postgres:", 9) == 0 || strncmp(url, "postgresql:", 11) == 0)
		return NULL;
	*target = url;
	return &db_sqlite_driver;
}

int db_open(struct db **dbp, const char *url, char *err, size_t errlen)
{
	const char *target = NULL;
	const struct db_driver *drv;

	*dbp = NULL;
	if (!url || !*url) {
		snprintf(err, errlen, "The database URL is empty.");
		return EINVAL;
	}
	drv = db_pick(url, &target);
	if (!drv) {
		snprintf(err, errlen, "This build has no driver for the database URL %s.", url);
		return EINVAL;
	}
	if (!*target) {
		snprintf(err, errlen, "The database URL %s names no database.", url);
		return EINVAL;
	}
	return drv->open(dbp, target, err, errlen);
}

int db_url_file(const char *url, char *out, size_t outlen)
{
	const char *target = NULL;
	const struct db_driver *drv = url ? db_pick(url, &target) : NULL;
	size_t n;

	if (drv != &db_sqlite_driver)
		return ENOENT;
	n = strcspn(target, "?");
	if (n == 0)
		return ENOENT;
	if (n >= outlen)
		return EOVERFLOW;
	memcpy(out, target, n);
	out[n] = '\0';
	return 0;
}

void db_close(struct db *db)
{
	if (db)
		db->drv->close(db);
}

static int db_count(struct db *db, int rc)
{
	if (rc)
		db->errors++;
	return rc;
}

int db_exec(struct db *db, const char *sql, const struct db_value *params, size_t nparams)
{
	return db_count(db, db->drv->exec(db, sql, params, nparams, NULL, NULL));
}

/* Tells the caller's stop value apart from a database error, which alone is counted. */
struct db_query_ctx {
	db_row_fn *fn;
	void *arg;
	int stopped;
};

static int db_query_row(const struct db_row *row, void *arg)
{
	struct db_query_ctx *ctx = arg;

	ctx->stopped = ctx->fn(row, ctx->arg);
	return ctx->stopped;
}

int db_query(struct db *db, const char *sql, const struct db_value *params, size_t nparams,
	     db_row_fn *fn, void *arg)
{
	struct db_query_ctx ctx = { .fn = fn, .arg = arg };
	int rc = db->drv->exec(db, sql, params, nparams, db_query_row, &ctx);

	if (rc && rc == ctx.stopped)
		return rc;
	return db_count(db, rc);
}

static int db_first_int(const struct db_row *row, void *arg)
{
	int64_t *out = arg;

	if (row->ncols < 1)
		return EPROTO;
	*out = row->cols[0].i;
	return -1; /* one row is enough */
}

int db_query_int(struct db *db, const char *sql, const struct db_value *params, size_t nparams,
		 int64_t *out)
{
	int64_t v = 0;
	int rc = db_query(db, sql, params, nparams, db_first_int, &v);

	if (rc == -1) {
		*out = v;
		return 0;
	}
	return rc ? rc : ENOENT;
}

int db_value_copy(const struct db_value *v, char *dst, size_t size)
{
	size_t n = v->type == DB_NULL ? 0 : v->len;

	if (size == 0)
		return EOVERFLOW;
	if (n >= size) {
		dst[0] = '\0';
		return EOVERFLOW;
	}
	if (n)
		memcpy(dst, v->s, n);
	dst[n] = '\0';
	return 0;
}

int db_exec_script(struct db *db, const char *sql)
{
	return db_count(db, db->drv->exec_script(db, sql));
}

int db_begin(struct db *db)
{
	return db_count(db, db->drv->begin(db));
}

int db_commit(struct db *db)
{
	return db_exec(db, "COMMIT", NULL, 0);
}

int db_rollback(struct db *db)
{
	return db_exec(db, "ROLLBACK", NULL, 0);
}

/* Savepoint names are ours, never user input, but a bad one would become SQL: check. */
static int db_savepoint_sql(char *sql, size_t size, const char *verb, const char *name)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return EINVAL;
	if (!*name || (size_t)snprintf(sql, size, "%s %s", verb, name) >= size)
		return EINVAL;
	return 0;
}

int db_savepoint(struct db *db, const char *name)
{
	char sql[96];
	int rc = db_savepoint_sql(sql, sizeof(sql), "SAVEPOINT", name);

	return rc ? rc : db_exec(db, sql, NULL, 0);
}

int db_release(struct db *db, const char *name)
{
	char sql[96];
	int rc = db_savepoint_sql(sql, sizeof(sql), "RELEASE SAVEPOINT", name);

	return rc ? rc : db_exec(db, sql, NULL, 0);
}

int db_rollback_to(struct db *db, const char *name)
{
	char sql[96];
	int rc = db_savepoint_sql(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT", name);

	return rc ? rc : db_exec(db, sql, NULL, 0);
}

bool db_in_transaction(struct db *db)
{
	return db->drv->in_transaction(db);
}

uint64_t db_error_count(const struct db *db)
{
	return db->errors;
}

int64_t db_last_insert_id(struct db *db)
{
	return db->drv->last_insert_id(db);
}

int64_t db_changes(struct db *db)
{
	return db->drv->changes(db);
}

const char *db_errmsg(struct db *db)
{
	return db->drv->errmsg(db);
}
