/* The SQLite driver of the db interface: WAL, a small prepared-statement cache, errno mapping. */
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "store/db.h"

/* Direct-mapped by SQL hash: hot writes find their statement without re-preparing. */
#define DB_SQLITE_CACHE 64

struct db_sqlite_stmt {
	char *sql; /* owned */
	uint32_t hash;
	sqlite3_stmt *stmt; /* owned */
	bool busy;          /* stepping now: a nested call with the same SQL prepares its own */
};

struct db_sqlite {
	struct db db; /* first: the driver casts */
	sqlite3 *h;
	struct db_sqlite_stmt cache[DB_SQLITE_CACHE];
	char msg[256];
};

static struct db_sqlite *db_sqlite(struct db *db)
{
	return (struct db_sqlite *)db;
}

/* Maps a result code to our errno and keeps SQLite's sentence for db_errmsg. */
static int db_sqlite_err(struct db_sqlite *d, int rc)
{
	snprintf(d->msg, sizeof(d->msg), "%s", d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return EEXIST;
	case SQLITE_CONSTRAINT_FOREIGNKEY: /* the row referred to does not exist */
		return ENOENT;
	default:
		return (rc & 0xff) == SQLITE_CANTOPEN ? ENOENT : EIO;
	}
}

static uint32_t db_sqlite_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Only one statement per call: trailing text would be silently ignored otherwise. */
static int db_sqlite_prepare(struct db_sqlite *d, const char *sql, sqlite3_stmt **out)
{
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, out, &tail);

	if (rc != SQLITE_OK)
		return db_sqlite_err(d, rc);
	if (!*out || (tail && tail[strspn(tail, " \t\r\n;")] != '\0')) {
		sqlite3_finalize(*out);
		snprintf(d->msg, sizeof(d->msg), "Expected exactly one SQL statement.");
		return EINVAL;
	}
	return 0;
}

/* A cached statement when the slot holds it and is free; *slot is NULL for an uncached one. */
static int db_sqlite_acquire(struct db_sqlite *d, const char *sql, sqlite3_stmt **st,
			     struct db_sqlite_stmt **slot)
{
	uint32_t hash = db_sqlite_hash(sql);
	struct db_sqlite_stmt *c = &d->cache[hash % DB_SQLITE_CACHE];
	int rc;

	*slot = NULL;
	if (c->stmt && !c->busy && c->hash == hash && strcmp(c->sql, sql) == 0) {
		c->busy = true;
		*slot = c;
		*st = c->stmt;
		return 0;
	}
	rc = db_sqlite_prepare(d, sql, st);
	if (rc || c->busy)
		return rc;
	sqlite3_finalize(c->stmt);
	free(c->sql);
	c->sql = xstrdup(sql);
	c->hash = hash;
	c->stmt = *st;
	c->busy = true;
	*slot = c;
	return 0;
}

static void db_sqlite_release(sqlite3_stmt *st, struct db_sqlite_stmt *slot)
{
	if (!slot) {
		sqlite3_finalize(st);
		return;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	slot->busy = false;
}

static int db_sqlite_bind(struct db_sqlite *d, sqlite3_stmt *st, const struct db_value *params,
			  size_t nparams)
{
	int rc = SQLITE_OK;

	if (nparams > DB_MAX_PARAMS || (int)nparams != sqlite3_bind_parameter_count(st)) {
		snprintf(d->msg, sizeof(d->msg), "The statement wants %d parameters, got %zu.",
			 sqlite3_bind_parameter_count(st), nparams);
		return EINVAL;
	}
	for (size_t i = 0; i < nparams && rc == SQLITE_OK; i++) {
		const struct db_value *v = &params[i];
		int col = (int)i + 1;

		if (v->type != DB_NULL && v->type != DB_INT && v->len > INT_MAX) {
			snprintf(d->msg, sizeof(d->msg), "Parameter %d is too long.", col);
			return EOVERFLOW;
		}
		if (v->type == DB_INT)
			rc = sqlite3_bind_int64(st, col, v->i);
		else if (v->type == DB_TEXT && v->s)
			rc = sqlite3_bind_text(st, col, v->s, (int)v->len, SQLITE_STATIC);
		else if (v->type == DB_BLOB && v->s)
			rc = sqlite3_bind_blob(st, col, v->s, (int)v->len, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, col);
	}
	return rc == SQLITE_OK ? 0 : db_sqlite_err(d, rc);
}

static void db_sqlite_column(sqlite3_stmt *st, int i, struct db_value *v)
{
	*v = (struct db_value){ .type = DB_NULL };
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		v->type = DB_INT;
		v->i = sqlite3_column_int64(st, i);
		break;
	case SQLITE_FLOAT:
		/* the truncated value, then its text */
		v->i = (int64_t)sqlite3_column_double(st, i);
		/* fall through */
	case SQLITE_TEXT:
		v->type = DB_TEXT;
		v->s = (const char *)sqlite3_column_text(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		break;
	case SQLITE_BLOB:
		v->type = DB_BLOB;
		v->s = sqlite3_column_blob(st, i);
		v->len = (size_t)sqlite3_column_bytes(st, i);
		break;
	}
}

static int db_sqlite_step(struct db_sqlite *d, sqlite3_stmt *st, db_row_fn *fn, void *arg)
{
	struct db_value cols[DB_MAX_COLS];
	int ncols = sqlite3_column_count(st);
	int rc;

	if (ncols > DB_MAX_COLS) {
		snprintf(d->msg, sizeof(d->msg), "The query returns more than %d columns.",
			 DB_MAX_COLS);
		return EOVERFLOW;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct db_row row = { .cols = cols, .ncols = (size_t)ncols };
		int stop;

		if (!fn)
			continue;
		for (int i = 0; i < ncols; i++)
			db_sqlite_column(st, i, &cols[i]);
		stop = fn(&row, arg);
		if (stop)
			return stop;
	}
	return rc == SQLITE_DONE ? 0 : db_sqlite_err(d, rc);
}

static int db_sqlite_exec(struct db *db, const char *sql, const struct db_value *params,
			  size_t nparams, db_row_fn *fn, void *arg)
{
	struct db_sqlite *d = db_sqlite(db);
	struct db_sqlite_stmt *slot;
	sqlite3_stmt *st;
	int rc = db_sqlite_acquire(d, sql, &st, &slot);

	if (rc)
		return rc;
	rc = db_sqlite_bind(d, st, params, nparams);
	if (!rc)
		rc = db_sqlite_step(d, st, fn, arg);
	db_sqlite_release(st, slot);
	return rc;
}

static int db_sqlite_exec_script(struct db *db, const char *sql)
{
	struct db_sqlite *d = db_sqlite(db);
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_sqlite_err(d, rc);
}

/* IMMEDIATE takes the write lock up front, so a busy database waits here, never mid-way. */
static int db_sqlite_begin(struct db *db)
{
	return db_sqlite_exec(db, "BEGIN IMMEDIATE", NULL, 0, NULL, NULL);
}

static bool db_sqlite_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db_sqlite(db)->h);
}

