/* The extensions resource (sip_users): the secret is write-only, stored as digest HA1s. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/res_fields.h"
#include "api/resource.h"
#include "core/mem.h"
#include "sip/auth.h"

static int text_row(const struct db_row *row, void *arg)
{
	char **out = arg;
	for (size_t i = 0; i < row->ncols; i++)
		db_value_copy(&row->cols[i], out[i], 256);
	return 1;
}

static void sip_password(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i + 1 < len; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[len - 1] = '\0';
}

/* HA1s need the user part and the tenant's domain: from the row, or the stored extension. */
static bool extension_prepare(struct db *db, struct api_ctx *c, json_t *row, bool create)
{
	const char *pw = json_string_value(json_object_get(row, "password"));
	char number[256] = "", domain[256] = "", md5[65], sha[65];
	char *cols[2] = { number, domain };

	if (!create && !pw)
		return true;
	if (pw && strlen(pw) < 8) {
		api_fail(c, 400, "weak_password", "a SIP password has at least 8 characters");
		return false;
	}
	if (create) {
		snprintf(number, sizeof(number), "%s", json_string_value(json_object_get(row, "number")));
		db_query(db, "SELECT domain FROM tenants WHERE id = ?",
			 (struct db_value[]){ DBV_INT(c->scope) }, 1, text_row, &cols[1]);
	} else {
		db_query(db, "SELECT s.number, t.domain FROM sip_users s JOIN tenants t ON "
			     "t.id = s.tenant_id WHERE s.id = ?",
			 (struct db_value[]){ DBV_INT(c->id) }, 1, text_row, cols);
	}
	if (!pw) {
		c->extra = xcalloc(1, 17);
		c->extra_free = free;
		sip_password(c->extra, 17);
		pw = c->extra;
	}
	sip_digest_ha1(SIP_DIGEST_MD5, str_c(number), str_c(domain), str_c(pw), md5);
	sip_digest_ha1(SIP_DIGEST_SHA256, str_c(number), str_c(domain), str_c(pw), sha);
	json_object_set_new(row, "realm", json_string(domain));
	json_object_set_new(row, "ha1_md5", json_string(md5));
	json_object_set_new(row, "ha1_sha256", json_string(sha));
	json_object_del(row, "password");
	return true;
}

static const struct api_field extension_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "number", .type = FT_TEXT, .flags = FF_REQUIRED | FF_CREATE_ONLY | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = api_check_name, .hint = NAME_HINT },
	{ .name = "display_name", .type = FT_TEXT, .flags = FF_SORT, .min = 0, .max = 127, .check = NULL, .hint = NULL },
	{ .name = "enabled", .type = FT_BOOL, .flags = FF_FILTER, .min = 0, .max = 1, .check = NULL, .hint = NULL },
	{ .name = "max_contacts", .type = FT_INT, .flags = 0, .min = 0, .max = 100, .check = NULL, .hint = NULL },
	{ .name = "caller_id", .type = FT_TEXT, .flags = 0, .min = 0, .max = 63, .check = api_check_number, .hint = NUMBER_HINT },
	{ .name = "scenario_id", .type = FT_INT, .flags = FF_FILTER, .min = 1, .max = BIG,
	  .ref = "scenarios" },
	{ .name = "dnd", .type = FT_BOOL, .flags = FF_FILTER, .min = 0, .max = 1 },
	{ .name = "privacy", .type = FT_BOOL, .min = 0, .max = 1,
	  .hint = "withhold the number on calls out (dial *67 for one call)" },
	{ .name = "forward_always", .type = FT_TEXT, .min = 0, .max = 63, .check = api_check_name, .hint = FORWARD_HINT },
	{ .name = "forward_busy", .type = FT_TEXT, .min = 0, .max = 63, .check = api_check_name, .hint = FORWARD_HINT },
	{ .name = "forward_no_answer", .type = FT_TEXT, .min = 0, .max = 63, .check = api_check_name, .hint = FORWARD_HINT },
	{ .name = "forward_no_answer_s", .type = FT_INT, .min = 5, .max = 300 },
	{ .name = "forward_unavailable", .type = FT_TEXT, .min = 0, .max = 63, .check = api_check_name, .hint = FORWARD_HINT },
	{ .name = "password", .type = FT_TEXT, .flags = FF_SECRET, .min = 0, .max = 128, .check = NULL, .hint = NULL },
	{ .name = "realm", .type = FT_TEXT, .flags = FF_INTERNAL, .min = 0, .max = 255, .check = NULL, .hint = NULL },
	{ .name = "ha1_md5", .type = FT_TEXT, .flags = FF_INTERNAL, .max = 64 },
	{ .name = "ha1_sha256", .type = FT_TEXT, .flags = FF_INTERNAL, .max = 64 },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_extensions = {
	.name = "extensions", .table = "sip_users", .object = "extension", .tenant_col = "tenant_id",
	.fields = extension_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "number", .prepare = extension_prepare, .changes = API_CHANGED_DIRECTORY,
	.key_col = "number", .create_secret = "password", .stamps_in_s = true,
};
