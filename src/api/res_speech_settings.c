/*
 * A tenant's speech settings (jobs/jobs_settings.c): GET shows them with the API keys
 * replaced by "<name>_set", PATCH changes the fields given ("" clears a text). Backends are
 * checked against their descriptors: a TTS backend must synthesize, and so on. The jobs
 * read the settings at each start, so a change applies from the next job on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "store/db.h"

static bool tenant_of(struct db *db, struct api_ctx *c)
{
	int64_t exists = 0;

	if (!c->scope) {
		api_fail(c, 400, "invalid_query",
			 "the platform operator names the tenant with "
			 "?tenant_id=");
		return false;
	}
	if (db_query_int(db, "SELECT COUNT(*) FROM tenants WHERE id = ?",
			 (struct db_value[]){DBV_INT(c->scope)}, 1, &exists) ||
	    !exists) {
		api_fail(c, 404, "not_found", "no tenant %lld", (long long)c->scope);
		return false;
	}
	return true;
}

static json_t *settings_json(struct db *db, int64_t tenant)
{
	char *s = jobs_db_speech(db, tenant, false);
	json_t *j = json_loads(s ? s : "{}", 0, NULL);

	free(s);
	return j;
}

static void get_op(struct db *db, struct api_ctx *c)
{
	if (!tenant_of(db, c))
		return;
	c->result = settings_json(db, c->scope);
	c->status = 200;
}

void api_speech_settings_get(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "speech_settings", ACT_GET, get_op, NULL);

	if (c)
		api_run(c);
}

/* str is one of the "|"-separated choices. */
static bool choice_ok(const char *choices, const char *str)
{
	size_t n = strlen(str);

	for (const char *p = choices;; p++) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && !strncmp(p, str, n))
			return true;
		if (!end)
			return false;
		p = end;
	}
}

/* One field of the body against its setting: a string or an integer in range. */
static bool check_field(struct api_ctx *c, const struct jobs_setting *s, json_t *v)
{
	const char *str = json_string_value(v);
	const struct speech_backend *b;

	if (s->kind == JS_INT)
		return api_json_int(c, s->name, s->lo, s->hi, &(json_int_t){0});
	if (!api_json_str(c, c->body, s->name, false, (size_t)s->hi, &str))
		return false;
	if (s->kind == JS_URL && *str && strncmp(str, "http://", 7) &&
	    strncmp(str, "https://", 8)) {
		api_fail(c, 400, "invalid", "field '%s' is an http:// or https:// URL", s->name);
		return false;
	}
	if (s->kind == JS_CHOICE && !choice_ok(s->op, str)) {
		api_fail(c, 400, "invalid", "field '%s' is %s", s->name, s->hint);
		return false;
	}
	if (s->kind != JS_BACKEND)
		return true;
	b = speech_backend_find(str);
	if (!b || (!strcmp(s->op, "synthesize") && !b->synthesize) ||
	    (!strcmp(s->op, "transcribe") && !b->transcribe_file) ||
	    (!strcmp(s->op, "summarize") && !b->summarize)) {
		api_fail(c, 400, "invalid", "field '%s' is %s", s->name, s->hint);
		return false;
	}
	return true;
}

static bool check_body(struct api_ctx *c)
{
	const char *k;
	json_t *v;

	if (!c->body || !json_object_size(c->body)) {
		api_fail(c, 400, "bad_json", "send the settings to change as a JSON object");
		return false;
	}
	json_object_foreach(c->body, k, v)
	{
		const struct jobs_setting *s = jobs_setting_find(k);
		if (!s) {
			api_fail(c, 400, "unknown_field", "unknown field '%s'", k);
			return false;
		}
		if (!check_field(c, s, v))
			return false;
	}
	return true;
}

static int store_field(struct db *db, int64_t tenant, const struct jobs_setting *s, json_t *v)
{
	struct db_value p[2] = {json_is_integer(v) ? DBV_INT(json_integer_value(v))
						   : DBV_TEXT(json_string_value(v)),
				DBV_INT(tenant)};
	char sql[128];

	/* the column name comes from jobs_settings[], never from the request */
	snprintf(sql, sizeof(sql), "UPDATE speech_settings SET %s = ? WHERE tenant_id = ?",
		 s->name);
	return db_exec(db, sql, p, 2);
}

static void patch_op(struct db *db, struct api_ctx *c)
{
	json_t *before, *v;
	const char *k;
	int rc;

	if (!tenant_of(db, c))
		return;
	before = settings_json(db, c->scope);
	rc = db_exec(db,
		     "INSERT INTO speech_settings (tenant_id) VALUES (?) "
		     "ON CONFLICT (tenant_id) DO NOTHING",
		     (struct db_value[]){DBV_INT(c->scope)}, 1);
	json_object_foreach(c->body, k, v)
	{
		if (!rc)
			rc = store_field(db, c->scope, jobs_setting_find(k), v);
	}
	if (!rc)
		rc = db_exec(
		    db, "UPDATE speech_settings SET updated_at = ? WHERE tenant_id = ?",
		    (struct db_value[]){DBV_INT((int64_t)time_wall_ms()), DBV_INT(c->scope)}, 2);
	if (rc) {
		json_decref(before);
		api_fail(c, 500, "internal", "cannot store the settings: %s", db_errmsg(db));
		return;
	}
	c->result = settings_json(db, c->scope);
	api_audit(db, c, c->scope, "update", "speech_settings", NULL, before, c->result);
	json_decref(before);
	c->status = 200;
}

void api_speech_settings_patch(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "speech_settings", ACT_UPDATE, patch_op, NULL);

	if (!c)
		return;
	if (!check_body(c)) {
		api_reply(c);
		return;
	}
	api_run(c);
}