static int64_t db_sqlite_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db_sqlite(db)->h);
}

static int64_t db_sqlite_changes(struct db *db)
{
	return sqlite3_changes64(db_sqlite(db)->h);
}

static const char *db_sqlite_errmsg(struct db *db)
{
	return db_sqlite(db)->msg;
}

static void db_sqlite_close(struct db *db)
{
	struct db_sqlite *d = db_sqlite(db);

	for (size_t i = 0; i < DB_SQLITE_CACHE; i++) {
		sqlite3_finalize(d->cache[i].stmt);
		free(d->cache[i].sql);
	}
	sqlite3_close_v2(d->h);
	free(d);
}

/* "PATH" or "PATH?sync=full|normal": the only option so far. */
static int db_sqlite_parse(const char *target, char **path, bool *full, char *err, size_t errlen)
{
	const char *q = strchr(target, '?');

	*full = false;
	*path = xstrndup(target, q ? (size_t)(q - target) : strlen(target));
	if (!q || strcmp(q, "?sync=normal") == 0)
		return 0;
	if (strcmp(q, "?sync=full") == 0) {
		*full = true;
		return 0;
	}
	snprintf(err, errlen, "Unknown SQLite option %s (only ?sync=full or ?sync=normal).", q);
	free(*path);
	return EINVAL;
}

static int db_sqlite_setup(struct db_sqlite *d, bool full)
{
	int rc = sqlite3_busy_timeout(d->h, 5000) == SQLITE_OK ? 0 : EIO;

	if (!rc)
		rc = db_sqlite_exec(&d->db, "PRAGMA journal_mode=WAL", NULL, 0, NULL, NULL);
	if (!rc)
		rc = db_sqlite_exec(&d->db, full ? "PRAGMA synchronous=FULL"
						 : "PRAGMA synchronous=NORMAL",
				    NULL, 0, NULL, NULL);
	if (!rc)
		rc = db_sqlite_exec(&d->db, "PRAGMA foreign_keys=ON", NULL, 0, NULL, NULL);
	return rc;
}

static int db_sqlite_open(struct db **dbp, const char *target, char *err, size_t errlen)
{
	struct db_sqlite *d;
	char *path;
	bool full;
	int rc = db_sqlite_parse(target, &path, &full, err, errlen);

	if (rc)
		return rc;
	d = xcalloc(1, sizeof(*d));
	d->db.drv = &db_sqlite_driver;
	rc = sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					      SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(d->h, 1);
		rc = db_sqlite_setup(d, full);
	} else {
		rc = db_sqlite_err(d, rc);
	}
	if (rc) {
		snprintf(err, errlen, "Cannot open the SQLite database %s: %s.", path, d->msg);
		db_sqlite_close(&d->db);
	} else {
		*dbp = &d->db;
	}
	free(path);
	return rc;
}

const struct db_driver db_sqlite_driver = {
	.scheme = "sqlite",
	.open = db_sqlite_open,
	.close = db_sqlite_close,
	.exec = db_sqlite_exec,
	.exec_script = db_sqlite_exec_script,
	.begin = db_sqlite_begin,
	.in_transaction = db_sqlite_in_transaction,
	.last_insert_id = db_sqlite_last_insert_id,
	.changes = db_sqlite_changes,
	.errmsg = db_sqlite_errmsg,
};
