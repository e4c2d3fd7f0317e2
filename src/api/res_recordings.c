/*
 * Recordings and voicemail over the API: the recorded files (calls, record steps, voicemail
 * messages with their mailbox and new/old folder) listed and filtered as a resource, one
 * downloaded as WAV (a sensitive read: audited) or deleted with its file; the rules of what is
 * recorded, the mailboxes (PIN write-only) and each tenant's recording settings (GET/PATCH).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/res_fields.h"
#include "api/resource.h"
#include "core/mem.h"
#include "core/time.h"
#include "store/db.h"

enum { REC_DOWNLOAD_MAX = 1 << 30 };

static bool check_folder(const char *s)
{
	return !strcmp(s, "new") || !strcmp(s, "old");
}

static bool check_rule_kind(const char *s)
{
	return !strcmp(s, "extension") || !strcmp(s, "number");
}

static bool check_pin(const char *s)
{
	return strlen(s) >= 4 && strspn(s, "0123456789") == strlen(s);
}

static bool check_prompt(const char *s)
{
	size_t n = strlen(s);
	return n == 0 || (s[0] != '.' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
						   "TUVWXYZ0123456789_.-") == n);
}

static const struct api_field recording_fields[] = {
    F_ID,
    F_TENANT,
    {.name = "name", .type = FT_TEXT, .flags = FF_RO, .max = 96},
    {.name = "kind", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 16},
    {.name = "call_uuid", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 40},
    {.name = "caller", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 128},
    {.name = "callee", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 128},
    {.name = "mailbox", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 64},
    {.name = "folder",
     .type = FT_TEXT,
     .flags = FF_FILTER,
     .min = 3,
     .max = 3,
     .check = check_folder,
     .hint = "new or old"},
    {.name = "status", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 12},
    {.name = "seconds", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG},
    {.name = "channels", .type = FT_INT, .flags = FF_RO, .max = 2},
    {.name = "rate", .type = FT_INT, .flags = FF_RO, .max = 48000},
    {.name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG},
    {.name = "ended_at", .type = FT_INT, .flags = FF_RO, .max = BIG},
    F_END,
};

/* Only a voicemail message has a folder to move between. */
static bool recording_prepare(struct db *db, struct api_ctx *c, json_t *row, bool create)
{
	int64_t vm = 0;

	if (db_query_int(db, "SELECT COUNT(*) FROM recordings WHERE id = ? AND kind = 'voicemail'",
			 (struct db_value[]){DBV_INT(c->id)}, 1, &vm) ||
	    !vm) {
		api_fail(c, 400, "invalid", "only a voicemail message has a folder");
		return false;
	}
	return true;
}

const struct api_resource api_res_recordings = {
    .name = "recordings",
    .table = "recordings",
    .object = "recording",
    .tenant_col = "tenant_id",
    .fields = recording_fields,
    .ops = ACT_LIST | ACT_GET | ACT_UPDATE,
    .sort_default = "-created_at",
    .prepare = recording_prepare,
    .changes = -1,
};

static const struct api_field rule_fields[] = {
    F_ID,
    F_TENANT,
    {.name = "kind",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_FILTER,
     .min = 6,
     .max = 9,
     .check = check_rule_kind,
     .hint = "extension or number"},
    {.name = "value",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_FILTER,
     .min = 1,
     .max = 63,
     .check = api_check_name,
     .hint = NAME_HINT},
    {.name = "record", .type = FT_BOOL, .flags = FF_FILTER, .max = 1},
    {.name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG},
    F_END,
};

const struct api_resource api_res_recording_rules = {
    .name = "recording_rules",
    .table = "recording_rules",
    .object = "recording rule",
    .tenant_col = "tenant_id",
    .fields = rule_fields,
    .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
    .sort_default = "id",
    .changes = API_CHANGED_RECORDING,
};

static const struct api_field mailbox_fields[] = {
    F_ID,
    F_TENANT,
    {.name = "extension",
     .type = FT_TEXT,
     .flags = FF_REQUIRED | FF_FILTER | FF_SORT,
     .min = 1,
     .max = 63,
     .check = api_check_name,
     .hint = NAME_HINT},
    {.name = "pin",
     .type = FT_TEXT,
     .flags = FF_WRITEONLY,
     .min = 4,
     .max = 15,
     .check = check_pin,
     .hint = "4-15 digits"},
    {.name = "max_seconds", .type = FT_INT, .flags = 0, .min = 1, .max = 3600},
    {.name = "greeting",
     .type = FT_TEXT,
     .flags = 0,
     .min = 0,
     .max = 63,
     .check = check_prompt,
     .hint = "a prompt name, or \"\" for the shipped greeting"},
    {.name = "enabled", .type = FT_BOOL, .flags = FF_FILTER, .max = 1},
    {.name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG},
    F_END,
};

