/* Trunks to providers, the numbers (DIDs) they bring, the outbound routes over them. */
#include "api/res_fields.h"
#include "api/resource.h"

static const struct api_field trunk_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = api_check_name, .hint = NAME_HINT },
	{ .name = "host", .type = FT_TEXT, .flags = FF_REQUIRED, .min = 1, .max = 255, .check = api_check_hostport, .hint = "host or host:port" },
	{ .name = "transport", .type = FT_TEXT, .flags = 0, .min = 1, .max = 3, .check = api_check_transport, .hint = "udp, tcp or tls" },
	{ .name = "domain", .type = FT_TEXT, .flags = 0, .min = 0, .max = 255, .check = api_check_domain, .hint = "a DNS name" },
	{ .name = "username", .type = FT_TEXT, .flags = 0, .min = 0, .max = 127, .check = NULL, .hint = NULL },
	{ .name = "password", .type = FT_TEXT, .flags = FF_WRITEONLY, .min = 0, .max = 127, .check = NULL, .hint = NULL },
	{ .name = "register", .type = FT_BOOL, .flags = 0, .min = 0, .max = 1, .check = NULL, .hint = NULL },
	{ .name = "expires", .type = FT_INT, .flags = 0, .min = 60, .max = 86400, .check = NULL, .hint = NULL },
	{ .name = "caller_id", .type = FT_TEXT, .flags = 0, .min = 0, .max = 63, .check = api_check_number, .hint = NUMBER_HINT },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_trunks = {
	.name = "trunks", .table = "trunks", .object = "trunk", .tenant_col = "tenant_id",
	.fields = trunk_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "name", .changes = API_CHANGED_TRUNKS, .stamps_in_s = true,
};

static const struct api_field number_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "number", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = api_check_number, .hint = NUMBER_HINT },
	{ .name = "trunk_id", .type = FT_INT, .flags = FF_FILTER, .min = 1, .max = BIG, .check = NULL, .hint = NULL, .ref = "trunks" },
	{ .name = "extension", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER, .min = 1, .max = 63, .check = api_check_name, .hint = NAME_HINT },
	{ .name = "scenario_id", .type = FT_INT, .flags = FF_FILTER, .min = 1, .max = BIG,
	  .ref = "scenarios" },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_numbers = {
	.name = "numbers", .table = "numbers", .object = "number", .tenant_col = "tenant_id",
	.fields = number_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "number", .changes = API_CHANGED_TRUNKS, .stamps_in_s = true,
};

static const struct api_field route_fields[] = {
	F_ID,
	F_TENANT,
	{ .name = "prefix", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .min = 0, .max = 31, .check = api_check_digits, .hint = "digits (may be empty)" },
	{ .name = "trunk_id", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER, .min = 1, .max = BIG, .check = NULL, .hint = NULL, .ref = "trunks" },
	{ .name = "strip", .type = FT_INT, .flags = 0, .min = 0, .max = 31, .check = NULL, .hint = NULL },
	{ .name = "prepend", .type = FT_TEXT, .flags = 0, .min = 0, .max = 31, .check = api_check_number, .hint = NUMBER_HINT },
	{ .name = "caller_id", .type = FT_TEXT, .flags = 0, .min = 0, .max = 63, .check = api_check_number, .hint = NUMBER_HINT },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_routes = {
	.name = "routes", .table = "routes", .object = "route", .tenant_col = "tenant_id",
	.fields = route_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.sort_default = "prefix", .changes = API_CHANGED_TRUNKS, .stamps_in_s = true,
};
