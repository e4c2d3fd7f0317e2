/* Tests for the db interface on SQLite: pragmas, parameters, errors, savepoints, migrations. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/migrations.h"

static char tmpdir[64];
static char dbpath[128];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-db-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct db *open_db(const char *url)
{
	struct db *db = NULL;
	char err[256] = "";
	int rc = db_open(&db, url, err, sizeof(err));

	if (rc)
		fail_msg("db_open %s: %s", url, err);
	return db;
}

static int64_t query_int(struct db *db, const char *sql)
{
	int64_t v = -12345;

	assert_int_equal(db_query_int(db, sql, NULL, 0, &v), 0);
	return v;
}

static int text_col(const struct db_row *row, void *arg)
{
	db_value_copy(&row->cols[0], arg, 64);
	return 0;
}

static void test_open_pragmas(void **state)
{
	char url[160], mode[64] = "";
	struct db *db = open_db(dbpath);

	assert_int_equal(db_query(db, "PRAGMA journal_mode", NULL, 0, text_col, mode), 0);
	assert_string_equal(mode, "wal");
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 1);
	assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(db, "PRAGMA busy_timeout"), 5000);
	db_close(db);

	snprintf(url, sizeof(url), "sqlite:%s?sync=full", dbpath);
	db = open_db(url);
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 2);
	db_close(db);
}

static void test_open_errors(void **state)
{
	struct db *db = NULL;
	char err[256] = "", path[64];

	assert_int_equal(db_open(&db, "postgres://localhost/x", err, sizeof(err)), EINVAL);
	assert_non_null(strstr(err, "driver"));
	assert_int_equal(db_open(&db, "sqlite:/nonexistent-dir/x.db", err, sizeof(err)), ENOENT);
	assert_null(db);
	assert_int_equal(db_open(&db, "sqlite:/tmp/x.db?sync=maybe", err, sizeof(err)), EINVAL);
	assert_int_equal(db_open(&db, "", err, sizeof(err)), EINVAL);

	assert_int_equal(db_url_file("sqlite:/var/lib/z.db?sync=full", path, sizeof(path)), 0);
	assert_string_equal(path, "/var/lib/z.db");
	assert_int_equal(db_url_file("./var/z.db", path, sizeof(path)), 0);
	assert_string_equal(path, "./var/z.db");
	assert_int_equal(db_url_file("postgres://h/db", path, sizeof(path)), ENOENT);
	assert_int_equal(db_url_file("sqlite:/a/very/long/path", path, 8), EOVERFLOW);
}

struct collect {
	int64_t ids[16];
	char names[16][32];
	int n;
};

static int collect_row(const struct db_row *row, void *arg)
{
	struct collect *c = arg;

	assert_int_equal(row->ncols, 3);
	assert_int_equal(row->cols[0].type, DB_INT);
	c->ids[c->n] = row->cols[0].i;
	assert_int_equal(db_value_copy(&row->cols[1], c->names[c->n], 32), 0);
	if (row->cols[2].type == DB_NULL)
		c->names[c->n][0] = '-';
	c->n++;
	return c->n == 3 ? 42 : 0; /* stop after three rows */
}

static void test_exec_query_params(void **state)
{
	struct db *db = open_db(dbpath);
	struct collect c = { .n = 0 };

	assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, "
				     "b BLOB)", NULL, 0), 0);
	for (int i = 1; i <= 5; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d", i);
		struct db_value p[] = { DBV_INT(i * 10), DBV_TEXT(name),
					i == 2 ? DBV_NULL : DBV_BLOB("x\0y", 3) };
		assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)", p, 3), 0);
		assert_int_equal(db_last_insert_id(db), i * 10);
		assert_int_equal(db_changes(db), 1);
	}
	assert_int_equal(db_query(db, "SELECT id, name, b FROM t ORDER BY id", NULL, 0,
				  collect_row, &c), 42);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ids[1], 20);
	assert_string_equal(c.names[1], "-2");
	assert_string_equal(c.names[2], "n3");

	struct db_value dup[] = { DBV_INT(99), DBV_TEXT("n1"), DBV_NULL };
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)", dup, 3), EEXIST);
	assert_non_null(strstr(db_errmsg(db), "UNIQUE"));
	assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?, ?, ?)", dup, 2), EINVAL);
	assert_int_equal(db_exec(db, "DELETE FROM t; DELETE FROM t", NULL, 0), EINVAL);
	assert_int_equal(db_exec(db, "SELEC nonsense", NULL, 0), EIO);
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM t"), 5);
	db_close(db);
}

