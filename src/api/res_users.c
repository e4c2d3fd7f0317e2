/*
 * People of a tenant: logins with roles. Nobody grants a role above their own,
 * an admin cannot touch an owner, and passwords arrive here already hashed.
 */
#include <stdio.h>
#include <string.h>

#include "api/resource.h"
#include "store/db.h"

#define BIG INT64_MAX

static bool status_ok(const char *s)
{
	return !strcmp(s, "active") || !strcmp(s, "blocked") || !strcmp(s, "archived");
}

static bool role_ok(const char *s)
{
	enum api_role r = api_role_parse(s);
	return r != ROLE_NONE && r != ROLE_OPERATOR;
}

static int role_row(const struct db_row *row, void *arg)
{
	char role[32];
	db_value_copy(&row->cols[0], role, sizeof(role));
	*(enum api_role *)arg = api_role_parse(role);
	return 1;
}

static bool user_prepare(struct db *db, struct api_ctx *c, json_t *row, bool create)
{
	const char *role = json_string_value(json_object_get(row, "role"));
	enum api_role target = ROLE_NONE;

	if (!create) {
		db_query(db, "SELECT role FROM users WHERE id = ?",
			 (struct db_value[]){ DBV_INT(c->id) }, 1, role_row, &target);
		if (target > c->who.role) {
			api_fail(c, 403, "forbidden", "a %s cannot change a %s",
				 api_role_name(c->who.role), api_role_name(target));
			return false;
		}
		if (c->id == c->who.user_id && (role || json_object_get(row, "status"))) {
			api_fail(c, 403, "forbidden", "you cannot change your own role or status");
			return false;
		}
	}
	if (role && api_role_parse(role) > c->who.role) {
		api_fail(c, 403, "forbidden", "a %s cannot grant the role %s",
			 api_role_name(c->who.role), role);
		return false;
	}
	if (json_object_get(row, "password")) {
		json_object_del(row, "password");
		json_object_set_new(row, "password_hash", json_string(c->extra));
		json_object_set_new(row, "failed_logins", json_integer(0));
	} else if (create) {
		json_object_set_new(row, "password_hash", json_string("")); /* no login until set */
	}
	return true;
}

static const struct api_field user_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "login", .type = FT_TEXT, .flags = FF_REQUIRED | FF_CREATE_ONLY | FF_FILTER | FF_SORT, .min = 3, .max = 63, .check = api_check_login, .hint = "3-63 of A-Z a-z 0-9 - _ . + @" },
	{ .name = "name", .type = FT_TEXT, .flags = FF_SORT, .min = 0, .max = 127 },
	{ .name = "email", .type = FT_TEXT, .flags = FF_FILTER, .min = 0, .max = 254 },
	{ .name = "role", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER, .min = 1, .max = 16, .check = role_ok, .hint = "owner, admin, supervisor, agent or readonly" },
	{ .name = "status", .type = FT_TEXT, .flags = FF_FILTER, .min = 1, .max = 16, .check = status_ok, .hint = "active, blocked or archived" },
	{ .name = "password", .type = FT_TEXT, .flags = FF_SECRET, .min = 0, .max = 128 },
	{ .name = "password_hash", .type = FT_TEXT, .flags = FF_INTERNAL, .min = 0, .max = 255 },
	{ .name = "failed_logins", .type = FT_INT, .flags = FF_INTERNAL, .min = 0, .max = BIG },
	{ .name = "locked_until", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "updated_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = NULL },
};

const struct api_resource api_res_users = {
	.name = "users", .table = "users", .object = "user", .tenant_col = "tenant_id",
	.fields = user_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE,
	.sort_default = "login", .prepare = user_prepare, .changes = -1,
	.argon2_secret = "password",
};
