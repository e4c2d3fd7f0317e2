/* The SQL migrations compiled into the binary (generated from src/store/migrations/). */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

#include <stddef.h>

struct db;

struct db_migration {
	int version;      /* from the file name NNNN_name.sql */
	const char *name; /* "NNNN_name" */
	const char *sql;  /* the whole file, NUL-terminated */
};

/* In version order; the table ends with a zeroed entry after db_migrations_count. */
extern const struct db_migration db_migrations[];
extern const size_t db_migrations_count;

/*
 * Applies pending migrations in order, each in its own transaction, recording
 * them in schema_migrations(version, name, applied_at). Running it again is a
 * no-op. EPROTO when the database is newer than this binary; err gets a sentence.
 */
int db_migrate(struct db *db, char *err, size_t errlen);

#endif