/* A row callback that runs the same statement again must get a fresh one, not the busy one. */
static int nested_row(const struct db_row *row, void *arg)
{
	struct db *db = arg;
	int64_t n = 0;
	struct db_value p[] = { DBV_INT(row->cols[0].i) };

	assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t WHERE id <= ?", p, 1, &n), 0);
	assert_int_equal(n, row->cols[0].i);
	return 0;
}

static void test_nested_same_sql(void **state)
{
	struct db *db = open_db(dbpath);
	struct db_value p[] = { DBV_INT(3) };

	assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY)", NULL, 0), 0);
	for (int i = 1; i <= 3; i++) {
		struct db_value v[] = { DBV_INT(i) };
		assert_int_equal(db_exec(db, "INSERT INTO t VALUES (?)", v, 1), 0);
	}
	assert_int_equal(db_query(db, "SELECT COUNT(*) FROM t WHERE id <= ?", p, 1, nested_row, db),
			 0);
	db_close(db);
}

static void test_foreign_key_and_savepoint(void **state)
{
	struct db *db = open_db(dbpath);
	uint64_t errors;

	assert_int_equal(db_exec(db, "CREATE TABLE p (id INTEGER PRIMARY KEY)", NULL, 0), 0);
	assert_int_equal(db_exec(db, "CREATE TABLE c (p INTEGER REFERENCES p(id))", NULL, 0), 0);
	assert_int_equal(db_exec(db, "INSERT INTO c VALUES (7)", NULL, 0), ENOENT);

	assert_int_equal(db_begin(db), 0);
	assert_true(db_in_transaction(db));
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (1)", NULL, 0), 0);
	assert_int_equal(db_savepoint(db, "op"), 0);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (2)", NULL, 0), 0);
	errors = db_error_count(db);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (2)", NULL, 0), EEXIST);
	assert_int_equal(db_error_count(db), errors + 1);
	assert_int_equal(db_rollback_to(db, "op"), 0);
	assert_int_equal(db_release(db, "op"), 0);
	assert_int_equal(db_savepoint(db, "bad name"), EINVAL);
	assert_int_equal(db_commit(db), 0);
	assert_false(db_in_transaction(db));
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM p"), 1);
	assert_int_equal(query_int(db, "SELECT MAX(id) FROM p"), 1);

	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO p VALUES (3)", NULL, 0), 0);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM p"), 1);
	db_close(db);
}

static int col_name(const struct db_row *row, void *arg)
{
	char name[64];

	assert_int_equal(db_value_copy(&row->cols[1], name, sizeof(name)), 0);
	assert_null(strstr(name, "password"));
	assert_null(strstr(name, "secret"));
	(*(int *)arg)++;
	return 0;
}

static void test_migrate_idempotent(void **state)
{
	char err[256] = "", check[64] = "";
	int ncols = 0;
	struct db *db = open_db(dbpath);

	assert_true(db_migrations_count >= 1);
	assert_int_equal(db_migrations[0].version, 1);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM schema_migrations"),
			 (int64_t)db_migrations_count);
	db_close(db);

	db = open_db(dbpath);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(db_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM schema_migrations"),
			 (int64_t)db_migrations_count);
	assert_int_equal(query_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
				       "('tenants', 'sip_users', 'registrations')"), 3);
	assert_int_equal(db_query(db, "PRAGMA table_info(sip_users)", NULL, 0, col_name, &ncols), 0);
	assert_true(ncols >= 9);
	assert_int_equal(db_query(db, "PRAGMA integrity_check", NULL, 0, text_col, check), 0);
	assert_string_equal(check, "ok");

	/* A database from a newer build is refused, not silently used. */
	assert_int_equal(db_exec(db, "INSERT INTO schema_migrations VALUES (9999, 'future', 0)",
				 NULL, 0), 0);
	assert_int_equal(db_migrate(db, err, sizeof(err)), EPROTO);
	assert_non_null(strstr(err, "9999"));
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exec_query_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_same_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_key_and_savepoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