const struct api_resource api_res_mailboxes = {
    .name = "mailboxes",
    .table = "mailboxes",
    .object = "mailbox",
    .tenant_col = "tenant_id",
    .fields = mailbox_fields,
    .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
    .sort_default = "extension",
    .changes = API_CHANGED_RECORDING,
};

/* ---- one recording's file: download, delete ---- */

struct rec_file {
	int64_t tenant;
	char name[96];
	char *data; /* owned: the file, for the reply */
	size_t len;
};

static int rec_row(const struct db_row *row, void *arg)
{
	struct rec_file *f = arg;

	f->tenant = row->cols[0].i;
	db_value_copy(&row->cols[1], f->name, sizeof(f->name));
	return 1;
}

/* The row of c->id inside the caller's tenant: false after api_fail. */
static bool rec_find(struct db *db, struct api_ctx *c, struct rec_file *f, char *path, size_t size)
{
	f->name[0] = '\0';
	db_query(db,
		 "SELECT tenant_id, name FROM recordings WHERE id = ? AND (? = 0 OR "
		 "tenant_id = ?)",
		 (struct db_value[]){DBV_INT(c->id), DBV_INT(c->scope), DBV_INT(c->scope)}, 3,
		 rec_row, f);
	if (!f->name[0] || strchr(f->name, '/')) {
		api_fail(c, 404, "not_found", "no such recording");
		return false;
	}
	snprintf(path, size, "%s/%lld/%s", c->api->recordings_dir, (long long)f->tenant, f->name);
	return true;
}

static void audio_op(struct db *db, struct api_ctx *c)
{
	struct rec_file *f = c->extra;
	char path[4400];
	struct stat st;

	if (!rec_find(db, c, f, path, sizeof(path)))
		return;
	FILE *fp = fopen(path, "rb");
	if (!fp || fstat(fileno(fp), &st) || st.st_size > REC_DOWNLOAD_MAX) {
		if (fp)
			fclose(fp);
		api_fail(c, 404, "not_found", "the recording's file is not there (yet)");
		return;
	}
	f->data = xmalloc((size_t)st.st_size + 1);
	f->len = fread(f->data, 1, (size_t)st.st_size, fp);
	fclose(fp);
	/* listening to a call is a sensitive read: the tenant's audit log says who did */
	api_audit(db, c, f->tenant, "download", "recording", f->name, NULL, NULL);
	c->status = 200;
}

static void audio_live(struct api_ctx *c)
{
	struct rec_file *f = c->extra;

	http_reply(c->r, 200, "audio/wav", f->data, f->len);
	api_ctx_done(c);
}

static void delete_op(struct db *db, struct api_ctx *c)
{
	struct rec_file *f = c->extra;
	char path[4400];

	if (!rec_find(db, c, f, path, sizeof(path)))
		return;
	if (unlink(path) && errno != ENOENT) {
		api_fail(c, 500, "storage", "the file cannot be removed: %s", strerror(errno));
		return;
	}
	db_exec(db, "DELETE FROM recordings WHERE id = ?", (struct db_value[]){DBV_INT(c->id)}, 1);
	api_audit(db, c, f->tenant, "delete", "recording", f->name, NULL, NULL);
	c->status = 204;
}

static void rec_file_free(void *arg)
{
	struct rec_file *f = arg;
	free(f->data);
	free(f);
}

static void file_route(struct http_req *r, void *arg, enum api_action act, api_db_fn *fn,
		       api_live_fn *live)
{
	struct api_ctx *c = api_route_ctx(r, arg, "recordings", act, fn, live);

	if (!c)
		return;
	c->extra = xcalloc(1, sizeof(struct rec_file));
	c->extra_free = rec_file_free;
	api_run(c);
}

void api_recordings_audio(struct http_req *r, void *arg)
{
	file_route(r, arg, ACT_GET, audio_op, audio_live);
}

void api_recordings_delete(struct http_req *r, void *arg)
{
	file_route(r, arg, ACT_DELETE, delete_op, NULL);
}

/* ---- the tenant's settings ---- */

static const char *const setting_keys[] = {"record_calls", "announce_prompt", "optout_key",
					   "rate",	   "retention_days",  NULL};

static int settings_row(const struct db_row *row, void *arg)
{
	json_t *o = arg;
	char prompt[64] = "", key[4] = "";

	db_value_copy(&row->cols[1], prompt, sizeof(prompt));
	db_value_copy(&row->cols[2], key, sizeof(key));
	json_object_set_new(o, "record_calls", json_boolean(row->cols[0].i));
	json_object_set_new(o, "announce_prompt", json_string(prompt));
	json_object_set_new(o, "optout_key", json_string(key));
	json_object_set_new(o, "rate", json_integer(row->cols[3].i));
	json_object_set_new(o, "retention_days", json_integer(row->cols[4].i));
	return 1;
}

