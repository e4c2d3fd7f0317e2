/* The scenarios and scenario_versions tables, and numbers/extensions pointing at a scenario.
 * Store thread only. The JSON is stored as given: the scenario layer validates it first. */
#ifndef STORE_SCENARIOS_H
#define STORE_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#define STORE_SCENARIO_MAX_JSON (256 * 1024)

struct store_scenario_row {
	int64_t id, tenant_id;
	char name[64];
	int64_t active_version; /* 0: none active */
	int64_t latest_version;
	int64_t created_at, updated_at;
};

struct store_scenario_version_row {
	int64_t scenario_id, tenant_id;
	char name[64];
	int64_t version;
	bool active;
	const char *json; /* borrowed: valid during the callback only */
	size_t json_len;
	int64_t created_at;
};

typedef int(store_scenario_fn)(const struct store_scenario_row *r, void *arg);
typedef int(store_scenario_version_fn)(const struct store_scenario_version_row *r, void *arg);

/* The version the next save of name gets (1 for a new scenario). */
int store_scenario_next_version(struct db *db, int64_t tenant_id, const char *name,
				int64_t *version);
/* Adds a version (creating the scenario on its first save); activate makes it the one that
 * runs. EEXIST if that version exists, ENOENT for an unknown tenant, EOVERFLOW for a name of
 * 64+ bytes or a document over STORE_SCENARIO_MAX_JSON, EINVAL for an empty name or json. */
int store_scenario_save(struct db *db, int64_t tenant_id, const char *name, int64_t version,
			const char *json, bool activate);
/* ENOENT when the scenario or version does not exist. */
int store_scenario_activate(struct db *db, int64_t tenant_id, const char *name, int64_t version);
/* One version (0: the active one) to fn; ENOENT when there is none. */
int store_scenario_get(struct db *db, int64_t tenant_id, const char *name, int64_t version,
		       store_scenario_version_fn *fn, void *arg);
/* The active version of every scenario that has one, of every tenant, by scenario id. */
int store_scenario_active_all(struct db *db, store_scenario_version_fn *fn, void *arg);
/* The tenant's scenarios by name. */
int store_scenario_list(struct db *db, int64_t tenant_id, store_scenario_fn *fn, void *arg);
/* Every version of one scenario, oldest first. */
int store_scenario_versions(struct db *db, int64_t tenant_id, const char *name,
			    store_scenario_version_fn *fn, void *arg);
/* Deletes the scenario and its versions; numbers and extensions pointing at it no longer do. */
int store_scenario_del(struct db *db, int64_t tenant_id, const char *name);

/* Points a number (DID) or an extension at a scenario of its own tenant (NULL: none).
 * ENOENT if the number, the extension or the scenario is not found in that tenant. */
int store_number_set_scenario(struct db *db, const char *number, const char *scenario);
int store_sip_user_set_scenario(struct db *db, int64_t tenant_id, const char *number,
				const char *scenario);
/* The active version of the scenario a number or extension points at; ENOENT if none. */
int store_scenario_for_number(struct db *db, const char *number,
			      store_scenario_version_fn *fn, void *arg);
int store_scenario_for_extension(struct db *db, int64_t tenant_id, const char *number,
				 store_scenario_version_fn *fn, void *arg);

#endif
