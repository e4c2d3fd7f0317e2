/* Schema migrations: applies the embedded numbered .sql files that a database has not seen yet. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "store/db.h"
#include "store/migrations.h"

/* A gap or a repeat means a badly named file: refuse rather than guess the order. */
static int db_migrate_check_table(char *err, size_t errlen)
{
	int prev = 0;

	for (size_t i = 0; i < db_migrations_count; i++) {
		if (db_migrations[i].version <= prev) {
			snprintf(err, errlen, "Migration %s is out of order.", db_migrations[i].name);
			return EINVAL;
		}
		prev = db_migrations[i].version;
	}
	return 0;
}

/* Inside the transaction: a second process migrating at once sees the first one's row. */
static int db_migrate_one(struct db *db, const struct db_migration *m)
{
	struct db_value params[3] = { DBV_INT(m->version) };
	int64_t seen;
	int rc = db_query_int(db, "SELECT 1 FROM schema_migrations WHERE version = ?", params, 1,
			      &seen);

	if (rc != ENOENT)
		return rc;
	rc = db_exec_script(db, m->sql);
	if (rc)
		return rc;
	params[1] = DBV_TEXT(m->name);
	params[2] = DBV_INT((int64_t)time(NULL));
	return db_exec(db,
		       "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		       params, 3);
}

static int db_migrate_newest(struct db *db, int64_t *newest)
{
	int rc = db_exec(db,
			 "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
			 "name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
			 NULL, 0);

	if (!rc)
		rc = db_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
				  NULL, 0, newest);
	return rc;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
	int64_t newest = 0;
	int known = db_migrations_count ? db_migrations[db_migrations_count - 1].version : 0;
	int rc = db_migrate_check_table(err, errlen);

	if (rc)
		return rc;
	rc = db_migrate_newest(db, &newest);
	if (rc) {
		snprintf(err, errlen, "Cannot read the schema version: %s.", db_errmsg(db));
		return rc;
	}
	if (newest > known) {
		snprintf(err, errlen, "The database has schema version %lld; this build knows %d.",
			 (long long)newest, known);
		return EPROTO;
	}
	for (size_t i = 0; i < db_migrations_count; i++) {
		const struct db_migration *m = &db_migrations[i];

		rc = db_begin(db);
		if (!rc)
			rc = db_migrate_one(db, m);
		if (!rc)
			rc = db_commit(db);
		if (rc) {
			snprintf(err, errlen, "Migration %s failed: %s.", m->name, db_errmsg(db));
			if (db_in_transaction(db))
				db_rollback(db);
			return rc;
		}
	}
	return 0;
}