/* The row, or the defaults a tenant without one has (nothing recorded). */
static json_t *settings_json(struct db *db, int64_t tenant)
{
	json_t *o =
	    json_pack("{s:b,s:s,s:s,s:i,s:i}", "record_calls", 0, "announce_prompt",
		      "recording-notice", "optout_key", "9", "rate", 8000, "retention_days", 90);

	db_query(db,
		 "SELECT record_calls, announce_prompt, optout_key, rate, retention_days FROM "
		 "recording_settings WHERE tenant_id = ?",
		 (struct db_value[]){DBV_INT(tenant)}, 1, settings_row, o);
	return o;
}

static bool need_tenant(struct api_ctx *c)
{
	if (c->scope)
		return true;
	api_fail(c, 400, "invalid_query",
		 "the platform operator names the tenant with ?tenant_id=");
	return false;
}

static void settings_get_op(struct db *db, struct api_ctx *c)
{
	if (!need_tenant(c))
		return;
	c->result = settings_json(db, c->scope);
	c->status = 200;
}

void api_recording_settings_get(struct http_req *r, void *arg)
{
	struct api_ctx *c =
	    api_route_ctx(r, arg, "recording_settings", ACT_GET, settings_get_op, NULL);
	if (c)
		api_run(c);
}

static bool settings_check(struct api_ctx *c)
{
	const char *s;
	json_int_t v;
	json_t *b;

	if (!c->body || !json_is_object(c->body) || !json_object_size(c->body)) {
		api_fail(c, 400, "bad_json", "send the settings to change as a JSON object");
		return false;
	}
	if (!api_json_only_keys(c, setting_keys,
				"record_calls, announce_prompt, optout_key, "
				"rate, retention_days"))
		return false;
	if ((b = json_object_get(c->body, "record_calls")) && !json_is_boolean(b)) {
		api_fail(c, 400, "invalid", "field 'record_calls' is true or false");
		return false;
	}
	s = NULL;
	if (!api_json_str(c, c->body, "announce_prompt", false, 63, &s))
		return false;
	if (s && !check_prompt(s)) {
		api_fail(c, 400, "invalid", "field 'announce_prompt' is a prompt name or \"\"");
		return false;
	}
	s = NULL;
	if (!api_json_str(c, c->body, "optout_key", false, 1, &s))
		return false;
	if (s && *s && !strchr("0123456789*#", *s)) {
		api_fail(c, 400, "invalid", "field 'optout_key' is one of 0-9 * # or \"\"");
		return false;
	}
	v = 8000;
	if (!api_json_int(c, "rate", 8000, 16000, &v))
		return false;
	if (v != 8000 && v != 16000) {
		api_fail(c, 400, "invalid", "field 'rate' is 8000 or 16000");
		return false;
	}
	return api_json_int(c, "retention_days", 0, 36500, &v);
}

static void settings_patch_op(struct db *db, struct api_ctx *c)
{
	const char *k;
	json_t *v;
	int rc;

	if (!need_tenant(c))
		return;
	json_t *before = settings_json(db, c->scope);
	rc = db_exec(db,
		     "INSERT INTO recording_settings (tenant_id) VALUES (?) ON CONFLICT "
		     "(tenant_id) DO NOTHING",
		     (struct db_value[]){DBV_INT(c->scope)}, 1);
	json_object_foreach(c->body, k, v)
	{
		char sql[128];
		/* k is one of setting_keys (checked on the loop), never the client's own text */
		snprintf(sql, sizeof(sql),
			 "UPDATE recording_settings SET %s = ? WHERE tenant_id = ?", k);
		struct db_value p[2] = {json_is_string(v)    ? DBV_TEXT(json_string_value(v))
					: json_is_boolean(v) ? DBV_INT(json_is_true(v))
							     : DBV_INT(json_integer_value(v)),
					DBV_INT(c->scope)};
		if (!rc)
			rc = db_exec(db, sql, p, 2);
	}
	if (!rc)
		rc = db_exec(
		    db, "UPDATE recording_settings SET updated_at = ? WHERE tenant_id = ?",
		    (struct db_value[]){DBV_INT((int64_t)time_wall_ms()), DBV_INT(c->scope)}, 2);
	if (rc) {
		json_decref(before);
		api_fail(c, 500, "internal", "cannot store the settings: %s", db_errmsg(db));
		return;
	}
	c->result = settings_json(db, c->scope);
	api_audit(db, c, c->scope, "update", "recording_settings", NULL, before, c->result);
	json_decref(before);
	c->changed = API_CHANGED_RECORDING;
	c->changed_set = true;
	c->changed_tenant = c->scope;
	c->status = 200;
}

void api_recording_settings_patch(struct http_req *r, void *arg)
{
	struct api_ctx *c =
	    api_route_ctx(r, arg, "recording_settings", ACT_UPDATE, settings_patch_op, NULL);
	if (!c)
		return;
	if (!settings_check(c)) {
		api_reply(c);
		return;
	}
	api_run(c);
}
