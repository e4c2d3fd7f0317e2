/* Black and white lists of numbers (per tenant, or per number) and their entries. */
#include <string.h>

#include "api/res_fields.h"
#include "api/resource.h"
#include "scenario/scenario.h"

static bool check_mode(const char *s)
{
	return !strcmp(s, "block") || !strcmp(s, "allow") || !strcmp(s, "plain");
}

static bool check_action(const char *s)
{
	return !strcmp(s, "busy") || !strcmp(s, "reject");
}

/* A number, a prefix ("7916*"), "anonymous", or an "_X." pattern that can match. */
static bool check_pattern(const char *s)
{
	char err[128];

	if (!strcmp(s, "anonymous"))
		return true;
	if (s[0] == '_')
		return strlen(s) > 1 && scenario_pattern_check(s, err, sizeof(err)) == 0;
	size_t n = strlen(s), digits = strspn(s + (s[0] == '+'), "0123456789");
	return n && digits && digits + (s[0] == '+') + (s[n - 1] == '*') == n;
}

static const struct api_field list_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = api_check_name, .hint = NAME_HINT },
	{ .name = "mode", .type = FT_TEXT, .flags = FF_FILTER, .min = 1, .max = 5, .check = check_mode, .hint = "block, allow or plain" },
	{ .name = "action", .type = FT_TEXT, .min = 1, .max = 6, .check = check_action, .hint = "busy or reject" },
	{ .name = "number_id", .type = FT_INT, .flags = FF_FILTER, .min = 1, .max = BIG, .ref = "numbers" },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_lists = {
	.name = "lists", .table = "number_lists", .object = "list", .tenant_col = "tenant_id",
	.fields = list_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "name", .changes = API_CHANGED_LISTS, .stamps_in_s = true,
};

static const struct api_field entry_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "list_id", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER | FF_CREATE_ONLY, .min = 1, .max = BIG, .ref = "number_lists" },
	{ .name = "pattern", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = check_pattern, .hint = "a number, a prefix like 7916*, anonymous, or a pattern like _79XXXXXXXXX" },
	{ .name = "note", .type = FT_TEXT, .min = 0, .max = 255 },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_list_entries = {
	.name = "list_entries", .table = "number_list_entries", .object = "list entry",
	.tenant_col = "tenant_id", .fields = entry_fields,
	.ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "pattern", .changes = API_CHANGED_LISTS, .stamps_in_s = true,
};
