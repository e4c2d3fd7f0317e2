/*
 * Call scenarios over the API: POST a scenario document (validated; each save a new
 * version, active unless ?activate=false), list and read them, see their versions, make
 * another version active (PATCH active_version), delete. Invalid documents get 422 with
 * every error naming its step and field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/res_fields.h"
#include "api/resource.h"
#include "core/mem.h"
#include "scenario/scenario_store.h"
#include "store/db.h"
#include "store/scenarios.h"

static bool scenario_prepare(struct db *db, struct api_ctx *c, json_t *row, bool create)
{
	json_t *v = json_object_get(row, "active_version");
	int64_t one;

	if (!v || json_integer_value(v) == 0)
		return true;
	if (db_query_int(db, "SELECT 1 FROM scenario_versions WHERE scenario_id = ? AND version = ?",
			 (struct db_value[]){ DBV_INT(c->id), DBV_INT(json_integer_value(v)) }, 2,
			 &one) == 0)
		return true;
	api_fail(c, 400, "invalid", "scenario %lld has no version %lld", (long long)c->id,
		 (long long)json_integer_value(v));
	return false;
}

static const struct api_field scenario_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "name", .type = FT_TEXT, .flags = FF_RO | FF_FILTER | FF_SORT, .max = 63 },
	{ .name = "active_version", .type = FT_INT, .max = 1000000,
	  .hint = "a stored version, or 0 to stop running it" },
	{ .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG },
	{ .name = "updated_at", .type = FT_INT, .flags = FF_RO, .max = BIG },
	F_END,
};

const struct api_resource api_res_scenarios = {
	.name = "scenarios", .table = "scenarios", .object = "scenario", .tenant_col = "tenant_id",
	.fields = scenario_fields, .ops = ACT_LIST | ACT_GET | ACT_UPDATE | ACT_DELETE,
	.sort_default = "name", .prepare = scenario_prepare, .changes = API_CHANGED_SCENARIOS, .stamps_in_s = true,
};

/* ---- saving a document ---- */

struct save_job {
	char *json; /* owned: the body as sent */
	size_t len;
	bool activate;
	struct scenario_errors errs;
};

static void save_free(void *arg)
{
	struct save_job *j = arg;
	free(j->json);
	free(j);
}

static json_t *errors_json(const struct scenario_errors *errs)
{
	json_t *a = json_array();
	char line[512];

	for (size_t i = 0; i < errs->n; i++) {
		scenario_error_format(&errs->e[i], line, sizeof(line));
		json_array_append_new(a, json_string(line));
	}
	return a;
}

static void save_op(struct db *db, struct api_ctx *c)
{
	struct save_job *j = c->extra;
	int64_t version = 0, id = 0;
	int rc;

	if (!c->scope) {
		api_fail(c, 400, "missing_tenant", "the platform operator names the tenant: ?tenant_id=");
		return;
	}
	rc = scenario_save(db, c->scope, j->json, j->len, j->activate, &version, &j->errs);
	if (rc == EBADMSG) {
		char first[512] = "";
		if (j->errs.n)
			scenario_error_format(&j->errs.e[0], first, sizeof(first));
		api_fail(c, 422, "invalid_scenario", "%s", first[0] ? first : "not a scenario");
		c->result = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid_scenario",
				      "message", c->msg, "errors", errors_json(&j->errs));
		return;
	}
	if (rc) {
		api_fail(c, rc == EOVERFLOW ? 413 : 500, rc == EOVERFLOW ? "too_large" : "internal",
			 "cannot store the scenario: %s", strerror(rc));
		return;
	}
	db_query_int(db, "SELECT id FROM scenarios WHERE tenant_id = ? AND name = ?",
		     (struct db_value[]){ DBV_INT(c->scope),
					  DBV_TEXT(json_string_value(json_object_get(c->body, "name"))
							   ?: "") },
		     2, &id);
	c->result = api_res_load(db, &api_res_scenarios, id, c->scope);
	if (!c->result) {
		api_fail(c, 500, "internal", "the saved scenario cannot be read back");
		return;
	}
	json_object_set_new(c->result, "version", json_integer(version));
	c->changed = API_CHANGED_SCENARIOS; /* calls run the new version from now on */
	c->changed_set = true;
	c->changed_tenant = c->scope;
	api_audit(db, c, c->scope, "save", "scenario", json_string_value(json_object_get(c->result, "name")),
		  NULL, c->body);
	c->status = 201;
}

void api_scenarios_save(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *act;
	struct save_job *j;
	size_t len;
	const char *body;

	if (!c)
		return;
	body = http_req_body(r, &len);
	act = json_string_value(json_object_get(c->query, "activate"));
	j = xcalloc(1, sizeof(*j));
	j->json = xstrndup(body, len);
	j->len = len;
	j->activate = !act || strcmp(act, "false");
	c->extra = j;
	c->extra_free = save_free;
	c->res = &api_res_scenarios;
	c->act = ACT_CREATE;
	c->db_fn = save_op;
	if (!c->body) {
		api_fail(c, 400, "bad_json", "send the scenario document as the body");
		api_reply(c);
		return;
	}
	json_object_del(c->query, "activate");
	api_run(c);
}

/* ---- versions ---- */

static int version_row(const struct store_scenario_version_row *v, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I,s:b,s:I}", "version", (json_int_t)v->version,
					     "active", v->active, "created_at",
					     (json_int_t)v->created_at));
	return 0;
}

static int version_doc(const struct store_scenario_version_row *v, void *arg)
{
	json_error_t e;
	json_t **out = arg;
	*out = json_loadb(v->json, v->json_len, 0, &e);
	return 0;
}

static void versions_op(struct db *db, struct api_ctx *c)
{
	json_t *s = api_res_load(db, &api_res_scenarios, c->id, c->scope);
	const char *vs = http_req_param(c->r, "version");
	const char *name;

	if (!s) {
		api_fail(c, 404, "not_found", "no scenario %lld", (long long)c->id);
		return;
	}
	name = json_string_value(json_object_get(s, "name"));
	int64_t tenant = json_integer_value(json_object_get(s, "tenant_id"));
	if (vs) {
		char *end;
		long long v = strtoll(vs, &end, 10);
		json_t *doc = NULL;
		if (*end || v < 1 || store_scenario_get(db, tenant, name, v, version_doc, &doc) || !doc)
			api_fail(c, 404, "not_found", "scenario %lld has no version %.20s",
				 (long long)c->id, vs);
		c->result = doc;
	} else {
		json_t *items = json_array();
		store_scenario_versions(db, tenant, name, version_row, items);
		c->result = json_pack("{s:o}", "items", items);
	}
	if (c->status < 400)
		c->status = 200;
	json_decref(s);
}

void api_scenarios_versions(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "scenarios", ACT_GET, versions_op, NULL);
	if (c)
		api_run(c);
}
