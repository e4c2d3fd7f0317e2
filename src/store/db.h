/*
 * The narrow database interface: a handful of calls over `?`-placeholder SQL,
 * implemented by one small driver table per backend (SQLite now, PostgreSQL later).
 * A struct db is used by one thread at a time (the store thread, or start-up code).
 */
#ifndef STORE_DB_H
#define STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Column types. REAL columns come back as DB_TEXT (their decimal text) with i
 * set to the truncated value: callers that need fractions scale to integers.
 */
enum db_type { DB_NULL = 0, DB_INT, DB_TEXT, DB_BLOB };

struct db_value {
	enum db_type type;
	int64_t i;
	const char *s; /* borrowed: valid until the row callback returns */
	size_t len;
};

#define DBV_INT(v) ((struct db_value){ .type = DB_INT, .i = (v) })
#define DBV_TEXT(str) ((struct db_value){ .type = DB_TEXT, .s = (str), .len = strlen(str) })
#define DBV_NULL ((struct db_value){ .type = DB_NULL })
#define DBV_BLOB(p, n) ((struct db_value){ .type = DB_BLOB, .s = (const char *)(p), .len = (n) })

/* Rows wider than this are refused with EOVERFLOW (no allocation per row). */
#define DB_MAX_COLS 32
/* Parameters per statement. */
#define DB_MAX_PARAMS 64

struct db_row {
	const struct db_value *cols;
	size_t ncols;
};

typedef int(db_row_fn)(const struct db_row *row, void *arg); /* non-zero stops, returned by db_query */

struct db;

/*
 * url: "sqlite:PATH" or a plain path; opens with WAL, synchronous=NORMAL (FULL via "?sync=full"),
 * foreign_keys=ON, busy_timeout 5000. err gets a sentence.
 */
int db_open(struct db **dbp, const char *url, char *err, size_t errlen);
void db_close(struct db *db);
/* One statement. */
int db_exec(struct db *db, const char *sql, const struct db_value *params, size_t nparams);
int db_query(struct db *db, const char *sql, const struct db_value *params, size_t nparams,
	     db_row_fn *fn, void *arg);
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);
int64_t db_last_insert_id(struct db *db);
int64_t db_changes(struct db *db);
const char *db_errmsg(struct db *db);
/* errors: 0, EEXIST (unique constraint), ENOENT, EIO (anything else; message in db_errmsg) */

/* Several statements without parameters (migrations). */
int db_exec_script(struct db *db, const char *sql);
/* Nested units of work inside a transaction; name is an SQL identifier we chose. */
int db_savepoint(struct db *db, const char *name);
int db_release(struct db *db, const char *name);
int db_rollback_to(struct db *db, const char *name);
bool db_in_transaction(struct db *db);
/* Statements that failed since open: lets a caller see whether a unit of work hit an error. */
uint64_t db_error_count(const struct db *db);
/* The first column of the first row as an integer: ENOENT without a row. */
int db_query_int(struct db *db, const char *sql, const struct db_value *params, size_t nparams,
		 int64_t *out);
/* Copies a text column into dst (always NUL-terminated); EOVERFLOW if it does not fit. */
int db_value_copy(const struct db_value *v, char *dst, size_t size);
/* The file behind a sqlite URL (options stripped); ENOENT for URLs of other backends. */
int db_url_file(const char *url, char *out, size_t outlen);

/*
 * The seam between backends, in the manner of sqlite3_vfs: a driver fills this
 * table; its handle embeds struct db as the first member. Every call returns
 * the errors listed above and keeps its message for errmsg.
 */
struct db_driver {
	const char *scheme; /* "sqlite", "postgres" */
	int (*open)(struct db **dbp, const char *target, char *err, size_t errlen);
	void (*close)(struct db *db);
	int (*exec)(struct db *db, const char *sql, const struct db_value *params, size_t nparams,
		    db_row_fn *fn, void *arg);
	int (*exec_script)(struct db *db, const char *sql);
	int (*begin)(struct db *db);
	bool (*in_transaction)(struct db *db);
	int64_t (*last_insert_id)(struct db *db);
	int64_t (*changes)(struct db *db);
	const char *(*errmsg)(struct db *db);
};

struct db {
	const struct db_driver *drv;
	uint64_t errors; /* failed calls, counted by db.c */
};

extern const struct db_driver db_sqlite_driver;

#endif
