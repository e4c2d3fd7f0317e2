/*
 * API tokens: created by a signed-in user for themselves, shown once, stored as
 * SHA-256; read-scoped or with the user's rights; revoked, never deleted.
 * Admins see and revoke the tokens of their tenant, others only their own.
 */
#include <stdio.h>
#include <string.h>

#include "api/resource.h"
#include "core/time.h"
#include "store/db.h"

#define BIG INT64_MAX

static bool sees_all(const struct api_ctx *c)
{
	return c->who.role >= ROLE_ADMIN;
}

static bool token_where(struct api_ctx *c, struct buf *where, struct db_value *p, size_t *np,
			char *texts, size_t textlen)
{
	if (!sees_all(c)) {
		buf_puts(where, " AND user_id = ?");
		p[(*np)++] = DBV_INT(c->who.user_id);
	}
	return true;
}

static const struct api_field token_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "user_id", .type = FT_INT, .flags = FF_RO | FF_FILTER, .min = 0, .max = BIG },
	{ .name = "name", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 63 },
	{ .name = "prefix", .type = FT_TEXT, .flags = FF_RO, .min = 0, .max = 16 },
	{ .name = "scope", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .min = 0, .max = 8 },
	{ .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "expires_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "last_used_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "revoked_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = NULL },
};

const struct api_resource api_res_tokens = {
	.name = "tokens", .table = "api_tokens", .object = "token", .tenant_col = "tenant_id",
	.fields = token_fields, .ops = ACT_LIST | ACT_GET, .sort_default = "-id",
	.list_where = token_where, .changes = -1,
};

struct token_new {
	const char *name, *scope;
	int64_t days;
};

static void token_create_op(struct db *db, struct api_ctx *c)
{
	struct token_new *t = c->extra;
	char token[80], hash[65], prefix[13];
	int64_t now = (int64_t)time_wall_ms(), exp = t->days ? now + t->days * 86400000LL : 0;
	struct db_value tenant = c->who.tenant_id ? DBV_INT(c->who.tenant_id) : DBV_NULL;

	api_random_token("zvt_", token, sizeof(token));
	api_sha256_hex(token, hash);
	snprintf(prefix, sizeof(prefix), "%.12s", token);
	struct db_value p[7] = { tenant, DBV_INT(c->who.user_id), DBV_TEXT(t->name),
				 DBV_TEXT(prefix), DBV_TEXT(hash), DBV_TEXT(t->scope), DBV_INT(now) };
	struct db_value e[1] = { DBV_INT(exp) };
	if (db_exec(db, "INSERT INTO api_tokens (tenant_id, user_id, name, prefix, token_hash, "
			"scope, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", p, 7) ||
	    db_exec(db, "UPDATE api_tokens SET expires_at = ? WHERE id = last_insert_rowid()", e,
		    1)) {
		api_fail(c, 500, "internal", "cannot store the token: %s", db_errmsg(db));
		return;
	}
	c->result = api_res_load(db, &api_res_tokens, db_last_insert_id(db), 0);
	api_audit(db, c, c->who.tenant_id, "create", "token", prefix, NULL, c->result);
	json_object_set_new(c->result, "token", json_string(token));
	c->status = 201;
}

void api_tokens_create(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	static const char *const keys[] = { "name", "scope", "expires_in_days", NULL };
	struct token_new *t;
	json_int_t days = 0;

	if (!c)
		return;
	t = calloc(1, sizeof(*t));
	c->extra = t;
	c->extra_free = free;
	c->perm = "tokens";
	c->act = ACT_CREATE;
	c->db_fn = token_create_op;
	if (!c->body)
		api_fail(c, 400, "bad_json", "send {\"name\": ..., \"scope\": \"read\"|\"write\"}");
	else if (api_json_only_keys(c, keys, "name, scope, expires_in_days") &&
		 api_json_str(c, c->body, "name", true, 63, &t->name) &&
		 api_json_str(c, c->body, "scope", false, 8, &t->scope) &&
		 api_json_int(c, "expires_in_days", 1, 3650, &days)) {
		if (!t->scope)
			t->scope = "write";
		if (strcmp(t->scope, "read") && strcmp(t->scope, "write"))
			api_fail(c, 400, "invalid", "field 'scope' is read or write");
		t->days = days;
	}
	if (c->status >= 400) {
		api_reply(c);
		return;
	}
	api_run(c);
}

static void token_revoke_op(struct db *db, struct api_ctx *c)
{
	json_t *before = api_res_load(db, &api_res_tokens, c->id, c->scope);
	int64_t owner = json_integer_value(json_object_get(before, "user_id"));

	if (!before || (!sees_all(c) && owner != c->who.user_id)) {
		api_fail(c, 404, "not_found", "no token %lld", (long long)c->id);
		json_decref(before);
		return;
	}
	db_exec(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0",
		(struct db_value[]){ DBV_INT((int64_t)time_wall_ms()), DBV_INT(c->id) }, 2);
	api_audit(db, c, json_integer_value(json_object_get(before, "tenant_id")), "revoke", "token",
		  json_string_value(json_object_get(before, "prefix")), before, NULL);
	json_decref(before);
	c->status = 204;
}

void api_tokens_revoke(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "tokens", ACT_DELETE, token_revoke_op, NULL);
	if (c)
		api_run(c);
}
