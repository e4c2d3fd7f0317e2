/* Scenarios in the database: validate and save as a new version, load the one that runs.
 * Store thread only (these take the store's struct db). */
#ifndef SCENARIO_STORE_H
#define SCENARIO_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/scenario.h"

struct db;

/*
 * Validates json and stores it as the next version of the scenario it names (its "version"
 * is rewritten to that number); activate makes it the running one. EBADMSG with errs filled
 * for an invalid document, else the store's errors (ENOENT: unknown tenant).
 */
int scenario_save(struct db *db, int64_t tenant_id, const char *json, size_t len, bool activate,
		  int64_t *version, struct scenario_errors *errs);
/* version 0: the active one. ENOENT when there is none. */
int scenario_load_stored(struct db *db, int64_t tenant_id, const char *name, int64_t version,
			 struct scenario **sp);
/* The active scenario a DID or an extension points at; ENOENT when it points at none. */
int scenario_load_for_number(struct db *db, const char *number, struct scenario **sp);
int scenario_load_for_extension(struct db *db, int64_t tenant_id, const char *number,
				struct scenario **sp);

#endif
