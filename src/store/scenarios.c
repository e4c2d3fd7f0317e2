/* Scenario versions per tenant (one active), and the numbers and extensions that run them. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/scenarios.h"

#define VERSION_COLS                                                                         \
	"SELECT s.id, s.tenant_id, s.name, v.version, v.version = s.active_version, v.json, " \
	"v.created_at FROM scenarios s JOIN scenario_versions v ON v.scenario_id = s.id "

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);
	return n == 0 ? EINVAL : n >= sizeof(((struct store_scenario_row *)0)->name) ? EOVERFLOW : 0;
}

static int scenario_id(struct db *db, int64_t tenant_id, const char *name, int64_t *id)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name) };
	return db_query_int(db, "SELECT id FROM scenarios WHERE tenant_id = ? AND name = ?", p, 2,
			    id);
}

int store_scenario_next_version(struct db *db, int64_t tenant_id, const char *name,
				int64_t *version)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name) };
	int rc = db_query_int(db,
			      "SELECT COALESCE(MAX(v.version), 0) + 1 FROM scenarios s JOIN "
			      "scenario_versions v ON v.scenario_id = s.id WHERE s.tenant_id = ? "
			      "AND s.name = ?",
			      p, 2, version);
	return rc;
}

static int save_in(struct db *db, int64_t tenant_id, const char *name, int64_t version,
		   const char *json, bool activate)
{
	int64_t id, now = now_s();
	struct db_value ins[] = { DBV_INT(tenant_id), DBV_TEXT(name), DBV_INT(now), DBV_INT(now) };
	int rc = db_exec(db,
			 "INSERT INTO scenarios (tenant_id, name, created_at, updated_at) "
			 "VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, name) DO NOTHING",
			 ins, 4);
	if (rc == EIO && strstr(db_errmsg(db), "FOREIGN KEY"))
		return ENOENT;
	if (rc || (rc = scenario_id(db, tenant_id, name, &id)))
		return rc;
	struct db_value v[] = { DBV_INT(id), DBV_INT(version), DBV_TEXT(json), DBV_INT(now) };
	rc = db_exec(db,
		     "INSERT INTO scenario_versions (scenario_id, version, json, created_at) "
		     "VALUES (?, ?, ?, ?)",
		     v, 4);
	if (rc)
		return rc;
	struct db_value u[] = { DBV_INT(activate), DBV_INT(version), DBV_INT(now), DBV_INT(id) };
	return db_exec(db,
		       "UPDATE scenarios SET active_version = CASE WHEN ? THEN ? ELSE "
		       "active_version END, updated_at = ? WHERE id = ?",
		       u, 4);
}

int store_scenario_save(struct db *db, int64_t tenant_id, const char *name, int64_t version,
			const char *json, bool activate)
{
	int rc = name_ok(name);

	if (rc)
		return rc;
	if (!json[0] || version < 1)
		return EINVAL;
	if (strlen(json) > STORE_SCENARIO_MAX_JSON)
		return EOVERFLOW;
	/* a savepoint makes the two inserts one unit, inside a store batch or on its own */
	if ((rc = db_savepoint(db, "scenario_save")))
		return rc;
	rc = save_in(db, tenant_id, name, version, json, activate);
	if (rc)
		db_rollback_to(db, "scenario_save");
	int rel = db_release(db, "scenario_save");
	return rc ? rc : rel;
}

int store_scenario_activate(struct db *db, int64_t tenant_id, const char *name, int64_t version)
{
	int64_t id, one;
	int rc = scenario_id(db, tenant_id, name, &id);

	if (rc)
		return rc;
	struct db_value q[] = { DBV_INT(id), DBV_INT(version) };
	if ((rc = db_query_int(db,
			       "SELECT 1 FROM scenario_versions WHERE scenario_id = ? AND version = ?",
			       q, 2, &one)))
		return rc;
	struct db_value u[] = { DBV_INT(version), DBV_INT(now_s()), DBV_INT(id) };
	return db_exec(db, "UPDATE scenarios SET active_version = ?, updated_at = ? WHERE id = ?",
		       u, 3);
}

struct version_ctx {
	store_scenario_version_fn *fn;
	void *arg;
	bool found;
};

static int version_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct version_ctx *ctx = arg;
	struct store_scenario_version_row r = { 0 };

	if (row->ncols != 7)
		return EPROTO;
	r.scenario_id = c[0].i;
	r.tenant_id = c[1].i;
	r.version = c[3].i;
	r.active = c[4].i != 0;
	r.json = c[5].s ? c[5].s : "";
	r.json_len = c[5].len;
	r.created_at = c[6].i;
	if (db_value_copy(&c[2], r.name, sizeof(r.name)))
		return EOVERFLOW;
	ctx->found = true;
	return ctx->fn(&r, ctx->arg);
}

static int versions(struct db *db, const char *sql, const struct db_value *p, size_t n,
		    store_scenario_version_fn *fn, void *arg, bool need_one)
{
	struct version_ctx ctx = { fn, arg, false };
	int rc = db_query(db, sql, p, n, version_row, &ctx);

	return rc ? rc : need_one && !ctx.found ? ENOENT : 0;
}

int store_scenario_get(struct db *db, int64_t tenant_id, const char *name, int64_t version,
		       store_scenario_version_fn *fn, void *arg)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name), DBV_INT(version),
				DBV_INT(version) };
	return versions(db,
			VERSION_COLS "WHERE s.tenant_id = ? AND s.name = ? AND v.version = "
				     "CASE WHEN ? = 0 THEN s.active_version ELSE ? END",
			p, 4, fn, arg, true);
}

int store_scenario_versions(struct db *db, int64_t tenant_id, const char *name,
			    store_scenario_version_fn *fn, void *arg)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name) };
	return versions(db, VERSION_COLS "WHERE s.tenant_id = ? AND s.name = ? ORDER BY v.version",
			p, 2, fn, arg, false);
}

int store_scenario_active_all(struct db *db, store_scenario_version_fn *fn, void *arg)
{
	return versions(db, VERSION_COLS "WHERE v.version = s.active_version ORDER BY s.id", NULL,
			0, fn, arg, false);
}

struct list_ctx {
	store_scenario_fn *fn;
	void *arg;
};

static int scenario_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_scenario_row r = { 0 };

	if (row->ncols != 7)
		return EPROTO;
	r.id = c[0].i;
	r.tenant_id = c[1].i;
	r.active_version = c[3].i;
	r.latest_version = c[4].i;
	r.created_at = c[5].i;
	r.updated_at = c[6].i;
	if (db_value_copy(&c[2], r.name, sizeof(r.name)))
		return EOVERFLOW;
	return ctx->fn(&r, ctx->arg);
}

int store_scenario_list(struct db *db, int64_t tenant_id, store_scenario_fn *fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	struct db_value p[] = { DBV_INT(tenant_id) };
	return db_query(db,
			"SELECT s.id, s.tenant_id, s.name, s.active_version, "
			"(SELECT MAX(version) FROM scenario_versions WHERE scenario_id = s.id), "
			"s.created_at, s.updated_at FROM scenarios s WHERE s.tenant_id = ? "
			"ORDER BY s.name",
			p, 1, scenario_row, &ctx);
}

int store_scenario_del(struct db *db, int64_t tenant_id, const char *name)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(name) };
	int rc = db_exec(db, "DELETE FROM scenarios WHERE tenant_id = ? AND name = ?", p, 2);
	return rc ? rc : db_changes(db) ? 0 : ENOENT;
}

/* The scenario column of one row of table, by a name in the row's own tenant. */
static int point(struct db *db, const char *sql, struct db_value *p, size_t n)
{
	int rc = db_exec(db, sql, p, n);
	return rc ? rc : db_changes(db) ? 0 : ENOENT;
}

static int scenario_of_tenant(struct db *db, int64_t tenant_id, const char *scenario,
			      int64_t *id)
{
	*id = 0;
	return scenario ? scenario_id(db, tenant_id, scenario, id) : 0;
}

int store_number_set_scenario(struct db *db, const char *number, const char *scenario)
{
	struct db_value q[] = { DBV_TEXT(number) };
	int64_t tenant, id;
	int rc = db_query_int(db, "SELECT tenant_id FROM numbers WHERE number = ?", q, 1, &tenant);

	if (rc || (rc = scenario_of_tenant(db, tenant, scenario, &id)))
		return rc;
	struct db_value p[] = { id ? DBV_INT(id) : DBV_NULL, DBV_TEXT(number) };
	return point(db, "UPDATE numbers SET scenario_id = ? WHERE number = ?", p, 2);
}

int store_sip_user_set_scenario(struct db *db, int64_t tenant_id, const char *number,
				const char *scenario)
{
	int64_t id;
	int rc = scenario_of_tenant(db, tenant_id, scenario, &id);

	if (rc)
		return rc;
	struct db_value p[] = { id ? DBV_INT(id) : DBV_NULL, DBV_INT(tenant_id), DBV_TEXT(number) };
	return point(db, "UPDATE sip_users SET scenario_id = ? WHERE tenant_id = ? AND number = ?",
		     p, 3);
}

int store_scenario_for_number(struct db *db, const char *number,
			      store_scenario_version_fn *fn, void *arg)
{
	struct db_value p[] = { DBV_TEXT(number) };
	return versions(db,
			VERSION_COLS "JOIN numbers n ON n.scenario_id = s.id WHERE n.number = ? "
				     "AND v.version = s.active_version",
			p, 1, fn, arg, true);
}

int store_scenario_for_extension(struct db *db, int64_t tenant_id, const char *number,
				 store_scenario_version_fn *fn, void *arg)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(number) };
	return versions(db,
			VERSION_COLS "JOIN sip_users u ON u.scenario_id = s.id WHERE u.tenant_id = ? "
				     "AND u.number = ? AND v.version = s.active_version",
			p, 2, fn, arg, true);
}
